"""Score answers to aggregate questions against the gold from `eval.aggregate_gold`.

    .venv/bin/python -m eval.aggregate --index /tmp/dev-index [--json]

Per question: precision and recall of the documents the answer cites against the gold
documents, and whether `answer["aggregate"]["count"]` equals the gold count (an answer
without `aggregate` has count None, which is never right).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Score:
    """How one answer fares against its gold."""

    id: str
    kind: str
    precision: float
    recall: float
    count: int | None
    gold_count: int
    cited: int
    gold_docs: int

    @property
    def count_right(self) -> bool:
        return self.count is not None and self.count == self.gold_count

    @property
    def exact(self) -> bool:
        return self.precision == 1.0 and self.recall == 1.0


def cited_docs(answer: dict) -> set[str]:
    """The distinct documents an answer JSON cites."""
    return {c["doc"] for c in answer.get("citations") or [] if c.get("doc")}


def answer_count(answer: dict) -> int | None:
    """The answer's aggregate count, None when it gives none."""
    aggregate = answer.get("aggregate") or {}
    count = aggregate.get("count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def score(question: dict, answer: dict, gold: dict) -> Score:
    """Precision, recall and count of one answer: {a, b} cited for gold {b, c} -> P 0.5, R 0.5.

    Citing nothing scores precision 0 unless the gold is empty too.
    """
    cited, wanted = cited_docs(answer), set(gold["docs"])
    hits = len(cited & wanted)
    precision = hits / len(cited) if cited else float(not wanted)
    recall = hits / len(wanted) if wanted else 1.0
    return Score(question["id"], question.get("kind", ""), precision, recall, answer_count(answer),
                 gold["count"], len(cited), len(wanted))


def summary(scores: list[Score]) -> dict:
    """Mean precision and recall, exact doc sets and right counts, overall and by kind."""
    def figures(group: list[Score]) -> dict:
        n = len(group)
        return {
            "n": n,
            "precision": sum(s.precision for s in group) / n if n else 0.0,
            "recall": sum(s.recall for s in group) / n if n else 0.0,
            "exact": sum(s.exact for s in group),
            "counts_right": sum(s.count_right for s in group),
        }

    kinds = sorted({s.kind for s in scores})
    return {**figures(scores), "by_kind": {k: figures([s for s in scores if s.kind == k]) for k in kinds}}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ask_all(index_folder: Path, questions: list[dict]) -> list[dict]:
    """The product's answer JSON to each question, through its Python API."""
    from index.index import Index
    from qa import jsonio
    from qa.service import QA

    qa = QA(Index.open(index_folder))
    return [jsonio.answer_json(qa.ask(q["question"])) for q in questions]


def table(scores: list[Score]) -> str:
    """The per-question scores as a plain-text table."""
    lines = [f"{'id':8} {'kind':9} {'P':>5} {'R':>5} {'cited':>5} {'gold':>4} {'count':>5} {'gold':>4}"]
    for s in scores:
        count = "-" if s.count is None else str(s.count)
        mark = " ok" if s.count_right else ""
        lines.append(f"{s.id:8} {s.kind:9} {s.precision:5.2f} {s.recall:5.2f} {s.cited:5} {s.gold_docs:4} "
                     f"{count:>5} {s.gold_count:4}{mark}")
    return "\n".join(lines)


def totals(figures: dict) -> str:
    n = figures["n"]
    return (f"mean precision {figures['precision']:.2f}  mean recall {figures['recall']:.2f}  "
            f"P=R=1 {figures['exact']}/{n}  counts right {figures['counts_right']}/{n}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.aggregate", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index folder built from the same documents")
    parser.add_argument("--questions", type=Path, default=DATA / "aggregate.jsonl")
    parser.add_argument("--gold", type=Path, default=DATA / "aggregate-gold.jsonl")
    parser.add_argument("--json", action="store_true", help="print a JSON summary instead of the table")
    args = parser.parse_args(argv)

    questions = load_jsonl(args.questions)
    gold = {g["id"]: g for g in load_jsonl(args.gold)}
    missing = [q["id"] for q in questions if q["id"] not in gold]
    if missing:
        parser.error(f"no gold for {', '.join(missing)}; run python -m eval.aggregate_gold")
    answers = ask_all(args.index, questions)
    scores = [score(q, a, gold[q["id"]]) for q, a in zip(questions, answers)]
    figures = summary(scores)
    if args.json:
        print(json.dumps({**figures, "questions": [{**asdict(s), "count_right": s.count_right} for s in scores]}))
        return 0
    print(table(scores))
    print()
    for kind, group in figures["by_kind"].items():
        print(f"{kind:9} {totals(group)}")
    print(f"{'all':9} {totals(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
