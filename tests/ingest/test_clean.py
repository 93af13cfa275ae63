"""Tests of `ingest.clean` on the bundled letters in data/letters and on small made-up texts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clean import _join_hyphenated, _vocabulary, clean_text, is_heading, paragraphs
from ingest.readers import read_file

LETTERS = Path(__file__).resolve().parents[2] / "data" / "letters"
MONITORING_2022 = "000_49ecad93d48c1fcf.txt"  # hard-wrapped copy with template junk
MONITORING_2024 = "001_48f99557a5b80f02.txt"  # one line a paragraph, letterhead on one line
FOCUSED_2019_COPY = "002_26bebbeff29c7c35.txt"  # blank lines inside bullet items
PRESS_2022 = "003_665291b22608addb.txt"  # press copy ending in comment-section furniture
PRESS_2020 = "004_82196dfbb9d4873c.txt"
FOCUSED_2020 = "bournemouth-christchurch-poole__2020-11-27__focused-visit.pdf"
ILACS_2022 = "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection.pdf"
ILACS_2025 = "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection.pdf"
ALL = sorted(p.name for p in LETTERS.iterdir() if p.suffix in (".txt", ".pdf"))


@cache
def _read(name: str):
    return read_file(LETTERS / name)  # read each bundled file once


def raw(name: str) -> str:
    return _read(name).text


@cache
def cleaned(name: str) -> str:
    return clean_text(_read(name).text, _read(name).format)


def paras(name: str) -> list[str]:
    return cleaned(name).split("\n\n")


# ------------------------------------------------------------------ removals


@pytest.mark.parametrize("name", [MONITORING_2022, MONITORING_2024, FOCUSED_2019_COPY, FOCUSED_2020, ILACS_2022])
def test_letterhead_and_address_are_gone(name):
    text = cleaned(name)
    for furniture in ("Piccadilly Gate", "Store Street", "M1 2WD", "0300 123 1231", "Textphone", "0161 618 8524",
                      "enquiries@ofsted.gov.uk", "www.gov.uk/ofsted", "BH2 6DY", "BH2 6EB", "Town Hall",
                      "Bourne Avenue", "Civic Centre"):
        assert furniture not in text, furniture


@pytest.mark.parametrize(
    "name, date, greeting",
    [
        (MONITORING_2022, "8 November 2022", "Dear Cathi"),
        (MONITORING_2024, "12 January 2024", "Dear Cathi"),
        (FOCUSED_2019_COPY, "18 December 2019", "Dear Ms Ramsden"),
        (FOCUSED_2020, "27 November 2020", "Dear Ms Redding,"),
    ],
)
def test_letter_keeps_its_date_and_greeting(name, date, greeting):
    assert paras(name)[:2] == [date, greeting]


def test_template_fields_are_gone_even_beside_real_text():
    text = cleaned(MONITORING_2022)
    assert "Insert" not in text
    assert "DCS full name" not in text and "LA Address" not in text


def test_press_comment_furniture_is_gone():
    text = cleaned(PRESS_2022)
    for furniture in ("Comments: Our rules", "We want our comments", "The ability to comment", "Please report any",
                      "Read the rules", "Last Updated", "Report this comment", "Cancel"):
        assert furniture not in text, furniture
    assert paras(PRESS_2022)[-3:] == ["Yours sincerely", "Anna Gravelle", "Her Majesty’s Inspector"]


def test_press_article_text_is_kept():
    assert paras(PRESS_2022)[0].startswith("THE full letter on Ofsted's first monitoring visit")
    assert paras(PRESS_2020)[0].startswith("OFSTED said there are “serious and widespread weaknesses")


@pytest.mark.parametrize("name", [ILACS_2022, ILACS_2025])
def test_repeated_page_headers_and_page_numbers_are_gone(name):
    text = cleaned(name)
    title = "Inspection of Bournemouth, Christchurch and Poole local authority children’s services"
    assert paras(name)[0] == title
    assert text.count(title) == 1  # the title stays; the same words atop every page go
    assert not re.search(r"(?:6 to 17 December 2021|2 to 13 December 2024) \d", text)
    assert not any(re.fullmatch(r"\d{1,3}", p) for p in paras(name))


@pytest.mark.parametrize("name", [ILACS_2022, ILACS_2025])
def test_back_page_boilerplate_is_gone(name):
    text = cleaned(name)
    for boilerplate in ("Office for Standards in Education, Children’s Services and Skills (Ofsted) regulates",
                        "different format", "You may reuse this information", "Open Government Licence",
                        "Interested in our work", "Crown copyright", "nationalarchives", "eepurl"):
        assert boilerplate not in text, boilerplate


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("name", [MONITORING_2022, MONITORING_2024, PRESS_2022])
def test_monitoring_visit_headings_are_paragraphs(name):
    for heading in ("Areas covered by the visit", "Headline findings", "Findings and evaluation of progress"):
        assert heading in paras(name)
        assert is_heading(heading)


def test_report_headings_are_paragraphs_even_when_wrapped_in_the_pdf():
    ps = paras(ILACS_2022)
    for heading in (
        "What needs to improve?",
        "The experiences and progress of children who need help and protection: inadequate",
        "The experiences and progress of children in care and care leavers: requires improvement to be good",
        "The impact of leaders on social work practice with children and families: inadequate",
    ):
        assert heading in ps
        assert is_heading(heading)


def test_hard_wrapped_paragraph_becomes_one_line():
    assert (
        "The focus of the monitoring visit was children in need and those subject to a child protection plan, "
        "namely those children who are at risk of significant harm or who require support to achieve or maintain "
        "a reasonable standard of health or development. In particular, inspectors reviewed the progress made in "
        "the following areas of concern identified at the last inspection:"
    ) in paras(MONITORING_2022)


def test_wrapped_title_is_one_paragraph():
    assert "Monitoring visit to Bournemouth, Christchurch and Poole children’s services" in paras(MONITORING_2022)


def test_sentence_across_a_page_break_is_whole():
    text = cleaned(ILACS_2022)
    assert (
        "As a result, the same intervention or services that have not previously proven successful are often "
        "repeated."
    ) in text
    assert (
        "many are still subject to pre-proceedings processes for extended periods of time when their "
        "circumstances have not improved and risk has not been reduced."
    ) in text


def test_blank_line_inside_a_bullet_item_is_joined():
    ps = paras(FOCUSED_2019_COPY)
    assert (
        "• Permanence planning for children, including the use of parallel planning so that they achieve "
        "permanence at a time that is right for them."
    ) in ps
    assert any("This helps children to share their wishes and feelings." in p for p in ps)


@pytest.mark.parametrize("name", [MONITORING_2022, MONITORING_2024, FOCUSED_2019_COPY, PRESS_2022, ILACS_2022])
def test_bullets_are_normalised(name):
    ps = paras(name)
    bullets = [p for p in ps if p.startswith("• ")]
    assert len(bullets) >= 4
    assert not any(p[:1] in "◼●▪-*–\uf06e" for p in ps)


def test_bullet_items_are_separate_paragraphs():
    ps = paras(MONITORING_2024)
    assert "• Whether children and young people are provided with their health histories." in ps
    i = ps.index("• Whether children and young people are provided with their health histories.")
    assert ps[i + 1].startswith("• The quality of pathway plans")


def test_numbered_paragraphs_keep_their_numbers():
    numbered = [int(p.split(".")[0]) for p in paras(ILACS_2022) if re.match(r"\d+\. ", p)]
    assert numbered == list(range(1, 54))


def test_grade_table_rows_are_paragraphs():
    ps = paras(ILACS_2022)
    rows = [
        "The impact of leaders on social work practice with children and families Inadequate",
        "The experiences and progress of children who need help and protection Inadequate",
        "The experiences and progress of children in care and care leavers Requires improvement to be good",
        "Overall effectiveness Inadequate",
    ]
    start = ps.index(rows[0])
    assert ps[start: start + 4] == rows
    assert not any(is_heading(row) for row in rows)


def test_grade_table_of_the_newer_framework():
    ps = paras(ILACS_2025)
    assert "The experiences and progress of care leavers Requires improvement to be good" in ps
    assert "Overall effectiveness Good" in ps


def test_real_line_end_hyphens_are_kept():
    text = cleaned(MONITORING_2022)
    assert "an up-to-date assessment or review" in text  # 'up-to-' ends a line in the source
    assert "up-to- date" not in text


# ------------------------------------------------------------------ fidelity and shape

_GLYPH = re.compile(r"^(?:[◼●•▪■\ue000-\uf8ff]\s*|[-–*]\s+)")
_CUT_TAIL = re.compile(r"^\s*(?:\d{1,2}|\[?Insert\b.*)$", re.I)


def _raw_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.replace("\f", "\n").splitlines() if line.strip()]


def _assembled_from_lines(par: str, lines: list[str], window: int = 120) -> bool:
    """True if `par` is whole raw lines, in order, joined by a space or at a line-end hyphen.

    Lines may be skipped (removed furniture), a bullet glyph may be dropped, a line-end hyphen may be
    dropped, and the last line may lose a template field or footnote marker; nothing else may differ.
    """
    par = par[2:] if par.startswith("• ") else par

    def walk(pos: int, start: int, first: bool) -> bool:
        rest = par[pos:]
        for j in range(start, len(lines) if first else min(len(lines), start + window)):
            line = lines[j]
            glyph = _GLYPH.match(line)
            for frag in (line, line[glyph.end():]) if glyph else (line,):
                if rest.startswith(frag):
                    end = pos + len(frag)
                    if end == len(par) or (par[end] == " " and walk(end + 1, j + 1, False)):
                        return True
                    if frag.endswith("-") and walk(end, j + 1, False):
                        return True
                elif frag.endswith("-") and rest.startswith(frag[:-1]) and rest[len(frag) - 1:][:1].isalpha():
                    if walk(pos + len(frag) - 1, j + 1, False):
                        return True
                elif frag.startswith(rest) and _CUT_TAIL.match(frag[len(rest):]):
                    return True
        return False

    return walk(0, 0, True)


@pytest.mark.parametrize("name", ALL)
def test_every_paragraph_is_verbatim_source_text(name):
    lines = _raw_lines(raw(name))
    bad = [p for p in paras(name) if not _assembled_from_lines(p, lines)]
    assert bad == []


def test_fidelity_check_catches_changes():
    lines = _raw_lines(raw(ILACS_2022))
    par = next(p for p in paras(ILACS_2022) if p.startswith("3. "))
    assert _assembled_from_lines(par, lines)
    assert not _assembled_from_lines(par.replace("children", "child", 1), lines)
    assert not _assembled_from_lines(par + " Invented.", lines)


@pytest.mark.parametrize("name", ALL)
def test_output_shape(name):
    text = cleaned(name)
    assert text == text.strip() and text
    assert "\f" not in text and "\n\n\n" not in text
    for p in text.split("\n\n"):
        assert p and p == p.strip() and "\n" not in p and "  " not in p and "\t" not in p


@pytest.mark.parametrize("name", ALL)
def test_paragraph_offsets_slice_out_each_paragraph(name):
    text = cleaned(name)
    spans = paragraphs(text)
    assert [text[a:b] for a, b in spans] == text.split("\n\n")
    assert all(text[b:b + 2] == "\n\n" for _, b in spans[:-1])


def test_paragraphs_of_empty_text():
    assert paragraphs("") == []
    assert paragraphs("One.") == [(0, 4)]
    assert paragraphs("One.\n\nTwo.") == [(0, 4), (6, 10)]


# ------------------------------------------------------------------ is_heading


@pytest.mark.parametrize(
    "text",
    [
        "Headline findings", "Findings and evaluation of progress", "Areas covered by the visit",
        "What needs to improve?", "Overview", "Findings", "Context", "Information about the local area partnership",
        "The experiences and progress of children who need help and protection: inadequate",
        "What is it like to be a child or young person with SEND in this area?",
        "What needs to improve in this area of social work practice?1", "Next steps", "Areas for priority action",
        "Case study: highly effective practice", "Inspection of Bournemouth, Christchurch and Poole local authority "
        "children’s services",
    ],
)
def test_is_heading_accepts_headings(text):
    assert is_heading(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "Social workers know children well.", "• The quality of care plans", "• Headline findings",
        "12. The multi-agency safeguarding hub now operates more smoothly.", "Overall effectiveness Inadequate",
        "The impact of leaders on social work practice with children and families Good", "Children are safe",
        "Yours sincerely", "Dear Cathi", "8 November 2022", "Steve Lowe", "Her Majesty’s Inspector",
        "Inspection dates: 6 to 17 December 2021", "the following areas", "Senior leaders have wisely identified "
        "the need for a unified practice model to strengthen this further and to build confidence",
    ],
)
def test_is_heading_rejects_other_paragraphs(text):
    assert not is_heading(text)


# ------------------------------------------------------------------ hyphens


def test_vocabulary_holds_whole_words_and_hyphenated_pairs():
    words, pairs = _vocabulary(["A well-being check, then inappro-", "priate work and inappropriate plans."])
    assert {"well", "being", "inappropriate"} <= words
    assert "well-being" in pairs and "wellbeing" not in words


@pytest.mark.parametrize(
    "left, right, lines, expected",
    [
        # Word does not auto-hyphenate: without evidence every line-end hyphen is real.
        ("have an up-to-", "date assessment", [], "have an up-to-date assessment"),
        ("The multi-", "agency hub", [], "The multi-agency hub"),
        ("timely, well-", "considered plans", ["a well-considered plan"], "timely, well-considered plans"),
        # The joined word written whole elsewhere, the hyphenated form never: a split word.
        ("placements were inappro-", "priate for them", ["it was inappropriate"], "placements were inappropriate for them"),
        ("Chil-", "dren are seen", ["Children", "children"], "Children are seen"),
        # Both forms occur: the writer uses the hyphen, so keep it.
        ("their well-", "being and", ["wellbeing", "well-being"], "their well-being and"),
        # Numbers and capitals are never joined away.
        ("the COVID-", "19 period", ["COVID19"], "the COVID-19 period"),
    ],
)
def test_join_hyphenated(left, right, lines, expected):
    vocabulary = _vocabulary([left + " x", right] + lines + ["end-"])
    assert _join_hyphenated(left, right, vocabulary) == expected


def test_split_word_is_mended_in_clean_text_only_on_evidence():
    text = (
        "The plans were inappropriate for some children and this was noted by inspectors in the review.\n"
        "Managers knew that the placements made in the spring were inappro-\n"
        "priate for them and that the multi-\n"
        "agency group had not met often enough to review the plans of each child.\n"
    )
    out = clean_text(text)
    assert "placements made in the spring were inappropriate for them" in out
    assert "the multi-agency group" in out


def test_suspended_hyphen_keeps_its_space():
    text = (
        "Leaders plan for children in care, including the supported accommodation for 16-\n"
        "and 17-year-olds who present as homeless, so that they are safe and well supported.\n"
    )
    assert "for 16- and 17-year-olds who" in clean_text(text)


# ------------------------------------------------------------------ made-up layouts


def test_footnote_is_moved_after_the_paragraph_it_interrupts():
    page1 = (
        "What needs to improve in this area of social work practice?1\n"
        "The quality of plans for care leavers, so that they set out what must happen and by when for every\n"
        "young person who is leaving care and the support that their personal adviser will give them, which\n"
        "\n1 The areas for improvement have been cross-referenced with the national framework.\n"
    )
    page2 = "is not yet the case for all of them.\nInspectors met many young people.\n"
    ps = clean_text(page1 + "\f" + page2, "pdf").split("\n\n")
    assert ps[1].endswith("which is not yet the case for all of them.")
    assert ps[2] == "1 The areas for improvement have been cross-referenced with the national framework."
    assert ps[3] == "Inspectors met many young people."


def test_html_blocks_stay_paragraphs():
    text = "Headline findings\n\nChildren are safe.\nThey are seen alone.\n\n• One\n\nShare this article\n\nCancel"
    assert clean_text(text, "html") == "Headline findings\n\nChildren are safe. They are seen alone.\n\n• One"


@pytest.mark.parametrize("junk", ["", " ", "\n\n\f\t", "◼ \n•\n---", "Comments: Our rules\nReport this comment Cancel",
                                  "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD", "Insert DCS full name"])
def test_junk_only_input_gives_empty_text(junk):
    assert clean_text(junk) == ""
    assert clean_text(junk, "pdf") == ""


def test_pathological_input_is_cleaned():
    # At these lengths work that grows with the length takes a second or two; backtracking that grows with
    # its square or faster would take hours, and the per-test timeout (pytest.ini) fails the test.
    cases = ["a@" * 500_000, "a-" * 500_000, "Insert " * 100_000, "T 0300 " + "1" * 200_000, "\n".join(["◼"] * 200_000),
             "\n".join(f"{i}. Item." for i in range(100_000)), "Comments: " * 200_000, "word " * 1_000_000]
    for case in cases:
        assert len(clean_text(case, "pdf")) <= 2 * len(case)  # a line break added per line at most


_TOKENS = st.sampled_from(
    ["\n", "\n\n", "\f", " ", "\t", "\u00a0", "-", "–", "◼ ", "• ", "* ", "1. ", "12. ", "Good", "Inadequate",
     "Headline findings", "Dear Cathi", "Yours sincerely", "Insert LA Address", "[Insert date]", "BH2 6DY",
     "Ofsted", "Piccadilly Gate", "Report this comment", "Cancel", "The quality of practice", "children’s",
     "multi-", "agency.", "and", "Board1", "?", ".", ":", "©", "www.gov.uk", "a@b.uk", "é", "😀"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(st.text(), st.lists(_TOKENS, max_size=120).map("".join)), st.sampled_from(["text", "pdf", "html"]))
def test_any_string_cleans_to_well_formed_text(text, source_format):
    out = clean_text(text, source_format)
    assert out == out.strip()
    assert "\f" not in out and "\n\n\n" not in out
    spans = paragraphs(out)
    assert "\n\n".join(out[a:b] for a, b in spans) == out
    for a, b in spans:
        assert "\n" not in out[a:b] and out[a:b] == out[a:b].strip()
        is_heading(out[a:b])
