"""Each claim check on real sentences from the BCP letters."""

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
    assert checks.find_verbatim("a welcoming, creative hub that promotes a collaborative environment", letter)
    assert checks.find_verbatim("A welcoming,  creative hub … in which young people feel listened to", letter)
    assert not checks.find_verbatim("a welcoming, creative hub that promotes a calm environment", letter)


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
        "the claim names Anna Gravelle; the letter names Louise Hocking"
    assert checks.check_names("The inspectors were Louise Hocking and Steve Lowe.", letter) is None


def test_ordinals_first_versus_second_visit():
    letter = "This was the second monitoring visit since the local authority was judged inadequate in December 2021."
    assert checks.check_ordinals("This was the first monitoring visit since the council was judged inadequate.", letter) == \
        "the claim says 'first'; the letter says 'second'"
    assert checks.check_ordinals("The second monitoring visit found progress.", letter) is None


def test_numbered_paragraph_numbers_are_not_figures():
    assert checks.numbers("12. There is a waiting list of 33 families.") == {"33"}
    assert checks.check_numbers("A waiting list of 45 families.", "12. There is a waiting list of 33 families.") == \
        "the claim says 45; the letter says 33"
