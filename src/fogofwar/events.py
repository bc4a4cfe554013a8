"""Events: who did what to whom, where and when, coded in PLOVER, CAMEO and ACLED.

Triggers are verb and noun lemmas from data/events.json, narrowed by what the
parse shows (a particle, an object, the actor's sector). The actor is the
clause's subject (inherited through infinitives, gerunds and conjunctions),
the recipient its object; the location is the place the clause puts the
event at; the date comes from the clause's own time expression, else from
the dateline. Status and factuality are the claims stage's business.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import actor_at
from .lexicons import load_table
from .models import Acled, Actor, Event, EventActor, EventDate, EventLocation, Place, Plover, SourceDocument, Span as TextSpan, Time
from .spans import inside_any

__all__ = ["find_events", "Trigger", "load_triggers", "acled_for_sentence"]

LOCATIVE = {"in", "at", "near", "from", "outside", "around", "throughout", "across", "inside", "on", "into", "over", "toward", "towards", "off", "along", "within", "of"}
NEAR = {"near", "outside", "around", "off"}
RELATIVE_PRONOUNS = {"which", "that", "who", "whom"}
SUBJECT_CLIMB_DEPS = {"xcomp", "conj", "advcl", "pcomp", "relcl", "acl", "ccomp", "appos", "attr", "dobj", "pobj", "npadvmod", "prep"}
BACKGROUND_DAYS = 30
ACLED_FAMILIES = {"ASSAULT", "COERCE", "PROTEST", "RETREAT", "MOBILIZE"}


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


@functools.cache
def load_triggers() -> dict[tuple[str, str], list[Trigger]]:
    """(lemma, VERB|NOUN) → triggers, from data/events.json."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    for row in load_table("events")["triggers"]:
        req = row.get("requires", {})
        trig = Trigger(row["lemma"], row["pos"], row["type"], row.get("mode"), row.get("cameo"),
                       tuple(row["acled"]) if row.get("acled") else None, tuple(row.get("context", [])),
                       frozenset(req.get("particle", [])), frozenset(req.get("object_any", [])),
                       bool(req.get("object_place")), frozenset(req.get("actor_sector", [])))
        table.setdefault((trig.lemma, trig.pos), []).append(trig)
    return table


@functools.cache
def _acled_rules() -> list[tuple[re.Pattern, str, str]]:
    return [(re.compile(p, re.I), et, sub) for p, et, sub in load_table("acled_keywords")["rules"]]


def acled_for_sentence(text: str) -> tuple[str, str] | None:
    """ACLED (event type, sub-event type) that the sentence's wording points to, if any."""
    for pattern, event_type, sub in _acled_rules():
        if pattern.search(text):
            return event_type, sub
    return None


def find_events(doc: Doc, source: SourceDocument, places: list[Place], times: list[Time],
                actors: list[Actor]) -> list[Event]:
    """Every event of a parsed document, with actor, recipient, place and date."""
    triggers = load_triggers()
    anchor = dt.date.fromisoformat(source.published) if source.published else None
    main_place = _main_place(places)
    events: list[Event] = []
    for sent in doc.sents:
        if inside_any(source.furniture, sent.start_char) or not sent.text.strip():
            continue
        found: list[tuple[Token, Trigger]] = []
        for token in sent:
            if any(t.start <= token.idx < t.end for t in times):
                continue  # "March 3": a date, not a march
            trig = _match_trigger(token, triggers, places, actors)
            if trig:
                found.append((token, trig))
        verb_types = {(t.i, trig.type) for t, trig in found if trig.pos == "VERB"}
        for token, trig in found:
            if trig.pos == "NOUN" and (token.head.i, trig.type) in verb_types:
                continue  # "launched an attack": one event, the verb's
            events.append(_build_event(len(events) + 1, token, trig, sent, places, times, actors, anchor, main_place))
    return events


def _match_trigger(token: Token, triggers, places: list[Place], actors: list[Actor]) -> Trigger | None:
    pos = "VERB" if token.pos_ == "VERB" else "NOUN" if token.pos_ in ("NOUN", "PROPN") else None
    if pos is None:
        return None
    for trig in triggers.get((token.lemma_.lower(), pos), []) + triggers.get((token.lower_, pos), []):
        if trig.particle and not any(c.dep_ == "prt" and c.lower_ in trig.particle for c in token.children):
            continue
        if trig.object_any and not (_object_words(token) & trig.object_any):
            continue
        if trig.object_place and not _object_is_place(token, places):
            continue
        if trig.actor_sector:
            actor = _subject_actor(token, actors)
            if actor is None or actor.sector not in trig.actor_sector:
                continue
        if pos == "VERB" and trig.type in ("THREATEN", "REJECT") and any(c.dep_ == "ccomp" for c in token.children):
            continue  # "warned that ...", "denied that ...": a claim, not a threat or rejection
        return trig
    return None


def _object_words(token: Token) -> set[str]:
    words = set()
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            words.update({child.lower_, child.lemma_.lower()})
            words.update(c.lower_ for c in child.children if c.dep_ in ("compound", "amod"))
        elif child.dep_ in ("prep", "prt", "dative"):
            words.add(child.lower_)
            words.update(g.lower_ for g in child.children if g.dep_ == "pobj")
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
    return any(p.start <= obj.idx < p.end or (obj.left_edge.idx <= p.start < obj.right_edge.idx + len(obj.right_edge))
               for p in places if p.lat is not None)


