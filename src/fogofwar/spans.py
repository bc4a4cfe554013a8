"""Small helpers over [start, end) character spans."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["inside_any", "overlaps", "strip_span"]


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
