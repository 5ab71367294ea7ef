"""Checks that compare aligned source and target: omissions, additions, numbers, Latin tokens."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from typing import TypeVar

from audit.checks.base import Context, Hit, rule
from audit.lexicon.numbers import (
    UNIT_DIMENSIONS,
    UNIT_NAMES,
    Quantity,
    english_dates,
    english_meridiem_hours,
    english_quantities,
    english_unit,
    english_weekdays,
    japanese_dates,
    japanese_meridiem_hours,
    japanese_quantities,
    japanese_unit,
    japanese_weekdays,
    malformed_amounts,
    nfkc_per_char,
    relative_time_flips,
    relative_time_forms,
    same,
    scale_slip,
)
from audit.lexicon.script import length_z  # the English→Japanese length norm
from audit.model import Bead, Segment, Severity, Span

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


@rule("OMI001", "unaligned-source", Severity.MAJOR, "A source sentence has no translation", needs=("source", "alignment"))
def unaligned_source(ctx: Context) -> Iterator[Hit]:
    """Finds source sentences that the alignment leaves without any target sentence.

    The strongest evidence of an omission: the whole sentence is missing from the translation
    (or its translation unit is empty).
    """
    assert ctx.source is not None
    for bead, src, tgt in _pairs(ctx):
        if src and not tgt:
            yield Hit(
                "source sentence not translated (no aligned target sentence)",
                source=ctx.source.span(src[0].start, src[-1].end),
                evidence={"source_ids": list(bead.source)},
                suggestion="translate the missing sentence",
            )


_ROMAN = re.compile(r"(?=[IVXLC]{2,})C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")  # II, III, XIV: numbers (2世)


def _rendered(token: str, t_text: str) -> bool:
    """The acronym was translated (VAT → 付加価値税: a JMdict form of it is there) or written in
    katakana (FEDEX → フェデックス: its transliteration is close to a katakana run there)."""
    from audit.lexicon.names import EnJaIndex, best_window, kana_key, to_katakana, transliterate
    from audit.lexicon.script import KATAKANA_RUN

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


class _Witness:
    """Whether each content word of an English text has a counterpart in one translation: a
    JMdict form of it (Snowball stems, kana spellings included), the word itself kept in Latin
    letters (full-width forms folded), or for a capitalised word JMdict does not know (a name)
    its e2k katakana; None when none of these can tell."""

    def __init__(self, translation: str):
        from audit.lexicon.names import EnJaIndex, kana_key, to_katakana
        from audit.lexicon.script import KATAKANA_RUN

        self.index = EnJaIndex.shared()
        self.kana = to_katakana(translation)
        self.runs = "|".join(kana_key(r) for r in KATAKANA_RUN.findall(self.kana))
        folded = unicodedata.normalize("NFKC", translation).casefold()
        self.latin = set(re.findall(r"[a-z][a-z'-]*", folded))

    def words(self, english: str) -> Iterator[tuple[re.Match[str], bool | None]]:
        from audit.lexicon.names import kana_key, transliterate

        for m in re.finditer(r"[A-Za-z][A-Za-z'-]{2,}", english):
            word = m.group()
            if word.lower() in self.index.STOP:
                continue
            seen = True if word.casefold() in self.latin else self.index.found(word, self.kana, readings=True)
            if seen is None and word[0].isupper() and len(word) >= 4:
                key = kana_key(transliterate(word))  # a name: its katakana rendering
                seen = key in self.runs if len(key) >= 3 else None
            yield m, seen


# OMI002: a window of this many dictionary-witnessed words with at most this many found.
UNCOVERED_WINDOW = 7
UNCOVERED_MOST_FOUND = 2
UNCOVERED_Z_MAX = -1.0  # only in a translation this much shorter than usual


@rule(
    "OMI002",
    "uncovered-source-stretch",
    Severity.MINOR,
    "A stretch of the source with no dictionary counterpart in a short translation: a dropped clause",
    needs=("source", "alignment"), concern="omission", precedence=2,
)
def uncovered_stretch(ctx: Context) -> Iterator[Hit]:
    """Finds a clause-sized stretch of the English (seven consecutive content words that can be
    witnessed) of which at most two have a Japanese counterpart in the aligned translation, in a
    translation shorter than usual (length-ratio z below -1): the signature of a dropped clause.
    Major when the translation is very short (z below -2).

    A word is witnessed through JMdict: its English glosses, matched as Snowball stems, give
    Japanese forms (kanji stems, 強化する → 強化, and kana spellings, compared in katakana), and
    the word counts as found when one of them occurs in the translation, or when the word itself
    is kept there in Latin letters (full-width too). A capitalised word JMdict does not know is
    taken as a name and witnessed by its katakana rendering (e2k). Words
    neither can witness are not counted either way. Pairs that LEN001 already reports (|z| > 3)
    are left to it. Calibrated on WMT22 en-ja (benchmarks/evaluate.py): under 1% of clean pairs.

    Example: "The ministers agreed to expand cooperation, and they will also review export
    controls on advanced chips next year." translated 「閣僚は協力の拡大で合意した。」: the stretch
    "review export controls on advanced chips next year" has no counterpart.
    """
    assert ctx.source is not None
    from audit.lexicon.names import EnJaIndex

    if not EnJaIndex.shared().index:
        return
    window, most = UNCOVERED_WINDOW, UNCOVERED_MOST_FOUND
    for src, tgt, en, ja, z in _length_z(ctx):
        if not -3 <= z < UNCOVERED_Z_MAX:
            continue
        s_off = src[0].start
        s_text = ctx.source.text[s_off : src[-1].end]
        words = _witnessed(ctx, src, tgt)
        if len(words) < window:
            continue
        found, i = min((sum(c for _, _, c in words[k : k + window]), k) for k in range(len(words) - window + 1))
        if found > most:
            continue
        a, b = words[i][0], words[i + window - 1][1]
        stretch = s_text[a:b]
        yield Hit(
            f"「{stretch}」 has no counterpart in the translation ({found} of {window} words found through JMdict or e2k; "
            f"the translation is short: ratio {ja / en:.2f}, z {z:.1f})",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(s_off + a, s_off + b),
            evidence={"stretch": stretch, "found": found, "window": window, "ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="translate the missing stretch",
            severity=Severity.MAJOR if z < -2 else None,
        )


# OMI003's thresholds on the rise in cross-lingual similarity when a stretch of the English is
# left out (calibrated on WMT22 en-ja with injected omissions, benchmarks/evaluate.py).
LEAVE_OUT_RISE = 0.075
LEAVE_OUT_RISE_SHORT = 0.03  # ... when the translation is also very short (z below -2)
LEAVE_OUT_Z_MAX = -1.0  # only in a translation this much shorter than usual
# ... or, in a translation only somewhat shorter, a larger rise for a stretch that the dictionary
# also finds bare: two of its witnessed words or more, at most a third of them found
LEAVE_OUT_BOTH_Z_MAX = -0.25
LEAVE_OUT_BOTH_RISE = 0.12
LEAVE_OUT_SHARES = (0.2, 0.3)  # stretch lengths tried, as shares of the sentence's words


def _content_words(stretch: str) -> int:
    """How many content words a stretch has: a stretch of function words ("be more than", "we
    will not") is a paraphrase's leftover, not a dropped clause (OMI003's false alarms on WMT22)."""
    from audit.lexicon.names import EnJaIndex

    return sum(1 for m in re.finditer(r"[A-Za-z][A-Za-z'-]{2,}", stretch) if m.group().lower() not in EnJaIndex.STOP)


def _shortness(z: float, short: float) -> str:
    """How a message calls a translation's length: short below a rule's gate, else only somewhat
    short (where the rule needed a second witness)."""
    return "short" if z < short else "somewhat short (a second witness agrees)"


def _unrendered(seen: list[tuple[int, int, bool]], a: int, b: int, most_share: float = 1 / 3) -> bool:
    """Whether the dictionary finds the stretch [a, b) of a text unrendered: two witnessed words or
    more in it, at most ``most_share`` of them found (a third: OMI003's second witness in a
    translation only somewhat short; none: OMI004's). ``seen`` is the text's witnessed words,
    as (start, end, found), from :func:`_witnessed`."""
    inside = [found for start, end, found in seen if a <= start and end <= b]
    return len(inside) >= 2 and sum(inside) <= len(inside) * most_share + 1e-9


def _witnessed(ctx: Context, src: list[Segment], tgt: list[Segment]) -> list[tuple[int, int, bool]]:
    """The words of a pair's source that :class:`_Witness` can judge, as (start, end, found in the
    translation), offsets in the source text of the pair; computed once per pair and shared by
    the omission rules."""
    assert ctx.source is not None
    memo: dict[tuple[int, int], list[tuple[int, int, bool]]] = ctx.memo.setdefault("witnessed", {})
    key = (src[0].start, tgt[0].start)
    if key not in memo:
        witness = _Witness(ctx.target.text[tgt[0].start : tgt[-1].end])
        s_text = ctx.source.text[src[0].start : src[-1].end]
        memo[key] = [(m.start(), m.end(), seen) for m, seen in witness.words(s_text) if seen is not None]
    return memo[key]


@rule(
    "OMI003",
    "unmatched-source-stretch",
    Severity.MINOR,
    "Leaving a stretch of the source out makes it closer to the translation: a dropped clause",
    needs=("source", "alignment", "embedder"), concern="omission", precedence=3,
)
def unmatched_stretch(ctx: Context) -> Iterator[Hit]:
    """Finds a stretch of the English whose removal makes the English sentence markedly more
    similar to its translation (cross-lingual sentence embeddings, the same encoder that aligns),
    in a translation shorter than usual (length-ratio z below -1): the translation says what the
    rest of the sentence says, and not that stretch.

    Stretches of a fifth and of three tenths of the sentence's words are left out in turn. A rise
    in cosine similarity of 0.075, or of 0.03 when the translation is very short (z below -2),
    is reported, with the stretch, both similarities and the length ratio as evidence (major
    when the translation is very short and the rise is 0.075 or more: on machine output, which
    is terse, a small rise in a very short translation is mostly a false alarm); the
    stretch must hold two content words (the best such stretch is taken: leaving out "be more
    than" or "we will not" also raises the similarity of a paraphrase). In a translation only
    somewhat shorter than usual (z from -1 to -0.25) a second witness is required: a rise of
    0.12, and a stretch the dictionary finds bare too (two witnessed words or more, at most a
    third of them in the translation, as in OMI002). Pairs that LEN001 already
    reports (|z| > 3) and sentences of under eight words are left out. Unlike
    OMI002 it needs no dictionary, so it also sees paraphrased and idiomatic clauses.

    Example: "Researchers tested the vaccine on 2,000 volunteers in three countries, and no
    serious side effects were reported." translated 「研究者らは3か国の2,000人のボランティアで
    ワクチンを試験した。」: without "serious side effects were reported." the English is closer
    to the translation (0.64 → 0.72).
    """
    import numpy as np

    assert ctx.source is not None
    jobs = []
    texts: list[str] = []
    for src, tgt, en, ja, z in _length_z(ctx):
        if not -3 <= z < LEAVE_OUT_BOTH_Z_MAX:
            continue
        s_off = src[0].start
        s_text = ctx.source.text[s_off : src[-1].end]
        words = list(re.finditer(r"\S+", s_text))
        n = len(words)
        if n < 8:
            continue
        stretches = []
        for share in LEAVE_OUT_SHARES:
            w = max(2, round(n * share))
            for k in range(0, n - w + 1, max(1, w // 3)):
                a, b = words[k].start(), words[k + w - 1].end()
                if _content_words(s_text[a:b]) >= 2:
                    stretches.append((a, b))
        if z >= LEAVE_OUT_Z_MAX:  # only somewhat short: the dictionary must find the stretch bare too
            seen = _witnessed(ctx, src, tgt)
            stretches = [(a, b) for a, b in stretches if _unrendered(seen, a, b)]
        if not stretches:
            continue
        first = len(texts)
        texts += [ctx.target.text[tgt[0].start : tgt[-1].end], s_text]
        texts += [(s_text[:a] + s_text[b:]).strip() for a, b in stretches]
        jobs.append((src, tgt, en, ja, z, s_off, s_text, first, stretches))
    if not jobs:
        return
    v = ctx.embed(texts)
    for _src, tgt, en, ja, z, s_off, s_text, first, stretches in jobs:
        t_vec = v[first]
        base = float(v[first + 1] @ t_vec)
        rises = v[first + 2 : first + 2 + len(stretches)] @ t_vec - base
        least = LEAVE_OUT_RISE_SHORT if z < -2 else LEAVE_OUT_RISE if z < LEAVE_OUT_Z_MAX else LEAVE_OUT_BOTH_RISE
        pick = next((int(k) for k in np.argsort(-rises) if rises[k] >= least), None)
        if pick is None:
            continue
        k, rise = pick, float(rises[pick])
        a, b = stretches[k]
        stretch = s_text[a:b]
        yield Hit(
            f"「{stretch}」 seems to have no counterpart: without it the source is closer to the translation "
            f"(similarity {base:.2f} → {base + rise:.2f}; the translation is {_shortness(z, LEAVE_OUT_Z_MAX)}: ratio {ja / en:.2f}, z {z:.1f})",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(s_off + a, s_off + b),
            evidence={"stretch": stretch, "similarity": round(base, 3), "similarity_without": round(base + rise, 3),
                      "ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="translate the missing stretch",
            severity=Severity.MAJOR if z < -2 and rise >= LEAVE_OUT_RISE else None,
        )


# OMI004: English clauses (split at punctuation and clause-opening words) against the
# translation's 、/。 chunks; thresholds calibrated on WMT22 en-ja with injected omissions.
_CLAUSE_SPLIT = re.compile(
    r"[,;:()\"“”]|\s(?:and|but|while|which|who|after|before|because|although|as well as|when|where|including|with|without|unless)\s"
)
CLAUSE_SIMILARITY_MIN = 0.20  # below this against every chunk, the clause has no counterpart
CLAUSE_Z_MAX = -1.5  # only in a translation this much shorter than usual
# ... or, in a translation only somewhat shorter, a clause that both witnesses leave unmatched:
# none of its dictionary words found and its similarity to every chunk below 0.30
CLAUSE_BOTH_Z_MAX = -0.25
CLAUSE_BOTH_SIMILARITY_MIN = 0.30


@rule(
    "OMI004",
    "unmatched-source-clause",
    Severity.MINOR,
    "A clause of the source matches no part of a short translation: a dropped clause",
    needs=("source", "alignment", "embedder"), concern="omission", precedence=0,
)
def unmatched_clause(ctx: Context) -> Iterator[Hit]:
    """Finds a clause of the English (split at commas, semicolons, brackets and words that open
    a clause: and, but, which, when, including...) that no part of its translation renders, in a
    translation clearly shorter than usual (length-ratio z below -1.5). A clause counts as
    unrendered when it has at least two words that can be witnessed (a JMdict form, or a name's
    katakana, as in OMI002) and none of them is in the translation, or when its cross-lingual similarity (the aligner's
    encoder) to every 、/。 chunk of the translation, to every two neighbouring chunks and to the
    whole sentence stays below 0.20. In a translation only somewhat shorter than usual (z from
    -1.5 to -0.25) both witnesses must agree on one clause: none of its dictionary words found
    and its similarity to every chunk below 0.30. Major when the translation is very short (z
    below -2).

    It complements OMI002 (a fixed window of words) and OMI003 (leaving a stretch out of the
    whole sentence): it tells which clause is missing, with the best-matching part of the
    translation and the dictionary count as evidence. Clauses of under three words are not
    judged; pairs that LEN001 already reports (|z| > 3) are left to it.

    Example: "The council approved the budget, which includes new funds for rural schools,
    after a long debate." translated 「長い議論の末、議会は予算を承認した。」: the clause "which
    includes new funds for rural schools" matches no part of it.
    """
    import numpy as np

    assert ctx.source is not None
    jobs = []
    texts: list[str] = []
    for src, tgt, en, ja, z in _length_z(ctx):
        if not -3 <= z < CLAUSE_BOTH_Z_MAX:
            continue
        s_off = src[0].start
        s_text = ctx.source.text[s_off : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        clauses = []
        pos = 0
        for piece in _CLAUSE_SPLIT.split(s_text):
            start = s_text.find(piece, pos)
            pos = start + len(piece)
            stripped = piece.strip()
            if len(stripped.split()) >= 3:
                a = start + piece.index(stripped)
                clauses.append((a, a + len(stripped)))
        seen = _witnessed(ctx, src, tgt)
        if z >= CLAUSE_Z_MAX:  # only somewhat short: only a clause the dictionary finds unrendered can qualify
            clauses = [(a, b) for a, b in clauses if _unrendered(seen, a, b, most_share=0)]
        if not clauses:
            continue
        chunks = [c for c in re.split(r"(?<=[、。])", t_text) if c.strip()]
        candidates = chunks + [a + b for a, b in zip(chunks, chunks[1:])] + [t_text]
        first = len(texts)
        texts += [s_text[a:b] for a, b in clauses] + candidates
        jobs.append((tgt, en, ja, z, s_off, s_text, seen, clauses, candidates, first))
    if not jobs:
        return
    v = ctx.embed(texts)
    for tgt, en, ja, z, s_off, s_text, seen, clauses, candidates, first in jobs:
        n = len(clauses)
        sims = v[first : first + n] @ v[first + n : first + n + len(candidates)].T
        best = sims.max(axis=1)
        report = None
        for k, (a, b) in enumerate(clauses):
            witnessed = [found for start, end, found in seen if a <= start and end <= b]
            unrendered = len(witnessed) >= 2 and not any(witnessed)
            if (
                (z < CLAUSE_Z_MAX and (unrendered or best[k] < CLAUSE_SIMILARITY_MIN))
                or (unrendered and best[k] < CLAUSE_BOTH_SIMILARITY_MIN)
            ):
                if report is None or best[k] < report[1]:
                    report = (k, float(best[k]), sum(witnessed), len(witnessed))
        if report is None:
            continue
        k, sim, found, witnessed_n = report
        a, b = clauses[k]
        clause = s_text[a:b]
        closest = candidates[int(np.argmax(sims[k]))]
        yield Hit(
            f"「{clause}」 matches no part of the translation (best similarity {sim:.2f}, to 「{closest}」; "
            f"{found} of {witnessed_n} of its dictionary words found; the translation is {_shortness(z, CLAUSE_Z_MAX)}: "
            f"ratio {ja / en:.2f}, z {z:.1f})",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(s_off + a, s_off + b),
            evidence={"clause": clause, "similarity": round(sim, 3), "closest_chunk": closest, "found": found,
                      "witnessed": witnessed_n, "ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="translate the missing clause",
            severity=Severity.MAJOR if z < -2 else None,
        )


ANCHOR_Z_MAX = -1.0  # OMI005: only in a translation this much shorter than usual
# ... or, in one not longer than usual, when the missing item sits in a stretch of the source
# (seven witnessed words) of which at most three are found: a second witness of the dropped clause
ANCHOR_STRETCH_Z_MAX = 0.0
ANCHOR_STRETCH_MOST_FOUND = 3
# ... or, in one not clearly longer than usual, when two separate items (a word or more apart,
# at most eight) are both missing: two precise checks agreeing on one stretch of the source
ANCHOR_PAIR_Z_MAX = 0.5
ANCHOR_PAIR_MOST_APART = 8
_WORD = re.compile(r"\w+")


def _within(by_start: dict[int, list[_T]], starts: list[int], a: int, b: int) -> list[_T]:
    """The items of ``by_start`` (keyed by offset; ``starts`` its sorted keys) at offsets in [a, b)."""
    return [item for at in starts[bisect_left(starts, a) : bisect_left(starts, b)] for item in by_start[at]]


def _missing_anchors(ctx: Context) -> dict[int, list[tuple[str, Hit]]]:
    """What the precise checks found missing (not altered) from each translation, by the start
    of its source span: names (NAM001), acronyms (ACR001), placeholders and addresses (ACR003),
    numbers (NUM001). Their verdicts are reused, not recomputed (:meth:`Context.hits_of`)."""
    kinds = {
        "NAM001": ("name", lambda h: "closest_in_translation" not in h.evidence),
        "ACR001": ("acronym", lambda h: "found" not in h.evidence),
        "ACR003": ("verbatim", lambda h: "found" not in h.evidence),
        "NUM001": ("number", lambda h: "target_numbers" in h.evidence),
    }
    out: dict[int, list[tuple[str, Hit]]] = {}
    for code, (kind, missing) in kinds.items():
        for h in ctx.hits_of(code):
            if h.source is not None and missing(h):
                out.setdefault(h.source.start, []).append((kind, h))
    return out


def _bare_stretches(ctx: Context, src: list[Segment], tgt: list[Segment], at: list[int]) -> list[tuple[str, int] | None]:
    """For each source offset in ``at``: a stretch of UNCOVERED_WINDOW witnessed words around it
    of which at most ANCHOR_STRETCH_MOST_FOUND have a counterpart in the translation (its text
    and that count; the barest such stretch), or None when every stretch around it is rendered."""
    assert ctx.source is not None
    s_start = src[0].start
    s_text = ctx.source.text[s_start : src[-1].end]
    words = _witnessed(ctx, src, tgt)
    windows = [(sum(seen for _, _, seen in words[k : k + UNCOVERED_WINDOW]), words[k][0], words[k + UNCOVERED_WINDOW - 1][1])
               for k in range(len(words) - UNCOVERED_WINDOW + 1)]
    out: list[tuple[str, int] | None] = []
    for offset in at:
        around = [w for w in windows if w[1] <= offset - s_start < w[2] and w[0] <= ANCHOR_STRETCH_MOST_FOUND]
        best = min(around, default=None)
        out.append(None if best is None else (s_text[best[1] : best[2]], best[0]))
    return out


def _words_apart(ctx: Context, pair: tuple[tuple[str, Hit], tuple[str, Hit]]) -> int:
    """How many words of the source lie between two items (in source order)."""
    assert ctx.source is not None
    a, b = pair[0][1].source, pair[1][1].source
    assert a is not None and b is not None
    return len(_WORD.findall(ctx.source.text[a.end : b.start]))


def _close_pair(ctx: Context, anchors: list[tuple[str, Hit]]) -> tuple[tuple[str, Hit], tuple[str, Hit]] | None:
    """Two different missing items from 1 to ANCHOR_PAIR_MOST_APART words apart in the source
    (the closest such pair), or None. Items with nothing between them ("June 2020", a first
    name and a surname) are one item, not two witnesses."""
    ordered = sorted(anchors, key=lambda a: a[1].source.start)  # type: ignore[union-attr]
    best: tuple[int, tuple[tuple[str, Hit], tuple[str, Hit]]] | None = None
    for k, first in enumerate(ordered):
        for second in ordered[k + 1 :]:
            a, b = first[1].source, second[1].source
            assert a is not None and b is not None
            if b.start < a.end or a.text.casefold() == b.text.casefold():
                continue
            apart = _words_apart(ctx, (first, second))
            if 1 <= apart <= ANCHOR_PAIR_MOST_APART and (best is None or apart < best[0]):
                best = (apart, (first, second))
    return None if best is None else best[1]


@rule(
    "OMI005",
    "missing-anchor",
    Severity.MINOR,
    "A short translation leaves out a name, number, acronym or address of the source: a dropped clause",
    needs=("source", "alignment"), concern="omission", precedence=4,
)
def missing_anchor(ctx: Context) -> Iterator[Hit]:
    """Finds translations shorter than usual (length-ratio z below -1) from which a name, an
    acronym, a number or a URL of the source is missing altogether (not mangled or altered): a
    clause that held it was most likely dropped with it. The names and numbers are the ones
    NAM001, ACR001, ACR003 and NUM001 report missing; this rule adds what their findings alone
    do not say, that the sentence is short enough for a whole clause to be gone, and files it
    as an omission, so that it merges with the other omission rules' findings on the pair.

    In a translation not longer than usual (z from -1 to 0) the length does not show a dropped
    clause, so a second witness is required: the missing item sits in a stretch of seven
    witnessed source words (as in OMI002) of which at most three have a counterpart in the
    translation. Two different missing items (a name and a number, two names) from one to
    eight words apart in the source are a second witness of each other, in a translation up to
    somewhat longer than usual (z below 0.5): "after Angela Merkel's 16-year tenure" gone whole.
    Items with nothing between them ("June 2020", a first name and a surname) count as one. A
    name missing from a translation that renders everything around it is NAM001's alone.

    Calibrated on WMT22 en-ja with injected omissions (benchmarks/evaluate.py): it finds
    omissions that the dictionary and similarity rules miss, most of them lists and clauses
    built around a name ("We accept PayPal, bank transfer or cash" losing its first item).
    Pairs that LEN001 already reports (|z| > 3) are left to it.

    Example: "Under the Calvento refund policy, you can cancel your contract and ask for a full
    refund within 60 days of purchase." translated 「購入から60日以内であれば、契約を解除して全額返金
    を求めることができます。」: Calvento is not in the translation, which is short (z -1.7).
    """
    assert ctx.source is not None
    found = _missing_anchors(ctx)
    if not found:
        return
    starts = sorted(found)
    for src, tgt, en, ja, z in _length_z(ctx):
        if not -3 <= z < max(ANCHOR_STRETCH_Z_MAX, ANCHOR_PAIR_Z_MAX):
            continue
        s_start, s_end = src[0].start, src[-1].end
        anchors = _within(found, starts, s_start, s_end)
        if not anchors:
            continue
        stretch = pair = None
        if z >= ANCHOR_Z_MAX:  # not short enough alone: a second witness is needed
            at = [h.source.start for _, h in anchors]  # type: ignore[union-attr]
            bare = _bare_stretches(ctx, src, tgt, at) if z < ANCHOR_STRETCH_Z_MAX else []
            if any(bare):
                anchors = [a for a, st in zip(anchors, bare) if st is not None]
                stretch = next(st for st in bare if st is not None)
            elif z < ANCHOR_PAIR_Z_MAX and (pair := _close_pair(ctx, anchors)) is not None:
                anchors = list(pair)
            else:
                continue
        anchors.sort(key=lambda a: a[1].source.start)  # type: ignore[union-attr]
        texts = [h.source.text for _, h in anchors]  # type: ignore[union-attr]
        first, last = anchors[0][1].source, anchors[-1][1].source
        assert first is not None and last is not None
        evidence: dict[str, object] = {"missing": [{"kind": kind, "text": h.source.text} for kind, h in anchors]}  # type: ignore[union-attr]
        why = f"a short translation (ratio {ja / en:.2f}, z {z:.1f})"
        if pair is not None:
            evidence["apart"] = _words_apart(ctx, pair)
            why = (f"a translation not clearly longer than usual (ratio {ja / en:.2f}, z {z:.1f}), "
                   f"{evidence['apart']} word{'s' if evidence['apart'] != 1 else ''} apart in the source")
        if stretch is not None:
            text, seen = stretch
            evidence |= {"stretch": text, "found": seen, "window": UNCOVERED_WINDOW}
            why = (f"a translation somewhat shorter than usual (ratio {ja / en:.2f}, z {z:.1f}), with the words around "
                   f"{'it' if len(texts) == 1 else 'them'} unrendered too (「{text}」: {seen} of {UNCOVERED_WINDOW} found)")
        yield Hit(
            f"{', '.join(texts)} {'is' if len(texts) == 1 else 'are'} missing from {why}: "
            f"the clause around {'it' if len(texts) == 1 else 'them'} may have been dropped",
            target=ctx.target.span(tgt[0].start, tgt[-1].end),
            source=ctx.source.span(first.start, last.end),
            evidence=evidence | {"ratio": round(ja / en, 3), "z": round(z, 2)},
            suggestion="translate the clause that holds " + ", ".join(texts),
            severity=Severity.MAJOR if z < -2 else None,
        )


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


# OMI006: English enumerations ("A, B and C") whose items the translation lists fewer of.
LIST_Z_MAX = 0.5  # only in a translation not clearly longer than usual
LIST_ITEM_MOST_WORDS = 4  # a list item of more words is a clause: OMI002/OMI004 judge those
_LIST_RUN = re.compile(r"[^;:()\[\].!?\"“”]+")  # an enumeration does not cross these
_LIST_SEP = re.compile(r",\s+(?:(?:[aA]nd|[oO]r|&)\s+)?|\s+(?:[aA]nd|[oO]r|&)\s+")
_LIST_CONJ = re.compile(r"\b(?:[aA]nd|[oO]r|&)\b")
# the first item runs back from its comma to one of these words (at most four words back)
_LIST_BOUND = frozenset(
    """a an the of for with to in on at by from like as including such all any every each your our their his her its
    my this that these those against about between into through over under than and or is are was were be been must can
    could will would should may might do does not no both either regardless include includes included""".split()
)
# an item that opens a clause or holds a pronoun is a clause, not a list item: "we met, talked and left"
_LIST_CLAUSE = re.compile(
    r"^(?:so|but|then|because|if|when|while|although|though|since|until|unless|including|such|which|who|whose|where)\b"
    r"|\b(?:I|he|she|we|they|you|it)\b", re.I
)
# how Japanese separates list items: 、 and commas, ・ between words that are not both katakana
# (ジョー・バイデン is one name), および/並びに/または..., and the particle や (Sudachi)
_JA_LIST_SEP = re.compile(r"[、，,]|(?<![ァ-ヶー])・|・(?![ァ-ヶー])|および|及び|並びに|または|又は|もしくは|ないし")


def _list_item(text: str) -> bool:
    """Whether a stretch between two commas can be a middle item of a list: at most four words,
    and not a clause (``_LIST_CLAUSE``)."""
    return len(text.split()) <= LIST_ITEM_MOST_WORDS and not _LIST_CLAUSE.search(text)


def _enumerations(text: str) -> list[list[tuple[int, int]]]:
    """The enumerations of three items or more in an English text ("age, size and level",
    "A, B, or C"), each as its items' (start, end) offsets. Middle items are at most four words
    and no clause; a list starts after the last comma-separated stretch that cannot be one
    ("to qualify, you must buy, renew, or upgrade it" lists buy, renew and upgrade). The first
    item runs back from its comma to a function word (``_LIST_BOUND``), the last forward to
    one, each at most four words; lists whose first or last item is a clause are left out."""
    found = []
    for run in _LIST_RUN.finditer(text):
        body, off = run.group(), run.start()
        parts, pos = [], 0  # (start, end, the separator after it)
        for sep in _LIST_SEP.finditer(body):
            parts.append((pos, sep.start(), sep.group()))
            pos = sep.end()
        parts.append((pos, len(body), ""))
        i = 0
        while i < len(parts):
            j = i
            while j + 1 < len(parts) and parts[j][2].startswith(",") and not _LIST_CONJ.search(parts[j][2]):
                j += 1
            if j == i or j + 1 >= len(parts) or not _LIST_CONJ.search(parts[j][2]):
                i += 1
                continue
            start = j  # the list starts after the last part that cannot be a middle item
            while start > i and _list_item(body[parts[start][0] : parts[start][1]]):
                start -= 1
            middle = [(a, b) for a, b, _ in parts[start + 1 : j + 1]]
            first_part, last_part = parts[start], parts[j + 1]
            i = j + 1
            if not middle:
                continue
            words = list(re.finditer(r"\S+", body[first_part[0] : first_part[1]]))
            k = len(words)
            while k > 0 and words[k - 1].group().lower().strip("'\"") not in _LIST_BOUND and len(words) - k < LIST_ITEM_MOST_WORDS:
                k -= 1
            if k == len(words):
                continue  # the word before the comma is a function word: no first item
            first = (first_part[0] + words[k].start(), first_part[1])
            words = list(re.finditer(r"\S+", body[last_part[0] : last_part[1]]))
            n = 0
            while n < len(words) and n < LIST_ITEM_MOST_WORDS and (n == 0 or words[n].group().lower() not in _LIST_BOUND):
                n += 1
            items = [first, *middle] + ([(last_part[0], last_part[0] + words[n - 1].end())] if n else [])
            if len(items) >= 3 and not any(_LIST_CLAUSE.search(body[a:b]) for a, b in (items[0], items[-1])):
                found.append([(off + a, off + b) for a, b in items])
    return found


def _japanese_list_separators(text: str) -> int:
    """How many gaps between list items the Japanese marks (see ``_JA_LIST_SEP``, and the particle や)."""
    from audit.lexicon.tokens import Tokenizer

    spans = [m.span() for m in _JA_LIST_SEP.finditer(text)]
    spans += [(t.begin, t.end) for t in Tokenizer.shared().tokenize(text) if t.surface == "や" and t.is_particle]
    gaps, end = 0, -1
    for a, b in sorted(spans):  # touching separators (、および) part two items only once
        gaps += a > end
        end = max(end, b)
    return gaps


@rule(
    "OMI006",
    "missing-list-item",
    Severity.MINOR,
    "An item of an English enumeration has no counterpart, and the translation lists fewer items",
    needs=("source", "alignment"), concern="omission", precedence=1,
)
def missing_list_item(ctx: Context) -> Iterator[Hit]:
    """Finds an enumeration of the English ("regardless of age, size and level of exercise") one
    of whose items has no counterpart in the translation while two others have one, in a
    translation that is not clearly longer than usual (length-ratio z below 0.5) and separates
    fewer items than the English lists: the signature of a dropped list item, which a length or
    similarity check cannot see (one word of a long sentence).

    An item is judged by its words that can be witnessed (a JMdict form, the word kept in Latin
    letters, or a name's katakana, as in OMI002): missing when at most half of them are in the
    translation ("text size" with 文字 alone), rendered when one is; two other items must be. The translation's separators are 、 and commas, ・ between words that
    are not both katakana, および, 並びに, または and the like, and the particle や; it must have
    fewer than the English enumeration's items less one. Enumerations of clauses (an item with a
    pronoun, or opening with "if", "when", "but"...) and items of more than four words are left
    to OMI002 and OMI004. Calibrated on WMT22 en-ja: 2 of the 1,676 reference pairs of 40+
    characters flagged ("tailored, pleated, and fitted", rendered as one adjective).

    Example: "The kit includes a tent, a stove, and a lantern." translated
    「キットにはテントとランタンが付属する。」: "a stove" has no counterpart, and the translation
    separates two items, not three.
    """
    assert ctx.source is not None
    from audit.lexicon.names import EnJaIndex

    if not EnJaIndex.shared().index:
        return
    for src, tgt, _en, _ja, z in _length_z(ctx):
        if z >= LIST_Z_MAX:
            continue
        s_off = src[0].start
        s_text = ctx.source.text[s_off : src[-1].end]
        lists = _enumerations(s_text)
        if not lists:
            continue
        seen = _witnessed(ctx, src, tgt)
        separators = None
        for items in lists:
            counts = [[found for start, end, found in seen if a <= start and end <= b] for a, b in items]
            # missing: most of its witnessed words unfound ("text size" with only 文字); an anchor:
            # one of its words found
            missing = [k for k, inside in enumerate(counts) if inside and 2 * sum(inside) <= len(inside)]
            if not missing or sum(1 for inside in counts if any(inside)) < 2:
                continue
            if separators is None:
                separators = _japanese_list_separators(ctx.target.text[tgt[0].start : tgt[-1].end])
            if separators >= len(items) - 1:
                continue
            names = [s_text[items[k][0] : items[k][1]] for k in missing]
            listed = [s_text[a:b] for a, b in items]
            a, b = items[missing[0]]
            yield Hit(
                f"{', '.join(f'「{n}」' for n in names)} of the enumeration 「{s_text[items[0][0] : items[-1][1]]}」 "
                f"{'has' if len(names) == 1 else 'have'} no counterpart in the translation, which separates fewer items ({separators} separators "
                f"for {len(items)} items; z {z:.1f})",
                target=ctx.target.span(tgt[0].start, tgt[-1].end),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"items": listed, "missing": names, "separators": separators, "z": round(z, 2)},
                suggestion="translate the missing item" + ("s" if len(names) > 1 else ""),
            )
            break


# ADD002: the translation's 、/。 chunks against the English clauses, in a longer-than-usual
# translation; calibrated on WMT22 en-ja with injected clauses (benchmarks/evaluate.py --only addition).
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


@rule("NUM001", "number-mismatch", Severity.MAJOR, "A number differs between source and translation", needs=("source", "alignment"))
def number_mismatch(ctx: Context) -> Iterator[Hit]:
    """Finds numbers, amounts and dates that are missing, added or changed in the translation,
    after normalising both sides: $2.9 billion = 29億ドル, 15% = 15％, April 10 = 4月10日,
    3割 = 30%, 令和6年 = 2024. A value off by a power of ten (2.9億 for $2.9 billion, a
    billion ↔ 億 slip) is critical; a changed or missing value is major; an added one minor.

    Numbers are read as a translator writes them: a military time (0500 → 午前5時), a short
    decade ('00s → 2000年代), a share in words (four in ten → 40%, a fifth → 20%), "a few" as
    ２、３, 24/7 as 24時間365日, 1億1千万 as 110 million, a number kept glued to Latin letters
    (2000M), and digits that the source writes inside a name or a code (pico-8 → ピコ8) are
    rendered, not added.
    """
    assert ctx.source is not None
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        sq = _english_quantities(ctx, s_text)
        tq = _japanese_quantities(ctx, t_text)
        hard = [q for q in sq if not q.soft]
        soft = [q for q in sq if q.soft]
        unmatched_t = list(tq)
        missing = []
        for q in hard:
            # A clock time (5.30, 17:45) may be written as hours and minutes: 5時30分; 5 p.m. as
            # 午後5時 or 17時.
            written = None
            for values in ((q.parts,) if q.parts else ()) + q.alternatives:
                parts = [next((t for t in unmatched_t if same(v, t.value)), None) for v in values]
                if all(parts) and len({id(t) for t in parts}) == len(parts):
                    written = parts
                    break
            if written is not None:
                for t in written:
                    unmatched_t.remove(t)  # type: ignore[arg-type]
                continue
            hit = next((t for t in unmatched_t if same(q.value, t.value)), None)
            if hit is not None:
                unmatched_t.remove(hit)
                continue
            if not _in_katakana_name(q, s_text, t_text) and not _kept_with_latin(q, t_text):
                missing.append(q)
        # An extra 1 is almost always "a/an/one/once" rendered as a digit (1時間, 週1回): not evidence;
        # nor are digits the source writes inside a name or code (pico-8 → ピコ8, I-131 → アイ131).
        extra = [
            t for t in unmatched_t
            if not t.soft and t.value != 1 and not any(same(t.value, s.value) for s in soft + hard) and not _digits_in(t, s_text)
        ]  # fmt: skip
        t_off = tgt[0].start
        s_off = src[0].start
        for q in missing:
            slip = next(((t, scale_slip(q.value, t.value)) for t in extra if scale_slip(q.value, t.value)), None)
            if slip is not None:
                t, k = slip
                extra.remove(t)
                yield Hit(
                    f"{q.text} became {t.text}: off by a factor of 10^{k}",
                    target=ctx.target.span(t_off + t.start, t_off + t.end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_value": t.value, "factor": f"1e{k}"},
                    suggestion=_ja_number(q.value),
                    severity=Severity.CRITICAL,
                )
            elif extra:
                t = extra.pop(0)
                yield Hit(
                    f"{q.text} in the source appears as {t.text} in the translation",
                    target=ctx.target.span(t_off + t.start, t_off + t.end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_value": t.value},
                    suggestion=_ja_number(q.value),
                )
            else:
                yield Hit(
                    f"{q.text} in the source is missing from the translation",
                    target=ctx.target.span(tgt[0].start, tgt[-1].end),
                    source=ctx.source.span(s_off + q.start, s_off + q.end),
                    evidence={"source_value": q.value, "target_numbers": [t.text for t in tq]},
                )
        yield from _code_numbers(ctx, s_text, s_off, t_text, t_off)
        for t in extra:
            yield Hit(
                f"{t.text} in the translation has no counterpart in the source",
                target=ctx.target.span(t_off + t.start, t_off + t.end),
                source=ctx.source.span(src[0].start, src[-1].end),
                evidence={"target_value": t.value, "source_numbers": [q.text for q in sq]},
                severity=Severity.MINOR,
            )


@rule("NUM004", "unit-changed", Severity.MAJOR, "A quantity keeps its number but changes its unit: 500 acres → 500ヘクタール",
      needs=("source", "alignment"))
def unit_changed(ctx: Context) -> Iterator[Hit]:
    """Finds a quantity of the source whose number the translation keeps while counting it in
    another unit of the same kind: 「500ヘクタール」 for "500 acres", 「15億円」 for "$1.5 billion",
    「摂氏3度」 for "3 degrees Fahrenheit". The number matches, so NUM001 is satisfied, but the
    quantity is wrong (an acre is 0.4 hectares; a dollar about 150 yen). A currency changed is
    critical, like a billion ↔ 億 slip; other units are major.

    Units are read from a currency sign before the number ($, US$, €, £, ¥; 華氏, 摂氏) or a unit
    word after it (dollars, euros, yen, yuan, won, rupees; miles, kilometres, feet, metres,
    inches, centimetres; acres, hectares; kilograms, pounds, tons; gallons, litres; degrees
    Fahrenheit or Celsius) and compared by kind. "pounds" and ポンド may be money or weight, and
    キロ kilometres or kilograms: either counts. A quantity converted in the translation has
    another number too, and is NUM001's.
    """
    assert ctx.source is not None
    for s_off, s_text, t_off, _, t_text in ctx.pair_texts():
        sq = [(q, english_unit(s_text, q)) for q in _english_quantities(ctx, s_text) if not q.soft]
        tq = [(t, japanese_unit(t_text, t)) for t in _japanese_quantities(ctx, t_text)]
        if not any(u for _, u in sq) or not any(u for _, u in tq):
            continue
        used: set[int] = set()
        for q, s_units in sq:
            # the target quantity of the same value, one in the source's unit first
            same_value = [(k, t, u) for k, (t, u) in enumerate(tq) if k not in used and same(q.value, t.value)]
            if not same_value:
                continue
            k, t, t_units = min(same_value, key=lambda x: (not (x[2] & s_units), x[0]))
            used.add(k)
            kinds = {UNIT_DIMENSIONS[u] for u in s_units} & {UNIT_DIMENSIONS[u] for u in t_units}
            if not s_units or not t_units or s_units & t_units or not kinds:
                continue
            currency = "currency" in kinds
            def named(units: frozenset[str]) -> str:
                return " or ".join(UNIT_NAMES[u] for u in sorted(units))

            yield Hit(
                f"{s_text[q.start : q.end]} {named(s_units)} became {t_text[t.start : t.end]} {named(t_units)}: "
                f"the same number in another {'currency' if currency else 'unit'}",
                target=ctx.target.span(t_off + t.start, t_off + t.end),
                source=ctx.source.span(s_off + q.start, s_off + q.end),
                evidence={"source_units": sorted(s_units), "target_units": sorted(t_units), "kind": sorted(kinds)[0],
                          "value": q.value},
                suggestion="render the quantity in the source's unit, or convert the number as well",
                severity=Severity.CRITICAL if currency else None,
            )


@rule("NUM005", "date-or-time-flipped", Severity.MAJOR,
      "A date or time changed with its numbers kept: month and day swapped, a.m./p.m., another weekday, yesterday/tomorrow",
      needs=("source", "alignment"))
def date_or_time_flipped(ctx: Context) -> Iterator[Hit]:
    """Finds a date of the source whose month and day the translation swaps ("April 10" →
    「10月4日」), an hour whose a.m. or p.m. it turns around ("5 p.m." → 「午前5時」), and a
    weekday it turns into another ("on Monday" → 「火曜日に」). The numbers are all there, so
    NUM001, which matches values, is satisfied; the date or the time is wrong. Machine translation
    swaps them when it reads a day-first date as month-first (or the reverse) or renders "p.m."
    or a weekday by the wrong word; and a day, week, month or year named relative to now that it
    turns into its opposite ("yesterday" → 「明日」, "last year" → 「来年」).

    Dates are those written with a month's name (April 10, 10 April, Apr. 10th) against M月D日;
    a swap is reported only when the source's date is absent, its swap present, and the day could
    be a month (12 or less). Hours are 1 to 11 with a.m. or p.m. against 午前/午後 N時 (12 is
    left alone: 午前12時 means noon to some and midnight to others). Weekdays are those named in
    full (Monday) against 月曜…日曜: reported when the translation names a weekday the source does
    not and none of the source's.
    """
    assert ctx.source is not None
    for s_off, s_text, t_off, _, t_text in ctx.pair_texts():
        t_dates = japanese_dates(t_text)
        written = {(m, d) for m, d, _, _ in t_dates}
        for month, day, a, b in english_dates(s_text):
            if (month, day) in written or day > 12 or day == month or (day, month) not in written:
                continue
            _, _, ta, tb = next(x for x in t_dates if (x[0], x[1]) == (day, month))
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: month and day swapped",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"source_date": {"month": month, "day": day}, "target_date": {"month": day, "day": month}},
                suggestion=f"{month}月{day}日",
            )
        t_hours = japanese_meridiem_hours(t_text)
        for hour, half, a, b in english_meridiem_hours(s_text):
            if hour == 12:
                continue
            same_hour = [x for x in t_hours if x[0] == hour]
            if not same_hour or any(x[1] == half for x in same_hour):
                continue
            _, _, ta, tb = same_hour[0]
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: {'p.m.' if half == 'p' else 'a.m.'} rendered as "
                f"{'午前' if half == 'p' else '午後'}",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"hour": hour, "source_half": f"{half}.m.", "target_half": "午前" if half == "p" else "午後"},
                suggestion=f"{'午後' if half == 'p' else '午前'}{hour}時",
            )
        for word, other, m, t in relative_time_flips(s_text, t_text):
            yield Hit(
                f"'{m.group()}' became {t.group()} ({other})",
                target=ctx.target.span(t_off + t.start(), t_off + t.end()),
                source=ctx.source.span(s_off + m.start(), s_off + m.end()),
                evidence={"source_time": word, "target_time": other},
                suggestion=relative_time_forms(word)[0],
            )
        s_days = english_weekdays(s_text)
        t_days = japanese_weekdays(t_text)
        named = {d for d, _, _ in s_days}
        if s_days and t_days and not named & {d for d, _, _ in t_days}:
            day, a, b = s_days[0]
            _, ta, tb = next(x for x in t_days if x[0] not in named)
            yield Hit(
                f"{s_text[a:b]} became {t_text[ta:tb]}: another weekday",
                target=ctx.target.span(t_off + ta, t_off + tb),
                source=ctx.source.span(s_off + a, s_off + b),
                evidence={"source_weekday": s_text[a:b], "target_weekday": t_text[ta:tb]},
                suggestion=f"{'月火水木金土日'[day]}曜日",
            )


# Numbers inside names that Japanese transliterates as words: "1st Class" ファーストクラス, "Sector 9" セクターナイン.
_KATAKANA_NUMBERS = {
    1: ("ワン", "ファースト"), 2: ("ツー", "トゥー", "セカンド"), 3: ("スリー", "サード"), 4: ("フォー", "フォース"),
    5: ("ファイブ", "ファイヴ", "フィフス"), 6: ("シックス",), 7: ("セブン", "セヴン"), 8: ("エイト",), 9: ("ナイン",), 10: ("テン",),
}


def _in_katakana_name(q: Quantity, s_text: str, t_text: str) -> bool:
    """A small number of the source that the translation spells in katakana inside the name it
    belongs to: one katakana run holds the number's word glued to the transliteration of the
    English word beside it (1st Class → ファーストクラス, Sector 9 → セクターナイン), so the フォー
    of フォーム is no match for "4 forms"."""
    from audit.lexicon.names import kana_key, transliterate
    from audit.lexicon.script import KATAKANA_RUN

    words = _KATAKANA_NUMBERS.get(int(q.value)) if q.value == int(q.value) else None
    if not words:
        return False
    before = re.findall(r"[A-Za-z]{3,}", s_text[: q.start])[-1:]
    after = re.findall(r"[A-Za-z]{3,}", s_text[q.end :])[:1]
    keys = [kana_key(run) for run in KATAKANA_RUN.findall(t_text)]
    # the number's word right after the word before it, or right before the word after it
    glued = [kana_key(transliterate(b.capitalize()))[-2:] + kana_key(w) for b in before for w in words]
    glued += [kana_key(w) + kana_key(transliterate(a.capitalize()))[:2] for a in after for w in words]
    return any(len(g) >= 4 and g in key for g in glued for key in keys)


def _digits_in(t: Quantity, s_text: str) -> bool:
    """The target number's digits stand in the source as written, glued to letters (a name or a
    code the source-side reader skips: pico-8, I-131, FOB2)."""
    if t.value != int(t.value) or t.value < 0:
        return False
    digits = str(int(t.value))
    return any(
        s_text[m.start() - 1 : m.start()].isalpha() or s_text[m.start() - 2 : m.start()][:1].isalpha() and s_text[m.start() - 1] in "-‐"
        for m in re.finditer(rf"(?<!\d){digits}(?!\d)", s_text)
    )


def _kept_with_latin(q: Quantity, t_text: str) -> bool:
    """The source's number written as it is, glued to Latin letters in the translation: a unit
    kept in Latin (280g, 10W) or a label (FM105.3 for "105.3 FM"). The Japanese reader leaves
    numbers glued to letters out (they are codes, VP730), so without this they look missing."""
    digits = re.match(r"\d[\d.,]*\d|\d", q.text)
    if digits is None:
        return False
    t_norm = unicodedata.normalize("NFKC", t_text)
    pattern = rf"(?<![\d.,]){re.escape(digits.group())}(?![\d]|[.,]\d)"
    return any(
        t_norm[m.start() - 1 : m.start()].isascii() and t_norm[m.start() - 1 : m.start()].isalpha()
        or t_norm[m.end() : m.end() + 1].isascii() and t_norm[m.end() : m.end() + 1].isalpha()
        for m in re.finditer(pattern, t_norm)
    )


_CODE = re.compile(r"(?<![A-Za-z0-9-])([A-Za-z]{1,10})-?(\d{1,4})(?![A-Za-z0-9-])")


def _code_numbers(ctx: Context, s_text: str, s_off: int, t_text: str, t_off: int) -> Iterator[Hit]:
    """The number inside a code changed: G7 → G9, COVID-19 → COVID-13, F-35 → F-53."""
    t_norm = unicodedata.normalize("NFKC", t_text)
    t_codes = [(m, m.group(1).upper(), m.group(2)) for m in _CODE.finditer(t_norm)]
    for m in _CODE.finditer(s_text):
        letters, digits = m.group(1).upper(), m.group(2)
        if any(L == letters and d == digits for _, L, d in t_codes):
            continue
        other = next(((tm, d) for tm, L, d in t_codes if L == letters and d != digits), None)
        if other is None:
            continue
        tm, d = other
        yield Hit(
            f"{m.group(0)} in the source appears as {t_text[tm.start() : tm.end()]} in the translation",
            target=ctx.target.span(t_off + tm.start(), t_off + tm.end()),
            source=ctx.source.span(s_off + m.start(), s_off + m.end()),  # type: ignore[union-attr]
            evidence={"source_code": m.group(0), "target_code": t_text[tm.start() : tm.end()]},
            suggestion=m.group(0),
        )


def _ja_number(value: float) -> str:
    for unit, scale in (("兆", 1e12), ("億", 1e8), ("万", 1e4)):
        if abs(value) >= scale:
            n = value / scale
            return f"{n:g}{unit}"
    return f"{value:g}"


_LATIN_TOKEN = re.compile(r"\b[A-Z][A-Z0-9&]{1,}(?:-[A-Z0-9]+)*\b")
# General-purpose acronyms that Japanese routinely writes as words (英国, 国連, 新型コロナ, ドル…):
# their absence in Latin script is not evidence of anything.
_ROUTINELY_TRANSLATED = frozenset(
    "US USA UK EU UN COVID USD JPY EUR GBP CNY PC TV CEO CFO CTO AM PM OK FAQ DIY ID BBQ DVD CD GPS SNS VAT "
    # legal forms, transliterated or left out (Ltd: リミテッド, 社); chat abbreviations, rendered by sense
    "LTD INC LLC PLC CORP BS WTF OMG LOL FYI BTW IMO IMHO TBH ASAP".split()
)


@rule("ACR001", "acronym-missing", Severity.MINOR, "An acronym or Latin token of the source is missing", needs=("source", "alignment"))
def acronym_missing(ctx: Context) -> Iterator[Hit]:
    """Finds acronyms (``NATO``, ``IAEA``, ``WHO``) in a source sentence that do not appear in its
    translation. Japanese usually keeps acronyms in Latin script; a missing one was dropped,
    expanded without the acronym, or altered. An altered one (a Latin token of the translation
    that is the acronym with a letter changed, added or dropped: NAPCO → NAPC) is reported as
    such, at major severity, with the altered form. General-purpose acronyms that Japanese routinely
    writes as words (UK → 英国, UN → 国連, USD → ドル) and text written in capitals are skipped.

    A translator often renders an acronym by its meaning (SNP → スコットランド国民党, A&E →
    救急外来, HS → 高校), which this check cannot verify; so an acronym merely absent is reported
    only from a translation clearly shorter than usual (length z below ``ACRONYM_MISSING_Z_MAX``),
    where it witnesses a dropped stretch. Measured on WMT24 en-ja (benchmarks/esa_eval.py, tune
    half): of 89 absent acronyms in translations of ordinary length, 9 sat in a paragraph with any
    marked error. Words in capitals for emphasis (``DIFFICULT``, ``HAVE``, ``AWARE``: English
    words the dictionary knows, or function words) are not acronyms.
    """
    assert ctx.source is not None
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        t_norm = unicodedata.normalize("NFKC", t_text).upper()
        z = length_z(len(s_text), len(t_text))
        words = re.findall(r"[A-Za-z]{2,}", s_text)
        if words and sum(w.isupper() for w in words) / len(words) > 0.3:
            continue  # text in capitals (a shouted notice): capitals do not mark acronyms here
        verbatim = [(a, b) for _, a, b, _ in verbatim_tokens(s_text)]
        for m in _LATIN_TOKEN.finditer(s_text):
            token = m.group()
            if any(a <= m.start() < b for a, b in verbatim):
                continue  # part of a URL, address or placeholder: ACR003 checks the whole of it
            if token.upper() in t_norm or token.split("-")[0] in _ROUTINELY_TRANSLATED:
                continue
            if s_text[m.end() : m.end() + 1] in ("$", "€", "£", "¥"):
                continue  # a currency (AU$500: 500豪ドル), NUM001's business
            if token.lower() in ctx.source_vocabulary:
                continue  # an ordinary word in capitals for emphasis ("ANY items"), not an acronym
            if ctx.glossary and any(h.text == token for h in ctx.glossary.find_source(token)):
                continue  # a glossary term: its official Japanese form replaces it (GLO001 checks that)
            if _ROMAN.fullmatch(token) or _rendered(token, t_text):
                continue
            altered = _altered(token, t_text, s_text)
            if altered is not None:
                a, b = altered
                yield Hit(
                    f"{token} from the source appears altered as {t_text[a:b]} in the translation",
                    target=ctx.target.span(tgt[0].start + a, tgt[0].start + b),
                    source=ctx.source.span(src[0].start + m.start(), src[0].start + m.end()),
                    evidence={"token": token, "found": t_text[a:b]},
                    suggestion=token,
                    severity=Severity.MAJOR,
                )
                continue
            if z is None or z >= ACRONYM_MISSING_Z_MAX or _emphasis(token):
                continue  # likely rendered by its meaning (nothing here can tell), or a word in capitals
            yield Hit(
                f"{token} from the source does not appear in the translation",
                target=ctx.target.span(tgt[0].start, tgt[-1].end),
                source=ctx.source.span(src[0].start + m.start(), src[0].start + m.end()),
                evidence={"token": token},
                suggestion=f"keep {token} (or add it in parentheses after the Japanese name)",
            )


ACRONYM_MISSING_Z_MAX = -1.0


def _emphasis(token: str) -> bool:
    """An English word written in capitals (DIFFICULT, HAVE), not an acronym."""
    from audit.checks.untranslated import FUNCTION_WORDS
    from audit.lexicon.names import Dictionary

    low = token.lower()
    return low.isalpha() and (low in FUNCTION_WORDS or (len(low) >= 4 and Dictionary.shared().is_common_word(low)))


def _altered(token: str, t_text: str, s_text: str) -> tuple[int, int] | None:
    """The span of a Latin token of the translation that is the acronym with one or two letters
    changed, added or dropped (NAPCO → NAPC), and is not itself in the source."""
    import difflib

    if len(token) < 3:
        return None
    best: tuple[float, int, int] | None = None
    in_source = set(re.findall(r"[A-Za-z][A-Za-z0-9&]+", s_text))
    for t in re.finditer(r"[A-Za-z][A-Za-z0-9&]+", t_text):
        word = unicodedata.normalize("NFKC", t.group())
        if word in in_source or not word.isupper() or abs(len(word) - len(token)) > 1:
            continue
        ratio = difflib.SequenceMatcher(None, token, word).ratio()
        if ratio >= 0.75 and (best is None or ratio > best[0]):
            best = (ratio, t.start(), t.end())
    return None if best is None else (best[1], best[2])


# Text a translation must copy character for character: software placeholders, URLs, e-mail
# addresses, domain names, social-media handles (@name). Translating or respacing one breaks the
# string it belongs to.
_VERBATIM = re.compile(
    r"(?P<url>(?:https?://|www\.)[^\s<>\"'「」（）()]*[^\s<>\"'「」（）().,;:!?、。])"
    r"|(?P<email>(?<![@\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})"  # not @a@b.c: two handles run together
    r"|(?P<placeholder>#[A-Z][A-Z0-9_]*#|\{\{\s*[\w.]+\s*\}\}|\{[\w.]*\}|\$\{\w+\}|%\(\w+\)[sdif]|(?<![\w%])%\d+\$[sdif]"
    r"|(?<![\w%])%[sd@](?![\w])|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>)"
    r"|(?P<domain>(?<![\w.@/-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|int|io|info|jp|co\.jp|co\.uk|uk|de|fr|eu|ai|app|dev)\b(?![.\w-]*[\w-]))"
    r"|(?P<handle>(?<![\w.])@[A-Za-z0-9_]{2,30}(?![\w]))"
)


def verbatim_tokens(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, token) of each placeholder, URL, e-mail address, domain name and handle in ``text``."""
    return [(m.lastgroup or "", m.start(), m.end(), m.group()) for m in _VERBATIM.finditer(text)]


def _verbatim_count(token: str, kind: str, t_norm: str) -> int:
    if kind == "placeholder":
        return t_norm.count(token)
    return t_norm.lower().count(token.lower())  # URLs and domains are case-insensitive in their host part


_PLACEHOLDER_CORE = re.compile(r"[\w.]+")
_PLACEHOLDER_SHAPES = {  # by opening delimiter: the same delimiters around any name
    "#": re.compile(r"#[^#\s]{1,16}#"),
    "{{": re.compile(r"\{\{[^{}\s]{1,24}\}\}"),
    "{": re.compile(r"(?<!\{)\{[^{}\s]{1,24}\}(?!\})"),
    "${": re.compile(r"\$\{[^{}\s]{1,24}\}"),
    "%(": re.compile(r"%\([^()\s]{1,24}\)[sdif]"),
}


def _verbatim_altered(token: str, kind: str, t_norm: str, s_tokens: set[str]) -> str | None:
    """A near copy of ``token`` in the translation (``#PRS_ORG #``, ``PRS_ORG#``, ``#番号#``,
    ``exmple.com``) that is not itself a token of the source."""
    import difflib

    if kind == "placeholder":
        core = _PLACEHOLDER_CORE.search(token)
        if core is not None:
            # the name kept, the delimiters lost, spaced or changed in case
            m = re.search(r"[#{$%(<]?\s*" + re.escape(core.group()) + r"\s*[#}>)]?", t_norm, re.I)
            if m is not None and m.group().strip() != token:
                return m.group().strip()
        shape = _PLACEHOLDER_SHAPES.get(token[:2]) or _PLACEHOLDER_SHAPES.get(token[:1])
        if shape is not None:
            # the name translated between the delimiters: #NUMBER# → #番号#, {count} → {件数}
            for m in shape.finditer(t_norm):
                if m.group() not in s_tokens:
                    return m.group()
        return None
    best: tuple[float, str] | None = None
    for m in re.finditer(r"[A-Za-z0-9_.@/:%+~#?=&-]{4,}", t_norm):
        word = m.group().rstrip(".")
        if word.lower() == token.lower() or word in s_tokens:
            continue
        ratio = difflib.SequenceMatcher(None, token.lower(), word.lower()).ratio()
        if ratio >= 0.8 and (best is None or ratio > best[0]):
            best = (ratio, word)
    return None if best is None else best[1]


@rule("ACR003", "verbatim-token", Severity.MAJOR, "A placeholder, URL, e-mail address, domain name or @handle of the source is missing or altered",
      needs=("source", "alignment"), concern="placeholder", precedence=0)
def verbatim_token(ctx: Context) -> Iterator[Hit]:
    """Finds text of the source that a translation must copy character for character and does
    not: software placeholders (``#NAME#``, ``{count}``, ``{{user}}``, ``%s``, ``%(name)s``,
    ``${var}``, markup tags), URLs, e-mail addresses, domain names and social-media handles
    (``@KyotoTravel``, which names an account: ``@京都トラベル`` names none). Machine translation
    translates the word inside a placeholder (``#NUMBER#`` → ``#番号#``), drops or respaces its
    delimiters (``#PRS_ORG #``, ``PRS_ORG#``) or leaves a link out with the clause around it; each
    breaks the string or the reader's way to the link.

    Occurrences are counted: a placeholder that the source has twice and the translation once is
    reported. Full-width forms (＃, ｛) count as written, since NFKC maps them to the ASCII ones. A
    near copy is reported as altered, with the form found; otherwise the token is missing.

    Example: source "Your order will arrive in #NUMBER# minutes." translated as
    「ご注文は#番号#分以内に届きます。」: ``#NUMBER#`` altered as ``#番号#``.
    """
    assert ctx.source is not None
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        tokens = verbatim_tokens(s_text)
        if not tokens:
            continue
        t_norm = unicodedata.normalize("NFKC", t_text)
        s_tokens = {tok for _, _, _, tok in tokens}
        reported: set[str] = set()
        for kind, a, b, token in tokens:
            if token in reported:
                continue
            wanted = sum(1 for _, _, _, tok in tokens if tok == token)
            have = _verbatim_count(token, kind, t_norm)
            if have >= wanted:
                continue
            reported.add(token)
            altered = _verbatim_altered(token, kind, t_norm, s_tokens)
            evidence: dict[str, object] = {"token": token, "kind": kind, "in_source": wanted, "in_translation": have}
            target = ctx.target.span(t_start, t_end)
            if altered is not None:
                evidence["found"] = altered
                at = unicodedata.normalize("NFKC", t_text).find(altered)
                if at >= 0 and len(t_norm) == len(t_text):  # NFKC kept the offsets
                    target = ctx.target.span(t_start + at, t_start + at + len(altered))
                message = f"{kind} {token} appears altered as {altered} in the translation"
            elif wanted > 1:
                message = f"{kind} {token} occurs {wanted} times in the source, {have} in the translation"
            else:
                message = f"{kind} {token} from the source does not appear in the translation"
            yield Hit(
                message,
                target=target,
                source=ctx.source.span(s_start + a, s_start + b),
                evidence=evidence,
                suggestion=f"copy {token} exactly as the source writes it",
            )


_UNIT = re.compile(r"\s*(米ドル|ドル|円|ユーロ|ポンド|人民元|元|ウォン|人|トン|件|台|社|キロメートル|キロ|km|kg|％|%|カ国|か国|ヶ国)")
_RESTATED = re.compile(r"\s*[（(]\s*(?:約|およそ|概算|)\s*")


def _unit(text: str, end: int) -> str | None:
    m = _UNIT.match(text, end)
    if not m:
        return None
    return {"米ドル": "ドル", "％": "%", "キロメートル": "km", "キロ": "km", "ヶ国": "か国", "カ国": "か国"}.get(m.group(1), m.group(1))


def _significant(value: float) -> str:
    return f"{abs(value):.6e}".split("e")[0].rstrip("0").rstrip(".").replace(".", "")


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words around a quantity: up to six characters before it and after its unit, without
    particles and punctuation (so 「基金に」 and 「基金への」 agree)."""
    strip = re.compile(r"[、。「」（）()\s・はがをにのへとでもや約計総]")
    before = strip.sub("", text[max(0, start - 8) : start])[-6:]
    after = strip.sub("", text[end : end + 10])[:6]
    return before, after


@rule("NUM003", "malformed-amount", Severity.MAJOR, "A Japanese amount whose units cannot be read: 20億万, 3万2億")
def malformed_amount(ctx: Context) -> Iterator[Hit]:
    """Finds Japanese amounts written with myriad units (万, 億, 兆) that no reader can
    evaluate: two units in a row (「20億万ドル」, 「1.5兆億円」), units out of order
    (「3万2億円」), or a group of more than four digits, or with a decimal point, after the
    largest unit (「1億20000万円」). Machine translation produces them when it converts
    "billion" or "trillion" twice over or splices two renderings of one number; the value meant
    cannot be recovered without the source. Works in target-only mode; with the source, NUM001
    compares the value too.

    Not amounts: 億万長者 and 数億 (no digits before the units), 百万 and 千万 (百 and 千 are not
    myriad units).
    """
    for seg in ctx.target.segments:
        for start, end, why in malformed_amounts(seg.text):
            amount = seg.text[start:end]
            yield Hit(
                f"「{amount}」 cannot be read as an amount: {why}",
                target=ctx.span(seg, start, end),
                evidence={"amount": amount, "problem": why},
                suggestion="write the amount with each of 万, 億, 兆 once, largest first (1兆2000億), from the source's figure",
            )


# A decimal before 億 with a foreign currency: 6.9億ドル is how "$6.9 billion" reads rendered with 億
# for "billion"; Japanese writes 690 million as 6億9000万 and 6.9 billion as 69億.
_DECIMAL_OKU = re.compile(
    r"(?:(?P<sign>US\$|\$|€|£) ?)?(?<![\d.,])(?P<value>\d+\.\d+)億(?P<unit>米ドル|ドル|ユーロ|ポンド|人民元|元|ウォン|ルピー)?"
)


@rule("NUM006", "decimal-oku", Severity.MINOR, "A decimal before 億 in a foreign currency: 6.9億ドル, likely 'billion' rendered as 億")
def decimal_oku(ctx: Context) -> Iterator[Hit]:
    """Finds amounts in a foreign currency written with a decimal before 億 (「6.9億ドル」, 「$3.3億」),
    without the source. That is how "$6.9 billion" reads when "billion" is rendered as 億: ten
    times too small (6.9 billion is 69億). Japanese writes 690 million as 6億9000万, so the
    decimal form is a likely slip; it is minor because some writers use it. Yen amounts and 兆
    (1.5兆円, 1.9兆ドル, written so in Japanese news) are left alone. With the source, NUM001
    compares the value and this check stays quiet.

    Measured on WMT22 en-ja: none in the reference or the ja-en Japanese sources; three in one
    system's output, each a "billion" rendered as 億.
    """
    if ctx.source is not None:
        return
    for seg in ctx.target.segments:
        if "億" not in seg.text:
            continue
        norm = nfkc_per_char(seg.text)
        for m in _DECIMAL_OKU.finditer(norm):
            if not (m.group("sign") or m.group("unit")):
                continue  # yen, people, or nothing said: 1.2億人 is Japan's population
            value = float(m.group("value"))
            meant = f"{m.group('sign') or ''}{value * 10:g}億{m.group('unit') or ''}"
            yield Hit(
                f"「{seg.text[m.start() : m.end()]}」: a decimal before 億 is how '{m.group('value')} billion' reads rendered "
                f"with 億 for 'billion', ten times too small",
                target=ctx.span(seg, m.start(), m.end()),
                evidence={"amount": seg.text[m.start() : m.end()], "if_billion": meant},
                suggestion=f"{meant} if the source says {m.group('value')} billion",
            )


@rule("NUM002", "quantity-two-ways", Severity.MAJOR, "The same quantity written with two values in one document")
def quantity_two_ways(ctx: Context) -> Iterator[Hit]:
    """Finds one quantity written with two different values, without the source:

    - restated in parentheses with another value in the same unit and nothing else: 「10億ドル(約1億ドル)」
      (「1,500円(1,650円税込)」 says why it differs, and is not reported);
    - the same amount in the same words twice, a power of ten apart: 「基金に29億ドルを拠出」
      and later 「基金に2.9億ドルを拠出」. A billion ↔ 億 slip in one of them is the usual cause.
      Amounts must share their significant digits (two or more: 29 and 2.9, not 1 and 10) and
      the words just before or after them, so two different amounts of one document (会員は360人,
      新規登録36人) are not compared.

    Amounts are compared after normalisation (29億 = 2.9 billion, ５０％ = 50%), with units
    (ドル, 円, 人, トン, %…) that must match. Works in target-only mode; with the source, NUM001
    says which value is right.
    """
    text = ctx.target.text
    found = []
    for seg in ctx.target.segments:
        for q in japanese_quantities(seg.text):
            if q.soft:
                continue
            unit = _unit(seg.text, q.end)
            if unit is None:
                continue
            found.append((seg, q, unit))
    # restated in parentheses
    for k, (seg, q, unit) in enumerate(found[:-1]):
        nseg, nq, nunit = found[k + 1]
        if nseg is not seg or nunit != unit:
            continue
        u = _UNIT.match(seg.text, q.end)
        gap = _RESTATED.fullmatch(seg.text, u.end() if u else q.end, nq.start)
        nu = _UNIT.match(seg.text, nq.end)
        closed = nu is not None and re.match(r"\s*[)）]", seg.text[nu.end() :]) is not None  # not (1,650円税込)
        if gap and closed and not same(q.value, nq.value):
            yield Hit(
                f"{q.text}{unit} is restated as {nq.text}{unit} in parentheses: one of them is wrong",
                target=ctx.span(seg, q.start, nq.end),
                evidence={"value": q.value, "restated": nq.value, "unit": unit},
            )
    # the same amount in the same words, a power of ten apart
    reported: set[int] = set()
    for i, (seg_a, qa, ua) in enumerate(found):
        sig = _significant(qa.value)
        if len(sig) < 2:
            continue
        ctx_a = _context(text, seg_a.start + qa.start, seg_a.start + qa.end)
        for j in range(i + 1, len(found)):
            seg_b, qb, ub = found[j]
            if ub != ua or j in reported or _significant(qb.value) != sig or not scale_slip(qa.value, qb.value):
                continue
            ctx_b = _context(text, seg_b.start + qb.start, seg_b.start + qb.end)
            if not any(x and x == y and len(x) >= 2 for x, y in zip(ctx_a, ctx_b)):
                continue
            reported.add(j)
            yield Hit(
                f"{qb.text}{ub} here but {qa.text}{ua} earlier, in the same words: the same amount a power of ten apart",
                target=ctx.span(seg_b, qb.start, qb.end),
                evidence={"value": qb.value, "earlier": qa.value, "earlier_at": seg_a.start + qa.start, "unit": ua,
                          "context": "".join(ctx_b)},
            )
