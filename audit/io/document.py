"""Monolingual documents: plain text, Markdown, one-sentence-per-line."""

from __future__ import annotations

import os
from pathlib import Path

from audit.io.decode import DEFAULT_MAX_BYTES, decode, read_bytes
from audit.model import Document
from audit.segment import segment_text

_MARKDOWN = {".md", ".markdown", ".mdown"}


def read_document(
    path: str | os.PathLike[str],
    lang: str,
    *,
    presegmented: bool = False,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read, decode and segment one document."""
    data = read_bytes(path, max_bytes=max_bytes)
    decoded = decode(data, path=str(path), encoding=encoding)
    markdown = Path(path).suffix.lower() in _MARKDOWN
    return document_from_text(
        decoded.text,
        lang,
        path=str(path),
        sha256=decoded.sha256,
        encoding=decoded.encoding,
        presegmented=presegmented,
        markdown=markdown,
    )


def document_from_text(
    text: str,
    lang: str,
    *,
    path: str | None = None,
    sha256: str | None = None,
    encoding: str = "utf-8",
    presegmented: bool = False,
    markdown: bool = False,
) -> Document:
    """Segment text already in memory (the API behind every reader and the tests)."""
    import hashlib

    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    segments = segment_text(text, lang, presegmented=presegmented, markdown=markdown)
    fmt = "presegmented" if presegmented else ("markdown" if markdown else "text")
    return Document(path, digest, encoding, lang, text, segments, fmt)
