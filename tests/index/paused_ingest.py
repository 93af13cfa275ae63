"""A real `python -m ingest` that stops at chosen moments of its work, so a test acts at a known point.

    python -m tests.index.paused_ingest [--stop MOMENT[#N]]... [--go-on] [--list] [--max-segments N]
        -- INGEST ARGS...

The moments are "start", "locked" (the write lock is held), "embed", every SQL statement run, the
index's own and SQLite's inside them ("sql BEGIN", "sql INSERT chunks", "sql REPLACE chunks_fts_data",
"sql COMMIT", ...), "save vectors" and "vectors saved" (around the writing of a new vector file: a
write's segment, or a new base when the store is compacted) and "committed" (the transaction is
committed, the vector files it no longer names not yet removed). --max-segments N sets how many
segments a folder index keeps before it compacts (EmbeddedIndex.max_segments). Into PostgreSQL, the
statements the index sends are moments named the same way ("sql INSERT chunks"), and "committed"
follows each write transaction.
At every moment named by --stop (only its N-th time with #N) the process writes "<n> <moment>" to stdout, n counting all moments so far, and waits for a line on
stdin before going on; with --go-on it goes straight on. --list writes every moment and goes on.
The run ends with "done <n>", n being how many moments it had. Whatever else is printed to stdout
goes to stderr.

The test side: `start()` runs it, `next_moment()` reads the next line, `go_on()` lets it continue.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start(paths, folder: Path, *ingest_args: str, stop: tuple[str, ...] = (), go_on: bool = False,
          list_all: bool = False, max_segments: int | None = None, log: Path) -> subprocess.Popen:
    """The ingest of `paths` into `folder`, stopping as asked; its stderr is added to `log`."""
    cmd = [sys.executable, "-m", "tests.index.paused_ingest"]
    for moment in stop:
        cmd += ["--stop", moment]
    cmd += ["--go-on"] * go_on + ["--list"] * list_all
    cmd += ["--max-segments", str(max_segments)] if max_segments is not None else []
    cmd += ["--", *map(str, paths), "--index", str(folder), "--quiet", *ingest_args]
    with open(log, "a") as err:
        return subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                text=True, bufsize=1)


def next_moment(child: subprocess.Popen) -> tuple[int, str]:
    """(n, moment) for the moment the child stopped at, or (moments in the run, "done") at its end."""
    line = child.stdout.readline()
    if not line:
        raise RuntimeError(f"the ingest ended without a word: exit status {child.wait()}")
    first, moment = line.rstrip("\n").split(" ", 1)
    return (int(moment), first) if first == "done" else (int(first), moment)


def go_on(child: subprocess.Popen) -> None:
    child.stdin.write("\n")
    child.stdin.flush()


# ----------------------------------------------------------------------------- the child


def _sql_moment(sql: str) -> str:
    """The moment a statement names: "sql INSERT chunks" for "INSERT INTO chunks(...) VALUES ...".

    SQLite's own statements (FTS5 keeping its tables) come as "-- REPLACE INTO 'main'.'chunks_fts_data' ...".
    """
    sql = sql.removeprefix("-- ")
    verb = (sql.split(None, 1) or ["?"])[0].upper()
    table = re.search(r"\b(?:INTO|FROM|UPDATE)\s+(?:'?\w+'?\.)?'?(\w+)", sql, re.IGNORECASE)
    return f"sql {verb} {table.group(1)}" if table else f"sql {verb}"


def _announce_lock(backend: type, moment) -> None:
    real_writing = backend.writing

    @contextmanager
    def writing(self):
        with real_writing(self) as held:
            moment("locked")
            yield held

    backend.writing = writing


def _watch_postgres(backend: type, moment) -> None:
    """PostgreSQL statements as moments named like SQLite's ("sql INSERT chunks"), and "committed"."""
    import psycopg

    for name in ("execute", "executemany"):
        real = getattr(psycopg.Cursor, name)

        def run(self, query, *a, _real=real, **kw):
            moment(_sql_moment(query.as_string(self) if hasattr(query, "as_string") else str(query)))
            return _real(self, query, *a, **kw)

        setattr(psycopg.Cursor, name, run)
    real_transaction = backend._transaction

    @contextmanager
    def transaction(self):
        with real_transaction(self) as conn:
            yield conn
        moment("committed")

    backend._transaction = transaction


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.index.paused_ingest")
    parser.add_argument("--stop", action="append", default=[])
    parser.add_argument("--go-on", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--max-segments", type=int)
    parser.add_argument("ingest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    ingest_args = args.ingest_args[1:] if args.ingest_args[:1] == ["--"] else args.ingest_args

    # The protocol keeps the real stdout; whatever else is printed there goes to stderr.
    words = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    every = {s for s in args.stop if "#" not in s}
    nth = {(name, int(n)) for name, n in (s.rsplit("#", 1) for s in args.stop if "#" in s)}
    count = 0
    seen: dict[str, int] = {}

    def moment(name: str) -> None:
        nonlocal count
        count += 1
        seen[name] = seen.get(name, 0) + 1
        stop = name in every or (name, seen[name]) in nth
        if stop or args.list:
            words.write(f"{count} {name}\n")
        if stop and not args.go_on:
            sys.stdin.readline()

    real_connect = sqlite3.connect

    def connect(*a, **kw):
        conn = real_connect(*a, **kw)
        conn.set_trace_callback(lambda sql: moment(_sql_moment(sql)))
        return conn

    sqlite3.connect = connect

    from index.embedded import EmbeddedIndex
    from index.embedder import Embedder
    from index.postgres import PostgresIndex

    def before(owner, name: str, what: str) -> None:
        real = getattr(owner, name)

        def wrapped(*a, **kw):
            moment(what)
            return real(*a, **kw)

        setattr(owner, name, wrapped)

    before(Embedder, "embed_with_spans", "embed")
    before(EmbeddedIndex, "_remove_stale_vector_files", "committed")
    _watch_postgres(PostgresIndex, moment)
    real_save = EmbeddedIndex._save_vectors

    def save(self, content, name):
        moment("save vectors")
        saved = real_save(self, content, name)
        moment("vectors saved")
        return saved

    EmbeddedIndex._save_vectors = save
    if args.max_segments is not None:
        EmbeddedIndex.max_segments = args.max_segments
    for backend in (EmbeddedIndex, PostgresIndex):
        _announce_lock(backend, moment)

    from ingest.__main__ import main as ingest_main

    moment("start")
    status = ingest_main(ingest_args)
    words.write(f"done {count}\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
