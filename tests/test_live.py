"""A live store: served while documents arrive, incidents updated as they do.

The server is the real `fogofwar serve` on a free loopback port, started and
stopped by the test; writers are the real `fogofwar ingest`. The reports are
short texts written for these tests.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

FOGOFWAR = [sys.executable, "-m", "fogofwar"]
TOWNS = ["Kharkiv", "Odesa", "Mykolaiv", "Kyiv", "Dnipro", "Sumy", "Chernihiv", "Kherson", "Poltava", "Lviv"]
WEAPONS = ["missiles", "drones", "artillery shells"]


def reports(n: int, start_day: int = 1, prefix: str = "live") -> list[dict]:
    """n short wire reports, one attack each, on different towns and days of March 2023."""
    out = []
    for i in range(n):
        town, weapon, day = TOWNS[i % len(TOWNS)], WEAPONS[i % len(WEAPONS)], start_day + i // len(TOWNS)
        killed = 2 + i % 7
        out.append({
            "id": f"{prefix}-{i:03d}", "outlet": ["Wire One", "Daily Two", "Courier Three"][i % 3],
            "published": f"2023-03-{day + 1:02d}",
            "text": (f"Russian forces struck {town} with {weapon} on March {day}, killing {killed} people.\n"
                     f"The attack on {town} damaged homes and a school, the regional governor said. "
                     f"Emergency crews worked through the night, officials in {town} said."),
        })
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*FOGOFWAR, *args], capture_output=True, text=True, timeout=600, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`fogofwar serve` on a store of 3 reports; yields (store path, base URL)."""
    db = tmp_path / "live.duckdb"
    done = run("ingest", str(write_jsonl(tmp_path / "first.jsonl", reports(3, prefix="first"))), "--db", str(db),
               "--workers", "1", "-q")
    assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen([*FOGOFWAR, "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/status", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the server did not start: " + server.stderr.read())
    yield db, base
    server.send_signal(signal.SIGTERM)
    server.wait(30)
    assert server.returncode == 0
    assert not Path(str(db) + ".serve.json").exists(), "the server file outlived the server"


def test_ingesting_into_a_served_store_succeeds_and_the_api_keeps_answering(served, tmp_path):
    db, base = served
    before = httpx.get(base + "/api/status").json()
    assert before["documents"] == 3
    answers: list[int] = []
    stop = threading.Event()

    def read_meanwhile():
        with httpx.Client(base_url=base, timeout=30) as client:
            paths = ["/api/incidents?limit=50", "/api/facets", "/api/status", "/api/incidents?type=ASSAULT"]
            while not stop.is_set() and len(answers) < 200:
                answers.append(client.get(paths[len(answers) % len(paths)]).status_code)
                time.sleep(0.02)

    reader = threading.Thread(target=read_meanwhile)
    reader.start()
    done = run("ingest", str(write_jsonl(tmp_path / "more.jsonl", reports(30, start_day=5))), "--db", str(db),
               "--workers", "1", "--commit-every", "8")
    stop.set()
    reader.join(60)
    assert done.returncode == 0, done.stderr
    assert "30 written" in done.stderr
    assert answers and set(answers) == {200}, answers
    after = httpx.get(base + "/api/status").json()
    assert after["documents"] == 33 and after["version"] > before["version"]
    assert after["incidents"] > before["incidents"]
    towns = {i["location_name"] for i in httpx.get(base + "/api/incidents?type=ASSAULT&limit=500").json()["items"]}
    assert set(TOWNS) <= towns
    # Readers in other processes read the served store too.
    listed = run("incidents", "--db", str(db), "--limit", "500", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == after["incidents"]


def test_the_write_endpoints_need_the_servers_token(served):
    db, base = served
    info = json.loads(Path(str(db) + ".serve.json").read_text())
    assert oct(os.stat(str(db) + ".serve.json").st_mode & 0o777) == "0o600"
    assert httpx.post(base + "/api/store/incidents", json={}).status_code == 403
    wrong = httpx.post(base + "/api/store/incidents", json={}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    right = httpx.post(base + "/api/store/incidents", json={}, headers={"Authorization": f"Bearer {info['token']}"})
    assert right.status_code == 200 and right.json()["incidents"] >= 1


def test_serve_watch_ingests_feeds_into_the_served_store_and_a_separate_watch_is_pointed_there(tmp_path):
    """`serve --watch FEED` polls inside the server, the one writer; `watch` on that store says to do so."""
    from tests.test_watch import Site

    site = Site()
    try:
        feed = site.feed("/feed.xml", ["klishchiivka", "odesa-power"])
        db = tmp_path / "watched.duckdb"
        done = run("ingest", str(write_jsonl(tmp_path / "first.jsonl", reports(2, prefix="first"))), "--db", str(db),
                   "--workers", "1", "-q")
        assert done.returncode == 0, done.stderr
        port = free_port()
        server = subprocess.Popen([*FOGOFWAR, "serve", "--db", str(db), "--port", str(port), "--watch", feed,
                                   "--every", "1s", "--rate-limit", "0"], stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline, status = time.time() + 120, {}
            while time.time() < deadline:
                try:
                    status = httpx.get(base + "/api/status", timeout=2).json()
                    if status["documents"] == 4:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            assert status.get("documents") == 4, status
            refused = run("watch", feed, "--db", str(db), "--once")
            assert refused.returncode == 1
            assert f"serve --db {db} --watch" in refused.stderr
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        assert server.returncode == 0, server.stderr.read()
        assert site.hits("/articles/odesa-power.html") == 1
    finally:
        site.close()


def test_a_served_store_lends_a_few_connections_to_every_thread_and_none_survives_a_write(tmp_path):
    """Reads one after another, from any thread, share one connection (its first query is the costly
    one); two reads at once get two; a write closes them all and the next read sees the new data."""
    from fogofwar.live import ServedStore
    from fogofwar.store import Store

    path = tmp_path / "s.duckdb"
    Store(path).close()
    served = ServedStore(path=str(path))
    seen = []

    def read():
        with served.reading() as store:
            seen.append(store.con)
            store.count("documents")

    for _ in range(3):
        t = threading.Thread(target=read)
        t.start()
        t.join()
    assert len({id(c) for c in seen}) == 1
    with served.reading() as a, served.reading() as b:
        assert a.con is not b.con
    with served.writing() as writer:
        writer.con.execute("INSERT INTO meta VALUES ('probe', 'yes')")
    with served.reading() as store:
        assert store.con is not seen[0]
        assert store.query("SELECT value FROM meta WHERE key = 'probe'")[1] == [("yes",)]
    served.close()
