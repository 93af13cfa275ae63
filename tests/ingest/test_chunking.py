"""Chunks of the real bundled letters: bounded, whole, sectioned, stable."""

import pytest

from index.embedder import load_embedder
from ingest.chunking import chunk_document
from ingest.pipeline import prepare
from ingest.readers import file_sha256
from ofsted_qa.settings import Settings
from tests.conftest import LETTERS

SETTINGS = Settings()
FILES = sorted(p for p in LETTERS.iterdir() if p.suffix in (".txt", ".pdf"))


@pytest.fixture(scope="module")
def embedder():
    return load_embedder(SETTINGS.embedding_model)


@pytest.fixture(scope="module")
def chunked(embedder):
    out = {}
    for path in FILES:
        doc = prepare(path, file_sha256(path), SETTINGS.max_file_bytes)
        out[path.stem] = (doc, chunk_document(doc, SETTINGS, fits=embedder.fits))
    return out


def test_offsets_point_at_the_chunk_text(chunked):
    for doc, chunks in chunked.values():
        for c in chunks:
            assert doc.text[c.start:c.end] == c.text


def test_chunks_respect_the_token_bound_and_the_model_never_truncates(chunked, embedder):
    for _, chunks in chunked.values():
        for c in chunks:
            assert c.n_tokens <= SETTINGS.chunk_max_tokens
            # the model's own tokenizer, with its [CLS] and [SEP]
            assert embedder.count_tokens(c.text) + 2 <= embedder.max_tokens, c.chunk_id


def test_nothing_of_the_text_is_lost_between_chunks(chunked):
    for doc, chunks in chunked.values():
        covered = "".join(doc.text[c.start:c.end] for c in chunks)
        assert "".join(covered.split()) == "".join(doc.text.split())


def test_a_heading_starts_a_chunk_and_names_its_section(chunked):
    doc, chunks = chunked["001_48f99557a5b80f02"]
    opening = [c for c in chunks if c.text.startswith("Findings and evaluation of progress")]
    assert len(opening) == 1
    assert opening[0].section == "Findings and evaluation of progress"
    allocated = next(c for c in chunks if "Most children are allocated a PA too late" in c.text)
    assert allocated.section == "Findings and evaluation of progress"


def test_chunk_ids_are_stable_across_runs(embedder):
    path = LETTERS / "000_49ecad93d48c1fcf.txt"
    first = chunk_document(prepare(path, "x", SETTINGS.max_file_bytes), SETTINGS, fits=embedder.fits)
    again = chunk_document(prepare(path, "x", SETTINGS.max_file_bytes), SETTINGS, fits=embedder.fits)
    assert [(c.chunk_id, c.text) for c in first] == [(c.chunk_id, c.text) for c in again]
    assert first[0].chunk_id == "000_49ecad93d48c1fcf:0000"


def test_a_long_paragraph_is_split_between_sentences_and_a_giant_word_anywhere(embedder):
    from ingest.models import Document, Metadata

    sentence = "Managers track the timeliness of assessments for every child in need each week. "
    text = "Heading line\n\n" + sentence * 40 + "\n\n" + "x" * 3000
    doc = Document("synthetic", "synthetic.txt", "0", text, Metadata())
    chunks = chunk_document(doc, SETTINGS, fits=embedder.fits)
    assert all(c.n_tokens <= SETTINGS.chunk_max_tokens and embedder.fits(c.text) for c in chunks)
    sentence_chunks = [c for c in chunks if "Managers" in c.text]
    assert all(c.text.rstrip().endswith(".") for c in sentence_chunks)
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(text.split())
