"""python -m eval.bench_replica: read throughput of a PostgreSQL index on one server and on a primary with a
streaming replica, under the same clients.

It starts a primary and a streaming replica on loopback (`eval.replica`), builds the index of the
bundled letters and reports on the primary (`python -m ingest data/letters data/reports --index
ADDRESS`), waits until the replica has replayed the primary's WAL, and then, in each of --runs rounds,
runs the same read load twice: --clients client processes, each opening `ofsted_qa.open_index(address)`
once and calling `Library.search(question)` over a fixed list of questions for --seconds, first at the
primary's own address (one server), then at one address naming both servers
(`postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2/ofsted`), where each client's connection goes to
either server at random and writes would go to the primary.

Reported for each setup, as the median of the rounds: searches per second (all clients' searches over
the timed window), p50 and p95 of one search as its client saw it, and what each server served: the
clients whose connection it held and their searches (each client reports its connection's server),
and the transactions it committed in the index's database (`pg_stat_database.xact_commit`, from before
the clients start until they have gone, so their warm-up is included). Also: the replica's lag after
the ingest (the most WAL not yet replayed and PostgreSQL's replay_lag, sampled on the primary as it
wrote; then the time to replay the rest), the 1-minute load average before each timed phase, and how the
machine's cores were used over each timed window: in all, by the clients, by their sessions on the
servers, and by anything else (other work on the machine, which the lock does not keep away).

The questions are the first --questions distinct questions of eval/data/questions-*.jsonl, leaving out
any about the held-out councils (../shared/eval/heldout_councils.txt); each client starts at its own
place in the list. Before the timed window each client searches every question once (loading the
model, warming both servers' caches, and leaving each question's vector remembered: a client keeps 256),
so the timed searches cost the index's reads and the ranking rather than the embedding model.

What the figure can and cannot show: both servers, the clients and this process share one machine (the
core count is reported; on 2 cores, a replica adds no CPU, and the clients' Python work competes with
the servers' for the same cores). It shows that reads spread over a primary and a replica through one
address, what each served, and what the spreading costs or gains on this machine; it cannot show the
throughput a replica on a machine of its own would add. With few clients the random spread is lumpy
(all of 4 clients land on one server in 1 run of 8), so the per-server counts are reported per run.

Every timed phase (the ingest with the replica's catch-up, and each load run with its clients' start and
warm-up) holds an exclusive `flock` on /tmp/bench.lock, so no two benchmarks' timed phases overlap on
this machine.

    python -m eval.bench_replica --json replica.json
    python -m eval.bench_replica --clients 4 --seconds 30 --runs 3
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.load import DEFAULT_QUESTIONS, cpu_times
from eval.metrics import percentile
from eval.replica import LagWatch, Server, replicated, two_hosts, wait_replayed

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = (ROOT / "data" / "letters", ROOT / "data" / "reports")
HELDOUT = ROOT.parent / "shared" / "eval" / "heldout_councils.txt"
LOCK = Path("/tmp/bench.lock")
DATABASE = "ofsted"
READY_TIMEOUT = 600  # seconds for a client to load the model and warm up
SETUPS = ("one server", "primary + replica")


# --- the questions ---------------------------------------------------------------------------------


def heldout_names(path: Path) -> list[str]:
    """The held-out councils' slugs ('redcar-and-cleveland'), one per line of `path`."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def about_heldout(item: dict, heldout: list[str]) -> bool:
    """True when a question is about a held-out council: by its `council` field, or by naming one (as a
    proper name: 'Reading' the council, not 'reading' the letter)."""
    if slug(item.get("council") or "") in heldout:
        return True
    words = item.get("question", "").replace("-", " ")
    for name in heldout:
        proper = " ".join(w if w in ("and", "on", "upon") else w.capitalize() for w in name.split("-"))
        if re.search(rf"\b{re.escape(proper)}\b", words):
            return True
    return False


