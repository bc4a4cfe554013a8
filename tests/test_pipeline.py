"""The pipeline: stage order, the per-document boundary, and batches with bad input."""
from __future__ import annotations

import json

from fogofwar.ingest import RawDocument, read_inputs
from fogofwar.models import Result
from fogofwar.nlp import load_nlp
from fogofwar.pipeline import STAGES, Stage, check_stages, extract, process_document

from .conftest import FIXTURES


def test_every_stage_requirement_is_met_by_an_earlier_stage():
    """Walking STAGES in order, nothing is required before it is provided."""
    assert check_stages() == []


def test_check_stages_reports_a_stage_out_of_order():
    """A stage that needs events before the events stage is flagged."""
    early = Stage("early", lambda *a: [], requires=("doc", "events"), provides="x")
    assert check_stages((early, *STAGES)) == ["stage 'early' requires ['events'] before it runs"]


def test_a_batch_with_bad_rows_gives_one_row_each_and_errors_only_on_bad_ones(settings):
    """good, empty, binary, malformed, good: five rows, in order, three errors."""
    rows = list(extract(read_inputs([str(FIXTURES / "batch.jsonl")], settings), settings))
    assert [(r.id, r.error.code if r.error else None) for r in rows] == [
        ("good-1", None), ("empty", "empty"), ("binary", "binary"), (f"{FIXTURES / 'batch.jsonl'}:line-4", "malformed_json"), ("good-2", None)]
    assert rows[0].events and rows[4].events


def test_text_of_a_jsonl_row_comes_back_unchanged(settings):
    """Output text is the input text character for character, furniture included."""
    source = (FIXTURES / "report.txt").read_text()
    row = {"id": "r", "text": source, "published": "2022-10-04"}
    (result,) = extract(read_inputs_from_rows([row], settings), settings)
    assert result.text == source
    for key in ("places", "times", "actors"):
        for item in getattr(result, key):
            assert source[item.start:item.end] == item.text


def test_every_spec_key_is_in_every_row(settings):
    """Good rows and error rows alike carry all top-level keys."""
    rows = list(extract(read_inputs([str(FIXTURES / "batch.jsonl")], settings), settings))
    keys = {"schema", "id", "url", "outlet", "title", "published", "language", "text", "error",
            "places", "times", "actors", "events", "claims", "predicates"}
    for r in rows:
        assert set(json.loads(r.to_json())) == keys


def test_result_rows_round_trip_through_json(settings):
    """A row written as JSON reads back as the same record."""
    (result,) = extract(read_inputs_from_rows([{"id": "r", "text": "Troops withdrew from Lyman on Saturday.",
                                                "published": "2022-10-02"}], settings), settings)
    assert Result.model_validate_json(result.to_json()) == result


def read_inputs_from_rows(rows, settings):
    import io

    from fogofwar.ingest import read_jsonl_lines

    return read_jsonl_lines(io.StringIO("\n".join(json.dumps(r) for r in rows)), "test", settings)


def test_a_text_the_parser_fails_on_costs_only_its_own_row(settings, monkeypatch):
    """A document spaCy raises on is an internal row; the batch around it goes on."""
    nlp = load_nlp(settings.model)
    tokenizer = nlp.tokenizer

    def failing(text):
        if "Lyman" in text:
            raise ValueError("cannot tokenize")
        return tokenizer(text)

    monkeypatch.setattr(nlp, "tokenizer", failing)
    items = [RawDocument(id="a", text="Russian troops withdrew from Izium, officials said."),
             RawDocument(id="b", text="Russian troops withdrew from Lyman, officials said."),
             RawDocument(id="c", text="Ukrainian forces shelled Kupiansk, officials said.")]
    rows = list(extract(items, settings))
    assert [(r.id, r.error.code if r.error else None) for r in rows] == [("a", None), ("b", "internal"), ("c", None)]
    assert rows[1].error.message == "the parser failed: ValueError: cannot tokenize"
    assert rows[0].events and rows[2].events


def test_a_raw_lone_surrogate_is_replaced_before_parsing(settings):
    """A RawDocument built in Python with a lone surrogate is analysed with U+FFFD in its place."""
    (row,) = extract([RawDocument(id="s", text="Russian troops \ud800 withdrew from Lyman, officials said.")], settings)
    assert (row.error, row.text) == (None, "Russian troops \ufffd withdrew from Lyman, officials said.")
    row.to_json()


def test_a_row_is_one_line_for_any_line_splitter(settings):
    """U+2028, U+2029 and U+0085 in a text are written escaped, so str.splitlines() sees one row per line."""
    text = "Russian troops withdrew\u2028from Lyman\u2029on Monday,\x85officials said."
    (row,) = extract([RawDocument(id="u", text=text)], settings)
    line = row.to_json()
    assert len(line.splitlines()) == 1
    assert json.loads(line)["text"] == text


def test_a_text_longer_than_a_piece_is_parsed_in_pieces_whose_offsets_index_the_whole_text(settings, resources, monkeypatch):
    """Parsed in pieces of 200 characters, a report keeps its text whole and every span points at its words."""
    from fogofwar import nlp as nlp_module

    text = ("KYIV, June 3 - Russian forces shelled Kharkiv on Friday, the governor said.\n\n" * 6
            + "Ukraine's army said it pushed Russian units back from two villages near Izium.")
    monkeypatch.setattr(nlp_module, "PIECE_CHARS", 200)
    pieces = nlp_module.split_pieces(text, 200)
    assert "".join(pieces) == text and len(pieces) == 4 and all(p.endswith("\n\n") for p in pieces[:-1])
    result = process_document(RawDocument(id="long", text=text, published="2022-06-03"), settings, resources)
    assert result.error is None and result.text == text
    assert [text[p.start:p.end] for p in result.places] == [p.text for p in result.places]
    assert [text[e.trigger.start:e.trigger.end] for e in result.events] == [e.trigger.text for e in result.events]
    assert [text[c.cue.start:c.cue.end] for c in result.claims] == [c.cue.text for c in result.claims]
    assert result.places[-1].text == "Izium" and result.places[-1].start == text.index("Izium")
    monkeypatch.setattr(nlp_module, "PIECE_CHARS", 100_000)
    whole = process_document(RawDocument(id="long", text=text, published="2022-06-03"), settings, resources)
    assert [(p.start, p.end, p.geonameid) for p in result.places] == [(p.start, p.end, p.geonameid) for p in whole.places]
    assert [(e.trigger.start, e.plover.type) for e in result.events] == [(e.trigger.start, e.plover.type) for e in whole.events]


def test_a_too_complex_document_gets_its_error_row_with_its_text(settings, resources):
    """A document over max_tokens is one too_complex row that keeps its text, and the batch goes on."""
    rows = list(extract([RawDocument(id="big", text="Troops said so. " * 50), RawDocument(id="ok", text="Troops said so.")],
                        settings.replace(max_tokens=100)))
    assert [(r.id, r.error.code if r.error else None, len(r.text)) for r in rows] == [("big", "too_complex", 800), ("ok", None, 15)]
