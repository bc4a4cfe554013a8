"""The incident filters the API, the page's export and the CLI share, parsed and checked in one place.

`incident_filters` turns what a caller was given (query parameters, command-line options) into the
keyword arguments of `Store.incidents` and `Store.count_incidents`, or raises `FilterError` naming
the parameter and the fix, so `GET /api/incidents`, `GET /api/export`, `fogofwar incidents` and
`fogofwar export` can never read one filter two ways.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_args

from .dates import check_date, check_range
from .lexicons import load_table
from .models import Status

__all__ = ["ACTOR_PATTERN", "FilterError", "PLOVER_TYPES", "STATUSES", "incident_filters", "parse_bbox", "parse_near", "parse_types"]

PLOVER_TYPES = sorted(load_table("code_maps")["quad_class"])
STATUSES = list(get_args(Status))
ACTOR_PATTERN = r"[A-Za-z]{2,12}"  # a CAMEO-style code (RUS, UKRMIL, IGOUNO); nothing that could act as a pattern


class FilterError(ValueError):
    """A filter that parses but makes no sense; `param` is its name (None when two filters disagree)."""

    def __init__(self, param: str | None, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def parse_types(values: Iterable[str]) -> list[str]:
    """PLOVER types from comma-separated or repeated values, upper-cased, each once, sorted; [] matches none."""
    chosen = [t.strip().upper() for v in values for t in v.split(",") if t.strip()]
    unknown = sorted(set(chosen) - set(PLOVER_TYPES))
    if unknown:
        raise FilterError("types", f"unknown PLOVER type {', '.join(unknown)}; use any of {', '.join(PLOVER_TYPES)}")
    return sorted(set(chosen))


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """WEST,SOUTH,EAST,NORTH in degrees."""
    try:
        west, south, east, north = (float(p) for p in value.split(","))
    except ValueError:
        raise FilterError("bbox", "use WEST,SOUTH,EAST,NORTH in degrees, e.g. 22,44,41,53") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise FilterError("bbox", "need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH <= 90")
    return west, south, east, north


def parse_near(value: str) -> tuple[float, float, float]:
    """LAT,LON,KM: a point and a radius in kilometres."""
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise FilterError("near", "use LAT,LON,KM, e.g. 46.64,32.61,50") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km >= 0):
        raise FilterError("near", "need -90 <= LAT <= 90, -180 <= LON <= 180 and KM >= 0")
    return lat, lon, km


def incident_filters(since: str | None = None, until: str | None = None, bbox: str | None = None,
                     plover_type: str | None = None, types: Iterable[str] | None = None, actor: str | None = None,
                     status: str | None = None, min_sources: int = 1, near: str | None = None) -> dict[str, Any]:
    """Checked keyword arguments for `Store.incidents`; `types` None is every type, [] none."""
    for name, value in (("since", since), ("until", until)):
        try:
            check_date(value)
        except ValueError as exc:
            raise FilterError(name, str(exc)) from None
    try:
        check_range(since, until)
    except ValueError as exc:
        raise FilterError(None, str(exc)) from None
    if plover_type is not None and plover_type.upper() not in PLOVER_TYPES:
        raise FilterError("type", f"unknown PLOVER type {plover_type}; use one of {', '.join(PLOVER_TYPES)}")
    if actor is not None and not re.fullmatch(ACTOR_PATTERN, actor):
        raise FilterError("actor", f"{actor} is not an actor code: 2 to 12 letters, e.g. RUSMIL")
    if status is not None and status not in STATUSES:
        raise FilterError("status", f"unknown status {status}; use one of {', '.join(STATUSES)}")
    filters: dict[str, Any] = dict(since=since, until=until, plover_type=plover_type and plover_type.upper(),
                                   actor=actor, status=status, min_sources=min_sources,
                                   bbox=parse_bbox(bbox) if bbox else None, near=parse_near(near) if near else None)
    if types is not None:
        filters["types"] = parse_types([types] if isinstance(types, str) else types)
    return filters
