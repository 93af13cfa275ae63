"""Driving the app with AppTest: start it on an index, go to a page, read what a download button holds."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {"Ask": "ask", "Search": "search", "Letters": "letters", "Check": "check", "Council": "council",
         "National": "national", "Add letters": "add"}


def start(folder: Path, monkeypatch, page: str = "Ask", query: dict | None = None) -> AppTest:
    """The app on the index in `folder`, opened at `page` with the address's `query`, as a link opens it."""
    monkeypatch.setenv("OFSTED_QA_INDEX", str(folder))
    at = AppTest.from_file(APP, default_timeout=120)
    if page != "Ask":
        at.switch_page(f"app_pages/{PAGES[page]}.py")
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    assert on(at) == page
    return at


def go_to(at: AppTest, page: str) -> AppTest:
    """Pick `page` in the navigation, as a click in the sidebar does."""
    at.switch_page(f"app_pages/{PAGES[page]}.py").run()
    assert not at.exception, at.exception
    assert on(at) == page
    return at


def on(at: AppTest) -> str:
    """The page shown: its title."""
    return at.title[0].value


def record_downloads(monkeypatch):
    """Keep what every download button is given; returns `held(button) -> (bytes, file name)`."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    saved: dict[str, tuple[bytes, str | None]] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(self, data, mimetype, kind, filename=None):
        file_id = real(self, data, mimetype, kind, filename)
        saved[file_id] = (data, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return lambda button: saved[Path(button.proto.url).stem]
