"""The vector store: exact below its threshold, HNSW above it, ids, removal, filters and files kept right.

Real FAISS on small clustered corpora, with the threshold lowered so the HNSW path runs on 5,000 vectors.
"""

import numpy as np
import pytest

import index.vectors as vectors_module
from eval.bench_scale import exact_top, make_corpus, make_queries, recall
from index.errors import IndexDamaged
from index.vectors import VectorStore, filtered_ef

DIM = 384
N = 5_000
THRESHOLD = 2_000


@pytest.fixture(scope="module")
def corpus():
    x = make_corpus(N, seed=11)
    ids = np.arange(N, dtype=np.int64) * 3 + 7  # row ids, not positions
    queries = make_queries(x, 60, seed=12)
    return x, ids, queries


@pytest.fixture(scope="module")
def hnsw_file(corpus, tmp_path_factory):
    """An HNSW store of the whole corpus, built once and saved; tests load their own copy."""
    x, ids, _ = corpus
    store = VectorStore(DIM, threshold=THRESHOLD)
    for s in range(0, N, 1000):
        store.add(ids[s:s + 1000].tolist(), x[s:s + 1000])
    assert store.kind == "hnsw"
    path = tmp_path_factory.mktemp("vectors") / "vectors.faiss"
    store.save(path)
    return path


def hnsw_store(path) -> VectorStore:
    return VectorStore.load(path, DIM, threshold=THRESHOLD)


def flat_store(corpus, n=1_500) -> VectorStore:
    x, ids, _ = corpus
    store = VectorStore(DIM, threshold=THRESHOLD)
    store.add(ids[:n].tolist(), x[:n])
    assert store.kind == "flat"
    return store


def top_ids(store, queries, k=10, allowed=None):
    rows = [[i for i, _ in store.search(q, k, allowed)] for q in queries]
    return np.array([r + [-1] * (k - len(r)) for r in rows])


def test_below_the_threshold_search_is_exact(corpus):
    x, ids, queries = corpus
    store = flat_store(corpus)
    for q in queries[:20]:
        got = store.search(q, 10)
        scores = x[:1500] @ q
        best = np.argsort(-scores)[:10]
        assert [i for i, _ in got] == ids[best].tolist()
        assert np.allclose([s for _, s in got], scores[best], atol=1e-5)


def test_the_store_switches_to_hnsw_past_the_threshold(corpus):
    x, ids, _ = corpus
    store = VectorStore(DIM, threshold=THRESHOLD)
    kinds = []
    for s in range(0, 3000, 500):
        store.add(ids[s:s + 500].tolist(), x[s:s + 500])
        kinds.append((len(store), store.kind))
    assert kinds == [(500, "flat"), (1000, "flat"), (1500, "flat"), (2000, "flat"), (2500, "hnsw"), (3000, "hnsw")]
    assert sorted(store.ids().tolist()) == ids[:3000].tolist()
    assert np.allclose(store.vectors(ids[[0, 2499, 2999]]), x[[0, 2499, 2999]])


def test_hnsw_recall_at_10_against_exact_search(corpus, hnsw_file):
    x, ids, queries = corpus
    store = hnsw_store(hnsw_file)
    assert store.kind == "hnsw" and len(store) == N
    assert recall(top_ids(store, queries), ids[exact_top(x, queries)]) >= 0.95


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_ids_and_vectors_survive_a_save_and_load(kind, corpus, hnsw_file, tmp_path):
    x, ids, queries = corpus
    store = flat_store(corpus) if kind == "flat" else hnsw_store(hnsw_file)
    path = tmp_path / "vectors.faiss"
    store.save(path)
    again = VectorStore.load(path, DIM, threshold=THRESHOLD)
    assert again.kind == kind and len(again) == len(store)
    assert np.array_equal(np.sort(again.ids()), np.sort(store.ids()))
    assert again.search(queries[0], 10) == store.search(queries[0], 10)
    assert np.allclose(again.vector(int(ids[42])), x[42])
    assert np.allclose(again.index.reconstruct(int(ids[42])), x[42])  # what qa/retrieve.py calls


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_removed_ids_are_gone_for_both_kinds_and_stay_gone_after_saving(kind, corpus, hnsw_file, tmp_path):
    x, ids, queries = corpus
    store = flat_store(corpus) if kind == "flat" else hnsw_store(hnsw_file)
    before = len(store)
    hits = {i for q in queries for i, _ in store.search(q, 10)}
    gone = sorted(hits)[:40] + ids[100:160].tolist()
    store.remove(gone)
    store.remove(gone[:10])  # removing twice changes nothing
    assert len(store) == before - len(set(gone))
    path = tmp_path / "vectors.faiss"
    store.save(path)
    for s in (store, VectorStore.load(path, DIM, threshold=THRESHOLD)):
        assert s.kind == kind and len(s) == before - len(set(gone))
        assert not set(gone) & set(s.ids().tolist())
        assert not set(gone) & {i for q in queries for i, _ in s.search(q, 10)}
        assert all(len(s.search(q, 10)) == 10 for q in queries[:5])
        with pytest.raises(KeyError):
            s.vector(gone[0])
    if kind == "hnsw":
        assert store.tombstones == len(set(gone))
        store.add([gone[0]], x[ids == gone[0]])  # a row id can come back (SQLite reuses the largest)
        assert gone[0] in {i for i, _ in store.search(x[ids == gone[0]][0], 1)}


