"""Events: who did what to whom, where and when, coded in PLOVER, CAMEO and ACLED.

Triggers are verb and noun lemmas from data/events.json, narrowed by what the
parse shows (a particle, an object, a modifier, the actor's sector). Each
clause is then read the way PETRARCH and PLOVER read it: a frame verb takes
the event it governs as its complement ("offered to withdraw" is AGREE,
"urged talks" REQUEST, "refused to lift the curfew" REJECT); modality turns
cooperation that is promised into AGREE, that is demanded ("must") into
REQUEST, that is negated into REJECT; an event named only as another event's
argument ("complained over air raids") is part of that event, not a second
one. The actor is the clause's subject (inherited through infinitives,
gerunds, conjunctions, and from the speaker for "it"/"they"), the recipient
its object; the location is the place the clause puts the event at; the date
comes from the clause's own time expression, else from the dateline. Status
and factuality are the claims stage's business.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .actors import iso3, main_subject_ahead, partitive_words
from .lexicons import load_table
from .models import Acled, Actor, Event, EventActor, EventDate, EventLocation, Mention, Place, Plover, SourceDocument, Span as TextSpan, Time
from .nlp import doc_text, sentence_of, sentences
from .spans import StartIndexed, inside_any, records_containing, records_ending_between, starting_between
from .times import week_date

__all__ = ["find_events", "Trigger", "load_triggers", "acled_for_sentence"]

LOCATIVE = {"in", "at", "near", "from", "outside", "around", "throughout", "across", "inside", "on", "into", "over", "toward", "towards", "off", "along", "within", "of"}
NEAR = {"near", "outside", "around", "off"}
RELATIVE_PRONOUNS = {"which", "that", "who", "whom"}
SUBJECT_CLIMB_DEPS = {"xcomp", "acomp", "conj", "advcl", "pcomp", "relcl", "acl", "ccomp", "appos", "attr", "dobj", "pobj", "npadvmod", "prep"}
BACKGROUND_DAYS = 30
ACLED_FAMILIES = {"ASSAULT", "COERCE", "PROTEST", "RETREAT", "MOBILIZE"}
# Dependencies through which an event is only an argument or modifier of another event of its clause.
# What a clause is about, not where its subject acts: "commented on the invasion", "talked about the war".
TOPIC_PREPOSITIONS = frozenset({"on", "about", "over", "against", "of", "for", "to", "into", "regarding"})
NESTING_DEPS = {"dobj", "pobj", "prep", "acl", "relcl", "compound", "amod", "poss", "appos", "nsubj", "nsubjpass",
                "agent", "attr", "npadvmod", "nmod", "oprd", "dative", "pcomp", "xcomp", "conj"}
NAME_ENTITIES = {"ORG", "FAC", "WORK_OF_ART", "LAW", "PRODUCT", "PERSON", "GPE", "NORP"}
CONDITIONS = ("particle", "object_any", "modifier_any", "head_any", "subject_any", "object_place", "actor_sector")


@dataclass(frozen=True)
class Trigger:
    lemma: str
    pos: str
    type: str
    mode: str | None
    cameo: str | None
    acled: tuple[str, str] | None
    context: tuple[str, ...]
    particle: frozenset[str] = frozenset()
    object_any: frozenset[str] = frozenset()
    object_place: bool = False
    actor_sector: frozenset[str] = frozenset()
    modifier_any: frozenset[str] = frozenset()
    head_any: frozenset[str] = frozenset()
    subject_any: frozenset[str] = frozenset()
    excludes: tuple[tuple[str, frozenset[str]], ...] = ()
    frame: str | None = None


@dataclass
class _Candidate:
    """A trigger in a clause, as the clause's frames and modality recode it."""

    token: Token
    trig: Trigger
    type: str
    mode: str | None
    cameo: str | None
    acled: tuple[str, str] | None
    context: tuple[str, ...]
    actor_tokens: list[Token] | None = None
    recipient_tokens: list[Token] | None = None
    inner: list["_Candidate"] = field(default_factory=list)
    nested: list["_Candidate"] = field(default_factory=list)   # same-type triggers that are its arguments


@functools.cache
def load_triggers() -> dict[tuple[str, str], list[Trigger]]:
    """(lemma, VERB|NOUN) → triggers, from data/events.json."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    for row in load_table("events")["triggers"]:
        req = row.get("requires", {})
        words = lambda key, d=req: frozenset(w.lower() for w in d.get(key, []))
        trig = Trigger(row["lemma"], row["pos"], row["type"], row.get("mode"), row.get("cameo"),
                       tuple(row["acled"]) if row.get("acled") else None, tuple(row.get("context", [])),
                       words("particle"), words("object_any"), bool(req.get("object_place")), frozenset(req.get("actor_sector", [])),
                       words("modifier_any"), words("head_any"), words("subject_any"),
                       tuple((k, frozenset(w if k == "actor_sector" else w.lower() for w in v))  # codes keep their case
                             for k, v in row.get("excludes", {}).items()),
                       row.get("frame"))
        table.setdefault((trig.lemma, trig.pos), []).append(trig)
    return table


@functools.cache
def _grammar() -> dict:
    table = load_table("events")
    return {"modality": {k: frozenset(v) for k, v in table["modality"].items()},
            "frame_modes": table["frame_modes"], "acled_allowed": table["acled_allowed"]}


@functools.cache
def _acled_rules() -> list[tuple[re.Pattern, str, str]]:
    return [(re.compile(p, re.I | re.S), et, sub) for p, et, sub in load_table("acled_keywords")["rules"]]


@functools.cache
def _non_political() -> re.Pattern:
    return re.compile(load_table("acled_keywords")["non_political"], re.I)


def acled_for_sentence(text: str, allowed: frozenset[str] | None = None) -> tuple[str, str] | None:
    """ACLED (event type, sub-event type) that the sentence's wording points to, if any."""
    for pattern, event_type, sub in _acled_rules():
        if (allowed is None or event_type in allowed) and pattern.search(text):
            return event_type, sub
    return None


