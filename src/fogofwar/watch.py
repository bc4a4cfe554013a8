"""Watch: poll news feeds, fetch each new article once, politely, and ingest it.

A poll reads every source's feeds with a conditional GET (a feed unchanged
since the last poll answers 304 and costs nothing), fetches the page of each
entry not stored yet, and hands the documents to `live.ingest_items` as they
come. Fetching respects robots.txt, keeps one request per host per
`rate_limit` seconds, retries transient failures with exponential backoff,
reads at most `max_bytes` and follows redirects by hand, to http(s) only. A
page that cannot be had becomes an error row, like any bad document. Each
feed's state lives in the store's `feeds` table (feeds.py).

`Watcher` knows nothing of the command line: the CLI (and the server) build
one over an open store and call `poll_once` or `run`.
"""
from __future__ import annotations

import codecs
import datetime as dt
import itertools
import contextlib
import logging
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from typing import ContextManager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from . import __version__
from .errors import DocumentError, ErrorCode
from .feeds import FeedState, load_feed, save_feed
from .ingest import FEED_SUFFIXES, FailedDocument, RawDocument, decode_bytes, html_document, html_fragment_text
from .live import ingest_items
from .settings import Settings
from .store import Store

__all__ = ["Watcher", "WatchOptions", "PollReport", "FeedSource", "Fetcher", "HostPacer", "Fetched",
           "normalize_url", "is_http_url", "parse_interval", "expand_sources", "parse_feed", "decode_page",
           "USER_AGENT"]

log = logging.getLogger(__name__)

USER_AGENT = f"fogofwar/{__version__} (news watcher; robots.txt respected)"
ROBOTS_AGENT = "fogofwar"   # the token robots.txt groups are matched against
HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
Item = RawDocument | FailedDocument


# --- URLs and intervals ------------------------------------------------------

def normalize_url(url: str) -> str:
    """A URL as one key: lowercase scheme and host, no default port, no fragment, no utm_* parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    path = parts.path or ("/" if scheme in HTTP_SCHEMES else "")
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def is_http_url(url: str | None) -> bool:
    """True for an http:// or https:// URL with a host."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.netloc)


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$", re.I)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_interval(text: str) -> float:
    """Seconds of an interval written 30s, 15m, 1h or a plain number of seconds; ValueError otherwise."""
    m = _INTERVAL.match(text)
    if not m or float(m[1]) <= 0:
        raise ValueError(f"{text!r} is not an interval: use e.g. 30s, 15m, 1h or seconds")
    return float(m[1]) * _UNIT_SECONDS[m[2].lower()]


# --- sources ---------------------------------------------------------------

@dataclass(frozen=True)
class FeedSource:
    """One feed to poll: an http(s) URL, or a local feed file (`path`)."""

    key: str                 # the feeds table's `url`: the normalised URL, or the file's absolute path
    path: Path | None = None
    problem: str | None = None   # why it cannot be polled (a missing file), reported as the feed's error


def expand_sources(sources: Iterable[str]) -> list[FeedSource]:
    """The feeds of the sources: URLs, local feed files, folders of feed files, files listing feeds one a line."""
    feeds: list[FeedSource] = []
    for source in sources:
        feeds.extend(_expand(source.strip(), None))
    unique: dict[str, FeedSource] = {}
    for feed in feeds:
        unique.setdefault(feed.key, feed)
    return list(unique.values())


def _expand(source: str, listed_in: Path | None) -> list[FeedSource]:
    if is_http_url(source):
        return [FeedSource(normalize_url(source))]
    path = Path(source).expanduser()
    if listed_in is not None and not path.is_absolute():
        path = listed_in.parent / path
    if path.is_dir():
        return [FeedSource(str(p.resolve()), p.resolve()) for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in FEED_SUFFIXES]
    if not path.is_file():
        return [FeedSource(source, problem=f"not an http(s) URL and no such file or folder: {source}")]
    if listed_in is not None or path.suffix.lower() in FEED_SUFFIXES or _looks_like_feed(path):
        return [FeedSource(str(path.resolve()), path.resolve())]
    # A file of feeds, one a line; # starts a comment. Its lines may name files but not further lists.
    found: list[FeedSource] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        # A # at a line's start or after a space opens a comment; one inside a URL is its fragment.
        line = _COMMENT.split(line, 1)[0].strip()
        if line:
            found.extend(_expand(line, path))
    return found


