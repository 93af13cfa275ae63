"""Score metadata found in documents' text against a manifest of known facts about them.

    python -m eval.manifest_check FOLDER --manifest PATH [--limit N]

FOLDER holds the documents (PDFs and anything else `read_file` reads), named by doc_id.
`score_metadata` is the pure part: predictions and a manifest in, accuracy and mismatches out.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, is_dataclass
from pathlib import Path

from ingest.authorities import canonical_authority
from ingest.dates import parse_span
from ingest.models import DOC_TYPE_ALIASES

MANIFEST_DOC_TYPES = DOC_TYPE_ALIASES  # manifest doc types -> ours
FIELDS = ("local_authority", "doc_type", "date", "visit_dates")


def normalise_name(name: str | None) -> str:
    """Comparable council name: canonical if known, then lower case, '&' as 'and', no punctuation.

    normalise_name("bournemouth, christchurch & poole") -> "bournemouth christchurch and poole"
    """
    if not name:
        return ""
    name = canonical_authority(name) or name
    name = name.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def manifest_visit_span(text: str) -> tuple[str, str] | None:
    """First and last ISO day of the manifest's free-text visit dates; None if empty or unreadable.

    manifest_visit_span("16 January 2017 – 9 February 2017") -> ("2017-01-16", "2017-02-09")
    """
    dates = parse_span(text or "")
    return (dates[0], dates[-1]) if dates else None


def read_manifest(path: Path | str) -> dict[str, dict]:
    """Manifest rows keyed by doc_id."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["doc_id"]: row for row in csv.DictReader(f)}


def _as_dict(meta) -> dict:
    return asdict(meta) if is_dataclass(meta) and not isinstance(meta, type) else dict(meta)


def score_metadata(predicted: dict, manifest_path: Path | str) -> dict:
    """Per-field accuracy of `{doc_id: Metadata or dict}` against the manifest, with every mismatch.

    Visit dates are compared as (first day, last day) and only where the manifest gives them; the
    date is compared with the manifest's publication_date, and also broken down by expected doc type
    because some kinds of report carry no date of their own. Documents in the manifest but not
    predicted are listed under "missing" and not scored.

    score_metadata({"a": {"doc_type": "jtai", ...}}, "manifest.csv")["fields"]["doc_type"]["accuracy"] -> 1.0
    """
    manifest = read_manifest(manifest_path)
    tallies: dict[str, Counter[str]] = {field: Counter() for field in FIELDS}
    date_by_type: dict[str, Counter] = {}
    mismatches = []
    unscored = []
    for doc_id in sorted(predicted):
        row = manifest.get(doc_id)
        if row is None:
            unscored.append(doc_id)
            continue
        meta = _as_dict(predicted[doc_id])
        expected_type = MANIFEST_DOC_TYPES.get(row.get("doc_type", ""), "other")
        got_visit = tuple(meta.get("visit_dates") or ())
        checks = {
            "local_authority": (normalise_name(meta.get("local_authority")),
                                normalise_name(row.get("local_authority"))),
            "doc_type": (meta.get("doc_type"), expected_type),
            "date": (meta.get("date"), row.get("publication_date") or None),
            "visit_dates": (
                (got_visit[0], got_visit[-1]) if got_visit else None,
                manifest_visit_span(row.get("visit_or_inspection_dates", "")),
            ),
        }
        if checks["visit_dates"][1] is None:
            checks.pop("visit_dates")  # nothing to compare against
        for field, (got, want) in checks.items():
            ok = got == want
            tallies[field]["correct" if ok else "wrong"] += 1
            if field == "date":
                outcome = "correct" if ok else ("none" if got is None else "wrong")
                date_by_type.setdefault(expected_type, Counter())[outcome] += 1
            if not ok:
                mismatches.append({"doc_id": doc_id, "field": field, "predicted": got, "expected": want})
    fields = {}
    for field, tally in tallies.items():
        total = tally["correct"] + tally["wrong"]
        fields[field] = {"correct": tally["correct"], "total": total,
                         "accuracy": tally["correct"] / total if total else None}
    by_type = {
        t: {"correct": c["correct"], "none": c["none"], "wrong": c["wrong"], "total": sum(c.values())}
        for t, c in sorted(date_by_type.items())
    }
    return {
        "n": sum(1 for d in predicted if d in manifest),
        "fields": fields,
        "date_by_doc_type": by_type,
        "mismatches": mismatches,
        "missing": sorted(set(manifest) - set(predicted)),
        "unknown": unscored,
    }


def predict_folder(folder: Path, limit: int | None = None) -> tuple[dict, float]:
    """Run `find_metadata` on every readable document in a folder; returns predictions and seconds spent."""
    from ingest.errors import ReadError
    from ingest.metadata import find_metadata
    from ingest.readers import SUPPORTED, read_file

    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in SUPPORTED)[:limit]
    predicted, spent = {}, 0.0
    for path in paths:
        try:
            text = read_file(path).text
        except ReadError as e:
            print(f"skipped {e}", file=sys.stderr)
            continue
        start = time.perf_counter()
        predicted[path.stem] = find_metadata(text)
        spent += time.perf_counter() - start
    return predicted, spent


def format_report(score: dict, seconds: float | None = None) -> str:
    """The score as lines of text for people."""
    timing = f" in {seconds:.2f}s of find_metadata" if seconds is not None else ""
    lines = [f"documents scored: {score['n']}" + timing]
    for field, s in score["fields"].items():
        acc = f"{s['accuracy']:.1%}" if s["accuracy"] is not None else "n/a"
        lines.append(f"  {field:16} {acc:>7}  ({s['correct']}/{s['total']})")
    lines.append("date by expected doc type (correct / none / wrong of total):")
    for t, c in score["date_by_doc_type"].items():
        lines.append(f"  {t:18} {c['correct']:>4} / {c['none']:>4} / {c['wrong']:>4} of {c['total']}")
    if score["missing"]:
        lines.append(f"in the manifest but not predicted: {len(score['missing'])}")
    if score["unknown"]:
        lines.append(f"predicted but not in the manifest: {', '.join(score['unknown'])}")
    lines.append(f"mismatches ({len(score['mismatches'])}):")
    for m in score["mismatches"]:
        lines.append(f"  {m['doc_id']:55} {m['field']:16} got {m['predicted']!r} want {m['expected']!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    predicted, seconds = predict_folder(args.folder, args.limit)
    print(format_report(score_metadata(predicted, args.manifest), seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
