"""ofsted-qa: one command for everything.

    ofsted-qa ingest PATH... [--index DIR]
    ofsted-qa ask|search|check|docs ... [--index DIR] [--json]
    ofsted-qa serve [--index DIR] [--host 127.0.0.1] [--port 8000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys

from index.index import is_database_address

USAGE = __doc__.split("\n\n", 1)[1] if __doc__ else ""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print("usage:\n" + USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command in ("ask", "search", "check", "docs"):
        from qa.__main__ import main as qa_main

        return qa_main([command, *rest])
    if command == "ingest":
        from ingest.__main__ import main as ingest_main

        return ingest_main(rest)
    if command == "serve":
        return serve(rest)
    print(f"error: unknown command {command!r}\nusage:\n{USAGE}", file=sys.stderr)
    return 2


def serve(argv: list[str]) -> int:
    """The HTTP API under uvicorn, over an index that must already exist."""
    from ofsted_qa.settings import default_index_dir

    parser = argparse.ArgumentParser(prog="ofsted-qa serve", description="Serve the HTTP API.")
    parser.add_argument("--index", default=None,
                        help=f"index folder or postgresql:// address (default: {default_index_dir()})")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="processes answering requests (default 2)")
    args = parser.parse_args(argv)
    folder = args.index or default_index_dir()
    if not is_database_address(folder) and not os.path.exists(os.path.join(folder, "index.sqlite")):
        print(f"error: no index at {folder}: build one with `ofsted-qa ingest PATH --index {folder}`", file=sys.stderr)
        return 2
    os.environ["OFSTED_QA_INDEX"] = folder  # the workers read it when they import the app
    import uvicorn

    uvicorn.run("ofsted_qa.api:app", host=args.host, port=args.port, workers=max(1, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
