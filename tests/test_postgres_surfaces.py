"""Every way in works on an index in PostgreSQL: the command line, the Python entry point, the HTTP API
with an upload, and the app, over a real server (tests/postgres.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from index.errors import IndexMissing
from ofsted_qa import open_index
from ofsted_qa.api import create_app
from tests.apptest import start
from tests.conftest import LETTERS, ROOT

PA_QUESTION = "What did inspectors say about PA caseloads?"
PA_DOC = "001_48f99557a5b80f02"
PA_SENTENCE = "Caseloads are monitored by senior leaders and have reduced significantly since the last inspection"


def test_the_command_line_asks_an_index_in_postgres(bundled_postgres):
    done = subprocess.run([sys.executable, "-m", "qa", "ask", PA_QUESTION, "--index", bundled_postgres, "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert any(c["doc"] == PA_DOC and PA_SENTENCE in c["quote"] for c in answer["citations"])


def test_the_python_entry_point_and_an_unreachable_address(bundled_postgres, postgres):
    with open_index(bundled_postgres) as letters:
        assert letters.location.startswith("postgresql://")
        assert len(letters.documents()) == 9
        assert letters.timeline("BCP")
    with pytest.raises(IndexMissing, match="no index at postgresql://.*python -m ingest PATH --index"):
        open_index(postgres.database("empty"))
    with pytest.raises(IndexMissing, match="cannot reach the index database at postgresql://nobody:\\*\\*\\*@"):
        open_index("postgresql://nobody:hunter2@/nothing?host=/nonexistent")


def test_the_api_answers_and_takes_an_upload_into_postgres(postgres, tmp_path, monkeypatch):
    address = postgres.database("api")
    with open_index(address, create=True) as letters:
        letters.add([LETTERS / f"{PA_DOC}.txt"])
    monkeypatch.setenv("OFSTED_QA_API_TOKEN", "secret")
    monkeypatch.setenv("OFSTED_QA_UPLOADS", str(tmp_path / "uploads"))
    with TestClient(create_app(address)) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["documents"] == 1 and "postgresql://" in health["index"]
        answer = client.post("/v1/ask", json={"question": PA_QUESTION}).json()
        assert any(PA_SENTENCE in c["quote"] for c in answer["citations"])
        letter = LETTERS / "000_49ecad93d48c1fcf.txt"
        sent = client.post("/v1/documents", headers={"Authorization": "Bearer secret"},
                           files={"file": (letter.name, letter.read_bytes(), "text/plain")})
        assert sent.status_code == 201, sent.text
        assert (tmp_path / "uploads" / letter.name).exists()
        assert len(client.get("/v1/documents").json()["documents"]) == 2


def test_the_app_answers_from_an_index_in_postgres(bundled_postgres, monkeypatch):
    at = start(bundled_postgres, monkeypatch)
    at.chat_input(key="question").set_value(PA_QUESTION).run()
    assert not at.exception, at.exception
    assert any(PA_SENTENCE in h.value for h in at.html)
