"""A council's history from the bundled letters: events in order, headline findings, areas for improvement
and what later letters said of them."""

from __future__ import annotations

from ingest.models import Document, Metadata
from qa.follow_up import STATUSES, follow_up, status_of
from qa.history import council_events, graded_events, headline, improvements, national_latest

BCP = "Bournemouth, Christchurch and Poole"


def _doc(text: str) -> Document:
    return Document("letter", "letter.txt", "0" * 64, text, Metadata())


def test_events_in_date_order_without_press_or_copies(bundled_qa):
    docs = bundled_qa.index.documents()
    events = council_events(docs, BCP)
    assert [e.ended for e in events] == sorted(e.ended for e in events)
    ids = {e.doc_id for e in events}
    assert "004_82196dfbb9d4873c" not in ids  # a press article
    assert "002_26bebbeff29c7c35" not in ids  # a copy of the 2019 focused visit letter
    graded = graded_events(docs)
    assert [e.doc_id for e in graded] == ["bournemouth-christchurch-poole__2022-02-11__ilacs-inspection",
                                          "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"]
    latest = national_latest(docs)
    assert [e.doc_id for e in latest] == [graded[-1].doc_id]
    assert latest[0].grade("overall effectiveness").grade == "Good"


def test_headline_findings_and_areas_for_improvement_are_verbatim(bundled_qa):
    doc = bundled_qa.index.document("bournemouth-christchurch-poole__2022-02-11__ilacs-inspection")
    found = headline(doc) + improvements(doc)
    assert headline(doc) and improvements(doc)
    for p in found:
        assert doc.text[p.start:p.end] == p.text and not p.text.startswith("•")


def test_a_list_of_areas_for_improvement_ends_at_the_sign_off():
    bulleted = _doc("What needs to improve\n\n• Supervision.\n\n• Recording.\n\nYours sincerely\n\nJane Smith")
    assert [p.text for p in improvements(bulleted)] == ["Supervision.", "Recording."]
    plain = _doc("What needs to improve\n\nThe quality of supervision.\n\nThe timeliness of plans.\n\nYours sincerely")
    assert [p.text for p in improvements(plain)] == ["The quality of supervision.", "The timeliness of plans."]
    after = _doc("Areas for improvement\n\n• Supervision.\n\nInspectors found that leaders know their services well.")
    assert [p.text for p in improvements(after)] == ["Supervision."]


def test_what_later_letters_said(bundled_qa):
    docs = bundled_qa.index.documents()
    events = council_events(docs, BCP)
    first = bundled_qa.index.document(events[0].doc_id)
    later = [bundled_qa.index.document(e.doc_id) for e in events[1:]]
    item = improvements(first)[0]
    said = follow_up(bundled_qa, item, later)
    assert len(said) == len(later) and all(f.status in STATUSES for f in said)
    for f in said:
        if f.passage is not None:
            assert bundled_qa.index.document(f.doc_id).text[f.passage.start:f.passage.end] == f.passage.text
        else:
            assert f.status == "not mentioned"


def test_the_words_of_a_later_sentence_say_improved_or_not_yet():
    assert status_of("Supervision is now regular and reflective.") == "improved"
    assert status_of("Supervision has improved but is not yet consistent.") == "not yet"
    assert status_of("Too many children wait too long for a permanent home.") == "not yet"
    assert status_of("Delays in initial assessments have reduced significantly.") == "mentioned"
    assert status_of("Caseloads remain high despite recruitment that has improved.") == "not yet"
