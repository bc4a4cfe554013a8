"""The command line, driven in-process with click's CliRunner."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fogofwar.cli import cli, plural

from .conftest import FIXTURES
from .test_api import web_store  # noqa: F401 - the shared session store of our five reports

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


GOOD = "Russian troops shelled Kharkiv on Monday, the regional governor said."


def bad_lines() -> bytes:
    """Good rows around every kind of line that once stopped a batch."""
    return b"".join([
        b'\xef\xbb\xbf{"id": "bom", "text": "' + GOOD.encode() + b'"}\n',
        b'{"id": "surrogate", "text": "Russian troops \\ud800 shelled Kharkiv on Monday, the governor said."}\n',
        b'{"id": "bytes", "text": "Russian \xff\xfe troops shelled Kharkiv."}\n',
        b"[" * 100_000 + b"\n",
        b'{"id": "early", "published": "0001-01-01", "text": "' + GOOD.encode() + b' Tomorrow and yesterday too."}\n',
        b'{"id": "late", "published": "9999-12-31", "text": "' + GOOD.encode() + b' Tomorrow and yesterday too."}\n',
        b'{"text": "' + GOOD.encode() + b'"}\n',
    ])





def test_extract_gives_every_bad_stdin_line_its_own_row():
    """Surrogates, bad bytes, deep nesting, a BOM and dates at the calendar's ends: one row each, in order."""
    result = CliRunner().invoke(cli, ["extract", "-", "-q", "--workers", "1"], input=bad_lines(), catch_exceptions=False)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[r["id"], r["error"]["code"] if r["error"] else None] for r in rows] == [
        ["bom", None], ["surrogate", None], ["stdin:line-3", "encoding"], ["stdin:line-4", "malformed_json"],
        ["early", None], ["late", None], ["stdin:line-7", None]]
    assert rows[1]["text"] == "Russian troops \ufffd shelled Kharkiv on Monday, the governor said."
    assert rows[1]["events"] and rows[4]["events"] and rows[5]["events"]


def test_ingest_stores_the_same_bad_lines_and_a_rerun_changes_nothing(tmp_path):
    """The same lines from a file ingest without a crash, and a rerun finds every row unchanged."""
    source = tmp_path / "bad.jsonl"
    source.write_bytes(bad_lines())
    db = tmp_path / "s.duckdb"
    args = ["ingest", str(source), "--db", str(db), "--workers", "1", "--no-embeddings"]
    first = run(*args)
    assert first.exit_code == 0
    assert "7 documents read, 7 written, 0 unchanged, 2 with errors" in first.stderr
    again = run(*args)
    assert "7 documents read, 0 written, 7 unchanged, 0 with errors" in again.stderr
    shown = run("query", "SELECT doc_id, error_code FROM documents ORDER BY doc_id", "--db", str(db), "--format", "json")
    assert sorted(json.loads(line)["doc_id"] for line in shown.stdout.splitlines()) == sorted(
        ["bom", "surrogate", f"{source}:line-3", f"{source}:line-4", "early", "late", f"{source}:line-7"])


def test_max_chars_above_two_million_is_parsed(tmp_path):
    """spaCy's own 2,000,000-character guard (E088) follows --max-chars instead of failing the batch."""
    source = tmp_path / "long.jsonl"
    long_text = GOOD + " " * 2_100_000 + "The governor said so again."
    source.write_text(json.dumps({"id": "long", "text": long_text}) + "\n" + json.dumps({"id": "next", "text": GOOD}) + "\n")
    result = run("extract", str(source), "-q", "--workers", "1", "--max-chars", "2500000")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["error"]) for r in rows] == [("long", None), ("next", None)]
    assert rows[0]["events"]


def test_quiet_hides_trafilatura_noise_for_pages_it_cannot_parse(tmp_path, caplog):
    """A fragment and HTML 300 levels deep are read by the fallback, and trafilatura's "empty HTML tree" stays off stderr."""
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 300 + f"<p>{GOOD}</p>" + "</div>" * 300 + "</body></html>")
    fragment = tmp_path / "fragment.jsonl"
    fragment.write_text(json.dumps({"id": "f", "html": f"<p>{GOOD}</p>"}) + "\n")
    result = run("extract", str(page), str(fragment), "-q", "--workers", "1")
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == [GOOD, GOOD]
    # pytest's own log handler keeps the CLI's from printing here, so the records themselves are checked.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("trafilatura")] == []


