"""Glossaries (term bases) as data: TSV and TBX, several at once.

**TSV**, one concept per line, ``#`` comments, an optional ``source<TAB>target[<TAB>note]`` header::

    Department of Energy | DOE<TAB>エネルギー省 | 米エネルギー省 | !エナジー省<TAB>US federal department

Alternatives are separated by ``|``; a Japanese form written ``!FORM`` is a known wrong rendering
(flagged wherever it appears). The first accepted Japanese form is the preferred one.

**TBX** (ISO 30042), both TBX v2 (``martif``/``termEntry``/``langSet``/``tig``) and TBX v3
(``tbx``/``conceptEntry``/``langSec``/``termSec``), languages chosen by ``xml:lang``; terms whose
``administrativeStatus`` is deprecated or not recommended are the known wrong renderings;
``definition`` and ``note`` become the entry's note. The file is parsed with defusedxml, which
refuses entity declarations and external references. (translate-toolkit's ``tbxfile`` reads TBX v2
only and picks languages by position, so it is not used here.)

Matching: an English form matches case-insensitively on word boundaries, except all-capital
forms (acronyms), which match exactly; Japanese forms are compared after per-character NFKC
(full-width letters and digits fold) so that offsets stay those of the document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from audit.errors import InputError
from audit.lexicon.numbers import nfkc_per_char

_DEPRECATED = {"deprecatedterm-admn-sts", "deprecatedterm", "deprecated", "supersededterm-admn-sts", "supersededterm", "notrecommended", "admittedterm-admn-sts-notrecommended"}


@dataclass(frozen=True)
class Term:
    source: tuple[str, ...]  # English forms, acronyms included
    targets: tuple[str, ...]  # accepted Japanese forms, preferred first
    forbidden: tuple[str, ...] = ()  # known wrong Japanese renderings
    note: str = ""
    origin: str = ""  # file:line or file#entry-id

    @property
    def preferred(self) -> str:
        return self.targets[0] if self.targets else ""


@dataclass(frozen=True)
class SourceHit:
    term: Term
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    files: tuple[dict[str, Any], ...] = ()  # {"path", "sha256", "terms"} per file, for the signature

    def __bool__(self) -> bool:
        return bool(self.terms)

    @cached_property
    def _source_pattern(self) -> tuple[re.Pattern[str] | None, dict[str, list[Term]]]:
        by_key: dict[str, list[Term]] = {}
        forms: set[str] = set()
        for term in self.terms:
            for form in term.source:
                key = _source_key(form)
                by_key.setdefault(key, []).append(term)
                forms.add(form)
        if not forms:
            return None, by_key
        parts = []
        for form in sorted(forms, key=len, reverse=True):
            body = r"\s+".join(re.escape(w) for w in form.split())
            parts.append(body if _is_acronym(form) else f"(?i:{body})")
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])"), by_key

    def find_source(self, text: str) -> Iterator[SourceHit]:
        """Occurrences of the glossary's English forms in ``text``, longest form first, not overlapping."""
        pattern, by_key = self._source_pattern
        if pattern is None:
            return
        for m in pattern.finditer(text):
            for term in by_key.get(_source_key(m.group(0)), ()):
                yield SourceHit(term, m.start(), m.end(), m.group(0))

    def find_forbidden(self, text: str) -> Iterator[tuple[Term, int, int, str]]:
        """Known wrong renderings in Japanese ``text`` (not inside an accepted form of the same term)."""
        norm = nfkc_per_char(text)
        for term in self.terms:
            for form in term.forbidden:
                f = unicodedata.normalize("NFKC", form)
                start = norm.find(f)
                while start >= 0:
                    end = start + len(f)
                    if not any(_covered(norm, start, end, unicodedata.normalize("NFKC", ok)) for ok in term.targets):
                        yield term, start, end, text[start:end]
                    start = norm.find(f, end)

    def has_target(self, term: Term, text: str) -> bool:
        norm = _squash(unicodedata.normalize("NFKC", text))
        return any(_squash(unicodedata.normalize("NFKC", t)) in norm for t in term.targets)


