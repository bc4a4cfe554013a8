"""Happenings: every mention of one real-world happening in a document, as one event (schema 2).

events.py finds mentions: each verb or noun that names a happening. A report
names one strike many times ("struck ... killing 11 ... the strike ... The
attack"), so this stage groups them. In text order, a mention joins the
latest happening of its PLOVER type that nothing contradicts: an explicit
date, a place (containment agrees: a town lies in its region), the actors'
or the targets' countries, the footing in the past (background recalled
from long ago against today's report); the war itself ("Russia's invasion")
is never part of a deed. The happening then takes the most
specific actor, recipient, place and date any mention gives, its casualty
figures (casualties.py) and its means. Generic mentions ("attacks", "can
strike") and hypothetical ones ("a forced pullout would mark") join a
happening but are never one on their own; a deed to come told by a verb
("recapturing Kherson could allow") is another happening than the deed done.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from . import casualties as casualties_stage
from .factuality import mention_category, open_possibility
from .gazetteer import distance_km
from .lexicons import deed_kind, load_table
from .models import Casualty, Event, EventActor, EventDate, Mention, Place, SourceDocument
from .nlp import doc_text, sentence_of
from .roles import in_own_clause

__all__ = ["resolve_happenings", "places_agree", "dates_agree"]

TOWN_KM = 30.0
NEAR_KM = 60.0
# Which happening a casualty figure belongs to: attacks for the dead and wounded, arrests for the detained.
# A very long document's mentions are compared with its latest happenings and their latest mentions
# only, so the stage stays linear in the document's length.
MAX_OPEN = 60
MAX_COMPARED = 24
FOLLOW_UP_CHARS = 400        # how far after an attack's mention a figure told on its own still belongs to it
# The closed list of SPEC.md, schema 2, in its order.
MEANS = ("missile", "drone", "airstrike", "artillery", "rocket", "explosive", "mine", "small_arms", "naval",
         "armour", "cyber", "chemical", "other")
FIGURE_TYPES = {"killed": {"ASSAULT"}, "injured": {"ASSAULT"}, "missing": {"ASSAULT"},
                "detained": {"COERCE", "ASSAULT"}}


@dataclass
class _Mention:
    event: Event
    token: Token | None
    nominal: bool
    definite: bool
    generic: bool
    explicit_date: bool
    place: Place | None           # a place in the mention's own phrase or clause ("struck a mall in Kremenchuk")
    sentence_place: Place | None  # a place elsewhere in its sentence ("the U.S. officer said ... pull out")
    in_title: bool
    casualty_word: bool
    category: str = "plain"       # the clause's reading (factuality.local_category): future, conditional...
    habitual: bool = False        # a running state or habit: "have been shelling", "since March", "daily raids"

    @property
    def unsettled(self) -> bool:
        return self.category in ("conditional", "question", "future", "desire", "modal")


@dataclass
class _Happening:
    mentions: list[_Mention]

    @property
    def type(self) -> str:
        return self.mentions[0].event.plover.type


def resolve_happenings(doc: Doc, source: SourceDocument, mentions: list[Event], places: list[Place]) -> list[Event]:
    """Group a document's event mentions into happenings, in order of first mention."""
    title_end = _title_end(doc, source)
    # What names no one happening ("fears of attacks", "a fighting force") is no mention of one.
    found = [m for m in (_describe(doc, m, places, title_end) for m in mentions) if not m.generic]
    happenings: list[_Happening] = []
    for m in found:
        target = _best_happening(m, happenings)
        if target is None:
            happenings.append(_Happening([m]))
        else:
            target.mentions.append(m)
    happenings = [h for h in happenings if not all(m.category in ("conditional", "question") for m in h.mentions)]
    figures = casualties_stage.find_casualties(doc)
    casualties = _attach_figures(figures, happenings, title_end)
    events = []
    for n, h in enumerate(happenings, 1):
        events.append(_combine(n, h, casualties.get(id(h), {}), doc))
    return events


