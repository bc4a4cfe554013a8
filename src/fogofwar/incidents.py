"""Incidents: reports of one real-world event, merged across documents.

Pure functions over plain records. Candidates are blocked by event type, a
date window and a grid cell around the location, so the work grows with the
number of events, never with all pairs; an event joins an incident when its
date, place, actors and factuality agree with the incident's first event and
their sentences are alike by embedding (less alike when trigger and actors
are the same; nearly the same words for threats, plans and denials, and,
across stories, for events without a day of their own).
Reports told differently are joined through their stories: two documents that
share rare names, numbers and words (cosine of counts weighted by rarity in
English at large, without the store's own common terms, over the whole text)
tell one story, and their events of one type merge when date, place (distance
or containment), actors and casualty figures agree, even without a day or a
town of their own.
Independent sources count near-duplicate documents (wire copy reprinted by
several outlets, found with MinHash over word 5-grams) once, and an outlet once
for its own stories.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .actors import split_code
from .gazetteer import distance_km

__all__ = [
    "EventRecord", "Incident", "minhash_signature", "near_duplicate_groups", "merge_incidents",
    "independent_sources", "MINHASH_PERMUTATIONS", "UnionFind",
    "document_terms", "name_terms", "story_vector", "story_links", "common_terms", "keep_ids", "new_incident_id",
]

MINHASH_PERMUTATIONS = 64
LSH_BANDS = 16
NEAR_DUPLICATE_JACCARD = 0.5
CELL_DEGREES = 0.5
MAX_KM = {1: 30.0, 2: 60.0, 3: 250.0}
DATE_WINDOW_DAYS = {1: 1, 2: 3, 3: 15}
# Sentence similarity an event needs with an incident's leader: embedding cosine, or word
# Jaccard when merging runs without embeddings.
SIMILARITY_THRESHOLDS = {"default": 0.55, "same_trigger_and_actor": 0.40, "same_day_and_town": 0.40,
                         "not_happened": 0.75, "undated": 0.85}
# Token overlap above which two events' sentences count as one sentence reprinted.
SAME_SENTENCE = 0.8
SHARED_COPY_JACCARD = 0.25  # two documents sharing this much of their 5-grams run one agency story
SHARED_COPY_WORDS = 8        # a shared sentence this long is copy from one source, not two reports
TOKEN_THRESHOLDS = {"default": 0.35, "same_trigger_and_actor": 0.20, "same_day_and_town": 0.20,
                    "not_happened": 0.60, "undated": 0.70}
MAX_CANDIDATES = 64          # per event per neighbouring block; keeps dense blocks linear
# Stories: the cosine of two documents' story vectors above which they tell one story; events of
# one type in two such documents merge on agreement alone.
STORY_LINK = 0.3
STORY_STATEMENT_LINK = 0.4  # statements, meetings and agreements join on the story alone only when it is this close
STORY_COMMON_SHARE = 0.02    # a term in this share of the store's documents tells no story ...
STORY_COMMON_MIN_DOCS = 20   # ... once it is in this many
NAME_WEIGHT = 2.0            # names say more about a story than other rare words
STORY_TERMS = 60             # the heaviest terms kept per document
STORY_COMMON_ZIPF = 4.5      # words as common as this in English (Zipf scale: "said" 6, "mall" 4.3) tell no story
STORY_NUMBER_ZIPF = 3.5      # numbers (tolls, ages, dates) count as fairly rare words
ZIPF_TOP = 8.0               # the rarity of a word wordfreq has never seen
STORY_ACTIVE_DAYS = 14       # a story with no new document for two weeks is over
# On the story alone only deeds join, told as done.
STORY_TYPES = {"ASSAULT", "COERCE", "RETREAT", "PROTEST", "MOBILIZE", "AID", "SANCTION"}
UNSURE = {"hedged", "future", "hypothetical"}
STORY_GUESS_DAYS = 14        # a follow-up that does not say when tells of a deed at most this long before it ...
STORY_FOLLOW_UP_LINK = 0.5   # ... on a story this close (or with the same death toll)
STORY_SIDE_LINK = 0.35      # a report's other deeds of a type join on a story this close
STORY_BUSY = 4               # a report telling this many deeds of one type ...
STORY_BUSY_LINK = 0.7        # ... joins its side deeds to another's only on a story this close
STORY_WINDOW_DAYS = 3        # one story's events, when both are dated, fall within three days
CASUALTY_RATIO = 3.0         # killed figures further apart than this are different deeds
HAPPENED = {"asserted", "reported", "alleged", "disputed", "unconfirmed", "hedged"}
NOT_HAPPENED = {"future", "hypothetical", "negated", "denied"}

_MERSENNE = (1 << 61) - 1
_rng = np.random.default_rng(20221110)
_A = _rng.integers(1, _MERSENNE, size=MINHASH_PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _MERSENNE, size=MINHASH_PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


class UnionFind:
    """Disjoint sets over hashable items, with path halving."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def minhash_signature(text: str, shingle: int = 5) -> list[int]:
    """MinHash of a text's word n-grams (empty texts get a signature of -1s)."""
    words = _WORD.findall(text.lower())
    grams = {" ".join(words[i:i + shingle]) for i in range(max(1, len(words) - shingle + 1))} if words else set()
    if not grams:
        return [-1] * MINHASH_PERMUTATIONS
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") & _MERSENNE
                          for g in grams), dtype=np.uint64, count=len(grams))
    # Multiply-shift hashing: one universal hash function per permutation (uint64 arithmetic wraps).
    values = (hashes[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)
    return [int(v) for v in values.min(axis=1).astype(np.int64)]


def near_duplicate_groups(signatures: dict[str, Sequence[int]]) -> dict[str, str]:
    """Document id → origin id (the smallest id among its near-duplicates), by LSH banding."""
    uf = UnionFind()
    rows = MINHASH_PERMUTATIONS // LSH_BANDS
    buckets: dict[tuple, list[str]] = defaultdict(list)
    for doc_id, sig in signatures.items():
        uf.find(doc_id)
        if not sig or sig[0] == -1:
            continue
        for band in range(LSH_BANDS):
            buckets[(band, tuple(sig[band * rows:(band + 1) * rows]))].append(doc_id)
    for members in buckets.values():
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            if uf.find(first) != uf.find(other) and _jaccard(signatures[first], signatures[other]) >= NEAR_DUPLICATE_JACCARD:
                uf.union(first, other)
    return {doc_id: uf.find(doc_id) for doc_id in signatures}


def _jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)


