"""Worker processes for `extract --workers N`: models loaded once per worker, input
streamed in small chunks, output kept in input order, memory bounded by the
number of chunks in flight (never by the size of the input). A worker that dies
(killed, out of memory) costs a restart of the pool, never a row.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .errors import ErrorCode, WorkerError
from .ingest import FailedDocument, RawDocument
from .settings import Settings

__all__ = ["extract_json_lines", "default_workers", "chunks", "prepare_worker_process"]

Item = RawDocument | FailedDocument

log = logging.getLogger(__name__)

_worker_settings: Settings | None = None
PARENT_CHECK_SECONDS = 1.0


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def prepare_worker_process() -> None:
    """Set up a process that only extracts (a pool worker or a Dask worker), before models load."""
    # One thread per worker: the workers are the parallelism; more threads only contend.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    # thinc imports torch when it is installed (for the embeddings), though the spaCy model never
    # uses it: blocking it saves each worker 1.6 s of start-up and 180 MB.
    if "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]


def _exit_with(parent: int) -> None:
    """A worker whose parent is gone (killed with -9, say) exits instead of waiting for work forever."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid was reused by another user's process: ours is gone
            os._exit(0)


def _init_worker(settings: Settings, parent: int | None = None) -> None:
    prepare_worker_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()
    global _worker_settings
    _worker_settings = settings
    from .pipeline import load_resources

    load_resources(settings)


def _extract_chunk(chunk: list[Item]) -> list[str]:
    from .pipeline import extract

    return [r.to_json() for r in extract(chunk, _worker_settings)]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` items, read lazily."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_json_lines(items: Iterable[Item], settings: Settings, workers: int = 1,
                       chunk_size: int = 16) -> Iterator[str]:
    """Result rows as JSON lines, in input order, from `workers` processes."""
    if workers <= 1:
        from .pipeline import extract

        for result in extract(items, settings):
            yield result.to_json()
        return
    # Four chunks per worker in flight: results leave in order, and a slow oldest chunk must not idle the other workers.
    in_flight_limit = 4 * workers
    pool = _Pool(workers, settings)
    window: deque[tuple[list[Item], Future]] = deque()
    try:
        for chunk in chunks(items, chunk_size):
            window.append((chunk, pool.submit(chunk)))
            while len(window) >= in_flight_limit:
                yield from _oldest_lines(window, pool)
        while window:
            yield from _oldest_lines(window, pool)
    finally:
        pool.shutdown()


MAX_FRUITLESS_RESTARTS = 4


class _Pool:
    """A process pool that can be replaced after one of its workers died."""

    def __init__(self, workers: int, settings: Settings):
        # Forking is cheap and safe while this process holds no threads of torch's; otherwise use a fork server.
        self.context = mp.get_context("forkserver" if "torch" in sys.modules or sys.platform != "linux" else "fork")
        self.workers = workers
        self.settings = settings
        self.fruitless = 0  # restarts since a chunk last came back
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self.context, initializer=_init_worker,
                                   initargs=(self.settings, os.getpid()))

    def submit(self, chunk: list[Item]) -> Future:
        return self.executor.submit(_extract_chunk, chunk)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.fruitless += 1
        if self.fruitless > MAX_FRUITLESS_RESTARTS:
            # Workers that die before any chunk comes back (a model that fails to load) would otherwise
            # be restarted once per document.
            raise WorkerError(f"worker processes died {self.fruitless} times in a row without extracting a document; "
                               "see the messages above")
        self.executor = self._start()

    def result(self, future: Future) -> list[str]:
        lines = future.result()
        self.fruitless = 0
        return lines

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _oldest_lines(window: deque, pool: _Pool) -> list[str]:
    """The oldest chunk's rows; when a worker has died, every unfinished chunk in flight is run again."""
    _, future = window[0]
    try:
        lines = pool.result(future)
    except BrokenProcessPool:
        log.warning("a worker process died (killed or out of memory); running its documents again on new workers")
        finished = [f.result() if f.done() and not f.exception() else None for _, f in window]
        lost = [c for c, _ in window]
        window.clear()
        pool.restart()
        # Run the lost chunks one at a time, so that a chunk that kills its worker again is known to be the cause.
        return [line for c, done in zip(lost, finished) for line in (done if done is not None else _rerun(c, pool))]
    window.popleft()
    return lines


def _rerun(chunk: list[Item], pool: _Pool) -> list[str]:
    """A chunk's rows, run alone; if it kills a worker again, each document alone, and one that does is an internal row."""
    try:
        return pool.result(pool.submit(chunk))
    except BrokenProcessPool:
        pool.restart()
        if len(chunk) > 1:
            return [line for item in chunk for line in _rerun([item], pool)]
        from .pipeline import error_result

        log.warning("document %s kills the worker that extracts it", chunk[0].id)
        message = "the worker process died again when it ran this document alone (killed, or out of memory)"
        return [error_result(chunk[0], ErrorCode.INTERNAL, message).to_json()]
