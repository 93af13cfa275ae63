"""Killing ingest with SIGKILL at random moments never costs a working, consistent index.

A real `python -m ingest` process writes the bundled letters one document per write (so most of
its life is spent embedding or writing) and is killed at a random moment, again and again. After
every kill the index must open consistent (every vector has its row and back) without repair and
answer from what it holds; the last run must finish the job and give exactly the chunks of an
index built without interruption.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.index import Index
from qa.service import QA

from tests.conftest import LETTERS, ROOT

KILLS = 12
OUTPUT = ROOT / "test-output"


def start_ingest(folder: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "ingest", str(LETTERS), "--index", str(folder), "--quiet", "--batch", "1"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def chunk_ids(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "index.sqlite") as db:
        return {c for (c,) in db.execute("SELECT chunk_id FROM chunks")}


def test_kill_9_at_random_moments_leaves_a_consistent_index_that_the_next_ingest_finishes(tmp_path, bundled_index):
    rng = random.Random(20261122)
    folder = tmp_path / "index"
    # How long an uninterrupted run takes, so kills land anywhere in it.
    started = time.perf_counter()
    assert start_ingest(tmp_path / "timing").wait(timeout=300) == 0
    full_run = time.perf_counter() - started

    figures = {"kills": 0, "opened_consistent": 0, "answered": 0, "documents_after_each_kill": [], "open_and_check_ms": []}
    for _ in range(KILLS):
        child = start_ingest(folder)
        time.sleep(rng.uniform(0.2, full_run))
        if child.poll() is not None:  # it finished first: start again from a fresh index
            assert child.returncode == 0, child.stderr.read().decode()
            child.stderr.close()
            for path in folder.iterdir():
                path.unlink()
            continue
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stderr.close()
        figures["kills"] += 1
        if not (folder / "index.sqlite").exists():
            continue  # killed before the database was made
        opened = time.perf_counter()
        with Index.open(folder) as index:
            figures["open_and_check_ms"].append(round(1000 * (time.perf_counter() - opened), 1))
            assert index.consistency is None or index.consistency.ok, index.consistency
            figures["opened_consistent"] += 1
            with sqlite3.connect(folder / "index.sqlite") as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            documents = len(index.documents())
            figures["documents_after_each_kill"].append(documents)
            if documents:
                answer = QA(index).ask("What did inspectors say about the caseloads of personal advisers?")
                for c in answer.citations:
                    assert index.document(c.doc_id).text[c.start:c.end] == c.quote
                figures["answered"] += 1

    finishing = time.perf_counter()
    last = start_ingest(folder)
    assert last.wait(timeout=300) == 0, last.stderr.read().decode()
    last.stderr.close()
    figures["finishing_ingest_s"] = round(time.perf_counter() - finishing, 1)
    figures["uninterrupted_ingest_s"] = round(full_run, 1)
    with Index.open(folder) as index:
        assert index.consistency.ok and index.consistency.chunks == len(chunk_ids(bundled_index))
    assert chunk_ids(folder) == chunk_ids(bundled_index)
    assert sorted(p.name for p in folder.glob("vectors*")) == [Index.open(folder).vectors_file]

    assert figures["kills"] >= KILLS // 2  # most kills landed mid-run
    assert figures["opened_consistent"] == sum(1 for _ in figures["open_and_check_ms"])
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "crash.json").write_text(json.dumps(figures, indent=1))


# The worst moments, hit exactly: the process SIGKILLs itself there (no cleanup code runs).
MOMENTS = {
    "while embedding": ("index.embedder", "Embedder", "embed_with_spans", "before"),
    "rows inserted, vectors not yet saved": ("index.store", None, "insert_sentence_vectors", "after"),
    "new vector file in place, transaction not committed": ("index.vectors", "VectorStore", "save", "after"),
    "committed, old vector file not yet removed": ("index.index", "Index", "_remove_stale_vector_files", "before"),
}

KILLER = """
import importlib, os, signal, sys
module, owner, name, when, nth = sys.argv[1:6]
target = importlib.import_module(module)
holder = getattr(target, owner) if owner != "-" else target
real = getattr(holder, name)
calls = [0]
def wrapped(*args, **kwargs):
    calls[0] += 1
    if when == "before" and calls[0] == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(*args, **kwargs)
    if when == "after" and calls[0] == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(holder, name, wrapped)
if owner == "-":  # functions imported by name elsewhere
    import index.index
    setattr(index.index.store, name, wrapped)
from ingest.__main__ import main
sys.exit(main(sys.argv[6:]))
"""


@pytest.mark.parametrize("moment", MOMENTS)
def test_kill_at_the_worst_moments(tmp_path, bundled_index, moment):
    module, owner, name, when = MOMENTS[moment]
    folder = tmp_path / "index"
    args = [str(LETTERS), "--index", str(folder), "--quiet", "--batch", "1"]
    for nth in (1, 3):  # the first write into a new index, and one into an index with documents
        child = subprocess.run([sys.executable, "-c", KILLER, module, owner or "-", name, when, str(nth), *args],
                               cwd=ROOT, capture_output=True, timeout=300)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        with Index.open(folder) as index:
            assert index.consistency is None or index.consistency.ok, (moment, nth, index.consistency)
            if index.documents():
                QA(index).ask("What did inspectors say about the caseloads of personal advisers?")
    assert subprocess.run([sys.executable, "-m", "ingest", *args], cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    assert chunk_ids(folder) == chunk_ids(bundled_index)
    with Index.open(folder) as index:
        assert index.consistency.ok
