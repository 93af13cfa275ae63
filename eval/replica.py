"""A PostgreSQL primary and a streaming replica on loopback, from the `pgserver` package's binaries.

    with replicated(folder) as (primary, replica):
        Index.open(primary.address("ofsted"), create=True)   # writes go to the primary
        wait_replayed(primary, replica)                       # the replica has replayed them
        Index.open(two_hosts(primary, replica, "ofsted"))     # reads from either, writes to the primary

The primary listens on a TCP port of 127.0.0.1 only (no Unix socket) with `wal_level=replica` and WAL
senders; its pg_hba.conf lets the superuser `postgres` in from 127.0.0.1 and the role `replicator`
stream replication from there, and nothing else. The replica is a `pg_basebackup -R` of it (streaming
its WAL, so it replays the primary's writes as they commit) running as a hot standby on another port.

PostgreSQL refuses to run as root; as pgserver does, the servers then run as the system user `pgserver`
(made if missing), which is given the data folders and the right to traverse their parents.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
REPLICATION_USER = "replicator"
SYSTEM_USER = "pgserver"  # the user pgserver runs its servers as when started by root
START_TIMEOUT = 60  # seconds for a server to start or stop
REPLAY_TIMEOUT = 120  # seconds for a replica to replay the primary's WAL

_CONFIG = """
# a primary streaming its WAL to replicas on loopback
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 4
wal_keep_size = '512MB'
hot_standby = on
"""
_HBA = f"""
# TYPE  DATABASE     USER           ADDRESS        METHOD
host    all          {SUPERUSER}    127.0.0.1/32   trust
host    replication  {REPLICATION_USER}  127.0.0.1/32   trust
"""


class ServerError(RuntimeError):
    """A server that would not start, stop or catch up; the message ends with its log's last lines."""


@dataclass(frozen=True)
class Server:
    """A running server: its data folder and the loopback port it listens on."""

    data: Path
    port: int
    role: str  # "primary" | "replica"

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.data.name}.log"

    def address(self, database: str = SUPERUSER) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def value(self, sql: str, database: str = SUPERUSER):
        """The first value of the first row of `sql` run on this server."""
        with psycopg.connect(self.address(database), autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql)
            row = cur.fetchone() if cur.description else None
        return row[0] if row else None


def two_hosts(primary: Server, replica: Server, database: str) -> str:
    """One address naming both servers: the index reads from either (at random) and writes to the primary."""
    return f"postgresql://{SUPERUSER}@127.0.0.1:{primary.port},127.0.0.1:{replica.port}/{database}"


def bin_dir() -> Path:
    """The PostgreSQL programs pgserver installs (found without importing it: that starts nothing, but warns)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("the PostgreSQL programs come from the pgserver package: pip install pgserver")
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


def free_ports(n: int) -> list[int]:
    """`n` distinct loopback ports free now (held together while chosen, so they differ)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_primary(data: Path, port: int) -> Server:
    """A new cluster in `data` (which must not exist), started on `port` of 127.0.0.1, ready to stream."""
    _new_folder(data)
    _run("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=utf8", "--no-instructions")
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(_CONFIG)
    (data / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
    server = _start(Server(data, port, "primary"))
    try:
        server.value(f"CREATE ROLE {REPLICATION_USER} WITH REPLICATION LOGIN")
    except psycopg.Error:
        stop(server)
        raise
    return server


def start_replica(primary: Server, data: Path, port: int) -> Server:
    """A streaming replica of `primary`: a base backup into `data` (`-R` writes standby.signal and the
    primary's address), started as a hot standby on `port`."""
    _new_folder(data)
    _run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", REPLICATION_USER, "-D", str(data),
         "-R", "-X", "stream", "-c", "fast", "--no-password")
    return _start(Server(data, port, "replica"))


def stop(server: Server) -> None:
    """Stop the server (fast shutdown: sessions are ended, nothing committed is lost)."""
    if (server.data / "postmaster.pid").exists():
        _run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "-t", str(START_TIMEOUT), "stop")


@dataclass(frozen=True)
class Replayed:
    """How far behind the replica was when asked to catch up, and how long it took."""

    behind_bytes: int  # WAL the primary had written that the replica had not yet replayed
    seconds: float  # until it had


