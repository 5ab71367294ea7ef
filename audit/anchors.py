"""Alignment signals besides the sentence embedding: anchors that survive translation.

Each function turns sentences into rows of a matrix (hashed bag of tokens) so that the aligner can
score any bead by comparing sums of rows:

- ``anchor_rows``: numbers normalised across scripts (29億 and 2.9 billion are one token; April and
  4月 too) and Latin acronyms and codes (NATO, G7, COVID-19), which Japanese keeps as they are;
- ``name_rows``: a consonant skeleton of capitalised English words and of Japanese katakana runs
  (Biden → バイデン → P-T-N), which matches transliterated names without a dictionary;
- ``word_rows``: English word stems, to compare the source with back-translations (Bleualign's idea).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from audit.lexicon.kana import kana_key
from audit.lexicon.numbers import english_quantities, japanese_quantities

ANCHOR_DIM = 256
NAME_DIM = 256
WORD_DIM = 1024


def _hashed(rows: Sequence[Iterable[str]], dim: int) -> np.ndarray:
    out = np.zeros((len(rows), dim), dtype=np.float32)
    for i, tokens in enumerate(rows):
        for tok in tokens:
            out[i, zlib.crc32(tok.encode("utf-8")) % dim] += 1.0
    return out


# Tokens with two capitals or more, or letters and digits; only these are kept.
_CODE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z]*[A-Z][a-z]*[A-Z][A-Za-z0-9&]*"
    r"|(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*\d)[A-Za-z0-9]+)(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9])"
)


_FULLWIDTH = re.compile("[\uff01-\uff5e]")


def latin_codes(text: str) -> list[str]:
    """Acronyms and codes: mostly capitals (NATO, AUKUS; not iPhone), or letters with digits (G7, COVID-19)."""
    if _FULLWIDTH.search(text):
        text = unicodedata.normalize("NFKC", text)
    out = []
    for m in _CODE.finditer(text):
        tok = m.group()
        if any(ch.isdigit() for ch in tok):
            out.append(tok.lower())
            continue
        letters = sum(ch.isalpha() for ch in tok)
        if sum(ch.isupper() for ch in tok) * 2 >= letters:
            out.append(tok.lower())
    return out


def _number_tokens(values: Iterable[float]) -> list[str]:
    return [f"n:{v:.6g}" for v in values]


def anchor_rows(sentences: Sequence[str], lang: str) -> np.ndarray:
    rows = []
    for s in sentences:
        found = english_quantities(s) if lang == "en" else japanese_quantities(s)
        rows.append(_number_tokens(q.value for q in found if not q.soft) + latin_codes(s))
    return _hashed(rows, ANCHOR_DIM)


# Consonant classes on which English spelling and katakana agree (L/R, B/V/P/F/H, voicing).
_EN_DIGRAPHS = (("sch", "S"), ("tch", "S"), ("ch", "S"), ("sh", "S"), ("th", "S"), ("ts", "S"), ("ph", "P"),
                ("ck", "K"), ("ng", "N"), ("gh", ""), ("kn", "N"), ("wr", "R"), ("x", "KS"), ("qu", "K"))  # fmt: skip
_EN_CLASS = {**dict.fromkeys("bpvfh", "P"), **dict.fromkeys("kgcq", "K"), **dict.fromkeys("szj", "S"),
             **dict.fromkeys("td", "T"), "n": "N", "m": "M", **dict.fromkeys("lr", "R")}  # fmt: skip
_KANA_ROWS = {
    "K": "カキクケコガギグゲゴ",
    "S": "サシスセソザジズゼゾチツヂヅ",
    "T": "タテトダデド",
    "N": "ナニヌネノン",
    "P": "ハヒフヘホバビブベボパピプペポ",
    "M": "マミムメモ",
    "R": "ラリルレロ",
}
_KANA_CLASS = {ch: c for c, chars in _KANA_ROWS.items() for ch in chars}


def _squeeze(classes: Iterable[str], size: int = 3) -> str:
    out: list[str] = []
    for c in "".join(classes):
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out[:size])


_EN_UNITS = re.compile("|".join(dg for dg, _ in _EN_DIGRAPHS) + r"|c(?=[eiy])|.")
_EN_UNIT_CLASS = {**dict(_EN_DIGRAPHS), **_EN_CLASS, "c": "K"}


@lru_cache(maxsize=65536)
def english_skeleton(word: str) -> str:
    w = word.lower()
    return _squeeze(
        "S" if m.group() == "c" and m.end() < len(w) and w[m.end()] in "eiy" else _EN_UNIT_CLASS.get(m.group(), "")
        for m in _EN_UNITS.finditer(w)
    )


@lru_cache(maxsize=65536)
def katakana_skeleton(text: str) -> str:
    return _squeeze(_KANA_CLASS.get(ch, "") for ch in kana_key(text))


_CAPITALISED = re.compile(r"(?<![A-Za-z])[A-Z][a-z]{2,}")
_KATAKANA_RUN = re.compile(r"[ァ-ヺー・]{2,}")


def name_rows(sentences: Sequence[str], lang: str) -> np.ndarray:
    rows = []
    for s in sentences:
        if lang == "en":
            # the first word of a sentence is capitalised whatever it is
            keys = [english_skeleton(m.group()) for m in _CAPITALISED.finditer(s) if m.start() > 0]
        else:
            keys = [katakana_skeleton(part) for m in _KATAKANA_RUN.finditer(s) for part in m.group().split("・")]
        rows.append([k for k in keys if len(k) >= 2])
    return _hashed(rows, NAME_DIM)


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to in on at for and or but is are was were be been by with as that this it its from".split())


def word_rows(sentences: Sequence[str | None]) -> np.ndarray:
    """Hashed English word stems (first five letters); an empty row for a missing sentence."""
    rows = [[w[:5] for w in _WORD.findall((s or "").lower()) if w not in _STOP] for s in sentences]
    return _hashed(rows, WORD_DIM)
