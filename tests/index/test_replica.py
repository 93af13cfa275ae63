"""An index on a PostgreSQL primary with a streaming replica, both on loopback (`eval.replica`), opened at one
address naming both: writes land on the primary, the replica serves the same documents and passages once it
has replayed them, and readers are spread over both servers.

Real servers and real replication from pgserver's binaries (skipped without pgserver locally, failed
without it under CI, as tests/postgres.py says). Nothing sleeps: each wait is for a condition, with a deadline.
"""

from __future__ import annotations

from collections import Counter

import pytest

from index.index import Index
from ingest.pipeline import ingest
from ofsted_qa import open_index
from ofsted_qa.settings import Settings
from tests.conftest import CORPUS_TXT
from tests.postgres import require, temporary_folder

pytestmark = pytest.mark.slow

LETTERS = CORPUS_TXT[:2]  # the second and fifth monitoring visit letters
QUESTIONS = ("What did inspectors say about the caseloads of personal advisers?",
             "How has management oversight of social work practice changed?")
READERS = 40  # all on one server by chance: 2 ** -39


@pytest.fixture(scope="module")
def servers():
    """A primary and its streaming replica, stopped after the module's tests."""
    require()
    from eval.replica import replicated

    with temporary_folder("ofsted-qa-replica-") as folder, replicated(folder) as (primary, replica):
        yield primary, replica  # their files outside pytest's folder: see tests/postgres.py


@pytest.fixture(scope="module")
def written(servers) -> str:
    """The address naming both servers of a database into which two letters were ingested through it."""
    from eval.replica import two_hosts, wait_replayed

    primary, replica = servers
    primary.value("CREATE DATABASE letters")
    wait_replayed(primary, replica)
    address = two_hosts(primary, replica, "letters")
    with Index.open(address, Settings(), create=True) as index:
        report = ingest(LETTERS, index)
    assert not report.failed and len(report.ingested) == 2
    return address


def test_an_ingest_through_both_hosts_lands_on_the_primary(servers, written):
    import psycopg

    primary, replica = servers
    with Index.open(primary.address("letters")) as on_primary:  # no waiting: the primary has them already
        assert {d.doc_id for d in on_primary.documents()} == {p.stem for p in LETTERS}
        assert on_primary.check().ok
    assert primary.value("SELECT pg_is_in_recovery()") is False
    assert replica.value("SELECT pg_is_in_recovery()") is True
    with psycopg.connect(replica.address("letters"), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE scratch (n integer)")


def test_an_index_made_through_both_hosts_reads_where_it_writes(servers):
    """Its tables are new: a replica may not have replayed them yet, so its reads go to the primary too."""
    from eval.replica import two_hosts, wait_replayed

    primary, replica = servers
    for n in range(8):
        primary.value(f"CREATE DATABASE made{n}")
        wait_replayed(primary, replica)
        with Index.open(two_hosts(primary, replica, f"made{n}"), Settings(), create=True) as index:
            assert index.reader.info.port == primary.port
            assert index.documents() == []


def test_the_replica_serves_what_the_primary_holds(servers, written):
    from eval.replica import wait_replayed

    primary, replica = servers
    wait_replayed(primary, replica)
    with open_index(primary.address("letters")) as on_primary, open_index(replica.address("letters")) as on_replica:
        assert on_replica.index.reader.info.port == replica.port
        assert [d.doc_id for d in on_replica.documents()] == [d.doc_id for d in on_primary.documents()]
        assert on_replica.index.chunk_count() == on_primary.index.chunk_count() > 10
        for question in QUESTIONS:
            found = on_replica.search(question).hits
            assert found
            assert [(h.chunk.chunk_id, h.doc.doc_id) for h in found] == \
                [(h.chunk.chunk_id, h.doc.doc_id) for h in on_primary.search(question).hits]
            assert [h.score for h in found] == pytest.approx([h.score for h in on_primary.search(question).hits])


def test_readers_at_both_hosts_are_spread_over_both(servers, written):
    from eval.replica import wait_replayed

    primary, replica = servers
    wait_replayed(primary, replica)
    served: Counter[int] = Counter()
    for _ in range(READERS):
        with Index.open(written) as index:
            served[index.reader.info.port] += 1
            assert index.chunk_count() > 10
    assert set(served) == {primary.port, replica.port}
    assert served[primary.port] >= 1 and served[replica.port] >= 1 and sum(served.values()) == READERS
