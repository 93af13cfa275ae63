"""A folder index's vectors as a base file and one segment per write: what each write puts on disk, what a
reader reads again, compaction, and a failed write leaving the committed state.

Real SQLite, FAISS and letters: the documents, chunks and vectors of the five bundled text letters
(`corpus_index`), written again, one letter a write, into new folders, under their own ids and under
new ones (copies), so a test can make as many writes as it needs without embedding anything again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.embedded import EmbeddedIndex
from index.index import Filters, Index
from ofsted_qa.settings import Settings

DIM = 384


@pytest.fixture(scope="module")
def letters(corpus_index) -> list[tuple]:
    """(document, chunks, chunk vectors) of each letter of the corpus index."""
    found = []
    with Index.open(corpus_index) as index:
        for doc in index.documents():
            rows = [r for (r,) in index.conn.execute("SELECT id FROM chunks WHERE doc_id = ? ORDER BY ordinal",
                                                     (doc.doc_id,))]
            chunks = index.chunks(rows)
            found.append((doc, [chunks[r] for r in rows], index.vectors.vectors(rows)))
    return found


def copy_of(letter: tuple, n: int) -> tuple:
    """The letter under new document and chunk ids, as another letter would come."""
    doc, chunks, vectors = letter
    doc_id = f"{doc.doc_id}-copy{n}"
    return (replace(doc, doc_id=doc_id), [replace(c, doc_id=doc_id, chunk_id=f"{c.chunk_id}-copy{n}") for c in chunks],
            vectors)


def write(index, *letters: tuple) -> None:
    with index.writing():
        index.write(list(letters), {})


def vector_files(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("vectors*")}


def recorded(folder: Path) -> tuple[str, list[str]]:
    """(base, segments) as the database names them."""
    with sqlite3.connect(folder / "index.sqlite") as db:
        rows = dict(db.execute("SELECT key, value FROM settings WHERE key IN ('vectors_file', 'vector_segments')"))
    return json.loads(rows["vectors_file"]), json.loads(rows["vector_segments"])


def stamp(path: Path) -> tuple[int, int, int]:
    s = path.stat()
    return s.st_ino, s.st_size, s.st_mtime_ns


def queries(letters: list[tuple]) -> np.ndarray:
    """Unit vectors near some of the letters' passages, as questions about them would be."""
    rng = np.random.default_rng(7)
    near = np.concatenate([v[::5] for _, _, v in letters])
    q = near + rng.standard_normal(near.shape).astype(np.float32) * 0.05
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def answers(index, letters: list[tuple]) -> list:
    """Dense answers to every query, unfiltered and within one letter."""
    one = Filters(doc_ids=(letters[0][0].doc_id,))
    return [(index.dense(q, 10), index.dense(q, 5, one)) for q in queries(letters)]


def same_answers(a: list, b: list) -> None:
    """The same scores, rank by rank, for the same passages. A letter and its copy score alike: their
    order may differ, and so may which of them a search keeps when only one fits in the last place."""
    assert len(a) == len(b)
    for (all_a, one_a), (all_b, one_b) in zip(a, b):
        for x, y in ((all_a, all_b), (one_a, one_b)):
            assert np.allclose([s for _, s in x], [s for _, s in y], atol=1e-6)
            last = x[-1][1] if x else 0.0
            assert {i for i, s in x if s > last + 1e-6} == {i for i, s in y if s > last + 1e-6}


def test_one_write_appends_one_small_segment_and_leaves_the_base_alone(tmp_path, letters):
    folder = tmp_path / "index"
    with Index.open(folder, Settings(), create=True) as index:
        write(index, letters[0])  # the first write into a new index saves a base
        assert recorded(folder) == (index.vectors_file, []) and vector_files(folder) == {index.vectors_file}
        base = folder / index.vectors_file
        before = stamp(base)
        segments: list[str] = []
        for letter in letters[1:4]:
            write(index, letter)
            new = vector_files(folder) - {base.name, *segments}
            assert len(new) == 1 and next(iter(new)).endswith(".seg.npz")
            segments += new
            assert stamp(base) == before  # not written again, not replaced
            assert recorded(folder) == (base.name, segments) and index.vector_files == (base.name, *segments)
            chunks = len(letter[1])
            assert (folder / segments[-1]).stat().st_size < chunks * (DIM * 4 + 8) + 2048  # its vectors and ids
        assert len(index.vectors) == index.chunk_count() and index.check().ok
        mine = answers(index, letters)
    with Index.open(folder) as again:
        assert again.consistency.ok and again.vector_files == (base.name, *segments)
        same_answers(answers(again, letters), mine)