def _subject_token(token: Token) -> Token | None:
    """The subject of a verb, climbing through infinitives, gerunds, clauses and conjunctions."""
    current = token
    for _ in range(8):
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
    if token.dep_ in ("dobj", "pobj") and token.head.pos_ == "VERB":
        return _subject_token(token.head)
    return None


def _subject_actor(token: Token, actors: list[Actor]) -> Actor | None:
    subj = _noun_actor_token(token) if token.pos_ != "VERB" else _subject_token(token)
    if subj is None:
        return None
    return actor_at(actors, subj.idx, subj.idx + len(subj))


def _event_actor(tok: Token | None, actors: list[Actor], context: tuple[str, ...]) -> list[EventActor]:
    if tok is None:
        return []
    actor = actor_at(actors, tok.idx, tok.idx + len(tok))
    if actor is not None:
        return [EventActor(text=actor.text, code=actor.code, country=actor.country, sector=actor.sector,
                           start=actor.start, end=actor.end)]
    if tok.pos_ in ("PRON", "DET") or tok.is_stop:
        return []
    start = tok.left_edge.idx if tok.left_edge.i >= tok.sent.start else tok.idx
    end = tok.idx + len(tok)
    return [EventActor(text=tok.doc.text[start:end], start=start, end=end)]


def _recipient_token(token: Token) -> Token | None:
    if token.pos_ != "VERB":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("on", "against", "of"):
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
        return None
    obj = _object_token(token)
    if obj is not None:
        return obj
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "against", "with", "to"):
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _build_event(number: int, token: Token, trig: Trigger, sent: Span, places: list[Place], times: list[Time],
                 actors: list[Actor], anchor: dt.date | None, main_place: int | None) -> Event:
    end_token = token
    for child in token.children:
        if child.dep_ == "prt" and child.i > end_token.i:
            end_token = child
    trigger = TextSpan(start=token.idx, end=end_token.idx + len(end_token), text=sent.doc.text[token.idx: end_token.idx + len(end_token)])
    subj = _subject_token(token) if token.pos_ == "VERB" else _noun_actor_token(token)
    actor = _event_actor(subj, actors, trig.context)
    recipient = _event_actor(_recipient_token(token), actors, trig.context)
    if recipient and actor and recipient[0].start == actor[0].start:
        recipient = []
    date, background = _event_date(token, sent, times, anchor)
    acled = trig.acled
    if trig.type in ACLED_FAMILIES:
        acled = acled_for_sentence(sent.text) or acled
    return Event(
        id=f"e{number}",
        trigger=trigger,
        sentence={"start": sent.start_char, "end": sent.end_char},
        plover=Plover(type=trig.type, mode=trig.mode, context=list(trig.context)),
        cameo=trig.cameo,
        acled=Acled(event_type=acled[0], sub_event_type=acled[1]) if acled else None,
        actor=actor,
        recipient=recipient,
        location=_event_location(token, sent, places, main_place),
        date=date,
        background=background,
    )


def _event_location(token: Token, sent: Span, places: list[Place], main_place: int | None) -> EventLocation:
    """Where the clause puts the event, with ACLED's geo-precision; else the report's main town, as an area."""
    in_sentence = [(i, p) for i, p in enumerate(places) if sent.start_char <= p.start < sent.end_char and p.lat is not None]
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
        return EventLocation(place=main_place, precision=2)
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
    in_sentence = [t for t in times if sent.start_char <= t.start < sent.end_char]
    dates = [t for t in in_sentence if t.type in ("DATE", "TIME") and t.value[:1].isdigit()]
    # "<a day> after <ordering>": the event inside the after-phrase lies that long before the clause's date.
    for t in in_sentence:
        if t.type != "DURATION" or anchor is None:
            continue
        follow = sent.doc.char_span(t.end, sent.end_char, alignment_mode="expand")
        if follow is None or not len(follow) or follow[0].lower_ not in ("after", "before"):
            continue
        rel = follow[0]
        if rel.i < token.i <= rel.right_edge.i:
            ref = _parse_value(dates[0].value) if dates else anchor
            shift = _duration_days(t.value)
            if ref and shift is not None:
                day = ref - dt.timedelta(days=shift) if rel.lower_ == "after" else ref + dt.timedelta(days=shift)
                return EventDate(value=day.isoformat(), precision=1, text=sent.doc.text[t.start:rel.idx + len(rel)]), _is_background(day, anchor)
    if dates:
        best = min(dates, key=lambda t: (0 if _attached(token, t) else 1, abs(t.start - token.idx)))
        value = best.value.split("T")[0]
        precision = 1 if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else 2 if "-W" in value else 3
        day = _parse_value(value)
        return EventDate(value=value, precision=precision, text=best.text), _is_background(day, anchor)
    if anchor is None:
        return EventDate(), False
    return EventDate(value=anchor.isoformat(), precision=2, text=None), False


def _attached(token: Token, t: Time) -> bool:
    span = token.doc.char_span(t.start, t.end, alignment_mode="expand")
    return span is not None and _governs(token, span.root)


def _parse_value(value: str) -> dt.date | None:
    m = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?$", value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def _duration_days(value: str) -> int | None:
    m = re.fullmatch(r"P(\d+)([DWMY])", value)
    if not m:
        return None
    return int(m[1]) * {"D": 1, "W": 7, "M": 30, "Y": 365}[m[2]]


def _is_background(day: dt.date | None, anchor: dt.date | None) -> bool:
    return bool(day and anchor and (anchor - day).days > BACKGROUND_DAYS)