@dataclass
class EventRecord:
    """What merging needs to know of one stored event."""

    key: str                       # "doc_id:e1"
    doc_id: str
    plover_type: str
    date: dt.date | None
    time_precision: int
    lat: float | None
    lon: float | None
    geo_precision: int
    country: str | None
    actor_codes: frozenset[str]
    recipient_codes: frozenset[str]
    trigger_lemma: str
    sentence: str
    status: str
    factuality: float
    origin: str
    published: dt.date | None = None
    outlet: str | None = None
    date_explicit: bool = False    # the text gave the date, rather than the dateline
    admin1: str | None = None
    killed: tuple[int | None, int | None] | None = None
    salient: bool = True           # a lead happening of its document (told again, or in the lead)
    main: bool = True              # its document's main happening of its type (the lead, or the most told)
    date_spread: int = 0           # days either side of `date` the text allows ("last week": its Thursday ± 3)
    deed_kind: str | None = None   # what the deed does (territory, attack), from its ACLED sub-event type
    of_type: int = 1               # how many happenings of its type its document tells


def independent_sources(members: Iterable[EventRecord], signatures: dict[str, Sequence[int]] | None = None) -> int:
    """How many independent sources report an incident. Wire copy is one source however many members
    run it: near-duplicate documents (one origin), and documents of different outlets that tell an
    event in the same sentence of SHARED_COPY_WORDS words or more (agency copy each outlet edits
    around). Otherwise a document counts as its outlet, so one newsroom repeating its own caption or
    story counts once. An outlet's own story and the wire copy it runs stay two sources, and two
    outlets never fuse through the wire copy they share. With the documents' MinHash `signatures`,
    two outlets' documents sharing SHARED_COPY_JACCARD of their word 5-grams are copy of one story too
    (an agency's story as each outlet edits and updates it, too far apart to be near-duplicates)."""
    members = list(members)
    documents = {e.doc_id: e for e in members}
    copy = _wire_copy(members, signatures or {})
    outlet_of = {d: e.outlet.strip().lower() if e.outlet else None for d, e in documents.items()}
    outlets_of: dict[str, set] = defaultdict(set)
    for doc_id, group in copy.items():
        outlets_of[group].add(outlet_of[doc_id])
    keys = set()
    for e in documents.values():
        group = copy.get(e.doc_id)
        if group is not None and (len(outlets_of[group]) > 1 or None in outlets_of[group]):
            keys.add(("copy", group))
        elif group is not None:  # copy that only one outlet runs is that outlet's, however often reprinted
            keys.add(("outlet", outlet_of[e.doc_id]))
        elif not e.outlet:
            keys.add(("origin", e.origin))
        else:
            keys.add(("outlet", e.outlet.strip().lower()))
    return len(keys)


