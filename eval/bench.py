"""python -m eval bench: how fast the product is, each figure beside the obvious alternative in the same run.

- ingest: whole processes, `python -m ingest` against the LangChain pipeline (`eval.langchain_ingest`)
  on the same PDFs, alternating, each into a fresh folder: seconds, pages/s, chunks/s, peak memory.
- embed: our encoder against sentence-transformers' `encode` (batch 32) on our chunks, in process,
  and the share of ingest time spent outside embedding.
- queries: `search` and `ask` over the question sets on an index of the PDFs, warm, one thread.
- app: `streamlit run app.py` to the first answer on the page (needs chromium and playwright).
- scale: `python -m eval.bench_scale` on synthetic vectors (slow at 1M: see that module).

Figures are medians over --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=Path, default=SHARED / "ofsted" / "pdf", help="folder of PDFs")
    parser.add_argument("--count", type=int, default=60,
                        help="PDFs for the ingest figures: every n-th file, sorted by name")
    parser.add_argument("--all", action="store_true", help="ingest all the PDFs instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=["ingest", "embed", "queries", "app", "scale"],
                        default=["ingest", "embed", "queries", "app"])
    parser.add_argument("--query-index", type=Path, default=Path(tempfile.gettempdir()) / "ofsted-bench-index",
                        help="index of every PDF for the query figures (built there if missing)")
    parser.add_argument("--questions", type=Path, nargs="+", default=[SHARED / "eval" / "corpus_questions.jsonl"])
    parser.add_argument("--scale-sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)

    every = sorted(args.pdfs.glob("*.pdf"))
    files = every if args.all else every[:: max(1, len(every) // args.count)][: args.count]
    report: dict = {"machine": {"cpus": os.cpu_count()}, "runs": args.runs}
    if "ingest" in args.only or "embed" in args.only:
        report["ingest"], sample_index = bench_ingest(files, args.runs, "ingest" in args.only)
        if "embed" in args.only:
            report["embed"] = bench_embed(sample_index, args.runs, report["ingest"])
        shutil.rmtree(sample_index, ignore_errors=True)
    if "queries" in args.only or "app" in args.only:
        ensure_index(args.query_index, [args.pdfs])
    if "queries" in args.only:
        report["queries"] = bench_queries(args.query_index, args.questions, args.runs)
    if "app" in args.only:
        from eval.bench_app import bench_app

        report["app"] = bench_app(args.query_index, args.runs)
    if "scale" in args.only:
        from eval import bench_scale

        bench_scale.main(["--sizes", *map(str, args.scale_sizes), "--runs", str(args.runs), "--quiet"])
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


# --- processes -------------------------------------------------------------------------------------


# Linux carries a process's peak memory across exec, so a child started straight from this
# (large) process would report this process's peak as its own: a small Python starts it instead.
_STARTER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_process(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak resident MiB, stdout) of one child process; raises if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-c", _STARTER, peak.name, *cmd], stdout=out, stderr=err,
                               cwd=ROOT, env={**os.environ, **(env or {})})
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} … failed ({code}): {err.read().decode()[-2000:]}")
        return seconds, int(peak.read() or 0) / 1024, out.read().decode()


def ensure_index(folder: Path, paths: list[Path]) -> None:
    if not (folder / "index.sqlite").exists():
        print(f"building the query index at {folder} …", file=sys.stderr)
    run_process([sys.executable, "-m", "ingest", *map(str, paths), "--index", str(folder), "--quiet"])


# --- ingest and embedding --------------------------------------------------------------------------


def bench_ingest(files: list[Path], runs: int, with_langchain: bool) -> tuple[dict, Path]:
    """Alternate our ingest and LangChain's on `files`; gives the figures and our last index."""
    from index.embedder import model_path
    from index.onnx_model import int8_model

    int8_model(model_path("sentence-transformers/all-MiniLM-L6-v2"))  # the one-off export is not timed
    ours, theirs = [], []
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    for _ in range(runs):
        shutil.rmtree(folder, ignore_errors=True)
        seconds, peak, _ = run_process([sys.executable, "-m", "ingest", *map(str, files),
                                        "--index", str(folder), "--quiet"])
        with sqlite3.connect(folder / "index.sqlite") as db:
            chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            pages = db.execute("SELECT sum(pages) FROM documents").fetchone()[0]
        ours.append({"seconds": seconds, "peak_mib": peak, "chunks": chunks, "pages": pages})
        if with_langchain:
            seconds, peak, out = run_process([sys.executable, "-m", "eval.langchain_ingest", *map(str, files)])
            theirs.append({"seconds": seconds, "peak_mib": peak, **json.loads(out.strip().splitlines()[-1])})
    result: dict[str, Any] = {"files": len(files), "ours": summarise(ours)}
    if theirs:
        result["langchain"] = summarise(theirs)
        result["speedup"] = result["langchain"]["seconds"] / result["ours"]["seconds"]
    return result, folder


def summarise(runs: list[dict]) -> dict:
    """Medians of each figure, with pages/s and chunks/s per run before the median."""
    for r in runs:
        r["pages_per_s"] = r["pages"] / r["seconds"]
        r["chunks_per_s"] = r["chunks"] / r["seconds"]
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    return {k: statistics.median(r[k] for r in runs) for k in keys} | {"each": [r["seconds"] for r in runs]}


