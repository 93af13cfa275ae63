"""Which documents a search may draw on, as a value and as SQL over the documents table."""

from __future__ import annotations

from dataclasses import dataclass

REPORT_LAG_DAYS = 120  # a report is published within about four months of its inspection


@dataclass(frozen=True)
class Filters:
    """Which documents a search may draw on; empty fields mean no restriction."""

    local_authorities: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    visit_number: int | None = None
    years: tuple[int, ...] = ()  # a document matches by its own date's year or a visit year
    date_from: str | None = None  # ISO, inclusive, on the document's date (or last visit day)
    date_to: str | None = None
    source_kinds: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    exclude_doc_ids: tuple[str, ...] = ()  # e.g. the article whose claims are being checked

    def is_empty(self) -> bool:
        return self == Filters()

    def describe(self) -> str:
        """The filters in words: 'council: Kent; type: jtai; from 2022-01-01'."""
        parts = []
        if self.local_authorities:
            parts.append("council: " + ", ".join(self.local_authorities))
        if self.doc_types:
            parts.append("type: " + ", ".join(t.replace("_", " ") for t in self.doc_types))
        if self.visit_number is not None:
            parts.append(f"monitoring visit {self.visit_number}")
        if self.years:
            parts.append("year: " + ", ".join(map(str, self.years)))
        if self.date_from or self.date_to:
            parts.append(f"dates: {self.date_from or '…'} to {self.date_to or '…'}")
        if self.source_kinds:
            parts.append("source: " + ", ".join(self.source_kinds))
        return "; ".join(parts)


def filter_sql(filters: Filters, skip_duplicates: bool) -> tuple[str, tuple]:
    clauses: list[str] = []
    params: list = []

    def among(column: str, values) -> None:
        clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
        params.extend(values)

    if skip_duplicates:
        clauses.append("d.duplicate_of IS NULL")
    if filters.local_authorities:
        among("d.local_authority", filters.local_authorities)
    if filters.doc_types:
        among("d.doc_type", filters.doc_types)
    if filters.visit_number is not None:
        clauses.append("d.visit_number = ?")
        params.append(filters.visit_number)
    if filters.source_kinds:
        among("d.source_kind", filters.source_kinds)
    if filters.doc_ids:
        among("d.doc_id", filters.doc_ids)
    if filters.exclude_doc_ids:
        clauses.append(f"d.doc_id NOT IN ({', '.join('?' * len(filters.exclude_doc_ids))})")
        params.extend(filters.exclude_doc_ids)
    # A report dated by the end of its inspection was published some weeks later: it may
    # belong to any year from its first visit day to REPORT_LAG_DAYS after its last.
    first = "(SELECT min(value) FROM json_each(d.visit_dates))"
    last = "(SELECT max(value) FROM json_each(d.visit_dates))"
    begins = f"coalesce({first}, d.date)"
    ends = (f"(CASE WHEN d.date IS NULL OR d.date_basis = 'inspection_end' "
            f"THEN date(coalesce({last}, d.date), '+{REPORT_LAG_DAYS} days') ELSE d.date END)")
    if filters.years:
        ors = []
        for year in filters.years:
            ors.append(f"(substr({begins}, 1, 4) <= ? AND substr({ends}, 1, 4) >= ?)")
            params.extend([str(year), str(year)])
        clauses.append("(" + " OR ".join(ors) + ")")
    if filters.date_from:
        clauses.append(f"{ends} >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append(f"{begins} <= ?")
        params.append(filters.date_to)
    return " AND ".join(clauses), tuple(params)