def wait_replayed(primary: Server, replica: Server, timeout: float = REPLAY_TIMEOUT) -> Replayed:
    """Wait until the replica has replayed the primary's WAL up to where it is now (`ServerError` after
    `timeout` seconds)."""
    started = time.perf_counter()
    target = primary.value("SELECT pg_current_wal_lsn()")
    deadline = started + timeout
    with psycopg.connect(replica.address(), autocommit=True, connect_timeout=10) as conn:
        first = None
        while True:
            row = conn.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", (str(target),))
            behind = int(row.fetchone()[0])  # type: ignore[index]
            first = behind if first is None else first
            if behind <= 0:
                return Replayed(max(first, 0), time.perf_counter() - started)
            if time.perf_counter() > deadline:
                raise ServerError(f"the replica on port {replica.port} had not replayed up to {target} after "
                                  f"{timeout:.0f} s ({behind} bytes behind){_log_tail(replica)}")
            time.sleep(0.01)  # between polls of the replay position


@dataclass(frozen=True)
class Lag:
    """The most a replica was behind while it was watched, as the primary saw it (pg_stat_replication)."""

    samples: int
    max_behind_bytes: int  # WAL written on the primary and not yet replayed on the replica
    max_replay_lag_s: float | None  # PostgreSQL's replay_lag: from a commit's flush to its replay


class LagWatch:
    """Samples the primary's view of its replica every `every` seconds while open (`with LagWatch(p) as w`),
    on a thread of its own; `lag()` is what it saw."""

    def __init__(self, primary: Server, every: float = 0.1):
        self.primary = primary
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._seen: list[tuple[int, float | None]] = []

    def __enter__(self) -> LagWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        with psycopg.connect(self.primary.address(), autocommit=True, connect_timeout=10) as conn:
            while True:
                row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
                                   "extract(epoch FROM replay_lag) FROM pg_stat_replication").fetchone()
                if row is not None and row[0] is not None:
                    self._seen.append((int(row[0]), float(row[1]) if row[1] is not None else None))
                if self._stop.wait(self.every):
                    return

    def lag(self) -> Lag:
        lags = [s for _, s in self._seen if s is not None]
        return Lag(len(self._seen), max((b for b, _ in self._seen), default=0), max(lags) if lags else None)


@contextmanager
def replicated(folder: Path, ports: tuple[int, int] | None = None) -> Iterator[tuple[Server, Server]]:
    """A primary (in folder/primary) and its streaming replica (folder/replica), stopped on leaving."""
    primary_port, replica_port = ports or free_ports(2)
    folder.mkdir(parents=True, exist_ok=True)
    primary = start_primary(folder / "primary", primary_port)
    replica = None
    try:
        replica = start_replica(primary, folder / "replica", replica_port)
        yield primary, replica
    finally:
        if replica is not None:
            stop(replica)
        stop(primary)


# --- running the programs ----------------------------------------------------------------------


def _as_root() -> bool:
    return os.geteuid() == 0


def _new_folder(data: Path) -> None:
    """An empty folder for a cluster, owned by the user the server runs as and private to it."""
    data.mkdir(mode=0o700)
    if _as_root():
        import pwd

        with warnings.catch_warnings():  # pgserver's package looks for a runtime folder as it is imported
            warnings.simplefilter("ignore")
            from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(data)  # the server's user may traverse the folders above
        ensure_prefix_permissions(bin_dir())
        ensure_folder_permissions(bin_dir(), 0o055)  # and read and run the programs and their libraries
        ensure_folder_permissions(bin_dir().parent / "lib", 0o044)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(data, entry.pw_uid, entry.pw_gid)


def _run(program: str, *args: str) -> None:
    """Run one of PostgreSQL's programs (as the server's user when we are root); `ServerError` on failure.

    Output goes to a file rather than a pipe: `pg_ctl start` leaves the server holding what it was given."""
    with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as out:
        done = subprocess.run([str(bin_dir() / program), *args], stdin=stdin, stdout=out, stderr=subprocess.STDOUT,
                              cwd="/", user=SYSTEM_USER if _as_root() else None, timeout=START_TIMEOUT + 30,
                              check=False)
        if done.returncode != 0:
            out.seek(0)
            said = out.read().decode("utf-8", "replace").strip()
            raise ServerError(f"{program} {' '.join(args)} failed ({done.returncode}): {said[-2000:]}")


def _start(server: Server) -> Server:
    server.log.touch()
    if _as_root():  # the server writes its log beside its data folder
        import pwd

        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(server.log, entry.pw_uid, entry.pw_gid)
    try:
        _run("pg_ctl", "-D", str(server.data), "-l", str(server.log), "-o", f"-p {server.port}",
             "-w", "-t", str(START_TIMEOUT), "start")
    except ServerError as e:
        raise ServerError(f"{e}{_log_tail(server)}") from None
    return server


def _log_tail(server: Server, lines: int = 20) -> str:
    if not server.log.exists():
        return ""
    tail = server.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:]
    return "\n" + f"last lines of {server.log}:\n" + "\n".join(tail)
