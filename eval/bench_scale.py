"""python -m eval.bench_scale: how vector search scales to a national index, on synthetic embeddings.

For each corpus size N it builds exact flat search (the baseline), HNSW (M=32) and IVF (Flat and
SQ8, nlist = 4*sqrt(N)) indexes over N synthetic 384-dim unit vectors, and `index.vectors.VectorStore`
itself (added 20,000 at a time, as ingest does, compacted when due and at the end), and measures:
build time; size (faiss.write_index bytes, RSS growth); single-thread search latency p50/p95 for k=10
and recall@10 against exact search, over a sweep of efSearch / nprobe; the same for filtered search
with allow-lists of --filters of the ids (council/year filters), both through the index's own
IDSelectorBatch and by gathering the allowed vectors and scoring them exactly ("subset"); and the
time to remove 100 ids (HNSW: as tombstones).
Figures are medians over --runs runs, each on a fresh corpus. The table picks, per index, the
fastest setting reaching recall@10 >= 0.95.

The corpus is meant to look like sentence embeddings rather than uniform noise: a few thousand
Gaussian clusters of Zipf-like sizes in a random 256-dim subspace with a decaying spectrum, a
shared mean direction (anisotropy) and a little isotropic noise, normalised - fitted to a real
index of MiniLM vectors of Ofsted letters (see make_corpus). Queries are existing vectors plus
noise (cosine ~0.75 to their nearest neighbour, like a question to its best passage).

    python -m eval.bench_scale --sizes 100000 --runs 3 --json bench_100k.json
    python -m eval.bench_scale --sizes 1000000 --runs 1 --hnsw-efc 80 --json bench_1m.json
    python -m eval.bench_scale --table-from bench_100k.json bench_1m.json
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from eval.scale_measure import (
    DIM,
    K,
    exact_top,
    index_bytes,
    make_corpus,
    make_queries,
    recall,
    rss_bytes,
    timed_searches,
)

HNSW_EF_SEARCH = (16, 32, 64, 128, 256)
IVF_NPROBE = (4, 8, 16, 32, 64, 128, 256)
FILTER_FRACTIONS = (0.01, 0.10)
RECALL_TARGET = 0.95
REMOVE_COUNT = 100


# --- the index types -----------------------------------------------------------------------------


def nlist_for(n: int) -> int:
    return max(16, round(4 * math.sqrt(n)))


def build(kind: str, corpus: np.ndarray, ids: np.ndarray, params: dict):
    """Build one index (wrapped so its labels are the ids); returns (index, knob name, inner index)."""
    import faiss

    d = corpus.shape[1]
    if kind == "store":
        from index.vectors import VectorStore

        store = VectorStore(d)
        step = params.get("batch", 20_000)
        for start in range(0, len(corpus), step):  # as ingest adds: batch by batch, compacted when due
            store.add(ids[start:start + step], corpus[start:start + step])
            if store.compaction_due:
                store.compact()
        store.compact()  # all in the base, the index it picks at this size, as after a compaction
        return store, None, store
    if kind == "flat":
        flat = faiss.IndexFlatIP(d)
        index = faiss.IndexIDMap2(flat)
        index.add_with_ids(corpus, ids)
        return index, None, flat
    if kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(d, params["M"], faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = params["efC"]
        index = faiss.IndexIDMap2(hnsw)
        index.add_with_ids(corpus, ids)
        return index, "efSearch", hnsw
    if kind in ("ivf", "ivfsq8"):
        nlist = params["nlist"]
        quantizer = faiss.IndexFlatIP(d)
        ivf: faiss.IndexIVF
        if kind == "ivf":
            ivf = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        else:
            ivf = faiss.IndexIVFScalarQuantizer(quantizer, d, nlist, faiss.ScalarQuantizer.QT_8bit,
                                                faiss.METRIC_INNER_PRODUCT)
        ivf.own_fields = True
        quantizer.this.disown()  # type: ignore[attr-defined]  # SWIG's ownership handle, not in faiss's stubs
        rng = np.random.default_rng(0)
        sample = min(len(corpus), params.get("train_per_list", 40) * nlist)
        ivf.cp.seed = 1234
        ivf.train(corpus[np.sort(rng.choice(len(corpus), sample, replace=False))])
        # reconstruct and remove by id (DirectMap is missing from faiss's stubs)
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
        for s in range(0, len(corpus), 200_000):
            ivf.add_with_ids(corpus[s:s + 200_000], ids[s:s + 200_000])
        return ivf, "nprobe", ivf
    raise ValueError(kind)


def search_fn(kind: str, index, knob: int | None, allowed: np.ndarray | None = None):
    """A callable q -> ids using the index's own (optionally filtered) search."""
    import faiss

    if kind == "store":
        listed = allowed.tolist() if allowed is not None else None  # the app passes a list from SQLite

        def ask(q):
            return np.array([i for i, _ in index.search(q[0], K, listed)], dtype=np.int64)

        return ask

    def run(q):
        sel = faiss.IDSelectorBatch(allowed) if allowed is not None else None
        # faiss's stubs lack SearchParametersHNSW and the keyword arguments its SWIG classes take
        if kind == "flat":
            params = faiss.SearchParameters(sel=sel) if sel is not None else None  # type: ignore[call-arg]
        elif kind == "hnsw":
            params = (faiss.SearchParametersHNSW(sel=sel, efSearch=knob)  # type: ignore[attr-defined]
                      if sel is not None else faiss.SearchParametersHNSW(efSearch=knob))  # type: ignore[attr-defined]
        else:
            params = (faiss.SearchParametersIVF(sel=sel, nprobe=knob)  # type: ignore[call-arg]
                      if sel is not None else faiss.SearchParametersIVF(nprobe=knob))  # type: ignore[call-arg]
        return index.search(q, K, params=params)[1][0]

    return run


