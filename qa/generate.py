"""Written answers from a chat model (through LangChain), every sentence checked against its citation.

The passages go to the model numbered and fenced as data, packed best first to a token budget in
whole sentences. What comes back is verified before anything is shown: citation keys that name no
passage are removed, and each sentence must be close to a sentence of a passage it cites (the claim
checker's closeness) with no conflict in numbers, dates, names, grades, quantifiers, direction or
negation. Unsupported sentences are dropped or flagged; when none survives, the extractive answer
is given instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.sentences import split_sentences
from ingest.tokens import count_tokens
from qa import checks
from qa.answer import Answerer
from qa.check import CLOSE
from qa.models import Answer, Citation, Hit
from qa.retrieve import Query
from qa.terms import covered

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
CANNOT_ANSWER = "The passages do not answer this."
CITATION_KEY = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Generated:
    """What verification made of one model output."""

    sentences: int = 0  # sentences the model wrote (the cannot-answer phrase aside)
    kept: int = 0  # shown, supported by their citations
    unsupported: int = 0  # dropped, or shown flagged
    keys_removed: int = 0  # citation keys naming no passage
    fell_back: bool = False  # nothing survived: the extractive answer was given
    raw: str = ""


@dataclass(frozen=True)
class GenerationSettings:
    context_tokens: int = 1500  # passages packed into the prompt, best first, whole sentences
    unsupported: str = "drop"  # "drop" | "flag"
    passages: int = 8


def load_prompt():
    """The system and user templates from prompts/, as one LangChain chat prompt."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([
        ("system", (PROMPTS / "answer_system.txt").read_text(encoding="utf-8")),
        ("human", (PROMPTS / "answer_user.txt").read_text(encoding="utf-8")),
    ])


def pack(hits: list[Hit], budget: int, tokens_of: Callable[[str], int]) -> list[tuple[int, Hit, str]]:
    """(n, hit, text) for the passages that fit `budget` tokens, best first, cut at whole sentences."""
    packed: list[tuple[int, Hit, str]] = []
    used = 0
    for hit in hits:
        kept = []
        for a, b in split_sentences(hit.chunk.text):
            sentence = hit.chunk.text[a:b]
            cost = tokens_of(sentence) + 1
            if used + cost > budget:
                break
            kept.append(sentence)
            used += cost
        if kept:
            packed.append((len(packed) + 1, hit, " ".join(kept)))
        if used >= budget:
            break
    return packed


def fence(packed: list[tuple[int, Hit, str]]) -> str:
    """Passages as data: tags the text cannot close (angle brackets inside are escaped)."""
    parts = []
    for n, hit, text in packed:
        safe = text.replace("<", "‹").replace(">", "›")
        date = hit.doc.meta.date or (hit.doc.meta.visit_dates[-1] if hit.doc.meta.visit_dates else "undated")
        parts.append(f'<passage n="{n}" letter="{hit.doc.meta.title}" date="{date}">\n{safe}\n</passage>')
    return "\n\n".join(parts)


class GenerativeAnswerer(Answerer):
    """Asks a LangChain chat model for a short cited answer and shows only what its citations support."""

    name = "generative"

    def __init__(self, model, qa, settings: GenerationSettings = GenerationSettings()):
        self.model = model
        self.qa = qa  # the service: index, embedders, and the extractive answerer as fallback
        self.settings = settings
        self.prompt = load_prompt()
        self.extractive = qa.extractive()

    def answer(self, query: Query, hits: list[Hit], show: Callable[[Iterator[str]], str] | None = None) -> Answer:
        """A verified written answer; `show` may consume the model's unverified text as it comes (the app
        streams it as a draft) and must return it whole."""
        fallback = self.extractive.answer(query, hits)
        if fallback.abstained:  # weak evidence: no model may write an answer from it
            return fallback
        packed = pack(list(hits)[: self.settings.passages], self.settings.context_tokens, count_tokens)
        chunks = self._stream(query, packed)
        raw = show(chunks) if show else "".join(chunks)
        return self._verified(query, hits, {n: hit for n, hit, _ in packed}, raw, fallback)

    def _stream(self, query: Query, packed: list[tuple[int, Hit, str]]) -> Iterator[str]:
        messages = self.prompt.format_messages(question=query.text, passages=fence(packed), cannot_answer=CANNOT_ANSWER)
        for chunk in self.model.stream(messages):
            yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)

    def _verified(self, query: Query, hits: list[Hit], packed: dict[int, Hit], raw: str, fallback: Answer) -> Answer:
        """The answer from the model's whole text; `fallback` (extractive) if no sentence survives."""
        shown, citations, report = verify(raw, packed, lambda s, c: closeness_to(self.qa, s, c),
                                          self.settings.unsupported)
        report = replace(report, raw=raw, fell_back=not report.kept)
        if not report.kept:
            return replace(fallback, reason=_fallback_reason(report), generated=report)
        note = ""
        if report.unsupported:
            plural = "s" * (report.unsupported != 1)
            done = "dropped" if self.settings.unsupported == "drop" else "flagged"
            note = (f"{report.unsupported} written sentence{plural} not supported by "
                    f"{'its' if not plural else 'their'} citation {done}")
        return Answer(query.text, shown, False, tuple(citations), tuple(hits), query.scope.describe(), reason=note,
                      answerer=self.name, generated=report)


