"""The date filters the API and the CLI accept: YYYY, YYYY-MM or YYYY-MM-DD, real calendar dates, since ≤ until."""
from __future__ import annotations

import datetime as dt
import re

__all__ = ["DATE_PATTERN", "DATE_FORMS", "check_date", "check_range"]

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


def check_date(value: str | None) -> None:
    """Raise ValueError unless the date is YYYY, YYYY-MM or YYYY-MM-DD and on the calendar (not 2022-02-30, 0000)."""
    if not value:
        return
    if not re.match(DATE_PATTERN, value):
        raise ValueError(f"{value} is not a date ({DATE_FORMS})")
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError:
        raise ValueError(f"{value} is not a calendar date ({DATE_FORMS})") from None


def check_range(since: str | None, until: str | None) -> None:
    """Raise ValueError when `since` comes after `until` (compared as the API compares them, as text)."""
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
