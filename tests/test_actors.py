"""Actors: country plus sector codes from names, titles, metonyms and possessives."""
from __future__ import annotations

from .conftest import span


def codes(result):
    return [(span(result, a), a.code) for a in result.actors]


def test_a_seat_of_government_stands_for_its_government(analyze):
    """'the Kremlin' as a speaker is Russia's government."""
    result = analyze("The Kremlin said the talks had failed.")
    assert ("Kremlin", "RUSGOV") in codes(result)


def test_a_capital_in_a_possessive_gives_its_country_to_the_phrase(analyze):
    """'Kyiv's army' is Ukraine's military."""
    result = analyze("Kyiv's army destroyed a bridge on Tuesday.")
    assert ("Kyiv's army", "UKRMIL") in codes(result)


def test_a_person_takes_the_sector_and_country_of_their_title(analyze):
    """A named adviser to a president is coded with the government of the country named beside them."""
    result = analyze("A senior Ukrainian official spoke: presidential adviser Ivan Petrenko said the town was retaken.")
    assert ("Ivan Petrenko", "UKRGOV") in codes(result)


def test_the_same_person_later_by_surname_keeps_the_code(analyze):
    """'Petrenko' alone, and 'he', refer back to the coded person."""
    result = analyze("Russia's army commander, General Oleg Sidorov, spoke on Monday. "
                     "Sidorov said the unit had withdrawn. He said losses were light.")
    found = codes(result)
    assert ("Sidorov", "RUSMIL") in found
    assert ("He", "RUSMIL") in found


def test_a_place_where_things_happen_is_not_an_actor(analyze):
    """'in Ukraine' is a location; 'Ukraine said' is an actor."""
    result = analyze("Fighting raged in Ukraine. Ukraine said it would not negotiate.")
    assert codes(result) == [("Ukraine", "UKRGOV"), ("it", "UKRGOV")] or codes(result) == [("Ukraine", "UKRGOV")]


def test_international_organizations_are_igo(analyze):
    """NATO and the United Nations are coded as IGOs."""
    result = analyze("NATO condemned the strike and the United Nations called for an inquiry.")
    found = dict(codes(result))
    assert found.get("NATO") == "IGOMIL"
    assert found.get("United Nations") == "IGOUNO"


def test_a_demonym_the_gazetteer_lacks_comes_from_the_actor_table(analyze):
    """'Gambian President Dawda Jawara' is Gambia's government."""
    result = analyze("Gambian President Dawda Jawara spoke on Monday.")
    assert codes(result) == [("Dawda Jawara", "GMBGOV")]


def test_a_two_word_people_name_gives_the_country(analyze):
    """'Sri Lankan soldiers' are Sri Lanka's military."""
    result = analyze("Sri Lankan soldiers shelled the village.")
    assert codes(result) == [("Sri Lankan soldiers", "LKAMIL")]


def test_a_group_placed_in_a_country_takes_its_code(analyze):
    """'Opposition groups in Zimbabwe' are Zimbabwe's opposition."""
    result = analyze("Opposition groups in Zimbabwe demanded new elections.")
    assert codes(result) == [("Opposition groups", "ZWEOPP")]


def test_an_ngo_named_with_its_kind_is_coded_once(analyze):
    """'rights group Amnesty International' is NGO, not NGONGO."""
    result = analyze("Human rights group Amnesty International condemned the arrests.")
    assert codes(result) == [("Human rights group Amnesty International", "NGO")]
