"""Status and factuality: from the clause and from the claims together."""
from __future__ import annotations

import pytest

from fogofwar.factuality import _status

from .conftest import span


@pytest.mark.parametrize("category, negated, stances, status", [
    ("plain", False, set(), "asserted"),
    ("plain", False, {"assert"}, "reported"),
    ("plain", False, {"assert", "doubt"}, "unconfirmed"),
    ("plain", False, {"assert", "deny"}, "disputed"),
    ("plain", False, {"deny"}, "denied"),
    ("plain", False, {"allege"}, "alleged"),
    ("plain", False, {"believe"}, "hedged"),
    ("modal", False, set(), "hedged"),
    ("future", False, set(), "future"),
    ("conditional", False, set(), "hypothetical"),
    ("plain", True, {"assert"}, "negated"),
    ("cancelled", False, {"assert"}, "negated"),
])
def test_status_combines_clause_and_claims(category, negated, stances, status):
    """Each combination of clause cue and claim stances maps to one SPEC status."""
    assert _status(category, negated, stances) == status


def predicate_values(result):
    return {span(result, p): p.factuality for p in result.predicates}


def test_predicates_are_rated_by_their_clause(analyze):
    """Plain past is +3, negated is negative, modal, planned and conditional events are lower."""
    result = analyze("Troops attacked the town. They did not capture it. They may return. "
                     "They plan to regroup. If they advance, residents flee.")
    values = predicate_values(result)
    assert values["attacked"] == 3.0
    assert values["capture"] < 0
    assert values["return"] < 1.5
    assert values["regroup"] < 3.0
    assert values["advance"] < 2.0


def test_unqualified_nouns_are_not_listed(analyze):
    """A noun at +3 adds nothing to predicates[], since an unlisted predicate counts as factual."""
    result = analyze("Troops attacked the town.")
    assert [(span(result, p), p.factuality) for p in result.predicates] == [("attacked", 3.0)]


def test_an_alleged_event_has_low_factuality(analyze):
    """An event only alleged by a party is 'alleged' with factuality below +2."""
    result = analyze("Officials alleged that Russian forces had laid mines in the town.", published="2022-11-10")
    (event,) = [e for e in result.events if span(result, e.trigger) == "laid"]
    assert event.status == "alleged" and event.factuality < 2.0


def test_a_cancelled_event_did_not_take_place(analyze):
    """The argument of a cancellation that happened is not factual; one only threatened, or a
    suspended activity (which had begun), is left to the model."""
    result = analyze("The government postponed the referendum. The ministry said the convoy's departure was delayed. "
                     "Officials could postpone the election.")
    values = predicate_values(result)
    assert values["referendum"] <= 0 and values["departure"] <= 0
    assert values.get("election", 3.0) > values["referendum"]


def test_a_preposition_under_a_cancelling_verb_is_not_its_argument(analyze):
    """'suspended amid turmoil': the turmoil is not what was suspended or cancelled."""
    result = analyze("Trading was delayed amid turmoil on the markets.")
    assert predicate_values(result).get("turmoil", 3.0) > 0


def test_what_may_yet_be_done_is_hypothetical_and_a_hedged_deed_is_hedged(analyze):
    """'could invade' tells a possibility, not a deed: hypothetical, and so no incident; 'may have
    shelled' and 'reportedly shelled' hedge a report of a deed that did happen."""
    result = analyze("Russian troops could invade the country at any moment, officials warned on Friday. "
                     "Russian artillery may have shelled the village on Thursday. "
                     "Russian forces reportedly shelled the port on Wednesday.", published="2022-02-12")
    by_trigger = {span(result, e.trigger): e for e in result.events}
    assert by_trigger["invade"].status == "hypothetical"
    assert by_trigger["shelled"].status == "hedged"
    assert {e.status for e in result.events if e.plover.type == "ASSAULT"} >= {"hedged", "hypothetical"}


def test_a_refused_fight_did_not_happen_and_a_strike_that_could_be_launched_may_yet_be(analyze):
    result = analyze('The servicemen said: "We refuse to go and fight in Donetsk." '
                     "Fears that Russia could launch a nuclear strike have mounted since last week.",
                     published="2022-10-04")
    statuses = {result.text[e.trigger.start:e.trigger.end]: e.status for e in result.events if e.plover.type == "ASSAULT"}
    assert statuses == {"fight": "negated", "strike": "hypothetical"}


def test_a_purpose_and_a_passive_possibility_are_not_deeds_done(analyze):
    statuses = {}
    for text in ("Its purpose was to destroy the airport's runway, the ministry wrote.",
                 "The drone may simply fall to the ground or be hijacked afterwards."):
        result = analyze(text, published="2022-07-06")
        statuses.update({result.text[e.trigger.start:e.trigger.end]: e.status for e in result.events})
    assert statuses == {"destroy": "future", "hijacked": "hypothetical"}


