"""python -m eval.bench_backends: the embedded index against PostgreSQL at a national scale, on one machine.

    python -m eval.bench_backends --chunks 1000000 --json bench_backends.json

Data: --chunks synthetic chunks in documents of 30-40 (`eval.backends_corpus`: real passages of the
development index at --source with a sentence swapped, their stored MiniLM vectors plus Gaussian noise
of sigma 0.025 per dimension, 150 invented councils with Zipf-like shares, realistic kinds and dates),
written through the product's own write path, `Index.write`, under `Index.writing()`.

Per backend it measures:

1. Ingest, in writes of --write-docs documents (~10,500 chunks). Embedded: every chunk (each write
   appends a segment of its vectors; the write that passes the store's delta limit also compacts it
   into a new base file, and that is counted too). PostgreSQL: (a) the first --hnsw-slice chunks
   with the HNSW index in place, as `python -m ingest` writes into a new database; (b) every chunk
   into a second database with the HNSW index dropped, then the index created (`CREATE INDEX`, the
   definition `index.postgres` uses) and `VACUUM ANALYZE`, each timed. Rates count the seconds
   inside `Index.write` only (making the synthetic documents is not counted); the first and last
   tenth of the writes are shown apart, as writes slow while the index grows. The server runs with
   PG_SETTINGS (ALTER SYSTEM, then a restart with pg_ctl).
2. Disk: the folder's files; `pg_database_size` plus the write-ahead log (`pg_ls_waldir`), and the
   sizes of the table and each index. Memory: for the embedded index, the resident memory of this
   process (it holds the vectors) before and after opening the index and its peak during ingest and
   during queries (Linux VmHWM, reset before each); for PostgreSQL, the server's processes summed,
   as RSS (counts shared buffers once per process that touched them) and as PSS (counts them once),
   after loading and at the end of each block of queries.
3. Latency, p50 and p95 in ms over --queries questions (each block after 10 untimed ones), the
   median of --repeats runs, under three filters: none; one council holding ~0.75% of the chunks
   (exact search from its btree in PostgreSQL, an allow-list in the embedded index); monitoring
   visits dated 2022 or later (~7.5%, a widened HNSW walk in both, or exact search where the walk
   comes back short). For each: `dense` (k=50, as `qa.retrieve.search` asks); `keyword` (k=50, the
   phrases `build_query` makes of the question); `hybrid`: `build_query` (which counts the chunks
   using each of the question's terms) then `search` (dense, keyword, fusion, passages, documents;
   k=10), the filter given as the user's own and the question's words not read as filters, so every
   question runs under the same filter. Questions are real ones from the development and evaluation
   sets (none about a held-out council); their vectors are MiniLM's (the index's own model and
   runtime) of `build_query`'s dense text, embedded before timing; embedding one question is timed
   apart ("embed"). The embedded index's `dense` is timed again with FAISS on one OpenMP thread
   ("dense_faiss_one_thread"), as on a busy machine its default of every core waits for a busy one.
4. Recall@10 of `dense` (the first 10 of its 50) against exact search: brute force in numpy over
   the same synthetic vectors, made again from the seed, with the same filter.

Every timed phase (each write loop, the index build, each run of the latency figures) holds an
exclusive lock on /tmp/bench.lock, so no two benchmarks on the machine time at once, and records the
1-minute load average when it starts. Data is built under --folder (PREFIX-embedded, PREFIX-pg),
replaced on each run unless --skip-build, which measures queries on what an earlier run built.
"""

from __future__ import annotations

import argparse
import fcntl
import gc
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eval import backends_corpus as corpus
from eval.devset import slug
from eval.pg_server import Postgres
from index.filters import Filters
from index.index import Index
from ofsted_qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"
QUESTION_FILES = (ROOT / "eval" / "data" / "questions-1.jsonl", ROOT / "eval" / "data" / "questions-2.jsonl",
                  ROOT / "eval" / "data" / "questions-3.jsonl", SHARED_EVAL / "corpus_questions.jsonl",
                  SHARED_EVAL / "questions.jsonl")
