"""Shared fixtures: the real spaCy model, the real gazetteer, our own texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from fogofwar.ingest import RawDocument
from fogofwar.pipeline import load_resources, process_document
from fogofwar.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def resources(settings):
    return load_resources(settings)


@pytest.fixture(scope="session")
def analyze(settings, resources):
    """Run the whole pipeline on one text we wrote: analyze(text, published=None) -> Result."""

    def run(text: str, published: str | None = None, **fields):
        raw = RawDocument(id="t", text=text, published=published, **fields)
        result = process_document(raw, settings.replace(predicates=True), resources)
        assert result.error is None, result.error
        return result

    return run


def span(result, item):
    """The text an item's offsets point at."""
    return result.text[item.start:item.end]


def assert_no_attack_but_the_deed(analyze, texts, deed, published):
    """None of `texts` tells an attack, and `deed` (a plain report of one) tells exactly one event, an ASSAULT."""
    for text in texts:
        assert not [e for e in analyze(text, published=published).events if e.plover.type == "ASSAULT"], text
    assert [e.plover.type for e in analyze(deed, published=published).events] == ["ASSAULT"], deed
