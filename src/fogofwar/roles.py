"""Roles: who did what to whom, read from each mention's clause.

events.py takes the actor from a trigger's subject and the recipient from
its object. This stage completes them the way PLOVER and CAMEO coders do:
- a party's country from inside its phrase ("the radical Palestinian Islamic
  Jihad movement", "Druze inhabitants of the Syrian Golan Heights"), and two
  countries in one phrase as two parties ("Hungarian and Romanian officials");
- the target from the clause's frame when the object names no party: a
  preposition's object ("extradited ... to Britain", "threatened blows to the
  United States"), the subject of a demanded clause ("demanded that the US
  cancel"), the owner of a thing ("rejected a Senegalese peace plan"), the
  country of the place struck ("shelled Juba"), and for events a state does to
  its own people (protests, coercion) the actor's own country;
- the visitor as the actor of a visit ("Yeltsin hosted Hashimoto": Japan
  visits Russia).
What stays unknown stays unknown: a code is never taken from another clause.
"""
from __future__ import annotations

import bisect
import functools

from spacy.tokens import Doc, Token

from .actors import ActorDictionary, iso3
from .events import DATELINE, TOPIC_PREPOSITIONS, controlling_object, gerund_as_noun
from .gazetteer import Gazetteer, normalize_name
from .lexicons import load_table
from .models import Actor, Event, EventActor, Place
from .nlp import doc_text, sentence_of, sentences

__all__ = ["assign_roles", "in_own_clause"]


@functools.cache
def _table() -> dict:
    t = load_table("roles")
    return {k: frozenset(v) if isinstance(v, list) else v for k, v in t.items() if not k.startswith("_")}


class _Countries:
    """Which country a word, a phrase or a place names."""

    def __init__(self, doc: Doc, places: list[Place], actors: list[Actor], gazetteer: Gazetteer,
                 dictionary: ActorDictionary):
        self.doc, self.places, self.actors = doc, places, actors
        self._token_at: dict[int, Token] | None = None
        self.gazetteer, self.dictionary = gazetteer, dictionary
        # Mentions indexed by start offset: scanning every actor and place for each phrase made the
        # stage quadratic in the document's length (33 s on a 200,000-character text).
        self._actors_at: dict[int, list[Actor]] = {}
        for a in actors:
            self._actors_at.setdefault(a.start, []).append(a)
        self._places_at: dict[int, list[Place]] = {}
        for p in places:
            self._places_at.setdefault(p.start, []).append(p)
        self._actor_starts = sorted(a.start for a in actors)
        self._by_actor_start = sorted(actors, key=lambda a: a.start)
        self._place_starts = sorted(p.start for p in places)
        self._by_place_start = sorted(places, key=lambda p: p.start)
        self._actor_order = {id(a): k for k, a in enumerate(actors)}
        self._longest_actor = max((a.end - a.start for a in actors), default=0)
        tally: dict[str, int] = {}
        armed: dict[str, int] = {}
        for a in actors:
            if a.country and a.country not in ("IGO", "NGO"):
                tally[a.country] = tally.get(a.country, 0) + 1
                if a.sector == "MIL":
                    armed[a.country] = armed.get(a.country, 0) + 1
        self.armed = set(armed)
        top = sorted(armed, key=lambda c: (-armed[c], -tally[c]))[:3]
        # The two sides of the report's war: the two countries whose forces it names most, each named twice
        # or more, when a third country's forces are named less often (else the report is about more than
        # one conflict, or none).
        counts = [armed[c] for c in top]
        self.sides = (tuple(top[:2]) if len(top) >= 2 and all(tally[c] >= 2 for c in top[:2])
                      and (len(top) == 2 or counts[2] < counts[1]) else ())
        home = self._home()
        if home is not None:
            # A war is fought somewhere: the country most of the report's places lie in is one side, and the
            # other is the country whose forces the report names beside those places most often, not the
            # country whose troops it names most (a report of US policy on the war names US forces often).
            foe = self._fighting_on(home)
            if foe is not None:
                self.sides = (home, foe)

    def _home(self) -> str | None:
        """The country most of the report's towns and regions lie in (twice or more, and more than any other);
        country names and adjectives ("US", "Russian") do not count."""
        tally: dict[str, int] = {}
        for p in self.places:
            if p.country and p.lat is not None and p.admin1:
                tally[iso3(p.country)] = tally.get(iso3(p.country), 0) + 1
        ranked = sorted(tally.values(), reverse=True)
        if not ranked or ranked[0] < 2 or (len(ranked) > 1 and ranked[1] == ranked[0]):
            return None
        return max(tally, key=tally.get)

    def _fighting_on(self, home: str) -> str | None:
        """The foreign country whose forces the report names most often in sentences that name a place of
        `home` (twice or more)."""
        near: dict[str, int] = {}
        for sent in sentences(self.doc):
            here = self._within(self._place_starts, self._by_place_start, sent)
            if not any(p.country and p.lat is not None and iso3(p.country) == home for p in here):
                continue
            for a in self._within(self._actor_starts, self._by_actor_start, sent):
                if a.sector == "MIL" and a.country and a.country not in (home, "IGO", "NGO"):
                    near[a.country] = near.get(a.country, 0) + 1
        best = max(near, key=lambda c: (near[c], c), default=None)
        return best if best is not None and near[best] >= 2 else None

    @functools.cached_property
    def _place_countries(self) -> dict[str, int]:
        """How many of the report's places lie in each country, counted once per document."""
        tally: dict[str, int] = {}
        for p in self.places:
            if p.country and p.lat is not None:
                country = iso3(p.country)
                tally[country] = tally.get(country, 0) + 1
        return tally

    def where_it_is(self, besides: set) -> str | None:
        """The country most of the report's places lie in (twice or more), other than those given."""
        tally = {c: n for c, n in self._place_countries.items() if c and c not in besides}
        best = max(tally, key=lambda c: (tally[c], c), default=None)
        return best if best is not None and tally[best] >= 2 else None

    def other_side(self, one: set) -> str | None:
        """In a report of one war, the side that is not the one country given."""
        if len(one) != 1 or not self.sides or not one <= set(self.sides):
            return None
        return next(c for c in self.sides if c not in one)

    def covering(self, idx: int) -> Actor | None:
        """The first actor mention, in the stage's order, whose span holds a character offset."""
        lo = bisect.bisect_left(self._actor_starts, idx - self._longest_actor)
        hi = bisect.bisect_right(self._actor_starts, idx)
        found = [a for a in self._by_actor_start[lo:hi] if a.start <= idx < a.end]
        return min(found, key=lambda a: self._actor_order[id(a)]) if found else None

    def of_word(self, token: Token) -> str | None:
        if not token.text[:1].isupper():
            return None
        key = normalize_name(token.text)
        if key in self.dictionary.people:
            return None
        code = self.dictionary.names.get(key)
        if code:
            return code[:3]
        iso2 = self.gazetteer.demonym_country(token.text)
        if iso2:
            return iso3(iso2)
        return self.dictionary.demonyms.get(key)

    def in_phrase(self, root: Token, with_parties: bool = True, with_places: bool = True) -> list[str]:
        """Countries the phrase headed by `root` names, in text order: its own modifiers first ("the
        Turkish and Greek sides of ... Cyprus" is Turkey's and Greece's), else coded parties, places and
        demonyms anywhere in it (not in a clause of its own)."""
        own = [t for c in root.children if c.dep_ in ("amod", "compound", "poss", "nmod") for t in c.subtree]
        return (self.countries_of(own + [root], with_parties, with_places)
                or self.countries_of(self._phrase_tokens(root), with_parties, with_places))

    def own_modifiers(self, root: Token) -> list[str]:
        """Countries only the phrase's own modifiers name ("Russian attacks", not "attacks on Kyiv")."""
        own = [t for c in root.children if c.dep_ in ("amod", "compound", "poss", "nmod")
               and not (c.dep_ == "compound" and c.pos_ == "PROPN" and self.town_at(c)) for t in c.subtree]
        return self.countries_of(own + [root])  # (not "the Kremenchuk strike": a town is where, not whose)

    def sole_in_sentence(self, token: Token) -> list[str]:
        """The one country the token's sentence names (places and coded parties), if only one."""
        sent = sentence_of(token)
        found = {a.country for a in self._within(self._actor_starts, self._by_actor_start, sent)
                 if a.country and not self._at_border(a.start)}
        found |= {iso3(p.country) for p in self._within(self._place_starts, self._by_place_start, sent)
                  if p.country and p.lat is not None and not self._at_border(p.start)}
        found.discard(None)
        return sorted(found) if len(found) == 1 else []

    def _at_border(self, start: int) -> bool:
        """"the Polish border", "the border with Poland": a country named to say where, not whose."""
        if self._token_at is None:
            self._token_at = {t.idx: t for t in self.doc}
        tok = self._token_at.get(start)
        if tok is None:
            return False
        head = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "with" else tok.head
        return head.lemma_.lower() in ("border", "frontier") and head is not tok

    @staticmethod
    def _within(starts: list[int], items: list, sent) -> list:
        return items[bisect.bisect_left(starts, sent.start_char):bisect.bisect_left(starts, sent.end_char)]

    @staticmethod
    def _phrase_tokens(root: Token) -> list[Token]:
        out, skip = [], set()
        for t in root.subtree:
            if t.i in skip:
                continue
            if t.dep_ in ("relcl", "acl", "advcl", "ccomp"):
                skip.update(x.i for x in t.subtree)
                continue
            out.append(t)
        return out

    def town_at(self, tok: Token) -> bool:
        """Whether the word starts a town (not a country or region) the gazetteer placed."""
        return any(p.feature == "P" and p.lat is not None for p in self._places_at.get(tok.idx, ()))

    def countries_of(self, tokens: list[Token], with_parties: bool = True, with_places: bool = True) -> list[str]:
        found: list[tuple[int, str]] = []
        at = {}
        for t in tokens:
            at.setdefault(t.idx, t)
        for start in at if with_parties else ():
            found.extend((a.start, a.country) for a in self._actors_at.get(start, ()) if a.country)
        for start, tok in at.items() if with_places else ():
            for p in self._places_at.get(start, ()):
                if p.country and p.lat is not None and tok.ent_type_ != "PERSON" and not _money(tok):
                    found.append((p.start, iso3(p.country)))
        for t in tokens:
            if t.i > 0 and t.doc[t.i - 1].lower_ in ("pro", "anti") or t.lower_.startswith(("pro-", "anti-")):
                continue  # "pro-Iranian Hizbollah" is not Iran's
            c = self.of_word(t)
            if c:
                found.append((t.idx, c))
        out: list[str] = []
        for _, c in sorted(found):
            if c and c not in out:
                out.append(c)
        return out