def _title_end(doc: Doc, source: SourceDocument) -> int:
    text = doc_text(doc)
    first_line_end = text.find("\n")
    if first_line_end > 0 and source.title and text[:first_line_end].strip() == source.title.strip():
        return first_line_end
    return 0


def _describe(doc: Doc, event: Event, places: list[Place], title_end: int) -> _Mention:
    span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    token = span[0] if span is not None and len(span) else None
    nominal = token is not None and token.pos_ in ("NOUN", "PROPN")
    children = list(token.children) if token is not None else []
    words = load_table("happenings")
    definite = nominal and any((c.dep_ == "det" and c.lower_ in words["definite_determiners"]) or c.dep_ == "poss"
                               for c in children)
    explicit_date = event.date.text is not None and event.date.value is not None
    place = sentence_place = None
    if event.location.place is not None and event.location.place < len(places):
        p = places[event.location.place]
        if event.sentence["start"] <= p.start < event.sentence["end"]:
            sentence_place = p
            if token is not None and _governed_by(doc, p, token):
                place = p
    in_title = event.trigger.start < title_end
    generic = not in_title and _generic(token, nominal, explicit_date, children)
    return _Mention(event, token, nominal, definite, generic, explicit_date,
                    place, sentence_place, in_title,
                    token is not None and token.lemma_.lower() in words["casualty_lemmas"],
                    _category(token),
                    token is not None and (_habitual(token, children)
                                           or _campaign(token, nominal, explicit_date and _campaign_date(token, event))
                                           or _fighting_at_large(token, nominal, explicit_date, place, event)
                                           or (not (explicit_date or in_title) and place is None
                                               and not _heading(doc, event)
                                               and _present_habit(token, children, event.plover.type))))


def _category(token: Token | None) -> str:
    """The clause's reading; a modal that hedges a deed told as done ("may have shelled", "reportedly
    shelled") is "hedged", settled like a plain report, unlike what may yet be done ("could invade")."""
    if token is None:
        return "plain"
    category = mention_category(token)[0]
    return "hedged" if category == "modal" and not open_possibility(token) else category


def _governed_by(doc: Doc, place: Place, token: Token) -> bool:
    """Whether a place sits in the trigger's phrase, or the trigger's clause when the trigger is a noun."""
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return False
    return in_own_clause(span.root, token)


