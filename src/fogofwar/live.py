"""Writing to a store that may be live: the one place documents enter a store.

`ingest_items` is what `fogofwar ingest`, `fogofwar watch` and the server's
ingest endpoint call. It extracts the documents and writes them with their
incidents.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from .ingest import FailedDocument, RawDocument
from .models import Result
from .settings import Settings
from .store import IngestReport, Store

__all__ = ["ingest_items", "extractor"]

log = logging.getLogger(__name__)


def extractor(settings: Settings) -> Callable[[Iterable[RawDocument | FailedDocument]], Iterator[Result]]:
    """Extract documents as result rows, in `settings.workers` processes (one: in this process)."""
    from .parallel import extract_json_lines

    def extract(items):
        for line in extract_json_lines(items, settings, settings.workers):
            yield Result.model_validate_json(line)

    return extract


def ingest_items(db: str | Store, items: Iterable[RawDocument | FailedDocument], settings: Settings,
                 batch_size: int = 64, progress: Callable[[int], None] | None = None,
                 use_embeddings: bool = True, rebuild: bool = False) -> IngestReport:
    """Extract and store documents not stored yet (or changed) and update incidents."""
    if isinstance(db, Store):
        return db.ingest(items, extractor(settings), batch_size=batch_size, progress=progress,
                         use_embeddings=use_embeddings, rebuild=rebuild)
    with Store(db) as store:
        return store.ingest(items, extractor(settings), batch_size=batch_size, progress=progress,
                            use_embeddings=use_embeddings, rebuild=rebuild)
