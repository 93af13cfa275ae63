"""python -m eval.load --url URL: many clients asking and searching at once, optionally while an ingest runs.

Locust (requirements-bench.txt) drives `--users` clients with no think time against POST /v1/ask and
POST /v1/search (2:1 by default) for `--seconds`; with `--ingest-folder` and `--index`, the ingest CLI
adds a folder of documents to the served index meanwhile (many readers, one writer). Prints, per
request type and overall, requests, requests/s, p50/p95/p99 and errors, and with `--report` writes them
as JSON. Exit status: 0 no errors and every aim met; 1 errors or an aim missed; 2 the run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
DEFAULT_QUESTIONS = sorted((ROOT / "eval" / "data").glob("questions-*.jsonl"))
KINDS = ("ask", "search")


@dataclass(frozen=True)
class Sample:
    """One request as the client saw it: its kind, start (epoch seconds), milliseconds, status, error."""

    kind: str
    start: float
    ms: float
    status: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and 200 <= self.status < 300


@dataclass(frozen=True)
class Aims:
    """What the run should reach: successful asks per second, p99 of all requests, and no errors."""

    asks_per_s: float = 60.0
    p99_ms: float = 500.0


# --- pure summaries --------------------------------------------------------------------------------


def read_questions(paths: list[Path]) -> list[str]:
    """The distinct `question` fields of JSONL files, in file order."""
    seen: dict[str, None] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line).get("question", "").strip()
                if q:
                    seen.setdefault(q, None)
    return list(seen)


def summarise(samples: list[Sample], seconds: float) -> dict:
    """Requests, errors, requests/s and latency percentiles (ms, of successful requests, linear between
    ranks) over `seconds`."""
    ok = [s.ms for s in samples if s.ok]
    errors = len(samples) - len(ok)

    def at(q: float) -> float | None:
        return round(percentile(ok, q), 1) if ok else None

    return {
        "requests": len(samples),
        "errors": errors,
        "error_rate": round(errors / len(samples), 4) if samples else 0.0,
        "requests_per_s": round(len(samples) / seconds, 2) if seconds > 0 else None,
        "ok_per_s": round(len(ok) / seconds, 2) if seconds > 0 else None,
        "mean_ms": round(sum(ok) / len(ok), 1) if ok else None,
        "p50_ms": at(50),
        "p95_ms": at(95),
        "p99_ms": at(99),
        "max_ms": at(100),
    }


def error_counts(samples: list[Sample], limit: int = 10) -> dict[str, int]:
    """The most frequent errors, as 'kind: message' -> count."""
    counts: dict[str, int] = {}
    for s in samples:
        if not s.ok:
            key = f"{s.kind}: {s.error or f'HTTP {s.status}'}"
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[:limit])


def by_kind(samples: list[Sample], seconds: float) -> dict[str, dict]:
    """A summary per request kind and one of all requests ('all')."""
    kinds = sorted({s.kind for s in samples}, key=lambda k: (k not in KINDS, KINDS.index(k) if k in KINDS else 0, k))
    out = {kind: summarise([s for s in samples if s.kind == kind], seconds) for kind in kinds}
    out["all"] = summarise(samples, seconds)
    return out


def split_by_window(samples: list[Sample], start: float, end: float) -> tuple[list[Sample], list[Sample]]:
    """The samples that started within [start, end) and the rest."""
    inside = [s for s in samples if start <= s.start < end]
    outside = [s for s in samples if not start <= s.start < end]
    return inside, outside


def load_report(samples: list[Sample], started: float, stopped: float, aims: Aims = Aims(),
                ingest: dict | None = None, setup: dict | None = None) -> dict:
    """The whole run as a JSON-ready dict: setup, per-kind summaries, errors, aims, and the ingest's share."""
    seconds = max(stopped - started, 0.0)
    kinds = by_kind(samples, seconds)
    asks_per_s = kinds.get("ask", {}).get("ok_per_s") or 0.0
    p99 = kinds["all"]["p99_ms"]
    report = {
        "setup": setup or {},
        "seconds": round(seconds, 2),
        "asks_per_s": asks_per_s,
        "requests": kinds,
        "errors": error_counts(samples),
        "aims": {
            f"asks_per_s >= {aims.asks_per_s:g}": asks_per_s >= aims.asks_per_s,
            f"p99_ms <= {aims.p99_ms:g}": p99 is not None and p99 <= aims.p99_ms,
            "errors == 0": kinds["all"]["errors"] == 0 and bool(samples),
        },
    }
    if ingest is not None:
        ingest = dict(ingest)
        report["ingest"] = ingest
        if ingest.get("started") is not None:
            begin = max(started, ingest["started"])
            end = min(stopped, ingest.get("finished") or stopped)
            overlap = max(end - begin, 0.0)
            inside, outside = split_by_window(samples, begin, end) if overlap else ([], samples)
            ingest["overlap_s"] = round(overlap, 2)
            report["while_ingesting"] = by_kind(inside, overlap) if overlap else None
            report["not_ingesting"] = by_kind(outside, seconds - overlap) if seconds - overlap > 1 else None
    return report


