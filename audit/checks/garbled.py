"""Garbled and fragmentary text: stray spaces, broken words, sentences that start or stop mid-clause,
unbalanced brackets, Latin punctuation inside Japanese. All work without the source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.lexicon.script import JA, is_katakana, ja_ratio
from audit.model import Segment, Severity
from audit.segment import _CLOSING, _PAIRS

# ASCII spaces only: the ideographic space (U+3000) is a deliberate separator in Japanese layout.
_GAP = re.compile(f"(?<=[{JA}」』）])[ \t]+(?=[{JA}「『（])")
_KATAKANA_SPACED_RUN = re.compile("[\u30a0-\u30ff]+(?:[ \u3000]+[\u30a0-\u30ff]+)+")
_SPACES = re.compile("[ \u3000]+")
_KATAKANA_DOTTED = re.compile("[\u30a1-\u30fa\u30fc]+(?:・[\u30a1-\u30fa\u30fc]+)+")
HOUSE_STYLE_MIN = 3  # spaced katakana compounds from which spacing is taken as a house style (GRB002)
_WORD_GAP = re.compile(f"(?<=[{JA}ー])[ \t\u3000]+(?=[{JA}ー])")
_TERMINAL = "。！？!?．.」』）)…"
_ENUMERATOR = re.compile(r"\s*[（(]?(?:[0-9０-９]{1,3}|[a-zA-Zａ-ｚＡ-Ｚ]|[一二三四五六七八九十]{1,3})[）).．]|\s*[①-⑳]")
# Particles and auxiliaries that cannot open a Japanese sentence.
_BAD_START_POS = {"格助詞", "係助詞", "副助詞"}
_OK_START = ("ので", "でも", "では", "だが", "だから", "ただ", "また", "なお", "と言う", "とは", "との",
             # sentence-opening conjunctions and adverbs that begin like a particle
             "というのも", "というわけ", "というより", "というか", "ということで", "ほどなく")


# a date, time or amount on each side of a space: 1月14日 午後10時26分, 2023年 3月, 10ドル 20セント
_NUMERIC_BEFORE = re.compile(r"[0-9０-９][0-9０-９,.，．]*\s*[年月日時分秒円ドル%％件人回度]?$")
_NUMERIC_AFTER = re.compile(r"(?:午前|午後|約|第)?[0-9０-９]")
# a handle or name addressed at the start of a post: @user36さん, ＠someone様
_ADDRESSEE = re.compile(r"\s*[@＠][\w.]+\s*(?:さん|様|さま|くん|君|ちゃん)?")


def _ja_segments(ctx: Context) -> Iterator[Segment]:
    for seg in ctx.target.segments:
        if ja_ratio(seg.text) >= 0.5:
            yield seg


def _straddles(ctx: Context, text: str, gap_start: int, gap_end: int) -> bool:
    """Whether removing the gap joins the neighbours into one dictionary word."""
    lo = max(0, gap_start - 8)
    hi = min(len(text), gap_end + 8)
    joined = text[lo:gap_start] + text[gap_end:hi]
    cut = gap_start - lo
    for tok in ctx.tokenizer.tokenize(joined):
        if tok.begin < cut < tok.end and tok.pos[0] not in ("補助記号", "空白") and len(tok.surface) >= 2 and not tok.oov:
            # An unknown-word run (OOV katakana) joining is weak evidence; a dictionary word is strong.
            return True
    return False


@rule("GRB001", "stray-fragments", Severity.MAJOR, "Japanese text broken into word groups by spaces")
def stray_fragments(ctx: Context) -> Iterator[Hit]:
    """Finds spaces between Japanese words inside a sentence.

    Japanese does not separate words with spaces. When a machine translator works on a web
    page whose links, emphasis or line breaks split the English into pieces, it translates the
    pieces separately and stitches them together with spaces; the result reads as disconnected
    word groups whose grammar no longer holds, e.g. ``によると 最新の調査 発表の中で、…``.
    Katakana words separated by spaces (a transliterated name) are left to GRB002, and a space
    that breaks a single word to GRB003. Severity: major with two or more gaps in a sentence,
    minor with one.

    Spaces Japanese writers put on purpose are left alone: after a closing quote or bracket
    (``「全車前進せよ」 指揮官は…``: the quote ended a sentence the segmenter kept whole),
    between two dates, times or amounts (``1月14日 午後10時26分``), after a name or handle that
    opens a post (``@user36さん 投稿していただいた…``), and, in a paragraph that never writes
    。, between two sentences as transcripts and subtitles write them (``リリースしました
    カルラムが今日のゲストです``: the words before the space end a sentence). Web pages
    translated piece by piece end their pieces with 。 elsewhere, so their stitched clauses
    (``…を発行した イノベーションを阻害…``) are still reported.
    """
    no_stops: dict[int, bool] = {}  # paragraphs that never write 。: spaces are their sentence breaks
    for seg in ctx.target.segments:
        no_stops[seg.paragraph] = no_stops.get(seg.paragraph, True) and "。" not in seg.text
    for seg in _ja_segments(ctx):
        gaps = []
        for m in _GAP.finditer(seg.text):
            a, b = m.start(), m.end()
            if seg.text[a - 1] == "・" or (is_katakana(seg.text[a - 1]) and is_katakana(seg.text[b])):
                continue
            if seg.text[a - 1] in "」』）" and not _continues(ctx, seg.text[b:]):
                continue  # a quote or bracket that ends a sentence; not one the next words hang on (」 より…)
            if (_NUMERIC_BEFORE.search(seg.text[:a]) and _NUMERIC_AFTER.match(seg.text[b:])) or _ADDRESSEE.fullmatch(seg.text[:a]):
                continue
            if no_stops.get(seg.paragraph) and _sentence_ends_before(ctx, seg.text, a):
                continue  # a space between two sentences, as transcripts and subtitles write them
            if _straddles(ctx, seg.text, a, b) or _ENUMERATOR.fullmatch(seg.text[:a]):
                continue  # a broken word (GRB003), or a list number (1） 返品先は…)
            gaps.append((a, b))
        if not gaps:
            continue
        frags = _fragments(seg.text, gaps)
        lo, hi = _snap(ctx, seg.text, gaps[0][0], gaps[-1][1])
        yield Hit(
            f"sentence is broken into {len(frags)} word groups separated by spaces; it reads as stitched fragments",
            target=ctx.span(seg, lo, hi),
            evidence={"gaps": len(gaps), "fragments": frags[:8]},
            suggestion="rewrite the sentence as one clause from the source meaning",
            severity=Severity.MAJOR if len(gaps) >= 2 else Severity.MINOR,
        )


def _continues(ctx: Context, after: str) -> bool:
    """Whether the words after a gap hang on what came before: they open with a particle or an
    auxiliary (より, と, です), which no sentence starts with."""
    toks = [t for t in ctx.tokenizer.tokenize(after[:12]) if t.pos[0] != "空白"]
    return bool(toks) and toks[0].pos[0] in ("助詞", "助動詞")


def _sentence_ends_before(ctx: Context, text: str, gap: int) -> bool:
    """Whether the words before a gap end a sentence: a predicate in its final form (した, です)
    or a sentence-final particle (ね, か). Transcripts and subtitles separate sentences so."""
    toks = [t for t in ctx.tokenizer.tokenize(text[max(0, gap - 12) : gap]) if t.pos[0] != "空白"]
    if not toks:
        return False
    last = toks[-1]
    return last.pos[1] == "終助詞" or (last.pos[0] in ("動詞", "助動詞", "形容詞") and last.pos[5].startswith("終止形"))


def _snap(ctx: Context, text: str, lo: int, hi: int, words: int = 3) -> tuple[int, int]:
    """Widen [lo, hi) by a couple of words on each side, ending on word boundaries."""
    toks = ctx.tokenizer.tokenize(text)
    before = [t for t in toks if t.end <= lo and t.pos[0] != "空白"]
    after = [t for t in toks if t.begin >= hi and t.pos[0] != "空白"]
    start = before[-words].begin if len(before) >= words else 0
    end = after[words - 1].end if len(after) >= words else len(text)
    return start, end


def _fragments(text: str, gaps: list[tuple[int, int]]) -> list[str]:
    out, pos = [], 0
    for a, b in gaps:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return [f.strip() for f in out if f.strip()]


@rule("GRB002", "spaced-katakana", Severity.MINOR, "Katakana words separated by spaces instead of ・ or nothing")
def spaced_katakana(ctx: Context) -> Iterator[Hit]:
    """Finds transliterated names written with spaces between their katakana words.

    Japanese writes a multi-word foreign name either solid or with the middle dot ・
    (``ジョン・スミス``); a plain space (``ハミルトン ブラザーズ カンパニー``) is a sign that the
    name was transliterated word by word from a link or a title and not checked. One finding
    per name, however many spaces it has; a space that splits one word is GRB003's.

    Some house styles (Microsoft's, for one) separate the words of katakana compounds with a
    space on purpose (``ソフトウェア ツール``). A document that does so three times or more, and
    at least as often as it joins katakana words with ・, is taken to follow such a style: nothing
    is reported, and the report says why.
    """
    found = []
    for seg in _ja_segments(ctx):
        for run in _KATAKANA_SPACED_RUN.finditer(seg.text):
            base = run.start()
            text = run.group()
            gaps = [(m.start(), m.end()) for m in _SPACES.finditer(text)]
            broken = {(a, b) for a, b in gaps if _straddles(ctx, seg.text, base + a, base + b)}
            if len(broken) == len(gaps):
                continue
            words, suggestion, pos = [], "", 0
            for a, b in gaps:
                words.append(text[pos:a])
                suggestion += text[pos:a] + ("" if (a, b) in broken else "・")
                pos = b
            words.append(text[pos:])
            suggestion += text[pos:]
            found.append(
                Hit(
                    "katakana words separated by a space" if len(gaps) == 1 else f"katakana words separated by {len(gaps)} spaces",
                    target=ctx.span(seg, run.start(), run.end()),
                    evidence={"words": words},
                    suggestion=suggestion,
                )
            )
    dotted = len(_KATAKANA_DOTTED.findall(ctx.target.text))
    if len(found) >= HOUSE_STYLE_MIN and len(found) >= dotted:
        ctx.notes.append(
            f"{len(found)} katakana compounds are written with spaces ({dotted} with ・): taken as the house style of this document, not reported"
        )
        return
    yield from found


@rule("GRB003", "broken-word", Severity.MINOR, "A space splits one Japanese word in two")
def broken_word(ctx: Context) -> Iterator[Hit]:
    """Finds a space inside a single Japanese word (``セキュリテ ィ``, ``合意す る``).

    Typical of text re-flowed from PDF or HTML line wrapping. The joined form is a dictionary
    word (Sudachi), so the suggestion is simply the word without the space.
    """
    for seg in _ja_segments(ctx):
        for a, b in broken_word_gaps(ctx, seg):
            lo, hi = _snap(ctx, seg.text, a, b, words=1)
            yield Hit(
                "a space splits a word",
                target=ctx.span(seg, lo, hi),
                evidence={"joined": seg.text[lo:a] + seg.text[b:hi]},
                suggestion=seg.text[lo:a] + seg.text[b:hi],
            )


def broken_word_gaps(ctx: Context, seg: Segment) -> list[tuple[int, int]]:
    """The spaces of ``seg`` (offsets in its text) that split one dictionary word in two, as
    GRB003 reports them; computed once per segment and shared with the rules that read words."""
    memo: dict[int, list[tuple[int, int]]] = ctx.memo.setdefault("broken_word_gaps", {})
    if seg.id not in memo:
        memo[seg.id] = (
            [(m.start(), m.end()) for m in _WORD_GAP.finditer(seg.text) if _straddles(ctx, seg.text, m.start(), m.end())]
            if ja_ratio(seg.text) >= 0.5
            else []
        )
    return memo[seg.id]


def in_broken_word(ctx: Context, seg: Segment, start: int, end: int) -> bool:
    """Whether the word at [start, end) of ``seg`` is a piece of a word that a space splits
    (``ジェ ンダー``): the piece is not a word of its own, and GRB003 reports the split."""
    return any(a == end or b == start for a, b in broken_word_gaps(ctx, seg))


@rule("GRB004", "starts-mid-clause", Severity.MAJOR, "Sentence starts with a case or binding particle: it begins mid-clause")
def starts_mid_clause(ctx: Context) -> Iterator[Hit]:
    """Finds Japanese sentences whose first word is a case, binding or adverbial particle.

    No Japanese sentence can begin with が, を, によると, より…; such a start means the sentence
    was cut from its first half (by a link, a line break or a bad merge), so its meaning is lost.
    Colloquial openers (ですが, でも, なお…) are not particles here and are not reported.
    """
    for seg in _ja_segments(ctx):
        text = seg.text.lstrip("　 ")
        if not text or text.startswith(_OK_START):
            continue
        toks = ctx.tokenizer.tokenize(text[:20])
        if toks and toks[0].pos[0] == "助詞" and toks[0].pos[1] in _BAD_START_POS:
            end = toks[0].end if len(toks) < 2 else toks[1].end
            yield Hit(
                f"sentence begins with the {toks[0].pos[0]} 「{toks[0].surface}」: its first half is missing",
                target=ctx.span(seg, 0, min(len(seg.text), end + 6)),
                evidence={"first_word": toks[0].surface, "pos": "-".join(p for p in toks[0].pos if p != "*")},
            )


_SOURCE_STOP = re.compile(r"[.!?。！？][\"'”’)\]]*\s*$")
# an ending a writer chooses on purpose: an emoji or pictograph, an ellipsis, a closing bracket or quote, a laugh (ｗ, 笑)
_OPEN_ENDING = re.compile(r"(?:[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]|\.\.\.|…|‥|[)）」』】\]]|[wｗ笑])$")


@rule("GRB005", "breaks-off", Severity.MINOR, "Sentence stops mid-clause without closing punctuation")
def breaks_off(ctx: Context) -> Iterator[Hit]:
    """Finds the last sentence of a line of running text when it ends without 。.

    A heading, a label or a list item may end without punctuation; but when a line holds several
    sentences and the last one stops on a noun or a particle, that sentence has usually lost its
    predicate, e.g. when the rest of it became a separate fragment or was dropped.
    Severity: major when it stops on a particle.

    With the source, a sentence whose source also ends without a full stop (a post, a chat
    line, a caption: "no wonder why things feel dead this morning") is left alone, and so is
    one that ends on an emoji, an ellipsis or a closing bracket: the translation keeps the
    register of the original.
    """
    segs = ctx.target.segments
    text_all = ctx.target.text
    for i, seg in enumerate(segs):
        if i == 0 or seg.kind != "text" or ja_ratio(seg.text) < 0.5:
            continue
        prev = segs[i - 1]
        between = text_all[prev.end : seg.start]
        if "\n" in between or "\r" in between or prev.paragraph != seg.paragraph:
            continue  # not a continuation of a line of running text
        if i + 1 < len(segs) and "\n" not in text_all[seg.end : segs[i + 1].start] and "\r" not in text_all[seg.end : segs[i + 1].start]:
            continue  # not line-final: it ended at punctuation
        text = seg.text.rstrip()
        if text[-1] in _TERMINAL or text[-1] in ":：" or _OPEN_ENDING.search(text):
            continue
        src = ctx.source_of(seg)
        if src is not None and not _SOURCE_STOP.search(src):
            continue  # the source stops without a full stop too
        toks = ctx.tokenizer.tokenize(text[-20:])
        last = toks[-1] if toks else None
        yield Hit(
            "sentence stops without closing punctuation inside running text",
            target=ctx.span(seg, max(0, len(text) - 12), len(text)),
            evidence={"last_word": last.surface if last else "", "pos": last.pos[0] if last else ""},
            severity=Severity.MAJOR if last is not None and last.pos[0] == "助詞" else None,
        )


@rule("GRB006", "unbalanced-brackets", Severity.MINOR, "Unmatched bracket or quotation mark")
def unbalanced(ctx: Context) -> Iterator[Hit]:
    """Finds an opening bracket or quote (「『（(【“) with no partner in its paragraph, or a stray closer.

    Usually a sign that part of a quotation or a parenthetical was dropped or moved. A full-width
    bracket closed by a half-width one (（YUV)) is a pair: the width is CON003's business. A list
    enumerator at the start of a line (``1）``, ``a)``, ``②)``) is not a stray closer, nor is a
    smiley (``;)``, ``(^^)``). With the source, a bracket or quote the English leaves unpaired
    too (a quotation that runs on into the next paragraph) is the original's, not an error.
    """
    paragraphs: dict[int, list[Segment]] = {}
    for seg in ctx.target.segments:
        paragraphs.setdefault(seg.paragraph, []).append(seg)
    for segs in paragraphs.values():
        start, end = segs[0].start, segs[-1].end
        text = ctx.target.text[start:end]
        enumerators = {start_ + m.end() - 1 for start_, line in _lines(text) for m in [_ENUMERATOR.match(line)] if m}
        stack: list[tuple[str, int]] = []
        stray: list[int] = []
        for i, ch in enumerate(text):
            if ch in _PAIRS:
                stack.append((ch, i))
            elif ch in _CLOSING:
                if stack and _same_bracket(stack[-1][0], _CLOSING[ch]):
                    stack.pop()
                elif i not in enumerators:
                    stray.append(i)
        smileys = {m.start() + k for m in _EMOTICON.finditer(text) for k in range(len(m.group()))}
        source = " ".join(dict.fromkeys(t for seg in segs if (t := ctx.source_of(seg)) is not None))
        for pos in [i for _, i in stack] + stray:
            ch = text[pos]
            partner = _PAIRS.get(ch) or _CLOSING.get(ch)
            if pos in smileys or (source and _unbalanced_in(source, ch)):
                continue  # a smiley ;) or a bracket the source leaves open too
            yield Hit(
                f"「{ch}」 has no matching 「{partner}」 in its paragraph",
                target=ctx.target.span(start + pos, start + pos + 1),
                evidence={"character": ch, "expected_partner": partner},
            )


_ENUMERATOR = re.compile(r"\s*(?:[0-9０-９]{1,3}|[A-Za-zＡ-Ｚａ-ｚ]|[①-⑳]|[一二三四五六七八九十]{1,3})[)）]")
_EMOTICON = re.compile(r"[;:=8][-'’^]?[)(DPp\]\[]|[(（]\s*[\^＾][_\-.]?[\^＾]\s*[)）]")
_QUOTES = frozenset("「」『』“”\"")
_PARENS = frozenset("（）()")


def _unbalanced_in(source: str, ch: str) -> bool:
    """Whether the English leaves the same kind of bracket or quote unpaired (a quotation that runs
    on into the next paragraph, a smiley): the translation follows it."""
    if ch in _QUOTES:
        return source.count('"') % 2 == 1 or source.count("“") != source.count("”")
    if ch in _PARENS:
        return source.count("(") != source.count(")")
    return source.count("[") != source.count("]")


_WIDTH = str.maketrans("（）［］", "()[]")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _same_bracket(a: str, b: str) -> bool:
    return a.translate(_WIDTH) == b.translate(_WIDTH)


_LATIN_PUNCT = re.compile(f"(?<=[{JA}])[,.](?=[{JA}\\s]|$)")


@rule("GRB007", "latin-punctuation", Severity.MINOR, "Latin comma or period inside Japanese text")
def latin_punctuation(ctx: Context) -> Iterator[Hit]:
    """Finds ``,`` and ``.`` used as Japanese punctuation (``日米両国は,協力する.``).

    Japanese text uses 、 and 。; Latin marks between Japanese characters are leftovers of
    the source or of a careless post-edit.
    """
    for seg in _ja_segments(ctx):
        for m in _LATIN_PUNCT.finditer(seg.text):
            ch = m.group()
            yield Hit(
                f"Latin 「{ch}」 between Japanese characters",
                target=ctx.span(seg, m.start(), m.end()),
                suggestion={",": "、", ".": "。"}[ch],
            )


# A #-delimited placeholder (#NAME#, #PRS_ORG#) and what machine translation does to its
# delimiters: drops one (PRS_ORG#, #PRS_ORG), spaces it off (#PRS_ORG #, # PRS_ORG#), doubles it.
_HASHED = re.compile(
    r"(?:(?<=[A-Za-z0-9_]#)|(?<![A-Za-z0-9_#]))(#*)([ \u3000]?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)(?![A-Za-z0-9_])"
    r"([ \u3000]?)(#(?=#[A-Za-z])|#*)"  # #A##B#: two placeholders side by side
)


@rule("GRB008", "broken-placeholder", Severity.MAJOR, "A #-delimited placeholder with a delimiter lost, doubled or spaced off",
      concern="placeholder", precedence=1)
def broken_placeholder(ctx: Context) -> Iterator[Hit]:
    """Finds software placeholders of the ``#NAME#`` kind whose delimiters machine translation
    has damaged: one ``#`` dropped (``PRS_ORG#``, ``#PRS_ORG``), a space put between the name and
    a ``#`` (``#PRS_ORG #``, ``# PRS_ORG#``), or a ``#`` doubled (``#PRS_ORG##``). The program that
    fills the placeholder in no longer finds it, and the reader sees the raw name.

    Works without the source. A name counts as a placeholder when it has an underscore
    (``PRS_ORG``, ``user_name``), or when it is in capitals and the document writes some
    placeholder intact as ``#NAME#`` (so a hashtag, ``#MeToo``, or a Markdown heading, ``# API``,
    in a document without placeholders is left alone). Full-width ``＃`` counts as ``#``. With the
    source, ACR003 also finds placeholders translated (``#NUMBER#`` → ``#番号#``) or dropped; where
    both find one placeholder, ACR003's finding leads and names GRB008 as corroboration.

    Example: 「PRS_ORG#から購入した書籍を再ダウンロードできます。」: ``PRS_ORG#`` has lost its
    opening ``#``; suggested ``#PRS_ORG#``.
    """
    found = []
    intact: set[str] = set()
    for seg in ctx.target.segments:
        text = unicodedata.normalize("NFKC", seg.text)
        if len(text) != len(seg.text):
            text = seg.text  # offsets would move: full-width forms are left as they are
        for m in _HASHED.finditer(text):
            pre, sp1, name, sp2, post = m.groups()
            if not pre and not post:
                continue
            if len(pre) == 1 and len(post) == 1 and not sp1 and not sp2:
                intact.add(name.upper())
                continue
            found.append((seg, m))
    for seg, m in found:
        pre, sp1, name, sp2, post = m.groups()
        if "_" not in name and not (name.isupper() and len(name) >= 3 and intact):
            continue
        # the damaged form, without a space that no # follows (「#PRS_ORG から」)
        a = m.start() if pre else m.start(3)
        b = m.end() if post else m.end(3)
        if len(pre) > 1 or len(post) > 1:
            what = "has a doubled #"
        elif (pre and sp1) or (post and sp2):
            what = "has a space inside"
        else:
            what = "has lost its opening #" if not pre else "has lost its closing #"
        fixed = "#" + (name.upper() if name.upper() in intact else name) + "#"
        yield Hit(
            f"placeholder 「{seg.text[a:b]}」 {what}; a program filling it in will not find it",
            target=ctx.span(seg, a, b),
            evidence={"placeholder": fixed, "found": seg.text[a:b]},
            suggestion=fixed,
        )
