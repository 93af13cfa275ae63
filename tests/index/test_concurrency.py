"""An ingest writing while answers are read, and a second ingest at the same time, with real processes.

The writer stops at known moments of its writes (paused_ingest.py) and the reader acts there: no
reader races the writer for the CPU, and what each side sees is exact.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from index.index import Index
from qa.service import QA
from tests.conftest import CORPUS_TXT, LETTERS, ROOT
from tests.index import paused_ingest
from tests.index.paused_ingest import go_on, next_moment

pytestmark = pytest.mark.slow
QUESTION = "What did inspectors say about the caseloads of personal advisers?"


def ingest_process(paths, folder, *extra) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "ingest", *map(str, paths), "--index", str(folder), "--quiet", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def answer_verbatim(qa, index) -> None:
    answer = qa.ask(QUESTION)
    assert not answer.abstained, answer
    for c in answer.citations:
        assert index.document(c.doc_id).text[c.start:c.end] == c.quote


def test_answers_keep_coming_while_an_ingest_writes(tmp_path):
    folder = tmp_path / "index"
    log = tmp_path / "ingest.log"
    assert ingest_process(CORPUS_TXT[:2], folder).wait(timeout=300) == 0
    with Index.open(folder) as index:
        qa = QA(index)
        documents = len(index.documents())
        base = index.vectors.index
        # Stopped inside each write's transaction (rows in, its segment saved, not committed), and
        # just after each commit: the reader answers at both, and sees each document once it is committed.
        writer = paused_ingest.start([LETTERS], folder, "--batch", "1", stop=("vectors saved", "committed"), log=log)
        inside = committed = 0
        while (moment := next_moment(writer)[1]) != "done":
            answer_verbatim(qa, index)
            if moment == "vectors saved":
                inside += 1
                assert len(index.documents()) == documents  # the open transaction is not seen
            else:
                committed += 1
                documents += 1
                assert len(index.documents()) == documents
                assert len(index.vectors) == index.chunk_count()  # the vectors of the same commit
            go_on(writer)
        assert writer.wait(timeout=300) == 0, log.read_text()
        assert inside == committed == 9 - 2  # one write per new document; the first two were there
        qa.search(QUESTION)  # sees the writer's last commit
        assert len(index.documents()) == 9
        assert index.check().ok and len(index.vectors) == index.chunk_count()
        # The reader took in each write by reading its segment, never the base again.
        assert index.vectors.index is base and len(index.vector_files) == 1 + committed
        with Index.open(folder) as fresh:
            assert fresh.vector_files == index.vector_files
            assert qa.search(QUESTION)[1] == QA(fresh).search(QUESTION)[1]


def test_a_second_ingest_is_refused_with_a_message_not_interleaved(tmp_path, bundled_index):
    folder = tmp_path / "index"
    log = tmp_path / "ingest.log"
    shutil.copytree(bundled_index, folder)
    extra = tmp_path / "more"
    extra.mkdir()
    for n, path in enumerate(CORPUS_TXT[:2]):
        shutil.copy(path, extra / f"copy-{n}{path.suffix}")
    first = paused_ingest.start([extra], folder, "--batch", "1", stop=("locked",), log=log)
    assert next_moment(first)[1] == "locked"  # the first holds the write lock, and waits
    second = ingest_process([LETTERS], folder)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 2
    assert "another ingest is writing to the index" in err and "Traceback" not in err
    go_on(first)
    assert next_moment(first)[1] == "done"
    assert first.wait(timeout=300) == 0, log.read_text()
    with Index.open(folder) as index:
        assert index.consistency.ok and len(index.documents()) == 9 + len(list(extra.iterdir()))
