"""LEN001: a translation much shorter or longer than English→Japanese norms."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import (
    _length_z,
)
from audit.lexicon.script import length_z
from audit.model import Severity

# a run of Latin letters or digits a translation may keep as the source writes it: a name, a title,
# a product, a handle, a placeholder (full-width forms folded first)
_KEPT = re.compile(r"[#@]?[A-Za-z0-9][A-Za-z0-9_#@./:'&+-]*")


def kept_from_source(source: str, translation: str) -> int:
    """Characters of the translation in Latin runs the source has too, each run of the source
    counted as often as the source has it: text kept as written, whose length does not follow
    the English→Japanese ratio (it is about 1:1, not 0.47)."""
    have = Counter(m.group() for m in _KEPT.finditer(unicodedata.normalize("NFKC", source)))
    kept = 0
    for m in _KEPT.finditer(unicodedata.normalize("NFKC", translation)):
        if have[m.group()] > 0:
            have[m.group()] -= 1
            kept += len(m.group())
    return kept


@rule("LEN001", "length-ratio", Severity.MINOR, "Translation much shorter or longer than English→Japanese norms", needs=("source", "alignment"))
def length_ratio(ctx: Context) -> Iterator[Hit]:
    """Finds aligned pairs whose Japanese/English character ratio is more than three standard
    deviations from the English→Japanese norm (calibrated on WMT22: Japanese runs about 0.47 of
    the English length). Too short suggests an omission, too long an addition. Pairs with under
    40 English characters are skipped: short lines vary too much.

    A translation is not called long for Latin text it keeps as the source writes it (a product
    name, a title, a handle: ``Oriflame Optimals Hydra Radiance…`` kept in a Japanese line):
    such runs are taken out of both sides before the ratio is judged again. A translation that
    is the source copied is UNT001's finding, not this one's.
    """
    assert ctx.source is not None
    for src, tgt, en, ja, z in _length_z(ctx):
        if abs(z) <= 3:
            continue
        short = z < 0
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        kept = 0 if short else kept_from_source(s_text, t_text)
        if kept:
            rest = length_z(en - kept, ja - kept) if ja > kept else None
            if rest is None or rest <= 3:
                continue
        yield Hit(
            f"translation is {'much shorter' if short else 'much longer'} than usual for its source "
            f"({ja} vs {en} characters, ratio {ja / en:.2f}; typical 0.47"
            + (f"; {kept} characters kept as the source writes them" if kept else "")
            + ")",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(src[0].start, src[-1].end),
            evidence={"ratio": round(ja / en, 3), "z": round(z, 2), **({"kept_from_source": kept} if kept else {})},
            severity=Severity.MAJOR if short and z < -4 else None,
        )
