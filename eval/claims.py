"""Score claim checks: single claims, and whole press articles whose claims the checker must find itself.

python -m eval.claims --index DIR [--claims FILE ...] [--press DIR ...] [--save FILE]

A press folder holds `articles/` and `claims.jsonl` (see ../shared/eval/press). For articles, a
labelled claim the checker did not pick out counts as wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

from eval.harness import load_jsonl
from eval.metrics import percentile

MATCH = 0.6  # share of a labelled claim's characters an extracted claim must cover to be that claim


def score(items: list[dict], verdicts: Sequence[dict | None]) -> dict:
    """Verdict accuracy (a missed claim is wrong), false contradictions, press errors caught, quote status,
    the right letter named, and claims extracted."""
    n = len(items)
    found = [v is not None for v in verdicts]
    right = [v is not None and v["verdict"] == c["verdict"] for c, v in zip(items, verdicts)]
    accurate = [(c, v) for c, v in zip(items, verdicts) if c["verdict"] == "supported"]
    errors = [(c, v) for c, v in zip(items, verdicts) if c["verdict"] == "contradicted"]
    quoted = [(c, v) for c, v in zip(items, verdicts) if c.get("quote")]
    lettered = [(c, v) for c, v in zip(items, verdicts) if c.get("doc") and c["verdict"] != "not_found"]
    confusion = Counter((c["verdict"], v["verdict"] if v else "missed") for c, v in zip(items, verdicts))
    share = lambda a, b: a / b if b else None  # noqa: E731
    return {
        "claims": n,
        "extracted": share(sum(found), n),
        "verdict_accuracy": share(sum(right), n),
        "false_contradictions": sum(1 for _, v in accurate if v and v["verdict"] == "contradicted"),
        "accurate_claims": len(accurate),
        "false_contradiction_rate": share(sum(1 for _, v in accurate if v and v["verdict"] == "contradicted"),
                                          len(accurate)),
        "press_errors": len(errors),
        "press_errors_caught": sum(1 for _, v in errors if v and v["verdict"] == "contradicted"),
        "quote_accuracy": share(sum(1 for c, v in quoted if v and v.get("quote_status") == c["quote"]), len(quoted)),
        "right_letter": share(sum(1 for c, v in lettered
                                  if v and v["evidence"] and v["evidence"][0]["doc"] == c["doc"]),
                              len(lettered)),
        "confusion": {f"{a}->{b}": k for (a, b), k in sorted(confusion.items())},
        "wrong": [c.get("id") for c, ok in zip(items, right) if not ok],
    }


def check_claims(qa, items: list[dict]) -> tuple[list[dict], list[float]]:
    """Each claim checked alone, as `qa check --batch` does."""
    from qa.jsonio import verdict_json

    out, seconds = [], []
    for c in items:
        started = time.perf_counter()
        out.append(verdict_json(qa.check(c["claim"], single_claim=True)[0]))
        seconds.append(time.perf_counter() - started)
    return out, seconds


def check_articles(qa, folder: Path, items: list[dict]) -> tuple[list[dict | None], dict]:
    """Each article checked whole; each labelled claim matched to the extracted claim that covers it."""
    from qa.jsonio import verdict_json

    verdicts: list[dict | None] = [None] * len(items)
    timing = {}
    for article in sorted({c["article"] for c in items}):
        text = article_text(folder / "articles" / article)
        started = time.perf_counter()
        checked = [verdict_json(v) for v in qa.check(text)]
        timing[article] = {"seconds": time.perf_counter() - started, "words": len(text.split())}
        for i, c in enumerate(items):
            if c["article"] == article:
                verdicts[i] = best_match(c["claim"], checked)
    return verdicts, timing


def check_press(qa, folder: Path) -> dict:
    """A press folder's claims scored twice: articles checked whole, and each claim alone."""
    items = load_jsonl(folder / "claims.jsonl")
    whole, timing = check_articles(qa, folder, items)
    alone, _ = check_claims(qa, items)
    return {"whole articles": {"figures": score(items, whole), "verdicts": whole, "timing": timing},
            "each claim alone": {"figures": score(items, alone), "verdicts": alone}}


def article_text(path: Path) -> str:
    """An article file's published text, below its header."""
    text = path.read_text(encoding="utf-8")
    marker = "=== ARTICLE TEXT ==="
    return text.split(marker, 1)[1].strip() if marker in text else text


def best_match(claim: str, checked: list[dict]) -> dict | None:
    """The extracted claim covering most of `claim`, if it covers enough."""
    best, best_share = None, 0.0
    target = " ".join(claim.split())
    for v in checked:
        blocks = SequenceMatcher(None, target, " ".join(v["claim"].split()), autojunk=False).get_matching_blocks()
        covered = sum(b.size for b in blocks) / max(1, len(target))
        if covered > best_share:
            best, best_share = v, covered
    return best if best_share >= MATCH else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.claims", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True)
    parser.add_argument("--claims", type=Path, nargs="*", default=[], help="claim sets, each claim checked alone")
    parser.add_argument("--press", type=Path, nargs="*", default=[], help="press folders, articles checked whole")
    parser.add_argument("--save", type=Path, help="write figures and verdicts as JSON here")
    args = parser.parse_args(argv)

    from index.index import Index
    from ofsted_qa.settings import Settings
    from qa.service import QA

    report: dict = {}
    with Index.open(args.index, Settings()) as index:
        qa = QA(index)
        for path in args.claims:
            items = load_jsonl(path)
            verdicts, seconds = check_claims(qa, items)
            report[str(path)] = {"figures": score(items, verdicts), "verdicts": verdicts,
                                 "p50_ms": percentile(seconds, 50) * 1000}
        for folder in args.press:
            for how, entry in check_press(qa, folder).items():
                report[f"{folder} ({how})"] = entry
    for name, entry in report.items():
        f = entry["figures"]
        print(f"### {name}\n" + json.dumps({k: v for k, v in f.items() if k != "wrong"}))
    if args.save:
        args.save.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