def make_store(tmp_path) -> Path:
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"id": "a", "text": GOOD, "published": "2022-05-10"}) + "\n")
    db = tmp_path / "q.duckdb"
    assert run("ingest", str(source), "--db", str(db), "--workers", "1", "--no-embeddings", "-q").exit_code == 0
    return db


def test_query_refuses_file_access_unless_allowed(tmp_path):
    """COPY, EXPORT, read_text, read_csv, glob, INSTALL, LOAD and ATTACH are refused, naming --allow-files."""
    db = make_store(tmp_path)
    target = tmp_path / "out.csv"
    for sql in [f"COPY documents TO '{target}'", f"EXPORT DATABASE '{tmp_path / 'dump'}'",
                "SELECT * FROM read_text('/etc/passwd')", "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT * FROM glob('/etc/*')", "INSTALL httpfs", "LOAD httpfs", f"ATTACH '{tmp_path / 'x.duckdb'}' AS x",
                "SET enable_external_access = true", "SELECT 1; COPY documents TO '/tmp/fogofwar-leak.csv'"]:
        result = CliRunner().invoke(cli, ["query", sql, "--db", str(db)])
        assert result.exit_code == 1, sql
        assert "--allow-files" in result.output or "locked" in result.output, (sql, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not target.exists() and not (tmp_path / "dump").exists() and not (tmp_path / "x.duckdb").exists()
    shown = run("query", "SELECT doc_id, error_code FROM documents", "--db", str(db), "--format", "json")
    assert [json.loads(line) for line in shown.stdout.splitlines()] == [{"doc_id": "a", "error_code": None}]


def test_query_with_allow_files_may_write_a_file(tmp_path):
    """--allow-files lets COPY write where the user asks."""
    db = make_store(tmp_path)
    target = tmp_path / "out.csv"
    assert run("query", f"COPY (SELECT doc_id FROM documents) TO '{target}'", "--db", str(db), "--allow-files").exit_code == 0
    assert target.read_text().splitlines() == ["doc_id", "a"]


def test_a_damaged_store_is_a_one_line_message_and_a_nonzero_exit(tmp_path):
    """A store whose blocks are overwritten fails ingest with one line naming the store, no traceback."""
    db = make_store(tmp_path)
    data = bytearray(db.read_bytes())
    third = len(data) // 3
    data[third:2 * third] = b"\xab" * third
    db.write_bytes(bytes(data))
    source = tmp_path / "more.jsonl"
    source.write_text(json.dumps({"id": "b", "text": GOOD}) + "\n")
    result = CliRunner().invoke(cli, ["ingest", str(source), "--db", str(db), "--workers", "1", "--no-embeddings", "-q"])
    assert result.exit_code == 1
    # Where the damage is met (opening, or the first read) depends on the file's layout; both say so in one line.
    assert re.match(rf"Error: (cannot open )?store {re.escape(str(db))}: IO Error: Corrupt database file", result.output)
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output


def test_a_full_disk_during_ingest_is_a_one_line_message_naming_the_cause(tmp_path, monkeypatch):
    """The write error that started it ("No space left on device") is shown, not the failed rollback after it."""
    import duckdb

    import fogofwar.store

    def disk_full(con, table, rows):
        # As DuckDB does when a write fails: the transaction is gone, so the store's ROLLBACK fails in turn.
        con.execute("ROLLBACK")
        raise duckdb.IOException('Could not write file "s.duckdb.wal": No space left on device')

    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n")
    monkeypatch.setattr(fogofwar.store, "_insert_rows", disk_full)
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(source), "--db", str(db), "--workers", "1", "--no-embeddings", "-q"])
    assert (result.exit_code, result.output) == (
        1, f'Error: store {db}: Could not write file "s.duckdb.wal": No space left on device\n')