LOCK = Path("/tmp/bench.lock")
DENSE_K = 50  # what qa.retrieve.search asks each ranking for (CANDIDATES)
HITS_K = 10
RECALL_K = 10
COUNCIL_SHARE = 0.0075  # the council filter: the council whose share of chunks is nearest this
VISITS_FROM = "2022-01-01"
WRITE_DOCS = 300
HNSW_SLICE = 50_000
WARM_UP = 10  # untimed queries before each timed block
PG_SETTINGS = {"shared_buffers": "4GB", "maintenance_work_mem": "4GB", "max_parallel_maintenance_workers": "1",
               "max_wal_size": "4GB"}
KINDS = ("dense", "keyword", "hybrid")


@dataclass(frozen=True)
class Setting:
    """One filter the latency and recall figures are taken under."""

    name: str
    filters: Filters
    chunks: int  # how many chunks it allows


@dataclass(frozen=True)
class Latency:
    """p50 and p95 in ms: the median over runs, and each run's."""

    p50_ms: float
    p95_ms: float
    runs_p50_ms: tuple[float, ...]
    runs_p95_ms: tuple[float, ...]


@dataclass(frozen=True)
class Ingest:
    """A write loop: chunks and documents written, seconds inside `Index.write`, and rates."""

    what: str
    chunks: int
    documents: int
    writes: int
    seconds: float
    chunks_per_s: float
    first_tenth_chunks_per_s: float
    last_tenth_chunks_per_s: float


@dataclass(frozen=True)
class Phase:
    """A timed phase: how long it waited for the machine's benchmark lock and the load when it began."""

    name: str
    load_1m: float
    waited_s: float


@dataclass
class Journal:
    """The timed phases of a run, in order, each run under the exclusive lock `lock`."""

    lock: Path = LOCK
    phases: list[Phase] = field(default_factory=list)

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Hold the machine's benchmark lock for the phase; note the load average when it starts."""
        with open(self.lock, "a+") as handle:
            asked = time.perf_counter()
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.phases.append(Phase(name, round(os.getloadavg()[0], 2), round(time.perf_counter() - asked, 1)))
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# --- questions and filters ---------------------------------------------------------------------


def read_questions(paths: tuple[Path, ...], heldout: set[str], count: int) -> list[str]:
    """Up to `count` distinct questions, spread evenly over `paths`, none about a held-out council
    (by its 'council' field, its filters or its words)."""
    names = {h.replace("-", " ") for h in heldout}
    found: list[str] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            item = json.loads(line) if line.strip() else {}
            council = item.get("council") or (item.get("filters") or {}).get("local_authority") or ""
            text = item.get("question", "")
            words = " " + " ".join(slug(text).split("-")) + " "
            if text and slug(council) not in heldout and not any(f" {n} " in words for n in names):
                found.append(text)
    found = list(dict.fromkeys(found))
    if len(found) <= count:
        return found
    return [found[int(i)] for i in np.linspace(0, len(found) - 1, count)]


def filter_settings(plan: corpus.Plan) -> tuple[Setting, ...]:
    """No filter; the council nearest COUNCIL_SHARE of the chunks; monitoring visits from VISITS_FROM."""
    sizes = np.bincount(np.repeat(plan.doc_council, np.diff(plan.first)), minlength=len(plan.councils))
    distance = np.where(sizes > 0, np.abs(sizes / plan.chunks - COUNCIL_SHARE), np.inf)
    council = plan.councils[int(np.argmin(distance))]
    visits = Filters(doc_types=("monitoring_visit",), date_from=VISITS_FROM)
    return (Setting("unfiltered", Filters(), plan.chunks),
            Setting("council", Filters(local_authorities=(council,)), int(corpus.allowed(plan, (council,)).sum())),
            Setting("visits_from_2022", visits,
                    int(corpus.allowed(plan, doc_types=visits.doc_types, date_from=VISITS_FROM).sum())))


def allowed_mask(plan: corpus.Plan, setting: Setting) -> np.ndarray:
    f = setting.filters
    return corpus.allowed(plan, f.local_authorities, f.doc_types, f.date_from)


