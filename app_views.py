"""Pure helpers for the Streamlit app: escaping, highlighting, file names, filters, table rows, verdicts.

Letter text is data: everything taken from a letter is HTML-escaped here before it is shown,
and is rendered with `st.html` (never as Markdown).  Labels that must go through Markdown
(progress text, captions) are passed through `md_escape` first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.index import Filters
from ingest.models import Document
from ingest.quotes import fold
from ingest.uploads import sanitize_filename, upload_path  # noqa: F401  (the pages' helpers, kept beside the views)
from qa.checks import closest_window
from qa.models import Answer, Citation, Evidence, Hit, Verdict

UPLOAD_TYPES = ("pdf", "txt", "md", "html", "htm", "docx")

CARD = ("border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:.6rem .8rem;"
        "margin:.3rem 0;font-family:sans-serif;line-height:1.5")
HEAD = "font-size:.85rem;opacity:.75;margin-bottom:.3rem"
MARK = "background:#ffe066;color:#111;padding:0 .1em;border-radius:2px"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")
_CITE_MARK = re.compile(r"\[(\d+)\]")


# --- escaping and highlighting ------------------------------------------------------------------


def escape(text: str | None) -> str:
    """HTML-escaped text with line breaks kept."""
    return html.escape(text or "", quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def md_escape(text: str | None) -> str:
    """Text made safe for a Markdown label: every Markdown-active character is backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def highlight(text: str, spans: Iterable[Sequence]) -> str:
    """`text` HTML-escaped, with each span `(start, end[, label])` wrapped in <mark>.

    Offsets refer to the raw `text`; overlapping spans are merged; a label (e.g. "1") is shown
    after its span as a superscript "[1]".
    """
    cleaned: list[list] = []
    for span in sorted((tuple(s) for s in spans), key=lambda s: (s[0], s[1])):
        start, end = max(0, int(span[0])), min(len(text), int(span[1]))
        label = str(span[2]) if len(span) > 2 and span[2] not in (None, "") else None
        if end <= start:
            continue
        if cleaned and start <= cleaned[-1][1]:
            last = cleaned[-1]
            last[1] = max(last[1], end)
            if label and label not in last[2]:
                last[2].append(label)
        else:
            cleaned.append([start, end, [label] if label else []])
    out, at = [], 0
    for start, end, labels in cleaned:
        out.append(escape(text[at:start]))
        out.append(f'<mark style="{MARK}">{escape(text[start:end])}</mark>')
        out.extend(f"<sup>[{escape(n)}]</sup>" for n in labels)
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def answer_html(text: str) -> str:
    """The answer text escaped, its [n] markers in bold."""
    marked = _CITE_MARK.sub(r"<b>[\1]</b>", escape(text))
    return f'<div style="line-height:1.6">{marked}</div>'


def where(title: str | None, date: str | None, section: str | None) -> str:
    """'Title · 2024-01-12 · Section', skipping what is missing (plain text, not escaped)."""
    return " · ".join(x for x in (title or "(untitled)", date, section) if x)


def card(heading: str, body_html: str) -> str:
    """A bordered card: `heading` is plain text (escaped here), `body_html` is already escaped."""
    return f'<div style="{CARD}"><div style="{HEAD}">{escape(heading)}</div><div>{body_html}</div></div>'


# --- answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceCard:
    """One cited passage with its cited sentences highlighted."""

    numbers: tuple[int, ...]
    doc_id: str
    title: str
    date: str | None
    section: str | None
    html: str  # escaped passage with <mark>s


def evidence_cards(answer: Answer) -> list[EvidenceCard]:
    """A card per cited passage, in order of first citation; the cited sentences are marked."""
    hits = {h.chunk.chunk_id: h for h in answer.hits}
    grouped: dict[str, list[Citation]] = {}
    for c in answer.citations:
        grouped.setdefault(c.chunk_id or f"{c.doc_id}:{c.start}", []).append(c)
    cards = []
    for key, cites in grouped.items():
        first = cites[0]
        hit = hits.get(key)
        if hit is not None:
            base, text = hit.chunk.start, hit.chunk.text
            spans = [(c.start - base, c.end - base, c.n) for c in cites]
        else:  # passage not among the hits: show the quotations themselves
            text = " … ".join(c.quote for c in cites)
            spans, at = [], 0
            for c in cites:
                spans.append((at, at + len(c.quote), c.n))
                at += len(c.quote) + 3
        cards.append(EvidenceCard(tuple(c.n for c in cites), first.doc_id, first.title, first.date,
                                  first.section, highlight(text, spans)))
    return cards


def cited_spans(answer: Answer | None) -> list[tuple[str, int, int, int, str]]:
    """(doc_id, start, end, n, quote) of every citation, to mark them when the letter is opened."""
    return [(c.doc_id, c.start, c.end, c.n, c.quote) for c in answer.citations] if answer else []