def find_events(doc: Doc, source: SourceDocument, places: list[Place], times: list[Time],
                actors: list[Actor]) -> list[Event]:
    """Every event of a parsed document, with actor, recipient, place and date."""
    triggers = load_triggers()
    anchor = dt.date.fromisoformat(source.published) if source.published else None
    main_place = _main_place(places)
    # Indexed by offset: looking up the places, times and actors of each sentence or token by scanning
    # them all made this stage quadratic in the document's length.
    places, times, actors = StartIndexed(places), StartIndexed(times), StartIndexed(actors)
    built: list[tuple[Span, Event]] = []
    time_spans = sorted((t.start, t.end) for t in times)
    for sent in sentences(doc):
        if inside_any(source.furniture, sent.start_char) or not sent.text.strip():
            continue
        found: list[_Candidate] = []
        for token in sent:
            if inside_any(time_spans, token.idx):
                continue  # "March 3": a date, not a march
            if token.ent_type_ in NAME_ENTITIES and token.pos_ in ("PROPN", "NOUN"):
                continue  # "the North Atlantic Treaty Organization": a name, not a treaty
            trig = _match_trigger(token, triggers, places, actors)
            if trig:
                found.append(_Candidate(token, trig, trig.type, trig.mode, trig.cameo, trig.acled, trig.context))
        found.extend(_demands_without_trigger(sent, found))
        found.sort(key=lambda c: c.token.i)
        for cand in _clause_events(found):
            built.append((sent, _build_event(0, cand, sent, places, times, actors, anchor, main_place)))
    events = [e for _, e in built]
    return [e.model_copy(update={"id": f"e{i}"}) for i, e in enumerate(events, 1)]


def _conditions(token: Token, cond: dict[str, frozenset[str] | bool], places: list[Place], actors: list[Actor], every: bool) -> bool:
    """Whether every (or, with every=False, any) condition of a trigger row holds for a token."""
    results = []
    for key, want in cond:
        if key == "particle":
            ok = any(c.dep_ == "prt" and c.lower_ in want for c in token.children)
        elif key == "object_any":
            ok = bool(_object_words(token) & want)
        elif key == "modifier_any":
            ok = bool(_modifier_words(token) & want)
        elif key == "head_any":
            ok = bool(_head_words(token) & want)
        elif key == "subject_any":
            subj = _doer_token(token)
            ok = subj is not None and bool({t.lower_ for t in subj.subtree} & want)
        elif key == "object_place":
            ok = _object_is_place(token, places)
        elif key == "direct_object_any":  # "fired 3,700 people": whom one dismisses, not whom one fires on
            ok = any(c.dep_ == "dobj" and (c.lower_ in want or c.lemma_.lower() in want) for c in token.children)
        elif key == "complement_mark":  # "it is striking that ...", "what is striking is": a remark, no blow
            ok = any(c.dep_ in ("ccomp", "csubj") and any(g.dep_ in ("mark", "advmod") and g.lower_ in want
                                                          for g in c.children) for c in token.children) or (
                token.dep_ == "csubj" and any(c.dep_ == "dobj" and c.lower_ in want for c in token.children))
        elif key == "object_entity":  # "hit 2023", "hit 40%": a number or a date reached, not a target struck
            obj = next((c for c in token.children if c.dep_ in ("dobj", "attr")), None)
            ok = obj is not None and (obj.ent_type_.lower() in want or obj.like_num)
        else:  # actor_sector
            actor = _subject_actor(token, actors)
            ok = actor is not None and (actor.sector in want or actor.country in want)
        results.append(ok)
    return all(results) if every else any(results)


def _match_trigger(token: Token, triggers, places: list[Place], actors: list[Actor]) -> Trigger | None:
    pos = "VERB" if token.pos_ == "VERB" else "NOUN" if token.pos_ in ("NOUN", "PROPN") else None
    if pos is None:
        return None
    lemmas = dict.fromkeys([token.lemma_.lower(), token.lower_])
    rows = [t for lemma in lemmas for t in triggers.get((lemma, pos), [])]
    if pos == "VERB" and token.lemma_.lower() not in _grammar()["modality"]["speech"] and not any(c.dep_ == "ccomp" for c in token.children):
        rows += triggers.get(("*", pos), [])  # "protesters gathered": any verb of a protesting crowd
    for trig in rows:
        required = [(k, getattr(trig, k)) for k in CONDITIONS if getattr(trig, k)]
        if required and not _conditions(token, required, places, actors, every=True):
            continue
        if trig.excludes and _conditions(token, trig.excludes, places, actors, every=False):
            continue
        if pos == "VERB" and trig.type in ("THREATEN", "REJECT") and any(c.dep_ == "ccomp" for c in token.children):
            continue  # "warned that ...", "denied that ...": a claim, not a threat or rejection
        return trig
    return None


