"""Watching feeds: a local web site we write serves the feeds and pages; nothing leaves this machine."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

import fogofwar
from fogofwar.cli import cli
from fogofwar.feeds import list_feeds
from fogofwar.settings import Settings
from fogofwar.store import Store
from fogofwar.watch import (Fetcher, HostPacer, WatchOptions, Watcher, expand_sources, normalize_url,
                            parse_interval)

# --- our own articles ----------------------------------------------------------

ARTICLES = [
    ("belgorod-depot", "Drones strike fuel depot near Belgorod", "2023-05-02",
     ["Drones struck a fuel depot near the Russian city of Belgorod overnight, the regional governor said on Tuesday.",
      "Two workers were injured and a fire burned for several hours before crews put it out.",
      "Ukraine did not comment on the attack."]),
    ("kherson-hospital", "Shelling damages hospital in Kherson", "2023-05-03",
     ["Russian artillery shelled the centre of Kherson on Wednesday, damaging a hospital and several apartment "
      "blocks, local officials said.",
      "One nurse was killed and four patients were wounded.",
      "Doctors moved the remaining patients to a clinic on the west side of the city."]),
    ("klishchiivka", "Ukrainian forces retake village near Bakhmut", "2023-05-04",
     ["Ukrainian troops recaptured the village of Klishchiivka south of Bakhmut after two days of fighting, "
      "the army's eastern command said on Thursday.",
      "Russian units withdrew to positions along the railway line.",
      "The claim could not be independently verified."]),
    ("tbilisi-rally", "Protesters rally in Tbilisi against a foreign agents law", "2023-05-05",
     ["Thousands of protesters gathered outside parliament in Tbilisi on Friday to oppose a draft law on "
      "foreign agents.",
      "Police used water cannon to disperse the crowd late in the evening.",
      "Opposition leaders said dozens of people were detained."]),
    ("odesa-power", "Missile attack cuts power in Odesa", "2023-05-06",
     ["A Russian missile attack on Odesa damaged an energy facility and left thousands of homes without power, "
      "the city's mayor said on Saturday.",
      "Air defences shot down most of the missiles, the air force said.",
      "Repair teams restored electricity to some districts by the afternoon."]),
    ("khartoum-clashes", "Army and RSF clash in Khartoum", "2023-05-07",
     ["The Sudanese army and the Rapid Support Forces fought in central Khartoum on Sunday, residents said.",
      "Heavy gunfire was heard near the airport, and several buildings caught fire.",
      "Aid groups called for a ceasefire so that they could reach civilians trapped in their homes."]),
    ("lebanon-strikes", "Israeli aircraft strike targets in southern Lebanon", "2023-05-08",
     ["Israeli aircraft struck targets in southern Lebanon on Monday after rockets were fired across the "
      "border, the Israeli military said.",
      "Lebanese media reported that two people were killed in the village of Aita al-Shaab.",
      "Hezbollah said it had fired the rockets."]),
    ("black-sea-drone", "Naval drone hits patrol ship in the Black Sea", "2023-05-09",
     ["A Ukrainian naval drone hit a Russian patrol ship in the Black Sea on Tuesday, the Ukrainian navy said.",
      "Russia's defence ministry said the ship was damaged but stayed afloat.",
      "No casualties were reported by either side."]),
]
BY_SLUG = {a[0]: a for a in ARTICLES}


def article_html(slug: str) -> bytes:
    _, title, date, paragraphs = BY_SLUG[slug]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{escape(title)} | The Frontline Courier</title>"
            f'<meta property="article:published_time" content="{date}T08:00:00Z"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            f"<footer>Copyright The Frontline Courier</footer></body></html>").encode()


def rss(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (link, title, YYYY-MM-DD) entries."""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{format_datetime(dt.datetime.fromisoformat(d + 'T07:00:00+00:00'))}</pubDate>"
        f"<description>{escape(t)}</description></item>"
        for link, t, d in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://courier.test/</link><description>News</description>{items}</channel></rss>").encode()


# --- a local web site ------------------------------------------------------------

