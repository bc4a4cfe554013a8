"""Places: every toponym mention, found and put on the map.

Recognition takes spans from spaCy's NER (GPE, LOC, FAC, and NORP demonyms)
and from the gazetteer itself, since the small model often misses or mislabels
places ("Kherson" as a person). Resolution ranks the gazetteer's candidates by
name match, kind, population, containment ("Dayton, Ohio") and the countries
and regions the rest of the document points to; every mention of one name in
a document gets the same reading.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .gazetteer import Entry, Gazetteer, distance_km, normalize_name
from .lexicons import load_table
from .models import Place, SourceDocument
from .nlp import doc_text, entities
from .spans import SpanIndex, inside_any, overlaps

__all__ = ["find_places", "resolve_candidates"]

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels of entities that are not places but may embed one ("Chicago Tribune", "Bank of England").
NAME_LABELS = {"ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "NORP", "FAC", "LANGUAGE"}
MAX_NAME_TOKENS = 6
# Gazetteer-only matches of small towns are mostly people's names or common words.
MIN_POPULATION_BARE = 5000
MIN_POPULATION_AFTER_PREPOSITION = 500
# A town inside an organisation's name is a place only when it is well known ("Chicago Tribune").
MIN_POPULATION_EMBEDDED = 100000
PLACE_PREPOSITIONS = {"in", "near", "from", "to", "at", "outside", "around", "towards", "toward", "into", "across", "through", "of", "via"}
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# A bare admin-1 name means its namesake main city when the city is big ("Kherson", "New York"),
# or a city far bigger than any namesake elsewhere ("Washington" in politics).
CITY_OVER_REGION_POPULATION = 20000
CAPITAL_OVER_REGION_POPULATION = 500000
NAMESAKE_KM = 150
# Cities of a million people are named without qualification; namesake towns are not ("London", not London, Ohio).
WORLD_CITY_POPULATION = 1000000
# What follows a place after a comma: a region or country that contains it ("Dayton, Ohio", "Austin, TX").
AFTER_COMMA = re.compile(r",[ \t]*([A-Z][\w.&'’-]*(?:[ \t]+[A-Z][\w.&'’-]*){0,3})")
ABBREVIATION = re.compile(r",[ \t]*([A-Z][A-Za-z]{0,4}\.(?:[ \t]?[A-Z][a-z]?\.)?|[A-Z]{2,3})(?![\w])")


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    hits: list[tuple[Entry, bool]]
    from_ner: bool
    demonym: str | None = None   # ISO2 when the mention is a demonym or adjective
    has_suffix: bool = False     # "Kherson region": the name carries an admin suffix
    region: Entry | None = None  # the region or country named right after it ("Dayton, Ohio")
    fixed: Entry | None = None   # an entry the mention can only mean (a region demonym, a postal code)
    leading: bool = False        # the known name only leads a longer one ("Marion County Sheriff's Office")


def find_places(doc: Doc, source: SourceDocument, gazetteer: Gazetteer) -> list[Place]:
    """Every toponym mention in the document, resolved where the evidence allows."""
    furniture = source.furniture
    candidates = [c for c in _ner_candidates(doc, gazetteer) + _gazetteer_candidates(doc, gazetteer)
                  if not inside_any(furniture, c.start) and not _government_metonym(doc, c)
                  and not _names_a_document(doc, c)]
    chosen = _choose_spans(candidates)
    chosen = _extend_names(chosen, doc, gazetteer)
    chosen = [c for c in _repeat_names(chosen, doc, furniture) if not _names_a_document(doc, c)]
    chosen = _add_containers(chosen, doc_text(doc), gazetteer)
    return resolve_candidates(chosen, gazetteer)


def resolve_candidates(candidates: list[Candidate], gazetteer: Gazetteer) -> list[Place]:
    """Pick one entry per name, using containment and the places the unambiguous mentions point to."""
    contributions = _document_context(candidates)
    # One sense per discourse: all mentions of a name share their evidence and their reading.
    by_name: dict[str, list[Candidate]] = {}
    for c in candidates:
        if not c.demonym and not c.fixed and c.hits:
            by_name.setdefault(normalize_name(c.text), []).append(c)
    readings: dict[str, Entry | None] = {}
    for key, group in by_name.items():
        countries, regions = _context_without(contributions, key)
        containers = [c.region for c in group if c.region is not None]
        readings[key] = _best_entry(group[0], containers, countries, regions)
    # Second pass: the towns just resolved tell where the document is ("Allendale" among New Jersey towns).
    for key, group in by_name.items():
        others = [e for k, e in readings.items() if k != key and e is not None and e.kind in ("city", "admin2")]
        if not others:
            continue
        countries, regions = _context_without(contributions, key)
        for e in others:
            regions[(e.country, e.admin1)] = regions.get((e.country, e.admin1), 0) + 0.5
            countries[e.country] = countries.get(e.country, 0) + 0.5
        containers = [c.region for c in group if c.region is not None]
        readings[key] = _best_entry(group[0], containers, countries, regions)
    places = []
    for c in candidates:
        if c.fixed is not None:
            entry = c.fixed
        elif c.demonym:
            entry = gazetteer.country(c.demonym)
        else:
            entry = readings.get(normalize_name(c.text))
        if (entry is not None and c.leading and entry.kind in ("admin1", "admin2") and not _has_admin_suffix(entry.name)
                and not _context_without(contributions, normalize_name(c.text))[0].get(entry.country)):
            # A region's name leading a longer one, in a report that names nothing else of its country, is not
            # the region: "Nord Stream" is no part of Haiti's Nord ("Marion County Sheriff's Office" among
            # Oregon's towns is Marion County).
            entry = None
        places.append(_place(c, entry))
    return places


Context = tuple[dict[str, float], dict[tuple[str, str], float]]


def _document_context(candidates: list[Candidate]) -> dict[str, Context]:
    """Per name, the countries and admin-1 regions its unambiguous mentions point to."""
    out: dict[str, Context] = {}
    for c in candidates:
        countries, regions = out.setdefault(normalize_name(c.text), ({}, {}))

        def count(entry: Entry, weight: float) -> None:
            if entry.country:
                countries[entry.country] = countries.get(entry.country, 0) + weight
            if entry.admin1 and entry.kind in ("admin1", "admin2", "city"):
                regions[(entry.country, entry.admin1)] = regions.get((entry.country, entry.admin1), 0) + weight

        main_countries = {e.country for e, main in c.hits if main}
        if c.demonym:
            countries[c.demonym] = countries.get(c.demonym, 0) + 1
        elif c.fixed is not None:
            count(c.fixed, 1)
        elif c.region is not None:
            count(c.region, 1)
        elif c.hits and c.hits[0][0].kind in ("country", "admin1") and c.hits[0][1] and len(main_countries) == 1:
            count(c.hits[0][0], 1)
        elif c.hits and len({e.country for e, _ in c.hits}) == 1:
            countries[c.hits[0][0].country] = countries.get(c.hits[0][0].country, 0) + 0.5
    return out


def _context_without(contributions: dict[str, Context], key: str) -> Context:
    """The document's context as the other names give it: a name is no evidence for itself."""
    countries: dict[str, float] = {}
    regions: dict[tuple[str, str], float] = {}
    for k, (cs, rs) in contributions.items():
        if k == key:
            continue
        for cc, w in cs.items():
            countries[cc] = countries.get(cc, 0) + w
        for r, w in rs.items():
            regions[r] = regions.get(r, 0) + w
    return countries, regions