def bench_questions(paths: list[Path], heldout: list[str], limit: int) -> list[str]:
    """The first `limit` distinct questions of the JSONL files, none about a held-out council."""
    seen: dict[str, None] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            question = item.get("question", "").strip()
            if question and not about_heldout(item, heldout):
                seen.setdefault(question, None)
    return list(seen)[:limit]


# --- one client (a process of its own) -------------------------------------------------------------


def client(address: str, questions_file: Path, start: int, seconds: float) -> int:
    """Open the index, search every question once, say so on stdout, wait for 'go' on stdin, then search
    from question `start` onwards for `seconds`; print the timings as one JSON line, and close the index
    when stdin says 'done' (its server's session lives until then, to be measured)."""
    from index.postgres import PostgresIndex
    from ofsted_qa import open_index

    questions = json.loads(questions_file.read_text(encoding="utf-8"))
    with open_index(address) as library:
        assert isinstance(library.index, PostgresIndex)
        port = library.index.reader.info.port  # the server its reads go to
        for question in questions:
            library.search(question)
        print(json.dumps({"ready": True, "port": port}), flush=True)
        if sys.stdin.readline().strip() != "go":
            return 1
        latencies: list[float] = []
        cpu = time.process_time()
        began = time.perf_counter()
        end = began + seconds
        n = start
        while time.perf_counter() < end:
            asked = time.perf_counter()
            library.search(questions[n % len(questions)])
            latencies.append(1000 * (time.perf_counter() - asked))
            n += 1
        elapsed = time.perf_counter() - began
        cpu_seconds = time.process_time() - cpu
        print(json.dumps({"port": port, "seconds": elapsed, "cpu_seconds": cpu_seconds, "latencies_ms": latencies}),
              flush=True)
        sys.stdin.readline()
    return 0


# --- runs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerShare:
    """What one server served in a run."""

    role: str  # "primary" | "replica"
    port: int
    clients: int  # clients whose connection it held
    searches: int  # their searches in the timed window
    transactions: int  # committed in the index's database while the clients ran (warm-up included)


@dataclass(frozen=True)
class Run:
    """One timed load of `clients` processes on one address."""

    setup: str
    round: int
    clients: int
    searches: int
    seconds: float
    searches_per_s: float
    p50_ms: float
    p95_ms: float
    load_1m_before: float  # as the lock was taken, before the clients started
    load_1m_at_start: float  # as the timed window opened (after the clients' warm-up)
    waited_for_lock_s: float
    # shares of all the machine's cores over the timed window: in use, by the clients, by their sessions on
    # the servers, and by anything else (other processes on the machine, the servers' own background work)
    cpu_busy_pct: float | None
    clients_cpu_pct: float
    sessions_cpu_pct: float
    other_cpu_pct: float | None
    servers: tuple[ServerShare, ...]


@dataclass(frozen=True)
class Summary:
    """The median of a setup's runs."""

    setup: str
    runs: int
    searches_per_s: float
    p50_ms: float
    p95_ms: float
    searches_by_role: dict[str, int]  # over all runs
    clients_by_role: dict[str, int]  # over all runs


@contextmanager
def bench_lock(path: Path = LOCK) -> Iterator[float]:
    """Hold the machine's benchmark lock (exclusive, waiting for it); gives the seconds waited."""
    asked = time.perf_counter()
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield time.perf_counter() - asked
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


