"""Hybrid retrieval: dense and keyword rankings, fused, within the question's scope."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from index.index import Filters, Index
from ingest.models import Document
from qa.answer_types import asks_grade
from qa.glossary import expansions
from qa.models import Hit
from qa.scope import Scope, parse_scope, spans_time, without_scope_words
from qa.terms import group_weights, keyword_phrases, term_groups
from qa.text import content_terms, tokens

RRF_K = 60  # the usual constant of reciprocal-rank fusion
MAX_PER_DOC_OVER_TIME = 2  # questions about change need passages from several letters
CANDIDATES = 50  # per ranking, before fusion


@dataclass(frozen=True)
class Query:
    """A question as the retrievers see it."""

    text: str
    dense_text: str  # what is embedded: the question plus its expansions
    phrases: tuple[str, ...]  # what the keyword search looks for: terms and expansions
    terms: tuple[str, ...]  # the question's own content words
    extra: tuple[str, ...]  # expansions added from the glossary and the letters' own definitions
    scope: Scope
    groups: tuple[tuple[str, ...], ...] = ()  # key terms with their alternatives (see qa.terms)
    weights: tuple[float, ...] = ()  # each group's inverse frequency in the index
    explicit: Filters = Filters()  # filters the user set (never widened)
    loosened: tuple[str, ...] = ()  # scope read from the words that matched nothing, in words, once searched


def build_query(index: Index, question: str, filters: Filters | None = None, use_scope: bool = True,
                councils_only: bool = False) -> Query:
    """Expand and scope a question: abbreviations both ways, council/year/type words as filters.

    `councils_only` keeps just the council from the words: a claim's dates and visit names
    describe what it reports, not where the evidence must be.
    """
    learned = index.abbreviations()
    extra = tuple(expansions(question, learned))
    scope = parse_scope(question, index.authorities()) if use_scope else Scope()
    if councils_only:
        scope = Scope(Filters(local_authorities=scope.filters.local_authorities), scope.unknown_authorities,
                      tuple(n for n in scope.notes if n.startswith("council")))
    explicit = filters if filters is not None else Filters()
    if not explicit.is_empty():
        scope = replace(scope, filters=_merge(scope.filters, explicit),
                        notes=scope.notes + ((f"filters set: {explicit.describe()}",) if explicit.describe() else ()))
    # a claim's change words ("has improved since 2019") are what it says, not its scope
    core = without_scope_words(question, change_words=not councils_only) if use_scope else question
    terms = tuple(dict.fromkeys(content_terms(core)))
    dense_text = question if not extra else f"{question} ({'; '.join(extra)})"
    groups = tuple(term_groups(core, learned))
    weights = tuple(group_weights(list(groups), index.rows_matching, index.chunk_count()))
    return Query(question, dense_text, keyword_phrases(terms, extra), terms, extra, scope, groups, weights, explicit)


def reach(index: Index, query: Query) -> Query:
    """`query` with the filters that will be applied: scope read from its words is loosened, step by
    step, until something matches, and each loosening is recorded; filters the user set are kept."""
    index.refresh()
    filters, dropped = _within_reach(index, query.scope.filters, query.explicit)
    if query.scope.latest and filters.local_authorities and not filters.doc_ids:
        filters = replace(filters, doc_ids=index.latest_documents(filters))
    return replace(query, scope=replace(query.scope, filters=filters), loosened=tuple(dropped))


def search(index: Index, query: Query, k: int = 10, fusion: str = "rrf", alpha: float = 0.5) -> list[Hit]:
    """The `k` best passages for `query` within its filters, best first; none for a query without a word
    or number, or when the filters match nothing (see `reach` for loosening the question's own scope)."""
    if not tokens(query.text):  # '', '?!…—', emoji: nothing to look for, so nothing is found
        return []
    index.refresh()
    filters = query.scope.filters
    qvec = index.embedder.embed_query(query.dense_text)
    dense = index.dense(qvec, CANDIDATES, filters)
    keyword = index.keyword(query.phrases, CANDIDATES, filters)
    fused = fuse(dense, keyword, fusion, alpha)
    pool = index.chunks([rowid for rowid, _ in fused[: k * 4]])
    kinds = index.source_kinds(list({c.doc_id for c in pool.values()})) if pool else {}
    top = distinct(fused[: k * 4], pool, k, per_doc=MAX_PER_DOC_OVER_TIME if spans_time(query.text) else None,
                   official={d for d, kind in kinds.items() if kind == "official"})
    chunks = {rowid: pool[rowid] for rowid, _ in top if rowid in pool}
    dense_by_id = dict(dense)
    missing = [r for r, _ in top if r not in dense_by_id]
    if missing:  # keyword-only hits still get a cosine, for answers and abstention
        dense_by_id.update(index.cosines(missing, qvec))
    keyword_by_id = dict(keyword)
    docs: dict[str, Document | None] = {}
    hits = []
    for rank, (rowid, score) in enumerate(top, 1):
        chunk = chunks.get(rowid)
        if chunk is None:
            continue  # vector whose row a concurrent writer just removed
        doc = docs.get(chunk.doc_id) or docs.setdefault(chunk.doc_id, index.document(chunk.doc_id))
        if doc is None:
            continue  # a document a concurrent writer removed after its passages were read
        hits.append(Hit(rank=rank, score=score, chunk=chunk, doc=doc,
                        dense=dense_by_id.get(rowid), keyword=keyword_by_id.get(rowid)))
    if asks_grade(query.text):
        hits = with_grade_tables(index, hits, k, qvec)
    return hits


GRADED_REPORTS = 3  # reports whose grade tables a question about grades brings forward


def with_grade_tables(index: Index, hits: list[Hit], k: int, qvec) -> list[Hit]:
    """For a question about grades: each of the first few graded reports' grade table, placed just
    before that report's first passage (the table answers; passages about the topic explain)."""
    out: list[Hit] = []
    have = {h.chunk.chunk_id for h in hits}
    reports = 0
    for hit in hits:
        doc = hit.doc
        if doc.meta.judgements and reports < GRADED_REPORTS and not any(h.doc.doc_id == doc.doc_id for h in out):
            reports += 1
            offset = doc.text.find(doc.meta.judgements[0].text)
            found = index.chunk_at(doc.doc_id, offset) if offset >= 0 else None
            if found and found[1].chunk_id not in have:
                have.add(found[1].chunk_id)
                cosine = index.cosines([found[0]], qvec).get(found[0])
                out.append(Hit(rank=0, score=hit.score, chunk=found[1], doc=doc, dense=cosine))
        out.append(hit)
    return [replace(h, rank=n) for n, h in enumerate(out[:k], 1)]


def distinct(ranked: list[tuple[int, float]], chunks: dict, k: int, per_doc: int | None = None,
             official: AbstractSet[str] = frozenset()) -> list[tuple[int, float]]:
    """The first `k` of `ranked` without repeated passage texts (a letter reprinted in an article, a
    list of areas copied from visit to visit), and at most `per_doc` from one document when given.
    Of passages with the same text, an official letter's takes the place of a press article's."""
    kept: dict[str, int] = {}  # passage text -> position in out
    counts: dict[str, int] = {}
    out: list[tuple[int, float]] = []
    for rowid, score in ranked:
        chunk = chunks.get(rowid)
        if chunk is None:
            continue
        key = " ".join(chunk.text.lower().split())
        if key in kept:
            at = kept[key]
            holder = chunks[out[at][0]]
            if holder.doc_id not in official and chunk.doc_id in official:
                out[at] = (rowid, out[at][1])
            continue
        if len(out) == k or (per_doc and counts.get(chunk.doc_id, 0) >= per_doc):
            continue
        kept[key] = len(out)
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        out.append((rowid, score))
    return out


def fuse(dense: list[tuple[int, float]], keyword: list[tuple[int, float]], how: str = "rrf",
         alpha: float = 0.5) -> list[tuple[int, float]]:
    """Combine two rankings of (id, score), best first.

    "rrf": sum of 1/(60 + rank); "weighted": alpha * cosine + (1 - alpha) * BM25 scaled to [0, 1].
    """
    scores: dict[int, float] = {}
    if how == "rrf":
        for ranking in (dense, keyword):
            for rank, (rowid, _) in enumerate(ranking, 1):
                scores[rowid] = scores.get(rowid, 0.0) + 1.0 / (RRF_K + rank)
    elif how == "weighted":
        top = max((s for _, s in keyword), default=0.0) or 1.0
        for rowid, s in dense:
            scores[rowid] = scores.get(rowid, 0.0) + alpha * s
        for rowid, s in keyword:
            scores[rowid] = scores.get(rowid, 0.0) + (1 - alpha) * s / top
    elif how == "dense":
        scores = dict(dense)
    elif how == "keyword":
        scores = dict(keyword)
    else:
        raise ValueError(f"unknown fusion {how!r}; known: rrf, weighted, dense, keyword")
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


_LOOSENING = (  # what is dropped at each step, and how it is said
    (("visit_number",), "the visit number"),
    (("years", "date_from", "date_to"), "the years"),
    (("doc_types",), "the kind of document"),
    (("local_authorities",), "the council"),
    (("source_kinds",), "the source"),
)


def _within_reach(index: Index, filters: Filters, explicit: Filters) -> tuple[Filters, list[str]]:
    """The filters, with scope read from the question's words dropped step by step (visit number, dates,
    type, council) until something matches; what was dropped, in words. Explicit filters stay."""
    current, dropped = filters, []
    for fields, words in ((None, ""),) + _LOOSENING:
        if fields:
            if any(getattr(explicit, f) not in ((), None) for f in fields):
                continue  # the user asked for it: never widened
            if all(getattr(current, f) in ((), None) for f in fields):
                continue
            unset = Filters()
            current = replace(current, **{f: getattr(unset, f) for f in fields})
            dropped.append(f"{words} read from the question matched no letter, so it was not applied")
        if index.has_rows(current):
            return current, dropped
    return current, dropped


def _merge(a: Filters, b: Filters) -> Filters:
    """Explicit filters override what the question's words implied, field by field."""
    values = {}
    for name in Filters.__dataclass_fields__:
        explicit = getattr(b, name)
        values[name] = explicit if explicit not in ((), None) else getattr(a, name)
    return Filters(**values)
