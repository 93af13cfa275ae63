"""The embedder on real chunks of the bundled letters: fp32 equals sentence-transformers, int8 stays close,
sentence vectors pooled in context point at their own sentence, and the int8 copy is made once."""

import numpy as np
import pytest

from index.embedder import Embedder, load_embedder, model_path
from index.onnx_model import int8_model
from ingest.chunking import chunk_document
from ingest.pipeline import prepare
from ingest.readers import file_sha256
from ingest.sentences import split_sentences
from ofsted_qa.settings import Settings
from tests.conftest import LETTERS

NAME = Settings().embedding_model


@pytest.fixture(scope="module")
def chunks():
    texts = []
    for path in sorted(LETTERS.glob("*.txt"))[:3]:
        doc = prepare(path, file_sha256(path), Settings().max_file_bytes)
        texts += [c.text for c in chunk_document(doc, Settings(), fits=load_embedder(NAME).fits)]
    return texts


@pytest.fixture(scope="module")
def reference(chunks):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path(NAME)), device="cpu", local_files_only=True)
    return model.encode(chunks, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)


def test_torch_runtime_reproduces_sentence_transformers(chunks, reference):
    vectors = load_embedder(NAME, "torch").embed(chunks)
    assert vectors.shape == reference.shape == (len(chunks), 384)
    assert np.abs(vectors - reference).max() < 1e-4


def test_int8_runtime_stays_close_to_fp32(chunks, reference):
    vectors = load_embedder(NAME, "onnx-int8").embed(chunks)
    cosines = (vectors * reference).sum(axis=1)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines.mean() > 0.98 and cosines.min() > 0.95


def test_batching_does_not_change_vectors(chunks):
    embedder = load_embedder(NAME)
    one_by_one = np.stack([embedder.embed([t])[0] for t in chunks[:12]])
    assert np.abs(embedder.embed(chunks[:12], batch_size=5) - one_by_one).max() < 1e-4


def test_sentence_vectors_in_context_point_at_their_own_sentence(chunks):
    embedder = load_embedder(NAME)
    multi = [t for t in chunks if len(split_sentences(t)) >= 3]
    spans = [split_sentences(t) for t in multi]
    _, in_context = embedder.embed_with_spans(multi, spans)
    hits = total = 0
    for text, text_spans, pooled in zip(multi, spans, in_context):
        alone = embedder.embed([text[a:b] for a, b in text_spans])
        nearest = (pooled @ alone.T).argmax(axis=1)
        hits += int((nearest == np.arange(len(text_spans))).sum())
        total += len(text_spans)
    assert total > 50
    assert hits / total >= 0.8  # each pooled vector is nearest its own sentence for most sentences


def test_span_without_tokens_gets_a_zero_vector():
    embedder = load_embedder(NAME)
    _, (pooled,) = embedder.embed_with_spans(["Care leavers get a PA."], [[(0, 11), (50, 60)]])
    assert np.isclose(np.linalg.norm(pooled[0]), 1.0) and not pooled[1].any()


def test_count_tokens_never_truncates():
    embedder = load_embedder(NAME)
    long = "children " * 600
    assert embedder.count_tokens(long) == 600 and not embedder.fits(long)
    assert embedder.embed([long]).shape == (1, 384)  # the model itself truncates


def test_int8_copy_is_made_once_and_remade_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("OFSTED_QA_CACHE", str(tmp_path))
    path = int8_model(model_path(NAME))
    assert path.parent == tmp_path and path.stat().st_size > 10_000_000
    made = path.stat().st_mtime_ns
    assert int8_model(model_path(NAME)).stat().st_mtime_ns == made
    path.write_bytes(b"half a file")
    embedder = Embedder(NAME, "onnx-int8")
    assert embedder.embed(["Most care leavers have a personal adviser."]).shape == (1, 384)
    assert path.stat().st_size > 10_000_000
    assert not list(tmp_path.glob(".export-*"))
