"""The times stage's share of extract time, on the first N articles of a JSON Lines corpus.

    python benchmarks/times_share.py CORPUS.jsonl[.gz] [--limit 500]

Extract time is what `fogofwar extract` spends per document: reading the row
into a source document, the spaCy parse, and every stage of pipeline.STAGES.
Each part is timed on the same run and printed as JSON (seconds and shares);
the last line is a one-line summary.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict

from fogofwar.errors import DocumentError
from fogofwar.ingest import RawDocument, prepare_document
from fogofwar.nlp import load_nlp
from fogofwar.pipeline import STAGES, load_resources
from fogofwar.settings import Settings


def read_rows(path: str, limit: int) -> list[dict]:
    """The first `limit` rows of a JSON Lines file (gzipped or not)."""
    opener = gzip.open if path.endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) >= limit:
                break
    return rows


def measure(rows: list[dict], settings: Settings) -> dict:
    """Seconds spent preparing, parsing and in each stage, over all rows."""
    resources = load_resources(settings)
    nlp = load_nlp(settings.model)
    seconds: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    sources = []
    for r in rows:
        raw = RawDocument(id=str(r.get("id")), text=r.get("text") or "", url=r.get("url"), outlet=r.get("outlet"),
                          title=r.get("title"), published=r.get("published"))
        try:
            sources.append(prepare_document(raw, settings))
        except DocumentError:
            continue
    seconds["prepare"] = time.perf_counter() - start
    start = time.perf_counter()
    docs = list(nlp.pipe((s.text for s in sources), batch_size=settings.batch_size))
    seconds["parse"] = time.perf_counter() - start
    for doc, source in zip(docs, sources):
        found: dict = {}
        for stage in STAGES:
            t0 = time.perf_counter()
            found[stage.provides] = stage.run(doc, source, found, resources)
            seconds[stage.name] += time.perf_counter() - t0
    total = sum(seconds.values())
    stages = sum(v for k, v in seconds.items() if k not in ("prepare", "parse"))
    return {
        "documents": len(sources),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "extract_seconds": round(total, 3),
        "times_share_of_extract": round(seconds["times"] / total, 4),
        "times_share_of_stages": round(seconds["times"] / stages, 4),
        "times_ms_per_document": round(1000 * seconds["times"] / max(1, len(sources)), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="JSON Lines rows with id, text and published (gzipped or not)")
    ap.add_argument("--limit", type=int, default=500, help="how many rows to read from the start")
    args = ap.parse_args()
    figures = measure(read_rows(args.corpus, args.limit), Settings())
    print(json.dumps(figures, indent=1))
    print(f"times: {figures['times_share_of_extract']:.1%} of extract time "
          f"({figures['times_ms_per_document']} ms per document, {figures['documents']} documents)")


if __name__ == "__main__":
    main()
