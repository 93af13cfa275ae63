"""Killing ingest with SIGKILL at random moments never costs a working, consistent index.

A real `python -m ingest` process writes the bundled letters one document per write and is killed
again and again at a moment drawn at random from those of an uninterrupted run (every SQL statement,
SQLite's own inside them, the embedding, the saving of each vector file and the commit; see paused_ingest.py).
The process says when it is there: half the kills land while it waits at that moment, the others
as it carries on from it, in the middle of whatever comes next. After every kill the index must
open consistent (every vector has its row and back) without repair and answer from what it holds;
the last run must finish the job and give exactly the chunks of an index built without interruption.
A write saves a segment of its changes, or a new base when the store is compacted: kills at both.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from index.index import Index
from qa.service import QA
from tests.conftest import LETTERS, ROOT
from tests.index import paused_ingest
from tests.index.paused_ingest import next_moment

pytestmark = pytest.mark.slow
KILLS = 12
OUTPUT = ROOT / "test-output"
QUESTION = "What did inspectors say about the caseloads of personal advisers?"


def chunk_ids(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "index.sqlite") as db:
        return {c for (c,) in db.execute("SELECT chunk_id FROM chunks")}


def run_to_the_end(child) -> int:
    """Let a stopped (or listing) child finish; its exit status."""
    child.stdin.close()  # a stop reads end-of-file and goes on
    for _ in child.stdout:
        pass
    child.stdout.close()
    return child.wait(timeout=300)


def kill(child) -> int:
    os.kill(child.pid, signal.SIGKILL)
    child.stdin.close()
    child.stdout.close()
    return child.wait(timeout=300)


def test_kill_9_at_random_moments_leaves_a_consistent_index_that_the_next_ingest_finishes(tmp_path, bundled_index):
    rng = random.Random(20261122)
    folder = tmp_path / "index"
    log = tmp_path / "ingest.log"
    ingest_args = ([LETTERS], folder, "--batch", "1")
    # The moments of an uninterrupted run: each kind is as likely a target as any other.
    listing = paused_ingest.start([LETTERS], tmp_path / "listing", "--batch", "1", list_all=True, log=log)
    seen = Counter(line.rstrip("\n").split(" ", 1)[1] for line in listing.stdout if not line.startswith("done "))
    assert run_to_the_end(listing) == 0, log.read_text()

    figures = {"moments_in_a_run": sum(seen.values()), "kills": 0, "opened_consistent": 0, "answered": 0,
               "killed_at": [], "documents_after_each_kill": []}
    for attempt in range(KILLS):
        kind = rng.choice(sorted(seen))
        target = f"{kind}#{rng.randint(1, seen[kind])}"
        carry_on = attempt % 2 == 1
        child = paused_ingest.start(*ingest_args, stop=(target,), go_on=carry_on, log=log)
        _, moment = next_moment(child)
        status = run_to_the_end(child) if moment == "done" else kill(child)
        if status == 0:  # it finished first: start again from a fresh index
            for path in folder.iterdir():
                path.unlink()
            continue
        assert status == -signal.SIGKILL, log.read_text()
        figures["kills"] += 1
        figures["killed_at"].append(target + (", going on" if carry_on else ", waiting"))
        if not (folder / "index.sqlite").exists():
            continue  # killed before the database was made
        with Index.open(folder) as index:
            assert index.consistency is None or index.consistency.ok, (target, index.consistency)
            figures["opened_consistent"] += 1
            with sqlite3.connect(folder / "index.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            documents = len(index.documents())
            figures["documents_after_each_kill"].append(documents)
            if documents:
                answer = QA(index).ask(QUESTION)
                for c in answer.citations:
                    assert index.document(c.doc_id).text[c.start:c.end] == c.quote
                figures["answered"] += 1

    last = paused_ingest.start(*ingest_args, log=log)
    assert run_to_the_end(last) == 0, log.read_text()
    with Index.open(folder) as index:
        assert index.consistency.ok and index.consistency.chunks == len(chunk_ids(bundled_index))
    assert chunk_ids(folder) == chunk_ids(bundled_index)
    with Index.open(folder) as index:
        assert sorted(p.name for p in folder.glob("vectors*")) == sorted(index.vector_files)

    assert figures["kills"] >= KILLS // 2  # most kills landed mid-run
    assert figures["opened_consistent"] == len(figures["documents_after_each_kill"])
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "crash.json").write_text(json.dumps(figures, indent=1))


# The worst moments, hit exactly: the process waits there and is killed.
MOMENTS = {
    "while embedding": "embed",
    "rows inserted, vectors not yet saved": "save vectors",
    "new vector file in place, transaction not committed": "vectors saved",
    "committed, vector files no longer named not yet removed": "committed",
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_kill_at_the_worst_moments(tmp_path, bundled_index, moment):
    folder = tmp_path / "index"
    log = tmp_path / "ingest.log"
    # The first write into a new index (it saves a base), and one into an index with documents (a segment).
    for nth in (1, 3):
        child = paused_ingest.start([LETTERS], folder, "--batch", "1", stop=(f"{MOMENTS[moment]}#{nth}",), log=log)
        assert next_moment(child)[1] == MOMENTS[moment], log.read_text()
        assert kill(child) == -signal.SIGKILL
        with Index.open(folder) as index:
            assert index.consistency is None or index.consistency.ok, (moment, nth, index.consistency)
            if index.documents():
                QA(index).ask(QUESTION)
    assert run_to_the_end(paused_ingest.start([LETTERS], folder, "--batch", "1", log=log)) == 0, log.read_text()
    assert chunk_ids(folder) == chunk_ids(bundled_index)
    with Index.open(folder) as index:
        assert index.consistency.ok


@pytest.mark.parametrize("moment", ["save vectors", "vectors saved", "committed"])
def test_kill_during_a_compaction(tmp_path, bundled_index, moment):
    folder = tmp_path / "index"
    log = tmp_path / "ingest.log"
    # Two segments at most: the 1st write saves a base, the 2nd and 3rd a segment each, and then the store
    # is compacted into a new base in a transaction of its own: the 4th time of each moment.
    child = paused_ingest.start([LETTERS], folder, "--batch", "1", stop=(f"{moment}#4",), max_segments=2, log=log)
    assert next_moment(child)[1] == moment, log.read_text()
    with sqlite3.connect(folder / "index.sqlite") as db:  # the third letter's write is committed
        segments = json.loads(db.execute("SELECT value FROM settings WHERE key = 'vector_segments'").fetchone()[0])
    expect_segments = [] if moment == "committed" else segments
    assert len(segments) == (0 if moment == "committed" else 2)
    assert kill(child) == -signal.SIGKILL
    with Index.open(folder) as index:
        assert index.consistency.ok and len(index.documents()) == 3, (moment, index.consistency)
        assert list(index.vector_files[1:]) == expect_segments
        QA(index).ask(QUESTION)
    last = paused_ingest.start([LETTERS], folder, "--batch", "1", max_segments=2, log=log)
    assert run_to_the_end(last) == 0, log.read_text()
    assert chunk_ids(folder) == chunk_ids(bundled_index)
    with Index.open(folder) as index:
        assert index.consistency.ok and len(index.vector_files) <= 2  # a base and at most one segment
        assert sorted(p.name for p in folder.glob("vectors*")) == sorted(index.vector_files)