def committed(server: Server) -> int:
    """Transactions committed in the index's database on `server` so far."""
    return int(server.value(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{DATABASE}'") or 0)


def wait_sessions_gone(servers: list[Server], timeout: float = 60) -> None:
    """Wait until no session is left in the index's database (its statistics are counted as it ends)."""
    deadline = time.perf_counter() + timeout
    for server in servers:
        while server.value(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DATABASE}'"):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"sessions on port {server.port} did not end within {timeout:.0f} s")
            time.sleep(0.05)  # between looks at pg_stat_activity


def start_clients(address: str, n: int, questions_file: Path, count: int, seconds: float,
                  workdir: Path) -> list[subprocess.Popen]:
    """`n` client processes, each starting at its own place in the questions; their stderr in workdir."""
    cmd = [sys.executable, "-m", "eval.bench_replica", "--client", address, "--questions-file", str(questions_file),
           "--seconds", str(seconds)]
    children = []
    for i in range(n):
        with (workdir / f"client{i}.log").open("w") as log:
            children.append(subprocess.Popen([*cmd, "--start", str(i * count // n)], cwd=ROOT, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=log, text=True))
    return children


def read_line(child: subprocess.Popen, log: Path) -> dict:
    line = child.stdout.readline() if child.stdout else ""
    if not line:
        child.wait()
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise RuntimeError(f"a client stopped ({child.returncode}):\n" + "\n".join(tail))
    return json.loads(line)


@dataclass(frozen=True)
class CpuSample:
    """CPU used so far: by the whole machine, and by the index database's sessions on the servers."""

    machine: tuple[float, float] | None  # busy and total jiffies of all cores (eval.load.cpu_times)
    sessions_s: float


def session_cpu_seconds(servers: list[Server]) -> float:
    """CPU seconds used so far by the server processes of the sessions in the index's database (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = 0.0
    for server in servers:
        pids = server.value(f"SELECT array_agg(pid) FROM pg_stat_activity WHERE datname = '{DATABASE}'") or []
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            used += (int(fields[11]) + int(fields[12])) / tick  # utime and stime
    return used


def cpu_sample(servers: list[Server]) -> CpuSample:
    return CpuSample(cpu_times(), session_cpu_seconds(servers))


def tell(children: list[subprocess.Popen], word: str) -> None:
    for child in children:
        assert child.stdin is not None
        child.stdin.write(word + "\n")
        child.stdin.flush()


def run_load(setup: str, round_: int, address: str, servers: list[Server], questions_file: Path, count: int,
             clients: int, seconds: float, workdir: Path) -> Run:
    """One timed load on `address`, under the benchmark lock."""
    with bench_lock() as waited:
        before_load = load_1m()
        before = {s.port: committed(s) for s in servers}
        children = start_clients(address, clients, questions_file, count, seconds, workdir)
        try:
            ready = [read_line(c, workdir / f"client{i}.log") for i, c in enumerate(children)]
            assert all(r.get("ready") for r in ready)
            at_start = load_1m()
            cpu_before = cpu_sample(servers)
            tell(children, "go")
            results = [read_line(c, workdir / f"client{i}.log") for i, c in enumerate(children)]
            cpu_after = cpu_sample(servers)
            tell(children, "done")
            for child in children:
                child.wait(timeout=60)
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        wait_sessions_gone(servers)
        after = {s.port: committed(s) for s in servers}
    shares = tuple(ServerShare(s.role, s.port, sum(1 for r in results if r["port"] == s.port),
                               sum(len(r["latencies_ms"]) for r in results if r["port"] == s.port),
                               after[s.port] - before[s.port]) for s in servers)
    return summarise_run(setup, round_, results, shares, (before_load, at_start), waited, cpu_before, cpu_after)


def summarise_run(setup: str, round_: int, results: list[dict], shares: tuple[ServerShare, ...],
                  loads: tuple[float, float], waited: float, cpu_before: CpuSample, cpu_after: CpuSample) -> Run:
    latencies = [ms for r in results for ms in r["latencies_ms"]]
    window = max(r["seconds"] for r in results)
    capacity = window * (os.cpu_count() or 1)  # CPU seconds all the cores had over the window
    clients_pct = round(100 * sum(r["cpu_seconds"] for r in results) / capacity, 1)
    sessions_pct = round(100 * (cpu_after.sessions_s - cpu_before.sessions_s) / capacity, 1)
    busy = other = None
    if cpu_before.machine and cpu_after.machine and cpu_after.machine[1] > cpu_before.machine[1]:
        busy = round(100 * (cpu_after.machine[0] - cpu_before.machine[0])
                     / (cpu_after.machine[1] - cpu_before.machine[1]), 1)
        other = round(max(busy - clients_pct - sessions_pct, 0.0), 1)
    return Run(setup, round_, len(results), len(latencies), round(window, 2), round(len(latencies) / window, 2),
               round(percentile(latencies, 50), 1), round(percentile(latencies, 95), 1), loads[0], loads[1],
               round(waited, 2), busy, clients_pct, sessions_pct, other, shares)


def summarise(setup: str, runs: list[Run]) -> Summary:
    mine = [r for r in runs if r.setup == setup]
    by_role: dict[str, int] = {}
    clients_by_role: dict[str, int] = {}
    for run in mine:
        for share in run.servers:
            by_role[share.role] = by_role.get(share.role, 0) + share.searches
            clients_by_role[share.role] = clients_by_role.get(share.role, 0) + share.clients
    return Summary(setup, len(mine), statistics.median(r.searches_per_s for r in mine),
                   statistics.median(r.p50_ms for r in mine), statistics.median(r.p95_ms for r in mine),
                   by_role, clients_by_role)


# --- building the index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """The index built on the primary, and the replica catching up."""

    documents: int
    chunks: int
    ingest_seconds: float
    load_1m_before: float
    replica_max_behind_bytes: int  # the most WAL not yet replayed on the replica during the ingest
    replica_max_replay_lag_s: float | None  # the longest from a commit on the primary to its replay
    replica_behind_bytes: int  # WAL not yet replayed as the ingest ended
    replica_catch_up_s: float  # until it was


def build(primary: Server, replica: Server, paths: tuple[Path, ...], workdir: Path) -> Built:
    """Ingest `paths` into a new index on the primary and wait for the replica, under the benchmark lock."""
    primary.value(f"CREATE DATABASE {DATABASE}")
    with bench_lock():
        before_load = load_1m()
        started = time.perf_counter()
        log = workdir / "ingest.log"
        with log.open("w") as out, LagWatch(primary) as watch:
            done = subprocess.run([sys.executable, "-m", "ingest", *map(str, paths), "--index",
                                   primary.address(DATABASE), "--quiet"], cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, check=False)
            seconds = time.perf_counter() - started
            replayed = wait_replayed(primary, replica)
        if done.returncode != 0:
            raise RuntimeError(f"the ingest failed ({done.returncode}): {log.read_text()[-2000:]}")
    documents = int(replica.value("SELECT count(*) FROM documents", DATABASE))
    chunks = int(replica.value("SELECT count(*) FROM chunks", DATABASE))
    lag = watch.lag()
    return Built(documents, chunks, round(seconds, 1), before_load, lag.max_behind_bytes,
                 None if lag.max_replay_lag_s is None else round(lag.max_replay_lag_s, 3), replayed.behind_bytes,
                 round(replayed.seconds, 3))


# --- the report ----------------------------------------------------------------------------------------


def format_table(built: Built, runs: list[Run], summaries: list[Summary]) -> str:
    replay_lag = "-" if built.replica_max_replay_lag_s is None else f"{built.replica_max_replay_lag_s * 1000:.0f} ms"
    lines = [f"index: {built.documents} documents, {built.chunks} passages, built in {built.ingest_seconds:.0f} s "
             f"(load 1m before {built.load_1m_before})",
             f"replica during the ingest: at most {built.replica_max_behind_bytes} WAL bytes behind, replay lag at "
             f"most {replay_lag}; as it ended {built.replica_behind_bytes} bytes behind, replayed "
             f"{built.replica_catch_up_s * 1000:.0f} ms later",
             f"{os.cpu_count()} cores shared by both servers and the clients", "",
             "cpu: % of all cores over the timed window, in use / by the clients / by their sessions / other",
             "",
             f"{'setup':<18}{'round':>6}{'q/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'load1m':>8}  {'cpu %':<17}"
             "clients / searches / transactions by server"]
    for run in runs:
        served = "; ".join(f"{s.role} {s.clients} / {s.searches} / {s.transactions}" for s in run.servers)
        cpu = "/".join("-" if v is None else f"{v:.0f}" for v in (run.cpu_busy_pct, run.clients_cpu_pct,
                                                                  run.sessions_cpu_pct, run.other_cpu_pct))
        lines.append(f"{run.setup:<18}{run.round:>6}{run.searches_per_s:>8.1f}{run.p50_ms:>8.1f}{run.p95_ms:>8.1f}"
                     f"{run.load_1m_before:>8.2f}  {cpu:<17}{served}")
    lines.append("")
    for s in summaries:
        share = ", ".join(f"{role} {n} ({100 * n / max(sum(s.searches_by_role.values()), 1):.0f}%)"
                          for role, n in s.searches_by_role.items())
        lines.append(f"{s.setup:<18}{'median':>6}{s.searches_per_s:>8.1f}{s.p50_ms:>8.1f}{s.p95_ms:>8.1f}"
                     f"   searches by server over {s.runs} runs: {share}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_replica", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="client processes (default %(default)s)")
    parser.add_argument("--seconds", type=float, default=30, help="timed window of each run (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of both setups; medians (default %(default)s)")
    parser.add_argument("--questions", type=int, default=200,
                        help="distinct questions searched (default %(default)s; a client remembers 256 vectors)")
    parser.add_argument("--question-files", type=Path, nargs="*", default=DEFAULT_QUESTIONS,
                        help="JSONL files of questions (default: eval/data/questions-*.jsonl)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="held-out councils, one slug per line")
    parser.add_argument("--documents", type=Path, nargs="*", default=list(DOCUMENTS),
                        help="what the index holds (default: data/letters data/reports)")
    parser.add_argument("--folder", type=Path, help="where the servers keep their files (default: a temporary "
                        "folder, removed afterwards)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--client", metavar="ADDRESS", help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        return client(args.client, args.questions_file, args.start, args.seconds)
    if not args.heldout.exists():
        parser.error(f"no list of held-out councils at {args.heldout} (--heldout)")
    questions = bench_questions(args.question_files, heldout_names(args.heldout), args.questions)
    if not questions:
        parser.error("no questions")

    with tempfile.TemporaryDirectory(prefix="bench-replica-") as tmp:
        workdir = Path(tmp)
        questions_file = workdir / "questions.json"
        questions_file.write_text(json.dumps(questions), encoding="utf-8")
        folder = args.folder or workdir / "servers"
        with replicated(folder) as (primary, replica):
            built = build(primary, replica, tuple(args.documents), workdir)
            print(f"index built: {built.documents} documents; replica replayed "
                  f"{built.replica_behind_bytes} bytes in {built.replica_catch_up_s:.3f} s", file=sys.stderr)
            addresses = {SETUPS[0]: (primary.address(DATABASE), [primary]),
                         SETUPS[1]: (two_hosts(primary, replica, DATABASE), [primary, replica])}
            runs: list[Run] = []
            for round_ in range(1, args.runs + 1):
                for setup in SETUPS:
                    address, servers = addresses[setup]
                    run = run_load(setup, round_, address, servers, questions_file, len(questions), args.clients,
                                   args.seconds, workdir)
                    print(f"{setup}, round {round_}: {run.searches_per_s:.1f} searches/s", file=sys.stderr)
                    runs.append(run)
            lag = wait_replayed(primary, replica)  # nothing was written meanwhile: no lag
    summaries = [summarise(setup, runs) for setup in SETUPS]
    print(format_table(built, runs, summaries))
    if args.json:
        report = {"cores": os.cpu_count(), "clients": args.clients, "seconds": args.seconds,
                  "questions": len(questions), "built": asdict(built), "replica_lag_after_runs_bytes": lag.behind_bytes,
                  "runs": [asdict(r) for r in runs], "summaries": [asdict(s) for s in summaries]}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
