"""Synthetic sentence-like embeddings and the measurements the scale benchmark takes of an index."""

from __future__ import annotations

import gc
import math
import os
import tempfile
import time

import numpy as np

DIM = 384
K = 10


# --- synthetic embeddings ------------------------------------------------------------------------


def make_corpus(n: int, dim: int = DIM, clusters: int | None = None, rank: int = 256, seed: int = 0,
                batch: int = 100_000) -> np.ndarray:
    """`n` clustered, anisotropic unit vectors (float32), built in batches to bound memory.

    The constants were fitted to a real index of 13,745 MiniLM chunk vectors of Ofsted letters
    (mean pairwise cosine 0.36 +- 0.13, nearest-neighbour cosine median 0.82, 10th-neighbour 0.75,
    top 10 / 64 principal components 36% / 75% of the variance, norm of the mean vector 0.60);
    at n=13,745 this gives 0.36 +- 0.11, 0.82, 0.76, 39% / 74%, 0.60.
    """
    rng = np.random.default_rng(seed)
    clusters = clusters or max(8, min(4000, n // 25))
    basis, _ = np.linalg.qr(rng.standard_normal((dim, rank)))  # a random rank-`rank` subspace
    spectrum = (1.0 + np.arange(rank)) ** -0.45  # decaying variance along the subspace's axes
    spectrum /= np.linalg.norm(spectrum)
    mean = rng.standard_normal(dim)
    mean *= 0.95 / np.linalg.norm(mean)  # every embedding leans one way, as real ones do
    centres = (rng.standard_normal((clusters, rank)) * spectrum) @ basis.T
    spread = rng.uniform(0.5, 1.0, clusters)  # some topics are tight, some loose
    weights = 1.0 / (1.0 + np.arange(clusters)) ** 0.7  # Zipf-like topic sizes
    weights /= weights.sum()
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, batch):
        m = min(batch, n - start)
        which = rng.choice(clusters, size=m, p=weights)
        local = (rng.standard_normal((m, rank)) * spectrum * spread[which, None]) @ basis.T
        noise = rng.standard_normal((m, dim)) * (0.3 / math.sqrt(dim))
        x = mean + centres[which] + local + noise
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[start:start + m] = x
    return out


def make_queries(corpus: np.ndarray, count: int, noise: float = 0.9, seed: int = 1) -> np.ndarray:
    """`count` unit queries, each an existing vector plus noise (relative to its norm), normalised."""
    rng = np.random.default_rng(seed)
    base = corpus[rng.choice(len(corpus), size=count, replace=False)].astype(np.float64)
    q = base + rng.standard_normal(base.shape) * (noise / math.sqrt(corpus.shape[1]))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return np.ascontiguousarray(q, dtype=np.float32)


def exact_top(corpus: np.ndarray, queries: np.ndarray, k: int = K, rows: np.ndarray | None = None) -> np.ndarray:
    """Positions of the exact top `k` by inner product, over all rows or over `rows` only."""
    sub = corpus if rows is None else corpus[rows]
    found = np.empty((len(queries), k), dtype=np.int64)
    for s in range(0, len(queries), 64):
        scores = queries[s:s + 64] @ sub.T
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        found[s:s + 64] = top if rows is None else rows[top]
    return found


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean fraction of the true top-k found (both as arrays of ids, -1 = nothing)."""
    hits = sum(len(set(f[f >= 0].tolist()) & set(t.tolist())) for f, t in zip(found, truth))
    return hits / truth.size


# --- measuring -----------------------------------------------------------------------------------


def rss_bytes() -> int:
    """Resident memory now, after handing freed heap back to the OS (else one index reuses another's pages)."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed_searches(search, queries: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Run `search(q)` once per query on one thread (faiss and numpy's BLAS); (ids, p50 ms, p95 ms)."""
    import faiss
    from threadpoolctl import threadpool_limits

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    found = np.full((len(queries), K), -1, dtype=np.int64)
    times = []
    try:
        with threadpool_limits(1):
            search(queries[:1])  # warm-up
            for i in range(len(queries)):
                t = time.perf_counter()
                ids = search(queries[i:i + 1])
                times.append(time.perf_counter() - t)
                found[i, :len(ids)] = ids[:K]
    finally:
        faiss.omp_set_num_threads(threads)
    ms = np.array(times) * 1000
    return found, float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def index_bytes(index) -> tuple[int, float, float]:
    """(size on disk, write seconds, read seconds) with faiss.write_index/read_index."""
    import faiss

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.faiss")
        t = time.perf_counter()
        faiss.write_index(index, path)
        written = time.perf_counter() - t
        size = os.path.getsize(path)
        t = time.perf_counter()
        again = faiss.read_index(path)
        read = time.perf_counter() - t
        del again
    return size, written, read
