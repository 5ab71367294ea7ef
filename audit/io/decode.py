"""Reading bytes into text: size limits, binary detection, encoding detection.

The decoded text is kept exactly as decoded (no newline rewriting), so offsets into it stay
true; the segmenter treats ``\\r\\n``, ``\\r`` and ``\\n`` alike.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from audit.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Legacy Japanese encodings tried when the bytes are not UTF-8, most specific first.
_LEGACY = ("cp932", "euc_jp", "shift_jis", "iso2022_jp")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    sha256: str
    size: int


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file with the errors a user can act on."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("no such file", path=name)
    if p.is_dir():
        raise InputError("is a directory, not a file", path=name, hint="give a document file")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from exc
    if size > max_bytes:
        raise InputError(
            f"file is {size / 1_048_576:.1f} MiB, over the {max_bytes / 1_048_576:.0f} MiB limit",
            path=name,
            hint="split the document, or raise the limit with --max-size",
        )
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from exc


def decode(data: bytes, *, path: str | None = None, encoding: str | None = None) -> Decoded:
    """Decode bytes, detecting UTF-8 (with or without BOM), UTF-16/32, Shift_JIS, EUC-JP and Windows-1252."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputError("file is empty", path=path, hint="nothing to audit")
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", path=path) from exc
        return _checked(Decoded(text, encoding, digest, len(data)), path)

    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {label} after its byte-order mark at byte {exc.start}", path=path) from exc
            return _checked(Decoded(text, label, digest, len(data)), path)

    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(Decoded(data.decode(utf16), utf16, digest, len(data)), path)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError("looks like a binary file (NUL bytes), not text", path=path)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8", digest, len(data)), path)
    except UnicodeDecodeError as utf8_error:
        legacy = _best_legacy(data)
        if legacy is None:
            raise InputError(
                f"undecodable bytes at offset {utf8_error.start}: not UTF-8, UTF-16, Shift_JIS or EUC-JP",
                path=path,
                hint="re-save the file as UTF-8 or pass --encoding",
            ) from utf8_error
        text, codec = legacy
        return _checked(Decoded(text, codec, digest, len(data)), path)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-heavy text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _japanese_ratio(text: str) -> float:
    if not text:
        return 0.0
    good = sum(
        1
        for ch in text
        if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or ch.isascii()
    )
    return good / len(text)


def _best_legacy(data: bytes) -> tuple[str, str] | None:
    """Pick the legacy Japanese codec that decodes strictly into the most plausible text."""
    best: tuple[float, str, str] | None = None
    for codec in _LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        ratio = _japanese_ratio(text)
        if best is None or ratio > best[0]:
            best = (ratio, text, codec)
    if best is not None and best[0] >= 0.9:
        return best[1], best[2]
    # Western single-byte text (an English source saved as Windows-1252): mostly ASCII letters.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) / len(letters) >= 0.9 and _control_ratio(text) == 0:
        return text, "cp1252"
    return None


def _control_ratio(text: str) -> float:
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad / len(sample)


def _checked(decoded: Decoded, path: str | None) -> Decoded:
    if not decoded.text.strip():
        raise InputError("file has no text (only whitespace)", path=path, hint="nothing to audit")
    if _control_ratio(decoded.text) > 0.01:
        raise InputError("looks like a binary file (control characters), not text", path=path)
    return decoded
