"""The web API: every endpoint, its filters, its errors, and the guards around it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from fogofwar.api import CSP, LOOPBACK_HOSTS, PLOVER_TYPES, STATUSES, create_app
from fogofwar.cli import cli
from fogofwar.ingest import read_jsonl_lines
from fogofwar.pipeline import extract
from fogofwar.store import Store

REPORTS = Path(__file__).parent / "fixtures" / "web_reports.jsonl"
INCIDENT_KEYS = {
    "incident_id", "plover_type", "cameo", "acled_event_type", "acled_sub_event_type", "location_name", "lat", "lon",
    "country", "admin1", "geo_precision", "event_date", "time_precision", "first_reported", "actor_codes",
    "recipient_codes", "n_documents", "n_events", "independent_sources", "supporting", "contradicting", "status",
    "factuality", "summary", "n_mentions", "killed_min", "killed_max", "injured_min", "injured_max", "casualties",
    "means", "place_precision"}


@pytest.fixture(scope="session")
def web_store(tmp_path_factory, settings) -> Path:
    """A store built by the real pipeline from our five reports (two of them the same withdrawal)."""
    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    with Store(path) as store, open(REPORTS, encoding="utf-8") as f:
        store.ingest(read_jsonl_lines(f, str(REPORTS), settings), lambda xs: extract(xs, settings))
    return path


@pytest.fixture(scope="module")
def client(web_store):
    with TestClient(create_app(web_store, static_dir=None)) as c:
        yield c


def all_incidents(client, **params):
    body = client.get("/api/incidents", params={"min_sources": 0, "limit": 500, **params}).json()
    return body["items"]


def by_place(client, name):
    return [i for i in all_incidents(client) if i["location_name"] == name]


def test_incidents_come_in_pages_with_their_total(client):
    """limit and offset cut the same ordered list; total counts every match."""
    everything = all_incidents(client)
    first = client.get("/api/incidents", params={"min_sources": 0, "limit": 3}).json()
    second = client.get("/api/incidents", params={"min_sources": 0, "limit": 3, "offset": 3}).json()
    assert (first["total"], first["limit"], first["offset"]) == (len(everything), 3, 0)
    assert [i["incident_id"] for i in first["items"] + second["items"]] == [i["incident_id"] for i in everything[:6]]
    assert all(set(i) == INCIDENT_KEYS for i in everything)
    assert len(everything) == 4  # the two Izium reports are one incident; the Odesa strike and its denial one


def test_incidents_are_ordered_by_independent_sources(client):
    """The withdrawal reported by two outlets comes first, with two independent sources."""
    top = all_incidents(client)[0]
    assert (top["plover_type"], top["location_name"], top["independent_sources"], top["n_documents"]) == (
        "RETREAT", "Izyum", 2, 2)
    assert top["supporting"] == ["Ukraine's military [UKRMIL]", "the General Staff [MIL]"]


def test_type_filter_keeps_only_that_plover_type(client):
    """type=RETREAT answers only retreats, among them the Izium withdrawal."""
    found = all_incidents(client, type="RETREAT")
    assert {i["plover_type"] for i in found} == {"RETREAT"}
    assert "Izyum" in {i["location_name"] for i in found}


def test_types_filter_keeps_any_of_the_listed_types(client):
    """types=RETREAT,PROTEST (or repeated) answers retreats and protests; types= alone matches none."""
    everything = all_incidents(client)
    wanted = [i["incident_id"] for i in everything if i["plover_type"] in {"RETREAT", "PROTEST"}]
    assert wanted and len(wanted) < len(everything)
    assert [i["incident_id"] for i in all_incidents(client, types="RETREAT,protest")] == wanted
    assert [i["incident_id"] for i in all_incidents(client, types=["RETREAT", "PROTEST"])] == wanted
    assert all_incidents(client, types="") == []
    response = client.get("/api/incidents?types=RETREAT,BOMBING")
    assert (response.status_code, response.json()["message"]) == (
        400, "types: unknown PLOVER type BOMBING; use any of " + ", ".join(PLOVER_TYPES))


def test_bbox_filter_keeps_incidents_inside_the_box(client):
    """A box around Odesa holds the Odesa strike and nothing from Warsaw or Kharkiv."""
    found = all_incidents(client, bbox="30,46,31.5,47")
    assert found and {i["location_name"] for i in found} == {"Odesa"}
    assert all(30 <= i["lon"] <= 31.5 and 46 <= i["lat"] <= 47 for i in found)


def test_time_filters_keep_incidents_in_the_range(client):
    """since and until bound event dates, inclusive of the whole day."""
    late = all_incidents(client, since="2022-09-01")
    early = all_incidents(client, until="2022-03-31")
    assert late and all(i["event_date"] >= "2022-09-01" for i in late)
    assert early and {i["location_name"] for i in early} == {"Warsaw"}
    day = all_incidents(client, since="2022-05-02", until="2022-05-02")
    assert {i["location_name"] for i in day} == {"Kharkiv"}


def test_actor_status_and_source_filters(client):
    """actor matches actor or recipient codes; status and min_sources are exact and a floor."""
    russian = all_incidents(client, actor="rusmil")
    assert russian and all("RUSMIL" in i["actor_codes"] + ";" + i["recipient_codes"] for i in russian)
    disputed = all_incidents(client, status="disputed")
    assert disputed and {i["status"] for i in disputed} == {"disputed"}
    # The strike the air force reports and the attack Moscow denies are one happening: disputed.
    assert disputed[0]["contradicting"] == ["Moscow [RUSGOV]"]
    assert disputed[0]["supporting"] and all("RUS" not in s for s in disputed[0]["supporting"])
    two = all_incidents(client, min_sources=2)
    assert [(i["plover_type"], i["location_name"]) for i in two] == [("RETREAT", "Izyum")]


@pytest.mark.parametrize("query, param, message", [
    ("limit=0", "limit", "limit: Input should be greater than or equal to 1"),
    ("limit=501", "limit", "limit: Input should be less than or equal to 500"),
    ("limit=ten", "limit", "limit: Input should be a valid integer, unable to parse string as an integer"),
    ("offset=-1", "offset", "offset: Input should be greater than or equal to 0"),
    ("min_sources=-1", "min_sources", "min_sources: Input should be greater than or equal to 0"),
    ("since=yesterday", "since", "since: String should match pattern '^\\d{4}(-\\d{2}(-\\d{2})?)?$'"),
    ("actor=R%3BDROP", "actor", "actor: String should match pattern '^[A-Za-z]{2,12}$'"),
    ("status=maybe", "status", "status: Input should be "),
    ("type=BOMBING", "type", "type: Input should be 'ACCUSE', 'AGREE', "),
])
def test_bad_incident_filters_answer_400_naming_the_parameter(client, query, param, message):
    """Each malformed filter is a 400 whose message names the parameter and what it should be."""
    response = client.get(f"/api/incidents?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request" and body["message"].startswith(message)
    assert [e["param"] for e in body["errors"]] == [param]


@pytest.mark.parametrize("query, message", [
    ("bbox=1,2,3", "bbox: use WEST,SOUTH,EAST,NORTH in degrees, e.g. 22,44,41,53"),
    ("bbox=a,b,c,d", "bbox: use WEST,SOUTH,EAST,NORTH in degrees, e.g. 22,44,41,53"),
    ("bbox=40,50,30,45", "bbox: need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH <= 90"),
    ("bbox=0,0,200,10", "bbox: need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH <= 90"),
    ("since=2022-02-30", "since: 2022-02-30 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("until=9999-99", "until: 9999-99 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("until=2022-13", "until: 2022-13 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("since=0000", "since: 0000 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("until=2022-00-10", "until: 2022-00-10 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("since=2022-09-01&until=2022-03-01", "since (2022-09-01) is after until (2022-03-01)"),
    ("min_source=2", "unknown parameter min_source; use actor, bbox, limit, min_sources, offset, since, status, type, "
                     "types, until"),
])
def test_inconsistent_incident_filters_answer_400_with_the_fix(client, query, message):
    """Boxes, dates and misspelt names that parse but make no sense are a 400 that says how to fix them."""
    response = client.get(f"/api/incidents?{query}")
    assert (response.status_code, response.json()) == (400, {"error": "bad_request", "message": message})


def test_an_incident_comes_with_every_claim_and_document(client):
    """The withdrawal's two claims each carry source, code, stance, quote, outlet and date."""
    izium = all_incidents(client, min_sources=2)[0]
    body = client.get(f"/api/incidents/{izium['incident_id']}").json()
    claims = [(c["doc_id"], c["source_text"], c["source_code"], c["stance"], c["content_text"], c["outlet"],
               c["published"]) for c in body["claims"]]
    assert claims == [
        ("izium-a", "Ukraine's military", "UKRMIL", "assert", "Russian troops withdrew from Izium on Saturday",
         "Wire A", "2022-09-12"),
        ("izium-b", "the General Staff", "MIL", "assert",
         "Russian forces retreated from Izium on Saturday after a swift Ukrainian counteroffensive", "Paper B",
         "2022-09-12")]
    assert [(d["doc_id"], d["title"], d["outlet"], d["url"]) for d in body["documents"]] == [
        ("izium-a", "Russian troops leave Izium", "Wire A", "https://example.org/izium-a"),
        ("izium-b", "Retreat from Izium", "Paper B", "https://example.org/izium-b")]
    assert [(e["doc_id"], e["trigger_text"], e["status"], len(e["claims"])) for e in body["events"]] == [
        ("izium-a", "withdrew", "reported", 1), ("izium-b", "retreated", "reported", 1)]
    assert {k: body[k] for k in INCIDENT_KEYS} == izium


