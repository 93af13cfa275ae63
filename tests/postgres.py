"""A real PostgreSQL 16 server with pgvector for tests, from the `pgserver` package.

Its files are kept in a folder of their own under the system's temporary folder, not pytest's: the
server runs as another user when the tests run as root, and a second pytest session closes pytest's
folder to everyone else, which would pull the files from under a running server.

Without pgserver (or psycopg, or pgvector) a test that needs the server is skipped, with how to install
it; under CI ($CI set) it fails instead, so a green CI run always ran the PostgreSQL tests.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

INSTALL = ".venv/bin/pip install -r requirements-dev.txt (pgserver, psycopg, pgvector)"


class Server:
    """A running server; `database()` makes a new empty database on it and gives its address."""

    def __init__(self, data: Path):
        import pgserver

        self.server = pgserver.get_server(data, cleanup_mode="stop")
        self.address = self.server.get_uri()
        self._names = itertools.count(1)

    def database(self, prefix: str = "t") -> str:
        name = f"{prefix}{next(self._names)}"
        self.server.psql(f"CREATE DATABASE {name};")
        return re.sub(r"/postgres(\?|$)", rf"/{name}\1", self.address, count=1)


@contextmanager
def running() -> Iterator[Server]:
    """A server in a new temporary folder, or a skip (a failure under CI) saying what is missing; stopped and
    removed afterwards."""
    require()
    with temporary_folder("ofsted-qa-pg-") as folder:
        server = Server(folder / "data")
        try:
            yield server
        finally:
            server.server.cleanup()


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A new folder under the system's temporary folder, removed afterwards (for servers' files)."""
    data = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield data
    finally:
        shutil.rmtree(data, ignore_errors=True)


def require() -> None:
    """Nothing when pgserver, psycopg and pgvector are installed; else a skip (a failure under CI) saying which
    is missing and how to install it."""
    try:
        import pgserver  # noqa: F401
        import pgvector  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as e:
        message = f"the PostgreSQL tests need a real server: {e.name} is missing; {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
