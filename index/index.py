"""The index every part of the product reads and writes, whichever database holds it.

`Index.open(location)` opens a folder (SQLite with FTS5 and FAISS files: `index.embedded`) or a
`postgresql://` address (PostgreSQL with pgvector and full-text search: `index.postgres`). Both keep
documents, their chunks and each chunk's vector, and both answer the same questions: the best chunks
by vector and by keywords within filters (run inside the database), the chunks and documents by id,
and what the index knows (councils, abbreviations). Fusing the two rankings is the retriever's work
(`qa.retrieve.fuse`), so both backends rank alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import SettingsMismatch
from index.filters import Filters
from ingest.models import Chunk, Document
from ofsted_qa.settings import Settings

if TYPE_CHECKING:
    from index.embedder import Embedder  # loaded on first use: it brings the model libraries

__all__ = ["Consistency", "Filters", "Index", "is_database_address"]

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_address(location: Path | str) -> bool:
    """True for a PostgreSQL address, False for a folder."""
    return str(location).startswith(DATABASE_SCHEMES)


@dataclass(frozen=True)
class Consistency:
    """What a check of vectors against chunk rows found."""

    chunks: int
    vectors: int
    missing_vectors: tuple[int, ...]  # chunk rows with no vector
    orphan_vectors: tuple[int, ...]  # vectors with no chunk row

    @property
    def ok(self) -> bool:
        return not self.missing_vectors and not self.orphan_vectors

    def describe(self, location: Path | str) -> str:
        """One line for people: what is wrong and what mends it."""
        if self.ok:
            return f"index at {location}: {self.chunks} passages, each with its vector"
        return (f"index at {location}: {len(self.missing_vectors)} passages have no vector and "
                f"{len(self.orphan_vectors)} vectors have no passage; answers use what is consistent. "
                f"`python -m ingest PATH --index {location}` repairs it.")


class Index(ABC):
    """Documents, chunks and their vectors; search by vector or keyword within filters."""

    settings: Settings
    consistency: Consistency | None = None  # what the check on opening found
    _embedder: Embedder | None = None

    @classmethod
    def open(cls, location: Path | str, settings: Settings | None = None, create: bool = False,
             rebuild_vectors: bool = False) -> Index:
        """Open the index at `location`: a folder, or a `postgresql://` address.

        Refuses one built with different model or chunk settings (`SettingsMismatch`); `IndexMissing` when
        there is none and not `create`. `rebuild_vectors` (an ingest) opens an index whose vectors cannot be
        read, to be mended by `repair`.
        """
        if is_database_address(location):
            from index.postgres import PostgresIndex

            return PostgresIndex.open(str(location), settings, create, rebuild_vectors)
        from index.embedded import EmbeddedIndex

        return EmbeddedIndex.open(Path(location), settings, create, rebuild_vectors)

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the index is, as a person would name it (a folder, or an address without its password)."""

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        if self._embedder is None:
            from index.embedder import load_embedder

            self._embedder = load_embedder(self.settings.embedding_model, self.settings.embedding_runtime)
            self._prepare_vectors(self._embedder.dim)
        return self._embedder

    @abstractmethod
    def _prepare_vectors(self, dim: int) -> None:
        """Make ready to store vectors of `dim` values (the first time a model is loaded)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- writing -----------------------------------------------------------------------------

    @abstractmethod
    def writing(self) -> AbstractContextManager[Index]:
        """Hold the index's write lock; a second writer is refused with `IndexLocked`, not interleaved."""

    @abstractmethod
    def write(self, batch: list[tuple], abbreviations: dict[str, list[tuple[str, str]]], pipeline: str = "") -> None:
        """Store documents with their chunks and vectors in one transaction, replacing earlier versions.

        Each item is (document, chunks, chunk vectors) or (document, chunks, chunk vectors, sentences),
        where sentences[i] is (spans, vectors) for the sentences of chunk i.
        """

    @abstractmethod
    def set_duplicate(self, doc_id: str, duplicate_of: str | None) -> None: ...

    @abstractmethod
    def remove_document(self, doc_id: str) -> None: ...

    @abstractmethod
    def check(self) -> Consistency:
        """Compare the vectors with the chunk rows."""

    @abstractmethod
    def repair(self) -> Consistency:
        """Re-embed chunks that lost their vectors and drop vectors whose chunks are gone; what was found."""

    def refresh(self) -> bool:
        """Take in what another process committed since, where the backend needs to; True when it did."""
        return False

    # --- reading -----------------------------------------------------------------------------

    @abstractmethod
    def documents(self) -> list[Document]:
        """Every document, by id."""

    @abstractmethod
    def document(self, doc_id: str) -> Document | None: ...

    @abstractmethod
    def source_kinds(self, doc_ids: list[str]) -> dict[str, str]:
        """doc_id -> "official" | "press"."""

    @abstractmethod
    def authorities(self) -> set[str]:
        """Every council named by an indexed document."""

    @abstractmethod
    def document_state(self, doc_id: str) -> tuple[str, str] | None:
        """(file hash, ingest version) a document was stored with, or None."""

    @abstractmethod
    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, dict]:
        """chunk_id -> {(start, end): vector} of its sentences, for chunks stored with them."""

    @abstractmethod
    def chunks(self, rowids: list[int]) -> dict[int, Chunk]:
        """Chunks by row id (the id their vector is stored under)."""

    @abstractmethod
    def chunk_at(self, doc_id: str, offset: int) -> tuple[int, Chunk] | None:
        """(row id, chunk) of the chunk of `doc_id` holding character `offset` of its text, if any."""

    @abstractmethod
    def chunk_count(self) -> int: ...

    @abstractmethod
    def abbreviations(self) -> dict[str, set[str]]:
        """Abbreviation -> expansions defined in the indexed documents ('PA' -> {'personal adviser'})."""

    @abstractmethod
    def has_rows(self, filters: Filters) -> bool:
        """True when the filters allow at least one chunk."""

    @abstractmethod
    def latest_documents(self, filters: Filters) -> tuple[str, ...]:
        """Each council's most recent document among those the filters allow (by date, else last visit day)."""

    @abstractmethod
    def rows_matching(self, phrases: tuple[str, ...]) -> int:
        """How many chunks use at least one of `phrases` (as the keyword search reads them)."""

    @abstractmethod
    def dense(self, query_vector: np.ndarray, k: int,
              filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        """Best `k` (chunk row, cosine) within the filters, duplicates left out, best first."""

    @abstractmethod
    def keyword(self, phrases: tuple[str, ...], k: int,
                filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        """Best `k` (chunk row, score) for chunks using any of `phrases`, within the filters, best first."""

    @abstractmethod
    def cosines(self, rowids: list[int], query_vector: np.ndarray) -> dict[int, float]:
        """Cosine to `query_vector` of each stored vector among `rowids` (rows without one are left out)."""


def agreed_settings(recorded: dict, settings: Settings, location: str, schema_version: int,
                    readable_schemas: tuple[int, ...]) -> Settings:
    """The settings to use with an index that recorded `recorded` when built; `SettingsMismatch` when the
    model or chunk settings asked for differ from the index's."""
    # Vectors are only comparable with vectors made the same way: the index's runtime wins
    # (indexes from before the setting existed were made with the fp32 weights).
    settings = replace(settings, embedding_runtime=recorded.get("embedding_runtime", "torch"))
    wanted = {**settings.shaping(), "schema_version": schema_version}
    if recorded.get("schema_version") in readable_schemas:
        wanted["schema_version"] = recorded["schema_version"]
    differences = {k: (recorded.get(k), v) for k, v in wanted.items() if recorded.get(k) != v}
    if differences:
        listed = "; ".join(f"{k}: index has {a!r}, asked for {b!r}" for k, (a, b) in differences.items())
        raise SettingsMismatch(f"the index at {location} was built with other settings ({listed}). "
                               "Use the settings it was built with, or build a new index elsewhere.")
    return settings


def latest_by_council(rows) -> tuple[str, ...]:
    """Of (doc_id, council, date, visit dates) rows, the doc_id of each council's latest (by date, else last
    visit day), sorted."""
    latest: dict[str, tuple[str, str]] = {}
    for doc_id, council, date, visits in rows:
        when = date or max(visits, default="")
        if council not in latest or when > latest[council][0]:
            latest[council] = (when, doc_id)
    return tuple(sorted(doc_id for _, doc_id in latest.values()))
