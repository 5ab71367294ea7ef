"""Back-translation divergence: where the English read back from the translation departs from
the source, reported only when a precise check corroborates it or the divergence is large.

A back-translation is noisy: a machine reads the Japanese back into English and paraphrases,
drops articles, picks synonyms. Comparing it with the source word for word would drown the
report. So every signal here needs two witnesses: the back-translation (all of its n-best
hypotheses, so that one unlucky hypothesis is not evidence) and either JMdict (none of the
source word's Japanese forms is in the translation) or the length of the translation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import _pairs
from audit.lexicon.script import LOG_RATIO_MEAN, LOG_RATIO_SD
from audit.model import BackTranslation, Segment, Severity

# Words that carry no content of their own; a missing one is not evidence of anything.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say
    according one two three many much well may might must shall us new make made get got including""".split()
)

# The thresholds, calibrated on WMT22 ja-en read backwards (benchmarks/bt_eval.py): the English
# reference is the "source", the Japanese original the "translation", and the systems' English
# outputs its back-translations.
MISSING_RUN = 4  # consecutive source content words that no hypothesis and no dictionary form carries
MISSING_RUN_SHORT = 3  # ... when the translation is also very short (length z below -2)
DIVERGENT_CHRF = 0.20  # the closest hypothesis's chrF against the source, 0-1: below it, divergence is "large"
DIVERGENT_MIN_WORDS = 6  # ... in a sentence with at least this many content words (short lines vary too much)
AGREEMENT_MIN = 0.5
# A back-translator whose output is this far from the source on most of a document (median chrF
# of the closest hypothesis) cannot witness anything there: WMT22 ja-en systems score 0.44-0.49,
# its weakest (AIST, human DA 26/100) 0.12.
RELIABLE_CHRF = 0.25
RELIABLE_MIN_PAIRS = 5  # n-best agreement (mean chrF of the alternatives against the best) below it: unsure


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def content_words(text: str) -> list[_Word]:
    """Words of three or more letters that are not function words."""
    return [
        _Word(m.start(), m.end(), m.group())
        for m in re.finditer(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", text)
        if len(m.group()) >= 3 and m.group().lower() not in STOPWORDS
    ]


def hypotheses(bts: Sequence[BackTranslation]) -> list[str]:
    """The pair's back-translation hypotheses: the best of every segment joined, then the k-th
    alternatives joined (a segment with fewer alternatives contributes its best)."""
    depth = max((len(b.alternatives) for b in bts), default=0)
    out = [" ".join(b.text for b in bts)]
    for k in range(depth):
        out.append(" ".join(b.alternatives[k] if k < len(b.alternatives) else b.text for b in bts))
    return out


def agreement(bts: Sequence[BackTranslation]) -> float | None:
    """Length-weighted n-best agreement of the pair's segments; None without alternatives."""
    known = [(len(b.text), b.agreement) for b in bts if b.agreement is not None]
    if not known:
        return None
    total = sum(n for n, _ in known) or 1
    return sum(n * a for n, a in known) / total


@lru_cache(maxsize=1)
def _chrf_metric() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()


def _chrf(hyp: str, ref: str) -> float:
    return float(_chrf_metric().sentence_score(hyp, [ref]).score) / 100.0


def _forms(word: str) -> frozenset[str] | None:
    from audit.lexicon.names import EnJaIndex

    return EnJaIndex.shared().forms(word)


@rule(
    "BTD001",
    "backtranslation-divergence",
    Severity.MINOR,
    "The back-translation departs from the source, and the dictionary or the length agrees",
    needs=("source", "alignment", "backtranslation"), concern="omission", precedence=1,
)
def backtranslation_divergence(ctx: Context) -> Iterator[Hit]:
    """Finds aligned pairs whose back-translation departs from the source, in two ways, each
    corroborated so that back-translation noise does not drown the report:

    - **a stretch of the source missing**: four content words of the source in a row (three when
      the translation is also very short: length z below -2) that no back-translation hypothesis
      contains (compared as Snowball stems, across the whole n-best list) and none of whose
      Japanese dictionary forms (JMdict) is in the translation either. Words JMdict does not know
      (names, rare words) cannot be witnessed, so they neither count nor break the stretch. Major
      when the translation is also shorter than usual for English→Japanese (length z below -1).
    - **a large divergence**: even the closest hypothesis shares little with the source (chrF
      below 0.20) while the hypotheses agree with each other, so the back-translator is sure of
      what the Japanese says and it is not what the source says.

    n-best agreement (mean chrF of the alternatives against the best hypothesis) is the
    confidence: when the back-translator is unsure (agreement below 0.5) a divergence alone is
    not reported, and the evidence always carries the agreement. Items that the back-translator
    itself lost (numbers, Latin names: its artefacts) are never blamed on the translation. A
    back-translator that is far from the source on most of the document (median chrF of the
    closest hypothesis below 0.25) is no witness at all: the rule then reports nothing and the
    report's check stage says why.

    Example: source "The ministers agreed to expand cooperation and to review export controls
    next year." translation 「閣僚は協力の拡大で合意した。」 back-translated "The ministers agreed
    to expand cooperation.": "review export controls next year" is in no hypothesis, and none of
    its dictionary forms (見直, 輸出, 規制, 来年) is in the translation.

    Calibrated with real back-translations (benchmarks/bt_eval.py, WMT22 ja-en read backwards):
    an added clause is found in about two thirds of pairs by this rule alone, and about 2% of
    clean pairs of free human translations are flagged. A single word rendered with another
    sense is beyond it: back-translations paraphrase too much for one word to be evidence.

    Needs a back-translator (``--backtranslate``: an Argos package, a CTranslate2 model, or a file
    of back-translations made elsewhere); n-best agreement comes with ``--nbest`` (default 3).
    """
    assert ctx.source is not None and ctx.backtranslation is not None
    pairs = list(_with_hypotheses(ctx))
    closeness = sorted(p.closest for p in pairs)
    if len(closeness) >= RELIABLE_MIN_PAIRS and closeness[len(closeness) // 2] < RELIABLE_CHRF:
        ctx.notes.append(
            f"back-translations too far from the source to be evidence (median chrF {closeness[len(closeness) // 2]:.2f} "
            f"< {RELIABLE_CHRF}): nothing reported; try a stronger back-translator"
        )
        return
    for p in pairs:
        yield from _diverging(ctx, p)


@dataclass(frozen=True)
class _Pair:
    src: list[Segment]
    tgt: list[Segment]
    bts: list[BackTranslation]
    hyps: list[str]
    words: list[_Word]
    closest: float  # chrF (0-1, lower-cased) of the hypothesis closest to the source


def _with_hypotheses(ctx: Context) -> Iterator[_Pair]:
    assert ctx.source is not None and ctx.backtranslation is not None
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        bts = [ctx.backtranslation.get(t.id) for t in tgt]
        if any(b is None or not b.text.strip() for b in bts):
            continue
        found = [b for b in bts if b is not None]
        s_text = ctx.source.text[src[0].start : src[-1].end]
        words = content_words(s_text)
        if len(words) < MISSING_RUN_SHORT:
            continue
        hyps = hypotheses(found)
        yield _Pair(src, tgt, found, hyps, words, max(_chrf(h.lower(), s_text.lower()) for h in hyps))


def _diverging(ctx: Context, p: _Pair) -> Iterator[Hit]:
    assert ctx.source is not None
    src, tgt, found, hyps, words = p.src, p.tgt, p.bts, p.hyps, p.words
    s_off = src[0].start
    s_text = ctx.source.text[s_off : src[-1].end]
    t_start, t_end = tgt[0].start, tgt[-1].end
    t_text = ctx.target.text[t_start:t_end]
    agree = agreement(found)
    sure = agree is None or agree >= AGREEMENT_MIN
    z = (math.log(max(len(t_text), 1) / max(len(s_text), 1)) - LOG_RATIO_MEAN) / LOG_RATIO_SD
    bt_words = {w for h in hyps for w in re.findall(r"[A-Za-z]+", h)}
    bt_stems = {_stem(w) for w in bt_words}
    from audit.lexicon.kana import to_katakana

    t_norm = unicodedata.normalize("NFKC", t_text)
    t_upper = t_norm.upper()
    t_kana = to_katakana(t_norm)
    artefacts = " ".join(a for b in found for a in b.artefacts).lower()
    # Each content word: True when missing (JMdict knows it, and neither the back-translation nor
    # the translation carries it), False when carried, None when the dictionary cannot witness.
    missing: list[bool | None] = []
    for w in words:
        forms = _forms(w.text)
        if _stem(w.text) in bt_stems or w.text.upper() in t_upper:
            missing.append(False)
        elif forms is None or w.text.lower() in artefacts:
            missing.append(None)
        else:
            missing.append(not any(f in t_kana for f in forms))
    best_run, best_count = (0, 0), 0
    k = 0
    while k < len(words):
        if not missing[k]:
            k += 1
            continue
        j, count = k, 0
        while j < len(words) and missing[j] is not False:
            count += bool(missing[j])
            j += 1
        while j > k and missing[j - 1] is None:
            j -= 1
        if count > best_count:
            best_run, best_count = (k, j), count
        k = max(j, k + 1)
    evidence_common = {
        "backtranslation": hyps[0],
        "alternatives": hyps[1:4],
        "agreement": None if agree is None else round(agree, 3),
        "length_z": round(z, 2),
    }
    if best_count >= (MISSING_RUN_SHORT if z < -2 else MISSING_RUN):
        a, b = words[best_run[0]].start, words[best_run[1] - 1].end
        stretch = s_text[a:b]
        yield Hit(
            f"「{stretch}」 is in no back-translation of the translation, and no dictionary form of it is in "
            f"the translation: back-translated as \"{_clip(hyps[0])}\"",
            target=ctx.target.span(t_start, t_end),
            source=ctx.source.span(s_off + a, s_off + b),
            evidence={"stretch": stretch, "missing_words": best_count, **evidence_common},
            suggestion="check that the translation says this; translate it if it is missing",
            severity=Severity.MAJOR if z < -1 and sure else None,
        )
        return
    if not sure:
        return
    closest = p.closest
    if closest < DIVERGENT_CHRF and len(words) >= DIVERGENT_MIN_WORDS:
        yield Hit(
            f"the back-translation shares little with the source (chrF {closest:.2f} for the closest of "
            f"{len(hyps)} hypotheses): \"{_clip(hyps[0])}\"",
            target=ctx.target.span(t_start, t_end),
            source=ctx.source.span(s_off, src[-1].end),
            evidence={"chrf": round(closest, 3), **evidence_common},
            suggestion="check the whole sentence against the source",
        )


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
