"""Reading inputs: decoding, HTML, feeds, JSON Lines, and the guards on bad text."""
from __future__ import annotations

import io

import pytest

from fogofwar.errors import DocumentError, ErrorCode
from fogofwar.ingest import (FailedDocument, RawDocument, check_text, decode_bytes, extract_main_text, find_furniture,
                             find_published, normalize_published, read_feed, read_jsonl_lines, read_inputs)
from fogofwar.settings import Settings

from .conftest import FIXTURES

SETTINGS = Settings()


def test_decode_bytes_reads_utf8_with_bom():
    """A UTF-8 byte-order mark is dropped."""
    assert decode_bytes("\ufeffKyiv said".encode("utf-8")) == "Kyiv said"


def test_decode_bytes_falls_back_to_a_detected_encoding():
    """Latin-1 text is decoded, accents intact."""
    assert "café" in decode_bytes((FIXTURES / "latin1.txt").read_bytes())


def test_decode_bytes_refuses_nul_bytes():
    """Bytes with NULs are binary, not text."""
    with pytest.raises(DocumentError) as err:
        decode_bytes(b"PK\x03\x04\x00\x00\x14\x00")
    assert err.value.code == ErrorCode.BINARY


@pytest.mark.parametrize("text, code", [
    ("", ErrorCode.EMPTY),
    (" \n\t ", ErrorCode.EMPTY),
    ("\x00\x01\x02\x03 abc", ErrorCode.BINARY),
    ("Les forces russes se sont retirées de la ville après des combats dans la région, selon le ministère.", ErrorCode.NOT_ENGLISH),
    ("Российские войска отступили из города после тяжелых боев в регионе.", ErrorCode.NOT_ENGLISH),
])
def test_check_text_rejects_unreadable_text(text, code):
    """Empty, binary and non-English texts raise the matching error code."""
    with pytest.raises(DocumentError) as err:
        check_text(text, SETTINGS)
    assert err.value.code == code


def test_check_text_rejects_text_over_the_limit():
    """A text longer than max_chars is too_large, whatever its content."""
    with pytest.raises(DocumentError) as err:
        check_text("Troops said so. " * 100, Settings(max_chars=500))
    assert err.value.code == ErrorCode.TOO_LARGE


def test_check_text_accepts_english_news():
    """An ordinary English sentence passes every guard."""
    check_text("Russian forces shelled the town overnight, the governor said on Monday.", SETTINGS)


def test_find_published_reads_the_dateline():
    """A dateline near the top gives the publication date."""
    assert find_published("Headline here\n\nNovember 10, 2022\n2 MIN READ\n\nBody.") == "2022-11-10"
    assert find_published("KYIV, 4 March 2022 - Body text.") == "2022-03-04"
    assert find_published("No date in this text at all.") is None


def test_normalize_published_keeps_the_date_of_a_datetime():
    """ISO datetimes become dates; junk becomes None."""
    assert normalize_published("2022-11-10T08:15:00Z") == "2022-11-10"
    assert normalize_published("2022-02-30") is None
    assert normalize_published("last Tuesday") is None


def test_find_furniture_marks_read_times_font_buttons_and_credits():
    """Whole lines of page furniture are found and nothing else."""
    text = "Title\n\n2 MIN READ\nA\nA+\nA-\n\nTroops withdrew, officials said.\nReporting by Jane Roe; Editing by John Doe\n"
    lines = [text[s:e] for s, e in find_furniture(text)]
    assert lines == ["2 MIN READ", "A", "A+", "A-", "Reporting by Jane Roe; Editing by John Doe"]


def test_read_jsonl_lines_turns_a_malformed_line_into_a_failure_named_by_its_line():
    """A line that is not JSON becomes a failure with id <source>:line-N; the next line is still read."""
    stream = io.StringIO('{"id": "a", "text": "One."}\n{not json\n\n{"id": "b", "text": "Two."}\n[1, 2]\n')
    items = list(read_jsonl_lines(stream, "test", SETTINGS))
    assert [type(i).__name__ for i in items] == ["RawDocument", "FailedDocument", "RawDocument", "FailedDocument"]
    assert (items[1].id, items[1].code) == ("test:line-2", ErrorCode.MALFORMED_JSON)
    assert (items[3].id, items[3].code) == ("test:line-5", ErrorCode.BAD_ROW)


