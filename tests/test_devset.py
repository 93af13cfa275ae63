"""Development sets: the validator, the grouped folds, and the sets shipped in eval/data."""

import json

import pytest

from eval.devset import check_items, slug
from eval.folds import council_of, grouped_folds
from tests.conftest import ROOT

DATA = ROOT / "eval" / "data"
HELDOUT = ROOT.parent / "shared" / "eval" / "heldout_councils.txt"
TEXTS = {"bury__2021-12-17__ilacs-inspection": "Overall effectiveness Inadequate\n\nCaseloads are too high."}


def _sets() -> list:
    # the question and claim sets; the aggregate sets (about many councils at once) are checked in test_aggregate_eval
    files = sorted([*DATA.glob("questions-*.jsonl"), *DATA.glob("claims-*.jsonl")]) + [
        DATA / "press" / "claims.jsonl", DATA / "press" / "questions.jsonl"]
    return [(f, [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]) for f in files]


def test_a_good_item_passes_and_each_fault_is_named():
    good = {"id": "q1", "question": "Was Bury rated inadequate?", "answerable": True, "council": "Bury",
            "evidence": [{"doc": "bury__2021-12-17__ilacs-inspection", "quote": "Overall  effectiveness Inadequate"}]}
    assert check_items([good], TEXTS, {"halton"}) == []
    bad = [
        {**good, "id": "q2", "evidence": [{"doc": "bury__2021-12-17__ilacs-inspection", "quote": "Caseloads are low."}]},
        {**good, "id": "q3", "council": "Halton"},
        {**good, "id": "q4", "answerable": False},
        {"id": "c1", "claim": "Ofsted said so.", "verdict": "true", "council": "Bury"},
        {**good, "id": "q5", "council": None},
    ]
    messages = [p.message for p in check_items(bad, TEXTS, {"halton"})]
    assert any("quote is not in" in m for m in messages)
    assert any("held-out council: Halton" in m for m in messages)
    assert any("answerable questions need evidence" in m for m in messages)
    assert any("verdict must be" in m for m in messages)
    assert any("no 'council'" in m for m in messages)


def test_folds_never_split_a_council_and_test_every_item_once():
    items = [{"council": c} for c in "aabbbcdddde"]
    folds = grouped_folds(items, 3)
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(items)))
    for train, test in folds:
        assert not {council_of(items[i]) for i in train} & {council_of(items[i]) for i in test}


def test_the_shipped_sets_are_large_varied_and_about_councils_not_held_out():
    sets = _sets()
    questions = [q for f, items in sets if f.name.startswith("questions-") for q in items]
    claims = [c for f, items in sets if f.name.startswith("claims-") for c in items]
    assert len(questions) >= 300 and sum(not q["answerable"] for q in questions) >= 60
    assert len(claims) >= 300 and {c["verdict"] for c in claims} == {"supported", "contradicted", "not_found"}
    assert {c.get("quote") for c in claims} >= {"verbatim", "altered", "absent"}
    held = set(HELDOUT.read_text().split()) if HELDOUT.exists() else set()
    for f, items in sets:
        for item in items:
            assert item.get("council"), (f.name, item.get("id"))
            assert slug(item["council"]) not in held, (f.name, item.get("id"))
            assert all(slug(ev["doc"].split("__")[0]) not in held for ev in item.get("evidence") or []), item.get("id")


@pytest.mark.parametrize("name", ["sentence", "answerable", "claim_found", "claim_contradicts"])
def test_the_shipped_models_say_what_they_were_fitted_on(name):
    data = json.loads((ROOT / "qa" / "weights" / f"{name}.json").read_text())
    assert data["about"]["cross_validated"], "held-out figures are recorded with the model"
