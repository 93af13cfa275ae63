"""A synthetic national corpus for the backend benchmark, made from real passages and their vectors.

Each synthetic chunk starts from a real passage of an indexed Ofsted letter (`Source`): its text with
one sentence swapped for a sentence of another passage of the same kind of document, so no two chunks
read alike, and its stored MiniLM vector plus Gaussian noise, normalised. With NOISE_SIGMA = 0.025 per
dimension a chunk's vector has cosine ~0.90 to its passage's and ~0.81 to another chunk made from the
same passage, about the cosine of a real passage to its nearest neighbour among real ones (0.81 median
over the 8,519 passages of the development index): neighbourhoods stay about as tight as real ones.

Documents have 30-40 chunks each, taken in order from one real document of the same kind (a
monitoring visit from a focused visit letter, which it resembles), a council among COUNCILS (invented
names, Zipf-like shares: the largest ~6% of chunks, the median ~0.5%), a kind in DOC_TYPE_SHARES (a
tenth of them press articles about one), a date between 2017 and mid-2026 with visit days two to eight
weeks before it. Everything follows from the seed: `vectors(plan, source, a, b)` gives the same
vectors for chunks a..b whenever it is asked, so the benchmark never holds a million of them at once.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ingest.models import Chunk, Document, Metadata

DIM = 384
NOISE_SIGMA = 0.025
CHUNKS_PER_DOC = (30, 40)  # inclusive
COUNCIL_COUNT = 150
COUNCIL_ZIPF = 0.6  # council i's share goes as 1 / (i + 1) ** 0.6
DOC_TYPE_SHARES = {
    "focused_visit": 0.27, "ilacs_inspection": 0.25, "monitoring_visit": 0.16, "jtai": 0.12,
    "area_send": 0.12, "sif_inspection": 0.08,
}
PRESS_SHARE = 0.10
TEXTS_LIKE = {"monitoring_visit": "focused_visit"}  # a kind the real index lacks -> the kind whose texts it borrows
FIRST_DAY, LAST_DAY = date(2017, 1, 1), date(2026, 6, 30)
_PREFIXES = ("Ash", "Brack", "Calder", "Dun", "Elm", "Fern", "Glen", "Hart", "Ivy", "Kings", "Lark", "Marl",
             "North", "Oak", "Pen", "Queens", "Rother", "Stan", "Thorn", "Wex")
_SUFFIXES = ("bury", "ford", "ham", "ley", "mouth", "wick", "field", "stead")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'\"(])")


@dataclass(frozen=True)
class Source:
    """Real passages with their stored vectors, grouped by document."""

    texts: tuple[str, ...]
    sections: tuple[str | None, ...]
    tokens: tuple[int, ...]
    doc_types: tuple[str, ...]  # of each passage's document
    documents: tuple[tuple[int, ...], ...]  # passage positions of each real document, in order
    vectors: np.ndarray  # (passages, DIM) float32, unit length


@dataclass(frozen=True)
class Plan:
    """Every synthetic document's metadata and where each of its chunks comes from."""

    seed: int
    councils: tuple[str, ...]
    doc_council: np.ndarray  # council position of each document
    doc_type: np.ndarray  # position in DOC_TYPES
    doc_press: np.ndarray  # bool
    doc_day: np.ndarray  # days after FIRST_DAY
    doc_visit: np.ndarray  # monitoring visit number, 0 for others
    first: np.ndarray  # (documents + 1,) first chunk of each document; first[-1] is the chunk count
    base: np.ndarray  # (chunks,) the passage each chunk starts from
    donor: np.ndarray  # (chunks,) the passage lending it a sentence

    @property
    def chunks(self) -> int:
        return int(self.first[-1])

    @property
    def documents(self) -> int:
        return len(self.first) - 1


DOC_TYPES = tuple(DOC_TYPE_SHARES)


def council_names(count: int = COUNCIL_COUNT) -> tuple[str, ...]:
    """Invented council names: 'Ashbury', 'Ashford', ... then 'Ashbury Vale' when the pairs run out."""
    pairs = [p + s for p in _PREFIXES for s in _SUFFIXES]
    names = pairs + [f"{n} Vale" for n in pairs]
    return tuple(names[:count])


def read_source(folder: Path | str) -> Source:
    """The passages of the embedded index in `folder`, read without changing it, and their vectors."""
    folder = Path(folder)
    conn = sqlite3.connect(f"file:{folder / 'index.sqlite'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT c.id, c.text, c.section, c.n_tokens, d.doc_type, c.doc_id FROM chunks c "
                            "JOIN documents d ON d.doc_id = c.doc_id WHERE d.duplicate_of IS NULL "
                            "ORDER BY c.doc_id, c.ordinal").fetchall()
        settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    finally:
        conn.close()
    vectors = _stored_vectors(folder, settings, [r[0] for r in rows], [r[1] for r in rows])
    documents: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        documents.setdefault(row[5], []).append(n)
    return Source(tuple(r[1] for r in rows), tuple(r[2] for r in rows), tuple(int(r[3]) for r in rows),
                  tuple(r[4] for r in rows), tuple(tuple(d) for d in documents.values()), vectors)