def letter_spans(text: str, cited: Iterable[Sequence], doc_id: str) -> list[tuple[int, int, int]]:
    """The cited spans that belong to `doc_id` and still match its text (it may have been re-ingested)."""
    return [(a, b, n) for d, a, b, n, quote in cited if d == doc_id and text[a:b] == quote]


def hit_card(hit: Hit) -> str:
    """A ranked passage as an escaped card."""
    m = hit.doc.meta
    heading = f"{hit.rank}. {where(m.title, m.date, hit.chunk.section)} · score {hit.score:.3f} · {hit.doc.doc_id}"
    return card(heading, escape(hit.chunk.text))


# --- filters and tables ----------------------------------------------------------------------------


def _iso(day) -> str | None:
    if day is None or day == "":
        return None
    if isinstance(day, (dt.date, dt.datetime)):
        return day.strftime("%Y-%m-%d")
    return str(day)


def build_filters(councils: Iterable[str] = (), doc_types: Iterable[str] = (), date_from=None, date_to=None,
                  source_kinds: Iterable[str] = ()) -> Filters:
    """The index filters for the sidebar's values; a reversed date range is put the right way round."""
    lo, hi = _iso(date_from), _iso(date_to)
    if lo and hi and lo > hi:
        lo, hi = hi, lo
    return Filters(
        local_authorities=tuple(councils or ()),
        doc_types=tuple(doc_types or ()),
        date_from=lo,
        date_to=hi,
        source_kinds=tuple(source_kinds or ()),
    )


def document_rows(docs: Iterable[Document]) -> list[dict]:
    """One row per indexed document, for the Letters table."""
    return [
        {
            "doc id": d.doc_id,
            "title": d.meta.title,
            "council": d.meta.local_authority or "",
            "type": d.meta.doc_type,
            "date": d.meta.date or "",
            "visit dates": ", ".join(d.meta.visit_dates),
            "inspectors": ", ".join(d.meta.inspectors),
            "source kind": d.meta.source_kind,
            "duplicate of": d.duplicate_of or "",
        }
        for d in docs
    ]


# --- uploads ---------------------------------------------------------------------------------------


def citations_html(citations: Iterable[Citation]) -> str:
    """The numbered list of citations: [n] title · date · section."""
    items = "".join(f"<div><b>[{c.n}]</b> {escape(where(c.title, c.date, c.section))}</div>" for c in citations)
    return f'<div style="line-height:1.6">{items}</div>'


def report_rows(report) -> list[dict]:
    """One row per file of an `IngestReport`: file, result, reason."""
    rows = [{"file": Path(p).name, "result": "ingested", "reason": ""} for p in report.ingested]
    rows += [{"file": Path(p).name, "result": "unchanged", "reason": "already in the index"} for p in report.unchanged]
    rows += [{"file": Path(p).name, "result": "failed", "reason": why} for p, why in report.failed]
    return rows


# --- claim checks -----------------------------------------------------------------------------------

VERDICT_COLOURS = {"supported": "#2b8a3e", "contradicted": "#c92a2a", "not_found": "#5c5f66"}
QUOTE_COLOURS = {"verbatim": "#2b8a3e", "altered": "#d9480f", "absent": "#c92a2a"}
DROPPED = "color:#c92a2a;background:#ffe3e3;text-decoration:line-through"
ADDED = "color:#2b8a3e;background:#d3f9d8;text-decoration:none"
_QUOTE_STATUSES = ("verbatim", "altered", "absent")


def badge(label: str, colour: str, solid: bool = True) -> str:
    """A small coloured pill; `label` is plain text (escaped here). Solid for sure verdicts, outlined otherwise."""
    fill = f"background:{colour};color:#fff" if solid else f"background:transparent;color:{colour}"
    style = (f"{fill};border:1px solid {colour};border-radius:999px;padding:0 .55em;font-size:.8rem;"
             "font-weight:600;white-space:nowrap")
    return f'<span style="{style}">{escape(label)}</span>'


def verdict_badge(verdict: str, confidence: str = "high") -> str:
    """'supported · high confidence' in green, 'contradicted' red, 'not found' grey; low confidence is outlined."""
    colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["not_found"])
    return badge(f"{verdict.replace('_', ' ')} · {confidence} confidence", colour, solid=confidence != "low")


def quote_badge(status: str | None) -> str:
    """'verbatim' green, 'altered' orange, 'absent' red."""
    return badge(status or "unknown", QUOTE_COLOURS.get(status or "", VERDICT_COLOURS["not_found"]))


