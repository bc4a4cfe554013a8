"""Places: recognition beyond the small model's NER, resolution on the map."""
from __future__ import annotations

from .conftest import span


def places_by_text(result):
    return {span(result, p): p for p in result.places}


def test_a_city_the_model_calls_a_person_is_still_a_place(analyze):
    """'Kherson' alone, which the small model tags PERSON, resolves to the Ukrainian city."""
    result = analyze("Residents of Kherson said the shelling stopped. Kherson was quiet on Friday.")
    kherson = places_by_text(result)["Kherson"]
    assert (kherson.country, kherson.feature, kherson.geonameid) == ("UA", "P", 706448)
    assert abs(kherson.lat - 46.64) < 0.2 and abs(kherson.lon - 32.61) < 0.2


def test_rivers_and_seas_are_water_features(analyze):
    """Named rivers and seas come from the team's feature table with class H."""
    result = analyze("Troops crossed the Dnieper River and ships left the Black Sea, officials said.")
    by_text = places_by_text(result)
    assert by_text["Dnieper River"].feature == "H"
    assert by_text["Black Sea"].feature == "H"


def test_a_region_named_with_its_suffix_is_the_region(analyze):
    """'Donetsk Oblast' is the admin-1 region, not the city of Donetsk."""
    result = analyze("Fighting continued in Donetsk Oblast, the governor said.")
    region = places_by_text(result)["Donetsk Oblast"]
    assert (region.feature, region.admin1, region.country) == ("A", "Donetsk", "UA")


def test_a_demonym_points_to_its_country(analyze):
    """'Ukrainian' in 'a Ukrainian city' is a mention of Ukraine."""
    result = analyze("The strike hit a Ukrainian city near the border.")
    ukrainian = places_by_text(result)["Ukrainian"]
    assert (ukrainian.name, ukrainian.country, ukrainian.feature) == ("Ukraine", "UA", "A")


def test_a_spelling_variant_resolves_to_the_same_city(analyze):
    """The old spelling 'Kiev' and 'Kyiv' land on the same capital."""
    result = analyze("Officials in Kiev met envoys. Later, Kyiv said talks went well.")
    by_text = places_by_text(result)
    assert by_text["Kiev"].geonameid == by_text["Kyiv"].geonameid == 703448


def test_furniture_lines_yield_no_places(analyze):
    """Places in a byline or credit line are ignored."""
    text = "Strike on depot\n\nReporting by Paris Hilton; Editing by London Breed\n\nThe depot in Odesa burned."
    result = analyze(text)
    assert [span(result, p) for p in result.places] == ["Odesa"]


def test_a_state_after_a_comma_picks_the_town_inside_it(analyze):
    """'Parkland, Florida' is the Florida town, and the state is Florida itself."""
    result = analyze("Students marched in Parkland, Florida on Saturday.")
    by_text = places_by_text(result)
    assert (by_text["Parkland"].country, by_text["Parkland"].admin1) == ("US", "Florida")
    assert (by_text["Florida"].name, by_text["Florida"].feature) == ("Florida", "A")


def test_a_postal_abbreviation_after_a_comma_is_the_state(analyze):
    """'Dayton, OH' places Dayton in Ohio and reads 'OH' as the state."""
    result = analyze("The plant in Dayton, OH closed last year.")
    by_text = places_by_text(result)
    assert by_text["Dayton"].admin1 == "Ohio"
    assert (by_text["OH"].name, by_text["OH"].geonameid) == ("Ohio", 5165418)


def test_one_name_gets_one_reading_per_document(analyze):
    """Every later 'Parkland' follows the first one's state, and bare mentions are found too."""
    result = analyze("A shooting in Parkland, Florida shocked the nation. Parkland students later marched.")
    parklands = [p for p in result.places if span(result, p) == "Parkland"]
    assert len(parklands) == 2
    assert {(p.admin1, p.geonameid) for p in parklands} == {("Florida", parklands[0].geonameid)}


def test_a_state_is_not_its_small_namesake_town(analyze):
    """'Oklahoma' alone is the state, not the hamlet of Oklahoma, Pennsylvania."""
    result = analyze("Teachers in Oklahoma walked out for a fourth day.")
    oklahoma = places_by_text(result)["Oklahoma"]
    assert (oklahoma.feature, oklahoma.admin1, oklahoma.geonameid) == ("A", "Oklahoma", 4544379)


def test_countries_sit_at_the_geonames_country_point(analyze):
    """Malaysia resolves to GeoNames' point for the country (2.5, 112.5), not a city's median."""
    result = analyze("Investigators in Malaysia reopened the case.")
    malaysia = places_by_text(result)["Malaysia"]
    assert (malaysia.geonameid, malaysia.lat, malaysia.lon) == (1733045, 2.5, 112.5)


def test_acronyms_are_not_small_towns(analyze):
    """'EU' is Europe, 'US' the United States; 'NATO' is no town called Nato."""
    result = analyze("NATO and EU officials met US envoys.")
    by_text = places_by_text(result)
    assert "NATO" not in by_text
    assert (by_text["EU"].name, by_text["US"].name) == ("Europe", "United States")


def test_a_region_demonym_points_to_its_region(analyze):
    """'European' names Europe, 'Canadian' inside an organisation's name still names Canada."""
    result = analyze("European leaders met at Canadian Blood Services in Ottawa.")
    by_text = places_by_text(result)
    assert by_text["European"].name == "Europe"
    assert by_text["Canadian"].name == "Canada"


def test_a_capitalised_common_word_is_not_a_town(analyze):
    """'Police said' does not name the Polish town of Police."""
    result = analyze("Police said the bank was robbed. The police closed the road to Lviv.")
    assert [span(result, p) for p in result.places] == ["Lviv"]


def test_a_government_building_as_speaker_is_not_a_place(analyze):
    """'The Kremlin said' is an actor; 'at the White House' is a place."""
    result = analyze("The Kremlin said talks would go on. Leaders met at the White House on Friday.")
    assert [span(result, p) for p in result.places] == ["White House"]


def test_a_text_named_after_a_city_is_no_place(analyze):
    result = analyze("The strike on a school in Okhtyrka violated the Rome Statute and the Geneva Conventions, "
                     "and Moscow broke the Minsk agreements.", published="2022-03-01")
    assert [p.text for p in result.places] == ["Okhtyrka", "Moscow"]


def test_a_region_leading_a_longer_name_is_not_the_region(analyze):
    """'the Nord Stream pipelines' lie in no part of Haiti (whose Nord is a department)."""
    result = analyze("Sweden said the Nord Stream pipelines were damaged by explosions on Monday.", published="2022-10-03")
    assert [p.country for p in result.places if p.lat is not None] == ["SE"]


def test_a_county_leading_an_office_name_is_the_county(analyze):
    """'the Harris County Sheriff's Office' is in Harris County; 'the Gulf Coast' is not Papua New Guinea's Gulf."""
    result = analyze("Deputies from the Harris County Sheriff's Office responded on Monday.", published="2022-10-03")
    assert [(p.name, p.country) for p in result.places if p.lat is not None] == [("Harris County", "US")]
    result = analyze("The storm moved along the Gulf Coast on Monday.", published="2022-10-03")
    assert not [p for p in result.places if p.country == "PG"]