def test_unknown_or_malformed_incident_ids_answer_404_and_400(client):
    """A well-formed unknown id is not found; one with spaces or slashes is a bad request."""
    assert client.get("/api/incidents/inc-000000000000").json() == {
        "error": "not_found", "message": "no incident inc-000000000000"}
    response = client.get("/api/incidents/inc%20x")
    assert response.status_code == 400 and response.json()["errors"][0]["param"] == "incident_id"
    assert client.get("/api/incidents/a/b").status_code == 404


def test_a_document_comes_with_its_text_verbatim_and_its_spans(client):
    """Markup in article text comes back as the same characters, and every span indexes that text."""
    doc = client.get("/api/documents/hostile-e").json()
    source = json.loads(REPORTS.read_text().splitlines()[4])
    assert (doc["id"], doc["title"], doc["url"], doc["text"]) == (
        "hostile-e", source["title"], source["url"], source["text"])
    assert "<script>window.__pwned = 'script'</script>" in doc["text"]
    assert "predicates" not in doc
    assert {"place", "time", "actor", "trigger", "source", "cue", "content"} <= {s["kind"] for s in doc["spans"]}
    records = {"place": doc["places"], "time": doc["times"], "actor": doc["actors"]}
    for span in doc["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(doc["text"])
        if span["kind"] in records:
            record = records[span["kind"]][int(span["ref"][1:])]
            assert (record["start"], record["end"]) == (span["start"], span["end"])
    kharkiv = next(s for s in doc["spans"] if s["kind"] == "place" and doc["text"][s["start"]:s["end"]] == "Kharkiv")
    assert kharkiv["label"] == "Kharkiv, Kharkiv, UA"


def test_unknown_documents_answer_404_without_touching_files(client):
    """A document id that looks like a path is looked up as an id, never opened as a file."""
    for doc_id in ("nope", "../../pyproject.toml", "%2e%2e/%2e%2e/etc/passwd"):
        response = client.get(f"/api/documents/{doc_id}")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_search_finds_documents_containing_every_word(client):
    """Words match in any case; all must occur; most occurrences first; a snippet shows the first."""
    body = client.get("/api/search", params={"q": "IZIUM"}).json()
    assert (body["q"], body["total"], [d["doc_id"] for d in body["items"]]) == ("IZIUM", 2, ["izium-a", "izium-b"])
    assert body["items"][0]["snippet"] == "Russian troops withdrew from Izium on Saturday, Ukraine's military said."
    both = client.get("/api/search", params={"q": "izium counteroffensive"}).json()
    assert [d["doc_id"] for d in both["items"]] == ["izium-b"]
    markup = client.get("/api/search", params={"q": "<script>"}).json()
    assert [d["doc_id"] for d in markup["items"]] == ["hostile-e"]


def test_search_words_are_literal_not_patterns(client):
    """LIKE wildcards and regex characters in a query match only themselves."""
    for q in ("%%", "_%_", ".*", "a%", "[a-z]+"):
        assert client.get("/api/search", params={"q": q}).json()["total"] == 0


@pytest.mark.parametrize("query, message", [
    ("", "q: Field required"),
    ("q=x", "q: String should have at least 2 characters"),
    ("q=" + "a" * 201, "q: String should have at most 200 characters"),
    ("q=%20%20%20", "q: give at least one word"),
    ("q=" + "+".join(["word"] * 11), "q: at most 10 words"),
    ("q=izium&limit=51", "limit: Input should be less than or equal to 50"),
    ("q=izium&page=2", "unknown parameter page; use limit, offset, q"),
])
def test_bad_searches_answer_400(client, query, message):
    """A missing, too short, too long or too wordy query is a 400 saying so."""
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and response.json()["message"] == message


def test_facets_list_what_the_filters_can_choose(client):
    """Types and statuses come from the contract; counts, actors and dates from the store."""
    body = client.get("/api/facets").json()
    everything = all_incidents(client)
    assert body["types"] == PLOVER_TYPES and len(PLOVER_TYPES) == 16 and body["statuses"] == STATUSES
    assert sum(body["type_counts"].values()) == body["incidents"] == len(everything)
    assert body["type_counts"]["RETREAT"] == len(all_incidents(client, type="RETREAT"))
    assert (body["first_date"], body["last_date"], body["documents"]) == ("2022-03-06", "2022-09-10", 5)
    assert "RUSMIL" in body["actors"]


def test_status_gives_the_data_version_counts_and_how_often_to_poll(client):
    """The store built by one ingest is at version 1, updated at a UTC second, with its documents and incidents."""
    body = client.get("/api/status").json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["updated"]), body["updated"]
    assert body == {"version": 1, "updated": body["updated"], "documents": 5, "incidents": 4, "poll_seconds": 30.0}
    refused = client.get("/api/status?since=2022")
    assert (refused.status_code, refused.json()["error"]) == (400, "bad_request")
    assert refused.json()["message"].startswith("unknown parameter since")


