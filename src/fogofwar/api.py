"""The web API and the analyst page, over a store read between writes (see live.py).

`create_app(db)` builds a FastAPI app: JSON under /api (incidents, one
incident's evidence, documents with their spans, full-text search, the
store's status for the page to poll), the
OpenAPI schema at /openapi.json with a self-hosted Swagger UI at /docs, and
the page built from fogofwar/web into web/dist. Article text is untrusted:
the API returns it as JSON strings and the page only ever sets it as text.
Every response carries a Content-Security-Policy that allows nothing but
this origin, so no CDN, tile server or injected script can run.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from functools import cache
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal

import duckdb
from pydantic import BaseModel
from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .dates import DATE_PATTERN
from .filters import ACTOR_PATTERN, PLOVER_TYPES, STATUSES, FilterError, incident_filters
from .live import ServedStore
from .models import Result
from .store import MAP_POINT_LIMIT, Store

__all__ = ["create_app", "WEB_DIST", "MAX_PAGE", "CSP", "LOOPBACK_HOSTS"]

log = logging.getLogger(__name__)

WEB_DIST = Path(__file__).parent / "web" / "dist"
MAX_PAGE = 500
MAX_SEARCH_PAGE = 50
QUERY_SECONDS = 10.0
POLL_SECONDS = 30.0
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
WARM_PATHS = ("/api/status", "/api/facets")  # what every page load asks first
# 'self' only: the page, its data and Swagger UI are all served from here. data: images are
# Leaflet's and Swagger's inline icons; nothing may frame the page or be posted elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PloverType = Literal[tuple(PLOVER_TYPES)]
StatusName = Literal[tuple(STATUSES)]
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


class ParamError(BaseModel):
    """One bad parameter."""

    param: str
    message: str


class ApiError(BaseModel):
    """Every error: a code (bad_request, not_found, timeout, ...) and a message that says how to fix it."""

    error: str
    message: str
    errors: list[ParamError] | None = None


ERROR_RESPONSES = {
    400: {"model": ApiError, "description": "A bad or unknown parameter; `message` names it and the fix."},
    404: {"model": ApiError, "description": "No such incident or document."},
    503: {"model": ApiError, "description": "The query ran past the time limit and was stopped."},
}


class _Reader:
    """Runs store reads, each on a connection of its own, at most one per core at once, and cancels any that
    runs too long."""

    def __init__(self, served: ServedStore, seconds: float, slots: int | None = None):
        self.served = served
        self.seconds = seconds
        # As many reads at once as there are cores: twenty reads sharing two cores all finish late, while
        # in turn most finish early; the rest wait their turn, which the time limit does not count.
        self._slots = threading.BoundedSemaphore(slots or max(2, os.cpu_count() or 2))
        # One watchdog thread for all reads: a Timer thread per read cost 0.5 ms, a twentieth of a read.
        self._running: dict[int, tuple[float, Store]] = {}
        self._changed = threading.Condition()
        self._watchdog: threading.Thread | None = None

    def __call__(self, method: str | Callable[..., Any], *args, **kwargs):
        """`store.method(*args, **kwargs)` on a connection lent to this read from the store as it is now (a
        served store is reopened around writes); requests read side by side, each on its own connection."""
        with self._slots, self.served.reading() as store:
            key = threading.get_ident()
            with self._changed:
                self._running[key] = (time.monotonic() + self.seconds, store)
                if self._watchdog is None:
                    self._watchdog = threading.Thread(target=self._watch, name="read-watchdog", daemon=True)
                    self._watchdog.start()
                self._changed.notify()
            try:
                if callable(method):  # a function over the store, such as exports.incident_rows
                    return method(store, *args, **kwargs)
                return getattr(store, method)(*args, **kwargs)
            except duckdb.InterruptException as exc:
                raise HTTPException(503, f"the query took longer than {self.seconds:g} s and was stopped; "
                                         "narrow the filters") from exc
            finally:
                with self._changed:
                    del self._running[key]

    def _watch(self) -> None:
        """Interrupt every read past its deadline; under the lock, so never one that has finished."""
        with self._changed:
            while True:
                now = time.monotonic()
                for key, (deadline, store) in list(self._running.items()):
                    if deadline <= now:
                        store.interrupt()
                        self._running[key] = (float("inf"), store)
                soonest = min((d for d, _ in self._running.values()), default=float("inf"))
                self._changed.wait(None if soonest == float("inf") else soonest - now)


class _CachedReads:
    """ASGI middleware that answers a GET under /api from memory when the same path and query string got
    a 200 since the served store last changed (`ServedStore.data_version`): the page and its readers ask
    the same few questions between writes. Any write empties it; while one is open, nothing is kept.
    A question already being answered is waited for, not asked of the store again. The answers are kept
    as sent, gzip-compressed for clients that accept it, so a kept answer is not compressed again."""

    def __init__(self, app, served: ServedStore, max_bytes: int = 64 * 2**20, warm: tuple[str, ...] = (),
                 warmed: threading.Event | None = None):
        self.app = app
        self.served = served
        self.max_bytes = max_bytes
        # Asked of the store right after start and after every write, before anyone asks: what every page
        # load asks first (the store's status and the filters' choices). `warmed` is set when they are kept.
        self.warm = warm
        self.warmed = warmed or threading.Event()
        self._warming: set[asyncio.Task] = set()
        self._version: int | None = None
        self._answers: OrderedDict[tuple[str, bytes, bool], tuple[list, bytes]] = OrderedDict()
        self._bytes = 0
        self._asked: dict[tuple[str, bytes, bool], asyncio.Event] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            async def started(message):
                await send(message)
                if message["type"] == "lifespan.startup.complete":
                    self._start_warming()
            await self.app(scope, receive, started)
            return
        version = self.served.data_version()
        if (version is None or scope["type"] != "http" or scope["method"] != "GET"
                or not scope["path"].startswith("/api/") or scope["path"].startswith("/api/store/")
                or scope["path"] == "/api/export"):  # a download is streamed, not held
            await self.app(scope, receive, send)
            return
        if version != self._version:
            self._answers.clear()
            self._version, self._bytes = version, 0
            self._start_warming()
        # Kept as sent, compressed or not (GZipMiddleware is inside): a kept answer costs no compression.
        key = (scope["path"], scope["query_string"], _accepts_gzip(scope))
        kept = self._answers.get(key)
        if kept is not None:
            self._answers.move_to_end(key)
            headers, body = kept
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
            await send({"type": "http.response.body", "body": body})
            return
        asked = self._asked.get(key)
        if asked is not None:
            await asked.wait()
            await self(scope, receive, send)  # now kept, unless it failed or the store changed meanwhile
            return
        asked = self._asked[key] = asyncio.Event()
        start: dict = {}
        parts: list[bytes] = []

        async def keep(message):
            if message["type"] == "http.response.start":
                # A copy: outer middleware may rewrite the headers of the message it is sent in place.
                start.update(message, headers=list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keep)
            # Kept only when the store did not change while it was answered.
            if start.get("status") == 200 and self.served.data_version() == version == self._version:
                self._keep(key, list(start.get("headers", [])), b"".join(parts))
        finally:
            del self._asked[key]
            asked.set()

    def _start_warming(self) -> None:
        if not self.warm or self.served.data_version() is None:
            self.warmed.set()
            return
        self.warmed.clear()
        task = asyncio.get_running_loop().create_task(self._warm_up())
        self._warming.add(task)  # held, so the task is not collected before it ends
        task.add_done_callback(self._warming.discard)

    async def _warm_up(self) -> None:
        """Ask each of `warm` as a page would (accepting gzip), so its answer is kept; a failure is logged."""
        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(message):
            pass

        try:
            for path in self.warm:
                scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                         "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                         "root_path": "", "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")],
                         "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}
                await self(scope, receive, discard)
        except Exception:
            log.exception("warming the answers up failed")
        finally:
            self.warmed.set()

    def _keep(self, key, headers: list, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        old = self._answers.pop(key, None)
        self._answers[key] = (headers, body)
        self._bytes += len(body) - (len(old[1]) if old else 0)
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._answers.popitem(last=False)
            self._bytes -= len(dropped)


def _accepts_gzip(scope) -> bool:
    """Whether GZipMiddleware compresses the answer to this request (it looks for "gzip" in the first
    Accept-Encoding header)."""
    for name, value in scope["headers"]:
        if name.lower() == b"accept-encoding":
            return b"gzip" in value
    return False


class _Assets(StaticFiles):
    """The built page's files; licence files (LICENSE, NOTICE, *.md) are shown as text, not downloaded."""

    def file_response(self, full_path, *args, **kwargs):
        response = super().file_response(full_path, *args, **kwargs)
        if response.headers.get("content-type", "").startswith(("application/octet-stream", "text/markdown")):
            response.headers["content-type"] = "text/plain; charset=utf-8"
        return response


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def _check_params(request: Request, allowed: set[str]) -> None:
    """Reject unknown query parameters, so a misspelt filter is an error and not silently ignored."""
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise HTTPException(400, f"unknown parameter {', '.join(unknown)}; use {', '.join(sorted(allowed))}")