def test_a_reader_reads_only_the_new_segments_and_then_answers_as_a_fresh_open(tmp_path, letters):
    folder = tmp_path / "index"
    with Index.open(folder, Settings(), create=True) as writer:
        write(writer, letters[0])
        write(writer, letters[1])
        reader = Index.open(folder)
        held = reader.vector_files
        base = reader.vectors.index
        write(writer, letters[2])
        write(writer, letters[3], copy_of(letters[0], 1))
        fresh = Index.open(folder)
        # Without the files the reader already holds, a refresh can only be reading the new segments.
        hidden = tmp_path / "hidden"
        hidden.mkdir()
        for name in held:
            os.rename(folder / name, hidden / name)
        assert reader.refresh()
        for name in held:
            os.rename(hidden / name, folder / name)
        assert reader.vectors.index is base  # the base was not loaded again
        assert reader.vector_files == fresh.vector_files == writer.vector_files and len(reader.vector_files) == 4
        assert reader.check().ok and len(reader.vectors) == fresh.chunk_count()
        same_answers(answers(reader, letters), answers(fresh, letters))
        assert not reader.refresh()  # nothing new

        with writer.writing():
            writer.compact()  # a new base: the reader loads it whole
        assert vector_files(folder) == {writer.vectors_file} and writer.vector_files == (writer.vectors_file,)
        assert reader.refresh() and reader.vectors.index is not base
        assert reader.vector_files == writer.vector_files
        same_answers(answers(reader, letters), answers(fresh, letters))
        reader.close()
        fresh.close()


@pytest.mark.parametrize("limit", ["segments", "delta"])
def test_past_a_limit_a_write_compacts_and_no_answer_changes(limit, tmp_path, letters, monkeypatch):
    every = [letters[n % len(letters)] if n < len(letters) else copy_of(letters[n % len(letters)], n)
             for n in range(9)]
    folder, plain = tmp_path / "compacted", tmp_path / "plain"
    with Index.open(plain, Settings(), create=True) as index:  # never compacts at these sizes
        for letter in every:
            write(index, letter)
        assert len(index.vector_files) == len(every)  # a base, then a segment for each later write
        expected = answers(index, letters)
    if limit == "segments":
        monkeypatch.setattr(EmbeddedIndex, "max_segments", 3)
    else:
        monkeypatch.setattr(EmbeddedIndex, "delta_limit", 2 * max(len(c) for _, c, _ in letters))
    bases = set()
    with Index.open(folder, Settings(), create=True) as index:
        for letter in every:
            write(index, letter)
            files = index.vector_files
            assert vector_files(folder) == set(files)  # what is no longer named is gone
            bases.add(files[0])
            if limit == "segments":
                assert len(files) - 1 < 3
            else:
                assert index.vectors.delta_count <= EmbeddedIndex.delta_limit
        assert len(bases) >= 3  # the first write's base and at least two compactions
        same_answers(answers(index, letters), expected)
    with Index.open(folder) as again:
        assert again.consistency.ok
        same_answers(answers(again, letters), expected)


def test_a_failed_write_leaves_the_committed_state(tmp_path, letters):
    folder = tmp_path / "index"
    with Index.open(folder, Settings(), create=True) as index:
        write(index, letters[0])
        write(index, letters[1])
        committed, files, documents = answers(index, letters), vector_files(folder), len(index.documents())
        doc, chunks, vectors = letters[2]

        with pytest.raises(ValueError):  # vectors that are not the model's: refused inside the transaction
            write(index, (doc, chunks, vectors[:, :100]))
        with pytest.raises(OSError):  # the segment cannot be written (its temporary name is taken)
            blocked = folder / "vectors-000003.seg.npz.tmp"
            blocked.mkdir()
            write(index, letters[2])
        blocked.rmdir()
        assert vector_files(folder) == files and len(index.documents()) == documents
        assert index.check().ok
        same_answers(answers(index, letters), committed)

        # A compaction that fails after its write committed: that write stays, and so do its segments.
        index.max_segments = 2
        blocked = folder / "vectors-000004.faiss.tmp"
        blocked.mkdir()
        with pytest.raises(RuntimeError, match="could not open"):  # FAISS's words
            write(index, letters[2])
        with Index.open(folder) as fresh:
            assert len(fresh.documents()) == documents + 1 and fresh.consistency.ok
            assert index.vector_files == fresh.vector_files and len(fresh.vector_files) == 3
            same_answers(answers(index, letters), answers(fresh, letters))
        blocked.rmdir()
        with index.writing():
            index.compact()
        assert vector_files(folder) == {index.vectors_file}
        with Index.open(folder) as fresh:
            same_answers(answers(index, letters), answers(fresh, letters))


def test_the_append_benchmark_measures_one_segment_an_add(tmp_path):
    from eval import bench_append

    out = tmp_path / "append.json"
    assert bench_append.main(["--sizes", "2000", "4000", "--repeats", "2", "--json", str(out), "--quiet"]) == 0
    figures = json.loads(out.read_text())
    assert [f["chunks"] for f in figures] == [2000, 4000] and all(f["built"] == "write" for f in figures)
    for size in figures:
        assert len(size["adds"]) == 2
        for add in size["adds"]:
            (segment,) = add["new_files"]
            assert segment.endswith(".seg.npz") and add["new_file_bytes"] < 40 * (DIM * 4 + 8) + 2048
            assert 0 < add["wchar_bytes"] < 2**20
        assert size["compact_wchar_bytes"] >= size["base_bytes"]  # a compaction writes the base whole
