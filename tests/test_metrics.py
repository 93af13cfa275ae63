from eval import metrics


def test_holds_whole_or_half_a_quote():
    passage = "Most children are allocated a PA too late due to staffing pressures. This prevents them"
    assert metrics.holds(passage, "Most children are allocated a PA too late")
    assert metrics.holds("...due to staffing pressures. This", "allocated a PA too late due to staffing pressures")
    assert not metrics.holds("staffing pressures.", "Most children are allocated a PA too late due to staffing pressures")


def test_ranks_recall_mrr_ndcg():
    passages = [{"doc": "a", "text": "nothing"}, {"doc": "b", "text": "the quote here"}]
    ranks = metrics.evidence_ranks(passages, [{"doc": "b", "quote": "the quote"}, {"doc": "a", "quote": "absent"}])
    assert ranks == [2, None]
    assert metrics.recall_at(ranks, 5) == 0.5
    assert metrics.mrr_at(ranks) == 0.5
    assert 0 < metrics.ndcg_at(ranks) < 1


def test_verbatim_and_percentile():
    assert metrics.is_verbatim("his Majesty’s  Inspector", "His Majesty's Inspector") is False
    assert metrics.is_verbatim("His Majesty’s  Inspector", "Yours, His Majesty's Inspector")
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