def _generic(token: Token | None, nominal: bool, explicit_date: bool, children: list[Token]) -> bool:
    """What names no one happening: bare plural attacks that qualify a noun ("fears of attacks",
    "the threat of strikes"), and what an actor "can" do or is "capable of destroying"."""
    if token is None:
        return False
    words = load_table("happenings")
    if (token.dep_ in ("amod", "compound") and token.head.pos_ == "NOUN" and token.lower_.endswith("ing")
            and token.head.lemma_.lower() not in words["deed_heads"]):
        return True  # "a fighting force", "a fighting chance": a kind of thing, no deed ("the shooting victim" is one)
    if (token.tag_ == "VBN" and token.dep_ == "amod" and token.head.pos_ == "NOUN"
            and token.lemma_.lower() not in words["aftermath_participles"]):
        return True  # "previous beaten finalists", "targeted industries": a description ("a destroyed building" tells a deed)
    if (nominal and token.dep_ == "compound" and token.head.pos_ == "NOUN"
            and token.head.lemma_.lower() not in words["deed_heads"]):
        return True  # "an assault rifle", "a carrier strike group", "combat tourniquets": a kind of thing
    if nominal and token.dep_ == "compound" and token.head.pos_ == "PROPN" or (
            token.pos_ == "PROPN" and token.dep_ == "compound" and token.head.pos_ == "NOUN"):
        return True  # "Bradley Fighting Vehicles", "the Strike Group": part of a name
    if nominal and token.head.pos_ == "ADJ" and (token.dep_ in ("npadvmod", "compound", "amod", "advmod")
                                                 or token.dep_ == "nsubj" and token.head.dep_ == "oprd"):
        return True  # "rendered combat ineffective", "combat ready": a state, no deed
    if (nominal and token.dep_ == "pobj" and token.head.lower_ == "of"
            and token.head.head.lemma_.lower() in words["kind_heads"]):
        return True  # "weapons of mass destruction", "acts of aggression": a kind of thing
    if nominal and (_definition(token) or _equated(token, words)):
        return True  # "an attack on one is an attack on all": what a word means, no deed
    if nominal and any(c.dep_ == "det" and c.lower_ in words["any_determiners"] for c in children):
        return True  # "any attack on the four regions": no one deed
    if token.dep_ == "pcomp" and token.head.lower_ == "in" and token.head.head.lemma_.lower() in words["difficulty_nouns"]:
        return True  # "faces formidable challenges in taking cities": no taking told
    if _natural_doer(token, children, words["natural_forces"]):
        return True  # "a grid beaten down by hurricanes": no one's attack
    if nominal and token.dep_ == "dobj" and any(c.dep_ == "aux" and c.lemma_.lower() in words["capability_words"]
                                                for c in token.head.children):
        return True  # "the frigate can perform long-range attacks": what it can do, no deed
    if nominal:
        return (token.tag_ == "NNS" and not explicit_date and token.dep_ == "pobj" and token.head.head.pos_ == "NOUN"
                and not any(c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in children))
    if any(c.dep_ == "aux" and c.lemma_.lower() in words["capability_words"] for c in children):
        return True
    governors = [token.head, token.head.head] if token.dep_ in ("pcomp", "xcomp", "pobj", "acl") else []
    return any(g.lemma_.lower() in words["capability_words"] for g in governors)


def _definition(token: Token) -> bool:
    """An indefinite deed noun as the subject or complement of a present "is" ("a strike is ...", "... is an
    attack on all members"): a rule or a description, not a report ("This was an attack on civilians" is one)."""
    head = token.head
    indefinite = [c for c in head.children if c.dep_ in ("nsubj", "attr")
                  and any(d.dep_ == "det" and d.lower_ in ("a", "an") for d in c.children)]
    # The subject only with an indefinite complement: "an attack on the town is under way" is one.
    return (token in indefinite and head.lemma_.lower() == "be" and head.tag_ in ("VBZ", "VBP")
            and (token.dep_ == "attr" or len(indefinite) == 2))


def _equated(token: Token, words: dict) -> bool:
    """A deed noun said to count as another ("attacks on them constitute attacks on Russia", "will treat it as an
    attack on Russia", "is considered an attack against all"): what counts as a deed, not one told."""
    head = token.head.head if token.dep_ == "pobj" and token.head.lower_ == "as" else token.head
    lemma = head.lemma_.lower()
    if lemma in words["equating_verbs"] and token.dep_ in ("nsubj", "dobj", "attr"):
        return not any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in words["definite_determiners"]
                       for c in token.children)
    if lemma not in words["regarding_verbs"]:
        return False
    if token.dep_ == "nsubjpass":  # "an attack ... is considered an attack against all"
        return any(c.dep_ in ("oprd", "attr") for c in head.children)
    return token.dep_ in ("oprd", "attr", "pobj")


def _natural_doer(token: Token, children: list[Token], forces: list[str]) -> bool:
    """Whether the one that does the deed is a storm, a flood or a virus: its by-phrase or its subject."""
    doers = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    doers += [c for c in children if c.dep_ == "nsubj"]
    return any(d.lemma_.lower() in forces or d.lower_ in forces for d in doers)


