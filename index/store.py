"""SQLite storage of documents, chunks, their metadata and an FTS5 keyword index."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

from index.filters import reach
from ingest.models import Chunk, Document, Judgement, Metadata

SCHEMA_VERSION = 5
# Version 2 lacks sentence vectors (answers then embed sentences when asked); versions before 4 lack the
# documents' date basis and area SEND outcome, added as empty columns when such an index is opened, and
# versions before 5 the days a document's time begins and ends, computed for its rows when it is opened.
READABLE_SCHEMAS = (2, 3, 4, 5)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    local_authority TEXT,
    doc_type TEXT NOT NULL,
    visit_number INTEGER,
    date TEXT,
    visit_dates TEXT NOT NULL,   -- JSON list of ISO dates
    inspectors TEXT NOT NULL,    -- JSON list of names
    recipient TEXT,
    source_kind TEXT NOT NULL,
    judgements TEXT NOT NULL,    -- JSON list of {area, grade, text}
    duplicate_of TEXT,
    pages INTEGER NOT NULL,
    pipeline TEXT NOT NULL,      -- version of the ingest code that made this row
    text TEXT NOT NULL,
    date_basis TEXT,             -- "stated" | "inspection_end"
    outcome TEXT,                -- JSON {area, grade, text} of an area SEND outcome, or NULL
    begins TEXT,                 -- first and last day of the time the document belongs to,
    ends TEXT                    -- for filters by date (index.filters.reach)
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,      -- also the chunk's id in the vector index
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    section TEXT,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
-- every search asks whether any document is a duplicate: answered from this, not by reading every document
CREATE INDEX IF NOT EXISTS documents_duplicates ON documents(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, section, content='chunks', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, section) VALUES (new.id, new.text, coalesce(new.section, ''));
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, section)
    VALUES ('delete', old.id, old.text, coalesce(old.section, ''));
END;
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    spans TEXT NOT NULL,         -- JSON [[start, end], ...] of each sentence, in the chunk's text
    vectors BLOB NOT NULL        -- float16, one row of `dim` values per span
);
CREATE TABLE IF NOT EXISTS abbreviations (
    abbr TEXT NOT NULL,
    expansion TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    PRIMARY KEY (abbr, expansion, doc_id)
);
"""