def _place(c: Candidate, entry: Entry | None) -> Place:
    if entry is None:
        return Place(start=c.start, end=c.end, text=c.text, name=c.text)
    return Place(start=c.start, end=c.end, text=c.text, name=entry.name, geonameid=entry.geonameid,
                 lat=round(entry.lat, 5), lon=round(entry.lon, 5), country=entry.country,
                 admin1=entry.admin1, feature=entry.feature)


def _inside(entry: Entry, region: Entry) -> bool:
    if region.kind == "country":
        return entry.country == region.country and entry.kind != "country"
    if region.kind == "admin1":
        return entry.country == region.country and entry.admin1 == region.admin1 and entry.kind in ("city", "admin2")
    return False


def _best_entry(c: Candidate, containers: list[Entry], countries: dict[str, float],
                regions: dict[tuple[str, str], float]) -> Entry | None:
    hits = c.hits
    if not hits:
        return None
    cities = [(e, main) for e, main in hits if e.kind == "city"]

    def namesake_city(region: Entry) -> bool:
        """Whether a bare region name more likely means its big namesake city ("Kherson", "Kiev", "New York")."""
        for e, main in cities:
            if e.country != region.country:
                continue
            near = e.admin1 == region.admin1 or _km(e, region) < NAMESAKE_KM
            if main and (e.population >= CAPITAL_OVER_REGION_POPULATION or near and e.population >= CITY_OVER_REGION_POPULATION):
                return True
            # Another name of a city ("Oklahoma" for Oklahoma City) only when the city is a world city.
            if not main and near and e.population >= WORLD_CITY_POPULATION:
                return True
        return False

    def score(hit: tuple[Entry, bool]) -> float:
        e, main = hit
        curated = e.kind in ("country", "feature", "continent")  # their aliases are written by hand
        s = math.log10(e.population + 1) + (3 if main or curated else 0)
        s += 2.5 * min(countries.get(e.country, 0), 2)
        if e.kind in ("city", "admin2"):
            s += 2.5 * min(regions.get((e.country, e.admin1), 0), 2)
        if containers:
            s += 12 if any(_inside(e, r) for r in containers) else -6
        if e.kind == "city" and e.population >= WORLD_CITY_POPULATION:
            s += 2.5
        if e.kind == "country":
            s += 6
        elif e.kind == "admin1":
            s += 6 if c.has_suffix else 2
            if not c.has_suffix and namesake_city(e):
                s -= 9
        elif e.kind == "admin2":
            s += 3 if c.has_suffix else -2
        elif e.kind == "feature":
            s += 12
        elif e.kind == "continent":
            s += 5
        return s

    return max(hits, key=score)[0]