def test_status_moves_to_the_next_version_when_the_served_store_changes(tmp_path, settings):
    """An ingest into the served store raises the version and the counts /api/status answers."""
    report = json.dumps({"id": "kyiv-1", "published": "2023-01-14",
                         "text": "Russian missiles struck Kyiv on Saturday, the mayor said."})
    with Store(tmp_path / "live.duckdb") as store:
        with TestClient(create_app(store, static_dir=None, poll_seconds=0.5)) as c:
            assert c.get("/api/status").json() == {
                "version": 0, "updated": None, "documents": 0, "incidents": 0, "poll_seconds": 0.5}
            store.ingest(read_jsonl_lines([report], "live.jsonl", settings), lambda xs: extract(xs, settings))
            body = c.get("/api/status").json()
            assert body == {"version": 1, "updated": body["updated"], "documents": 1, "incidents": 1,
                            "poll_seconds": 0.5}
            assert body["updated"] is not None


KYIV = json.dumps({"id": "kyiv-1", "published": "2023-01-14",
                   "text": "Russian missiles struck Kyiv on Saturday, the mayor said."})
LVIV = json.dumps({"id": "lviv-1", "published": "2023-01-15",
                   "text": "Russian drones hit Lviv on Sunday, the regional governor said."})


def ingest_lines(store: Store, lines: list[str], settings) -> None:
    store.ingest(read_jsonl_lines(lines, "live.jsonl", settings), lambda xs: extract(xs, settings))


def test_an_answer_repeated_between_writes_is_the_same_as_a_fresh_one(client, web_store):
    """A second identical GET (answered from memory) carries the same body and headers as the first
    and as a server that keeps nothing (one given an open store)."""
    paths = ["/api/incidents?min_sources=0&limit=500", "/api/facets", "/api/status", "/api/search?q=Izium"]
    first = [client.get(p) for p in paths]
    again = [client.get(p) for p in paths]
    with Store(web_store, read_only=True) as store, TestClient(create_app(store, static_dir=None)) as fresh:
        uncached = [fresh.get(p) for p in paths]
    for a, b, c in zip(first, again, uncached):
        assert a.status_code == b.status_code == c.status_code == 200
        assert a.content == b.content == c.content
        assert dict(a.headers) == dict(b.headers) == dict(c.headers)