def _own_date(token: Token, event: Event) -> bool:
    """Whether the event's stated date belongs to the noun that names it: inside its phrase ("the February
    24 invasion"), or the clause's day when the noun is what the clause is about ("launched an invasion on
    Thursday", "recalled the invasion on 24 February"). A noun in a prepositional phrase of another deed is
    its backdrop: "lifted its objections on Wednesday, months after Russia's invasion" dates the lifting."""
    phrase = token.doc[token.left_edge.i:token.right_edge.i + 1].text
    if event.date.text and event.date.text in phrase:
        return True
    return token.dep_ != "pobj"


def _campaign_date(token: Token, event: Event) -> bool:
    """Whether the stated date is a campaign noun's own: in its phrase ("the February 24 invasion"), or the day of
    the verb it is the subject or object of ("launched an invasion on Thursday"). A war "now in its 103rd day"
    and "In other developments Monday, efforts to resist Russia's invasion loomed" give the war no day."""
    text = event.date.text
    if not text or text.lower() in load_table("happenings")["present_words"]:
        return False
    if text in token.doc[token.left_edge.i:token.right_edge.i + 1].text:
        return True
    if token.dep_ == "pobj":
        return False  # "months after Russia's invasion": a backdrop (_own_date)
    sent = token.sent
    at = sent.text.find(text)
    span = token.doc.char_span(sent.start_char + at, sent.start_char + at + len(text), alignment_mode="expand") if at >= 0 else None
    if span is None or not len(span):
        return True
    # The date hangs (within three steps) on the verb the noun is an argument of.
    return token.head in list(span.root.ancestors)[:3]


def _campaign(token: Token, nominal: bool, explicit_date: bool) -> bool:
    """A noun that names a campaign or a state of war ("Russia's invasion of Ukraine", "the siege of
    Mariupol") without a date of its own: the war the report is set in, not a deed it reports."""
    return nominal and not explicit_date and token.lemma_.lower() in load_table("happenings")["campaign_nouns"]


def _fighting_at_large(token: Token, nominal: bool, explicit_date: bool, place: Place | None, event: Event) -> bool:
    """A combat noun with no side, no town and no day of its own ("as the fighting in Ukraine has worsened",
    "some of the worst fighting in the war", "an uphill battle"): the war going on, or a figure of speech, not
    one fight ("heavy fighting in Bakhmut", "fighting between Russian and Ukrainian forces" are one)."""
    if not nominal or explicit_date or token.lemma_.lower() not in load_table("happenings")["combat_nouns"]:
        return False
    if place is not None and place.feature in ("P", "S"):
        return False
    if place is None and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children):
        return False  # "The fighting lasted hours": an anaphor of the fight just told
    return not any(a.start is not None and a.country for a in event.actor)


def _repeatedly(token: Token, words: dict) -> bool:
    """A perfect or present clause saying the deed recurs; a past one ("repeatedly shelled it on Monday") is one day's."""
    while token.dep_ == "conj" and token.head is not token and token.head.pos_ == token.pos_:
        token = token.head  # "shelling and drone attacks": both under one verb
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        verb = token.head.head  # "came under shelling" (a gerund as often as a noun)
    else:
        verb = token if token.pos_ == "VERB" else token.head
    if verb.pos_ not in ("VERB", "AUX") or not any(c.dep_ == "advmod" and c.lower_ in words["habitual_adverbs"]
                                                   for c in verb.children):
        return False
    return verb.tag_ in ("VBZ", "VBP") or any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)