def _money(tok: Token) -> bool:
    """"US $50 million": a currency, not a place."""
    return tok.ent_type_ == "MONEY" or any(t.ent_type_ == "MONEY" for t in tok.head.children if t.i == tok.i + 1)


def assign_roles(doc: Doc, mentions: list[Event], places: list[Place], actors: list[Actor],
                 gazetteer: Gazetteer, dictionary: ActorDictionary) -> list[Event]:
    """Each mention with its actor and recipient completed from its clause."""
    countries = _Countries(doc, places, actors, gazetteer, dictionary)
    return [_complete(doc, m, countries, places) for m in mentions]


def _token(doc: Doc, start: int | None, end: int | None) -> Token | None:
    if start is None or end is None:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _complete(doc: Doc, m: Event, countries: _Countries, places: list[Place]) -> Event:
    trigger = _token(doc, m.trigger.start, m.trigger.end)
    if trigger is None:
        return m
    table = _table()
    actor = _with_countries(doc, m.actor, countries)
    recipient = _with_countries(doc, m.recipient, countries)
    unsaid_actor = trigger.dep_ == "acl" and trigger.tag_ == "VBN" and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "agent") for c in trigger.children)  # "that Moscow may have attacked"
    if unsaid_actor:
        # "two Brazilian men accused of smuggling": who accuses is not said; the men are the accused.
        actor, recipient = [], _phrase_parties(trigger.head, countries, set()) or recipient
    if _quoted_third_party(doc, trigger, actor):
        actor = []
    listed = _listed_verb_subject(trigger)
    if listed is not None and not _subject_inside(actor, listed):
        actor = _phrase_parties(listed, countries, set()) or actor
    undergone = False
    if m.plover.type == "ASSAULT":
        actor = _weapon_of_neither_side(actor, countries)
        actor = [a for a in actor if not _number_only(a)]  # "4,735 injured": the count is of the victims
        recipient = recipient or _what_the_participle_describes(trigger)
        actor, recipient = _passive_patient(doc, trigger, actor, recipient, countries)
        actor = _no_agent_no_actor(trigger, actor)
        actor, recipient = _possessed_victim(doc, trigger, actor, recipient)
        actor = _weapon_users(doc, actor, countries)
        actor, recipient, undergone = _undergoers(doc, trigger, actor, recipient, countries)
        actor, recipient = _place_compound_target(doc, trigger, actor, recipient)
        recipient = _past_the_weapon(doc, trigger, recipient)
    actor = [a for a in actor if not _deed_not_doer(doc, a) and not _town_of_the_deed(doc, a, countries)]
    if m.plover.type == "ASSAULT" and trigger.dep_ == "acl":
        actor = _attack_from(trigger, countries) or actor  # "knew of Russia's plan to invade": Russia's plan
    if m.plover.type == "ASSAULT" and not _known(actor):
        actor = (_attack_from(trigger, countries) or _nested_attackers(doc, m, trigger, countries)
                 or _attack_by(trigger, countries) or _launched_from(trigger, countries) or actor)
    own_place = _own_place(doc, m, places, trigger)
    if own_place is not None and any(a.start is not None and a.end is not None and a.start <= own_place.start < a.end
                                     for a in actor):
        own_place = None  # "destroyed by Russia": the doer named as a place is not where it was done
    if own_place is not None and any(s <= own_place.start < e for s, e in _means_spans(trigger)):
        own_place = None  # "weapons provided by the United States" say whose weapons, not where
    if not actor and not unsaid_actor and not undergone:
        actor = _subject_party(trigger, countries, m.plover.type == "ASSAULT")
    elif _known(actor):
        actor = actor + _conjoined_subjects(trigger, actor, countries)
    recipient = [r for r in recipient if not _own_belonging(r, actor)]
    recipient = _victims_where_struck(doc, recipient, actor, m, places, countries)
    if m.plover.type == "ASSAULT":
        actor = _not_the_targets_country(doc, actor, recipient, countries)
    if not _known(recipient):
        recipient = _frame_targets(trigger, countries, {a.country for a in actor}, m.plover.type) or recipient
        if {a.country for a in actor} & set(countries.sides):
            # In a report of one war, a target the frame found is not the attacker's own either.
            recipient = _victims_where_struck(doc, recipient, actor, m, places, countries)
    if m.plover.type == "ASSAULT":
        recipient = _not_own_soil(doc, recipient, actor, countries)
        recipient = _invaded(trigger, actor, recipient, countries) or recipient
    place_target = m.plover.type in table["place_target_types"] | table["domestic_types"] or (
        m.plover.type == "CONSULT" and trigger.lemma_.lower() in table["visit_verbs"])
    if (trigger.lemma_.lower() in table["combat_verbs"] and own_place is not None
            and iso3(own_place.country) not in countries.sides):
        # "fought in Syria" in a report of the war in Ukraine: where they fought, not whom. (On a side's own soil
        # the frame stands: fighting in Kharkiv is the other side's against Ukraine.)
        place_target = False
    if m.plover.type == "ASSAULT":
        recipient = _civilian_objects(doc, recipient, own_place or _sentence_place(m, places), actor, countries)
    if not _known(recipient) and own_place is not None and place_target and not (
            m.plover.type == "ASSAULT" and iso3(own_place.country) in {a.country for a in actor} & set(countries.sides)):
        # (In a report of one war, a side fighting on its own soil strikes the other side, not its own country.)
        recipient = [_party(own_place.name or own_place.text, iso3(own_place.country))]
    stated_party = any(a.sector not in (None, "UAF", "MIL", "GOV") for a in actor)  # "protesters attacked"
    # A report's war frames its own days, not what it recalls from years before ("a Russian warplane was shot
    # down on the Syrian border in 2015").
    now = not m.background
    if (m.plover.type == "ASSAULT" and now and not _known(actor) and not unsaid_actor and not _modal(trigger)
            and not stated_party):
        actor = _unnamed_other_side(recipient, countries) or actor
    foreign_forces = m.plover.type == "ASSAULT" and own_place is not None and bool(
        countries.armed - {iso3(own_place.country)})  # a report of another country's forces: it may be theirs
    if (not actor and own_place is not None and m.plover.type in table["unnamed_actor_sectors"] and _passive(trigger)
            and not foreign_forces):
        # "was killed in a car bomb in Beirut", "was arrested in Italy": an unnamed party of that country,
        # as ACLED codes an unidentified armed group or the police of the country.
        country = iso3(own_place.country)
        sector = table["unnamed_actor_sectors"][m.plover.type]
        actor = [_party(f"unnamed ({own_place.name or own_place.text})", country, sector)]
    if m.plover.type == "ASSAULT" and now and not _known(recipient):
        recipient = _the_other_side(recipient or ([_party("", None)] if own_place is not None else []), actor, countries)
        recipient = [r for r in recipient if r.country or r.text]
    if m.plover.type == "ASSAULT" and now and not recipient and not _modal(trigger):
        recipient = _attacked_side(actor, countries)
    home = own_place or _sentence_place(m, places)
    if not _known(actor) and home is not None and m.plover.type in table["domestic_types"]:
        actor = [a.model_copy(update={"country": iso3(home.country),
                                      "code": iso3(home.country) + (a.sector or "")}) for a in actor] or actor
    if not _known(actor) and _known(recipient) and m.plover.type in table["local_actor_types"]:
        # Protesters against a country's government are, unless told otherwise, its people.
        actor = [a.model_copy(update={"country": recipient[0].country, "code": recipient[0].country + (a.sector or "")})
                 for a in actor] or [_party("protesters", recipient[0].country)]
    if not _known(recipient) and m.plover.type in table["domestic_types"] and _known(actor):
        recipient = [_party(actor[0].text, actor[0].country)]
    if trigger.lemma_.lower() in table["host_verbs"] and m.plover.type == "CONSULT" and _known(recipient):
        actor, recipient = recipient, actor  # the visitor is the actor of a visit
    if m.plover.type == "ASSAULT":
        actor = [_people_at_arms(doc, a) for a in actor]
        if trigger.lemma_.lower() in table["combat_verbs"]:
            recipient = [_people_at_arms(doc, r) for r in recipient]  # "battling Russians": their forces
        recipient = _past_the_weapon(doc, trigger, recipient)  # the frame's with-phrase may be the means
        recipient = _not_the_allies(trigger, recipient)
        recipient = [_the_city_not_its_government(r, places) for r in recipient]
        if countries.sides:
            recipient = _the_foe_not_ourselves(recipient, actor, countries)
            recipient = _weapons_made_elsewhere(doc, recipient, actor, countries)
            actor = _weapons_made_elsewhere(doc, actor, recipient, countries)
    actor_keys = {(a.code, a.start) for a in actor}
    actor_spans = [(a.start, a.end) for a in actor if a.start is not None and a.end is not None]
    # "destroyed by Russia": the agent's own words are not also the target.
    recipient = [r for r in recipient if (r.code, r.start) not in actor_keys and not (
        m.plover.type == "ASSAULT" and r.start is not None and any(s <= r.start < e for s, e in actor_spans))]
    if m.plover.type in table["symmetric_types"] and not _known(recipient) and len({a.country for a in actor if a.country}) > 1:
        # "Brazil and the United States deepen a partnership": each side acts towards the other.
        recipient = actor[1:] + actor[:1]
    return m.model_copy(update={"actor": _not_by_relation(doc, actor), "recipient": _not_by_relation(doc, recipient)})


