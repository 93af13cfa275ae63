"""The vector store: exact below its threshold, HNSW above it, ids, removal, filters and files kept right;
a base and a delta answering as one store, segments replaying a write's changes, compaction changing nothing.

Real FAISS on small clustered corpora, with the threshold lowered so the HNSW path runs on 5,000 vectors.
"""

import numpy as np
import pytest

import index.vectors as vectors_module
from eval.bench_scale import exact_top, make_corpus, make_queries, recall
from index.errors import IndexDamaged
from index.vectors import Changes, Segment, VectorStore, filtered_ef

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
        if store.compaction_due:  # as the index does after a write
            store.compact()
    path = tmp_path_factory.mktemp("vectors") / "vectors.faiss"
    store.save(path)
    assert store.kind == "hnsw" and store.delta_count == 0
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


def test_the_store_switches_to_hnsw_at_the_compaction_past_the_threshold(corpus):
    x, ids, _ = corpus
    store = VectorStore(DIM, threshold=THRESHOLD)
    kinds = []
    for s in range(0, 3000, 500):
        store.add(ids[s:s + 500].tolist(), x[s:s + 500])
        assert store.kind == "flat" or s > 2000  # adding alone never changes the kind
        if store.compaction_due:
            store.compact()
        kinds.append((len(store), store.kind))
    assert kinds == [(500, "flat"), (1000, "flat"), (1500, "flat"), (2000, "flat"), (2500, "hnsw"), (3000, "hnsw")]
    assert store.delta_count == 500  # the last 500 came after the switch, into the delta
    assert sorted(store.ids().tolist()) == ids[:3000].tolist()
    assert np.allclose(store.vectors(ids[[0, 2499, 2999]]), x[[0, 2499, 2999]])
    assert np.allclose(store.vector(int(ids[2999])), x[2999]) and np.allclose(store.vector(int(ids[0])), x[0])


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
    assert store.tombstones == 1500 and store.compaction_due
    store.compact()
    assert store.kind == "hnsw" and store.tombstones == 0 and len(store) == N - 1500
    assert not store.compaction_due
    assert sorted(store.ids().tolist()) == ids[1500:].tolist()
    assert recall(top_ids(store, queries), ids[1500:][exact_top(x[1500:], queries)]) >= 0.95
    store.remove(ids[1500:4100].tolist())  # 900 left: below half the threshold
    assert store.kind == "hnsw" and store.compaction_due
    store.compact()
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


# --- a base and a delta, segments and compaction ------------------------------------------------------


def split_store(corpus, base=1_000, delta=500, delta_limit=50_000) -> VectorStore:
    """A flat base of the first `base` vectors (compacted) and a delta of the next `delta`."""
    x, ids, _ = corpus
    store = VectorStore(DIM, threshold=THRESHOLD, delta_limit=delta_limit)
    store.add(ids[:base], x[:base])
    store.compact()
    store.add(ids[base:base + delta], x[base:base + delta])
    assert store.kind == "flat" and store.delta_count == delta and len(store) == base + delta
    return store


def brute_force(x, ids, live: np.ndarray, q, k=10):
    """Exact top-k (ids, scores) over the rows `live` (a boolean mask), by numpy."""
    scores = x[live] @ q
    best = np.argsort(-scores)[:k]
    return ids[live][best].tolist(), scores[best]


def test_search_over_base_and_delta_is_exact_below_the_threshold(corpus):
    x, ids, queries = corpus
    store = split_store(corpus)
    gone = ids[[3, 40, 999, 1000, 1200, 1499]]  # from the base and from the delta
    store.remove(gone)
    live = np.isin(np.arange(N), np.arange(1500)) & ~np.isin(ids, gone)
    assert len(store) == live.sum() and sorted(store.ids().tolist()) == sorted(ids[live].tolist())
    rng = np.random.default_rng(3)
    allowed = rng.choice(ids[:1500], 400, replace=False)  # both halves, and some removed ids
    allowed = np.concatenate([allowed, gone[:3]])
    for q in queries[:20]:
        got = store.search(q, 10)
        want, scores = brute_force(x, ids, live, q)
        assert [i for i, _ in got] == want
        assert np.allclose([s for _, s in got], scores, atol=1e-5)
        got = store.search(q, 10, allowed.tolist())
        want, scores = brute_force(x, ids, live & np.isin(ids, allowed), q)
        assert [i for i, _ in got] == want
        assert np.allclose([s for _, s in got], scores, atol=1e-5)
    assert np.allclose(store.vectors(ids[[0, 1001, 998, 1499 - 1]]), x[[0, 1001, 998, 1498]])
    with pytest.raises(KeyError):
        store.vectors([int(ids[0]), int(gone[4])])


@pytest.mark.parametrize("path", PATHS)
def test_base_and_delta_answer_as_one_store_does(path, corpus, monkeypatch):
    monkeypatch.setattr(vectors_module, *PATHS[path])
    x, ids, queries = corpus
    split = split_store(corpus)
    whole = VectorStore(DIM, threshold=THRESHOLD)
    whole.add(ids[:1500], x[:1500])
    whole.compact()
    allowed = ids[np.random.default_rng(4).choice(1500, 150, replace=False)].tolist()
    for q in queries[:20]:
        for among in (None, allowed):
            a, b = split.search(q, 10, among), whole.search(q, 10, among)
            assert [i for i, _ in a] == [i for i, _ in b]
            assert np.allclose([s for _, s in a], [s for _, s in b], atol=1e-6)


