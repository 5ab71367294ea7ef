"""Translation units read one at a time, for files too large to hold: TMX, XLIFF 1.2 and 2.0,
TSV, JSONL (``audit check FILE --stream``).

XML is parsed incrementally with defusedxml's ``iterparse`` (entity declarations and external
references refused, as for whole files), and each unit's element is cleared once read, so
memory does not grow with the file. Text files are read line by line (UTF-8, with or without a
byte-order mark). PO files are read whole: they are rarely large.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from audit.errors import InputError
from audit.io.bilingual import BILINGUAL_SUFFIXES, Unit

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(elem: Any) -> str:
    return "".join(elem.itertext()) if elem is not None else ""


def iter_units(path: str | os.PathLike[str], *, source_lang: str = "en", target_lang: str = "ja") -> Iterator[Unit]:
    name = str(path)
    fmt = BILINGUAL_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError("--stream reads bilingual files only (TMX, XLIFF, TSV, JSONL, PO)", path=name)
    if fmt in ("tmx", "xliff"):
        yield from _xml_units(name, fmt, source_lang, target_lang)
    elif fmt == "po":
        from audit.io.bilingual import _read_po
        from audit.io.decode import read_bytes

        yield from _read_po(read_bytes(path, max_bytes=1 << 62), name)
    else:
        yield from _text_units(name, fmt)


def _lines(path: str) -> Iterator[tuple[int, str]]:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(0)
            encoding = "utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
            reader = codecs.getreader(encoding)(fh, "strict")
            lineno = 0
            while True:
                try:
                    line = reader.readline()
                except UnicodeDecodeError as exc:
                    raise InputError(f"line {lineno + 1}: not {encoding.split('-sig')[0].upper()} ({exc.reason})", path=path) from None
                if not line:
                    return
                lineno += 1
                yield lineno, line.rstrip("\r\n")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _text_units(path: str, fmt: str) -> Iterator[Unit]:
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        if fmt == "tsv":
            cells = line.split("\t")
            if len(cells) < 2:
                raise InputError(f"line {lineno}: expected two tab-separated columns (source, target), found one", path=path)
            if lineno == 1 and [c.strip().lower() for c in cells[:2]] == ["source", "target"]:
                continue
            yield Unit(str(lineno), cells[0].strip(), cells[1].strip())
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {lineno}: invalid JSON ({exc.msg})", path=path) from None
        src = obj.get("source", obj.get("src")) if isinstance(obj, dict) else None
        tgt = obj.get("target", obj.get("tgt", obj.get("mt"))) if isinstance(obj, dict) else None
        if not isinstance(src, str) or not isinstance(tgt, str):
            raise InputError(f"line {lineno}: expected an object whose 'source' and 'target' are strings", path=path)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in src + tgt):
            raise InputError(f"line {lineno}: a lone surrogate (an escape of half a character), not text", path=path)
        yield Unit(str(obj.get("id", lineno)), src, tgt)


def _xml_units(path: str, fmt: str, source_lang: str, target_lang: str) -> Iterator[Unit]:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    unit_tags = {"tu"} if fmt == "tmx" else {"trans-unit", "unit"}
    parents: list[Any] = []
    count = 0
    try:
        for event, elem in SafeET.iterparse(path, events=("start", "end"), forbid_dtd=False, forbid_entities=True, forbid_external=True):
            tag = _local(elem.tag)
            if event == "start":
                if tag not in unit_tags:
                    parents.append(elem)
                continue
            if tag not in unit_tags:
                if parents and parents[-1] is elem:
                    parents.pop()
                continue
            count += 1
            unit = _tmx_unit(elem, count, source_lang, target_lang) if fmt == "tmx" else _xliff_unit(elem, count)
            if parents:
                parents[-1].clear()  # the units read so far: memory stays flat
            else:
                elem.clear()
            yield unit
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused ({type(exc).__name__}): entity declarations and external references are not allowed", path=path) from None
    except ParseError as exc:
        raise InputError(f"malformed XML: {exc}", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _tmx_unit(tu: Any, index: int, source_lang: str, target_lang: str) -> Unit:
    texts: dict[str, str] = {}
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]
        seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
        texts.setdefault(lang, _text(seg))
    return Unit(tu.get("tuid") or str(index), texts.get(source_lang, ""), texts.get(target_lang, ""))


def _xliff_unit(unit: Any, index: int) -> Unit:
    """XLIFF 1.2: the trans-unit's own source and target (not alt-trans suggestions); 2.0: the
    source and target of each segment of the unit, joined."""
    holders = [c for c in unit if _local(c.tag) == "segment"] or [unit]
    sources = [c for h in holders for c in h if _local(c.tag) == "source"]
    targets = [c for h in holders for c in h if _local(c.tag) == "target"]
    return Unit(unit.get("id") or str(index), " ".join(_text(s) for s in sources), " ".join(_text(t) for t in targets))
