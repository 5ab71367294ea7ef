"""Sentence segmentation for Japanese and English, with offsets into the decoded text.

Linear in the length of the text. Rules, in order:

* a blank line ends a paragraph; a Markdown heading, a list item (bullets, ``1.``, ``(1)``) or,
  in Japanese, any line break starts a new segment; English lines that were hard-wrapped
  mid-sentence are joined back (the segment then spans the line break): a line that goes on in
  lower case, or, in a text whose lines look wrapped at one width, a line whose first word
  would not have fitted on the line before;
* inside a line, a sentence ends after 。！？ (and the closing quotes or brackets that follow),
  or after ``. ! ?`` followed by a space and something that can start a sentence;
* never inside a matched pair of brackets or quotes (「」『』（）()【】“”…);
* not after abbreviations and titles (Dr., No. 5, e.g.), initials (John F. Kennedy),
  month abbreviations before a day (Apr. 10) or decimals (2.9); after dotted acronyms
  (U.S., U.K.) and company suffixes (Inc., Corp.) only when a typical sentence opener follows;
* a segment longer than ``max_chars`` is cut at the last comma or space before the limit, so
  that one runaway line cannot make later stages slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from audit.model import Segment

SEGMENTER_VERSION = "2"
DEFAULT_MAX_CHARS = 2000

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_WS = " \t\u3000\u00a0\ufeff"
_JA_TERMINAL = "。！？．｡"
_LATIN_TERMINAL = ".!?"
_CLOSERS = "\"'”’」』）)】〕〉》］]"
_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕", "〈": "〉", "《": "》", "［": "］", "[": "]", "“": "”"}
_CLOSING = {v: k for k, v in _PAIRS.items()}
_QUOTATIVE = set("とっ、，,のをがはもで")

_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+")
_BULLET = re.compile(r"[ \t\u3000]*(?:[-*+•・●○◦▪■□◆◇‣⁃※]|\d{1,3}[.)](?=[ \t])|[（(]\d{1,3}[)）]|[①-⑳])[ \t\u3000]*")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")

# Abbreviations after which a period does not end a sentence.
_NEVER_END = frozenset(
    """mr mrs ms dr prof sr jr st mt no nos vol vols fig figs gen sen rep reps gov lt col capt sgt
    rev hon pres amb adm cmdr messrs mme mlle vs v etc e.g i.e cf approx dept est al ca op pp p
    art sec ch para nr tel""".split()
)
# A period after these ends a sentence only when a typical sentence opener follows.
_AMBIGUOUS = frozenset("inc ltd co corp llc plc bros jan feb mar apr jun jul aug sep sept oct nov dec".split())
_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
_OPENERS = frozenset(
    """the this that these those it its we they he she i in on at for but and as a an however our
    both each their there today under with by to such also meanwhile moreover furthermore after
    before during while when if since although though his her my your you all many most some
    japan's one two three new""".split()
)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # end of content, before the line break


def iter_lines(text: str) -> Iterator[_Line]:
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        yield _Line(pos, m.start())
        pos = m.end()
    if pos <= len(text):
        yield _Line(pos, len(text))


def _is_blank(text: str, line: _Line) -> bool:
    return not text[line.start : line.end].strip(_WS)


