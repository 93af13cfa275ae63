"""Answers over the real BCP letters: which sentence answers which question, cited verbatim."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_pa_caseloads_are_answered_from_the_fifth_monitoring_visit(corpus_qa):
    answer = corpus_qa.ask("What did inspectors say about PA caseloads?")
    assert not answer.abstained
    quotes = {c.quote: c for c in answer.citations}
    cited = quotes["Caseloads are monitored by senior leaders and have reduced significantly since the last inspection."]
    assert cited.doc_id == "001_48f99557a5b80f02"
    assert cited.date == "2024-01-12"
    assert cited.section == "Findings and evaluation of progress"
    assert f"[{cited.n}]" in answer.text


def test_every_citation_is_verbatim_and_points_at_its_offsets(corpus_qa):
    for question in ("How quickly are care leavers allocated a personal adviser?",
                     "What is The Hub for care-experienced young people?",
                     "How has the quality assurance framework developed over time?"):
        answer = corpus_qa.ask(question)
        assert answer.citations
        for c in answer.citations:
            text = corpus_qa.index.document(c.doc_id).text
            assert text[c.start:c.end] == c.quote


def test_a_question_about_change_quotes_each_letter_in_date_order(corpus_qa):
    answer = corpus_qa.ask("How has the quality assurance framework developed over time?")
    dates = [corpus_qa.index.document(c.doc_id).meta.when for c in answer.citations]
    assert dates == sorted(dates, key=lambda d: d or "9999")  # undated documents last
    assert len({c.doc_id for c in answer.citations}) >= 3  # one sentence from each of several letters
    assert "000_49ecad93d48c1fcf" in {c.doc_id for c in answer.citations}


def test_the_second_monitoring_visit_scope_finds_its_inspectors(corpus_qa):
    answer = corpus_qa.ask("Who were the inspectors on the second monitoring visit?")
    assert "monitoring visit 2" in answer.scope
    assert {c.doc_id for c in answer.citations} == {"000_49ecad93d48c1fcf"}
    assert any("Steve Lowe and Louise Hocking" in c.quote for c in answer.citations)


def test_it_abstains_when_the_letters_are_silent_but_keeps_the_passages(corpus_qa):
    answer = corpus_qa.ask("How much does the council spend on agency social workers?")
    assert answer.abstained and answer.citations == ()
    assert answer.text == "The indexed letters do not address this."
    assert len(answer.hits) >= 10


def test_a_council_the_index_does_not_hold_is_an_abstention(corpus_qa):
    answer = corpus_qa.ask("What did inspectors say about Kent's front door?")
    assert answer.abstained and "Kent" in answer.reason
    assert answer.hits


def test_answers_never_cite_the_duplicate_copy_of_a_letter(bundled_qa):
    answer = bundled_qa.ask("Do independent reviewing officers challenge drift in permanence plans?")
    assert not answer.abstained
    docs = {c.doc_id for c in answer.citations}
    assert "bournemouth-christchurch-poole__2019-12-18__focused-visit" in docs
    assert "002_26bebbeff29c7c35" not in docs
    assert all(h.doc.doc_id != "002_26bebbeff29c7c35" for h in answer.hits)


def test_cli_ask_prints_the_contract_shape(corpus_index):
    out = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "--index", str(corpus_index), "--json",
         "What happened to the domestic abuse worker post in the MASH?"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    result = json.loads(out)
    assert set(result) >= {"question", "answer", "abstained", "citations", "passages"}
    assert result["abstained"] is False
    assert len(result["passages"]) >= 10 and result["passages"][0]["rank"] == 1
    assert any("the domestic abuse worker has left the role" in c["quote"] for c in result["citations"])
    assert {"n", "doc", "title", "date", "quote"} <= set(result["citations"][0])


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0
        self.dim = inner.dim

    def embed(self, texts, *args, **kwargs):
        self.texts += len(texts)
        return self.inner.embed(texts, *args, **kwargs)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_answers_use_the_sentence_vectors_stored_at_ingest(bundled_qa):
    from qa.answer import ExtractiveAnswerer

    question = "What did inspectors say about the caseloads of personal advisers?"
    counting = CountingEmbedder(bundled_qa.index.embedder)
    stored = ExtractiveAnswerer(counting, sentence_vectors=bundled_qa.index.sentence_vectors)
    query, hits = bundled_qa.search(question)
    answer = stored.answer(query, hits)
    assert not answer.abstained and counting.texts == 0
    fresh = ExtractiveAnswerer(counting).answer(query, hits)  # without them, every candidate is embedded
    assert counting.texts > 0 and not fresh.abstained


def test_a_grade_question_cites_the_grade_table_once_and_whole(bundled_qa):
    answer = bundled_qa.ask("What grades did BCP get in its December 2021 inspection?")
    assert not answer.abstained
    tables = [c for c in answer.citations if "Overall effectiveness Inadequate" in c.quote]
    assert len(tables) == 1
    assert "The experiences and progress of children who need help and protection Inadequate" in tables[0].quote
    doc = bundled_qa.index.document(tables[0].doc_id)
    assert doc.text[tables[0].start:tables[0].end] == tables[0].quote


def test_a_sentence_leaning_on_the_one_before_brings_it(bundled_qa):
    answer = bundled_qa.ask("What effect did losing the domestic abuse worker have on triage in the MASH?")
    assert any(c.quote.startswith("Since the last inspection, the domestic abuse worker has left the role")
               and c.quote.endswith("the quality of triage for some domestic abuse referrals.") for c in answer.citations)


def test_quotes_never_start_with_a_list_marker(bundled_qa):
    for question in ("What areas for improvement did the 2019 focused visit identify?",
                     "What were the priority areas for the second monitoring visit?"):
        for c in bundled_qa.ask(question).citations:
            assert c.quote[:1] not in "•◼▪-–*" and not c.quote[:3].rstrip(".").isdigit(), c.quote
