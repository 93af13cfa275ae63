"""Filters from what people and programs send: council names or slugs, years, kinds of document by any name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from index.filters import Filters
from ingest.authorities import canonical_authority
from ingest.models import DOC_TYPE_ALIASES, DOC_TYPES, SOURCE_KINDS

# Each key a request may use, and the field of `Filters` it sets.
KEYS = {
    "local_authority": "local_authorities", "local_authorities": "local_authorities", "council": "local_authorities",
    "councils": "local_authorities",
    "doc_type": "doc_types", "doc_types": "doc_types", "type": "doc_types", "types": "doc_types",
    "year": "years", "years": "years",
    "date_from": "date_from", "from": "date_from", "date_to": "date_to", "to": "date_to",
    "source_kind": "source_kinds", "source_kinds": "source_kinds", "source": "source_kinds",
    "visit_number": "visit_number",
    "doc_ids": "doc_ids", "doc": "doc_ids", "docs": "doc_ids",
}


class InvalidFilter(ValueError):
    """A filter that names no field, or a value that field cannot take; the message names both."""


def filters_from(mapping: Mapping | None) -> Filters:
    """`Filters` from a mapping such as {"local_authority": "blackpool", "year": 2022,
    "doc_type": "ilacs_full_inspection_report"}; raises `InvalidFilter` naming the bad key or value."""
    if not mapping:
        return Filters()
    if not isinstance(mapping, Mapping):
        raise InvalidFilter("filters must be an object of field: value")
    values: dict = {}
    for key, raw in mapping.items():
        field = KEYS.get(key)
        if field is None:
            raise InvalidFilter(f"unknown filter {key!r}; known: {', '.join(sorted(KEYS))}")
        if raw is None or raw == [] or raw == "":
            continue
        values[field] = _value(key, field, raw)
    return Filters(**values)


MAX_VALUES = 100  # values one filter may list


def _value(key: str, field: str, raw):
    items = list(dict.fromkeys(raw if isinstance(raw, list) else [raw])) if _hashable(raw) else None
    if items is None:
        raise InvalidFilter(f"{key}: give a value or a list of values")
    if len(items) > MAX_VALUES:
        raise InvalidFilter(f"{key}: at most {MAX_VALUES} values, not {len(items)}")
    if field == "local_authorities":
        return tuple(_council(key, item) for item in items)
    if field == "doc_types":
        return tuple(_doc_type(key, item) for item in items)
    if field == "source_kinds":
        bad = [item for item in items if item not in SOURCE_KINDS]
        if bad:
            raise InvalidFilter(f"{key}: {bad[0]!r} is not one of {', '.join(SOURCE_KINDS)}")
        return tuple(items)
    if field == "years":
        return tuple(_year(key, item) for item in items)
    if field in ("date_from", "date_to"):
        return _date(key, raw)
    if field == "visit_number":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise InvalidFilter(f"{key}: a monitoring visit number is a whole number from 1, not {raw!r}")
        return raw
    if not all(isinstance(item, str) and item for item in items):
        raise InvalidFilter(f"{key}: document ids are strings")
    return tuple(items)


def _council(key: str, item) -> str:
    if not isinstance(item, str) or not item.strip():
        raise InvalidFilter(f"{key}: a council is named by a string, not {item!r}")
    return canonical_authority(item) or item.strip()


def _doc_type(key: str, item) -> str:
    name = DOC_TYPE_ALIASES.get(item, item) if isinstance(item, str) else item
    if name not in DOC_TYPES:
        raise InvalidFilter(f"{key}: {item!r} is not a kind of document; use one of {', '.join(DOC_TYPES)}")
    return name


def _year(key: str, item) -> int:
    if isinstance(item, bool) or (isinstance(item, float) and not item.is_integer()):
        raise InvalidFilter(f"{key}: {item!r} is not a year")
    try:
        year = int(item)
    except (TypeError, ValueError, OverflowError):
        raise InvalidFilter(f"{key}: {item!r} is not a year") from None
    if not 1990 <= year <= 2100:
        raise InvalidFilter(f"{key}: {item!r} is not a year")
    return year


def _hashable(raw) -> bool:
    """A value, or a list of values, of the kinds JSON gives (no objects or nested lists)."""
    items = raw if isinstance(raw, list) else [raw]
    return all(isinstance(item, (str, int, float, bool)) or item is None for item in items)


def _date(key: str, raw) -> str:
    try:
        return dt.date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise InvalidFilter(f"{key}: {raw!r} is not a date (YYYY-MM-DD)") from None