def _quoted_third_party(doc: Doc, trigger: Token, actor: list[EventActor]) -> bool:
    """"'They are hitting homes,' Zelensky said": in a quotation "they" or "it" is someone the speaker
    talks about, never the speaker (who would say "we"), so the quoted deed's actor is not the speaker."""
    subject = _subject(trigger)
    if subject is None or subject.lower_ not in _table()["third_person_pronouns"] or not actor:
        return False
    text = doc_text(doc)
    if not _in_quotation(text, trigger.idx):
        return False
    return all(a.start is not None and not _in_quotation(text, a.start) for a in actor)


def _in_quotation(text: str, offset: int) -> bool:
    """Whether an offset lies inside quotation marks opened earlier in its paragraph."""
    start = text.rfind("\n", 0, offset) + 1
    before = text[start:offset]
    curly = before.count("\u201c") - before.count("\u201d")
    return curly > 0 or before.count('"') % 2 == 1


def _passive_patient(doc: Doc, trigger: Token, actor: list[EventActor], recipient: list[EventActor],
                     countries: _Countries) -> tuple[list[EventActor], list[EventActor]]:
    """"Abelen is believed to have been shot": the subject a passive participle inherits from the verb it
    depends on is who was shot, not who shot; only a by-phrase names the actor."""
    # "civilians have been confirmed killed": a bare participle completing a passive is passive too.
    bare = (trigger.tag_ == "VBN" and trigger.dep_ in ("xcomp", "oprd")
            and any(c.dep_ == "nsubjpass" for c in trigger.head.children))
    if trigger.pos_ != "VERB" or not (bare or any(c.dep_ == "auxpass" for c in trigger.children)) or any(
            c.dep_ in ("agent", "nsubjpass", "nsubj") for c in trigger.children):
        return actor, recipient
    if trigger.dep_ not in ("xcomp", "ccomp", "conj", "oprd") or trigger.head.pos_ not in ("VERB", "AUX"):
        return actor, recipient
    subject = next((c for c in trigger.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return actor, recipient
    span = _span_of(subject)
    patients = [a for a in actor if _inside(a, span)]
    if not patients:
        return actor, recipient
    return [a for a in actor if a not in patients], patients


def _no_agent_no_actor(trigger: Token, actor: list[EventActor]) -> list[EventActor]:
    """"Ukrainians getting bombed", "villages have been destroyed": a passive without a by-phrase does not
    say who did it, whatever subject the clause above it has."""
    passive = lambda v: v.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in v.children)
    if trigger.pos_ != "VERB" or not (passive(trigger) or (trigger.dep_ == "conj" and trigger.tag_ == "VBN"
                                                             and passive(trigger.head))):
        return actor  # ("getting bombed and killed": the conjunct shares the passive)
    if any(c.dep_ == "agent" for c in trigger.children):
        return actor
    own = _span_of(trigger)
    return [a for a in actor if _inside(a, own)]


def _possessed_victim(doc: Doc, trigger: Token, actor: list[EventActor],
                      recipient: list[EventActor]) -> tuple[list[EventActor], list[EventActor]]:
    """"the official's murder", "Abe's assassination": a person owning a killing or capture is its victim
    ("Russia's invasion" stays Russia's deed)."""
    if trigger.pos_ not in ("NOUN", "PROPN") or trigger.lemma_.lower() not in _table()["victim_nouns"]:
        return actor, recipient
    owners = [c for c in trigger.children if c.dep_ == "poss"
              and (c.ent_type_ == "PERSON" or c.lemma_.lower() in _table()["person_heads"])]
    moved = [a for a in actor if any(_inside(a, _span_of(o)) for o in owners)]
    if not moved:
        return actor, recipient
    return [a for a in actor if a not in moved], recipient if _known(recipient) else moved


def _not_own_soil(doc: Doc, recipient: list[EventActor], actor: list[EventActor],
                  countries: _Countries) -> list[EventActor]:
    """"Ukrainian troops hit a bridge in Kherson", "the Ukrainian military shelled the city of Makeevka": in
    a report of one war, a side striking a place of its own country strikes the other side there, unless
    the target's phrase names its own side ("Ukrainian positions")."""
    attacker = {a.country for a in actor if a.country}
    other = countries.other_side(attacker)
    if other is None:
        return recipient
    out = []
    for r in recipient:
        military = r.sector in (None, "MIL", "GOV", "UAF")  # civilians are where they live, whoever holds it
        root = _token(doc, r.start, r.end) if r.country in attacker and military else None
        if root is not None and r.country not in countries.in_phrase(root, with_places=False):
            r = r.model_copy(update={"country": other, "code": other + (r.sector or "")})
        out.append(r)
    return out


def _attack_from(trigger: Token, countries: _Countries) -> list[EventActor]:
    """"a barrage of attacks from Russia": the party an attack noun comes from is its actor; so is the one
    a plan or threat to attack comes from ("threats from Kyiv to attack Crimea", "Moscow's plan to strike")."""
    if trigger.pos_ == "VERB" and trigger.dep_ == "acl" and trigger.head.pos_ == "NOUN":
        noun = trigger.head
        sources = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                   if g.dep_ == "pobj"] + [c for c in noun.children if c.dep_ == "poss"]
        return [p for g in sources if g.pos_ == "PROPN" or countries.covering(g.idx) is not None
                for p in _phrase_parties(g, countries, set())]
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return []
    sources = [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from"
               for g in c.children if g.dep_ == "pobj"]
    return [p for g in sources if g.pos_ == "PROPN" or countries.covering(g.idx) is not None
            for p in _phrase_parties(g, countries, set())]


