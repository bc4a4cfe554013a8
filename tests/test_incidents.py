"""Incident merging and near-duplicate detection, on records we make up."""
from __future__ import annotations

import datetime as dt

from fogofwar.incidents import EventRecord, independent_sources, merge_incidents, minhash_signature, near_duplicate_groups


def event(key, doc, day=10, lat=49.2, lon=37.25, ptype="RETREAT", actors=("RUSMIL",), status="reported",
          factuality=2.0, trigger="withdrew", sentence="Russian troops withdrew from Izium.", origin=None, precision=1,
          outlet=None):
    return EventRecord(key=key, doc_id=doc, plover_type=ptype, date=dt.date(2022, 9, day), time_precision=precision,
                       lat=lat, lon=lon, geo_precision=1, country="UA", actor_codes=frozenset(actors),
                       recipient_codes=frozenset(), trigger_lemma=trigger, sentence=sentence, status=status,
                       factuality=factuality, origin=origin or doc, outlet=outlet)


def groups(incidents):
    return sorted(sorted(i.events) for i in incidents)


def test_same_type_place_day_and_actor_merge():
    """Two documents with the same withdrawal on the same day merge; another day does not."""
    events = [event("a:e1", "a"), event("b:e1", "b"), event("c:e1", "c", day=11), event("d:e1", "d", day=25)]
    assert groups(merge_incidents(events)) == [["a:e1", "b:e1"], ["c:e1"], ["d:e1"]]


def test_events_without_a_day_of_their_own_merge_across_stories_only_in_nearly_the_same_words():
    """'Russian troops withdrew' with no date is as often a summary as one deed: only the same sentence joins."""
    a = event("a:e1", "a", precision=2, sentence="Russian troops withdrew from Izium, officials said.")
    b = event("b:e1", "b", precision=2, day=11, sentence="Russian troops pulled back from Izium.")
    assert groups(merge_incidents([a, b], lambda x, y: 0.7)) == [["a:e1"], ["b:e1"]]
    assert groups(merge_incidents([a, b], lambda x, y: 0.9)) == [["a:e1", "b:e1"]]


def test_two_deeds_of_one_reprinted_sentence_stay_apart():
    """'shelled Kupiansk and struck Izium' reprinted: each deed joins its own reprint, not the other's."""
    sentence = "Russian forces shelled Kupiansk and struck Izium on Saturday, the governor said."
    shelled_a = event("a:e1", "a", ptype="ASSAULT", trigger="shell", sentence=sentence)
    struck_a = event("a:e2", "a", ptype="ASSAULT", trigger="strike", sentence=sentence)
    shelled_b = event("b:e1", "b", ptype="ASSAULT", trigger="shell", sentence=sentence)
    struck_b = event("b:e2", "b", ptype="ASSAULT", trigger="strike", sentence=sentence)
    incidents = merge_incidents([shelled_a, struck_a, shelled_b, struck_b], lambda x, y: 1.0)
    assert groups(incidents) == [["a:e1", "b:e1"], ["a:e2", "b:e2"]]


def test_places_too_far_apart_do_not_merge():
    """The same wording 300 km apart is two incidents."""
    events = [event("a:e1", "a"), event("b:e1", "b", lat=46.6, lon=32.6)]
    assert groups(merge_incidents(events)) == [["a:e1"], ["b:e1"]]


def test_opposing_actor_countries_do_not_merge():
    """A Russian and a Ukrainian withdrawal at the same place are different incidents."""
    events = [event("a:e1", "a"), event("b:e1", "b", actors=("UKRMIL",))]
    assert groups(merge_incidents(events)) == [["a:e1"], ["b:e1"]]


def test_a_threat_and_the_deed_do_not_merge():
    """A future event never merges with one that happened."""
    events = [event("a:e1", "a"), event("b:e1", "b", status="future", factuality=1.0)]
    assert groups(merge_incidents(events)) == [["a:e1"], ["b:e1"]]