def subset_fn(index, allowed: np.ndarray):
    """Filtered search by gathering the allowed vectors (reconstruct_batch) and scoring them exactly."""

    def run(q):
        vecs = index.reconstruct_batch(allowed)
        scores = vecs @ q[0]
        top = np.argpartition(-scores, min(K, len(scores)) - 1)[:K]
        return allowed[top[np.argsort(-scores[top])]]

    return run


def configurations(n: int, hnsw_efc: list[int], kinds: list[str]) -> list[tuple[str, str, dict]]:
    configs: list[tuple[str, str, dict]] = []
    if "flat" in kinds:
        configs.append(("flat", "Flat", {}))
    if "hnsw" in kinds:
        for efc in hnsw_efc:
            configs.append(("hnsw", f"HNSW32,efC{efc}", {"M": 32, "efC": efc}))
    nlist = nlist_for(n)
    if "ivf" in kinds:
        configs.append(("ivf", f"IVF{nlist},Flat", {"nlist": nlist}))
    if "ivfsq8" in kinds:
        configs.append(("ivfsq8", f"IVF{nlist},SQ8", {"nlist": nlist}))
    if "store" in kinds:
        configs.append(("store", "VectorStore", {}))
    return configs


def bench_one(kind: str, params: dict, corpus, ids, queries, truth, filters, knobs_for, log) -> dict:
    """Build, size and search one index over one corpus, then time removing REMOVE_COUNT ids."""
    import faiss

    gc.collect()
    rss0 = rss_bytes()
    t = time.perf_counter()
    index, knob_name, _ = build(kind, corpus, ids, params)
    build_s = time.perf_counter() - t
    gc.collect()
    rss_growth = rss_bytes() - rss0
    faiss_index = index.index if kind == "store" else index
    size, write_s, read_s = index_bytes(faiss_index)
    log(f"    built in {build_s:.1f}s, {size / 2**20:.0f} MiB" + (f" ({index.kind})" if kind == "store" else ""))
    row: dict = {"build_s": build_s, "bytes": size, "rss_growth": rss_growth, "write_s": write_s, "read_s": read_s,
                 "sweep": {}, "filtered": {}}
    knobs = knobs_for(kind) if knob_name else [None]
    for knob in knobs:
        found, p50, p95 = timed_searches(search_fn(kind, index, knob), queries)
        row["sweep"][str(knob)] = {"p50_ms": p50, "p95_ms": p95, "recall": recall(found, truth["all"])}
        log(f"    {knob_name or 'exact'}={knob}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
            f"recall {row['sweep'][str(knob)]['recall']:.3f}")
    for frac, (allowed_ids, ftruth) in filters.items():
        got = {}
        for knob in (knobs_filtered(kind, knobs) if knob_name else [None]):
            found, p50, p95 = timed_searches(search_fn(kind, index, knob, allowed_ids), queries)
            got[f"native:{knob}"] = {"p50_ms": p50, "p95_ms": p95, "recall": recall(found, ftruth)}
            log(f"    filter {frac:.0%} native {knob_name or 'exact'}={knob}: p50 {p50:.2f} ms, "
                f"recall {got[f'native:{knob}']['recall']:.3f}")
        if kind != "store":
            found, p50, p95 = timed_searches(subset_fn(index, allowed_ids), queries)
            got["subset"] = {"p50_ms": p50, "p95_ms": p95, "recall": recall(found, ftruth)}
            log(f"    filter {frac:.0%} subset: p50 {p50:.2f} ms, recall {got['subset']['recall']:.3f}")
        row["filtered"][str(frac)] = got
    row["remove_ms"] = time_removal(kind, index, ids)
    log(f"    remove {REMOVE_COUNT} ids: {row['remove_ms']:.1f} ms")
    del index, faiss_index
    gc.collect()
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return row


