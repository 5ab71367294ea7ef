"""Additions: a translation sentence, clause or anchor with no counterpart in the source
(ADD001-ADD003)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import (
    _CLAUSE_SPLIT,
    _length_z,
    _pairs,
    _within,
)
from audit.model import Severity, Span


@rule("ADD001", "unaligned-target", Severity.MINOR, "A target sentence has no source", needs=("source", "alignment"))
def unaligned_target(ctx: Context) -> Iterator[Hit]:
    """Finds target sentences with no aligned source sentence: an addition, or boilerplate that
    was not in the source."""
    for bead, src, tgt in _pairs(ctx):
        if tgt and not src:
            yield Hit(
                "target sentence has no counterpart in the source",
                target=ctx.target.span(tgt[0].start, tgt[-1].end),
                evidence={"target_ids": list(bead.target)},
            )


ADDED_SIMILARITY_MIN = 0.20  # below this against every clause, the chunk has no counterpart
ADDED_Z_MIN = 1.25  # only in a translation this much longer than usual
ADDED_MIN_CHARS = 8  # shorter chunks (a list item, そのため、) embed too loosely to judge
_JA_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@rule(
    "ADD002",
    "unmatched-target-clause",
    Severity.MINOR,
    "A clause of a long translation matches no part of the source: an addition",
    needs=("source", "alignment", "embedder"), concern="addition", precedence=0,
)
def unmatched_target_clause(ctx: Context) -> Iterator[Hit]:
    """Finds a clause of the translation (a stretch ending in 、 or 。, of eight Japanese characters
    or more: shorter ones, a list item or a connective such as そのため、, embed too loosely) that no part of the English says, in a translation longer than usual for its source
    (length-ratio z above 1.25): its cross-lingual similarity (the aligner's encoder) to every English
    clause, to every two neighbouring clauses and to the whole sentence stays below 0.20. Text
    the source does not have is an addition: a hallucinated clause, a clause carried over from a
    neighbouring sentence, boilerplate. Major when the translation is much longer (z above 2).
    Pairs that LEN001 already reports (|z| > 3) are left to it.

    Example: "The council approved the budget after a long debate." translated 「長い議論の末、
    新しい駅の建設は来年始まる予定で、議会は予算を承認した。」: 「新しい駅の建設は来年始まる予定で、」
    matches nothing in the English.
    """
    import numpy as np

    assert ctx.source is not None
    jobs = []
    texts: list[str] = []
    for src, tgt, en, ja, z in _length_z(ctx):
        if not ADDED_Z_MIN < z <= 3:
            continue
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_off = tgt[0].start
        t_text = ctx.target.text[t_off : tgt[-1].end]
        clauses = [c.strip() for c in _CLAUSE_SPLIT.split(s_text) if c and len(c.split()) >= 2]
        candidates = clauses + [f"{a} {b}" for a, b in zip(clauses, clauses[1:])] + [s_text]
        chunks = []
        pos = 0
        for piece in re.split(r"(?<=[、。])", t_text):
            if len(_JA_CHARS.findall(piece)) >= ADDED_MIN_CHARS:
                chunks.append((pos, pos + len(piece)))
            pos += len(piece)
        if len(chunks) < 2:
            continue  # a one-clause translation: LEN001 and the similarity score speak for it
        first = len(texts)
        texts += candidates + [t_text[a:b] for a, b in chunks]
        jobs.append((tgt, en, ja, z, t_off, t_text, candidates, chunks, first))
    if not jobs:
        return
    v = ctx.embed(texts)
    for _tgt, en, ja, z, t_off, t_text, candidates, chunks, first in jobs:
        n = len(candidates)
        sims = v[first + n : first + n + len(chunks)] @ v[first : first + n].T
        best = sims.max(axis=1)
        k = int(np.argmin(best))
        if best[k] >= ADDED_SIMILARITY_MIN:
            continue
        a, b = chunks[k]
        chunk = t_text[a:b]
        closest = candidates[int(np.argmax(sims[k]))]
        yield Hit(
            f"「{chunk}」 matches no part of the source (best similarity {best[k]:.2f}, to \"{closest}\"; "
            f"the translation is long: ratio {ja / en:.2f}, z {z:.1f})",
            target=ctx.target.span(t_off + a, t_off + b),
            evidence={"chunk": chunk, "similarity": round(float(best[k]), 3), "closest_clause": closest,
                      "ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="remove the added clause, or check the source for it",
            severity=Severity.MAJOR if z > 2 else None,
        )


EXTRA_ANCHOR_Z_MIN = 0.5  # ADD003: only in a translation this much longer than usual
_LATIN_WORD = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2,}")


@rule(
    "ADD003",
    "extra-anchor",
    Severity.MINOR,
    "A long translation has a number or a Latin word that its source does not: an addition",
    needs=("source", "alignment"), concern="addition", precedence=1,
)
def extra_anchor(ctx: Context) -> Iterator[Hit]:
    """Finds translations longer than usual for their source (length-ratio z above 0.5) that hold
    a number (as NUM001 finds it: no counterpart in the source) or a word in Latin letters that
    the source does not have: text that came from somewhere else, a clause carried over from
    another sentence or made up. The clause (、/。 stretch) holding the first such number or word
    is reported, with all of them as evidence.

    Numbers a translator adds legitimately (a unit converted, 38センチ for 15 inches) do occur,
    but with the length above the norm as well they are rare: calibrated on WMT22 en-ja with
    injected additions (benchmarks/evaluate.py --only addition). Pairs that LEN001 already
    reports (|z| > 3) are left to it.

    Example: "Your order will be shipped within two business days of payment." translated
    「ご注文の商品は、お支払いから2営業日以内に発送され、送料は全国一律500円です。」: 500 has no
    counterpart in the source.
    """
    assert ctx.source is not None
    extra_numbers: dict[int, list[Span]] = {}
    for h in ctx.hits_of("NUM001"):
        if h.target is not None and "source_numbers" in h.evidence:  # NUM001's extra numbers
            extra_numbers.setdefault(h.target.start, []).append(h.target)
    starts = sorted(extra_numbers)
    for src, tgt, en, ja, z in _length_z(ctx):
        if not EXTRA_ANCHOR_Z_MIN < z <= 3:
            continue
        s_low = ctx.source.text[src[0].start : src[-1].end].lower()
        t_off, t_end = tgt[0].start, tgt[-1].end
        t_text = ctx.target.text[t_off:t_end]
        extras = [(t.start - t_off, t.end - t_off) for t in _within(extra_numbers, starts, t_off, t_end)]
        extras += [m.span() for m in _LATIN_WORD.finditer(t_text) if unicodedata.normalize("NFKC", m.group()).lower() not in s_low]
        if not extras:
            continue
        extras.sort()
        found = [t_text[a:b] for a, b in extras]
        pos = 0
        for piece in re.split(r"(?<=[、。])", t_text):
            if pos + len(piece) > extras[0][0]:
                break
            pos += len(piece)
        chunk = t_text[pos : pos + len(piece)]
        yield Hit(
            f"「{chunk}」 has {', '.join(found)}, which the source does not (the translation is long: ratio {ja / en:.2f}, z {z:.1f})",
            target=ctx.target.span(t_off + pos, t_off + pos + len(chunk)),
            evidence={"chunk": chunk, "not_in_source": found, "ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="remove the added text, or check the source for it",
        )
