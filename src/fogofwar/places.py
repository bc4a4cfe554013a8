"""Places: every toponym mention, found and put on the map.

Recognition takes spans from spaCy's NER (GPE, LOC, FAC, and NORP demonyms)
and from the gazetteer itself, since the small model often misses or mislabels
places ("Kherson" as a person). Resolution ranks the gazetteer's candidates by
main-name match, kind, population and the countries the document is about.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .gazetteer import Entry, Gazetteer, normalize_name
from .lexicons import load_table
from .models import Place, SourceDocument
from .spans import inside_any, overlaps

__all__ = ["find_places", "resolve_candidates"]

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MAX_NAME_TOKENS = 6
# Gazetteer-only matches of small towns are mostly people's names or common words.
MIN_POPULATION_BARE = 5000
MIN_POPULATION_AFTER_PREPOSITION = 500
PLACE_PREPOSITIONS = {"in", "near", "from", "to", "at", "outside", "around", "towards", "toward", "into", "across", "through", "of", "via"}
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# A bare admin-1 name usually means its main city ("Kherson", "Washington").
CITY_OVER_REGION_POPULATION = 20000


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    hits: list[tuple[Entry, bool]]
    from_ner: bool
    demonym: str | None = None   # ISO2 when the mention is a demonym or adjective
    has_suffix: bool = False     # "Kherson region": the name carries an admin suffix


def find_places(doc: Doc, source: SourceDocument, gazetteer: Gazetteer) -> list[Place]:
    """Every toponym mention in the document, resolved where the evidence allows."""
    furniture = source.furniture
    candidates = [c for c in _ner_candidates(doc, gazetteer) + _gazetteer_candidates(doc, gazetteer)
                  if not inside_any(furniture, c.start)]
    chosen = _choose_spans(candidates)
    return resolve_candidates(chosen, gazetteer)


def resolve_candidates(candidates: list[Candidate], gazetteer: Gazetteer) -> list[Place]:
    """Pick one entry per candidate, using the countries the unambiguous mentions point to."""
    context: dict[str, float] = {}
    for c in candidates:
        if c.demonym:
            context[c.demonym] = context.get(c.demonym, 0) + 1
        elif c.hits and c.hits[0][0].kind == "country":
            context[c.hits[0][0].country] = context.get(c.hits[0][0].country, 0) + 1
        elif len({e.country for e, _ in c.hits}) == 1 and c.hits:
            context[c.hits[0][0].country] = context.get(c.hits[0][0].country, 0) + 0.5
    places = []
    for c in candidates:
        entry = gazetteer.country(c.demonym) if c.demonym else _best_entry(c, context)
        places.append(_place(c, entry))
    return places


def _place(c: Candidate, entry: Entry | None) -> Place:
    if entry is None:
        return Place(start=c.start, end=c.end, text=c.text, name=c.text)
    return Place(start=c.start, end=c.end, text=c.text, name=entry.name, geonameid=entry.geonameid,
                 lat=round(entry.lat, 5), lon=round(entry.lon, 5), country=entry.country,
                 admin1=entry.admin1, feature=entry.feature)


def _best_entry(c: Candidate, context: dict[str, float]) -> Entry | None:
    hits = c.hits
    if not hits:
        return None
    cities: dict[str, int] = {}
    for e, _ in hits:
        if e.kind == "city":
            cities[e.country] = max(cities.get(e.country, 0), e.population)

    def score(hit: tuple[Entry, bool]) -> float:
        e, main = hit
        s = math.log10(e.population + 1) + (3 if main else 0)
        s += 3.0 * min(context.get(e.country, 0), 2)
        if e.kind == "country":
            s += 6
        elif e.kind == "admin1":
            s += 6 if c.has_suffix else 1
            if not c.has_suffix and cities.get(e.country, 0) >= CITY_OVER_REGION_POPULATION:
                s -= 6
        elif e.kind == "feature":
            s += 8
        elif e.kind == "continent":
            s += 5
        return s

    return max(hits, key=score)[0]


def _strip_determiners(span: Span) -> Span:
    while len(span) > 1 and span[0].lower_ in ("the", "a", "an"):
        span = span[1:]
    return span


def _trimmed_bounds(span: Span) -> tuple[int, int, str]:
    """Character bounds of a span without a trailing possessive ("Kyiv’s" → "Kyiv")."""
    text = span.text
    m = POSSESSIVE.search(text)
    if m and len(text) > len(m.group()):
        text = text[: m.start()]
    return span.start_char, span.start_char + len(text), text


def _ner_candidates(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
            continue
        span = _strip_determiners(ent)
        start, end, text = _trimmed_bounds(span)
        if not text.strip() or not text[0].isupper():
            continue
        demonym = gazetteer.demonym_country(text)
        if ent.label_ == "NORP" or (demonym and not gazetteer.lookup(text)):
            if demonym:
                out.append(Candidate(start, end, text, [], True, demonym=demonym))
            continue
        hits = gazetteer.lookup(text)
        out.append(Candidate(start, end, text, hits, True, has_suffix=_has_admin_suffix(text)))
    return out


def _gazetteer_candidates(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    person_tokens = _person_name_words(doc)
    blocked = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            blocked.update(range(ent.start, ent.end))
    function_words = set(load_table("english_function_words")["words"])
    out = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if not token.text[:1].isupper() or i in blocked or token.ent_type_ in ("DATE", "TIME"):
            i += 1
            continue
        found = None
        for n in range(min(MAX_NAME_TOKENS, len(doc) - i), 0, -1):
            span = doc[i: i + n]
            if any(t.is_punct and t.text not in "-'’." for t in span) or any("\n" in t.text for t in span):
                continue
            start, end, text = _trimmed_bounds(span)
            hits = gazetteer.lookup(text)
            demonym = gazetteer.demonym_country(text) if n <= 2 else None
            if not hits and not demonym:
                continue
            if n > 1 and not span[-1].text[:1].isupper() and not any(e.kind in ("admin1", "feature") for e, _ in hits):
                continue
            found = Candidate(start, end, text, hits, False, demonym=demonym if not hits else None,
                              has_suffix=_has_admin_suffix(text))
            break
        if found is None:
            i += 1
            continue
        n_tokens = len(doc.char_span(found.start, found.end, alignment_mode="expand") or [token])
        if _keep_gazetteer_match(doc, i, n_tokens, found, person_tokens, function_words):
            out.append(found)
        i += max(n_tokens, 1)
    return out


def _keep_gazetteer_match(doc: Doc, i: int, n: int, c: Candidate, person_tokens: set[str],
                          function_words: set[str]) -> bool:
    token = doc[i]
    if c.demonym:
        return True
    best = c.hits[0][0]
    if n == 1 and token.lower_ in function_words:
        return False
    if n == 1 and token.text in person_tokens:
        return False
    if best.kind in ("country", "admin1", "feature", "continent"):
        return n > 1 or token.pos_ == "PROPN" or best.kind == "country"
    if token.pos_ != "PROPN" and not (n > 1 and doc[i + n - 1].pos_ == "PROPN"):
        return False
    population = max(e.population for e, main in c.hits if e.kind == "city") if c.hits else 0
    after_preposition = i > 0 and doc[i - 1].lower_ in PLACE_PREPOSITIONS
    return population >= (MIN_POPULATION_AFTER_PREPOSITION if after_preposition else MIN_POPULATION_BARE)


def _person_name_words(doc: Doc) -> set[str]:
    """Words of multi-word person names: "Zaluzhny" alone later is still a person."""
    words = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update(t.text for t in ent if t.text[:1].isupper())
    return words


def _has_admin_suffix(text: str) -> bool:
    last = normalize_name(text).rsplit(" ", 1)[-1]
    return last in set(load_table("countries")["admin1_suffixes"]["*"])


def _choose_spans(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per stretch of text: the longer wins, then the NER one."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), not c.from_ner, c.start))
    chosen: list[Candidate] = []
    for c in ordered:
        if not any(overlaps((c.start, c.end), (k.start, k.end)) for k in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)