def summary_line(verdicts: Sequence[Verdict]) -> str:
    """'9 claims: 8 supported, 1 contradicted, 0 not found; quotations: 3 verbatim, 0 altered, 0 absent'.

    Only counts and fixed words: safe as Markdown.
    """
    n = len(verdicts)
    counts = {k: sum(v.verdict == k for v in verdicts) for k in VERDICT_COLOURS}
    line = (f"{n} claim{'' if n == 1 else 's'}: {counts['supported']} supported, "
            f"{counts['contradicted']} contradicted, {counts['not_found']} not found")
    statuses = [q.get("status") for v in verdicts for q in v.quotes]
    if not statuses:
        return line + "; no quotations"
    return line + "; quotations: " + ", ".join(f"{statuses.count(s)} {s}" for s in _QUOTE_STATUSES)


def claim_label(n: int, verdict: Verdict, width: int = 110) -> str:
    """An expander label: '3. contradicted — the claim, shortened', Markdown-escaped."""
    claim = " ".join(verdict.claim.split())
    if len(claim) > width:
        claim = claim[: width - 1].rsplit(" ", 1)[0] + "…"
    return md_escape(f"{n}. {verdict.verdict.replace('_', ' ')} — {claim}")


def verdict_html(verdict: Verdict) -> str:
    """The badge, the reason and where the claim is traced to, all escaped."""
    traced = (f'<div style="{HEAD};margin-top:.3rem">Traced to: {escape(verdict.attribution)}</div>'
              if verdict.attribution else "")
    return (f'<div style="line-height:1.6">{verdict_badge(verdict.verdict, verdict.confidence)} '
            f'{escape(verdict.reason)}{traced}</div>')


def unique_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Evidence without repeats of the same sentence of the same document."""
    seen, out = set(), []
    for e in evidence:
        if (e.doc_id, e.quote) not in seen:
            seen.add((e.doc_id, e.quote))
            out.append(e)
    return out


def evidence_card(e: Evidence, first: bool = False) -> str:
    """A letter sentence set against a claim, with its letter's title, date, kind and id."""
    lead = "Judged by · " if first else ""
    return card(f"{lead}{where(e.title, e.date, None)} · {e.source_kind} · {e.doc_id}", escape(e.quote))


def _words(text: str) -> tuple[list[str], list[str]]:
    words = text.split()
    return words, [fold(w) for w in words]


def diff_html(quote: str, source: str) -> str:
    """The quotation word by word against the letter's words: letter words it dropped or changed are struck
    through in red, words it added or changed are green, the rest is plain. All text is escaped.

    Words are compared as qa.checks compares quotations (case, quote marks, dashes, punctuation ignored).
    """
    (a, ka), (b, kb) = _words(source), _words(quote)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f'<del style="{DROPPED}">{escape(" ".join(a[i1:i2]))}</del>')
        if j2 > j1:
            out.append(f'<ins style="{ADDED}">{escape(" ".join(b[j1:j2]))}</ins>')
    return " ".join(out)


def quote_diff_html(q: dict) -> str:
    """A quotation as shown: verbatim or absent as it stands; altered as a word diff against the stretch of
    the letter sentence it was taken from (or, without the sentence, from the diff qa computed)."""
    quote = q.get("quote") or ""
    if q.get("status") != "altered":
        return escape(quote)
    sentence = q.get("sentence") or ""
    if sentence:
        _, window = closest_window(quote, sentence)
        return diff_html(quote, window or sentence)
    parts = []
    for d in q.get("diff") or ():
        if d.get("letter"):
            parts.append(f'<del style="{DROPPED}">{escape(d["letter"])}</del>')
        if d.get("quote"):
            parts.append(f'<ins style="{ADDED}">{escape(d["quote"])}</ins>')
    return " ".join(parts) or escape(quote)


def quotation_html(q: dict) -> str:
    """One quotation of a claim: its status, the (diffed) words, and the letter sentence it stands in."""
    status = q.get("status")
    body = [f'<div style="line-height:1.6">{quote_badge(status)} “{quote_diff_html(q)}”</div>']
    if q.get("doc"):
        kind = f" ({q['source_kind']})" if q.get("source_kind") else ""
        verb = "stands in" if status == "verbatim" else "closest in"
        body.append(f'<div style="{HEAD};margin-top:.3rem">{verb} {escape(q.get("title") or q["doc"])}{escape(kind)}'
                    f' · {escape(q["doc"])}</div>')
    if q.get("sentence"):
        body.append(f"<div>Letter: “{escape(q['sentence'])}”</div>")
    if q.get("summary"):
        body.append(f'<div style="{HEAD}">{escape(q["summary"])}</div>')
    return f'<div style="{CARD}">{"".join(body)}</div>'


def report_name(title: str | None, default: str = "claims") -> str:
    """A download file stem from an article title: 'Press: focused visit…' -> 'press-focused-visit…'."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", title or "").lower())
    stem = "-".join(words)[:80].strip("-_")
    return stem or default
