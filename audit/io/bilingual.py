"""Bilingual files: TSV and JSONL pairs, XLIFF 1.2 and 2.0, TMX, PO.

XML formats are parsed by translate-toolkit, after a defusedxml pass that refuses entity
declarations and external references (billion laughs, XXE) before any XML reaches lxml.

The unit texts of each side are joined with blank lines into one document text, so the usual
offset convention holds (``text[start:end] == segment.text``); every segment also carries the
id of its translation unit, and units give the alignment.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import InputError
from audit.io.decode import DEFAULT_MAX_BYTES, decode, read_bytes
from audit.model import Bead, Document, Segment
from audit.segment import segment_text

BILINGUAL_SUFFIXES = {
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".tmx": "tmx",
    ".po": "po",
    ".pot": "po",
}
_UNIT_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Unit:
    id: str
    source: str
    target: str


@dataclass(frozen=True)
class Bilingual:
    source: Document
    target: Document
    alignment: tuple[Bead, ...]


def is_bilingual(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in BILINGUAL_SUFFIXES


def read_bilingual(
    path: str | os.PathLike[str],
    *,
    source_lang: str = "en",
    target_lang: str = "ja",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Bilingual:
    name = str(path)
    fmt = BILINGUAL_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError("not a bilingual file type", path=name, hint=f"use one of {', '.join(sorted(BILINGUAL_SUFFIXES))}")
    data = read_bytes(path, max_bytes=max_bytes)
    if fmt in ("xliff", "tmx"):
        _refuse_unsafe_xml(data, name)
        units = _read_xml(data, fmt, name, source_lang, target_lang)
        encoding = "xml"
    elif fmt == "po":
        units = _read_po(data, name)
        encoding = "po"
    else:
        decoded = decode(data, path=name)
        encoding = decoded.encoding
        units = _read_tsv(decoded.text, name) if fmt == "tsv" else _read_jsonl(decoded.text, name)
    if not units:
        raise InputError(f"no translation units found in this {fmt} file", path=name)
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    src_doc, src_units = _assemble(units, "source", source_lang, name, digest, encoding, fmt)
    tgt_doc, tgt_units = _assemble(units, "target", target_lang, name, digest, encoding, fmt)
    beads = tuple(Bead(tuple(s), tuple(t), None) for s, t in zip(src_units, tgt_units) if s or t)
    return Bilingual(src_doc, tgt_doc, beads)


def _assemble(
    units: list[Unit], side: str, lang: str, path: str, digest: str, encoding: str, fmt: str
) -> tuple[Document, list[list[int]]]:
    parts: list[str] = []
    segments: list[Segment] = []
    per_unit: list[list[int]] = []
    offset = 0
    for paragraph, unit in enumerate(units):
        text = getattr(unit, side)
        ids: list[int] = []
        for seg in segment_text(text, lang):
            ids.append(len(segments))
            segments.append(
                Segment(len(segments), seg.start + offset, seg.end + offset, seg.text, paragraph, seg.kind, unit.id)
            )
        per_unit.append(ids)
        parts.append(text)
        offset += len(text) + len(_UNIT_SEPARATOR)
    joined = _UNIT_SEPARATOR.join(parts)
    return Document(path, digest, encoding, lang, joined, tuple(segments), fmt), per_unit


def _read_tsv(text: str, path: str) -> list[Unit]:
    units = []
    # newline="": a lone \r ends a line as \n and \r\n do (csv's own rule), rather than
    # leaving csv to stop at a line break inside a field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = enumerate(reader, 1)
    while True:
        try:
            lineno, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"line {reader.line_num}: not a TSV row ({exc})", path=path) from None
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise InputError(f"line {lineno}: expected two tab-separated columns (source, target), found one", path=path)
        if lineno == 1 and [c.strip().lower() for c in row[:2]] == ["source", "target"]:
            continue
        units.append(Unit(str(lineno), row[0].strip(), row[1].strip()))
    return units


def jsonl_objects(text: str, path: str | None, expected: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object is an InputError."""
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {lineno}: invalid JSON ({exc.msg})", path=path) from None
        if not isinstance(obj, dict):
            raise InputError(f"line {lineno}: expected an object with {expected}", path=path)
        yield lineno, obj


def _read_jsonl(text: str, path: str) -> list[Unit]:
    units = []
    for lineno, obj in jsonl_objects(text, path, "'source' and 'target'"):
        src = obj.get("source", obj.get("src"))
        tgt = obj.get("target", obj.get("tgt", obj.get("mt")))
        if not isinstance(src, str) or not isinstance(tgt, str):
            raise InputError(f"line {lineno}: 'source' and 'target' must be strings", path=path)
        for side, text in (("source", src), ("target", tgt)):
            bad = _SURROGATE.search(text)
            if bad:
                raise InputError(
                    f"line {lineno}: the {side} holds a lone surrogate (\\u{ord(bad.group()):04x}), an escape of half a character, "
                    "not text",
                    path=path,
                    hint="write the character itself, or both halves of its surrogate pair",
                )
        units.append(Unit(str(obj.get("id", lineno)), src, tgt))
    return units


# JSON may escape half of a UTF-16 surrogate pair ("\ud854") on its own: legal JSON, not text
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_unsafe_xml(data: bytes, path: str) -> None:
    """Reject entity declarations and external references before lxml sees the bytes."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"unsafe XML refused ({type(exc).__name__}): entity declarations and external references are not allowed",
            path=path,
        ) from exc
    except ParseError as exc:
        raise InputError(f"malformed XML: {exc}", path=path) from exc


def _read_xml(data: bytes, fmt: str, path: str, source_lang: str, target_lang: str) -> list[Unit]:
    try:
        if fmt == "tmx":
            from translate.storage import tmx

            store = tmx.tmxfile.parsestring(data)
            return [_tmx_unit(u, i, source_lang, target_lang) for i, u in enumerate(store.units)]
        if b"urn:oasis:names:tc:xliff:document:2." in data[:4096]:
            from translate.storage import xliff2

            store = xliff2.Xliff2File.parsestring(data)
        else:
            from translate.storage import xliff

            store = xliff.xlifffile.parsestring(data)
    except InputError:
        raise
    except Exception as exc:  # translate-toolkit raises assorted errors on bad structure
        raise InputError(f"cannot read {fmt.upper()}: {exc}", path=path) from exc
    units = []
    for i, u in enumerate(store.units):
        if getattr(u, "isheader", lambda: False)():
            continue
        units.append(Unit(str(u.getid() or i), str(u.source or ""), str(u.target or "")))
    return units


def _tmx_unit(unit: object, index: int, source_lang: str, target_lang: str) -> Unit:
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    texts: dict[str, str] = {}
    for node in unit.getlanguageNodes():  # type: ignore[attr-defined]
        lang = (node.get(xml_lang) or node.get("lang") or "").lower()
        seg = next((c for c in node if str(c.tag).endswith("seg")), None)
        texts.setdefault(lang.split("-")[0], "".join(seg.itertext()) if seg is not None else "")
    return Unit(str(index + 1), texts.get(source_lang, ""), texts.get(target_lang, ""))


def _read_po(data: bytes, path: str) -> list[Unit]:
    from translate.storage import pypo

    try:
        store = pypo.pofile.parsestring(data)
    except Exception as exc:
        raise InputError(f"cannot read PO: {exc}", path=path) from exc
    return [
        Unit(str(i), str(u.source or ""), str(u.target or ""))
        for i, u in enumerate(store.units)
        if not u.isheader() and not u.isobsolete()
    ]
