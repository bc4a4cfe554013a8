"""Incidents: reports of one real-world event, merged across documents.

Pure functions over plain records. Candidates are blocked by event type, a
date window and a grid cell around the location, so the work grows with the
number of events, never with all pairs; an event joins an incident when its
date, place, actors and factuality agree with the incident's first event and
their sentences are alike by embedding (less alike when trigger and actors
are the same; nearly the same words for threats, plans and denials, and,
across stories, for events without a day of their own).
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

import numpy as np

__all__ = [
    "EventRecord", "Incident", "minhash_signature", "near_duplicate_groups", "merge_incidents",
    "independent_sources", "MINHASH_PERMUTATIONS", "UnionFind",
]

MINHASH_PERMUTATIONS = 64
LSH_BANDS = 16
NEAR_DUPLICATE_JACCARD = 0.5
CELL_DEGREES = 0.5
MAX_KM = {1: 30.0, 2: 60.0, 3: 250.0}
DATE_WINDOW_DAYS = {1: 1, 2: 3, 3: 15}
# Sentence similarity an event needs with an incident's leader: embedding cosine, or word
# Jaccard when merging runs without embeddings.
SIMILARITY_THRESHOLDS = {"default": 0.55, "same_trigger_and_actor": 0.40, "not_happened": 0.75, "undated": 0.85}
# Token overlap above which two events' sentences count as one sentence reprinted.
SAME_SENTENCE = 0.8
TOKEN_THRESHOLDS = {"default": 0.35, "same_trigger_and_actor": 0.20, "not_happened": 0.60, "undated": 0.70}
MAX_CANDIDATES = 64          # per event per neighbouring block; keeps dense blocks linear
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


def independent_sources(members: Iterable[EventRecord]) -> int:
    """How many independent sources report an incident. Wire copy that several members reprint
    (one near-duplicate origin) is one source; otherwise a document counts as its outlet, so one
    newsroom repeating its own caption or story counts once. An outlet's own story and the wire
    copy it runs stay two sources, and two outlets never fuse through the wire copy they share."""
    documents = {e.doc_id: e for e in members}
    reprints = Counter(e.origin for e in documents.values())
    keys = set()
    for e in documents.values():
        if reprints[e.origin] > 1 or not e.outlet:
            keys.add(("origin", e.origin))
        else:
            keys.add(("outlet", e.outlet.strip().lower()))
    return len(keys)


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
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


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
    if a.actor_codes and b.actor_codes and not _countries(a.actor_codes) & _countries(b.actor_codes):
        return False
    # "warns it will close" and "has closed" are different incidents.
    if (a.status in NOT_HAPPENED) != (b.status in NOT_HAPPENED) or abs(a.factuality - b.factuality) >= 2.5:
        return False
    return True


def _countries(codes: frozenset[str]) -> set[str]:
    return {c[:3] for c in codes if c}


def merge_incidents(events: Sequence[EventRecord],
                    similarity: Callable[[EventRecord, EventRecord], float] | None = None) -> list[Incident]:
    """Cluster events into incidents; deterministic, near-linear in the number of events.

    Leader clustering: each event joins the first earlier incident whose leading event it matches,
    or leads a new one. Linking any pair instead chained thousands of reports into one incident.
    """
    leaders: dict[tuple, list[int]] = defaultdict(list)
    uf = UnionFind()
    for n, e in enumerate(events):
        uf.find(n)
        if e.date is None:
            continue
        leader = _matching_leader(e, events, leaders, similarity)
        if leader is not None:
            uf.union(n, leader)
        else:
            for cell in _cells(e):
                leaders[(e.plover_type, e.date.toordinal(), cell)].append(n)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(events)):
        groups[uf.find(n)].append(n)
    incidents = []
    for members in groups.values():
        keys = sorted(events[m].key for m in members)
        incident_id = "inc-" + hashlib.sha1(keys[0].encode()).hexdigest()[:12]
        incidents.append(Incident(incident_id, keys))
    incidents.sort(key=lambda i: i.incident_id)
    return incidents


def _matching_leader(e: EventRecord, events: Sequence[EventRecord], leaders: dict[tuple, list[int]],
                     similarity) -> int | None:
    """The first incident leader in e's neighbouring blocks that e matches, if any."""
    window = DATE_WINDOW_DAYS.get(e.time_precision, 15)
    day = e.date.toordinal()
    for cell in _cells(e):
        for neighbour in _neighbour_cells(cell):
            for d in range(day - window, day + window + 1):
                for m in leaders.get((e.plover_type, d, neighbour), ())[:MAX_CANDIDATES]:
                    if compatible(e, events[m]) and _alike(e, events[m], similarity):
                        return m
    return None


def _alike(a: EventRecord, b: EventRecord, similarity) -> bool:
    if a.doc_id == b.doc_id:
        return a.trigger_lemma == b.trigger_lemma and a.actor_codes == b.actor_codes
    # Two deeds told in one sentence ("shelled Kharkiv and struck Izium") share all its words; in
    # reprints of that sentence only the trigger tells them apart.
    if a.trigger_lemma != b.trigger_lemma and _token_jaccard(a.sentence, b.sentence) >= SAME_SENTENCE:
        return False
    score = _token_jaccard(a.sentence, b.sentence) if similarity is None else similarity(a, b)
    thresholds = TOKEN_THRESHOLDS if similarity is None else SIMILARITY_THRESHOLDS
    if a.trigger_lemma == b.trigger_lemma and a.actor_codes and a.actor_codes == b.actor_codes:
        needed = thresholds["same_trigger_and_actor"]
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
