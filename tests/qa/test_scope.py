"""Scope read from a question and filters set by the user: what is applied, what is loosened, and said."""

import json
import subprocess
import sys

from index.index import Filters
from tests.conftest import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_explicit_filters_are_never_widened(bundled_index):
    run = _cli("search", "caseloads", "--council", "Kent", "--type", "jtai", "--index", str(bundled_index), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["passages"] == [] and result["loosened"] == []
    assert "council: Kent" in result["scope"]
    run = _cli("search", "caseloads", "--council", "Kent", "--type", "jtai", "--index", str(bundled_index))
    assert "no passage matches the filters given" in run.stdout


def test_an_explicit_filter_that_matches_nothing_is_an_abstention_that_says_why(bundled_qa):
    answer = bundled_qa.ask("What did inspectors say about caseloads?", Filters(doc_types=("jtai",)))
    assert answer.abstained and "no indexed letter matches the filters given" in answer.reason
    assert answer.hits == ()


def test_scope_from_the_words_is_loosened_out_loud(bundled_qa):
    answer = bundled_qa.ask("What did the 2017 focused visit to BCP find about supervision?")
    assert any("the years read from the question matched no letter" in note for note in answer.loosened)
    assert answer.hits and all(h.doc.meta.local_authority == "Bournemouth, Christchurch and Poole" for h in answer.hits)


def test_a_question_about_change_keeps_the_later_letters(bundled_qa):
    query, hits = bundled_qa.search("Has the front door improved since the 2019 focused visit?")
    assert query.scope.filters.date_from == "2019-01-01"
    # a later letter of any kind about children's services; area SEND reports are about other services
    assert "focused_visit" in query.scope.filters.doc_types and "area_send" not in query.scope.filters.doc_types
    assert len({h.doc.doc_id for h in hits}) >= 3
    assert "improved" not in query.terms and "front" in query.terms  # the change asked about is scope, not topic


def test_a_question_about_change_in_send_services_keeps_area_send_reports(bundled_qa):
    query, _ = bundled_qa.search("Has support for children with SEND improved since 2019?")
    assert query.scope.filters.doc_types == ()


def test_the_latest_letter_of_a_kind(bundled_qa):
    query, hits = bundled_qa.search("What did the latest inspection of BCP say about care leavers?")
    assert query.scope.latest
    assert {h.doc.doc_id for h in hits} == {"bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"}
