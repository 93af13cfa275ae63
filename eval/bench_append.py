"""python -m eval.bench_append: what adding one letter costs a folder index, small and national-sized.

For each size N (default 10,000 and 1,000,000 chunks) it builds an embedded index
(`index.embedded.EmbeddedIndex`: SQLite with FTS5, and FAISS vector files) of N synthetic chunks, in
letters of 40 chunks each. Each chunk has a short Ofsted-like text and a vector from
`eval.scale_measure.make_corpus` (a few thousand clusters of unit 384-dim vectors plus noise,
normalised, fitted to real MiniLM vectors of the letters). Indexes up to DIRECT_ABOVE chunks are
written through `EmbeddedIndex.write`, 16 letters a write as ingest batches them, then compacted;
larger ones are built directly, for speed: their rows go in through the index's own SQL helpers (FTS5
filled by its triggers), their vectors into one `VectorStore` compacted once (HNSW past 100,000) and
saved as the base, named in the settings as a write names it. Either way the index then holds one
base file and no segments.

Then it adds ONE new letter (40 chunks with their vectors) --repeats times to each index, each
through `EmbeddedIndex.write` inside `writing()` (the embedding model is loaded first and not timed;
nothing is embedded: the vectors come with the letter), taking the sizes in turns so that each meets
the disk as the others do, after writing every dirty page out (`os.sync`) so that the builds' own
writes do not slow the adds' fsyncs. For each size it reports the median of:

* the wall time of an add, and the CPU time of the process during it (the wall time is mostly
  waiting for fsync: the segment, the folder, SQLite's commit; it varies with the disk's other work);
* the bytes the process wrote during it: the `wchar` delta of /proc/self/io (SQLite's pages and WAL,
  the vector segment, the lock file: everything, whether or not it reached the disk yet);
* the size of the files that are new in the folder after it (the add's segment).

It also times opening the index (loading the base and comparing vectors with rows), a reader's
`refresh()` after each add (reading only the new segment), opening again with the segments, and a
compaction (`EmbeddedIndex.compact`: the delta merged into the base, the base saved whole, as every
write did before segments), with the bytes that writes. Prints a table; --json writes every figure.

    python -m eval.bench_append                                   # 10,000 and 1,000,000 chunks
    python -m eval.bench_append --sizes 10000 --repeats 3 --json append.json
    python -m eval.bench_append --folder var/bench-append         # keep the indexes there
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from eval.scale_measure import DIM, make_corpus

CHUNKS_PER_LETTER = 40
LETTERS_PER_WRITE = 16  # ingest's default batch (Settings.write_batch_documents)
DIRECT_ABOVE = 100_000  # larger indexes are built by writing rows and vectors directly
COUNCILS = ("Kent", "Leeds", "Norfolk", "Cornwall", "Barnet", "Bristol", "Camden", "Derby", "Essex", "Halton")
SUBJECTS = ("Social workers", "Personal advisers", "Managers", "Leaders", "Independent reviewing officers",
            "Team managers", "Foster carers", "Senior leaders", "Practitioners", "The local authority")
VERBS = ("know children well and", "have improved how they", "do not consistently", "are beginning to",
         "now regularly", "are supported to", "have not yet been able to", "effectively")
OBJECTS = ("visit children in line with their plans", "record the rationale for decisions",
           "review care plans in a timely way", "oversee practice and challenge drift",
           "listen to what children say", "plan for permanence at the earliest opportunity",
           "keep caseloads manageable", "share information with partner agencies")
SECTIONS = ("Headline findings", "What needs to improve", "Help and protection", "Children in care",
            "Care leavers", "Leadership and management")


@dataclass(frozen=True)
class Add:
    """One letter added: how long it took and what it wrote."""

    seconds: float
    cpu_seconds: float
    wchar_bytes: int  # written by this process during the add (/proc/self/io)
    new_file_bytes: int  # size of the files new in the folder afterwards
    new_files: tuple[str, ...]
    refresh_seconds: float  # a reader taking the add in


@dataclass(frozen=True)
class SizeResult:
    chunks: int
    built: str  # "write" or "direct"
    build_seconds: float
    base_bytes: int  # the base vector file: what every write rewrote before segments
    open_seconds: float
    adds: tuple[Add, ...]
    reopen_seconds: float  # opening with the adds' segments to replay
    compact_seconds: float
    compact_wchar_bytes: int
    refresh_after_compact_seconds: float  # a reader loading the new base whole

    @property
    def median_seconds(self) -> float:
        return statistics.median(a.seconds for a in self.adds)

    @property
    def median_cpu_seconds(self) -> float:
        return statistics.median(a.cpu_seconds for a in self.adds)

    @property
    def median_wchar(self) -> float:
        return statistics.median(a.wchar_bytes for a in self.adds)

    @property
    def median_new_file_bytes(self) -> float:
        return statistics.median(a.new_file_bytes for a in self.adds)


# --- synthetic letters -----------------------------------------------------------------------------


def chunk_text(rng: np.random.Generator) -> str:
    """Two or three sentences of the kind the letters are made of (~30 words)."""
    return " ".join(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
                    for _ in range(int(rng.integers(2, 4))))


def make_letter(n: int, rng: np.random.Generator, tag: str = "") -> tuple:
    """(document, chunks) of synthetic letter `n`: CHUNKS_PER_LETTER chunks, its text their texts joined."""
    from ingest.models import Chunk, Document, Metadata

    doc_id = f"letter-{tag}{n:07d}"
    texts = [chunk_text(rng) for _ in range(CHUNKS_PER_LETTER)]
    chunks, at = [], 0
    for i, text in enumerate(texts):
        chunks.append(Chunk(f"{doc_id}#{i}", doc_id, i, text, at, at + len(text), SECTIONS[i % len(SECTIONS)],
                            len(text.split())))
        at += len(text) + 2
    year = 2015 + n % 10
    meta = Metadata(local_authority=COUNCILS[n % len(COUNCILS)], doc_type="monitoring_visit", visit_number=1 + n % 8,
                    date=f"{year}-0{1 + n % 9}-1{n % 10}", date_basis="stated", source_kind="official",
                    title=f"Monitoring visit to {COUNCILS[n % len(COUNCILS)]} children's services")
    document = Document(doc_id, f"synthetic/{doc_id}.txt", f"{n:064x}", "\n\n".join(texts), meta, pages=4)
    return document, chunks


# --- measuring -------------------------------------------------------------------------------------


def wchar() -> int:
    """Bytes this process has written so far, by its own count (/proc/self/io)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/io has no wchar")