def _wire_copy(members: list[EventRecord], signatures: dict[str, Sequence[int]]) -> dict[str, str]:
    """Document → its group of wire copy, for the documents that run copy another member runs too:
    reprints of one origin, the same long sentence (token overlap ≥ SAME_SENTENCE) in two outlets, and
    two outlets' documents that share much of their wording."""
    uf = UnionFind()
    origins: dict[str, str] = {}
    for e in members:
        if e.origin in origins and origins[e.origin] != e.doc_id:
            uf.union(origins[e.origin], e.doc_id)
        origins.setdefault(e.origin, e.doc_id)
    outlets = {e.doc_id: e.outlet.strip().lower() for e in members if e.outlet}
    words = [(e, w) for e in members if e.doc_id in outlets
             and len(w := set(_WORD.findall(e.sentence.lower()))) >= SHARED_COPY_WORDS]
    for i, (a, x) in enumerate(words):
        for b, y in words[i + 1:]:
            if outlets[a.doc_id] != outlets[b.doc_id] and len(x & y) / len(x | y) >= SAME_SENTENCE:
                uf.union(a.doc_id, b.doc_id)
    signed = sorted(d for d in outlets if signatures.get(d) and signatures[d][0] != -1)
    for i, a in enumerate(signed):
        for b in signed[i + 1:]:
            if outlets[a] != outlets[b] and _jaccard(signatures[a], signatures[b]) >= SHARED_COPY_JACCARD:
                uf.union(a, b)
    groups = Counter(uf.find(d) for d in list(uf.parent))
    return {d: uf.find(d) for d in list(uf.parent) if groups[uf.find(d)] > 1}


@dataclass
class Incident:
    """A merged real-world event and the evidence keys behind it."""

    incident_id: str
    events: list[str] = field(default_factory=list)


def _cells(e: EventRecord) -> list[tuple]:
    if e.lat is None or e.lon is None:
        return [("country", e.country or "?")]
    i, j = math.floor(e.lat / CELL_DEGREES), math.floor(e.lon / CELL_DEGREES)
    return [("cell", i, j)]


def _neighbour_cells(cell: tuple) -> Iterable[tuple]:
    if cell[0] != "cell":
        yield cell
        return
    _, i, j = cell
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            yield ("cell", i + di, j + dj)