FILTER_PARAMS = {"bbox", "since", "until", "type", "types", "actor", "status", "min_sources"}


def _incident_filters(*extra: str):
    """The dependency that parses the incident filters (of /api/incidents and /api/export alike, through
    filters.py as the CLI does) and refuses any parameter but those and `extra`."""
    allowed = FILTER_PARAMS | set(extra)

    def parse(
        request: Request,
        bbox: str | None = Query(None, description="WEST,SOUTH,EAST,NORTH in degrees: only incidents inside.",
                                 examples=["22,44,41,53"], max_length=100),
        since: str | None = Query(None, pattern=DATE_PATTERN, description="Only incidents on or after this date."),
        until: str | None = Query(None, pattern=DATE_PATTERN, description="Only incidents on or before this date."),
        type: PloverType | None = Query(None, description="Only this PLOVER type."),  # noqa: A002 - the API's name
        types: list[str] | None = Query(None, max_length=400, examples=["ASSAULT,COERCE"],
                                        description="Only these PLOVER types: comma-separated or repeated "
                                                    "(`types=` alone matches none)."),
        actor: str | None = Query(None, pattern=f"^{ACTOR_PATTERN}$",
                                  description="Only incidents with this actor code among actors or recipients."),
        status: StatusName | None = Query(None, description="Only incidents with this epistemic status."),
        min_sources: int = Query(1, ge=0, le=100_000, description="At least this many independent sources."),
    ) -> dict[str, Any]:
        _check_params(request, allowed)
        try:
            return incident_filters(since=since, until=until, bbox=bbox, plover_type=type, types=types, actor=actor,
                                    status=status, min_sources=min_sources)
        except FilterError as exc:
            raise HTTPException(400, f"{exc.param}: {exc.message}" if exc.param else exc.message) from None

    return parse


