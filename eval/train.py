"""Fit the answer models on development questions, measured by grouped cross-validation over councils.

python -m eval.train --index DIR --questions eval/data/questions-*.jsonl [--folds 5] [--save]

Each question is run once through retrieval and evidence gathering; then, for each fold, the
sentence and answerability models and their thresholds are fitted on the other councils'
questions and the answers they give are scored on this fold's councils. The figures printed are
those held-out ones. `--save` then fits on every question and writes `qa/weights/*.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eval.folds import council_of, grouped_folds
from eval.folds import cross_validate as folds_cv
from eval.harness import load_jsonl, score_questions
from eval.metrics import evidence_ranks, holds
from qa.calibrated import LogisticModel, save

if TYPE_CHECKING:
    from qa.answer import Gathered

SENTENCE_FEATURES = ("sim", "cov", "inv_rank", "hit_dense", "keyword", "grade_row", "grade_match",
                     "area_match", "figure", "figure_match", "name_match", "date_match", "length", "leans",
                     "first_passage", "sim_gap", "sim_rank", "cov_gap", "cov_rank")
# Answerability weighs absolute evidence, each feature only in the direction that makes sense:
# a model fitted on a few hundred questions must not learn that a worse match is a better answer.
QUESTION_SIGNS = {"best_p": 1, "cov_top": 1, "top_dense": 1, "best_sim": 1, "best_cov": 1, "missing_share": -1,
                  "max_missing": -1, "unquoted": -1, "loosened": -1, "quantity_unmet": -1, "name_unmet": -1,
                  "grade_unmet": -1, "over_time": 0, "asks_grade": 0, "groups": 0}
QUESTION_FEATURES = tuple(QUESTION_SIGNS)
MAX_FALSE_ABSTENTION = 0.03  # on the councils a threshold is fitted on; held-out councils show what it gives
SURE_PRECISION = 0.93  # answers below the probability where this share is answerable carry a caveat


@dataclass(frozen=True)
class Run:
    """One question as gathered: the item, what was gathered, and the candidates' gold labels."""

    item: dict
    gathered: Gathered
    labels: tuple[int, ...]


def gather_all(qa, items: list[dict]) -> list[Run]:
    answerer = qa.extractive()
    runs = []
    for item in items:
        query, hits = qa.search(item["question"])
        g = answerer.gather(query, hits)
        gold = item.get("evidence") or []
        labels = tuple(int(any(ev["doc"] == c.hit.doc.doc_id
                               and (holds(_quote(c), ev["quote"]) or holds(c.text, ev["quote"]))
                               for ev in gold)) for c in g.candidates)
        runs.append(Run(item, g, labels))
    return runs


def _quote(c) -> str:
    start = c.lead_start if c.lead_start is not None else c.start
    return c.hit.doc.text[start:c.end]


def fit_logistic(name: str, features: tuple[str, ...], rows: list[dict], labels: list[int], c: float = 1.0,
                 balanced: bool = False, signs: dict[str, int] | None = None) -> LogisticModel:
    """A logistic model; with `signs`, features whose fitted weight goes against their sign are dropped
    (weight 0) and the rest refitted, until every weight agrees."""
    features = tuple(features)
    kept = list(features)
    while True:
        model = _fit(name, tuple(kept), rows, labels, c, balanced)
        wrong = [f for f, w in zip(model.features, model.coef) if signs and signs.get(f, 0) * w < 0]
        if not wrong:
            break
        kept = [f for f in kept if f not in wrong]
    weights = dict(zip(model.features, model.coef))
    means = dict(zip(model.features, model.mean))
    scales = dict(zip(model.features, model.scale))
    return LogisticModel(name, features, tuple(means.get(f, 0.0) for f in features),
                         tuple(scales.get(f, 1.0) for f in features), tuple(weights.get(f, 0.0) for f in features),
                         model.intercept)


def _fit(name: str, features: tuple[str, ...], rows: list[dict], labels: list[int], c: float,
         balanced: bool) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression

    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows])
    y = np.array(labels)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    if len(set(y)) < 2:  # a fold with one class: a constant model
        return LogisticModel(name, features, tuple(mean), tuple(scale), tuple([0.0] * len(features)),
                             10.0 if y[0] else -10.0)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit((x - mean) / scale, y)
    return LogisticModel(name, features, tuple(map(float, mean)), tuple(map(float, scale)),
                         tuple(map(float, model.coef_[0])), float(model.intercept_[0]))


def fit_models(runs: list[Run], inner_folds: int = 3):
    """Sentence model, then answerability model on out-of-fold sentence scores, then thresholds."""
    from qa.answer import AnswerModels

    sentence = _fit_sentence(runs)
    # Answerability needs sentence scores the sentence model did not see: cross-fit within these runs.
    qrows, qlabels = [], []
    for inner_train, inner_test in grouped_folds([r.item for r in runs], inner_folds):
        inner = _fit_sentence([runs[i] for i in inner_train])
        for i in inner_test:
            qrows.append(_question_row(runs[i], inner))
            qlabels.append(int(bool(runs[i].item.get("answerable", True))))
    answerable = fit_logistic("answerable", QUESTION_FEATURES, qrows, qlabels, signs=QUESTION_SIGNS)
    probs = [answerable.probability(r) for r in qrows]
    thresholds = choose_thresholds(probs, qlabels)
    # Below the closeness of any answered development question, a question is about something else.
    sims = sorted(r.get("best_sim", 0.0) for r, y in zip(qrows, qlabels) if y)
    thresholds["min_similarity"] = float(sims[0] - 0.05) if sims else 0.0
    answerable = replace(answerable, thresholds=thresholds)
    return AnswerModels(sentence, answerable)