def _attack_by(trigger: Token, countries: _Countries) -> list[EventActor]:
    """"wounded in a missile strike by Russia", "a strike by Russia", "the destruction left by Russian troops": who
    an attack noun is by is its actor."""
    nouns = [trigger] if trigger.pos_ in ("NOUN", "PROPN") else [
        g for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("in", "during", "after", "by")
        for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in _event_nouns()]
    sources = [g for n in nouns for c in n.children if c.dep_ == "prep" and c.lower_ == "by"
               for g in c.children if g.dep_ == "pobj"]
    # "the destruction left by Russian troops", "damage caused by Russia": the one who left or caused it.
    inflicting = _table()["infliction_verbs"]
    holders = nouns + [n.head.head for n in nouns if n.dep_ == "pobj" and n.head.lower_ == "of"
                       and n.head.head.pos_ == "NOUN"]  # "a state of destruction left by": the parse hangs it on "state"
    sources += [g for n in holders for acl in n.children if acl.dep_ == "acl" and acl.tag_ == "VBN"
                and acl.lemma_.lower() in inflicting
                for c in acl.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    return [p for g in sources if g.pos_ == "PROPN" or countries.covering(g.idx) is not None
            for p in _phrase_parties(g, countries, set())]


def _nested_attackers(doc: Doc, m: Event, trigger: Token, countries: _Countries) -> list[EventActor]:
    """"damaged during a Russian missile attack": the attack noun nested in the clause names who struck."""
    out: list[EventActor] = []
    for mention in m.mentions:
        noun = _token(doc, mention.trigger.start, mention.trigger.end)
        if noun is None or noun.i == trigger.i or noun.sent != trigger.sent or not (
                noun.pos_ == "NOUN" or gerund_as_noun(noun)):
            continue
        # Adjectives ("a Russian missile attack", "in a Russian shelling"): a name before the noun may be its
        # target ("the Ukraine invasion") and a possessor its victim ("the journalist's murder") -- unless an
        # of-phrase names the victim ("during Russia's invasion of Ukraine").
        adjectives = [t for c in noun.children if c.dep_ in ("amod", "compound", "nmod")  # "Russian air and sea bombardment"
                      for t in ([c] if c.dep_ == "amod" else [g for g in c.children if g.dep_ == "amod"])]
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
            adjectives += [c for c in noun.children if c.dep_ == "poss" and c.pos_ == "PROPN"]
        for country in countries.countries_of([t for a in adjectives for t in a.subtree if t.pos_ in ("ADJ", "PROPN")]):
            if country and country not in {p.country for p in out}:
                start = noun.left_edge.idx
                out.append(_party(doc_text(doc)[start: noun.idx + len(noun)], country, "MIL", start, noun.idx + len(noun)))
    return out


def _listed_verb_subject(trigger: Token) -> Token | None:
    """"Kyiv's army has destroyed supply routes, disrupted the enemy's command": a verb joined by a comma
    alone continues the list of the verb before it, whose subject it shares, though the parse may hang it
    on the main clause ("the enemy had no choice ..., since Kyiv's army has destroyed ..., disrupted ...")."""
    if trigger.pos_ != "VERB" or trigger.dep_ != "conj" or any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children):
        return None
    head = trigger.head
    between = [t for t in head.children if head.i < t.i < trigger.i]
    listed = [t for t in between if t.pos_ == "VERB" and t.dep_ in ("advcl", "ccomp", "conj")]
    if not listed or any(t.dep_ == "cc" and t.i > listed[-1].i for t in between) or any(
            t.dep_ == "cc" and t.i < trigger.i for t in trigger.children):
        return None
    subjects = [c for c in listed[-1].children if c.dep_ == "nsubj"]
    return subjects[0] if subjects and subjects[0].pos_ != "PRON" else None


def _subject_inside(parties: list[EventActor], subject: Token) -> bool:
    span = _span_of(subject)
    return any(_inside(p, span) for p in parties)


@functools.cache
def _weapon_words() -> frozenset[str]:
    return frozenset(load_table("actors")["weapon_words"]) | frozenset(load_table("events")["modality"]["weapon_agents"])


@functools.cache
def _event_nouns() -> frozenset[str]:
    from .events import load_triggers

    return frozenset(lemma for lemma, pos in load_triggers() if pos == "NOUN")


@functools.cache
def _deed_nouns() -> frozenset[str]:
    """Event nouns that are no weapon ("the strike" is both)."""
    return _event_nouns() - _weapon_words()


def _span_of(tok: Token) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _inside(party: EventActor, span: tuple[int, int]) -> bool:
    return party.start is not None and span[0] <= party.start < span[1]


