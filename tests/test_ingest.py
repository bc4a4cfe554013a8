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
    """A line that is not JSON becomes a failure with id line-N; the next line is still read."""
    stream = io.StringIO('{"id": "a", "text": "One."}\n{not json\n\n{"id": "b", "text": "Two."}\n[1, 2]\n')
    items = list(read_jsonl_lines(stream, "test", SETTINGS))
    assert [type(i).__name__ for i in items] == ["RawDocument", "FailedDocument", "RawDocument", "FailedDocument"]
    assert (items[1].id, items[1].code) == ("line-2", ErrorCode.MALFORMED_JSON)
    assert (items[3].id, items[3].code) == ("line-5", ErrorCode.BAD_ROW)


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
