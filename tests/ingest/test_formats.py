"""HTML and Word copies of a real report give the same judgements, and the same text, as its PDF.

Each copy is built from the PDF's own paragraphs the way a web page or a Word file would hold
them: the grade table as a real table where it stands in the report, and, on the web page, the
site's menu, sidebar, breadcrumbs, banner and footer around the report.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from ingest.html import html_to_text
from ingest.models import Document, Judgement
from ingest.pipeline import prepare
from ingest.readers import file_sha256, read_file
from ofsted_qa.settings import Settings
from tests.conftest import LETTERS, ROOT

REPORTS = [
    LETTERS / "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection.pdf",
    LETTERS / "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection.pdf",
    ROOT / "tests" / "data" / "bexley__2014-05-23__sif-inspection.pdf",  # numbered rows: '2.1 Adoption performance …'
]
# Page furniture around the report (the web page's, and the Word file's page header); none may reach the document.
CHROME = {
    "nav": "Find an inspection report",
    "aside": "Sign up for email alerts about this local authority",
    "breadcrumbs": "Home › Education, training and skills",
    "banner": "Ofsted services and information",
    "footer": "All content is available under the Open Government Licence",
    "word header": "OFFICIAL-SENSITIVE draft for checking",
}
Table = tuple[tuple[str, ...], ...]


def ingest_one(path: Path) -> Document:
    return prepare(path, file_sha256(path), Settings().max_file_bytes)


def is_row(judgement: Judgement) -> bool:
    """True for a grade-table row: its area and grade as cells, no sentence."""
    return judgement.area in judgement.text and not judgement.text.endswith(".")


def cells(judgement: Judgement) -> tuple[str, ...]:
    """A grade-table row's cells as the report prints them: (number,) area, grade."""
    at = judgement.text.index(judgement.area)
    number, grade = judgement.text[:at].strip(), judgement.text[at + len(judgement.area):].strip()
    return tuple(cell for cell in (number, judgement.area, grade) if cell)


def blocks(pdf: Document) -> list[str | Table]:
    """The PDF's paragraphs in order, its grade table (header row and all) as one item in their place."""
    paras = pdf.text.split("\n\n")
    table_rows = [j for j in pdf.meta.judgements if is_row(j)]  # not a sentence such as SIF's overall judgement
    rows = [j.text for j in table_rows]
    first = paras.index(rows[0])
    assert paras[first:first + len(rows)] == rows, "the grade table's rows stand together"
    header = paras[first - 1] == "Judgement Grade"
    table = ((("Judgement", "Grade"),) if header else ()) + tuple(cells(j) for j in table_rows)
    return paras[:first - header] + [table] + paras[first + len(rows):]