@contextmanager
def timed() -> Iterator[list[float]]:
    """Yields a list that holds the elapsed seconds and this process's CPU seconds once the block ends."""
    out: list[float] = []
    t, cpu = time.perf_counter(), time.process_time()
    yield out
    out += [time.perf_counter() - t, time.process_time() - cpu]


def files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}


# --- building --------------------------------------------------------------------------------------


def build_by_writing(folder: Path, n: int, vectors: np.ndarray, rng: np.random.Generator) -> None:
    """The index written as ingest writes it, LETTERS_PER_WRITE letters at a time, then compacted."""
    from index.embedded import EmbeddedIndex
    from ofsted_qa.settings import Settings

    with EmbeddedIndex.open(folder, Settings(), create=True) as index, index.writing():
        letters = n // CHUNKS_PER_LETTER
        for start in range(0, letters, LETTERS_PER_WRITE):
            batch = []
            for i in range(start, min(letters, start + LETTERS_PER_WRITE)):
                doc, chunks = make_letter(i, rng)
                batch.append((doc, chunks, vectors[i * CHUNKS_PER_LETTER:(i + 1) * CHUNKS_PER_LETTER]))
            index.write(batch, {})
        index.compact()


def build_directly(folder: Path, n: int, vectors: np.ndarray, rng: np.random.Generator, log) -> None:
    """The rows inserted with the index's SQL helpers and the vectors saved as one base, named as a write would."""
    from index import store
    from index.embedded import EmbeddedIndex
    from index.vectors import VectorStore
    from ofsted_qa.settings import Settings

    with EmbeddedIndex.open(folder, Settings(), create=True) as index, index.writing():
        conn = index.conn
        rowids: list[int] = []
        letters = n // CHUNKS_PER_LETTER
        for start in range(0, letters, 1000):
            conn.execute("BEGIN")
            for i in range(start, min(letters, start + 1000)):
                doc, chunks = make_letter(i, rng)
                store.insert_document(conn, doc, "bench")
                rowids += store.insert_chunks(conn, chunks)
            conn.execute("COMMIT")
            if start % 5000 == 0:
                log(f"    rows: {start * CHUNKS_PER_LETTER:,} chunks")
        log(f"    vectors: building the base of {n:,}")
        vectors_store = VectorStore(DIM)
        vectors_store.add(rowids, vectors)
        vectors_store.compact()
        name = "vectors-000001.faiss"
        vectors_store.save(folder / name)
        store.write_settings(conn, {"dim": DIM, "vectors_file": name, "vector_segments": [], "vectors_generation": 1})


