"""A run over good and broken files: the good ones land, the broken are named, the index stays whole."""

import shutil
import subprocess
import sys

from index.index import Index
from ingest.pipeline import ingest
from ofsted_qa.settings import Settings
from tests.conftest import LETTERS, ROOT


def test_one_broken_pdf_never_spoils_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(LETTERS / "002_26bebbeff29c7c35.txt", folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with Index.open(tmp_path / "idx", Settings(), create=True) as index:
        report = ingest([folder], index)
        assert report.ingested == [str(folder / "002_26bebbeff29c7c35.txt")]
        assert [(p.split("/")[-1], r.split(":")[0]) for p, r in report.failed] == [("broken.pdf", "not a readable PDF")]
        assert report.exit_code == 1
        assert [d.doc_id for d in index.documents()] == ["002_26bebbeff29c7c35"]
        assert index.check().ok


def test_cli_names_failures_and_exits_with_the_documented_status(tmp_path):
    (tmp_path / "only.pdf").write_bytes(b"not a pdf")
    run = subprocess.run([sys.executable, "-m", "ingest", str(tmp_path / "only.pdf"), "--index", str(tmp_path / "idx"),
                          "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    assert f"failed: {tmp_path / 'only.pdf'}: not a readable PDF" in run.stderr
    assert "0 ingested, 0 unchanged, 1 failed" in run.stderr


def test_the_ingest_command_gives_way_to_people_waiting_on_answers():
    from ingest.__main__ import NICENESS

    code = ("import os; from ingest.__main__ import lower_priority; before = os.nice(0); lower_priority(3); "
            "after = os.nice(0); lower_priority(0); print(after - before, os.nice(0) - after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["3", "0"]
    assert NICENESS > 0
