"""The store's `feeds` table: one row of state per feed that `fogofwar watch` polls.

Functions over a store's DuckDB connection (`store.con`); the table itself is
created by data/schema.sql with the rest of the store.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

__all__ = ["FeedState", "load_feed", "save_feed", "list_feeds", "FEED_COLUMNS"]

FEED_COLUMNS = ("url", "last_poll", "last_success", "etag", "last_modified", "consecutive_errors",
                "last_error", "entries_seen")


@dataclass
class FeedState:
    """What the watcher remembers of one feed between polls."""

    url: str
    last_poll: dt.datetime | None = None
    last_success: dt.datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    consecutive_errors: int = 0
    last_error: str | None = None
    entries_seen: int = 0

    def as_dict(self) -> dict:
        """The state as JSON-ready values (timestamps in ISO 8601, UTC)."""
        row = dataclasses.asdict(self)
        for key in ("last_poll", "last_success"):
            row[key] = row[key].isoformat(timespec="seconds") + "Z" if row[key] else None
        return row


def _has_feeds_table(con) -> bool:
    # A store written before `watch` existed, opened read-only, has no feeds table yet.
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'feeds'").fetchone()[0])


def load_feed(con, url: str) -> FeedState | None:
    """The stored state of one feed, or None for a feed never polled."""
    row = con.execute(f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds WHERE url = ?", [url]).fetchone()
    return _state(row) if row else None


def save_feed(con, state: FeedState) -> None:
    """Insert or replace one feed's state."""
    con.execute(f"INSERT OR REPLACE INTO feeds ({', '.join(FEED_COLUMNS)}) VALUES ({', '.join('?' * len(FEED_COLUMNS))})",
                [getattr(state, c) for c in FEED_COLUMNS])


def list_feeds(con) -> list[FeedState]:
    """Every feed's state, by URL."""
    if not _has_feeds_table(con):
        return []
    rows = con.execute(f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY url").fetchall()
    return [_state(r) for r in rows]


def _state(row: tuple) -> FeedState:
    state = FeedState(*row)
    state.consecutive_errors = state.consecutive_errors or 0
    state.entries_seen = state.entries_seen or 0
    return state
