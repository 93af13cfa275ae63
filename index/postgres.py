"""The index in PostgreSQL: pgvector for the vectors, full-text search for keywords, one database for both.

    Index.open("postgresql://user:password@host:5432/ofsted")

Every chunk row carries its vector and a generated `tsvector` (the text, and its section heading at half
weight), and copies of its document's filter columns (council, type, visit, source, duplicate, and the
days its time begins and ends, computed at ingest by `index.filters.reach`), so both searches filter
inside the database with the same WHERE condition (`index.filters.filter_sql`) as the embedded backend.

Vector search walks an HNSW index (inner product over unit vectors). pgvector before 0.8 filters the
walk's candidates after the walk, so a filter keeping a share s of the rows returns about
ef_search * s of them: the walk is widened to the candidates asked for divided by the share (up to
pgvector's 1000), and a filter narrower than that, or a walk that still came back short, is answered
exactly from the filter's btree indexes. With pgvector 0.8 or later, iterative scans do the same inside
the walk.

Writes: one transaction per batch, under a session advisory lock that keeps one writer (a writer that
dies releases it with its connection). An address naming several hosts (a primary and its streaming
replicas) reads from any of them (`load_balance_hosts=random` unless the address says otherwise) and
writes to the one that accepts writes (`target_session_attrs=read-write`); an index opened with `create`
(to be built) reads from that one too, as a replica may not yet have replayed the tables just made.
"""

from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg.conninfo import conninfo_to_dict

from index import store
from index.errors import IndexLocked, IndexMissing, SettingsMismatch, locked_message
from index.filters import Filters, filter_sql, reach
from index.index import Consistency, Index, agreed_settings, latest_by_council
from ingest.models import Chunk, Document
from ofsted_qa.settings import Settings

SCHEMA_VERSION = 1
LOCK_KEY = 0x0F57ED  # the advisory lock every writer of an index takes
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
EF_SEARCH = 400  # unfiltered walks (pgvector's default is 40): recall@10 0.73 at 1M synthetic chunks, ~5 ms
EF_SEARCH_MAX = 1000  # pgvector's limit
EXACT_UNDER = 20_000  # allowed chunks under which the filter's btree and exact scoring are used
DF_COUNT_LIMIT = 50_000  # phrase frequencies are counted up to here, or a twentieth of the index
KEYWORD_CANDIDATES = 50_000  # chunks a keyword search draws from its rarest phrases (see `keyword`)
TEXT_SEARCH = "english"  # stems and stop words of PostgreSQL's English configuration

