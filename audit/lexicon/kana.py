"""Katakana as transliterations compare it: phonetic keys that drop what transliterations
vary on (long vowels, small kana, ・, ヴ/ブ), how two keys one kana apart differ (a variant a
translator accepts, or a misspelling), and string similarity."""

from __future__ import annotations

import difflib
import re
import unicodedata

_SMALL = str.maketrans("ァィゥェォャュョヮヵヶッ", "アイウエオヤユヨワカケ ")


_V = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}


_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}


def to_katakana(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_HIRA_TO_KATA)


_ROWS = {
    "a": "アカガサザタダナハバパマヤラワ",
    "i": "イキギシジチヂニヒビピミリ",
    "u": "ウクグスズツヅヌフブプムユル",
    "e": "エケゲセゼテデネヘベペメレ",
    "o": "オコゴソゾトドノホボポモヨロヲ",
}


_VOWEL = {ch: v for v, chars in _ROWS.items() for ch in chars}


# A vowel that only lengthens the one before it: トウキョウ ~ トーキョー ~ トキョ.
_LENGTHENERS = {"a": "ア", "i": "イ", "u": "ウ", "e": "イエ", "o": "ウオ"}


def without_v(text: str) -> str:
    """ヴ written as the バ row, as transliterations agree it may be: ヴァ → バ, ヴ → ブ."""
    for a, b in _V.items():
        text = text.replace(a, b)
    return text


def kana_key(text: str) -> str:
    """A katakana string reduced to what transliterations agree on (long vowels, small kana, ・, ヴ)."""
    s = without_v(to_katakana(text))
    s = re.sub(r"[\sー・=＝\-‐ッ]", "", s.translate(_SMALL)).replace(" ", "")
    out: list[str] = []
    for ch in s:
        prev = _VOWEL.get(out[-1]) if out else None
        if prev is not None and ch in _LENGTHENERS[prev]:
            continue
        out.append(ch)
    return "".join(out)


# each kana's consonant (voiced and unvoiced share one: カ/ガ, ハ/バ/パ) by column of _ROWS
_CONSONANT = {
    ch: row
    for row, chars in enumerate(("アイウエオ", "カキクケコガギグゲゴ", "サシスセソザジズゼゾ", "タチツテトダヂヅデド", "ナニヌネノ",
                                 "ハヒフヘホバビブベボパピプペポ", "マミムメモ", "ヤユヨ", "ラリルレロ", "ワヲ"))
    for ch in chars
}


_VOICED = frozenset("ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ")


def spelling_allows(how: str | None, name: str) -> bool:
    """Whether a ``"alike:LETTERS"`` difference is explained by letters the name has (``"alike:th"``
    by the th of Matheson); plain ``"alike"`` always is."""
    if how is None or not how.startswith("alike"):
        return False
    _, _, letters = how.partition(":")
    low = name.lower()
    if letters == "double":
        return re.search(r"([a-z])\1", low) is not None
    if letters == "final":
        return True  # the caller knows whether the form came from the dictionary
    return not letters or letters in low or (letters == "kh" and "ch" in low)


def sound_alike(a: str, b: str) -> str | None:
    """How two kana a transliteration may write for each other differ: ``"alike"`` (the
    consonant voiced or not: ス/ズ; i/e or o/u: リー/レー, ソン/スン; ch/j and ts/z: チ/ジ;
    an h sounded or not: ハ/ア; kh read k or h: カ/ハ; th read s or t: セ/テ; a glide or a
    vowel: ニャ/ニア) or ``"vowel"`` (one consonant with
    another vowel: ネ/ニ); None when they are not alike."""
    if frozenset((a, b)) in _ALIKE_PAIRS:
        return "alike"
    ca = _CONSONANT.get(a)
    va, vb = _VOWEL.get(a), _VOWEL.get(b)
    if ca is not None and ca == _CONSONANT.get(b):
        if va == vb:
            return "alike"
        if (a in _VOICED) != (b in _VOICED):
            return None
        return "alike" if frozenset((va, vb)) in _LOOSE_VOWELS else "vowel"
    cb = _CONSONANT.get(b)
    if va is not None and va == vb and ca is not None and cb is not None:
        # letters read two ways, when the name has them (the caller checks): an h sounded or
        # silent (ベルハラ, ベルアラ), kh or ch read k or h (ミハイル, ミカイル), th read s or t
        # (マセソン, マテソン)
        return _SPELLING_ALIKE.get(frozenset((ca, cb)))
    return None


_SPELLING_ALIKE = {frozenset((0, 5)): "alike:h", frozenset((1, 5)): "alike:kh", frozenset((2, 3)): "alike:th"}


_LOOSE_VOWELS = frozenset({frozenset("ie"), frozenset("ou")})


_ALIKE_PAIRS = frozenset(
    frozenset(p) for p in ("ジヂ", "ジチ", "ヂチ", "ズヅ", "ズツ", "ヅツ", "アヤ", "ウユ", "オヨ")
)


_LOOSE_ENDINGS = frozenset("スズドト")


def one_kana_apart(a: str, b: str) -> str | None:
    """How two phonetic keys differ when they differ by one kana: ``"alike"`` (a consonant
    voiced or not, an -ng-'s グ or an r's ル, a final s, z, d or t), ``"vowel"`` (one consonant
    with another vowel: ネミック/ニミック, a variant of a guess, a misspelling of a known form),
    ``"edge-inserted"`` or ``"edge-dropped"`` (a kana more or less at either end: a compound such
    as デクラーク, or a misspelling), ``"changed"``, ``"inserted"`` or ``"dropped"`` (inside the
    word, ``b`` against ``a``); None when they are equal or further apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) != 1:
            return None
        return sound_alike(a[diff[0]], b[diff[0]]) or "changed"
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            c, after = long_[i], long_[i + 1 : i + 2]
            if c in (after, long_[i - 1 : i]):
                return "alike:double"  # a letter doubled or not, when the name doubles one: タゲススピーゲル (ss)
            if i == len(long_) - 1 and c in _LOOSE_ENDINGS:
                # a final s, z, d or t: ブック/ブックス, ランド/ラン; dropped from a form the
                # dictionary lists (ボリス → ボリ), the caller takes it for a misspelling
                return "alike" if len(b) > len(a) else "alike:final"
            if (
                (c == "ル" and i > 0)  # an r sounded or not: ハフタル/ハフター, ジョルジ/ジョージ
                or c == "ワ" and _VOWEL.get(long_[i - 1 : i]) in ("o", "u")  # a w glide: ゴゴワイ/ゴゴイ
                or c == "グ" and long_[i - 1 : i] == "ン"  # English -ng- with or without グ: ハリングトン
                or c == "ン" and after and _CONSONANT.get(after) in (4, 6)  # a doubled n or m: アンナ/アナ, エンマ/エマ
            ):
                return "alike"
            if i == 0 or i == len(long_) - 1:
                return "edge-inserted" if len(b) > len(a) else "edge-dropped"
            return "inserted" if len(b) > len(a) else "dropped"
    return None


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_window(key: str, text_key: str) -> tuple[float, str]:
    """Best similarity of ``key`` with any stretch of ``text_key`` of about its length."""
    if not key or not text_key:
        return 0.0, ""
    best, found = 0.0, ""
    n = len(key)
    for size in range(max(1, n - 2), n + 3):
        for i in range(0, max(1, len(text_key) - size + 1)):
            window = text_key[i : i + size]
            r = similarity(key, window)
            if r > best:
                best, found = r, window
    return best, found


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short strings (readings, names)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]