def _km(a: EventRecord, b: EventRecord) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def compatible(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events could be one incident, before looking at their wording."""
    if a.plover_type != b.plover_type or a.date is None or b.date is None:
        return False
    # Merging links pairs, and links chain: events placed only at a country, or dated only to a
    # month, chained thousands of reports into one "incident" on the corpus. Such vague events
    # merge only with reprints of the same story.
    if a.origin != b.origin and (max(a.geo_precision, b.geo_precision) >= 3 or a.lat is None or b.lat is None
                                 or max(a.time_precision, b.time_precision) >= 3):
        return False
    window = max(DATE_WINDOW_DAYS.get(a.time_precision, 15), DATE_WINDOW_DAYS.get(b.time_precision, 15))
    if a.time_precision == 1 and b.time_precision == 1:
        window = 0  # two events each dated to a day are one incident only on the same day
    if abs((a.date - b.date).days) > window:
        return False
    if a.lat is not None and b.lat is not None:
        if _km(a, b) > max(MAX_KM.get(a.geo_precision, 250), MAX_KM.get(b.geo_precision, 250)):
            return False
    elif a.country and b.country and a.country != b.country:
        return False
    return _same_sides(a, b)


def _same_sides(a: EventRecord, b: EventRecord) -> bool:
    """Actors, footing and casualty figures that do not contradict each other."""
    if a.deed_kind and b.deed_kind and a.deed_kind != b.deed_kind:
        return False  # a town retaken is not the killing reported there
    if a.actor_codes and b.actor_codes and not _countries(a.actor_codes) & _countries(b.actor_codes):
        return False
    # Macron meeting Putin and Macron meeting Zelensky: the party met, asked or accused must be among the other
    # report's parties (symmetric events code each side both ways). A deed's victims may be of many nations.
    targets_a, targets_b = _states(a.recipient_codes), _states(b.recipient_codes)
    if a.plover_type not in STORY_TYPES and targets_a and targets_b and not (
            targets_a & _states(b.actor_codes | b.recipient_codes) or targets_b & _states(a.actor_codes | a.recipient_codes)):
        return False
    # Biden meeting Zelensky and Biden talking to Putin: when each names two parties or more, and each names one
    # the other does not, they are two meetings (one report naming more parties than another is no conflict).
    parties_a, parties_b = _states(a.actor_codes | a.recipient_codes), _states(b.actor_codes | b.recipient_codes)
    if (a.plover_type not in STORY_TYPES and len(parties_a) >= 2 and len(parties_b) >= 2
            and parties_a - parties_b and parties_b - parties_a):
        return False
    # "warns it will close" and "has closed" are different incidents.
    # Among reports of what happened, certainty is no conflict: "police could not confirm" or "Moscow denies
    # it" (disputed) tell the deed another report asserts.
    if (a.status in NOT_HAPPENED) != (b.status in NOT_HAPPENED):
        return False
    if (a.status not in HAPPENED or b.status not in HAPPENED) and abs(a.factuality - b.factuality) >= 2.5:
        return False
    return _casualties_agree(a.killed, b.killed)


def _casualties_agree(a, b) -> bool:
    """Death tolls rise as reports come in, but 2 killed and 40 killed are different deeds."""
    if not a or not b:
        return True
    low_a, low_b = a[0] or a[1], b[0] or b[1]
    if not low_a or not low_b:
        return True
    return max(low_a, low_b) / min(low_a, low_b) <= CASUALTY_RATIO


def story_compatible(a: EventRecord, b: EventRecord, link: float = 1.0) -> bool:
    """Two events of documents that tell one story: one incident unless something they say conflicts.
    A date or place of either may be missing or vague (a region, the dateline's day); what both
    state must agree: dates within their precision, places by distance or containment."""
    if a.plover_type != b.plover_type or a.doc_id == b.doc_id:
        return False
    # A story is a news cycle as often as one deed: only what each report leads with (its headline,
    # its lead, what it tells again) joins on the story alone; side remarks need alike sentences.
    if not (a.salient and b.salient):
        return False
    # In a report that tells several deeds of one type, only its main one joins a loosely linked story: the
    # others need a close story (or alike sentences, on the other route).
    if not (a.main and b.main) and link < STORY_SIDE_LINK:
        return False
    # A report that tells four deeds of a type or more is a news cycle's round-up: its other deeds join another
    # report's on the story only when the two run nearly one text.
    if not (a.main and b.main) and max(a.of_type, b.of_type) >= STORY_BUSY and link < STORY_BUSY_LINK:
        return False
    # Statements (requests, accusations, meetings) recur through a news cycle by many speakers, and what
    # may or might happen is no deed: on the story alone only deeds told as done join.
    if a.status in UNSURE or b.status in UNSURE:
        return False
    if a.plover_type not in STORY_TYPES and (link < STORY_STATEMENT_LINK or not _same_speaker(a, b)):
        return False
    if not (_story_dates_agree(a, b, link) and _places_agree(a, b) and _same_sides(a, b)):
        return False
    # Nothing conflicting is not enough in a news cycle. One of the two must be anchored to a stated day
    # or a town: two vague mentions ("the invasion", "US troops deploy" at a country) in two linked reports
    # are as often two background remarks as one deed. When both state the day, they share it or a town.
    # A report with no date at all (no dateline) takes its story's incident on agreement alone.
    if a.date is not None and b.date is not None and not (_anchored(a) or _anchored(b)):
        return False
    same_day = a.date is not None and a.date == b.date and a.date_explicit and b.date_explicit
    same_town = (a.lat is not None and b.lat is not None and max(a.geo_precision, b.geo_precision) <= 2
                 and _km(a, b) <= MAX_KM[1])
    same_region = bool(a.admin1 and a.admin1 == b.admin1 and min(a.geo_precision, b.geo_precision) <= 2)
    if same_day or same_town or a.date is None or b.date is None:
        return True  # a report with no date at all (no dateline) takes its story's incident on agreement
    # When either does not say when, a region or a country in common is how most of a war's reports of one
    # week read: the same toll, or a story told in nearly the same words, is what ties them to one deed.
    # A week ("last week") says when no more closely than a dateline does.
    both_told = a.date_explicit and b.date_explicit and not (a.date_spread or b.date_spread)
    return not both_told and (link >= STORY_FOLLOW_UP_LINK or _same_toll(a, b) or same_region)


def _same_day_and_town(a: EventRecord, b: EventRecord) -> bool:
    """Both texts give the day, the same one, and both place it in one town."""
    return (a.date_explicit and b.date_explicit and a.time_precision == 1 and b.time_precision == 1
            and a.date == b.date and a.lat is not None and b.lat is not None
            and max(a.geo_precision, b.geo_precision) <= 1 and _km(a, b) <= MAX_KM[1])


def _anchored(e: EventRecord) -> bool:
    """Whether the text gives the event a day of its own or a town (or a district)."""
    return (e.date_explicit and e.time_precision == 1) or (e.lat is not None and e.geo_precision <= 2)


def _same_speaker(a: EventRecord, b: EventRecord) -> bool:
    """Both name the party that spoke (or met, or agreed), and it is the same one: the same country and sector
    (the Kremlin's denial and a mercenary chief's admission in one news cycle are two statements); a party named
    by its country alone may be any of that country's."""
    return any(x == y or (split_code(x)[1] is None or split_code(y)[1] is None) and x[:3] == y[:3]
               for x in a.actor_codes for y in b.actor_codes)


def _same_toll(a: EventRecord, b: EventRecord) -> bool:
    """Both give a death toll, and the tolls agree."""
    return bool(a.killed and b.killed and (a.killed[0] or a.killed[1]) and (b.killed[0] or b.killed[1])
                and _casualties_agree(a.killed, b.killed))


def _story_dates_agree(a: EventRecord, b: EventRecord, link: float = 0.0) -> bool:
    if a.date is None or b.date is None:
        return True
    if a.date_explicit != b.date_explicit:
        # A report that does not say when dates its deed by its own day: the deed happened by then, most
        # often a day or two before. A follow-up days later ("police named the victim of the shooting")
        # tells the same deed only on a close story or the same toll: war reports tell a town's next strike
        # in the same words.
        told, guessed = (a, b) if a.date_explicit else (b, a)
        late = STORY_GUESS_DAYS if link >= STORY_FOLLOW_UP_LINK or _same_toll(a, b) else STORY_WINDOW_DAYS
        return -1 - told.date_spread <= (guessed.date - told.date).days <= late + told.date_spread
    window = max(DATE_WINDOW_DAYS.get(a.time_precision, 15), DATE_WINDOW_DAYS.get(b.time_precision, 15))
    if a.date_explicit and b.date_explicit and a.time_precision == 1 and b.time_precision == 1:
        window = 0  # a strike on Monday and the shelling on Tuesday are two incidents
    return abs((a.date - b.date).days) <= min(window, STORY_WINDOW_DAYS)


def _places_agree(a: EventRecord, b: EventRecord) -> bool:
    if a.lat is None or b.lat is None:
        return not (a.country and b.country and a.country != b.country)
    if a.country and b.country and a.country != b.country:
        return False
    coarse = max(a.geo_precision, b.geo_precision)
    if coarse >= 3 and a.admin1 and b.admin1:
        return a.admin1 == b.admin1  # a town and the region it lies in; not a town in the next region
    if coarse >= 3 and (a.admin1 is None or b.admin1 is None):
        return True  # a country and a place in it
    return _km(a, b) <= max(MAX_KM.get(a.geo_precision, 250), MAX_KM.get(b.geo_precision, 250))


def _states(codes: frozenset[str]) -> set[str]:
    """The countries (and IGO, NGO) of codes, without the bare sectors ("MIL", "GOV") that name none."""
    return {country for country in (split_code(c)[0] for c in codes if c) if country}


def _countries(codes: frozenset[str]) -> set[str]:
    return {c[:3] for c in codes if c}


def merge_incidents(events: Sequence[EventRecord],
                    similarity: Callable[[EventRecord, EventRecord], float] | None = None,
                    links: dict[str, dict[str, float]] | None = None,
                    fixed: dict[str, str] | None = None) -> list[Incident]:
    """Cluster events into incidents; deterministic, near-linear in the number of events.

    Leader clustering: each event, in order of publication, joins the first earlier incident whose
    leading event it matches, or leads a new one. Linking any pair instead chained thousands of
    reports into one incident. Candidates come from the events of the documents that tell the
    event's story (`links`: document → {document: cosine}, from `story_links`), the closest first,
    which it joins when nothing conflicts, then from the leaders in blocks of type, day and grid
    cell, which it joins when the sentences are alike as well.

    `fixed` (event key → incident id) are events already merged: they keep their incidents, come
    first, and only the other events are matched, against them and each other. That is the
    incremental merge: new reports join the incidents near them without re-merging the rest.
    """
    links = links or {}
    fixed = fixed or {}
    order = sorted(range(len(events)), key=lambda n: (events[n].key not in fixed, events[n].published or dt.date.min,
                                                      events[n].key))
    events = [events[n] for n in order]
    leaders: dict[tuple, list[int]] = defaultdict(list)
    of_document: dict[tuple[str, str], list[int]] = defaultdict(list)
    uf = UnionFind()
    first_of: dict[str, int] = {}
    documents_of: dict[int, set[str]] = {}   # incident (its first event) → the documents it holds events of
    for n, e in enumerate(events):
        uf.find(n)
        leader = None
        if e.key in fixed:
            leader = first_of.setdefault(fixed[e.key], n)
            if leader == n:
                leader = None
        else:
            # A document's happenings are distinct by then: two of them never share an incident.
            def open_to(m: int, doc: str = e.doc_id) -> bool:
                return doc not in documents_of.get(uf.find(m), ())

            leader = _story_leader(e, events, links.get(e.doc_id, {}), of_document, uf, open_to)
            if leader is None and e.date is not None:
                leader = _matching_leader(e, events, leaders, similarity, open_to)
        of_document[(e.doc_id, e.plover_type)].append(n)
        if leader is not None:
            uf.union(n, leader)
            documents_of.setdefault(uf.find(n), set()).add(e.doc_id)
            continue
        documents_of[n] = {e.doc_id}
        if e.date is not None:
            for cell in _cells(e):
                leaders[(e.plover_type, e.date.toordinal(), cell)].append(n)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(events)):
        groups[uf.find(n)].append(n)
    incidents = []
    for members in groups.values():
        keys = sorted(events[m].key for m in members)
        known = {fixed[k] for k in keys if k in fixed}
        incident_id = known.pop() if known else new_incident_id(events[members[0]].key)
        incidents.append(Incident(incident_id, keys))
    incidents.sort(key=lambda i: i.incident_id)
    return incidents


def _story_leader(e: EventRecord, events: Sequence[EventRecord], linked: dict[str, float],
                  of_document: dict[tuple[str, str], list[int]], uf: UnionFind,
                  open_to: Callable[[int], bool] = lambda m: True) -> int | None:
    """An earlier event of a document telling e's story that e can join: any member of an incident
    can take e in, but e's date must also fit the incident's first event, so a long story's daily
    reports cannot chain day after day. (Asking the first event's place and sides as well cut ECB+
    recall: dev document-pair F1 0.609 → 0.562.)"""
    for other, link in sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]:
        for m in of_document.get((other, e.plover_type), ()):
            if not open_to(m):
                continue
            first = events[uf.find(m)]
            if story_compatible(e, events[m], link) and _story_dates_agree(e, first, linked.get(first.doc_id, 0.0)):
                return m
    return None


