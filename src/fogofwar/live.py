"""Writing to a store that may be live: the one way documents enter a store.

DuckDB lets one process write a file, or many processes read it, never both.
`fogofwar serve` therefore holds its store read-only between writes (so
`fogofwar query` and friends can read it too) and is the one writer during
them: its ingest endpoint, and the watcher it runs with `--watch`, switch it
to writing for one batch at a time, and the page keeps reading through a
second connection to the same database while the batch commits. A process
that wants to write a served store (`fogofwar ingest`, `fogofwar watch`)
finds the server in the file beside the store (`STORE.serve.json`: address,
process id and a token only this user can read) and sends it extracted
results; without a server it opens the store itself, waiting while another
writer holds it.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .ingest import FailedDocument, RawDocument
from .models import Result
from .settings import Settings
from .store import IngestReport, Store, ingest_into

__all__ = ["ingest_items", "extractor", "ServedStore", "RemoteStore", "open_for_writing", "open_waiting",
           "server_file", "write_server_file", "running_server", "LOCK_RETRY_SECONDS"]

log = logging.getLogger(__name__)

LOCK_RETRY_SECONDS = 0.25    # how often a waiting writer or reader tries the lock again
LOCK_NOTICE_SECONDS = 10.0   # how often a waiting process says it is still waiting


def extractor(settings: Settings) -> Callable[[Iterable[RawDocument | FailedDocument]], Iterator[Result]]:
    """Extract documents as result rows, in `settings.workers` processes (one: in this process)."""
    from .parallel import extract_json_lines

    def extract(items):
        for line in extract_json_lines(items, settings, settings.workers):
            yield Result.model_validate_json(line)

    return extract


def ingest_items(db: Store | RemoteStore, items: Iterable[RawDocument | FailedDocument], settings: Settings,
                 batch_size: int = 64, progress: Callable[[int], None] | None = None,
                 use_embeddings: bool = True, rebuild: bool = False,
                 on_merge: Callable[[str], None] | None = None) -> IngestReport:
    """Extract and store documents not stored yet (or changed) and update incidents. `db` is an open
    Store or a RemoteStore (`open_for_writing` gives the right one for a path)."""
    return ingest_into(db, items, extractor(settings), batch_size, progress, use_embeddings, rebuild, on_merge)


# --- the server's side --------------------------------------------------------------------------

def _is_lock_error(exc: BaseException) -> bool:
    # DuckDB says "Could not set lock on file ...: Conflicting lock is held in ..." (and a damaged
    # file's "block" errors must not look like one).
    return isinstance(exc, duckdb.IOException) and "conflicting lock" in str(exc).lower()


def open_waiting(path: str, read_only: bool = False, timeout: float | None = None) -> Store:
    """Open a store, waiting while another process holds a lock that stops us (a writer stops
    everyone; readers stop a writer). `timeout` None waits as long as it takes."""
    started = last_notice = time.monotonic()
    while True:
        try:
            return Store(path, read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            now = time.monotonic()
            if timeout is not None and now - started >= timeout:
                raise
            if now - last_notice >= LOCK_NOTICE_SECONDS:
                log.warning("waiting for %s: another process holds it (%.0f s so far)", path, now - started)
                last_notice = now
            time.sleep(LOCK_RETRY_SECONDS)


class _SharedLock:
    """Many readers or one swapper: reads run side by side; a swap of connections waits for them."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._swapping = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._swapping = True
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._swapping = False
                self._cond.notify_all()


