"""Duplicated sentences and phrases (target-only)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.lexicon.tokens import Token
from audit.model import Segment, Severity

_STRIP = re.compile(r"[\s、。，．,.・「」『』（）()\[\]【】:：;；!！?？\"'“”]+")
# Reduplications that are words in their own right.
_LEGIT_REPEATS = frozenset("いろいろ ますます それぞれ まだまだ もっともっと どんどん だんだん 時々 次々 色々 人々 様々 国々".split())


def _norm(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).lower()


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def containment(a: str, b: str) -> float:
    """Share of the shorter text's character bigrams found in the longer one."""
    ba, bb = _bigrams(a), _bigrams(b)
    small, large = (ba, bb) if len(ba) <= len(bb) else (bb, ba)
    if not small:
        return 0.0
    return len(small & large) / len(small)


@rule("DUP001", "duplicated-sentence", Severity.MINOR, "A sentence repeats a neighbouring sentence")
def duplicated_sentence(ctx: Context) -> Iterator[Hit]:
    """Finds a sentence whose content is (nearly) contained in a sentence just before or after it.

    Machine translators sometimes emit the same sentence twice, once truncated and once in
    full, when the source had a line break or a link in the middle of it. Compared by character
    bigrams after removing punctuation, so reordered particles still match.

    Not flagged, because they are not errors: headings and titles repeated by the page layout
    (a page title shown again as the article heading), list items that share a pattern, and
    short sentences (under 20 characters, such as repeated instructions), which repeat legitimately.
    With the source, a repeat that mirrors the source is not flagged either: when the two
    sentences translate two source sentences that are themselves as alike, the translation is
    faithful to a repetitive original (list items, a repeated notice).
    Options: ``threshold`` (bigram containment, default 0.8), ``window`` (sentences, default 2).
    """
    threshold = float(ctx.options.get("DUP001.threshold", 0.8))
    window = int(ctx.options.get("DUP001.window", 2))
    segs = [s for s in ctx.target.segments if s.kind == "text"]
    norms = [_norm(s.text) for s in segs]
    source_of = _source_texts(ctx)
    for j, seg in enumerate(segs):
        if len(norms[j]) < 20:
            continue
        for i in range(max(0, j - window), j):
            prev: Segment = segs[i]
            if len(norms[i]) < 20 or abs(prev.paragraph - seg.paragraph) > 1:
                continue
            score = containment(norms[i], norms[j])
            if score < threshold:
                continue
            a, b = source_of.get(prev.id), source_of.get(seg.id)
            if a is not None and b is not None and a[0] != b[0] and containment(a[1], b[1]) >= threshold:
                continue  # the source repeats itself just as much
            # Report the shorter copy: it is the one to delete.
            dup, other = (prev, seg) if len(norms[i]) <= len(norms[j]) else (seg, prev)
            yield Hit(
                f"sentence {dup.id} repeats sentence {other.id} ({score:.0%} of its wording)",
                target=ctx.span(dup),
                evidence={"other_sentence": other.id, "other_text": other.text[:200], "containment": round(score, 3)},
                suggestion="delete the repeated sentence",
                severity=Severity.MAJOR if norms[i] == norms[j] else None,
            )
            break


def _source_texts(ctx: Context) -> dict[int, tuple[tuple[int, ...], str]]:
    """Target sentence id → (its source sentence ids, their normalised text), in source mode."""
    if ctx.source is None or not ctx.alignment:
        return {}
    out = {}
    for bead in ctx.alignment:
        if bead.source and bead.target:
            text = _norm(" ".join(ctx.source.segments[i].text for i in bead.source))
            for j in bead.target:
                out[j] = (bead.source, text)
    return out


@rule("DUP002", "repeated-phrase", Severity.MAJOR, "A phrase is immediately followed by a copy of itself")
def repeated_phrase(ctx: Context) -> Iterator[Hit]:
    """Finds a word or phrase glued to an exact or near copy of itself (``…の深化の深化``, ``the the``).

    Exact copies of three or more characters containing a kanji, katakana or Latin letter are
    reported; near copies (eight characters or more, same ending, 80% shared bigrams) too; and
    shorter words doubled: a kanji, katakana or hiragana noun (驚き驚き, ためための), an acronym
    glued to itself (PDFPDF; a two-letter one when the document also writes it alone).
    Reduplicated words (様々, いろいろ, ちょくちょく, 一人一人, ひとつひとつ: one word in the
    dictionary) are not, nor doubled adverbs and interjections (はいはい, ちょっとちょっと, 深く深く),
    which are emphasis or speech.

    With the source, a short repeat (up to eight characters) in a pair whose source repeats a
    word too (``Whoa, whoa, whoa`` → おっと、おっと、おっと; ``Al. Al!`` → アル。アル!; ``come
    onnnnn`` → さあああ) renders the original faithfully and is not reported.
    """
    for seg in ctx.target.segments:
        src = ctx.source_of(seg)
        mirrored = src is not None and _SOURCE_REPEAT.search(src) is not None
        for hit in _repeats_in(ctx, seg):
            if mirrored and hit.target is not None and len(str(hit.evidence.get("phrase", hit.target.text))) <= 8:
                continue
            yield hit