def test_read_jsonl_lines_keeps_text_exactly():
    """A row's text is passed on character for character, odd spacing included."""
    row = '{"id": "x", "text": "  Two  spaces\\r\\nand a CRLF.  ", "published": "2022-01-02"}\n'
    (item,) = read_jsonl_lines(io.StringIO(row), "test", SETTINGS)
    assert item == RawDocument(id="x", text="  Two  spaces\r\nand a CRLF.  ", published="2022-01-02")


def test_extract_main_text_survives_broken_html():
    """Unclosed tags still yield the article text, without navigation."""
    text, title, _ = extract_main_text((FIXTURES / "broken.html").read_text())
    assert "drone strike hit a fuel depot in Sevastopol" in text
    assert title == "Strike on depot"


def test_read_feed_yields_one_document_per_entry():
    """An RSS feed's items become documents with their links, titles and dates."""
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>
    <item><title>One</title><link>https://example.org/1</link><pubDate>Tue, 18 Apr 2023 07:00:00 GMT</pubDate>
    <description>&lt;p&gt;Troops withdrew from the town, officials said.&lt;/p&gt;</description></item>
    <item><title>Two</title><link>https://example.org/2</link><description>Talks resumed in Geneva.</description></item>
    </channel></rss>"""
    docs = list(read_feed(feed, "feed.xml"))
    assert [(d.id, d.title, d.published, d.text) for d in docs] == [
        ("https://example.org/1", "One", "2023-04-18", "Troops withdrew from the town, officials said."),
        ("https://example.org/2", "Two", None, "Talks resumed in Geneva."),
    ]


def test_read_inputs_reads_a_folder_in_sorted_order(tmp_path):
    """A folder yields its readable files in name order and skips others."""
    (tmp_path / "b.txt").write_text("Second report.")
    (tmp_path / "a.txt").write_text("First report.")
    (tmp_path / "notes.docx").write_bytes(b"ignored")
    ids = [i.id for i in read_inputs([str(tmp_path)], SETTINGS)]
    assert ids == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_read_inputs_reports_binary_files_as_failures():
    """A binary .txt becomes a failure row, not an exception."""
    (item,) = read_inputs([str(FIXTURES / "binary.txt")], SETTINGS)
    assert isinstance(item, (FailedDocument, RawDocument))
    if isinstance(item, RawDocument):  # decoded as UTF-16 garbage: the text guard catches it
        with pytest.raises(DocumentError) as err:
            check_text(item.text, SETTINGS)
        assert err.value.code == ErrorCode.BINARY
    else:
        assert item.code in (ErrorCode.BINARY, ErrorCode.ENCODING)


def ids_and_codes(items):
    return [(i.id, getattr(i, "code", None)) for i in items]


def test_a_lone_surrogate_is_replaced_one_for_one(tmp_path):
    """An escaped lone surrogate becomes U+FFFD, so the text can be written and its offsets hold."""
    source = tmp_path / "s.jsonl"
    source.write_text('{"id": "x", "title": "T \\udc80", "text": "Kyiv \\ud800 said."}\n', encoding="ascii")
    (item,) = read_inputs([str(source)], SETTINGS)
    assert (item.id, item.title, item.text) == ("x", "T \ufffd", "Kyiv \ufffd said.")


def test_invalid_utf8_in_a_json_line_spoils_only_that_line(tmp_path):
    """A line with bytes that are not UTF-8 gets an encoding failure; the lines around it are read."""
    source = tmp_path / "u.jsonl"
    source.write_bytes(b'{"id": "a", "text": "One."}\n{"id": "b", "text": "T\xff\xfewo."}\n{"id": "c", "text": "Three."}\n')
    items = list(read_inputs([str(source)], SETTINGS))
    assert ids_and_codes(items) == [("a", None), (f"{source}:line-2", ErrorCode.ENCODING), ("c", None)]
    assert items[1].message == f"{source} line 2: byte 23 is not UTF-8 (JSON Lines must be UTF-8)"


def test_invalid_utf8_on_standard_input_spoils_only_that_line(monkeypatch):
    """Standard input is read as bytes, line by line, so one bad line cannot end the stream."""
    data = b'{"id": "a", "text": "One."}\n{"id": "b", "text": "\xc3("}\n{"id": "c", "text": "Three."}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert ids_and_codes(read_inputs(["-"], SETTINGS)) == [("a", None), ("stdin:line-2", ErrorCode.ENCODING), ("c", None)]


def test_deeply_nested_json_is_malformed_json():
    """A line of 100,000 '[' is refused as malformed_json instead of exhausting the stack."""
    lines = [b"[" * 100_000 + b"\n", b"1" * 5000 + b"\n", b'{"id": "ok", "text": "Fine."}\n']
    items = list(read_jsonl_lines(lines, "deep", SETTINGS))
    assert ids_and_codes(items) == [("deep:line-1", ErrorCode.MALFORMED_JSON), ("deep:line-2", ErrorCode.MALFORMED_JSON),
                                    ("ok", None)]
    assert items[0].message == "deep line 1: nested too deeply to read"


def write_gzip_rows(path, n):
    import gzip
    import json

    data = gzip.compress("".join(json.dumps({"id": f"r{i}", "text": f"Report {i}."}) + "\n" for i in range(n)).encode())
    path.write_bytes(data)
    return data


def test_a_truncated_jsonl_gz_keeps_its_rows_and_the_next_input_runs(tmp_path):
    """A gzip cut short gives the rows read so far, one unreadable row, then the next input's rows."""
    cut = tmp_path / "cut.jsonl.gz"
    data = write_gzip_rows(cut, 3000)
    cut.write_bytes(data[: len(data) // 2])
    after = tmp_path / "after.txt"
    after.write_text("Troops withdrew.")
    items = list(read_inputs([str(cut), str(after)], SETTINGS))
    rows, failure, last = items[:-2], items[-2], items[-1]
    assert rows and [r.id for r in rows] == [f"r{i}" for i in range(len(rows))]
    assert (failure.id, failure.code) == (str(cut), ErrorCode.UNREADABLE)
    assert failure.message.startswith(f"cannot read {cut} to its end: Compressed file ended")
    assert (last.id, last.text) == (str(after), "Troops withdrew.")


def test_a_corrupt_jsonl_gz_is_one_unreadable_row(tmp_path):
    """Garbage in the middle of a gzip stream ends that file with an unreadable row, not the batch."""
    bad = tmp_path / "bad.jsonl.gz"
    data = write_gzip_rows(bad, 50)
    bad.write_bytes(data[:20] + b"\x00" * 40 + data[60:])
    items = list(read_inputs([str(bad)], SETTINGS))
    assert items[-1].id == str(bad) and items[-1].code == ErrorCode.UNREADABLE
    assert all(isinstance(i, RawDocument) for i in items[:-1])


def test_rows_without_ids_in_two_files_get_different_ids(tmp_path):
    """A row without an id is named by its file and line, so two files' first rows stay two documents."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "rows.jsonl").write_text('{"text": "Troops withdrew."}\n')
    items = list(read_inputs([str(tmp_path / "a" / "rows.jsonl"), str(tmp_path / "b" / "rows.jsonl")], SETTINGS))
    assert [i.id for i in items] == [f"{tmp_path}/a/rows.jsonl:line-1", f"{tmp_path}/b/rows.jsonl:line-1"]


def test_a_repeated_id_gives_later_documents_a_duplicate_id_row(tmp_path):
    """The first document with an id wins, near or far; the n-th repeat becomes a duplicate_id failure `<id>#n`."""
    source = tmp_path / "d.jsonl"
    rows = ['{"id": "x", "text": "First."}', '{"id": "x", "text": "Second."}'] + \
           [f'{{"id": "y{i}", "text": "Other."}}' for i in range(100)] + ['{"id": "x", "text": "Third.", "outlet": "O"}']
    source.write_text("\n".join(rows) + "\n")
    items = list(read_inputs([str(source)], SETTINGS))
    assert (items[0].id, items[0].text) == ("x", "First.")
    assert ids_and_codes([items[1], items[-1]]) == [("x#2", ErrorCode.DUPLICATE_ID), ("x#3", ErrorCode.DUPLICATE_ID)]
    assert items[-1].message == "the id 'x' is already taken by an earlier document of this run"
    assert items[-1].fields["outlet"] == "O"
    assert len(items) == 103


def test_a_jsonl_file_starting_with_a_bom_loses_nothing(tmp_path):
    """A UTF-8 byte-order mark before the first row is not part of the JSON."""
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n')
    assert ids_and_codes(read_inputs([str(source)], SETTINGS)) == [("a", None), ("b", None)]


def test_decode_bytes_reads_latin1_as_windows_1252():
    """Legacy Latin text is Windows-1252 (a superset of Latin-1), not cp775 or mac_roman."""
    assert decode_bytes("Le café, said the officer.".encode("latin-1")) == "Le café, said the officer."
    assert decode_bytes("The \x93quote\x94 and café".encode("latin-1")) == "The \u201cquote\u201d and café"


def test_decode_bytes_reads_mostly_utf8_as_utf8_with_replacement_characters():
    """A UTF-8 article with six invalid bytes keeps its UTF-8 characters; each bad byte becomes U+FFFD."""
    good = "\u201cRussian\u201d troops \u2014 shelled \u2018Kharkiv\u2019 on Monday, the governor said. ".encode()
    data = good[:10] + b"\xff\xfe\xfa" + good[10:30] + b"\xc0\xc1\xf5" + good[30:]
    text = decode_bytes(data)
    assert text.count("\ufffd") == 6
    assert text.replace("\ufffd", "") == good.decode()


def test_decode_bytes_reads_other_scripts_by_detection():
    """Text in another script is decoded as the detected encoding (and is then not_english)."""
    text = "Российские войска отступили из города после тяжелых боев в регионе."
    assert decode_bytes(text.encode("cp1251")) == text


def test_an_unreadable_subfolder_gives_a_warning_and_an_unreadable_row(tmp_path, monkeypatch, caplog):
    """A folder that cannot be listed is named in a warning and gets a row where its files would be."""
    import os

    (tmp_path / "a.txt").write_text("First.")
    (tmp_path / "locked").mkdir()
    (tmp_path / "z.txt").write_text("Last.")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    # Tests run as root, whom chmod 000 does not stop, so the refusal is simulated where os.walk meets it.
    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_inputs([str(tmp_path)], SETTINGS))
    assert ids_and_codes(items) == [(str(tmp_path / "a.txt"), None), (str(tmp_path / "locked"), ErrorCode.UNREADABLE),
                                    (str(tmp_path / "z.txt"), None)]
    assert items[1].message == f"cannot read folder {tmp_path / 'locked'}: Permission denied"
    assert f"cannot read folder {tmp_path / 'locked'}: Permission denied" in caplog.text


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root reads a chmod-000 folder anyway; the test above simulates the refusal")
def test_a_chmod_000_subfolder_gives_an_unreadable_row(tmp_path):
    """A real chmod-000 subfolder is reported, not skipped in silence."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("Hidden.")
    locked.chmod(0)
    try:
        assert ids_and_codes(read_inputs([str(tmp_path)], SETTINGS)) == [(str(locked), ErrorCode.UNREADABLE)]
    finally:
        locked.chmod(0o755)


def test_a_txt_gz_is_decompressed_and_read_as_text(tmp_path):
    """`.txt.gz` is text once decompressed; a broken one is unreadable."""
    import gzip

    (tmp_path / "r.txt.gz").write_bytes(gzip.compress("Troops withdrew from Lyman – officials said.".encode()))
    (tmp_path / "s.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    items = list(read_inputs([str(tmp_path)], SETTINGS))
    assert (items[0].id, items[0].text) == (str(tmp_path / "r.txt.gz"), "Troops withdrew from Lyman – officials said.")
    assert (items[1].id, items[1].code) == (str(tmp_path / "s.txt.gz"), ErrorCode.UNREADABLE)


def test_html_nested_300_deep_still_gives_its_text():
    """Past libxml2's 255 levels the text is read by a parser that keeps no tree."""
    html = "<html><body>" + "<div>" * 300 + "<p>Troops withdrew from Lyman.</p><script>x()</script>" + "</div>" * 300 + "</body></html>"
    assert extract_main_text(html)[0] == "Troops withdrew from Lyman."
    deeper = "<div>" * 100_000 + "Troops withdrew."
    assert extract_main_text(deeper)[0] == "Troops withdrew."


def test_check_text_rejects_more_words_and_marks_than_max_tokens():
    """A text of more words and marks than max_tokens is too_complex, with the count in the message."""
    with pytest.raises(DocumentError) as err:
        check_text("Troops said so. " * 100, Settings(max_tokens=399))
    assert (err.value.code, err.value.message) == (
        ErrorCode.TOO_COMPLEX, "400 words and marks; the limit is 399 (Settings.max_tokens)")
    check_text("Troops said so. " * 100, Settings(max_tokens=400))


def test_check_text_rejects_a_run_of_punctuation_the_tokenizer_would_take_quadratic_time_on():
    """Six thousand commas in a row in an English text are too_complex; a line of 200 equals signs is not."""
    text = "The army said the town was shelled on Monday, and the governor said so too. "
    check_text(text + "=" * 200 + " " + text, SETTINGS)
    with pytest.raises(DocumentError) as err:
        check_text(text + "," * 6000 + " " + text, SETTINGS)
    assert (err.value.code, err.value.message) == (
        ErrorCode.TOO_COMPLEX, "runs of punctuation too long to tokenize (one of 6,000 characters at character 76)")
