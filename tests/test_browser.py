"""End to end in a real browser: `streamlit run app.py` on a copy of the bundled index, driven in
Debian's chromium with Playwright. Ask and read the citation, open the cited letter, upload a letter
and find it with Search, read a council's timeline and letters and the national table of grades.
Screenshots of each step go to test-output/browser/.

Needs /usr/bin/chromium (apt-get install chromium) and the playwright package (requirements-dev.txt);
Playwright's own browser download is never used. Without them the test is skipped, or fails when $CI is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode

import pytest

from eval.bench_app import CHROMIUM, ask_in_browser, free_port, start_app, wait_for_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "browser"
QUESTION = "What did inspectors say about the caseloads of personal advisers?"
TIMEOUT_MS = 60_000
COUNCIL = "Bournemouth, Christchurch and Poole"
FOCUSED_2020 = "Focused visit to Bournemouth, Christchurch and Poole — 27 November 2020"
UPLOAD_NAME = "zephyrton-focused-visit.txt"
UPLOAD_DOC = "zephyrton-focused-visit"
UPLOAD_SENTENCE = ("Inspectors found that the zephyrine caseload audit, introduced last spring, gives managers "
                   "a clear weekly view of every social worker's caseload.")
UPLOAD_TEXT = f"""Ofsted Piccadilly Gate Store Street Manchester M1 2WD

3 March 2025

Ada Quill Director of Children's Services Zephyrton Borough Council Town Hall Zephyrton ZT1 1AA

Dear Ada

Focused visit to Zephyrton Borough Council children's services

This letter summarises the findings of the focused visit to Zephyrton Borough Council children's services
on 4 and 5 February 2025.

Findings

{UPLOAD_SENTENCE}

Yours sincerely

