"""Names for uploaded files: whatever a browser or an HTTP client sends, a file lands directly in the upload folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 200  # well under the usual 255-byte limit on a file name
_FORBIDDEN_IN_NAMES = re.compile(r'[<>:"|?*]')


class UnsafeName(ValueError):
    """A name that would leave the upload folder even after sanitising (never expected)."""


def sanitize_filename(name: str | None, default: str = "upload") -> str:
    """A file name that can only ever name a file directly inside the upload folder.

    Drops any directory part (either slash), NUL and other control or format characters,
    characters Windows forbids, and leading dots (no hidden files, no '..'); keeps spaces,
    accents and non-Latin letters; caps the length in bytes, keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _FORBIDDEN_IN_NAMES.sub("_", name)
    name = " ".join(name.split()).strip(" ")
    if name.startswith(".") and "." not in name.lstrip("."):  # ".pdf": an extension with no name
        name = default + "." + name.lstrip(".")
    name = name.strip(" .")
    if not name:
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix}" if dot else ""
    if not stem.strip(" ."):
        stem = default
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return (stem.rstrip(" .") or default) + suffix


def upload_path(folder: Path | str, name: str) -> Path:
    """Where an upload called `name` is saved: always a direct child of `folder`."""
    folder = Path(folder).resolve()
    path = (folder / sanitize_filename(name)).resolve()
    if path.parent != folder:  # cannot happen after sanitising; refuse rather than trust it
        raise UnsafeName(f"unsafe file name: {name!r}")
    return path