def _habitual(token: Token, children: list[Token]) -> bool:
    """A running state or habit rather than one deed: "have been shelling", "has occupied ... since
    March", "continued to pound", "daily bombardments"."""
    words = load_table("happenings")
    if any(c.dep_ == "prep" and c.lower_ in words["habitual_prepositions"] for c in children):
        return True
    if any(c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in words["habitual_prepositions"] for g in c.children)
           for c in children):
        return True  # "have been killed since the invasion began"
    if any(c.dep_ == "npadvmod" and any(g.dep_ == "det" and g.lower_ in ("every", "each") for g in c.children)
           for c in children):
        return True  # "is shelling our cities every day"
    if any(c.dep_ == "amod" and c.lower_ in words["habitual_modifiers"] for c in children):
        return True
    if token.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ == "been" for c in children):
        return True
    if _repeatedly(token, words):
        return True  # "have repeatedly come under shelling", "regularly shells": a habit, not one deed
    clause = [token] + ([token.head] if token.dep_ in ("advcl", "conj", "xcomp") and token.pos_ == "VERB" else [])
    long = set(words["duration_nouns"]) - {"hours", "days", "nights"}  # "shelled the town for hours" is one day's
    if any(c.dep_ == "prep" and c.lower_ == "for" and any(g.dep_ == "pobj" and g.lower_ in long for g in c.children)
           for v in clause for c in v.children):
        return True  # "for weeks Russian troops have cut off supplies, bombarding its buildings": a running siege
    if token.dep_ == "pobj" and token.head.lower_ in words["state_prepositions"] and token.pos_ == "NOUN":
        return True  # "the plant is still under attack": a state, not one deed
    if (token.dep_ in ("pobj", "pcomp") and token.head.lower_ == "of" and token.pos_ in ("NOUN", "VERB")
            and token.head.head.lower_ in words["duration_nouns"]):
        return True  # "weeks of bombardment", "devastated by weeks of shelling"
    if token.dep_ == "amod" and token.tag_ == "VBN" and token.lemma_.lower() in words["state_participles"]:
        return True  # "Russian-occupied Crimea", "the annexed peninsula": who holds a place, not a deed
    return token.dep_ == "xcomp" and token.head.lemma_.lower() in words["continuing_verbs"]


def _heading(doc: Doc, event: Event) -> bool:
    """A headline or a caption (a line that ends without a full stop), told in the present of the news."""
    text = doc_text(doc)[event.sentence["start"]:event.sentence["end"]].rstrip()
    return not text.endswith((".", "!", "?", '"', "”", "'", "’"))


def _present_habit(token: Token, children: list[Token], plover_type: str) -> bool:
    """A deed in the present tense ("attacks from above", "is detaining her", "are fighting"): what is done
    again and again or all along, when neither a day nor a place of its own makes it one deed."""
    if token.pos_ != "VERB" or plover_type not in load_table("happenings")["present_habit_types"]:
        return False
    if sentence_of(token).text.rstrip().rstrip("\"'”’").endswith("!"):
        return False  # "Somebody is shooting!": a cry of the moment
    verbs = [token] + list(token.conjuncts)
    if any(c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "PROPN" for v in verbs for c in v.children):
        return False  # "shoots and kills Sean Arlt": a news lead in the present tells one deed to a named person
    if token.tag_ in ("VBZ", "VBP"):
        return not any(c.dep_ in ("aux", "auxpass") for c in children)
    return token.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ in ("is", "are", "am", "'re", "'s")
                                       for c in children)


def _best_happening(m: _Mention, happenings: list[_Happening]) -> _Happening | None:
    """The happening a mention joins: of those it agrees with, one whose date its own date (stated or the
    dateline's) fits, then one told at the place it names, then the latest, as an anaphor takes the nearest
    antecedent."""
    best, best_key = None, None
    for n, h in enumerate(happenings[-MAX_OPEN:], max(0, len(happenings) - MAX_OPEN)):
        if not _can_join(m, h):
            continue
        key = (any(dates_agree(m.event.date.value, o.event.date.value) for o in h.mentions if o.explicit_date)
               or not any(o.explicit_date for o in h.mentions),
               m.place is not None and any(o.place is not None and places_agree(m.place, o.place) for o in h.mentions),
               n)
        if best_key is None or key > best_key:
            best, best_key = h, key
    return best


