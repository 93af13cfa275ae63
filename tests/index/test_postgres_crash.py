"""Killing an ingest into PostgreSQL with SIGKILL loses nothing committed and shows nothing half-written.

A real `python -m ingest` writes the bundled letters into a real PostgreSQL, one document per
transaction, and is killed again and again at a moment drawn at random from those of an uninterrupted
run (every statement the index sends, the embedding, the lock, each commit; see paused_ingest.py). When
the process stops at that moment, the documents another connection can see are noted; half the kills land
there, the others as the process carries on, in the middle of whatever comes next. After every kill:
exactly the documents seen before it are there (a kill while waiting), each whole (all its passages,
each with its vector), the index opens consistent, answers, and takes a new writer (the dead one's lock
went with its connection). The last run finishes the job with exactly the passages of an embedded index.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
from collections import Counter

import psycopg
import pytest

from index.index import Index
from ofsted_qa.settings import Settings
from qa.service import QA
from tests.conftest import LETTERS, ROOT
from tests.index import paused_ingest
from tests.index.paused_ingest import next_moment
from tests.index.test_crash import QUESTION, kill, run_to_the_end

pytestmark = pytest.mark.slow
KILLS = 10
OUTPUT = ROOT / "test-output"


def visible(address: str) -> dict[str, tuple[int, int, int]]:
    """doc_id -> (passages it says it has, passages there are, passages with a vector), as committed."""
    with psycopg.connect(address, autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]:
            return {}  # killed before the tables were made
        has_vectors = conn.execute("SELECT count(*) FROM information_schema.columns "
                                   "WHERE table_name = 'chunks' AND column_name = 'embedding'").fetchone()[0]
        vectors = "count(c.embedding)" if has_vectors else "0"
        rows = conn.execute(f"SELECT d.doc_id, d.n_chunks, count(c.id), {vectors} FROM documents d "
                            "LEFT JOIN chunks c ON c.doc_id = d.doc_id GROUP BY d.doc_id, d.n_chunks").fetchall()
    return {doc_id: (n, there, vectors) for doc_id, n, there, vectors in rows}


def test_kill_9_of_an_ingest_into_postgres_loses_nothing_committed(tmp_path, postgres, bundled_index):
    rng = random.Random(20261124)
    log = tmp_path / "ingest.log"
    listing = paused_ingest.start([LETTERS], postgres.database("listing"), "--batch", "1", list_all=True, log=log)
    seen = Counter(line.rstrip("\n").split(" ", 1)[1] for line in listing.stdout if not line.startswith("done "))
    assert run_to_the_end(listing) == 0, log.read_text()
    assert seen["sql INSERT chunks"] == 9 and seen["committed"] >= 9

    address = postgres.database("crash")
    figures: dict = {"moments_in_a_run": sum(seen.values()), "kills": 0, "killed_at": [], "documents_after_each_kill": [],
                     "lost_committed": 0, "half_written_seen": 0}
    for attempt in range(KILLS):
        kind = rng.choice(sorted(seen))
        target = f"{kind}#{rng.randint(1, seen[kind])}"
        carry_on = attempt % 2 == 1
        child = paused_ingest.start([LETTERS], address, "--batch", "1", stop=(target,), go_on=carry_on, log=log)
        _, moment = next_moment(child)
        before = visible(address) if moment != "done" and not carry_on else None
        status = run_to_the_end(child) if moment == "done" else kill(child)
        if status == 0:  # it finished first: start again from an empty database
            address = postgres.database("crash")
            continue
        assert status == -signal.SIGKILL, log.read_text()
        figures["kills"] += 1
        figures["killed_at"].append(target + (" (carrying on)" if carry_on else ""))

        after = visible(address)
        if before is not None:
            figures["lost_committed"] += len(set(before) - set(after))
            assert after == before, f"killed at {target}: what was committed changed"
        half = {d: counts for d, counts in after.items() if len(set(counts)) != 1}
        figures["half_written_seen"] += len(half)
        assert not half, f"killed at {target}: documents without all their passages and vectors: {half}"
        figures["documents_after_each_kill"].append(len(after))
        with Index.open(address, Settings(), create=True) as index:  # it may have died before making its tables
            assert index.check().ok
            if after:
                answer = QA(index).ask(QUESTION)
                assert answer.citations or answer.abstained
            with index.writing():  # the killed writer's lock went with its connection
                pass

    finished = paused_ingest.start([LETTERS], address, "--batch", "1", log=log, go_on=True)
    assert run_to_the_end(finished) == 0, log.read_text()
    with sqlite3.connect(bundled_index / "index.sqlite") as db:
        embedded = {c for (c,) in db.execute("SELECT chunk_id FROM chunks")}
    with psycopg.connect(address, autocommit=True) as conn:
        assert {c for (c,) in conn.execute("SELECT chunk_id FROM chunks")} == embedded
    assert len(visible(address)) == 9
    assert figures["kills"] >= KILLS // 2
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "postgres-crash.json").write_text(json.dumps(figures, indent=2) + "\n")