def _object_words(token: Token) -> set[str]:
    words = set()
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "acomp"):
            words.update({child.lower_, child.lemma_.lower()})
            words.update(c.lower_ for c in child.children if c.dep_ in ("compound", "amod", "prep"))
            words.update(g.lower_ for c in child.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj")
            # "a rocket carrying a satellite": what the object carries says what it is for
            words.update(g.lower_ for c in child.children if c.dep_ == "acl" for g in c.children if g.dep_ == "dobj")
        elif child.dep_ in ("prep", "prt", "dative", "advmod"):
            if child.dep_ == "prep" and any(g.dep_ == "pobj" and g.ent_type_ == "DATE" for g in child.children):
                continue  # "on Friday fired her minister": a time, no target
            words.add(child.lower_)
            for g in child.children:
                if g.dep_ in ("pobj", "pcomp"):
                    words.update({g.lower_, g.lemma_.lower(), f"{child.lower_} {g.lower_}"})
                    words.update(c.lower_ for c in g.children if c.dep_ in ("compound", "amod"))
    if token.tag_ == "VBN" and token.dep_ in ("amod", "acl") and token.head.pos_ == "NOUN":
        words.update({token.head.lower_, token.head.lemma_.lower()})  # "the damaged relationship": what was damaged
    return words


def _modifier_words(token: Token) -> set[str]:
    words = set()
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod", "advmod", "npadvmod", "poss", "nummod"):
            words.update({child.lower_, child.lemma_.lower()})
            words.update(c.lower_ for c in child.children if c.dep_ in ("compound", "amod", "advmod", "punct"))
    return words


def _head_words(token: Token) -> set[str]:
    head = token.head
    words = {head.lower_, head.lemma_.lower()}
    if head.dep_ in ("prep", "amod") or head.pos_ == "ADP":
        words.update({head.head.lower_, head.head.lemma_.lower()})
    words.update(c.lower_ for c in token.children if c.dep_ == "amod")
    return words


def _object_token(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            if child.lower_ in RELATIVE_PRONOUNS and token.dep_ == "relcl":
                return token.head
            return child
    return None


def _object_is_place(token: Token, places: list[Place]) -> bool:
    obj = _object_token(token)
    if obj is None:
        return False
    # The places holding the object's first character or starting inside its phrase, looked up by offset.
    near = records_containing(places, obj.idx, obj.idx + 1) + starting_between(
        places, obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge))
    return any(places[k].lat is not None for k in near)


def _subject_token(token: Token) -> Token | None:
    """The subject of a verb, climbing through infinitives, gerunds, clauses and conjunctions."""
    current, came_from = token, None
    for _ in range(8):
        controller = controlling_object(current, came_from)
        if controller is not None:
            return controller  # "warned him against launching an invasion": he would launch it
        if (current.dep_ == "prep" and current.lower_ in ("of", "for", "with") and current.head.dep_ == "dobj"
                and current.head.head.lemma_.lower() in _grammar()["modality"]["accusing_verbs"]):
            return current.head  # "accused [the SBU [of torturing]]": the parser hangs the deed on the accused
        if came_from is not None and came_from.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                                       for c in came_from.children):
            told = next((c for c in current.children if c.dep_ == "dobj"), None)
            if current.lemma_.lower() in _grammar()["modality"]["instrument_verbs"]:
                told = None  # "Ukraine used HIMARS to hit the bridges": what is used is the means, its user acts
            if told is not None and (told.ent_type_ in ("PERSON", "NORP", "GPE", "ORG") or told.pos_ == "PRON"):
                return told  # "emboldened Putin to invade": Putin would invade ("used rockets to hit": not the rockets)
        came_from = current
        for child in current.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in ("where", "there"):
                if child.dep_ == "nsubjpass" and current is token:
                    agent = _agent(current)
                    return agent
                if child.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                    return current.head
                return child
            if child.dep_ == "agent":
                return _agent(current)
        if current.dep_ in SUBJECT_CLIMB_DEPS or current.dep_ == "prep" or current.head.dep_ == "prep":
            current = current.head
            continue
        if current.head.pos_ == "ADP":
            current = current.head.head
            continue
        break
    return None


def controlling_object(verb: Token, came_from: Token | None) -> Token | None:
    """The object of a verb like warn, deter or stop, who does the deed of its gerund ("warned him against
    launching", "stopped Russia from taking"); an infinitive ("ordered the paper to close") is a frame."""
    if came_from is None or came_from.dep_ != "prep":
        return None
    lemma = verb.lemma_.lower()
    controls = came_from.lower_ in ("against", "from", "into") and lemma in _grammar()["modality"]["object_control_verbs"]
    # "accused the SBU of torturing him", "blamed Kyiv for shelling": the accused did the deed
    accuses = came_from.lower_ in ("of", "for", "with") and lemma in _grammar()["modality"]["accusing_verbs"]
    if not (controls or accuses):
        return None
    return next((c for c in verb.children if c.dep_ == "dobj"), None)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _noun_actor_token(token: Token) -> Token | None:
    """Who does a nominal event: its possessor or adjective ("Russia's retreat", "Russian strikes")."""
    for child in token.children:
        if child.dep_ == "poss":
            return child
    for child in token.children:
        if child.dep_ in ("amod", "compound") and (child.ent_type_ in ("NORP", "GPE", "ORG") or child.pos_ == "PROPN"):
            return child
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    if token.dep_ == "dobj" and token.head.pos_ == "VERB" and token.head.lemma_.lower() in _grammar()["modality"]["light_verbs"]:
        return _subject_token(token.head)  # "launched an attack", "carried out strikes": the verb's subject
    if token.dep_ in ("dobj", "pobj") and token.head.pos_ == "VERB":
        return None  # "Ukraine is resisting attacks", "condemned the strikes": not the attacks' doer
    light = token.head.head.lemma_.lower() in _grammar()["modality"]["light_verbs"]
    if token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in ("VERB", "AUX") and (
            token.head.lower_ not in TOPIC_PREPOSITIONS or light) and (token.head.head.dep_ != "ROOT" or light):
        # "troops remained on alert"; but who "commented on the invasion" speaks of it, and did not do it
        return _subject_token(token.head.head)
    return None


def gerund_as_noun(token: Token) -> bool:
    """A gerund the parser tags VERB but the sentence uses as a noun ("when Russian shelling caused")."""
    return token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "pcomp", "attr") and any(
        c.dep_ in ("amod", "poss", "det") for c in token.children)


def _doer_token(token: Token) -> Token | None:
    """Who does the deed a trigger names: a verb's subject, a noun's possessor or adjective."""
    if token.tag_ == "VBG" and token.dep_ == "appos" and token.head.ent_type_ in ("NORP", "GPE"):
        return token.head  # "the Ukrainian shelling had caused", parsed as "Ukrainian" with "shelling" beside it
    if token.pos_ == "VERB" and not gerund_as_noun(token):
        return _subject_token(token)
    return _noun_actor_token(token)


def _subject_actor(token: Token, actors: list[Actor]) -> Actor | None:
    subj = _doer_token(token)
    if subj is None:
        return None
    return _resolve_actor(subj, actors)


def _actor_at(actors: list[Actor], start: int, end: int) -> Actor | None:
    """As actors.actor_at (the smallest mention holding the span, else the first inside it), by offset."""
    containing = [actors[k] for k in records_containing(actors, start, end)]
    if containing:
        return min(containing, key=lambda a: a.end - a.start)
    inside = starting_between(actors, start, end)
    return actors[inside[0]] if inside else None