# --- one size --------------------------------------------------------------------------------------


class Bench:
    """An index of `n` chunks, built and open to adds: its writer, and a reader in this same process."""

    def __init__(self, n: int, folder: Path, repeats: int, log):
        from index.embedded import EmbeddedIndex

        self.n, self.folder, self.log = n, folder, log
        self.rng = np.random.default_rng(n)
        log(f"{n:,} chunks: making vectors")
        vectors = make_corpus(n + repeats * CHUNKS_PER_LETTER, seed=n)
        self.extra, vectors = vectors[n:], vectors[:n]
        self.built = "write" if n <= DIRECT_ABOVE else "direct"
        log(f"  building ({self.built}) in {folder}")
        with timed() as build:
            if self.built == "write":
                build_by_writing(folder, n, vectors, self.rng)
            else:
                build_directly(folder, n, vectors, self.rng, log)
        del vectors
        gc.collect()
        self.build_seconds = build[0]
        self.base_bytes = next(folder.glob("vectors*.faiss")).stat().st_size
        log(f"  built in {build[0]:.0f} s; base {self.base_bytes / 2**20:,.0f} MiB")
        with timed() as opening:
            self.writer = EmbeddedIndex.open(folder)
        assert self.writer.consistency is not None and self.writer.consistency.ok and self.writer.vectors is not None
        self.open_seconds = opening[0]
        log(f"  open {opening[0]:.2f} s ({self.writer.vectors.kind}, {len(self.writer.vectors):,} vectors)")
        self.reader = EmbeddedIndex.open(folder)
        self.writer.embedder  # noqa: B018 - the model loads before any add is timed
        self.adds: list[Add] = []

    def add(self, r: int) -> None:
        """Add letter `r` through the writer, then let the reader take it in."""
        doc, chunks = make_letter(r, self.rng, tag="new-")
        letter = (doc, chunks, self.extra[r * CHUNKS_PER_LETTER:(r + 1) * CHUNKS_PER_LETTER])
        before = files(self.folder)
        written = wchar()
        with timed() as took, self.writer.writing():
            self.writer.write([letter], {})
        wrote = wchar() - written
        new = {name: size for name, size in files(self.folder).items() if name not in before}
        with timed() as refresh:
            assert self.reader.refresh()
        self.adds.append(Add(took[0], took[1], wrote, sum(new.values()), tuple(sorted(new)), refresh[0]))
        self.log(f"  {self.n:,}: add {r + 1}: {took[0] * 1000:.1f} ms (CPU {took[1] * 1000:.1f} ms), "
                 f"wrote {wrote / 1024:,.0f} KiB, new files "
                 f"{', '.join(f'{k} ({v / 1024:,.0f} KiB)' for k, v in new.items())}; "
                 f"reader refresh {refresh[0] * 1000:.1f} ms")

    def finish(self) -> SizeResult:
        """Open again with the adds' segments, compact, let the reader load the new base; the figures."""
        from index.embedded import EmbeddedIndex

        assert self.reader.check().ok and self.reader.vector_files == self.writer.vector_files
        with timed() as reopening:
            EmbeddedIndex.open(self.folder).close()
        self.log(f"  {self.n:,}: open with {len(self.writer.vector_files) - 1} segments {reopening[0]:.2f} s")
        written = wchar()
        with timed() as compacting, self.writer.writing():
            self.writer.compact()
        compact_wchar = wchar() - written
        self.log(f"  {self.n:,}: compaction {compacting[0]:.2f} s, wrote {compact_wchar / 2**20:,.0f} MiB")
        with timed() as reloading:
            assert self.reader.refresh()
        self.log(f"  {self.n:,}: reader refresh after the compaction (whole base) {reloading[0]:.2f} s")
        self.reader.close()
        self.writer.close()
        return SizeResult(self.n, self.built, self.build_seconds, self.base_bytes, self.open_seconds,
                          tuple(self.adds), reopening[0], compacting[0], compact_wchar, reloading[0])