def bench_embed(folder: Path, runs: int, ingest: dict) -> dict:
    """Our encoder (as ingest calls it, sentences included) against plain sentence-transformers."""
    from sentence_transformers import SentenceTransformer

    from index.embedder import Embedder, model_path
    from ingest.sentences import split_sentences

    with sqlite3.connect(folder / "index.sqlite") as db:
        texts = [t for (t,) in db.execute("SELECT text FROM chunks ORDER BY id")]
    spans = [split_sentences(t) for t in texts]
    name = "sentence-transformers/all-MiniLM-L6-v2"
    plain = SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)
    int8, fp32 = Embedder(name, "onnx-int8"), Embedder(name, "torch")
    systems = {
        "ours (onnx-int8)": lambda: int8.embed_with_spans(texts, spans),
        "ours (torch fp32)": lambda: fp32.embed_with_spans(texts, spans),
        "sentence-transformers encode": lambda: plain.encode(texts, batch_size=32, normalize_embeddings=True),
    }
    seconds: dict[str, list[float]] = {k: [] for k in systems}
    for _ in range(runs):
        for label, run in systems.items():
            started = time.perf_counter()
            run()
            seconds[label].append(time.perf_counter() - started)
    result: dict[str, Any] = {
        "chunks": len(texts),
        "systems": {k: {"seconds": statistics.median(v), "chunks_per_s": len(texts) / statistics.median(v)}
                    for k, v in seconds.items()},
    }
    ours = result["systems"]["ours (onnx-int8)"]["seconds"]
    result["share_outside_embedding"] = 1 - ours / ingest["ours"]["seconds"]
    return result


# --- queries ---------------------------------------------------------------------------------------


def bench_queries(folder: Path, question_files: list[Path], runs: int) -> dict:
    """search and ask latency, warm and on one thread, over every question of the sets."""
    import faiss

    from index.index import Index
    from qa.service import QA

    faiss.omp_set_num_threads(1)
    questions = [json.loads(line)["question"]
                 for f in question_files for line in f.read_text().splitlines() if line.strip()]
    with Index.open(folder) as index:
        qa = QA(index)
        for q in questions:  # warm: models loaded, each question seen once
            qa.ask(q)
        timings: dict[str, list[float]] = {"search": [], "ask": []}
        for _ in range(runs):
            for q in questions:
                qa.index.embedder.embed_query.cache_clear()  # each measured query embeds its question again
                started = time.perf_counter()
                qa.search(q)
                timings["search"].append(time.perf_counter() - started)
                qa.index.embedder.embed_query.cache_clear()
                started = time.perf_counter()
                qa.ask(q)
                timings["ask"].append(time.perf_counter() - started)
        chunks = index.chunk_count()
    return {"questions": len(questions), "chunks": chunks,
            **{k: {"p50_ms": 1000 * percentile(v, 50), "p95_ms": 1000 * percentile(v, 95)} for k, v in timings.items()}}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- the report ------------------------------------------------------------------------------------


def render(report: dict) -> str:
    lines = [f"machine: {report['machine']['cpus']} cores; medians of {report['runs']} runs", ""]
    if "ingest" in report:
        i = report["ingest"]
        lines += [f"### ingest of {i['files']} PDFs (whole process)", "",
                  "| system | seconds | pages/s | chunks | chunks/s | peak MiB |", "|---|---:|---:|---:|---:|---:|"]
        for label in ("ours", "langchain"):
            if label in i:
                s = i[label]
                lines.append(f"| {label} | {s['seconds']:.1f} | {s['pages_per_s']:.1f} | {s['chunks']:.0f} | "
                             f"{s['chunks_per_s']:.1f} | {s['peak_mib']:.0f} |")
        if "speedup" in i:
            lines.append(f"\nours is {i['speedup']:.2f}× faster, whole process")
        lines.append("")
    if "embed" in report:
        e = report["embed"]
        lines += [f"### embedding {e['chunks']} chunks (in process)", "",
                  "| encoder | seconds | chunks/s |", "|---|---:|---:|"]
        lines += [f"| {k} | {s['seconds']:.1f} | {s['chunks_per_s']:.1f} |" for k, s in e["systems"].items()]
        lines += [f"\nshare of ingest time outside embedding: {e['share_outside_embedding']:.0%}", ""]
    if "queries" in report:
        q = report["queries"]
        lines += [f"### queries ({q['questions']} questions, {q['chunks']} chunks, warm, one thread)", "",
                  "| operation | p50 ms | p95 ms |", "|---|---:|---:|"]
        lines += [f"| {k} | {q[k]['p50_ms']:.1f} | {q[k]['p95_ms']:.1f} |" for k in ("search", "ask")]
        lines.append("")
    if "app" in report:
        a = report["app"]
        lines += ["### app", "", a["note"] if "note" in a else
                  f"`streamlit run` to the first answer on the page: median {a['seconds']:.1f} s (runs: "
                  + ", ".join(f"{s:.1f}" for s in a["each"]) + ")", ""]
    return "\n".join(lines)
