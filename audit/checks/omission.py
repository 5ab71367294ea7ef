"""Omissions: a source sentence, stretch, clause, anchor (number, name, acronym) or list item
that the aligned translation leaves out (OMI001-OMI006)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from audit.checks.base import Context, Hit, chunked, rule
from audit.checks.pairs import (
    _CLAUSE_SPLIT,
    _length_z,
    _pairs,
    _within,
)
from audit.model import Segment, Severity


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


class _Witness:
    """Whether each content word of an English text has a counterpart in one translation: a
    JMdict form of it (Snowball stems, kana spellings included), the word itself kept in Latin
    letters (full-width forms folded), or for a capitalised word JMdict does not know (a name)
    its e2k katakana; None when none of these can tell."""

    def __init__(self, translation: str):
        from audit.lexicon.kana import kana_key, to_katakana
        from audit.lexicon.names import EnJaIndex
        from audit.lexicon.script import KATAKANA_RUN

        self.index = EnJaIndex.shared()
        self.kana = to_katakana(translation)
        self.runs = "|".join(kana_key(r) for r in KATAKANA_RUN.findall(self.kana))
        folded = unicodedata.normalize("NFKC", translation).casefold()
        self.latin = set(re.findall(r"[a-z][a-z'-]*", folded))

    def words(self, english: str) -> Iterator[tuple[re.Match[str], bool | None]]:
        from audit.lexicon.kana import kana_key
        from audit.lexicon.transliteration import transliterate

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
COARSE_EVERY = 2  # the coarse pass tries every other stretch of each length
REFINE_SHARE = 0.5  # the fine pass runs where a coarse stretch rose this share of the rise reported


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


@dataclass
class _LeaveOut:
    """One pair OMI003 tries stretches of the source on: the stretches (as offsets in ``s_text``)
    for the coarse pass and for the fine one, and the rises in similarity found so far."""

    tgt: list[Segment]
    en: int
    ja: int
    z: float
    s_off: int
    s_text: str
    least: float  # the rise reported
    tried: list[tuple[int, int]]  # the coarse pass's; then, if the fine pass runs, every stretch
    fine: list[tuple[int, int]]
    rises: list[float] = field(default_factory=list)  # one per stretch tried, in order
    base: float = 0.0
    t_vec: Any = None

    def target_text(self, ctx: Context) -> str:
        return ctx.target.text[self.tgt[0].start : self.tgt[-1].end]

    def without(self, stretches: list[tuple[int, int]]) -> list[str]:
        return [(self.s_text[:a] + self.s_text[b:]).strip() for a, b in stretches]


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

    Stretches of a fifth and of three tenths of the sentence's words are left out in turn (every
    other one first; the rest where one of those rose at least half what is reported). A rise
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
    jobs: list[_LeaveOut] = []
    for src, tgt, en, ja, z in _length_z(ctx):
        if not -3 <= z < LEAVE_OUT_BOTH_Z_MAX:
            continue
        s_off = src[0].start
        s_text = ctx.source.text[s_off : src[-1].end]
        words = list(re.finditer(r"\S+", s_text))
        n = len(words)
        if n < 8:
            continue
        coarse: list[tuple[int, int]] = []
        fine: list[tuple[int, int]] = []
        for share in LEAVE_OUT_SHARES:
            w = max(2, round(n * share))
            spans = [(words[k].start(), words[k + w - 1].end()) for k in range(0, n - w + 1, max(1, w // 3))]
            spans = [(a, b) for a, b in spans if _content_words(s_text[a:b]) >= 2]
            if z >= LEAVE_OUT_Z_MAX:  # only somewhat short: the dictionary must find the stretch bare too
                seen = _witnessed(ctx, src, tgt)
                spans = [(a, b) for a, b in spans if _unrendered(seen, a, b)]
            for i, span in enumerate(spans):
                (coarse if i % COARSE_EVERY == 0 else fine).append(span)
        if coarse:
            least = LEAVE_OUT_RISE_SHORT if z < -2 else LEAVE_OUT_RISE if z < LEAVE_OUT_Z_MAX else LEAVE_OUT_BOTH_RISE
            jobs.append(_LeaveOut(tgt, en, ja, z, s_off, s_text, least, coarse, fine))
    if not jobs:
        return
    # Coarse to fine: every other stretch first (neighbours overlap by two thirds or more, so a
    # dropped clause raises the similarity of the coarse stretches beside it too), the rest only
    # where a coarse stretch rose at least REFINE_SHARE of the rise reported. A third fewer
    # sentences to embed (the rule's largest cost); the same answer wherever the fine pass runs,
    # and 6 of 220 findings lost on 10,000 WMT22 system pairs (benchmarks/scale_bench.py's text).
    for chunk in chunked(jobs, lambda job: 2 + len(job.tried) + len(job.fine)):  # bounded memory
        v = ctx.embed([t for job in chunk for t in (job.target_text(ctx), job.s_text, *job.without(job.tried))])
        at = 0
        for job in chunk:
            job.t_vec = v[at].copy()
            job.base = float(v[at + 1] @ job.t_vec)
            job.rises = list(v[at + 2 : at + 2 + len(job.tried)] @ job.t_vec - job.base)
            at += 2 + len(job.tried)
        refine = [job for job in chunk if job.fine and max(job.rises, default=-1.0) >= job.least * REFINE_SHARE]
        if refine:
            v = ctx.embed([t for job in refine for t in job.without(job.fine)])
            at = 0
            for job in refine:
                job.rises += list(v[at : at + len(job.fine)] @ job.t_vec - job.base)
                job.tried, at = job.tried + job.fine, at + len(job.fine)
        del v
    for job in jobs:
        rises = np.asarray(job.rises)
        pick = next((int(k) for k in np.argsort(-rises, kind="stable") if rises[k] >= job.least), None)
        if pick is None:
            continue
        tgt, en, ja, z, s_off, s_text = job.tgt, job.en, job.ja, job.z, job.s_off, job.s_text
        rise, base = float(rises[pick]), job.base
        a, b = job.tried[pick]
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
