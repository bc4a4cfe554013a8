"""Incident merging and near-duplicate detection, on records we make up."""
from __future__ import annotations

import datetime as dt

from fogofwar.incidents import (EventRecord, common_terms, document_terms, independent_sources, merge_incidents,
                                minhash_signature, near_duplicate_groups, story_links, story_vector)


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


def test_a_disputed_report_joins_the_asserted_deed():
    """'Moscow denies its missiles hit the mall' (disputed) tells the strike another report asserts."""
    a = event("a:e1", "a", ptype="ASSAULT", status="asserted", factuality=3.0, trigger="strike",
              sentence="A Russian missile struck a shopping mall in the town on Monday.")
    b = event("b:e1", "b", ptype="ASSAULT", status="disputed", factuality=0.0, trigger="strike",
              sentence="Moscow denied that its missile struck a shopping mall in the town on Monday.")
    assert groups(merge_incidents([a, b], lambda x, y: 0.8)) == [["a:e1", "b:e1"]]


def test_one_stated_day_and_one_town_lower_the_bar_for_different_wording():
    """Two reports that each say the day and the town of a deed of one type join on a looser likeness;
    told without a day of their own they do not."""
    a = event("a:e1", "a", ptype="ASSAULT", trigger="shoot", actors=(),
              sentence="A boy was shot in the head on Friday morning, police said.")
    b = event("b:e1", "b", ptype="ASSAULT", trigger="kill", actors=(),
              sentence="Officials said the 15-year-old who accidentally shot himself on Friday has died.")
    a.date_explicit = b.date_explicit = True
    assert groups(merge_incidents([a, b], lambda x, y: 0.45)) == [["a:e1", "b:e1"]]
    a.date_explicit = False
    assert groups(merge_incidents([a, b], lambda x, y: 0.45)) == [["a:e1"], ["b:e1"]]


def test_a_meeting_with_one_leader_is_not_a_meeting_with_another():
    """Macron meeting Putin and Macron meeting Zelensky on one trip are two meetings; a report coding the
    meeting from the other side (Zelensky met Macron) is the same one."""
    def met(key, doc, recipients, actors=("FRAGOV",)):
        e = event(key, doc, ptype="CONSULT", trigger="meet", actors=actors, sentence="Macron met the president.")
        e.recipient_codes = frozenset(recipients)
        return e
    assert groups(merge_incidents([met("a:e1", "a", ["RUSGOV"]), met("b:e1", "b", ["UKRGOV"])],
                                  lambda x, y: 0.9)) == [["a:e1"], ["b:e1"]]
    assert groups(merge_incidents([met("a:e1", "a", ["UKRGOV"]), met("b:e1", "b", ["FRAGOV"], ("UKRGOV", "FRAGOV"))],
                                  lambda x, y: 0.9)) == [["a:e1", "b:e1"]]


def test_talks_coded_both_ways_are_not_a_meeting_with_a_third_party():
    """A US delegation meeting Ukraine's leaders and Biden's talks with Putin (coded each way) in one week's linked
    reports are two meetings; a report naming the EU beside the US and Ukraine is the first one."""
    def met(key, doc, actors, recipients):
        e = event(key, doc, ptype="CONSULT", trigger="meet", actors=actors, sentence="The delegation met the president.")
        e.recipient_codes = frozenset(recipients)
        return e
    delegation = met("a:e1", "a", ("USAGOV",), ("UKRGOV",))
    talks = met("b:e1", "b", ("USAGOV", "RUSGOV"), ("RUSGOV", "USAGOV"))
    assert groups(merge_incidents([delegation, talks], lambda x, y: 0.9)) == [["a:e1"], ["b:e1"]]
    wider = met("c:e1", "c", ("USAGOV", "IGOEU"), ("UKRGOV",))
    assert groups(merge_incidents([delegation, wider], lambda x, y: 0.9)) == [["a:e1", "c:e1"]]


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


def _vectors(texts, common=frozenset()):
    return {k: story_vector(document_terms(v), common) for k, v in texts.items()}