def test_a_write_through_the_served_store_changes_the_next_answer(tmp_path, settings):
    """Answers kept between writes are dropped by a write: the next GET shows the new document."""
    db = tmp_path / "live.duckdb"
    with Store(db) as store:
        ingest_lines(store, [KYIV], settings)
    app = create_app(db, static_dir=None)
    with TestClient(app) as c:
        before = [c.get(p).json() for p in ("/api/status", "/api/incidents", "/api/facets")]
        assert [c.get(p).json() for p in ("/api/status", "/api/incidents", "/api/facets")] == before
        assert (before[0]["documents"], before[1]["total"], before[2]["documents"]) == (1, 1, 1)
        with app.state.served.writing() as writer:
            ingest_lines(writer, [LVIV], settings)
        status, incidents, facets = (c.get(p).json() for p in ("/api/status", "/api/incidents", "/api/facets"))
        assert (status["version"], status["documents"], incidents["total"], facets["documents"]) == (2, 2, 2, 2)
        assert {i["location_name"] for i in incidents["items"]} == {"Kyiv", "Lviv"}
    app.state.served.close()


def test_status_and_facets_are_asked_at_start_and_after_each_write(tmp_path, settings, monkeypatch):
    """What every page load asks first is kept before anyone asks it: right after start, and again after
    a write, the status and the facets are answered without a read of the store."""
    db = tmp_path / "live.duckdb"
    with Store(db) as store:
        ingest_lines(store, [KYIV], settings)
    app = create_app(db, static_dir=None)

    def unread(*args, **kwargs):
        raise AssertionError("read from the store, not kept")

    def kept(c, documents: int, version: int) -> None:
        assert app.state.warmed.wait(30)
        with monkeypatch.context() as m:
            m.setattr(Store, "status", unread)
            m.setattr(Store, "incident_facets", unread)
            assert c.get("/api/facets").json()["documents"] == documents
            assert c.get("/api/status").json()["version"] == version

    with TestClient(app) as c:
        kept(c, documents=1, version=1)
        with app.state.served.writing() as writer:
            ingest_lines(writer, [LVIV], settings)
        assert c.get("/api/incidents").json()["total"] == 2  # the first request after the write
        kept(c, documents=2, version=2)
    app.state.served.close()


def test_a_kept_answer_is_kept_compressed_and_plain(web_store, tmp_path):
    """A client that takes gzip gets the compressed answer again, one that does not the plain one: the
    same JSON either way, and the same as a server that keeps nothing sends."""
    import shutil

    db = tmp_path / "long.duckdb"
    shutil.copy(web_store, db)
    with Store(db) as store:  # a summary long enough for the list to be compressed (over 4 KB)
        store.con.execute("UPDATE incidents SET summary = repeat('Shelling of Kharkiv. ', 300) "
                          "WHERE incident_id = (SELECT min(incident_id) FROM incidents)")
    path = "/api/incidents?min_sources=0&limit=500"
    app = create_app(db, static_dir=None)
    with TestClient(app) as c:
        sent = {enc: [c.get(path, headers={"Accept-Encoding": enc}) for _ in range(2)] for enc in ("gzip", "identity")}
    app.state.served.close()
    with Store(db, read_only=True) as store, TestClient(create_app(store, static_dir=None)) as fresh:
        plain = fresh.get(path, headers={"Accept-Encoding": "identity"})
    assert all(r.status_code == 200 for rs in sent.values() for r in rs)
    assert len(plain.content) > 4096, len(plain.content)  # large enough to be compressed
    assert [r.headers.get("content-encoding") for r in sent["gzip"]] == ["gzip", "gzip"]
    assert [r.headers.get("content-encoding") for r in sent["identity"]] == [None, None]
    assert sent["gzip"][0].headers["content-length"] == sent["gzip"][1].headers["content-length"]
    assert all(r.json() == plain.json() for rs in sent.values() for r in rs)
    assert sent["identity"][1].content == plain.content


def test_place_precision_follows_the_towns_of_the_data_version(tmp_path):
    """The town coordinates that make a place a guess from the dateline are read once per data version
    for a store and its readers: a town added under a new version turns a region- or country-level
    incident into a dateline one, in the list as on the map."""
    with Store(map_store(tmp_path / "towns.duckdb")) as store:
        rows = store.con.execute("SELECT incident_id, lat, lon FROM incidents").fetchall()
        before = store.place_precision([r[0] for r in rows])
        wide = [r for r in rows if before[r[0]] in ("region", "country", "area")]
        assert wide, before
        incident_id, lat, lon = wide[0]
        reader = store.reader()
        assert reader.place_precision([incident_id]) == {incident_id: before[incident_id]}
        store.con.execute("INSERT INTO places (doc_id, idx, name, lat, lon, feature) VALUES ('x', 0, 'Town', ?, ?, 'P')",
                          [lat, lon])
        assert reader.place_precision([incident_id]) == {incident_id: before[incident_id]}  # same version: kept
        store.bump_version()
        assert reader.place_precision([incident_id]) == {incident_id: "dateline"}
        assert store.place_precision([incident_id]) == {incident_id: "dateline"}
        assert store.map_summary(5, None, 1000, min_sources=0)["by_place"]["dateline"] == (
            sum(v == "dateline" for v in before.values()) + 1)


def test_answers_read_while_a_write_is_open_are_not_kept(tmp_path, settings):
    """While a write is open each GET reads the store as committed so far, and nothing read then is
    answered after the write."""
    db = tmp_path / "live.duckdb"
    with Store(db) as store:
        ingest_lines(store, [KYIV], settings)
    app = create_app(db, static_dir=None)
    with TestClient(app) as c:
        assert c.get("/api/status").json()["documents"] == 1
        with app.state.served.writing() as writer:
            batch = list(extract(read_jsonl_lines([LVIV], "live.jsonl", settings), settings))
            writer.write_results([(r, "hash") for r in batch])
            assert c.get("/api/status").json()["documents"] == 2
            assert c.get("/api/incidents").json()["total"] == 1  # merged only below
            writer.update_incidents()
            assert c.get("/api/incidents").json()["total"] == 2
        assert c.get("/api/status").json()["version"] == 2
    app.state.served.close()


