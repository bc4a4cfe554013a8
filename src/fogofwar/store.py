"""The store: documents and every record in an embedded DuckDB file, and the incidents.

This module owns the schema (data/schema.sql) and all SQL. Writes are
idempotent: a document is keyed by its id and the hash of its input; the
same hash is skipped, a changed one replaces all its rows in one
transaction. Each batch commits on its own, so an interrupted ingest loses
nothing committed and a rerun finishes the job without duplicates.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from .lexicons import deed_kind
from .parallel import chunks as _chunks
from .incidents import (CELL_DEGREES, DATE_WINDOW_DAYS, STORY_ACTIVE_DAYS, STORY_COMMON_MIN_DOCS, STORY_COMMON_SHARE,
                        STORY_COMMON_ZIPF, STORY_LINK, STORY_NUMBER_ZIPF, STORY_TERMS, ZIPF_TOP, EventRecord, Incident,
                        common_terms, document_terms, independent_sources, name_terms, keep_ids, merge_incidents,
                        minhash_signature, near_duplicate_groups, story_links, story_vector)
from .ingest import FailedDocument, RawDocument
from .models import Result
from .times import week_date

__all__ = ["Store", "content_hash", "IngestReport", "ingest_into", "DEFAULT_STORE", "SCHEMA_VERSION"]

log = logging.getLogger(__name__)

DEFAULT_STORE = "fogofwar.duckdb"
SCHEMA_VERSION = "2"

# The map's points: at most this many drawn one by one in the view, else counts per grid cell; from this
# zoom on (a few towns wide) the points come one by one, the strongest first, whatever their number.
MAP_POINT_LIMIT = 1000
MAP_POINTS_ZOOM = 9
MAP_POINT_FIELDS = ("incident_id", "lat", "lon", "plover_type", "status", "place", "location_name", "event_date",
                    "independent_sources", "summary")
MAP_CELL_FIELDS = ("y", "x", "n", "lat", "lon", "dateline", "types")
RECORD_TABLES = ("places", "times", "actors", "events", "event_mentions", "claims", "event_claims")
DERIVED_TABLES = ("incidents", "incident_events", "incident_pages")
# A page larger than this (an incident of many long claims) is assembled when asked for, not kept.
PAGE_MAX_BYTES = 256 * 1024
STATUS_ORDER = ["asserted", "reported", "alleged", "hedged", "unconfirmed", "disputed", "denied",
                "future", "hypothetical", "negated"]
LEAD_SENTENCES = 4          # the headline, the lead and the next sentences that tell a happening
SUPPORTING = {"assert", "acknowledge", "believe", "allege"}
CONTRADICTING = {"deny", "doubt"}


def content_hash(item: RawDocument | FailedDocument) -> str:
    """Hash of what a document was read as: a changed input gets a new hash."""
    if isinstance(item, FailedDocument):
        parts = [item.id, item.code, item.message]
    else:
        parts = [item.id, item.text, item.url or "", item.outlet or "", item.title or "", item.published or "",
                 item.html_date or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class IngestReport:
    """What one ingest did."""

    read: int = 0
    skipped: int = 0
    written: int = 0
    errors: int = 0
    incidents: int = 0


class _Shared:
    """What a store and its readers keep between reads: the town coordinates of one data version."""

    def __init__(self):
        self.lock = threading.Lock()
        self.towns: tuple[str, frozenset[tuple[float, float]]] | None = None


class Store:
    """A DuckDB file holding documents, their records and incidents."""

    def __init__(self, path: str | Path = DEFAULT_STORE, read_only: bool = False):
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"no store at {self.path}; run `fogofwar ingest` first")
        self.read_only = read_only
        self.con = duckdb.connect(self.path, read_only=read_only)
        self._shared = _Shared()
        if not read_only:
            self._create_schema()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- schema -------------------------------------------------------------

    def _create_schema(self) -> None:
        self._drop_older_schema()
        sql = (resources.files("fogofwar") / "data" / "schema.sql").read_text(encoding="utf-8")
        self.con.execute(sql)
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def _drop_older_schema(self) -> None:
        """A store of an older schema holds records of another shape: its tables are dropped (the
        embedding cache is kept) and the next ingest extracts every document again."""
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            return
        found = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if found is None or found[0] == SCHEMA_VERSION:
            return
        log.warning("store %s has schema %s, this fogofwar writes %s: its documents will be extracted again",
                    self.path, found[0], SCHEMA_VERSION)
        for table in ("documents",) + RECORD_TABLES + DERIVED_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")

    # --- writing ------------------------------------------------------------

    def known_hashes(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Stored content hash of each of these document ids that is stored."""
        ids = list(doc_ids)
        if not ids:
            return {}
        rows = self.con.execute("SELECT doc_id, content_hash FROM documents WHERE doc_id IN (SELECT unnest(?))",
                                [ids]).fetchall()
        return dict(rows)

    def write_results(self, batch: list[tuple[Result, str]]) -> None:
        """Replace the rows of each document in one transaction."""
        if not batch:
            return
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        ids = [r.id for r, _ in batch]
        rows = _rows_for(batch, now)
        with self._transaction():
            self._drop_documents(ids, ("documents",) + RECORD_TABLES)
            for table, records in rows.items():
                _insert_rows(self.con, table, records)

    def remove_documents(self, doc_ids: Iterable[str]) -> None:
        """Delete documents and all their records; their incidents lose them at the next merge."""
        with self._transaction():
            self._drop_documents(list(doc_ids), ("documents",) + RECORD_TABLES + ("story_terms",))

    def _drop_documents(self, ids: list[str], tables: tuple[str, ...]) -> None:
        """Delete the documents' rows from these tables and leave them for the next incremental merge."""
        # Their incidents' kept pages go with them: until the merge recounts those incidents, their pages
        # are assembled from what the tables hold.
        self.con.execute("DELETE FROM incident_pages WHERE incident_id IN (SELECT incident_id FROM incident_events "
                         "WHERE doc_id IN (SELECT unnest(?)))", [ids])
        for table in tables:
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [ids])
        self.con.execute("INSERT OR IGNORE INTO pending_incidents SELECT unnest(?)", [ids])
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('incidents_behind', 'true')")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def ingest(self, items: Iterable[RawDocument | FailedDocument], extract: Callable[[Iterable], Iterator[Result]],
               batch_size: int = 64, progress: Callable[[int], None] | None = None,
               use_embeddings: bool = True, rebuild: bool = False) -> IngestReport:
        """Store every document not stored yet (or changed), then merge incidents."""
        return ingest_into(self, items, extract, batch_size, progress, use_embeddings, rebuild)

    def update_incidents(self, use_embeddings: bool = True, rebuild: bool = False) -> int:
        """Bring incidents up to date with the stored events after documents were written (or a
        merge was interrupted: the store remembers that incidents are behind); count them."""
        if not (rebuild or self._incidents_behind()):
            return self.count("incidents")
        if rebuild or not self._stories_kept():
            self.rebuild_incidents(use_embeddings)
        else:
            self.merge_new(use_embeddings)
        self.bump_version()
        return self.count("incidents")

    def _stories_kept(self) -> bool:
        """Whether the last full merge kept the stories the incremental merge needs (stores merged
        before it did are rebuilt once)."""
        return self._meta("stories") == STORY_MODEL

    def _incidents_behind(self) -> bool:
        return self._meta("incidents_behind") == "true"

    def reader(self) -> "Store":
        """Another connection to this store's database for reading while this one writes (DuckDB
        readers see the last committed state)."""
        view = Store.__new__(Store)
        view.path, view.read_only, view.con = self.path, True, self.con.cursor()
        view._shared = self._shared
        return view

    def _meta(self, key: str) -> str | None:
        found = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return found[0] if found else None

    def bump_version(self) -> int:
        """Count one more change of the store's data, for readers that poll `status()`."""
        version = int(self._meta("version") or 0) + 1
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?), ('updated', ?)", [str(version), now])
        return version

    def rebuild_incidents(self, use_embeddings: bool = True) -> int:
        """Recompute near-duplicate origins, stories and incidents from all stored events. An incident
        that keeps events it had keeps its id (`keep_ids`)."""
        signatures = dict(self.con.execute("SELECT doc_id, minhash FROM documents WHERE error_code IS NULL").fetchall())
        origins = near_duplicate_groups(signatures)
        events = self._event_records(origins)
        terms, dates = self._document_terms()
        common = common_terms(counts for counts, _ in terms.values())
        vectors = {d: story_vector(counts, common, names) for d, (counts, names) in terms.items()}
        links = story_links(vectors, dates)
        incidents = merge_incidents(events, self._similarity(events, links) if use_embeddings else None, links)
        previous = dict(self.con.execute("SELECT doc_id || ':' || event_id, incident_id FROM incident_events").fetchall())
        incidents = keep_ids(incidents, previous)
        rows, links = self._incident_rows(incidents, events)
        with self._transaction():
            self.con.execute("UPDATE documents SET origin = doc_id")
            self._set_origins([(d, o) for d, o in origins.items() if o != d])
            self.con.execute("DELETE FROM incidents")
            self.con.execute("DELETE FROM incident_events")
            self.con.execute("DELETE FROM incident_pages")
            _insert_rows(self.con, "incidents", rows)
            _insert_rows(self.con, "incident_events", links)
            self._write_pages()
            for table in ("story_terms", "story_common", "pending_incidents"):
                self.con.execute(f"DELETE FROM {table}")
            _insert_rows(self.con, "story_common", [(t,) for t in sorted(common)])
            _insert_rows(self.con, "story_terms", [(d, w, v) for d, vec in vectors.items() for w, v in vec.items()])
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('incidents_behind', 'false'), ('stories', ?)",
                             [STORY_MODEL])
        return len(rows)

    def merge_new(self, use_embeddings: bool = True) -> None:
        """The incremental merge: the events of documents written since the last merge join the incidents
        near them (in type, time, place and story) or start new ones; no other incident is re-merged.
        Incidents that lost events (their document was replaced) or whose sources changed (a new
        reprint of their wire copy) are recounted. Cost grows with the new documents and their
        neighbourhood, not with the store."""
        pending = [d for (d,) in self.con.execute("SELECT doc_id FROM pending_incidents").fetchall()]
        signatures = dict(self.con.execute("SELECT doc_id, minhash FROM documents WHERE error_code IS NULL").fetchall())
        origins = near_duplicate_groups(signatures)
        stored_origin = dict(self.con.execute("SELECT doc_id, origin FROM documents").fetchall())
        moved = [(d, o) for d, o in origins.items() if stored_origin.get(d) != o]
        # Story links of the new documents: to each other and to the kept vectors of their weeks.
        common = frozenset(t for (t,) in self.con.execute("SELECT term FROM story_common").fetchall())
        terms, dates = self._document_terms(pending)
        vectors = {d: story_vector(counts, common, names) for d, (counts, names) in terms.items()}
        kept, kept_dates = self._vectors_near(list(dates.values()), set(pending))
        links = story_links(vectors, dates, kept, kept_dates)
        # The events to merge: the new ones, and every incident they could join, lose or recount.
        new_events = self._event_records(origins, doc_ids=pending)
        touched = {i for (i,) in self.con.execute(
            "SELECT DISTINCT incident_id FROM incident_events WHERE doc_id IN (SELECT unnest(?))",
            [pending + [d for d, _ in moved]]).fetchall()}
        neighbours = self._neighbour_incidents(new_events, {d for linked in links.values() for d in linked})
        keep = touched | neighbours
        fixed = {k: i for k, i in self.con.execute(
            "SELECT doc_id || ':' || event_id, incident_id FROM incident_events WHERE incident_id IN (SELECT unnest(?)) "
            "AND doc_id NOT IN (SELECT unnest(?))", [sorted(keep), pending]).fetchall()}
        old_events = self._event_records(origins, keys=sorted(fixed))
        fixed = {e.key: fixed[e.key] for e in old_events}
        events = old_events + new_events
        similarity = self._similarity(events, links, fixed) if use_embeddings else None
        incidents = merge_incidents(events, similarity, links, fixed)
        taken = {i for (i,) in self.con.execute("SELECT incident_id FROM incidents").fetchall()} - keep
        incidents = keep_ids(incidents, {**fixed, **{k: i for k, i in self.con.execute(
            "SELECT doc_id || ':' || event_id, incident_id FROM incident_events WHERE doc_id IN (SELECT unnest(?))",
            [pending]).fetchall()}}, taken=taken)
        # Rows for what changed only: incidents with a new event, and those that lost events or sources.
        changed = [i for i in incidents if i.incident_id in touched or any(k not in fixed for k in i.events)]
        rows, links = self._incident_rows(changed, events)
        with self._transaction():
            self._set_origins(moved)
            gone = sorted(touched | {i.incident_id for i in changed})
            self.con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT unnest(?))", [gone])
            self.con.execute("DELETE FROM incident_events WHERE incident_id IN (SELECT unnest(?)) "
                             "OR doc_id IN (SELECT unnest(?))", [gone, pending])
            self.con.execute("DELETE FROM incident_pages WHERE incident_id IN (SELECT unnest(?))", [gone])
            _insert_rows(self.con, "incidents", rows)
            _insert_rows(self.con, "incident_events", links)
            self._write_pages(sorted({i.incident_id for i in changed}))
            self.con.execute("DELETE FROM story_terms WHERE doc_id IN (SELECT unnest(?))", [pending])
            _insert_rows(self.con, "story_terms", [(d, w, v) for d, vec in vectors.items() for w, v in vec.items()])
            self.con.execute("DELETE FROM pending_incidents WHERE doc_id IN (SELECT unnest(?))", [pending])
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('incidents_behind', 'false')")

    def _set_origins(self, moved: list[tuple[str, str]]) -> None:
        if moved:
            import pandas as pd

            self.con.register("_fogofwar_moved", pd.DataFrame.from_records(moved, columns=["doc_id", "origin"]))
            self.con.execute("UPDATE documents SET origin = m.origin FROM _fogofwar_moved m "
                             "WHERE documents.doc_id = m.doc_id")
            self.con.unregister("_fogofwar_moved")

    def _document_terms(self, doc_ids: list[str] | None = None) -> tuple[dict[str, tuple[Counter, frozenset]], dict]:
        """The story terms (with counts), the names among them, and the publication dates of these readable
        documents (all when None)."""
        only, params = ("AND doc_id IN (SELECT unnest(?))", [doc_ids]) if doc_ids is not None else ("", [])
        terms, dates = {}, {}
        for d, title, text, published in self.con.execute(
                f"SELECT doc_id, title, text, published FROM documents WHERE error_code IS NULL {only}", params).fetchall():
            dates[d] = published
            whole = (title or "") + "\n" + (text or "")
            terms[d] = (document_terms(whole, _stopwords()), name_terms(whole))
        return terms, dates

    def _vectors_near(self, dates: list[dt.date | None], exclude: set[str]) -> tuple[dict[str, dict[str, float]], dict]:
        """The kept story vectors (and dates) of the documents a document of these dates could be linked
        to: published within STORY_ACTIVE_DAYS of one of the dates (any, when a date or theirs is missing).
        Only the weeks around the dates are read, never the span between the first and last."""
        if not dates:
            return {}, {}
        if any(d is None for d in dates):
            near, params = "SELECT doc_id FROM documents", []
        else:
            near = (f"SELECT DISTINCT doc_id FROM documents, (SELECT unnest(?::DATE[]) AS day) d "
                    f"WHERE published IS NULL OR published BETWEEN d.day - INTERVAL {STORY_ACTIVE_DAYS} DAY "
                    f"AND d.day + INTERVAL {STORY_ACTIVE_DAYS} DAY")
            params = [sorted(set(dates))]
        vectors: dict[str, dict[str, float]] = defaultdict(dict)
        published: dict[str, dt.date | None] = {}
        for doc_id, day, term, weight in self.con.execute(f"""
                WITH near AS ({near})
                SELECT t.doc_id, d.published, t.term, t.weight
                FROM story_terms t JOIN near USING (doc_id) JOIN documents d USING (doc_id)""", params).fetchall():
            if doc_id not in exclude:
                vectors[doc_id][term] = weight
                published[doc_id] = day
        return dict(vectors), published

    def _neighbour_incidents(self, events: list[EventRecord], linked: set[str]) -> set[str]:
        """Incidents a new event could join: of the documents telling its story, or of its type, near enough in date (its
        window across reports, ±3 days; ±15 for reprints of one wire story, which merge even when dated
        to a month) and place (the neighbouring grid cells; anywhere for reprints) for `compatible`."""
        if not events:
            return set()
        types = sorted({e.plover_type for e in events})
        found: set[str] = set()
        reach = max(DATE_WINDOW_DAYS[1], DATE_WINDOW_DAYS[2])
        boxes = []
        for e in events:
            if e.date is None:
                continue
            reprint = e.origin != e.doc_id
            pad = dt.timedelta(days=max(DATE_WINDOW_DAYS.values()) if reprint else reach)
            if e.lat is None or reprint:
                box = (-90.0, 90.0, -180.0, 180.0)
            else:
                margin = 2 * CELL_DEGREES  # the neighbouring cells, whichever side of a cell edge e lies
                box = (e.lat - margin, e.lat + margin, e.lon - margin, e.lon + margin)
            boxes.append((e.plover_type, e.date - pad, e.date + pad, *box, e.lat is None or reprint))
        if boxes:
            import pandas as pd

            self.con.register("_fogofwar_boxes", pd.DataFrame.from_records(
                boxes, columns=["kind", "lo", "hi", "south", "north", "west", "east", "unplaced"]))
            try:
                found |= {i for (i,) in self.con.execute(f"""
                    SELECT DISTINCT ie.incident_id FROM incident_events ie JOIN events e USING (doc_id, event_id)
                    JOIN _fogofwar_boxes w ON e.plover_type = w.kind
                     AND TRY_CAST({_EVENT_DAY} AS DATE) BETWEEN w.lo AND w.hi
                     AND ((e.lat BETWEEN w.south AND w.north AND e.lon BETWEEN w.west AND w.east)
                          OR (e.lat IS NULL AND w.unplaced))""").fetchall()}
            finally:
                self.con.unregister("_fogofwar_boxes")
        if linked:
            found |= {i for (i,) in self.con.execute("""
                SELECT DISTINCT ie.incident_id FROM incident_events ie JOIN events e USING (doc_id, event_id)
                WHERE ie.doc_id IN (SELECT unnest(?)) AND e.plover_type IN (SELECT unnest(?))""",
                [sorted(linked), types]).fetchall()}
        return found

    def _similarity(self, events: list[EventRecord], links: dict[str, dict[str, float]] | None = None,
                    fixed: dict[str, str] | None = None):
        """Sentence similarity for the pairs merging will ask about, embedded once and cached in the store."""
        from .embeddings import CachedSimilarity, sentence_key

        needed: set[str] = set()

        def record(a: EventRecord, b: EventRecord) -> float:
            needed.update((a.sentence, b.sentence))
            return 0.0

        merge_incidents(events, record, links, fixed)  # a dry run: which sentences will be compared
        keys = {sentence_key(s): s for s in needed}
        cached = {}
        if keys:
            for key, vector in self.con.execute("SELECT sentence_hash, vector FROM embeddings WHERE sentence_hash IN "
                                                "(SELECT unnest(?))", [list(keys)]).fetchall():
                cached[key] = np.asarray(vector, dtype=np.float32)
        similarity = CachedSimilarity(cache=cached, batch=[s for k, s in keys.items() if k not in cached])
        _insert_rows(self.con, "embeddings", [(k, v.tolist()) for k, v in similarity.new.items()])
        return similarity

    def _event_records(self, origins: dict[str, str], doc_ids: list[str] | None = None,
                       keys: list[str] | None = None) -> list[EventRecord]:
        """The events incidents are made of: what the reports tell as having happened (or as denied).
        Background recalled from long ago, running states and habits ("have been shelling since
        March"), plans, hypotheses and what did not happen stay in their documents' events but make
        no incident; so does a side remark that gives neither a day nor a place finer than a country
        ("Russia has accused Kyiv of ..."), unless the report leads with it as having happened (a hedged
        "may send troops" does not count): no coder could date or place it, and given the report's day
        it joined that day's deeds."""
        only = within = ""
        params: list = []
        if doc_ids is not None or keys is not None:
            docs = sorted(set(doc_ids) if doc_ids is not None else {k.rsplit(":", 1)[0] for k in keys})
            within, params = "WHERE doc_id IN (SELECT unnest(?))", [docs]
            only = "AND e.doc_id IN (SELECT unnest(?))" if doc_ids is not None else "AND e.key IN (SELECT unnest(?))"
            params.append(docs if doc_ids is not None else keys)
        # A document's lead happenings: told more than once, or in one of the first LEAD_SENTENCES sentences that
        # tell any happening (the headline and the lead).
        rows = self.con.execute(f"""
            WITH sentence_rank AS (
                SELECT doc_id, sentence_start, dense_rank() OVER (PARTITION BY doc_id ORDER BY sentence_start) AS r
                FROM (SELECT DISTINCT doc_id, sentence_start FROM event_mentions {within})),
            lead AS (
                SELECT DISTINCT m.doc_id, m.event_id FROM event_mentions m
                JOIN sentence_rank s USING (doc_id, sentence_start) WHERE s.r <= {LEAD_SENTENCES})
            SELECT e.key, e.doc_id, e.plover_type, e.event_date, e.time_precision, e.lat, e.lon, e.geo_precision,
                   e.country, e.actor_codes, e.recipient_codes, lower(e.trigger_text), e.sentence_text, e.status,
                   e.factuality, d.published, d.outlet, e.date_text, e.admin1, e.killed_min, e.killed_max,
                   coalesce(e.n_mentions, 1) > 1 OR l.event_id IS NOT NULL, coalesce(e.n_mentions, 1),
                   e.acled_sub_event_type
            FROM events e JOIN documents d USING (doc_id)
            LEFT JOIN lead l ON l.doc_id = e.doc_id AND l.event_id = e.event_id
            WHERE NOT e.background AND NOT coalesce(e.habitual, false)
              AND e.status NOT IN ('future', 'hypothetical', 'negated')
              AND (coalesce(e.n_mentions, 1) > 1 OR e.date_text IS NOT NULL OR coalesce(e.geo_precision, 3) <= 2
                   OR (l.event_id IS NOT NULL AND e.status <> 'hedged')) {only}
            ORDER BY e.key""", params).fetchall()
        # A document's main happening of each type: a lead one, the most told, the first of those. Only that one
        # joins another report's on a loose story link (incidents.STORY_SIDE_LINK).
        main: dict[tuple[str, str], tuple] = {}
        of_type = Counter((row[1], row[2]) for row in rows)
        for row in rows:
            key, doc_id, ptype, salient, n_mentions = row[0], row[1], row[2], row[21], row[22]
            rank = (not salient, -n_mentions, _event_number(key))
            if (doc_id, ptype) not in main or rank < main[(doc_id, ptype)][0]:
                main[(doc_id, ptype)] = (rank, key)
        out = []
        for (key, doc_id, ptype, date, tprec, lat, lon, gprec, country, actors, recipients, trigger, sentence,
             status, fact, published, outlet, date_text, admin1, killed_min, killed_max, salient, _, sub_type) in rows:
            out.append(EventRecord(
                key=key, doc_id=doc_id, plover_type=ptype, date=_parse_day(date), time_precision=tprec or 3,
                lat=lat, lon=lon, geo_precision=gprec or 3, country=country,
                actor_codes=frozenset(filter(None, (actors or "").split(";"))),
                recipient_codes=frozenset(filter(None, (recipients or "").split(";"))),
                trigger_lemma=(trigger or "").split()[0] if trigger else "", sentence=sentence or "",
                status=status, factuality=fact if fact is not None else 3.0, origin=origins.get(doc_id, doc_id),
                published=published, outlet=outlet, date_explicit=date_text is not None, admin1=admin1,
                killed=(killed_min, killed_max) if killed_min is not None or killed_max is not None else None,
                salient=bool(salient), main=main[(doc_id, ptype)][1] == key,
                date_spread=WEEK_SPREAD_DAYS if date and week_date(date, 4) else 0,
                deed_kind=deed_kind(sub_type), of_type=of_type[(doc_id, ptype)]))
        return out

    def _incident_rows(self, incidents: list[Incident], events: list[EventRecord]):
        by_key = {e.key: e for e in events}
        docs = sorted({e.doc_id for e in events})
        detail = {row[0]: row for row in self.con.execute("""
            SELECT key, cameo, acled_event_type, acled_sub_event_type, location_name, admin1, trigger_text, sentence_text,
                   n_mentions, casualties, means
            FROM events WHERE doc_id IN (SELECT unnest(?))""", [docs]).fetchall()}
        stances: dict[str, list[tuple[str, str | None, str]]] = {}
        for doc_id, event_id, text, code, stance in self.con.execute("""
                SELECT ec.doc_id, ec.event_id, c.source_text, c.source_code, c.stance
                FROM event_claims ec JOIN claims c ON c.doc_id = ec.doc_id AND c.claim_id = ec.claim_id
                WHERE ec.doc_id IN (SELECT unnest(?))""", [docs]).fetchall():
            stances.setdefault(f"{doc_id}:{event_id}", []).append((text, code, stance))
        signatures = dict(self.con.execute("SELECT doc_id, minhash FROM documents WHERE doc_id IN (SELECT unnest(?))",
                                           [docs]).fetchall())
        rows, links = [], []
        for inc in incidents:
            members = [by_key[k] for k in inc.events]
            first = min(members, key=lambda e: (e.geo_precision, e.time_precision, e.key))
            info = detail.get(first.key, (None,) * 11)
            supporting, contradicting = sources_by_stance(s for e in members for s in stances.get(e.key, []))
            statuses = [e.status for e in members]
            status = _incident_status(statuses, supporting, contradicting)
            published = sorted(e.published for e in members if e.published)
            member_detail = [detail.get(e.key, (None,) * 11) for e in members]
            casualties = casualty_ranges(json.loads(d[9] or "{}") for d in member_detail)
            means = sorted({m for d in member_detail for m in (d[10] or "").split(";") if m})
            rows.append((
                inc.incident_id, first.plover_type, info[1], info[2], info[3], info[4], first.lat, first.lon,
                first.country, info[5], first.geo_precision, first.date.isoformat() if first.date else None,
                first.time_precision, published[0] if published else None,
                ";".join(sorted(set().union(*(e.actor_codes for e in members)))),
                ";".join(sorted(set().union(*(e.recipient_codes for e in members)))),
                len({e.doc_id for e in members}), len(members), independent_sources(members, signatures),
                json.dumps(supporting), json.dumps(contradicting), status,
                round(sum(e.factuality for e in members) / len(members), 2), (info[7] or "")[:300],
                sum(d[8] or 1 for d in member_detail),
                *_range(casualties.get("killed")), *_range(casualties.get("injured")),
                json.dumps(casualties), ";".join(means)))
            links.extend((inc.incident_id, e.doc_id, e.key.split(":", 1)[1] if ":" in e.key else e.key) for e in members)
        return rows, links

    # --- reading ------------------------------------------------------------

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def query(self, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        """Run SQL; (column names, rows)."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()

    def frame(self, sql: str, params: list | None = None, kind: str = "pandas"):
        """Run SQL and return a pandas (or polars) DataFrame."""
        rel = self.con.execute(sql, params or [])
        return rel.pl() if kind == "polars" else rel.df()

    def incidents(self, since: str | None = None, until: str | None = None, near: tuple[float, float, float] | None = None,
                  plover_type: str | None = None, actor: str | None = None, min_sources: int = 1,
                  bbox: tuple[float, float, float, float] | None = None, status: str | None = None,
                  types: list[str] | None = None, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Incidents matching the filters (`types`: any of these PLOVER types), most sources first, then newest."""
        where, params = _incident_filters(since, until, near, plover_type, actor, min_sources, bbox, status, types)
        sql = (f"SELECT * FROM incidents WHERE {where} "
               "ORDER BY independent_sources DESC, event_date DESC NULLS LAST, incident_id")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        names, rows = self.query(sql, params)
        return [_incident_record(dict(zip(names, row))) for row in rows]

    def count_incidents(self, since: str | None = None, until: str | None = None,
                        near: tuple[float, float, float] | None = None, plover_type: str | None = None,
                        actor: str | None = None, min_sources: int = 1,
                        bbox: tuple[float, float, float, float] | None = None, status: str | None = None,
                        types: list[str] | None = None) -> int:
        """How many incidents match the filters (counted in SQL, not by reading them)."""
        where, params = _incident_filters(since, until, near, plover_type, actor, min_sources, bbox, status, types)
        return self.con.execute(f"SELECT count(*) FROM incidents WHERE {where}", params).fetchone()[0]

    def incident_evidence(self, incident_id: str) -> dict[str, Any] | None:
        """One incident with its events, claims and documents: its page, kept at the merge that last changed
        the incident (`incident_pages`), so a page costs one lookup where assembling it costs seven queries;
        assembled from the tables when no page is kept (a store merged by an earlier release, a document of
        the incident replaced since, or a page larger than PAGE_MAX_BYTES)."""
        try:
            page = self.con.execute("SELECT evidence FROM incident_pages WHERE incident_id = ?",
                                    [incident_id]).fetchone()
        except duckdb.CatalogException:  # a store of an earlier release, opened read-only
            page = None
        if page is not None:
            return json.loads(zlib.decompress(page[0]))
        return self._assembled_evidence(incident_id)

    def _assembled_evidence(self, incident_id: str) -> dict[str, Any] | None:
        """incident_evidence from the tables. A handful of small queries, each narrowed by constant lists
        of the incident's document and event ids, so DuckDB skips all but the row groups that hold them: a
        join on incident_events instead read every events, claims and mentions row (8-16 ms a page cold,
        three times this)."""
        found = self.query("SELECT * FROM incidents WHERE incident_id = ?", [incident_id])
        if not found[1]:
            return None
        incident = dict(zip(found[0], found[1][0]))
        keys = set(self.con.execute("SELECT doc_id, event_id FROM incident_events WHERE incident_id = ?",
                                    [incident_id]).fetchall())
        events: list[dict[str, Any]] = []
        claims: list[dict[str, Any]] = []
        mentions: list[dict[str, Any]] = []
        if keys:
            docs, event_ids = sorted({d for d, _ in keys}), sorted({e for _, e in keys})
            by_doc, by_event = _in_list("doc_id", docs), _in_list("event_id", event_ids)
            # Document and event ids each in a list match a few rows more than the pairs: those are dropped.
            names, rows = self.query(f"SELECT * FROM events WHERE {by_doc} AND {by_event}", docs + event_ids)
            dn, dr = self.query(f"SELECT doc_id, title, outlet, url, published, origin FROM documents WHERE {by_doc}",
                                docs)
            documents = {r[0]: dict(zip(dn[1:], r[1:])) for r in dr}
            for row in rows:
                e = dict(zip(names, row))
                if (e["doc_id"], e["event_id"]) in keys and e["doc_id"] in documents:
                    e.update(documents[e["doc_id"]])
                    events.append(e)
            linked = [r for r in self.con.execute(
                f"SELECT doc_id, event_id, claim_id FROM event_claims WHERE {by_doc} AND {by_event}",
                docs + event_ids).fetchall() if (r[0], r[1]) in keys]
            if linked:
                claim_ids = sorted({r[2] for r in linked})
                cn, cr = self.query(f"SELECT * FROM claims WHERE {by_doc} AND {_in_list('claim_id', claim_ids)}",
                                    docs + claim_ids)
                rows_of: dict[tuple[str, str], list[tuple]] = {}
                for r in cr:
                    rows_of.setdefault((r[0], r[1]), []).append(r)
                for doc_id, event_id, claim_id in linked:
                    for r in rows_of.get((doc_id, claim_id), []):
                        claims.append({"_event_id": event_id, **dict(zip(cn, r))})
            mn, mr = self.query(f"""
                SELECT doc_id, event_id, trigger_start, trigger_end, trigger_text, sentence_start, sentence_end
                FROM event_mentions WHERE {by_doc} AND {by_event}""", docs + event_ids)
            mentions = [dict(zip(mn, r)) for r in mr if (r[0], r[1]) in keys]
        return _evidence_page(incident, events, claims, mentions)

    def _write_pages(self, incident_ids: list[str] | None = None) -> None:
        """Keep the pages (incident_evidence) of these incidents, or of all, inside the merge's transaction
        (which has deleted their old pages), so a kept page is never older than its incident: a few joins
        for all of them, each page compressed (pages repeat their claims' words, by event and by source)."""
        if incident_ids is not None and not incident_ids:
            return
        only = "" if incident_ids is None else "WHERE ie.incident_id IN (SELECT unnest(?))"
        params = [] if incident_ids is None else [incident_ids]
        names, rows = self.query("SELECT * FROM incidents ie " + only, params)
        incidents = {r[names.index("incident_id")]: dict(zip(names, r)) for r in rows}
        parts: dict[str, tuple[list, list, list]] = {i: ([], [], []) for i in incidents}
        queries = (
            f"""SELECT ie.incident_id AS _incident_id, e.*, d.title, d.outlet, d.url, d.published, d.origin
                FROM incident_events ie JOIN events e ON e.doc_id = ie.doc_id AND e.event_id = ie.event_id
                JOIN documents d ON d.doc_id = e.doc_id {only}""",
            f"""SELECT ie.incident_id AS _incident_id, l.event_id AS _event_id, c.*
                FROM incident_events ie JOIN event_claims l ON l.doc_id = ie.doc_id AND l.event_id = ie.event_id
                JOIN claims c ON c.doc_id = l.doc_id AND c.claim_id = l.claim_id {only}""",
            f"""SELECT ie.incident_id AS _incident_id, m.doc_id, m.event_id, m.trigger_start, m.trigger_end,
                       m.trigger_text, m.sentence_start, m.sentence_end
                FROM incident_events ie JOIN event_mentions m ON m.doc_id = ie.doc_id AND m.event_id = ie.event_id
                {only}""")
        for slot, sql in enumerate(queries):
            names, rows = self.query(sql, params)
            for r in rows:
                record = dict(zip(names, r))
                found = parts.get(record.pop("_incident_id"))
                if found is not None:
                    found[slot].append(record)
        pages = []
        for incident_id in sorted(incidents):
            text = json.dumps(_evidence_page(incidents[incident_id], *parts[incident_id]), ensure_ascii=False,
                              separators=(",", ":"))
            if len(text) <= PAGE_MAX_BYTES:
                pages.append((incident_id, zlib.compress(text.encode("utf-8"), 1)))
        _insert_rows(self.con, "incident_pages", pages)

    def document(self, doc_id: str) -> Result | None:
        """A stored document's full result row."""
        row = self.con.execute("SELECT result_json FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return Result.model_validate_json(row[0]) if row else None

    def search_documents(self, terms: list[str], limit: int = 20, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Documents whose title or text contains every term (case-insensitive); (total, one page), most hits first."""
        terms = [t.lower() for t in terms if t]
        if not terms:
            return 0, []
        # contains() takes the term literally, so user input never acts as a LIKE or regex pattern.
        where = " AND ".join("contains(lower(coalesce(title, '') || ' ' || coalesce(text, '')), ?)" for _ in terms)
        hits = " + ".join("(length(lower(coalesce(text, ''))) - length(replace(lower(coalesce(text, '')), ?, ''))) "
                          "// length(?)" for _ in terms)
        params: list[Any] = list(terms)
        total = self.con.execute(f"SELECT count(*) FROM documents WHERE {where}", params).fetchone()[0]
        names, rows = self.query(f"""
            SELECT doc_id, title, outlet, url, published, length(text) AS chars, {hits} AS hits,
                   greatest(strpos(lower(coalesce(text, '')), ?) - 80, 0) AS snippet_start,
                   substr(coalesce(text, ''), greatest(strpos(lower(coalesce(text, '')), ?) - 80, 0) + 1, 240) AS snippet
            FROM documents WHERE {where}
            ORDER BY hits DESC, published DESC NULLS LAST, doc_id LIMIT ? OFFSET ?""",
            [x for t in terms for x in (t, t)] + [terms[0], terms[0]] + params + [limit, offset])
        out = []
        for row in rows:
            rec = dict(zip(names, row))
            rec["published"] = rec["published"].isoformat() if rec["published"] else None
            out.append(rec)
        return total, out

    def incident_facets(self) -> dict[str, Any]:
        """What incidents hold: counts by type and status, actor codes, the date range and totals."""
        types = dict(self.con.execute("SELECT plover_type, count(*) FROM incidents GROUP BY 1 ORDER BY 1").fetchall())
        statuses = dict(self.con.execute("SELECT status, count(*) FROM incidents GROUP BY 1 ORDER BY 1").fetchall())
        actors = [r[0] for r in self.con.execute("""
            SELECT code FROM (SELECT unnest(string_split(actor_codes || ';' || recipient_codes, ';')) AS code
                              FROM incidents) WHERE code <> '' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200""").fetchall()]
        first, last, located, total = self.con.execute(
            "SELECT min(event_date), max(event_date), count(lat), count(*) FROM incidents").fetchone()
        return {"type_counts": types, "status_counts": statuses, "actors": actors, "first_date": first,
                "last_date": last, "located": located, "incidents": total, "documents": self.count("documents")}

    # --- the map: incidents by place precision, grid cell, region and country --------------------

    def map_summary(self, zoom: float, view: tuple[float, float, float, float] | None = None,
                    point_limit: int = MAP_POINT_LIMIT, **filters) -> dict[str, Any]:
        """What the map draws for the filters (those of `incidents`) at this zoom, aggregated in SQL.

        Town-, site- and district-precise incidents and those placed at the report's main town (a guess
        from the dateline) are points: one row each when at most `point_limit` fall in `view`
        (WEST,SOUTH,EAST,NORTH), else counts per grid cell (cell size by zoom), each with its types.
        Incidents placed only at a region, a country or a wider area (a sea, a continent) are never
        points: they come as counts per region, country and area. Nothing is left out without a count."""
        select, params = _map_incidents(filters, self._towns())
        base = f"WITH m AS ({select})"
        point_where, point_params = "place IN ('town', 'district', 'dateline')", []
        if view:
            west, south, east, north = view
            point_where += " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
            point_params = [south, north, west, east]
        # One pass for every count: by place precision, type and status, the points in view, and the regions,
        # countries and areas (DuckDB's histogram() per group costs twice this whole query).
        groups = self.con.execute(
            f"""{base} SELECT place, plover_type, status, country,
                       CASE place WHEN 'region' THEN admin1 WHEN 'area' THEN location_name END,
                       count(*), sum(lat), sum(lon), count(*) FILTER ({point_where})
                FROM m GROUP BY ALL""", params + point_params).fetchall()
        by_place: dict[str, int] = defaultdict(int)
        types: dict[str, int] = defaultdict(int)
        statuses: dict[str, int] = defaultdict(int)
        shaded: dict[tuple, dict[str, Any]] = {}
        in_view = 0
        for place, ptype, status, country, name, n, lat, lon, seen in groups:
            by_place[place] += n
            types[ptype] += n
            statuses[status] += n
            in_view += seen
            if place in ("region", "country", "area"):
                area = shaded.setdefault((place, country, name), {"n": 0, "lat": 0.0, "lon": 0.0, "types": defaultdict(int)})
                area["n"] += n
                area["lat"] += lat or 0.0
                area["lon"] += lon or 0.0
                area["types"][ptype] += n
        out: dict[str, Any] = {
            "total": sum(by_place.values()), "by_place": dict(sorted(by_place.items())),
            "type_counts": dict(sorted(types.items(), key=lambda t: (-t[1], t[0]))),
            "status_counts": dict(sorted(statuses.items(), key=lambda t: (-t[1], t[0]))),
            "points_in_view": in_view, "zoom": zoom,
        }
        if in_view <= point_limit or zoom >= MAP_POINTS_ZOOM:
            rows = self.con.execute(
                f"""{base} SELECT incident_id, round(lat, 5), round(lon, 5), plover_type, status, place,
                           coalesce(location_name, country), event_date, independent_sources, summary
                    FROM m WHERE {point_where}
                    ORDER BY independent_sources DESC, event_date DESC NULLS LAST, incident_id LIMIT ?""",
                params + point_params + [point_limit]).fetchall()
            out["points"] = {"fields": list(MAP_POINT_FIELDS), "rows": [list(r) for r in rows]}
            out["capped"] = len(rows) < in_view
        else:
            size = map_cell_degrees(zoom)
            cells: dict[tuple[int, int], list] = {}
            for y, x, ptype, n, lat, lon, guess in self.con.execute(
                    f"""{base} SELECT floor(lat / ?)::INTEGER, floor(lon / ?)::INTEGER, plover_type, count(*),
                               sum(lat), sum(lon), count(*) FILTER (place = 'dateline')
                        FROM m WHERE {point_where} GROUP BY ALL""",
                    params + [size, size] + point_params).fetchall():
                cell = cells.setdefault((y, x), [y, x, 0, 0.0, 0.0, 0, {}])
                cell[2] += n
                cell[3] += lat
                cell[4] += lon
                cell[5] += guess
                cell[6][ptype] = n
            rows = [[y, x, n, round(lat / n, 4), round(lon / n, 4), guess, dict(sorted(t.items()))]
                    for y, x, n, lat, lon, guess, t in cells.values()]
            rows.sort(key=lambda c: (-c[2], c[0], c[1]))
            out["cells"] = {"size": size, "fields": list(MAP_CELL_FIELDS), "rows": rows}
            out["capped"] = False
        listed = sorted(shaded.items(), key=lambda kv: (-kv[1]["n"], kv[0][0], kv[0][1] or "", kv[0][2] or ""))

        def where(a: dict[str, Any]) -> dict[str, Any]:
            return {"lat": round(a["lat"] / a["n"], 4), "lon": round(a["lon"] / a["n"], 4), "n": a["n"],
                    "types": dict(sorted(a["types"].items()))}

        out["regions"] = [{"country": c, "admin1": name, **where(a)} for (p, c, name), a in listed if p == "region"]
        out["countries"] = [{"country": c, **where(a)} for (p, c, name), a in listed if p == "country"]
        out["areas"] = [{"name": name, **where(a)} for (p, c, name), a in listed if p == "area"]
        return out

    def incident_days(self, **filters) -> dict[str, Any]:
        """How many incidents match the filters on each event date (YYYY, YYYY-MM or YYYY-MM-DD), undated apart."""
        where, params = _incident_filters(**_filter_args(filters))
        rows = self.con.execute(f"SELECT left(event_date, 10), count(*) FROM incidents WHERE {where} "
                                "GROUP BY 1 ORDER BY 1 NULLS LAST", params).fetchall()
        return {"days": [[d, n] for d, n in rows if d], "undated": sum(n for d, n in rows if not d)}

    def place_precision(self, incident_ids: list[str]) -> dict[str, str]:
        """Each incident's place precision as the map draws it: town, district, dateline (a guess from the
        report's main town), region, country, area or none."""
        if not incident_ids:
            return {}
        names, rows = self.query("SELECT incident_id, lat, lon, geo_precision, admin1, country FROM incidents "
                                 "WHERE incident_id IN (SELECT unnest(?::VARCHAR[]))", [list(incident_ids)])
        return self.place_precision_of([dict(zip(names, r)) for r in rows])

    def place_precision_of(self, incidents: list[dict[str, Any]]) -> dict[str, str]:
        """`place_precision` of incidents already read (each with incident_id, lat, lon, geo_precision,
        admin1 and country): only the towns at their coordinates are looked up, in one small query."""
        towns = self._town_points() if any(_place_guess(i) for i in incidents) else frozenset()
        return {i["incident_id"]: _place_of(i, towns) for i in incidents}

    def _town_points(self) -> frozenset[tuple[float, float]]:
        """The coordinates of every town or site in the gazetteer's places of the store, read once per data
        version for this store and all its readers (`reader()`): a query's worth to read, where a query
        for a page's few incidents costs as much."""
        version = self._meta("version") or "0"
        with self._shared.lock:
            if self._shared.towns is None or self._shared.towns[0] != version:
                points = self.con.execute("SELECT DISTINCT lat, lon FROM places WHERE feature IN ('P', 'S') "
                                          "AND lat IS NOT NULL AND lon IS NOT NULL").fetchall()
                self._shared.towns = (version, frozenset(points))
            return self._shared.towns[1]

    def _towns(self) -> str:
        """A temporary table of the coordinates of every town or site in the gazetteer's places of the store,
        made once per connection and data version: 40 ms to make on the corpus, a query's worth."""
        version = self._meta("version") or "0"
        if getattr(self, "_towns_version", None) != version:
            self.con.execute("CREATE OR REPLACE TEMP TABLE _fow_towns AS SELECT DISTINCT lat, lon FROM places "
                             "WHERE feature IN ('P', 'S') AND lat IS NOT NULL")
            self._towns_version = version
        return "_fow_towns"

    def status(self) -> dict[str, Any]:
        """The store's data version (one more after every ingest that changed it), when it last changed
        (UTC, ISO 8601) and how many documents and incidents it holds: cheap enough to poll."""
        meta = dict(self.con.execute("SELECT key, value FROM meta WHERE key IN ('version', 'updated')").fetchall())
        return {"version": int(meta.get("version") or 0), "updated": meta.get("updated"),
                "documents": self.count("documents"), "incidents": self.count("incidents")}

    def interrupt(self) -> None:
        """Cancel the query running on this store's connection (called from another thread)."""
        self.con.interrupt()


def ingest_into(target, items: Iterable[RawDocument | FailedDocument], extract: Callable[[Iterable], Iterator[Result]],
                batch_size: int = 64, progress: Callable[[int], None] | None = None,
                use_embeddings: bool = True, rebuild: bool = False,
                on_merge: Callable[[str], None] | None = None) -> IngestReport:
    """Write into `target` (a Store, or a store served by `fogofwar serve`) every document it does not
    hold yet (or holds changed), then update its incidents; `on_merge` hears "start" and "done" around that.

    Extraction streams over the whole input (so worker processes start once); results commit in
    batches of `batch_size`, so an interruption loses at most one batch.
    """
    report = IngestReport()
    hashes: dict[str, str] = {}

    def fresh() -> Iterator[RawDocument | FailedDocument]:
        for chunk in _chunks(items, batch_size):
            report.read += len(chunk)
            known = target.known_hashes(i.id for i in chunk)
            for item in chunk:
                h = content_hash(item)
                if known.get(item.id) == h or item.id in hashes:
                    report.skipped += 1
                    if progress:
                        progress(1)
                    continue
                hashes[item.id] = h
                yield item

    pending: list[tuple[Result, str]] = []

    def flush() -> None:
        if not pending:
            return
        target.write_results(pending)
        log.info("committed %d documents", len(pending))
        report.written += len(pending)
        report.errors += sum(r.error is not None for r, _ in pending)
        if progress:
            progress(len(pending))
        for r, _ in pending:
            hashes.pop(r.id, None)
        pending.clear()

    for result in extract(fresh()):
        pending.append((result, hashes[result.id]))
        if len(pending) >= batch_size:
            flush()
    flush()
    if on_merge:
        on_merge("start")
    report.incidents = target.update_incidents(use_embeddings, rebuild=rebuild)
    if on_merge:
        on_merge("done")
    return report


# What a kept story vector was computed with: another value recomputes them all on the next merge.
STORY_MODEL = (f"rarity:wordfreq-{STORY_COMMON_ZIPF}-{STORY_NUMBER_ZIPF}-{ZIPF_TOP};terms:{STORY_TERMS};"
               f"common:{STORY_COMMON_SHARE}-{STORY_COMMON_MIN_DOCS};links:{STORY_LINK}")

# An event's day for window filters: a month stands for its 15th and a year for 1 July, as _parse_day reads them.
_EVENT_DAY = ("CASE length(e.event_date) WHEN 7 THEN e.event_date || '-15' WHEN 4 THEN e.event_date || '-07-01' "
              "ELSE substr(e.event_date, 1, 10) END")


@cache
def _stopwords() -> frozenset[str]:
    from .lexicons import load_table

    return frozenset(w.lower() for w in load_table("english_function_words")["words"])


def _incident_filters(since, until, near, plover_type, actor, min_sources, bbox, status,
                      types=None) -> tuple[str, list]:
    """The WHERE clause (and its parameters) of the incident filters the CLI and the API share."""
    where, params = ["independent_sources >= ?"], [min_sources]
    if since:
        where.append("event_date >= ?")
        params.append(since)
    if until:
        where.append("event_date <= ?")
        params.append(until + "\uffff")
    if plover_type:
        where.append("plover_type = ?")
        params.append(plover_type.upper())
    if types is not None:
        where.append("plover_type IN (SELECT unnest(?::VARCHAR[]))")
        params.append([t.upper() for t in types])
    if actor:
        where.append("(actor_codes LIKE ? OR recipient_codes LIKE ?)")
        params += [f"%{actor.upper()}%", f"%{actor.upper()}%"]
    if status:
        where.append("status = ?")
        params.append(status)
    if bbox:
        west, south, east, north = bbox
        where.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        params += [south, north, west, east]
    if near:
        lat, lon, km = near
        where.append("lat IS NOT NULL AND 6371.0 * 2 * asin(least(1, sqrt(pow(sin(radians(lat - ?) / 2), 2) + "
                     "cos(radians(?)) * cos(radians(lat)) * pow(sin(radians(lon - ?) / 2), 2)))) <= ?")
        params += [lat, lat, lon, km]
    return " AND ".join(where), params


_FILTER_NAMES = ("since", "until", "near", "plover_type", "actor", "min_sources", "bbox", "status", "types")


def map_cell_degrees(zoom: float) -> float:
    """The side of a map grid cell at this zoom: about 40 screen pixels (a 256-pixel tile spans 360 / 2^zoom degrees)."""
    return round(360.0 / 2 ** max(0.0, float(zoom)) * 40 / 256, 6)


def _filter_args(filters: dict[str, Any]) -> dict[str, Any]:
    unknown = set(filters) - set(_FILTER_NAMES)
    if unknown:
        raise TypeError(f"unknown incident filter {', '.join(sorted(unknown))}")
    return {"min_sources": 1, **{k: None for k in _FILTER_NAMES if k != "min_sources"}, **filters}


def _map_incidents(filters: dict[str, Any], towns: str) -> tuple[str, list]:
    """A SELECT of the incidents matching the filters, each with its place precision (`place`, as
    `_place_of` gives it for a few incidents in Python), over `towns`, a table of the coordinates of towns
    and sites.

    The incident's geo_precision (ACLED's 1 town or site, 2 district or near a town, 3 region, country or
    guess) says most; at 3, coordinates of a town or site (feature P or S in the gazetteer) mean the
    events stage fell back to the report's main town, its dateline (events.py, `_event_location`)."""
    where, params = _incident_filters(**_filter_args(filters))
    return f"""
        SELECT i.incident_id, i.plover_type, i.status, i.lat, i.lon, i.country, i.admin1, i.location_name,
               i.event_date, i.independent_sources, left(i.summary, 100) AS summary,
               CASE WHEN i.lat IS NULL OR i.lon IS NULL THEN 'none' WHEN i.geo_precision <= 1 THEN 'town'
                    WHEN i.geo_precision = 2 THEN 'district' WHEN t.lat IS NOT NULL THEN 'dateline'
                    WHEN i.admin1 IS NOT NULL THEN 'region' WHEN i.country IS NOT NULL THEN 'country'
                    ELSE 'area' END AS place
        FROM (SELECT * FROM incidents WHERE {where}) i LEFT JOIN {towns} t ON t.lat = i.lat AND t.lon = i.lon""", params


def _place_guess(i: dict[str, Any]) -> bool:
    """Whether an incident's place may be a town from the dateline: coordinates, but no town or district."""
    return i["lat"] is not None and i["lon"] is not None and not (i["geo_precision"] is not None
                                                                   and i["geo_precision"] <= 2)


def _place_of(i: dict[str, Any], towns: set[tuple[float, float]]) -> str:
    """The `place` of `_map_incidents`, in Python, given the town coordinates at the incident's."""
    if i["lat"] is None or i["lon"] is None:
        return "none"
    if i["geo_precision"] is not None and i["geo_precision"] <= 1:
        return "town"
    if i["geo_precision"] == 2:
        return "district"
    if (i["lat"], i["lon"]) in towns:
        return "dateline"
    return "region" if i["admin1"] is not None else "country" if i["country"] is not None else "area"


def _in_list(column: str, values: list) -> str:
    """`column IN (?, ?, ...)` for these values: a constant list DuckDB checks against each row group's
    minimum and maximum, where `IN (SELECT unnest(?))` reads every row group."""
    return f"{column} IN ({', '.join('?' * len(values))})"


def _insert_rows(con, table: str, rows: list[tuple]) -> None:
    """Bulk insert through a DataFrame: DuckDB's executemany goes row by row, minutes for 100k rows."""
    if not rows:
        return
    import pandas as pd

    frame = pd.DataFrame.from_records(rows)
    frame.columns = [f"c{i}" for i in range(frame.shape[1])]
    con.register("_fogofwar_rows", frame)
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM _fogofwar_rows" if table == "embeddings"
                    else f"INSERT INTO {table} SELECT * FROM _fogofwar_rows")
    finally:
        con.unregister("_fogofwar_rows")


def _evidence_page(incident: dict[str, Any], events: list[dict[str, Any]], claims: list[dict[str, Any]],
                   mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """An incident's page (incident_evidence) from its incidents row, its events (each with its document's
    title, outlet, url, published and origin), the claims linked to them (each with `_event_id`) and their
    mentions."""
    incident = _incident_record(dict(incident))
    # As ORDER BY d.published, e.key would: dates ascending, undated last.
    events = sorted(events, key=lambda e: (e["published"] is None, e["published"] or dt.date.min,
                                           e["key"] is None, e["key"] or ""))
    claims_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in sorted(claims, key=lambda c: c["claim_id"]):  # each event's claims in order of claim id
        c = dict(c)
        claims_of.setdefault((c["doc_id"], c.pop("_event_id")), []).append(c)
    mentions_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for m in sorted(mentions, key=lambda m: (m["trigger_start"] is None, m["trigger_start"] or 0)):
        mentions_of.setdefault((m["doc_id"], m["event_id"]), []).append(
            {k: v for k, v in m.items() if k not in ("doc_id", "event_id")})
    page = []
    for e in events:
        e = dict(e)
        e["published"] = e["published"].isoformat() if e["published"] else None
        e["claims"] = claims_of.get((e["doc_id"], e["event_id"]), [])
        e["mentions"] = mentions_of.get((e["doc_id"], e["event_id"]), [])
        e["casualties"] = json.loads(e["casualties"] or "{}")
        e["means"] = [m for m in (e["means"] or "").split(";") if m]
        page.append(e)
    incident["events"] = page
    incident["sources"] = claims_by_source(page)
    incident["documents"] = sorted({e["doc_id"] for e in page})
    return incident


def _incident_record(rec: dict[str, Any]) -> dict[str, Any]:
    """An incidents row as the API and exports give it: JSON columns parsed, dates as text."""
    rec["supporting"] = json.loads(rec["supporting"] or "[]")
    rec["contradicting"] = json.loads(rec["contradicting"] or "[]")
    rec["casualties"] = json.loads(rec.get("casualties") or "{}")
    rec["means"] = [m for m in (rec.get("means") or "").split(";") if m]
    rec["first_reported"] = rec["first_reported"].isoformat() if rec["first_reported"] else None
    return rec


def claims_by_source(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every claim about an incident's events, grouped by who made it, each source once: by the rule of
    `sources_by_stance` (one name under one actor code, an unnamed "he" joining the one named source of its
    code), so each group's `label` is the name Supporting or Contradicting gives it. A group's `side` is
    contradicting when any of its claims doubts or denies, else supporting when any backs, else other
    (a warning, a prediction); the contradicting come first, then the supporting, then the rest, each side
    in the order the sources first spoke."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        for c in e["claims"]:
            g = groups.setdefault(source_key(c.get("source_text"), c.get("source_code")),
                                  {"names": [], "code": c.get("source_code"), "stances": [], "claims": []})
            text = c.get("source_text") or "(unnamed)"
            if text not in g["names"]:
                g["names"].append(text)
            if c["stance"] not in g["stances"]:
                g["stances"].append(c["stance"])
            g["claims"].append({"doc_id": e["doc_id"], "claim_id": c["claim_id"], "stance": c["stance"],
                                "kind": c.get("kind"), "source_text": c.get("source_text"),
                                "content_text": c.get("content_text"), "outlet": e.get("outlet"),
                                "published": e.get("published")})
    for (code, name), g in list(groups.items()):
        named = [k for k in groups if code and k[0] == code and k[1]]
        if name == "" and code and len(named) == 1:
            target = groups.pop((code, name))
            kept = groups[named[0]]
            kept["names"] += [n for n in target["names"] if n not in kept["names"]]
            kept["stances"] += [st for st in target["stances"] if st not in kept["stances"]]
            kept["claims"] += target["claims"]
    order = {"contradicting": 0, "supporting": 1, "other": 2}
    out = []
    for g in groups.values():
        source = max(g["names"], key=lambda t: (len(t), t))
        side = ("contradicting" if set(g["stances"]) & CONTRADICTING else
                "supporting" if set(g["stances"]) & SUPPORTING else "other")
        g["claims"].sort(key=lambda c: (c["published"] or "", c["doc_id"], c["claim_id"]))
        out.append({"source": source, "label": source + (f" [{g['code']}]" if g["code"] else ""), "code": g["code"],
                    "side": side, "stances": g["stances"], "names": g["names"], "claims": g["claims"]})
    first = lambda g: (g["claims"][0]["published"] or "", g["claims"][0]["doc_id"], g["claims"][0]["claim_id"])  # noqa: E731
    return sorted(out, key=lambda g: (order[g["side"]], first(g), g["source"].lower()))


def source_key(text: str | None, code: str | None) -> tuple[str, str]:
    """Who a claim's source is, as `sources_by_stance` tells sources apart: its actor code and the last
    capitalised word of its name that is no pronoun ("Zelenskiy"); ("UKRGOV", "") for an unnamed "he"."""
    words = [w.strip(".,'’s") for w in (text or "").split()]
    names = [w for w in words if w[:1].isupper() and w.lower() not in PRONOUNS]
    return code or "", names[-1].lower() if names else ""


def _incident_status(statuses: list[str], supporting: list[str], contradicting: list[str]) -> str:
    """One side asserts, the other denies or doubts: disputed; only doubters: unconfirmed or denied."""
    if supporting and contradicting:
        return "disputed"
    if contradicting and not supporting:
        return "denied" if "denied" in statuses else "unconfirmed"
    if "disputed" in statuses and len(set(statuses)) > 1:
        return "disputed"
    return min(statuses, key=STATUS_ORDER.index)


PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "this", "that", "officials", "sources"}


def sources_by_stance(claims: Iterable[tuple[str | None, str | None, str]]) -> tuple[list[str], list[str]]:
    """The claim sources that back an incident and those that doubt or deny it, each source once.

    One source is one name under one actor code: "Ukrainian President Volodymyr Zelenskiy",
    "Zelenskiy" and "he" [UKRGOV] are one, shown by its fullest name. A source that both asserts and
    denies counts where its doubt lies: a denial outweighs the wording of a report.
    """
    groups: dict[tuple[str, str], dict] = {}
    for text, code, stance in claims:
        if stance not in SUPPORTING and stance not in CONTRADICTING:
            continue
        words = [w.strip(".,'’s") for w in (text or "").split()]
        names = [w for w in words if w[:1].isupper() and w.lower() not in PRONOUNS]
        key = (code or "", names[-1].lower() if names else "")
        g = groups.setdefault(key, {"labels": set(), "stances": set()})
        g["labels"].add(text or "(unnamed)")
        g["stances"].add(stance)
    # An unnamed source ("he" [UKRGOV]) is the named one of its code when there is exactly one.
    for (code, name), g in list(groups.items()):
        if name == "" and code:
            named = [k for k in groups if k[0] == code and k[1]]
            if len(named) == 1:
                groups[named[0]]["stances"] |= g["stances"]
                del groups[(code, name)]
    supporting, contradicting = [], []
    for (code, _), g in groups.items():
        label = max(g["labels"], key=lambda t: (len(t), t)) + (f" [{code}]" if code else "")
        (contradicting if g["stances"] & CONTRADICTING else supporting).append(label)
    return sorted(set(supporting)), sorted(set(contradicting))


def casualty_ranges(figures: Iterable[dict]) -> dict[str, dict]:
    """Per kind, the range of figures across reports: `min` the lowest any report gives, `max` the highest
    any states, `open` when that highest was a lower bound ("at least 18"), and how many reports give one."""
    out: dict[str, dict] = {}
    for found in figures:
        for kind, f in found.items():
            r = out.setdefault(kind, {"min": None, "max": None, "open": False, "reports": 0, "text": f.get("text")})
            r["reports"] += 1
            low = f.get("min") if f.get("min") is not None else f.get("max")
            high = f.get("max") if f.get("max") is not None else f.get("min")
            if low is not None and (r["min"] is None or low < r["min"]):
                r["min"] = low
            if high is not None and (r["max"] is None or high > r["max"] or (high == r["max"] and f.get("max") is None)):
                r["max"], r["open"] = high, f.get("max") is None
    return out


def _range(r: dict | None) -> tuple[int | None, int | None]:
    return (r["min"], r["max"]) if r else (None, None)


def _event_number(key: str) -> int:
    """The number of an event key ("doc:e12" → 12): events are numbered in order of first mention."""
    number = key.rsplit(":e", 1)[-1]
    return int(number) if number.isdigit() else 0


WEEK_SPREAD_DAYS = 3  # a week is its Thursday, give or take three days


def _parse_day(value: str | None) -> dt.date | None:
    """The day merging takes an event's date for: the day, the middle of its week (so a week's window of
    three days either side spans it: "last week" is no day of the next), its month or its year."""
    if not value:
        return None
    parts = value.split("-")
    try:
        week = week_date(value, 4)
        if week:
            return week
        if len(parts) >= 3 and parts[2][:2].isdigit():
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
        if len(parts) == 2 and parts[1].isdigit():
            return dt.date(int(parts[0]), int(parts[1]), 15)
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
            return dt.date(int(parts[0]), 7, 1)
    except ValueError:
        return None
    return None


def _figure(c) -> tuple[int | None, int | None]:
    return (c.min, c.max) if c is not None else (None, None)


def _rows_for(batch: list[tuple[Result, str]], now: dt.datetime) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {t: [] for t in ("documents",) + RECORD_TABLES}
    for r, h in batch:
        err = r.error
        rows["documents"].append((
            r.id, h, r.url, r.outlet, r.title, r.published, r.language, r.text,
            err.code if err else None, err.message if err else None, None,
            minhash_signature(r.text) if not err else None, now, r.to_json()))
        for i, p in enumerate(r.places):
            rows["places"].append((r.id, i, p.start, p.end, p.text, p.name, p.geonameid, p.lat, p.lon, p.country, p.admin1, p.feature))
        for i, t in enumerate(r.times):
            rows["times"].append((r.id, i, t.start, t.end, t.text, t.type, t.value))
        for i, a in enumerate(r.actors):
            rows["actors"].append((r.id, i, a.start, a.end, a.text, a.code, a.country, a.sector, a.name))
        for e in r.events:
            place = r.places[e.location.place] if e.location.place is not None and e.location.place < len(r.places) else None
            sentence = r.text[e.sentence.get("start", 0):e.sentence.get("end", 0)]
            rows["events"].append((
                r.id, e.id, f"{r.id}:{e.id}", e.plover.type, e.plover.mode, ",".join(e.plover.context), e.cameo,
                e.acled.event_type if e.acled else None, e.acled.sub_event_type if e.acled else None,
                e.trigger.start, e.trigger.end, e.trigger.text, e.sentence.get("start"), e.sentence.get("end"), sentence,
                ";".join(a.code for a in e.actor if a.code), "; ".join(a.text for a in e.actor),
                ";".join(a.code for a in e.recipient if a.code), "; ".join(a.text for a in e.recipient),
                e.location.place, place.name if place else None, place.lat if place else None, place.lon if place else None,
                place.country if place else None, place.admin1 if place else None, e.location.precision,
                e.date.value, e.date.precision, e.factuality, e.status, e.background,
                e.date.text, len(e.mentions) or 1,
                *_figure(e.casualties.get("killed")), *_figure(e.casualties.get("injured")),
                json.dumps({k: v.model_dump() for k, v in e.casualties.items()}), ";".join(e.means), e.habitual))
            for m in e.mentions or [e]:
                rows["event_mentions"].append((r.id, e.id, m.trigger.start, m.trigger.end, m.sentence.get("start"),
                                               m.sentence.get("end"), m.trigger.text))
            for cid in e.claims:
                rows["event_claims"].append((r.id, e.id, cid))
        for c in r.claims:
            s = c.source
            rows["claims"].append((
                r.id, c.id, s.start if s else None, s.end if s else None, s.text if s else None, s.code if s else None,
                c.cue.start, c.cue.end, c.cue.text, c.cue.lemma, c.content.start, c.content.end, c.content.text,
                c.kind, c.stance))
    return rows

