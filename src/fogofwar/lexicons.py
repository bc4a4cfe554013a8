"""Data tables in fogofwar/data/: each loaded lazily, once, and validated.

Every table is one JSON file with a `_source` note saying who wrote it and
from what. Stages receive tables as arguments; no word lists live in code.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["load_table", "table_path", "TableError", "deed_kind"]


class TableError(ValueError):
    """A data table is missing or malformed; the message names the file."""


def table_path(name: str) -> Path:
    """The path of a packaged table, by name without extension."""
    return Path(str(resources.files("fogofwar") / "data" / f"{name}.json"))


@functools.cache
def load_table(name: str) -> Any:
    """Load a packaged table once; raise TableError naming the file if it is bad."""
    return load_table_file(table_path(name))


def load_table_file(path: Path) -> Any:
    """Load and check one table file (packaged, or a user's own)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise TableError(f"cannot load data table {path}: {exc}") from exc
    if not isinstance(data, dict) or "_source" not in data:
        raise TableError(f"data table {path} must be an object with a '_source' note")
    return data


@functools.cache
def _deed_kinds() -> dict[str, str]:
    table = load_table("code_maps")["deed_kinds"]
    return {sub_type: kind for kind, sub_types in table.items() if not kind.startswith("_") for sub_type in sub_types}


def deed_kind(acled_sub_event_type: str | None) -> str | None:
    """What a deed does ("territory", "attack"; code_maps `deed_kinds`), from its ACLED sub-event type; None
    when the sub-type goes with any kind."""
    return _deed_kinds().get(acled_sub_event_type) if acled_sub_event_type else None
