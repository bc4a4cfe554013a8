"""Casualty figures and means of attack, on the real parse of sentences we wrote."""
from __future__ import annotations

import pytest

from fogofwar import casualties
from fogofwar.casualties import Figure, find_casualties, find_means, parse_count
from fogofwar.nlp import load_nlp
from fogofwar.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(Settings().model)


def test_public_api_is_pinned():
    """The module exports exactly the four names other stages code against."""
    assert casualties.__all__ == ["Figure", "find_casualties", "parse_count", "find_means"]


@pytest.mark.parametrize("words, bounds", [
    ("1,200", (1200, 1200)), ("two", (2, 2)), ("eleven", (11, 11)), ("twenty-three", (23, 23)),
    ("a hundred", (100, 100)), ("three thousand", (3000, 3000)), ("one hundred and twenty", (120, 120)),
    ("a", (1, 1)), ("one", (1, 1)), ("a man", (1, 1)), ("a dozen", (12, 12)), ("two dozen", (24, 24)),
    ("at least 11", (11, None)), ("no fewer than 11", (11, None)),
    ("more than 20", (21, None)), ("over 20", (21, None)),
    ("up to 15", (None, 15)), ("as many as 15", (None, 15)), ("nearly 50", (None, 50)), ("almost 50", (None, 50)),
    ("fewer than 10", (None, 9)),
    ("about 30", (30, 30)), ("around 30", (30, 30)), ("some 30", (30, 30)), ("roughly 30", (30, 30)),
    ("between 10 and 15", (10, 15)), ("10 to 15", (10, 15)), ("10-15", (10, 15)),
    ("dozens", (None, None)), ("scores", (None, None)), ("hundreds", (None, None)), ("thousands", (None, None)),
    ("several", (None, None)), ("many", (None, None)), ("a few", (None, None)),
    ("no one", (0, 0)), ("no casualties", (0, 0)), ("nobody", (0, 0)),
])
def test_parse_count_reads_each_stated_form(words, bounds):
    """Each way a report states a count gives its (min, max)."""
    assert parse_count(words) == bounds


def figures_of(nlp, text):
    doc = nlp(text)
    found = find_casualties(doc)
    for figure in found:
        assert text[figure.start:figure.end] == figure.text
    return doc, found


@pytest.mark.parametrize("text, kind, low, high, words, anchor", [
    ("11 people were killed in the attack.", "killed", 11, 11, "11 people were killed", "killed"),
    ("Gunmen killed 11 civilians on Monday.", "killed", 11, 11, "killed 11 civilians", "killed"),
    ("At least 11 dead after the blast.", "killed", 11, None, "At least 11 dead", "dead"),
    ("The death toll rose to 20.", "killed", 20, 20, "death toll rose to 20", "toll"),
    ("The explosion caused 12 deaths.", "killed", 12, 12, "12 deaths", "deaths"),
    ("Two civilians were wounded.", "injured", 2, 2, "Two civilians were wounded", "wounded"),
    ("Dozens were injured in the clashes.", "injured", None, None, "Dozens were injured", "injured"),
    ("Five people remained missing.", "missing", 5, 5, "Five people remained missing", "missing"),
    ("Police arrested 12 protesters.", "detained", 12, 12, "arrested 12 protesters", "arrested"),
    ("Troops detained two men near the border.", "detained", 2, 2, "detained two men", "detained"),
    ("Rebels captured 100 soldiers.", "detained", 100, 100, "captured 100 soldiers", "captured"),
    ("Thirty soldiers were taken prisoner.", "detained", 30, 30, "Thirty soldiers were taken prisoner", "taken"),
    ("One person died.", "killed", 1, 1, "One person died", "died"),
    ("Three soldiers died in the ambush.", "killed", 3, 3, "Three soldiers died", "died"),
    ("The blast went off, injuring a child.", "injured", 1, 1, "injuring a child", "injuring"),
    ("No one was hurt.", "injured", 0, 0, "No one was hurt", "hurt"),
    ("A woman was killed.", "killed", 1, 1, "A woman was killed", "killed"),
    ("Between 10 and 15 people were killed.", "killed", 10, 15, "Between 10 and 15 people were killed", "killed"),
    ("More than 20 people died.", "killed", 21, None, "More than 20 people died", "died"),
    ("Eleven were killed.", "killed", 11, 11, "Eleven were killed", "killed"),
    ("The ship fired 11 missiles, killing nobody.", "killed", 0, 0, "killing nobody", "killing"),
    ("Russia said it killed 200 Ukrainian servicemen.", "killed", 200, 200, "killed 200 Ukrainian servicemen", "killed"),
    ("Some 30 people have been abducted.", "detained", 30, 30, "Some 30 people have been abducted", "abducted"),
])
def test_each_pattern_gives_its_figure(nlp, text, kind, low, high, words, anchor):
    """One casualty clause gives one figure: kind, bounds, the stated words and the predicate."""
    doc, found = figures_of(nlp, text)
    start = text.index(words)
    assert found == [Figure(kind, low, high, words, start, start + len(words), found[0].anchor)]
    assert doc[found[0].anchor].text == anchor


