"""The backend benchmark's own workings at 2,000 chunks: synthetic documents as the index takes them, exact
search over them, recall, and a report of each figure from a real embedded index and a real PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest

from eval import backends_corpus as corpus
from eval.bench_backends import (
    KINDS,
    QUESTION_FILES,
    Journal,
    bench_embedded,
    bench_postgres,
    filter_settings,
    read_questions,
    recall_at,
)
from eval.pg_server import Postgres

CHUNKS = 2_000


@pytest.fixture(scope="module")
def source(bundled_index) -> corpus.Source:
    return corpus.read_source(bundled_index)


@pytest.fixture(scope="module")
def plan(source) -> corpus.Plan:
    return corpus.make_plan(source, CHUNKS, seed=3)


def test_synthetic_documents_are_whole_and_the_same_each_time(source, plan):
    assert plan.chunks == CHUNKS and plan.first[0] == 0 and np.all(np.diff(plan.first) > 0)
    batch = corpus.documents(plan, source, 0, 3)
    assert [d.doc_id for d, _, _ in batch] == ["bench-0000000", "bench-0000001", "bench-0000002"]
    for doc, chunks, vectors in batch:
        assert len(chunks) == len(vectors) and corpus.CHUNKS_PER_DOC[0] <= len(chunks) <= corpus.CHUNKS_PER_DOC[1]
        assert all(doc.text[c.start:c.end] == c.text for c in chunks)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert doc.meta.local_authority in plan.councils and doc.meta.date and doc.meta.visit_dates[-1] < doc.meta.date
    again = corpus.vectors(plan, source, 1, 2)
    assert np.array_equal(again, batch[1][2])
    assert corpus.position(plan, batch[2][1][5].chunk_id) == plan.first[2] + 5


def test_exact_search_matches_brute_force_over_every_vector(source, plan):
    every = corpus.vectors(plan, source, 0, plan.documents)
    queries = every[[5, 700, 1900]] + 0.01
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    settings = filter_settings(plan)
    masks = [corpus.allowed(plan, s.filters.local_authorities, s.filters.doc_types, s.filters.date_from)
             for s in settings]
    assert [int(m.sum()) for m in masks] == [s.chunks for s in settings]
    found = corpus.exact_top(plan, source, queries, masks, k=10, block_docs=7)
    for mask, (where, scores) in zip(masks, found):
        scored = np.where(mask, queries @ every.T, -np.inf)
        want = np.argsort(-scored, axis=1, kind="stable")[:, :10]
        assert np.array_equal(where[:, :mask.sum()], want[:, :mask.sum()])
        assert np.allclose(scores[np.isfinite(scores)], np.take_along_axis(scored, want, 1)[np.isfinite(scores)])
        assert recall_at(where.tolist(), where) == 1.0


def test_recall_counts_the_exact_top_k_found():
    truth = np.array([[1, 2, 3, 4], [5, 6, -1, -1]])
    assert recall_at([[1, 2, 3, 4], [6, 5, 9]], truth, k=4) == 1.0
    assert recall_at([[1, 9, 3, 8], [5, 7, 8, 9]], truth, k=4) == pytest.approx((2 / 4 + 1 / 2) / 2)


def test_a_report_of_both_backends(source, plan, postgres, tmp_path):
    settings = filter_settings(plan)
    questions = read_questions(QUESTION_FILES, set(), 4)
    journal = Journal(tmp_path / "bench.lock")
    embedded, queries, top = bench_embedded(tmp_path / "embedded", plan, source, questions, settings, 1, journal,
                                            write_docs=20)
    database, _, database_top = bench_postgres(Postgres(postgres.server), plan, source, questions, settings, 1,
                                               journal, hnsw_slice=300, write_docs=20)
    assert len(queries.questions) == 4 and queries.vectors.shape == (4, corpus.DIM)
    assert embedded["ingest"][0]["chunks"] == CHUNKS and embedded["ingest"][0]["writes"] == 3
    assert [i["chunks"] for i in database["ingest"]][1] == CHUNKS and database["ingest"][0]["chunks"] >= 300
    assert database["build"]["create_index_s"] > 0 and database["disk_bytes"]["chunks_embedding"] > 0
    assert embedded["disk_bytes"]["total"] > 0 and database["memory"]["after_load"]["server_pss_mib"] > 0
    for report in (embedded, database):
        for setting in settings:
            for kind in KINDS:
                figure = report["latency"][setting.name][kind]
                assert 0 < figure["p50_ms"] <= figure["p95_ms"] and len(figure["runs_p50_ms"]) == 1
    names = [p.name for p in journal.phases]
    assert names[0] == "embedded ingest" and "postgres CREATE INDEX" in names
    assert all(p.load_1m >= 0 for p in journal.phases)
    masks = [corpus.allowed(plan, s.filters.local_authorities, s.filters.doc_types, s.filters.date_from)
             for s in settings]
    truth = corpus.exact_top(plan, source, queries.vectors, masks)
    for setting, (exact, _) in zip(settings, truth):
        assert recall_at(top[setting.name], exact) == 1.0  # 2,000 vectors: the folder searches exactly
        if setting.chunks < 20_000 and setting.name != "unfiltered":  # PostgreSQL too, from the btrees
            assert recall_at(database_top[setting.name], exact) == 1.0
        assert 0 <= recall_at(database_top[setting.name], exact) <= 1
