"""The records that flow from ingest to index to answers: `Metadata`, `Document`, `Chunk`."""

from __future__ import annotations

from dataclasses import dataclass

DOC_TYPES = (
    "focused_visit",
    "monitoring_visit",
    "ilacs_inspection",
    "jtai",
    "area_send",
    "sif_inspection",
    "other",
)
GRADED_TYPES = ("ilacs_inspection", "sif_inspection")  # the full inspections whose reports grade the services

# The names other catalogues give the same kinds of document (Ofsted's own data, the shared manifest).
DOC_TYPE_ALIASES = {
    "ilacs_focused_visit_letter": "focused_visit",
    "ilacs_monitoring_visit_letter": "monitoring_visit",
    "ilacs_full_inspection_report": "ilacs_inspection",
    "jtai_letter": "jtai",
    "area_send_report": "area_send",
    "sif_inspection_report": "sif_inspection",
}
SOURCE_KINDS = ("official", "press")
# "stated": the document's own date (a letter's date line, "Report published:", an article's date);
# "inspection_end": the last day of its inspection, for reports that state no date of their own.
DATE_BASES = ("stated", "inspection_end")


@dataclass(frozen=True)
class Judgement:
    """One graded judgement from an inspection report's grade table."""

    area: str  # e.g. "Overall effectiveness", "The experiences and progress of care leavers"
    grade: str  # "Outstanding" | "Good" | "Requires improvement to be good" | "Inadequate" (area SEND: OUTCOMES)
    text: str  # the table row (or outcome sentence) as it stands in the cleaned text, so it can be cited


@dataclass(frozen=True)
class Metadata:
    """What the text of one document says about itself."""

    local_authority: str | None = None  # canonical name, e.g. "Bournemouth, Christchurch and Poole"
    doc_type: str = "other"  # one of DOC_TYPES
    visit_number: int | None = None  # monitoring visits are numbered: "the second monitoring visit"
    date: str | None = None  # ISO: the date the document states for itself, else the last day of its inspection
    date_basis: str | None = None  # one of DATE_BASES: where `date` comes from (None when there is no date)
    visit_dates: tuple[str, ...] = ()  # ISO dates: first and last day of the visit, and any listed between
    inspectors: tuple[str, ...] = ()
    recipient: str | None = None
    source_kind: str = "official"  # one of SOURCE_KINDS
    title: str = ""
    judgements: tuple[Judgement, ...] = ()
    outcome: Judgement | None = None  # an area SEND report's outcome: its kind as `grade`, its sentence as `text`

    @property
    def ended(self) -> str:
        """The last day of the visit or inspection, else the document's date ('' if neither): the day years
        and the order of a council's history go by."""
        return inspection_end(self.visit_dates, self.date)

    @property
    def when(self) -> str:
        """A date to order documents by: the document's own, else its last visit day ('' if neither)."""
        return self.date or (self.visit_dates[-1] if self.visit_dates else "")


def inspection_end(visit_dates: tuple[str, ...], date: str | None) -> str:
    """The last visit day, else `date`, else ''."""
    return visit_dates[-1] if visit_dates else (date or "")


@dataclass(frozen=True)
class Document:
    """A cleaned document ready to chunk; `text` is what every offset and quote refers to."""

    doc_id: str  # the file stem
    path: str
    sha256: str  # of the file's bytes
    text: str
    meta: Metadata
    pages: int = 0
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: `text == document.text[start:end]`."""

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    start: int
    end: int
    section: str | None = None
    n_tokens: int = 0
