"""Sentences and parse: the spaCy pipeline, loaded once per process.

Our spaCy components are registered here, once, with names prefixed `fow_`.
Later stages receive the parsed `Doc` and return typed records.
"""
from __future__ import annotations

import bisect
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import fast_rules

__all__ = ["load_nlp", "parse_many", "parse_text", "split_pieces", "PIECE_CHARS", "allow_length", "sentences", "sentence_of", "noun_chunks_of", "entities",
           "entities_in", "doc_text", "release"]

log = logging.getLogger(__name__)


@Language.component("fow_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headlines and furniture lines stand alone."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text_with_ws and not token.is_space:
            doc[i + 1].is_sent_start = True
        elif token.is_space and "\n" in token.text:
            doc[i + 1].is_sent_start = True
    return doc


@functools.cache
def load_nlp(model: str) -> Language:
    """The spaCy pipeline of a model package, with our components, loaded once."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(f"spaCy model {model!r} is not installed; run `make setup`") from exc
    if "fow_paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("fow_paragraph_breaks", before="parser")
    swapped = fast_rules.install(nlp)
    log.debug("faster rule components for %s", swapped)
    # Texts of up to Settings.max_chars are parsed whole; spaCy's own guard is lower.
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def parse_many(items: Iterable[tuple[str, Any]], model: str, batch_size: int = 32,
               max_chars: int = 0) -> Iterator[tuple[Doc | Exception, Any]]:
    """Parse (text, context) pairs as a stream, keeping each context beside its Doc.

    A batch holds at most `batch_size` documents and MAX_BATCH_CHARS characters (one longer
    document goes alone): the parser keeps state for every token of a batch at once, so a batch of
    long articles raised a worker's peak memory by hundreds of megabytes. A text spaCy fails on
    comes back as the exception in its Doc's place, so one document cannot stop the stream.
    """
    nlp = load_nlp(model)
    allow_length(nlp, max_chars)
    for batch in _batches(items, batch_size, MAX_BATCH_CHARS):
        yield from _parse_batch(nlp, batch)


def allow_length(nlp: Language, chars: int) -> None:
    """Let spaCy take texts of `chars` characters: its own guard (E088) would refuse a longer --max-chars."""
    if chars >= nlp.max_length:
        nlp.max_length = chars + 1


# The parser holds state for every token of the text it is given: a 400,000-character article
# parsed whole took a worker to 1.9 GB. Longer texts are parsed in pieces of at most this many
# characters, cut after a line break where there is one, and joined back into one Doc.
PIECE_CHARS = 100_000


def parse_text(nlp: Language, text: str) -> Doc:
    """One text parsed, in pieces when it is longer than PIECE_CHARS; the Doc's text is the text unchanged."""
    if len(text) <= PIECE_CHARS:
        return nlp(text)
    pieces = list(nlp.pipe(split_pieces(text), batch_size=1))
    doc = Doc.from_docs(pieces, ensure_whitespace=False)
    if doc.text != text:  # from_docs keeps every token's whitespace; this would be a spaCy change
        raise RuntimeError("the pieces of a long text did not join back into the text")
    return doc


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """The text in consecutive pieces of at most `size` characters, each ending after a line break (else
    a space, else anywhere) and taking the whitespace that follows, so tokens and paragraphs stay whole."""
    pieces = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = text.rfind("\n", start + size // 2, limit - 1)
        if cut == -1:
            cut = text.rfind(" ", start + size // 2, limit - 1)
        cut = limit - 1 if cut == -1 else cut + 1
        while cut < limit and text[cut].isspace():
            cut += 1
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _parse_batch(nlp: Language, batch: list[tuple[str, Any]]) -> Iterator[tuple[Doc | Exception, Any]]:
    done = 0
    if len(batch) == 1 and len(batch[0][0]) > PIECE_CHARS:
        text, context = batch[0]
        try:
            yield parse_text(nlp, text), context
        except Exception as exc:
            yield exc, context
        return
    try:
        for parsed in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            done += 1
            yield parsed
        return
    except Exception as exc:  # parse the rest one by one, so the failure stays with its own text
        log.debug("a batch failed to parse (%s); parsing its documents one by one", exc)
    for text, context in batch[done:]:
        try:
            yield parse_text(nlp, text), context
        except Exception as exc:
            yield exc, context


MAX_BATCH_CHARS = 40_000


def _batches(items: Iterable[tuple[str, Any]], size: int, max_chars: int) -> Iterator[list[tuple[str, Any]]]:
    batch: list[tuple[str, Any]] = []
    chars = 0
    for item in items:
        if batch and (len(batch) >= size or chars + len(item[0]) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += len(item[0])
    if batch:
        yield batch


def release(doc: Doc) -> None:
    """Drop the caches below, which hold spans of the Doc and so keep it alive until the cyclic collector runs."""
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("fow_")]:
        del doc.user_data[key]


# spaCy's Token.sent and Span.noun_chunks walk the whole document on every call; on a long
# article that made the stages quadratic. These compute each once per Doc and cache it.

def _cached_spans(doc: Doc, key: str, make: Callable[[], Iterable]) -> list:
    """Spans built once per Doc, kept with their start tokens under `key` and `key + "_starts"`."""
    cached = doc.user_data.get(key)
    if cached is None:
        cached = list(make())
        doc.user_data[key] = cached
        doc.user_data[key + "_starts"] = [s.start for s in cached]
    return cached


def sentences(doc: Doc) -> list:
    """The sentences of a parsed document, computed once."""
    return _cached_spans(doc, "fow_sentences", lambda: doc.sents)


def sentence_of(token) -> Any:
    """The sentence that holds a token, by binary search over the cached sentences."""
    sents = sentences(token.doc)
    starts = token.doc.user_data["fow_sentences_starts"]
    return sents[bisect.bisect_right(starts, token.i) - 1]


def noun_chunks_of(sent) -> list:
    """The noun chunks inside one sentence, from one pass over the document."""
    doc = sent.doc
    by_sentence = doc.user_data.get("fow_noun_chunks")
    if by_sentence is None:
        sentences(doc)
        starts = doc.user_data["fow_sentences_starts"]
        by_sentence = {}
        for chunk in doc.noun_chunks:
            key = starts[bisect.bisect_right(starts, chunk.start) - 1]
            by_sentence.setdefault(key, []).append(chunk)
        doc.user_data["fow_noun_chunks"] = by_sentence
    return by_sentence.get(sent.start, [])


def entities(doc: Doc) -> list:
    """The named entities of a document, built once (Doc.ents makes new Span objects on every call)."""
    return _cached_spans(doc, "fow_ents", lambda: doc.ents)


def entities_in(span) -> list:
    """The entities wholly inside a span or sentence, by binary search (Span.ents scans the document)."""
    ents = entities(span.doc)
    starts = span.doc.user_data["fow_ents_starts"]
    out = []
    for k in range(bisect.bisect_left(starts, span.start), len(ents)):
        ent = ents[k]
        if ent.start >= span.end:
            break
        if ent.end <= span.end:
            out.append(ent)
    return out


def doc_text(doc: Doc) -> str:
    """The document's text, joined once (spaCy's Doc.text rebuilds it from every token on each call)."""
    text = doc.user_data.get("fow_text")
    if text is None:
        text = doc.text
        doc.user_data["fow_text"] = text
    return text
