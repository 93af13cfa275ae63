"""Find and check what Ofsted inspectors wrote: the Python entry point.

    from ofsted_qa import open_index
    letters = open_index("var/index")
    letters.ask("What did inspectors say about PA caseloads?")
"""

from index.errors import IndexDamaged, IndexError_, IndexLocked, IndexMissing, SettingsMismatch
from index.filters import Filters
from ingest.models import Document, Judgement, Metadata
from ofsted_qa.filters import InvalidFilter, filters_from
from ofsted_qa.library import Library, Searched, open_index
from ofsted_qa.settings import InvalidSettings, Settings
from qa.history import Event
from qa.models import Aggregate, AggregateRow, Answer, Citation, Evidence, Hit, Verdict

__all__ = [
    "Aggregate", "AggregateRow", "Answer", "Citation", "Document", "Event", "Evidence", "Filters", "Hit",
    "IndexDamaged", "IndexError_", "IndexLocked", "IndexMissing", "InvalidFilter", "InvalidSettings", "Judgement",
    "Library", "Metadata", "Searched", "Settings", "SettingsMismatch", "Verdict", "filters_from", "open_index",
]