def test_openapi_lists_every_endpoint_with_400_errors(client):
    """The schema documents the nine reading endpoints and the 400 error body, not FastAPI's 422."""
    schema = client.get("/openapi.json").json()
    assert sorted(schema["paths"]) == ["/api/documents/{doc_id}", "/api/export", "/api/facets", "/api/incidents",
                                       "/api/incidents/{incident_id}", "/api/map", "/api/search", "/api/status",
                                       "/api/timeline"]
    responses = schema["paths"]["/api/incidents"]["get"]["responses"]
    assert sorted(responses) == ["200", "400", "404", "503"]
    assert "422" not in json.dumps(schema)
    assert {p["name"] for p in schema["paths"]["/api/incidents"]["get"]["parameters"]} == {
        "bbox", "since", "until", "type", "types", "actor", "status", "min_sources", "limit", "offset"}
    export = schema["paths"]["/api/export"]["get"]
    assert {p["name"] for p in export["parameters"]} == {
        "format", "bbox", "since", "until", "type", "types", "actor", "status", "min_sources"}
    assert sorted(export["responses"]) == ["200", "400", "404", "413", "503"]


def test_every_response_carries_the_security_headers(client):
    """Pages, data, errors and the schema all carry the Content-Security-Policy."""
    for path in ("/", "/docs", "/api/incidents", "/api/incidents?limit=0", "/api/incidents/inc-x", "/openapi.json",
                 "/nowhere"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    assert "script-src 'self';" in CSP and "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP


def test_the_page_answers_503_until_it_is_built(client):
    """Without a build the page and docs say how to build them instead of failing obscurely."""
    for path in ("/", "/docs"):
        response = client.get(path)
        assert (response.status_code, response.text) == (
            503, "The page is not built: run `make setup` (npm ci and the esbuild bundle).")


@pytest.fixture()
def built(tmp_path):
    """A stand-in build folder with a secret file beside it."""
    dist = tmp_path / "dist"
    (dist / "assets" / "licenses" / "pkg").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>page</title>")
    (dist / "docs.html").write_text("<!doctype html><title>docs</title>")
    (dist / "assets" / "app.js").write_text("console.log('app');")
    (dist / "assets" / "licenses" / "pkg" / "LICENSE").write_text("licence text")
    (tmp_path / "secret.txt").write_text("classified")
    (dist / "secret-beside-assets.txt").write_text("classified")
    return dist


def test_static_files_come_only_from_the_build_folder(web_store, built):
    """The page and its assets are served; no path, however encoded, reaches a file outside assets/."""
    with TestClient(create_app(web_store, static_dir=built)) as c:
        assert c.get("/").text == "<!doctype html><title>page</title>"
        assert c.get("/docs").text == "<!doctype html><title>docs</title>"
        assert c.get("/assets/app.js").text == "console.log('app');"
        licence = c.get("/assets/licenses/pkg/LICENSE")
        assert (licence.text, licence.headers["content-type"]) == ("licence text", "text/plain; charset=utf-8")
        for path in ("/assets/../secret-beside-assets.txt", "/assets/%2e%2e/secret-beside-assets.txt",
                     "/assets/%2e%2e/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets//etc/passwd",
                     "/assets/%2fetc%2fpasswd"):
            response = c.get(path)
            assert response.status_code == 404 and "classified" not in response.text, path


def test_the_server_opens_the_store_read_only(web_store):
    """The app's store refuses writes."""
    app = create_app(web_store, static_dir=None)
    store = app.state.served.current
    assert store.read_only
    with pytest.raises(Exception, match="read-only"):
        store.query("DELETE FROM incidents")
    store.close()


def test_a_query_past_the_time_limit_is_stopped_with_503(web_store, monkeypatch):
    """A store read that runs too long is interrupted and answers 503 with the advice to narrow it."""
    app = create_app(web_store, static_dir=None, query_seconds=0.2)
    store = app.state.served.current
    monkeypatch.setattr(Store, "incident_facets", lambda self: self.query("SELECT count(*) FROM range(100000000000)"))
    with TestClient(app) as c:
        response = c.get("/api/facets")
        assert (response.status_code, response.json()) == (503, {
            "error": "timeout", "message": "the query took longer than 0.2 s and was stopped; narrow the filters"})
        assert c.get("/api/incidents?limit=1").status_code == 200
    store.close()


def test_an_unexpected_failure_answers_500_json_with_the_headers(web_store, monkeypatch):
    """A bug answers a JSON 500 that leaks nothing, still with the security headers."""
    app = create_app(web_store, static_dir=None)

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Store, "document", broken)
    with TestClient(app) as c:
        response = c.get("/api/documents/izium-a")
    assert (response.status_code, response.json()) == (500, {
        "error": "internal", "message": "the server failed on this request; see its log"})
    assert response.headers["content-security-policy"] == CSP
    app.state.served.current.close()