def closeness_to(qa, sentence: str, candidates: list[str]) -> list[float]:
    """The claim checker's closeness of each candidate letter sentence to `sentence` (fp32 cosine, key terms)."""
    from qa.check import closeness
    from qa.retrieve import build_query

    embedder = precise_embedder(qa)
    query = build_query(qa.index, sentence, use_scope=False)
    sims = embedder.embed(candidates) @ embedder.embed([sentence])[0]
    return [closeness(float(s), covered(list(query.groups), list(query.weights), c)) for s, c in zip(sims, candidates)]


def precise_embedder(qa):
    """The fp32 model, for verifying written answers: both sides are embedded there and then."""
    from index.embedder import load_embedder

    return load_embedder(qa.index.settings.embedding_model, "torch")

def best_supporting(sentence: str, candidates: list[str], scores: list[float],
                    context: str | None = None) -> int | None:
    """Index of the candidate that supports `sentence`: close enough, and no check finds a difference
    (in figures, dates, names, grades, quantifiers, direction or negation) that `context` does not
    bear out either; None when none does."""
    if not candidates:
        return None
    best = max(range(len(candidates)), key=scores.__getitem__)
    if scores[best] < CLOSE:
        return None
    for check in checks.ALL_CHECKS:
        if check(sentence, candidates[best]) and (context is None or check(sentence, context)):
            return None
    return best


def verify(raw: str, packed: dict[int, Hit], closeness, unsupported: str = "drop"):
    """(text shown, citations, report) for the model's `raw` text and the passages it was given."""
    text = raw.strip()
    if not text or CANNOT_ANSWER.lower().rstrip(".") in text.lower():
        return "", [], Generated()
    shown, citations, counts = [], [], {"sentences": 0, "kept": 0, "unsupported": 0, "keys_removed": 0}
    numbering: dict[tuple[str, int], int] = {}
    for a, b in split_sentences(text):
        sentence = text[a:b]
        keys = [int(k) for k in CITATION_KEY.findall(sentence)]
        bare = CITATION_KEY.sub("", sentence).strip()
        if not bare or len(bare.split()) < 3:
            continue
        counts["sentences"] += 1
        valid = [k for k in dict.fromkeys(keys) if k in packed]
        counts["keys_removed"] += len(keys) - len([k for k in keys if k in packed])
        support = _support(bare, [packed[k] for k in valid], closeness)
        if support is None:
            counts["unsupported"] += 1
            if unsupported == "flag":
                shown.append(f"{bare} [unsupported]")
            continue
        hit, start, end, quote = support
        key = (hit.chunk.chunk_id, start)
        if key not in numbering:
            numbering[key] = len(numbering) + 1
            citations.append(Citation(n=numbering[key], doc_id=hit.doc.doc_id, title=hit.doc.meta.title,
                                      date=hit.doc.meta.date, section=hit.chunk.section, quote=quote,
                                      start=start, end=end, chunk_id=hit.chunk.chunk_id))
        counts["kept"] += 1
        shown.append(f"{bare.rstrip()} [{numbering[key]}]")
    return " ".join(shown), citations, Generated(sentences=counts["sentences"], kept=counts["kept"],
                                                 unsupported=counts["unsupported"],
                                                 keys_removed=counts["keys_removed"])


def _support(sentence: str, cited: list[Hit], closeness):
    """(hit, start, end, letter sentence) of the cited passage sentence that supports `sentence`, or None."""
    spans = [(hit, hit.chunk.start + a, hit.chunk.start + b, hit.chunk.text[a:b])
             for hit in cited for a, b in split_sentences(hit.chunk.text)]
    texts = [s for *_, s in spans]
    found = best_supporting(sentence, texts, closeness(sentence, texts) if texts else [],
                            " ".join(h.chunk.text for h in cited))
    return None if found is None else spans[found]


def _fallback_reason(report: Generated) -> str:
    if not report.sentences:
        return "the model gave no answer from the passages; the letters' own sentences are shown"
    return (f"none of the model's {report.sentences} sentences was supported by its citation; "
            "the letters' own sentences are shown")