def _document_spans(doc) -> list[dict[str, Any]]:
    """Every highlighted span of a document: places, times, actors, event triggers and claim parts."""
    spans: list[dict[str, Any]] = []

    def add(start, end, kind, ref, label):
        if start is not None and end is not None and 0 <= start < end <= len(doc.text):
            spans.append({"start": start, "end": end, "kind": kind, "ref": ref, "label": label})

    for i, p in enumerate(doc.places):
        add(p.start, p.end, "place", f"p{i}", ", ".join(x for x in (p.name, p.admin1, p.country) if x))
    for i, t in enumerate(doc.times):
        add(t.start, t.end, "time", f"t{i}", f"{t.type} {t.value}")
    for i, a in enumerate(doc.actors):
        add(a.start, a.end, "actor", f"a{i}", a.code)
    for e in doc.events:
        # Every mention of the happening is highlighted as its trigger, the same label on each.
        for m in e.mentions or [e]:
            add(m.trigger.start, m.trigger.end, "trigger", e.id, f"{e.plover.type} {e.status} ({e.factuality:+.1f})")
        for kind, c in e.casualties.items():
            add(c.start, c.end, "casualty", e.id, f"{kind}: {c.text}")
    for c in doc.claims:
        if c.source:
            add(c.source.start, c.source.end, "source", c.id, c.source.code or "source")
        add(c.cue.start, c.cue.end, "cue", c.id, f"{c.cue.lemma}: {c.stance}")
        add(c.content.start, c.content.end, "content", c.id, f"{c.kind} claim, {c.stance}")
    spans.sort(key=lambda s: (s["start"], -s["end"], s["kind"]))
    return spans


