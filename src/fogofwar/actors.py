"""Actors: who acts and speaks, coded as country (ISO-3, IGO, NGO) plus sector.

A mention is coded from the noun phrase around it: the head word or a title
gives the sector ("troops" → MIL, "adviser" → GOV), a modifier gives the
country ("Russian", "Ukraine's", "Kyiv's"), and metonyms stand for their
governments ("Moscow said" → RUSGOV). People get their title's sector and
the country of their title phrase or sentence; the same person later by
surname or "he"/"she" keeps that code.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .gazetteer import Gazetteer, normalize_name
from .lexicons import load_table, load_table_file
from .models import Actor, Place, SourceDocument
from .nlp import doc_text, entities_in, noun_chunks_of, sentence_of, sentences
from .spans import inside_any

__all__ = ["ActorDictionary", "load_actor_dictionary", "find_actors", "actor_at", "iso3", "partitive_words"]

LOCATIVE_PREPOSITIONS = {"in", "at", "from", "near", "to", "across", "into", "throughout", "around", "inside", "outside", "toward", "towards", "through", "within", "over"}
POSSESSIVE_PRONOUNS = {"its", "their"}
PERSONAL_PRONOUNS = {"he", "she", "him", "her"}
NOUN_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "poss", "appos", "conj", "attr", "agent"}
MODIFIER_DEPS = {"det", "amod", "compound", "poss", "nummod"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "dobj", "appos", "conj"}


@dataclass(frozen=True)
class ActorDictionary:
    """Normalized name → code tables, the packaged ones merged with a user's file."""

    names: dict[str, str]          # metonyms, organizations and people
    people: frozenset[str]         # keys of `names` that are people
    sector_phrases: dict[str, str]
    sector_words: dict[str, str]
    demonyms: dict[str, str] = dataclasses.field(default_factory=dict)   # normalized demonym → ISO3


@functools.cache
def load_actor_dictionary(user_file: str | None = None) -> ActorDictionary:
    """The actor dictionary; a user's file of the same shape adds to and overrides it."""
    tables = [load_table("actors")]
    if user_file:
        tables.append(load_table_file(user_file))
    names, people, phrases, words, demonyms = {}, set(), {}, {}, {}
    for t in tables:
        for country, forms in t.get("demonyms", {}).items():
            demonyms.update({normalize_name(f): country for f in forms})
        for section in ("metonyms", "organizations", "people"):
            for name, code in t.get(section, {}).items():
                names[normalize_name(name)] = code
                if section == "people":
                    people.add(normalize_name(name))
        phrases.update({k.lower(): v for k, v in t.get("sector_phrases", {}).items()})
        words.update({k.lower(): v for k, v in t.get("sector_words", {}).items()})
    return ActorDictionary(names, frozenset(people), phrases, words, demonyms)


@functools.cache
def iso3(iso2: str | None) -> str | None:
    """ISO 3166-1 alpha-3 of an alpha-2 code."""
    if not iso2:
        return None
    import pycountry

    special = {"XK": "XKX", "PS": "PSE"}
    if iso2 in special:
        return special[iso2]
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country else None


def split_code(code: str) -> tuple[str | None, str | None]:
    """(country, sector) of a code such as RUSMIL, IGOUNO, NGO, UKR or MIL."""
    if len(code) >= 6:
        return code[:3], code[3:6]
    if code in ("IGO", "NGO") or code in _iso3_codes():
        return code, None
    if len(code) == 3 and code.isalpha() and code.isupper():
        return None, code
    return code[:3] or None, None


@functools.cache
def _iso3_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def make_code(country: str | None, sector: str | None) -> str | None:
    if not country and not sector:
        return None
    if country in ("IGO", "NGO") and sector == country:
        sector = None  # "rights group Amnesty International": NGO, not NGONGO
    return f"{country or ''}{sector or ''}"