def _deed_not_doer(doc: Doc, party: EventActor) -> bool:
    """"A forced pullout ... and recapturing Kherson could allow": a deed the parse made a subject is no
    actor; an uncoded phrase headed by an event noun (not a weapon) is dropped."""
    if party.country or party.code:
        return False
    root = _token(doc, party.start, party.end)
    return root is not None and root.pos_ == "NOUN" and root.lemma_.lower() in _deed_nouns()


def _weapon_users(doc: Doc, actor: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"injured by a spray used by the Russians", "missiles fired by the invaders": a weapon's user acts."""
    out = []
    for a in actor:
        root = _token(doc, a.start, a.end) if not a.country else None
        users = []
        if root is not None and root.lemma_.lower() in _weapon_words() | {"spray", "gas", "weapon", "weapons"}:
            for acl in (c for c in root.children if c.dep_ == "acl" and c.tag_ == "VBN"):
                for agent in (c for c in acl.children if c.dep_ == "agent"):
                    users += [p for g in agent.children if g.dep_ == "pobj" for p in _phrase_parties(g, countries, set())]
        out.extend(users or [a])
    return out


def _undergoers(doc: Doc, trigger: Token, actor: list[EventActor], recipient: list[EventActor],
                countries: _Countries) -> tuple[list[EventActor], list[EventActor], bool]:
    """Who "died in the shelling" or "was wounded in an attack" is its target, not its actor; and whoever a
    clause is about ("the ship had supplies left due to fighting") is not the doer of an attack its
    prepositional phrase names, unless the verb says they took part ("joined the fighting", "launched")."""
    gerund = trigger.tag_ == "VBG" and trigger.dep_ in ("pcomp", "pobj") and not any(
        c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children)  # "reports of shelling"
    if not gerund and (trigger.pos_ not in ("NOUN", "PROPN") or trigger.dep_ not in ("pobj", "advcl", "acl")):
        return actor, recipient, False
    if gerund and trigger.dep_ == "pcomp" and trigger.head.lower_ in ("since", "after", "before", "while", "upon", "without"):
        return actor, recipient, False  # "hit by sanctions since invading Ukraine": the clause's subject did it
    table = _table()
    verb, came_from, subject, about = trigger.head, trigger, None, False
    for _ in range(5):  # up through "due to", "a wave of", "days ... left" to the clause that has a subject
        if verb.pos_ in ("NOUN", "PROPN") and verb.lemma_.lower() not in table["series_nouns"]:
            about = True  # "reports of shelling", "worth of supplies ... due to fighting": a noun's matter
        if verb.pos_ in ("VERB", "AUX"):
            if controlling_object(verb, came_from) is not None:
                return actor, recipient, False  # "to punish Moscow for invading": Moscow did it
            lemma = verb.lemma_.lower()
            under = trigger.dep_ == "pobj" and trigger.head.lower_ == "under"  # "remain ... under shelling"
            if not about and not under and (lemma in table["joining_verbs"]
                                            or lemma in load_table("events")["modality"]["light_verbs"]):
                return actor, recipient, False
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None and verb.dep_ == "conj":  # "Finland shares a border ... and was subjected to"
                subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                break
        if verb.dep_ not in ("prep", "pcomp", "pobj", "dobj", "acl", "advcl", "amod", "acomp") or verb.head is verb:
            return actor, recipient, False
        verb, came_from = verb.head, verb
    if subject is None:
        return actor, recipient, False
    lemma = verb.lemma_.lower()
    antecedent = subject.lower_ in ("who", "which", "that") and verb.dep_ == "relcl"
    if antecedent:
        subject = verb.head  # its phrase up to the head noun, not the relative clause holding the attack
    own = _span_of(trigger)
    span = (subject.left_edge.idx, subject.idx + len(subject)) if antecedent else _span_of(subject)
    # The subject's parties, or what a pronoun subject stands for ("it was aware of reports of shelling").
    from_subject = [a for a in actor if not _inside(a, own) and (_inside(a, span) or subject.pos_ == "PRON")]
    suffering = lemma in table["suffer_verbs"] or (trigger.dep_ == "pobj" and trigger.head.lower_ == "under")
    actor = [a for a in actor if a not in from_subject]
    if suffering and not _known(recipient):
        victims = _phrase_parties(subject, countries, set())
        if subject.ent_type_ == "PERSON" or subject.lower_ in load_table("events")["modality"]["victims_civilian"]:
            victims = [v.model_copy(update={"sector": "CVL", "code": v.country + "CVL"}) for v in victims]
        recipient = victims or recipient
    return actor, recipient, True


def _town_of_the_deed(doc: Doc, party: EventActor, countries: _Countries) -> bool:
    """"the Salisbury attack", "the Kremenchuk strike": a town naming a deed is where it was done, not who did it."""
    root = _token(doc, party.start, party.end)
    return (root is not None and not party.sector and root.dep_ == "compound" and root.pos_ == "PROPN"
            and root.head.lemma_.lower() in _event_nouns() and countries.town_at(root))


def _place_compound_target(doc: Doc, trigger: Token, actor: list[EventActor],
                           recipient: list[EventActor]) -> tuple[list[EventActor], list[EventActor]]:
    """"the Ukraine invasion": a country's name (not its adjective, nor an abbreviation such as "US") as the
    modifier of an attack noun is where it strikes, unless an of- or on-phrase names the target."""
    if trigger.pos_ not in ("NOUN", "PROPN") or any(
            c.dep_ == "prep" and c.lower_ in ("of", "on", "against", "upon") for c in trigger.children):
        return actor, recipient
    names = [c for c in trigger.children if c.dep_ == "compound" and c.ent_type_ == "GPE" and c.pos_ == "PROPN"
             and not c.text.isupper()]
    moved = [a for a in actor if any(a.start is not None and a.start <= c.idx < a.end for c in names)]
    if not moved:
        return actor, recipient
    return ([a for a in actor if a not in moved],
            recipient + [a.model_copy(update={"sector": None, "code": a.country}) for a in moved
                         if a.country and a.country not in {r.country for r in recipient}])


def _not_the_allies(trigger: Token, recipient: list[EventActor]) -> list[EventActor]:
    """"fought with Kurdish units in Syria against Islamic State": beside an against-phrase, with is alongside."""
    if not any(c.dep_ == "prep" and c.lower_ == "against" for c in trigger.children):
        return recipient
    spans = [_whole_span(g) for g in _with_objects(trigger)]
    return [r for r in recipient if not (r.start is not None and any(s <= r.start < e for s, e in spans))]


def _means_spans(trigger: Token) -> list[tuple[int, int]]:
    """"fighting with weapons provided by the US", "firing with mortars": the with-phrase of the means; and the
    weapon a strike is launched from or by ("launched from HIMARS supplied by the United States", "struck the city
    using Iranian missiles"), and what a launch verb fires ("launched Iranian-made drones at Kyiv")."""
    spans = [_whole_span(g) for g in _with_objects(trigger) if _means_phrase(g)]
    spans += [_whole_span(g) for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from"
              for g in c.children if g.dep_ == "pobj" and _means_phrase(g)]
    spans += [_whole_span(g) for c in trigger.children if c.dep_ in ("advcl", "xcomp", "acl") and c.lower_ == "using"
              for g in c.children if g.dep_ == "dobj" and _means_phrase(g)]
    if _launching(trigger):
        # What is fired: the object, a passive's subject ("30 missiles were fired"), the noun a participle
        # describes ("missiles launched from ships").
        spans += [_weapon_span(c) for c in trigger.children if c.dep_ in ("dobj", "nsubjpass") and _means_phrase(c)]
        if trigger.dep_ == "acl" and _means_phrase(trigger.head):
            spans.append(_weapon_span(trigger.head))
    return spans


@functools.cache
def _means_words() -> frozenset[str]:
    return _weapon_words() | frozenset(_table()["instrument_nouns"])


def _means_phrase(tok: Token) -> bool:
    """A weapon, a launcher or an instrument ("HIMARS systems", "Iranian-made drones", "mortars")."""
    words = _means_words()
    return (_weapon_phrase(tok) or tok.lemma_.lower() in words or tok.lower_ in words
            or any(c.dep_ == "compound" and c.lower_ in words for c in tok.children))


def _weapon_span(tok: Token) -> tuple[int, int]:
    """A fired weapon's phrase without the at-phrase the parser may hang on it ("dozens of drones at Ukrainian
    cities"): the target is not the weapon."""
    end = tok.right_edge
    for c in tok.subtree:
        if c.dep_ == "prep" and c.lower_ in _table()["weapon_target_prepositions"] and c.i > tok.i:
            end = c.doc[c.i - 1]
            break
    return tok.left_edge.idx, end.idx + len(end)


def _with_objects(trigger: Token) -> list[Token]:
    return [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "with"
            for g in c.children if g.dep_ == "pobj"]


def _whole_span(tok: Token) -> tuple[int, int]:
    """A phrase's characters, its right side too (`_span_of` ends at its head)."""
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _past_the_weapon(doc: Doc, trigger: Token, recipient: list[EventActor]) -> list[EventActor]:
    """"fired British missiles at a Russian tank", "fought with Western weapons": the weapon is not the
    target (the at-phrase is)."""
    spans = _means_spans(trigger)
    if trigger.pos_ != "VERB" or not spans:
        return recipient
    return [r for r in recipient if not any(_inside(r, s) for s in spans)]


def _not_the_targets_country(doc: Doc, actor: list[EventActor], recipient: list[EventActor],
                             countries: _Countries) -> list[EventActor]:
    """"smaller vessels were conducting bombardments of Ukrainian cities": an attacker whose own phrase names no
    country does not take the one country of its sentence when that is its target's."""
    struck = {r.country for r in recipient if r.country}
    out = []
    for a in actor:
        root = _token(doc, a.start, a.end) if a.country in struck else None
        if (root is not None and root.pos_ == "NOUN" and not countries.in_phrase(root, with_parties=False)
                and root.left_edge.lower_ not in _table()["possessive_pronouns"]):
            a = a.model_copy(update={"country": None, "code": a.sector})
        out.append(a)
    return out


def _modal(trigger: Token) -> bool:
    """"could be assassinated", "may strike": a deed only possible is no ground for guessing its doer."""
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    return any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)


