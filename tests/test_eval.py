"""The evaluation harness on a small real set: the bundled letters and questions written for them."""

import json
import subprocess
import sys

import pytest

from eval.claims import score
from eval.harness import load_jsonl, run_questions, score_questions
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"


def test_scores_by_kind_with_abstention_and_verbatim_citations(bundled_qa):
    questions = load_jsonl(DATA / "questions.jsonl")
    texts = {d.doc_id: d.text for d in bundled_qa.index.documents()}
    results = run_questions(bundled_qa, questions)
    scores = score_questions(questions, results, texts)
    overall = scores["all"]
    assert overall["n"] == 7
    assert overall["recall@5"] == 1.0, overall["misses"]
    assert overall["abstention"] >= 0.5 and overall["false_abstention"] == 0.0
    # the letters are silent on both unanswerable questions: each abstains or is shown with a caveat
    assert all(r["abstained"] or r["uncertain"] for q, r in zip(questions, results) if not q["answerable"])
    assert overall["verbatim"] == 1.0 and overall["citations"] > 0
    assert set(scores) == {"all", "fact", "judgement", "scoped", "unanswerable"}
    assert scores["judgement"]["mrr@10"] > 0


def test_claim_scoring(bundled_qa):
    from qa.jsonio import verdict_json

    claims = load_jsonl(DATA / "claims.jsonl")
    verdicts = [verdict_json(bundled_qa.check(c["claim"], single_claim=True)[0]) for c in claims]
    scored = score(claims, verdicts)
    assert scored["verdict_accuracy"] == 1.0, [(c["claim"], v["verdict"], v["reason"]) for c, v in zip(claims, verdicts)]
    assert scored["false_contradictions"] == 0 and scored["extracted"] == 1.0


def test_a_claim_the_checker_missed_counts_as_wrong():
    items = [{"claim": "a", "verdict": "supported"}, {"claim": "b", "verdict": "contradicted", "doc": "x"}]
    verdicts = [None, {"verdict": "contradicted", "quote_status": None, "evidence": [{"doc": "x"}]}]
    scored = score(items, verdicts)
    assert scored["verdict_accuracy"] == 0.5 and scored["extracted"] == 0.5
    assert scored["press_errors_caught"] == 1 and scored["right_letter"] == 1.0


@pytest.mark.slow  # builds an index and runs both systems over every question in a child process
def test_the_command_runs_both_systems_and_saves_a_report(tmp_path):
    out = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, "-m", "eval", "data/letters", "--questions", str(DATA / "questions.jsonl"),
         "--claims", str(DATA / "claims.jsonl"), "--index", str(tmp_path / "idx"), "--save", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    ours, theirs = report["questions.jsonl"]["ours"]["all"], report["questions.jsonl"]["langchain"]["all"]
    assert ours["recall@5"] == 1.0 and ours["answer_evidence"] is not None
    assert theirs["abstention"] == 0.0  # the plain pipeline never abstains
    markdown = (out / "report.md").read_text()
    assert "| all | ours | 7 |" in markdown and "| all | langchain | 7 |" in markdown