Ivy Marsh
His Majesty's Inspector
"""


def _playwright():
    """sync_playwright, or fail (under CI) / skip with how to install what is missing."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} is missing: apt-get install chromium (Debian's package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the playwright package is missing: .venv/bin/pip install -r requirements-dev.txt")
    if missing:
        message = "the browser test needs Debian's chromium and playwright; " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)  # the page's own default does not cover expect()
    shutil.rmtree(SHOTS, ignore_errors=True)  # no screenshot left from an earlier run
    SHOTS.mkdir(parents=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url(browser, bundled_index, tmp_path_factory):
    """The app on a free loopback port, over a copy of the bundled index (the test uploads into it)."""
    folder = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(bundled_index, folder)
    port = free_port()
    child = start_app(folder, port)
    try:
        wait_for_port(port, child)
        yield f"http://127.0.0.1:{port}/"
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()


@contextmanager
def step(page, name: str):
    """Screenshot `name`.png once the step has passed, or `name`-FAILED.png if it did not."""
    try:
        yield
    except BaseException:
        with suppress(Exception):
            page.screenshot(path=SHOTS / f"{name}-FAILED.png")
        raise
    page.screenshot(path=SHOTS / f"{name}.png", animations="disabled")


def go_to(page, name: str) -> None:
    """Pick a page in the sidebar's navigation and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, exact=True).wait_for()


def test_ask_cites_a_letter_and_opens_it(app_url, page, bundled_qa):
    from playwright.sync_api import expect

    expected = bundled_qa.ask(QUESTION)  # the same question, in-process, on the same letters
    assert not expected.abstained and expected.citations, expected
    first = expected.citations[0]

    with step(page, "1-answer"):
        ask_in_browser(page, app_url, QUESTION, timeout_ms=TIMEOUT_MS)
        expect(page.get_by_text(first.quote).first).to_be_visible()
        expect(page.get_by_text(f"[{first.n}] {first.title}").first).to_be_visible()  # the citation list
        expect(page.get_by_text(first.doc_id).first).to_be_visible()  # the evidence card

    with step(page, "2-letter"):
        page.get_by_role("button", name="Open letter").first.click()
        page.get_by_role("heading", name="Letters", exact=True).wait_for()
        expect(page).to_have_url(re.compile(rf"/letters\?letter={re.escape(first.doc_id)}$"))  # a link to it
        expect(page.get_by_text("cited in your last answer are marked")).to_be_visible()
        expect(page.locator("mark", has_text=first.quote)).to_be_visible()
        letter = bundled_qa.index.document(first.doc_id).text
        elsewhere = next(line.strip() for line in letter.splitlines() if len(line.strip()) > 60
                         and line.strip() not in first.quote)
        expect(page.get_by_text(elsewhere).first).to_be_visible()  # the letter itself, not just the quote
        scroll_to(page.locator("mark", has_text=first.quote).first)  # for the screenshot


def scroll_to(locator, attempts: int = 5) -> None:
    """Scroll an element into view; Streamlit may redraw it in between, so look it up again then."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            locator.scroll_into_view_if_needed(timeout=10_000)
            return
        except Error:
            if attempt == attempts - 1:
                raise


def test_an_uploaded_letter_is_found_by_search(app_url, page, tmp_path):
    from playwright.sync_api import expect

    upload = tmp_path / UPLOAD_NAME
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    page.goto(app_url)

    with step(page, "3-uploaded"):
        go_to(page, "Add letters")
        page.locator("input[type=file]").set_input_files(upload)
        expect(page.get_by_role("button", name=f"Remove {UPLOAD_NAME}")).to_be_visible()  # listed
        add = page.get_by_role("button", name="Add to the index")
        expect(add).to_be_enabled()
        add.click()
        expect(page.get_by_text(re.compile(r"^1 ingested, 0 unchanged, 0 failed"))).to_be_visible()
        expect(page.get_by_test_id("glide-cell-0-0")).to_have_text(UPLOAD_NAME)  # the report's table

    with step(page, "4-search"):
        go_to(page, "Search")
        page.get_by_label("Search the letters").fill("zephyrine caseload audit")
        page.get_by_role("button", name="Search", exact=True).click()
        top = page.get_by_text(re.compile(rf"^1\. .* · {UPLOAD_DOC}$"))  # the first result's heading
        expect(top).to_be_visible()
        expect(page.get_by_text(UPLOAD_SENTENCE).first).to_be_visible()


def test_council_and_national_pages_draw_their_charts_and_tables(app_url, page, bundled_qa):
    from playwright.sync_api import expect

    from qa.history import council_events, improvements

    docs = bundled_qa.index.documents()
    events = council_events(docs, COUNCIL)
    newest = bundled_qa.index.document(events[-1].doc_id)
    chart = page.locator(".vega-embed canvas, .vega-embed svg")

    with step(page, "council"):
        page.goto(app_url + "council?" + urlencode({"council": COUNCIL}))
        page.get_by_role("heading", name="Council", exact=True).wait_for()
        expect(chart.first).to_be_visible()  # the timeline
        expect(page.get_by_test_id("glide-cell-0-0")).to_have_text(events[-1].ended)  # grades, newest first
        expect(page.get_by_test_id("glide-cell-1-1")).to_have_text("Inadequate")
        expect(page.get_by_test_id("stExpander")).to_have_count(len(events))
        for item in improvements(newest):
            expect(page.get_by_text(item.text, exact=True)).to_be_visible()

    with step(page, "council-follow-up"):
        visit = page.get_by_test_id("stExpander").filter(has_text=FOCUSED_2020)
        visit.get_by_text(FOCUSED_2020).first.click()  # open it
        visit.get_by_text("What later letters said").click()
        expect(visit.get_by_text("1. Area for improvement", exact=True)).to_be_visible()
        expect(visit.get_by_text("improved", exact=True).first).to_be_visible()
        expect(visit.get_by_text("not yet", exact=True).first).to_be_visible()
        scroll_to(visit.get_by_text("1. Area for improvement", exact=True))

    with step(page, "national"):
        go_to(page, "National")
        expect(page.get_by_test_id("glide-cell-0-0")).to_have_text(COUNCIL)
        expect(page.get_by_test_id("glide-cell-2-0")).to_have_text("Good")  # overall effectiveness
        expect(page.get_by_test_id("glide-cell-0-1")).to_have_count(0)  # the latest only
        page.get_by_text("Every graded inspection").click()
        expect(page.get_by_test_id("glide-cell-2-1")).to_have_text("Good")
        expect(page.get_by_test_id("glide-cell-2-0")).to_have_text("Inadequate")
        expect(chart.first).to_be_visible()  # grades by year
        scroll_to(chart.first)
