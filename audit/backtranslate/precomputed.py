"""Back-translations made elsewhere (DeepL, Google, an LLM) read from a file.

TSV: ``japanese<TAB>english[<TAB>score]`` per line (a header line ``target<TAB>backtranslation``
is allowed). JSONL: objects with ``target`` (or ``ja``) and ``backtranslation`` (or ``en``), and
optionally ``score``. Sentences are matched by their text (NFKC, spaces collapsed), so the file
need not follow the audit's segmentation order.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from audit.backtranslate.base import Hypothesis
from audit.errors import InputError
from audit.io.decode import decode, read_bytes

_SPACE = re.compile(r"\s+")


def normalise_key(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


class PrecomputedBackTranslator:
    def __init__(self, path: str | os.PathLike[str]):
        p = Path(path)
        raw = read_bytes(p)
        text = decode(raw, path=str(p)).text
        self.name = p.name
        self._sha = hashlib.sha256(raw).hexdigest()
        self.table: dict[str, list[Hypothesis]] = {}
        if p.suffix.lower() in (".jsonl", ".ndjson"):
            self._read_jsonl(text, str(p))
        else:
            self._read_tsv(text, str(p))
        if not self.table:
            raise InputError("no back-translations found", path=str(p), hint="TSV japanese<TAB>english, or JSONL")

    def _add(self, ja: str, en: str, score: float | None) -> None:
        self.table.setdefault(normalise_key(ja), []).append(Hypothesis(en.strip(), score))

    def _read_tsv(self, text: str, where: str) -> None:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise InputError(f"line {n}: expected japanese<TAB>english", path=where)
            if n == 1 and cols[0].strip().lower() in ("target", "ja", "japanese"):
                continue
            score = None
            if len(cols) > 2 and cols[2].strip():
                try:
                    score = float(cols[2])
                except ValueError:
                    raise InputError(f"line {n}: score {cols[2]!r} is not a number", path=where) from None
            self._add(cols[0], cols[1], score)

    def _read_jsonl(self, text: str, where: str) -> None:
        from audit.io.bilingual import jsonl_objects

        for n, obj in jsonl_objects(text, where, "'target' and 'backtranslation'"):
            ja = obj.get("target", obj.get("ja"))
            en = obj.get("backtranslation", obj.get("en"))
            if not isinstance(ja, str) or not isinstance(en, str):
                raise InputError(f"line {n}: needs string fields target and backtranslation", path=where)
            score = obj.get("score")
            self._add(ja, en, float(score) if isinstance(score, (int, float)) else None)

    def signature(self) -> str:
        return f"file:{self.name}|sha256:{self._sha[:16]}|rows:{len(self.table)}"

    def translate(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]:
        return [self.table.get(normalise_key(t), [])[:n_best] for t in texts]