class _Coder:
    """Codes the noun phrases of one document, remembering people and the last speaker."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, dictionary: ActorDictionary):
        self.doc = doc
        self.gazetteer = gazetteer
        self.dictionary = dictionary
        self.surnames: dict[str, tuple[str, str]] = {}   # surname → (code, full name)
        self.last_person: Actor | None = None
        self.last_group_country: str | None = None
        self.seen: list[Actor] = []
        # The latest mention with a country per last word: searching back through every mention seen
        # for each "the ministry" made the stage quadratic in the document's length.
        self.latest_by_last_word: dict[str, Actor] = {}
        self.sentence_countries: dict[int, frozenset[str]] = {}
        self.places: list[Place] = []
        self.place_starts: list[int] = []
        self.adversaries: list[Actor] = []   # "the enemy", "the occupiers": coded when the report is read

    def definite_reference(self, chunk: Span) -> Actor | None:
        """An earlier, fuller mention that "the ministry" or "the army" refers back to."""
        if not any(t.lower_ == "the" for t in chunk[:1]):
            return None
        return self.latest_by_last_word.get(chunk.root.lower_)

    def remember(self, actor: Actor) -> None:
        """Note a mention for the definite descriptions that follow."""
        self.seen.append(actor)
        words = actor.text.lower().split()
        if actor.country and words:
            self.latest_by_last_word[words[-1]] = actor

    def is_place(self, ent: Span) -> bool:
        """Whether the places stage resolved exactly this span."""
        i = bisect.bisect_left(self.place_starts, ent.start_char)
        return i < len(self.places) and self.places[i].start == ent.start_char and self.places[i].end == ent.end_char

    def country_of_word(self, text: str) -> tuple[str | None, str | None]:
        """(ISO3 country, default sector) a single name or adjective points to."""
        key = normalize_name(text)
        code = self.dictionary.names.get(key)
        if code and key not in self.dictionary.people:
            return split_code(code)
        iso2 = self.gazetteer.demonym_country(text)
        if iso2:
            return iso3(iso2), None
        if key in self.dictionary.demonyms:
            return self.dictionary.demonyms[key], None
        for entry, main in self.gazetteer.lookup(text):
            if entry.kind == "country":
                return iso3(entry.country), "GOV"
            break
        return None, None

    def sector_of(self, tokens: list[Token]) -> str | None:
        text = " ".join(t.lower_ for t in tokens)
        pattern = _phrase_pattern(self.dictionary)
        if pattern is not None:
            found = [m.group(1) for m in pattern.finditer(text)]
            if found:
                # The longest phrase wins, as "armed forces commander" is about the forces' commander.
                return self.dictionary.sector_phrases[max(found, key=len)]
        for t in reversed(tokens):
            sector = self.dictionary.sector_words.get(t.lower_)
            if sector:
                return sector
        return None


_PHRASE_PATTERNS: dict[int, re.Pattern | None] = {}


def _phrase_pattern(dictionary: ActorDictionary) -> re.Pattern | None:
    """One regular expression for all sector phrases of a dictionary, compiled once."""
    key = id(dictionary)
    if key not in _PHRASE_PATTERNS:
        phrases = sorted(dictionary.sector_phrases, key=len, reverse=True)
        _PHRASE_PATTERNS[key] = (re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])")
                                 if phrases else None)
    return _PHRASE_PATTERNS[key]


def find_actors(doc: Doc, source: SourceDocument, gazetteer: Gazetteer, dictionary: ActorDictionary,
                places: list[Place] | None = None) -> list[Actor]:
    """Every actor mention of a parsed document, with its code (`places`: the resolved toponyms, whose
    countries local institutions take)."""
    coder = _Coder(doc, gazetteer, dictionary)
    coder.places = sorted((p for p in places or [] if p.country and p.lat is not None), key=lambda p: p.start)
    coder.place_starts = [p.start for p in coder.places]
    actors: list[Actor] = []
    used: set[int] = set()
    for sent in sentences(doc):
        if inside_any(source.furniture, sent.start_char):
            continue
        for actor in _sentence_actors(sent, coder, used):
            actors.append(actor)
    if coder.adversaries:
        actors = _code_adversaries(doc, actors, coder)
    actors.sort(key=lambda a: (a.start, -a.end))
    return actors


@functools.cache
def _adversary_table() -> tuple[frozenset[str], frozenset[str]]:
    t = load_table("actors")
    return frozenset(t["adversary_words"]), frozenset(t["adversary_modifiers"])


def _adversary_phrase(root: Token) -> bool:
    """"the enemy", "the occupiers", "enemy positions", "occupation forces": a side named only as the other one."""
    heads, modifiers = _adversary_table()
    return root.lower_ in heads or any((c.dep_ in ("compound", "amod", "nmod") and c.lower_ in modifiers)
                                       or (c.dep_ == "poss" and c.lower_ in heads) for c in root.children)


def _code_adversaries(doc: Doc, actors: list[Actor], coder: _Coder) -> list[Actor]:
    """The enemy is the speaker's adversary: of the two countries the report names most as parties, the one
    that is not the country of the party nearest in its sentence (else of the sentence's places, else of the
    report's); no actor mention when that country is neither of the two."""
    pending = {id(a) for a in coder.adversaries}
    named = [a for a in actors if id(a) not in pending and a.country and a.country not in ("IGO", "NGO")]
    tally: dict[str, int] = {}
    for a in named:
        tally[a.country] = tally.get(a.country, 0) + 1
    top = sorted(tally, key=lambda c: -tally[c])[:2]
    place_tally: dict[str, int] = {}
    for p in coder.places:
        c = iso3(p.country)
        place_tally[c] = place_tally.get(c, 0) + 1
    report_place = max(place_tally, key=place_tally.get) if place_tally else None
    # By offset, so that a long report with many "enemy" mentions stays linear.
    named.sort(key=lambda b: b.start)
    named_starts = [b.start for b in named]
    places = sorted(coder.places, key=lambda p: p.start)
    place_starts = [p.start for p in places]
    out = []
    for a in actors:
        if id(a) not in pending:
            out.append(a)
            continue
        sent = sentence_of(doc.char_span(a.start, a.end, alignment_mode="expand")[0])
        near = named[bisect.bisect_left(named_starts, sent.start_char):bisect.bisect_left(named_starts, sent.end_char)]
        own = min(near, key=lambda b: abs(b.start - a.start)).country if near else None
        if own is None:
            here = [iso3(p.country) for p in
                    places[bisect.bisect_left(place_starts, sent.start_char):bisect.bisect_left(place_starts, sent.end_char)]]
            own = here[0] if here else report_place
        other = [c for c in top if c != own] if own in top and len(top) == 2 else []
        if other:
            out.append(a.model_copy(update={"country": other[0], "code": make_code(other[0], a.sector)}))
    return out


@functools.cache
def _own_country_nouns() -> frozenset[str]:
    return frozenset(load_table("actors")["own_country_nouns"])


def _own_country(words: list[Token], coder: _Coder) -> str | None:
    """"his country's military": the country of the person "his" stands for; "their country's" of the group."""
    for t in words:
        if t.lower_ in _own_country_nouns() and t.dep_ == "poss":
            for c in t.children:
                if c.dep_ == "poss" and c.lower_ in ("his", "her") and coder.last_person is not None:
                    return coder.last_person.country
                if c.dep_ == "poss" and c.lower_ in ("their", "its"):
                    return coder.last_group_country
    return None


def _sentence_actors(sent: Span, coder: _Coder, used: set[int]) -> list[Actor]:
    out: list[Actor] = []
    # A "person" the gazetteer placed, where a deed is done to it, is a town the tagger took for a name
    # ("captured Zaporizhzhia"); as a subject it may stand for its government ("Kyiv said").
    persons = [e for e in entities_in(sent) if e.label_ == "PERSON"
               and not (e.root.dep_ not in ("nsubj", "nsubjpass", "poss", "agent") and coder.is_place(e))]
    before = coder.last_person  # the person of earlier sentences, for a pronoun ahead of this one's names
    coded_persons: list[Actor] = []
    for ent in persons:
        actor = _code_person(ent, sent, coder)
        if actor:
            out.append(actor)
            coded_persons.append(actor)
            used.update(range(ent.start, ent.end))
    for chunk in _noun_phrases(sent):
        if chunk.root.i in used:
            continue  # the phrase is a person already coded
        actor = _code_phrase(chunk, sent, coder)
        if actor:
            out.append(actor)
    for ent in entities_in(sent):
        if ent.label_ in ("ORG", "NORP", "GPE") and not any(a.start <= ent.start_char < a.end for a in out):
            actor = _code_named(ent, coder)
            if actor:
                out.append(actor)
    for token in sent:
        if token.lower_ in PERSONAL_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
            p = _pronoun_person(token, coded_persons, before)
            if p is None:
                continue
            out.append(Actor(start=token.idx, end=token.idx + len(token), text=token.text, code=p.code,
                             country=p.country, sector=p.sector, name=p.name))
    return out


def _pronoun_person(pronoun: Token, persons: list[Actor], before: Actor | None) -> Actor | None:
    """The person "he" or "she" stands for: the last one named before it; "When he launched the invasion,
    Putin ..." names him after, as the subject of the clause the pronoun's clause leads into."""
    earlier = [p for p in persons if p.end <= pronoun.idx]
    if earlier:
        return earlier[-1]
    subject = main_subject_ahead(pronoun)
    named = [p for p in persons if subject is not None and p.start <= subject.idx < p.end]
    return named[0] if named else before


def _noun_phrases(sent: Span) -> list[Span]:
    """Noun chunks, widened to their possessors and compound titles."""
    phrases = []
    for chunk in noun_chunks_of(sent):
        start = chunk.start
        for t in chunk.root.lefts:
            start = min(start, t.left_edge.i)
        if start < sent.start:
            start = sent.start
        phrases.append(sent.doc[start: chunk.end])
    # The parser's noun chunks skip some nouns ("alleged Russian forces"); add those as phrases too.
    covered = {t.i for p in phrases for t in p}
    for token in sent:
        if token.pos_ in ("NOUN", "PROPN") and token.i not in covered and token.dep_ in NOUN_ROLES:
            start = min([c.left_edge.i for c in token.lefts if c.dep_ in MODIFIER_DEPS] + [token.i])
            phrases.append(sent.doc[max(start, sent.start): token.i + 1])
    return phrases


POSSESSIVE_END = re.compile(r"['’]s$")


def _code_phrase(chunk: Span, sent: Span, coder: _Coder) -> Actor | None:
    """Code a noun phrase: sector from its head or title, country from its modifiers."""
    root = chunk.root
    if root.pos_ == "PRON" and root.lower_ not in POSSESSIVE_PRONOUNS:
        return None
    words = [t for t in chunk if not t.is_punct]
    sector = coder.sector_of(words)
    country = None
    name = None
    # A named organization or metonym inside the phrase ("the Kremlin", "NATO's forces").
    full_text = doc_text(chunk.doc)
    for size in range(min(5, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            first, last = words[i], words[i + size - 1]
            # The piece's text straight from the document, as Span.text would give it.
            text = POSSESSIVE_END.sub("", full_text[first.idx: last.idx + len(last)])
            key = normalize_name(text)
            code = coder.dictionary.names.get(key)
            if code and key not in coder.dictionary.people:
                piece = chunk.doc[first.i: last.i + 1]
                c, s = split_code(code)
                country = country or c
                if piece.root is root or piece.end == chunk.end:
                    sector = sector or s
                name = name or text
        if country:
            break
    if country is None:
        # A multi-word name first, so "North Korea" is not read as its last word.
        country, piece = _country_in_tokens(words, coder)
        name = name or piece
    first_person = any(t.lower_ in ("our", "my") and t.dep_ == "poss" for t in words)
    if country is None:
        for t in words:
            if t.lower_ in POSSESSIVE_PRONOUNS and t.dep_ == "poss":
                # "our soldiers" are the speaker's, never the last group the report named ("Russian troops")
                country = _named_after(t, coder) or (None if first_person else coder.last_group_country)
                continue
            if not t.text[:1].isupper():
                continue
            c, s = coder.country_of_word(re.sub(r"['’]s$", "", t.text))
            if c:
                country = c
                name = name or t.text
                break
    if country is None:
        country = _own_country(words, coder)
    if country is None and sector is not None:
        country = _place_before_head(chunk, root, coder)
    adversary = country is None and _adversary_phrase(root)
    if adversary:
        sector = sector or "MIL"
    if sector is None and country and country not in ("IGO", "NGO") and root.lower_ in _weapon_words():
        sector = "MIL"  # "a Russian missile", "Ukrainian shelling": that country's military
    if adversary:
        # Whose enemy it is shows only once the whole report is read (find_actors settles it).
        start, end = _trim(chunk)
        actor = Actor(start=start, end=end, text=doc_text(chunk.doc)[start:end], code=sector, country=None,
                      sector=sector, name=None)
        coder.adversaries.append(actor)
        return actor
    if country is None and sector is not None:
        country = _country_of_attachment(root, coder)
    if country is None and sector is None:
        return None
    if sector is None and _is_people(root, name):
        # "Albanians of southern Serbia", "ethnic Turks": a people acts as civilians, placed where they live.
        sector = "CVL"
        country = _country_of_attachment(root, coder) or _ethnic_home(chunk, sent, country, coder) or country
    elif sector is None and root.tag_ in ("NNS", "NNPS") and _is_agentive(root):
        sector = ""  # "Afghan guerillas", "Bosnian Serbs": a group named by its country's adjective
    if sector is None:
        # A bare country or capital is an actor only where it acts, not where things happen.
        if name is None or normalize_name(re.sub(r"['’]s$", "", root.text)) != normalize_name(name).split(" ")[-1]:
            return None
        if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS:
            return None
        if root.dep_ not in SUBJECT_DEPS and root.dep_ != "pobj":
            return None
        sector = "GOV" if country not in ("IGO", "NGO") else None
    if country is None:
        earlier = coder.definite_reference(chunk)
        if earlier is not None:
            country, sector, name = earlier.country, earlier.sector, earlier.name or earlier.text
    if country is None and any(t.lower_ in _local_words() for t in words):
        # "the regional governor", "the city council": of the country of the place the report last named,
        # not of whichever country the sentence happens to name ("Russian artillery shelled ...").
        country = _last_place_country(chunk, coder)
    if country is None and sector == "OPP":
        # Protesters are of the town they protest in: not Russia's when "Russian troops opened fire on
        # protesters in Kherson".
        country = _last_town_country(sent, coder)
    if country is None and sector != "CVL" and not first_person and root.lower_ not in _weapon_words():
        # Not for people: "thousands of people have been killed since Russia's invasion" are not Russia's. Nor
        # for weapons: the one country named beside "Drones struck Kyiv" is the one struck.
        country = _sole_country(sent, coder)
    if country is None and sector == "CVL":
        return None
    if country is None and not _is_agentive(root):
        return None
    if country:
        coder.last_group_country = country
    start, end = _trim(chunk)
    sector = sector or None
    actor = Actor(start=start, end=end, text=doc_text(chunk.doc)[start:end], code=make_code(country, sector),
                  country=country, sector=sector, name=name)
    coder.remember(actor)
    return actor


@functools.cache
def _local_words() -> frozenset[str]:
    return frozenset(load_table("actors")["local_institution_words"])


def main_subject_ahead(pronoun: Token) -> Token | None:
    """"When he launched the invasion, Putin ...", "Since its invasion began, Russia ...": a pronoun in a
    clause placed before the main one stands for the main clause's subject, named after it."""
    clause = pronoun.head
    for _ in range(8):
        if clause.pos_ in ("VERB", "AUX") or clause.dep_ == "ROOT":
            break
        clause = clause.head
    if clause.dep_ != "advcl" or clause.i > clause.head.i:
        return None
    subject = next((c for c in clause.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject if subject is not None and subject.i > pronoun.i else None


def _named_after(pronoun: Token, coder: _Coder) -> str | None:
    """The country of the main clause's subject a possessive ahead of it stands for."""
    subject = main_subject_ahead(pronoun)
    if subject is None or not subject.text[:1].isupper():
        return None
    country, _ = coder.country_of_word(re.sub(r"['’]s$", "", subject.text))
    return country


def _place_before_head(chunk: Span, root: Token, coder: _Coder) -> str | None:
    """"the Yavoriv military base", "Kharkiv police": a town named before the head is where the group is."""
    i = bisect.bisect_left(coder.place_starts, chunk.start_char)
    while i < len(coder.places) and coder.places[i].start < root.idx:
        p = coder.places[i]
        span = chunk.doc.char_span(p.start, p.end, alignment_mode="expand")
        # Only what the parser also reads as a place: "Bush" or "Ibo" may be towns somewhere.
        if p.end <= root.idx and p.country and span is not None and span.root.ent_type_ in ("GPE", "LOC", "FAC"):
            return iso3(p.country)
        i += 1
    return None


def _last_place_country(chunk: Span, coder: _Coder) -> str | None:
    """The country of the last place the report named before a phrase."""
    before = [p for p in coder.places if p.end <= chunk.start_char]
    return iso3(before[-1].country) if before else None


def _last_town_country(sent: Span, coder: _Coder) -> str | None:
    """The country of the last place of a sentence the parser reads as a place name, not an adjective."""
    i = bisect.bisect_left(coder.place_starts, sent.start_char)
    country = None
    while i < len(coder.places) and coder.places[i].start < sent.end_char:
        p = coder.places[i]
        span = sent.doc.char_span(p.start, p.end, alignment_mode="expand")
        if span is not None and span.root.ent_type_ in ("GPE", "LOC", "FAC"):
            country = iso3(p.country)
        i += 1
    return country


@functools.cache
def _weapon_words() -> frozenset[str]:
    return frozenset(load_table("actors")["weapon_words"])


def _country_in_tokens(tokens: list[Token], coder: _Coder) -> tuple[str | None, str | None]:
    """(country, text) of the longest run of capitalized words that names a country, people or body ("Sri Lankan", "United Nations")."""
    runs, run = [], []
    for t in tokens:
        if t.text[:1].isupper() and not t.is_punct:
            run.append(t)
        else:
            if len(run) > 1:
                runs.append(run)
            run = []
    if len(run) > 1:
        runs.append(run)
    for run in runs:
        for size in range(len(run), 1, -1):
            for i in range(len(run) - size + 1):
                piece = run[0].doc[run[i].i: run[i + size - 1].i + 1].text
                piece = re.sub(r"['’]s$", "", piece)
                code = coder.dictionary.names.get(normalize_name(piece))
                if code and normalize_name(piece) not in coder.dictionary.people:
                    return split_code(code)[0], piece
                country = coder.country_of_word(piece)[0]
                if country:
                    return country, piece
    return None, None


def _is_people(root: Token, name: str | None) -> bool:
    """Whether a phrase's head is itself a plural people's name ("Albanians", "Kurds")."""
    return (name is not None and root.tag_ in ("NNS", "NNPS")
            and normalize_name(re.sub(r"['’]s$", "", root.text)) == normalize_name(name).split(" ")[-1])


def _ethnic_home(chunk: Span, sent: Span, own: str | None, coder: _Coder) -> str | None:
    """The one other country of the sentence, for a people marked as an ethnic group living elsewhere."""
    if not any(t.lower_ in _ethnic_markers() for t in chunk):
        return None
    others = _sentence_countries(sent, coder) - {own}
    return next(iter(others)) if len(others) == 1 else None


@functools.cache
def _ethnic_markers() -> frozenset[str]:
    return frozenset(load_table("actors").get("ethnic_markers", []))


def _sentence_countries(sent: Span, coder: _Coder) -> frozenset[str]:
    """Every country a sentence names by a country, demonym, capital or national body, computed once."""
    found = coder.sentence_countries.get(sent.start)
    if found is None:
        countries = set()
        run: list[Token] = []
        for t in list(sent) + [None]:
            if t is not None and t.text[:1].isupper() and not t.is_punct:
                run.append(t)
                continue
            i = 0
            while i < len(run):
                for size in range(min(4, len(run) - i), 0, -1):
                    piece = re.sub(r"['’]s$", "", sent.doc[run[i].i: run[i + size - 1].i + 1].text)
                    key = normalize_name(piece)
                    code = coder.dictionary.names.get(key) if key not in coder.dictionary.people else None
                    country = split_code(code)[0] if code else coder.country_of_word(piece)[0]
                    if country:
                        if country not in ("IGO", "NGO"):
                            countries.add(country)
                        break
                i += size
            run = []
        found = frozenset(countries)
        coder.sentence_countries[sent.start] = found
    return found


def _sole_country(sent: Span, coder: _Coder) -> str | None:
    """The country of a sentence that names exactly one: a titled person or sector group there belongs to it."""
    countries = _sentence_countries(sent, coder)
    return next(iter(countries)) if len(countries) == 1 else None


def _country_of_attachment(root: Token, coder: _Coder) -> str | None:
    """The country a group phrase is placed in or belongs to ("opposition groups in Zimbabwe")."""
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "of", "from"):
            for g in child.children:
                if g.dep_ == "pobj" and g.text[:1].isupper():
                    span = g.doc[g.left_edge.i: g.i + 1] if g.left_edge.i >= sentence_of(root).start else g.doc[g.i: g.i + 1]
                    country = coder.country_of_word(re.sub(r"^the\s+", "", span.text, flags=re.I))[0] or coder.country_of_word(g.text)[0]
                    if country and country not in ("IGO", "NGO"):
                        return country
    return None


def _is_agentive(token: Token) -> bool:
    """Whether a noun acts or is acted on as a party: a subject, an object, or "by"/"against"/"with" someone."""
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in partitive_words():
        return _is_agentive(token.head.head)  # "thousands of Iraqi Kurds demonstrated"
    return token.dep_ in ("nsubj", "nsubjpass", "agent", "dobj", "dative") or (
        token.dep_ == "pobj" and token.head.lower_ in ("by", "against", "with"))


@functools.cache
def partitive_words() -> frozenset[str]:
    """Words that name a part of a group ("some of", "dozens of"), from the actors table."""
    return frozenset(load_table("actors").get("partitives", []))


def _trim(span: Span) -> tuple[int, int]:
    tokens = [t for t in span if not t.is_space]
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in ("the", "a", "an")) and len(tokens) > 1:
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and len(tokens) > 1:
        tokens = tokens[:-1]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _code_named(ent: Span, coder: _Coder) -> Actor | None:
    """An organization, group or country named alone ("NATO said", "Russia warned")."""
    text = re.sub(r"['’]s$", "", ent.text)
    text = re.sub(r"^the\s+", "", text, flags=re.I)
    key = normalize_name(text)
    code = coder.dictionary.names.get(key)
    if code:
        country, sector = split_code(code)
    else:
        country, sector = coder.country_of_word(text)
        if country is None and ent.label_ == "NORP":
            # "Bosnian Serbs", "ethnic Albanian guerrillas": the people's adjective names the country
            country = next((c for c in (coder.country_of_word(w)[0] for w in text.split()) if c), None)
        if country is None:
            return None
        if ent.label_ != "ORG" and not _is_agentive(ent.root):
            return None
        sector = sector or "GOV"
    start = ent.start_char + ent.text.find(text) if text in ent.text else ent.start_char
    return Actor(start=start, end=start + len(text), text=text, code=make_code(country, sector) or text,
                 country=country, sector=sector, name=text)


def _code_person(ent: Span, sent: Span, coder: _Coder) -> Actor | None:
    """A person: the dictionary, an earlier mention, or their title and its country."""
    text = re.sub(r"['’]s$", "", ent.text)
    if not text.split():
        return None  # an entity that is only a possessive mark or white space
    key = normalize_name(text)
    code = coder.dictionary.names.get(key)
    full = text
    if code is None:
        last = text.split()[-1]
        if last in coder.surnames:
            code, full = coder.surnames[last]
    if code is None:
        title_tokens = _title_tokens(ent)
        sector = coder.sector_of(title_tokens)
        country = None
        for t in title_tokens:
            c, _ = coder.country_of_word(re.sub(r"['’]s$", "", t.text)) if t.text[:1].isupper() else (None, None)
            if c:
                country = c
                break
        if country is None:
            country, piece = _country_in_tokens(title_tokens, coder)
            if piece and sector is None:
                sector = split_code(coder.dictionary.names.get(normalize_name(piece), ""))[1]
        if sector and country is None:
            country = _nearest_country_before(sent, ent.start, coder) or _sole_country(sent, coder)
        if sector is None and country is None:
            return None
        code = make_code(country, sector)
    country, sector = split_code(code)
    actor = Actor(start=ent.start_char, end=ent.start_char + len(text), text=text, code=code,
                  country=country, sector=sector, name=full)
    if len(text.split()) > 1:
        coder.surnames[text.split()[-1]] = (code, full)
    coder.last_person = actor
    return actor


def _title_tokens(ent: Span) -> list[Token]:
    """Words that describe a person: compounds before the name, an apposition, its own appositive."""
    doc = ent.doc
    ent_sent = sentence_of(ent.root)
    tokens = [t for t in ent.root.lefts if t.i < ent.start]
    for t in list(tokens):
        tokens.extend(x for x in t.subtree if x not in tokens)
    root = ent.root
    # "Ukraine's armed forces commander-in-chief, Valeriy Zaluzhny": the name hangs off its title.
    if root.head is not root and (root.dep_ == "appos" or root.head.pos_ in ("NOUN", "PROPN")):
        tokens.extend(t for t in root.head.subtree if t.i < ent.start and ent_sent.start <= t.i < ent_sent.end)
    for child in root.children:
        if child.dep_ == "appos":
            tokens.extend(child.subtree)
    start = max(ent_sent.start, ent.start - 4)
    tokens.extend(t for t in doc[start: ent.start]
                  if t.dep_ in ("compound", "amod") and t not in tokens and _modifies(t, ent))
    return sorted(set(tokens), key=lambda t: t.i)


def _modifies(token: Token, ent: Span) -> bool:
    """Whether a modifier hangs, through at most three heads, on the name: "Russian President Vladimir
    Putin", not "Russian forces captured Zaporizhzhia"."""
    for _ in range(3):
        if ent.start <= token.head.i < ent.end:
            return True
        if token.head is token or token.head.dep_ not in ("compound", "amod", "appos"):
            return False
        token = token.head
    return False


def _nearest_country_before(sent: Span, before: int, coder: _Coder) -> str | None:
    for t in reversed(list(sent.doc[sent.start: before])):
        if t.text[:1].isupper():
            c, _ = coder.country_of_word(re.sub(r"['’]s$", "", t.text))
            if c and c not in ("IGO", "NGO"):
                return c
    return None


def actor_at(actors: list[Actor], start: int, end: int) -> Actor | None:
    """The smallest actor mention that contains a character span, else the first inside it."""
    containing = [a for a in actors if a.start <= start and end <= a.end]
    if containing:
        return min(containing, key=lambda a: a.end - a.start)
    inside = [a for a in actors if start <= a.start < end]
    return inside[0] if inside else None
