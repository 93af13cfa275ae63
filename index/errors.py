"""Errors raised by the index; the CLI and the app turn them into messages for people."""


class IndexError_(Exception):
    """Base of every error the index raises on purpose (named so as not to shadow IndexError)."""


class SettingsMismatch(IndexError_):
    """The index was built with other model or chunk settings than the ones asked for."""


class IndexMissing(IndexError_):
    """No index at the given folder."""


class IndexLocked(IndexError_):
    """Another process is writing to the index."""


class IndexDamaged(IndexError_):
    """A file of the index cannot be read (truncated or corrupted); the message says what mends it."""


def locked_message(location: str) -> str:
    """What a second writer is told, whichever backend refused it."""
    return f"another ingest is writing to the index at {location}; try again when it ends"
