"""Each supported format read from a real file the test writes."""

import pytest

from ingest.errors import ReadError
from ingest.readers import decode_text, html_to_text, read_file

SENTENCE = "Inspectors found that the café’s “front door” works well."


def test_utf8_utf16_and_windows_1252_text(tmp_path):
    for name, data, encoding in [
        ("u8.txt", SENTENCE.encode("utf-8"), "utf-8"),
        ("u8bom.txt", b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), "utf-8-sig"),
        ("u16.txt", SENTENCE.encode("utf-16"), "utf-16"),
        ("cp.md", SENTENCE.encode("cp1252"), "cp1252"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        raw = read_file(path)
        assert raw.text == SENTENCE and raw.encoding == encoding, name


def test_decode_guesses_windows_1252_for_bytes_that_are_not_utf8():
    assert decode_text(b"caf\xe9 \x93quoted\x94") == ("café “quoted”", "cp1252")


def test_html_keeps_visible_text_only(tmp_path):
    page = tmp_path / "article.html"
    page.write_text(
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><h1>Ofsted visit</h1><p>First paragraph.</p>"
        "<ul><li>One</li><li>Two</li></ul><noscript>enable js</noscript></body></html>",
        encoding="utf-8",
    )
    text = read_file(page).text
    assert text == "Ofsted visit\n\nFirst paragraph.\n\n• One\n\n• Two"
    assert html_to_text("<p>A<script>x()</script></p><p>B</p>") == "A\n\nB"


def test_docx_paragraphs_lists_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Headline findings", level=1)
    document.add_paragraph(SENTENCE)
    document.add_paragraph("Caseloads are lower.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Overall effectiveness"
    table.rows[0].cells[1].text = "Good"
    path = tmp_path / "letter.docx"
    document.save(path)
    text = read_file(path).text
    assert "Headline findings\n\n" + SENTENCE in text
    assert "• Caseloads are lower." in text
    assert "Overall effectiveness Good" in text


@pytest.mark.parametrize("name, data, reason", [
    ("empty.pdf", b"", "empty file"),
    ("noise.pdf", b"\x00\x01not a pdf at all" * 10, "not a readable PDF"),
    ("noise.docx", b"PK\x03\x04garbage" * 10, "not a readable Word document"),
    ("blank.txt", b"   \n\t  \n", "no text found"),
    ("letter.xyz", b"text", "unsupported file type .xyz"),
])
def test_bad_files_name_the_file_and_the_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert str(caught.value).startswith(name + ": ")
    assert reason in str(caught.value)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 1000)
    with pytest.raises(ReadError, match="over the 0 MB limit"):
        read_file(path, max_bytes=100)
