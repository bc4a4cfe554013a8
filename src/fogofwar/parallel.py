"""Worker processes for `extract --workers N`: models loaded once per worker, input
streamed in small chunks, output kept in input order, memory bounded by the
number of chunks in flight (never by the size of the input).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator

from .ingest import FailedDocument, RawDocument
from .settings import Settings

__all__ = ["extract_json_lines", "default_workers", "chunks", "prepare_worker_process"]

Item = RawDocument | FailedDocument

_worker_settings: Settings | None = None


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


def _init_worker(settings: Settings) -> None:
    prepare_worker_process()
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
    # Forking is cheap and safe while this process holds no threads of torch's; otherwise use a fork server.
    context = mp.get_context("forkserver" if "torch" in sys.modules or sys.platform != "linux" else "fork")
    # Four chunks per worker in flight: results leave in order, and a slow oldest chunk must not idle the other workers.
    in_flight_limit = 4 * workers
    with context.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        window: deque = deque()
        for chunk in chunks(items, chunk_size):
            window.append(pool.apply_async(_extract_chunk, (chunk,)))
            while len(window) >= in_flight_limit:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()