def new_incident_id(first_key: str, salt: int = 0) -> str:
    """The id an incident gets when it is formed: from its first event's key, and kept for good."""
    text = first_key if not salt else f"{first_key}#{salt}"
    return "inc-" + hashlib.sha1(text.encode()).hexdigest()[:12]


def keep_ids(incidents: list[Incident], previous: dict[str, str], taken: set[str] = frozenset()) -> list[Incident]:
    """Give each incident of a rebuild the id of the earlier incident (`previous`: event key → id) it
    shares most events with, each earlier id to one incident only, so links to incidents survive a
    rebuild; an incident with none of its events merged before keeps its new id. `taken` ids belong
    to incidents not merged here and are never given."""
    overlaps: list[tuple[int, str, int]] = []
    for n, inc in enumerate(incidents):
        for old, k in Counter(previous[k] for k in inc.events if k in previous).items():
            overlaps.append((-k, old, n))
    overlaps.sort()
    named: dict[int, str] = {}
    taken = set(taken)
    for _, old, n in overlaps:
        if n not in named and old not in taken:
            named[n] = old
            taken.add(old)
    out = []
    for n, inc in enumerate(incidents):
        incident_id = named.get(n)
        if incident_id is None:
            salt, incident_id = 0, inc.incident_id
            while incident_id in taken:  # an id kept by another incident
                salt += 1
                incident_id = new_incident_id(min(inc.events), salt)
            taken.add(incident_id)
        out.append(Incident(incident_id, inc.events))
    out.sort(key=lambda i: i.incident_id)
    return out


