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
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal, get_args

import duckdb
from pydantic import BaseModel
from fastapi import FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .dates import DATE_PATTERN, check_date
from .lexicons import load_table
from .live import ServedStore
from .models import Result, Status
from .store import Store

__all__ = ["create_app", "WEB_DIST", "MAX_PAGE", "CSP", "LOOPBACK_HOSTS"]

log = logging.getLogger(__name__)

WEB_DIST = Path(__file__).parent / "web" / "dist"
MAX_PAGE = 500
MAX_SEARCH_PAGE = 50
QUERY_SECONDS = 10.0
POLL_SECONDS = 30.0
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
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
STATUSES = list(get_args(Status))
PLOVER_TYPES = sorted(load_table("code_maps")["quad_class"])
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
    """Runs store reads, each on its thread's own connection, and cancels any that runs too long."""

    def __init__(self, served: ServedStore, seconds: float):
        self.served = served
        self.seconds = seconds
        # One watchdog thread for all reads: a Timer thread per read cost 0.5 ms, a twentieth of a read.
        self._running: dict[int, tuple[float, Store]] = {}
        self._changed = threading.Condition()
        self._watchdog: threading.Thread | None = None

    def __call__(self, method: str, *args, **kwargs):
        """`store.method(*args, **kwargs)` on this thread's connection to the store as it is now (a served
        store is reopened around writes); requests read side by side, each on its own connection."""
        with self.served.reading() as store:
            key = threading.get_ident()
            with self._changed:
                self._running[key] = (time.monotonic() + self.seconds, store)
                if self._watchdog is None:
                    self._watchdog = threading.Thread(target=self._watch, name="read-watchdog", daemon=True)
                    self._watchdog.start()
                self._changed.notify()
            try:
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
    A question already being answered is waited for, not asked of the store again."""

    def __init__(self, app, served: ServedStore, max_bytes: int = 64 * 2**20):
        self.app = app
        self.served = served
        self.max_bytes = max_bytes
        self._version: int | None = None
        self._answers: OrderedDict[tuple[str, bytes], tuple[list, bytes]] = OrderedDict()
        self._bytes = 0
        self._asked: dict[tuple[str, bytes], asyncio.Event] = {}

    async def __call__(self, scope, receive, send):
        version = self.served.data_version()
        if (version is None or scope["type"] != "http" or scope["method"] != "GET"
                or not scope["path"].startswith("/api/") or scope["path"].startswith("/api/store/")):
            await self.app(scope, receive, send)
            return
        if version != self._version:
            self._answers.clear()
            self._version, self._bytes = version, 0
        key = (scope["path"], scope["query_string"])
        kept = self._answers.get(key)
        if kept is not None:
            self._answers.move_to_end(key)
            headers, body = kept
            await send({"type": "http.response.start", "status": 200, "headers": headers})
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
                start.update(message)
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

    def _keep(self, key, headers: list, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        old = self._answers.pop(key, None)
        self._answers[key] = (headers, body)
        self._bytes += len(body) - (len(old[1]) if old else 0)
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._answers.popitem(last=False)
            self._bytes -= len(dropped)


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


def _parse_types(values: list[str]) -> list[str]:
    chosen = [t.strip().upper() for v in values for t in v.split(",") if t.strip()]
    unknown = sorted(set(chosen) - set(PLOVER_TYPES))
    if unknown:
        raise HTTPException(400, f"types: unknown PLOVER type {', '.join(unknown)}; use any of {', '.join(PLOVER_TYPES)}")
    return sorted(set(chosen))


def _parse_bbox(value: str) -> tuple[float, float, float, float]:
    parts = value.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise HTTPException(400, "bbox: use WEST,SOUTH,EAST,NORTH in degrees, e.g. 22,44,41,53") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise HTTPException(400, "bbox: need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH <= 90")
    return west, south, east, north


def _check_date(name: str, value: str | None) -> None:
    """Refuse a date the pattern lets through but the calendar has not: 9999-99, 2022-02-30, 0000."""
    try:
        check_date(value)
    except ValueError as exc:
        raise HTTPException(400, f"{name}: {exc}") from None


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
    incident["documents"] = sorted(documents.values(), key=lambda d: (d["published"] or "", d["doc_id"]))
    incident["claims"] = sorted(claims.values(), key=lambda c: (c["published"] or "", c["doc_id"], c["claim_id"]))
    return incident


def _forbid_files(store: Store) -> None:
    try:
        # The server never reads or writes files through SQL, whatever a query asks.
        store.con.execute("SET enable_external_access = false")
    except duckdb.Error:
        log.debug("could not restrict file access on %s", store.path)


def create_app(db: str | Path | Store, static_dir: str | Path | None = WEB_DIST,
               query_seconds: float = QUERY_SECONDS, allowed_hosts: list[str] | None = None,
               write_token: str | None = None, poll_seconds: float = POLL_SECONDS) -> FastAPI:
    """The API and page over a store. A path is held read-only between writes and written through
    the /api/store endpoints by callers that send `write_token` (see live.py); an open Store is
    only read, as it is. The page asks /api/status for changes every `poll_seconds`."""
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
    # Added first, so it is the innermost: the Host check and the security headers still see every request.
    app.add_middleware(_CachedReads, served=served)

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
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 503: "timeout"}.get(
            exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return _error(exc.status_code, code, message)

    @app.get("/api/incidents", tags=["incidents"])
    def list_incidents(
        request: Request,
        bbox: str | None = Query(None, description="WEST,SOUTH,EAST,NORTH in degrees: only incidents inside.",
                                 examples=["22,44,41,53"], max_length=100),
        since: str | None = Query(None, pattern=DATE_PATTERN, description="Only incidents on or after this date."),
        until: str | None = Query(None, pattern=DATE_PATTERN, description="Only incidents on or before this date."),
        type: PloverType | None = Query(None, description="Only this PLOVER type."),  # noqa: A002 - the API's name
        types: list[str] | None = Query(None, max_length=400, examples=["ASSAULT,COERCE"],
                                        description="Only these PLOVER types: comma-separated or repeated "
                                                    "(`types=` alone matches none)."),
        actor: str | None = Query(None, pattern=r"^[A-Za-z]{2,12}$",
                                  description="Only incidents with this actor code among actors or recipients."),
        status: StatusName | None = Query(None, description="Only incidents with this epistemic status."),
        min_sources: int = Query(1, ge=0, le=100_000, description="At least this many independent sources."),
        limit: int = Query(100, ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}."),
        offset: int = Query(0, ge=0, le=10_000_000, description="Skip this many incidents."),
    ) -> dict[str, Any]:
        """Incidents matching the filters, most independent sources first, then newest; one page."""
        _check_params(request, {"bbox", "since", "until", "type", "types", "actor", "status", "min_sources",
                                "limit", "offset"})
        _check_date("since", since)
        _check_date("until", until)
        if since and until and since > until:
            raise HTTPException(400, f"since ({since}) is after until ({until})")
        filters = dict(since=since, until=until, plover_type=type, actor=actor, status=status,
                       min_sources=min_sources, bbox=_parse_bbox(bbox) if bbox else None)
        if types is not None:
            filters["types"] = _parse_types(types)
        total = read("count_incidents", **filters)
        items = read("incidents", limit=limit, offset=offset, **filters)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/incidents/{incident_id}", tags=["incidents"])
    def get_incident(request: Request, incident_id: str = PathParam(..., pattern=ID_PATTERN)) -> dict[str, Any]:
        """One incident with its events, every claim (source, stance, quote, outlet, date) and its documents."""
        _check_params(request, set())
        found = read("incident_evidence", incident_id)
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