def _evidence(incident: dict[str, Any]) -> dict[str, Any]:
    """Add to an incident its documents and a flat list of claims, each with its outlet and date."""
    documents: dict[str, dict[str, Any]] = {}
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    for e in incident["events"]:
        doc = documents.setdefault(e["doc_id"], {
            "doc_id": e["doc_id"], "title": e["title"], "outlet": e["outlet"], "url": e["url"],
            "published": e["published"], "origin": e["origin"], "events": []})
        doc["events"].append(e["event_id"])
        for c in e["claims"]:
            c.update(outlet=e["outlet"], published=e["published"], title=e["title"])
            claim = claims.setdefault((e["doc_id"], c["claim_id"]), dict(c, events=[]))
            claim["events"].append(e["event_id"])
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for e in incident["events"]:
        by_doc.setdefault(e["doc_id"], []).append(e)
    for doc_id, doc in documents.items():
        doc["sentence"] = _report_sentence(by_doc[doc_id])
        mentions = sorted((m for e in by_doc[doc_id] for m in e["mentions"] or []), key=lambda m: m["trigger_start"])
        doc["mentions"] = list(dict.fromkeys(m["trigger_text"] for m in mentions))  # each word once, in text order
    incident["documents"] = sorted(documents.values(), key=lambda d: (d["published"] or "", d["doc_id"]))
    incident["claims"] = sorted(claims.values(), key=lambda c: (c["published"] or "", c["doc_id"], c["claim_id"]))
    return incident