def test_two_reports_of_one_story_are_linked_and_a_different_story_is_not():
    """Story links are pairs of documents sharing rare names and numbers, within two weeks of each other."""
    texts = {"a": "Gunfire at the Maplewood bakery on Orchard Lane left Tomasz Wierzbicki, 34, wounded; "
                  "Sheriff Odalys Brannigan said deputies found 14 shell casings.",
             "b": "Deputies of Sheriff Odalys Brannigan counted 14 casings outside the Maplewood bakery, where "
                  "Tomasz Wierzbicki was hurt on Orchard Lane.",
             "c": "A ferry strike halted crossings to Quillon Island, where harbour master Ines Vasquez-Tobar "
                  "counted 40 stranded trucks."}
    dates = {"a": dt.date(2022, 5, 1), "b": dt.date(2022, 5, 2), "c": dt.date(2022, 5, 2)}
    links = story_links(_vectors(texts), dates)
    assert "b" in links["a"] and "a" in links["b"] and "c" not in links["a"]
    # The same pair a month apart tells no story together.
    assert "b" not in story_links(_vectors(texts), {**dates, "b": dt.date(2022, 6, 20)})["a"]
    # Linking the second report against the kept first one finds the same link as one batch does.
    one = _vectors(texts)
    later = story_links({"b": one["b"]}, {"b": dates["b"]}, {"a": one["a"], "c": one["c"]}, dates)
    assert later["b"] == {k: v for k, v in links["b"].items()}


def test_terms_in_most_of_the_store_tell_no_story():
    """A name every report carries (a capital in war news) is common in the store, however rare in English."""
    docs = [document_terms(f"Shelling near Zorvania's capital Velmorask hit district {n}.") for n in range(40)]
    common = common_terms(docs)
    assert {"velmorask", "zorvania"} <= common and "district" in common
    assert "17" not in common


def test_a_report_that_does_not_say_when_joins_its_storys_earlier_stated_day():
    """A follow-up that says only 'the shooting' is dated by its own day: the deed it reports happened by then."""
    a = event("a:e1", "a", ptype="ASSAULT", day=10, trigger="shot", sentence="A man was shot on Orchard Lane on Monday.")
    b = event("b:e1", "b", ptype="ASSAULT", day=14, precision=2, trigger="shooting",
              sentence="Police named the victim of the shooting.")
    a.date_explicit, b.date_explicit = True, False
    a.published, b.published = dt.date(2022, 9, 10), dt.date(2022, 9, 14)
    b.lat = b.lon = None
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.5}})) == [["a:e1", "b:e1"]]
    # Without the story link nothing joins them, and a stated later day is another deed.
    assert groups(merge_incidents([a, b])) == [["a:e1"], ["b:e1"]]
    b.date_explicit, b.time_precision = True, 1
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.5}})) == [["a:e1"], ["b:e1"]]


def test_a_report_that_does_not_say_when_or_where_joins_a_linked_story_only_on_a_close_story_or_toll():
    """'Russian shelling killed two' placed only in Ukraine, undated, beside a linked report of a strike on
    Kramatorsk on Monday: in a war's week of such reports, a loose link is not one deed; a close story, the
    same toll, or the same town is."""
    a = event("a:e1", "a", ptype="ASSAULT", trigger="struck", sentence="A missile struck Kramatorsk on Monday.")
    b = event("b:e1", "b", ptype="ASSAULT", day=11, precision=2, trigger="shelling",
              sentence="Russian shelling killed two people, officials said.")
    a.date_explicit, b.date_explicit = True, False
    a.published, b.published = dt.date(2022, 9, 10), dt.date(2022, 9, 11)
    b.lat, b.lon, b.geo_precision = 49.0, 32.0, 3  # the country's centre
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.35}})) == [["a:e1"], ["b:e1"]]
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.55}})) == [["a:e1", "b:e1"]]
    a.killed = b.killed = (2, 2)
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.35}})) == [["a:e1", "b:e1"]]
    a.killed = b.killed = None
    b.lat, b.lon, b.geo_precision = a.lat, a.lon, 1  # the same town
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.35}})) == [["a:e1", "b:e1"]]