def format_report(report: dict) -> str:
    """The report as a table to read: one row per request kind, then the aims and the ingest."""
    head = f"{'':10}{'requests':>9}{'req/s':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"

    def rows(kinds: dict) -> list[str]:
        def cell(v, width):
            return f"{'-' if v is None else v:>{width}}"
        return [f"{kind:10}{cell(s['requests'], 9)}{cell(s['requests_per_s'], 9)}{cell(s['errors'], 8)}"
                f"{cell(s['p50_ms'], 9)}{cell(s['p95_ms'], 9)}{cell(s['p99_ms'], 9)}{cell(s['max_ms'], 9)}"
                for kind, s in kinds.items()]

    setup = report.get("setup", {})
    lines = [f"{setup.get('users', '?')} users, {report['seconds']} s, think time {setup.get('think_time_s', 0)} s, "
             f"ask:search {setup.get('mix', '?')}, {setup.get('questions', '?')} questions",
             head, *rows(report["requests"]), f"asks/s (successful): {report['asks_per_s']}"]
    if "cores" in setup:
        lines.append(f"machine: {setup['cores']} cores, load average {setup.get('load_average_1m_before')} before, "
                     f"{setup.get('cpu_busy_pct', '?')}% of CPU busy during (everything on it)")
    lines += [f"load generator warning: {w}" for w in setup.get("load_generator_warnings", [])]
    for name in ("while_ingesting", "not_ingesting"):
        if report.get(name):
            lines += [f"{name.replace('_', ' ')}:", *rows(report[name])]
    if report["errors"]:
        lines.append("errors:")
        lines += [f"  {n:6} {what}" for what, n in report["errors"].items()]
    ingest = report.get("ingest")
    if ingest:
        lines.append(f"ingest of {ingest.get('files')} files: {ingest.get('seconds')} s, exit status "
                     f"{ingest.get('exit_code')}, {ingest.get('overlap_s', 0)} s of it under load; "
                     f"documents {ingest.get('documents_before')} -> {ingest.get('documents_after')}"
                     + (f"; {ingest['summary']}" if ingest.get("summary") else ""))
    lines += [f"{'met' if met else 'MISSED'}: {aim}" for aim, met in report["aims"].items()]
    return "\n".join(lines)


# --- running ---------------------------------------------------------------------------------------