# --- ingest ------------------------------------------------------------------------------------


def batches(start_doc: int, stop_doc: int, docs: int) -> list[tuple[int, int]]:
    """(first, stop) document ranges of `docs` documents each: 0, 10, 3 -> [(0, 3), (3, 6), (6, 9), (9, 10)]"""
    return [(d, min(stop_doc, d + docs)) for d in range(start_doc, stop_doc, docs)]


def write_all(index: Index, plan: corpus.Plan, source: corpus.Source, ranges: list[tuple[int, int]],
              what: str) -> Ingest:
    """Write each range of documents with `Index.write`, timing the writes alone."""
    index.embedder  # noqa: B018 - the model loads (and the vector store is made) before the clock starts
    times: list[tuple[int, float]] = []
    with index.writing():
        for a, b in ranges:
            batch = corpus.documents(plan, source, a, b)
            started = time.perf_counter()
            index.write(batch, abbreviations={}, pipeline="bench")
            times.append((sum(len(c) for _, c, _ in batch), time.perf_counter() - started))
    return summarise_writes(what, times, sum(b - a for a, b in ranges))


def summarise_writes(what: str, times: list[tuple[int, float]], documents: int) -> Ingest:
    """Totals and rates of (chunks, seconds) writes; the first and last tenth of the writes apart."""
    tenth = max(1, len(times) // 10)

    def rate(part: list[tuple[int, float]]) -> float:
        return round(sum(c for c, _ in part) / max(sum(s for _, s in part), 1e-9), 1)

    seconds = sum(s for _, s in times)
    return Ingest(what, sum(c for c, _ in times), documents, len(times), round(seconds, 2), rate(times),
                  rate(times[:tenth]), rate(times[-tenth:]))


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queries:
    """The questions as the retriever sees them, with their vectors."""

    questions: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    vectors: np.ndarray  # (questions, 384)


def prepare_queries(index: Index, questions: list[str]) -> Queries:
    from qa.retrieve import build_query

    built = [build_query(index, q, use_scope=False) for q in questions]
    vectors = np.stack([index.embedder.embed_query(b.dense_text) for b in built]).astype(np.float32)
    return Queries(tuple(questions), tuple(b.phrases for b in built), vectors)


def query_calls(index: Index, queries: Queries, filters: Filters) -> dict[str, Callable[[int], Any]]:
    """kind -> a function running question i the way the product does."""
    from qa.retrieve import build_query, search

    return {
        "dense": lambda i: index.dense(queries.vectors[i], DENSE_K, filters),
        "keyword": lambda i: index.keyword(queries.phrases[i], DENSE_K, filters),
        "hybrid": lambda i: search(index, build_query(index, queries.questions[i], filters, use_scope=False),
                                   k=HITS_K),
    }


def run_block(call: Callable[[int], Any], count: int) -> tuple[list[float], list[Any]]:
    """Each question once after WARM_UP untimed ones: (ms per question, results)."""
    for i in range(min(WARM_UP, count)):
        call(i)
    times, results = [], []
    for i in range(count):
        started = time.perf_counter()
        results.append(call(i))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


def latency(runs: list[list[float]]) -> Latency:
    p50s = tuple(round(float(np.percentile(r, 50)), 2) for r in runs)
    p95s = tuple(round(float(np.percentile(r, 95)), 2) for r in runs)
    return Latency(statistics.median(p50s), statistics.median(p95s), p50s, p95s)


def measure_queries(index: Index, queries: Queries, settings: tuple[Setting, ...], repeats: int,
                    journal: Journal, label: str, memory: Callable[[], dict]) -> tuple[dict, dict, list[dict]]:
    """Latencies by setting and kind, dense top-10 row ids by setting (from the first run), and the memory
    after each block."""
    count = len(queries.questions)
    runs: dict[tuple[str, str], list[list[float]]] = {}
    top: dict[str, list[list[int]]] = {}
    seen = []
    for repeat in range(repeats):
        with journal.timed(f"{label} queries, run {repeat + 1}"):
            for setting in settings:
                for kind, call in query_calls(index, queries, setting.filters).items():
                    times, results = run_block(call, count)
                    runs.setdefault((setting.name, kind), []).append(times)
                    if kind == "dense" and setting.name not in top:
                        top[setting.name] = [[r for r, _ in found[:RECALL_K]] for found in results]
                    seen.append({"block": f"{setting.name} {kind}", **memory()})
    figures = {s.name: {k: asdict(latency(runs[(s.name, k)])) for k in KINDS} for s in settings}
    return figures, top, seen


def dense_one_thread(index: Index, queries: Queries, settings: tuple[Setting, ...], repeats: int,
                     journal: Journal) -> dict:
    """`dense` latencies again with FAISS limited to one OpenMP thread (it uses every core by default, and
    a search then waits for a busy core)."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    runs: dict[str, list[list[float]]] = {}
    try:
        for repeat in range(repeats):
            with journal.timed(f"embedded dense, FAISS on one thread, run {repeat + 1}"):
                for s in settings:
                    times, _ = run_block(query_calls(index, queries, s.filters)["dense"], len(queries.questions))
                    runs.setdefault(s.name, []).append(times)
    finally:
        faiss.omp_set_num_threads(threads)
    return {name: asdict(latency(r)) for name, r in runs.items()}


def embed_latency(index: Index, queries: Queries, journal: Journal, label: str) -> Latency:
    """Embedding each question afresh (the product remembers the last 256)."""
    embedder = index.embedder
    with journal.timed(f"{label} embed"):
        times, _ = run_block(lambda i: embedder.embed([queries.questions[i]]), len(queries.questions))
    return latency([times])


def positions(index: Index, plan: corpus.Plan, rowids: dict[str, list[list[int]]]) -> dict[str, list[list[int]]]:
    """Row ids -> positions in the plan, by their chunk ids."""
    out = {}
    for name, lists in rowids.items():
        chunks = index.chunks(sorted({r for rows in lists for r in rows}))
        out[name] = [[corpus.position(plan, chunks[r].chunk_id) for r in rows] for rows in lists]
    return out


# --- recall, memory and disk ---------------------------------------------------------------------------


def recall_at(found: list[list[int]], truth: np.ndarray, k: int = RECALL_K) -> float:
    """Mean share of each query's exact top k (ignoring -1) found among its first k results."""
    shares = []
    for got, want in zip(found, truth):
        wanted = {int(w) for w in want[:k] if w >= 0}
        if wanted:
            shares.append(len(wanted & set(got[:k])) / len(wanted))
    return round(float(np.mean(shares)), 4) if shares else 1.0


def rss_mib() -> dict:
    """This process's resident memory now and its peak since the last reset, in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": fields.get("VmRSS"), "peak_rss_mib": fields.get("VmHWM")}


def reset_peak() -> None:
    """Start this process's peak resident memory again from now (Linux: clear_refs 5), after handing
    freed memory back to the system."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def folder_bytes(folder: Path) -> dict[str, int]:
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    return {"total": sum(sizes.values()), **sizes}


# --- the backends ------------------------------------------------------------------------------


def bench_embedded(folder: Path, plan: corpus.Plan, source: corpus.Source, questions: list[str],
                   settings: tuple[Setting, ...], repeats: int, journal: Journal, build: bool = True,
                   write_docs: int = WRITE_DOCS) -> tuple[dict, Queries, dict]:
    """Figures for an embedded index in `folder`; the queries and the dense top 10 positions by setting."""
    report: dict = {"backend": "embedded", "location": str(folder)}
    if build:
        shutil.rmtree(folder, ignore_errors=True)
        reset_peak()
        report["ingest"] = [asdict(build_embedded(folder, plan, source, journal, write_docs))]
        report["memory_ingest"] = rss_mib()
    report["disk_bytes"] = folder_bytes(folder)
    reset_peak()
    memory: dict = {"before_open": rss_mib()}
    started = time.perf_counter()
    index = Index.open(folder)
    report["open_s"] = round(time.perf_counter() - started, 2)
    try:
        memory["after_open"] = rss_mib()
        store = getattr(index, "vectors", None)
        report["vector_store"] = {"kind": getattr(store, "kind", None), "ef_search": getattr(store, "ef_search", None),
                                  "vectors": len(store) if store is not None else 0}
        queries = prepare_queries(index, questions)
        memory["after_model"] = rss_mib()
        reset_peak()
        report["latency"], top, _ = measure_queries(index, queries, settings, repeats, journal, "embedded", rss_mib)
        memory["queries"] = rss_mib()
        report["latency"]["embed"] = asdict(embed_latency(index, queries, journal, "embedded"))
        report["dense_faiss_one_thread"] = dense_one_thread(index, queries, settings, repeats, journal)
        report["memory"] = memory
        return report, queries, positions(index, plan, top)
    finally:
        index.close()


def build_embedded(folder: Path, plan: corpus.Plan, source: corpus.Source, journal: Journal,
                   write_docs: int) -> Ingest:
    """Write every document into a new embedded index in `folder` (closed, and its memory let go, after)."""
    with Index.open(folder, Settings(), create=True) as index, journal.timed("embedded ingest"):
        return write_all(index, plan, source, batches(0, plan.documents, write_docs),
                         f"writes of {write_docs} documents")


def bench_postgres(server: Postgres, plan: corpus.Plan, source: corpus.Source, questions: list[str],
                   settings: tuple[Setting, ...], repeats: int, journal: Journal, build: bool = True,
                   hnsw_slice: int = HNSW_SLICE, write_docs: int = WRITE_DOCS) -> tuple[dict, Queries, dict]:
    """Figures for PostgreSQL on `server`; the queries and the dense top 10 positions by setting."""
    from index.postgres import HNSW_EF_CONSTRUCTION, HNSW_M

    report: dict = {"backend": "postgres", "settings": server.settings(), "ingest": []}
    if build:
        if hnsw_slice:
            with Index.open(server.create("bench_hnsw"), Settings(), create=True) as index:
                stop = min(plan.documents, int(np.searchsorted(plan.first, hnsw_slice)))
                with journal.timed("postgres ingest, HNSW in place"):
                    report["ingest"].append(asdict(write_all(
                        index, plan, source, batches(0, stop, write_docs),
                        f"HNSW index in place, writes of {write_docs} documents, first {hnsw_slice} chunks")))
            server.execute("DROP DATABASE bench_hnsw")
        address = server.create("bench")
        with Index.open(address, Settings(), create=True) as index:
            index.embedder  # noqa: B018 - makes the vector column and its HNSW index, dropped for the bulk load
            server.execute("DROP INDEX chunks_embedding", "bench")
            with journal.timed("postgres ingest, no HNSW"):
                report["ingest"].append(asdict(write_all(
                    index, plan, source, batches(0, plan.documents, write_docs),
                    f"HNSW index dropped, writes of {write_docs} documents")))
        notices: list[str] = []
        with journal.timed("postgres CREATE INDEX"):
            started = time.perf_counter()
            server.execute(f"CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_ip_ops) "
                           f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})", "bench", notices)
            built = time.perf_counter() - started
            started = time.perf_counter()
            server.execute("VACUUM ANALYZE", "bench")
        report["build"] = {"create_index_s": round(built, 1), "notices": notices,
                           "vacuum_analyze_s": round(time.perf_counter() - started, 1)}
    report["disk_bytes"] = server.disk("bench")
    memory: dict = {"after_load": server.memory()}
    started = time.perf_counter()
    index = Index.open(server.address("bench"))
    report["open_s"] = round(time.perf_counter() - started, 2)
    try:
        queries = prepare_queries(index, questions)
        memory["after_prepare"] = server.memory()
        report["latency"], top, seen = measure_queries(index, queries, settings, repeats, journal, "postgres",
                                                       server.memory)
        memory["queries_max"] = {key: max(s[key] for s in seen) for key in ("server_rss_mib", "server_pss_mib")}
        memory["client"] = rss_mib()
        report["latency"]["embed"] = asdict(embed_latency(index, queries, journal, "postgres"))
        report["memory"] = memory
        return report, queries, positions(index, plan, top)
    finally:
        index.close()