def _resolve_actor(tok: Token, actors: list[Actor]) -> Actor | None:
    """The coded actor a token names: itself, a name inside its phrase, or the speaker "it"/"they" stands for."""
    actor = _actor_at(actors, tok.idx, tok.idx + len(tok))
    if actor is not None:
        return actor
    if tok.lower_ in partitive_words():
        # "a group of Moroccan diplomats", "thousands of Kurds": the party is the of-phrase
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return _resolve_actor(g, actors)
    left = tok.left_edge.idx if tok.left_edge.i >= sentence_of(tok).start else tok.idx
    inside = [a for a in (actors[k] for k in starting_between(actors, left, tok.idx + len(tok)))
              if a.end <= tok.idx + len(tok) and a.country]
    if inside:
        return inside[-1]
    if tok.lower_ in _grammar()["modality"]["group_pronouns"]:
        speaker = _speaker(tok.head)
        if speaker is not None and speaker is not tok and not (
                (speaker.ent_type_ == "PERSON" or speaker.lower_ in ("who", "he", "she", "i"))
                and tok.lower_ in ("they", "it", "them")):
            # "Hungary said it will", but "they are killing people, Biden said" is not Biden.
            return _resolve_actor(speaker, actors)
        ahead = main_subject_ahead(tok)
        if ahead is not None and ahead.pos_ == "PROPN":
            found = _resolve_actor(ahead, actors)
            if found is not None:
                return found  # "Since its invasion began, Russia has lost ..."
        if tok.lower_ == "it" and tok.dep_ in ("dobj", "pobj"):
            return None  # "a strike on a warehouse destroyed it": what is struck is more often a thing than a party
        nearby = (actors[k] for k in records_ending_between(actors, tok.idx - 300, tok.idx))
        earlier = [a for a in nearby if a.end <= tok.idx and tok.idx - a.end < 300 and a.country
                   and a.text.lower() not in _grammar()["modality"]["group_pronouns"]
                   and not (tok.lower_ == "it" and (_names_a_person(tok.doc, a) or _plural(tok.doc, a)))]
        # "it" is never "he", nor "Russian troops"
        if earlier:
            return earlier[-1]
    return None


def _plural(doc: Doc, actor: Actor) -> bool:
    span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    return span is not None and span.root.tag_ in ("NNS", "NNPS")


def _names_a_person(doc: Doc, actor: Actor) -> bool:
    span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    return actor.text.lower() in ("he", "she", "him", "her") or (span is not None and span.root.ent_type_ == "PERSON")


def _speaker(verb: Token) -> Token | None:
    """The subject of the reporting verb whose complement a clause is ("Hungary said it will ...")."""
    current = verb
    for _ in range(4):
        if current.dep_ in ("ccomp", "xcomp", "conj", "advcl") and current.head is not current:
            current = current.head
            if current.lemma_.lower() in _grammar()["modality"]["speech"]:
                return _subject_token(current)
            continue
        break
    return None


def _with_conjuncts(tok: Token | None) -> list[Token]:
    if tok is None:
        return []
    return [tok] + [c for c in tok.conjuncts if c.pos_ in ("NOUN", "PROPN", "PRON")]


def _event_actors(tokens: list[Token], actors: list[Actor], acting: bool = False, where: str | None = None) -> list[EventActor]:
    """The coded parties a list of tokens names; a weapon with no one behind it is an unidentified force of the event's country."""
    out: list[EventActor] = []
    for n, tok in enumerate(tokens):
        actor = _resolve_actor(tok, actors)
        if actor is None and n and out and out[0].code:
            continue  # "Israeli helicopters and tanks": the bare conjunct shares the first one's party
        if actor is not None:
            item = EventActor(text=actor.text, code=actor.code, country=actor.country, sector=actor.sector,
                              start=actor.start, end=actor.end)
        elif tok.pos_ in ("PRON", "DET") or tok.is_stop:
            continue
        elif acting and tok.lemma_.lower() in _grammar()["modality"]["weapon_agents"]:
            # "killed by a roadside bomb near Samarra": whoever set it is unknown, but it acted there.
            start = tok.left_edge.idx if tok.left_edge.i >= sentence_of(tok).start else tok.idx
            item = EventActor(text=doc_text(tok.doc)[start: tok.idx + len(tok)], code=f"{where or ''}UAF",
                              country=where, sector="UAF", start=start, end=tok.idx + len(tok))
        else:
            start = tok.left_edge.idx if tok.left_edge.i >= sentence_of(tok).start else tok.idx
            end = tok.idx + len(tok)
            item = EventActor(text=doc_text(tok.doc)[start:end], start=start, end=end)
        if not any(o.code == item.code and (o.code or o.start == item.start) for o in out):
            out.append(item)
    return out


