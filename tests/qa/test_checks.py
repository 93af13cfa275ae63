"""Each claim check on real sentences from the BCP letters."""

from ingest.quotes import holds_quote
from qa import checks

PLACEMENT = "Senior leaders are rightly concerned about long-term stability of placements, which, at 63%, is below comparators."
ALLOCATION = "Most children are allocated a PA too late due to staffing pressures."
ASSESSMENTS = ("The vast majority of assessments, to evaluate whether children and their families need a service, "
               "are unfit for purpose.")


def test_numbers_differ():
    assert checks.check_numbers("Placement stability is at 71%.", PLACEMENT) == "the claim says 71%; the letter says 63%"
    assert checks.check_numbers("Placement stability, at 63%, is low.", PLACEMENT) is None


def test_polarity_above_below():
    assert checks.check_polarity("Stability, at 63%, is above comparators.", PLACEMENT) == \
        "the claim says 'above'; the letter says 'below'"
    assert checks.check_polarity("Stability, at 63%, is below comparators.", PLACEMENT) is None


def test_quantifier_all_versus_vast_majority():
    assert checks.quantifier(ASSESSMENTS) == "most"
    assert checks.check_quantifier("All assessments are unfit for purpose.", ASSESSMENTS) == \
        "the claim says 'all'; the letter says 'most'"
    assert checks.check_quantifier("Most care leavers get a PA too late.", ALLOCATION) is None


def test_grades():
    evidence = "Overall effectiveness Inadequate"
    assert checks.check_grade("Ofsted rated the council good overall.", evidence) == \
        "the claim says 'good'; the letter says 'inadequate'"
    assert checks.check_grade("Ofsted rated the council inadequate.", evidence) is None


def test_negation():
    evidence = "Independent reviewing officers rarely challenge when permanence plans for children are not presented."
    assert checks.check_negation("Independent reviewing officers challenge when permanence plans for children are presented.",
                                 evidence) is not None


def test_verbatim_ignores_case_quotes_whitespace_and_ellipsis():
    letter = "The building is a welcoming, creative hub that promotes a collaborative environment in which young people feel listened to."
    assert holds_quote("a welcoming, creative hub that promotes a collaborative environment", letter)
    assert holds_quote("A welcoming,  creative hub … in which young people feel listened to", letter)
    assert not holds_quote("a welcoming, creative hub that promotes a calm environment", letter)


def test_word_diff_names_changed_and_added_words():
    diff = checks.word_diff("all assessments are unfit for purpose and contain no analysis",
                            "The vast majority of assessments are unfit for purpose")
    ops = {(d["op"], d["letter"], d["quote"]) for d in diff}
    assert ("changed", "the vast majority of", "all") in ops
    assert ("added", "", "and contain no analysis") in ops


def test_closest_window_scores_an_altered_quote():
    ratio, window = checks.closest_window("all assessments are unfit for purpose", ASSESSMENTS)
    assert 0.6 <= ratio < 1.0
    assert "unfit for purpose" in window


def test_dates_compared_at_the_precision_given():
    inadequate = "This was the second monitoring visit since the local authority was judged inadequate in December 2021."
    assert checks.dates("on 4 and 5 October 2022, in June 2022 and 2019") >= {"2022-10-05", "2022-06", "2019"}
    assert checks.check_dates("It was judged inadequate in March 2021.", inadequate) == \
        "the claim says March 2021; the letter says December 2021"
    assert checks.check_dates("It was judged inadequate in 2021.", inadequate) is None


def test_names_of_inspectors_differ():
    letter = "His Majesty’s Inspectors for this visit were Steve Lowe and Louise Hocking."
    assert checks.names(letter) == {"Steve Lowe", "Louise Hocking"}
    assert checks.check_names("The inspectors were Anna Gravelle and Steve Lowe.", letter) == \
        "the claim names Anna Gravelle; the letter names Louise Hocking, Steve Lowe"
    assert checks.check_names("The inspectors were Louise Hocking and Steve Lowe.", letter) is None


def test_ordinals_first_versus_second_visit():
    letter = "This was the second monitoring visit since the local authority was judged inadequate in December 2021."
    assert checks.check_ordinals("This was the first monitoring visit since the council was judged inadequate.", letter) == \
        "the claim says 'first monitoring'; the letter says 'second monitoring'"
    assert checks.check_ordinals("The second monitoring visit found progress.", letter) is None


def test_numbered_paragraph_numbers_are_not_figures():
    assert checks.numbers("12. There is a waiting list of 33 families.") == {"33"}
    assert checks.check_numbers("A waiting list of 45 families.", "12. There is a waiting list of 33 families.") == \
        "the claim says 45 families; the letter says 33 families"


def test_figures_of_other_things_are_no_conflict():
    letter = "Twelve children were waiting for an assessment and 3 carers had left."
    assert checks.check_numbers("Ofsted found 12 children waiting for an assessment.", letter) is None
    assert checks.check_numbers("Ofsted found 5 children waiting.", letter) == "the claim says 5 children; the letter says 12 children"
    assert checks.check_numbers("Over 60% of plans were reviewed.", "63% of plans were reviewed on time.") is None
    assert checks.check_numbers("Over 80% of plans were reviewed.", "63% of plans were reviewed on time.") is not None


def test_a_quantifier_about_something_else_is_no_conflict():
    letter = "Some children wait too long for a permanent home, although all children have a plan."
    assert checks.check_quantifier("All children have a plan, inspectors said.", letter) is None
    assert checks.check_quantifier("No children wait too long for a permanent home.", letter) is not None


def test_dates_read_like_ingest_reads_them():
    letter = "This letter summarises the findings of the focused visit on 4 and 5 October 2022."
    assert checks.check_dates("Inspectors visited on 4 October 2022.", letter) is None
    assert checks.check_dates("Inspectors visited on 11 October 2022.", letter) == \
        "the claim says 11 October 2022; the letter says 4 October 2022, 5 October 2022"
    assert checks.check_dates("The inspection ran between January 14 and February 1.",
                              "Inspection dates: 21 January 2019 to 1 February 2019") == \
        "the claim says 14 January; the letter says 21 January 2019, 1 February 2019"


def test_negation_must_touch_the_same_word():
    letter = "Children are not seen regularly by their social workers."
    assert checks.check_negation("Children are seen regularly by their social workers.", letter) is not None
    assert checks.check_negation("Children are seen regularly by their social workers, without delay.",
                                 "Children are seen regularly by their social workers.") is None


def test_grades_read_requires_improvement_whole():
    assert checks.grade("judged as requires improvement to be good") == "requires improvement to be good"
    assert checks.check_grade("rated requires improvement to be good", "Overall effectiveness Requires improvement to be good") is None
