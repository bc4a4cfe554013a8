"""Worker processes and the dask batch runner."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from fogofwar.batch import read_shards, run_batch
from fogofwar.ingest import read_inputs
from fogofwar.parallel import extract_json_lines

from .conftest import FIXTURES


def make_rows(n):
    return [{"id": f"doc-{i:03d}", "published": "2022-10-01",
             "text": f"Russian artillery shelled village number {i} near Kharkiv on Friday, the governor said."}
            for i in range(n)]


def test_two_workers_give_the_same_rows_in_the_same_order(settings):
    """--workers 2 writes exactly what one process writes, bad rows included."""
    items = lambda: read_inputs([str(FIXTURES / "batch.jsonl")], settings)  # noqa: E731
    one = list(extract_json_lines(items(), settings, workers=1))
    two = list(extract_json_lines(items(), settings, workers=2, chunk_size=2))
    assert one == two
    assert [json.loads(line)["id"] for line in two] == ["good-1", "empty", "binary", f"{FIXTURES / 'batch.jsonl'}:line-4", "good-2"]


def test_batch_writes_every_document_once_and_a_rerun_skips_done_partitions(tmp_path, settings):
    """A local 2-worker cluster writes all rows; running again processes nothing."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in make_rows(12)) + "\n")
    report = run_batch([str(source)], tmp_path / "out", settings, workers=2, partitions=3)
    assert (report.partitions, report.processed, report.documents) == (3, 3, 12)
    rows = read_shards(tmp_path / "out")
    assert [r[0] for r in rows] == [f"doc-{i:03d}" for i in range(12)]
    again = run_batch([str(source)], tmp_path / "out", settings, workers=2, partitions=3)
    assert (again.skipped, again.processed) == (3, 0)


def test_a_batch_killed_midway_and_rerun_has_every_document_exactly_once(tmp_path):
    """kill -9 of the whole run after the first shard, then a rerun: all documents, no duplicates."""
    n = 40
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in make_rows(n)) + "\n")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "fogofwar", "batch", str(source), "--out", str(out), "--workers", "2",
           "--partitions", "8", "-q"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline and not list(out.glob("part-*.parquet")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(out.glob("part-*.parquet")))
    assert 1 <= done_before < 8
    subprocess.run(cmd, check=True, timeout=300)
    rows = read_shards(out)
    ids = [r[0] for r in rows]
    assert len(ids) == n and len(set(ids)) == n


def test_a_worker_killed_midway_is_replaced_and_every_row_is_written(tmp_path):
    """kill -9 of one of two workers: its chunks run again on a new pool, and the run ends with every row once, in order."""
    import psutil

    n = 400  # more chunks than the pool keeps in flight, so work is left when the worker dies
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in make_rows(n)) + "\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "fogofwar", "extract", str(source), "-o", str(out), "--workers", "2"],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 16):
            time.sleep(0.2)
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2
        os.kill(workers[0].pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "a worker process died" in stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"doc-{i:03d}" for i in range(n)]
    assert all(r["error"] is None for r in rows)


def test_workers_that_never_start_stop_the_run_with_a_message(settings):
    """Workers that die before any chunk comes back (here: a model that is not installed) end the run, not loop."""
    import pytest

    from fogofwar.ingest import RawDocument

    items = [RawDocument(id=f"d{i}", text="Troops withdrew.") for i in range(40)]
    from fogofwar.errors import WorkerError

    with pytest.raises(WorkerError, match="worker processes died 5 times in a row without extracting a document"):
        list(extract_json_lines(items, settings.replace(model="no_such_model"), workers=2, chunk_size=2))


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """kill -9 of the extracting process: its workers notice and exit instead of waiting for work forever."""
    import psutil

    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in make_rows(400)) + "\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "fogofwar", "extract", str(source), "-o", str(out), "--workers", "2"],
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 16):
            time.sleep(0.2)
        family = psutil.Process(proc.pid).children(recursive=True)
        assert len(family) >= 2
    finally:
        proc.kill()
        proc.wait()
    gone, alive = psutil.wait_procs(family, timeout=20)
    assert not alive, f"{len(alive)} worker processes outlived their parent"