def test_loopback_serving_refuses_other_host_names(web_store):
    """Bound to loopback, a request for another Host (DNS rebinding) is refused."""
    app = create_app(web_store, static_dir=None, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://localhost:8000") as c:
        assert c.get("/api/facets").status_code == 200
        refused = c.get("/api/facets", headers={"host": "attacker.example"})
        assert (refused.status_code, refused.text) == (400, "Invalid host header")
        assert refused.headers["content-security-policy"] == CSP
    app.state.served.current.close()


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1", 200), ("127.0.0.1:8000", 200), ("localhost:8000", 200), ("[::1]:8000", 200),
    ("testserver", 400), ("", 400), ("localhost.attacker.example", 400), ("127.0.0.1.nip.io", 400),
])
def test_loopback_serving_answers_only_loopback_host_names(web_store, host, status):
    """Only 127.0.0.1, localhost and [::1] pass; a test client's name and an empty Host answer 400."""
    app = create_app(web_store, static_dir=None, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/facets", headers={"host": host}).status_code == status
    app.state.served.current.close()


def test_serve_get_prints_one_response_and_exits(web_store):
    """`serve --get` runs one request in-process: the body on stdout, exit 1 on an error status."""
    runner = CliRunner()
    ok = runner.invoke(cli, ["serve", "--db", str(web_store), "--get", "/api/incidents?min_sources=2"])
    assert ok.exit_code == 0, ok.output
    body = json.loads(ok.stdout)
    assert (body["total"], body["items"][0]["plover_type"]) == (1, "RETREAT")
    bad = runner.invoke(cli, ["serve", "--db", str(web_store), "--get", "/api/incidents?limit=0"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["message"] == "limit: Input should be greater than or equal to 1"
    assert "HTTP 400" in bad.stderr
    relative = runner.invoke(cli, ["serve", "--db", str(web_store), "--get", "api/incidents"])
    assert relative.exit_code == 2 and "give a path starting with /" in relative.output


def test_serve_without_a_store_says_how_to_make_one(tmp_path):
    """A missing store is a usage error pointing at `fogofwar ingest`."""
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb"), "--get", "/api/facets"])
    assert result.exit_code == 2 and "run `fogofwar ingest` first" in result.output


def test_an_incident_carries_its_mentions_casualties_and_sources(client):
    """The Odesa strike and Moscow's denial of the attack are one happening: its mentions, and its
    claims grouped by source, the denier first."""
    (odesa,) = [i for i in all_incidents(client) if i["location_name"] == "Odesa"]
    body = client.get(f"/api/incidents/{odesa['incident_id']}").json()
    (event,) = body["events"]
    assert [m["trigger_text"] for m in event["mentions"]] == ["struck", "attacked"]
    assert event["casualties"] == {} and event["means"] == ["missile"]
    assert [(s["source"], s["stances"]) for s in body["sources"]] == [("Moscow", ["deny"]),
                                                                     ("the Ukrainian air force", ["assert"])]
    doc = client.get(f"/api/documents/{event['doc_id']}").json()
    triggers = [doc["text"][s["start"]:s["end"]] for s in doc["spans"] if s["kind"] == "trigger"]
    assert triggers == ["struck", "attacked"]


# --- Export of a filtered view ---------------------------------------------------------------------

EXPORT_FILTERS = [
    {}, {"types": "RETREAT,PROTEST"}, {"types": ""}, {"type": "ASSAULT"}, {"since": "2022-07-01"},
    {"since": "2022-05", "until": "2022-07-31"}, {"bbox": "30,46,31.5,47"}, {"actor": "RUSMIL"},
    {"status": "disputed"}, {"min_sources": 2}, {"min_sources": 0, "types": "ASSAULT"},
]


def export_csv(client, **params) -> list[dict[str, str]]:
    import csv
    import io

    response = client.get("/api/export", params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("filters", EXPORT_FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_an_export_holds_the_incidents_the_list_gives_for_the_same_filters(client, filters):
    """The CSV and the GeoJSON hold exactly the incidents of /api/incidents with these filters, in its order."""
    listed = client.get("/api/incidents", params={"limit": 500, **filters}).json()["items"]
    rows = export_csv(client, **filters)
    assert [r["event_id_cnty"] for r in rows] == [i["incident_id"] for i in listed]
    geo = client.get("/api/export", params={"format": "geojson", **filters}).json()
    assert [f["id"] for f in geo["features"]] == [i["incident_id"] for i in listed]
    assert [f["properties"]["incident_id"] for f in geo["features"]] == [i["incident_id"] for i in listed]


def test_an_export_is_a_download_that_counts_its_incidents(client):
    """CSV is text/csv, GeoJSON application/geo+json, both attachments named for their dates, with X-Total-Count."""
    csv_response = client.get("/api/export?format=csv&since=2022-07-01&until=2022-09-30&min_sources=0")
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_response.headers["content-disposition"] == (
        'attachment; filename="fogofwar-incidents-since-2022-07-01-until-2022-09-30.csv"')
    assert csv_response.headers["x-total-count"] == "2"  # the Odesa strike and the Izium withdrawal
    geo_response = client.get("/api/export?format=geojson&types=ASSAULT")
    assert geo_response.headers["content-type"] == "application/geo+json"
    assert geo_response.headers["content-disposition"] == 'attachment; filename="fogofwar-incidents.geojson"'
    assert geo_response.headers["cache-control"] == "no-store"
    geo = geo_response.json()
    assert geo["type"] == "FeatureCollection" and int(geo_response.headers["x-total-count"]) == len(geo["features"])


def test_an_export_row_carries_the_acled_columns_and_the_geojson_its_point(client):
    """The Odesa strike as ACLED columns (our status, factuality and sources after them) and as a GeoJSON point."""
    (odesa,) = by_place(client, "Odesa")
    (row,) = [r for r in export_csv(client) if r["event_id_cnty"] == odesa["incident_id"]]
    assert {k: row[k] for k in ("event_date", "time_precision", "event_type", "location", "geo_precision", "source",
                                "plover_type", "status", "independent_sources")} == {
        "event_date": odesa["event_date"], "time_precision": str(odesa["time_precision"]),
        "event_type": odesa["acled_event_type"], "location": "Odesa", "geo_precision": str(odesa["geo_precision"]),
        "source": "Paper C", "plover_type": "ASSAULT", "status": "disputed", "independent_sources": "1"}
    geo = client.get("/api/export", params={"format": "geojson", "bbox": "30,46,31.5,47"}).json()
    (feature,) = geo["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [odesa["lon"], odesa["lat"]]}
    assert feature["properties"]["contradicting"] == ["Moscow [RUSGOV]"]


@pytest.mark.parametrize("query, message", [
    ("", "format: Field required"),
    ("format=xlsx", "format: Input should be 'csv' or 'geojson'"),
    ("format=csv&limit=10", "unknown parameter limit; use actor, bbox, format, min_sources, since, status, type, types, "
                            "until"),
    ("format=csv&bbox=40,50,30,45", "bbox: need -180 <= WEST <= EAST <= 180 and -90 <= SOUTH <= NORTH <= 90"),
    ("format=csv&since=2022-02-30", "since: 2022-02-30 is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("format=geojson&since=2022-09-01&until=2022-03-01", "since (2022-09-01) is after until (2022-03-01)"),
    ("format=csv&types=RETREAT,BOMBING", "types: unknown PLOVER type BOMBING; use any of " + ", ".join(PLOVER_TYPES)),
    ("format=csv&since=yesterday", "since: String should match pattern"),
])
def test_bad_export_parameters_answer_400_as_the_list_does(client, query, message):
    """A missing or unknown format, an unknown parameter and every filter the list refuses are a 400."""
    response = client.get(f"/api/export?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and response.json()["message"].startswith(message)


def test_an_export_past_its_limit_answers_413_and_never_truncates(client, monkeypatch):
    """More matching incidents than an export holds is an error that says how many, not a shortened file."""
    import fogofwar.api

    monkeypatch.setattr(fogofwar.api, "MAX_EXPORT", 2)
    response = client.get("/api/export?format=csv&min_sources=0")
    assert (response.status_code, response.json()) == (413, {
        "error": "too_large", "message": "4 incidents match and an export holds at most 2: narrow the filters, or run "
                                         "`fogofwar export` with them"})
    assert client.get("/api/export?format=csv&min_sources=2").status_code == 200


def test_an_incident_names_each_source_once_as_supporting_and_contradicting_do(client):
    """Its claims come grouped by source, each group labelled as Supporting or Contradicting names it, on its side."""
    for inc in all_incidents(client):
        body = client.get(f"/api/incidents/{inc['incident_id']}").json()
        labels = [g["label"] for g in body["sources"]]
        assert len(labels) == len(set(labels))
        assert sorted(g["label"] for g in body["sources"] if g["side"] == "supporting") == body["supporting"]
        assert sorted(g["label"] for g in body["sources"] if g["side"] == "contradicting") == body["contradicting"]
        assert sum(len(g["claims"]) for g in body["sources"]) == len(body["claims"])
    (odesa,) = by_place(client, "Odesa")
    body = client.get(f"/api/incidents/{odesa['incident_id']}").json()
    assert [(g["label"], g["side"], g["stances"], [c["kind"] for c in g["claims"]]) for g in body["sources"]] == [
        ("Moscow [RUSGOV]", "contradicting", ["deny"], ["indirect"]),
        ("the Ukrainian air force [UKRMIL]", "supporting", ["assert"], ["indirect"])]


def test_each_report_of_an_incident_comes_with_one_sentence_and_its_trigger(client):
    """A report's one sentence is that of its best-told event, with the trigger's offsets inside the sentence."""
    (odesa,) = by_place(client, "Odesa")
    (doc,) = client.get(f"/api/incidents/{odesa['incident_id']}").json()["documents"]
    sentence = doc["sentence"]
    assert sentence == {"event_id": "e1", "text": "Russian missiles struck the port of Odesa on Saturday, the Ukrainian "
                        "air force said.", "trigger_start": 17, "trigger_end": 23, "status": "disputed",
                        "factuality": sentence["factuality"], "date_text": "Saturday", "casualties": {},
                        "means": ["missile"], "events": 1}
    assert sentence["text"][17:23] == "struck" and doc["mentions"] == ["struck", "attacked"]


# --- The map: counts per place precision, cell, region and country ---------------------------------------

def map_store(path: Path) -> Path:
    """Seven incidents written straight into a store: two at Kharkiv (a town), one at Lviv only because the report
    was datelined there, one at the Donetsk region, one at Ukraine, one at the Black Sea, one unplaced."""
    with Store(path) as store:
        store.con.execute("""INSERT INTO places (doc_id, idx, name, lat, lon, country, admin1, feature) VALUES
            ('d', 0, 'Kharkiv', 49.98, 36.25, 'UA', 'Kharkiv', 'P'), ('d', 1, 'Lviv', 49.84, 24.02, 'UA', 'Lviv', 'P'),
            ('d', 2, 'Donetsk', 48.04, 37.8, 'UA', 'Donetsk', 'A'), ('d', 3, 'Ukraine', 49.0, 32.0, 'UA', NULL, 'A')""")
        rows = [
            ("k1", "ASSAULT", "Kharkiv", 49.98, 36.25, "UA", "Kharkiv", 1, "2023-03-01", 2),
            ("k2", "COERCE", "Kharkiv", 49.98, 36.25, "UA", "Kharkiv", 1, "2023-03-02", 1),
            ("lv", "ASSAULT", "Lviv", 49.84, 24.02, "UA", "Lviv", 3, "2023-03-02", 1),
            ("dn", "ASSAULT", "Donetsk", 48.04, 37.8, "UA", "Donetsk", 3, "2023-03-03", 1),
            ("ua", "THREATEN", "Ukraine", 49.0, 32.0, "UA", None, 3, "2023-03", 1),
            ("bs", "ASSAULT", "Black Sea", 43.0, 35.0, None, None, 3, None, 1),
            ("no", "ASSAULT", None, None, None, None, None, None, "2023-03-03", 1),
        ]
        store.con.executemany("""INSERT INTO incidents (incident_id, plover_type, location_name, lat, lon, country,
            admin1, geo_precision, event_date, independent_sources, status, summary, supporting, contradicting)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported', 'A strike.', '[]', '[]')""", rows)
    return path


@pytest.fixture(scope="module")
def map_client(tmp_path_factory):
    app = create_app(map_store(tmp_path_factory.mktemp("map") / "map.duckdb"), static_dir=None, map_points=2)
    with TestClient(app) as c:
        yield c
    app.state.served.current.close()


def test_the_map_draws_only_town_and_dateline_places_as_points_and_counts_the_rest(map_client):
    """At most map_points points in view come one by one; regions, countries and wider areas only as counts."""
    body = map_client.get("/api/map", params={"zoom": 9, "bbox": "35,49,37,51"}).json()
    assert body == {
        "total": 7, "zoom": 9.0, "point_limit": 2, "points_in_view": 2, "capped": False,
        "by_place": {"area": 1, "country": 1, "dateline": 1, "none": 1, "region": 1, "town": 2},
        "type_counts": {"ASSAULT": 5, "COERCE": 1, "THREATEN": 1}, "status_counts": {"reported": 7},
        "points": {"fields": ["incident_id", "lat", "lon", "plover_type", "status", "place", "location_name",
                              "event_date", "independent_sources", "summary"],
                   "rows": [["k1", 49.98, 36.25, "ASSAULT", "reported", "town", "Kharkiv", "2023-03-01", 2, "A strike."],
                            ["k2", 49.98, 36.25, "COERCE", "reported", "town", "Kharkiv", "2023-03-02", 1, "A strike."]]},
        "regions": [{"country": "UA", "admin1": "Donetsk", "lat": 48.04, "lon": 37.8, "n": 1, "types": {"ASSAULT": 1}}],
        "countries": [{"country": "UA", "lat": 49.0, "lon": 32.0, "n": 1, "types": {"THREATEN": 1},
                       "id": "804", "name": "Ukraine"}],
        "areas": [{"name": "Black Sea", "lat": 43.0, "lon": 35.0, "n": 1, "types": {"ASSAULT": 1}}],
    }


def test_more_points_than_the_limit_come_as_cells_and_near_street_level_capped(map_client):
    """Three points in view over a limit of two: counts per cell at zoom 5; at zoom 9 the two strongest, capped."""
    cells = map_client.get("/api/map", params={"zoom": 5}).json()
    assert "points" not in cells and cells["points_in_view"] == 3
    assert cells["cells"] == {"size": 1.757812, "fields": ["y", "x", "n", "lat", "lon", "dateline", "types"],
                              "rows": [[28, 20, 2, 49.98, 36.25, 0, {"ASSAULT": 1, "COERCE": 1}],
                                       [28, 13, 1, 49.84, 24.02, 1, {"ASSAULT": 1}]]}
    near = map_client.get("/api/map", params={"zoom": 9}).json()
    assert (near["capped"], near["points_in_view"], [r[0] for r in near["points"]["rows"]]) == (True, 3, ["k1", "k2"])


def test_the_map_takes_the_incident_filters(map_client):
    """types, since and until narrow every count; types= alone matches none."""
    body = map_client.get("/api/map", params={"zoom": 9, "types": "ASSAULT", "since": "2023-03-02"}).json()
    assert (body["total"], body["by_place"]) == (3, {"dateline": 1, "none": 1, "region": 1})
    assert map_client.get("/api/map", params={"types": ""}).json()["total"] == 0


def test_the_map_refuses_unknown_or_contradictory_parameters(map_client):
    """A misspelt parameter, a bad box or since after until is a 400 with the fix."""
    assert map_client.get("/api/map?zom=5").json()["message"].startswith("unknown parameter zom; use ")
    assert map_client.get("/api/map?bbox=1,2").json()["message"].startswith("bbox: use WEST,SOUTH,EAST,NORTH")
    assert map_client.get("/api/map?since=2023-03-05&until=2023-03-01").json() == {
        "error": "bad_request", "message": "since (2023-03-05) is after until (2023-03-01)"}


def test_the_timeline_counts_incidents_per_event_date(map_client):
    """Each event date (as precise as the incident's) with its count; undated ones apart."""
    assert map_client.get("/api/timeline", params={"min_sources": 0}).json() == {
        "days": [["2023-03", 1], ["2023-03-01", 1], ["2023-03-02", 2], ["2023-03-03", 2]], "undated": 1}


def test_listed_incidents_carry_their_place_precision(map_client):
    """/api/incidents says of each incident how precisely its place is known, as the map draws it."""
    items = map_client.get("/api/incidents", params={"limit": 10}).json()["items"]
    assert {i["incident_id"]: i["place_precision"] for i in items} == {
        "k1": "town", "k2": "town", "lv": "dateline", "dn": "region", "ua": "country", "bs": "area", "no": "none"}


def test_a_kept_answer_is_compressed_again_as_the_first_was(tmp_path):
    """An answer kept between writes goes through gzip each time it is sent: the same body and headers, and
    a client that does not ask for gzip gets it plain."""
    with Store(tmp_path / "many.duckdb") as store:
        store.con.executemany("""INSERT INTO incidents (incident_id, plover_type, location_name, lat, lon, country,
            geo_precision, event_date, independent_sources, status, summary, supporting, contradicting)
            VALUES (?, 'ASSAULT', 'Kharkiv', 49.98, 36.25, 'UA', 1, '2023-03-01', 1, 'reported', 'A strike.', '[]', '[]')""",
                              [(f"inc-{n:012x}",) for n in range(60)])
    app = create_app(tmp_path / "many.duckdb", static_dir=None)
    with TestClient(app) as c:
        first, again = c.get("/api/incidents", params={"limit": 100}), c.get("/api/incidents", params={"limit": 100})
        plain = c.get("/api/incidents", params={"limit": 100}, headers={"Accept-Encoding": "identity"})
    app.state.served.current.close()
    assert first.content == again.content and len(first.content) > 4096
    assert first.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and plain.content == first.content
