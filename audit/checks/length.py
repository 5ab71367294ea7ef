"""LEN001: a translation much shorter or longer than English→Japanese norms."""

from __future__ import annotations

from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import (
    _length_z,
)
from audit.model import Severity


@rule("LEN001", "length-ratio", Severity.MINOR, "Translation much shorter or longer than English→Japanese norms", needs=("source", "alignment"))
def length_ratio(ctx: Context) -> Iterator[Hit]:
    """Finds aligned pairs whose Japanese/English character ratio is more than three standard
    deviations from the English→Japanese norm (calibrated on WMT22: Japanese runs about 0.47 of
    the English length). Too short suggests an omission, too long an addition. Pairs with under
    40 English characters are skipped: short lines vary too much.
    """
    assert ctx.source is not None
    for src, tgt, en, ja, z in _length_z(ctx):
        if abs(z) <= 3:
            continue
        short = z < 0
        yield Hit(
            f"translation is {'much shorter' if short else 'much longer'} than usual for its source "
            f"({ja} vs {en} characters, ratio {ja / en:.2f}; typical 0.47)",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(src[0].start, src[-1].end),
            evidence={"ratio": round(ja / en, 3), "z": round(z, 2)},
            severity=Severity.MAJOR if short and z < -4 else None,
        )
