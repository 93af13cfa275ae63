"""Errors raised by ingest; the CLI and the app turn them into messages for people."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base of every error ingest raises on purpose."""


class ReadError(IngestError):
    """A file could not be turned into text; names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")