def get_json(url: str, timeout: float = 10) -> tuple[int, dict | None]:
    """Status and JSON body of a GET; status 0 when the server cannot be reached."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (OSError, ValueError):
        return 0, None


def wait_healthy(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if get_json(f"{url}/health", timeout=5)[0] == 200:
            return True
        time.sleep(0.5)
    return False


def document_count(url: str) -> int | None:
    status, body = get_json(f"{url}/v1/documents", timeout=30)
    if status == 200 and isinstance(body, dict) and isinstance(body.get("documents"), list):
        return len(body["documents"])
    return None


def warm_up(url: str, questions: list[str], clients: int = 8) -> None:
    """Asks and searches from a few clients at once before measuring, so that every server worker
    has loaded its index and model before the clock starts."""
    def one(i: int) -> None:
        q = questions[i % len(questions)]
        path, body = ("ask", {"question": q}) if i % 2 == 0 else ("search", {"query": q, "k": 10})
        request = urllib.request.Request(f"{url}/v1/{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=120).read()
        except (OSError, ValueError):
            pass  # the measured run reports errors

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_times() -> tuple[float, float] | None:
    """Busy and total jiffies of all cores since boot (Linux), to tell how loaded the machine was."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def run_locust(url: str, users: int, seconds: int, questions: list[str], weights: tuple[int, int], k: int,
               workdir: Path) -> tuple[list[Sample], float, float, str]:
    """Run locust headless in a subprocess; the samples, the run's start and stop, and locust's output."""
    (workdir / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    samples_path = workdir / "samples.json"
    env = {**os.environ, "OFSTED_LOAD_QUESTIONS": str(workdir / "questions.json"),
           "OFSTED_LOAD_SAMPLES": str(samples_path), "OFSTED_LOAD_ASK_WEIGHT": str(weights[0]),
           "OFSTED_LOAD_SEARCH_WEIGHT": str(weights[1]), "OFSTED_LOAD_K": str(k)}
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
           "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10",
           "--only-summary", "--exit-code-on-error", "0", "--csv", str(workdir / "locust"), "--loglevel", "WARNING"]
    done = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if not samples_path.exists():
        raise RuntimeError(f"locust exited with status {done.returncode} and no samples:\n{done.stderr[-2000:]}")
    data = json.loads(samples_path.read_text(encoding="utf-8"))
    samples = [Sample(*row) for row in data["samples"]]
    started = data["started"] or min((s.start for s in samples), default=0.0)
    stopped = data["stopped"] or max((s.start + s.ms / 1000 for s in samples), default=started)
    return samples, started, stopped, done.stdout + done.stderr