def _can_join(m: _Mention, h: _Happening) -> bool:
    if m.event.plover.type != h.type:
        return False
    if _war_noun(m) != all(_war_noun(o) for o in h.mentions):
        return False  # "Russia's invasion" or "the war" is the war the report is set in, not the strike it reports
    if m.habitual != all(o.habitual for o in h.mentions):
        return False  # "have been killed since February" is a running toll, not Monday's shelling
    if not m.nominal and m.unsettled != all(o.unsettled for o in h.mentions):
        return False  # "could recapture" is not the recapture that happened, nor the other way round
    return all(_agree(m, other) for other in h.mentions[-MAX_COMPARED:])


def _war_noun(m: _Mention) -> bool:
    return (m.nominal and not m.explicit_date and m.token is not None
            and m.token.lemma_.lower() in load_table("happenings")["war_nouns"])


def _agree(a: _Mention, b: _Mention) -> bool:
    """Whether two mentions of one type can name one happening: nothing they say conflicts."""
    ea, eb = a.event, b.event
    if ea.background != eb.background:
        # Long-past background joins today's report only through an anaphoric "the invasion".
        later = a if a.event.trigger.start > b.event.trigger.start else b
        if not (later.definite and not later.explicit_date):
            return False
    if a.explicit_date and b.explicit_date and not dates_agree(ea.date.value, eb.date.value):
        return False
    if not places_agree(a.place, b.place):
        return False
    if not (a.definite or b.definite) and not places_agree(_town_said(a), _town_said(b)):
        # "a destroyed building in Mariupol" and "shells hit a market in Kharkiv": two towns named beside
        # two mentions are two happenings, unless one mention points back ("the strike").
        return False
    if not _countries_agree(ea.actor, eb.actor):
        return False
    kind_a, kind_b = (deed_kind(e.acled.sub_event_type if e.acled else None) for e in (ea, eb))
    if not (a.casualty_word or b.casualty_word) and kind_a and kind_b and kind_a != kind_b:
        return False  # "recaptured the suburbs" is not the blast at the depot ("killing 10" is the deed's own toll)
    # The town struck and the people killed are both the attack's targets, whatever their codes say.
    # Only targets the text names count here: one the roles stage inferred (the place struck, a
    # protest's own country) is no evidence against another mention's.
    stated_a = [r for r in ea.recipient if r.start is not None]
    stated_b = [r for r in eb.recipient if r.start is not None]
    if not (a.casualty_word or b.casualty_word) and not _countries_agree(stated_a, stated_b):
        return False
    # Two deeds told in one sentence by two verbs of one type, each with a place, are two happenings
    # unless the places agree (checked above); two verbs with different actors likewise (checked above).
    return True


def _town_said(m: _Mention) -> Place | None:
    """The mention's own place, else a town its sentence names."""
    if m.place is not None:
        return m.place
    p = m.sentence_place
    return p if p is not None and p.feature in ("P", "S") else None


def dates_agree(a: str | None, b: str | None) -> bool:
    """Two TIMEX3 date values that can name the same day: equal, or one containing the other."""
    if not a or not b:
        return True
    a, b = a.split("T")[0], b.split("T")[0]
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    day_a, day_b = _day(a), _day(b)
    week_a, week_b = _week(a), _week(b)
    if week_a and day_b:
        return day_b.isocalendar()[:2] == week_a
    if week_b and day_a:
        return day_a.isocalendar()[:2] == week_b
    return False


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _week(value: str) -> tuple[int, int] | None:
    if "-W" not in value:
        return None
    try:
        year, week = value.split("-W")
        return int(year), int(week[:2])
    except ValueError:
        return None


def places_agree(a: Place | None, b: Place | None) -> bool:
    """Same place, one inside the other (a town in its region or country), or towns close together."""
    if a is None or b is None or a.lat is None or b.lat is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if _contains(a, b) or _contains(b, a):
        return True
    limit = TOWN_KM if a.feature in ("P", "S") and b.feature in ("P", "S") else NEAR_KM
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= limit