_COMMENT = re.compile(r"(?:^|\s)#")


def _looks_like_feed(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


# --- fetching ----------------------------------------------------------------

class HostPacer:
    """Keeps requests to one host at least `interval` seconds apart."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        """Sleep until a request to `host` is allowed, and count it as made now."""
        last = self._last.get(host)
        now = self.clock()
        if last is not None and now - last < self.interval:
            self.sleep(self.interval - (now - last))
            now = self.clock()
        self._last[host] = now


@dataclass
class Fetched:
    """A response as read: the URL it came from after redirects, status, headers, body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""


@dataclass(frozen=True)
class WatchOptions:
    """How the watcher fetches and ingests; every field is a `fogofwar watch` option."""

    rate_limit: float = 1.0          # seconds between two requests to one host
    timeout: float = 20.0            # seconds to connect, and to wait for each piece of a response
    max_bytes: int = 5_000_000       # a page or feed over this many bytes is a too_large error
    attempts: int = 3                # tries per request on a transient failure (connect error, timeout, 429, 5xx)
    backoff: float = 1.0             # seconds before the second try, doubled before each later one
    max_redirects: int = 5
    max_seconds: float = 120.0       # a whole download, however slowly the server drips it
    commit_every: int = 64           # documents per committed batch
    use_embeddings: bool = True      # merge incidents with sentence embeddings


class Fetcher:
    """GET over httpx with the watcher's manners: rate limit, retries, size limit, safe redirects, robots.txt."""

    def __init__(self, options: WatchOptions, client: httpx.Client | None = None,
                 pacer: HostPacer | None = None, sleep: Callable[[float], None] = time.sleep):
        self.options = options
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(options.timeout), follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
        self.pacer = pacer or HostPacer(options.rate_limit)
        self.sleep = sleep
        self.robots: dict[str, urllib.robotparser.RobotFileParser | DocumentError | None] = {}

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        """The response to a GET (any status but a transient failure); raise DocumentError when there is none."""
        error: DocumentError | None = None
        attempts = 0
        for attempt in range(self.options.attempts):
            if attempt:
                delay = self.options.backoff * 2 ** (attempt - 1)
                log.debug("retrying %s in %.2f s (%s)", url, delay, error.message)
                if self.sleep(delay):  # a sleep that returns true was interrupted (a stop): no more attempts
                    break
            attempts += 1
            try:
                fetched = self._get_once(url, headers or {})
            except httpx.TimeoutException:
                error = DocumentError(ErrorCode.FETCH_FAILED, f"timed out (--timeout {self.options.timeout:g} s)")
                continue
            except httpx.TransportError as exc:
                error = DocumentError(ErrorCode.FETCH_FAILED, f"{type(exc).__name__}: {exc}")
                continue
            except httpx.InvalidURL as exc:
                raise DocumentError(ErrorCode.FETCH_FAILED, f"not a valid URL: {exc}") from exc
            if fetched.status == 429 or fetched.status >= 500:
                error = DocumentError(ErrorCode.FETCH_FAILED, f"HTTP {fetched.status}")
                continue
            return fetched
        assert error is not None
        raise DocumentError(error.code, f"{error.message}, {attempts} attempt{'s' * (attempts > 1)}")

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        for _ in range(self.options.max_redirects + 1):
            if not is_http_url(url):
                raise DocumentError(ErrorCode.NOT_HTTP, f"refusing {url[:200]!r}: only http(s) URLs are fetched")
            self.pacer.wait(urlsplit(url).netloc.lower())
            with self.client.stream("GET", url, headers=headers) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    url = urljoin(str(response.url), location.strip())
                    continue
                if not 200 <= response.status_code < 300:
                    return Fetched(str(response.url), response.status_code, response.headers)
                return Fetched(str(response.url), response.status_code, response.headers, self._read_body(response))
        raise DocumentError(ErrorCode.FETCH_FAILED, f"more than {self.options.max_redirects} redirects")

    def _read_body(self, response: httpx.Response) -> bytes:
        """The body, read in pieces: stop past max_bytes or max_seconds, before the download completes."""
        limit = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise DocumentError(ErrorCode.TOO_LARGE, f"the server announces {int(declared):,} bytes; the limit is "
                                                     f"{limit:,} (--max-bytes)")
        started = time.monotonic()
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > limit:
                raise DocumentError(ErrorCode.TOO_LARGE, f"over {limit:,} bytes (--max-bytes); stopped reading")
            if time.monotonic() - started > self.options.max_seconds:
                raise DocumentError(ErrorCode.FETCH_FAILED, f"the download took over {self.options.max_seconds:g} s")
        return bytes(body)

    def new_poll(self) -> None:
        """Forget the robots.txt files read: each poll reads them again."""
        self.robots.clear()

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets us fetch `url` (no robots.txt: yes); raise DocumentError when
        robots.txt cannot be read (a 5xx or no answer), which RFC 9309 counts as a refusal for now."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if origin not in self.robots:
            self.robots[origin] = self._read_robots(origin)
        rules = self.robots[origin]
        if isinstance(rules, DocumentError):
            raise rules
        return rules is None or rules.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | DocumentError | None:
        try:
            fetched = self.get(origin + "/robots.txt")
        except DocumentError as exc:
            if exc.code == ErrorCode.TOO_LARGE:
                return None  # RFC 9309 lets a crawler ignore what lies past its limit; we ignore it all
            return DocumentError(exc.code, f"cannot read {origin}/robots.txt: {exc.message}")
        if 400 <= fetched.status < 500:
            return None
        if not 200 <= fetched.status < 300:
            return DocumentError(ErrorCode.FETCH_FAILED, f"cannot read {origin}/robots.txt: HTTP {fetched.status}")
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        rules.parse(fetched.content.decode("utf-8", errors="replace").splitlines())
        return rules


def decode_page(fetched: Fetched) -> str:
    """A response body as text: the charset the server names when it decodes, else ingest's guess."""
    m = re.search(r"charset=[\"']?([\w.:-]+)", fetched.headers.get("content-type", ""), re.I)
    if m:
        try:
            codecs.lookup(m[1])
            return fetched.content.decode(m[1])
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(fetched.content)


# --- polling -----------------------------------------------------------------

@dataclass
class PollReport:
    """What one poll did."""

    feeds: int = 0               # feeds polled
    unchanged: int = 0           # of which answered 304 (or were unchanged local files)
    feed_errors: int = 0         # of which failed
    documents: int = 0           # new documents stored without an error
    document_errors: int = 0     # new error rows (pages that could not be fetched or read)
    skipped: int = 0             # entries already stored or already met in this poll
    deferred: int = 0            # entries left for a later poll (robots.txt unreadable, or stopped)
    incidents_new: int = 0
    incidents_updated: int = 0
    incidents: int = 0           # incidents in the store after the poll
    stopped: bool = False        # the stop event cut the poll short
    errors: list[str] = field(default_factory=list)   # one "feed: code: message" per failed feed

    def line(self) -> str:
        """The poll in one line, for the log."""
        return (f"poll: {self.feeds} feeds ({self.unchanged} unchanged, {self.feed_errors} failed), "
                f"{self.documents} new documents, {self.document_errors} error rows, {self.skipped} already seen"
                + (f", {self.deferred} deferred" if self.deferred else "")
                + f"; incidents {self.incidents_new} new, {self.incidents_updated} updated, {self.incidents} in all"
                + (" (stopped)" if self.stopped else ""))


class _Deferred(Exception):
    """An entry to try again at a later poll."""


class Watcher:
    """Polls feeds into an open, writable store; `poll_once` once, or `run` until a stop event.

    A server passes `writing` instead of a store: a context manager factory that makes it the store's
    writer for the length of one poll (live.ServedStore.writing)."""

    def __init__(self, store: Store | None, sources: Iterable[str], settings: Settings,
                 options: WatchOptions = WatchOptions(), fetcher: Fetcher | None = None,
                 writing: Callable[[], ContextManager[Store]] | None = None):
        if (store is None) == (writing is None):
            raise ValueError("give a store or a way to write one")
        self.store = store
        self._writing = writing or (lambda: contextlib.nullcontext(store))
        self.sources = list(sources)
        self.settings = settings
        self.options = options
        self._stop = threading.Event()
        # A stop ends the wait before a retry, and the retries: a dead server never holds up a stop.
        self.fetcher = fetcher or Fetcher(options, sleep=lambda seconds: self._stop.wait(seconds))

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> "Watcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, every_seconds: float, stop: threading.Event) -> None:
        """Poll now and then every `every_seconds` until `stop` is set; a poll stops after the document in hand."""
        while not stop.is_set():
            started = time.monotonic()
            self.poll_once(stop)
            # Polls start on a fixed beat; one that ran longer than the interval is followed at once.
            stop.wait(max(0.0, started + every_seconds - time.monotonic()))

    def poll_once(self, stop: threading.Event | None = None) -> PollReport:
        """Poll every feed once and ingest what is new; the documents fetched before a stop are ingested too."""
        with self._writing() as store:
            self.store = store
            return self._poll(stop)

    def _poll(self, stop: threading.Event | None) -> PollReport:
        self._stop = stop or threading.Event()
        report = PollReport()
        self.fetcher.new_poll()
        items = self._items(expand_sources(self.sources), report)
        first = next(items, None)
        if first is not None:
            before = self._incident_signatures()
            ingested = ingest_items(self.store, itertools.chain([first], items), self.settings,
                                    batch_size=self.options.commit_every, use_embeddings=self.options.use_embeddings)
            after = self._incident_signatures()
            report.documents = ingested.written - ingested.errors
            report.document_errors = ingested.errors
            report.skipped += ingested.skipped
            report.incidents_new = len(after.keys() - before.keys())
            report.incidents_updated = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
        report.incidents = self.store.status()["incidents"]
        report.stopped = self._stop.is_set()
        log.info("%s", report.line())
        return report

    def _incident_signatures(self) -> dict[str, tuple]:
        # An incident's id is the hash of its smallest member, so a kept id with more members is an update.
        _, rows = self.store.query("SELECT incident_id, n_documents, n_events, n_mentions FROM incidents")
        return {r[0]: r[1:] for r in rows}

    def _items(self, feeds: list[FeedSource], report: PollReport) -> Iterator[Item]:
        seen: set[str] = set()
        for feed in feeds:
            if self._stop.is_set():
                report.stopped = True
                return
            report.feeds += 1
            yield from self._feed_items(feed, report, seen)

    def _feed_items(self, feed: FeedSource, report: PollReport, seen: set[str]) -> Iterator[Item]:
        """The new documents of one feed; its state is saved when it has been read through (or has failed)."""
        state = load_feed(self.store.con, feed.key) or FeedState(url=feed.key)
        state.last_poll = _now()
        try:
            data, validators = self._read_feed(feed, state)
            if data is None:
                report.unchanged += 1
                entries, title = None, None
            else:
                entries, title = parse_feed(data)
        except Exception as exc:  # a feed that fails, however, must not stop the others
            if not isinstance(exc, DocumentError):
                log.exception("feed %s", feed.key)
                exc = DocumentError(ErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}")
            state.consecutive_errors += 1
            state.last_error = f"{exc.code}: {exc.message}"
            report.feed_errors += 1
            report.errors.append(f"{feed.key}: {state.last_error}")
            log.warning("feed %s: %s", feed.key, state.last_error)
            save_feed(self.store.con, state)
            return
        complete = True
        if entries is not None:
            known = self.store.known_hashes(normalize_url(e.get("link")) for e in entries if is_http_url(e.get("link")))
            for number, entry in enumerate(entries, start=1):
                if self._stop.is_set():
                    complete = False
                    report.deferred += len(entries) - number + 1
                    break
                try:
                    item = self._entry_item(feed, number, entry, title, known, seen)
                except _Deferred as exc:
                    complete = False
                    report.deferred += 1
                    log.warning("feed %s: %s", feed.key, exc)
                    continue
                except Exception as exc:  # a bug on one entry costs that entry's row, not the poll
                    log.exception("feed %s, entry %d", feed.key, number)
                    link = entry.get("link")
                    item = FailedDocument(normalize_url(link) if is_http_url(link) else f"{feed.key}#{number}",
                                          ErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}", {"url": link})
                if item is None:
                    report.skipped += 1
                    continue
                yield item
            state.entries_seen = len(entries)
        state.last_success = state.last_poll
        state.consecutive_errors = 0
        # A feed read only in part keeps its old validators, so the next poll reads it whole again.
        if complete:
            state.etag, state.last_modified = validators
        save_feed(self.store.con, state)

    def _read_feed(self, feed: FeedSource, state: FeedState) -> tuple[bytes | None, tuple[str | None, str | None]]:
        """(the feed's bytes or None when unchanged, its new validators)."""
        if feed.problem:
            raise DocumentError(ErrorCode.UNREADABLE, feed.problem)
        if feed.path is not None:
            return _read_local_feed(feed.path, state, self.options.max_bytes)
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        fetched = self.fetcher.get(feed.key, headers)
        if fetched.status == 304:
            return None, (fetched.headers.get("etag") or state.etag,
                          fetched.headers.get("last-modified") or state.last_modified)
        if not 200 <= fetched.status < 300:
            raise DocumentError(ErrorCode.FETCH_FAILED, f"HTTP {fetched.status}")
        return fetched.content, (fetched.headers.get("etag"), fetched.headers.get("last-modified"))

    def _entry_item(self, feed: FeedSource, number: int, entry: dict, outlet: str | None,
                    known: dict[str, str], seen: set[str]) -> Item | None:
        """The document of one entry: its fetched page, or its own text; None when it is already had."""
        link = entry.get("link")
        fields = {"url": link, "title": entry.get("title"), "outlet": outlet, "published": _entry_date(entry)}
        if is_http_url(link):
            doc_id = normalize_url(link)
            fields["url"] = doc_id
            if doc_id in seen or doc_id in known:
                return None
            seen.add(doc_id)
            return self._fetch_article(doc_id, fields)
        doc_id = entry.get("id") or link or f"{feed.key}#{number}"
        if doc_id in seen:
            return None
        seen.add(doc_id)
        html = (entry.get("content") or [{}])[0].get("value", "") or entry.get("summary", "")
        if not html.strip():
            if link:
                return FailedDocument(doc_id, ErrorCode.NOT_HTTP,
                                      f"the entry links to {link[:200]!r}, not an http(s) page, and has no text", fields)
            return FailedDocument(doc_id, ErrorCode.NO_MAIN_TEXT, "the entry has no link and no text", fields)
        try:
            return RawDocument(id=doc_id, text=html_fragment_text(html), **fields)
        except DocumentError as exc:
            return FailedDocument(doc_id, exc.code, exc.message, fields)

    def _fetch_article(self, url: str, fields: dict) -> Item:
        """An article page as a document (its main text, title and date; the entry's fill gaps), or its error row."""
        try:
            if not self.fetcher.allowed(url):
                log.info("robots.txt disallows %s", url)
                return FailedDocument(url, ErrorCode.ROBOTS_DISALLOWED,
                                      f"the robots.txt of {urlsplit(url).netloc} disallows fetching this page", fields)
        except DocumentError as exc:
            raise _Deferred(f"{url} left for a later poll: {exc.message}") from exc
        try:
            fetched = self.fetcher.get(url)
            if not 200 <= fetched.status < 300:
                raise DocumentError(ErrorCode.FETCH_FAILED, f"HTTP {fetched.status}")
            doc = html_document(url, decode_page(fetched))
        except DocumentError as exc:
            log.info("%s: %s: %s", url, exc.code, exc.message)
            return FailedDocument(url, exc.code, exc.message, fields)
        doc.url = url
        doc.outlet = fields["outlet"]
        doc.title = doc.title or fields["title"]
        if not doc.html_date:
            doc.published = fields["published"]
        return doc


def parse_feed(data: bytes) -> tuple[list[dict], str | None]:
    """(entries, the feed's title) of RSS or Atom bytes; raise DocumentError for bytes that are no feed."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries and not parsed.version:
        reason = str(getattr(parsed, "bozo_exception", "") or "no feed elements")
        raise DocumentError(ErrorCode.NO_MAIN_TEXT, f"not a readable feed: {reason}")
    return list(parsed.entries), parsed.feed.get("title")


def _entry_date(entry: dict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


def _read_local_feed(path: Path, state: FeedState, max_bytes: int) -> tuple[bytes | None, tuple[str | None, str | None]]:
    """A local feed file's bytes, or None when its modification time is the one stored."""
    try:
        stat = path.stat()
        stamp = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).isoformat()
        if state.last_modified == stamp:
            return None, (None, stamp)
        if stat.st_size > max_bytes:
            raise DocumentError(ErrorCode.TOO_LARGE, f"{stat.st_size:,} bytes; the limit is {max_bytes:,} (--max-bytes)")
        return path.read_bytes(), (None, stamp)
    except OSError as exc:
        raise DocumentError(ErrorCode.UNREADABLE, f"cannot read {path}: {exc.strerror or exc}") from exc


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