def test_different_wording_merges_only_when_similar():
    """Without a shared trigger, sentence similarity decides."""
    a = event("a:e1", "a", trigger="withdrew", sentence="Russian troops withdrew from Izium on Saturday.")
    b = event("b:e1", "b", trigger="retreated", sentence="Russian troops retreated from Izium on Saturday.")
    assert groups(merge_incidents([a, b], lambda x, y: 0.9)) == [["a:e1", "b:e1"]]
    assert groups(merge_incidents([a, b], lambda x, y: 0.1)) == [["a:e1"], ["b:e1"]]


def test_threats_merge_only_when_told_in_nearly_the_same_words():
    """Two reports of a future strike are one incident only when their sentences nearly match."""
    a = event("a:e1", "a", ptype="ASSAULT", status="future", factuality=0.5, trigger="strike",
              sentence="Russia will strike Kyiv again, the minister warned.")
    b = event("b:e1", "b", ptype="ASSAULT", status="future", factuality=0.5, trigger="strike",
              sentence="Russia will strike Kyiv if talks fail, an adviser said.")
    assert groups(merge_incidents([a, b], lambda x, y: 0.6)) == [["a:e1"], ["b:e1"]]
    assert groups(merge_incidents([a, b], lambda x, y: 0.9)) == [["a:e1", "b:e1"]]


def test_a_shared_trigger_and_actor_still_need_some_likeness():
    """The same verb and actor lower the bar for sentence similarity, but do not remove it."""
    a = event("a:e1", "a", sentence="Russian troops withdrew from Izium.")
    b = event("b:e1", "b", sentence="Russian troops withdrew their claim to the border villages.")
    assert groups(merge_incidents([a, b], lambda x, y: 0.45)) == [["a:e1", "b:e1"]]
    assert groups(merge_incidents([a, b], lambda x, y: 0.2)) == [["a:e1"], ["b:e1"]]


def test_incident_ids_are_stable():
    """The same events give the same incident ids, whatever their order."""
    events = [event("a:e1", "a"), event("b:e1", "b")]
    assert [i.incident_id for i in merge_incidents(events)] == [i.incident_id for i in merge_incidents(events[::-1])]


def test_near_duplicates_share_an_origin():
    """A reprint with a changed last sentence joins the original; an unrelated text does not."""
    base = ("Russian forces shelled the city of Kharkiv overnight, damaging a school and two apartment blocks, "
            "the regional governor said on Telegram on Friday morning. Emergency crews worked through the night "
            "to pull residents from the rubble, and at least three people were taken to hospital with injuries. ")
    texts = {"a": base + "Reporting by one agency.", "b": base + "Edited by another desk.",
             "c": "Thousands rallied in Warsaw on Sunday to demand more weapons for Ukraine, police said."}
    origins = near_duplicate_groups({k: minhash_signature(v) for k, v in texts.items()})
    assert origins == {"a": "a", "b": "a", "c": "c"}


def test_events_placed_only_at_a_country_merge_only_with_reprints():
    """Two country-level reports of the same kind stay apart unless they are the same story."""
    a = event("a:e1", "a")
    b = event("b:e1", "b")
    a.geo_precision = b.geo_precision = 3
    assert groups(merge_incidents([a, b])) == [["a:e1"], ["b:e1"]]
    b.origin = "a"
    assert groups(merge_incidents([a, b])) == [["a:e1", "b:e1"]]


def test_independent_sources_count_a_wire_story_and_an_outlet_once():
    """Reprints of one wire story count once, and so do an outlet's own repeats; others count apiece."""
    members = [event("a:e1", "a", outlet="Wire"), event("b:e1", "b", origin="a", outlet="Paper B"),
               event("c:e1", "c", outlet="Paper C"), event("d:e1", "d", outlet="paper c "),
               event("e:e1", "e", outlet=None), event("e:e2", "e", outlet=None)]
    assert independent_sources(members) == 3
    # Paper B's own story is a source of its own beside the wire copy it also ran.
    assert independent_sources(members + [event("f:e1", "f", outlet="Paper B")]) == 4