class Site:
    """A web site on 127.0.0.1: routes are functions of the request handler; every request is logged."""

    def __init__(self):
        self.routes = {}
        self.requests: list[dict] = []   # {"path", "headers", "status"}
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = urlsplit(self.path).path
                entry = self._entry = {"path": path, "headers": dict(self.headers), "status": None}
                with site.lock:
                    site.requests.append(entry)
                route = site.routes.get(path)
                try:
                    if route is None:
                        entry["status"] = 404
                        self.send_error(404)
                    else:
                        entry["status"] = route(self) or 200
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def send_response(self, code, message=None):
                # Noted before the status line goes out: the client may have the whole answer, and the test
                # read the log, before the route returns.
                self._entry["status"] = code
                super().send_response(code, message)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def hits(self, path: str) -> int:
        return sum(r["path"] == path for r in self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # routes

    def static(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200):
        def route(h):
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return status
        self.routes[path] = route

    def article(self, slug: str) -> str:
        """Serve an article page; its URL."""
        self.static(f"/articles/{slug}.html", article_html(slug))
        return self.url(f"/articles/{slug}.html")

    def feed(self, path: str, slugs: list[str], title: str = "The Frontline Courier") -> str:
        """Serve (or replace) an RSS feed of articles with ETag and Last-Modified validators; its URL."""
        entries = [(self.article(s), BY_SLUG[s][1], BY_SLUG[s][2]) for s in slugs]
        body = rss(title, entries)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = format_datetime(dt.datetime(2023, 5, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=len(slugs)),
                                   usegmt=True)

        def route(h):
            if h.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in h.headers and h.headers.get("If-Modified-Since") == modified):
                h.send_response(304)
                h.send_header("ETag", etag)
                h.end_headers()
                return 304
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("ETag", etag)
            h.send_header("Last-Modified", modified)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return 200
        self.routes[path] = route
        return self.url(path)


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def stored(db) -> dict[str, str | None]:
    """doc_id -> error code of every stored document."""
    with Store(db, read_only=True) as store:
        return dict(store.con.execute("SELECT doc_id, error_code FROM documents").fetchall())


FAST = WatchOptions(rate_limit=0, timeout=2, attempts=2, backoff=0.01, use_embeddings=False)
QUICK_CLI = ["--rate-limit", "0", "--no-embeddings", "--workers", "1", "--backoff", "0.01"]


# --- the must-show behaviour --------------------------------------------------------

def test_watch_ingests_a_feed_then_asks_conditionally_and_ingests_only_new_entries(site, tmp_path, caplog):
    """Five entries give five documents; an unchanged feed answers 304 and costs no page; two more give two."""
    db = tmp_path / "store.duckdb"
    slugs = [a[0] for a in ARTICLES[:7]]
    feed = site.feed("/news.xml", slugs[:5])

    assert run("watch", feed, "--db", db, "--once", *QUICK_CLI).exit_code == 0
    assert stored(db) == {site.url(f"/articles/{s}.html"): None for s in slugs[:5]}
    assert [r["path"] for r in site.requests] == (
        ["/news.xml", "/robots.txt"] + [f"/articles/{s}.html" for s in slugs[:5]])

    first = len(site.requests)
    assert run("watch", feed, "--db", db, "--once", *QUICK_CLI).exit_code == 0
    again = site.requests[first:]
    assert [(r["path"], r["status"]) for r in again] == [("/news.xml", 304)]
    assert again[0]["headers"]["If-None-Match"].startswith('"')
    assert again[0]["headers"]["If-Modified-Since"] == "Mon, 01 May 2023 05:00:00 GMT"
    assert len(stored(db)) == 5
    assert "poll: 1 feeds (1 unchanged, 0 failed), 0 new documents" in caplog.text

    site.feed("/news.xml", slugs)
    second = len(site.requests)
    assert run("watch", feed, "--db", db, "--once", *QUICK_CLI).exit_code == 0
    assert [r["path"] for r in site.requests[second:]] == (
        ["/news.xml", "/robots.txt"] + [f"/articles/{s}.html" for s in slugs[5:]])
    assert stored(db) == {site.url(f"/articles/{s}.html"): None for s in slugs}
    assert "poll: 1 feeds (0 unchanged, 0 failed), 2 new documents, 0 error rows, 5 already seen" in caplog.text
    with Store(db, read_only=True) as store:
        title, published, outlet = store.con.execute(
            "SELECT title, published, outlet FROM documents WHERE doc_id = ?",
            [site.url("/articles/khartoum-clashes.html")]).fetchone()
    assert (title, str(published), outlet) == ("Army and RSF clash in Khartoum", "2023-05-07", "The Frontline Courier")