def segment_text(
    text: str,
    lang: str,
    *,
    presegmented: bool = False,
    markdown: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[Segment, ...]:
    """Split ``text`` into segments whose offsets index ``text`` itself."""
    if presegmented:
        return _presegmented(text)
    out: list[Segment] = []
    paragraph = -1
    in_block = False
    in_fence = False
    prev: _Line | None = None  # previous content line of the current logical line
    logical: list[_Line] = []
    logical_kind = "text"
    width = _wrap_width(text) if lang != "ja" else None

    def flush() -> None:
        nonlocal logical
        if logical:
            _emit(text, logical[0].start, logical[-1].end, lang, paragraph, logical_kind, max_chars, out)
        logical = []

    for line in iter_lines(text):
        raw = text[line.start : line.end]
        if markdown and _FENCE.match(raw):
            flush()
            in_fence = not in_fence
            in_block = False
            continue
        if in_fence or _is_blank(text, line):
            flush()
            in_block = False
            prev = None
            continue
        if not in_block:
            paragraph += 1
            in_block = True
        kind = "text"
        content_start = line.start
        m = _HEADING.match(raw)
        if m:
            kind = "heading"
            content_start = line.start + m.end()
        else:
            b = _BULLET.match(raw)
            if b and b.end() < len(raw):
                kind = "item"
                content_start = line.start + b.end()
        while content_start < line.end and text[content_start] in _WS:
            content_start += 1
        piece = _Line(content_start, line.end)
        if prev is not None and kind == "text" and logical_kind != "heading" and _continues(text, prev, piece, lang, width):
            logical.append(piece)
        else:
            flush()
            logical = [piece]
            logical_kind = kind
        prev = piece
    flush()
    return _renumber(out, text, lang)


_WRAPPED_SHARE = 0.6  # of the inner lines near the wrap width, for a text to count as wrapped


def _wrap_width(text: str) -> int | None:
    """The width a text's lines look hard-wrapped at, or None when they do not look wrapped.

    Inner lines (those a non-blank line follows) of a wrapped text end close to one width: most
    of them lie within 30% under the longest usual one (the 90th percentile). Lines of one
    sentence or one paragraph each vary far more, and there a line break ends the segment."""
    lines = list(iter_lines(text))
    inner = [ln.end - ln.start for ln, nxt in zip(lines, lines[1:]) if not _is_blank(text, ln) and not _is_blank(text, nxt)]
    if not inner:
        return None
    inner.sort()
    width = inner[int(0.9 * (len(inner) - 1))]
    near = sum(1 for n in inner if 0.7 * width <= n <= 1.05 * width)
    return width if near >= _WRAPPED_SHARE * len(inner) else None


def _continues(text: str, prev: _Line, cur: _Line, lang: str, width: int | None = None) -> bool:
    """Whether ``cur`` continues a hard-wrapped English sentence from ``prev``: it goes on in
    lower case, or, in a text wrapped at ``width`` (:func:`_wrap_width`), the line before is long
    and does not end a sentence, and the first word of ``cur`` would not have fitted on it."""
    if lang == "ja":
        return False
    p = text[prev.start : prev.end].rstrip(_WS)
    c = text[cur.start : cur.end]
    if not p or not c:
        return False
    last, first = p[-1], c[0]
    if last in _LATIN_TERMINAL + _JA_TERMINAL + ":：" or not last.isascii():
        return False
    if first.islower() and first.isascii():
        return True
    if width is None or len(p) < 50 or not (last.isalnum() or last in ",;-"):
        return False
    return len(p) + 1 + len(c.split(maxsplit=1)[0]) > width


def _presegmented(text: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    paragraph = 0
    seen_in_para = False
    for line in iter_lines(text):
        raw = text[line.start : line.end]
        stripped = raw.strip(_WS)
        if not stripped:
            if seen_in_para:
                paragraph += 1
                seen_in_para = False
            continue
        lead = len(raw) - len(raw.lstrip(_WS))
        start = line.start + lead
        end = start + len(stripped)
        out.append(Segment(len(out), start, end, text[start:end], paragraph))
        seen_in_para = True
    return tuple(out)


def _matched_depth(s: str) -> list[int]:
    """Bracket depth before each character, counting only brackets that are matched."""
    stack: list[tuple[str, int]] = []
    delta = [0] * (len(s) + 1)
    for i, ch in enumerate(s):
        if ch in _PAIRS and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((ch, i))
        elif ch in _CLOSING:
            opener = _CLOSING[ch]
            # Close the nearest matching opener; openers skipped over stay unmatched.
            for k in range(len(stack) - 1, max(-1, len(stack) - 4), -1):
                if stack[k][0] == opener:
                    j = stack[k][1]
                    del stack[k:]
                    delta[j] += 1
                    delta[i] -= 1  # depth drops after the closer
                    break
    depth = [0] * (len(s) + 1)
    d = 0
    for i in range(len(s)):
        depth[i] = d
        d += delta[i]
        if d < 0:
            d = 0
    depth[len(s)] = d
    return depth


def _word_before(s: str, i: int) -> str:
    """The token ending just before position ``i`` (the period), including inner dots."""
    j = i
    while j > 0 and i - j < 24 and (s[j - 1].isalnum() or s[j - 1] in ".&'-") and s[j - 1].isascii():
        j -= 1
    return s[j:i]


def _next_word(s: str, i: int) -> str:
    j = i
    while j < len(s) and (s[j].isalnum() or s[j] == "'") and j - i < 24:
        j += 1
    return s[i:j]


def _latin_boundary(s: str, i: int, end: int) -> bool:
    """Whether the Latin terminal at ``s[i]`` whose sentence ends at ``end`` closes a sentence."""
    if end >= len(s):
        return True
    nxt = s[end]
    if nxt not in _WS and nxt not in "\r\n":
        # "Inc.の" or "2.9": no space, no boundary; but a Japanese sentence may follow directly
        return not nxt.isascii() and s[i] != "." and nxt not in _QUOTATIVE
    k = end
    while k < len(s) and (s[k] in _WS or s[k] in "\r\n"):
        k += 1
    if k >= len(s):
        return True
    first = s[k]
    if s[i] in "!?":
        return not (first.isascii() and first.islower())
    word = _word_before(s, i)
    low = word.lower()
    if first.isascii() and first.islower():
        return False
    if low in _NEVER_END or low.rstrip(".") in _NEVER_END:
        return False
    if len(word) == 1 and word.isupper():  # an initial: John F. Kennedy
        return False
    if low in _MONTHS and first.isdigit():
        return False
    dotted = "." in word.strip(".")
    if dotted or low in _AMBIGUOUS:
        return _next_word(s, k).lower() in _OPENERS
    return first.isupper() or first.isdigit() or first in "\"'“‘([「『（" or not first.isascii()


def _split_points(s: str) -> list[int]:
    """Offsets (relative to ``s``) where a sentence ends."""
    depth = _matched_depth(s)
    points: list[int] = []
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        is_ja = ch in _JA_TERMINAL
        is_latin = ch in _LATIN_TERMINAL
        closes_quote = ch in _CLOSING and depth[i + 1] == 0 and depth[i] > 0 and i > 0 and (
            s[i - 1] in _JA_TERMINAL or s[i - 1] in _LATIN_TERMINAL
        )
        if (is_ja or is_latin) and depth[i] == 0 or closes_quote:
            end = i + 1
            while end < n and (s[end] in _JA_TERMINAL or s[end] in _LATIN_TERMINAL or s[end] in "…" or s[end] in _CLOSERS):
                if s[end] in _CLOSING and depth[end] == 0:
                    break  # an unmatched closer belongs to nobody; stop here
                end += 1
            prev_char = s[i - 1] if closes_quote else ch
            if prev_char in _JA_TERMINAL or (closes_quote and not prev_char.isascii()):
                k = end
                while k < n and s[k] in _WS:
                    k += 1
                ok = k >= n or s[k] not in _QUOTATIVE or s[k] in _WS
                if closes_quote and k < n and s[k] in _QUOTATIVE:
                    ok = False
            else:
                ok = _latin_boundary(s, end - 1 if not closes_quote else i - 1, end)
            if ok:
                points.append(end)
            i = end
            continue
        i += 1
    return points


def _emit(
    text: str, start: int, end: int, lang: str, paragraph: int, kind: str, max_chars: int, out: list[Segment]
) -> None:
    s = text[start:end]
    cuts = [0, *_split_points(s), len(s)]
    first = True
    for a, b in zip(cuts, cuts[1:]):
        for sa, sb in _cap(s, a, b, max_chars):
            while sa < sb and (s[sa] in _WS or s[sa] in "\r\n"):
                sa += 1
            while sb > sa and (s[sb - 1] in _WS or s[sb - 1] in "\r\n"):
                sb -= 1
            if sa >= sb:
                continue
            out.append(Segment(0, start + sa, start + sb, "", paragraph, kind if first else "text"))
            first = False


def _cap(s: str, a: int, b: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long stretch at the last comma or space before the limit."""
    while b - a > max_chars:
        window = s[a : a + max_chars]
        cut = max(window.rfind(c) for c in "、，, \u3000")
        cut = a + cut + 1 if cut > max_chars // 2 else a + max_chars
        yield a, cut
        a = cut
    yield a, b


def _renumber(segments: list[Segment], text: str, lang: str) -> tuple[Segment, ...]:
    per_paragraph: dict[int, int] = {}
    for seg in segments:
        per_paragraph[seg.paragraph] = per_paragraph.get(seg.paragraph, 0) + 1
    limit = 40 if lang == "ja" else 80
    out = []
    for i, seg in enumerate(segments):
        body = text[seg.start : seg.end]
        kind = seg.kind
        # A short line standing alone in its paragraph with no closing punctuation is a title.
        if (
            kind == "text"
            and per_paragraph[seg.paragraph] == 1
            and len(body) <= limit
            and body[-1] not in _JA_TERMINAL + _LATIN_TERMINAL + "」』)）:：、,"
        ):
            kind = "heading"
        out.append(Segment(i, seg.start, seg.end, body, seg.paragraph, kind))
    return tuple(out)
