"""Acronym expansions: one acronym glossed with different Japanese expansions (CON002), a
katakana expansion that does not spell its acronym (ACR002), a kanji expansion with a word that
stands for no letter (ACR004)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.consistency import _ACRONYM, katakana_key
from audit.lexicon.acronyms import FUNCTION_LETTERS, KANA_FUNCTION_WORDS, expansion_mismatch, katakana_initials
from audit.lexicon.names import Dictionary
from audit.model import Severity, Span

_EXPANSION_POS = {"名詞", "接頭辞", "接尾辞"}


def _expansion(ctx: Context, text: str) -> str:
    """The compound noun just before a parenthesised acronym."""
    toks = ctx.tokenizer.tokenize(text[-40:])
    out: list[str] = []
    for tok in reversed(toks):
        if tok.pos[0] in _EXPANSION_POS or tok.surface in ("・", "＝", "=") or (tok.pos[0] == "補助記号" and tok.surface == "・"):
            out.append(tok.surface)
        elif tok.surface == "の" and out and len(out) < 6:
            break
        else:
            break
    return "".join(reversed(out)).strip("・")


@rule("CON002", "acronym-expansions", Severity.MINOR, "One acronym is glossed with different Japanese expansions")
def acronym_expansions(ctx: Context) -> Iterator[Hit]:
    """Finds an acronym written after two different Japanese expansions, e.g. ``研究開発機構(RDO)``
    early in a document and ``研究推進機構(RDO)`` later.

    One of them is wrong, or at least the reader is left to wonder whether they are two
    things. Expansions are compared without ・ and width differences, and one that is the tail of
    the other (``開発機構(RDO)`` after ``研究開発機構(RDO)``) is not reported.
    """
    seen: dict[str, tuple[str, str, Span]] = {}
    for seg in ctx.target.segments:
        for m in _ACRONYM.finditer(seg.text):
            acronym = m.group(1)
            exp = _expansion(ctx, seg.text[: m.start()])
            if len(exp) < 2:
                continue
            key = katakana_key(exp)
            span = ctx.span(seg, m.start() - len(exp), m.end())
            if acronym not in seen:
                seen[acronym] = (exp, key, span)
                continue
            first, first_key, first_span = seen[acronym]
            if key == first_key or first_key.endswith(key) or key.endswith(first_key):
                continue
            yield Hit(
                f"{acronym} is expanded as 「{exp}」 here but 「{first}」 earlier",
                target=span,
                evidence={"acronym": acronym, "first_expansion": first, "first_at": first_span.start},
                suggestion=f"{first}({acronym})",
            )


_KATAKANA_EXPANSION = re.compile(r"[ァ-ヺー・･]+(?:[ 　][ァ-ヺー・･]+)*$")


def _assign(words: list[frozenset[str]], letters: str, whole: bool) -> bool:
    """Whether every word can take a distinct letter of the acronym (in any order: Japanese may
    reorder) and, when the katakana is the ``whole`` expansion, the letters left over are all ones
    a function word may have."""
    match: dict[int, int] = {}  # letter index -> word index

    def augment(w: int, seen: set[int]) -> bool:
        for i, ch in enumerate(letters):
            if ch in words[w] and i not in seen:
                seen.add(i)
                if i not in match or augment(match[i], seen):
                    match[i] = w
                    return True
        return False

    if not all(augment(w, set()) for w in range(len(words))):
        return False
    return not whole or all(ch in FUNCTION_LETTERS for i, ch in enumerate(letters) if i not in match)


@rule("ACR002", "acronym-expansion-mismatch", Severity.MINOR, "A katakana expansion does not spell the acronym after it")
def acronym_expansion_mismatch(ctx: Context) -> Iterator[Hit]:
    """Finds an English name transliterated word by word into katakana whose words cannot be the
    letters of the acronym in parentheses after it: ``グローバル・スマート・モビリティ・ネットワーク(SMN)``
    has a word (グローバル, G) that SMN has no letter for. The expansion was invented or
    garbled by the translation, or belongs to another acronym.

    Each katakana word may stand for the English words its JMdict glosses start with, and for
    any word its first kana can begin (フ: F, H or P), so unknown names are not punished. The
    order is free (Japanese reorders names), function words (アンド, オブ) are skipped, and the
    acronym may have letters for function words the katakana leaves out (A, O, T, F, I); when
    kanji come right before the katakana (日米デジタル・トレード・パートナーシップ(JUDTP)) they may
    hold the other letters, and only katakana words with no letter are reported. Only
    expansions of three or more katakana words are checked here; kanji expansions, which follow
    official Japanese names that often do not match their English acronyms word for word
    (国際通貨基金(IMF)), are ACR004's.
    """
    for seg in ctx.target.segments:
        for m in _ACRONYM.finditer(seg.text):
            acronym = m.group(1)
            letters = re.sub(r"TM$", "", "".join(ch for ch in acronym if ch.isupper()))
            k = _KATAKANA_EXPANSION.search(seg.text[: m.start()])
            if not k or len(letters) < 2:
                continue
            words = [
                t.surface for t in ctx.tokenizer.tokenize(k.group())
                if re.fullmatch(r"[ァ-ヺー]+", t.surface) and t.surface not in KANA_FUNCTION_WORDS
            ]
            # kanji or Latin glued before the katakana (日米デジタル…(JUDTP)) may hold the other letters
            before = seg.text[k.start() - 1 : k.start()] if k.start() else ""
            whole = not re.match(r"[\u4e00-\u9fff々A-Za-z0-9Ａ-Ｚａ-ｚ]", before)
            if len(words) < 3:
                continue
            initials = {w: katakana_initials(w) for w in words}
            if _assign([initials[w] for w in words], letters, whole):
                continue
            yield Hit(
                f"「{k.group().strip('・ ')}」 cannot spell {acronym}: its words stand for "
                + " ".join(f"{w}({'/'.join(sorted(initials[w]))})" for w in words),
                target=ctx.span(seg, k.start(), m.end()),
                evidence={"acronym": acronym, "words": {w: sorted(initials[w]) for w in words}},
                suggestion=f"check what {acronym} stands for and render that (or keep {acronym} alone)",
            )


@rule("ACR004", "acronym-expansion-word", Severity.MINOR, "A word of a kanji expansion stands for no letter of the acronym after it, and a letter for no word")
def acronym_expansion_word(ctx: Context) -> Iterator[Hit]:
    """Finds a Japanese expansion in which a word of the name was replaced by a word of another
    meaning, so that it no longer spells the acronym in parentheses after it: ``環境投資庁(EPA)``
    has 投資 ("investment"), which no letter of EPA stands for, while EPA's P stands for no word
    of it. The translation swapped a word for a neighbouring one, picked a different term
    (supersonic for hypersonic), or garbled an official name.

    Each word stands for the first letters of its JMdict glosses, and of what it means inside
    JMdict's set phrases (通貨: "currency", but "monetary" in 国際通貨基金), so official names
    rendered by meaning rather than word for word are not reported; country abbreviations (日,
    米) stand for their countries. Both sides must fail: a word with no letter alone is a
    qualifier Japanese adds (米国国立衛生研究所(NIH)), a letter with no word alone is a word
    Japanese leaves out (国際協力機構(JICA), with no word for Japan). Not reported either: names
    the dictionary lists whole, expansions of three or more katakana words (ACR002's), acronyms made of syllables
    (more letters than words plus two), and the letters of function words (A, O, T, F, I) and of
    Japan and trans-/cross- (J, X). The phrase right before the expansion may hold letters
    (持続的な価値創出(SX)).

    Measured on JMdict's own kanji names of acronyms, each taken as unknown: see
    ``benchmarks/names_eval.py`` (``acronym_expansions``).
    """
    dictionary = Dictionary.shared()
    if not dictionary.available:
        return
    for seg in ctx.target.segments:
        for m in _ACRONYM.finditer(seg.text):
            acronym = m.group(1)
            head = seg.text[: m.start()].rstrip()
            k = _KATAKANA_EXPANSION.search(head)
            if k and len([t for t in ctx.tokenizer.tokenize(k.group()) if re.fullmatch(r"[ァ-ヺー]+", t.surface)]) >= 3:
                continue  # ACR002's
            exp = _expansion(ctx, head)
            if len(exp) < 2:
                continue
            start = len(head) - len(exp)
            before = re.split(r"[、。，,：:「」『』（）()\s]", head[max(0, start - 12) : start])[-1]
            found = expansion_mismatch(exp, acronym, dictionary, before)
            if found is None:
                continue
            blamed = "、".join(f"{w}({'; '.join(found.glosses[w][:2])})" for w in found.words)
            yield Hit(
                f"「{exp}」 does not spell {acronym}: {blamed} stands for no letter of it, and "
                f"{', '.join(found.letters)} for no word of the expansion",
                target=ctx.span(seg, start, m.end()),
                evidence={
                    "acronym": acronym, "expansion": exp, "unmatched_words": list(found.words),
                    "unmatched_letters": list(found.letters), "glosses": {w: list(g) for w, g in found.glosses.items()},
                    "words": {w: list(v) for w, v in found.stands_for.items()},
                },
                suggestion=f"check the official name behind {acronym}: a word may have been translated in another sense",
            )
