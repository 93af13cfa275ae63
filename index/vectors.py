"""Chunk vectors in FAISS, keyed by chunk row id: a base index and a delta of what was added since.

The BASE is the store as last written whole, with FAISS's own format (no pickle). It picks its own
kind as it grows (figures: `python -m eval.bench_scale`):

* up to `threshold` vectors (APPROX_THRESHOLD = 100,000 by default) it searches exactly:
  IndexIDMap2 over IndexFlatIP. Single-threaded that costs ~0.1 ms per 1,000 vectors, so
  10 ms p50 at 100,000 - the point where it hands over.
* past the threshold it is rebuilt once as HNSW (IndexIDMap2 over IndexHNSWFlat, inner product,
  M=32, efConstruction=80; ~20 s for 100,000 vectors on 2 cores) and from then on grows
  incrementally. Searches use efSearch 128 (recall@10 0.96-0.98 at 1M, p50 0.4-0.5 ms), 256 past
  1M vectors. HNSW keeps the full float vectors, so `vector(id)` stays exact and the store can
  always be rebuilt from itself. It costs ~1.8 KB a vector (flat: 1.5 KB). IVF was measured too
  (IVF4000,Flat at 1M: nprobe 16, recall 0.96, p50 1.1 ms) but needs k-means training that takes
  minutes at this size and must be redone as the corpus grows.

The DELTA is a small exact index (IndexIDMap2 over IndexFlatIP) of the vectors added since the base
was written: `add` puts vectors there, `remove` takes them from the delta and the base, and a search
asks both and keeps the best by score. A write therefore costs what it changes: its changes are a
`Segment` (ids removed, then ids added with their vectors) saved on its own, and opening a store
replays the segments written since its base (`apply`). `compact` merges the delta into the base;
only it changes the base's kind or rebuilds it, and `compaction_due` says when it should run: when
the delta passes `delta_limit` (DELTA_LIMIT = 50,000: an exact search over it is ~2.8 ms p50 on one
thread, 20,000 ~1.1 ms, 10,000 ~0.5 ms), or when the base should change kind or be rebuilt.

HNSW cannot delete. A removed id becomes a tombstone: its label in the IndexIDMap2's id map is
set to -1, so it is persisted by faiss.write_index with everything else, never returned (every
search then carries an IDSelector admitting only labels >= 0; the graph still routes through the
node) and no longer reconstructable. When tombstones pass TOMBSTONE_REBUILD of the graph the next
compaction rebuilds it from its live vectors, and it goes back to exact search if it shrinks below
half the threshold.

Filtered search (an allow-list of ids) passes an IDSelector (a bitmap over the row ids) to both
indexes. Exact search needs nothing more. HNSW goes through the graph with efSearch raised as the
filter narrows (see `filtered_ef`), unless the allow-list is narrow enough that gathering the
allowed vectors by id and scoring them exactly is cheaper or the only way to keep recall.
"""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexDamaged

APPROX_THRESHOLD = 100_000  # exact search up to here (p50 ~10 ms single thread), HNSW past it
DELTA_LIMIT = 50_000  # vectors added since the base was written; exact search over them ~2.8 ms p50
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128  # recall@10 0.96 at 1M vectors (0.99 at 100k), p50 0.4 ms
HNSW_EF_SEARCH_LARGE = 256  # past HNSW_LARGE vectors: 0.99 at 1M, p50 0.8 ms
HNSW_LARGE = 1_000_000
# Filtered HNSW search. An allow-list keeping a fraction f of the vectors needs a wider walk:
# efSearch 256 * (0.1 / f) ** 2 keeps recall@10 >= 0.95 at 1M (10%: 256 -> 0.965, 5%: 1024 -> 0.964,
# 3%: 2048 -> 0.975). Past FILTERED_EF_MAX, or when it is cheaper, the allowed vectors are instead
# gathered by id and scored exactly (1M vectors: 10k allowed 5.6 ms, 20k 11 ms, 50k 40 ms).
FILTERED_EF_AT_10_PERCENT = 256
FILTERED_EF_MAX = 4096  # ~17 ms p50 at 1M
GRAPH_MS_PER_EF = 0.0043  # measured cost of a filtered walk per unit of efSearch (1M, one thread)
GATHER_MS_PER_ID = 0.0006  # measured cost of gathering and scoring one allowed vector
BITMAP_MAX_ID = 1 << 26  # allow-lists of ids below this become an IDSelectorBitmap, others an IDSelectorBatch
TOMBSTONE_REBUILD = 0.2  # rebuild the graph when this share of it is removed vectors
TOMBSTONE = -1
_LIVE = (0, np.iinfo(np.int64).max)  # label range a search may return once there are tombstones
_BATCH = 65_536


