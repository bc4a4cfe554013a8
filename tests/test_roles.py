"""Roles: who did what to whom, on sentences we wrote."""
from __future__ import annotations

import csv

import pytest

from fogofwar.exports import export
from fogofwar.ingest import RawDocument
from fogofwar.pipeline import extract
from fogofwar.store import Store


def roles(result, plover_type):
    """(actor codes, recipient codes) of each event of a type."""
    return [([a.code for a in e.actor], [r.code for r in e.recipient])
            for e in result.events if e.plover.type == plover_type]


def countries(parties):
    return sorted({(c or "")[:3] for c in parties})


def test_the_weapon_country_acts_and_the_reporter_does_not(analyze):
    result = analyze("A Russian missile struck an apartment block in Zaporizhzhia on Thursday, killing 11 people. "
                     "Ukraine's air force said the missile was an S-300.", published="2023-03-03")
    [(actor, recipient)] = roles(result, "ASSAULT")
    assert actor == ["RUSMIL"]
    assert recipient == ["UKRCVL"]  # the people killed are where the missile struck, not the attacker's


def test_the_dateline_town_is_never_the_actor(analyze):
    result = analyze("ZAPORIZHZHIA, Ukraine, March 2 - A Russian missile struck an apartment block on Thursday, "
                     "killing 11 people, officials said.", published="2023-03-02")
    [(actor, _)] = roles(result, "ASSAULT")
    assert countries(actor) == ["RUS"]


def test_a_visit_is_coded_from_the_visitors_side(analyze):
    result = analyze("ISTANBUL, May 16 - Turkish officials hosted Russian and Ukrainian negotiators for talks.",
                     published="2022-05-16")
    [(actor, recipient)] = roles(result, "CONSULT")
    assert countries(actor) == ["RUS", "UKR"] and countries(recipient) == ["TUR"]


def test_a_country_reporting_its_own_strike_is_not_its_target(analyze):
    result = analyze("Russia's Defence Ministry said on Monday that its forces had hit military infrastructure near Lviv.",
                     published="2022-05-16")
    [(actor, recipient)] = roles(result, "ASSAULT")
    assert countries(actor) == ["RUS"] and "RUS" not in countries(recipient)


def test_an_institution_takes_its_country_from_the_text(analyze):
    result = analyze("A court in Guyana has issued arrest warrants for two Brazilian men.", published="2022-05-16")
    [(actor, recipient)] = roles(result, "COERCE")
    assert actor == ["GUYJUD"] and countries(recipient) == ["BRA"]


def test_the_regional_administration_is_the_regions_country(analyze):
    result = analyze("A missile hit a school in Kharkiv on Monday. "
                     "The regional administration blamed Russian forces for the attack.", published="2022-05-16")
    [(actor, recipient)] = roles(result, "ACCUSE")
    assert countries(actor) == ["UKR"] and recipient == ["RUSMIL"]


def test_symmetric_events_go_both_ways(analyze):
    result = analyze("Brazil and the United States are seeking to deepen a partnership on energy.",
                     published="2022-05-16")
    [(actor, recipient)] = roles(result, "AGREE")
    assert countries(actor) == ["BRA", "USA"] and countries(recipient) == ["BRA", "USA"]


@pytest.mark.parametrize("text, expected_actors", [
    ("US and British activists staged a protest in Beijing on Sunday.", ["GBR", "USA"]),
    ("Senior Hungarian and Romanian officials agreed on Wednesday to cooperate on refugees.", ["HUN", "ROU"]),
])
def test_two_countries_in_one_phrase_are_two_actors(analyze, text, expected_actors):
    result = analyze(text, published="2022-05-16")
    actors = [a for e in result.events for a in e.actor]
    assert countries(a.code for a in actors) == expected_actors


def test_a_protest_in_a_capital_targets_that_country(analyze):
    result = analyze("US and British activists staged a protest in Beijing on Sunday.", published="2022-05-16")
    [(_, recipient)] = roles(result, "PROTEST")
    assert countries(recipient) == ["CHN"]


def test_frame_targets_come_from_prepositions_and_demanded_clauses(analyze):
    result = analyze("Zambia extradited a suspected militant to Britain on Sunday.", published="2022-05-16")
    assert any(countries(r) == ["GBR"] for _, r in roles(result, "COOPERATE") + roles(result, "COERCE"))
    result = analyze("China demanded that the United States cancel the sale of weapons.", published="2022-05-16")
    [(actor, recipient)] = roles(result, "REQUEST")
    assert countries(actor) == ["CHN"] and countries(recipient) == ["USA"]


def test_an_unnamed_accuser_stays_unknown(analyze):
    result = analyze("A court in Guyana has issued arrest warrants for two Brazilian men accused of smuggling gold.",
                     published="2022-05-16")
    accusations = roles(result, "ACCUSE")
    assert accusations and all(actor == [] and countries(recipient) == ["BRA"] for actor, recipient in accusations)


def test_exports_name_actors_the_acled_way_and_keep_sectors_out_of_country_columns(tmp_path, settings):
    docs = [RawDocument(id="z", published="2023-03-03", outlet="Wire Z",
                        text="A Russian missile struck an apartment block in Zaporizhzhia on Thursday, killing at "
                             "least 11 people, regional officials said.")]
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(docs, lambda xs: extract(xs, settings), use_embeddings=False)
        export(store, "acled-csv", tmp_path / "a.csv")
        export(store, "gdelt-tsv", tmp_path / "g.tsv")
    with open(tmp_path / "a.csv", newline="") as f:
        (row,) = [r for r in csv.DictReader(f) if r["plover_type"] == "ASSAULT"]
    assert row["actor1"] == "Military Forces of Russia" and row["actor1_code"] == "RUSMIL"
    assert row["actor2"] == "Civilians (Ukraine)"
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("8", "7", "78")  # foreign forces on civilians
    assert row["fatalities"] == "11"
    with open(tmp_path / "g.tsv", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert all(r["Actor1CountryCode"] in ("", "RUS", "UKR") and r["Actor2CountryCode"] in ("", "RUS", "UKR")
               for r in rows)
    assert any(r["Actor1CountryCode"] == "RUS" and r["Actor2CountryCode"] == "UKR" for r in rows)