class IngestRun:
    """The ingest CLI adding a folder to the served index in a subprocess, timed from a thread."""

    def __init__(self, folder: Path, index: Path, log: Path, delay: float):
        self.cmd = [sys.executable, "-m", "ingest", str(folder), "--index", str(index), "--quiet"]
        self.log, self.delay = log, delay
        self.proc: subprocess.Popen | None = None
        self.started: float | None = None
        self.finished: float | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        time.sleep(self.delay)
        self.started = time.time()
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        self.proc.wait()
        self.finished = time.time()

    def finish(self, timeout: float) -> dict:
        """Wait up to `timeout` seconds for the ingest; its times, exit status and summary line."""
        self.thread.join(timeout=self.delay + timeout)
        out: dict = {"started": self.started, "finished": self.finished}
        if self.proc is not None and self.finished is None:
            self.proc.kill()
            self.proc.wait()
            out["note"] = f"killed: still running {timeout:.0f} s after the load ended"
        out["exit_code"] = None if self.finished is None or self.proc is None else self.proc.returncode
        if self.started is not None:
            out["seconds"] = round((self.finished or time.time()) - self.started, 1)
        lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines() if self.log.exists() else []
        out["summary"] = lines[-1] if lines else ""
        out["failed"] = [line for line in lines if line.startswith("failed:")][:20]
        return out


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=32, help="concurrent clients (default %(default)s)")
    parser.add_argument("--seconds", type=int, default=60, help="how long the load runs (default %(default)s)")
    parser.add_argument("--questions", type=Path, nargs="*", default=DEFAULT_QUESTIONS,
                        help="JSONL files whose 'question' fields are asked and searched "
                        "(default: eval/data/questions-*.jsonl, non-held-out councils)")
    parser.add_argument("--mix", default="2:1", help="ask:search weights (default %(default)s)")
    parser.add_argument("--k", type=int, default=10, help="k of each search (default %(default)s)")
    parser.add_argument("--ingest-folder", type=Path, help="documents to ingest into --index while the load runs")
    parser.add_argument("--index", type=Path, help="the index folder the service serves (with --ingest-folder)")
    parser.add_argument("--ingest-delay", type=float, default=0.0,
                        help="seconds after the load starts before the ingest starts (default %(default)s)")
    parser.add_argument("--ingest-timeout", type=float, default=1800,
                        help="seconds to wait for the ingest after the load ends (default %(default)s)")
    parser.add_argument("--aim-asks", type=float, default=Aims.asks_per_s, help="aim: successful asks/s")
    parser.add_argument("--aim-p99", type=float, default=Aims.p99_ms, help="aim: p99 of all requests, ms")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for GET /health (default %(default)s)")
    parser.add_argument("--report", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    if bool(args.ingest_folder) != bool(args.index):
        parser.error("--ingest-folder and --index go together")
    url = args.url.rstrip("/")
    ask_weight, _, search_weight = args.mix.partition(":")
    weights = (int(ask_weight), int(search_weight))
    questions = read_questions(args.questions)
    if not questions:
        parser.error("no questions in " + ", ".join(map(str, args.questions)))

    if not wait_healthy(url, args.wait):
        print(f"error: {url}/health did not answer 200 within {args.wait:.0f} s", file=sys.stderr)
        return 2
    warm_up(url, questions)
    setup = {"url": url, "users": args.users, "seconds": args.seconds, "think_time_s": 0,
             "mix": f"{weights[0]}:{weights[1]}", "k": args.k, "questions": len(questions),
             "load_generator": _locust_version() + " (FastHttpUser, one process, on the same machine)"}
    setup["cores"], setup["load_average_1m_before"] = os.cpu_count(), round(os.getloadavg()[0], 2)
    before = cpu_times()
    ingest = None
    with tempfile.TemporaryDirectory(prefix="ofsted-load-") as tmp:
        workdir = Path(tmp)
        run = None
        if args.ingest_folder:
            ingest = {"folder": str(args.ingest_folder), "index": str(args.index),
                      "files": count_files(args.ingest_folder), "documents_before": document_count(url),
                      "delay_s": args.ingest_delay}
            # about a second after locust starts, once its users are spawned
            run = IngestRun(args.ingest_folder, args.index, workdir / "ingest.log", args.ingest_delay + 1.0)
            run.start()
        try:
            samples, started, stopped, output = run_locust(url, args.users, args.seconds, questions, weights,
                                                           args.k, workdir)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        finally:
            if run is not None and ingest is not None:
                ingest.update(run.finish(args.ingest_timeout))
        if ingest is not None:
            ingest["documents_after"] = document_count(url)
    after = cpu_times()
    if before and after and after[1] > before[1]:
        # everything on the machine: the service, locust, the ingest, and whatever else shares the cores
        setup["cpu_busy_pct"] = round(100 * (after[0] - before[0]) / (after[1] - before[1]), 1)
    # locust warns when its own process is CPU-bound: then the clients, not the service, set the pace
    setup["load_generator_warnings"] = sorted({line.split("/WARNING/", 1)[-1].strip() for line in output.splitlines()
                                               if "/WARNING/" in line})[:10]
    report = load_report(samples, started, stopped, Aims(args.aim_asks, args.aim_p99), ingest, setup)
    print(format_report(report))
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"report: {args.report}")
    return 0 if all(report["aims"].values()) else 1


def _locust_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"locust {version('locust')}"
    except PackageNotFoundError:
        return "locust (not installed: pip install -r requirements-bench.txt)"


if __name__ == "__main__":
    sys.exit(main())