def _weapon_of_neither_side(actor: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"Shells hit a market in Kharkiv": a weapon with no one behind it is an unidentified force of the
    country it struck, but in a report of one war that country is one side, and its own shells are no
    guess to make; the country is left open for the rules of the two sides."""
    return [a.model_copy(update={"country": None, "code": "UAF"})
            if a.sector == "UAF" and a.country in countries.sides else a for a in actor]


def _not_by_relation(doc: Doc, parties: list[EventActor]) -> list[EventActor]:
    """"an incursion into the U.S. ally": a party named by its relation to a country is not that country."""
    out = []
    for p in parties:
        root = _token(doc, p.start, p.end)
        if p.country not in (None, "IGO", "NGO") and root is not None and root.lemma_.lower() in _table()["relation_nouns"]:
            p = p.model_copy(update={"country": None, "code": p.sector})
        out.append(p)
    return out


def _number_only(party: EventActor) -> bool:
    return bool(party.text) and not party.country and party.text.replace(",", "").replace(".", "").isdigit()


def _what_the_participle_describes(trigger: Token) -> list[EventActor]:
    """"a destroyed residential building", "a kindergarten damaged during an attack": the noun a participle
    describes is what the deed was done to."""
    if not (trigger.dep_ in ("amod", "acl") and trigger.tag_ == "VBN" and trigger.head.pos_ == "NOUN"):
        return []
    noun = trigger.head
    start = max(noun.left_edge.idx, sentence_of(noun).start_char)
    return [EventActor(text=doc_text(noun.doc)[start: noun.idx + len(noun)], start=start, end=noun.idx + len(noun))]


def _civilian_objects(doc: Doc, recipient: list[EventActor], place: Place | None, actor: list[EventActor],
                      countries: _Countries) -> list[EventActor]:
    """A civilian building struck ("a market in Kharkiv", "homes") stands for the civilians of the country
    where it stands, or in a report of one war, of the side its attacker is not."""
    out = []
    attacker = {a.country for a in actor if a.country and a.sector != "UAF"}  # an unnamed force is no side
    for r in recipient:
        root = _token(doc, r.start, r.end)
        if r.sector is None and root is not None and root.lemma_.lower() in _table()["civilian_objects"]:
            country = r.country
            if country is None and place is not None and place.country:
                country = iso3(place.country)
            if country is None or country in attacker:
                country = countries.other_side(attacker)
            if country is not None:
                r = r.model_copy(update={"country": country, "sector": "CVL", "code": country + "CVL"})
        out.append(r)
    return out


def _people_at_arms(doc: Doc, party: EventActor) -> EventActor:
    """"the Russians resort to missile strikes": a people named bare as an attacker is its military."""
    root = _token(doc, party.start, party.end)
    if (party.sector == "CVL" and party.country and root is not None and root.ent_type_ == "NORP"
            and root.tag_ in ("NNPS", "NNS") and not root.pos_ == "ADJ"):
        return party.model_copy(update={"sector": "MIL", "code": party.country + "MIL"})
    return party


def _unnamed_other_side(recipient: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"Houses have been destroyed across Ukraine", "29 attacks against the plant": in a report of one war,
    an attack on one side that names no attacker is the other side's, as the report's frame tells it."""
    other = countries.other_side({r.country for r in recipient if r.country})
    return [_party(f"unnamed ({other})", other, "MIL")] if other else []


def _attacked_side(actor: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"since its invasion began": in a report of one war, one side's attack that names no target is on the
    other side."""
    other = countries.other_side({a.country for a in actor if a.country and a.sector != "UAF"})
    return [_party(f"unnamed ({other})", other)] if other else []


def _the_other_side(recipient: list[EventActor], actor: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"Ukrainian forces destroyed three tanks": in a report of one war, what one side strikes and no phrase
    gives a country belongs to the other side."""
    other = countries.other_side({a.country for a in actor if a.country})
    if other is None:
        return recipient
    return [r.model_copy(update={"country": other, "code": other + (r.sector or "")}) if not r.country else r
            for r in recipient]


def _launched_from(trigger: Token, countries: _Countries) -> list[EventActor]:
    """"missiles launched against Ukraine from Russian ships", "fired from Russian aircraft": a launch's platform
    (a common noun with its country's adjective) is whose launch it was. A place it is fired from ("from Belarus",
    "from the Black Sea") says where, not who."""
    if not _launching(trigger):
        return []
    platforms = [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from"
                 for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"]
    return [p for g in platforms if countries.in_phrase(g) for p in _phrase_parties(g, countries, set())]


def _launching(trigger: Token) -> bool:
    """"fired missiles", not "shot down missiles" or "destroyed tanks"."""
    return trigger.lemma_.lower() in _table()["launch_verbs"] and not any(c.dep_ == "prt" for c in trigger.children)


def _weapon_phrase(tok: Token) -> bool:
    """"missiles", "one of its most powerful missiles": a phrase that names a weapon."""
    return tok.lemma_.lower() in _weapon_words() or any(
        p.lower_ == "of" and any(g.lemma_.lower() in _weapon_words() for g in p.children) for p in tok.children)


def _victims_where_struck(doc: Doc, recipient: list[EventActor], actor: list[EventActor], m: Event,
                          places: list[Place], countries: _Countries) -> list[EventActor]:
    """Whom an attack strikes belongs to the country where it struck, not to the attacker's: "a Russian
    missile struck Zaporizhzhia, killing 11 people" is UKRCVL, "its forces hit military infrastructure
    near Lviv" UKRMIL, unless the target's own phrase names the attacker's country."""
    if m.plover.type != "ASSAULT":
        return recipient
    attacker = {a.country for a in actor if a.country}
    place = _sentence_place(m, places)
    out = []
    for r in recipient:
        root = _token(doc, r.start, r.end)
        stated = countries.in_phrase(root, with_parties=False) if root is not None else []
        if r.country and r.country in attacker and r.country not in stated:
            where = iso3(place.country) if place is not None and place.country else None
            r = r.model_copy(update={"country": where, "code": (where + (r.sector or "")) if where else None})
        out.append(r)
    return out


def _own_belonging(party: EventActor, actor: list[EventActor]) -> bool:
    """"its troops", "their borders": the actor's own, not a party the deed is done to."""
    first = party.text.split(" ", 1)[0].lower() if party.text else ""
    return first in _table()["possessive_pronouns"] and (not party.country or party.country in {a.country for a in actor})


def _subject_party(trigger: Token, countries: _Countries, assault: bool = False) -> list[EventActor]:
    """A party the coded actors missed: the country a subject phrase names ("Thousands of Nigerians",
    "Serb forces were engaged in ethnic cleansing"), found up the clause from a nominal trigger."""
    if (assault and trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "dobj"
            and not _taking_part(trigger.head)):
        return []  # "Russia described the assassination as a crime": who speaks of a deed did not do it
    if (assault and trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "pobj"
            and trigger.head.lower_ in TOPIC_PREPOSITIONS and not _taking_part(trigger.head.head)):
        return []  # "Delhi used strong words to comment on the invasion": nor who speaks about it
    subject = _subject(trigger)
    return _phrase_parties(subject, countries, set()) if subject is not None else []


def _taking_part(verb: Token) -> bool:
    """Whether a verb's subject does the deed its object or prepositional phrase names ("launched an attack",
    "joined the fighting"), unlike "condemned the attack"."""
    lemma = verb.lemma_.lower()
    return lemma in _table()["joining_verbs"] or lemma in load_table("events")["modality"]["light_verbs"]


def _subject(trigger: Token) -> Token | None:
    current, came_from = trigger, None
    for _ in range(4):
        controller = controlling_object(current, came_from)
        if controller is not None:
            return controller
        below, came_from = came_from, current
        subjects = [c for c in current.children if c.dep_ == "nsubj"]
        if subjects:
            return subjects[0]
        if any(c.dep_ == "nsubjpass" for c in current.children):
            if below is not None and (below.tag_ == "VBG" and below.dep_ == "advcl" or below.dep_ == "prep"
                                      and any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in below.children)):
                # "Russia has been hit by sanctions since invading Ukraine": who does the gerund is the clause's
                # subject, whatever the clause's voice.
                return next(c for c in current.children if c.dep_ == "nsubjpass")
            return None  # "when they were fired upon": a passive's subject is who it is done to
        if current.dep_ == "acl" and current.pos_ == "VERB":
            # "a hospital damaged by shelling" is what it was done to, "troops attacking the town" who did it;
            # the clause the noun sits in ("volunteers carry a woman from a hospital ...") is another deed's.
            return current.head if current.tag_ == "VBG" else None
        if current.dep_ not in ("pobj", "prep", "pcomp", "dobj", "xcomp", "advcl", "acl", "conj", "compound") or current.head is current:
            return None
        current = current.head
    return None


def _conjoined_subjects(trigger: Token, actor: list[EventActor], countries: _Countries) -> list[EventActor]:
    """"Libyan leader Gaddafi and Bulgarian President Zhivkov signed": both sides act."""
    subject = _subject(trigger)
    if subject is None or not subject.conjuncts:
        return []
    have = {a.country for a in actor}
    return [p for p in _phrase_parties(subject, countries, set()) if p.country not in have]


def _passive(trigger: Token) -> bool:
    return trigger.tag_ == "VBN" and any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children)


def _the_foe_not_ourselves(recipient: list[EventActor], actor: list[EventActor],
                           countries: _Countries) -> list[EventActor]:
    """"Our pilots are fighting fiercely against them": in a report of one war, a side does not attack its
    own forces or state; such a target (a pronoun resolved to the wrong side, a town the side's troops
    hold) is the other side. Its own civilians it may harm."""
    own = {a.country for a in actor if a.country in countries.sides}
    other = countries.other_side(own)
    return [_party(f"unnamed ({other})", other, r.sector)
            if other and r.country in own and r.sector in (None, "MIL", "GOV", "UAF") else r
            for r in recipient]


def _weapons_made_elsewhere(doc: Doc, parties: list[EventActor], others: list[EventActor],
                            countries: _Countries) -> list[EventActor]:
    """"shot down 300 Iranian drones": in a report of one war, a weapon named by the country that made it
    is the weapon of the side the other party fights, not of that country."""
    out = []
    side = countries.other_side({o.country for o in others if o.country in countries.sides})
    for p in parties:
        span = doc.char_span(p.start, p.end, alignment_mode="expand") if p.start is not None else None
        word = span[-1] if span is not None and len(span) else None  # the phrase's head noun
        if (word is not None and word.lemma_.lower() in _weapon_words() and p.country
                and p.country not in countries.sides and side):
            out.append(p.model_copy(update={"country": side, "code": side + (p.sector or "")}))
        else:
            out.append(p)
    return out


def _the_city_not_its_government(party: EventActor, places: list[Place]) -> EventActor:
    """"Missiles struck Kyiv": a capital that is struck is the city, not its government (no sector)."""
    if party.sector != "GOV" or party.start is None or party.end is None:
        return party
    if not any(p.start == party.start and p.end <= party.end and p.feature == "P" and p.lat is not None
               for p in places):
        return party
    return party.model_copy(update={"sector": None, "code": party.country})


def _invaded(trigger: Token, actor: list[EventActor], recipient: list[EventActor],
             countries: _Countries) -> list[EventActor]:
    """"since the Russian invasion began": a war named without its other party is waged on the report's other
    side, else on the country most of its places lie in; never on a place the sentence merely names."""
    if _known(recipient) or not _known(actor) or trigger.lemma_.lower() not in load_table("happenings")["war_nouns"]:
        return []
    own = {a.country for a in actor}
    other = countries.other_side(own) or countries.where_it_is(own)
    return [_party(f"unnamed ({other})", other)] if other else []


def _known(parties: list[EventActor]) -> bool:
    return any(p.country for p in parties)


def _party(text: str, country: str | None, sector: str | None = None, start: int | None = None,
           end: int | None = None) -> EventActor:
    return EventActor(text=text, code=(country or "") + (sector or "") or None, country=country, sector=sector,
                      start=start, end=end)


def _with_countries(doc: Doc, parties: list[EventActor], countries: _Countries) -> list[EventActor]:
    """A party without a country takes the one its phrase names; a phrase naming two ("Hungarian and
    Romanian officials", "the Turkish and Greek sides") is two parties."""
    out: list[EventActor] = []
    for p in parties:
        root = _token(doc, p.start, p.end)
        found = countries.in_phrase(root) if root is not None else []
        means = root is not None and root.lemma_.lower() in _deed_nouns() | _weapon_words()
        if means and not p.country:
            found = countries.own_modifiers(root)  # "attacks on Kyiv" are not Kyiv's; "Russian attacks" Russia's
        if not found and not p.country and root is not None and root.pos_ == "PRON":
            found = _antecedent_countries(root, countries)
        # "Police", "the ministry": of the one country named. Not "drones" ("Drones struck Kyiv"): the one country
        # a weapon's sentence names is most often the one it struck.
        if not found and not p.country and root is not None and not means and (
                p.sector or root.lower_ in _table()["institution_words"]):
            found = countries.sole_in_sentence(root)
        if p.country:
            conjoined = [c for c in found if c != p.country] if _conjoined_demonyms(root) else []
            out.append(p)
            out.extend(p.model_copy(update={"country": c, "code": c + (p.sector or "")}) for c in conjoined)
        elif found:
            out.append(p.model_copy(update={"country": found[0], "code": found[0] + (p.sector or "")}))
            if _conjoined_demonyms(root):
                out.extend(p.model_copy(update={"country": c, "code": c + (p.sector or "")}) for c in found[1:])
        else:
            out.append(p)
    return out


def _antecedent_countries(pronoun: Token, countries: _Countries) -> list[str]:
    """"King Hassan of Morocco was quoted as saying he would ...": a pronoun stands for the subject of the
    clause it is reported in."""
    current = pronoun.head
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in ("nsubj", "nsubjpass") and c != pronoun and c.pos_ != "PRON"]
        if subjects:
            return countries.in_phrase(subjects[0])[:1]
        if current.head is current:
            return []
        current = current.head
    return []


