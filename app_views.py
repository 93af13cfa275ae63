"""Pure helpers for the Streamlit app: escaping, highlighting, file names, filters, table rows.

Letter text is data: everything taken from a letter is HTML-escaped here before it is shown,
and is rendered with `st.html` (never as Markdown).  Labels that must go through Markdown
(progress text, captions) are passed through `md_escape` first.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from index.index import Filters
from ingest.models import Document
from qa.models import Answer, Citation, Hit, Verdict

UPLOAD_TYPES = ("pdf", "txt", "md", "html", "htm", "docx")
MAX_NAME_BYTES = 200  # well under the usual 255-byte limit on a file name

CARD = ("border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:.6rem .8rem;"
        "margin:.3rem 0;font-family:sans-serif;line-height:1.5")
HEAD = "font-size:.85rem;opacity:.75;margin-bottom:.3rem"
MARK = "background:#ffe066;color:#111;padding:0 .1em;border-radius:2px"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")
_CITE_MARK = re.compile(r"\[(\d+)\]")
_FORBIDDEN_IN_NAMES = re.compile(r'[<>:"|?*]')


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


def verdict_rows(verdicts: Iterable[Verdict]) -> list[dict]:
    """One row per checked claim, with its best evidence."""
    rows = []
    for v in verdicts:
        e = v.evidence[0] if v.evidence else None
        rows.append({
            "claim": v.claim,
            "verdict": v.verdict.replace("_", " "),
            "quote status": v.quote_status or "",
            "evidence letter": f"{e.title} ({e.doc_id})" if e else "",
            "evidence sentence": e.quote if e else "",
            "reason": v.reason,
        })
    return rows


# --- uploads ---------------------------------------------------------------------------------------


def sanitize_filename(name: str | None, default: str = "upload") -> str:
    """A file name that can only ever name a file directly inside the upload folder.

    Drops any directory part (either slash), NUL and other control or format characters,
    characters Windows forbids, and leading dots (no hidden files, no '..'); keeps spaces,
    accents and non-Latin letters; caps the length in bytes, keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _FORBIDDEN_IN_NAMES.sub("_", name)
    name = " ".join(name.split()).strip(" ")
    if name.startswith(".") and "." not in name.lstrip("."):  # ".pdf": an extension with no name
        name = default + "." + name.lstrip(".")
    name = name.strip(" .")
    if not name:
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix}" if dot else ""
    if not stem.strip(" ."):
        stem = default
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return (stem.rstrip(" .") or default) + suffix


def upload_path(folder: Path | str, name: str) -> Path:
    """Where an upload called `name` is saved: always a direct child of `folder`."""
    folder = Path(folder).resolve()
    path = (folder / sanitize_filename(name)).resolve()
    if path.parent != folder:  # cannot happen after sanitising; refuse rather than trust it
        raise ValueError(f"unsafe file name: {name!r}")
    return path


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