def test_failing_feeds_are_recorded_and_the_others_still_ingested(site, tmp_path):
    """A feed answering 500, one of garbage and one that times out each keep an error; the good feed is ingested."""
    site.feed("/good.xml", ["odesa-power"])
    site.static("/broken.xml", b"Internal error", "text/plain", status=500)
    site.static("/garbage.xml", b"Not a feed at all, just words and <<<>>> brackets\x00\x01", "application/rss+xml")

    def slow(h):
        time.sleep(1.5)
        h.send_response(200)
        h.end_headers()
        return 200
    site.routes["/slow.xml"] = slow
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# our feeds\n{site.url('/broken.xml')}\n\n{site.url('/garbage.xml')}  # junk\n"
                       f"{site.url('/slow.xml')}\n{site.url('/good.xml')}\n")
    db = tmp_path / "store.duckdb"

    for _ in range(2):
        assert run("watch", listing, "--db", db, "--once", "--timeout", "0.3", "--retries", "2",
                   *QUICK_CLI).exit_code == 0

    assert stored(db) == {site.url("/articles/odesa-power.html"): None}
    assert site.hits("/broken.xml") == 4   # two attempts in each of two polls
    rows = {json.loads(line)["url"]: json.loads(line) for line in run("feeds", "--db", db, "--json").stdout.splitlines()}
    assert {url: (r["consecutive_errors"], r["last_error"], r["entries_seen"]) for url, r in rows.items()} == {
        site.url("/broken.xml"): (2, "fetch_failed: HTTP 500, 2 attempts", 0),
        site.url("/garbage.xml"): (2, "no_main_text: not a readable feed: <unknown>:2:0: syntax error", 0),
        site.url("/slow.xml"): (2, "fetch_failed: timed out (--timeout 0.3 s), 2 attempts", 0),
        site.url("/good.xml"): (0, None, 1),
    }
    assert rows[site.url("/good.xml")]["etag"].startswith('"')
    assert rows[site.url("/broken.xml")]["last_success"] is None
    table = run("feeds", "--db", db).stdout.splitlines()
    assert table[0].split() == ["url", "last", "poll", "last", "success", "errors", "entries", "last", "error"]
    assert len(table) == 5
    assert any(line.startswith(site.url("/broken.xml")) and "fetch_failed: HTTP 500" in line for line in table)


# --- manners ------------------------------------------------------------------------

def test_a_page_robots_txt_disallows_is_not_fetched_and_gets_an_error_row(site, tmp_path):
    """robots.txt's Disallow keeps the watcher off a page: no request, a robots_disallowed row."""
    site.static("/robots.txt", b"User-agent: *\nDisallow: /articles/tbilisi\n", "text/plain")
    feed = site.feed("/news.xml", ["tbilisi-rally", "klishchiivka"])
    with Store(tmp_path / "store.duckdb") as store, Watcher(store, [feed], Settings(), FAST) as watcher:
        report = watcher.poll_once()
    assert site.hits("/articles/tbilisi-rally.html") == 0
    assert site.hits("/articles/klishchiivka.html") == 1
    assert (report.documents, report.document_errors) == (1, 1)
    assert stored(tmp_path / "store.duckdb") == {site.url("/articles/tbilisi-rally.html"): "robots_disallowed",
                                                 site.url("/articles/klishchiivka.html"): None}


