"""Do two indexes of the same documents answer alike? The development sets run on each, side by side.

python -m eval.backends --index var/index --index postgresql://… \\
    --questions eval/data/questions-*.jsonl --claims eval/data/claims-*.jsonl eval/data/press/claims.jsonl

For each index (a folder, or a PostgreSQL address) the questions go through retrieval and evidence
gathering and the claims through assessment, then the held-out figures are computed by the same grouped
cross-validation over councils as `eval.train` and `eval.train_claims`: recall@5, answer evidence,
false abstention, claim verdict accuracy and false contradictions. The table gives each index's figures
and their difference, marked when it is over TOLERANCE; it also gives how often the two indexes put the
same passage first and give a claim the same held-out verdict.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from eval.harness import load_jsonl

TOLERANCE = 0.02
QUESTION_FIGURES = ("recall@5", "answer_evidence", "false_abstention", "verbatim")
CLAIM_FIGURES = ("verdict_accuracy", "false_contradiction_rate")


@dataclass(frozen=True)
class Figures:
    """One index's held-out figures, its first passage for each question and its verdict for each claim."""

    location: str
    figures: dict[str, float]
    first_passages: tuple[str, ...]
    verdicts: tuple[str, ...]


def measure(location: str, questions: list[dict], claims: list[dict], folds: int) -> Figures:
    from eval import train, train_claims
    from index.index import Index
    from ofsted_qa.settings import Settings
    from qa.service import QA

    with Index.open(location, Settings()) as index:
        qa = QA(index)
        runs = train.gather_all(qa, questions) if questions else []
        assessed = train_claims.assess_all(qa, claims) if claims else []
        location = index.location
    figures: dict[str, float] = {}
    if runs:
        pooled, _, _ = train.cross_validate(runs, folds)
        figures.update({k: float(v) for k, v in pooled.items() if isinstance(v, (int, float))})
    verdicts: tuple[str, ...] = ()
    if assessed:
        pooled, _, held_out = train_claims.cross_validate(assessed, folds)
        figures.update({k: float(v) for k, v in pooled.items() if isinstance(v, (int, float))})
        by_claim = {id(run): verdict for run, verdict in held_out}
        verdicts = tuple((by_claim[id(run)] or {}).get("verdict", "missed") for run in assessed)
    first = tuple(run.gathered.hits[0].chunk.chunk_id if run.gathered.hits else "" for run in runs)
    return Figures(location, figures, first, verdicts)


def agreement(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """Share of positions where the two agree."""
    return sum(x == y for x, y in zip(a, b)) / len(a) if a and len(a) == len(b) else None


def report(runs: list[Figures]) -> dict:
    base, other = runs[0], runs[-1]
    names = [k for k in (*QUESTION_FIGURES, *CLAIM_FIGURES) if k in base.figures and k in other.figures]
    rows = {k: {"first": base.figures[k], "second": other.figures[k],
                "difference": other.figures[k] - base.figures[k]} for k in names}
    return {"first": base.location, "second": other.location, "figures": rows,
            "within_tolerance": all(abs(r["difference"]) <= TOLERANCE for r in rows.values()),
            "same_first_passage": agreement(base.first_passages, other.first_passages),
            "same_verdict": agreement(base.verdicts, other.verdicts)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.backends", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append", required=True, help="two indexes: folders or addresses")
    parser.add_argument("--questions", type=Path, nargs="*", default=[])
    parser.add_argument("--claims", type=Path, nargs="*", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the comparison here")
    args = parser.parse_args(argv)
    if len(args.index) != 2:
        parser.error("give --index twice: the two indexes to compare")
    questions = [q for path in args.questions for q in load_jsonl(path)]
    claims = [c for path in args.claims for c in load_jsonl(path)]
    result = report([measure(location, questions, claims, args.folds) for location in args.index])
    print(f"{'held out':28} {'first':>8} {'second':>8} {'diff':>8}")
    for name, row in result["figures"].items():
        mark = "" if abs(row["difference"]) <= TOLERANCE else f"  over {TOLERANCE}"
        print(f"{name:28} {row['first']:8.3f} {row['second']:8.3f} {row['difference']:+8.3f}{mark}")
    for name in ("same_first_passage", "same_verdict"):
        if result[name] is not None:
            print(f"{name:28} {result[name]:8.3f}")
    print(f"first: {result['first']}\nsecond: {result['second']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0 if result["within_tolerance"] else 1


if __name__ == "__main__":
    sys.exit(main())
