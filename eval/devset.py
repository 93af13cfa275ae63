"""Check a development set before it is used: fields, labels, evidence quotes and held-out councils.

python -m eval.devset check eval/data/questions-*.jsonl --index DIR --heldout heldout_councils.txt

Every evidence quote must stand in its document as the index `DIR` holds it (whitespace and quote
marks aside; `--texts DIR` reads `<doc>.txt` files instead), and no item may be about a held-out council.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import normalise

VERDICTS = ("supported", "contradicted", "not_found")
QUOTE_STATUSES = (None, "verbatim", "altered", "absent")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one line of a set."""

    line: int
    item: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.item}): {self.message}"


def slug(council: str) -> str:
    """'Kensington and Chelsea' -> 'kensington-and-chelsea', the form held-out lists use."""
    return "-".join(council.lower().replace("&", "and").replace(",", " ").split())


def check_items(items: list[dict], texts: dict[str, str], heldout: set[str]) -> list[Problem]:
    """Every problem of a question, claim or press set; an empty list when it can be used."""
    problems: list[Problem] = []
    seen: set[str] = set()
    normalised = {doc: normalise(t).lower() for doc, t in texts.items()}
    for n, item in enumerate(items, 1):
        name = str(item.get("id", "?"))

        def problem(message: str) -> None:
            problems.append(Problem(n, name, message))  # noqa: B023 - used at once

        if name in seen:
            problem("repeated id")
        seen.add(name)
        council = item.get("council")
        if not council:
            problem("no 'council' (needed to group folds)")
        elif slug(council) in heldout:
            problem(f"about a held-out council: {council}")
        text = item.get("question") or item.get("claim")
        if not isinstance(text, str) or not text.strip():
            problem("no 'question' or 'claim' text")
        if "claim" in item:
            if item.get("verdict") not in VERDICTS:
                problem(f"verdict must be one of {VERDICTS}")
            if item.get("quote") not in QUOTE_STATUSES:
                problem(f"quote must be one of {QUOTE_STATUSES}")
        elif "question" in item:
            if not isinstance(item.get("answerable"), bool):
                problem("'answerable' must be true or false")
            elif item["answerable"] != bool(item.get("evidence")):
                problem("answerable questions need evidence; unanswerable ones none")
        for ev in item.get("evidence") or []:
            doc, quote = ev.get("doc"), ev.get("quote", "")
            if doc not in texts:
                problem(f"evidence names no known document: {doc!r}")
            elif normalise(quote).lower() not in normalised[doc]:
                problem(f"evidence quote is not in {doc}: {quote[:60]!r}")
            elif slug(doc.split("__")[0]) in heldout:
                problem(f"evidence from a held-out council's document: {doc}")
    return problems


def load_texts(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in Path(folder).glob("*.txt")}


def indexed_texts(folder: Path) -> dict[str, str]:
    """Each indexed document's text, by id."""
    from index.index import Index

    with Index.open(folder) as index:
        return {d.doc_id: d.text for d in index.documents()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.devset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["check"])
    parser.add_argument("files", nargs="+", type=Path, help="JSON-lines sets")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--index", type=Path, help="an index holding the documents the set cites")
    source.add_argument("--texts", type=Path, help="folder of <doc>.txt, the documents as indexed")
    parser.add_argument("--heldout", type=Path, help="file of held-out council slugs, one a line")
    args = parser.parse_args(argv)
    heldout = set(args.heldout.read_text().split()) if args.heldout else set()
    texts = indexed_texts(args.index) if args.index else load_texts(args.texts)
    bad = 0
    for path in args.files:
        items = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    print(f"{path}: line {n}: not JSON ({e.msg})")
                    bad += 1
        problems = check_items(items, texts, heldout)
        for p in problems:
            print(f"{path}: {p}")
        bad += len(problems)
        print(f"{path}: {len(items)} items, {len(problems)} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