@pytest.mark.parametrize("path", PATHS)
def test_an_hnsw_base_with_a_delta_finds_both(path, corpus, hnsw_file, monkeypatch):
    monkeypatch.setattr(vectors_module, *PATHS[path])
    x, ids, queries = corpus
    store = hnsw_store(hnsw_file)
    store.remove(ids[-300:])
    store.add(ids[-300:], x[-300:])  # back, into the delta
    store.remove(ids[:100])  # tombstones in the base
    assert store.kind == "hnsw" and store.delta_count == 300 and store.tombstones == 400
    live = ids[100:]
    assert recall(top_ids(store, queries), live[exact_top(x[100:], queries)]) >= 0.95
    for i in (N - 300, N - 1):  # a vector of the delta is its own best match
        assert store.search(x[i], 1)[0][0] == ids[i]
        assert store.search(x[i], 1, [int(ids[i]), int(ids[500])])[0][0] == ids[i]
    rows = np.sort(np.random.default_rng(5).choice(np.arange(100, N), 500, replace=False))
    found = top_ids(store, queries, allowed=ids[rows].tolist())
    assert set(found.ravel().tolist()) - {-1} <= set(ids[rows].tolist())
    assert recall(found, ids[exact_top(x, queries, rows=rows)]) >= 0.95


def test_segments_replay_a_store_changed_in_place(corpus, tmp_path):
    x, ids, queries = corpus
    base = tmp_path / "base.faiss"
    split_store(corpus, delta=0).save(base)
    live = VectorStore.load(base, DIM, threshold=THRESHOLD)
    saved = []
    steps = [  # (removed, added) as writes make them; 1003 comes back under its id, as SQLite reuses row ids
        (ids[[5, 6]], ids[1000:1100]),
        (ids[[1003, 1004, 7]], np.concatenate([ids[1100:1150], ids[[1003]]])),
        (ids[[1120]], np.empty(0, np.int64)),
    ]
    for n, (removed, added) in enumerate(steps):
        changes = Changes(DIM)
        changes.remove(removed)
        changes.add(added, x[np.searchsorted(ids, added)])
        live.remove(removed)
        live.add(added, x[np.searchsorted(ids, added)])
        path = tmp_path / f"{n}.seg.npz"
        changes.segment().save(path)
        saved.append(path)
    replayed = VectorStore.load(base, DIM, threshold=THRESHOLD)
    replayed.apply([Segment.load(p, DIM) for p in saved])
    assert sorted(replayed.ids().tolist()) == sorted(live.ids().tolist())
    assert int(ids[1003]) in replayed.ids().tolist() and int(ids[1004]) not in replayed.ids().tolist()
    assert np.array_equal(replayed.vectors(live.ids()), live.vectors(live.ids()))
    for q in queries[:10]:
        assert replayed.search(q, 10) == live.search(q, 10)


def test_a_removal_after_an_addition_takes_it_back_from_the_segment(corpus):
    x, ids, _ = corpus
    changes = Changes(DIM)
    changes.add(ids[:10], x[:10])
    changes.remove(ids[[2, 3]])
    changes.add(ids[[2]], x[[2]])
    segment = changes.segment()
    assert segment.removed.tolist() == sorted(ids[[2, 3]].tolist())
    assert sorted(segment.ids.tolist()) == sorted(set(ids[:10].tolist()) - {int(ids[3])})
    store = VectorStore(DIM)
    store.apply([segment])
    assert sorted(store.ids().tolist()) == sorted(segment.ids.tolist())


def test_compaction_past_the_delta_limit_changes_no_answer(corpus):
    x, ids, queries = corpus
    store = VectorStore(DIM, threshold=THRESHOLD, delta_limit=300)
    compactions = 0
    for s in range(0, 1500, 100):
        store.add(ids[s:s + 100], x[s:s + 100])
        store.remove(ids[[s + 1]])
        assert store.delta_count <= 400
        if store.compaction_due:
            before = [store.search(q, 10) for q in queries[:10]]
            allowed = ids[s - 50:s + 50].tolist()
            filtered = [store.search(q, 5, allowed) for q in queries[:10]]
            store.compact()
            compactions += 1
            assert store.delta_count == 0 and store.kind == "flat"
            assert [store.search(q, 10) for q in queries[:10]] == before
            assert [store.search(q, 5, allowed) for q in queries[:10]] == filtered
    assert compactions == 3  # at 400 vectors in the delta, then 400 more, then 400 more
    assert len(store) == 1500 - 15


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_segment_raises_index_damaged_naming_it(damage, corpus, tmp_path):
    x, ids, _ = corpus
    changes = Changes(DIM)
    changes.add(ids[:40], x[:40])
    path = tmp_path / "vectors-000002.seg.npz"
    changes.segment().save(path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"not a segment" * 100, "empty": b""}[damage])
    with pytest.raises(IndexDamaged, match=r"vectors-000002.seg.npz is not a readable vector file.*python -m ingest"):
        Segment.load(path, DIM)
    with pytest.raises(FileNotFoundError):
        Segment.load(tmp_path / "gone.seg.npz", DIM)


def test_a_segment_of_other_dimensions_is_refused(corpus, tmp_path):
    x, ids, _ = corpus
    changes = Changes(DIM)
    changes.add(ids[:4], x[:4])
    changes.segment().save(tmp_path / "s.seg.npz")
    with pytest.raises(IndexDamaged, match="holds 384-dimensional vectors, expected 768"):
        Segment.load(tmp_path / "s.seg.npz", 768)