def test_many_removals_rebuild_the_graph_and_a_small_store_goes_back_to_exact(corpus, hnsw_file):
    x, ids, queries = corpus
    store = hnsw_store(hnsw_file)
    store.remove(ids[:1500].tolist())  # 30% tombstones: past TOMBSTONE_REBUILD
    assert store.kind == "hnsw" and store.tombstones == 0 and len(store) == N - 1500
    assert sorted(store.ids().tolist()) == ids[1500:].tolist()
    assert recall(top_ids(store, queries), ids[1500:][exact_top(x[1500:], queries)]) >= 0.95
    store.remove(ids[1500:4100].tolist())  # 900 left: below half the threshold
    assert store.kind == "flat" and len(store) == 900
    best = np.argsort(-(x[4100:] @ queries[0]))[:5]
    assert [i for i, _ in store.search(queries[0], 5)] == ids[4100:][best].tolist()


# "gathered": every HNSW allow-list scored exactly from its vectors; "graph": through the graph when it can be
PATHS = {"gathered": ("FILTERED_EF_MAX", 0), "graph": ("GATHER_MS_PER_ID", 1e9)}


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("path", PATHS)
def test_allow_lists_return_only_allowed_ids(kind, path, corpus, hnsw_file, monkeypatch):
    monkeypatch.setattr(vectors_module, *PATHS[path])
    x, ids, queries = corpus
    store = flat_store(corpus) if kind == "flat" else hnsw_store(hnsw_file)
    n = len(store)
    rows = np.sort(np.random.default_rng(5).choice(n, n // 10, replace=False))
    allowed = ids[rows].tolist()
    found = top_ids(store, queries, allowed=allowed)
    assert set(found.ravel().tolist()) - {-1} <= set(allowed)
    assert recall(found, ids[exact_top(x[:n], queries, rows=rows)]) >= 0.95
    few = allowed[:3] + [10**9]  # an id with no vector is simply never found
    assert {i for i, _ in store.search(queries[0], 10, few)} == set(allowed[:3])
    assert store.search(queries[0], 10, []) == []


@pytest.mark.parametrize("path", PATHS)
def test_allow_lists_skip_tombstones(path, corpus, hnsw_file, monkeypatch):
    monkeypatch.setattr(vectors_module, *PATHS[path])
    x, ids, _ = corpus
    store = hnsw_store(hnsw_file)
    store.remove(ids[:50].tolist())
    got = {i for i, _ in store.search(x[10], 10, ids[:1000].tolist())}
    assert len(got) == 10 and got <= set(ids[50:1000].tolist())


def test_filtered_hnsw_search_plans_by_the_measured_costs():
    # at 1M vectors: narrow allow-lists are scored exactly, wider ones walk the graph further the narrower they are
    assert filtered_ef(10_000, 1_000_000) is None
    assert filtered_ef(20_000, 1_000_000) is None
    assert filtered_ef(30_000, 1_000_000) == 2845
    assert filtered_ef(50_000, 1_000_000) == 1024
    assert filtered_ef(100_000, 1_000_000) == 256
    assert filtered_ef(500_000, 1_000_000) == 128
    assert filtered_ef(500, 5_000) is None  # small stores: gathering 500 vectors beats any walk


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_file_raises_value_error_naming_it(damage, corpus, hnsw_file, tmp_path):
    data = hnsw_file.read_bytes()
    path = tmp_path / "vectors.faiss"
    path.write_bytes({"truncated": data[: len(data) // 3], "garbage": b"not a faiss index" * 100, "empty": b""}[damage])
    with pytest.raises(IndexDamaged, match="vectors.faiss is not a readable vector file"):
        VectorStore.load(path, DIM)


def test_a_file_of_other_dimensions_is_refused(hnsw_file):
    with pytest.raises(IndexDamaged, match="holds 384-dimensional vectors, expected 768"):
        VectorStore.load(hnsw_file, 768)


def test_a_missing_file_is_an_empty_store(tmp_path):
    store = VectorStore.load(tmp_path / "nothing.faiss", DIM)
    assert len(store) == 0 and store.kind == "flat" and store.search(np.ones(DIM, np.float32), 5) == []