def web_page(items: list[str | Table]) -> str:
    """The report as a GOV.UK-like page: a site banner, menus and a sidebar around an article."""
    body, in_list = [], False
    for n, item in enumerate(items):
        if in_list and not (isinstance(item, str) and item.startswith("• ")):
            body.append("</ul>")
            in_list = False
        if isinstance(item, tuple):
            head, *rows = item if item[0] == ("Judgement", "Grade") else ((), *item)
            body.append('<table class="govuk-table">')
            if head:
                body.append("<thead><tr>" + "".join(f'<th scope="col">{c}</th>' for c in head) + "</tr></thead>")
            body.append("<tbody>")
            for r, row in enumerate(rows):  # laid out by hand, or written with no space between cells
                gap = "\n  " if r % 2 else ""
                body.append(f"<tr>{gap}" + gap.join(f"<td>{escape(c)}</td>" for c in row) + f"{gap}</tr>")
            body.append("</tbody></table>")
        elif item.startswith("• "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(item[2:])}</li>")
        elif n == 0:
            body.append(f"<h1>{escape(item)}</h1>")
        elif n % 3 == 0 and ". " in item:
            body.append("<p>" + escape(item).replace(". ", ".<br>\n", 1) + "</p>")  # a line break inside
        else:
            body.append(f"<p>{escape(item)}</p>")
    if in_list:
        body.append("</ul>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ofsted report</title>
<style>.govuk-table td {{ padding: 4px }}</style><script>window.dataLayer = [];</script></head>
<body>
<header><a href="/">GOV.UK</a><p>{CHROME["banner"]}</p></header>
<nav aria-label="Menu"><ul><li><a href="/reports">{CHROME["nav"]}</a></li><li><a href="/">Contact</a></li></ul></nav>
<div class="govuk-width-container">
<div role="navigation" class="govuk-breadcrumbs"><ol><li>{escape(CHROME["breadcrumbs"])}</li></ol></div>
<main id="main-content"><article>
<!-- report body -->
{chr(10).join(body)}
</article>
<aside><h2>Related content</h2><p>{CHROME["aside"]}</p></aside>
</main></div>
<footer><p>{CHROME["footer"]}</p><p>© Crown copyright</p></footer>
</body></html>
"""


def word_file(items: list[str | Table], path: Path) -> Path:
    """The report as a Word document: headings, paragraphs, bullet lists and a real grade table."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = CHROME["word header"]
    for n, item in enumerate(items):
        if isinstance(item, tuple):
            table = document.add_table(rows=len(item), cols=max(map(len, item)))
            table.style = "Table Grid"
            for row, texts in zip(table.rows, item):
                for cell, text in zip(row.cells[-len(texts):], texts):  # a short header row sits right
                    cell.text = text
        elif item.startswith("• "):
            document.add_paragraph(item[2:], style="List Bullet")
        elif n == 0:
            document.add_heading(item, level=1)
        elif n % 3 == 0 and ". " in item:
            head, tail = item.split(". ", 1)
            paragraph = document.add_paragraph(head + ".")
            paragraph.add_run().add_break()  # a soft line break inside the paragraph
            paragraph.add_run(tail)
        else:
            document.add_paragraph(item)
    document.save(path)
    return path


@pytest.fixture(scope="module", params=REPORTS, ids=lambda p: p.stem)
def report(request) -> tuple[Document, list[str | Table]]:
    pdf = ingest_one(request.param)
    assert pdf.meta.judgements, "the PDF's grade table is read"
    return pdf, blocks(pdf)


@pytest.fixture(params=["html", "docx"])
def copy(request, report, tmp_path) -> Document:
    pdf, items = report
    path = tmp_path / f"{Path(pdf.path).stem}.{request.param}"
    if request.param == "html":
        path.write_text(web_page(items), encoding="utf-8")
    else:
        word_file(items, path)
    return ingest_one(path)


def test_copies_give_the_pdfs_judgements(report, copy):
    pdf, _ = report
    assert [(j.area, j.grade) for j in copy.meta.judgements] == [(j.area, j.grade) for j in pdf.meta.judgements]


def test_each_judgement_is_cited_from_a_paragraph_of_the_copy(copy):
    paragraphs = copy.text.split("\n\n")
    assert copy.meta.judgements
    for judgement in copy.meta.judgements:
        assert judgement.text in copy.text
        assert judgement.text in paragraphs


def test_copies_hold_the_pdfs_text_and_no_page_furniture(report, copy):
    pdf, _ = report
    assert copy.text == pdf.text
    for where, text in CHROME.items():
        assert text not in copy.text, where


# ------------------------------------------------------------------ HTML, piece by piece


def test_table_cells_are_joined_by_one_space():
    page = """<table>
      <tr><th>Judgement</th><th>Grade</th></tr>
      <tr><td>Overall effectiveness</td><td>Inadequate</td></tr>
      <tr><td><p>The experiences and progress of care leavers</p></td>
          <td><strong>Requires improvement</strong> to be good</td></tr>
      <tr><td>2.1</td><td>Adoption<br>performance</td><td>&nbsp;</td><td>Good</td></tr>
    </table>"""
    assert html_to_text(page) == (
        "Judgement Grade\n\nOverall effectiveness Inadequate\n\n"
        "The experiences and progress of care leavers Requires improvement to be good\n\n"
        "2.1 Adoption performance Good"
    )


def test_a_layout_table_keeps_its_paragraphs():
    page = ("<table><tr><td><p>First paragraph.</p><p>Second paragraph.</p></td></tr>"
            "<tr><td><table><tr><td>Overall effectiveness</td><td>Good</td></tr></table></td><td>Side</td></tr></table>")
    assert html_to_text(page) == "First paragraph.\n\nSecond paragraph.\n\nOverall effectiveness Good\n\nSide"


def test_br_breaks_the_line_and_two_end_the_paragraph():
    assert html_to_text("<p>Lead inspector: Steve Lowe<br>Her Majesty’s Inspector</p>") == (
        "Lead inspector: Steve Lowe\nHer Majesty’s Inspector"
    )
    assert html_to_text("<div>Dear Cathi<br/><br>Thank you</div>") == "Dear Cathi\n\nThank you"
    # A line break of the page's source is only a space.
    assert html_to_text("<p>The local\n    authority</p>") == "The local authority"


@pytest.mark.parametrize("chrome", [
    "<nav><ul><li>Menu</li></ul></nav>",
    "<aside>Menu</aside>",
    '<div role="navigation">Menu</div>',
    '<div role="banner">Menu</div>',
    '<div role="contentinfo">Menu</div>',
    '<section role="complementary">Menu</section>',
    "<header><a href='/'>Menu</a></header>",
    "<footer>Menu</footer>",
    "<!-- Menu -->",
])
def test_page_furniture_is_dropped(chrome):
    assert html_to_text(f"<body>{chrome}<main><p>Children are safe.</p></main>{chrome}</body>") == "Children are safe."


def test_an_articles_own_header_and_footer_are_kept():
    page = ("<body><header>Site</header><article><header><h1>Inspection of Barnet</h1></header>"
            "<p>Children are safe.</p><footer>Published 2 August 2021</footer></article></body>")
    assert html_to_text(page) == "Inspection of Barnet\n\nChildren are safe.\n\nPublished 2 August 2021"


# ------------------------------------------------------------------ Word, piece by piece


def test_a_word_table_stays_where_it_stands(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Inspection of Poole children’s services")
    table = document.add_table(rows=2, cols=2)
    for row, texts in zip(table.rows, [("Judgement", "Grade"), ("Overall effectiveness", "Good")]):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    for n in range(60):  # far more text than the grade reader looks through
        document.add_paragraph(f"Paragraph {n} of the report.")
    document.add_paragraph("Leaders know their services well.", style="List Bullet")
    path = tmp_path / "report.docx"
    document.save(path)
    paragraphs = read_file(path).text.split("\n\n")
    assert paragraphs[:4] == [
        "Inspection of Poole children’s services", "Judgement Grade", "Overall effectiveness Good",
        "Paragraph 0 of the report.",
    ]
    assert paragraphs[-1] == "• Leaders know their services well."
    assert [(j.area, j.grade) for j in ingest_one(path).meta.judgements] == [("Overall effectiveness", "Good")]


def test_merged_word_cells_are_read_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Judgement"
    table.cell(0, 2).text = "Grade"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Children in care"
    for r, (sub, grade) in enumerate([("Adoption performance", "Good"), ("Care leavers", "Inadequate")], 1):
        table.cell(r, 1).text, table.cell(r, 2).text = sub, grade
    document.save(tmp_path / "merged.docx")
    assert read_file(tmp_path / "merged.docx").text == (
        "Judgement Grade\n\nChildren in care Adoption performance Good\n\nCare leavers Inadequate"
    )


def test_a_one_cell_word_table_keeps_its_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "Dear Ms Smith"
    cell.add_paragraph("Children are safe.")
    cell.add_paragraph("Caseloads are lower.", style="List Bullet")
    document.save(tmp_path / "letter.docx")
    assert read_file(tmp_path / "letter.docx").text == "Dear Ms Smith\n\nChildren are safe.\n\n• Caseloads are lower."
