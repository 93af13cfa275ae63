"""A PostgreSQL server for benchmarks, from pgserver: databases by name, settings, restarts, its memory and disk.

    server = Postgres.start(Path("/tmp/bench-pg"), fresh=True)
    server.configure({"shared_buffers": "4GB"})  # ALTER SYSTEM, then a restart with pg_ctl
    address = server.create("bench")
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SHOWN = ("server_version", "shared_buffers", "maintenance_work_mem", "max_parallel_maintenance_workers",
         "max_wal_size", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather")


class Postgres:
    """A running server (a `pgserver.PostgresServer`) and what the benchmark asks of it."""

    def __init__(self, server):
        self.server = server
        self.data = Path(server.pgdata)

    @classmethod
    def start(cls, data: Path, fresh: bool) -> Postgres:
        """The server keeping its files in `data`, left running when this process ends; `fresh` stops and
        deletes any earlier one there first."""
        import pgserver

        if fresh and data.exists():
            if (data / "postmaster.pid").exists():
                _pg_ctl(data, "-w", "stop", "-m", "fast")
            shutil.rmtree(data)
        return cls(pgserver.get_server(data, cleanup_mode=None))

    def address(self, database: str) -> str:
        return self.server.get_uri(database)

    def execute(self, sql: str, database: str = "postgres", notices: list[str] | None = None) -> list[tuple]:
        """Run one statement outside a transaction; its rows, if any. Server notices go to `notices`."""
        import psycopg

        with psycopg.connect(self.address(database), autocommit=True) as conn:
            if notices is not None:
                conn.add_notice_handler(lambda d: notices.append(str(d.message_primary)))
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def create(self, database: str) -> str:
        """A new empty database (any earlier one of that name dropped); its address."""
        self.execute(f"DROP DATABASE IF EXISTS {database}")
        self.execute(f"CREATE DATABASE {database}")
        return self.address(database)

    def configure(self, values: dict[str, str]) -> None:
        """ALTER SYSTEM each setting, then restart the server (shared_buffers needs it)."""
        for name, value in values.items():
            self.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        _pg_ctl(self.data, "-w", "-l", str(self.data / "log"), "restart", "-m", "fast")

    def settings(self) -> dict[str, str]:
        """The settings that matter here, as the server reports them, and pgvector's version."""
        shown = {n: str(self.execute(f"SHOW {n}")[0][0]) for n in SHOWN}
        version = self.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
        return {**shown, "pgvector": str(version[0][0]) if version else ""}

    def memory(self) -> dict:
        """The server's processes: RSS summed (shared buffers once per process that touched them) and
        PSS summed (each page once), in MiB."""
        import psutil

        main = psutil.Process(int((self.data / "postmaster.pid").read_text().split()[0]))
        processes = [main, *main.children(recursive=True)]
        rss = pss = 0
        for process in processes:
            try:
                info = process.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", 0)
        return {"server_rss_mib": round(rss / 2**20, 1), "server_pss_mib": round(pss / 2**20, 1),
                "server_processes": len(processes)}

    def disk(self, database: str) -> dict[str, int]:
        """Bytes: the database, the write-ahead log, their total, and each table and index (with its own
        TOAST) of the database."""
        sizes = {"database": int(self.execute("SELECT pg_database_size(current_database())", database)[0][0]),
                 "wal": int(self.execute("SELECT coalesce(sum(size), 0) FROM pg_ls_waldir()")[0][0])}
        for name, size in self.execute("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                                       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                                       "AND c.relkind IN ('r', 'i') ORDER BY 2 DESC", database):
            sizes[str(name)] = int(size)
        return {"total": sizes["database"] + sizes["wal"], **sizes}


def _pg_ctl(data: Path, *args: str) -> None:
    """Run pgserver's pg_ctl on the server in `data`, as the user the server runs as (pgserver runs it as
    'pgserver' when started by root)."""
    import pgserver

    command = [str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"), "-D", str(data), *args]
    user = "pgserver" if os.geteuid() == 0 else None
    done = subprocess.run(command, user=user, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {done.stderr.strip()}")
