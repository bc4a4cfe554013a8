"""Times: TIMEX3 values against the dateline, on sentences we wrote."""
from __future__ import annotations

import datetime as dt

import pytest

from fogofwar.times import Timex, normalize_times

ANCHOR = dt.date(2022, 11, 10)  # a Thursday


def values(text, tense="past", anchor=ANCHOR):
    return [(text[t.start:t.end], t.type, t.value) for t in normalize_times(text, anchor, lambda i: tense)]


@pytest.mark.parametrize("text, expected", [
    ("It happened on Thursday.", [("Thursday", "DATE", "2022-11-10")]),
    ("It happened on Monday.", [("Monday", "DATE", "2022-11-07")]),
    ("Troops took the town on Feb. 24.", [("Feb. 24", "DATE", "2022-02-24")]),
    ("The region was annexed in September.", [("September", "DATE", "2022-09")]),
    ("Moscow seized Crimea in 2014.", [("2014", "DATE", "2014")]),
    ("It was signed on November 9, 2022.", [("November 9, 2022", "DATE", "2022-11-09")]),
    ("Fighting went on for three weeks.", [("three weeks", "DURATION", "P3W")]),
    ("The strike came two days ago.", [("two days ago", "DATE", "2022-11-08")]),
    ("Talks stalled last week.", [("last week", "DATE", "2022-W44")]),
    ("Prices rose last year.", [("last year", "DATE", "2021")]),
    ("It was calm yesterday.", [("yesterday", "DATE", "2022-11-09")]),
    ("The blast came at 3 p.m.", [("3 p.m.", "TIME", "2022-11-10T15:00")]),
    ("Shelling resumed in the 1990s.", [("the 1990s", "DATE", "199")]),
    ("Inspections happen every year.", [("every year", "SET", "P1Y")]),
    ("Output fell in the first quarter of 2022.", [("the first quarter of 2022", "DATE", "2022-Q1")]),
])
def test_normalize_times_values_expressions_against_the_dateline(text, expected):
    """Each expression gets its TIMEX3 type and value relative to the anchor."""
    assert values(text) == expected


def test_weekday_in_a_future_clause_is_the_next_one():
    """'on Monday' in a future-tense clause is the Monday after the dateline."""
    assert values("Talks will resume on Monday.", tense="future") == [("Monday", "DATE", "2022-11-14")]


def test_month_day_after_the_dateline_is_last_year_in_past_tense():
    """'Dec. 20' in a report of 10 November, told in the past tense, is last December."""
    assert values("The convoy left on Dec. 20.") == [("Dec. 20", "DATE", "2021-12-20")]


def test_may_the_modal_is_not_a_month():
    """The verb 'may' is not May; 'in May' is."""
    assert values("Troops may withdraw. They left in May.") == [("May", "DATE", "2022-05")]


def test_no_anchor_gives_underspecified_values():
    """Without a dateline a weekday keeps only what the text says."""
    assert normalize_times("They met on Monday.", None) == [Timex(12, 18, "DATE", "XXXX-WXX-1")]