def _recipient_token(token: Token) -> Token | None:
    if token.pos_ != "VERB":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("on", "against", "of", "with", "to"):
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
        return None
    obj = _object_token(token)
    if obj is not None:
        return obj
    for child in token.children:
        if child.dep_ in ("prep", "dative") and child.lower_ in ("on", "against", "with", "to", "upon"):
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _predicate(tok: Token) -> Token:
    """The verb whose auxiliaries and negation speak for an event: itself, or the verb it is the object of."""
    if tok.pos_ != "VERB" and tok.dep_ in ("dobj", "attr", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX"):
        return tok.head
    return tok


def _governors(pred: Token, depth: int = 3) -> list[Token]:
    """The predicate and the verbs or adjectives it is a complement of ("is willing to withdraw")."""
    chain = [pred]
    current = pred
    for _ in range(depth):
        if current.dep_ in ("xcomp", "acomp") and current.head is not current:
            current = current.head
            chain.append(current)
            continue
        break
    return chain


def _frame_code(frame: str, inner: _Candidate) -> tuple[str, str | None, str | None]:
    """(type, mode, cameo) of a frame event that takes an inner event as its complement."""
    table = _grammar()["frame_modes"][frame]
    row = table.get(f"{inner.type}/{inner.mode}") or table.get(inner.type) or table["*"]
    return row[0], row[1], row[2]


def _clause_events(found: list[_Candidate]) -> list[_Candidate]:
    """Recode a sentence's triggers by their frames, modality and nesting; return the events it reports."""
    modality = _grammar()["modality"]
    by_token = {c.token.i: c for c in found}
    absorbed: set[int] = set()
    # 1. Frames take the event they govern as complement.
    for cand in found:
        if not cand.trig.frame:
            continue
        for inner in _complements(cand.token, by_token):
            if inner.token.i in absorbed or inner is cand:
                continue
            cand.type, cand.mode, cand.cameo = _frame_code(cand.trig.frame, inner)
            if inner.acled and inner.acled[1] == "Agreement" and cand.type in ("AGREE", "SUPPORT"):
                cand.acled = inner.acled
            if _recipient_token(cand.token) in (None, inner.token):
                cand.recipient_tokens = _with_conjuncts(_recipient_token(inner.token))
            absorbed.add(inner.token.i)
            break
    # 2. Modality: promised cooperation is AGREE, demanded REQUEST, refused REJECT, conditional force THREATEN.
    for cand in found:
        if cand.token.i in absorbed or cand.trig.frame:
            continue
        chain = _governors(_predicate(cand.token))
        pred = chain[0]
        words = {c.lower_ for g in chain for c in g.children if c.dep_ in ("aux", "neg", "auxpass")} | {g.lemma_.lower() for g in chain[1:]}
        cooperative = cand.type in modality["cooperative_types"]
        if words & modality["negation"] and cooperative:
            cand.type, cand.mode, cand.cameo = _frame_code("REJECT", cand)
            cand.acled = None
        elif words & modality["obligation"] and pred.dep_ == "ccomp":
            _make_demand(cand, pred)
        elif words & modality["preparation"] and cand.type in ("ASSAULT",):
            cand.type, cand.mode, cand.cameo = "MOBILIZE", "weapons" if cand.mode == "heavy-weapons" else "troops", "150"
            cand.acled = None
        elif words & (modality["future"] | modality["intent"]) and cooperative:
            cand.type, cand.mode, cand.cameo = _frame_code("AGREE", cand)
            if not (cand.acled and cand.acled[1] == "Agreement"):
                cand.acled = None
        elif words & modality["future"] and any(c.lower_ in modality["conditional"] for g in chain for a in g.children
                                                 if a.dep_ == "advcl" for c in a.children if c.dep_ == "mark"):
            cand.type, cand.mode, cand.cameo = _frame_code("THREATEN", cand)
            cand.acled = None
    # 3. An event that is only an argument of another event belongs to it.
    kept = [c for c in found if c.token.i not in absorbed]
    kept_ids = {c.token.i for c in kept}
    out = []
    for cand in kept:
        host = _host(cand.token, kept_ids, modality)
        if host is None:
            out.append(cand)
            continue
        outer = by_token[host]
        if outer.type == cand.type:
            outer.nested.append(cand)  # "The strike destroyed the roof": one happening, two mentions
        if outer.type == cand.type and outer.mode is None and cand.mode is not None:
            outer.mode, outer.cameo = cand.mode, cand.cameo
        if outer.type == cand.type and cand.acled and (outer.acled is None or outer.acled[0] == "Battles"):
            outer.acled = cand.acled
    return out


def _complements(token: Token, by_token: dict[int, _Candidate]) -> list[_Candidate]:
    """Events a frame trigger governs: its infinitive, clause, object or prepositional object."""
    out = []
    for child in token.children:
        targets = []
        if child.dep_ in ("xcomp", "ccomp", "dobj", "acl", "attr", "nsubjpass"):
            targets = [child]
        elif child.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            targets = [child]
        elif child.dep_ == "prep" and child.lower_ in ("for", "on", "to", "of", "with", "upon"):
            targets = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            # "called on Arabs to mobilize": the infinitive hangs on the addressee
            targets += [x for g in targets for x in g.children if x.dep_ in ("acl", "relcl", "xcomp")]
        for t in targets:
            if t.i in by_token:
                out.append(by_token[t.i])
                continue
            # "agreed to a ceasefire", "demanded the release": the event noun heads a light verb's object
            for g in t.children:
                if g.dep_ in ("dobj", "xcomp") and g.i in by_token:
                    out.append(by_token[g.i])
    return out


def _make_demand(cand: _Candidate, pred: Token) -> None:
    speaker = _speaker(pred)
    cand.type, cand.mode, cand.cameo = _frame_code("REQUEST", cand)
    cand.acled = None
    if speaker is not None:
        cand.actor_tokens = _with_conjuncts(speaker)
        cand.recipient_tokens = _with_conjuncts(_subject_token(pred))


def _demands_without_trigger(sent: Span, found: list[_Candidate]) -> list[_Candidate]:
    """"X said Y must drop barriers": a demand from the speaker to Y, whatever Y must do."""
    modality = _grammar()["modality"]
    taken = {_predicate(c.token).i for c in found}
    out = []
    for tok in sent:
        if tok.pos_ != "VERB" or tok.i in taken or tok.dep_ != "ccomp":
            continue
        if not any(c.dep_ == "aux" and c.lower_ in modality["obligation"] for c in tok.children):
            continue
        if tok.head.lemma_.lower() not in modality["speech"]:
            continue
        trig = Trigger(tok.lemma_.lower(), "VERB", "REQUEST", None, "100", None, ("diplomatic",))
        cand = _Candidate(tok, trig, "REQUEST", None, "100", None, ("diplomatic",))
        _make_demand(cand, tok)
        out.append(cand)
    return out


TEMPORAL_PREPOSITIONS = frozenset({"after", "before", "since", "following", "until", "upon"})


def _host(token: Token, kept: set[int], modality) -> int | None:
    """The other event of the clause that a trigger is an argument or modifier of, if any.

    A reported or adverbial clause ("said that ...", "after ...") is an event of its own, unless that clause
    itself hangs on a noun ("raids in which it said 20 were killed").
    """
    current = token
    blocked = False
    for _ in range(10):
        dep = current.dep_
        if current.head is current:
            return None
        purpose = dep == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in current.children)
        if dep == "conj" and current.pos_ == "VERB":
            blocked = True  # "shelled the town and attacked the port": two events
        elif dep in ("relcl", "acl") and current.head.i not in kept and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in current.children):
            return None  # "Crimea, which Russia seized": a clause of its own about a non-event noun
        elif (current is token and dep == "acl" and token.tag_ == "VBG" and token.head.i not in kept
              and any(c.dep_ == "dobj" for c in token.children)):
            return None  # "dispersed demonstrators protesting the results": the protest is a deed of its own
        elif dep == "prep" and current.lower_ in TEMPORAL_PREPOSITIONS and current.head.pos_ in ("VERB", "AUX"):
            blocked = True  # "was arrested after shooting a man": the shooting is a deed of its own
        elif dep in NESTING_DEPS or purpose:
            if dep in ("relcl", "acl", "pobj", "dobj", "appos", "nsubj", "nsubjpass"):
                blocked = False
        else:
            blocked = True
        current = current.head
        if current.i in kept:
            return None if blocked else current.i
    return None


