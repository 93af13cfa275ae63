"""One Python entry point: open an index of letters, then ask, search, check, list and add to it.

    from ofsted_qa import open_index

    with open_index("var/index") as letters:
        answer = letters.ask("What did inspectors say about PA caseloads?")
        for c in answer.citations:
            print(c.n, c.title, c.quote)

Results are frozen dataclasses (`Answer`, `Searched`, `Verdict`, `Document`, `Event`), and `add` gives the
ingest's `IngestReport`;
`qa.jsonio` gives the JSON shapes the command line and the HTTP API print.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from index.filters import Filters
from index.index import Index
from ingest.models import Document
from ingest.pipeline import IngestReport
from ofsted_qa.filters import filters_from
from ofsted_qa.settings import Settings, default_index_dir, uploads_folder
from qa.history import Event, council_events
from qa.models import Answer, Hit, Verdict


@dataclass(frozen=True)
class Searched:
    """Ranked passages for a query, with the scope read from its words and any part of it dropped."""

    query: str
    hits: tuple[Hit, ...]
    scope: str = ""
    loosened: tuple[str, ...] = ()


class Library:
    """An open index with its models: the operations of the app, the command line and the HTTP API.

    Safe to share between threads: operations take turns on the index.
    """

    def __init__(self, index: Index, opened_at: str | None = None):
        from qa.service import QA

        self.index = index
        self._opened_at = opened_at or index.location  # with any password, to open a writer
        self.qa = QA(index)
        self.lock = threading.RLock()

    @property
    def location(self) -> str:
        """The index's folder or database address (without its password)."""
        return self.index.location

    @property
    def uploads(self) -> Path:
        """Where uploaded letters are kept."""
        return uploads_folder(self._opened_at)

    @property
    def settings(self) -> Settings:
        return self.index.settings

    def ask(self, question: str, filters: Filters | Mapping | None = None) -> Answer:
        """Cited sentences of the letters, an answer about many documents, or an abstention that says why."""
        with self.lock:
            return self.qa.ask(question, _filters(filters))

    def search(self, query: str, k: int = 10, filters: Filters | Mapping | None = None) -> Searched:
        """The `k` best passages, by meaning and keywords."""
        with self.lock:
            found, hits = self.qa.search(query, k, _filters(filters))
        return Searched(query, tuple(hits), found.scope.describe(), found.loosened)

    def check(self, text: str, single_claim: bool = False) -> list[Verdict]:
        """Verdicts on a claim (`single_claim`) or on every claim found in an article."""
        with self.lock:
            return self.qa.check(text, single_claim=single_claim)

    def documents(self) -> list[Document]:
        with self.lock:
            self.index.refresh()
            return self.index.documents()

    def document(self, doc_id: str) -> Document | None:
        with self.lock:
            self.index.refresh()
            return self.index.document(doc_id)

    def councils(self) -> list[str]:
        with self.lock:
            return sorted(self.index.authorities())

    def timeline(self, council: str) -> tuple[Event, ...]:
        """Every official letter and report about a council, oldest first, with grades and outcomes."""
        from ingest.authorities import canonical_authority

        return council_events(self.documents(), canonical_authority(council) or council)

    def add(self, paths: Iterable[Path | str]) -> IngestReport:
        """Ingest files or folders into the index (the one writer; `IndexLocked` if another is writing).

        The ingest writes through a connection of its own, so answers from this library go on meanwhile and
        see its documents once each batch commits.
        """
        from ingest.pipeline import ingest

        with Index.open(self._opened_at, self.settings) as writer:  # the model is loaded once per process
            return ingest([Path(p) for p in paths], writer)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_index(path: Path | str | None = None, settings: Settings | None = None, create: bool = False) -> Library:
    """The index at `path` ($OFSTED_QA_INDEX or var/index by default), ready to ask. Raises `IndexMissing`,
    `IndexDamaged` or `SettingsMismatch` (all `IndexError_`) with a message that says what to do."""
    location = str(path or default_index_dir())
    return Library(Index.open(location, settings or Settings(), create=create), location)


def _filters(filters: Filters | Mapping | None) -> Filters | None:
    if filters is None or isinstance(filters, Filters):
        return filters
    return filters_from(filters)
