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


@pytest.mark.parametrize("text, expected", [
    ("Profit rose in the third quarter.", [("the third quarter", "DATE", "2022-Q3")]),
    ("Third-quarter profit rose.", [("Third-quarter", "DATE", "2022-Q3")]),
    ("Third-quarter profit rose 5% from a year earlier.", [("Third-quarter", "DATE", "2022-Q3"), ("a year earlier", "DATE", "2021-Q3")]),
    ("Third-quarter sales beat year-earlier sales.", [("Third-quarter", "DATE", "2022-Q3"), ("year-earlier", "DATE", "2021-Q3")]),
    ("Third-quarter sales fell. In the quarter, costs rose.", [("Third-quarter", "DATE", "2022-Q3"), ("the quarter", "DATE", "2022-Q3")]),
    ("Sales rose in the first half of 2021.", [("the first half of 2021", "DATE", "2021-H1")]),
    ("Sales rose in fiscal 2021.", [("fiscal 2021", "DATE", "2021")]),
])
def test_reporting_periods_refer_back_to_the_quarter_named_last(text, expected):
    """Quarters, halves and fiscal years; 'the quarter' and 'a year earlier' lean on the last quarter named."""
    assert values(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The shelling lasted the nine months to June.", [("the nine months", "DURATION", "P9M"), ("June", "DATE", "2022-06")]),
    ("The siege lasted nearly two years.", [("nearly two years", "DURATION", "P2Y")]),
    ("Talks may resume early next year.", [("early next year", "DATE", "2023")]),
    ("They left last November.", [("last November", "DATE", "2021-11")]),
    ("The 52-year-old commander was killed.", []),
    ("Ammunition costs $2 million a year.", []),
    ("A second convoy arrived.", []),
    ("Kyiv spent two decades rebuilding.", [("two decades", "DURATION", "P20Y")]),
    ("The ceasefire held for years.", [("years", "DURATION", "PXY")]),
    ("They lived in camps for 2 1/2 years.", [("2 1/2 years", "DURATION", "P2Y6M")]),
    ("The raid lasted a minute and a half.", [("a minute and a half", "DURATION", "PT1M30S")]),
    ("Prices rose in recent years.", [("recent years", "DATE", "PAST_REF")]),
])
def test_spans_follow_timeml_extents(text, expected):
    """Counted spans take 'the' and 'nearly'; ages and rates are not durations."""
    assert values(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The blast came at 10 p.m. Wednesday.", [("10 p.m. Wednesday", "TIME", "2022-11-09T22:00")]),
    ("The talks were held on Saturday, Oct. 29.", [("Saturday, Oct. 29", "DATE", "2022-10-29")]),
    ("The city fell in June last year.", [("June last year", "DATE", "2021-06")]),
    ("They last met at noon Tuesday.", [("noon Tuesday", "TIME", "2022-11-08T12:00")]),
    ("It was the winter of nineteen ninety-four.", [("the winter of nineteen ninety-four", "DATE", "1994-WI")]),
])
def test_neighbouring_expressions_join_into_one(text, expected):
    """A clock time and a day, a weekday and its date, a month and a relative year are one timex."""
    assert values(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Flights leave each Thursday.", [("each Thursday", "SET", "XXXX-WXX-4")]),
    ("Markets close on Tuesday nights.", [("Tuesday nights", "SET", "XXXX-WXX-2TNI")]),
    ("Fighting eased over the weekend.", [("the weekend", "DATE", "2022-W44-WE")]),
    ("Kyiv was shelled in 2014. Later that year a truce was signed.", [("2014", "DATE", "2014"), ("Later that year", "DATE", "2014")]),
    ("The 2014 annexation was condemned.", [("2014", "DATE", "2014")]),
    ("Russia sent 2000 troops.", []),
    ("Veterans of the '80s marched.", [("the '80s", "DATE", "198")]),
    ("He was freed on Christmas Day.", [("Christmas Day", "DATE", "2021-12-25")]),
    ("A bomb went off in nineteen ninety-six.", [("nineteen ninety-six", "DATE", "1996")]),
    ("It was a 20th century conflict.", [("20th century", "DATE", "19")]),
])
def test_named_recurring_and_referring_expressions(text, expected):
    """Sets of named days, the weekend, 'that year', bare years, decades, holidays, spelled years."""
    assert values(text) == expected


def test_a_month_without_tense_is_the_nearest_one():
    """With no tense to go by, 'January' in a November report is the coming one."""
    assert values("Elections in January.", tense="present") == [("January", "DATE", "2023-01")]


def test_since_puts_a_month_day_in_the_past_whatever_the_clause():
    """'since Dec. 20' is last December even in a future-tense clause."""
    assert values("Talks will not resume since Dec. 20 talks failed.", tense="future")[0] == ("Dec. 20", "DATE", "2021-12-20")


def test_as_soon_as_puts_a_weekday_ahead():
    """'as soon as Monday' is the Monday after the dateline."""
    assert values("Troops could arrive as soon as Monday.", tense="present") == [("Monday", "DATE", "2022-11-14")]


@pytest.mark.parametrize("sentence, tense", [
    ("Troops withdrew on Monday.", "past"),
    ("Troops will withdraw on Monday.", "future"),
    ("Troops are scheduled to withdraw on Monday.", "future"),
    ("Troops began to withdraw on Monday.", "past"),
    ("The deadline had been set to expire on Monday.", "past"),
    ("The dividend is payable on Monday.", "future"),
])
def test_clause_tense_reads_the_governing_verb(settings, sentence, tense):
    """Tense comes from the verb over the expression, its auxiliaries, and the verb an infinitive hangs on."""
    from fogofwar.nlp import load_nlp
    from fogofwar.times import clause_tense
    doc = load_nlp(settings.model)(sentence)
    assert clause_tense(doc, sentence.index("Monday")) == tense


def test_event_dates_come_from_their_own_clause(analyze):
    """A date in a relative clause belongs to that clause's event, not to the sentence's other events."""
    result = analyze("Ukraine will retake Crimea, which Russia seized in 2014.", published="2022-11-10")
    dates = {result.text[e.trigger.start:e.trigger.end]: (e.date.value, e.date.precision) for e in result.events}
    assert dates.get("seized") == ("2014", 3)
    assert dates.get("retake", ("2022-11-10", 3)) == ("2022-11-10", 3)


def test_an_event_without_a_time_expression_takes_the_dateline_by_tense(analyze):
    """A past-tense report without a date is the dateline's week (ACLED precision 2)."""
    result = analyze("Russian troops shelled Kharkiv, officials said.", published="2022-11-10")
    assert [(e.date.value, e.date.precision) for e in result.events][:1] == [("2022-11-10", 2)]


@pytest.mark.parametrize("anchor", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_an_anchor_at_the_calendar_limits_does_not_overflow(anchor):
    """Against 0001-01-01 or 9999-12-31, a day that would fall off the calendar is left out; the rest are valued."""
    text = "Troops attacked on Monday, again tomorrow and yesterday."
    expected = ([("Monday", "DATE", "0001-01-01"), ("tomorrow", "DATE", "0001-01-02")] if anchor.year == 1 else
                [("Monday", "DATE", "9999-12-27"), ("yesterday", "DATE", "9999-12-30")])
    assert values(text, anchor=anchor) == expected