def _conjoined_demonyms(root: Token | None) -> bool:
    """Whether a phrase's modifiers are conjoined ("Hungarian and Romanian officials")."""
    if root is None:
        return False
    return any(c.dep_ in ("amod", "compound", "nmod") and any(g.dep_ == "conj" for g in c.children) for c in root.children)


def _own_place(doc: Doc, m: Event, places: list[Place], trigger: Token) -> Place | None:
    """The event's place when the trigger's own clause names it."""
    i = m.location.place
    if i is None or i >= len(places) or places[i].country is None:
        return None
    p = places[i]
    if not (m.sentence["start"] <= p.start < m.sentence["end"]):
        return None
    dateline = DATELINE.match(doc_text(doc), m.sentence["start"], m.sentence["end"])
    if dateline and p.start < dateline.end():
        return None  # "LONDON -- North Korea has fired": where it was written, not what was struck
    root = _token(doc, p.start, p.end)
    return p if root is not None and in_own_clause(root, trigger) else None


def in_own_clause(token: Token, trigger: Token) -> bool:
    """Whether a token sits in the trigger's phrase, or, for a noun that is a verb's object, in that
    verb's clause ("staged a protest in Beijing", "carried out strikes in Kremenchuk")."""
    heads = {trigger} | ({trigger.head} if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "attr") else set())
    return token in heads or any(h in token.ancestors for h in heads)