def _matching_leader(e: EventRecord, events: Sequence[EventRecord], leaders: dict[tuple, list[int]],
                     similarity, open_to: Callable[[int], bool] = lambda m: True) -> int | None:
    """The first incident leader in e's neighbouring blocks that e matches, if any."""
    window = DATE_WINDOW_DAYS.get(e.time_precision, 15)
    day = e.date.toordinal()
    for cell in _cells(e):
        for neighbour in _neighbour_cells(cell):
            for d in range(day - window, day + window + 1):
                for m in leaders.get((e.plover_type, d, neighbour), ())[:MAX_CANDIDATES]:
                    if open_to(m) and compatible(e, events[m]) and _alike(e, events[m], similarity):
                        return m
    return None


def _alike(a: EventRecord, b: EventRecord, similarity) -> bool:
    if a.doc_id == b.doc_id:
        return False  # a document's happenings are already one event each
    # Two deeds told in one sentence ("shelled Kharkiv and struck Izium") share all its words; in
    # reprints of that sentence only the trigger tells them apart.
    if a.trigger_lemma != b.trigger_lemma and _token_jaccard(a.sentence, b.sentence) >= SAME_SENTENCE:
        return False
    score = _token_jaccard(a.sentence, b.sentence) if similarity is None else similarity(a, b)
    thresholds = TOKEN_THRESHOLDS if similarity is None else SIMILARITY_THRESHOLDS
    if a.trigger_lemma == b.trigger_lemma and a.actor_codes and a.actor_codes == b.actor_codes:
        needed = thresholds["same_trigger_and_actor"]
    elif _same_day_and_town(a, b):
        # One type of deed on one stated day in one town is one event, as ACLED codes it, however told.
        needed = thresholds["same_day_and_town"]
    else:
        needed = thresholds["default"]
    # A threat, a plan or a denial is one incident only when told in nearly the same words:
    # "Russia will strike Kyiv" in two reports is rarely one statement.
    if a.status in NOT_HAPPENED or b.status in NOT_HAPPENED:
        needed = max(needed, thresholds["not_happened"])
    # An event without a day of its own ("Russian attacks on Crimea", "the city was heavily bombed")
    # is as often a summary of many days as one deed; across stories only the same sentence joins it.
    if a.origin != b.origin and max(a.time_precision, b.time_precision) >= 2:
        needed = max(needed, thresholds["undated"])
    return score >= needed