def test_an_oversized_page_is_a_too_large_row_and_is_not_downloaded_whole(site, tmp_path):
    """A page streaming past --max-bytes, or announcing more, is refused before it has all arrived."""
    total, piece = 256 * 2 ** 20, b"<p>" + b"shelling " * 7000 + b"</p>"
    sent = {"bytes": 0}
    done = threading.Event()

    def huge(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        try:
            while sent["bytes"] < total:
                h.wfile.write(piece)
                sent["bytes"] += len(piece)
        finally:
            done.set()
        return 200

    def announced(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        h.wfile.write(piece)
        return 200
    site.routes["/huge.html"] = huge
    site.routes["/announced.html"] = announced
    feed_body = rss("Courier", [(site.url("/huge.html"), "Huge", "2023-05-02"),
                                (site.url("/announced.html"), "Announced", "2023-05-02")])
    site.static("/news.xml", feed_body, "application/rss+xml")
    options = WatchOptions(rate_limit=0, timeout=5, attempts=1, max_bytes=100_000, use_embeddings=False)
    with Store(tmp_path / "store.duckdb") as store, Watcher(store, [site.url("/news.xml")], Settings(), options) as w:
        w.poll_once()
        rows = dict(store.con.execute("SELECT doc_id, error_message FROM documents WHERE error_code = 'too_large'")
                    .fetchall())
    assert done.wait(10)
    assert sent["bytes"] < total // 8
    assert rows == {site.url("/huge.html"): "over 100,000 bytes (--max-bytes); stopped reading",
                    site.url("/announced.html"): "the server announces 268,435,456 bytes; the limit is 100,000 "
                                                 "(--max-bytes)"}


def test_redirects_go_to_http_only_and_at_most_five_times(site, tmp_path):
    """A redirect to file:// is refused (not_http), a redirect loop stops after five, a non-http link is no request."""
    def redirect(to):
        def route(h):
            h.send_response(302)
            h.send_header("Location", to)
            h.end_headers()
            return 302
        return route
    site.routes["/moved.html"] = redirect("file:///etc/passwd")
    site.routes["/loop.html"] = redirect("/loop.html")
    site.static("/news.xml", rss("Courier", [(site.url("/moved.html"), "Moved", "2023-05-02"),
                                             (site.url("/loop.html"), "Loop", "2023-05-02")]).replace(
        b"</channel>", b"<item><title>Old</title><link>ftp://courier.test/old.txt</link></item></channel>"),
        "application/rss+xml")
    with Store(tmp_path / "store.duckdb") as store, Watcher(store, [site.url("/news.xml")], Settings(), FAST) as w:
        w.poll_once()
        rows = dict((r[0], r[1:]) for r in store.con.execute(
            "SELECT doc_id, error_code, error_message FROM documents").fetchall())
    assert rows == {
        site.url("/moved.html"): ("not_http", "refusing 'file:///etc/passwd': only http(s) URLs are fetched"),
        site.url("/loop.html"): ("fetch_failed", "more than 5 redirects"),
        "ftp://courier.test/old.txt": ("not_http", "the entry links to 'ftp://courier.test/old.txt', not an http(s) "
                                                   "page, and has no text"),
    }
    assert site.hits("/loop.html") == 6
    assert site.hits("/moved.html") == 1


def test_one_article_in_two_feeds_is_fetched_once_and_never_again(site, tmp_path):
    """The same page under two spellings (utm_*, fragment, case, default port) is one request and one document."""
    page = site.article("black-sea-drone")
    port = site.server.server_port
    for path, link in (("/a.xml", page + "?utm_source=a#top"),
                       ("/b.xml", f"HTTP://127.0.0.1:{port}/articles/black-sea-drone.html?utm_medium=rss"),
                       ("/c.xml", page)):
        site.static(path, rss("Courier", [(link, "Naval drone hits patrol ship", "2023-05-09")]), "application/rss+xml")
    with Store(tmp_path / "store.duckdb") as store:
        with Watcher(store, [site.url("/a.xml"), site.url("/b.xml")], Settings(), FAST) as w:
            first = w.poll_once()
        with Watcher(store, [site.url("/c.xml")], Settings(), FAST) as w:
            second = w.poll_once()
    assert site.hits("/articles/black-sea-drone.html") == 1
    assert (first.documents, first.skipped, second.documents, second.skipped) == (1, 1, 0, 1)
    assert stored(tmp_path / "store.duckdb") == {page: None}


def test_a_local_feed_file_named_in_a_list_is_read_without_http(site, tmp_path):
    """A local feed's http links are fetched; an entry without a link is its own text; an unchanged file is not re-read."""
    page = site.article("lebanon-strikes")
    feed = tmp_path / "saved" / "courier.xml"
    feed.parent.mkdir()
    feed.write_bytes(rss("Courier", [(page, "Israeli aircraft strike targets", "2023-05-08")]).replace(
        b"</channel>", b"<item><guid>brief-1</guid><title>Brief</title><description>Ukrainian air defences shot down "
                       b"nine drones over Kyiv overnight, the city's military administration said on Monday."
                       b"</description></item></channel>"))
    listing = tmp_path / "feeds.txt"
    listing.write_text("saved/courier.xml\n")
    with Store(tmp_path / "store.duckdb") as store, Watcher(store, [str(listing)], Settings(), FAST) as w:
        first = w.poll_once()
        second = w.poll_once()
        states = list_feeds(store.con)
    assert (first.documents, second.unchanged, second.documents) == (2, 1, 0)
    assert stored(tmp_path / "store.duckdb") == {page: None, "brief-1": None}
    assert [(s.url, s.entries_seen, s.consecutive_errors) for s in states] == [(str(feed.resolve()), 2, 0)]
    assert [r["path"] for r in site.requests] == ["/robots.txt", "/articles/lebanon-strikes.html"]


def test_a_transient_failure_is_retried_with_exponential_backoff(site):
    """Two 503s then a page: three requests, waits of backoff and twice backoff."""
    answers = iter([503, 503, 200])

    def flaky(h):
        status = next(answers)
        h.send_response(status)
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"ok")
        return status
    site.routes["/flaky"] = flaky
    waits = []
    fetcher = Fetcher(WatchOptions(rate_limit=0, attempts=3, backoff=0.5), sleep=waits.append)
    try:
        fetched = fetcher.get(site.url("/flaky"))
    finally:
        fetcher.close()
    assert (fetched.status, fetched.content, waits) == (200, b"ok", [0.5, 1.0])
    assert [r["status"] for r in site.requests] == [503, 503, 200]


def test_a_stop_during_the_backoff_ends_the_retries(site):
    """When the wait before a retry is cut short by a stop, no further attempt is made."""
    site.static("/down", b"down", "text/plain", status=503)
    stop = threading.Event()
    stop.set()
    fetcher = Fetcher(WatchOptions(rate_limit=0, attempts=3, backoff=30), sleep=stop.wait)
    try:
        with pytest.raises(fogofwar.DocumentError) as caught:
            fetcher.get(site.url("/down"))
    finally:
        fetcher.close()
    assert (caught.value.code, caught.value.message) == ("fetch_failed", "HTTP 503, 1 attempt")
    assert site.hits("/down") == 1


def test_requests_to_one_host_keep_the_rate_limit():
    """A second request to a host within the interval waits out the rest of it; another host does not wait."""
    now = [100.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    pacer = HostPacer(2.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("a.test")
    now[0] += 0.5
    pacer.wait("a.test")
    pacer.wait("b.test")
    now[0] += 3
    pacer.wait("a.test")
    assert waits == [1.5]


def test_urls_are_normalised_to_one_key():
    """Scheme and host lowercase, default port, fragment and utm_* parameters dropped; the rest kept in order."""
    assert normalize_url("HTTPS://News.Example.COM:443/War/Report.html?id=7&utm_source=rss&b=2#comments") == \
        "https://news.example.com/War/Report.html?id=7&b=2"
    assert normalize_url("http://example.com:8080") == "http://example.com:8080/"


def test_intervals_read_seconds_minutes_and_hours():
    """--every takes 30s, 15m, 1h or a number of seconds."""
    assert [parse_interval(v) for v in ("30s", "15m", "1h", "90", "1.5m")] == [30, 900, 3600, 90, 90]
    with pytest.raises(ValueError):
        parse_interval("soon")


def test_sources_expand_to_urls_files_and_folders(tmp_path):
    """A list file gives its URLs and paths (# comments skipped), a folder its feed files; each feed once."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "a.xml").write_text("<rss/>")
    (folder / "notes.txt").write_text("not a feed")
    listing = tmp_path / "list.txt"
    listing.write_text("# watched\nhttp://Example.com/feed.xml#x # the main one\nfeeds/a.xml\n")
    found = expand_sources([str(listing), str(folder), "http://example.com/feed.xml", str(tmp_path / "gone.xml")])
    assert [(f.key, f.problem) for f in found] == [
        ("http://example.com/feed.xml", None),
        (str((folder / "a.xml").resolve()), None),
        (str(tmp_path / "gone.xml"), f"not an http(s) URL and no such file or folder: {tmp_path / 'gone.xml'}"),
    ]


# --- stopping -------------------------------------------------------------------------

def test_sigterm_stops_watch_after_the_page_in_hand_and_keeps_what_was_fetched(site, tmp_path):
    """SIGTERM while the second page downloads: it is finished and stored with the first, the third never fetched."""
    slugs = ["belgorod-depot", "kherson-hospital", "klishchiivka"]
    feed = site.feed("/news.xml", slugs)
    asked, release = threading.Event(), threading.Event()
    served = site.routes["/articles/kherson-hospital.html"]

    def held(h):
        asked.set()
        release.wait(60)
        return served(h)
    site.routes["/articles/kherson-hospital.html"] = held
    db = tmp_path / "store.duckdb"
    env = dict(os.environ, PYTHONPATH=str(Path(fogofwar.__file__).parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "fogofwar", "watch", feed, "--db", str(db), "--every", "1s",
                             *QUICK_CLI], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert asked.wait(120), "the second page was never asked for"
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        release.set()
        _, err = proc.communicate(timeout=120)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopping after the document in hand (SIGTERM)" in err
    assert "(stopped)" in err
    assert site.hits("/articles/klishchiivka.html") == 0
    assert stored(db) == {site.url(f"/articles/{s}.html"): None for s in slugs[:2]}
    with Store(db, read_only=True) as store:
        (state,) = list_feeds(store.con)
    assert state.etag is None   # read in part: the next poll reads the feed whole again
