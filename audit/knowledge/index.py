"""The knowledge index: a SQLite file built by :mod:`audit.knowledge.build`, opened read-only.

Tables:

- ``meta``: format version, the dump's file name, date and SHA-256, item count, kinds kept;
- ``items``: one row per Wikidata item kept (QID, English label, Japanese label, kind, every
  Japanese form: label and aliases);
- ``en``: English labels and aliases, case-folded, → QID;
- ``ja``: Japanese labels and aliases, normalised (:func:`ja_key`), → QID;
- ``near``: the one-deletion neighbourhood of each Japanese label of 4 characters or more
  (SymSpell's trick), with the item's Q-number: a name one character inserted, dropped or
  changed from a label shares a key with it, so the labels near a name are found with a few
  indexed look-ups.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audit.errors import InputError

FORMAT = 1
MIN_NEAR = 4  # labels shorter than this are not looked up by nearness (too many words are near them)
_JA_SEPARATORS = re.compile(r"[\s・･=＝\u30fb\u00b7]")


def en_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().replace("’", "'").split())


def ja_key(name: str) -> str:
    """NFKC, without spaces and the middle dots and equals signs names are written with or without."""
    return _JA_SEPARATORS.sub("", unicodedata.normalize("NFKC", name))


def deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))} | {key}


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one inserted, dropped or changed character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


@dataclass(frozen=True)
class Item:
    qid: str
    en: str
    ja: str
    kind: str
    ja_forms: tuple[str, ...]  # the label first, then the aliases


class Knowledge:
    """Look-ups on one index file (opened once per process, read-only)."""

    supports_near = True

    def __init__(self, path: Path):
        self.path = path
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError:
            raise InputError("not a knowledge index (build one with: audit knowledge build DUMP -o INDEX)", path=str(path)) from None
        if meta.get("format") != str(FORMAT):
            raise InputError(f"knowledge index of format {meta.get('format')}, this toolkit reads {FORMAT}: rebuild it", path=str(path))
        self.meta = meta

    def close(self) -> None:
        self._db.close()

    def signature(self) -> str:
        return f"knowledge:wikidata-{self.meta.get('dump_date', 'unknown')}-{self.meta.get('dump_sha256', '')[:16]}|items:{self.meta.get('items')}"

    def describe(self) -> dict[str, str]:
        return dict(self.meta)

    def _items(self, qids: Iterable[str]) -> list[Item]:
        ids = sorted(set(qids))
        if not ids:
            return []
        rows = self._db.execute(f"SELECT qid, en, ja, kind, forms FROM items WHERE qid IN ({','.join('?' * len(ids))})", ids)  # noqa: S608
        return [Item(q, en, ja, kind, tuple(json.loads(forms))) for q, en, ja, kind, forms in rows]

    def by_english(self, name: str) -> list[Item]:
        """Items an English label or alias names (case-insensitive)."""
        return self._items(q for (q,) in self._db.execute("SELECT qid FROM en WHERE name = ?", (en_key(name),)))

    def english_known(self, names: Iterable[str]) -> set[str]:
        """Which of ``names`` (English) the index knows, by their keys."""
        keys = sorted({en_key(n) for n in names})
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            found.update(k for (k,) in self._db.execute(f"SELECT DISTINCT name FROM en WHERE name IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608
        return found

    def is_japanese_form(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM ja WHERE name = ? LIMIT 1", (ja_key(name),)).fetchone() is not None

    def near_labels(self, name: str) -> list[Item]:
        """Items whose Japanese label is one character from ``name`` (and not ``name`` itself)."""
        key = ja_key(name)
        if len(key) < MIN_NEAR - 1:
            return []
        keys = sorted(deletions(key))
        rows = self._db.execute(f"SELECT DISTINCT item FROM near WHERE key IN ({','.join('?' * len(keys))})", keys)  # noqa: S608
        return [i for i in self._items(f"Q{n}" for (n,) in rows) if one_edit(ja_key(i.ja), key)]


@lru_cache(maxsize=4)
def _open(path: str, mtime: float, size: int) -> Knowledge:
    return Knowledge(Path(path))


def load(path: str | Path) -> Knowledge:
    """The index at ``path`` (opened once per process and file version)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise InputError("knowledge index not found (build one with: audit knowledge build DUMP -o INDEX)", path=str(p)) from None
    return _open(str(p.resolve()), st.st_mtime, st.st_size)
