"""Incremental incidents: new reports join the incidents near them; ids survive; order does not matter.

Short reports written for these tests: eight attacks, each told by two or three
outlets in their own words, on different towns and days, and two statements.
"""
from __future__ import annotations

import random

import pytest

from fogofwar.ingest import RawDocument
from fogofwar.pipeline import extract
from fogofwar.store import Store

ATTACKS = [("Kharkiv", 3, 4), ("Odesa", 4, 2), ("Kramatorsk", 5, 7), ("Dnipro", 6, 3),
           ("Sumy", 8, 5), ("Chernihiv", 9, 6), ("Kherson", 11, 9), ("Poltava", 12, 2)]
WORDINGS = [
    ("Wire One", "Russian missiles struck {town} on March {day}, killing {killed} people, the regional governor said. "
                 "The strike on {town} destroyed a school and damaged dozens of homes."),
    ("Daily Two", "{killed} people were killed when Russian forces shelled {town} on March {day}, local officials "
                  "said. Rescuers searched the rubble of the school in {town} through the night."),
    ("Courier Three", "A Russian attack on {town} killed {killed} civilians on March {day}, Ukraine's emergency "
                      "service said, adding that the school was hit."),
]
STATEMENTS = [
    ("talks", "Wire One", 7, "Turkish officials hosted Russian and Ukrainian negotiators in Istanbul on March 7."),
    ("aid", "Daily Two", 10, "Germany pledged new air defence systems to Ukraine on March 10, its defence minister said."),
]


def documents() -> list[RawDocument]:
    docs = []
    for town, day, killed in ATTACKS:
        for n, (outlet, text) in enumerate(WORDINGS[:3 if day % 2 else 2]):
            docs.append(RawDocument(id=f"{town.lower()}-{n}", outlet=outlet, published=f"2023-03-{day:02d}",
                                    text=text.format(town=town, day=day, killed=killed)))
    for doc_id, outlet, day, text in STATEMENTS:
        docs.append(RawDocument(id=doc_id, outlet=outlet, published=f"2023-03-{day:02d}", text=text))
    return docs


def ingest(store: Store, docs: list[RawDocument], settings) -> None:
    store.ingest(docs, lambda xs: extract(xs, settings), use_embeddings=False)


def incidents(store: Store) -> dict[frozenset, str]:
    """Each incident's set of events (doc_id:event_id), with its id."""
    groups: dict[str, set] = {}
    for incident_id, doc_id, event_id in store.query("SELECT incident_id, doc_id, event_id FROM incident_events")[1]:
        groups.setdefault(incident_id, set()).add(f"{doc_id}:{event_id}")
    return {frozenset(members): incident_id for incident_id, members in groups.items()}


@pytest.fixture(scope="module")
def in_one_batch(tmp_path_factory, settings):
    with Store(tmp_path_factory.mktemp("one") / "one.duckdb") as store:
        ingest(store, documents(), settings)
        yield incidents(store)


def test_the_reports_of_each_attack_merge_and_no_two_attacks_do(in_one_batch):
    """The setting the other tests rely on: each attack's reports merged (two at least), attacks apart."""
    for town, _, _ in ATTACKS:
        merged = [m for m in in_one_batch if len({k.split(":")[0] for k in m}) > 1
                  and any(k.startswith(town.lower() + "-") for k in m)]
        assert len(merged) == 1, town
        assert all(k.startswith(town.lower() + "-") for k in merged[0])


@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_two_batches_in_any_order_give_the_incidents_of_one(tmp_path, settings, in_one_batch, order):
    docs = documents()
    if order == "backward":
        docs.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(docs)
    with Store(tmp_path / "two.duckdb") as store:
        ingest(store, docs[:len(docs) // 2], settings)
        ingest(store, docs[len(docs) // 2:], settings)
        assert set(incidents(store)) == set(in_one_batch)
        before = incidents(store)
        store.rebuild_incidents(use_embeddings=False)
        assert incidents(store) == before, "a rebuild gives the incremental path's incidents, under the same ids"


def test_an_incident_keeps_its_id_when_it_gains_members_and_the_rest_are_untouched(tmp_path, settings, monkeypatch):
    docs = documents()
    first = [d for d in docs if d.id.endswith("-0") or d.id == "talks"]
    later = [d for d in docs if d not in first]
    with Store(tmp_path / "grow.duckdb") as store:
        ingest(store, first, settings)
        before = incidents(store)

        def no_rebuild(*args, **kwargs):
            raise AssertionError("the second ingest re-merged the whole store")

        monkeypatch.setattr(store, "rebuild_incidents", no_rebuild)
        ingest(store, later, settings)
        assert store.query("SELECT count(*) FROM pending_incidents")[1] == [(0,)]
        after = incidents(store)
    later_docs = {d.id for d in later}
    for members, incident_id in before.items():
        grown = [m for m in after if members <= m]
        assert len(grown) == 1, f"{incident_id} split"
        # Kept when it gained members (an attack's other reports) and when it did not (the talks).
        assert after[grown[0]] == incident_id
        assert all(k.split(":")[0] in later_docs for k in grown[0] - members)


def test_a_replaced_report_leaves_its_incident_and_the_incident_keeps_its_id(tmp_path, settings):
    docs = documents()
    with Store(tmp_path / "replace.duckdb") as store:
        ingest(store, docs, settings)
        before = incidents(store)
        (kharkiv,) = [m for m in before if {k.split(":")[0] for k in m} >= {"kharkiv-0", "kharkiv-1"}]
        changed = RawDocument(id="kharkiv-1", outlet="Daily Two", published="2023-03-20",
                              text="Protesters rallied in Lviv on March 20 to demand the release of prisoners.")
        ingest(store, [changed], settings)
        after = incidents(store)
        (still,) = [m for m in after if before[kharkiv] == after[m]]
        assert {k.split(":")[0] for k in still} == {k.split(":")[0] for k in kharkiv} - {"kharkiv-1"}
        assert [m for m in after if any(k.startswith("kharkiv-1:") for k in m)], "the new report has its incident"
        untouched = {m: i for m, i in before.items() if not any(k.startswith("kharkiv-") for k in m)}
        assert all(after.get(m) == i for m, i in untouched.items())
        n = store.query("SELECT n_documents, independent_sources FROM incidents WHERE incident_id = ?",
                        [before[kharkiv]])[1]
        assert n == [(len(still), len(still))]