@dataclass(frozen=True)
class Segment:
    """One write's changes to the vectors: `removed` ids go first, then `ids` come in with `vectors`.

    Saved with numpy (`np.savez`, read back without pickle) as a file of its own, so a write costs
    what it changes rather than the size of the store.
    """

    removed: np.ndarray  # int64
    ids: np.ndarray  # int64
    vectors: np.ndarray  # float32, one row per id

    @property
    def empty(self) -> bool:
        return not len(self.removed) and not len(self.ids)

    def save(self, path: Path) -> None:
        """Write to a temporary file, make it durable and rename it over `path`: never half a file."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.savez(f, removed=self.removed, ids=self.ids, vectors=self.vectors)
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, path)

    @classmethod
    def load(cls, path: Path, dim: int) -> Segment:
        """The segment saved at `path` (FileNotFoundError when there is none, IndexDamaged when unreadable)."""
        path = Path(path)
        try:
            with open(path, "rb") as f, np.load(f, allow_pickle=False) as saved:
                removed, ids, vectors = saved["removed"], saved["ids"], saved["vectors"]
        except FileNotFoundError:
            raise
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as e:
            raise _unreadable(path, e) from e
        if removed.dtype != np.int64 or ids.dtype != np.int64 or vectors.dtype != np.float32 \
                or removed.ndim != 1 or ids.ndim != 1 or vectors.ndim != 2 or len(vectors) != len(ids):
            raise _unreadable(path, ValueError("its arrays are not a segment's"))
        if vectors.shape[1] != dim:
            raise _other_dimensions(path, vectors.shape[1], dim)
        return cls(removed, ids, vectors)


class Changes:
    """A write's changes, gathered while its rows change and turned into one `Segment` at the end."""

    def __init__(self, dim: int):
        self.dim = dim
        self._removed: list[np.ndarray] = []
        self._added: list[tuple[np.ndarray, np.ndarray]] = []

    def remove(self, ids) -> None:
        ids = _as_ids(ids)
        if not len(ids):
            return
        self._removed.append(ids)
        # A segment removes before it adds, so an id removed after being added must leave the additions too.
        self._added = [(i[keep], v[keep]) for i, v in self._added for keep in [~np.isin(i, ids)]]

    def add(self, ids, vectors: np.ndarray) -> None:
        ids = _as_ids(ids)
        if len(ids):
            self._added.append((ids, np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)))

    def segment(self) -> Segment:
        removed = np.unique(np.concatenate(self._removed)) if self._removed else np.empty(0, dtype=np.int64)
        if not self._added:
            return Segment(removed, np.empty(0, dtype=np.int64), np.empty((0, self.dim), dtype=np.float32))
        return Segment(removed, np.concatenate([i for i, _ in self._added]),
                       np.concatenate([v for _, v in self._added]))


