"""Share of extract time spent in the places stage, on N corpus articles.

    PYTHONPATH=src python benchmarks/places_share.py [CORPUS.jsonl.gz] [--n 500]

Times `find_places` against the whole `analyze` of each document (all stages
after parsing), and against analyze plus spaCy parsing; prints JSON figures
and a summary line. The gazetteer is loaded (and cached) before timing.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from itertools import islice

from fogofwar import places as places_stage
from fogofwar.ingest import RawDocument, prepare_document
from fogofwar.nlp import load_nlp
from fogofwar.pipeline import analyze, load_resources
from fogofwar.settings import Settings

DEFAULT_CORPUS = "../shared/corpus/ukraine-media.jsonl.gz"


def main() -> None:
    """Parse the documents, then time the places stage and the whole analysis of each."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()

    settings = Settings()
    resources = load_resources(settings)
    nlp = load_nlp(settings.model)
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in islice(f, args.n)]
    sources = [prepare_document(RawDocument(id=r["id"], text=r["text"], title=r.get("title"),
                                            published=r.get("published")), settings) for r in rows]
    t0 = time.perf_counter()
    docs = list(nlp.pipe((s.text for s in sources), batch_size=settings.batch_size))
    parse_s = time.perf_counter() - t0
    places_s = analyze_s = 0.0
    for doc, source in zip(docs, sources):
        t0 = time.perf_counter()
        places_stage.find_places(doc, source, resources.gazetteer)
        places_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        analyze(doc, source, resources)
        analyze_s += time.perf_counter() - t0
    figures = {"documents": len(docs), "places_s": round(places_s, 2), "analyze_s": round(analyze_s, 2),
               "parse_s": round(parse_s, 2), "share_of_analyze": round(places_s / analyze_s, 4),
               "share_of_extract": round(places_s / (analyze_s + parse_s), 4)}
    print(json.dumps(figures, indent=1))
    print(f"places: {figures['share_of_analyze']:.1%} of analyze, {figures['share_of_extract']:.1%} of extract "
          f"(parse + analyze) on {len(docs)} documents")


if __name__ == "__main__":
    main()
