"""What the checks that compare aligned source and target share: the aligned pairs, the
quantities of a text (memoised per audit), and each pair's length against the English→Japanese norm."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import TypeVar

from audit.checks.base import Context
from audit.lexicon.numbers import (
    Quantity,
    english_quantities,
    japanese_quantities,
)
from audit.lexicon.script import length_z  # the English→Japanese length norm
from audit.model import Bead, Segment

_T = TypeVar("_T")


def _pairs(ctx: Context) -> Iterator[tuple[Bead, list[Segment], list[Segment]]]:
    assert ctx.source is not None
    for bead in ctx.alignment:
        yield bead, [ctx.source.segments[i] for i in bead.source], [ctx.target.segments[j] for j in bead.target]


def _english_quantities(ctx: Context, text: str) -> tuple[Quantity, ...]:
    """english_quantities, read once per audit (NUM001 and NUM004 both need them)."""
    memo: dict[str, tuple[Quantity, ...]] = ctx.memo.setdefault("en_quantities", {})
    if text not in memo:
        memo[text] = tuple(english_quantities(text))
    return memo[text]


def _japanese_quantities(ctx: Context, text: str) -> tuple[Quantity, ...]:
    """japanese_quantities, read once per audit."""
    memo: dict[str, tuple[Quantity, ...]] = ctx.memo.setdefault("ja_quantities", {})
    if text not in memo:
        memo[text] = tuple(japanese_quantities(text))
    return memo[text]


def _length_z(ctx: Context) -> Iterator[tuple[list[Segment], list[Segment], int, int, float]]:
    """Pairs with both sides and 40+ English characters, with their lengths and the z-score of
    their log length ratio against the English→Japanese norm."""
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        en = sum(len(s.text) for s in src)
        ja = sum(len(t.text) for t in tgt)
        z = length_z(en, ja)
        if z is not None:
            yield src, tgt, en, ja, z


_ROMAN = re.compile(r"(?=[IVXLC]{2,})C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")  # II, III, XIV: numbers (2世)


def _rendered(token: str, t_text: str) -> bool:
    """The acronym was translated (VAT → 付加価値税: a JMdict form of it is there) or written in
    katakana (FEDEX → フェデックス: its transliteration is close to a katakana run there)."""
    from audit.lexicon.kana import best_window, kana_key, to_katakana
    from audit.lexicon.names import EnJaIndex
    from audit.lexicon.script import KATAKANA_RUN
    from audit.lexicon.transliteration import transliterate

    forms = EnJaIndex.shared().forms(token)
    if forms:
        kana_text = to_katakana(t_text)
        if any(f in kana_text for f in forms if len(f) >= 2):
            return True
    runs = KATAKANA_RUN.findall(t_text)
    if not runs:
        return False
    key = kana_key(transliterate(token.capitalize() if len(token) > 3 else token))
    return bool(key) and len(key) >= 3 and best_window(key, "|".join(kana_key(r) for r in runs))[0] >= 0.75


_CLAUSE_SPLIT = re.compile(
    r"[,;:()\"“”]|\s(?:and|but|while|which|who|after|before|because|although|as well as|when|where|including|with|without|unless)\s"
)


def _within(by_start: dict[int, list[_T]], starts: list[int], a: int, b: int) -> list[_T]:
    """The items of ``by_start`` (keyed by offset; ``starts`` its sorted keys) at offsets in [a, b)."""
    return [item for at in starts[bisect_left(starts, a) : bisect_left(starts, b)] for item in by_start[at]]