REPORT = ("Russian forces shelled Kharkiv on Monday, killing two civilians, the regional governor said.\n"
          "Moscow denied targeting residential areas and said its troops struck military sites near Izium.\n"
          "Ukraine's General Staff said its forces repelled an attack near Bakhmut on Sunday.")


def mutations(prefix: str, n: int, seed: int) -> bytes:
    """n JSON lines of a report, each hit by a byte flip, a cut, inserted unicode or broken JSON (fixed seed)."""
    import random

    rng = random.Random(seed)
    out = []
    for i in range(n):
        line = bytearray(json.dumps({"id": f"{prefix}{i}", "published": "2022-05-10", "text": REPORT}).encode())
        kind = i % 4
        if kind == 0:
            for _ in range(rng.randint(1, 4)):
                line[rng.randrange(len(line))] = rng.randrange(256)
        elif kind == 1:
            del line[rng.randrange(1, len(line)):]
        elif kind == 2:
            at = rng.randrange(len(line))
            line[at:at] = rng.choice(["\u202e", "\U0001f4a5", "\\ud800", "\\udfff\\ud800", "\ufeff", "\x85", "\u2028"]).encode()
        else:
            at = rng.randrange(len(line))
            line[at:at] = rng.choice([b'"', b"{", b"]", b"\\", b"[" * 5000, b'", "text": 5, "x": "'])
        out.append(bytes(line))
    return b"\n".join(out) + b"\n"


def test_fuzzed_lines_through_a_file_and_standard_input_get_exactly_one_row_each(tmp_path):
    """A fixed-seed fuzz of 120 mutated rows: one row per non-blank input line, in order, and no internal errors."""
    source = tmp_path / "fuzz.jsonl"
    source.write_bytes(mutations("f", 60, seed=18))
    piped = mutations("s", 60, seed=81)
    result = CliRunner().invoke(cli, ["extract", str(source), "-", "-q", "--workers", "1"], input=piped,
                                catch_exceptions=False)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    lines = [line for data in (source.read_bytes(), piped) for line in data.split(b"\n") if line.strip()]
    assert len(rows) == len(lines)
    assert [r["error"]["code"] for r in rows if r["error"] and r["error"]["code"] == "internal"] == []
    # Rows that kept their id come back in input order.
    kept = [r["id"] for r in rows if r["id"][:1] in "fs" and r["id"][1:].isdigit()]
    assert kept == sorted(kept, key=lambda x: (x[0] != "f", int(x[1:])))


def test_a_full_disk_under_extract_output_is_a_one_line_message(tmp_path):
    """Writing the rows to a device that is full (/dev/full) fails with one line and exit code 1."""
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n")
    result = CliRunner().invoke(cli, ["extract", str(source), "-o", "/dev/full", "-q", "--workers", "1"])
    assert (result.exit_code, result.output) == (1, "Error: cannot write /dev/full: No space left on device\n")


def test_plural_says_one_document_and_two_documents():
    """A count of one takes the singular noun, any other count the plural."""
    from fogofwar.cli import plural

    assert [plural(1, "document"), plural(0, "document"), plural(2, "incident"), plural(1, "match", "matches"),
            plural(3, "match", "matches")] == ["1 document", "0 documents", "2 incidents", "1 match", "3 matches"]


def test_the_document_count_reads_lines_files_and_feed_entries_and_not_stdin(tmp_path):
    """A progress total counts non-blank JSON lines, files and feed entries; standard input or gzip is unknown."""
    import gzip

    from fogofwar.cli import _count_documents

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "rows.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n{"text": "c"}')
    (folder / "sub" / "report.txt").write_text(GOOD)
    (folder / "sub" / "notes.md").write_text("not read")
    (folder / "feed.xml").write_text("<rss><channel><item><title>a</title></item><item><title>b</title></item>"
                                     "</channel></rss>")
    zipped = tmp_path / "rows.jsonl.gz"
    zipped.write_bytes(gzip.compress(b'{"text": "a"}\n'))
    assert [_count_documents([str(folder)]), _count_documents([str(folder), str(folder / "sub" / "report.txt")]),
            _count_documents([str(folder), "-"]), _count_documents([str(zipped)])] == [6, 7, None, None]


