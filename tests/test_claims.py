"""Claims: who says what, with which cue and stance, and which events they carry."""
from __future__ import annotations

from fogofwar.claims import find_quotes

from .conftest import span


def claims(result):
    return [(span(result, c.source) if c.source else None, c.cue.lemma, span(result, c.content), c.kind, c.stance)
            for c in result.claims]


def test_indirect_speech_under_a_reporting_verb(analyze):
    """'X said (that) Y' gives source X, cue say, content Y."""
    result = analyze("The governor said that two villages were shelled overnight.")
    assert claims(result) == [("The governor", "say", "two villages were shelled overnight", "indirect", "assert")]


def test_a_direct_quote_beside_its_cue(analyze):
    """A quotation followed by 'he said' is a direct claim whose content is the quote."""
    result = analyze("“We will not give up the city,” the mayor said.")
    assert claims(result) == [("the mayor", "say", "We will not give up the city", "direct", "assert")]


def test_according_to_attributes_the_rest_of_the_sentence(analyze):
    """'according to X' makes X the source of the clause it sits beside."""
    result = analyze("Two bridges were destroyed, according to the regional administration.")
    assert claims(result) == [("the regional administration", "according to", "Two bridges were destroyed",
                               "according_to", "assert")]


def test_an_accusation_is_an_allegation(analyze):
    """'accused X of Y' carries 'X of Y' with stance allege."""
    result = analyze("Officials accused Moscow of shelling the plant.")
    assert claims(result) == [("Officials", "accuse", "Moscow of shelling the plant", "indirect", "allege")]


def test_a_source_that_cannot_confirm_doubts(analyze):
    """'could not confirm that ...' is doubt, and so is saying so."""
    result = analyze("He said the army could not confirm that the troops had withdrawn.")
    stances = {(c.cue.lemma, c.stance) for c in result.claims}
    assert stances == {("say", "doubt"), ("confirm", "doubt")}


def test_claims_carry_the_events_in_their_content(analyze):
    """An event inside a claim's content is linked both ways."""
    result = analyze("Ukraine's military said Russian forces withdrew from the town.", published="2022-11-10")
    (claim,) = result.claims
    (event,) = [e for e in result.events if e.plover.type == "RETREAT"]
    assert claim.events == [event.id] and event.claims == [claim.id]
    assert event.status == "reported"


def test_find_quotes_pairs_curly_and_straight_marks():
    """Quotes are found whole, marks included."""
    text = 'He said "no" and “never again” twice.'
    assert [text[s:e] for s, e in find_quotes(text)] == ['"no"', "“never again”"]