# --- reporting -------------------------------------------------------------------------------------


def table(results: list[SizeResult]) -> str:
    rows = [f"{'chunks':>10}  {'add ms':>7}  {'CPU ms':>7}  {'wrote KiB':>10}  {'new files KiB':>13}  "
            f"{'refresh ms':>10}  {'base MiB':>9}  {'open s':>7}  {'reopen s':>8}  {'compact s':>9}"]
    for r in results:
        rows.append(f"{r.chunks:>10,}  {r.median_seconds * 1000:>7.1f}  {r.median_cpu_seconds * 1000:>7.1f}  "
                    f"{r.median_wchar / 1024:>10,.0f}  {r.median_new_file_bytes / 1024:>13,.0f}  "
                    f"{statistics.median(a.refresh_seconds for a in r.adds) * 1000:>10.1f}  "
                    f"{r.base_bytes / 2**20:>9,.0f}  {r.open_seconds:>7.2f}  {r.reopen_seconds:>8.2f}  "
                    f"{r.compact_seconds:>9.2f}")
    rows.append("(medians over the adds; reopen: opening with their segments to replay)")
    if len(results) > 1:
        small, large = min(results, key=lambda r: r.chunks), max(results, key=lambda r: r.chunks)
        rows.append(f"{large.chunks:,} / {small.chunks:,}: time x{large.median_seconds / small.median_seconds:.2f}, "
                    f"CPU x{large.median_cpu_seconds / small.median_cpu_seconds:.2f}, "
                    f"bytes written x{large.median_wchar / small.median_wchar:.2f}, "
                    f"new files x{large.median_new_file_bytes / small.median_new_file_bytes:.2f}")
    return "\n".join(rows)


def as_json(results: list[SizeResult]) -> list[dict]:
    return [{**asdict(r), "median_seconds": r.median_seconds, "median_cpu_seconds": r.median_cpu_seconds,
             "median_wchar_bytes": r.median_wchar,
             "median_new_file_bytes": r.median_new_file_bytes} for r in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_append", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000], metavar="N",
                        help="index sizes in chunks (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=5, help="letters added to each index (default %(default)s)")
    parser.add_argument("--folder", type=Path, help="build the indexes under this folder and keep them "
                        "(default: a temporary folder, removed at the end)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every figure here")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    root = args.folder or Path(tempfile.mkdtemp(prefix="bench-append-"))
    try:
        benches = []
        for n in args.sizes:
            folder = root / f"index-{n}"
            if folder.exists():
                shutil.rmtree(folder)
            benches.append(Bench(n, folder, args.repeats, log))
        os.sync()  # the builds' writes out of the way of the adds' fsyncs
        for r in range(args.repeats):  # in turns, so that every size meets the same disk
            for bench in benches:
                bench.add(r)
        results = [bench.finish() for bench in benches]
    finally:
        if args.folder is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
