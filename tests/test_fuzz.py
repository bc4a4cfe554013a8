"""Fuzzing `fogofwar extract`: mutated JSON Lines through a file and through standard input."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import fogofwar

REPORT = (
    "KYIV, June 3 (Reporters) - Russian forces shelled the city of Kharkiv overnight, killing two civilians "
    "and injuring five, the regional governor said on Friday.\n\n"
    "\u201cThe strikes hit a school and a bakery,\u201d Governor Oleh Synehubov wrote on Telegram. "
    "Moscow denied targeting civilians and said its troops struck \"military infrastructure\" only.\n\n"
    "Ukraine's army said it had pushed Russian units back from two villages north of the city, "
    "a claim Reuters could not independently verify.")

SEED = 20220603
MUTATIONS = 240
UNICODE = ["\ud800", "\udfff", "\ud83d", "\u202e", "\u200f", "\u202b", "\ufeff", "\u2028", "\u2029", "\x00",
           "\x07", "\x1b", "\x7f", "\u0301" * 40, "\U0001F4A5", "\uffff", "\U0010FFFF", "\u200b" * 20]
BROKEN = [b"{", b"[" * 5000, b'{"id": "x", "text": }', b"null", b"[1, 2]", b'"just a string"', b"{}}",
          b'{"text": "unterminated', b"\xff\xfe{}", b'{"id": "fz", "text": 1e999999}', b"\xef\xbb\xbf{}"]


def mutate(k: int, rng: random.Random) -> bytes:
    """One JSON line carrying the report, broken in one of several ways."""
    row = {"id": f"fz-{k}", "published": "2022-06-03", "text": REPORT}
    kind = rng.randrange(8)
    if kind == 0:  # inserted unicode: lone surrogates, controls, bidirectional marks
        text = list(REPORT)
        for _ in range(rng.randint(1, 6)):
            text.insert(rng.randrange(len(text) + 1), rng.choice(UNICODE))
        row["text"] = "".join(text)
        return json.dumps(row, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    if kind == 1:  # huge numbers where strings belong
        field = rng.choice(["published", "id", "text", "title"])
        number = rng.choice(["9" * 5000, "1e999999", "-1e400", "123456789012345678901234567890"])
        parts = [f'"{k}": {json.dumps(v)}' for k, v in row.items() if k != field] + [f'"{field}": {number}']
        return ("{" + ", ".join(parts) + "}").encode()
    if kind == 2:  # nested quotes
        depth = rng.randint(1, 400)
        row["text"] = REPORT + " He said " + "".join(rng.choice("\"'\u201c\u2018\u00ab") + "x " for _ in range(depth))
        return json.dumps(row).encode()
    if kind == 3:  # a broken JSON line
        return rng.choice(BROKEN)
    if kind == 4:  # published dates off the calendar, ids of other types
        row["published"] = rng.choice(["0001-01-01", "9999-12-31", "2022-02-30", "", "yesterday", None])
        row["url"] = rng.choice([None, 42, ["a"], "http://\u202eexample"])
        return json.dumps(row).encode()
    line = bytearray(json.dumps(row, ensure_ascii=False).encode())
    start = len(f'{{"id": "fz-{k}"'.encode())
    if kind in (5, 6):  # byte flips after the id
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(start, len(line))
            line[i] ^= rng.randint(1, 255)
    else:  # truncated anywhere
        del line[rng.randrange(1, len(line)):]
    return bytes(line)


def fuzz_lines() -> list[bytes]:
    rng = random.Random(SEED)
    lines = []
    for k in range(1, MUTATIONS + 1):
        line = mutate(k, rng).replace(b"\n", b" ").replace(b"\r", b" ")
        lines.append(line if line.strip() else b"{")  # a blank line is skipped, not a row
    return lines


def expected_id(line: bytes, source: str, number: int) -> str:
    """The id a line's row must carry: the id the line names, else its place in the input."""
    try:
        row = json.loads(line.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return f"{source}:line-{number}"
    if isinstance(row, dict) and row.get("id") not in (None, ""):
        return str(row["id"])
    return f"{source}:line-{number}"


def run_extract(args: list[str], stdin: bytes | None = None) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(Path(fogofwar.__file__).resolve().parents[1]))
    proc = subprocess.run([sys.executable, "-m", "fogofwar", "extract", *args, "--workers", "2", "-q"],
                          input=stdin, capture_output=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]


def expected_ids(lines: list[bytes], source: str) -> list[str]:
    """Each line's id; the n-th document with an id already used is `<id>#n`."""
    seen: dict[str, int] = {}
    out = []
    for n, line in enumerate(lines, start=1):
        doc_id = expected_id(line, source, n)
        seen[doc_id] = seen.get(doc_id, 0) + 1
        out.append(f"{doc_id}#{seen[doc_id]}" if seen[doc_id] > 1 else doc_id)
    return out


def check_rows(rows: list[dict], lines: list[bytes], source: str) -> None:
    assert len(rows) == len(lines)
    assert [r["id"] for r in rows] == expected_ids(lines, source)
    assert [r["id"] for r in rows if (r["error"] or {}).get("code") == "internal"] == []


def test_every_mutated_line_of_a_file_gets_its_own_row_and_none_is_internal(tmp_path):
    """Two hundred and forty mutations of a report in a .jsonl file give one row each, in order, none internal."""
    lines = fuzz_lines()
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rows = run_extract([str(path)])
    check_rows(rows, lines, str(path))
    assert sum(1 for r in rows if r["error"] is None) > MUTATIONS // 4  # the mutations leave many readable


def test_every_mutated_line_of_standard_input_gets_its_own_row_and_none_is_internal():
    """The same mutations through standard input give one row each, named stdin:line-N when they name none."""
    lines = fuzz_lines()
    rows = run_extract(["-"], stdin=b"\n".join(lines) + b"\n")
    check_rows(rows, lines, "stdin")
