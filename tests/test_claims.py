"""Claims: who says what, with which cue and stance, and which events they carry."""
from __future__ import annotations

from fogofwar.claims import LinearModel, find_quotes

from .conftest import span


def claims(result):
    return [(span(result, c.source) if c.source else None, c.cue.lemma, span(result, c.content), c.kind, c.stance)
            for c in result.claims]


def test_indirect_speech_under_a_reporting_verb(analyze):
    """'X said that Y' gives source X, cue say, content 'that Y' (the complementizer stays, as PolNeAR marks it)."""
    result = analyze("The governor said that two villages were shelled overnight.")
    assert claims(result) == [("The governor", "say", "that two villages were shelled overnight", "indirect", "assert")]


def test_a_direct_quote_beside_its_cue(analyze):
    """A quotation followed by 'he said' is a direct claim whose content is the quote."""
    result = analyze("“We will not give up the city,” the mayor said.")
    assert claims(result) == [("the mayor", "say", "We will not give up the city", "direct", "assert")]


def test_a_quote_split_around_its_cue_keeps_both_halves(analyze):
    """'“A,” X said. “B”' is one claim whose content runs from A to B."""
    text = "“We held the line,” the commander said. “We will hold it again.”"
    result = analyze(text)
    assert claims(result) == [("the commander", "say", text[1:-1], "direct", "assert")]


def test_a_quote_running_over_paragraphs_is_one_quotation():
    """A paragraph that opens with a quote mark continues the quotation before it."""
    text = "He said: “The bridge is gone.\n\n“The road is next,” he added."
    assert [text[s:e] for s, e in find_quotes(text)] == ["“The bridge is gone.\n\n“The road is next,”"]


def test_according_to_attributes_the_rest_of_the_sentence(analyze):
    """'according to X' makes X the source of the clause it sits beside."""
    result = analyze("Two bridges were destroyed, according to the regional administration.")
    assert claims(result) == [("the regional administration", "according to", "Two bridges were destroyed",
                               "according_to", "assert")]


def test_a_headline_in_the_present_tense_is_a_claim(analyze):
    """'Russia says troops begin to withdraw' is Russia's claim."""
    result = analyze("Russia says troops begin to withdraw from key city\n\nThe war goes on.")
    assert claims(result) == [("Russia", "say", "troops begin to withdraw from key city", "indirect", "assert")]


def test_an_accusation_is_an_allegation(analyze):
    """'accused X of Y' carries 'X of Y' with stance allege."""
    result = analyze("Officials accused Moscow of shelling the plant.")
    assert claims(result) == [("Officials", "accuse", "Moscow of shelling the plant", "indirect", "allege")]


def test_a_source_that_cannot_confirm_doubts(analyze):
    """'could not confirm that ...' is doubt, and so is saying so; the nested claim has its own subject."""
    result = analyze("He said the army could not confirm that the troops had withdrawn.")
    assert [(span(result, c.source), c.cue.lemma, c.stance) for c in result.claims] == [
        ("He", "say", "doubt"), ("the army", "confirm", "doubt")]


def test_as_the_ministry_reported_attributes_the_clause_it_hangs_on(analyze):
    """'X, as the ministry reported' gives the ministry the clause X."""
    result = analyze("Troops left the town on Monday, as the defence ministry reported.")
    assert claims(result) == [("the defence ministry", "report", "Troops left the town on Monday", "indirect", "assert")]


def test_a_pronoun_source_takes_its_antecedents_code(analyze):
    """'he' after 'Valeriy Zaluzhny, Ukraine's commander' carries Zaluzhny's actor code."""
    result = analyze("Ukraine's army chief Valeriy Zaluzhny spoke on Monday. He said Russian troops had withdrawn.")
    (claim,) = result.claims
    zaluzhny = next(a for a in result.actors if "Zaluzhny" in a.text)
    assert (claim.source.text, claim.source.code) == ("He", zaluzhny.code)


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


def test_an_unclosed_opening_mark_does_not_swallow_the_next_quote():
    """A “ with no closing mark before the next “ in the same paragraph opens nothing."""
    text = "He said “no and then “never again” twice."
    assert [text[s:e] for s, e in find_quotes(text)] == ["“never again”"]


def test_a_linear_model_scores_its_features():
    """The probability is the logistic of the bias plus the weights of the features present."""
    model = LinearModel(bias=-1.0, weights={"a": 2.0, "b": 5.0})
    assert model.score(["a", "c"]) == 1.0
    assert round(model.probability(["a", "c"]), 4) == 0.7311