def _token_jaccard(a: str, b: str) -> float:
    x, y = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x and y else 0.0


_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")


def name_terms(text: str) -> frozenset[str]:
    """Words a text capitalises after a lower-case word: the names of people, places and units that two
    reports of one event share, rather than the page's furniture."""
    return frozenset(w.lower() for w in _NAME.findall(text))


def document_terms(text: str, stopwords: frozenset[str] = frozenset()) -> Counter:
    """The words of three letters or more, and the numbers, of a text, with their counts."""
    return Counter(w for w in _WORD.findall(text.lower()) if (len(w) >= 3 or w.isdigit()) and w not in stopwords)


@lru_cache(maxsize=200_000)
def term_rarity(term: str) -> float:
    """How much a word says about a story: ZIPF_TOP minus its Zipf frequency in English at large
    (wordfreq's tables), 0 for words at STORY_COMMON_ZIPF or more common. A reference outside the
    store, so a document's vector never changes as other documents arrive: merging one batch or
    two, in any order, sees the same stories."""
    from wordfreq import zipf_frequency

    zipf = STORY_NUMBER_ZIPF if term.isdigit() else zipf_frequency(term, "en")
    return 0.0 if zipf >= STORY_COMMON_ZIPF else ZIPF_TOP - zipf


def story_vector(counts: Counter, common: frozenset[str] = frozenset(),
                 names: frozenset[str] = frozenset()) -> dict[str, float]:
    """A document's STORY_TERMS heaviest terms by count and rarity (none of the store's `common` terms), L2-normed;
    `names` (words the text capitalises inside a sentence) weigh NAME_WEIGHT times more."""
    weights = {w: (1 + math.log(k)) * r * (NAME_WEIGHT if w in names else 1.0)
               for w, k in counts.items() if w not in common and (r := term_rarity(w)) > 0}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_TERMS]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {w: v / norm for w, v in top}