def test_a_reports_side_deed_joins_a_linked_story_only_when_the_story_is_close():
    """A round-up's second strike of the day, beside a linked report of the first: on a loose link only each
    report's main deed of the type joins; a side one needs a close story."""
    a = event("a:e1", "a", ptype="ASSAULT", trigger="struck", sentence="A missile struck Kramatorsk on Monday.")
    b = event("b:e2", "b", ptype="ASSAULT", trigger="hit", sentence="Shells also hit a school, the governor said.")
    a.date_explicit = b.date_explicit = True
    b.main = False
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.3}})) == [["a:e1"], ["b:e2"]]
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.4}})) == [["a:e1", "b:e2"]]
    b.main = True
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.3}})) == [["a:e1", "b:e2"]]


def test_a_round_ups_side_deeds_join_a_linked_story_only_when_the_two_run_nearly_one_text():
    """A report that tells four strikes or more is a news cycle's round-up: its side strikes join a linked report's
    only on a story this close to one text; a report of two strikes still joins on a fairly close one."""
    a = event("a:e1", "a", ptype="ASSAULT", trigger="struck", sentence="A missile struck Kramatorsk on Monday.")
    b = event("b:e2", "b", ptype="ASSAULT", trigger="hit", sentence="Shells also hit a school, the governor said.")
    a.date_explicit = b.date_explicit = True
    b.main = False
    b.of_type = 5
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.5}})) == [["a:e1"], ["b:e2"]]
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.75}})) == [["a:e1", "b:e2"]]
    b.of_type = 2
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.5}})) == [["a:e1", "b:e2"]]


def test_statements_join_on_the_story_only_when_close_and_by_the_same_speaker():
    """'Kyiv urged allies' in two linked reports is one statement only when the same party speaks."""
    a = event("a:e1", "a", ptype="REQUEST", actors=("UKRGOV",), trigger="urged", sentence="Kyiv urged allies to act.")
    b = event("b:e1", "b", ptype="REQUEST", actors=("UKRGOV",), trigger="called", sentence="Ukraine called for help.")
    a.date_explicit = b.date_explicit = True
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.6}})) == [["a:e1", "b:e1"]]
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.3}})) == [["a:e1"], ["b:e1"]]
    b.actor_codes = frozenset({"POLGOV"})
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.6}})) == [["a:e1"], ["b:e1"]]


def test_the_same_long_sentence_in_two_outlets_is_one_source():
    """Agency copy that two outlets edit differently (so no near-duplicate documents) still counts once."""
    wire = "Russian forces shelled the town of Kupiansk overnight, damaging a school and two apartment blocks."
    members = [event("a:e1", "a", outlet="Paper A", sentence=wire), event("b:e1", "b", outlet="Paper B", sentence=wire),
               event("c:e1", "c", outlet="Paper C", sentence="Kupiansk came under fire again, the mayor told us.")]
    assert independent_sources(members) == 2
    # A near-duplicate reprint of one of them and a third outlet's copy of the sentence are the same wire story.
    members += [event("d:e1", "d", origin="a", outlet="Paper D", sentence="Kupiansk was shelled overnight."),
                event("e:e1", "e", outlet="Paper E", sentence=wire.replace("blocks", "buildings"))]
    assert independent_sources(members) == 2


def test_one_outlet_reprinting_its_own_story_is_one_source():
    """Three pages of one outlet, two of them reprints of one story, are that outlet once."""
    members = [event("a:e1", "a", outlet="Paper A"), event("b:e1", "b", origin="a", outlet="Paper A"),
               event("c:e1", "c", outlet="Paper A", sentence="Izium was left by Russian troops.")]
    assert independent_sources(members) == 1
    assert independent_sources(members + [event("d:e1", "d", origin="a", outlet="Paper B")]) == 2


def test_names_weigh_more_than_other_rare_words_in_a_story():
    """'Orchard Lane' and 'Brannigan' tell the story; a page's rare furniture words ('redistributed') less so."""
    from fogofwar.incidents import name_terms

    text = "Deputies said Sheriff Brannigan found casings on Orchard Lane. This may not be redistributed."
    names = name_terms(text)
    assert {"brannigan", "orchard", "lane"} <= names and "redistributed" not in names and "deputies" not in names
    plain, named = story_vector(document_terms(text)), story_vector(document_terms(text), names=names)
    assert named["brannigan"] / named["redistributed"] > plain["brannigan"] / plain["redistributed"]