def _stored_vectors(folder: Path, settings: dict, ids: list[int], texts: list[str]) -> np.ndarray:
    """The index's own vectors of `ids`; the texts embedded again if its vector file cannot be read."""
    import json

    from index.errors import IndexError_
    from index.vectors import VectorStore

    name = json.loads(settings.get("vectors_file", '"vectors.faiss"'))
    try:
        found = VectorStore.load(folder / name, DIM, missing_ok=False).vectors(ids)
    except (IndexError_, KeyError, OSError):
        from index.embedder import load_embedder

        runtime = json.loads(settings.get("embedding_runtime", '"onnx-int8"'))
        found = load_embedder(json.loads(settings["embedding_model"]), runtime).embed(texts)
    return np.ascontiguousarray(found, dtype=np.float32)


def make_plan(source: Source, chunks: int, seed: int = 0) -> Plan:
    """Documents of 30-40 chunks until `chunks` are planned (the last one shorter)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(CHUNKS_PER_DOC[0], CHUNKS_PER_DOC[1] + 1, size=chunks // CHUNKS_PER_DOC[0] + 1)
    first = np.concatenate([[0], np.cumsum(sizes)])
    n_docs = int(np.searchsorted(first, chunks))
    first = first[: n_docs + 1].copy()
    first[-1] = chunks
    councils = council_names()
    shares = 1.0 / (1.0 + np.arange(len(councils))) ** COUNCIL_ZIPF
    doc_council = rng.choice(len(councils), size=n_docs, p=shares / shares.sum())
    doc_type = rng.choice(len(DOC_TYPES), size=n_docs, p=list(DOC_TYPE_SHARES.values()))
    doc_press = rng.random(n_docs) < PRESS_SHARE
    doc_day = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, size=n_docs)
    is_visit = doc_type == DOC_TYPES.index("monitoring_visit")
    doc_visit = np.where(is_visit, rng.integers(1, 9, size=n_docs), 0)
    base = np.empty(chunks, dtype=np.int32)
    donor = np.empty(chunks, dtype=np.int32)
    by_type = _documents_by_type(source)
    for d in range(n_docs):
        kind = DOC_TYPES[doc_type[d]]
        pool = by_type.get(TEXTS_LIKE.get(kind, kind)) or [p for ps in by_type.values() for p in ps]
        real = pool[rng.integers(len(pool))]
        a, b = int(first[d]), int(first[d + 1])
        start = rng.integers(len(real))
        base[a:b] = [real[(start + i) % len(real)] for i in range(b - a)]
        other = pool[rng.integers(len(pool))]
        donor[a:b] = rng.choice(other, size=b - a)
    return Plan(seed, councils, doc_council, doc_type, doc_press, doc_day, doc_visit, first, base, donor)


def _documents_by_type(source: Source) -> dict[str, list[tuple[int, ...]]]:
    by_type: dict[str, list[tuple[int, ...]]] = {}
    for doc in source.documents:
        by_type.setdefault(source.doc_types[doc[0]], []).append(doc)
    return by_type


def vectors(plan: Plan, source: Source, start_doc: int, stop_doc: int) -> np.ndarray:
    """The chunk vectors of documents start_doc..stop_doc (float32, unit), the same on every call."""
    a, b = int(plan.first[start_doc]), int(plan.first[stop_doc])
    out = source.vectors[plan.base[a:b]].astype(np.float32)
    for d in range(start_doc, stop_doc):
        lo, hi = int(plan.first[d]) - a, int(plan.first[d + 1]) - a
        rng = np.random.default_rng((plan.seed, d))
        out[lo:hi] += rng.standard_normal((hi - lo, DIM), dtype=np.float32) * np.float32(NOISE_SIGMA)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def doc_id(d: int) -> str:
    return f"bench-{d:07d}"


def position(plan: Plan, chunk_id: str) -> int:
    """The chunk's position in the plan: 'bench-0000012:0003' -> first[12] + 3."""
    doc, ordinal = chunk_id.removeprefix("bench-").split(":")
    return int(plan.first[int(doc)]) + int(ordinal)