# --- the run -----------------------------------------------------------------------------------


def corpus_summary(plan: corpus.Plan, source: corpus.Source, neighbours: np.ndarray) -> dict:
    """What the synthetic corpus looks like, beside the real passages it was made from."""
    per_chunk = np.repeat(np.arange(plan.documents), np.diff(plan.first))
    councils = np.bincount(plan.doc_council[per_chunk], minlength=len(plan.councils)) / plan.chunks
    real = source.vectors @ source.vectors.T
    np.fill_diagonal(real, -1)
    real.sort(axis=1)
    return {
        "chunks": plan.chunks, "documents": plan.documents, "councils": len(plan.councils),
        "council_share_max": round(float(councils.max()), 4),
        "council_share_median": round(float(np.median(councils)), 4),
        "doc_types": {t: round(float(np.mean(plan.doc_type == i)), 3) for i, t in enumerate(corpus.DOC_TYPES)},
        "press_share": round(float(plan.doc_press.mean()), 3),
        "source_passages": len(source.texts), "source_documents": len(source.documents),
        "noise_sigma": corpus.NOISE_SIGMA,
        "nearest_neighbour_cosine_median": {"synthetic": round(float(np.median(neighbours[:, 1])), 3),
                                            "real": round(float(np.median(real[:, -1])), 3)},
        "tenth_neighbour_cosine_median": {"synthetic": round(float(np.median(neighbours[:, 10])), 3),
                                          "real": round(float(np.median(real[:, -10])), 3)},
    }


