"""The index on disk: settings recorded and enforced, re-ingest skipped, changes replaced, duplicates found."""

import shutil
from dataclasses import replace

import numpy as np
import pytest

from index.errors import IndexLocked, IndexMissing, SettingsMismatch
from index.index import Filters, Index
from ingest.pipeline import ingest
from ofsted_qa.settings import Settings
from tests.conftest import LETTERS


def test_opening_a_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissing, match="python -m ingest"):
        Index.open(tmp_path / "nothing")


def test_an_index_refuses_other_chunk_settings(bundled_index):
    with pytest.raises(SettingsMismatch, match="chunk_max_tokens: index has 180, asked for 300"):
        Index.open(bundled_index, replace(Settings(), chunk_max_tokens=300))


def test_vectors_and_rows_agree(bundled_index):
    with Index.open(bundled_index) as index:
        found = index.check()
        assert found.ok and found.chunks == found.vectors == index.chunk_count() > 100


def test_reingest_does_no_work_and_a_changed_file_replaces_its_chunks(tmp_path):
    letter = tmp_path / "letters" / "001_48f99557a5b80f02.txt"
    letter.parent.mkdir()
    shutil.copy(LETTERS / letter.name, letter)
    with Index.open(tmp_path / "idx", Settings(), create=True) as index:
        first = ingest([letter.parent], index)
        assert len(first.ingested) == 1 and first.exit_code == 0
        ids_before = {c for (c,) in index.conn.execute("SELECT chunk_id FROM chunks")}
        again = ingest([letter.parent], index)
        assert again.ingested == [] and again.unchanged == [str(letter)]
        assert {c for (c,) in index.conn.execute("SELECT chunk_id FROM chunks")} == ids_before

        letter.write_text(letter.read_text() + "\n\nInspectors found a new sentence about kinship carers.\n")
        changed = ingest([letter.parent], index)
        assert changed.ingested == [str(letter)]
        texts = [t for (t,) in index.conn.execute("SELECT text FROM chunks")]
        assert any("kinship carers" in t for t in texts)
        assert index.check().ok
        assert len(index.vectors) == index.chunk_count()


def test_two_writers_are_refused_not_interleaved(tmp_path):
    with Index.open(tmp_path, Settings(), create=True) as a, Index.open(tmp_path, Settings()) as b:
        with a.writing():
            with pytest.raises(IndexLocked, match="another ingest"):
                with b.writing():
                    pass


def test_the_text_copy_of_the_2019_letter_is_a_duplicate_of_the_official_pdf(bundled_index):
    with Index.open(bundled_index) as index:
        docs = {d.doc_id: d for d in index.documents()}
        assert docs["002_26bebbeff29c7c35"].duplicate_of == "bournemouth-christchurch-poole__2019-12-18__focused-visit"
        assert docs["bournemouth-christchurch-poole__2019-12-18__focused-visit"].duplicate_of is None
        others = [d for d in docs.values() if d.doc_id != "002_26bebbeff29c7c35"]
        assert all(d.duplicate_of is None for d in others)
        # duplicates never reach a search
        allowed = set(index._allowed_rows(Filters()))
        dup_rows = {r for (r,) in index.conn.execute("SELECT id FROM chunks WHERE doc_id = '002_26bebbeff29c7c35'")}
        assert dup_rows and not (dup_rows & allowed)


def test_filters_select_by_council_type_and_year(bundled_index):
    with Index.open(bundled_index) as index:
        rows = index._allowed_rows(Filters(doc_types=("monitoring_visit",), years=(2024,)))
        docs = {d for (d,) in index.conn.execute(
            f"SELECT DISTINCT doc_id FROM chunks WHERE id IN ({','.join(map(str, rows))})")}
        assert docs == {"001_48f99557a5b80f02"}
        assert index._allowed_rows(Filters(local_authorities=("Kent",))) == []


# --- sentence vectors and the runtime an index keeps --------------------------------------------------


def test_every_chunk_keeps_its_sentence_vectors(bundled_index):
    import json
    import sqlite3

    from ingest.sentences import split_sentences

    db = sqlite3.connect(bundled_index / "index.sqlite")
    rows = db.execute("SELECT c.text, s.spans, s.vectors FROM chunks c LEFT JOIN sentence_vectors s ON s.chunk = c.id").fetchall()
    assert rows and all(spans is not None for _, spans, _ in rows)
    for text, spans, blob in rows:
        assert [tuple(s) for s in json.loads(spans)] == split_sentences(text)
        norms = np.linalg.norm(np.frombuffer(blob, dtype=np.float16).reshape(-1, 384).astype(np.float32), axis=1)
        assert np.all((np.abs(norms - 1) < 0.01) | (norms == 0))


def test_sentence_vectors_go_with_their_document(tmp_path):
    from ingest.pipeline import ingest

    letter = sorted(LETTERS.glob("*.txt"))[0]
    with Index.open(tmp_path / "ix", Settings(), create=True) as index:
        ingest([letter], index)
        ids = [c for (c,) in index.conn.execute("SELECT chunk_id FROM chunks")]
        assert len(index.sentence_vectors(ids)) == len(ids)
        index.remove_document(letter.stem)
        assert index.conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == 0


def test_an_index_keeps_the_runtime_it_was_built_with(tmp_path):
    with Index.open(tmp_path / "ix", Settings(embedding_runtime="torch"), create=True):
        pass
    with Index.open(tmp_path / "ix", Settings()) as index:
        assert index.settings.embedding_runtime == "torch"
        assert index.embedder.runtime == "torch"
