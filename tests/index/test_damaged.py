"""A damaged vector file (the base or a write's segment) is reported, never a traceback, and the next ingest
rebuilds the vectors from the database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import IndexDamaged
from index.index import Index

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def damaged(corpus_index, tmp_path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(corpus_index, folder)
    vectors = next(folder.glob("vectors*.faiss"))
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 3])  # truncated
    return folder


@pytest.fixture()
def damaged_segment(corpus_index, tmp_path) -> Path:
    """The corpus index with one more letter written after it (a copy under a new id: its own segment),
    that segment truncated."""
    from dataclasses import replace

    folder = tmp_path / "index"
    shutil.copytree(corpus_index, folder)
    with Index.open(folder) as index:
        doc = index.documents()[0]
        rows = [r for (r,) in index.conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc.doc_id,))]
        chunks = index.chunks(rows)
        copy = replace(doc, doc_id="copy")
        letter = (copy, [replace(chunks[r], doc_id="copy", chunk_id=f"copy-{chunks[r].chunk_id}") for r in rows],
                  index.vectors.vectors(rows))
        with index.writing():
            index.write([letter], {})
        base, segment = index.vector_files
    segment = folder / segment
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    return folder


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)


def test_opening_a_damaged_index_is_our_error_naming_the_mend(damaged):
    with pytest.raises(IndexDamaged, match=r"not a readable vector file.*python -m ingest PATH --index"):
        Index.open(damaged)


def test_the_command_line_says_what_is_wrong_and_exits_2(damaged):
    for command in (["-m", "qa", "search", "caseloads"], ["-m", "qa", "ask", "What about caseloads?"], ["-m", "qa", "docs"]):
        out = _run(*command, "--index", str(damaged))
        assert out.returncode == 2, (command, out.stderr)
        assert "not a readable vector file" in out.stderr and "python -m ingest" in out.stderr
        assert "Traceback" not in out.stderr


def test_the_next_ingest_rebuilds_the_vectors(damaged):
    from tests.conftest import CORPUS_TXT

    out = _run("-m", "ingest", *map(str, CORPUS_TXT), "--index", str(damaged), "--quiet")
    assert out.returncode == 0, out.stderr
    with Index.open(damaged) as index:
        assert index.consistency is not None and index.consistency.ok and index.consistency.vectors > 0
    assert _run("-m", "qa", "search", "caseloads", "--index", str(damaged)).returncode == 0


def test_the_app_shows_a_banner_not_a_traceback(damaged, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OFSTED_QA_INDEX", str(damaged))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert any("not a readable vector file" in e.value for e in at.error)


def test_a_damaged_segment_is_our_error_naming_it_and_the_next_ingest_mends_it(damaged_segment):
    from tests.conftest import CORPUS_TXT

    with pytest.raises(IndexDamaged, match=r"vectors-\d+\.seg\.npz is not a readable vector file.*"
                                           r"python -m ingest PATH --index"):
        Index.open(damaged_segment)
    out = _run("-m", "qa", "search", "caseloads", "--index", str(damaged_segment))
    assert out.returncode == 2 and "seg.npz is not a readable vector file" in out.stderr
    assert "Traceback" not in out.stderr
    out = _run("-m", "ingest", *map(str, CORPUS_TXT), "--index", str(damaged_segment), "--quiet")
    assert out.returncode == 0, out.stderr
    with Index.open(damaged_segment) as index:
        assert index.consistency is not None and index.consistency.ok
        assert len(index.documents()) == len(CORPUS_TXT) + 1 and len(index.vectors) == index.chunk_count()
        assert len(index.vector_files) == 1  # the vectors saved whole again, as a new base
        assert sorted(p.name for p in damaged_segment.glob("vectors*")) == list(index.vector_files)
    assert _run("-m", "qa", "search", "caseloads", "--index", str(damaged_segment)).returncode == 0