def test_what_would_have_been_done_was_not(analyze):
    result = analyze("The old rifles, which would otherwise have been destroyed, were sent to the front on Monday.",
                     published="2022-05-26")
    assert [e.status for e in result.events if e.plover.type == "ASSAULT"] == ["hypothetical"]


def test_a_deed_named_as_a_goal_is_not_done(analyze):
    """'liberating Donbas is Moscow's primary objective': an aim, not a deed."""
    result = analyze("Shoigu said that liberating Donbas is Moscow's primary objective.", published="2022-03-30")
    assert [e.status for e in result.events if e.plover.type == "ASSAULT"] == ["future"]


def assault_statuses(analyze, texts, published):
    """Trigger text → status of the ASSAULT events of each text."""
    statuses = {}
    for text in texts:
        result = analyze(text, published=published)
        statuses.update({result.text[e.trigger.start:e.trigger.end]: e.status for e in result.events
                         if e.plover.type == "ASSAULT"})
    return statuses


def test_the_means_of_a_deed_to_come_and_what_is_warned_or_braced_against_are_not_done(analyze):
    """'we will retaliate by destroying X', 'poised to retake', 'warning NATO against attacks', 'bracing for heavy
    attacks', 'prepared for a new assault': none is done. The strike the city prepares after is."""
    statuses = assault_statuses(analyze, (
        '"We will retaliate by destroying the small village called Moscow," the lawmaker tweeted.',
        "The army is poised to retake the city of Kherson, officials say.",
        "The ministry spent the day warning NATO members against attacks on Russia's bases.",
        "Ukraine is bracing for heavy Russian attacks on its power grid this winter.",
        "Residents prepared for a new assault as troops massed to the north.",
        "The city is preparing for the worst after a missile hit the port on Monday."), "2022-08-01")
    assert statuses == {"destroying": "future", "retake": "future", "attacks": "future", "assault": "future",
                        "hit": "asserted"}


def test_what_it_is_possible_to_do_is_no_deed(analyze):
    """'how it is possible to bomb a children's hospital': outrage at what can be done, no report of it."""
    result = analyze('The deputy mayor said: "We do not understand how it is possible to bomb a children\'s hospital."',
                     published="2022-03-10")
    assert not [e for e in result.events if e.plover.type == "ASSAULT" and e.status not in ("hypothetical", "future")]


def test_a_quoted_question_tells_no_deed(analyze):
    """'"What are the next things that are going to be attacked?" the mayor asked.'"""
    result = analyze('"What will be attacked next?" the mayor asked.', published="2022-10-01")
    assert not [e for e in result.events if e.plover.type == "ASSAULT" and e.status not in ("hypothetical", "future")]


def test_a_plan_to_strike_is_no_strike(analyze):
    """'denied any plans to attack Kyiv': what is planned is to come, whatever is said of the plan."""
    result = analyze("The Kremlin denied any plans to attack Kyiv.", published="2022-02-10")
    [attack] = [e for e in result.events if e.plover.type == "ASSAULT"]
    assert attack.status == "future"


def test_what_forces_are_sent_or_going_to_do_is_to_come(analyze):
    """'a unit sent to assassinate the president', 'they're going to carry out air strikes': not done; 'used drones
    to strike the depot' was done."""
    statuses = assault_statuses(analyze, (
        "A Chechen unit sent to assassinate the president was stopped at the border.",
        "Officials said they are going to carry out air strikes on Kyiv.",
        "Ukraine used drones to strike the depot on Monday."), "2022-03-01")
    assert statuses["assassinate"] == "future" and statuses["strikes"] == "future"
    assert statuses["strike"] == "asserted"


def test_what_someone_is_told_or_ordered_to_do_is_to_come(analyze):
    """'Putin told authorities to provide all necessary assistance': the aid is ordered, not yet given."""
    result = analyze("Putin told authorities to provide all necessary assistance to the victims of the crash.",
                     published="2022-10-17")
    assert [e.status for e in result.events if e.plover.type == "AID"] == ["future"]


def test_what_troops_have_yet_to_do_is_not_done(analyze):
    """'have yet to take control of the capital': the taking is not told; 'have taken control' is."""
    for text, status in (("Rebel troops have yet to take control of the capital.", "negated"),
                         ("Rebel troops have taken control of the capital.", "asserted")):
        result = analyze(text, published="2022-02-25")
        assert [e.status for e in result.events if e.plover.type == "COERCE"] == [status], text


def test_what_one_is_ready_or_insists_on_doing_is_not_done(analyze):
    """'troops at the border, ready to attack', 'may not insist on retaking the province': still to come."""
    for text in ("The general is now amassing troops at the border, ready to attack.",
                 "The statement suggests the government may not insist on retaking the province."):
        result = analyze(text, published="2022-09-03")
        statuses = [e.status for e in result.events if e.plover.type == "ASSAULT"]
        assert statuses and all(s in ("future", "hypothetical") for s in statuses), (text, statuses)