# a word said twice in a row ("very, very", "Video, video", "Al. Al!") or a letter drawn out ("onnnnn")
_SOURCE_REPEAT = re.compile(r"\b(\w+)\W{1,3}\1\b|([A-Za-z])\2\2", re.IGNORECASE)


def _content(chunk: str) -> bool:
    """Worth reporting when repeated: has a kanji, katakana or Latin letter, or is 3+ hiragana;
    hiragana with a comma inside (ったら、やつ) is a clause boundary copied, also worth it."""
    kana = [c for c in chunk if "\u3041" <= c <= "\u309f"]
    if len(kana) >= 3 and (len(kana) == len(chunk) or (len(kana) + chunk.count("、") == len(chunk) and "、" in chunk.strip("、"))):
        return True
    return any(("\u4e00" <= c <= "\u9fff") or ("\u30a1" <= c <= "\u30fa") or c.isascii() and c.isalpha() for c in chunk)


_EXACT = re.compile(r"(?P<a>\S.{1,38}?\S|[\u4e00-\u9fff]{2})(?P<g>[ 、,・\u3000]?)(?P=a)", re.IGNORECASE)
_DOUBLED = re.compile(r"(\S{2,4})\1")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")
_SCRIPT_WORD = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")  # a kanji or katakana in it
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_ACRONYM_UNIT = re.compile(r"[A-ZＡ-Ｚ]{2,6}")
_CONJUNCTIONS = ("と", "や", "及び", "および", "並びに", "ならびに", "または", "又は", "、", "and ", "or ")


def _standalone(ctx: Context, acronym: str) -> bool:
    """Whether the document writes ``acronym`` on its own somewhere (not inside a longer word)."""
    return re.search(rf"(?<![A-Za-zＡ-Ｚａ-ｚ]){re.escape(acronym)}(?![A-Za-zＡ-Ｚａ-ｚ])", ctx.target.text) is not None


def _repeats_in(ctx: Context, seg: Segment) -> Iterator[Hit]:
    text = seg.text
    taken: list[tuple[int, int]] = []
    for m in _EXACT.finditer(text):
        a = m.group("a")
        lo, hi = m.start(), m.end()
        if not _content(a) or a + a in _LEGIT_REPEATS or _word_internal(text, lo, hi) or _compound_edges(text, m):
            continue
        if not m.group("g") and (_one_word(ctx, text, lo, hi) or _reduplicated(a, _tokens_in(ctx, text, lo, lo + len(a)), _tokens_in(ctx, text, hi - len(a), hi))):
            continue  # a reduplicated word the dictionary knows (ちょくちょく, 一人一人, ひとつひとつ)
        taken.append((lo, hi))
        yield Hit(
            f"「{a}」 is repeated",
            target=ctx.span(seg, lo, hi),
            evidence={"phrase": a, "similarity": 1.0},
            suggestion=a,
        )
    # A short word doubled (驚き驚き, 全て全て, プロプロ): two identical dictionary words in a row.
    # Reduplicated words the dictionary knows (いろいろ, ゴロゴロ, 時々) are one word, so they pass.
    if _DOUBLED.search(text):
        toks = ctx.tokenizer.tokenize(text)
        for t in toks:  # one word glued to itself: an unknown katakana word that is a known word twice
            half = len(t.surface) // 2  # (プロプロ), or an acronym (PDFPDF; EUEU when EU stands alone elsewhere)
            w = t.surface[:half]
            if half < 2 or t.surface != w + w:
                continue
            if (t.oov and _KATAKANA.fullmatch(w) and not ctx.tokenizer.tokenize(w)[0].oov) or (
                _ACRONYM_UNIT.fullmatch(w) and (half >= 3 or _standalone(ctx, w))
            ):
                taken.append((t.begin, t.end))
                yield Hit(f"「{w}」 is repeated", target=ctx.span(seg, t.begin, t.end), evidence={"phrase": w, "similarity": 1.0, "unit": "word"}, suggestion=w)
        for t1, t2 in zip(toks, toks[1:]):
            w = t1.surface
            if (
                w == t2.surface
                and t1.end == t2.begin
                and len(w) >= 2
                # a kanji or katakana word, or a hiragana noun (ためための, ことこと): doubled
                # interjections and adverbs (はいはい, ちょっとちょっと) are speech, not errors
                and (_SCRIPT_WORD.search(w) or (t1.pos[0] == "名詞" and t1.pos[1] == "普通名詞" and _HIRAGANA.fullmatch(w)))
                and not any(x < t2.end and t1.begin < y for x, y in taken)
                and not _reduplicated(w, [t1], [t2])
            ):
                taken.append((t1.begin, t2.end))
                yield Hit(
                    f"「{w}」 is repeated",
                    target=ctx.span(seg, t1.begin, t2.end),
                    evidence={"phrase": w, "similarity": 1.0, "unit": "word"},
                    suggestion=w,
                )
    # Near copies glued together: same two-character ending, lengths 8 to 40.
    last: dict[str, list[int]] = {}
    for q in range(len(text) - 1):
        bigram = text[q : q + 2]
        for p in last.get(bigram, ()):
            length = q - p
            if not 8 <= length <= 40 or p + 2 - length < 0:
                continue
            lo, mid, hi = p + 2 - length, p + 2, q + 2
            a, b = text[lo:mid], text[mid:hi]
            if a == b or b.startswith(_CONJUNCTIONS) or not _content(a):
                continue
            if any(x < hi and lo < y for x, y in taken):
                continue
            score = containment(a, b)
            if score >= 0.85:
                taken.append((lo, hi))
                yield Hit(
                    f"「{a}」 is followed by a near copy of itself 「{b}」",
                    target=ctx.span(seg, lo, hi),
                    evidence={"phrase": a, "copy": b, "similarity": round(score, 3)},
                    suggestion=b,
                )
                break
        bucket = last.setdefault(bigram, [])
        bucket.append(q)
        if len(bucket) > 8:
            del bucket[0]


