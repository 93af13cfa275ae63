"""python -m ingest PATH... [--index DIR]: add letters and reports to an index."""

from __future__ import annotations

import argparse
import os
import sys

from index.errors import IndexError_
from ofsted_qa.settings import InvalidSettings, Settings, default_index_dir

# Ingest is batch work: it gives way to people waiting on answers (measured: with 32 clients on the API and an
# ingest running, p99 483 ms at the lowest priority against 577-783 ms at the same priority as the server).
NICENESS = 19


def lower_priority(niceness: int) -> None:
    """Lower this process's CPU priority by `niceness` (where the system allows it)."""
    if niceness > 0:
        try:
            os.nice(niceness)
        except (AttributeError, OSError):
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest Ofsted letters and reports (PDF, text, Markdown, HTML, Word) into an index. "
        "Unchanged files are skipped; changed files replace their old version.",
        epilog="Exit status: 0 all files ingested or unchanged; 1 some files failed; 2 every file failed "
        "or the index could not be opened.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    parser.add_argument("--index", default=None,
                        help=f"index folder or postgresql:// address (default: {default_index_dir()})")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--runtime", choices=["onnx-int8", "torch"], default="onnx-int8",
                        help="how a new index runs the embedding model: int8 ONNX (default, faster) or the fp32 "
                        "weights; an existing index keeps the one it was built with")
    parser.add_argument("--max-file-mb", type=float, default=Settings.max_file_bytes / 1e6, metavar="MB",
                        help="files larger than this are refused (default %(default).0f)")
    parser.add_argument("--batch", type=int, default=Settings.write_batch_documents, metavar="N",
                        help="documents stored per index write (default %(default)s): a crash loses at most N")
    parser.add_argument("--niceness", type=int, default=NICENESS, metavar="N",
                        help="lower this process's CPU priority by N (default %(default)s): a server answering on "
                        "the same machine keeps its speed, and on an idle machine nothing changes; 0 keeps it")
    args = parser.parse_args(argv)

    from index.index import Index
    from ingest.pipeline import ingest

    lower_priority(args.niceness)

    folder = args.index or default_index_dir()
    try:
        with Index.open(folder, Settings(embedding_runtime=args.runtime, write_batch_documents=max(1, args.batch),
                                  max_file_bytes=int(args.max_file_mb * 1e6)), create=True,
                        rebuild_vectors=True) as index:
            report = ingest(args.paths, index, progress=not args.quiet)
    except (IndexError_, InvalidSettings) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path, reason in report.failed:
        print(f"failed: {path}: {reason}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