def _contains(region: Place, place: Place) -> bool:
    if region.feature != "A" or not region.country or region.country != place.country:
        return False
    # A country (no admin-1 of its own) holds every place in it; a region the places of its admin-1.
    return region.admin1 is None or place.admin1 == region.admin1


def _countries_agree(a: list[EventActor], b: list[EventActor]) -> bool:
    # An unnamed party ("unidentified forces of Ukraine", sector UAF) is a guess, not a conflict.
    ca = {x.country for x in a if x.country and x.sector != "UAF"}
    cb = {x.country for x in b if x.country and x.sector != "UAF"}
    return not ca or not cb or bool(ca & cb)


def _attach_figures(figures, happenings: list[_Happening], title_end: int) -> dict[int, dict[str, Casualty]]:
    """Each casualty figure goes to the happening of the attack (or arrest) its clause belongs to; the
    body's wording ("killing at least 11") is kept over the headline's ("kills 11")."""
    out: dict[int, dict[str, Casualty]] = {}
    for f in sorted(figures, key=lambda f: (f.start < title_end, f.start)):
        owner = _figure_owner(f, happenings) or _preceding_owner(f, happenings)
        if owner is None:
            continue
        found = out.setdefault(id(owner), {})
        new = Casualty(min=f.min, max=f.max, text=f.text, start=f.start, end=f.end)
        old = found.get(f.kind)
        if old is None or (f.start >= title_end and _more_informative(new, old)):
            found[f.kind] = new
    return out


def _preceding_owner(f, happenings: list[_Happening]) -> _Happening | None:
    """A figure told in a sentence of its own ("Five people remain missing.") belongs to the attack
    mentioned last before it, when that is close."""
    allowed = FIGURE_TYPES.get(f.kind, set())
    best, best_start = None, -1
    for h in happenings:
        if h.type not in allowed:
            continue
        for m in h.mentions:
            start = m.event.trigger.start
            if best_start < start < f.start and f.start - start <= FOLLOW_UP_CHARS:
                best, best_start = h, start
    return best


def _more_informative(new: Casualty, old: Casualty) -> bool:
    """A stated number beats none, and a later, higher toll beats an earlier one."""
    if old.min is None and old.max is None:
        return new.min is not None or new.max is not None
    if new.min is None and new.max is None:
        return False
    return (new.min or new.max or 0) > (old.min or old.max or 0)


def _figure_owner(f, happenings: list[_Happening]) -> _Happening | None:
    allowed = FIGURE_TYPES.get(f.kind, set())
    best, best_key = None, None
    for h in happenings:
        if h.type not in allowed:
            continue
        for m in h.mentions:
            if m.token is None or not (m.event.sentence["start"] <= f.start < m.event.sentence["end"]):
                continue
            anchor = m.token.doc[f.anchor]
            # The mention whose clause holds the figure ("struck ..., killing 11"), else the nearest one.
            key = (0 if m.token == anchor or m.token in anchor.ancestors or anchor in m.token.ancestors else 1,
                   abs(m.token.i - f.anchor))
            if best_key is None or key < best_key:
                best, best_key = h, key
    return best