def _acled(cand: _Candidate, sent: Span) -> tuple[str, str] | None:
    """ACLED type of an event: the wording of its clause where its PLOVER type allows, else the trigger's."""
    allowed = _grammar()["acled_allowed"]
    if cand.type not in allowed:
        return cand.acled
    if cand.acled is None and cand.type not in ("ASSAULT", "PROTEST"):
        return None
    if cand.type == "ASSAULT" and _non_political().search(sent.text) and not cand.actor_tokens:
        subj = _doer_token(cand.token)
        if subj is None or subj.ent_type_ == "" and subj.lower_ not in _grammar()["modality"]["armed_words"]:
            return None
    clause = sentence_of(cand.token) if cand.token.pos_ != "VERB" else cand.token.doc[cand.token.left_edge.i: cand.token.right_edge.i + 1]
    if cand.type == "PROTEST":
        # How a protest went (violence, tear gas, deaths) is told around the clause, often in the next sentence.
        clause = sent.doc[sent.start: sentence_of(sent.doc[sent.end]).end] if sent.end < len(sent.doc) else sent
    found = acled_for_sentence(clause.text, frozenset(allowed[cand.type]))
    if found is None:
        found = acled_for_sentence(sent.text, frozenset(allowed[cand.type]))
    found = found or cand.acled
    if cand.type == "ASSAULT" and found and found[1] in ("Attack", "Armed clash"):
        found = _attack_or_clash(cand, found)
    if found and found[1] in ("Government regains territory", "Non-state actor overtakes territory"):
        found = _who_took_ground(cand, found)
    return found


def _who_took_ground(cand: _Candidate, found: tuple[str, str]) -> tuple[str, str]:
    """ACLED splits territory changing hands by force by who takes it: the state regains, others overtake."""
    subj = _doer_token(cand.token)
    if subj is None:
        return found
    words = {t.lower_ for t in subj.subtree}
    if words & _grammar()["modality"]["non_state_forces"]:
        return "Battles", "Non-state actor overtakes territory"
    if words & _grammar()["modality"]["state_forces"]:
        return "Battles", "Government regains territory"
    return found


def _attack_or_clash(cand: _Candidate, found: tuple[str, str]) -> tuple[str, str]:
    """ACLED's line between one-sided violence and battle: who was hit, armed men or civilians."""
    modality = _grammar()["modality"]
    victim = cand.recipient_tokens if cand.recipient_tokens is not None else _with_conjuncts(_recipient_token(cand.token))
    words = {t.lower_ for v in victim for t in v.subtree}
    if words & modality["victims_armed"]:
        return "Battles", "Armed clash"
    if words & modality["victims_civilian"]:
        return "Violence against civilians", "Attack"
    return found


def _trigger_span(token: Token) -> TextSpan:
    """A trigger's words: the verb with its particle ("pull out")."""
    end_token = token
    for child in token.children:
        if child.dep_ == "prt" and child.i > end_token.i:
            end_token = child
    end = end_token.idx + len(end_token)
    return TextSpan(start=token.idx, end=end, text=doc_text(token.doc)[token.idx:end])


def _with_nested(cand: _Candidate) -> list[_Candidate]:
    return [cand] + [n for inner in cand.nested for n in _with_nested(inner)]


def _build_event(number: int, cand: _Candidate, sent: Span, places: list[Place], times: list[Time],
                 actors: list[Actor], anchor: dt.date | None, main_place: int | None) -> Event:
    token = cand.token
    trigger = _trigger_span(token)
    sentence = {"start": sent.start_char, "end": sent.end_char}
    mentions = [Mention(trigger=_trigger_span(c.token), sentence=sentence) for c in _with_nested(cand)]
    if cand.actor_tokens is not None:
        actor_tokens = cand.actor_tokens
    else:
        actor_tokens = _with_conjuncts(_doer_token(token))
    actor_tokens = _outside_dateline(actor_tokens, token, sent, actors)
    location = _event_location(token, sent, places, main_place)
    where = iso3(places[location.place].country) if location.place is not None else None
    actor = _event_actors(actor_tokens, actors, acting=True, where=where)
    recipient_tokens = cand.recipient_tokens if cand.recipient_tokens is not None else _with_conjuncts(_recipient_token(token))
    recipient_tokens = [t for t in recipient_tokens if not records_containing(times, t.idx, t.idx + 1)]  # "on Sunday"
    recipient = _event_actors(recipient_tokens, actors)
    actor_spans = {(a.start, a.code) for a in actor}
    recipient = [r for r in recipient if (r.start, r.code) not in actor_spans]
    date, background = _event_date(token, sent, times, anchor)
    acled = _acled(cand, sent)
    return Event(
        id=f"e{number}",
        trigger=trigger,
        sentence=sentence,
        mentions=sorted(mentions, key=lambda m: m.trigger.start),
        plover=Plover(type=cand.type, mode=cand.mode, context=list(cand.context)),
        cameo=cand.cameo,
        acled=Acled(event_type=acled[0], sub_event_type=acled[1]) if acled else None,
        actor=actor,
        recipient=recipient,
        location=location,
        date=date,
        background=background,
    )


