from qa.retrieve import fuse
from qa.terms import keyword_phrases


def test_reciprocal_rank_fusion_rewards_agreement():
    dense = [(1, 0.9), (2, 0.8), (3, 0.7)]
    keyword = [(3, 12.0), (1, 10.0)]
    order = [rowid for rowid, _ in fuse(dense, keyword, "rrf")]
    assert order == [1, 3, 2]


def test_weighted_fusion_scales_bm25():
    fused = dict(fuse([(1, 0.5)], [(1, 10.0), (2, 5.0)], "weighted", alpha=0.5))
    assert fused == {1: 0.75, 2: 0.25}


def test_keyword_phrases_strip_operators():
    assert keyword_phrases(("pa", "caseloads"), ("personal adviser",)) == ("pa", "caseloads", "personal adviser")
    assert keyword_phrases(('NEAR("x"', "a*b"), ()) == ("NEAR x", "a b")
