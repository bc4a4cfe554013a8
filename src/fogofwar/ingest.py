"""Ingest: read inputs into SourceDocuments, or into per-document failures.

A chain of small functions in the order a document meets them: open the input
(`read_inputs`), decode the bytes (`decode_bytes`), pull the main text out of
HTML (`extract_main_text`), then check the text (`check_text`), find its
dateline (`find_published`) and its page furniture (`find_furniture`).
Guards raise DocumentError; nothing here returns None for "failed".
"""
from __future__ import annotations

import codecs
import datetime as dt
import functools
import gzip
import json
import logging
import os
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import DocumentError, ErrorCode, InputError
from .lexicons import load_table
from .models import SourceDocument
from .settings import Settings

__all__ = [
    "FailedDocument",
    "read_inputs",
    "read_jsonl_lines",
    "decode_bytes",
    "decode_legacy",
    "clean_text",
    "number_duplicates",
    "extract_main_text",
    "check_text",
    "find_published",
    "find_furniture",
    "normalize_published",
    "prepare_document",
    "TEXT_SUFFIXES",
    "HTML_SUFFIXES",
    "FEED_SUFFIXES",
    "JSONL_SUFFIXES",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | {".gz"}
# What a damaged file raises while it is read: a truncated gzip stream ends in EOFError, a corrupt one in zlib.error.
READ_ERRORS = (OSError, EOFError, zlib.error)
_ACUTE_APOSTROPHE = re.compile(r"(?<=[A-Za-z])\u00b4(?=[A-Za-z])")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class FailedDocument:
    """A document that could not be read; it still becomes a result row."""

    id: str
    code: str
    message: str
    fields: dict = field(default_factory=dict)


@dataclass
class RawDocument:
    """A document as read, before its text is checked: text plus row metadata."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    html_date: str | None = None


Item = RawDocument | FailedDocument


# --- opening inputs ---------------------------------------------------------

def read_inputs(inputs: Iterable[str], settings: Settings) -> Iterator[Item]:
    """Yield every document of every input, in order; `-` is JSON Lines on stdin."""
    return number_duplicates(_read_all(inputs, settings))


def _read_all(inputs: Iterable[str], settings: Settings) -> Iterator[Item]:
    for name in inputs:
        if name == "-":
            yield from read_jsonl_stream(sys.stdin, "stdin", settings)
            continue
        path = Path(name)
        if not path.exists():
            raise InputError(f"no such file or folder: {name}")
        if path.is_dir():
            yield from read_folder(path, settings)
        else:
            yield from read_file(path, settings)


def number_duplicates(items: Iterable[Item]) -> Iterator[Item]:
    """Pass items on; the n-th document with an already used id becomes a `duplicate_id` failure `<id>#n`.

    The first document with an id wins, whatever lies between: a rule that needs no look-ahead, and
    whose rows a rerun finds again under the same ids.
    """
    seen: dict[str, int] = {}
    for item in items:
        n = seen.get(item.id, 0) + 1
        seen[item.id] = n
        if n == 1:
            yield item
            continue
        new_id = f"{item.id}#{n}"
        seen[new_id] = seen.get(new_id, 0) + 1
        fields = item.fields if isinstance(item, FailedDocument) else {
            "url": item.url, "outlet": item.outlet, "title": item.title, "published": item.published}
        yield FailedDocument(new_id, ErrorCode.DUPLICATE_ID,
                             f"the id {item.id!r} is already taken by an earlier document of this run", fields)


def read_folder(folder: Path, settings: Settings) -> Iterator[Item]:
    """The readable files of a folder and its subfolders in path order; an unreadable subfolder is a failure."""
    entries: list[tuple[Path, OSError | None]] = []

    def note_error(exc: OSError) -> None:
        entries.append((Path(exc.filename or folder), exc))

    # os.walk, unlike Path.rglob, reports the folders it cannot list instead of skipping them silently.
    for top, _dirs, names in os.walk(folder, onerror=note_error):
        for name in names:
            p = Path(top) / name
            if p.suffix.lower() in KNOWN_SUFFIXES and p.is_file():
                entries.append((p, None))
    if not entries:
        log.warning("folder %s holds no readable files (%s)", folder, ", ".join(sorted(KNOWN_SUFFIXES)))
    for p, error in sorted(entries, key=lambda e: e[0].parts):
        if error is None:
            yield from read_file(p, settings)
            continue
        log.warning("cannot read folder %s: %s", p, error.strerror)
        name = clean_text(str(p))
        yield FailedDocument(name, ErrorCode.UNREADABLE, f"cannot read folder {name}: {error.strerror}")


def read_file(path: Path, settings: Settings) -> Iterator[Item]:
    """Yield the documents of one file, chosen by its suffix (plain text if unknown); `.gz` is decompressed."""
    suffix = path.suffix.lower()
    doc_id = clean_text(str(path))
    compressed = suffix == ".gz"
    if compressed:
        suffix = Path(path.stem).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path, compressed, settings)
        return
    try:
        data = read_bytes_bounded(path, settings, compressed)
    except DocumentError as exc:
        yield FailedDocument(doc_id, exc.code, exc.message)
        return
    except READ_ERRORS as exc:
        yield FailedDocument(doc_id, ErrorCode.UNREADABLE, f"cannot read {doc_id}: {_reason(exc)}")
        return
    if suffix in FEED_SUFFIXES:
        yield from read_feed(data, doc_id)
        return
    try:
        text = decode_bytes(data)
        if suffix in HTML_SUFFIXES:
            yield html_document(doc_id, text)
        else:
            yield RawDocument(id=doc_id, text=text)
    except DocumentError as exc:
        yield FailedDocument(doc_id, exc.code, exc.message)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def read_bytes_bounded(path: Path, settings: Settings, compressed: bool = False) -> bytes:
    """Read a file (decompressed if gzip), refusing one far over the size limit before loading it whole."""
    # HTML carries markup, so the byte limit is generous; the text limit applies later.
    limit = settings.max_chars * 8
    if compressed:
        # Read one byte past the limit: a small file can decompress to gigabytes.
        with gzip.open(path, "rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise DocumentError(ErrorCode.TOO_LARGE, f"file decompresses to over {limit:,} bytes; the limit is {limit:,}")
        return data
    size = path.stat().st_size
    if size > limit:
        raise DocumentError(ErrorCode.TOO_LARGE, f"file is {size:,} bytes; the limit is {limit:,}")
    return path.read_bytes()


def read_jsonl_file(path: Path, compressed: bool, settings: Settings) -> Iterator[Item]:
    """The rows of a JSON Lines file; a file that breaks off gives the rows before the break and one failure."""
    source = clean_text(str(path))
    try:
        with (gzip.open if compressed else open)(path, "rb") as f:
            yield from read_jsonl_lines(bounded_lines(f, settings.max_chars * 8), source, settings)
    except READ_ERRORS as exc:
        yield FailedDocument(source, ErrorCode.UNREADABLE, f"cannot read {source} to its end: {_reason(exc)}")


def read_jsonl_stream(stream, source: str, settings: Settings) -> Iterator[Item]:
    """The rows of a JSON Lines stream, read as bytes so that one line's bad UTF-8 spoils only that line."""
    binary = getattr(stream, "buffer", None)
    lines = bounded_lines(binary, settings.max_chars * 8) if binary is not None else stream
    try:
        yield from read_jsonl_lines(lines, source, settings)
    except READ_ERRORS as exc:
        yield FailedDocument(source, ErrorCode.UNREADABLE, f"cannot read {source} to its end: {_reason(exc)}")


def bounded_lines(f, limit: int) -> Iterator[bytes]:
    """The lines of a binary stream; a line over `limit` bytes is cut after limit + 1 bytes and its rest skipped."""
    while line := f.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            # Skip to the line's end in bounded steps, so that memory never holds the whole line.
            while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def read_jsonl_lines(lines: Iterable[str | bytes], source: str, settings: Settings) -> Iterator[Item]:
    """Yield one item per non-blank line; a bad line becomes a failure with the id `<source>:line-N`."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        line_id = f"{source}:line-{number}"
        if len(line) > settings.max_chars * 8:
            yield FailedDocument(line_id, ErrorCode.TOO_LARGE,
                                 f"{source} line {number} is over {settings.max_chars * 8:,} characters")
            continue
        try:
            row = parse_json_line(line)
        except DocumentError as exc:
            yield FailedDocument(line_id, exc.code, f"{source} line {number}: {exc.message}")
            continue
        yield jsonl_document(row, line_id, source, number)


def parse_json_line(line: str | bytes) -> object:
    """One JSON Lines line to a value; raise `encoding` for bytes that are not UTF-8, `malformed_json` for the rest."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(ErrorCode.ENCODING, f"byte {exc.start + 1} is not UTF-8 (JSON Lines must be UTF-8)") from exc
    # A byte-order mark opens a file saved by some editors, or a file concatenated into the stream.
    line = line.lstrip("\ufeff")
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise DocumentError(ErrorCode.MALFORMED_JSON, f"{exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:
        raise DocumentError(ErrorCode.MALFORMED_JSON, "nested too deeply to read") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise DocumentError(ErrorCode.MALFORMED_JSON, str(exc)) from exc


def clean_text(value: str) -> str:
    """A string with each lone surrogate (an escaped "\\ud800", a non-UTF-8 file name) replaced by U+FFFD,
    and each acute accent typed for an apostrophe ("Russia´s", "won´t") by one, which the parser reads.

    A surrogate cannot be written as UTF-8, so the tokenizer and every output would fail on it;
    one replacement character for one keeps every offset into the text where it was.
    """
    return _ACUTE_APOSTROPHE.sub("\u2019", _SURROGATE.sub("\ufffd", value))


def jsonl_document(row: object, line_id: str, source: str, number: int) -> Item:
    """Turn one parsed JSON Lines row into a RawDocument or a failure."""
    if not isinstance(row, dict):
        return FailedDocument(line_id, ErrorCode.BAD_ROW, f"{source} line {number}: a row must be a JSON object")
    doc_id = row.get("id")
    doc_id = clean_text(str(doc_id)) if doc_id not in (None, "") else line_id
    fields = {k: clean_text(row[k]) if isinstance(row.get(k), str) else None
              for k in ("url", "outlet", "title", "published")}
    text, html = (clean_text(v) if isinstance(v, str) else v for v in (row.get("text"), row.get("html")))
    if isinstance(text, str):
        return RawDocument(id=doc_id, text=text, **fields)
    if isinstance(html, str):
        try:
            doc = html_document(doc_id, html)
        except DocumentError as exc:
            return FailedDocument(doc_id, exc.code, exc.message, fields)
        doc.url, doc.outlet = fields["url"], fields["outlet"]
        doc.title = fields["title"] or doc.title
        doc.published = fields["published"]
        return doc
    return FailedDocument(doc_id, ErrorCode.BAD_ROW, f"{source} line {number}: no 'text' or 'html' string", fields)


def read_feed(data: bytes, source_id: str) -> Iterator[Item]:
    """Yield one document per entry of a saved RSS or Atom feed."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = str(getattr(feed, "bozo_exception", "") or "no entries")
        yield FailedDocument(source_id, ErrorCode.NO_MAIN_TEXT, f"not a readable feed: {reason}")
        return
    for i, entry in enumerate(feed.entries, start=1):
        doc_id = entry.get("id") or entry.get("link") or f"{source_id}#{i}"
        html = ""
        if entry.get("content"):
            html = entry["content"][0].get("value", "")
        html = html or entry.get("summary", "")
        fields = {"url": entry.get("link"), "title": entry.get("title"), "outlet": feed.feed.get("title")}
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*parsed[:3]).isoformat() if parsed else None
        try:
            text = html_fragment_text(html)
        except DocumentError as exc:
            yield FailedDocument(doc_id, exc.code, exc.message, fields)
            continue
        yield RawDocument(id=doc_id, text=text, published=published, **fields)


# --- decoding and HTML ------------------------------------------------------

def decode_bytes(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), mostly-UTF-8 with replacement characters, else a legacy encoding."""
    if not data.strip():
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(ErrorCode.ENCODING, f"bad UTF-16: {exc.reason}") from exc
    if b"\x00" in data[:8192]:
        raise DocumentError(ErrorCode.BINARY, "the file holds NUL bytes: binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    # Windows-1252 text forms a valid UTF-8 sequence only by a rare accident (a capital accented
    # letter before a curly quote), so a fair number of them means UTF-8 with a few damaged bytes.
    if 4 * good >= bad:
        log.debug("decoded as UTF-8 with %d replacement characters", bad)
        return text
    return decode_legacy(data)


def _latin1_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("fogofwar-latin1", _latin1_fallback)


def decode_legacy(data: bytes) -> str:
    """Non-UTF-8 bytes: Windows-1252 (a superset of Latin-1) for Latin-script text, else the detected encoding.

    English news that is not UTF-8 is Windows-1252 or Latin-1; charset_normalizer, asked about a
    short Latin text, guesses cp775 or mac_roman as readily ("cafķ"), so it decides only the script.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and not is_latin_script(str(best)):
        log.debug("decoded as %s", best.encoding)
        return str(best)
    # The five bytes Windows-1252 leaves undefined are read as Latin-1's control characters.
    return data.decode("cp1252", errors="fogofwar-latin1")


def is_latin_script(text: str) -> bool:
    """True when at least half of the letters are Latin (or there are none)."""
    letters = "".join(_WORD.findall(text[:20000]))
    return sum(1 for ch in letters if ch < "\u0250") >= 0.5 * len(letters)


def html_document(doc_id: str, html: str) -> RawDocument:
    """Main text, title and date of an HTML page."""
    text, title, date = extract_main_text(html)
    return RawDocument(id=doc_id, text=text, title=title, html_date=date)


def extract_main_text(html: str) -> tuple[str, str | None, str | None]:
    """(main text, title, date) of a page, by trafilatura; raise when there is none."""
    import trafilatura

    if not html.strip():
        raise DocumentError(ErrorCode.EMPTY, "the HTML is empty")
    if "<" not in html:
        return html, None, None
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_recall=True)
    except Exception as exc:  # trafilatura raises many types on broken markup
        log.debug("trafilatura failed: %s", exc)
        doc = None
    if doc is not None and not isinstance(doc, dict):
        doc = doc.as_dict()
    text = (doc or {}).get("text") or ""
    if not text.strip():
        text = html_fragment_text(html)
    return text, (doc or {}).get("title"), (doc or {}).get("date")


def html_fragment_text(html: str) -> str:
    """Visible text of an HTML fragment (a feed summary, a page trafilatura gave up on)."""
    import lxml.html

    if "<" not in html:
        return html
    try:
        root = lxml.html.fromstring(html)
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        blocks = list(root.itertext())
    except Exception as exc:  # lxml raises ParserError or ValueError on junk
        log.debug("lxml failed: %s", exc)
        blocks = []
    text = _join_blocks(blocks)
    if not text.strip():
        # libxml2 stops at 255 nested elements and drops what lies deeper; the standard
        # library's parser keeps no tree, so any depth reads.
        text = _join_blocks(flat_html_text(html))
    if not text.strip():
        raise DocumentError(ErrorCode.NO_MAIN_TEXT, "the HTML holds no readable text")
    return text


def _join_blocks(blocks: Iterable[str]) -> str:
    return "\n".join(b for b in (" ".join(t.split()) for t in blocks) if b)


class _TextCollector(HTMLParser):
    """Text outside script and style elements, in document order."""

    SKIPPED = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.blocks.append(data)


def flat_html_text(html: str) -> list[str]:
    """The text pieces of HTML by a streaming parser that keeps no tree (so no depth limit)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return collector.blocks


# --- checking text ----------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")


def check_text(text: str, settings: Settings) -> None:
    """Raise DocumentError if the text is empty, binary, too large or not English."""
    if not text.strip():
        raise DocumentError(ErrorCode.EMPTY, "the document has no text")
    if len(text) > settings.max_chars:
        raise DocumentError(ErrorCode.TOO_LARGE, f"{len(text):,} characters; the limit is {settings.max_chars:,} (--max-chars)")
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    replacement = sample.count("\ufffd")
    if "\x00" in sample or controls > 0.01 * len(sample) or replacement > 0.05 * len(sample):
        raise DocumentError(ErrorCode.BINARY, "the text is mostly control characters: binary data, not text")
    check_language(sample, settings)
    check_complexity(text, settings)


# Words, marks and line breaks: about one spaCy token each, a little more for real text.
_TOKEN = re.compile(r"\w+|[^\w\s]|\n+")
_MARK_RUN = re.compile(r"[^\w\s]{2,}")
# spaCy's tokenizer strips prefix and suffix marks one at a time, copying the rest each time, so a
# run of n marks costs n² (8,000 commas in a row take 7 s); this bounds the sum of n² over the runs
# (about 3 s of tokenizing). A separator line of 200 "=" costs 40,000.
MAX_MARK_RUN_COST = 25_000_000


def check_complexity(text: str, settings: Settings) -> None:
    """Raise too_complex when parsing the text would exceed a worker's time and memory budget."""
    tokens = sum(1 for _ in _TOKEN.finditer(text))
    if tokens > settings.max_tokens:
        raise DocumentError(ErrorCode.TOO_COMPLEX,
                            f"{tokens:,} words and marks; the limit is {settings.max_tokens:,} (Settings.max_tokens)")
    cost = 0
    for m in _MARK_RUN.finditer(text):
        cost += (m.end() - m.start()) ** 2
        if cost > MAX_MARK_RUN_COST:
            raise DocumentError(ErrorCode.TOO_COMPLEX,
                                f"runs of punctuation too long to tokenize (one of {m.end() - m.start():,} characters "
                                f"at character {m.start():,})")


def check_language(text: str, settings: Settings) -> None:
    """Raise not_english unless enough of the words are English function words."""
    words = _WORD.findall(text.lower())
    if not words:
        raise DocumentError(ErrorCode.EMPTY, "the document has no words")
    if not is_latin_script(text):
        raise DocumentError(ErrorCode.NOT_ENGLISH, "the text is not in the Latin script; fogofwar reads English only")
    if len(words) < 8:
        return  # too short to judge by function words: let it through
    function_words = set(load_table("english_function_words")["words"])
    share = sum(1 for w in words if w in function_words) / len(words)
    if share < settings.min_english_share:
        raise DocumentError(ErrorCode.NOT_ENGLISH,
                            f"only {share:.0%} of the words are English function words; fogofwar reads English only")


# --- metadata ---------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def normalize_published(value: str | None) -> str | None:
    """YYYY-MM-DD from a date or ISO datetime string; None if it is not one."""
    if not value:
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


@functools.cache
def _dateline_patterns() -> list[re.Pattern]:
    months = load_table("timex")["months"]
    names = "|".join(sorted((re.escape(k) for k in months), key=len, reverse=True))
    return [
        re.compile(rf"\b(?P<month>{names})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
        re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{names})\.?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
        re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<monthnum>\d\d)-(?P<day>\d\d)\b"),
    ]


def find_published(text: str, head_chars: int = 400) -> str | None:
    """The dateline's date ("November 10, 2022") in the first lines of a text, if any."""
    months = load_table("timex")["months"]
    head = text[:head_chars]
    found = []
    for pattern in _dateline_patterns():
        for m in pattern.finditer(head):
            month = int(m["monthnum"]) if "monthnum" in m.groupdict() and m["monthnum"] else months.get(m["month"].lower())
            try:
                found.append((m.start(), dt.date(int(m["year"]), int(month), int(m["day"])).isoformat()))
            except (TypeError, ValueError):
                continue
    return min(found)[1] if found else None


@functools.cache
def _furniture_patterns() -> list[re.Pattern]:
    return [re.compile(p, re.I) for p in load_table("furniture")["line_patterns"]]


def find_furniture(text: str) -> list[tuple[int, int]]:
    """Spans of whole lines that are page furniture: read times, font buttons, share links, bylines."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group().strip()
        if line and any(p.fullmatch(line) for p in _furniture_patterns()):
            spans.append((m.start(), m.end()))
    return spans


def prepare_document(raw: RawDocument, settings: Settings) -> SourceDocument:
    """Check a raw document's text and fill in its metadata; raise DocumentError if unreadable."""
    text = clean_text(raw.text)  # again here for documents made in Python, not read by this module
    check_text(text, settings)
    published = (normalize_published(raw.published) or normalize_published(raw.html_date)
                 or find_published(text))
    return SourceDocument(id=raw.id, text=text, url=raw.url, outlet=raw.outlet,
                          title=raw.title or first_line_title(text), published=published,
                          furniture=find_furniture(text))


def first_line_title(text: str) -> str | None:
    """The first line as a title when it looks like a headline (short, no final period)."""
    line = text.lstrip().split("\n", 1)[0].strip()
    if 10 <= len(line) <= 200 and not line.endswith((".", ":", ";")) and "\n" in text.strip():
        return line
    return None
