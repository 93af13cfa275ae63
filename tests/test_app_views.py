"""The app's pure view helpers (app_views): escaping, highlighting, upload names, filters, verdicts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import app_views as v
from index.index import Filters
from ingest.uploads import MAX_NAME_BYTES

MARKED = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)


def test_highlight_escapes_letter_text_and_marks_spans():
    text = 'Say <script>alert("x")</script> & *bold* then the cited bit.'
    start = text.index("the cited")
    out = v.highlight(text, [(start, len(text), 1)])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert MARKED.findall(out) == ["the cited bit."]
    assert out.endswith("<sup>[1]</sup>")


def test_highlight_merges_overlaps_and_clips():
    out = v.highlight("abcdefgh", [(1, 4), (3, 6), (7, 99), (5, 2)])
    assert MARKED.findall(out) == ["bcdef", "h"]
    assert v.highlight("a<b", []) == "a&lt;b"


def test_escape_and_answer_html():
    assert v.escape("a\nb<i>") == "a<br>b&lt;i&gt;"
    assert v.answer_html("It <b>is</b> so. [1]").count("<b>") == 1
    assert r"\*" in v.md_escape("*x*") and r"\[" in v.md_escape("[x](y)")
    assert "<img" not in v.card('<img src=x onerror="alert(1)">', "") and "&lt;img" in v.card("<img>", "")


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("Ofsted – lettre été.pdf", "Ofsted – lettre été.pdf"),
    ("бюллетень 2024.docx", "бюллетень 2024.docx"),
    ("a\x00b\x1f\u202ec.txt", "abc.txt"),
    ("..", "upload"),
    (".hidden.txt", "hidden.txt"),
    (".pdf", "upload.pdf"),
    ("", "upload"),
    ('what?<is>:"this".md', "what__is___this_.md"),
])
def test_sanitize_filename(name, expected):
    assert v.sanitize_filename(name) == expected


def test_upload_path_stays_inside_the_folder(tmp_path):
    for name in ("../../etc/passwd", "/etc/passwd", "..", "a/../../b.txt", "x" * 400 + ".pdf"):
        path = v.upload_path(tmp_path, name)
        assert path.parent == tmp_path.resolve()
        assert len(path.name.encode()) <= MAX_NAME_BYTES
    assert v.upload_path(tmp_path, "x" * 400 + ".pdf").suffix == ".pdf"


def test_build_filters():
    assert v.build_filters() == Filters()
    f = v.build_filters(["Essex"], ["focused_visit"], dt.date(2024, 5, 1), dt.date(2023, 1, 1), ["official"])
    assert f == Filters(local_authorities=("Essex",), doc_types=("focused_visit",), date_from="2023-01-01",
                        date_to="2024-05-01", source_kinds=("official",))


# --- claim-check helpers ------------------------------------------------------------------------------


def verdict(kind="supported", quotes=(), confidence="high", claim="A claim.", reason="because", attribution=""):
    from qa.models import Verdict

    return Verdict(claim, kind, reason, quotes=tuple(quotes), attribution=attribution, confidence=confidence)


def test_diff_html_escapes_and_marks_dropped_and_added_words():
    out = v.diff_html("all <b>assessments</b> are unfit and contain no analysis",
                      "most <b>assessments</b>, to evaluate need, are unfit")
    assert "<b>" not in out and "&lt;b&gt;assessments&lt;/b&gt;" in out
    assert re.findall(r"<del[^>]*>(.*?)</del>", out) == ["most", "to evaluate need,"]
    assert re.findall(r"<ins[^>]*>(.*?)</ins>", out) == ["all", "and contain no analysis"]
    assert "line-through" in out and "#c92a2a" in out and "#2b8a3e" in out
    assert v.diff_html("are unfit", "are unfit") == "are unfit"


def test_quotation_html_shows_status_diff_and_letter():
    altered = {"quote": "all <b>plans</b> are poor", "status": "altered", "doc": "d1", "title": "Visit <i>1</i>",
               "source_kind": "official", "sentence": "Most <b>plans</b> are poor.",
               "diff": [{"op": "changed", "letter": "most", "quote": "all"}], "summary": "changed 'most'→'all'"}
    out = v.quotation_html(altered)
    assert "<b>" not in out and "<i>" not in out and "Visit &lt;i&gt;1&lt;/i&gt;" in out
    assert ">altered</span>" in out and re.findall(r"<del[^>]*>(.*?)</del>", out) == ["Most"]
    assert re.findall(r"<ins[^>]*>(.*?)</ins>", out) == ["all"]
    absent = {"quote": "x <script>", "status": "absent", "doc": None, "title": None, "sentence": None, "diff": [],
              "summary": "no sentence of the letters is close"}
    out = v.quotation_html(absent)
    assert ">absent</span>" in out and "&lt;script&gt;" in out and "<del" not in out
    no_sentence = dict(altered, sentence=None)
    assert re.findall(r"<del[^>]*>(.*?)</del>", v.quotation_html(no_sentence)) == ["most"]


def test_summary_line_and_badges():
    q = {"quote": "q", "status": "verbatim"}
    verdicts = [verdict("supported", [q, dict(q, status="altered")]), verdict("contradicted"), verdict("not_found"),
                verdict("supported")]
    assert v.summary_line(verdicts) == ("4 claims: 2 supported, 1 contradicted, 1 not found; "
                                        "quotations: 1 verbatim, 1 altered, 0 absent")
    assert v.summary_line([verdict("not_found")]) == "1 claim: 0 supported, 0 contradicted, 1 not found; no quotations"
    assert v.summary_line([]).startswith("0 claims")
    assert "not found · low confidence" in v.verdict_badge("not_found", "low")
    assert "background:transparent" in v.verdict_badge("supported", "low")
    assert "#c92a2a" in v.verdict_badge("contradicted")
    shown = v.verdict_html(verdict(reason="the letter says <b>no</b>", attribution="<i>Visit</i>"))
    assert "<b>" not in shown and "<i>" not in shown and "Traced to: &lt;i&gt;Visit&lt;/i&gt;" in shown
    assert v.claim_label(3, verdict("not_found", claim="*x* [y](z)")) == r"3\. not found — \*x\* \[y\]\(z\)"
    assert len(v.claim_label(1, verdict(claim="word " * 100))) < 130


def test_report_name_and_unique_evidence():
    from qa.models import Evidence

    assert v.report_name("Press: focused visit to BCP (2020)") == "press-focused-visit-to-bcp-2020"
    assert v.report_name("") == v.report_name("—") == "claims"
    e = Evidence("d", "T", None, "Same sentence.", 0, 14)
    assert v.unique_evidence([e, Evidence("d", "T", None, "Same sentence.", 0, 14, similarity=0.5), e]) == [e]