_SCHEMA = f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id text PRIMARY KEY, path text NOT NULL, sha256 text NOT NULL, title text NOT NULL,
    local_authority text, doc_type text NOT NULL, visit_number integer, date text,
    visit_dates text NOT NULL, inspectors text NOT NULL, recipient text, source_kind text NOT NULL,
    judgements text NOT NULL, duplicate_of text, pages integer NOT NULL, pipeline text NOT NULL,
    text text NOT NULL, date_basis text, outcome text, begins text, ends text,
    n_chunks integer NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chunks (
    id bigserial PRIMARY KEY,
    chunk_id text NOT NULL UNIQUE,
    doc_id text NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal integer NOT NULL, section text, start integer NOT NULL, "end" integer NOT NULL,
    n_tokens integer NOT NULL, text text NOT NULL,
    -- the document's filter columns, so searches filter the rows they read
    local_authority text, doc_type text NOT NULL, visit_number integer, source_kind text NOT NULL,
    duplicate_of text, begins text, ends text,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{TEXT_SEARCH}', text), 'A')
        || setweight(to_tsvector('{TEXT_SEARCH}', coalesce(section, '')), 'B')) STORED
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE INDEX IF NOT EXISTS chunks_council ON chunks (local_authority, ends);
CREATE INDEX IF NOT EXISTS chunks_type ON chunks (doc_type, ends);
CREATE INDEX IF NOT EXISTS chunks_tsv ON chunks USING gin (tsv);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk bigint PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    spans text NOT NULL, vectors bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS abbreviations (
    abbr text NOT NULL, expansion text NOT NULL,
    doc_id text NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    PRIMARY KEY (abbr, expansion, doc_id)
);
"""
_CHUNK_COLUMNS = 'id, chunk_id, doc_id, ordinal, section, start, "end", n_tokens, text'
_FILTER_COLUMNS = "local_authority, doc_type, visit_number, source_kind, duplicate_of, begins, ends"
_RANK_WEIGHTS = "'{0, 0, 0.5, 1}'"  # D, C, B (section headings), A (text): as the embedded BM25 weighs them


class PostgresIndex(Index):
    """Documents, chunks and vectors in one PostgreSQL database with pgvector."""

    def __init__(self, address: str, reader: psycopg.Connection, settings: Settings):
        self.address = address
        self.reader = reader
        self.settings = settings
        self._writer: psycopg.Connection | None = None
        self._writing = False
        self._dim: int | None = None  # the vectors' size, once one is recorded
        self._memo: tuple[str, dict] = ("", {})  # (write generation, what was read in it: see `_remembered`)
        self._iterative = _extension_version(reader) >= (0, 8)

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, address: Path | str, settings: Settings | None = None, create: bool = False,
             rebuild_vectors: bool = False) -> PostgresIndex:
        """Open the index in the database at `address`; `create` makes its tables if there are none (and reads
        from the server that writes)."""
        address = str(address)
        settings = settings or Settings()
        shown = without_password(address)
        reader = _connect(address, shown, **({"target_session_attrs": "read-write"} if create
                                             else _spread_reads(address)))
        if not _has_tables(reader):
            if not create:
                reader.close()
                raise IndexMissing(f"no index at {shown}: build one with `python -m ingest PATH --index {shown}`")
            writer = _connect(address, shown, target_session_attrs="read-write")
            with writer.transaction():
                writer.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))  # two creators take turns
                writer.execute(_SCHEMA)
                if not _read_settings(writer):
                    _write_settings(writer, {**settings.shaping(), "schema_version": SCHEMA_VERSION,
                                             "embedding_runtime": settings.embedding_runtime, "generation": 0})
            writer.close()
        recorded = _read_settings(reader)
        try:
            settings = agreed_settings(recorded, settings, shown, SCHEMA_VERSION, (SCHEMA_VERSION,))
        except SettingsMismatch:
            reader.close()
            raise
        index = cls(address, reader, settings)
        if index._vector_dim():
            index.consistency = index.check()
        return index

    @property
    def location(self) -> str:
        return without_password(self.address)

    def close(self) -> None:
        self.reader.close()
        if self._writer is not None:
            self._writer.close()

    def _vector_dim(self) -> int | None:
        """The vectors' size, or None while no model has written any (read again until one has)."""
        if self._dim is None and (dim := _read_settings(self.reader).get("dim")):
            _register_vector(self.reader)
            self._dim = int(dim)
        return self._dim

    def _prepare_vectors(self, dim: int) -> None:
        if self._vector_dim():
            return
        writer = self._write_connection()
        with writer.transaction():
            writer.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY + 1,))
            writer.execute(f"ALTER TABLE chunks ADD COLUMN IF NOT EXISTS embedding vector({int(dim)})")
            writer.execute("CREATE INDEX IF NOT EXISTS chunks_without_vector ON chunks (id) WHERE embedding IS NULL")
            writer.execute("CREATE INDEX IF NOT EXISTS chunks_embedding ON chunks USING hnsw (embedding vector_ip_ops) "
                           f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")
            _write_settings(writer, {"dim": dim})
        _register_vector(writer)
        self._vector_dim()

    # --- writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self):
        writer = self._write_connection()
        if not _value(writer, "SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)):
            raise IndexLocked(locked_message(self.location))
        self._writing = True  # reads go to the writer's connection: an ingest sees its own writes
        try:
            yield self
        finally:
            self._writing = False
            if not writer.closed:
                writer.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))

    def write(self, batch: list[tuple], abbreviations: dict[str, list[tuple[str, str]]], pipeline: str = "") -> None:
        self.embedder  # noqa: B018 - makes sure the vector column exists
        with self._transaction() as conn:
            for doc, chunks, vecs, *sentences in batch:
                conn.execute("DELETE FROM documents WHERE doc_id = %s", (doc.doc_id,))
                conn.execute(f"INSERT INTO documents({store.DOC_COLUMNS}, begins, ends, n_chunks) "
                             f"VALUES ({', '.join(['%s'] * 22)})", (*store.document_row(doc, pipeline), len(chunks)))
                rowids = self._insert_chunks(conn, doc, chunks, vecs)
                if sentences and sentences[0] is not None:
                    with conn.cursor() as cur:
                        cur.executemany("INSERT INTO sentence_vectors(chunk, spans, vectors) VALUES (%s, %s, %s)",
                                        store.sentence_rows(rowids, sentences[0]))
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO abbreviations(abbr, expansion, doc_id) VALUES (%s, %s, %s) "
                                    "ON CONFLICT DO NOTHING",
                                    [(a, e, doc.doc_id) for a, e in abbreviations.get(doc.doc_id, [])])

    @staticmethod
    def _insert_chunks(conn: psycopg.Connection, doc: Document, chunks: list[Chunk], vecs) -> list[int]:
        if len(vecs) != len(chunks):
            raise ValueError(f"{doc.doc_id}: {len(chunks)} passages but {len(vecs)} vectors")
        m = doc.meta
        copied = (m.local_authority, m.doc_type, m.visit_number, m.source_kind, doc.duplicate_of,
                  *reach(m.date, m.date_basis, m.visit_dates))
        rows = [(c.chunk_id, c.doc_id, c.ordinal, c.section, c.start, c.end, c.n_tokens, c.text, *copied,
                 np.asarray(v, dtype=np.float32)) for c, v in zip(chunks, vecs)]
        if not rows:
            return []
        with conn.cursor() as cur:
            cur.executemany(f'INSERT INTO chunks(chunk_id, doc_id, ordinal, section, start, "end", n_tokens, text, '
                            f"{_FILTER_COLUMNS}, embedding) VALUES ({', '.join(['%s'] * 16)}) RETURNING id",
                            rows, returning=True)
            ids = []
            while True:
                ids.append(cur.fetchone()[0])  # type: ignore[index]
                if not cur.nextset():
                    break
        return ids

    def set_duplicate(self, doc_id: str, duplicate_of: str | None) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE documents SET duplicate_of = %s WHERE doc_id = %s", (duplicate_of, doc_id))
            conn.execute("UPDATE chunks SET duplicate_of = %s WHERE doc_id = %s", (duplicate_of, doc_id))

    def remove_document(self, doc_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE documents SET duplicate_of = NULL WHERE duplicate_of = %s", (doc_id,))
            conn.execute("UPDATE chunks SET duplicate_of = NULL WHERE duplicate_of = %s", (doc_id,))
            conn.execute("DELETE FROM documents WHERE doc_id = %s", (doc_id,))

    def check(self) -> Consistency:
        """Vectors live in their chunk's row, so none can be orphaned; a row may lack one (written without)."""
        total = self.chunk_count()
        if not self._vector_dim():
            return Consistency(total, 0, (), ())
        missing = tuple(r for (r,) in self._conn.execute("SELECT id FROM chunks WHERE embedding IS NULL ORDER BY id"))
        return Consistency(total, total - len(missing), missing, ())

    def repair(self) -> Consistency:
        found = self.check()
        if found.ok:
            return found
        missing = list(found.missing_vectors)
        chunks = self.chunks(missing)
        for i in range(0, len(missing), 256):
            part = [r for r in missing[i:i + 256] if r in chunks]
            vectors = self.embedder.embed([chunks[r].text for r in part], self.settings.embed_batch_size)
            with self._transaction() as conn, conn.cursor() as cur:
                cur.executemany("UPDATE chunks SET embedding = %s WHERE id = %s",
                                [(np.asarray(v, dtype=np.float32), r) for r, v in zip(part, vectors)])
        self.consistency = self.check()
        return found

    @contextmanager
    def _transaction(self):
        """One transaction on the writer's connection; the write generation moves with it."""
        conn = self._write_connection()
        with conn.transaction():
            yield conn
            conn.execute("UPDATE settings SET value = (value::bigint + 1)::text WHERE key = 'generation'")

    def _write_connection(self) -> psycopg.Connection:
        if self._writer is None or self._writer.closed:
            self._writer = _connect(self.address, self.location, target_session_attrs="read-write")
            if self._vector_dim():
                _register_vector(self._writer)
        return self._writer

    @property
    def _conn(self) -> psycopg.Connection:
        """The connection reads use: the writer's while writing (it sees its own work), else the reader's."""
        return self._write_connection() if self._writing else self.reader

    # --- reading -----------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        return self._remembered("documents", lambda: [store.row_to_document(r) for r in self._conn.execute(
            f"SELECT {store.DOC_COLUMNS} FROM documents ORDER BY doc_id")])

    def document(self, doc_id: str) -> Document | None:
        row = self._conn.execute(f"SELECT {store.DOC_COLUMNS} FROM documents WHERE doc_id = %s", (doc_id,)).fetchone()
        return store.row_to_document(row) if row else None

    def source_kinds(self, doc_ids: list[str]) -> dict[str, str]:
        rows = self._conn.execute("SELECT doc_id, source_kind FROM documents WHERE doc_id = ANY(%s)", (doc_ids,))
        return dict(rows.fetchall())

    def authorities(self) -> set[str]:
        rows = self._conn.execute("SELECT DISTINCT local_authority FROM documents WHERE local_authority IS NOT NULL")
        return {r for (r,) in rows}

    def document_state(self, doc_id: str) -> tuple[str, str] | None:
        row = self._conn.execute("SELECT sha256, pipeline FROM documents WHERE doc_id = %s", (doc_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, dict]:
        dim = self.embedder.dim
        rows = self._conn.execute("SELECT c.chunk_id, s.spans, s.vectors FROM sentence_vectors s "
                                  "JOIN chunks c ON c.id = s.chunk WHERE c.chunk_id = ANY(%s)", (chunk_ids,))
        return {chunk_id: store.sentence_matrix(spans, bytes(blob), dim) for chunk_id, spans, blob in rows}

    def chunks(self, rowids: list[int]) -> dict[int, Chunk]:
        rows = self._conn.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id = ANY(%s)",
                                  ([int(r) for r in rowids],))
        return dict(store.row_to_chunk(r) for r in rows)

    def chunk_at(self, doc_id: str, offset: int) -> tuple[int, Chunk] | None:
        row = self._conn.execute(f'SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_id = %s AND start <= %s '
                                 f'AND %s < "end" ORDER BY start LIMIT 1', (doc_id, offset, offset)).fetchone()
        return store.row_to_chunk(row) if row else None

    def chunk_count(self) -> int:
        """Counted once per write generation: every question asks, and counting reads an index of every row
        (40 ms at a million chunks)."""
        return self._remembered("chunks", lambda: int(_value(self._conn, "SELECT count(*) FROM chunks")))

    def abbreviations(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for abbr, expansion in self._conn.execute("SELECT DISTINCT abbr, expansion FROM abbreviations"):
            found.setdefault(abbr, set()).add(expansion)
        return found

    def has_rows(self, filters: Filters) -> bool:
        where, params = filter_sql(filters, True, "c", "%s")
        return self._conn.execute(f"SELECT 1 FROM chunks c WHERE {where} LIMIT 1", params).fetchone() is not None

    def latest_documents(self, filters: Filters) -> tuple[str, ...]:
        where, params = filter_sql(filters, True, "d", "%s")
        rows = self._conn.execute(f"SELECT d.doc_id, d.local_authority, d.date, d.visit_dates FROM documents d "
                                  f"WHERE {where}", params)
        return latest_by_council((doc_id, council, date, json.loads(visits)) for doc_id, council, date, visits in rows)

    def rows_matching(self, phrases: tuple[str, ...]) -> int:
        """Counted exactly up to `_count_limit()` chunks (every chunk of an index under 50,000)."""
        return self._phrase_count(phrases) if phrases else 0

    def _phrase_count(self, phrases: tuple[str, ...]) -> int:
        """Chunks using any of `phrases`, counted up to `_count_limit()`; kept until the next write."""
        tsquery, params = _tsquery(phrases)
        return self._remembered(("phrases", phrases), lambda: int(_value(
            self._conn, f"SELECT count(*) FROM (SELECT 1 FROM chunks WHERE tsv @@ {tsquery} "
                        f"LIMIT {self._count_limit()}) s", params)))

    def _count_limit(self) -> int:
        """Counting the rows of a common word reads them all: past DF_COUNT_LIMIT and a twentieth of the index,
        a frequency is only 'very common' (its weight is near nothing either way)."""
        return max(DF_COUNT_LIMIT, self.chunk_count() // 20)

    def dense(self, query_vector: np.ndarray, k: int,
              filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        if k <= 0 or not self._vector_dim():
            return []
        where, params = filter_sql(filters, True, "c", "%s")
        vector = np.asarray(query_vector, dtype=np.float32)
        sql = (f"SELECT c.id, -(c.embedding <#> %s) FROM chunks c WHERE {where} AND c.embedding IS NOT NULL "
               f"ORDER BY c.embedding <#> %s LIMIT %s")
        allowed = None if filters.is_empty() else self._allowed_chunks(filters)
        if allowed is not None and allowed == 0:
            return []
        exact = (allowed is not None and allowed < EXACT_UNDER) or k > EF_SEARCH_MAX
        found = self._vector_search(sql, (vector, *params, vector, k), exact, self._ef_search(k, allowed))
        if len(found) < k and not exact and (allowed is None or len(found) < allowed):
            found = self._vector_search(sql, (vector, *params, vector, k), True, 0)  # the walk came back short
        return found

    def _ef_search(self, k: int, allowed: int | None) -> int:
        if allowed is None:
            return min(EF_SEARCH_MAX, max(EF_SEARCH, k))
        share = max(allowed / max(self.chunk_count(), 1), 1e-6)
        return min(EF_SEARCH_MAX, max(EF_SEARCH, math.ceil(2 * k / share)))

    def _vector_search(self, sql: str, params: tuple, exact: bool, ef_search: int) -> list[tuple[int, float]]:
        conn = self._conn
        with conn.transaction():
            if exact:  # the filter's btree indexes (by bitmap) and exact scoring of what they allow
                conn.execute("SET LOCAL enable_indexscan = off")
            else:
                conn.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
                if self._iterative:
                    conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            return [(int(r), float(s)) for r, s in conn.execute(sql, params)]

    def _allowed_chunks(self, filters: Filters) -> int:
        """How many chunks the filters allow, from the documents' chunk counts (a small table)."""
        where, params = filter_sql(filters, True, "d", "%s")
        return int(_value(self._conn, f"SELECT coalesce(sum(d.n_chunks), 0) FROM documents d WHERE {where}", params))

    def keyword(self, phrases: tuple[str, ...], k: int,
                filters: Filters = Filters()) -> list[tuple[int, float]]:  # noqa: B008 (frozen)
        """Each phrase's `ts_rank_cd` (cover density, normalised by the passage's length) weighted by its
        inverse document frequency, summed, as BM25 sums its terms; higher is better.

        Ranking reads every chunk it draws, and a common word is used by a sixth of a national index
        (1.5 s p50 at a million chunks when every chunk using any phrase was ranked): the chunks drawn are
        those using the rarest phrases, taken rarest first while they hold about KEYWORD_CANDIDATES chunks
        within the filters (`_drawing`); the other phrases still add to the scores of the chunks drawn. On
        a million synthetic chunks that kept 98% of the top 10's score (0.2 s p50); an index under
        KEYWORD_CANDIDATES chunks ranks every chunk using any phrase, as before.
        """
        if not phrases or k <= 0:
            return []
        weights = self._idf(phrases)
        used = [p for p in phrases if weights[p] > 0]
        if not used:
            return []
        where, params = filter_sql(filters, True, "c", "%s")
        tsquery, query_params = _tsquery(self._drawing(used, k, filters))
        score = " + ".join(f"%s * ts_rank_cd({_RANK_WEIGHTS}, c.tsv, phraseto_tsquery('{TEXT_SEARCH}', %s), 1)"
                           for _ in used)
        score_params = [v for p in used for v in (weights[p], p)]
        sql = (f"SELECT c.id, {score} AS score FROM chunks c WHERE c.tsv @@ {tsquery} AND {where} "
               f"ORDER BY score DESC, c.id LIMIT %s")
        return [(int(r), float(s)) for r, s in self._conn.execute(sql, (*score_params, *query_params, *params, k))]

    def _drawing(self, phrases: list[str], k: int, filters: Filters) -> tuple[str, ...]:
        """The phrases whose chunks a keyword search ranks: rarest first, while the chunks using them within
        the filters (estimated by the filters' share of the index) stay within KEYWORD_CANDIDATES, and at
        least until they are `k`."""
        total = self.chunk_count()
        share = 1.0 if filters.is_empty() else self._allowed_chunks(filters) / max(total, 1)
        drawn: list[str] = []
        expected = 0.0
        for phrase in sorted(phrases, key=lambda p: (self._phrase_count((p,)), p)):
            more = self._phrase_count((phrase,)) * share
            if expected >= k and expected + more > KEYWORD_CANDIDATES:
                break
            drawn.append(phrase)
            expected += more
        return tuple(drawn)

    def _idf(self, phrases: tuple[str, ...]) -> dict[str, float]:
        """BM25's inverse document frequency of each phrase (0 for one that matches nothing)."""
        total = self.chunk_count()
        counts = {p: self._phrase_count((p,)) for p in phrases}
        return {p: math.log(1 + (total - counts[p] + 0.5) / (counts[p] + 0.5)) if counts[p] else 0.0
                for p in phrases}

    def _remembered(self, key, compute):
        """What `compute` read, kept until the next committed write (documents, counts): one cheap read of the
        write generation stands for the reads a question would otherwise repeat."""
        generation = _value(self._conn, "SELECT value FROM settings WHERE key = 'generation'") or ""
        if self._memo[0] != generation:
            self._memo = (generation, {})
        if key not in self._memo[1]:
            self._memo[1][key] = compute()
        return self._memo[1][key]

    def cosines(self, rowids: list[int], query_vector: np.ndarray) -> dict[int, float]:
        if not rowids or not self._vector_dim():
            return {}
        rows = self._conn.execute("SELECT id, -(embedding <#> %s) FROM chunks WHERE id = ANY(%s) "
                                  "AND embedding IS NOT NULL",
                                  (np.asarray(query_vector, dtype=np.float32), [int(r) for r in rowids]))
        return {int(r): float(s) for r, s in rows}


def without_password(address: str) -> str:
    """The address as shown to people: any password replaced by ***."""
    shown = re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1:***@", address)
    return re.sub(r"(password=)[^&\s]*", r"\1***", shown)


def _connect(address: str, shown: str, **options) -> psycopg.Connection:
    """A connection planning every statement with its own values: psycopg would prepare a statement after its
    fifth run, and PostgreSQL then plans it once for any phrases and filters (a keyword search within a
    filter went from 150 to 330 ms p50, 320 to 900 ms p95, at a million chunks)."""
    try:
        return psycopg.connect(address, autocommit=True, connect_timeout=10, prepare_threshold=None, **options)
    except psycopg.Error as e:
        reason = (str(e).strip().splitlines() or [type(e).__name__])[-1]
        raise IndexMissing(f"cannot reach the index database at {shown}: {reason}") from None


def _spread_reads(address: str) -> dict:
    """Connection options spreading reads over every host an address names, unless it says how itself."""
    given = conninfo_to_dict(address)
    if "," in str(given.get("host", "")) and "load_balance_hosts" not in given:
        return {"load_balance_hosts": "random"}
    return {}


def _value(conn: psycopg.Connection, sql: str, params: tuple = ()) -> Any:
    """The first value of the first row, or None."""
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _has_tables(conn: psycopg.Connection) -> bool:
    return bool(_value(conn, "SELECT to_regclass('settings') IS NOT NULL AND to_regclass('chunks') IS NOT NULL"))


def _read_settings(conn: psycopg.Connection) -> dict:
    return {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM settings")}


def _write_settings(conn: psycopg.Connection, values: dict) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO settings(key, value) VALUES (%s, %s) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [(key, json.dumps(value)) for key, value in values.items()])


def _register_vector(conn: psycopg.Connection) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)


def _extension_version(conn: psycopg.Connection) -> tuple[int, ...]:
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    return tuple(int(p) for p in re.findall(r"\d+", row[0]))[:3] if row else (0,)


def _tsquery(phrases: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """A tsquery matching any of `phrases` (each as a phrase), and its parameters."""
    return ("(" + " || ".join([f"phraseto_tsquery('{TEXT_SEARCH}', %s)"] * len(phrases)) + ")", tuple(phrases))