def _event_location(token: Token, sent: Span, places: list[Place], main_place: int | None) -> EventLocation:
    """Where the clause puts the event, with ACLED's geo-precision; else the report's main town, at precision 3."""
    in_sentence = [(i, places[i]) for i in starting_between(places, sent.start_char, sent.end_char) if places[i].lat is not None]
    obj = _object_token(token)
    scored = []
    for i, p in in_sentence:
        span = sent.doc.char_span(p.start, p.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        if head.pos_ == "ADJ" or head.dep_ == "amod":
            continue  # "Ukrainian forces": whose, not where
        prep = head.head if head.dep_ == "pobj" else None
        score = 0.0
        if obj is not None and p.start <= obj.idx < p.end:
            score += 5
        if prep is not None and prep.lower_ in LOCATIVE and _governs(token, prep):
            score += 4
        elif prep is not None and prep.lower_ in LOCATIVE:
            score += 2
        if head.dep_ in ("nsubj", "nsubjpass", "poss") or (p.feature == "A" and head.dep_ == "compound"):
            score -= 3  # "Moscow seized", "Kyiv's army": who, not where
        if p.feature == "A" and p.admin1 is None:
            score -= 1  # a country is the vaguest answer
        score -= abs(p.start - token.idx) / 400
        scored.append((score, i, p, prep))
    if scored:
        score, i, p, prep = max(scored, key=lambda s: s[0])
        if score > -2:
            precision = _geo_precision(p)
            if prep is not None and prep.lower_ in NEAR and precision == 1:
                precision = 2
            return EventLocation(place=i, precision=precision)
    if main_place is not None:
        # Only a guess: a report datelined in Washington is often about events far from it.
        return EventLocation(place=main_place, precision=3)
    return EventLocation()


def _geo_precision(p: Place) -> int:
    """ACLED geo_precision of a place: 1 a town or site, 2 a district or local feature, 3 a region or country."""
    if p.feature in ("P", "S"):
        return 1
    if p.feature == "A":
        return 2 if p.admin1 and p.name != p.admin1 else 3
    return 2 if p.country else 3


def _governs(head: Token, token: Token) -> bool:
    t = token
    for _ in range(8):
        if t is head:
            return True
        if t.head is t:
            return False
        t = t.head
    return False


def _main_place(places: list[Place]) -> int | None:
    """The populated place a report is mostly about: its dateline town, else one named twice or more."""
    towns = [(i, p) for i, p in enumerate(places) if p.feature == "P" and p.geonameid is not None]
    if not towns:
        return None
    first_i, first = towns[0]
    if first.start <= 2:
        return first_i  # "KYIV, Ukraine (AP) —": the dateline
    counts: dict[int, list[int]] = {}
    for i, p in towns:
        counts.setdefault(p.geonameid, []).append(i)
    best = max(counts.values(), key=len)
    return best[0] if len(best) >= 2 else None


def _event_date(token: Token, sent: Span, times: list[Time], anchor: dt.date | None) -> tuple[EventDate, bool]:
    """The event's date from its own time expression, else from the dateline and the clause's tense."""
    from .times import clause_tense  # the times stage owns the tense reading
    dateline_end = _dateline_end(sent)
    in_sentence = [times[k] for k in starting_between(times, sent.start_char, sent.end_char) if times[k].start >= dateline_end]
    dates = [t for t in in_sentence if t.type in ("DATE", "TIME") and _parse_value(t.value)]
    # "<a day> after <ordering>": the event inside the after-phrase lies that long before the clause's date.
    for t in in_sentence:
        if t.type != "DURATION" or anchor is None:
            continue
        follow = sent.doc.char_span(t.end, sent.end_char, alignment_mode="expand")
        if follow is None or not len(follow) or follow[0].lower_ not in ("after", "before"):
            continue
        rel = follow[0]
        scope_end = rel.head.right_edge.i if rel.dep_ == "mark" else rel.right_edge.i  # "after Moscow ordered it"
        if rel.i < token.i <= scope_end:
            ref = _parse_value(dates[0].value) if dates else anchor
            shift = _duration_days(t.value)
            if ref and shift is not None:
                day = ref - dt.timedelta(days=shift) if rel.lower_ == "after" else ref + dt.timedelta(days=shift)
                return EventDate(value=day.isoformat(), precision=1, text=doc_text(sent.doc)[t.start:rel.idx + len(rel)]), _is_background(day, anchor)
    def clause_verb(tok: Token) -> Token:
        for _ in range(12):
            if tok.pos_ in ("VERB", "AUX") or tok.head == tok:
                break
            tok = tok.head
        return tok

    def rank(t: Time) -> tuple[int, int]:
        # Its own expression first, then one in its clause, then one of a clause it is part of, then the
        # sentence's; a date in a relative or adverbial clause ("Crimea, which Moscow seized in 2014") is another event's.
        span = token.doc.char_span(t.start, t.end, alignment_mode="expand")
        if _attached(token, t):
            closeness = 0
        elif span is not None and clause_verb(span.root) == clause_verb(token):
            closeness = 1
        elif span is not None and clause_verb(span.root) in clause_verb(token).ancestors:
            closeness = 2
        elif span is not None and (clause_verb(span.root).dep_ not in ("relcl", "acl", "advcl") or _caption_date(span)):
            closeness = 3
        else:
            closeness = 4
        return closeness, abs(t.start - token.idx)
    def of_reporting(t: Time) -> bool:
        # "..., the governor said on Tuesday": the day of the saying, not of the deed.
        span = token.doc.char_span(t.start, t.end, alignment_mode="expand")
        verb = clause_verb(span.root) if span is not None else None
        return verb is not None and verb != clause_verb(token) and verb.lemma_.lower() in _grammar()["modality"]["speech"]
    def deadline(t: Time) -> bool:
        # "a goal by 2050", "$600bn by 2027", "a 2030 target": when something is due, not when it happened.
        span = token.doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None:
            return False
        root = span.root
        modality = _grammar()["modality"]
        return ((root.dep_ == "pobj" and root.head.lower_ in modality["deadline_prepositions"])
                or (root.dep_ in ("compound", "nmod", "amod", "nummod", "poss")
                    and root.head.lemma_.lower() in modality["deadline_nouns"]))
    # A deed the report reckons from or sets the war's start by, and one told as before its clause ("claims to
    # have annexed"), takes no date of the clause around it: "Wednesday marked six months since Russia invaded".
    backdrop = _backdrop(token, clause_verb(token))
    own_only = backdrop or _perfect_infinitive(token)
    dates = [t for t in dates if rank(t)[0] < (2 if own_only else 4) and not of_reporting(t) and not deadline(t)]
    refs = [t for t in in_sentence if t.type in ("DATE", "TIME") and t.value.endswith("_REF") and rank(t)[0] < 2]
    if dates or refs:
        best = min(dates + refs, key=rank)
        if best in refs:
            if anchor is not None:  # "now", "recently": the dateline, as sharp as the word
                return EventDate(value=anchor.isoformat(), precision=1 if best.value == "PRESENT_REF" else 3, text=best.text), False
        else:
            value = best.value.split("T")[0]
            precision = 1 if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else 2 if "-W" in value else 3
            return EventDate(value=value, precision=precision, text=best.text), _is_background(_parse_value(value), anchor)
    if anchor is None:
        return EventDate(), backdrop
    # No expression of its own: the dateline's day, looser for what the clause tells as done or to come.
    tense = clause_tense(sent.doc, token.idx)
    return EventDate(value=anchor.isoformat(), precision={"present": 1, "past": 2}.get(tense, 3), text=None), backdrop


def _caption_date(span: Span) -> bool:
    """A date that closes its sentence right after a place, as a photo caption ends ("... in Sievierodonetsk, Luhansk
    region, Ukraine April 16, 2022."): the day of the whole picture, whichever clause the parser hangs it on."""
    sent = span.sent
    if any(not t.is_punct for t in sent.doc[span.end:sent.end]):
        return False
    before = span.doc[span.start - 1] if span.start > sent.start else None
    if before is not None and before.text == "," and before.i > sent.start:
        before = span.doc[before.i - 1]
    return before is not None and before.ent_type_ in ("GPE", "LOC") and before.text[:1].isupper()


def _backdrop(token: Token, verb: Token) -> bool:
    """The past a report recalls rather than a deed it reports: what it reckons time from ("six months since
    Russian forces invaded") and what it dates by the war's start ("captured in the early weeks of its
    campaign", "at the start of the invasion", "early in the war")."""
    modality = _grammar()["modality"]
    if any(c.dep_ == "mark" and c.lower_ in modality["backdrop_marks"] for c in verb.children):
        return True

    def of_war(noun: Token) -> bool:
        return any(p.dep_ == "prep" and p.lower_ == "of" and any(
            w.dep_ == "pobj" and w.lemma_.lower() in modality["war_nouns"] for w in p.children) for p in noun.children)

    for word in {token, verb}:
        for c in word.children:
            objects = [o for o in c.children if o.dep_ == "pobj"] if c.dep_ == "prep" else []
            if any(o.lemma_.lower() in modality["war_start_nouns"] and of_war(o) for o in objects):
                return True  # "in the first days of the invasion"
            if c.dep_ == "advmod" and c.lower_ == "early" and any(
                    p.dep_ == "prep" and p.lower_ == "in" and any(
                        o.dep_ == "pobj" and o.lemma_.lower() in modality["war_nouns"] for o in p.children)
                    for p in c.children):
                return True  # "early in the war"
    return False


def _perfect_infinitive(token: Token) -> bool:
    """"to have annexed": a deed before the time of the clause that tells it, so not on that clause's day."""
    auxiliaries = {c.lower_ for c in token.children if c.dep_ == "aux"}
    return token.tag_ == "VBN" and {"to", "have"} <= auxiliaries


def _outside_dateline(actor_tokens: list[Token], token: Token, sent: Span, actors: list[Actor]) -> list[Token]:
    """The dateline town is never an actor. The parse often makes "KYIV, Ukraine, June 28 - Russian
    missiles hit ..." the town's doing; the actor is then the coded party named before the verb."""
    dateline_end = _dateline_end(sent)
    if dateline_end == sent.start_char:
        return actor_tokens
    kept = [t for t in actor_tokens if t.idx >= dateline_end]
    # Before the verb whose subject the dateline took: "..., killing five" shares the strike's subject.
    dropped = [t for t in actor_tokens if t.idx < dateline_end]
    if kept or (token.pos_ != "VERB" and not dropped):
        return kept
    verb = min((t.head for t in dropped if t.head.i <= token.i), key=lambda v: v.i, default=token)
    before = [a for a in (actors[k] for k in starting_between(actors, dateline_end, verb.idx)) if a.end <= verb.idx and a.country]
    span = sent.doc.char_span(before[-1].start, before[-1].end, alignment_mode="expand") if before else None
    return [span.root] if span is not None else []


# "KYIV, Ukraine, June 28 (Reuters) -", or the town alone before a long dash: "LONDON -- ".
DATELINE = re.compile(r"[A-Z][A-Z .'’-]+,[^\n]{0,60}?\s[-—–]+\s|[A-Z]{3,}(?: [A-Z]{3,})*\s(?:--|—)\s")


def _dateline_end(sent: Span) -> int:
    """Where a sentence's dateline ("KYIV, Ukraine, June 28 (Reuters) -") ends: its date is the day of
    writing, not the day of the event."""
    m = DATELINE.match(sent.text)
    return sent.start_char + m.end() if m else sent.start_char


def _attached(token: Token, t: Time) -> bool:
    """Whether the time expression sits in the trigger's own phrase."""
    span = token.doc.char_span(t.start, t.end, alignment_mode="expand")
    return span is not None and _governs(token, span.root)


def _parse_value(value: str) -> dt.date | None:
    """The first day a TIMEX3 value covers: a day, week, weekend, month, quarter, season or year."""
    value = value.split("T")[0] if re.match(r"\d{4}-\d\d-\d\dT", value) else value
    try:
        week = week_date(value, 1)
        if week:
            return week
        m = re.fullmatch(r"(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)", value)
        if m:
            month = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7, "SP": 3, "SU": 6, "FA": 9, "WI": 12}[m[2]]
            return dt.date(int(m[1]), month, 1)
        m = re.fullmatch(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", value)
        if m:
            return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None
    return None


def _duration_days(value: str) -> int | None:
    """A TIMEX3 duration in whole days (months as 30, years as 365), or None when vague or under a day."""
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if not m:
        return None
    return int(m[1]) * {"D": 1, "W": 7, "M": 30, "Y": 365}[m[2]]


def _is_background(day: dt.date | None, anchor: dt.date | None) -> bool:
    """Whether a date lies more than BACKGROUND_DAYS before the dateline."""
    return bool(day and anchor and (anchor - day).days > BACKGROUND_DAYS)
