"""Shared fixtures: the network blocked, and real indexes of the bundled letters built once."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "data" / "letters"
CORPUS_TXT = sorted(LETTERS.glob("*.txt"))  # the five BCP documents (three letters, two press pieces)


def _loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1"))


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Any connection off this machine fails the test that makes it."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise RuntimeError(f"network access attempted during tests: {address}")
        return real_connect(self, address)

    def guarded_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise RuntimeError(f"network access attempted during tests: {address}")
        return real_connect_ex(self, address)

    socket.socket.connect = guarded
    socket.socket.connect_ex = guarded_ex
    yield
    socket.socket.connect = real_connect
    socket.socket.connect_ex = real_connect_ex


def _build(folder: Path | str, paths: list[Path]) -> Path | str:
    from index.index import Index
    from ingest.pipeline import ingest
    from ofsted_qa.settings import Settings

    with Index.open(folder, Settings(), create=True) as index:
        report = ingest(paths, index)
    assert not report.failed, report.failed
    return folder


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """Folder of an index of all nine bundled documents."""
    return _build(tmp_path_factory.mktemp("bundled"), [LETTERS])


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """Folder of an index of the five BCP text documents only."""
    return _build(tmp_path_factory.mktemp("corpus5"), CORPUS_TXT)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server with pgvector (tests/postgres.py); `postgres.database()` is a new database."""
    from tests.postgres import running

    with running() as server:
        yield server


@pytest.fixture(scope="session")
def bundled_postgres(postgres) -> str:
    """Address of a PostgreSQL index of all nine bundled documents."""
    return str(_build(postgres.database("bundled"), [LETTERS]))


@pytest.fixture(scope="session")
def bundled_qa(bundled_index):
    from index.index import Index
    from qa.service import QA

    index = Index.open(bundled_index)
    yield QA(index)
    index.close()


@pytest.fixture(scope="session")
def corpus_qa(corpus_index):
    from index.index import Index
    from qa.service import QA

    index = Index.open(corpus_index)
    yield QA(index)
    index.close()