def sample_vectors(plan: corpus.Plan, source: corpus.Source, count: int, seed: int = 7) -> np.ndarray:
    """The vectors of `count` chunks picked at random (one per document picked)."""
    picked = np.random.default_rng(seed).choice(plan.documents, size=min(count, plan.documents), replace=False)
    return np.stack([corpus.vectors(plan, source, int(d), int(d) + 1)[0] for d in picked])


def recall_figures(plan: corpus.Plan, source: corpus.Source, settings: tuple[Setting, ...],
                   runs: dict[str, tuple[Queries, dict]]) -> tuple[dict[str, dict[str, float]], np.ndarray]:
    """Recall@10 by backend and setting; and, for the corpus summary, each sampled chunk's 11 nearest
    cosines (itself first), all from one pass over the vectors when every backend embedded alike."""
    sample = sample_vectors(plan, source, 200)
    masks = [allowed_mask(plan, s) for s in settings]
    everything = np.ones(plan.chunks, dtype=bool)
    recalls: dict[str, dict[str, float]] = {}
    neighbours = None
    truth_for: dict[bytes, list[np.ndarray]] = {}
    for backend, (queries, top) in runs.items():
        key = queries.vectors.tobytes()
        if key not in truth_for:
            stacked = np.vstack([queries.vectors, sample])
            found = corpus.exact_top(plan, source, stacked, [*masks, everything], k=RECALL_K + 1)
            truth_for[key] = [positions[: len(queries.vectors)] for positions, _ in found[:-1]]
            neighbours = found[-1][1][len(queries.vectors):]
        recalls[backend] = {s.name: recall_at(top[s.name], truth) for s, truth in zip(settings, truth_for[key])}
    if neighbours is None:
        neighbours = corpus.exact_top(plan, source, sample, [everything], k=RECALL_K + 1)[0][1]
    return recalls, neighbours