DOC_COLUMNS = (
    "doc_id, path, sha256, title, local_authority, doc_type, visit_number, date, visit_dates, "
    "inspectors, recipient, source_kind, judgements, duplicate_of, pages, pipeline, text, date_basis, outcome"
)
# columns later schemas added to the documents table
_ADDED_COLUMNS = (("date_basis", "TEXT"), ("outcome", "TEXT"), ("begins", "TEXT"), ("ends", "TEXT"))
CHUNK_COLUMNS = "id, chunk_id, doc_id, ordinal, section, start, end, n_tokens, text"


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path`, in WAL mode with foreign keys on."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=FULL")  # a commit survives power loss: it switches vector files
    conn.executescript(_SCHEMA)
    present = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
    for name, kind in _ADDED_COLUMNS:
        if name not in present:
            conn.execute(f"ALTER TABLE documents ADD COLUMN {name} {kind}")
    if "ends" not in present:
        _fill_reach(conn)
    return conn


def _fill_reach(conn: sqlite3.Connection) -> None:
    """Compute the days each document's time begins and ends, for an index made before they were kept."""
    rows = conn.execute("SELECT doc_id, date, date_basis, visit_dates FROM documents").fetchall()
    conn.executemany("UPDATE documents SET begins = ?, ends = ? WHERE doc_id = ?",
                     [(*reach(date, basis, json.loads(visits)), doc_id) for doc_id, date, basis, visits in rows])


def read_settings(conn: sqlite3.Connection) -> dict:
    """The settings recorded when the index was first built ({} for a new index)."""
    return {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM settings")}


def write_settings(conn: sqlite3.Connection, values: dict) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
        [(key, json.dumps(value)) for key, value in values.items()],
    )


def document_row(doc: Document, pipeline: str) -> tuple:
    """The values of DOC_COLUMNS for `doc`, then the days its time begins and ends."""
    m = doc.meta
    return (
        doc.doc_id, doc.path, doc.sha256, m.title, m.local_authority, m.doc_type, m.visit_number,
        m.date, json.dumps(list(m.visit_dates)), json.dumps(list(m.inspectors)), m.recipient,
        m.source_kind, json.dumps([j.__dict__ for j in m.judgements]), doc.duplicate_of,
        doc.pages, pipeline, doc.text, m.date_basis,
        json.dumps(m.outcome.__dict__) if m.outcome else None, *reach(m.date, m.date_basis, m.visit_dates),
    )


def insert_document(conn: sqlite3.Connection, doc: Document, pipeline: str) -> None:
    conn.execute(f"INSERT INTO documents({DOC_COLUMNS}, begins, ends) VALUES ({', '.join('?' * 21)})",
                 document_row(doc, pipeline))


def sentence_rows(rowids: list[int], sentences: list) -> list[tuple[int, str, bytes]]:
    """(chunk row id, JSON spans, float16 vectors) for each chunk's sentences."""
    return [(r, json.dumps([list(span) for span in spans]), np.asarray(vectors, dtype=np.float16).tobytes())
            for r, (spans, vectors) in zip(rowids, sentences)]


def sentence_matrix(spans: str, blob: bytes, dim: int) -> dict:
    """{(start, end): float32 vector} from a stored row of sentence spans and vectors."""
    matrix = np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32)
    return {tuple(span): matrix[n] for n, span in enumerate(json.loads(spans))}


def insert_chunks(conn: sqlite3.Connection, chunks: list[Chunk]) -> list[int]:
    """Insert chunks; gives their row ids (the ids their vectors are stored under)."""
    ids = []
    for c in chunks:
        cur = conn.execute(
            "INSERT INTO chunks(chunk_id, doc_id, ordinal, section, start, end, n_tokens, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (c.chunk_id, c.doc_id, c.ordinal, c.section, c.start, c.end, c.n_tokens, c.text),
        )
        assert cur.lastrowid is not None  # an INSERT always sets it
        ids.append(cur.lastrowid)
    return ids


def insert_sentence_vectors(conn: sqlite3.Connection, rowids: list[int], sentences: list) -> None:
    """Store each chunk's sentence spans and their vectors (as float16) under the chunk's row id."""
    conn.executemany("INSERT INTO sentence_vectors(chunk, spans, vectors) VALUES (?, ?, ?)",
                     sentence_rows(rowids, sentences))


def select_sentence_vectors(conn: sqlite3.Connection, chunk_ids: list[str], dim: int) -> dict[str, dict]:
    """chunk_id -> {(start, end): float32 unit vector} for the chunks that have them."""
    found: dict[str, dict] = {}
    for i in range(0, len(chunk_ids), 900):
        part = chunk_ids[i:i + 900]
        rows = conn.execute(
            "SELECT c.chunk_id, s.spans, s.vectors FROM sentence_vectors s JOIN chunks c ON c.id = s.chunk "
            f"WHERE c.chunk_id IN ({', '.join('?' * len(part))})", part,
        )
        for chunk_id, spans, blob in rows:
            found[chunk_id] = sentence_matrix(spans, blob, dim)
    return found


def row_to_document(row: tuple) -> Document:
    (doc_id, path, sha256, title, la, doc_type, visit_number, date, visit_dates, inspectors,
     recipient, source_kind, judgements, duplicate_of, pages, _pipeline, text, date_basis, outcome) = row
    meta = Metadata(
        local_authority=la, doc_type=doc_type, visit_number=visit_number, date=date,
        date_basis=date_basis or ("stated" if date else None),  # rows from before the basis was kept
        visit_dates=tuple(json.loads(visit_dates)), inspectors=tuple(json.loads(inspectors)),
        recipient=recipient, source_kind=source_kind, title=title,
        judgements=tuple(Judgement(**j) for j in json.loads(judgements)),
        outcome=Judgement(**json.loads(outcome)) if outcome else None,
    )
    return Document(doc_id=doc_id, path=path, sha256=sha256, text=text, meta=meta, pages=pages,
                    duplicate_of=duplicate_of)


def select_documents(conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[Document]:
    rows = conn.execute(f"SELECT {DOC_COLUMNS} FROM documents {where} ORDER BY doc_id", params)
    return [row_to_document(r) for r in rows]


def row_to_chunk(row: tuple) -> tuple[int, Chunk]:
    rowid, chunk_id, doc_id, ordinal, section, start, end, n_tokens, text = row
    return rowid, Chunk(chunk_id=chunk_id, doc_id=doc_id, ordinal=ordinal, text=text, start=start,
                        end=end, section=section, n_tokens=n_tokens)


def select_chunks(conn: sqlite3.Connection, rowids: list[int]) -> dict[int, Chunk]:
    """Chunks by row id."""
    found: dict[int, Chunk] = {}
    for i in range(0, len(rowids), 900):  # SQLite's limit on bound parameters
        part = rowids[i:i + 900]
        rows = conn.execute(
            f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id IN ({', '.join('?' * len(part))})", part
        )
        found.update(row_to_chunk(r) for r in rows)
    return found
