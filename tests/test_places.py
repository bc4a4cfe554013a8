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
