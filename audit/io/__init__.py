"""Readers: monolingual documents (text, Markdown, presegmented) and bilingual files."""

from audit.io.bilingual import BILINGUAL_SUFFIXES, Bilingual, is_bilingual, read_bilingual
from audit.io.decode import DEFAULT_MAX_BYTES, decode, read_bytes
from audit.io.document import read_document

__all__ = [
    "BILINGUAL_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "Bilingual",
    "decode",
    "is_bilingual",
    "read_bilingual",
    "read_bytes",
    "read_document",
]