def test_two_vague_mentions_in_linked_reports_stay_apart():
    """Two linked reports that each mention 'US troops deploy' with neither a stated day nor a town are as often
    two background remarks as one deed: the story alone does not join them; a stated day on one side does."""
    a = event("a:e1", "a", ptype="MOBILIZE", actors=("USAMIL",), precision=2, trigger="deploy", sentence="Troops deploy.")
    b = event("b:e1", "b", ptype="MOBILIZE", actors=("USAMIL",), precision=2, trigger="sent", sentence="Troops sent.")
    for e in (a, b):
        e.geo_precision, e.lat, e.lon = 3, None, None
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.6}})) == [["a:e1"], ["b:e1"]]
    a.date_explicit, a.time_precision = True, 1
    assert groups(merge_incidents([a, b], links={"b": {"a": 0.6}})) == [["a:e1", "b:e1"]]


def test_two_outlets_running_one_agency_story_edited_apart_are_one_source():
    """An agency story that two outlets edit and update differently (no near-duplicates, no one sentence the same)
    still shares much of its wording: one source. Two newsrooms' own reports share little."""
    story = ("Russian forces shelled the town of Kupiansk overnight, damaging a school and two apartment blocks, the "
             "regional governor said on Telegram. Emergency crews searched the rubble through the morning, and "
             "three people were taken to hospital. The town lies on a rail line that supplies the front to the east.")
    edited = story.replace("overnight", "late on Friday").replace("three people", "at least three residents").replace(
        "through the morning", "until noon").replace("supplies the front", "feeds the troops") + (
        " Officials gave no figure for the dead. Kyiv said more air defence was on its way to the region, and the "
        "mayor asked residents to stay in shelters.")
    own = "Our correspondent in Kupiansk saw smoke over the school; a nurse said the wounded arrived before dawn."
    sigs = {"a": minhash_signature(story), "b": minhash_signature(edited), "c": minhash_signature(own)}
    assert near_duplicate_groups(sigs) == {"a": "a", "b": "b", "c": "c"}
    members = [event("a:e1", "a", outlet="Paper A", sentence="A school was damaged."),
               event("b:e1", "b", outlet="Paper B", sentence="Three residents were hurt."),
               event("c:e1", "c", outlet="Paper C", sentence="Smoke rose over the school.")]
    assert independent_sources(members) == 3
    assert independent_sources(members, sigs) == 2


def test_two_happenings_of_one_report_never_share_an_incident():
    """A report's strikes on Kupiansk and on Izium are two happenings; a linked region-level report that
    agrees with both joins one of them, and does not chain the two into one incident."""
    b1 = event("b:e1", "b", ptype="ASSAULT", precision=2, trigger="shelling", sentence="Shelling hit the region.")
    b1.geo_precision, b1.admin1, b1.published = 3, "Kharkiv", dt.date(2022, 9, 10)
    a1 = event("a:e1", "a", ptype="ASSAULT", trigger="shelled", sentence="Russia shelled Kupiansk on Saturday.",
               lat=49.71, lon=37.61)
    a2 = event("a:e2", "a", ptype="ASSAULT", trigger="struck", sentence="Missiles struck Izium on Saturday.",
               lat=49.21, lon=37.26)
    for e in (a1, a2):
        e.admin1, e.date_explicit, e.published = "Kharkiv", True, dt.date(2022, 9, 11)
    links = {"a": {"b": 0.6}, "b": {"a": 0.6}}
    assert groups(merge_incidents([b1, a1, a2], links=links)) == [["a:e1", "b:e1"], ["a:e2"]]