def _fit_sentence(runs: list[Run]) -> LogisticModel:
    rows, labels = [], []
    for r in runs:
        for c, label in zip(r.gathered.candidates, r.labels):
            rows.append(c.features)
            labels.append(label)
    return fit_logistic("sentence", SENTENCE_FEATURES, rows, labels, balanced=True)


def _question_row(run: Run, sentence: LogisticModel) -> dict:
    from qa.answer import scored

    return scored(run.gathered, sentence)[1] if run.gathered.candidates else dict(run.gathered.features)


def choose_thresholds(probs: list[float], labels: list[int]) -> dict:
    """The highest abstention threshold whose false abstention stays within MAX_FALSE_ABSTENTION, and
    the probability above which SURE_PRECISION of the questions answered are answerable (else: a caveat)."""
    answerable = sorted(p for p, y in zip(probs, labels) if y)
    if not answerable:
        return {"abstain_below": 0.5, "sure_above": 0.5}
    allowed = int(MAX_FALSE_ABSTENTION * len(answerable))
    abstain_below = answerable[allowed] if allowed < len(answerable) else answerable[-1]
    sure_above = abstain_below
    for t in sorted(set(probs)):
        above = [y for p, y in zip(probs, labels) if p >= t]
        if t >= abstain_below and above and sum(above) / len(above) >= SURE_PRECISION:
            sure_above = t
            break
    return {"abstain_below": float(abstain_below), "sure_above": float(max(sure_above, abstain_below))}


def score_answers(runs: list[Run], answers: list) -> dict:
    """The harness's figures for these answers (answer evidence, false abstention, abstention on
    unanswerable, recall@5, verbatim citations), and the share of answers shown with a caveat."""
    from qa.jsonio import answer_json

    texts = {h.doc.doc_id: h.doc.text for r in runs for h in r.gathered.hits}
    overall = score_questions([r.item for r in runs], [answer_json(a) for a in answers], texts)["all"]
    uncertain = [a.uncertain for r, a in zip(runs, answers) if r.item.get("answerable", True)]
    return {"questions": len(runs), **{k: overall[k] for k in ("answer_evidence", "false_abstention", "abstention",
                                                                "recall@5", "citations", "verbatim")},
            "uncertain_answers": sum(uncertain) / len(uncertain) if uncertain else None}


def diagnose(run: Run, answer) -> dict:
    """One held-out question's outcome, for reading failures."""
    item, g = run.item, run.gathered
    gold = item.get("evidence") or []
    passages = [{"doc": h.doc.doc_id, "text": h.chunk.text} for h in g.hits]
    return {"id": item.get("id"), "question": item["question"], "kind": item.get("kind"),
            "answerable": item.get("answerable", True), "abstained": answer.abstained, "uncertain": answer.uncertain,
            "confidence": answer.confidence, "reason": answer.reason, "ranks": evidence_ranks(passages, gold),
            "gold_candidates": sum(run.labels), "candidates": len(g.candidates),
            "cited": [any(c.doc_id == ev["doc"] and holds(c.quote, ev["quote"]) for c in answer.citations)
                      for ev in gold],
            "gold": [ev["quote"][:120] for ev in gold], "quotes": [c.quote[:120] for c in answer.citations],
            "scope": g.query.scope.describe(), "loosened": list(g.query.loosened), "refusal": g.refusal}


def cross_validate(runs: list[Run], folds: int = 5) -> tuple[dict, list[dict], list[tuple[Run, object]]]:
    """Held-out figures pooled over folds, each fold's own, and every question with its held-out answer."""
    from qa.answer import decide

    return folds_cv(runs, fit_models, lambda test, models: [decide(r.gathered, models) for r in test],
                    score_answers, folds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True, help="an index holding the documents the sets cite")
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--save", action="store_true", help="fit on every question and write qa/weights/")
    parser.add_argument("--report", type=Path, help="write the figures as JSON here")
    parser.add_argument("--dump", type=Path, help="write each held-out question's outcome as JSON lines here")
    args = parser.parse_args(argv)

    from index.index import Index
    from ofsted_qa.settings import Settings
    from qa.service import QA

    items = [q for path in args.questions for q in load_jsonl(path)]
    with Index.open(args.index, Settings()) as index:
        runs = gather_all(QA(index), items)
    pooled, per_fold, held_out = cross_validate(runs, args.folds)
    report = {"held_out_pooled": pooled, "folds": per_fold, "questions": len(items),
              "councils": len({council_of(r.item) for r in runs})}
    print(json.dumps(report, indent=1))
    if args.save:
        models = fit_models(runs)
        about = {"questions": len(items), "councils": report["councils"],
                 "cross_validated": {k: v for k, v in pooled.items() if isinstance(v, float)}}
        for model in (models.sentence, models.answerable):
            print("wrote", save(replace(model, about=about)))
    if args.report:
        args.report.write_text(json.dumps(report, indent=1))
    if args.dump:
        with args.dump.open("w") as out:
            for run, answer in held_out:
                out.write(json.dumps(diagnose(run, answer), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