def _sentence_place(m: Event, places: list[Place]) -> Place | None:
    i = m.location.place
    if i is None or i >= len(places) or places[i].country is None:
        return None
    p = places[i]
    return p if m.sentence["start"] <= p.start < m.sentence["end"] else None


def _frame_targets(trigger: Token, countries: _Countries, actor_countries: set, plover_type: str) -> list[EventActor]:
    """The target the clause's frame names when the object is no party: a preposition's object or an
    indirect object, the object or prepositions of the complement it governs, the subject of a demanded
    clause ("demanded that the US cancel") or of a threat's condition ("unless Baghdad accepted")."""
    table = _table()
    heads = [trigger] + [c for c in trigger.children if c.dep_ in ("xcomp", "ccomp")]
    if trigger.pos_ == "VERB":
        # "launched a missile attack on Odesa", "Ukraine's strike on a command post killed dozens": the deed
        # noun that is the verb's object or subject names the target in its own prepositions.
        heads += [c for c in trigger.children if c.dep_ in ("dobj", "nsubj") and c.lemma_.lower() in _event_nouns()]
    if trigger.pos_ == "NOUN":
        # "issued arrest warrants for two Brazilian men": a noun's target may hang on the verb it is the
        # object of (or the object's compound).
        noun = trigger.head if trigger.dep_ == "compound" else trigger
        heads.append(noun)
        if noun.dep_ in ("dobj", "attr") and noun.head.pos_ == "VERB":
            heads.append(noun.head)
    for head in heads:
        candidates: list[Token] = []
        for child in head.children:
            if child.dep_ in ("dobj", "attr", "oprd") and head is not trigger:
                candidates.append(child)
            if child.dep_ == "dative" and child.pos_ in ("PROPN", "NOUN"):
                candidates.append(child)  # "give Tanzania a grant"
            if child.dep_ in ("prep", "dative") and child.lower_ in table["target_prepositions"] and not (
                    plover_type == "ASSAULT" and child.lower_ == "for"):
                # "fighting for Ukrainian sovereignty", "shelled for hours": a fight's "for" is its cause or span
                candidates += [g for g in child.children if g.dep_ == "pobj"]
            if child.dep_ in ("nsubj", "nsubjpass") and head is not trigger and trigger.lemma_.lower() in table["demand_verbs"]:
                candidates.append(child)
            if child.dep_ == "advcl" and plover_type == "THREATEN" and any(
                    g.dep_ == "mark" and g.lower_ in table["condition_marks"] for g in child.children):
                candidates += [g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")]
        if head is trigger:
            candidates += [c for c in trigger.children if c.dep_ == "dobj"
                           and not (plover_type == "ASSAULT" and _weapon_phrase(c) and _launching(trigger))]
        if head is trigger and plover_type == "ASSAULT" and _launching(trigger):
            # "fired rockets from Belarus at Kyiv": a launch is from its origin, at its target; "launched dozens of
            # drones at Ukrainian cities": the parser may hang the at-phrase on the weapon.
            aimed = [g for c in trigger.children if c.dep_ == "dobj" and _means_phrase(c)
                     for p in c.subtree if p.dep_ == "prep" and p.lower_ in table["weapon_target_prepositions"]
                     for g in p.children if g.dep_ == "pobj"]
            aimed += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ in table["weapon_target_prepositions"]
                      for g in c.children if g.dep_ == "pobj"]
            origin = {g.i for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children}
            candidates = aimed + [c for c in candidates if c.i not in origin and c not in aimed]
        for tok in candidates:
            if tok.i == trigger.i:
                continue  # "were conducting battles in Kherson": the deed itself is not its target
            if tok.ent_type_ in ("DATE", "TIME"):
                continue  # "an attack on Aug. 15": a day, not a target
            if tok.left_edge.lower_ in _table()["possessive_pronouns"] and set(countries.in_phrase(tok)) <= actor_countries:
                continue  # "withdraw its troops": the actor's own
            parties = _phrase_parties(tok, countries, actor_countries)
            if parties:
                return parties
    return []


def _phrase_parties(tok: Token, countries: _Countries, actor_countries: set) -> list[EventActor]:
    """The parties a phrase and its conjuncts name ("to the United States and Israel"): one country
    each, or every one of conjoined modifiers ("US and British forces")."""
    out: list[EventActor] = []
    for part in [tok] + [c for c in tok.conjuncts if c.i > tok.i]:
        found = countries.in_phrase(part)
        others = [c for c in found if c not in actor_countries] or found
        chosen = others if _conjoined_demonyms(part) else others[:1]
        start = max(part.left_edge.idx, sentence_of(part).start_char)
        end = part.idx + len(part)
        coded = countries.covering(part.idx)
        for c in chosen:
            if c in {p.country for p in out}:
                continue
            sector = coded.sector if coded is not None and coded.country == c else None
            out.append(_party(doc_text(part.doc)[start:end], c, sector, start=start, end=end))
    return out