def _tokens_in(ctx: Context, text: str, lo: int, hi: int) -> list[Token]:
    """The sentence's tokens that make up exactly [lo, hi), or [] when a token crosses an end."""
    toks = [t for t in ctx.tokenizer.tokenize(text) if t.end > lo and t.begin < hi]
    return toks if toks and toks[0].begin == lo and toks[-1].end == hi else []


def _reduplicated(a: str, first: list[Token], second: list[Token]) -> bool:
    """Whether ``a`` doubled is a word JMdict writes doubled in kanji (ひとつひとつ, 一歩一歩,
    一日一日: the tokenizer splits them), or both copies (``first``, ``second``: as tokenized in
    their sentence) are an adverb, an interjection or an adverbial adjective with its particles
    (ちょっと, 少しずつ, 深く): doubled, that is emphasis or speech, not a copy."""
    from audit.lexicon.names import Dictionary

    if Dictionary.shared().doubled_word(a):
        return True

    def adverbial(toks: list[Token]) -> bool:
        if not toks or not all(t.pos[0] == "助詞" for t in toks[1:]):
            return False
        return toks[0].pos[0] in ("副詞", "感動詞") or (toks[0].pos[0] == "形容詞" and toks[0].surface.endswith("く"))

    return adverbial(first) and adverbial(second)


def _one_word(ctx: Context, text: str, lo: int, hi: int) -> bool:
    """Whether [lo, hi) lies inside one dictionary word of the sentence."""
    return any(t.begin <= lo and hi <= t.end and not t.oov for t in ctx.tokenizer.tokenize(text))


def _compound_edges(text: str, m: re.Match[str]) -> bool:
    """Two separate katakana words that share a part are not a repeat: in ``ピクチャー・イン・
    ピクチャー、ピクチャー・アンド・ピクチャー`` the copies around 、 end one compound and start
    the next. Only copies kept apart by a separator count so; a copy glued to itself inside one
    compound (サプライチェーンチェーン) is still a repeat."""
    a, lo, hi = m.group("a"), m.start(), m.end()
    if not m.group("g") or not _KATAKANA.fullmatch(a):
        return False
    before = text[lo - 1] if lo > 0 else ""
    after = text[hi] if hi < len(text) else ""
    return any(c and (c == "・" or _KATAKANA.fullmatch(c)) for c in (before, after))


def _word_internal(text: str, lo: int, hi: int) -> bool:
    """Latin repeats count only as whole words ('the the', not 'banana'); a copy that mixes Latin
    and Japanese (y オプションy オプション) is not a Latin word."""
    if not text[lo:hi].isascii():
        return False
    before = text[lo - 1] if lo > 0 else " "
    after = text[hi] if hi < len(text) else " "
    return before.isalnum() or after.isalnum()
