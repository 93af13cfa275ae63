"""python -m eval: score the product and the plain LangChain pipeline side by side, in one run."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from eval.harness import load_jsonl, run_baseline, run_questions, score_questions

FIGURES = ("answer_evidence", "recall@5", "recall@10", "mrr@10", "ndcg@10", "abstention", "false_abstention",
           "verbatim", "p50_ms", "p95_ms")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        from eval.bench import main as bench

        return bench(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__,
                                     epilog="`python -m eval bench --help`: the speed benchmark.")
    parser.add_argument("docs", nargs="+", type=Path, help="the documents (files or folders) the sets run against")
    parser.add_argument("--questions", type=Path, action="append", default=[], help="question JSON-lines file(s)")
    parser.add_argument("--claims", type=Path, help="claim JSON-lines file, each claim checked alone")
    parser.add_argument("--press", type=Path, action="append", default=[],
                        help="press folder (articles/ and claims.jsonl): articles checked whole and each claim alone")
    parser.add_argument("--index", type=Path, help="index folder to build/reuse (default: a temporary one)")
    parser.add_argument("--fusion", default="rrf", help="rrf | weighted | dense | keyword")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain pipeline")
    parser.add_argument("--manifest", type=Path, help="manifest.csv of known metadata to score `qa docs` against")
    parser.add_argument("--runtime", choices=["onnx-int8", "torch"], default="onnx-int8",
                        help="how a new index embeds (an existing index keeps its own)")
    parser.add_argument("--llm-model",
                        help="also score written answers from this chat model, beside the extractive ones")
    parser.add_argument("--llm-base-url", help="its OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--llm-provider", default="openai", choices=["openai", "ollama"])
    parser.add_argument("--json", action="store_true", help="also print the whole report as one JSON line")
    parser.add_argument("--save", type=Path, help="write report.json and report.md into this folder")
    args = parser.parse_args(argv)

    from index.index import Index
    from ingest.pipeline import IngestReport, collect_files, ingest
    from ofsted_qa.settings import Settings
    from qa.service import QA

    folder = args.index or Path(tempfile.mkdtemp(prefix="ofsted-eval-"))
    report: dict = {"docs": [str(d) for d in args.docs], "index": str(folder)}
    with Index.open(folder, Settings(embedding_runtime=args.runtime), create=True) as index:
        ingested = ingest(args.docs, index, progress=True)
        report["ingest"] = {"summary": ingested.summary(), "failed": ingested.failed}
        if args.manifest:
            from eval.manifest_check import score_metadata
            from qa.jsonio import document_json

            predicted = {d.doc_id: document_json(d) for d in index.documents()}
            report["metadata"] = score_metadata(predicted, args.manifest)
        qa = QA(index, fusion=args.fusion)
        texts = {d.doc_id: d.text for d in index.documents()}
        files = collect_files(args.docs, IngestReport())
        baseline = None
        if not args.no_baseline:
            from eval.baseline import Baseline

            started = time.perf_counter()
            from index.embedder import load_embedder

            # The plain pipeline embeds with the packaged fp32 weights, as LangChain would.
            baseline = Baseline(files, load_embedder(index.settings.embedding_model, "torch"))
            report["baseline_build_seconds"] = time.perf_counter() - started
        for path in args.questions:
            questions = load_jsonl(path)
            ours = score_questions(questions, run_questions(qa, questions), texts)
            entry = {"ours": ours}
            if baseline:
                entry["langchain"] = score_questions(questions, run_baseline(baseline, questions))
            if args.llm_model:
                entry["generative"] = _generative(qa, questions, args)
            report[path.name if path.name not in report else str(path)] = entry
        from eval.claims import check_claims, check_press, score

        if args.claims:
            claims = load_jsonl(args.claims)
            verdicts, _ = check_claims(qa, claims)
            report[args.claims.name] = {"ours": score(claims, verdicts), "verdicts": verdicts}
        for folder in args.press:
            for how, entry in check_press(qa, folder).items():
                report[f"{folder}: {how}"] = {"ours": entry.pop("figures"), **entry}
    print(render(report))
    if args.json:
        print(json.dumps(report, default=str))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "report.json").write_text(json.dumps(report, indent=2, default=str))
        (args.save / "report.md").write_text(render(report))
    return 0


def _generative(qa, questions: list[dict], args) -> dict:
    """Written answers for every question, scored (support, citation precision, fallbacks, latency)."""
    from dataclasses import replace as with_

    from eval.generation import score_generation
    from ofsted_qa.settings import Settings
    from qa.service import QA

    settings = with_(Settings(), answerer="generative", llm_model=args.llm_model, llm_provider=args.llm_provider,
                     llm_base_url=args.llm_base_url or "")
    writer = QA(qa.index, fusion=args.fusion)
    writer.answerer = writer.make_answerer(settings)
    results = []
    for q in questions:
        started = time.perf_counter()
        answer = writer.ask(q["question"])
        results.append((answer, time.perf_counter() - started))
    return score_generation(writer, questions, results)


def render(report: dict) -> str:
    """A Markdown table per question set: our figures beside the baseline's, by question kind."""
    lines = [f"Ingest: {report['ingest']['summary']}", ""]
    for path, reason in report["ingest"]["failed"]:
        lines.append(f"  failed: {path}: {reason}")
    if "metadata" in report:
        m = report["metadata"]
        lines.append(f"### metadata against the manifest ({m['n']} documents)")
        lines += [f"- {field}: {s['correct']}/{s['total']} = {s['accuracy']:.3f}"
                  for field, s in m["fields"].items() if s["total"]]
        for t, c in m["date_by_doc_type"].items():
            lines.append(f"  - date, {t}: {c['correct']} right, {c['none']} not in the text, "
                         f"{c['wrong']} wrong of {c['total']}")
        lines.append("")
    for name, entry in report.items():
        if not isinstance(entry, dict) or "ours" not in entry:
            continue
        lines.append(f"### {name}")
        if "verdict_accuracy" in entry["ours"]:
            o = entry["ours"]
            r = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
            lines += [f"claims {o['claims']}: extracted {r(o['extracted'])}, "
                      f"verdict accuracy {r(o['verdict_accuracy'])}, "
                      f"false contradictions {o['false_contradictions']} of {o['accurate_claims']} accurate claims, "
                      f"press errors caught {o['press_errors_caught']} of {o['press_errors']}, quote status "
                      f"{r(o['quote_accuracy'])}, right letter {r(o['right_letter'])}; wrong: {o['wrong']}", ""]
            continue
        lines.append("| kind | system | n | " + " | ".join(FIGURES) + " |")
        lines.append("|---" * (len(FIGURES) + 3) + "|")
        for kind in sorted(entry["ours"], key=lambda k: (k != "all", k)):
            for system in ("ours", "langchain"):
                if system not in entry:
                    continue
                s = entry[system][kind]
                cells = ["-" if s[f] is None else f"{s[f]:.2f}" if f not in ("p50_ms", "p95_ms") else f"{s[f]:.0f}"
                         for f in FIGURES]
                lines.append(f"| {kind} | {system} | {s['n']} | " + " | ".join(cells) + " |")
        if "generative" in entry:
            g = entry["generative"]
            share = "-" if g["supported_share"] is None else f"{g['supported_share']:.2f}"
            precision = "-" if g["citations_holding_evidence"] is None else f"{g['citations_holding_evidence']:.2f}"
            fallback = "-" if g["fallback_rate"] is None else f"{g['fallback_rate']:.2f}"
            lines += ["", f"written answers: model asked {g['model_asked']} times; {g['sentences']} sentences, "
                          f"{g['kept']} kept (supported share {share}), {g['dropped_or_flagged']} dropped; "
                          f"citations holding the evidence {precision}; {g['keys_removed']} citation keys removed; "
                          f"fallback rate {fallback}; "
                          f"shown but unsupported on re-check: {len(g['shown_unsupported'])}; "
                          f"p50 {g['p50_ms']:.0f} ms, p95 {g['p95_ms']:.0f} ms", ""]
        misses = entry["ours"]["all"]["misses"]
        lines += ["", f"ours: recall@5 misses {misses}; abstained on {entry['ours']['all']['abstained_on']}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
