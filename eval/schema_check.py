"""python -m eval.schema_check --url URL [--token T]: the service's contract under fuzzing and hostile input.

Runs schemathesis (requirements-bench.txt) over /openapi.json with the not_a_server_error check, then
probes by hand: writes without or with a wrong token are refused with 401; bad JSON bodies get a 4xx
with {"detail": ...}; odd but valid values get no 5xx; with the token, uploads named to climb out of
the upload folder ('../../etc/x.txt', '..%2f..%2fx.pdf', an absolute path, backslashes) are refused
or stored inside it, never outside. Uploads with the token are ingested: point it at a throwaway
index. Prints one line per check; exit status 0 all passed (skipped ones aside), 1 a check failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "data" / "letters"
# Where an escaped upload would land (two levels above an upload folder, /tmp for absolute names)
SCAN_ROOTS = (Path("/tmp"), Path("/etc"), Path("/work"), Path.home(), ROOT)
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "site-packages", "__pycache__", ".mirror", ".cache"}


@dataclass(frozen=True)
class Check:
    """One check's outcome: passed (True), failed (False) or skipped (None), with what was seen."""

    name: str
    passed: bool | None
    detail: str = ""

    def line(self) -> str:
        mark = {True: "pass", False: "FAIL", None: "skip"}[self.passed]
        return f"{mark}  {self.name}" + (f": {self.detail}" if self.detail else "")


def shows_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" in text


def judge_error_body(name: str, r: requests.Response) -> Check:
    """4xx with a JSON object whose 'detail' is a non-empty string (or FastAPI's list of errors)."""
    seen = f"HTTP {r.status_code} {r.text[:160]!r}"
    if not 400 <= r.status_code < 500 or shows_traceback(r.text):
        return Check(name, False, seen)
    try:
        detail = r.json().get("detail")
    except (ValueError, AttributeError):
        return Check(name, False, f"{seen}: the body is not a JSON object")
    if isinstance(detail, str) and detail.strip():
        return Check(name, True, f"HTTP {r.status_code}, detail {detail[:80]!r}")
    if isinstance(detail, list) and detail:
        return Check(name, True, f"HTTP {r.status_code}, detail is a list of {len(detail)} errors, not a string")
    return Check(name, False, f"{seen}: no 'detail'")


def judge_no_server_error(name: str, r: requests.Response) -> Check:
    ok = r.status_code < 500 and not shows_traceback(r.text)
    return Check(name, ok, f"HTTP {r.status_code}" + ("" if ok else f" {r.text[:160]!r}"))