@pytest.fixture(scope="module")
def one_document_store(tmp_path_factory):
    """A store of one report, ingested with progress shown as on a terminal: (path, the ingest's stderr)."""
    import fogofwar.cli

    tmp = tmp_path_factory.mktemp("one")
    source = tmp / "one.jsonl"
    source.write_text(json.dumps({"id": "a", "text": GOOD, "published": "2022-05-10"}) + "\n\n")
    db = tmp / "q.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fogofwar.cli, "_show_progress", lambda quiet: not quiet)
        result = run("ingest", str(source), "--db", str(db), "--workers", "1", "--no-embeddings")
    assert result.exit_code == 0
    return db, result.stderr


def test_ingest_says_one_document_and_one_incident(one_document_store):
    """The closing line of an ingest of one report uses the singular."""
    db, stderr = one_document_store
    assert stderr.splitlines()[-1] == (
        f"fogofwar: 1 document read, 1 written, 0 unchanged, 0 with errors; 1 incident in {db}")


def test_ingest_progress_has_a_total_and_a_merge_line(one_document_store):
    """On a terminal the ingest bar counts to the documents of the input, then a merge line gives the time it took."""
    _db, stderr = one_document_store
    lines = [part for part in re.split(r"[\r\n]+", stderr) if part.strip()]
    assert re.match(r"ingest: 100%\|█+\| 1/1 \[", [x for x in lines if x.startswith("ingest")][-1])
    assert [re.sub(r"[\d.]+ s$", "N s", x) for x in lines if x.startswith("merge")][-1] == (
        "merge: merged incidents in N s")


def test_export_of_one_record_says_one_record(one_document_store, tmp_path):
    """export counts what it wrote in the singular when it wrote one."""
    db, _ = one_document_store
    result = run("export", "--db", str(db), "--format", "jsonl", "-o", str(tmp_path / "x.jsonl"))
    assert result.stderr == f"fogofwar: 1 record written to {tmp_path / 'x.jsonl'}\n"


def test_incidents_table_has_a_header_aligned_with_its_rows(one_document_store):
    """The table starts with id, type, date, place, sources, docs, status and summary, each over its column."""
    db, _ = one_document_store
    result = run("incidents", "--db", str(db))
    header, row = result.stdout.splitlines()
    assert header.split() == ["id", "type", "date", "place", "sources", "docs", "status", "summary"]
    assert row.split("  ")[0].startswith("inc-")
    starts = {w: header.index(w) for w in ("type", "date", "place", "status", "summary")}
    assert [row[i:].split("  ")[0] for i in starts.values()] == [
        "ASSAULT", "2022-05-09", "Kharkiv", "reported", GOOD]
    # The counts are right-aligned under their headers.
    assert row[header.index("sources") + len("sources") - 1] == "1" and row[header.index("docs") + 3] == "1"


def test_incidents_dates_follow_the_api_rules(one_document_store):
    """YYYY, YYYY-MM and YYYY-MM-DD on the calendar pass; anything else, or since after until, is a usage error."""
    db, _ = one_document_store
    shown = [len(run("incidents", "--db", str(db), *args).stdout.splitlines())
             for args in (["--since", "2022"], ["--since", "2022-05", "--until", "2022-05-09"], ["--since", "2023"])]
    assert shown == [2, 2, 0]
    for args, message in [
            (["--since", "yesterday"], "Invalid value for '--since': yesterday is not a date "
                                       "(YYYY, YYYY-MM or YYYY-MM-DD); e.g. --since 2022-05-10"),
            (["--until", "2022-02-30"], "Invalid value for '--until': 2022-02-30 is not a calendar date "
                                        "(YYYY, YYYY-MM or YYYY-MM-DD); e.g. --until 2022-05-10"),
            (["--since", "0000"], "Invalid value for '--since': 0000 is not a calendar date"),
            (["--since", "2022-06", "--until", "2022-05"], "--since 2022-06 is after --until 2022-05")]:
        result = CliRunner().invoke(cli, ["incidents", "--db", str(db), *args])
        assert result.exit_code == 2, args
        assert f"Error: {message}" in result.stderr, result.stderr