def time_removal(kind: str, index, ids: np.ndarray) -> float:
    """Milliseconds to remove REMOVE_COUNT ids (about two letters' chunks), as a re-ingest does.

    HNSW cannot delete, so it is timed the way the store does it: relabelling them as tombstones.
    """
    import faiss

    from index.vectors import tombstone

    gone = np.random.default_rng(99).choice(ids, REMOVE_COUNT, replace=False)
    t = time.perf_counter()
    if kind == "store":
        index.remove(gone.tolist())
    elif kind == "hnsw":
        tombstone(index, gone)
    elif kind == "flat":
        index.remove_ids(gone)
    else:
        index.remove_ids(faiss.IDSelectorArray(gone))
    return (time.perf_counter() - t) * 1000


def knobs_filtered(kind: str, knobs: Sequence[int | None]) -> list[int]:
    """Search settings tried under a filter: a filter keeps only some of what each probe visits."""
    if kind == "hnsw":
        return [64, 256, 1024]
    return [32, 128, 512]


# --- summarising ---------------------------------------------------------------------------------


def median_dict(runs: list[dict]) -> dict:
    """Median, key by key, of nested dicts of numbers."""
    out = {}
    for key, value in runs[0].items():
        if isinstance(value, dict):
            out[key] = median_dict([r[key] for r in runs if key in r])
        else:
            out[key] = statistics.median(r[key] for r in runs)
    return out


def pick(options: dict[str, dict]) -> tuple[str, dict]:
    """The fastest option reaching the recall target, else the one with the best recall."""
    good = [(v["p50_ms"], k) for k, v in options.items() if v["recall"] >= RECALL_TARGET]
    if good:
        key = min(good)[1]
    else:
        key = max(options, key=lambda k: options[k]["recall"])
    return key, options[key]


