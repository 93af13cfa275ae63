"""The app's cold start: from `streamlit run app.py` to a cited answer on the page, in a real browser.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (requirements-dev.txt).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
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
    # Unbuffered, so the line with the app's address arrives as it is printed (see wait_for_port).
    env = {**os.environ, "OFSTED_QA_INDEX": str(index), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--logger.hideWelcomeMessage", "false"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, errors="replace")


def wait_for_output(child: subprocess.Popen, stream, marker: str, timeout: float, what: str = "the process") -> None:
    """Return once `child` writes a line containing `marker` to `stream` (its stdout or stderr, a text pipe).

    A thread reads the stream to its end, so the child never blocks on a full pipe; the caller waits
    for that thread's word, not on a clock. RuntimeError if the child ends first; TimeoutError if
    neither happens within `timeout` seconds, a guard against a hang.
    """
    found: list[str] = []
    told = threading.Event()

    def read() -> None:
        for line in stream:
            if not found and marker in line:
                found.append(line)
                told.set()
        told.set()  # the end of the stream: the child has ended

    threading.Thread(target=read, daemon=True).start()
    if not told.wait(timeout):
        raise TimeoutError(f"{what} did not print {marker!r} within {timeout:.0f} s")
    if not found:
        raise RuntimeError(f"{what} exited with status {child.wait()} without printing {marker!r}")


def wait_for_port(port: int, child: subprocess.Popen, timeout: float = 300) -> None:
    """Return once the app started by `start_app` listens on `port`: it prints its address after it does."""
    wait_for_output(child, child.stdout, f"http://127.0.0.1:{port}", timeout, what="the app")


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
