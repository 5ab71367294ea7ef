"""English left untranslated in the Japanese (target-only)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.lexicon.script import ja_ratio
from audit.model import Severity

_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’&\-]*(?:[ \t]+[A-Za-z][A-Za-z0-9'’&\-]*)*")
FUNCTION_WORDS = frozenset(
    "the of and to in for on with by is are was were be been that this from as at an a or it its will "
    "has have had not but which who their our we they can may would should".split()
)
def _prose(text: str) -> bool:
    """English prose, not names or markup: three words or more, two of them lower-case words."""
    words = re.findall(r"(?<![@#/<=\w])[A-Za-z][A-Za-z']*", text)
    lower = [w for w in words if w.islower() and (len(w) > 1 or w in ("a", "i"))]
    return len(words) >= 3 and len(lower) >= 2


_CAMEL = re.compile(r"\b([A-Z][a-z]{4,})([A-Z][a-z]{4,})+\b")


@rule("UNT001", "untranslated", Severity.MAJOR, "English text left untranslated")
def untranslated(ctx: Context) -> Iterator[Hit]:
    """Finds English prose in the Japanese: a whole sentence, or a phrase of three or more words
    that includes lower-case function words (``of``, ``the``, ``and``…), or English words glued
    together (``GrowthAccelerator``).

    Names, acronyms and code stay in Latin script legitimately (``Johns Hopkins``, ``NATO``,
    ``IAEA``): runs made only of capitalised words or capitals are not reported. A whole
    untranslated sentence is major; a phrase inside Japanese is minor. With the source, words
    run together that the source writes as one too (a user name, a brand) are names; the
    source's spaced form, when it has one, is given as evidence.

    With the source, a translation unit (an aligned pair) with no Japanese in it at all is one
    critical finding for the whole unit: the source copied, or a model that answered in English
    ("I apologize, but I cannot translate…") instead of translating. A unit that is only names,
    handles, numbers or markup (``@user17``, ``1/3``, ``<div id=x>``) stays quiet: copying it
    is right. A monolingual translation that is not Japanese at all is refused before any check
    runs (the arguments were likely swapped).
    """
    whole: set[int] = set()
    if ctx.source is not None and ctx.alignment:
        for bead in ctx.alignment:
            if not bead.source or not bead.target:
                continue
            segs = [ctx.target.segments[j] for j in bead.target]
            text = ctx.target.text[segs[0].start : segs[-1].end]
            if ja_ratio(text) >= 0.1 or not _prose(text):
                continue
            whole.update(bead.target)
            src = ctx.source.text[ctx.source.segments[bead.source[0]].start : ctx.source.segments[bead.source[-1]].end]
            copied = " ".join(text.split()) == " ".join(src.split())
            yield Hit(
                "translation unit is not in Japanese: " + ("the source copied untranslated" if copied else "written in another language"),
                target=ctx.target.span(segs[0].start, segs[-1].end),
                evidence={"japanese_share": round(ja_ratio(text), 3), "copied_source": copied, "words": len(text.split())},
                suggestion="translate the unit into Japanese",
                severity=Severity.CRITICAL,
            )
    for seg in ctx.target.segments:
        if seg.id in whole:
            continue
        letters = [c for c in seg.text if c.isalpha()]
        latin = [c for c in letters if c.isascii()]
        runs = list(_RUN.finditer(seg.text))
        if letters and len(latin) / len(letters) > 0.8:
            words = seg.text.split()
            lower = [w for w in words if w.lower() in FUNCTION_WORDS or (w.isalpha() and w.islower())]
            if len(words) >= 4 and lower:
                yield Hit(
                    "sentence is in English: not translated",
                    target=ctx.span(seg),
                    evidence={"words": len(words)},
                    suggestion="translate the sentence",
                )
                continue
        for m in runs:
            words = m.group().split()
            function = [w for w in words if w in FUNCTION_WORDS]
            lower = [w for w in words if w.isalpha() and w.islower()]
            if len(words) >= 3 and function and len(lower) >= 2:
                yield Hit(
                    f"English phrase left in the Japanese: 「{m.group()}」",
                    target=ctx.span(seg, m.start(), m.end()),
                    evidence={"words": words[:12]},
                    severity=Severity.MINOR,
                )
                continue
            for c in _CAMEL.finditer(m.group()):
                parts = re.findall(r"[A-Z][a-z]+", c.group())
                evidence: dict[str, object] = {"words": parts}
                if ctx.source is not None:
                    if re.search(rf"\b{c.group()}\b", ctx.source.text):
                        continue  # the source writes it as one word: a name (a user name, a brand)
                    spaced = re.search(r"\b" + r"[\s-]+".join(parts) + r"\b", ctx.source.text)
                    if spaced:
                        evidence["source"] = spaced.group()
                yield Hit(
                    f"English words run together and left untranslated: 「{c.group()}」",
                    target=ctx.span(seg, m.start() + c.start(), m.start() + c.end()),
                    evidence=evidence,
                    suggestion=" ".join(parts) + " (translated, or as the official name)",
                    severity=Severity.MINOR,
                )


@rule("UNT002", "chinese-in-japanese", Severity.MAJOR, "Chinese words in the Japanese")
def chinese_words(ctx: Context) -> Iterator[Hit]:
    """Finds Chinese words left in the Japanese: a word the Japanese dictionary does not know
    (Sudachi finds it out of vocabulary) written with Han characters Japanese does not use,
    simplified forms (这, 们, 过, 说) or characters Japanese almost never writes (个, 你, 她, 么, 而).
    Large multilingual models that translate into Japanese slip into Chinese mid-sentence
    (``那个期間中に``, ``不过、私は``, ``你が何を意味するのか``); no Japanese reader can read it.

    Known Japanese words with rare characters (痙攣, 薔薇) are in the dictionary and pass; a
    name written with a JIS variant (髙) is Japanese. Works without the source. Measured on WMT24
    en-ja (benchmarks/esa_eval.py): every paragraph it flags on the tune half carries a marked
    error. Needs jamdict-data (KANJIDIC2) to know which characters Japanese uses.
    """
    from audit.lexicon.names import Dictionary

    dictionary = Dictionary.shared()
    for seg in ctx.target.segments:
        if not _HAN.search(seg.text):
            continue
        tokens = ctx.tokenizer.tokenize(seg.text)
        i = 0
        while i < len(tokens):
            t = tokens[i]
            foreign = [c for c in t.surface if dictionary.foreign_kanji(c)]
            if not (t.oov and foreign):
                i += 1
                continue
            start, end = t.begin, t.end
            j = i + 1  # a Chinese word the tokenizer cut in two (不 + 过)
            while j < len(tokens) and _HAN.fullmatch(tokens[j].surface) and (tokens[j].oov or any(dictionary.foreign_kanji(c) for c in tokens[j].surface)):
                end = tokens[j].end
                j += 1
            if i > 0 and _HAN.fullmatch(tokens[i - 1].surface) and tokens[i - 1].end == start and len(tokens[i - 1].surface) == 1:
                start = tokens[i - 1].begin
            word = seg.text[start:end]
            yield Hit(
                f"Chinese word 「{word}」 in the Japanese (characters Japanese does not use: {''.join(dict.fromkeys(foreign))})",
                target=ctx.span(seg, start, end),
                evidence={"word": word, "foreign_characters": list(dict.fromkeys(foreign))},
                suggestion="translate it into Japanese",
            )
            i = j


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
