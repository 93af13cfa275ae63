"""The chat model a generative answer is written with: any OpenAI-compatible endpoint, or Ollama."""

from __future__ import annotations

import os

from ofsted_qa.settings import Settings


class ModelUnavailable(RuntimeError):
    """The settings name no usable model, or its package is missing."""


def chat_model(settings: Settings):
    """A LangChain chat model from the settings, at temperature 0."""
    if not settings.llm_model:
        raise ModelUnavailable("no model named: set OFSTED_QA_LLM_MODEL (and OFSTED_QA_LLM_BASE_URL) "
                               "or pass --llm-model")
    if settings.llm_provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as e:
            raise ModelUnavailable("Ollama answers need: pip install -r requirements-llm.txt") from e
        return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url or None, temperature=0,
                          num_predict=settings.llm_max_tokens)
    if settings.llm_provider != "openai":
        raise ModelUnavailable(f"unknown model provider {settings.llm_provider!r}; use 'openai' or 'ollama'")
    try:
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr
    except ImportError as e:
        raise ModelUnavailable("OpenAI-compatible answers need: pip install -r requirements-llm.txt") from e
    key = SecretStr(settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed")
    # max_completion_tokens is the name ChatOpenAI takes for its max_tokens field. The limit also goes in the
    # body as max_tokens: some OpenAI-compatible servers ignore max_completion_tokens.
    return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url or None, api_key=key, temperature=0,
                      max_completion_tokens=settings.llm_max_tokens,
                      extra_body={"max_tokens": settings.llm_max_tokens}, timeout=300, max_retries=1)
