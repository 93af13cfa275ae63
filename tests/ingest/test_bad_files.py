"""Whatever is on a user's disk, in one `python -m ingest` run beside good letters.

Every bad file gets one line naming it and the reason; every good one is ingested; the index
holds nothing of the failed ones and stays consistent; the run ends with a summary and exit 1.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from index.index import Index
from tests.conftest import LETTERS, ROOT

GOOD_LETTER = LETTERS / "000_49ecad93d48c1fcf.txt"
PDF_LETTER = next(p for p in sorted(LETTERS.glob("*.pdf")))


def password_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PDF_LETTER))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(page).text((80, 80), "Children's services focused visit (an image of text)", fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF")
    return out.getvalue()


# file name -> (bytes, the reason expected on its line)
BAD = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"   \n\n\t  \r\n  ", "no text"),
    "random.pdf": (os.urandom(4096), "not a readable PDF"),
    "word export.docx": (os.urandom(4096), "not a readable Word document"),
    "truncated.pdf": (PDF_LETTER.read_bytes()[:20_000], "not a readable PDF"),
    "password.pdf": (None, "PDF is password-protected"),
    "scanned.pdf": (None, "no text found (a scanned PDF with no text layer?)"),
    "too big.txt": (b"The local authority has improved. " * 80_000, "over the 2 MB limit"),
    "letter.xlsx": (b"PK\x03\x04 spreadsheet", "unsupported file type .xlsx"),
    "only script.html": (b"<html><head><style>p{color:red}</style><script>var x = 1;</script></head>"
                         b"<body><script>alert('x')</script></body></html>", "no text"),
}


def good_files(folder) -> dict[str, str]:
    """Good files in awkward forms -> a sentence each must yield in the index."""
    text = GOOD_LETTER.read_text(encoding="utf-8")
    (folder / "Lettre à l’inspection – BCP 2022.txt").write_text(text, encoding="utf-8")
    (folder / "utf16 letter.txt").write_bytes(text.replace("2022", "2021").encode("utf-16"))
    (folder / "windows.txt").write_bytes("Café staff said the service’s leaders were visible and “approachable”.\n"
                                         "Inspectors found that Poole’s front door was effective.".encode("cp1252"))
    (folder / "saved page.html").write_bytes(
        b"<html><head><style>.x{display:none}</style><script>track('visit')</script></head><body>"
        b"<nav>Home | News</nav><article><p>Ofsted found that social workers in the MASH make timely decisions "
        b"for children.</p><script>alert(1)</script></article></body></html>")
    return {"Lettre à l’inspection – BCP 2022": "Steve Lowe",
            "utf16 letter": "Monitoring visit",
            "windows": "Café staff said the service’s leaders were visible and “approachable”.",
            "saved page": "Ofsted found that social workers in the MASH make timely decisions for children."}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disk")
    for name, (data, _) in BAD.items():
        if name == "password.pdf":
            data = password_pdf()
        elif name == "scanned.pdf":
            data = scanned_pdf()
        (folder / name).write_bytes(data)
    expected = good_files(folder)
    index = tmp_path_factory.mktemp("index")
    shutil.copy(PDF_LETTER, folder / PDF_LETTER.name)
    expected[PDF_LETTER.stem] = "Bournemouth, Christchurch and Poole"
    cmd = [sys.executable, "-m", "ingest", str(folder), str(folder / "letter.xlsx"), "--index", str(index),
           "--quiet", "--max-file-mb", "2"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / "bad_files.txt").write_text(done.stderr + "\n--- again ---\n" + again.stderr)
    return folder, index, expected, done, again


@pytest.mark.parametrize("name", BAD)
def test_each_bad_file_gets_one_line_naming_it_and_the_reason(run, name):
    folder, _, _, done, _ = run
    lines = [line for line in done.stderr.splitlines() if line.startswith(f"failed: {folder / name}:")]
    assert len(lines) == 1, done.stderr
    assert BAD[name][1] in lines[0]


def test_the_good_files_are_ingested_whole_and_nothing_of_the_bad(run):
    _, index, expected, done, _ = run
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"{len(expected)} ingested, 0 unchanged, {len(BAD)} failed")
    with Index.open(index) as ix:
        docs = {d.doc_id: d for d in ix.documents()}
        assert set(docs) == set(expected)
        for doc_id, sentence in expected.items():
            assert sentence in docs[doc_id].text
        assert "alert" not in docs["saved page"].text and "track(" not in docs["saved page"].text
        assert ix.consistency.ok and ix.consistency.chunks > 0
    with sqlite3.connect(index / "index.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_second_run_changes_nothing_and_says_so(run):
    _, index, expected, _, again = run
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1].startswith(f"0 ingested, {len(expected)} unchanged, {len(BAD)} failed")
    assert len(list(index.glob("vectors*.faiss"))) == 1


def test_a_letter_damaged_after_ingest_keeps_its_indexed_version(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    letter = folder / PDF_LETTER.name
    shutil.copy(PDF_LETTER, letter)
    cmd = [sys.executable, "-m", "ingest", str(folder), "--index", str(tmp_path / "index"), "--quiet"]
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    with sqlite3.connect(tmp_path / "index" / "index.sqlite") as db:
        before = db.execute("SELECT chunk_id, text FROM chunks ORDER BY id").fetchall()
    letter.write_bytes(PDF_LETTER.read_bytes()[:5000])  # a half-finished download over the good file
    damaged = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert damaged.returncode == 2 and f"failed: {letter}: not a readable PDF" in damaged.stderr
    with sqlite3.connect(tmp_path / "index" / "index.sqlite") as db:
        assert db.execute("SELECT chunk_id, text FROM chunks ORDER BY id").fetchall() == before
