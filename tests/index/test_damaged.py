"""A damaged vector file is reported, never a traceback, and the next ingest rebuilds it from the database."""

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
