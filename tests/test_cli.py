"""The command line, driven in-process with click's CliRunner."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fogofwar.cli import cli

from .conftest import FIXTURES

SAMPLES = Path(__file__).parent.parent / "samples"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_extract_writes_one_row_per_document_of_a_folder(tmp_path):
    """The bundled samples folder gives one row per report, feed entries included."""
    out = tmp_path / "out.jsonl"
    result = run("extract", str(SAMPLES), "-o", str(out), "-q")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 6
    assert all(r["error"] is None for r in rows)
    assert all(r["events"] for r in rows)


def test_extract_reads_json_lines_from_stdin():
    """'-' reads JSON Lines from standard input and writes to standard output."""
    result = run("extract", "-", "-q", input='{"id": "s", "text": "Troops withdrew from Lyman."}\n')
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "s"


def test_a_missing_file_is_a_one_line_message_and_the_rest_runs(tmp_path):
    """A missing input is named on stderr; existing inputs are still processed."""
    out = tmp_path / "out.jsonl"
    result = run("extract", str(tmp_path / "nope.txt"), str(FIXTURES / "report.txt"), "-o", str(out))
    assert "no such file or folder" in result.stderr
    assert len(out.read_text().splitlines()) == 1


def test_nothing_readable_exits_nonzero(tmp_path):
    """When no input exists at all the command fails."""
    result = run("extract", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2


def test_bad_files_become_error_rows(tmp_path):
    """A French text and a binary file get error rows; the exit code stays 0."""
    out = tmp_path / "out.jsonl"
    result = run("extract", str(FIXTURES / "french.txt"), str(FIXTURES / "binary.txt"), "-o", str(out), "-q")
    assert result.exit_code == 0
    codes = [json.loads(line)["error"]["code"] for line in out.read_text().splitlines()]
    assert codes[0] == "not_english" and codes[1] in ("binary", "encoding")


def test_summarize_prints_events_and_claims(tmp_path):
    """summarize reads an output file and lists each document's events."""
    out = tmp_path / "out.jsonl"
    run("extract", str(FIXTURES / "report.txt"), "-o", str(out), "-q")
    result = run("summarize", str(out))
    assert "RETREAT" in result.stdout and "ASSAULT" in result.stdout
