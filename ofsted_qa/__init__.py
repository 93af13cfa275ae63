"""Find and check what Ofsted inspectors wrote: the Python entry point.

    from ofsted_qa import open_index
    letters = open_index("var/index")
    letters.ask("What did inspectors say about PA caseloads?")

Names are imported when first used, so that `ofsted_qa.settings` stays light for the modules that need it.
"""

from importlib import import_module

_EXPORTS = {
    "open_index": "ofsted_qa.library", "Library": "ofsted_qa.library", "Searched": "ofsted_qa.library",
    "Settings": "ofsted_qa.settings", "InvalidSettings": "ofsted_qa.settings",
    "filters_from": "ofsted_qa.filters", "InvalidFilter": "ofsted_qa.filters",
    "Filters": "index.filters",
    "IndexError_": "index.errors", "IndexDamaged": "index.errors", "IndexLocked": "index.errors",
    "IndexMissing": "index.errors", "SettingsMismatch": "index.errors",
    "Document": "ingest.models", "Judgement": "ingest.models", "Metadata": "ingest.models",
    "Event": "qa.history",
    "Aggregate": "qa.models", "AggregateRow": "qa.models", "Answer": "qa.models", "Citation": "qa.models",
    "Evidence": "qa.models", "Hit": "qa.models", "Verdict": "qa.models",
    "OfstedRetriever": "ofsted_qa.retriever",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'ofsted_qa' has no attribute {name!r}")