class ServedStore:
    """A server's hold on its store. `reading()` lends a read its own connection to the store as it is
    now (DuckDB runs queries on separate connections side by side); `writing()` makes
    this process the store's writer for the length of a `with` block, reads going on meanwhile."""

    def __init__(self, store: Store | None = None, path: str | None = None, harden: Callable[[Store], None] = None):
        if (store is None) == (path is None):
            raise ValueError("give an open store or a path")
        self.path = path or store.path
        self.writable = path is not None
        self._swap = _SharedLock()
        self._write_lock = threading.Lock()  # one writer at a time in this process
        self._harden = harden or (lambda s: None)
        # Idle connections to the current store, lent to one read at a time: a connection's first query costs
        # about 14 ms (a thousandth of that after), so a few kept connections serve all the server's threads.
        self._idle: list[Store] = []
        self._generation = 0                 # one more at every swap of `current`
        self._writer_open = False
        self._cursors: list[Store] = []
        self._cursors_lock = threading.Lock()
        self.current = store if store is not None else self._open_reader()

    def data_version(self) -> int | None:
        """A number that changes whenever what readers see may change, for caching what they read; None
        while a write is open (its batches commit one by one) or when the store was handed over open
        (its owner may write it at any time)."""
        if not self.writable or self._writer_open:
            return None
        return self._generation

    def _open_reader(self) -> Store:
        reader = open_waiting(self.path, read_only=True)
        self._harden(reader)
        return reader

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A connection to the current store, this read's alone until it ends."""
        with self._swap.shared():
            with self._cursors_lock:
                cursor = self._idle.pop() if self._idle else None
            if cursor is None:
                cursor = self.current.reader()
                with self._cursors_lock:
                    self._cursors.append(cursor)
            try:
                yield cursor
            finally:
                with self._cursors_lock:
                    self._idle.append(cursor)

    def _close_current(self) -> None:
        """Close `current` and every connection lent from it (under the exclusive lock). All of them go
        first: DuckDB keeps a file open while any connection to it is, and will not open it again in
        another mode meanwhile."""
        with self._cursors_lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
            self._idle.clear()
        self._generation += 1
        self.current.close()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        if not self.writable:
            raise RuntimeError("this server was given an open store and does not write it")
        with self._write_lock:
            with self._swap.exclusive():
                self._writer_open = True
                self._close_current()
                try:
                    writer = open_waiting(self.path)  # waits for other processes' readers
                except BaseException:
                    self.current = self._open_reader()
                    self._writer_open = False
                    raise
                self.current = writer
            try:
                yield writer
            finally:
                with self._swap.exclusive():
                    self._close_current()
                    self.current = self._open_reader()
                    self._writer_open = False

    def close(self) -> None:
        with self._swap.exclusive():
            self._close_current()


def server_file(db: str) -> Path:
    """Where a server says it serves `db`."""
    return Path(str(db) + ".serve.json")


def write_server_file(db: str, url: str) -> str:
    """Announce a server for `db`; the token returned is what writers must send. Readable by this user only."""
    token = secrets.token_urlsafe(32)
    path = server_file(db)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url, "pid": os.getpid(), "token": token}, f)
    return token


def running_server(db: str) -> dict | None:
    """The server file's contents when a live process wrote it, else None."""
    path = server_file(db)
    try:
        info = json.loads(path.read_text())
        os.kill(int(info["pid"]), 0)  # raises when that process is gone
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


# --- the writer's side --------------------------------------------------------------------------

class RemoteStore:
    """A store served by `fogofwar serve`, written through the server: this process extracts, the
    server stores and merges."""

    def __init__(self, url: str, token: str, timeout: float | None = None):
        import httpx

        self.url = url
        self.client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                                   timeout=httpx.Timeout(timeout), trust_env=False)

    def _post(self, path: str, body: dict) -> dict:
        response = self.client.post(path, json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"the server at {self.url} refused {path}: HTTP {response.status_code} {response.text[:300]}")
        return response.json()

    def known_hashes(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return self._post("/api/store/known", {"ids": list(doc_ids)})["hashes"]

    def write_results(self, batch: list[tuple[Result, str]]) -> None:
        if batch:
            self._post("/api/store/results", {"results": [{"hash": h, "row": r.to_json()} for r, h in batch]})

    def update_incidents(self, use_embeddings: bool = True, rebuild: bool = False) -> int:
        return self._post("/api/store/incidents", {"use_embeddings": use_embeddings, "rebuild": rebuild})["incidents"]

    def close(self) -> None:
        self.client.close()


def open_for_writing(db: str):
    """The way to write `db`: through its server when one serves it, else the store itself (waiting
    for another writer to finish)."""
    info = running_server(db)
    if info is not None:
        log.info("%s is served at %s: writing through the server", db, info["url"])
        return RemoteStore(info["url"], info["token"])
    return open_waiting(db)