def common_terms(term_sets: Iterable[Iterable[str]]) -> frozenset[str]:
    """The terms too common in this store to tell one story from another: in STORY_COMMON_SHARE of its
    documents or more (and at least STORY_COMMON_MIN_DOCS). Rarity in English at large does not know that
    every war report names Kyiv and Zelenskyy; the store does. Fixed at a full merge and kept until the
    next, so the incremental merges in between see the same vectors in any order."""
    df: Counter = Counter()
    n = 0
    for terms in term_sets:
        n += 1
        df.update(set(terms))
    cut = max(STORY_COMMON_MIN_DOCS, STORY_COMMON_SHARE * n)
    return frozenset(t for t, k in df.items() if k >= cut)


def story_links(vectors: dict[str, dict[str, float]], dates: dict[str, dt.date | None],
                others: dict[str, dict[str, float]] | None = None,
                other_dates: dict[str, dt.date | None] | None = None,
                threshold: float = STORY_LINK) -> dict[str, dict[str, float]]:
    """Document → {document that tells the same story: cosine of their story vectors}, for each of
    `vectors` against each other and against `others` (kept from earlier merges), when published
    within STORY_ACTIVE_DAYS of each other (an undated one: any). Pairs, not clusters: a link depends
    on its two documents alone, so no news cycle drifts a story from one deed to the next, and merging
    in one batch or many finds the same links."""
    from scipy import sparse

    others = {d: v for d, v in (others or {}).items() if d not in vectors}
    other_dates = other_dates or {}
    new_ids = sorted(vectors, key=lambda d: (dates.get(d) is None, dates.get(d) or dt.date.min, d))
    all_ids = new_ids + sorted(others)
    day_of = {**{d: other_dates.get(d) for d in others}, **{d: dates.get(d) for d in new_ids}}
    vocabulary: dict[str, int] = {}
    data, indices, indptr = [], [], [0]
    for d in all_ids:
        for w, v in (vectors[d] if d in vectors else others[d]).items():
            indices.append(vocabulary.setdefault(w, len(vocabulary)))
            data.append(v)
        indptr.append(len(indices))
    out: dict[str, dict[str, float]] = {d: {} for d in new_ids}
    if not new_ids or not vocabulary:
        return out
    matrix = sparse.csr_matrix((np.asarray(data, dtype=np.float64), indices, indptr),
                               shape=(len(all_ids), len(vocabulary)))
    ordinal = np.array([day_of[d].toordinal() if day_of[d] else -1 for d in all_ids])
    for lo in range(0, len(new_ids), 512):
        rows = np.arange(lo, min(lo + 512, len(new_ids)))
        block = (matrix[rows] @ matrix.T).tocoo()
        keep = (block.data >= threshold) & (rows[block.row] != block.col)
        for r, col, score in zip(rows[block.row[keep]], block.col[keep], block.data[keep]):
            a, b = ordinal[r], ordinal[col]
            if a >= 0 and b >= 0 and abs(a - b) > STORY_ACTIVE_DAYS:
                continue
            out[new_ids[r]][all_ids[col]] = round(float(score), 6)
    return out