def test_killing_and_wounding_in_one_clause_are_two_figures(nlp):
    """'killing at least 11 people and wounding 23' is 11+ killed, then 23 injured."""
    doc, found = figures_of(nlp, "The strike hit the market, killing at least 11 people and wounding 23.")
    assert [(f.kind, f.min, f.max, f.text) for f in found] == [
        ("killed", 11, None, "killing at least 11 people"), ("injured", 23, 23, "wounding 23")]
    assert [doc[f.anchor].lemma_ for f in found] == ["kill", "wound"]


def test_left_dead_and_injured_are_two_figures(nlp):
    """'left five dead and 10 injured' is five killed and ten injured."""
    _, found = figures_of(nlp, "The attack left five dead and 10 injured.")
    assert [(f.kind, f.min, f.max, f.text) for f in found] == [
        ("killed", 5, 5, "five dead"), ("injured", 10, 10, "10 injured")]


def test_conjoined_victims_are_summed(nlp):
    """'killed two soldiers and three civilians' is one figure of five."""
    _, found = figures_of(nlp, "The attack killed two soldiers and three civilians.")
    assert [(f.min, f.max, f.text) for f in found] == [(5, 5, "killed two soldiers and three civilians")]


def test_none_and_vague_counts_are_kept(nlp):
    """'no civilians' and 'no casualties' are zero; 'several soldiers' and 'many civilians' are unstated."""
    _, found = figures_of(nlp, "No civilians were killed and no casualties were reported. "
                               "Several soldiers were wounded and many civilians died.")
    assert [(f.kind, f.min, f.max, f.text) for f in found] == [
        ("killed", 0, 0, "No civilians were killed"), ("killed", 0, 0, "no casualties"),
        ("injured", None, None, "Several soldiers were wounded"), ("killed", None, None, "many civilians died")]


@pytest.mark.parametrize("text", [
    "The village was attacked and people were killed in 2014.",
    "The army fired 11 missiles at the base.",
    "A 23-year-old was killed.",
    "The deadly attack shocked the town.",
    "Police killed the suspect.",
    "The prisoners were taken to a hospital.",
])
def test_no_figure_without_a_count_of_people(nlp, text):
    """Years, weapon counts, ages, 'deadly' and a victim with no count make no figure."""
    assert figures_of(nlp, text)[1] == []


def test_a_year_or_an_age_is_not_the_count(nlp):
    """'A 23-year-old man was killed in 2014' is one killed, neither 23 nor 2014."""
    _, found = figures_of(nlp, "A 23-year-old man was killed in 2014.")
    assert [(f.kind, f.min, f.max, f.text) for f in found] == [("killed", 1, 1, "A 23-year-old man was killed")]


def test_only_predicates_inside_the_range_are_read(nlp):
    """start_char/end_char select the figures whose predicate lies in the range."""
    text = "Two soldiers were killed. Three civilians were wounded."
    doc = nlp(text)
    second = text.index("Three")
    assert [f.kind for f in find_casualties(doc)] == ["killed", "injured"]
    assert [f.text for f in find_casualties(doc, second)] == ["Three civilians were wounded"]
    assert [f.text for f in find_casualties(doc, 0, second)] == ["Two soldiers were killed"]


@pytest.mark.parametrize("text, means", [
    ("Russian forces struck Kharkiv with Iskander missiles.", ["missile"]),
    ("Shahed drones and air strikes hit the port overnight.", ["drone", "airstrike"]),
    ("Warplanes bombed the city.", ["airstrike"]),
    ("The rebels were shelling Mariupol with Grad rockets.", ["artillery", "rocket"]),
    ("A car bomb exploded and a suicide bomber struck.", ["explosive"]),
    ("Troops laid mines along the road.", ["mine"]),
    ("A soldier stepped on an anti-tank mine.", ["mine"]),
    ("Workers were trapped in the coal mine.", []),
    ("The car was mine.", []),
    ("A sniper opened fire on the checkpoint.", ["small_arms"]),
    ("A warship launched Kalibr cruise missiles.", ["missile", "naval"]),
    ("Tanks advanced as hackers attacked the grid with malware.", ["armour", "cyber"]),
    ("White phosphorus was used on the town.", ["chemical"]),
    ("The think tank said talks would resume.", []),
    ("The minister met his counterpart.", []),
])
def test_find_means_names_how_the_attack_was_done(nlp, text, means):
    """Means come from the table, in the fixed order, once each; a coal mine or a pronoun is no mine."""
    assert find_means(nlp(text)[:]) == means


def test_means_come_in_the_fixed_order_once_each(nlp):
    """Drones named before missiles, twice over, still give missile then drone, each once."""
    assert find_means(nlp("Drones, more drones and then missiles hit the city.")[:]) == ["missile", "drone"]