class VectorStore:
    """Inner-product search over unit vectors; ids are the chunks' SQLite row ids.

    `index` is the base, a FAISS IndexIDMap2 over IndexFlatIP (exact) or over IndexHNSWFlat
    (approximate); `delta` holds what was added since (IndexIDMap2 over IndexFlatIP). Read
    vectors with `vector(id)` / `vectors(ids)`, whichever holds them.
    """

    def __init__(self, dim: int, index=None, threshold: int = APPROX_THRESHOLD, delta_limit: int = DELTA_LIMIT):
        self.dim = dim
        self.threshold = threshold
        self.delta_limit = delta_limit
        self.index = index if index is not None else _new_flat(dim)
        self.delta = _new_flat(dim)
        self._delta_ids: np.ndarray | None = None  # the delta's ids, sorted; None until asked for
        self._configure()

    # --- persistence -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, dim: int, threshold: int = APPROX_THRESHOLD, missing_ok: bool = True,
             delta_limit: int = DELTA_LIMIT) -> VectorStore:
        """The store saved at `path` as its base; an empty one if there is no file and `missing_ok`."""
        import faiss

        path = Path(path)
        if not path.exists():
            if not missing_ok:
                raise FileNotFoundError(path)
            return cls(dim, threshold=threshold, delta_limit=delta_limit)
        try:
            index = faiss.read_index(str(path))
        except (RuntimeError, MemoryError, OSError, EOFError) as e:
            if not path.exists():  # removed by a writer since we looked: not damage
                raise FileNotFoundError(path) from e
            raise _unreadable(path, e) from e
        if index.d != dim:
            raise _other_dimensions(path, index.d, dim)
        if _inner(index) is None:
            raise IndexDamaged(f"{path} holds a {type(index).__name__} index, which this vector store cannot use. "
                               f"`python -m ingest PATH --index {path.parent}` rebuilds it.")
        return cls(dim, index, threshold, delta_limit)

    def save(self, path: Path) -> None:
        """Compact (see `compact`), then write the base to a temporary file, make it durable and rename
        it over `path`, so a crash never leaves half a file."""
        import faiss

        self.compact()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        _replace(tmp, path)

    def apply(self, segments: list[Segment]) -> None:
        """Replay saved changes in order.

        The delta follows each segment in turn. The base only ever loses ids meanwhile (additions go to
        the delta), so its removals are gathered and made once at the end: the same result, one pass.
        """
        gone = []
        for segment in segments:
            if len(segment.removed):
                self._remove_from_delta(segment.removed)
                gone.append(segment.removed)
            self.add(segment.ids, segment.vectors)
        if gone:
            self._remove_from_base(np.concatenate(gone))

    # --- what is stored ----------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """"flat" (exact) or "hnsw" (approximate): the base's kind."""
        return "hnsw" if self._hnsw else "flat"

    @property
    def tombstones(self) -> int:
        """Removed vectors still in the HNSW graph."""
        return self._dead

    @property
    def delta_count(self) -> int:
        """Vectors added since the base was written."""
        return int(self.delta.ntotal)

    def __len__(self) -> int:
        return int(self.index.ntotal) - self._dead + int(self.delta.ntotal)

    @property
    def ef_search(self) -> int:
        """efSearch for an unfiltered HNSW search (0 when exact)."""
        if not self._hnsw:
            return 0
        return HNSW_EF_SEARCH_LARGE if self.index.ntotal > HNSW_LARGE else HNSW_EF_SEARCH

    def ids(self) -> np.ndarray:
        """Every stored id."""
        labels = _labels(self.index)
        return np.concatenate([labels[labels >= 0] if self._dead else labels, _labels(self.delta)])

    def vector(self, id: int) -> np.ndarray:
        """The stored vector of one id (KeyError if there is none)."""
        if int(id) < 0:
            raise KeyError(id)
        holder = self.delta if self._in_delta(np.array([id], dtype=np.int64))[0] else self.index
        try:
            return holder.reconstruct(int(id))
        except RuntimeError as e:
            raise KeyError(id) from e

    def vectors(self, ids) -> np.ndarray:
        """The stored vectors of `ids`, one row each (KeyError naming the first id not stored)."""
        ids = _as_ids(ids)
        if not len(ids):
            return np.empty((0, self.dim), dtype=np.float32)
        if (ids < 0).any():
            raise KeyError(int(ids[ids < 0][0]))
        in_delta = self._in_delta(ids)
        found = np.empty((len(ids), self.dim), dtype=np.float32)
        try:
            if in_delta.any():
                found[in_delta] = self.delta.reconstruct_batch(ids[in_delta])
            if not in_delta.all():
                found[~in_delta] = self.index.reconstruct_batch(ids[~in_delta])
        except RuntimeError:
            for i in ids:
                self.vector(i)  # raises KeyError for the first missing one
            raise
        return found

    # --- changes -----------------------------------------------------------------------------

    def add(self, ids, vectors: np.ndarray) -> None:
        ids = _as_ids(ids)
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self.delta.add_with_ids(vectors, ids)
        self._delta_ids = None

    def remove(self, ids) -> None:
        ids = _as_ids(ids)
        if not len(ids):
            return
        self._remove_from_delta(ids)
        self._remove_from_base(ids)

    @property
    def compaction_due(self) -> bool:
        """True when `compact` should run: the delta is past its limit, or the base should change kind
        (flat past the threshold, HNSW below half of it) or be rebuilt (too many tombstones)."""
        return (self.delta.ntotal > self.delta_limit or self._kind_wanted() != self.kind
                or self._dead > TOMBSTONE_REBUILD * self.index.ntotal)

    def compact(self) -> None:
        """Merge the delta into the base, rebuilding the base when its kind should change or its graph
        holds too many tombstones; otherwise the base grows in place (HNSW: incrementally)."""
        kind = self._kind_wanted()
        added = (_labels(self.delta), _storage(self.delta, self.dim)) if self.delta.ntotal else None
        if kind != self.kind or self._dead > TOMBSTONE_REBUILD * self.index.ntotal:
            self._rebuild(kind, added)
        elif added is not None:
            self.index.add_with_ids(np.ascontiguousarray(added[1]), added[0])
        self.delta = _new_flat(self.dim)  # only now: `added` were views of the old one
        self._delta_ids = None

    # --- search ------------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, allowed=None) -> list[tuple[int, float]]:
        """Best `k` (id, cosine) pairs for one unit query vector, among `allowed` ids if given."""
        if len(self) == 0 or k <= 0 or (allowed is not None and not len(allowed)):
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is None:
            return _best(self._search_base(q, k) + _search_flat(self.delta, q, k), k)
        allowed = _as_ids(allowed)
        ef = filtered_ef(len(allowed), len(self), self.ef_search) if self._hnsw else 0
        if ef is None:
            return self._search_among(q, k, allowed)
        sel = _selector(allowed)  # tombstones (label -1) are never in an allow-list: skipped too
        k = min(k, len(allowed))
        return _best(self._search_base(q, k, sel, ef) + _search_flat(self.delta, q, k, sel), k)

    def _search_base(self, q: np.ndarray, k: int, sel=None, ef: int = 0) -> list[tuple[int, float]]:
        import faiss

        live = int(self.index.ntotal) - self._dead
        if not live:
            return []
        k = min(k, live)
        if not self._hnsw:
            return _search_flat(self.index, q, k, sel)
        # faiss's stubs lack SearchParametersHNSW and the keyword arguments its SWIG classes take
        if sel is not None:
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(ef, k))  # type: ignore[attr-defined]
        else:
            params = faiss.SearchParametersHNSW(efSearch=self.ef_search)  # type: ignore[attr-defined]
            if self._dead:
                sel = faiss.IDSelectorRange(*_LIVE)  # kept referenced here while the search runs
                params.sel = sel
        scores, ids = self.index.search(q, k, params=params)
        return _pairs(ids[0], scores[0])

    def _search_among(self, q: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        """Exact search among a short allow-list, by scoring the allowed vectors themselves."""
        import faiss

        allowed = np.unique(allowed)
        allowed = allowed[allowed >= 0]
        in_delta = self._in_delta(allowed)
        parts = [_gather(index, part) for index, part in ((self.index, allowed[~in_delta]),
                                                          (self.delta, allowed[in_delta])) if len(part)]
        ids = np.concatenate([i for i, _ in parts]) if parts else np.empty(0, dtype=np.int64)
        if not len(ids):
            return []
        vecs = np.concatenate([v for _, v in parts])
        scores, rows = faiss.knn(q, vecs, min(k, len(ids)), metric=faiss.METRIC_INNER_PRODUCT)
        keep = rows[0] >= 0
        return _pairs(ids[rows[0][keep]], scores[0][keep])

    # --- internals ---------------------------------------------------------------------------

    def _in_delta(self, ids: np.ndarray) -> np.ndarray:
        """For each of `ids`, whether the delta holds it."""
        if not self.delta.ntotal:
            return np.zeros(len(ids), dtype=bool)
        if self._delta_ids is None:
            self._delta_ids = np.sort(_labels(self.delta))
        held = self._delta_ids
        return held[np.searchsorted(held, ids).clip(max=len(held) - 1)] == ids

    def _remove_from_delta(self, ids: np.ndarray) -> None:
        if self.delta.ntotal and self._in_delta(ids).any():
            self.delta.remove_ids(ids)
            self._delta_ids = None

    def _remove_from_base(self, ids: np.ndarray) -> None:
        if not self._hnsw:
            self.index.remove_ids(ids)
        else:
            self._dead += tombstone(self.index, ids)

    def _kind_wanted(self) -> str:
        if not self._hnsw:
            return "hnsw" if len(self) > self.threshold else "flat"
        return "flat" if len(self) < self.threshold // 2 else "hnsw"

    def _configure(self) -> None:
        import faiss

        self._hnsw = isinstance(_inner(self.index), faiss.IndexHNSW)
        self._dead = int((_labels(self.index) == TOMBSTONE).sum()) if self._hnsw else 0

    def _rebuild(self, kind: str, extra: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Move every live vector of the base (and `extra`) into a new base of `kind`."""
        index = _new_hnsw(self.dim) if kind == "hnsw" else _new_flat(self.dim)
        for ids, vecs in _stored(self.index, self.dim):
            index.add_with_ids(np.ascontiguousarray(vecs), ids)
        if extra is not None:
            index.add_with_ids(np.ascontiguousarray(extra[1]), extra[0])
        self.index = index
        self._configure()


def filtered_ef(allowed: int, total: int, ef_search: int = HNSW_EF_SEARCH) -> int | None:
    """efSearch for an HNSW search among `allowed` of `total` vectors, or None to score them exactly.

    The walk visits about as many nodes as unfiltered but may return only the allowed share of
    them, so it has to go wider: 256 * (0.1 / share) ** 2 (measured at 1M, see the constants).
    """
    share = min(1.0, max(allowed / max(total, 1), 1e-9))
    ef = max(ef_search, math.ceil(FILTERED_EF_AT_10_PERCENT * (0.1 / share) ** 2))
    if ef > FILTERED_EF_MAX or allowed * GATHER_MS_PER_ID <= ef * GRAPH_MS_PER_EF:
        return None
    return ef


def _selector(allowed: np.ndarray):
    """An IDSelector admitting `allowed` (never TOMBSTONE).

    Row ids are dense, so a bitmap over 0..max(id) is small and far quicker to build than the
    hash set of an IDSelectorBatch (100,000 ids: ~1 ms against ~10 ms).
    """
    import faiss

    top = int(allowed.max())
    if int(allowed.min()) >= 0 and top < BITMAP_MAX_ID:
        bits = np.zeros(top + 1, dtype=bool)
        bits[allowed] = True
        packed = np.packbits(bits, bitorder="little")
        sel = faiss.IDSelectorBitmap(len(packed), faiss.swig_ptr(packed))
        # The selector reads this array: keep it alive with it (an attribute of ours, unknown to faiss's stubs).
        sel.referenced_bitmap = packed  # type: ignore[attr-defined]
        return sel
    allowed = allowed[allowed >= 0]
    return faiss.IDSelectorBatch(len(allowed), faiss.swig_ptr(allowed))


def tombstone(index, ids: np.ndarray) -> int:
    """Relabel every vector with one of `ids` as TOMBSTONE in an IndexIDMap2; how many it relabelled."""
    import faiss

    labels = faiss.vector_to_array(index.id_map)
    hit = np.isin(labels, ids) & (labels != TOMBSTONE)
    count = int(hit.sum())
    if count:
        labels[hit] = TOMBSTONE
        faiss.copy_array_to_vector(labels, index.id_map)
        index.construct_rev_map()  # drops the removed ids (the map keeps one entry for TOMBSTONE)
    return count


def _new_flat(dim: int):
    import faiss

    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def _new_hnsw(dim: int):
    import faiss

    inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    inner.hnsw.efSearch = HNSW_EF_SEARCH
    return faiss.IndexIDMap2(inner)


def _inner(index):
    """The flat or HNSW index inside an IndexIDMap2, or None for anything else."""
    import faiss

    if not isinstance(index, faiss.IndexIDMap2):
        return None
    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexHNSWFlat) and inner.metric_type == faiss.METRIC_INNER_PRODUCT:
        return inner
    if isinstance(inner, faiss.IndexFlat) and inner.metric_type == faiss.METRIC_INNER_PRODUCT:
        return inner
    return None


def _pairs(ids: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
    return [(int(i), float(s)) for i, s in zip(ids, scores) if i >= 0]


def _best(pairs: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """The `k` best of the base's answers followed by the delta's, by score. The sort is stable, so of
    equal scores (a letter and its copy) the base's come first: stored first, as one index would keep them."""
    return sorted(pairs, key=lambda pair: pair[1], reverse=True)[:k]


def _search_flat(index, q: np.ndarray, k: int, sel=None) -> list[tuple[int, float]]:
    """Exact search of an IndexIDMap2 over IndexFlatIP, among the ids `sel` admits if given."""
    import faiss

    if not index.ntotal:
        return []
    k = min(k, int(index.ntotal))
    if sel is None:
        scores, ids = index.search(q, k)
    else:  # faiss's stubs lack the keyword arguments its SWIG classes take
        scores, ids = index.search(q, k, params=faiss.SearchParameters(sel=sel))  # type: ignore[call-arg]
    return _pairs(ids[0], scores[0])


def _gather(index, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of those of `ids` that `index` holds."""
    try:
        return ids, index.reconstruct_batch(ids)
    except RuntimeError:  # some allowed ids have no vector (e.g. rows awaiting repair)
        ids = ids[np.isin(ids, _labels(index))]
        return ids, index.reconstruct_batch(ids) if len(ids) else np.empty((0, index.d), dtype=np.float32)


def _labels(index) -> np.ndarray:
    """The id of every vector an IndexIDMap2 holds, in storage order (TOMBSTONE for removed ones)."""
    import faiss

    return faiss.vector_to_array(index.id_map).astype(np.int64)


def _storage(index, dim: int) -> np.ndarray:
    """Every vector an IndexIDMap2 holds, in storage order: a view of the index's own memory."""
    import faiss

    n = int(index.ntotal)
    inner = _inner(index)
    flat = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
    # faiss's stubs type downcast_index as the base Index; an HNSW index's storage is an IndexFlat
    return faiss.rev_swig_ptr(flat.get_xb(), n * dim).reshape(n, dim)  # type: ignore[union-attr]


def _stored(index, dim: int):
    """(ids, vectors) of every live vector of an IndexIDMap2, in batches, as views of its storage."""
    if not index.ntotal:
        return
    xb = _storage(index, dim)
    labels = _labels(index)
    for s in range(0, len(labels), _BATCH):
        ids, vecs = labels[s:s + _BATCH], xb[s:s + _BATCH]
        live = ids >= 0
        yield (ids, vecs) if live.all() else (ids[live], vecs[live])


def _as_ids(ids) -> np.ndarray:
    return np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)


def _replace(tmp: Path, path: Path) -> None:
    """Rename a written temporary file over `path` and make the rename itself durable."""
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _unreadable(path: Path, error: BaseException) -> IndexDamaged:
    reason = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
    return IndexDamaged(
        f"{path} is not a readable vector file (truncated or corrupted?): {reason}. "
        f"`python -m ingest PATH --index {path.parent}` rebuilds it from the passages in the database."
    )


def _other_dimensions(path: Path, found: int, dim: int) -> IndexDamaged:
    return IndexDamaged(f"{path} holds {found}-dimensional vectors, expected {dim}. "
                        f"`python -m ingest PATH --index {path.parent}` rebuilds it.")
