"""Events: trigger, type, actor, recipient, place and date on reports we wrote."""
from __future__ import annotations

from .conftest import span


def only(events, plover_type):
    found = [e for e in events if e.plover.type == plover_type]
    assert found, f"no {plover_type} event in {[e.plover.type for e in events]}"
    return found[0]


def test_a_withdrawal_is_a_retreat_by_the_subject_at_the_place_on_the_day(analyze):
    """'Russian troops withdrew from Izium on Saturday' is RETREAT by RUSMIL at Izium, dated."""
    result = analyze("Russian troops withdrew from Izium on Saturday.", published="2022-09-12")
    event = only(result.events, "RETREAT")
    assert span(result, event.trigger) == "withdrew"
    assert (event.actor[0].code, event.cameo, event.plover.mode) == ("RUSMIL", "0874", "withdraw")
    assert result.places[event.location.place].name == "Izyum" or span(result, result.places[event.location.place]) == "Izium"
    assert (event.date.value, event.date.precision, event.background) == ("2022-09-10", 1, False)


def test_shelling_is_an_assault_with_acled_shelling(analyze):
    """Artillery fire on a town is ASSAULT, ACLED Shelling/artillery/missile attack."""
    result = analyze("Russian artillery shelled Kramatorsk overnight, the governor said.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert event.acled.model_dump() == {"event_type": "Explosions/Remote violence",
                                        "sub_event_type": "Shelling/artillery/missile attack"}
    assert span(result, result.places[event.location.place]) == "Kramatorsk"


def test_an_event_years_before_the_dateline_is_background(analyze):
    """A seizure dated 2014 in a 2022 report is recalled, not reported."""
    result = analyze("Moscow seized Crimea in 2014.", published="2022-11-10")
    event = only(result.events, "COERCE")
    assert (event.date.value, event.background, event.actor[0].code) == ("2014", True, "RUSGOV")


def test_a_day_after_puts_the_earlier_event_on_the_day_before(analyze):
    """'a day after ordering a withdrawal' dates the order one day before the report's day."""
    result = analyze("The ministry said troops moved east on Thursday, a day after ordering a withdrawal.",
                     published="2022-11-10")
    order = [e for e in result.events if span(result, e.trigger) == "withdrawal"][0]
    assert order.date.value == "2022-11-09"


def test_a_date_inside_a_dateline_is_not_an_event(analyze):
    """'March 3, 2023' yields a time, not a protest march."""
    result = analyze("March 3, 2023\n\nTroops fired missiles at the port.", published="2023-03-03")
    assert [e.plover.type for e in result.events] == ["ASSAULT"]


def test_page_furniture_yields_no_events(analyze):
    """Share buttons and read times produce nothing."""
    result = analyze("Headline\n\n2 MIN READ\nShare\nTweet\n\nNothing happened today.")
    assert result.events == []


def test_an_event_in_a_region_has_region_precision(analyze):
    """Shelling placed only in a region is located there with ACLED precision 3."""
    result = analyze("Russian forces shelled villages in Donetsk Oblast on Monday.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert span(result, result.places[event.location.place]) == "Donetsk Oblast"
    assert event.location.precision == 3


def test_a_dateline_town_locates_events_without_a_place(analyze):
    """With no place in its sentence, an event falls back to the dateline town, as an area."""
    result = analyze("KHARKIV, Ukraine — The mayor spoke on Sunday.\nTroops shelled the outskirts overnight, officials said.",
                     published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert (span(result, result.places[event.location.place]), event.location.precision) == ("KHARKIV", 2)


def test_an_adjective_is_not_the_event_place(analyze):
    """'Ukrainian forces shelled Donetsk': the place is Donetsk, not Ukraine."""
    result = analyze("Ukrainian forces shelled Donetsk on Monday.", published="2022-06-01")
    event = only(result.events, "ASSAULT")
    assert (span(result, result.places[event.location.place]), event.location.precision) == ("Donetsk", 1)