def _km(a: Entry, b: Entry) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def _strip_determiners(span: Span) -> Span:
    while len(span) > 1 and span[0].lower_ in ("the", "a", "an"):
        span = span[1:]
    return span


def _trimmed_bounds(span: Span) -> tuple[int, int, str]:
    """Character bounds of a span without a trailing possessive ("Kyiv’s" → "Kyiv")."""
    return _trimmed_text(span.start_char, span.text)


def _trimmed_text(start: int, text: str) -> tuple[int, int, str]:
    """(start, end, text) of a name's text without a trailing possessive or full stop."""
    m = POSSESSIVE.search(text)
    if m and len(text) > len(m.group()):
        text = text[: m.start()]
    if text.endswith(".") and "." not in text[:-1]:
        text = text[:-1]  # a sentence's full stop, not the last dot of "D.C."
    return start, start + len(text), text


@functools.cache
def _metonym_features() -> frozenset[str]:
    return frozenset(f["name"] for f in load_table("features")["features"] if f.get("metonym"))


def _government_metonym(doc: Doc, c: Candidate) -> bool:
    """"The Kremlin said": a government, not a place; "at the Kremlin" stays a place."""
    if not c.hits or c.hits[0][0].kind != "feature" or c.hits[0][0].name not in _metonym_features():
        return False
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return False
    i = span.start - 1
    while i >= 0 and doc[i].lower_ in ("the", "a"):
        i -= 1
    return not (i >= 0 and doc[i].lower_ in PLACE_PREPOSITIONS - {"of", "from", "to"})


def _names_a_document(doc: Doc, c: Candidate) -> bool:
    """"the Rome Statute", "the Minsk agreements", "the Geneva Conventions": a text named after where it was
    signed, not a place of the story (a demonym is no such name: "the Russian proposal")."""
    if c.demonym:
        return False
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return False
    following = doc[span.end]
    return following.lemma_.lower() in _document_nouns() or following.lower_ in _document_nouns()


@functools.cache
def _document_nouns() -> frozenset[str]:
    return frozenset(load_table("features")["document_nouns"])


@functools.cache
def _facility_words() -> frozenset[str]:
    return frozenset(load_table("features")["facility_words"])


