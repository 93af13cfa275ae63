"""The service as it runs: `make serve`'s uvicorn with two worker processes over a copy of the bundled index,
answering while a real ingest holds the write lock, refusing a second writer, and seeing the ingest's documents
once it commits. The ingest stops at known moments (tests.index.paused_ingest), so nothing waits on a clock."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.index import paused_ingest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "server-test-token"
NEW_LETTER = """3 March 2025

Dear Ada

Focused visit to Zephyrton Borough Council children's services

This letter summarises the findings of the focused visit to Zephyrton children's services on 4 and 5 February 2025.

Inspectors found that the quillwort panel, introduced last spring, reviews every child's plan within ten days.

Yours sincerely

Ivy Marsh
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(port: int, method: str, path: str, body: dict | None = None, data: bytes | None = None,
          headers: dict | None = None) -> tuple[int, dict]:
    payload = json.dumps(body).encode() if body is not None else data
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=payload, method=method,
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _upload(port: int, name: str, content: bytes) -> tuple[int, dict]:
    boundary = "----ofstedqa"
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return _call(port, "POST", "/v1/documents", data=data,
                 headers={"content-type": f"multipart/form-data; boundary={boundary}",
                          "Authorization": f"Bearer {TOKEN}"})


@pytest.fixture()
def served(bundled_index, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(bundled_index, folder)
    port = _free_port()
    env = {**os.environ, "OFSTED_QA_INDEX": str(folder), "OFSTED_QA_API_TOKEN": TOKEN}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "ofsted_qa.api:app", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started = 0
    for line in server.stderr:  # the supervisor and each worker say so when ready
        if "Application startup complete" in line:
            started += 1
            if started == 2:
                break
    else:
        raise RuntimeError(f"the service did not start: exit status {server.wait()}")
    # keep reading what it logs, so that a full pipe never stalls it
    drain = threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True)
    drain.start()
    yield port, folder, tmp_path
    server.terminate()
    server.wait()


def test_many_readers_one_writer(served):
    port, folder, work = served
    assert _call(port, "GET", "/health")[0] == 200
    letter = work / "letters" / "zephyrton-focused-visit.txt"
    letter.parent.mkdir()
    letter.write_text(NEW_LETTER, encoding="utf-8")
    ingest = paused_ingest.start([letter], folder, stop=("locked", "committed"), log=work / "ingest.log")
    try:
        assert paused_ingest.next_moment(ingest)[1] == "locked"
        # the writer holds the lock: readers answer, a second writer is refused with a message
        for _ in range(6):
            status, answer = _call(port, "POST", "/v1/ask", {"question": "What did inspectors say about PA caseloads?"})
            assert status == 200 and answer["citations"]
        status, refused = _upload(port, "another.txt", NEW_LETTER.replace("quillwort", "moonwort").encode())
        assert status == 409 and "another ingest is writing" in refused["detail"]
        paused_ingest.go_on(ingest)
        assert paused_ingest.next_moment(ingest)[1] == "committed"
        paused_ingest.go_on(ingest)
        assert paused_ingest.next_moment(ingest)[1] == "done"
        assert ingest.wait() == 0
    finally:
        if ingest.poll() is None:  # a failed assertion above: do not leave it waiting
            ingest.kill()
            ingest.wait()
    # both workers see the committed document
    for _ in range(4):
        status, found = _call(port, "POST", "/v1/search", {"query": "quillwort panel", "k": 3})
        assert status == 200 and found["passages"][0]["doc"] == "zephyrton-focused-visit"
