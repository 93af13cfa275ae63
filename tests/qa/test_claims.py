"""Claim verdicts and quote statuses on the BCP letters."""

import pytest

CLAIMS = [
    ("Inspectors found that most care leavers are allocated a personal adviser too late because of staffing pressures.",
     "supported", None, "Most children are allocated a PA too late due to staffing pressures."),
    ("Ofsted said long-term placement stability, at 63%, is above comparators.",
     "contradicted", None, "at 63%, is below comparators"),
    ("Inspectors described the Hub as \"a welcoming, creative hub that promotes a collaborative environment\".",
     "supported", "verbatim", "The building is a welcoming, creative hub that promotes a collaborative environment"),
    ("Ofsted rated the council's special educational needs services as outstanding.", "not_found", None, None),
    ("Inspectors said \"all assessments are unfit for purpose and contain no analysis\".",
     "contradicted", "altered", "The vast majority of assessments"),
]


@pytest.mark.parametrize("claim, verdict, quote_status, evidence", CLAIMS)
def test_claim(corpus_qa, claim, verdict, quote_status, evidence):
    [v] = corpus_qa.check(claim, single_claim=True)
    assert (v.verdict, v.quote_status) == (verdict, quote_status), v.reason
    if evidence:
        assert evidence in v.evidence[0].quote
    assert v.reason


def test_an_altered_quotation_gets_a_word_diff(corpus_qa):
    [v] = corpus_qa.check("Inspectors said \"all assessments are unfit for purpose and contain no analysis\".", single_claim=True)
    [quote] = v.quotes
    assert quote["status"] == "altered" and quote["doc"] == "004_82196dfbb9d4873c"
    assert {"op": "added", "letter": "", "quote": "and contain no analysis"} in quote["diff"]


def test_claims_are_found_in_an_article(corpus_qa):
    article = (
        "The council's new chief executive opened a library on Tuesday. "
        "Ofsted said long-term placement stability, at 63%, is above comparators. "
        "Read the rules here and report any comments."
    )
    verdicts = corpus_qa.check(article)
    assert [v.claim for v in verdicts] == ["Ofsted said long-term placement stability, at 63%, is above comparators."]
    assert verdicts[0].verdict == "contradicted"
