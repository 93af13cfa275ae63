"""The Python entry point and the LangChain retriever over a real index of the bundled letters."""

from __future__ import annotations

import pytest

import ofsted_qa
from ofsted_qa import InvalidSettings, OfstedRetriever, Settings, open_index


@pytest.fixture(scope="module")
def letters(bundled_index):
    with open_index(bundled_index) as opened:
        yield opened


def test_one_entry_point_asks_searches_checks_and_lists(letters):
    answer = letters.ask("What did inspectors say about PA caseloads?")
    assert isinstance(answer, ofsted_qa.Answer) and answer.citations
    assert all(letters.document(c.doc_id).text[c.start:c.end] == c.quote for c in answer.citations)
    found = letters.search("MASH thresholds", 3, {"council": "BCP"})
    assert len(found.hits) == 3 and "Bournemouth, Christchurch and Poole" in found.scope
    verdicts = letters.check("Ofsted said caseloads for personal advisers had reduced.", single_claim=True)
    assert len(verdicts) == 1 and verdicts[0].verdict in ("supported", "contradicted", "not_found")
    assert {d.doc_id for d in letters.documents()} >= {"001_48f99557a5b80f02"}
    events = letters.timeline("BCP")
    assert events and all(isinstance(e, ofsted_qa.Event) for e in events)


def test_settings_are_checked_where_they_are_made():
    with pytest.raises(InvalidSettings, match="chunk_max_tokens must be a positive whole number"):
        Settings(chunk_max_tokens=0)
    with pytest.raises(InvalidSettings, match="embedding_runtime must be one of onnx-int8, torch"):
        Settings(embedding_runtime="gpu")


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        ofsted_qa.no_such_thing  # noqa: B018


def test_the_langchain_retriever_returns_indexed_passages(letters):
    retriever = OfstedRetriever(library=letters, k=4)
    docs = retriever.invoke("What did inspectors say about PA caseloads?")
    assert len(docs) == 4
    first = docs[0]
    source = letters.document(first.metadata["doc"]).text
    assert source[first.metadata["start"]:first.metadata["end"]] == first.page_content
    assert first.metadata["title"] and first.metadata["rank"] == 1
