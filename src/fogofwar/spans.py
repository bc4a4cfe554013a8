"""Small helpers over [start, end) character spans."""
from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

__all__ = ["inside_any", "overlaps", "strip_span", "StartIndexed", "starting_between", "records_containing",
           "records_ending_between", "SpanIndex"]


def inside_any(spans: Sequence[tuple[int, int]], start: int) -> bool:
    """Whether a position falls inside one of sorted, non-overlapping spans."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= start < spans[i][1]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def strip_span(text: str, start: int, end: int, chars: str = " \t\n\r,.;:!?\"'“”‘’()[]") -> tuple[int, int]:
    """Shrink a span past surrounding whitespace and punctuation."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


class StartIndexed(list):
    """A list of records with `start` and `end` offsets that can be searched by offset.

    The stages looked up "the places in this sentence" or "the actor at this token" by scanning
    every record, which made them quadratic in a document's length; a stage wraps its lists in this
    once and `starting_between` bisects instead. Any list still works, scanned.
    """

    @functools.cached_property
    def _index(self) -> tuple[list[int], list[int], int]:
        order = sorted(range(len(self)), key=lambda k: self[k].start)
        longest = max((r.end - r.start for r in self), default=0)
        return [self[k].start for k in order], order, longest


def starting_between(records: Sequence, lo: int, hi: int) -> list[int]:
    """Positions, in list order, of the records whose start lies in [lo, hi)."""
    if not isinstance(records, StartIndexed):
        return [k for k, r in enumerate(records) if lo <= r.start < hi]
    starts, order, _ = records._index
    return sorted(order[bisect_left(starts, lo):bisect_left(starts, hi)])


def records_containing(records: Sequence, start: int, end: int) -> list[int]:
    """Positions, in list order, of the records whose span holds [start, end)."""
    if not isinstance(records, StartIndexed):
        return [k for k, r in enumerate(records) if r.start <= start and end <= r.end]
    longest = records._index[2]
    return [k for k in starting_between(records, start - longest, start + 1) if end <= records[k].end]


def records_ending_between(records: Sequence, lo: int, hi: int) -> list[int]:
    """Positions, in list order, of the records whose end lies in (lo, hi]."""
    if not isinstance(records, StartIndexed):
        return [k for k, r in enumerate(records) if lo < r.end <= hi]
    longest = records._index[2]
    return [k for k in starting_between(records, lo - longest, hi + 1) if lo < records[k].end <= hi]


class SpanIndex:
    """Spans filed under every 256-character cell they touch, to find those overlapping a span fast."""

    CELL = 256

    def __init__(self) -> None:
        self._cells: dict[int, list[tuple[int, int, int, Any]]] = {}
        self._count = 0

    def _range(self, start: int, end: int) -> range:
        return range(start // self.CELL, max(start, end - 1) // self.CELL + 1)

    def add(self, start: int, end: int, item: Any = None) -> None:
        """File one span, with the item it stands for."""
        for cell in self._range(start, end):
            self._cells.setdefault(cell, []).append((self._count, start, end, item))
        self._count += 1

    def overlapping(self, start: int, end: int) -> list[Any]:
        """The items of the spans that share a character with [start, end), in the order they were added."""
        found = {}
        for cell in self._range(start, end):
            for n, s, e, item in self._cells.get(cell, ()):
                if start < e and s < end:
                    found[n] = item
        return [found[n] for n in sorted(found)]

    def containing(self, pos: int) -> list[Any]:
        """The items of the spans that hold position `pos`, in the order they were added."""
        return [item for n, s, e, item in self._cells.get(pos // self.CELL, ()) if s <= pos < e]