def upload_field(schema: dict) -> str:
    """The multipart field that carries the file in POST /v1/documents ('file' when unclear)."""
    try:
        body = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
        props = body.get("properties", {})
    except (KeyError, TypeError):
        return "file"

    def is_file(p: dict) -> bool:
        p = p.get("items", p)
        return p.get("format") == "binary" or "contentMediaType" in p

    return next((name for name, p in props.items() if is_file(p)), next(iter(props), "file"))


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body with the filename exactly as given (clients would normalise it), and its type."""
    boundary = uuid.uuid4().hex
    quoted = filename.replace('"', "%22")
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def find_named(marker: str, roots: list[Path], depth: int = 6) -> list[Path]:
    """Files whose names contain `marker` under `roots`, up to `depth` folders down."""
    found: set[Path] = set()
    for root in roots:
        if not root.is_dir():
            continue
        base = len(root.parts)
        for folder, dirs, files in os.walk(root):
            dirs[:] = [] if len(Path(folder).parts) - base >= depth else [d for d in dirs if d not in SKIP_DIRS]
            found.update(Path(folder, f).resolve() for f in files if marker in f)
    return sorted(found)


def inside(path: Path, folders: list[Path]) -> bool:
    return any(path.is_relative_to(f) for f in folders)


def traversal_names(marker: str) -> dict[str, str]:
    """Upload names that climb out of a folder, each with the tag its file name would carry."""
    shapes = ["../../etc/{}.txt", "..%2f..%2f{}.pdf", "/tmp/{}.pdf", "..\\..\\{}.pdf", "ok/../../../{}.pdf"]
    return {shape.format(f"evil{i}-{marker}"): f"evil{i}-{marker}" for i, shape in enumerate(shapes)}


# --- the checks ------------------------------------------------------------------------------------


def run_schemathesis(url: str, max_examples: int, headers: list[str], timeout: float) -> Check:
    exe = Path(sys.executable).with_name("schemathesis")
    cmd = [str(exe), "run", f"{url}/openapi.json", "--checks", "not_a_server_error", "--max-examples",
           str(max_examples), "--seed", "1", "--workers", "1", "--no-color", "--request-timeout", "60",
           "--generation-database", "none", "--suppress-health-check", "all"]
    for h in headers:
        cmd += ["--header", h]
    with tempfile.TemporaryDirectory(prefix="ofsted-schema-") as tmp:  # keeps its files out of the repo
        try:
            done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Check("schemathesis: no server errors", False, f"still running after {timeout:.0f} s")
        except FileNotFoundError:
            return Check("schemathesis: no server errors", False, "missing: pip install -r requirements-bench.txt")
    out = (done.stdout + done.stderr).strip().splitlines()
    last = next((ln.strip("= ") for ln in reversed(out) if ln.strip("= ")), "")
    cases = next((out[i + 1].strip() for i, ln in enumerate(out[:-1]) if ln.strip() == "Test cases:"), "")
    if done.returncode != 0:
        print("\n".join(out[-80:]))
    return Check("schemathesis: no server errors", done.returncode == 0, "; ".join(filter(None, [cases, last])))


def probe_reads(url: str) -> list[Check]:
    checks = []
    r = requests.get(f"{url}/health", timeout=30)
    checks.append(Check("GET /health is 200", r.status_code == 200, f"HTTP {r.status_code}"))
    r = requests.get(f"{url}/v1/documents", timeout=60)
    try:
        docs = r.json().get("documents")
    except (ValueError, AttributeError):
        docs = None
    checks.append(Check("GET /v1/documents lists documents", r.status_code == 200 and isinstance(docs, list),
                        f"HTTP {r.status_code}, {len(docs) if isinstance(docs, list) else 'no'} documents"))
    return checks


def probe_bad_bodies(url: str) -> list[Check]:
    raw = {"Content-Type": "application/json"}
    bad = [("ask", b'{"question": ', "truncated JSON"), ("search", b"not json at all", "text that is not JSON"),
           ("ask", b"{}", "no question"), ("ask", b"[]", "a list, not an object"),
           ("search", b'{"query": 5, "k": "ten"}', "wrong types"), ("check", b'{"text": ["x"]}', "text as a list")]
    checks = [judge_error_body(f"POST /v1/{path} with {what} -> 4xx with detail",
                               requests.post(f"{url}/v1/{path}", data=body, headers=raw, timeout=60))
              for path, body, what in bad]
    odd: list[tuple[str, dict[str, Any], str]] = [("search", {"query": "care leavers", "k": 0}, "k=0"),
           ("search", {"query": "care leavers", "k": -1}, "k=-1"),
           ("search", {"query": "care leavers", "k": 10**9}, "k=10^9"),
           ("search", {"query": "", "k": 10}, "empty query"),
           ("ask", {"question": ""}, "empty question"),
           ("ask", {"question": "\x00\ud7ff 🙂 ' OR 1=1 --"}, "odd characters"),
           ("ask", {"question": "care leavers " * 2000}, "a 26,000-character question"),
           ("ask", {"question": "care leavers", "filters": {"council": 7, "year": "x"}}, "filters of wrong types"),
           ("check", {"text": ""}, "empty text")]
    checks += [judge_no_server_error(f"POST /v1/{path} with {what} -> no 5xx",
                                     requests.post(f"{url}/v1/{path}", json=body, timeout=120))
               for path, body, what in odd]
    return checks


def probe_writes(url: str, token: str | None, field: str, upload_dir: Path | None, scan: list[Path]) -> list[Check]:
    pdf = next(iter(sorted(LETTERS.glob("*.pdf"))), None)
    text = next(iter(sorted(LETTERS.glob("*.txt"))), None)
    if pdf is None or text is None:
        return [Check("uploads", None, f"no sample PDF and text in {LETTERS}")]

    def upload(name: str, auth: str | None) -> requests.Response:
        data = (text if name.endswith(".txt") else pdf).read_bytes()
        body, content_type = multipart(field, name, data)
        headers = {"Content-Type": content_type, **({"Authorization": auth} if auth else {})}
        return requests.post(f"{url}/v1/documents", data=body, headers=headers, timeout=300)

    marker = f"probe{uuid.uuid4().hex[:12]}"
    checks = []
    r = upload(f"nobody-{marker}.pdf", None)
    checks.append(Check("POST /v1/documents without a token -> 401", r.status_code == 401, f"HTTP {r.status_code}"))
    # the token is checked before the body: a write without one learns nothing about its form
    r = requests.post(f"{url}/v1/documents", timeout=60)
    checks.append(Check("POST /v1/documents without a token or a file -> 401", r.status_code == 401,
                        f"HTTP {r.status_code} {r.text[:100]!r}"))
    r = upload(f"nobody-{marker}.pdf", "Bearer wrong-" + marker)
    checks.append(Check("POST /v1/documents with a wrong token -> 401 or 403", r.status_code in (401, 403),
                        f"HTTP {r.status_code}"))
    if not token:
        return checks + [Check("uploads with the token", None, "no --token (or $OFSTED_QA_API_TOKEN)")]

    auth = f"Bearer {token}"
    r = upload(f"control-{marker}.pdf", auth)
    checks.append(Check("POST /v1/documents with the token and a plain name -> 2xx", 200 <= r.status_code < 300,
                        f"HTTP {r.status_code} {r.text[:160]!r}"))
    names = traversal_names(marker)
    answers = {name: upload(name, auth) for name in names}
    found = find_named(marker, [*scan, *SCAN_ROOTS] + ([upload_dir] if upload_dir else []))
    # The plain upload shows where uploads belong; an escaped one lands anywhere else.
    allowed = [p.parent for p in found if p.name.startswith("control-")]
    allowed += [upload_dir.resolve()] if upload_dir else []
    for name, r in answers.items():
        landed = [p for p in found if names[name] in p.name]
        outside = [p for p in landed if not inside(p, allowed)]
        what = f"HTTP {r.status_code}" + (f", stored at {', '.join(map(str, landed))}" if landed else "")
        if r.status_code >= 500 or shows_traceback(r.text):
            checks.append(Check(f"upload named {name!r} stays inside", False, f"{what} {r.text[:160]!r}"))
        elif outside:
            checks.append(Check(f"upload named {name!r} stays inside", False, f"{what}: outside the upload folder"))
        else:
            how = ("refused" if 400 <= r.status_code < 500 else "stored inside the upload folder" if landed
                   else "accepted, no file of that name kept")
            checks.append(Check(f"upload named {name!r} stays inside", True, f"{what} ({how})"))
    for p in found:
        if p.name.startswith("evil") and not inside(p, allowed):
            print(f"remove by hand: {p}", file=sys.stderr)
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.schema_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", default=os.environ.get("OFSTED_QA_API_TOKEN"),
                        help="the write token (default $OFSTED_QA_API_TOKEN); without it upload probes are skipped")
    parser.add_argument("--max-examples", type=int, default=25,
                        help="schemathesis cases per operation (default %(default)s)")
    parser.add_argument("--fuzz-writes", action="store_true",
                        help="send the token with the fuzzing too, so that uploads are fuzzed past the 401")
    parser.add_argument("--upload-dir", type=Path, help="where uploads are meant to be stored, if known")
    parser.add_argument("--scan", type=Path, action="append", default=[],
                        help="another folder to search for escaped uploads (repeatable)")
    parser.add_argument("--skip-fuzz", action="store_true", help="only the hand-written probes")
    parser.add_argument("--timeout", type=float, default=900, help="seconds schemathesis may run (default %(default)s)")
    args = parser.parse_args(argv)
    url = args.url.rstrip("/")
    try:
        schema = requests.get(f"{url}/openapi.json", timeout=30).json()
    except (requests.RequestException, ValueError) as e:
        print(f"error: no OpenAPI schema at {url}/openapi.json: {e}", file=sys.stderr)
        return 1
    checks = [Check("GET /openapi.json", True, f"{len(schema.get('paths', {}))} paths")]
    if not args.skip_fuzz:
        headers = [f"Authorization: Bearer {args.token}"] if args.fuzz_writes and args.token else []
        checks.append(run_schemathesis(url, args.max_examples, headers, args.timeout))
    checks += probe_reads(url)
    checks += probe_bad_bodies(url)
    checks += probe_writes(url, args.token, upload_field(schema), args.upload_dir, args.scan)
    for c in checks:
        print(c.line())
    passed, failed, skipped = (sum(c.passed is outcome for c in checks) for outcome in (True, False, None))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
