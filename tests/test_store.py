"""The store: idempotent ingest, atomic replacement, interruption, incidents, exports, read-only queries."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from fogofwar.exports import EXPORTERS, export
from fogofwar.ingest import read_jsonl_lines
from fogofwar.pipeline import extract
from fogofwar.store import Store

REPORTS = [
    {"id": "a1", "outlet": "Wire A", "published": "2022-09-12",
     "text": "Russian troops withdrew from Izium on Saturday, Ukraine's military said."},
    {"id": "b1", "outlet": "Paper B", "published": "2022-09-12",
     "text": "Russian forces retreated from Izium on Saturday after a swift Ukrainian counteroffensive, the General Staff said."},
    {"id": "c1", "outlet": "Paper C", "published": "2022-09-12",
     "text": "Protesters rallied in Warsaw on Sunday to demand more aid for Ukraine, police said."},
]


def ingest_rows(store: Store, rows, settings, **kw):
    import io

    items = read_jsonl_lines(io.StringIO("\n".join(json.dumps(r) for r in rows)), "test", settings)
    return store.ingest(items, lambda xs: extract(xs, settings), **kw)


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        yield s


def test_reingesting_the_same_documents_changes_nothing(store, settings):
    """The second ingest skips every document and leaves every table as it was."""
    first = ingest_rows(store, REPORTS, settings, use_embeddings=False)
    before = {t: store.count(t) for t in ("documents", "events", "claims", "incidents")}
    second = ingest_rows(store, REPORTS, settings, use_embeddings=False)
    assert (first.written, second.written, second.skipped) == (3, 0, 3)
    assert {t: store.count(t) for t in before} == before


def test_a_changed_document_replaces_its_rows(store, settings):
    """New text under the same id replaces the old rows, leaving no trace of them."""
    ingest_rows(store, REPORTS[:1], settings, use_embeddings=False)
    changed = dict(REPORTS[0], text="Protesters rallied in Kharkiv on Saturday, police said.")
    report = ingest_rows(store, [changed], settings, use_embeddings=False)
    assert report.written == 1
    names, rows = store.query("SELECT plover_type FROM events WHERE doc_id = 'a1'")
    assert [r[0] for r in rows] == ["PROTEST"]
    assert store.count("documents") == 1


def test_reports_of_the_same_event_merge_into_one_incident(store, settings):
    """Two outlets reporting the Izium withdrawal make one incident with two independent sources."""
    ingest_rows(store, REPORTS, settings, use_embeddings=True)
    retreats = store.incidents(plover_type="RETREAT", min_sources=0)
    assert len(retreats) == 1
    assert (retreats[0]["n_documents"], retreats[0]["independent_sources"]) == (2, 2)
    assert retreats[0]["location_name"] in ("Izyum", "Izium")


def test_a_reprint_counts_as_one_source(store, settings):
    """The same wire text in two outlets is one independent source."""
    reprint = dict(REPORTS[0], id="a2", outlet="Paper D")
    ingest_rows(store, [REPORTS[0], reprint], settings, use_embeddings=False)
    (incident,) = store.incidents(plover_type="RETREAT", min_sources=0)
    assert (incident["n_documents"], incident["independent_sources"]) == (2, 1)


def test_one_outlet_reporting_twice_is_one_source(store, settings):
    """Two differently worded stories of the same outlet are two documents but one independent source."""
    again = {"id": "a3", "outlet": "Wire A", "published": "2022-09-12",
             "text": "Russian troops withdrew from the city of Izium on Saturday as Ukrainian forces advanced, officials said."}
    ingest_rows(store, [REPORTS[0], REPORTS[1], again], settings, use_embeddings=True)
    (incident,) = store.incidents(plover_type="RETREAT", min_sources=0)
    assert (incident["n_documents"], incident["independent_sources"]) == (3, 2)


def test_a_warning_and_the_deed_are_different_incidents(store, settings):
    """'will blockade the port' and 'blockaded the port' are not merged: the plan stays its document's
    event and makes no incident, the deed is one."""
    rows = [{"id": "w", "published": "2022-07-01", "text": "Russia will blockade the port of Odesa next week, officials warned."},
            {"id": "d", "published": "2022-07-01", "text": "Russia blockaded the port of Odesa on Friday, officials said."}]
    ingest_rows(store, rows, settings, use_embeddings=False)
    names, found = store.query("SELECT DISTINCT ie.doc_id FROM incident_events ie "
                               "JOIN events e USING (doc_id, event_id) WHERE e.plover_type = 'COERCE'")
    assert found == [("d",)]
    names, found = store.query("SELECT status FROM events WHERE doc_id = 'w' AND plover_type = 'COERCE'")
    assert found == [("future",)]


def test_exports_parse_back(store, settings, tmp_path):
    """Every export format writes a file that reads back with the same incidents."""
    ingest_rows(store, REPORTS, settings, use_embeddings=False)
    ids = {i["incident_id"] for i in store.incidents(min_sources=0)}
    located = {i["incident_id"] for i in store.incidents(min_sources=0) if i["lat"] is not None}
    assert set(EXPORTERS) == {"jsonl", "acled-csv", "gdelt-tsv", "geojson", "parquet"}
    export(store, "jsonl", tmp_path / "x.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    assert {r["incident_id"] for r in rows} == ids and all(r["events"] for r in rows)
    export(store, "acled-csv", tmp_path / "x.csv")
    with open(tmp_path / "x.csv", newline="") as f:
        acled = list(csv.DictReader(f))
    assert {r["event_id_cnty"] for r in acled} == ids
    assert {"event_date", "event_type", "sub_event_type", "actor1", "latitude", "geo_precision", "status",
            "factuality", "independent_sources"} <= set(acled[0])
    export(store, "gdelt-tsv", tmp_path / "x.tsv")
    with open(tmp_path / "x.tsv", newline="") as f:
        gdelt = list(csv.DictReader(f, delimiter="\t"))
    assert {r["GLOBALEVENTID"] for r in gdelt} == ids
    export(store, "geojson", tmp_path / "x.geojson")
    geo = json.loads((tmp_path / "x.geojson").read_text())
    assert {f["properties"]["incident_id"] for f in geo["features"]} == ids
    assert {f["id"] for f in geo["features"] if f["geometry"] is not None} == located
    export(store, "parquet", tmp_path / "x.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'x.parquet'}'").fetchone()[0] == len(ids)


def test_queries_through_a_read_only_store_cannot_write(store, settings, tmp_path):
    """A read-only store answers SELECT and refuses DELETE."""
    ingest_rows(store, REPORTS[:1], settings, use_embeddings=False)
    store.close()
    with Store(store.path, read_only=True) as ro:
        assert ro.frame("SELECT doc_id FROM documents")["doc_id"].tolist() == ["a1"]
        with pytest.raises(duckdb.Error):
            ro.query("DELETE FROM documents")


def test_an_ingest_killed_midway_and_rerun_stores_every_document_once(tmp_path):
    """kill -9 after the first commits, then a rerun: every document exactly once."""
    rows = [{"id": f"doc-{i:03d}", "published": "2022-10-01",
             "text": f"Russian artillery shelled village number {i} near Kharkiv on Friday, the governor said. "
                     f"Residents of the village said {i} houses were damaged."} for i in range(60)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    db = tmp_path / "k.duckdb"
    cmd = [sys.executable, "-m", "fogofwar", "ingest", str(source), "--db", str(db), "--commit-every", "4",
           "--no-embeddings", "-v"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    commits = 0
    deadline = time.time() + 120
    while commits < 2 and time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        commits += "committed" in line
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert commits >= 2
    with Store(db, read_only=True) as s:
        partial = s.count("documents")
    assert 0 < partial < len(rows)
    subprocess.run(cmd[:-1] + ["-q"], check=True)
    with Store(db, read_only=True) as s:
        names, found = s.query("SELECT count(*), count(DISTINCT doc_id) FROM documents")
        assert found[0] == (len(rows), len(rows))
        names, dup = s.query("SELECT count(*) FROM (SELECT doc_id, event_id FROM events GROUP BY ALL HAVING count(*) > 1)")
        assert dup[0][0] == 0


def test_documents_with_lone_surrogates_store_and_a_rerun_skips_them(store, settings):
    """Lone surrogates, in an analysed text or in one refused before analysis, are stored as U+FFFD; a rerun skips both."""
    from fogofwar.ingest import RawDocument

    def items():
        return [RawDocument(id="ok", text="Russian troops \ud800 withdrew from Izium, the military said."),
                RawDocument(id="short", text="\udc80")]

    report = store.ingest(items(), lambda xs: extract(xs, settings), use_embeddings=False)
    assert (report.written, report.errors) == (2, 1)
    assert store.query("SELECT doc_id, error_code, text FROM documents ORDER BY doc_id")[1] == [
        ("ok", None, "Russian troops \ufffd withdrew from Izium, the military said."), ("short", "binary", "\ufffd")]
    again = store.ingest(items(), lambda xs: extract(xs, settings), use_embeddings=False)
    assert (again.written, again.skipped) == (0, 2)


def test_a_side_remark_without_a_day_or_a_place_makes_no_incident(store, settings):
    """A report's fifth happening, told once with no day and no place finer than a country, is kept as an
    event of its document but makes no incident: no coder could date or place it."""
    row = {"id": "s", "published": "2022-07-04", "outlet": "Wire A", "text": (
        "Russian forces shelled Kharkiv on Monday, the governor said. Two houses burned in the shelling. "
        "Firefighters worked through the night in Kharkiv. The shelling damaged a school on Monday. "
        "The regional governor said the shelling of Kharkiv had been the heaviest in weeks. "
        "Separately, Poland has accused Russia of spreading disinformation.")}
    ingest_rows(store, [row], settings, use_embeddings=False)
    names, found = store.query("SELECT e.plover_type, ie.incident_id IS NOT NULL FROM events e "
                               "LEFT JOIN incident_events ie USING (doc_id, event_id) ORDER BY e.key")
    made = dict(found)
    assert made.get("ASSAULT") is True
    assert made.get("ACCUSE") is False


def test_a_hedged_lead_without_a_day_or_a_place_makes_no_incident(store, settings):
    """Leading with 'may send troops' tells what may yet be done, no deed a coder could date or place; the
    shelling it comes with is an incident."""
    row = {"id": "h", "published": "2022-07-04", "outlet": "Wire A", "text": (
        "Poland reportedly may send more troops to its eastern border, officials suggested. "
        "Russian forces shelled Kharkiv on Monday, the governor said. The shelling damaged a school.")}
    ingest_rows(store, [row], settings, use_embeddings=False)
    names, found = store.query("SELECT e.plover_type, e.status, ie.incident_id IS NOT NULL FROM events e "
                               "LEFT JOIN incident_events ie USING (doc_id, event_id) ORDER BY e.key")
    assert ("MOBILIZE", "hypothetical", False) in found and ("ASSAULT", "reported", True) in found


def test_incident_pages_are_kept_at_the_merge_and_never_outlive_their_documents(store, settings, monkeypatch):
    """An incident page is kept at the merge, as assembled from the tables; a replaced document takes its
    incidents' pages with it until the merge keeps them again; a page over the size cap is never kept."""
    ingest_rows(store, REPORTS, settings)
    ids = [i for (i,) in store.query("SELECT incident_id FROM incidents ORDER BY incident_id")[1]]
    assert ids and store.count("incident_pages") == len(ids)
    for incident_id in ids:
        assert store.incident_evidence(incident_id) == json.loads(json.dumps(store._assembled_evidence(incident_id)))
    izium = next(i for i in ids if any(e["doc_id"] == "a1" for e in store.incident_evidence(i)["events"]))
    # Replaced but not yet merged (as between an ingest's write and its merge): no kept page, and the page
    # served is what the tables hold now.
    changed = dict(REPORTS[0], text="Russian troops withdrew from Izium on Saturday, the mayor of Izium said.")
    items = read_jsonl_lines(iter([json.dumps(changed)]), "test", settings)
    store.write_results([(r, "new-hash") for r in extract(items, settings)])
    assert store.query("SELECT count(*) FROM incident_pages WHERE incident_id = ?", [izium])[1] == [(0,)]
    page = store.incident_evidence(izium)
    assert page == json.loads(json.dumps(store._assembled_evidence(izium)))
    assert any("mayor" in e["sentence_text"] for e in page["events"] if e["doc_id"] == "a1")
    store.update_incidents()
    assert store.count("incident_pages") == store.count("incidents")
    import fogofwar.store as store_module
    monkeypatch.setattr(store_module, "PAGE_MAX_BYTES", 10)
    store.update_incidents(rebuild=True)
    assert store.count("incident_pages") == 0
    assert store.incident_evidence(ids[0]) is not None