def test_last_week_is_no_day_of_the_next_week():
    """'Blasts destroyed planes at an air base last week' beside a linked report of a depot blast on Tuesday of
    the next week: two deeds. A week is its Thursday give or take three days, no undated deed."""
    from fogofwar.store import _parse_day
    assert _parse_day("2022-W36") == dt.date(2022, 9, 8)
    week = event("a:e1", "a", ptype="ASSAULT", day=8, precision=2, trigger="destroyed",
                 sentence="Blasts destroyed nine warplanes at an air base last week.")
    day = event("b:e1", "b", ptype="ASSAULT", day=13, trigger="hit",
                sentence="Explosions hit an ammunition depot on Tuesday.")
    week.date_explicit = day.date_explicit = True
    week.date_spread = 3
    assert groups(merge_incidents([week, day], links={"b": {"a": 0.5}})) == [["a:e1"], ["b:e1"]]
    day.date, day.time_precision = dt.date(2022, 9, 6), 1  # Tuesday of that week
    assert groups(merge_incidents([week, day], links={"b": {"a": 0.5}})) == [["a:e1", "b:e1"]]


def test_deeds_of_different_kinds_stay_apart_in_one_story():
    """A town retaken and the killing told there, a kidnapping and that week's shelling: another kind of deed
    (ACLED sub-event type) is another incident, even in one linked story; an armed clash goes with either."""
    retaken = event("a:e1", "a", ptype="ASSAULT", trigger="reclaim", sentence="Ukraine reclaimed Yampil.")
    killed = event("b:e1", "b", ptype="ASSAULT", trigger="kill", sentence="Two camels were killed in Yampil.")
    retaken.deed_kind, killed.deed_kind = "territory", "attack"
    links = {"a": {"b": 0.9}, "b": {"a": 0.9}}
    assert groups(merge_incidents([retaken, killed], links=links)) == [["a:e1"], ["b:e1"]]
    killed.deed_kind = None  # an armed clash, or no sub-type
    assert groups(merge_incidents([retaken, killed], links=links)) == [["a:e1", "b:e1"]]


def test_a_region_and_a_town_of_the_next_region_are_two_places():
    """A linked report's depots burnt 'in the Luhansk region' and a barrage on a town of the Donetsk region, 120 km
    away: two deeds of one story, not one. The region's own town joins it."""
    region = event("a:e1", "a", ptype="ASSAULT", precision=1, trigger="destroyed",
                   sentence="Ukrainian forces destroyed two depots in the Luhansk region.", lat=48.57, lon=39.31)
    region.geo_precision, region.admin1 = 3, "Luhansk"
    town = event("b:e1", "b", ptype="ASSAULT", precision=1, trigger="barrage",
                 sentence="A barrage hit Kostiantynivka.", lat=48.53, lon=37.71)
    town.admin1 = "Donetsk"
    links = {"b": {"a": 0.6}}
    assert groups(merge_incidents([region, town], links=links)) == [["a:e1"], ["b:e1"]]
    town.admin1, town.lat, town.lon = "Luhansk", 48.95, 38.49  # Sievierodonetsk, in the region
    assert groups(merge_incidents([region, town], links=links)) == [["a:e1", "b:e1"]]


def test_two_speakers_of_one_country_make_two_statements():
    """In one news cycle the Kremlin denies criticism and a mercenary chief admits allegations: two statements of
    Russia, not one. The Kremlin twice, or once named as 'Russia', is one speaker."""
    def statement(key, doc, actors, sentence):
        e = event(key, doc, ptype="ACCUSE", actors=actors, trigger="accused", sentence=sentence, status="reported")
        e.date_explicit = True
        return e
    kremlin = statement("a:e1", "a", ("RUSGOV",), "The Kremlin denied that officials criticized the war.")
    chief = statement("b:e1", "b", ("RUSMIL",), "The mercenary chief admitted the allegations.")
    links = {"b": {"a": 0.6}}
    assert groups(merge_incidents([kremlin, chief], links=links)) == [["a:e1"], ["b:e1"]]
    again = statement("b:e1", "b", ("RUSGOV",), "Moscow rejected the claims of criticism.")
    assert groups(merge_incidents([kremlin, again], links=links)) == [["a:e1", "b:e1"]]
    bare = statement("b:e1", "b", ("RUS",), "Russia rejected the claims of criticism.")
    assert groups(merge_incidents([kremlin, bare], links=links)) == [["a:e1", "b:e1"]]
