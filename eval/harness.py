"""Run question and claim sets against an index and the baseline; score both in one run."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from eval import metrics
from qa.jsonio import answer_json

K = 10


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def run_questions(qa, questions: list[dict]) -> list[dict]:
    """Ask every question; keep the contract's JSON output and the time each took."""
    results = []
    for q in questions:
        started = time.perf_counter()
        answer = qa.ask(q["question"])
        elapsed = time.perf_counter() - started
        results.append({**answer_json(answer), "seconds": elapsed})
    return results


def run_baseline(baseline, questions: list[dict]) -> list[dict]:
    out = []
    for q in questions:
        started = time.perf_counter()
        passages = baseline.search(q["question"], K)
        out.append({"question": q["question"], "passages": passages, "abstained": False, "citations": [],
                    "seconds": time.perf_counter() - started})
    return out


def score_questions(questions: list[dict], results: list[dict], texts: dict[str, str] | None = None) -> dict:
    """Per-kind and overall figures: recall@5/@10, MRR@10, nDCG@10, abstention, verbatim citations, latency."""
    rows = defaultdict(list)
    for q, r in zip(questions, results):
        kind = q.get("kind") or ("unanswerable" if not q.get("answerable", True) else "all")
        row = {"id": q.get("id"), "abstained": bool(r.get("abstained")), "seconds": r.get("seconds", 0.0)}
        if q.get("answerable", True):
            ranks = metrics.evidence_ranks(r["passages"][:K], q["evidence"])
            row.update(answerable=True, ranks=ranks, r5=metrics.recall_at(ranks, 5), r10=metrics.recall_at(ranks, 10),
                       mrr=metrics.mrr_at(ranks), ndcg=metrics.ndcg_at(ranks),
                       shown=metrics.answer_evidence(r.get("citations", []), q["evidence"]), gold=len(q["evidence"]))
        else:
            row.update(answerable=False)
        citations = r.get("citations", [])
        if texts is not None:
            row["citations"] = len(citations)
            row["verbatim"] = sum(1 for c in citations if _verbatim(c, texts.get(c["doc"], "")))
        rows[kind].append(row)
        if kind != "all":
            rows["all"].append(row)
    return {kind: _summary(items) for kind, items in rows.items()}


def _verbatim(citation: dict, text: str) -> bool:
    """A citation's quote stands in its document, and at the offsets it gives when it gives them."""
    offsets = citation.get("start") is not None and citation.get("end") is not None
    return metrics.is_verbatim(citation["quote"], text) and (
        not offsets or text[citation["start"]:citation["end"]] == citation["quote"])


def _summary(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    mean = lambda xs: sum(xs) / len(xs) if xs else None  # noqa: E731
    cited = sum(r.get("citations", 0) for r in rows)
    seconds = [r["seconds"] for r in rows]
    return {
        "n": len(rows),
        "answer_evidence": (sum(r["shown"] for r in answerable) / sum(r["gold"] for r in answerable)
                            if any(r["gold"] for r in answerable) else None),
        "recall@5": mean([r["r5"] for r in answerable]),
        "recall@10": mean([r["r10"] for r in answerable]),
        "mrr@10": mean([r["mrr"] for r in answerable]),
        "ndcg@10": mean([r["ndcg"] for r in answerable]),
        "abstention": mean([1.0 if r["abstained"] else 0.0 for r in unanswerable]),
        "false_abstention": mean([1.0 if r["abstained"] else 0.0 for r in answerable]),
        "citations": cited,
        "verbatim": (sum(r.get("verbatim", 0) for r in rows) / cited) if cited else None,
        "p50_ms": metrics.percentile(seconds, 50) * 1000 if seconds else None,
        "p95_ms": metrics.percentile(seconds, 95) * 1000 if seconds else None,
        "misses": [r["id"] for r in answerable if r["r5"] < 1.0],
        "abstained_on": [r["id"] for r in rows if r["abstained"]],
    }
