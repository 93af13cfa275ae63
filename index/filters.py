"""Which documents a search may draw on, as a value and as SQL over the documents table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as _date
from datetime import timedelta

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


def reach(date: str | None, date_basis: str | None, visit_dates) -> tuple[str | None, str | None]:
    """(first day, last day) of the time a document belongs to, computed when it is stored.

    A report dated by the end of its inspection was published some weeks later: it may belong to any
    year from its first visit day to REPORT_LAG_DAYS after its last. A letter's own date ends it.
    """
    begins = min(visit_dates) if visit_dates else date
    if date is None or date_basis == "inspection_end":
        last = max(visit_dates) if visit_dates else date
        ends = (_date.fromisoformat(last) + timedelta(days=REPORT_LAG_DAYS)).isoformat() if last else None
    else:
        ends = date
    return begins, ends


def filter_sql(filters: Filters, skip_duplicates: bool, table: str = "d", mark: str = "?") -> tuple[str, tuple]:
    """A WHERE condition (never empty) and its parameters over `table`'s filter columns.

    Both backends keep the columns under the same names (the embedded one on documents, PostgreSQL on
    chunks): doc_id, local_authority, doc_type, visit_number, source_kind, duplicate_of, begins, ends.
    `mark` is the driver's placeholder.
    """
    clauses: list[str] = ["1 = 1"]
    params: list = []

    def among(column: str, values, negate: bool = False) -> None:
        clauses.append(f"{table}.{column} {'NOT ' * negate}IN ({', '.join([mark] * len(values))})")
        params.extend(values)

    if skip_duplicates:
        clauses.append(f"{table}.duplicate_of IS NULL")
    if filters.local_authorities:
        among("local_authority", filters.local_authorities)
    if filters.doc_types:
        among("doc_type", filters.doc_types)
    if filters.visit_number is not None:
        clauses.append(f"{table}.visit_number = {mark}")
        params.append(filters.visit_number)
    if filters.source_kinds:
        among("source_kind", filters.source_kinds)
    if filters.doc_ids:
        among("doc_id", filters.doc_ids)
    if filters.exclude_doc_ids:
        among("doc_id", filters.exclude_doc_ids, negate=True)
    if filters.years:
        ors = []
        for year in filters.years:
            ors.append(f"(substr({table}.begins, 1, 4) <= {mark} AND substr({table}.ends, 1, 4) >= {mark})")
            params.extend([str(year), str(year)])
        clauses.append("(" + " OR ".join(ors) + ")")
    if filters.date_from:
        clauses.append(f"{table}.ends >= {mark}")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append(f"{table}.begins <= {mark}")
        params.append(filters.date_to)
    return " AND ".join(clauses), tuple(params)