def _extend_names(chosen: list[Candidate], doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    """"Atlantic Avenue", "Ohio County", "Belfast Magistrate's Court": the longer name is the mention."""
    taken = SpanIndex()
    for c in chosen:
        taken.add(c.start, c.end, (c.start, c.end))
    out = []
    for c in chosen:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or c.demonym or c.fixed is not None or span.end >= len(doc):
            out.append(c)
            continue
        j = span.end
        last = None
        while j < len(doc) and j < span.end + 4 and (doc[j].text[:1].isupper() or doc[j].text in ("'s", "’s")):
            if doc[j].text in _facility_words():
                last = j
            j += 1
        if last is None:
            out.append(c)
            continue
        i = span.start
        while i > 0 and doc[i - 1].text[:1].isupper() and not doc[i - 1].is_sent_start and span.start - i < 3:
            i -= 1
        start, end = doc[i].idx, doc[last].idx + len(doc[last].text)
        if any(t != (c.start, c.end) for t in taken.overlapping(start, end)):
            out.append(c)
            continue
        text = doc_text(doc)[start:end]
        hits = gazetteer.lookup(text)
        out.append(Candidate(start, end, text, hits, c.from_ner, has_suffix=_has_admin_suffix(text)))
    return out


@functools.cache
def _common_words() -> frozenset[str]:
    return frozenset(load_table("features")["common_words"])


def _ner_candidates(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    person_tokens = _person_name_words(doc)
    person_names = _person_names(doc)  # gathered once: scanning every entity for each name was quadratic
    out = []
    for ent in entities(doc):
        if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
            continue
        span = _strip_determiners(ent)
        start, end, text = _trimmed_bounds(span)
        if not text.strip() or not text[0].isupper():
            continue
        demonym = gazetteer.demonym_country(text)
        region = gazetteer.demonym_place(text) if not demonym else None
        hits = gazetteer.lookup(text)
        if demonym or region is not None:
            hits = [(e, m) for e, m in hits if e.kind != "city"]  # "Canadian", "English": not the small towns
        if ent.label_ == "NORP" or ((demonym or region is not None) and not hits):
            if demonym or region is not None:
                out.append(Candidate(start, end, text, [], True, demonym=demonym, fixed=region))
            continue
        if len(span) == 1 and text in _common_words() and not any(e.kind == "country" for e, _ in hits):
            continue
        leading = False
        if not hits:
            hits = _partial_hits(doc, start, end, gazetteer)
            leading = bool(hits) and not text.endswith(hits[0][0].name)
        if not hits and ent.label_ == "GPE" and (text in person_tokens or len(span) == 1 and text in person_names):
            continue  # "Modi said": a person the model took for a place
        out.append(Candidate(start, end, text, hits, True, has_suffix=_has_admin_suffix(text), leading=leading))
    return out


def _partial_hits(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> list[tuple[Entry, bool]]:
    """Entries for a longer name that holds a known place: "Nazi Germany", "South Florida", "Manchester City"."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 2:
        return []
    for i in range(1, len(span)):
        hits = [(e, m) for e, m in gazetteer.lookup(span[i:].text) if e.kind in ("country", "admin1", "continent")]
        if hits:
            return hits
    if span[-1].text in _facility_words() - {"County", "Parish", "District", "Borough", "Township", "Ward"}:
        return []  # "Atlantic Avenue" is a street, not the town of Atlantic
    for i in range(len(span) - 1, 0, -1):
        if i == 1 and span[0].text in _common_words():
            break
        hits = [(e, m) for e, m in gazetteer.lookup(span[:i].text)
                if m and (e.kind in ("country", "admin1", "admin2") or e.population >= MIN_POPULATION_BARE)]
        if hits:
            return hits
    return []


def _gazetteer_candidates(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    person_tokens = _person_name_words(doc)
    blocked = set()
    for ent in entities(doc):
        if ent.label_ == "PERSON" and len(ent) > 1 and not _major_place(gazetteer.lookup(ent.text)):
            blocked.update(range(ent.start, ent.end))
    function_words = set(load_table("english_function_words")["words"])
    lower_words = {t.text for t in doc if t.text.islower()}
    # Token attributes read once: building spaCy Spans and Tokens for every window was most of this stage's time.
    words = [t.text for t in doc]
    starts = [t.idx for t in doc]
    skip = [t.ent_type_ in ("DATE", "TIME", "PERCENT", "CARDINAL") for t in doc]
    breaks = [(t.is_punct and t.text not in "-'’.") or "\n" in t.text for t in doc]
    bad_end = [t.is_punct and t.text != "." for t in doc]
    text_of_doc = doc_text(doc)
    next_break = [len(doc)] * (len(doc) + 1)
    for k in range(len(doc) - 1, -1, -1):
        next_break[k] = k if breaks[k] else next_break[k + 1]
    out = []
    i = 0
    while i < len(doc):
        if not words[i][:1].isupper() or i in blocked or skip[i]:
            i += 1
            continue
        token = doc[i]
        found = None
        # A window holding a break (punctuation other than - ' . or a line break) is never a name.
        for n in range(min(MAX_NAME_TOKENS, len(doc) - i, next_break[i] - i), 0, -1):
            last = i + n - 1
            if bad_end[last]:
                continue
            start, end, text = _trimmed_text(starts[i], text_of_doc[starts[i]: starts[last] + len(words[last])])
            hits = gazetteer.lookup(text)
            demonym = gazetteer.demonym_country(text) if n <= 2 else None
            region = gazetteer.demonym_place(text) if n <= 2 and not demonym else None
            if demonym or region is not None:
                hits = [(e, m) for e, m in hits if e.kind != "city"]
                region = None if hits else region
            if n == 1 and text.isupper() and 1 < len(text) <= 4 and not any(
                    e.kind == "city" and e.population >= MIN_POPULATION_EMBEDDED for e, _ in hits):
                # "NATO", "BA", "EU": not the towns Nato, Ba, Eu
                hits = [(e, m) for e, m in hits if e.kind in ("country", "admin1", "continent", "feature")]
            if not hits and not demonym and region is None:
                continue
            if n > 1 and not words[last][:1].isupper() and not any(e.kind in ("admin1", "feature") for e, _ in hits):
                continue
            found = Candidate(start, end, text, hits, False, demonym=demonym if not hits else None,
                              has_suffix=_has_admin_suffix(text), fixed=region)
            break
        if found is None:
            i += 1
            continue
        n_tokens = len(doc.char_span(found.start, found.end, alignment_mode="expand") or [token])
        if _keep_gazetteer_match(doc, i, n_tokens, found, person_tokens, function_words, lower_words):
            out.append(found)
        i += max(n_tokens, 1)
    return out


def _keep_gazetteer_match(doc: Doc, i: int, n: int, c: Candidate, person_tokens: set[str],
                          function_words: set[str], lower_words: set[str]) -> bool:
    token = doc[i]
    if c.demonym or c.fixed is not None:
        return token.text not in person_tokens
    acronym = n == 1 and token.text.isupper() and len(token.text) > 1
    if n == 1 and token.lower_ in function_words and not acronym:
        return False
    if n == 1 and (token.text in person_tokens or token.text in _common_words()):
        return False
    if n == 1 and token.text.lower() in lower_words:
        return False  # "Police" when the text also says "police": a word, not a town
    best = c.hits[0][0]
    embedded = token.ent_type_ in NAME_LABELS
    if best.kind in ("country", "continent", "feature"):
        return True
    if best.kind == "admin1":
        return n > 1 or token.pos_ == "PROPN"
    if token.pos_ != "PROPN" and not (n > 1 and doc[i + n - 1].pos_ == "PROPN"):
        return False
    population = max((e.population for e, main in c.hits if e.kind in ("city", "admin2")), default=0)
    if embedded:
        return population >= MIN_POPULATION_EMBEDDED
    after_preposition = i > 0 and doc[i - 1].lower_ in PLACE_PREPOSITIONS
    return population >= (MIN_POPULATION_AFTER_PREPOSITION if after_preposition else MIN_POPULATION_BARE)


def _major_place(hits: list[tuple[Entry, bool]]) -> bool:
    """Whether a name is a well-known place ("Tamil Nadu", which the model may call a person)."""
    return any(main and (e.kind in ("country", "admin1") or e.population >= MIN_POPULATION_EMBEDDED) for e, main in hits)


def _person_name_words(doc: Doc) -> set[str]:
    """Words of multi-word person names: "Zaluzhny" alone later is still a person."""
    words = set()
    for ent in entities(doc):
        if ent.label_ == "PERSON" and len(ent) > 1:
            words.update(t.text for t in ent if t.text[:1].isupper())
    return words


def _person_names(doc: Doc) -> set[str]:
    """The texts of the document's person entities."""
    return {ent.text for ent in entities(doc) if ent.label_ == "PERSON"}


@functools.cache
def _admin_suffixes() -> frozenset[str]:
    return frozenset(load_table("countries")["admin1_suffixes"]["*"])


def _has_admin_suffix(text: str) -> bool:
    return normalize_name(text).rsplit(" ", 1)[-1] in _admin_suffixes()


def _choose_spans(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per stretch of text: the longer wins, then the NER one."""
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), not c.from_ner, c.start))
    chosen: list[Candidate] = []
    taken = SpanIndex()  # comparing each candidate with every chosen one was quadratic in the text's length
    for c in ordered:
        if not taken.overlapping(c.start, c.end):
            chosen.append(c)
            taken.add(c.start, c.end)
    return sorted(chosen, key=lambda c: c.start)


def _repeat_names(chosen: list[Candidate], doc: Doc, furniture: list[tuple[int, int]]) -> list[Candidate]:
    """Every other mention of a name already taken as a place ("Parkland students" after "in Parkland")."""
    names = {c.text: c for c in chosen if (c.hits or c.demonym or c.fixed is not None) and len(c.text) > 2}
    if not names:
        return chosen
    people = [(e.start_char, e.end_char) for e in entities(doc) if e.label_ == "PERSON" and len(e) > 1]
    blocked = SpanIndex()  # the names taken and multi-word person names, not scanned for every match
    for c in chosen:
        blocked.add(c.start, c.end)
    for start, end in people:
        blocked.add(start, end)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    added = []
    for m in pattern.finditer(doc_text(doc)):
        span = (m.start(), m.end())
        if blocked.overlapping(*span) or inside_any(furniture, m.start()):
            continue
        c = names[m.group()]
        added.append(Candidate(m.start(), m.end(), c.text, c.hits, False, demonym=c.demonym, has_suffix=c.has_suffix,
                               fixed=c.fixed))
    return sorted(chosen + added, key=lambda c: c.start)


def _add_containers(chosen: list[Candidate], text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Link "Dayton, Ohio" and "Austin, TX": the second names the region that holds the first."""
    by_start = {c.start: c for c in chosen}
    dropped: set[int] = set()
    added = []
    for c in chosen:
        if c.demonym or c.fixed is not None or not c.hits or id(c) in dropped:
            continue
        if c.hits[0][1] and c.hits[0][0].kind in ("country", "admin1", "continent"):
            continue  # "Ohio, Texas and Utah": a list of regions, not a town and its state
        tail = text[c.end: c.end + 40]
        m = ABBREVIATION.match(tail)
        region = gazetteer.postal_region(m.group(1)) if m else None
        if region is not None and any(_inside(e, region) for e, _ in c.hits):
            start, end = c.end + m.start(1), c.end + m.end(1)
            # "HELENA, Mont.": the abbreviation replaces whatever took its letters for a town.
            dropped.update(id(k) for k in chosen if overlaps((start, end), (k.start, k.end)))
            c.region = region
            added.append(Candidate(start, end, m.group(1), [(region, True)], False, fixed=region))
            continue
        m = AFTER_COMMA.match(tail)
        nxt = by_start.get(c.end + m.start(1)) if m else None
        if nxt is not None and not nxt.demonym and nxt.hits:
            regions = [e for e, _ in nxt.hits if e.kind in ("country", "admin1")]
            inside = [r for r in regions if any(_inside(e, r) for e, _ in c.hits)]
            if inside:
                c.region = inside[0]
                nxt.fixed = c.region
    return sorted([c for c in chosen if id(c) not in dropped] + added, key=lambda c: c.start)