def _combine(number: int, h: _Happening, casualties: dict[str, Casualty], doc: Doc) -> Event:
    """One event from its mentions: the most informative as its trigger, the most specific arguments."""
    mentions = sorted(h.mentions, key=lambda m: m.event.trigger.start)
    main = max(mentions, key=_informative)
    # Of equally specific roles, the main mention's: another mention may be a different deed merged in.
    actor_from = max(mentions, key=lambda m: (_actor_score(m.event.actor), m is main, -m.in_title,
                                              -m.event.trigger.start))
    recipient_from = max(mentions, key=lambda m: (_actor_score(m.event.recipient), m is main, -m.in_title,
                                                  -m.event.trigger.start))
    recipient = recipient_from.event.recipient
    if recipient_from is not actor_from:  # one mention's actor is not another's target
        actor_spans = {(a.start, a.end) for a in actor_from.event.actor if a.start is not None}
        recipient = [r for r in recipient if r.start is None or (r.start, r.end) not in actor_spans]
    # Where the text says it happened: a place in a mention's own clause, else one in its sentence;
    # the place of writing (a guess from the dateline) only when the text names none.
    placed = [m for m in mentions if m.place is not None] or [m for m in mentions if m.sentence_place is not None]
    location_from = min(placed, key=lambda m: (m.event.location.precision or 3, m.in_title, m.event.trigger.start)) \
        if placed else main
    dated = [m for m in mentions if m.explicit_date]
    date_from = min(dated, key=lambda m: (m.event.date.precision or 3, m.in_title, m.event.trigger.start)) \
        if dated else main
    # ACLED's sub-type as the first mention that has one tells it ("Suicide bombings ... killed 18").
    acled = next((m.event.acled for m in mentions if m.event.acled), None)
    return main.event.model_copy(update={
        "id": f"e{number}",
        "mentions": sorted((x for m in mentions for x in (m.event.mentions or [Mention(trigger=m.event.trigger,
                                                                                         sentence=m.event.sentence)])),
                           key=lambda x: x.trigger.start),
        "actor": actor_from.event.actor,
        "recipient": recipient,
        "location": location_from.event.location,
        "date": date_from.event.date,
        "background": date_from.event.background,
        "acled": acled,
        "casualties": casualties,
        "means": _means(mentions, doc) if h.type == "ASSAULT" else [],
        "habitual": all(m.habitual for m in mentions),
    })


def _informative(m: _Mention) -> tuple:
    e = m.event
    score = (1.0 * (not m.nominal) + 1.0 * bool(_actor_score(e.actor)) + 1.0 * (m.place is not None)
             + 0.5 * m.explicit_date - 2.0 * m.in_title - 1.5 * m.casualty_word)
    return score, -e.trigger.start


def _actor_score(actors: list[EventActor]) -> float:
    """Country and sector over either alone; an unnamed party of a country last."""
    return max((0.5 if a.sector == "UAF" else 2 if a.country and a.sector else 1 if a.country or a.code else 0
                for a in actors), default=0)


def _means(mentions: list[_Mention], doc: Doc) -> list[str]:
    """How it was done, from every sentence that mentions it; in the table's order."""
    order = list(MEANS)
    found: set[str] = set()
    seen: set[int] = set()
    for m in mentions:
        start = m.event.sentence["start"]
        if start in seen:
            continue
        seen.add(start)
        span = doc.char_span(start, m.event.sentence["end"], alignment_mode="expand")
        if span is not None:
            found.update(casualties_stage.find_means(span))
    return sorted(found, key=lambda x: order.index(x) if x in order else len(order))


# Statuses of a happening told as coming or supposed: only these may be dated after their report.
NOT_YET = {"future", "hypothetical"}


def within_report(event: Event, published: str | None) -> Event:
    """A happening told as having happened cannot be dated after its report: a later year or day in its
    sentence belongs to something else ("agreed to cooperate on a launch around 2025", "a 2024 bid").
    Such an event is dated by its report's day instead, as an undated one is."""
    value = event.date.value
    if not (value and published) or event.status in NOT_YET or not _after(value, published[:10]):
        return event
    return event.model_copy(update={"date": EventDate(value=published[:10], precision=2, text=None)})


def _after(value: str, published: str) -> bool:
    if len(value) >= 10 and len(published) >= 10:
        try:
            return (dt.date.fromisoformat(value[:10]) - dt.date.fromisoformat(published)).days > 1
        except ValueError:
            return False
    if re.fullmatch(r"\d{4}(-\d{2})?", value) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", published):
        return value > published[:len(value)]
    return False
