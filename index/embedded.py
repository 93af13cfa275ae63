"""The embedded index: a folder holding `index.sqlite` (documents, chunks, FTS5) and the vector files.

The vectors are a base file (`vectors-NNNNNN.faiss`, FAISS's own format) and the segments written
since (`vectors-NNNNNN.seg.npz`, one per write: the ids it removed and the ids and vectors it added;
see `index.vectors`). The database names the current base and its segments, in order, in the same
transaction as the rows, so the commit is the switch. A write appends one segment; when the delta of
added vectors passes its limit, the segments pass `max_segments` or the base should change kind, the
store is compacted into a new base and the segment list starts again.

So adding a letter (40 chunks) writes ~0.2 MB (rows, FTS5 and a 61 KB segment) whether the index holds
10,000 chunks or 1,000,000, where saving the whole store wrote 1.7 GB at 1M; a compaction at 1M takes
5-11 s (the base saved, and up to ~6 s to add a full delta to the HNSW graph). Figures:
`python -m eval.bench_append`.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index import store
from index.errors import IndexDamaged, IndexLocked, IndexMissing, SettingsMismatch, locked_message
from index.filters import Filters, filter_sql
from index.index import Consistency, Index, agreed_settings, latest_by_council
from index.vectors import DELTA_LIMIT, Changes, Segment, VectorStore
from ingest.models import Chunk, Document
from ofsted_qa.settings import Settings

DB_NAME = "index.sqlite"
VECTORS_NAME = "vectors.faiss"  # the vectors of an index from before the database named its files
LOCK_NAME = "write.lock"
# Segments a write may leave before the store is compacted. Opening replays them all (~0.2 ms to read a
# letter's segment); at one letter a write, compaction then comes every 200 writes, before the delta limit.
MAX_SEGMENTS = 200
_VECTOR_FILES = ("vectors*.faiss", "vectors*.seg.npz", "vectors*.faiss.tmp", "vectors*.seg.npz.tmp")


@dataclass(frozen=True)
class VectorFiles:
    """The vector files the database names as current: a base and the segments written since, oldest first.

    `base` is None while the database names none: a new index, or one from before it named its files
    (whose vectors are then in VECTORS_NAME); its first write saves a base.
    """

    base: str | None = None
    segments: tuple[str, ...] = ()

    @classmethod
    def recorded(cls, settings: dict) -> VectorFiles:
        return cls(settings.get("vectors_file"), tuple(settings.get("vector_segments", ())))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.base, *self.segments) if self.base is not None else self.segments

    def follows(self, earlier: VectorFiles) -> bool:
        """True when these are `earlier` with segments appended (none removed, the same base)."""
        return self.base == earlier.base and self.segments[:len(earlier.segments)] == earlier.segments

    def settings(self, generation: int) -> dict:
        return {"vectors_file": self.base, "vector_segments": list(self.segments), "vectors_generation": generation}


class EmbeddedIndex(Index):
    """Documents, chunks and their vectors in one folder: SQLite with FTS5 for rows and keywords, FAISS for vectors."""

    delta_limit = DELTA_LIMIT  # vectors added since the base before it is compacted (see index.vectors)
    max_segments = MAX_SEGMENTS

    def __init__(self, folder: Path, conn: sqlite3.Connection, settings: Settings, vectors: VectorStore | None,
                 files: VectorFiles = VectorFiles(), rebuild_vectors: bool = False):  # noqa: B008 (frozen)
        self.folder = folder
        self.conn = conn
        self.settings = settings
        self.vectors = vectors
        self.files = files  # the vector files the database names as current, as `vectors` holds them
        # Whether `vectors` is all that named files hold: not when no base is named yet, nor when a named file
        # is missing or unreadable (opened with `rebuild_vectors`). Until it is, a write saves a new base.
        self._whole = vectors is not None and files.base is not None
        self._lost = False  # a named file was missing or unreadable: `repair` saves the vectors whole again
        self._rebuild_vectors = rebuild_vectors
        self._documents: tuple[int, list[Document]] | None = None  # (database version, documents)

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | str, settings: Settings | None = None, create: bool = False,
             rebuild_vectors: bool = False) -> EmbeddedIndex:
        """Open the index in `folder`; refuses one built with different model or chunk settings.

        A vector file that cannot be read raises `IndexDamaged`, unless `rebuild_vectors` (an ingest): then the
        index opens with no vectors, and `repair` re-embeds every passage from the database.
        """
        folder = Path(folder)
        settings = settings or Settings()
        if not (folder / DB_NAME).exists():
            if not create:
                raise IndexMissing(f"no index at {folder}: build one with `python -m ingest PATH --index {folder}`")
            folder.mkdir(parents=True, exist_ok=True)
        conn = store.connect(folder / DB_NAME)
        recorded = store.read_settings(conn)
        if not recorded:
            store.write_settings(conn, {**settings.shaping(), "schema_version": store.SCHEMA_VERSION,
                                        "embedding_runtime": settings.embedding_runtime})
        else:
            try:
                settings = agreed_settings(recorded, settings, str(folder), store.SCHEMA_VERSION,
                                           store.READABLE_SCHEMAS)
            except SettingsMismatch:
                conn.close()
                raise
        index = cls(folder, conn, settings, None, rebuild_vectors=rebuild_vectors)
        if recorded.get("dim"):
            try:
                index._load_vectors(recorded["dim"])
            except IndexDamaged:
                conn.close()
                raise
        index.consistency = index.check() if index.vectors is not None else None
        return index

    @property
    def location(self) -> str:
        return str(self.folder)

    @property
    def vectors_file(self) -> str | None:
        """The base vector file the database names as current (None before the first write)."""
        return self.files.base

    @property
    def vector_files(self) -> tuple[str, ...]:
        """Every vector file the database names as current: the base, then its segments in order."""
        return self.files.names

    def close(self) -> None:
        self.conn.close()

    def _prepare_vectors(self, dim: int) -> None:
        if self.vectors is None:
            self.vectors = VectorStore(dim, delta_limit=self.delta_limit)
            self._whole = False  # no base file yet
            store.write_settings(self.conn, {"dim": dim})

    # --- writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self):
        """Hold the folder's write lock; a second writer is refused, not interleaved."""
        lock_path = self.folder / LOCK_NAME
        handle = open(lock_path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise IndexLocked(locked_message(self.location)) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield self
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def write(self, batch: list[tuple], abbreviations: dict[str, list[tuple[str, str]]], pipeline: str = "") -> None:
        """Store documents with their chunks and vectors, replacing any earlier version of each.

        Each item is (document, chunks, chunk vectors) or (document, chunks, chunk vectors, sentences),
        where sentences[i] is (spans, vectors) for the sentences of chunk i.

        Rows and vectors change together: see `_vectors_transaction`.
        """
        self.embedder  # noqa: B018 - makes sure the vector store exists
        old_ids: list[int] = []
        new: list[tuple[list[int], np.ndarray]] = []
        with self._vectors_transaction() as changes:
            for doc, chunks, vecs, *sentences in batch:
                old_ids += [r for (r,) in self.conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc.doc_id,))]
                self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
                store.insert_document(self.conn, doc, pipeline)
                rowids = store.insert_chunks(self.conn, chunks)
                if sentences and sentences[0] is not None:
                    store.insert_sentence_vectors(self.conn, rowids, sentences[0])
                new.append((rowids, vecs))
                self.conn.executemany(
                    "INSERT OR IGNORE INTO abbreviations(abbr, expansion, doc_id) VALUES (?, ?, ?)",
                    [(a, e, doc.doc_id) for a, e in abbreviations.get(doc.doc_id, [])],
                )
            changes.remove(old_ids)
            for ids, vecs in new:
                changes.add(ids, vecs)

    def set_duplicate(self, doc_id: str, duplicate_of: str | None) -> None:
        with self._transaction():
            self.conn.execute("UPDATE documents SET duplicate_of = ? WHERE doc_id = ?", (duplicate_of, doc_id))

    def remove_document(self, doc_id: str) -> None:
        ids = [r for (r,) in self.conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
        if self.vectors is None:
            self.embedder  # noqa: B018 - makes sure the vector store exists
        with self._vectors_transaction() as changes:
            self.conn.execute("UPDATE documents SET duplicate_of = NULL WHERE duplicate_of = ?", (doc_id,))
            self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            changes.remove(ids)

    def check(self) -> Consistency:
        """Compare the vectors with the chunk rows."""
        rows = {r for (r,) in self.conn.execute("SELECT id FROM chunks")}
        stored = set(self.vectors.ids().tolist()) if self.vectors is not None else set()
        return Consistency(len(rows), len(stored), tuple(sorted(rows - stored)), tuple(sorted(stored - rows)))

    def repair(self) -> Consistency:
        """Re-embed chunks that lost their vectors and drop vectors whose chunks are gone.

        Writes keep the two in step; this mends an index damaged from outside (a vector file
        deleted or restored from another day) or made by an older version. Vectors opened from
        files that could not all be read are saved whole again, even when they agree with the rows.
        """
        found = self.check()
        if found.ok and not self._lost:
            return found
        self.embedder  # noqa: B018
        with self._vectors_transaction() as changes:
            changes.remove(list(found.orphan_vectors))
            missing = list(found.missing_vectors)
            chunks = store.select_chunks(self.conn, missing)
            for i in range(0, len(missing), 256):
                part = missing[i:i + 256]
                changes.add(part, self.embedder.embed([chunks[r].text for r in part], self.settings.embed_batch_size))
        self.consistency = self.check()
        return found

    def compact(self) -> None:
        """Save the vectors as one new base file and name no segments; the rows do not change.

        Writes call it when it is due (see the module docstring); the caller holds the write lock.
        """
        if self.vectors is not None:
            with self._vectors_transaction(rebase=True):
                pass

    def _store(self) -> VectorStore:
        """The vector store a write changes; every write loads the embedder first, which creates it."""
        assert self.vectors is not None, "a write must load the embedder (and so the vector store) first"
        return self.vectors

    @contextmanager
    def _transaction(self):
        self._documents = None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def _vectors_transaction(self, rebase: bool = False):
        """Change rows and vectors as one: a crash at any moment leaves both as they were, or both new.

        The body gathers its vector changes (`Changes`). Before the commit they are saved as a new
        segment file (written under a temporary name, made durable, then renamed) and the database
        names it, after the segments before it, in the same transaction as the rows: the commit is the
        switch. Until then every reader, and every process after a crash, sees the old files with the
        old rows; the store in memory takes the changes only once they are committed. With `rebase`
        (or when the store is not whole: no base yet, or a file could not be read) the store is
        compacted and saved as a new base file instead, named with no segments; should that fail, the
        committed files are loaded again. After the commit, files no longer named are removed, and the
        store is compacted in a transaction of its own when that is due.
        """
        written: Path | None = None
        in_place = False  # whether the store in memory has taken changes not yet committed
        try:
            with self._transaction():
                self.refresh()  # what a writer committed since we loaded (writers take turns on the lock)
                rebase = rebase or not self._whole
                changes = Changes(self._store().dim)
                yield changes
                segment = changes.segment()
                generation = int(store.read_settings(self.conn).get("vectors_generation", 0)) + 1
                if rebase:
                    in_place = True
                    self._store().apply([segment])
                    written = self._save_vectors(self._store(), f"vectors-{generation:06d}.faiss")
                    files = VectorFiles(written.name)
                elif not segment.empty:
                    written = self._save_vectors(segment, f"vectors-{generation:06d}.seg.npz")
                    files = replace(self.files, segments=(*self.files.segments, written.name))
                else:
                    files = self.files
                if files != self.files:
                    store.write_settings(self.conn, files.settings(generation))
        except BaseException:
            if written is not None:
                written.unlink(missing_ok=True)
            if in_place:
                self._load_vectors(self._store().dim)  # the committed state
            raise
        if not rebase:
            try:
                self._store().apply([segment])
            except BaseException:  # committed, but half taken in: start again from the files
                self._load_vectors(self._store().dim)
                raise
        self.files, self._whole, self._lost = files, True, False
        self._remove_stale_vector_files()
        if not rebase and self._compaction_due():
            self.compact()

    def _compaction_due(self) -> bool:
        return self._store().compaction_due or len(self.files.segments) >= self.max_segments

    def _save_vectors(self, content: VectorStore | Segment, name: str) -> Path:
        """Save a new base (a whole store) or segment under `name`, on disk before a commit names it."""
        path = self.folder / name
        content.save(path)
        return path

    def _remove_stale_vector_files(self) -> None:
        """Vector files no longer named (left by earlier writes or a crash); the write lock is held."""
        named = set(self.files.names)
        for pattern in _VECTOR_FILES:
            for path in self.folder.glob(pattern):
                if path.name not in named:
                    try:
                        path.unlink(missing_ok=True)
                    except OSError:  # harmless where it is, and tried again after the next write
                        pass

    def refresh(self) -> bool:
        """Take in the vectors another process committed since; True when it did.

        When the base is the same and segments were only appended, only the new ones are read.
        """
        recorded = store.read_settings(self.conn)
        if not recorded.get("dim"):
            return False
        files = VectorFiles.recorded(recorded)
        if self.vectors is not None and files == self.files:
            return False
        if self.vectors is not None and self._whole and files.follows(self.files):
            try:
                self._replay(files)
                return True
            except FileNotFoundError:
                pass  # a compaction removed them meanwhile: load what is current now
        self._load_vectors(recorded["dim"])
        return True

    def _replay(self, files: VectorFiles) -> None:
        """Apply the segments of `files` that follow ours, all read before any is applied."""
        vectors = self._store()
        new = [Segment.load(self.folder / name, vectors.dim) for name in files.segments[len(self.files.segments):]]
        vectors.apply(new)
        self.files = files

    def _load_vectors(self, dim: int) -> None:
        """Load the vector files the database names: the committed state."""
        files = VectorFiles.recorded(store.read_settings(self.conn))
        for _ in range(3):  # a writer may replace them between our reading their names and loading them
            try:
                self._take(files, *self._read_vectors(files, dim, missing_ok=False))
                return
            except FileNotFoundError:
                again = VectorFiles.recorded(store.read_settings(self.conn))
                if again == files:
                    break  # not a writer's doing: gone from outside
                files = again
        self._take(files, *self._read_vectors(files, dim, missing_ok=True))

    def _take(self, files: VectorFiles, vectors: VectorStore, lost: bool) -> None:
        self.vectors, self.files, self._lost = vectors, files, lost
        self._whole = files.base is not None and not lost

    def _read_vectors(self, files: VectorFiles, dim: int, missing_ok: bool) -> tuple[VectorStore, bool]:
        """The store `files` hold, and whether some of it was lost.

        A missing file raises FileNotFoundError, and an unreadable one IndexDamaged, unless `missing_ok`
        (for a missing one) or the index was opened to rebuild its vectors (for an unreadable one). Then
        a base that cannot be had counts as empty, and the store stops before a segment that cannot be
        had: later ones could add back ids that one removed, leaving two vectors for one id. What is
        lost shows as passages without vectors, which `repair` embeds again.
        """
        lost = False
        try:
            vectors = VectorStore.load(self.folder / (files.base or VECTORS_NAME), dim, missing_ok=files.base is None,
                                       delta_limit=self.delta_limit)
        except (FileNotFoundError, IndexDamaged) as e:
            if not (missing_ok if isinstance(e, FileNotFoundError) else self._rebuild_vectors):
                raise
            vectors, lost = VectorStore(dim, delta_limit=self.delta_limit), True
        segments = []
        for name in files.segments:
            try:
                segments.append(Segment.load(self.folder / name, dim))
            except (FileNotFoundError, IndexDamaged) as e:
                if not (missing_ok if isinstance(e, FileNotFoundError) else self._rebuild_vectors):
                    raise
                lost = True
                break
        vectors.apply(segments)
        return vectors, lost

    # --- reading -----------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        """Every document; claim checks read them all many times, so they are kept until the database changes."""
        # data_version moves when another connection commits; our own writes clear the cache.
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._documents is None or self._documents[0] != version:
            self._documents = (version, store.select_documents(self.conn))
        return self._documents[1]

    def document(self, doc_id: str) -> Document | None:
        found = store.select_documents(self.conn, "WHERE doc_id = ?", (doc_id,))
        return found[0] if found else None

    def source_kinds(self, doc_ids: list[str]) -> dict[str, str]:
        """doc_id -> "official" | "press"."""
        marks = ", ".join("?" * len(doc_ids))
        return dict(self.conn.execute(f"SELECT doc_id, source_kind FROM documents WHERE doc_id IN ({marks})", doc_ids))

    def authorities(self) -> set[str]:
        """Every council named by an indexed document."""
        rows = self.conn.execute("SELECT DISTINCT local_authority FROM documents WHERE local_authority IS NOT NULL")
        return {r for (r,) in rows}

    def document_state(self, doc_id: str) -> tuple[str, str] | None:
        """(file hash, ingest version) a document was stored with, or None."""
        row = self.conn.execute("SELECT sha256, pipeline FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, dict]:
        """chunk_id -> {(start, end): vector} of its sentences, for chunks stored with them."""
        return store.select_sentence_vectors(self.conn, chunk_ids, self.embedder.dim)

    def chunks(self, rowids: list[int]) -> dict[int, Chunk]:
        return store.select_chunks(self.conn, rowids)

    def chunk_at(self, doc_id: str, offset: int) -> tuple[int, Chunk] | None:
        """(row id, chunk) of the chunk of `doc_id` holding character `offset` of its text, if any."""
        row = self.conn.execute("SELECT id FROM chunks WHERE doc_id = ? AND start <= ? AND ? < end "
                                "ORDER BY start LIMIT 1", (doc_id, offset, offset)).fetchone()
        if row is None:
            return None
        found = self.chunks([row[0]])
        return (row[0], found[row[0]]) if row[0] in found else None

    def rows_matching(self, phrases: tuple[str, ...]) -> int:
        match = fts5_match(phrases)
        if not match:
            return 0
        try:
            return self.conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (match,)).fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    def chunk_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def abbreviations(self) -> dict[str, set[str]]:
        """Abbreviation -> expansions defined in the indexed documents ('PA' -> {'personal adviser'})."""
        found: dict[str, set[str]] = {}
        for abbr, expansion in self.conn.execute("SELECT DISTINCT abbr, expansion FROM abbreviations"):
            found.setdefault(abbr, set()).add(expansion)
        return found

    def has_rows(self, filters: Filters) -> bool:
        if filters.is_empty():
            return self.chunk_count() > 0
        where, params = filter_sql(filters, True)
        sql = f"SELECT 1 FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where} LIMIT 1"
        return self.conn.execute(sql, params).fetchone() is not None

    def latest_documents(self, filters: Filters) -> tuple[str, ...]:
        where, params = filter_sql(filters, True)
        rows = self.conn.execute(f"SELECT d.doc_id, d.local_authority, d.date, d.visit_dates FROM documents d "
                                 f"WHERE {where}", params)
        return latest_by_council((doc_id, council, date, json.loads(visits)) for doc_id, council, date, visits in rows)

    def dense(self, query_vector: np.ndarray, k: int,
              filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        if self.vectors is None:
            return []
        return self.vectors.search(query_vector, k, self._allowed_rows(filters))

    def keyword(self, phrases: tuple[str, ...], k: int,
                filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        """By BM25 over the passage text and (at half weight) its section heading; higher is better."""
        match = fts5_match(phrases)
        if not match:
            return []
        where, params = filter_sql(filters, True)
        sql = (
            "SELECT f.rowid, -bm25(chunks_fts, 1.0, 0.5) AS score FROM chunks_fts f "
            "JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE chunks_fts MATCH ? AND {where} ORDER BY score DESC LIMIT ?"
        )
        try:
            return [(int(r), float(s)) for r, s in self.conn.execute(sql, (match, *params, k))]
        except sqlite3.OperationalError:
            return []  # a query FTS5 cannot parse finds nothing by keyword

    def cosines(self, rowids: list[int], query_vector: np.ndarray) -> dict[int, float]:
        vectors = self.vectors
        if vectors is None:  # an index that has stored no vectors yet
            return {}
        try:
            return dict(zip(rowids, (vectors.vectors(rowids) @ query_vector).tolist()))
        except KeyError:  # an index reported damaged may lack some
            found = {}
            for r in rowids:
                try:
                    found[r] = float(vectors.vector(r) @ query_vector)
                except KeyError:
                    pass
            return found

    def _allowed_rows(self, filters: Filters) -> list[int] | None:
        """Chunk row ids the filters allow (duplicates left out); None when nothing is filtered out."""
        if filters.is_empty() and not self._has_duplicates():
            return None
        where, params = filter_sql(filters, True)
        sql = f"SELECT c.id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where}"
        return [r for (r,) in self.conn.execute(sql, params)]

    def _has_duplicates(self) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE duplicate_of IS NOT NULL LIMIT 1").fetchone()
        return row is not None


def fts5_match(phrases: tuple[str, ...]) -> str:
    """An FTS5 OR-expression of quoted phrases: ('pa', 'personal adviser') -> '"pa" OR "personal adviser"'."""
    return " OR ".join(f'"{p}"' for p in phrases)
