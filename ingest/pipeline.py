"""Files -> cleaned documents -> chunks -> vectors in the index, skipping files already ingested."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.abbreviations import find_abbreviations
from ingest.chunking import chunk_document
from ingest.clean import clean_text
from ingest.duplicates import resolve
from ingest.errors import IngestError
from ingest.judgements import find_judgements, find_outcome
from ingest.metadata import find_metadata
from ingest.models import Document
from ingest.readers import SUPPORTED, file_sha256, read_file
from ingest.sentences import split_sentences

# Raised whenever cleaning, metadata or chunking changes what a file becomes, so re-ingest redoes it.
PIPELINE_VERSION = "4"


@dataclass
class IngestReport:
    """What one run did with each file."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every file ingested or unchanged; 1: some failed; 2: all failed."""
        if not self.failed:
            return 0
        return 2 if not (self.ingested or self.unchanged) else 1

    def summary(self) -> str:
        return (
            f"{len(self.ingested)} ingested, {len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.chunks} chunks, {self.seconds:.1f} s)"
        )


def collect_files(paths: Iterable[Path | str], report: IngestReport) -> list[Path]:
    """Files named or found under folders; explicitly named unsupported files are reported as failed."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith(".")
            )
        elif path.is_file():
            files.append(path)
        else:
            report.failed.append((str(path), "no such file or folder"))
    seen: set[str] = set()
    unique = []
    for f in files:
        if f.stem in seen:
            report.failed.append((str(f), f"another file with the id {f.stem!r} is in this run"))
            continue
        seen.add(f.stem)
        unique.append(f)
    return unique


def prepare(path: Path, sha256: str, max_bytes: int) -> Document:
    """Read, clean and describe one file."""
    raw = read_file(path, max_bytes=max_bytes)
    text = clean_text(raw.text, raw.format)
    if not text.strip():
        raise IngestError(f"{path.name}: no text left after cleaning")
    meta = find_metadata(raw.text)
    outcome = find_outcome(text) if meta.doc_type == "area_send" and meta.source_kind == "official" else None
    meta = replace(meta, judgements=find_judgements(text), outcome=outcome)
    return Document(doc_id=path.stem, path=str(path), sha256=sha256, text=text, meta=meta, pages=raw.pages)


def ingest(
    paths: Iterable[Path | str],
    index,
    progress: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Ingest files into `index` (an open `index.Index`); unchanged files do no work."""
    started = time.perf_counter()
    report = IngestReport()
    settings = index.settings
    files = collect_files(paths, report)
    bar = _progress_bar(len(files)) if progress and len(files) > 1 else None
    pending: list[tuple[Document, list]] = []
    abbreviations: dict[str, list[tuple[str, str]]] = {}

    def flush() -> None:
        if pending:
            index.write(embed(index.embedder, pending, settings.embed_batch_size), abbreviations, PIPELINE_VERSION)
            pending.clear()

    with index.writing():
        index.repair()  # finish what an interrupted run left undone
        for n, path in enumerate(files, 1):
            if on_progress:
                on_progress(n, len(files), path.name)
            try:
                sha = file_sha256(path)
                if index.document_state(path.stem) == (sha, PIPELINE_VERSION):
                    report.unchanged.append(str(path))
                    continue
                doc = prepare(path, sha, settings.max_file_bytes)
                chunks = chunk_document(doc, settings, fits=index.embedder.fits)
            except (IngestError, OSError) as e:
                report.failed.append((str(path), _reason(e, path)))
                continue
            except Exception as e:  # one bad file must never stop the run
                report.failed.append((str(path), f"{type(e).__name__}: {e}"))
                continue
            finally:
                if bar:
                    bar.update(1)
            abbreviations[doc.doc_id] = [(a, e.lower()) for a, e in find_abbreviations(doc.text)]
            pending.append((doc, chunks))
            report.ingested.append(str(path))
            report.chunks += len(chunks)
            if len(pending) >= settings.write_batch_documents:
                flush()
        flush()
        if report.ingested:
            _mark_duplicates(index)
    if bar:
        bar.close()
    report.seconds = time.perf_counter() - started
    return report


def embed(embedder, documents: list[tuple[Document, list]], batch_size: int) -> list[tuple]:
    """(document, chunks, chunk vectors, sentence spans and vectors) for documents and their chunks.

    The chunks of all the documents are embedded together, so batches group texts of like length.
    """
    chunks = [c for _, doc_chunks in documents for c in doc_chunks]
    spans = [split_sentences(c.text) for c in chunks]
    vectors, sentence_vectors = embedder.embed_with_spans([c.text for c in chunks], spans, batch_size)
    out, at = [], 0
    for doc, doc_chunks in documents:
        n = len(doc_chunks)
        sentences = [(spans[i], sentence_vectors[i]) for i in range(at, at + n)]
        out.append((doc, doc_chunks, vectors[at:at + n], sentences))
        at += n
    return out


def _mark_duplicates(index) -> None:
    docs = {d.doc_id: d for d in index.documents()}
    for doc_id, duplicate_of in resolve(list(docs.values())).items():
        if docs[doc_id].duplicate_of != duplicate_of:
            index.set_duplicate(doc_id, duplicate_of)


def _reason(error: Exception, path: Path) -> str:
    text = str(error)
    prefix = f"{path.name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr, desc="ingest")