def format_table(report: dict) -> str:
    """The figures as a text table, a row per figure and a column per backend."""
    backends = report["backends"]
    rows: list[tuple[str, ...]] = [("figure", *backends)]

    def row(label: str, *path: str | int) -> None:
        rows.append((label, *(str(_pick(b, path)) for b in backends.values())))

    row("ingest chunks/s", "ingest", 0, "chunks_per_s")
    row("ingest, no HNSW, chunks/s", "ingest", 1, "chunks_per_s")
    row("CREATE INDEX s", "build", "create_index_s")
    row("disk bytes", "disk_bytes", "total")
    row("peak RSS in queries MiB", "memory", "queries", "peak_rss_mib")
    row("server PSS in queries MiB", "memory", "queries_max", "server_pss_mib")
    for setting in report["filters"]:
        name = setting["name"]
        for kind in KINDS:
            row(f"{name} {kind} p50 ms", "latency", name, kind, "p50_ms")
            row(f"{name} {kind} p95 ms", "latency", name, kind, "p95_ms")
        row(f"{name} recall@10", "recall_at_10", name)
    row("embed a question p50 ms", "latency", "embed", "p50_ms")
    width = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, width)) for r in rows)


def _pick(figures: dict, path: tuple[str | int, ...]) -> object:
    """figures[path[0]][path[1]]..., or '-' where there is no such figure."""
    found: object = figures
    for key in path:
        try:
            found = found[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return "-"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_backends", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="prefix of the data folders (default /tmp/bench<size>)")
    parser.add_argument("--json", type=Path, help="write every figure here (also after each backend)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", default="embedded,postgres")
    parser.add_argument("--source", type=Path, default=Path("/tmp/dev-index"), help="embedded index of real letters")
    parser.add_argument("--heldout", type=Path, default=SHARED_EVAL / "heldout_councils.txt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-docs", type=int, default=WRITE_DOCS, help="documents per write")
    parser.add_argument("--hnsw-slice", type=int, default=HNSW_SLICE)
    parser.add_argument("--skip-build", action="store_true", help="measure queries on data an earlier run built")
    args = parser.parse_args(argv)
    label = f"{args.chunks // 1_000_000}m" if args.chunks % 1_000_000 == 0 else f"{args.chunks // 1000}k"
    prefix = str(args.folder or Path("/tmp") / f"bench{label}")

    source = corpus.read_source(args.source)
    plan = corpus.make_plan(source, args.chunks, args.seed)
    settings = filter_settings(plan)
    heldout = set(args.heldout.read_text().split()) if args.heldout.exists() else set()
    questions = read_questions(QUESTION_FILES, heldout, args.queries)
    journal = Journal()
    report: dict = {"command": " ".join(sys.argv), "cpus": os.cpu_count(), "questions": len(questions),
                    "repeats": args.repeats, "filters": [{"name": s.name, "filters": s.filters.describe() or "none",
                                                          "chunks": s.chunks} for s in settings],
                    "backends": {}}
    runs: dict[str, tuple[Queries, dict]] = {}
    for backend in args.backends.split(","):
        print(f"{backend}: {plan.chunks} chunks in {plan.documents} documents", file=sys.stderr, flush=True)
        if backend == "embedded":
            figures, queries, top = bench_embedded(Path(f"{prefix}-embedded"), plan, source, questions, settings,
                                                   args.repeats, journal, not args.skip_build, args.write_docs)
        elif backend == "postgres":
            server = Postgres.start(Path(f"{prefix}-pg"), fresh=not args.skip_build)
            if not args.skip_build:
                server.configure(PG_SETTINGS)
            figures, queries, top = bench_postgres(server, plan, source, questions, settings, args.repeats, journal,
                                                   not args.skip_build, args.hnsw_slice, args.write_docs)
        else:
            parser.error(f"unknown backend {backend!r}; known: embedded, postgres")
        report["backends"][backend] = figures
        runs[backend] = (queries, top)
        report["phases"] = [asdict(p) for p in journal.phases]
        _save(args.json, report)
    recalls, neighbours = recall_figures(plan, source, settings, runs)
    for backend, figures in recalls.items():
        report["backends"][backend]["recall_at_10"] = figures
    report["corpus"] = corpus_summary(plan, source, neighbours)
    _save(args.json, report)
    print(format_table(report))
    return 0


def _save(path: Path | None, report: dict) -> None:
    if path:
        path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
