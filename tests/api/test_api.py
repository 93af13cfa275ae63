"""The HTTP API in process (Starlette's TestClient) over a real index of the bundled letters: shapes, errors,
the write token, uploads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ofsted_qa.api import create_app
from qa import jsonio

ROOT = Path(__file__).resolve().parents[2]
LETTER = ROOT / "data" / "letters" / "001_48f99557a5b80f02.txt"
TOKEN = "test-token-1234"


@pytest.fixture()
def folder(bundled_index, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(bundled_index, copy)
    return copy


@pytest.fixture()
def client(folder, monkeypatch) -> TestClient:
    monkeypatch.setenv("OFSTED_QA_API_TOKEN", TOKEN)
    with TestClient(create_app(folder)) as c:
        yield c


def test_health_documents_and_one_document(client, bundled_qa):
    assert client.get("/health").json()["status"] == "ok"
    rows = client.get("/v1/documents").json()["documents"]
    assert rows == [jsonio.document_json(d) for d in bundled_qa.index.documents()]
    one = client.get("/v1/documents/001_48f99557a5b80f02").json()
    assert one["doc"] == "001_48f99557a5b80f02" and "Caseloads are monitored" in one["text"]
    missing = client.get("/v1/documents/nope")
    assert missing.status_code == 404 and "GET /v1/documents" in missing.json()["detail"]


def test_ask_search_and_check_have_the_command_lines_shapes(client, bundled_qa):
    question = "What did inspectors say about PA caseloads?"
    answer = client.post("/v1/ask", json={"question": question}).json()
    assert answer == jsonio.answer_json(bundled_qa.ask(question))
    assert answer["citations"] and len(answer["passages"]) >= 1
    found = client.post("/v1/search", json={"query": "MASH thresholds", "k": 3}).json()
    assert found["query"] == "MASH thresholds" and len(found["passages"]) == 3
    claims = client.post("/v1/check", json={"text": "Ofsted said caseloads for PAs had reduced.", "single_claim": True})
    assert claims.status_code == 200 and len(claims.json()["claims"]) == 1


def test_filters_by_any_name_and_bad_ones_named(client):
    body = {"question": "What did inspectors say about caseloads?",
            "filters": {"local_authority": "bournemouth-christchurch-poole", "year": 2024,
                        "doc_type": "ilacs_monitoring_visit_letter"}}
    answer = client.post("/v1/ask", json=body).json()
    assert answer["citations"] and {c["doc"] for c in answer["citations"]} == {"001_48f99557a5b80f02"}
    bad = client.post("/v1/ask", json={"question": "x", "filters": {"doc_type": "bogus"}})
    assert bad.status_code == 422 and "doc_type" in bad.json()["detail"]
    unknown = client.post("/v1/search", json={"query": "x", "filters": {"colour": "red"}})
    assert unknown.status_code == 422 and "unknown filter 'colour'" in unknown.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": 3}, {"question": "x" * 5000}])
def test_bad_bodies_get_a_4xx_with_a_message(client, body):
    response = client.post("/v1/ask", json=body)
    assert response.status_code == 422 and isinstance(response.json()["detail"], str)


def test_not_json_is_a_4xx(client):
    response = client.post("/v1/ask", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"] == "the body is not valid JSON (at character 0)"


def test_a_councils_timeline(client):
    body = client.get("/v1/councils/bournemouth-christchurch-poole/timeline").json()
    assert body["council"] == "Bournemouth, Christchurch and Poole"
    dates = [e["visit_dates"][-1] for e in body["events"]]
    assert dates == sorted(dates) and len(dates) >= 5
    graded = [e for e in body["events"] if e["judgements"]]
    assert graded[0]["judgements"][-1] == {"area": "Overall effectiveness", "grade": "Inadequate",
                                           "quote": "Overall effectiveness Inadequate"}
    assert client.get("/v1/councils/Atlantis/timeline").status_code == 404


def _upload(client, name: str, data: bytes, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/v1/documents", files={"file": (name, data, "text/plain")}, headers=headers)


def test_writes_need_the_token(client, folder):
    assert client.post("/v1/documents").status_code == 401  # no token and no file: the token is asked for first
    data = LETTER.read_bytes()
    assert _upload(client, "a.txt", data, token=None).status_code == 401
    assert _upload(client, "a.txt", data, token="wrong").status_code == 401
    assert not (folder / "uploads" / "a.txt").exists()


def test_writes_are_refused_when_no_token_is_configured(folder, monkeypatch):
    monkeypatch.delenv("OFSTED_QA_API_TOKEN", raising=False)
    with TestClient(create_app(folder)) as c:
        response = _upload(c, "a.txt", LETTER.read_bytes(), token="anything")
    assert response.status_code == 403 and "OFSTED_QA_API_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize("name", ["../../evil.txt", "..%2f..%2fevil.txt", "/etc/evil.txt", "sub/evil.txt",
                                  "..\\evil.txt", ".hidden.txt"])
def test_a_name_with_a_folder_in_it_is_refused(client, folder, name):
    response = _upload(client, name, LETTER.read_bytes())
    assert response.status_code == 400 and "plain file name" in response.json()["detail"]
    assert not list(folder.parent.glob("evil*")) and not list(folder.glob("**/evil*"))


def test_unsupported_empty_and_too_large_uploads_are_refused(client, folder):
    assert _upload(client, "a.exe", b"MZ").status_code == 415
    assert _upload(client, "empty.txt", b"").status_code == 400
    big = b"x" * (int(50e6) + 1)
    assert _upload(client, "big.txt", big).status_code == 413
    assert not any((folder / "uploads").glob("*")) if (folder / "uploads").exists() else True


def test_an_upload_is_ingested_and_searchable(client):
    text = ("3 March 2025\n\nDear Ada\n\nFocused visit to Zephyrton Borough Council children's services\n\n"
            "This letter summarises the findings of the focused visit to Zephyrton children's services on 4 and 5 "
            "February 2025.\n\nInspectors found that the zephyrine audits, introduced last spring, give managers a "
            "clear weekly view of every social worker's caseload.\n\nYours sincerely\n\nIvy Marsh\n")
    response = _upload(client, "zephyr-letter.txt", text.encode("utf-8"))
    assert response.status_code == 201 and response.json()["ingested"] == ["zephyr-letter"]
    hits = client.post("/v1/search", json={"query": "zephyrine audits", "k": 3}).json()["passages"]
    assert hits[0]["doc"] == "zephyr-letter"


def test_a_damaged_index_is_a_503_with_the_mend(folder, monkeypatch):
    vectors = next(folder.glob("vectors*.faiss"))
    vectors.write_bytes(vectors.read_bytes()[:100])
    with TestClient(create_app(folder)) as c:
        for response in (c.get("/health"), c.post("/v1/ask", json={"question": "caseloads?"})):
            assert response.status_code == 503
            assert "python -m ingest" in response.json()["detail"]


def test_the_token_is_checked_before_an_upload_is_read(client, monkeypatch):
    big = b"x" * (int(50e6) + (2 << 20))
    response = client.post("/v1/documents", files={"file": ("a.txt", big, "text/plain")})
    assert response.status_code == 401  # not 413 or 422: nothing was read before the token
    response = client.post("/v1/documents", files={"file": ("a.txt", big, "text/plain")},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 413


def test_an_upload_never_replaces_a_letter_indexed_from_elsewhere(client, bundled_qa):
    before = client.get("/v1/documents/001_48f99557a5b80f02").json()
    response = _upload(client, "001_48f99557a5b80f02.txt", b"Nothing to do with Ofsted.")
    assert response.status_code == 409 and "upload it under another name" in response.json()["detail"]
    assert client.get("/v1/documents/001_48f99557a5b80f02").json() == before


def test_an_upload_that_cannot_be_read_is_refused_and_not_kept(client, folder):
    response = _upload(client, "notreally.pdf", b"hello")
    assert response.status_code == 422 and "notreally.pdf" in response.json()["detail"]
    assert not (folder / "uploads" / "notreally.pdf").exists()
    assert not [p for p in (folder / "uploads").iterdir()]


def test_a_failed_new_version_puts_the_earlier_upload_back(client, folder):
    good = (b"3 March 2025\n\nDear Ada\n\nFocused visit to Zephyrton Borough Council children's services\n\n"
            b"Inspectors found that the quillwort panel reviews every child's plan within ten days.\n")
    assert _upload(client, "zephyr.txt", good).status_code == 201
    response = _upload(client, "zephyr.txt", b"   \n\n   \n")  # no text: the new version cannot be read
    assert response.status_code == 422
    assert (folder / "uploads" / "zephyr.txt").read_bytes() == good
    assert [p.name for p in (folder / "uploads").iterdir()] == ["zephyr.txt"]
    found = client.post("/v1/search", json={"query": "quillwort panel", "k": 1}).json()["passages"]
    assert found[0]["doc"] == "zephyr"


@pytest.mark.parametrize("filters", ['{"year": Infinity}', '{"year": 2022.5}', json.dumps({"year": list(range(1000))}),
                                     '{"local_authority": {"a": 1}}', '{"doc_type": [["jtai"]]}'])
def test_filters_that_cannot_be_meant_are_4xx(client, filters):
    body = '{"query": "caseloads", "filters": ' + filters + "}"  # as sent: Python's JSON reader takes Infinity
    response = client.post("/v1/search", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and isinstance(response.json()["detail"], str)