def _covered(norm: str, start: int, end: int, accepted: str) -> bool:
    pos = norm.find(accepted, max(0, end - len(accepted)))
    while 0 <= pos <= start:
        if pos + len(accepted) >= end:
            return True
        pos = norm.find(accepted, pos + 1)
    return False


def _squash(text: str) -> str:
    return re.sub(r"[\s・]", "", text)


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _source_key(form: str) -> str:
    text = " ".join(form.split())
    return text if _is_acronym(text) else text.lower()


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()]


def _read_tsv(text: str, path: str) -> list[Term]:
    terms = []
    first = True
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if first and cells[0].strip().lower() == "source":
            first = False
            continue  # the header
        first = False
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise InputError(f"line {n}: expected source<TAB>target[<TAB>note]", path=path)
        targets = _split(cells[1])
        accepted = tuple(t for t in targets if not t.startswith("!"))
        forbidden = tuple(t[1:].strip() for t in targets if t.startswith("!") and t[1:].strip())
        if not accepted:
            raise InputError(f"line {n}: no accepted Japanese form (only !forbidden ones)", path=path)
        note = cells[2].strip() if len(cells) > 2 else ""
        terms.append(Term(tuple(_split(cells[0])), accepted, forbidden, note, f"{path}:{n}"))
    return terms


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _read_tbx(data: bytes, path: str, source_lang: str, target_lang: str) -> list[Term]:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused ({type(exc).__name__}): entity declarations and external references are not allowed", path=path) from exc
    except ParseError as exc:
        raise InputError(f"malformed TBX: {exc}", path=path) from exc
    if _local(root.tag) not in ("martif", "tbx"):
        raise InputError(f"not a TBX file (root element <{_local(root.tag)}>)", path=path)
    terms = []
    for n, entry in enumerate((e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")), 1):
        langs: dict[str, tuple[list[str], list[str]]] = {}
        notes = [
            (d.text or "").strip()
            for d in entry.iter()
            if _local(d.tag) in ("descrip", "note") and (d.get("type") in (None, "definition", "context", "note")) and (d.text or "").strip()
        ]
        for lang_el in (e for e in entry if _local(e.tag) in ("langSet", "langSec")):
            lang = (lang_el.get(_XML_LANG) or lang_el.get("lang") or "").lower().split("-")[0]
            ok, bad = langs.setdefault(lang, ([], []))
            for holder in (e for e in lang_el.iter() if _local(e.tag) in ("tig", "ntig", "termSec")):
                term_el = next((e for e in holder.iter() if _local(e.tag) == "term"), None)
                if term_el is None:
                    continue
                text = "".join(term_el.itertext()).strip()
                status = next(
                    (
                        (e.text or "").strip().lower()
                        for e in holder.iter()
                        if _local(e.tag) in ("termNote", "admin") and e.get("type") in ("administrativeStatus", "normativeAuthorization")
                    ),
                    "",
                )
                if text:
                    (bad if status.replace(" ", "") in _DEPRECATED else ok).append(text)
        src, tgt = langs.get(source_lang, ([], [])), langs.get(target_lang, ([], []))
        if src[0] and tgt[0]:
            ident = entry.get("id") or str(n)
            terms.append(Term(tuple(src[0]), tuple(tgt[0]), tuple(tgt[1]), " ".join(notes), f"{path}#{ident}"))
    return terms


def load(paths: Iterable[str], *, source_lang: str = "en", target_lang: str = "ja") -> Glossary:
    """Read glossary files (``.tsv``/``.txt`` or ``.tbx``); one-line errors that name the file."""
    terms: list[Term] = []
    files = []
    for p in paths:
        path = Path(p)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError("glossary not found", path=str(path)) from None
        except OSError as exc:
            raise InputError(f"cannot read glossary: {exc.strerror}", path=str(path)) from None
        if path.suffix.lower() in (".tbx", ".xml"):
            found = _read_tbx(data, str(path), source_lang, target_lang)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("glossary is not UTF-8", path=str(path)) from None
            found = _read_tsv(text, str(path))
        if not found:
            raise InputError(f"no {source_lang}→{target_lang} terms found in glossary", path=str(path))
        terms.extend(found)
        files.append({"path": path.name, "sha256": hashlib.sha256(data).hexdigest(), "terms": len(found)})
    return Glossary(tuple(terms), tuple(files))
