"""The two BCP press articles checked against an index that also holds BCP's official letters."""

import pytest

from qa.check import check_document
from qa.claims import find_claims
from qa.report import to_csv, to_markdown
from tests.conftest import LETTERS

NOVEMBER_2020 = "bournemouth-christchurch-poole__2020-11-27__focused-visit"


@pytest.fixture(scope="module")
def article_004(bundled_qa):
    return check_document(bundled_qa, bundled_qa.index.document("004_82196dfbb9d4873c"))


def test_claims_are_the_attributed_sentences_not_the_furniture():
    text = (LETTERS / "003_665291b22608addb.txt").read_text(encoding="utf-8")
    claims = find_claims(text)
    assert "Please report any comments that break our rules." not in claims
    assert not any(c.startswith("Report this comment") for c in claims)
    assert "This was the first monitoring visit since the local authority was judged inadequate in December 2021." in claims


def test_every_quotation_of_004_stands_in_the_official_november_2020_letter(article_004):
    quotes = [q for v in article_004 for q in v.quotes]
    assert len(quotes) == 3
    for q in quotes:
        assert q["status"] == "verbatim" and q["doc"] == NOVEMBER_2020, q


def test_004_claims_are_supported_by_the_letter_it_reports_and_never_by_itself(article_004):
    assert all(e.doc_id != "004_82196dfbb9d4873c" for v in article_004 for e in v.evidence)
    supported = [v for v in article_004 if v.verdict == "supported"]
    assert len(supported) >= 7
    assert {v.evidence[0].doc_id for v in supported} == {NOVEMBER_2020}


def test_003_is_traced_to_the_june_2022_monitoring_visit(bundled_qa):
    verdicts = check_document(bundled_qa, bundled_qa.index.document("003_665291b22608addb"))
    first = next(v for v in verdicts if v.claim.startswith("This was the first monitoring visit"))
    # the second visit's letter says "second": another visit, not a contradiction of this one
    assert first.verdict == "not_found" and "'first monitoring'" in first.reason and "'second monitoring'" in first.reason
    assert first.attribution.startswith("monitoring visit 1 (2022-06)")
    inspectors = next(v for v in verdicts if "Anna Gravelle" in v.claim)
    assert inspectors.verdict == "not_found" and "Anna Gravelle" in inspectors.reason
    assert all(v.verdict != "contradicted" for v in verdicts)


def test_article_report_exports(article_004):
    markdown = to_markdown(article_004, "004")
    assert markdown.startswith("## 004\n\n| claim | verdict |")
    assert "**verbatim**" in markdown
    csv_text = to_csv(article_004)
    assert csv_text.splitlines()[0].startswith("claim,verdict,confidence,quote status")
    assert len(csv_text.strip().splitlines()) >= len(article_004) + 1
