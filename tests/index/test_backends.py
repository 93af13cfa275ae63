"""The contract every index backend keeps, run on the embedded index (a folder) and on a real PostgreSQL.

Each test takes `backend`, which opens new indexes of one kind; the PostgreSQL ones run against a real
server (tests/postgres.py: skipped without pgserver locally, failed without it under CI).
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from index.errors import IndexLocked, IndexMissing, SettingsMismatch
from index.filters import Filters
from index.index import Index
from ingest.pipeline import ingest
from ofsted_qa.settings import Settings
from qa.retrieve import build_query, search
from tests.conftest import LETTERS

DUPLICATE = "002_26bebbeff29c7c35"  # the text copy of the 2019 focused visit letter
ORIGINAL = "bournemouth-christchurch-poole__2019-12-18__focused-visit"
MONITORING_2024 = "001_48f99557a5b80f02"


class Backend:
    """New indexes of one kind: `location()` is a fresh, empty place for one."""

    def __init__(self, kind: str, tmp_path, postgres=None):
        self.kind = kind
        self._tmp = tmp_path
        self._postgres = postgres
        self._n = 0

    def location(self) -> str:
        self._n += 1
        if self.kind == "postgres":
            return self._postgres.database("c")
        return str(self._tmp / f"index{self._n}")


@pytest.fixture(params=["embedded", "postgres"])
def backend(request, tmp_path):
    if request.param == "postgres":
        return Backend("postgres", tmp_path, request.getfixturevalue("postgres"))
    return Backend("embedded", tmp_path)


@pytest.fixture(params=["embedded", "postgres"])
def bundled(request):
    """An open index of the nine bundled documents, of each kind."""
    location = request.getfixturevalue("bundled_index" if request.param == "embedded" else "bundled_postgres")
    with Index.open(location) as index:
        yield index


def _doc_of(index: Index, rows) -> set[str]:
    chunks = index.chunks([r for r, _ in rows])
    return {c.doc_id for c in chunks.values()}


def test_opening_nothing_says_how_to_build_an_index(backend):
    location = backend.location()
    with pytest.raises(IndexMissing, match=r"no index at .*python -m ingest PATH --index"):
        Index.open(location)


def test_an_index_holds_every_document_with_a_vector_for_every_passage(bundled):
    docs = bundled.documents()
    assert len(docs) == 9
    assert bundled.check().ok and bundled.check().chunks == bundled.chunk_count() > 100
    assert "Bournemouth, Christchurch and Poole" in bundled.authorities()
    assert bundled.document(MONITORING_2024).meta.visit_number == 5
    assert bundled.document("no-such-letter") is None
    assert bundled.source_kinds([MONITORING_2024]) == {MONITORING_2024: "official"}
    assert "personal adviser" in {e.lower() for e in bundled.abbreviations().get("PA", set())}


def test_duplicates_never_reach_a_search(bundled):
    assert bundled.document(DUPLICATE).duplicate_of == ORIGINAL
    vector = bundled.embedder.embed_query("care leavers felt let down by their personal advisers")
    dense = bundled.dense(vector, 200)
    keyword = bundled.keyword(("care leavers", "personal advisers"), 200)
    assert dense and keyword
    assert DUPLICATE not in _doc_of(bundled, dense) | _doc_of(bundled, keyword)
    assert ORIGINAL in _doc_of(bundled, dense)


def test_filters_run_inside_both_searches(bundled):
    vector = bundled.embedder.embed_query("caseloads of social workers")
    visit_2024 = Filters(doc_types=("monitoring_visit",), years=(2024,))
    assert _doc_of(bundled, bundled.dense(vector, 50, visit_2024)) == {MONITORING_2024}
    assert _doc_of(bundled, bundled.keyword(("caseloads",), 50, visit_2024)) == {MONITORING_2024}
    kent = Filters(local_authorities=("Kent",))
    assert bundled.dense(vector, 50, kent) == [] and bundled.keyword(("caseloads",), 50, kent) == []
    assert not bundled.has_rows(kent) and bundled.has_rows(visit_2024)
    only = Filters(doc_ids=(ORIGINAL,))
    assert _doc_of(bundled, bundled.dense(vector, 50, only)) == {ORIGINAL}
    everything_else = Filters(exclude_doc_ids=(ORIGINAL,))
    assert ORIGINAL not in _doc_of(bundled, bundled.dense(vector, 50, everything_else))


def test_a_search_asked_for_k_passages_gets_k_when_the_filter_allows_them(bundled):
    vector = bundled.embedder.embed_query("children in care")
    council = Filters(local_authorities=("Bournemouth, Christchurch and Poole",))
    for filters in (Filters(), council, Filters(years=(2020,))):
        allowed = sum(1 for _ in bundled.dense(vector, 10_000, filters))
        found = bundled.dense(vector, 25, filters)
        assert len(found) == min(25, allowed)
        scores = [s for _, s in found]
        assert scores == sorted(scores, reverse=True)


def test_dense_scores_are_cosines_of_the_stored_vectors(bundled):
    vector = bundled.embedder.embed_query("the front door and MASH")
    found = bundled.dense(vector, 5)
    again = bundled.cosines([r for r, _ in found], vector)
    for rowid, score in found:
        assert again[rowid] == pytest.approx(score, abs=1e-4)
    chunks = bundled.chunks([r for r, _ in found])
    best = bundled.embedder.embed([chunks[found[0][0]].text])[0]
    assert float(best @ vector) == pytest.approx(found[0][1], abs=0.02)


def test_keywords_find_phrases_and_stems(bundled):
    found = bundled.keyword(("personal advisers",), 20)
    texts = [c.text.lower() for c in bundled.chunks([r for r, _ in found]).values()]
    assert texts and all("personal advis" in t for t in texts)
    assert bundled.rows_matching(("personal advisers",)) >= len(found)
    assert bundled.rows_matching(("zzqxv",)) == 0 and bundled.keyword(("zzqxv",), 5) == []
    assert bundled.keyword((), 5) == [] and bundled.rows_matching(()) == 0


def test_the_chunk_holding_an_offset_and_its_sentence_vectors(bundled):
    doc = bundled.document(MONITORING_2024)
    offset = doc.text.index("Caseloads")
    rowid, chunk = bundled.chunk_at(MONITORING_2024, offset)
    assert chunk.start <= offset < chunk.end and doc.text[chunk.start:chunk.end] == chunk.text
    assert bundled.chunks([rowid])[rowid] == chunk
    sentences = bundled.sentence_vectors([chunk.chunk_id])[chunk.chunk_id]
    for (start, end), vector in sentences.items():
        assert 0 <= start < end <= len(chunk.text) and vector.shape == (384,)


def test_latest_documents_are_each_councils_newest(bundled):
    council = Filters(local_authorities=("Bournemouth, Christchurch and Poole",))
    latest = bundled.latest_documents(council)
    assert len(latest) == 1
    newest = max((d for d in bundled.documents() if d.meta.local_authority in council.local_authorities
                  and d.duplicate_of is None), key=lambda d: d.meta.date or max(d.meta.visit_dates, default=""))
    assert latest == (newest.doc_id,)


def test_the_searches_rank_alike_on_both_backends(bundled_index, bundled_postgres):
    """The same question over the same letters: the same passages by meaning, in the same order; by keywords
    (BM25 in SQLite, idf-weighted cover density in PostgreSQL) mostly the same ones. How alike the answers
    are over the development questions is measured by `python -m eval.backends`."""
    with Index.open(bundled_index) as embedded, Index.open(bundled_postgres) as database:
        for question in ("What did inspectors say about PA caseloads?", "Was the 2024 visit about care leavers?",
                         "How is the MASH doing?", "What about pathway plans for care leavers in BCP?"):
            ours, theirs = build_query(embedded, question), build_query(database, question)
            assert ours.phrases == theirs.phrases and ours.scope.filters == theirs.scope.filters
            vector = embedded.embedder.embed_query(ours.dense_text)
            ranked = [_ids(index, index.dense(vector, 10, q.scope.filters))
                      for index, q in ((embedded, ours), (database, theirs))]
            assert ranked[0] == ranked[1], question
            by_words = [_ids(index, index.keyword(q.phrases, 10, q.scope.filters))
                        for index, q in ((embedded, ours), (database, theirs))]
            assert len(set(by_words[0]) & set(by_words[1])) >= 5, question
            first = [search(index, q, k=5)[0].doc.doc_id for index, q in ((embedded, ours), (database, theirs))]
            assert first[0] == first[1], question


def _ids(index: Index, rows) -> list[str]:
    chunks = index.chunks([r for r, _ in rows])
    return [chunks[r].chunk_id for r, _ in rows]


def test_reingest_does_no_work_and_a_changed_file_replaces_its_passages(backend, tmp_path):
    letter = tmp_path / "letters" / f"{MONITORING_2024}.txt"
    letter.parent.mkdir()
    shutil.copy(LETTERS / letter.name, letter)
    with Index.open(backend.location(), Settings(), create=True) as index:
        assert len(ingest([letter.parent], index).ingested) == 1
        passages = index.chunk_count()
        again = ingest([letter.parent], index)
        assert again.ingested == [] and again.unchanged == [str(letter)] and index.chunk_count() == passages
        letter.write_text(letter.read_text() + "\n\nInspectors found a new sentence about kinship carers.\n")
        assert ingest([letter.parent], index).ingested == [str(letter)]
        found = index.keyword(("kinship carers",), 5)
        assert any("new sentence about kinship" in c.text for c in index.chunks([r for r, _ in found]).values())
        assert index.check().ok and index.check().vectors == index.chunk_count()
        assert {d.doc_id for d in index.documents()} == {MONITORING_2024}


def test_removing_a_document_takes_its_passages_vectors_and_words(backend, tmp_path):
    letter = sorted(LETTERS.glob("*.txt"))[0]
    with Index.open(backend.location(), Settings(), create=True) as index:
        ingest([letter], index)
        vector = index.embedder.embed_query("children")
        assert index.dense(vector, 5) and index.abbreviations() is not None
        index.remove_document(letter.stem)
        assert index.documents() == [] and index.chunk_count() == 0
        assert index.dense(vector, 5) == [] and index.keyword(("children",), 5) == []
        assert index.check().ok


def test_two_writers_are_refused_not_interleaved(backend):
    location = backend.location()
    with Index.open(location, Settings(), create=True) as a, Index.open(location, Settings()) as b:
        with a.writing():
            with pytest.raises(IndexLocked, match="another ingest is writing to the index at .*try again when it ends"):
                with b.writing():
                    pass
        with b.writing():  # released when the first writer is done
            pass


def test_an_index_refuses_other_chunk_settings(backend):
    location = backend.location()
    Index.open(location, Settings(), create=True).close()
    with pytest.raises(SettingsMismatch, match="chunk_max_tokens"):
        Index.open(location, Settings(chunk_max_tokens=123))


def test_a_write_that_fails_leaves_the_index_as_it_was(backend, tmp_path):
    letter = sorted(LETTERS.glob("*.txt"))[0]
    with Index.open(backend.location(), Settings(), create=True) as index:
        ingest([letter], index)
        before = (index.chunk_count(), [d.doc_id for d in index.documents()])
        doc = index.document(letter.stem)
        chunks = list(index.chunks(list(range(1, 10_000))).values())
        broken = np.zeros((len(chunks) - 1, 384), dtype=np.float32)  # one vector short: the write must fail
        with pytest.raises(Exception):  # noqa: B017 - whichever error the database raises
            index.write([(doc, chunks, broken)], {}, "test")
        assert (index.chunk_count(), [d.doc_id for d in index.documents()]) == before
        assert index.check().ok