def metadata(plan: Plan, d: int) -> Metadata:
    """Document d's council, kind, date and visit days."""
    kind = DOC_TYPES[plan.doc_type[d]]
    day = FIRST_DAY + timedelta(days=int(plan.doc_day[d]))
    council = plan.councils[plan.doc_council[d]]
    press = bool(plan.doc_press[d])
    rng = np.random.default_rng((plan.seed, d, 1))
    last = day - timedelta(days=int(rng.integers(14, 57)))
    visit = (last - timedelta(days=int(rng.integers(1, 5))), last)
    number = int(plan.doc_visit[d]) or None
    title = (f"{council}: local press on Ofsted's {kind.replace('_', ' ')}" if press
             else f"{kind.replace('_', ' ').capitalize()} of {council} — {day.isoformat()}")
    return Metadata(local_authority=council, doc_type=kind, visit_number=number, date=day.isoformat(),
                    date_basis="stated", visit_dates=tuple(v.isoformat() for v in visit),
                    source_kind="press" if press else "official", title=title)


def chunk_text(source: Source, base: int, donor: int, salt: int) -> str:
    """The passage `base` with one of its sentences replaced by one of `donor`'s (added after a passage of
    one sentence)."""
    ours, theirs = sentences(source.texts[base]), sentences(source.texts[donor])
    if len(ours) == 1:
        ours.append(theirs[salt % len(theirs)])
    else:
        ours[salt % len(ours)] = theirs[salt % len(theirs)]
    return " ".join(ours)


def sentences(text: str) -> list[str]:
    """'A b. C d.' -> ['A b.', 'C d.']"""
    return [s for s in _SENTENCE_END.split(text.strip()) if s] or [text]


def documents(plan: Plan, source: Source, start_doc: int,
              stop_doc: int) -> list[tuple[Document, list[Chunk], np.ndarray]]:
    """Documents start_doc..stop_doc as `Index.write` takes them: (document, chunks, vectors)."""
    found = vectors(plan, source, start_doc, stop_doc)
    out = []
    at = 0
    for d in range(start_doc, stop_doc):
        a, b = int(plan.first[d]), int(plan.first[d + 1])
        texts = [chunk_text(source, int(plan.base[i]), int(plan.donor[i]), i) for i in range(a, b)]
        text = "\n\n".join(texts)
        name = doc_id(d)
        chunks, offset = [], 0
        for ordinal, (i, passage) in enumerate(zip(range(a, b), texts)):
            chunks.append(Chunk(f"{name}:{ordinal:04d}", name, ordinal, passage, offset, offset + len(passage),
                                source.sections[plan.base[i]], source.tokens[plan.base[i]]))
            offset += len(passage) + 2
        sha = hashlib.sha256(text.encode()).hexdigest()
        doc = Document(name, f"synthetic/{name}.txt", sha, text, metadata(plan, d), pages=max(1, len(text) // 3000))
        out.append((doc, chunks, found[at:at + b - a]))
        at += b - a
    return out


def allowed(plan: Plan, councils: tuple[str, ...] = (), doc_types: tuple[str, ...] = (),
            date_from: str | None = None) -> np.ndarray:
    """Which chunks a filter on councils, kinds and a first day keeps (bool per chunk), as `filter_sql`
    reads it: a document stated to be dated `date` ends on that day."""
    keep = np.ones(plan.documents, dtype=bool)
    if councils:
        keep &= np.isin(plan.doc_council, [plan.councils.index(c) for c in councils])
    if doc_types:
        keep &= np.isin(plan.doc_type, [DOC_TYPES.index(t) for t in doc_types])
    if date_from:
        keep &= plan.doc_day >= (date.fromisoformat(date_from) - FIRST_DAY).days
    return np.repeat(keep, np.diff(plan.first))


def exact_top(plan: Plan, source: Source, queries: np.ndarray, masks: list[np.ndarray],
              k: int = 10, block_docs: int = 2000) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per mask, the (queries, k) positions and scores of the exact top k by inner product among the
    chunks it allows, best first (-1 and -inf past the allowed count). The vectors are made again block
    by block."""
    best = [np.full((len(queries), k), -np.inf, dtype=np.float32) for _ in masks]
    where = [np.full((len(queries), k), -1, dtype=np.int64) for _ in masks]
    for a in range(0, plan.documents, block_docs):
        b = min(plan.documents, a + block_docs)
        lo, hi = int(plan.first[a]), int(plan.first[b])
        scores = queries @ vectors(plan, source, a, b).T
        for m, mask in enumerate(masks):
            part = np.where(mask[lo:hi], scores, -np.inf)
            both = np.concatenate([best[m], part], axis=1)
            ids = np.concatenate([where[m], np.broadcast_to(np.arange(lo, hi), part.shape)], axis=1)
            pick = np.argsort(-both, axis=1, kind="stable")[:, :k]
            best[m] = np.take_along_axis(both, pick, axis=1)
            where[m] = np.where(np.isfinite(best[m]), np.take_along_axis(ids, pick, axis=1), -1)
    return list(zip(where, best))
