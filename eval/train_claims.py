"""Fit the claim-verdict models on development claims, measured by grouped cross-validation over councils.

python -m eval.train_claims --index DIR --claims eval/data/claims-*.jsonl eval/data/press/claims.jsonl [--save]

Each claim is assessed once (evidence, differences, signals); then, for each fold, the "found" and
"contradicts" models and their thresholds are fitted on the other councils' claims and the verdicts
scored on this fold's. The contradiction threshold keeps false contradictions within
MAX_FALSE_CONTRADICTION of the accurate claims the models are fitted on. `--save` fits on every
claim and writes `qa/weights/claim_found.json` and `claim_contradicts.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from eval.claims import score
from eval.folds import council_of
from eval.folds import cross_validate as folds_cv
from eval.harness import load_jsonl
from eval.train import fit_logistic
from qa.calibrated import save

if TYPE_CHECKING:
    from qa.check import ClaimAssessment

FEATURES = {  # feature: the direction its weight may take (0: either)
    "closeness": 1, "sim": 1, "cov": 1, "second": 0, "lacking": -1, "quote_verbatim": 1, "quote_altered": 0,
    "quote_absent": -1, "quote_meaning": 0, "claim_words": 0, "attributed": 0, "any_conflict": 0,
    "only_press": 0, "warning": 0, "quoted_source": 1, "conflict_numbers": 0, "conflict_dates": 0,
    "conflict_ordinals": 0, "conflict_grade": 0, "conflict_names": 0, "conflict_quantifier": 0,
    "conflict_polarity": 0, "conflict_negation": 0,
}
MAX_FALSE_CONTRADICTION = 0.01  # on the fitting councils; held-out councils show what it gives


@dataclass(frozen=True)
class Assessed:
    item: dict
    claim: ClaimAssessment

    @property
    def assessment(self):
        return self.claim.whole


def assess_all(qa, items: list[dict]) -> list[Assessed]:
    from qa.check import assess_claim

    return [Assessed(item, assess_claim(qa, " ".join(item["claim"].split()))) for item in items]


def fit(runs: list[Assessed]):
    from qa.check import VerdictModels

    rows = [r for r in runs if r.assessment is not None]
    features = tuple(FEATURES)
    found = fit_logistic("claim_found", features, [r.assessment.features for r in rows],
                         [int(r.item["verdict"] != "not_found") for r in rows], signs=FEATURES)
    p_found = [found.probability(r.assessment.features) for r in rows]
    found_above = _best_cut(p_found, [int(r.item["verdict"] != "not_found") for r in rows])
    spoken = [r for r in rows if r.item["verdict"] != "not_found" and r.assessment.conflicts]
    contradicts = fit_logistic("claim_contradicts", features, [r.assessment.features for r in spoken],
                               [int(r.item["verdict"] == "contradicted") for r in spoken])
    accurate = [r for r in rows if r.item["verdict"] == "supported"]
    scores = sorted((contradicts.probability(r.assessment.features) for r in accurate
                     if r.assessment.conflicts), reverse=True)
    allowed = int(MAX_FALSE_CONTRADICTION * len(accurate))
    contradicted_above = min(0.99, scores[allowed] + 1e-6) if len(scores) > allowed else 0.5
    found = replace(found, thresholds={"found_above": found_above, "sure_above": 0.8})
    contradicts = replace(contradicts, thresholds={"contradicted_above": max(0.5, contradicted_above),
                                                   "sure_above": max(0.8, contradicted_above)})
    return VerdictModels(found, contradicts)


def _best_cut(probs: list[float], labels: list[int]) -> float:
    """The threshold that classifies most items right."""
    best, best_right = 0.5, -1
    for t in sorted(set(probs)):
        right = sum((p >= t) == bool(y) for p, y in zip(probs, labels))
        if right > best_right:
            best, best_right = t, right
    return float(best)


def verdicts_for(runs: list[Assessed], models) -> list[dict]:
    from qa.check import verdict_of
    from qa.jsonio import verdict_json

    return [verdict_json(verdict_of(r.claim, models)) for r in runs]


def cross_validate(runs: list[Assessed], folds: int = 5) -> tuple[dict, list[dict], list[tuple[Assessed, dict]]]:
    """Held-out figures pooled over folds, each fold's own, and every claim with its held-out verdict."""
    return folds_cv(runs, fit, verdicts_for, lambda test, verdicts: score([r.item for r in test], verdicts), folds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train_claims", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True)
    parser.add_argument("--claims", type=Path, nargs="+", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--save", action="store_true", help="fit on every claim and write qa/weights/")
    parser.add_argument("--report", type=Path, help="write figures and held-out verdicts as JSON here")
    args = parser.parse_args(argv)

    from index.index import Index
    from ofsted_qa.settings import Settings
    from qa.service import QA

    items = [c for path in args.claims for c in load_jsonl(path)]
    with Index.open(args.index, Settings()) as index:
        runs = assess_all(QA(index), items)
    pooled, per_fold, held_out = cross_validate(runs, args.folds)
    report = {"held_out_pooled": pooled, "folds": per_fold, "claims": len(items)}
    print(json.dumps({k: v for k, v in pooled.items() if k != "wrong"}, indent=1))
    if args.save:
        models = fit(runs)
        about = {"claims": len(items), "councils": len({council_of(r.item) for r in runs}),
                 "cross_validated": {k: v for k, v in pooled.items() if isinstance(v, float)}}
        for model in (models.found, models.contradicts):
            print("wrote", save(replace(model, about=about)))
    if args.report:
        report["verdicts"] = [{**v, "id": r.item.get("id"), "label": r.item["verdict"], "kind": r.item.get("kind")}
                              for r, v in held_out]
        args.report.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