def _report_sentence(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The one sentence a report tells the incident in: that of its event with the most said about it
    (casualties and means first, then actor, target, place and a stated date), the earliest on a tie (the
    headline or the lead). Each event's sentence is already that of its most informative mention."""
    def said(e: dict[str, Any]) -> tuple:
        told = sum(bool(e.get(k)) for k in ("actor_codes", "recipient_codes", "location_name", "date_text"))
        return 2 * len(e.get("casualties") or {}) + len(e.get("means") or []) + told, -(e.get("sentence_start") or 0)

    best = max(events, key=said)
    start = best.get("sentence_start") or 0
    text = best.get("sentence_text") or best.get("trigger_text") or ""
    trigger = (best["trigger_start"] - start, best["trigger_end"] - start) if best.get("sentence_text") else (0, len(text))
    inside = 0 <= trigger[0] < trigger[1] <= len(text)
    return {"event_id": best["event_id"], "text": text, "trigger_start": trigger[0] if inside else None,
            "trigger_end": trigger[1] if inside else None, "status": best["status"], "factuality": best["factuality"],
            "date_text": best.get("date_text"), "casualties": best.get("casualties") or {}, "means": best.get("means") or [],
            "events": len(events)}


def _forbid_files(store: Store) -> None:
    try:
        # The server never reads or writes files through SQL, whatever a query asks.
        store.con.execute("SET enable_external_access = false")
    except duckdb.Error:
        log.debug("could not restrict file access on %s", store.path)


def create_app(db: str | Path | Store, static_dir: str | Path | None = WEB_DIST,
               query_seconds: float = QUERY_SECONDS, allowed_hosts: list[str] | None = None,
               write_token: str | None = None, poll_seconds: float = POLL_SECONDS,
               map_points: int = MAP_POINT_LIMIT) -> FastAPI:
    """The API and page over a store. A path is held read-only between writes and written through
    the /api/store endpoints by callers that send `write_token` (see live.py); an open Store is
    only read, as it is. The page asks /api/status for changes every `poll_seconds`; /api/map sends
    at most `map_points` incidents one by one, else counts per grid cell."""
    if isinstance(db, Store):
        _forbid_files(db)
        served = ServedStore(store=db)
    else:
        served = ServedStore(path=str(db), harden=_forbid_files)
    read = _Reader(served, query_seconds)
    dist = Path(static_dir) if static_dir else None

    app = FastAPI(
        title="fogofwar",
        version=_version(),
        summary="Incidents of war and conflict news, each with every claim, who made it and how sure it is.",
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
        responses=ERROR_RESPONSES,
    )
    app.state.served = served
    # The map's and the list's JSON shrink five- to tenfold compressed (benchmarks/README.md, "map").
    # Added first, so it is the innermost: the cache outside it keeps answers compressed.
    app.add_middleware(GZipMiddleware, minimum_size=4096)

    # Inside the Host check and the security headers, which still see every request. Every page load asks
    # the status and the facets first: they are asked at start and after each write.
    app.state.warmed = threading.Event()
    app.add_middleware(_CachedReads, served=served, warm=WARM_PATHS, warmed=app.state.warmed)

    if allowed_hosts:
        # Bound to loopback, the server also refuses other Host names (DNS rebinding).
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.middleware("http")  # added last, so it is the outermost and sees every response
    async def security_headers(request: Request, call_next):
        try:
            response = await call_next(request)
        except Exception:  # an unexpected failure still answers JSON, with the headers below
            log.exception("%s %s failed", request.method, request.url.path)
            response = _error(500, "internal", "the server failed on this request; see its log")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        errors = [{"param": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                  for e in exc.errors()]
        text = "; ".join(f"{e['param']}: {e['message']}" for e in errors)
        return _error(400, "bad_request", text, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
                503: "timeout"}.get(
            exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return _error(exc.status_code, code, message)

    @app.get("/api/incidents", tags=["incidents"])
    def list_incidents(
        filters: dict[str, Any] = Depends(_incident_filters("limit", "offset")),
        limit: int = Query(100, ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}."),
        offset: int = Query(0, ge=0, le=10_000_000, description="Skip this many incidents."),
    ) -> dict[str, Any]:
        """Incidents matching the filters, most independent sources first, then newest; one page. Each has its
        `place_precision`: town, district, dateline (the report's main town, a guess), region, country, area
        (a sea, a continent) or none."""
        total, items = read(_incident_page, limit=limit, offset=offset, **filters)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/incidents/{incident_id}", tags=["incidents"])
    def get_incident(request: Request, incident_id: str = PathParam(..., pattern=ID_PATTERN)) -> dict[str, Any]:
        """One incident with its events, every claim (source, stance, quote, outlet, date) and its documents."""
        _check_params(request, set())
        found = read(_incident_with_evidence, incident_id)
        if found is None:
            raise HTTPException(404, f"no incident {incident_id}")
        return _evidence(found)

    @app.get("/api/documents/{doc_id:path}", tags=["documents"])
    def get_document(request: Request, doc_id: str = PathParam(..., min_length=1, max_length=512)) -> dict[str, Any]:
        """A document's text and records, with every span to highlight (offsets index `text`)."""
        _check_params(request, set())
        doc = read("document", doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        body = doc.model_dump(by_alias=True, exclude={"predicates"})
        body["spans"] = _document_spans(doc)
        return body

    @app.get("/api/search", tags=["documents"])
    def search(
        request: Request,
        q: str = Query(..., min_length=2, max_length=200, description="Words that must all occur (any case)."),
        limit: int = Query(20, ge=1, le=MAX_SEARCH_PAGE, description=f"Page size, at most {MAX_SEARCH_PAGE}."),
        offset: int = Query(0, ge=0, le=100_000, description="Skip this many documents."),
    ) -> dict[str, Any]:
        """Full-text search over document titles and texts: every word must occur; most occurrences first."""
        _check_params(request, {"q", "limit", "offset"})
        terms = [t for t in re.split(r"\s+", q.strip()) if t]
        if not terms:
            raise HTTPException(400, "q: give at least one word")
        if len(terms) > 10:
            raise HTTPException(400, "q: at most 10 words")
        total, items = read("search_documents", terms, limit=limit, offset=offset)
        return {"q": q, "total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/facets", tags=["incidents"])
    def facets(request: Request) -> dict[str, Any]:
        """What the filters can choose from: types, statuses, actor codes and the date range in the store."""
        _check_params(request, set())
        stored = read("incident_facets")
        return {"types": PLOVER_TYPES, "statuses": STATUSES, **stored}

    _add_export_route(app, read)
    _add_map_routes(app, read, map_points)

    if write_token and served.writable:
        _add_store_routes(app, served, write_token)

    @app.get("/api/status", tags=["store"])
    def status(request: Request) -> dict[str, Any]:
        """The store's data version (it grows with every ingest that changes the data), when it last
        changed, its document and incident counts, and how often the page should ask again."""
        _check_params(request, set())
        return {**read("status"), "poll_seconds": poll_seconds}

    def page(name: str):
        if dist is None or not (dist / name).is_file():
            return PlainTextResponse("The page is not built: run `make setup` (npm ci and the esbuild bundle).",
                                     status_code=503)
        return FileResponse(dist / name, media_type="text/html")

    @app.get("/", include_in_schema=False)
    def index():
        return page("index.html")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return page("docs.html")

    def openapi() -> dict[str, Any]:
        # Bad parameters answer 400 with ApiError, not FastAPI's 422, and the schema says so.
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            for path in schema["paths"].values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi

    if dist is not None and (dist / "assets").is_dir():
        # StaticFiles resolves every path and refuses any outside its folder.
        app.mount("/assets", _Assets(directory=dist / "assets", follow_symlink=False), name="assets")
    return app


MAX_EXPORT = 50_000
# format → (media type, file extension, renderer over exports.incident_rows): the CLI's acled-csv and geojson.
EXPORT_FORMATS = {"csv": ("text/csv; charset=utf-8", "csv", "acled_csv_lines"),
                  "geojson": ("application/geo+json", "geojson", "geojson_chunks")}


def _add_export_route(app: FastAPI, read: _Reader) -> None:
    """GET /api/export: the incidents the same filters give /api/incidents, every one of them, as a download."""
    from . import exports

    @app.get("/api/export", tags=["incidents"], response_class=StreamingResponse, responses={
        200: {"description": "Every matching incident, in the order of /api/incidents; `X-Total-Count` says how "
                             "many.", "content": {"text/csv": {}, "application/geo+json": {}}},
        413: {"model": ApiError, "description": f"More than {MAX_EXPORT:,} incidents match; narrow the filters."}})
    def export_view(
        format: Literal[tuple(EXPORT_FORMATS)] = Query(  # noqa: A002 - the API's name
            ..., description="`csv`: ACLED-style columns, one incident a row (`fogofwar export --format acled-csv`); "
                             "`geojson`: a FeatureCollection, null geometry for incidents without coordinates."),
        filters: dict[str, Any] = Depends(_incident_filters("format")),
    ):
        """The incidents matching the filters of /api/incidents (the same parameters but `limit` and `offset`),
        all of them, as an ACLED-style CSV or a GeoJSON file to download."""
        def refuse(total: int):
            raise HTTPException(413, f"{total:,} incidents match and an export holds at most {MAX_EXPORT:,}: narrow "
                                     "the filters, or run `fogofwar export` with them")

        total = read("count_incidents", **filters)
        if total > MAX_EXPORT:  # counted in SQL, so a refusal costs no read of the rows
            refuse(total)
        rows = read(exports.incident_rows, limit=MAX_EXPORT + 1, **filters)
        if len(rows) > MAX_EXPORT:  # an ingest came between the count and the read
            refuse(read("count_incidents", **filters))
        media_type, extension, render = EXPORT_FORMATS[format]
        name = "fogofwar-incidents" + "".join(f"-{k}-{filters[k]}" for k in ("since", "until") if filters[k])
        headers = {"Content-Disposition": f'attachment; filename="{name}.{extension}"', "X-Total-Count": str(len(rows))}
        return StreamingResponse(_in_pieces(getattr(exports, render)(rows)), media_type=media_type, headers=headers)


def _in_pieces(lines, size: int = 1 << 16):
    """Lines joined into pieces of about `size` characters: each piece a sync iterator yields costs a thread hop."""
    piece, length = [], 0
    for line in lines:
        piece.append(line)
        length += len(line)
        if length >= size:
            yield "".join(piece)
            piece, length = [], 0
    if piece:
        yield "".join(piece)


# --- the map: aggregates for the page at any scale -----------------------------------------------------

@cache
def _country_shapes() -> dict[str, tuple[str, str]]:
    """ISO 3166 alpha-2 → (numeric code, name): the numeric code is the id of the country's outline in
    world-atlas, which the page shades."""
    import pycountry

    return {c.alpha_2: (c.numeric, getattr(c, "common_name", None) or c.name) for c in pycountry.countries}


def _incident_page(store: Store, limit: int, offset: int, **filters) -> tuple[int, list[dict[str, Any]]]:
    """How many incidents match and one page of them, each with its `place_precision` as the map draws it
    (see Store.place_precision), in one read."""
    total = store.count_incidents(**filters)
    items = store.incidents(limit=limit, offset=offset, **filters)
    found = store.place_precision_of(items)
    for item in items:
        item["place_precision"] = found[item["incident_id"]]
    return total, items


def _incident_with_evidence(store: Store, incident_id: str) -> dict[str, Any] | None:
    """One incident's evidence and its `place_precision`, in one read."""
    found = store.incident_evidence(incident_id)
    if found is not None:
        found["place_precision"] = store.place_precision_of([found])[incident_id]
    return found


def _add_map_routes(app: FastAPI, read: _Reader, point_limit: int) -> None:
    """/api/map and /api/timeline: what the page draws, counted in SQL, so its payload does not grow with
    the store."""

    @app.get("/api/map", tags=["map"])
    def map_summary(
        zoom: float = Query(5, ge=0, le=20, description="The map's zoom: the grid cell is about 40 pixels wide."),
        filters: dict[str, Any] = Depends(_incident_filters("zoom")),
    ) -> dict[str, Any]:
        """The map for the filters of /api/incidents: incidents placed at a town, site or district, or at
        the report's main town (`dateline`, a guess), as points (`points`, one row each, at most a set
        number in the view, strongest first; `capped` when more are there) or else counts per grid cell
        (`cells`); those placed only at a region, a country or a wider area as counts (`regions`,
        `countries`, `areas`), never as points; counts by place precision, type and status."""
        # The visible box picks the points and cells only; regions and countries are counted whole.
        view = filters.pop("bbox")
        out = read("map_summary", zoom, view, point_limit, **filters)
        shapes = _country_shapes()
        for c in out["countries"]:
            c["id"], c["name"] = shapes.get(c["country"] or "", (None, c["country"]))
        out["point_limit"] = point_limit
        return out

    @app.get("/api/timeline", tags=["map"])
    def timeline(filters: dict[str, Any] = Depends(_incident_filters())) -> dict[str, Any]:
        """Incidents per event date for the filters of /api/incidents (`days`: [date, count], the date
        as precise as the incident's), and how many are undated."""
        return read("incident_days", **filters)


MAX_WRITE_BATCH = 1000


class KnownRequest(BaseModel):
    ids: list[str]


class ResultsRequest(BaseModel):
    results: list[dict[str, str]]


class IncidentsRequest(BaseModel):
    use_embeddings: bool = True
    rebuild: bool = False


def _add_store_routes(app: FastAPI, served: ServedStore, token: str) -> None:
    """How `fogofwar ingest` and `fogofwar watch` write a served store: they extract, the server stores
    and merges. Only callers holding the token of the server file (readable by its user) may."""
    import secrets

    def authorised(request: Request) -> None:
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(403, "writing this store needs the token in its .serve.json file")

    @app.post("/api/store/known", tags=["store"], include_in_schema=False)
    def known(request: Request, body: KnownRequest) -> dict[str, Any]:
        authorised(request)
        if len(body.ids) > MAX_WRITE_BATCH:
            raise HTTPException(400, f"ids: at most {MAX_WRITE_BATCH} a request")
        with served.reading() as store:
            return {"hashes": store.known_hashes(body.ids)}

    @app.post("/api/store/results", tags=["store"], include_in_schema=False)
    def results(request: Request, body: ResultsRequest) -> dict[str, Any]:
        authorised(request)
        if len(body.results) > MAX_WRITE_BATCH:
            raise HTTPException(400, f"results: at most {MAX_WRITE_BATCH} a request")
        try:
            batch = [(Result.model_validate_json(r["row"]), r["hash"]) for r in body.results]
        except (KeyError, ValueError) as exc:
            raise HTTPException(400, f"results: each needs a hash and a result row: {exc}") from None
        with served.writing() as writer:
            writer.write_results(batch)
        return {"written": len(batch)}

    @app.post("/api/store/incidents", tags=["store"], include_in_schema=False)
    def incidents(request: Request, body: IncidentsRequest) -> dict[str, Any]:
        authorised(request)
        with served.writing() as writer:
            return {"incidents": writer.update_incidents(body.use_embeddings, rebuild=body.rebuild)}


def _version() -> str:
    from . import __version__

    return __version__
