"""Chunk vectors in FAISS, keyed by chunk row id, saved with FAISS's own format (no pickle).

The store picks its own index as it grows (figures: `python -m eval.bench_scale`):

* up to `threshold` vectors (APPROX_THRESHOLD = 100,000 by default) it searches exactly:
  IndexIDMap2 over IndexFlatIP. Single-threaded that costs ~0.1 ms per 1,000 vectors, so
  10 ms p50 at 100,000 - the point where it hands over.
* past the threshold it rebuilds itself once as HNSW (IndexIDMap2 over IndexHNSWFlat, inner
  product, M=32, efConstruction=80; ~20 s for 100,000 vectors on 2 cores) and from then on
  adds to the graph incrementally. Searches use efSearch 128 (recall@10 0.96-0.98 at 1M, p50
  0.4-0.5 ms), 256 past 1M vectors. HNSW keeps the full float vectors, so `vector(id)` stays
  exact and the store can always be rebuilt from itself. It costs ~1.8 KB a vector (flat: 1.5 KB).
  IVF was measured too (IVF4000,Flat at 1M: nprobe 16, recall 0.96, p50 1.1 ms) but needs
  k-means training that takes minutes at this size and must be redone as the corpus grows.

HNSW cannot delete. A removed id becomes a tombstone: its label in the IndexIDMap2's id map is
set to -1, so it is persisted by faiss.write_index with everything else, never returned (every
search then carries an IDSelector admitting only labels >= 0; the graph still routes through the
node) and no longer reconstructable. When tombstones pass TOMBSTONE_REBUILD of the graph the store
rebuilds from its live vectors, and it goes back to exact search if it shrinks below half the
threshold.

Filtered search (an allow-list of ids) passes an IDSelector (a bitmap over the row ids) to the
index. Exact search needs nothing more. HNSW goes through the graph with efSearch raised as the
filter narrows (see `filtered_ef`), unless the allow-list is narrow enough that gathering the
allowed vectors by id and scoring them exactly is cheaper or the only way to keep recall.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from index.errors import IndexDamaged

APPROX_THRESHOLD = 100_000  # exact search up to here (p50 ~10 ms single thread), HNSW past it
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


class VectorStore:
    """Inner-product search over unit vectors; ids are the chunks' SQLite row ids.

    `index` is the FAISS index itself: IndexIDMap2 over IndexFlatIP (exact) or over
    IndexHNSWFlat (approximate). Read vectors with `vector(id)` / `vectors(ids)`.
    """

    def __init__(self, dim: int, index=None, threshold: int = APPROX_THRESHOLD):
        self.dim = dim
        self.threshold = threshold
        self.index = index if index is not None else _new_flat(dim)
        self._configure()

    # --- persistence -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, dim: int, threshold: int = APPROX_THRESHOLD, missing_ok: bool = True) -> VectorStore:
        """The store saved at `path`; an empty one if there is no file and `missing_ok`."""
        import faiss

        path = Path(path)
        if not path.exists():
            if not missing_ok:
                raise FileNotFoundError(path)
            return cls(dim, threshold=threshold)
        try:
            index = faiss.read_index(str(path))
        except (RuntimeError, MemoryError, OSError, EOFError) as e:
            reason = str(e).strip().splitlines()[0][:300] if str(e).strip() else type(e).__name__
            raise IndexDamaged(
                f"{path} is not a readable vector file (truncated or corrupted?): {reason}. "
                f"`python -m ingest PATH --index {path.parent}` rebuilds it from the passages in the database."
            ) from e
        if index.d != dim:
            raise IndexDamaged(f"{path} holds {index.d}-dimensional vectors, expected {dim}. "
                               f"`python -m ingest PATH --index {path.parent}` rebuilds it.")
        if _inner(index) is None:
            raise IndexDamaged(f"{path} holds a {type(index).__name__} index, which this vector store cannot use. "
                               f"`python -m ingest PATH --index {path.parent}` rebuilds it.")
        return cls(dim, index, threshold)

    def save(self, path: Path) -> None:
        """Write to a temporary file and rename it over `path`, so a crash never leaves half a file."""
        import faiss

        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)

    # --- what is stored ----------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """"flat" (exact) or "hnsw" (approximate)."""
        return "hnsw" if self._hnsw else "flat"

    @property
    def tombstones(self) -> int:
        """Removed vectors still in the HNSW graph."""
        return self._dead

    def __len__(self) -> int:
        return int(self.index.ntotal) - self._dead

    @property
    def ef_search(self) -> int:
        """efSearch for an unfiltered HNSW search (0 when exact)."""
        if not self._hnsw:
            return 0
        return HNSW_EF_SEARCH_LARGE if self.index.ntotal > HNSW_LARGE else HNSW_EF_SEARCH

    def ids(self) -> np.ndarray:
        """Every stored id."""
        labels = self._labels()
        return labels[labels >= 0] if self._dead else labels

    def vector(self, id: int) -> np.ndarray:
        """The stored vector of one id (KeyError if there is none)."""
        if int(id) < 0:
            raise KeyError(id)
        try:
            return self.index.reconstruct(int(id))
        except RuntimeError as e:
            raise KeyError(id) from e

    def vectors(self, ids) -> np.ndarray:
        """The stored vectors of `ids`, one row each (KeyError naming the first id not stored)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        if not len(ids):
            return np.empty((0, self.dim), dtype=np.float32)
        if (ids < 0).any():
            raise KeyError(int(ids[ids < 0][0]))
        try:
            return self.index.reconstruct_batch(ids)
        except RuntimeError:
            for i in ids:
                self.vector(i)  # raises KeyError for the first missing one
            raise

    # --- changes -----------------------------------------------------------------------------

    def add(self, ids, vectors: np.ndarray) -> None:
        if not len(ids):
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        if not self._hnsw and len(self) + len(ids) > self.threshold:
            self._rebuild("hnsw", extra=(ids, vectors))
        else:
            self.index.add_with_ids(vectors, ids)

    def remove(self, ids) -> None:
        if not len(ids):
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        if not self._hnsw:
            self.index.remove_ids(ids)
            return
        self._dead += tombstone(self.index, ids)
        if len(self) < self.threshold // 2:
            self._rebuild("flat")
        elif self._dead > TOMBSTONE_REBUILD * self.index.ntotal:
            self._rebuild("hnsw")

    # --- search ------------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, allowed=None) -> list[tuple[int, float]]:
        """Best `k` (id, cosine) pairs for one unit query vector, among `allowed` ids if given."""
        import faiss

        if len(self) == 0 or k <= 0 or (allowed is not None and not len(allowed)):
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is None:
            k = min(k, len(self))
            if not self._hnsw:
                scores, ids = self.index.search(q, k)
            else:
                # faiss's stubs lack SearchParametersHNSW and the keyword arguments its SWIG classes take
                params = faiss.SearchParametersHNSW(efSearch=self.ef_search)  # type: ignore[attr-defined]
                if self._dead:
                    sel = faiss.IDSelectorRange(*_LIVE)
                    params.sel = sel
                scores, ids = self.index.search(q, k, params=params)
            return _pairs(ids[0], scores[0])
        allowed = np.ascontiguousarray(allowed, dtype=np.int64).reshape(-1)
        ef = filtered_ef(len(allowed), len(self), self.ef_search) if self._hnsw else 0
        if ef is None:
            return self._search_among(q, k, allowed)
        sel = _selector(allowed)  # tombstones (label -1) are never in an allow-list: skipped too
        k = min(k, len(allowed), len(self))
        # faiss's stubs lack SearchParametersHNSW and the keyword arguments its SWIG classes take
        if not self._hnsw:
            scores, ids = self.index.search(q, k, params=faiss.SearchParameters(sel=sel))  # type: ignore[call-arg]
        else:
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(ef, k))  # type: ignore[attr-defined]
            scores, ids = self.index.search(q, k, params=params)
        return _pairs(ids[0], scores[0])

    def _search_among(self, q: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        """Exact search among a short allow-list, by scoring the allowed vectors themselves."""
        import faiss

        allowed = np.unique(allowed)
        allowed = allowed[allowed >= 0]
        try:
            vecs = self.index.reconstruct_batch(allowed)
        except RuntimeError:  # some allowed ids have no vector (e.g. rows awaiting repair)
            allowed = allowed[np.isin(allowed, self.ids())]
            if not len(allowed):
                return []
            vecs = self.index.reconstruct_batch(allowed)
        scores, rows = faiss.knn(q, vecs, min(k, len(allowed)), metric=faiss.METRIC_INNER_PRODUCT)
        keep = rows[0] >= 0
        return _pairs(allowed[rows[0][keep]], scores[0][keep])

    # --- internals ---------------------------------------------------------------------------

    def _labels(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def _configure(self) -> None:
        import faiss

        self._hnsw = isinstance(_inner(self.index), faiss.IndexHNSW)
        self._dead = int((self._labels() == TOMBSTONE).sum()) if self._hnsw else 0

    def _live(self):
        """(ids, vectors) of every live vector, in batches, as views of the index's own storage."""
        import faiss

        n = int(self.index.ntotal)
        if not n:
            return
        inner = _inner(self.index)
        flat = faiss.downcast_index(inner.storage) if self._hnsw else inner
        # faiss's stubs type downcast_index as the base Index; an HNSW index's storage is an IndexFlat
        xb = faiss.rev_swig_ptr(flat.get_xb(), n * self.dim).reshape(n, self.dim)  # type: ignore[union-attr]
        labels = self._labels()
        for s in range(0, n, _BATCH):
            ids, vecs = labels[s:s + _BATCH], xb[s:s + _BATCH]
            live = ids >= 0
            yield (ids, vecs) if live.all() else (ids[live], vecs[live])

    def _rebuild(self, kind: str, extra: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Move every live vector (and `extra`) into a new index of `kind`."""
        index = _new_hnsw(self.dim) if kind == "hnsw" else _new_flat(self.dim)
        for ids, vecs in self._live():
            index.add_with_ids(np.ascontiguousarray(vecs), ids)
        if extra is not None:
            index.add_with_ids(extra[1], extra[0])
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