def test_summarize_reads_results_from_standard_input(tmp_path):
    """`summarize -` prints for rows on standard input what it prints for the same rows in a file."""
    out = tmp_path / "out.jsonl"
    run("extract", "-", "-o", str(out), "-q", "--workers", "1", input=json.dumps({"id": "s", "text": GOOD}) + "\n")
    from_file = run("summarize", str(out))
    from_stdin = run("summarize", "-", input=out.read_text())
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout
    assert "\n== s: (no title) [undated]\n   " in from_stdin.stdout and " 1 event, " in from_stdin.stdout


def test_serve_on_a_port_in_use_is_one_message_before_anything_serves(tmp_path):
    """A port another process listens on is named with the fix, exit code 1, and no server file is written."""
    import socket

    db = tmp_path / "s.duckdb"
    db.touch()  # never opened: the port is checked first
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", str(port)])
    assert (result.exit_code, result.output) == (
        1, f"Error: port {port} on 127.0.0.1 is in use; choose another with --port\n")
    assert not (tmp_path / "s.duckdb.serve.json").exists()


@pytest.mark.parametrize("args, params", [
    (["--types", "RETREAT,PROTEST"], {"types": "RETREAT,PROTEST"}),
    (["--types", "RETREAT", "--types", "protest"], {"types": "RETREAT,PROTEST"}),
    (["--since", "2022-07", "--until", "2022-09-30"], {"since": "2022-07", "until": "2022-09-30"}),
    (["--bbox", "30,46,31.5,47"], {"bbox": "30,46,31.5,47"}),
    (["--type", "assault", "--actor", "RUSMIL"], {"type": "ASSAULT", "actor": "RUSMIL"}),
    (["--status", "disputed", "--min-sources", "1"], {"status": "disputed", "min_sources": 1}),
    ([], {"min_sources": 0}),
])
def test_export_takes_the_filters_of_the_api(web_store, tmp_path, args, params):
    """`export` with filters writes the incidents /api/incidents lists for the same filters, in its order."""
    import csv

    from fastapi.testclient import TestClient

    from fogofwar.api import create_app

    out = tmp_path / "view.csv"
    result = run("export", "--db", str(web_store), "--format", "acled-csv", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as f:
        exported = [r["event_id_cnty"] for r in csv.DictReader(f)]
    app = create_app(web_store, static_dir=None)
    with TestClient(app) as client:
        listed = [i["incident_id"] for i in client.get("/api/incidents", params={"limit": 500, **params}).json()["items"]]
    app.state.served.close()
    assert exported == listed and result.stderr == f"fogofwar: {plural(len(listed), 'record')} written to {out}\n"
    geo = tmp_path / "view.geojson"
    assert run("export", "--db", str(web_store), "--format", "geojson", "-o", str(geo), *args).exit_code == 0
    assert [f["id"] for f in json.loads(geo.read_text())["features"]] == listed


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "Invalid value for '--since': yesterday is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    (["--since", "2022-06", "--until", "2022-05"], "--since 2022-06 is after --until 2022-05"),
    (["--bbox", "40,50,30,45"], "Invalid value for '--bbox': need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH"),
    (["--types", "BOMBING"], "Invalid value for '--types': unknown PLOVER type BOMBING; use any of ACCUSE, "),
    (["--status", "maybe"], "Invalid value for '--status': unknown status maybe; use one of asserted, "),
    (["--near", "46,32"], "Invalid value for '--near': use LAT,LON,KM, e.g. 46.64,32.61,50"),
    (["--actor", "R%"], "Invalid value for '--actor': R% is not an actor code: 2 to 12 letters, e.g. RUSMIL"),
])
def test_export_refuses_the_filters_the_api_refuses(web_store, tmp_path, args, message):
    """A filter the API answers 400 is a usage error of `export`, exit 2, and no file is written."""
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(web_store), "--format", "acled-csv", "-o", str(out), *args])
    assert result.exit_code == 2 and message in result.output and not out.exists()
