"""`fogofwar batch`: the pipeline on a dask.distributed cluster, writing Parquet shards.

The inputs are first spooled, in order, into partition files under
OUT/_inputs (bounded memory: one document at a time). Each partition is one
task; a task writes its shard to a temporary file and renames it into place,
so a shard either exists whole or not at all. A rerun skips partitions whose
shard exists; a task lost with its worker is retried by the scheduler.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .ingest import FailedDocument, RawDocument
from .settings import Settings

__all__ = ["BatchReport", "run_batch", "split_inputs", "process_partition", "read_shards"]

log = logging.getLogger(__name__)

DEFAULT_PARTITION_SIZE = 200

@dataclass
class BatchReport:
    partitions: int = 0
    skipped: int = 0
    processed: int = 0
    documents: int = 0


def _item_row(item: RawDocument | FailedDocument) -> dict:
    if isinstance(item, FailedDocument):
        return {"kind": "failed", **dataclasses.asdict(item)}
    return {"kind": "raw", **dataclasses.asdict(item)}


def _row_item(row: dict) -> RawDocument | FailedDocument:
    kind = row.pop("kind")
    return FailedDocument(**row) if kind == "failed" else RawDocument(**row)


def _fingerprint(inputs: list[str], partition_size: int) -> str:
    parts = [str(partition_size)]
    for name in inputs:
        path = Path(name)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in files:
            st = p.stat()
            parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def split_inputs(inputs: list[str], out: Path, settings: Settings, partitions: int | None = None) -> list[Path]:
    """Spool the inputs into partition files (reused when the inputs have not changed)."""
    from .ingest import read_inputs

    spool = out / "_inputs"
    manifest = spool / "manifest.json"
    size = DEFAULT_PARTITION_SIZE
    fingerprint = _fingerprint(inputs, partitions or 0)
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("fingerprint") == fingerprint:
            return [spool / name for name in saved["partitions"]]
    spool.mkdir(parents=True, exist_ok=True)
    for old in spool.glob("part-*.jsonl"):
        old.unlink()
    if partitions:
        # A fixed number of partitions needs the count first: one cheap pass to count.
        total = sum(1 for _ in read_inputs(inputs, settings))
        size = max(1, -(-total // partitions))
    names: list[str] = []
    handle = None
    count = 0
    for position, item in enumerate(read_inputs(inputs, settings)):
        if count % size == 0:
            if handle:
                handle.close()
            names.append(f"part-{len(names):05d}.jsonl")
            handle = open(spool / names[-1], "w", encoding="utf-8")
        handle.write(json.dumps({"position": position, **_item_row(item)}, ensure_ascii=False) + "\n")
        count += 1
    if handle:
        handle.close()
    manifest.write_text(json.dumps({"fingerprint": fingerprint, "partitions": names, "documents": count}))
    return [spool / name for name in names]


def shard_path(out: Path, partition: Path) -> Path:
    return out / (partition.stem + ".parquet")


def process_partition(partition: str, shard: str, settings: Settings) -> int:
    """Extract one partition and write its Parquet shard atomically; the number of documents."""
    import duckdb

    from .parallel import prepare_worker_process

    prepare_worker_process()  # idempotent; it matters before the first task loads the models
    from .pipeline import extract

    rows = []
    with open(partition, encoding="utf-8") as f:
        raw = [json.loads(line) for line in f if line.strip()]
    positions = [r.pop("position") for r in raw]
    items = [_row_item(r) for r in raw]
    for position, result in zip(positions, extract(items, settings)):
        rows.append((result.id, position, result.error.code if result.error else None,
                     result.error.message if result.error else None, len(result.places), len(result.events),
                     len(result.claims), result.to_json()))
    tmp = f"{shard}.{os.getpid()}.tmp"
    con = duckdb.connect()
    con.execute("CREATE TABLE shard (id VARCHAR, position BIGINT, error_code VARCHAR, error_message VARCHAR, "
                "n_places INTEGER, n_events INTEGER, n_claims INTEGER, result_json VARCHAR)")
    if rows:
        con.executemany("INSERT INTO shard VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    quoted = tmp.replace("'", "''")
    con.execute(f"COPY (SELECT * FROM shard ORDER BY position) TO '{quoted}' (FORMAT parquet)")
    con.close()
    os.replace(tmp, shard)
    return len(rows)


def run_batch(inputs: list[str], out: str | Path, settings: Settings, scheduler: str = "local",
              workers: int = 2, partitions: int | None = None,
              progress: Callable[[int], None] | None = None) -> BatchReport:
    """Run the pipeline over the inputs on a dask cluster; resumable."""
    from dask.distributed import Client, LocalCluster, as_completed

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    parts = split_inputs(inputs, out, settings, partitions)
    report = BatchReport(partitions=len(parts))
    todo = [p for p in parts if not shard_path(out, p).exists()]
    report.skipped = len(parts) - len(todo)
    for stale in out.glob("*.parquet.*.tmp"):
        stale.unlink()  # a shard a killed run was writing
    if not todo:
        return report
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = [client.submit(process_partition, str(p), str(shard_path(out, p)), settings,
                                 key=f"fogofwar-{p.stem}-{_fingerprint([str(p)], 0)[:8]}", retries=3, pure=False)
                   for p in todo]
        for future in as_completed(futures):
            n = future.result()
            report.processed += 1
            report.documents += n
            if progress:
                progress(n)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return report


def read_shards(out: str | Path) -> Iterable[tuple]:
    """All rows of a batch's shards, in input order."""
    import duckdb

    pattern = str(Path(out) / "part-*.parquet").replace("'", "''")
    return duckdb.sql(f"SELECT * FROM read_parquet('{pattern}') ORDER BY position").fetchall()
