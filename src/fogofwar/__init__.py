"""fogofwar: war and conflict news into a sourced, geocoded, time-resolved record.

    from fogofwar import Settings, extract_texts
    rows = list(extract_texts([{"id": "a", "text": "...", "published": "2022-11-10"}]))
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .errors import DocumentError, ErrorCode, FogofwarError, InputError
from .models import SCHEMA_VERSION, Claim, Event, Place, Result, Time, Actor
from .settings import Settings

__all__ = [
    "SCHEMA_VERSION", "Settings", "Result", "Place", "Time", "Actor", "Event", "Claim",
    "FogofwarError", "DocumentError", "InputError", "ErrorCode", "extract_texts", "__version__",
]

__version__ = "0.1.0"


def extract_texts(rows: Iterable[dict], settings: Settings | None = None) -> Iterator[Result]:
    """Analyse documents given as dicts ({"id", "text", "published"?, ...}), in order."""
    from .ingest import jsonl_document
    from .pipeline import extract

    settings = settings or Settings()
    items = (jsonl_document(row, f"row-{i}", "rows", i) for i, row in enumerate(rows, start=1))
    yield from extract(items, settings)