def markdown(results: list[dict]) -> str:
    fractions = sorted({float(f) for r in results for f in r["median"]["filtered"]})
    lines = [
        "| N | index | runs | build s | file MiB | RSS Δ MiB | knob | p50 ms | p95 ms | recall@10 | "
        + "".join(f"{f:.0%} filter: how | p50 ms | recall | " for f in fractions) + f"remove {REMOVE_COUNT} ms |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|" + "---|---:|---:|" * len(fractions) + "---:|",
    ]
    for r in results:
        m = r["median"]
        key, best = pick(m["sweep"])
        knob = {"flat": "exact", "store": "own choice"}.get(r["kind"], f"{r['knob']}={key}")
        cells = [f"{r['n']:,}", r["label"], str(r["runs"]), f"{m['build_s']:.1f}", f"{m['bytes'] / 2**20:.0f}",
                 f"{m['rss_growth'] / 2**20:.0f}", knob, f"{best['p50_ms']:.2f}", f"{best['p95_ms']:.2f}",
                 f"{best['recall']:.3f}"]
        for frac in fractions:
            if str(frac) not in m["filtered"]:
                cells += ["", "", ""]
                continue
            how, fb = pick(m["filtered"][str(frac)])
            how = how.replace("native:None", "store" if r["kind"] == "store" else "selector")
            how = how.replace("native:", f"selector, {r['knob'] or ''}=")
            cells += [how, f"{fb['p50_ms']:.2f}", f"{fb['recall']:.3f}"]
        cells.append(f"{m['remove_ms']:.1f}" if "remove_ms" in m else "–")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Sweeps (median p50 ms / recall@10 per setting):", ""]
    for r in results:
        parts = [f"{k}: {v['p50_ms']:.2f}/{v['recall']:.3f}" for k, v in r["median"]["sweep"].items()]
        lines.append(f"- {r['n']:,} {r['label']}" + (f" ({r['knob']}) — " + "; ".join(parts) if r["knob"] else ""))
        for frac in fractions:
            if str(frac) not in r["median"]["filtered"]:
                continue
            plain = "store" if r["kind"] == "store" else "selector"
            parts = [f"{k.replace('native:None', plain)}: {v['p50_ms']:.2f}/{v['recall']:.3f}"
                     for k, v in r["median"]["filtered"][str(frac)].items()]
            lines.append(f"  - filter {frac:.0%} — " + "; ".join(parts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_scale", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="runs per size (median reported)")
    parser.add_argument("--runs-large", type=int, default=None,
                        help="runs for sizes above 300,000 (default: --runs)")
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf", "ivfsq8", "store"],
                        choices=["flat", "hnsw", "ivf", "ivfsq8", "store"],
                        help="index types; `store` is index.vectors.VectorStore itself, "
                             "built by adding 20,000 at a time")
    parser.add_argument("--hnsw-efc", type=int, nargs="+", default=[80, 200], help="HNSW efConstruction values")
    parser.add_argument("--hnsw-efc-large", type=int, nargs="+", default=None,
                        help="efConstruction values for sizes above 300,000 (default: --hnsw-efc)")
    parser.add_argument("--filters", type=float, nargs="+", default=list(FILTER_FRACTIONS),
                        help="allow-list sizes to test, as fractions of the ids")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for building")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--table-from", type=Path, nargs="+", metavar="JSON",
                        help="print one table from earlier --json files instead of measuring")
    args = parser.parse_args(argv)
    if args.table_from:
        results = [r for f in args.table_from for r in json.loads(f.read_text())["results"]]
        print(markdown(sorted(results, key=lambda r: r["n"])))
        return 0

    import faiss

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    def knobs_for(kind: str) -> list[int]:
        return list(HNSW_EF_SEARCH) if kind == "hnsw" else list(IVF_NPROBE)

    results = []
    started = time.perf_counter()
    for n in args.sizes:
        large = n > 300_000
        runs = args.runs_large if (large and args.runs_large) else args.runs
        efc = args.hnsw_efc_large if (large and args.hnsw_efc_large) else args.hnsw_efc
        configs = configurations(n, efc, args.kinds)
        per_config: dict[str, list[dict]] = {label: [] for _, label, _ in configs}
        for run in range(runs):
            faiss.omp_set_num_threads(args.threads)
            t = time.perf_counter()
            corpus = make_corpus(n, seed=run)
            queries = make_queries(corpus, args.queries, seed=1000 + run)
            ids = np.sort(np.random.default_rng(run).choice(int(n * 1.25), n, replace=False)).astype(np.int64) + 1
            truth = {"all": ids[exact_top(corpus, queries)]}
            filters = {}
            for frac in args.filters:
                rows = np.sort(np.random.default_rng(run + 7).choice(n, int(n * frac), replace=False))
                filters[frac] = (ids[rows], ids[exact_top(corpus, queries, rows=rows)])
            log(f"N={n:,} run {run + 1}/{runs}: corpus and exact answers in {time.perf_counter() - t:.1f}s")
            for kind, label, params in configs:
                log(f"  {label}")
                per_config[label].append(bench_one(kind, params, corpus, ids, queries, truth, filters, knobs_for, log))
            del corpus
            gc.collect()
        for kind, label, params in configs:
            knob = {"flat": None, "store": None, "hnsw": "efSearch"}.get(kind, "nprobe")
            results.append({"n": n, "kind": kind, "label": label, "params": params, "knob": knob, "runs": runs,
                            "median": median_dict(per_config[label]), "each_run": per_config[label]})
        write_json(args, results, started)  # after each size, so a long run keeps what it finished
    table = markdown(results)
    print(table)
    log(f"total {time.perf_counter() - started:.0f}s")
    write_json(args, results, started)
    return 0


def write_json(args, results: list[dict], started: float) -> None:
    import faiss

    if args.json:
        meta = {"dim": DIM, "k": K, "queries": args.queries, "threads_build": args.threads, "threads_search": 1,
                "faiss": faiss.__version__, "seconds": time.perf_counter() - started, "argv": sys.argv[1:]}
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
