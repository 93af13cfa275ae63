"""An ingest writing while answers are read, and a second ingest at the same time, with real processes."""

from __future__ import annotations

import shutil
import subprocess
import sys

from index.index import Index
from qa.service import QA

from tests.conftest import CORPUS_TXT, LETTERS, ROOT

QUESTION = "What did inspectors say about the caseloads of personal advisers?"


def ingest_process(paths, folder, *extra) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "ingest", *map(str, paths), "--index", str(folder), "--quiet", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_answers_keep_coming_while_an_ingest_writes(tmp_path):
    folder = tmp_path / "index"
    first = CORPUS_TXT[:2]
    assert ingest_process(first, folder).wait(timeout=300) == 0
    with Index.open(folder) as index:
        qa = QA(index)
        before = len(index.documents())
        writer = ingest_process([LETTERS], folder, "--batch", "1")
        answers = 0
        while writer.poll() is None:
            answer = qa.ask(QUESTION)
            for c in answer.citations:
                assert index.document(c.doc_id).text[c.start:c.end] == c.quote
            answers += 1
        assert writer.returncode == 0, writer.stderr.read()
        assert answers >= 5  # answered all along, not blocked by the writer
        qa.search(QUESTION)  # sees the writer's last commit
        assert len(index.documents()) == 9 > before
        assert index.check().ok and len(index.vectors) == index.chunk_count()


def test_a_second_ingest_is_refused_with_a_message_not_interleaved(tmp_path, bundled_index):
    folder = tmp_path / "index"
    shutil.copytree(bundled_index, folder)
    extra = tmp_path / "more"
    extra.mkdir()
    for n, path in enumerate(sorted(p for p in LETTERS.iterdir() if p.suffix in (".txt", ".pdf"))):
        shutil.copy(path, extra / f"copy-{n}{path.suffix}")  # seconds of work for the first ingest
    first = ingest_process([extra], folder, "--batch", "1")
    # wait until the first holds the lock (it writes its pid into the lock file)
    lock = folder / "write.lock"
    while first.poll() is None and not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        pass
    second = ingest_process([LETTERS], folder)
    out, err = second.communicate(timeout=120)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.returncode == 2
    assert "another ingest is writing to the index" in err and "Traceback" not in err
    with Index.open(folder) as index:
        assert index.consistency.ok and len(index.documents()) == 9 + len(list(extra.iterdir()))
