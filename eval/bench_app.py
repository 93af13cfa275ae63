"""The app's cold start: from `streamlit run app.py` to a cited answer on the page, in a real browser.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (requirements-dev.txt).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
QUESTION = "What did inspectors say about the caseloads of personal advisers?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "OFSTED_QA_INDEX": str(index)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_port(port: int, child: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the app exited with status {child.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"the app did not listen on port {port} within {timeout:.0f} s")


def ask_in_browser(page, url: str, question: str, timeout_ms: int = 60_000) -> None:
    """Open the app, ask `question`, and return once the answer's citations are on the page."""
    page.goto(url)
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=timeout_ms)
    box.fill(question)
    box.press("Enter")
    page.get_by_text("Citations", exact=True).wait_for(timeout=timeout_ms)


def bench_app(index: Path, runs: int) -> dict:
    """Median seconds from starting the app process to the first cited answer shown."""
    if not Path(CHROMIUM).exists():
        return {"note": f"app cold start not measured: {CHROMIUM} is missing (apt-get install chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"note": "app cold start not measured: pip install -r requirements-dev.txt (playwright)"}
    each = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        for _ in range(runs):
            port = free_port()
            page = browser.new_page()
            started = time.perf_counter()
            child = start_app(index, port)
            try:
                wait_for_port(port, child)
                ask_in_browser(page, f"http://127.0.0.1:{port}/", QUESTION)
                each.append(time.perf_counter() - started)
            finally:
                child.terminate()
                child.wait(timeout=30)
                page.close()
        browser.close()
    return {"seconds": statistics.median(each), "each": each, "question": QUESTION}
