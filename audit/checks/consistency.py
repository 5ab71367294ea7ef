"""One entity, one rendering: spelling variants, acronym expansions, character widths (target-only)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.lexicon.script import KATAKANA_RUN
from audit.model import Severity, Span

_SMALL = str.maketrans("ァィゥェォヵヶッャュョヮ", "アイウエオカケツヤユヨワ")
_VOICED = str.maketrans({"ヴ": "ブ", "ヂ": "ジ", "ヅ": "ズ", "ヱ": "エ", "ヰ": "イ", "ヲ": "オ"})


def katakana_key(word: str) -> str:
    """A spelling-insensitive key: no ・ or ー, small kana as large, ヴ as ブ."""
    w = unicodedata.normalize("NFKC", word)
    w = w.replace("・", "").replace("ー", "").replace("=", "").replace("＝", "")
    return w.translate(_VOICED).translate(_SMALL)


def _one_substitution(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


@rule("CON001", "katakana-variants", Severity.MINOR, "The same katakana word or name is spelled two ways")
def katakana_variants(ctx: Context) -> Iterator[Hit]:
    """Finds katakana words written in two spellings in one document (``プリンタ`` and
    ``プリンター``, ``スミッソン`` and ``スミソン``).

    Variants are grouped by a key that ignores long-vowel marks, ・, small kana and ヴ/ブ, and
    also when the keys differ by one kana in words of six kana or more. The less frequent
    spelling is reported, with the dominant one as the suggestion. A name spelled two ways
    is either a careless inconsistency or, worse, two different people.
    """
    occurrences: dict[str, list[Span]] = defaultdict(list)
    for seg in ctx.target.segments:
        for m in KATAKANA_RUN.finditer(seg.text):
            word = m.group().strip("・")
            if len(word.replace("ー", "").replace("・", "")) < 3:
                continue
            occurrences[word].append(ctx.span(seg, m.start(), m.start() + len(word)))
    by_key: dict[str, list[str]] = defaultdict(list)
    for word in occurrences:
        by_key[katakana_key(word)].append(word)
    keys = sorted(by_key)
    # merge keys one substitution apart (long words only)
    parent = {k: k for k in keys}
    by_len: dict[int, list[str]] = defaultdict(list)
    for k in keys:
        by_len[len(k)].append(k)
    for group in by_len.values():
        if len(group[0]) < 6:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _one_substitution(a, b):
                    parent[_find(parent, b)] = _find(parent, a)
    clusters: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        clusters[_find(parent, k)].extend(by_key[k])
    for words in clusters.values():
        if len(words) < 2:
            continue
        counts = Counter({w: len(occurrences[w]) for w in words})
        dominant, _ = counts.most_common(1)[0]
        for word in words:
            if word == dominant:
                continue
            for span in occurrences[word]:
                yield Hit(
                    f"「{word}」 is also written 「{dominant}」 in this document",
                    target=span,
                    evidence={"variants": dict(counts)},
                    suggestion=dominant,
                )


def _find(parent: dict[str, str], k: str) -> str:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


_ACRONYM = re.compile(r"[（(]\s*([A-Z][A-Za-z0-9&\-]{1,11})\s*[)）]")
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


_FULL_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]+")
_HALF_ALNUM = re.compile(r"[0-9A-Za-z]+")


@rule("CON003", "mixed-width", Severity.MINOR, "Full-width and half-width letters or digits mixed in one document")
def mixed_width(ctx: Context) -> Iterator[Hit]:
    """Finds full-width letters and digits (``２０２４``, ＩＰＥＦ) in a document that otherwise uses
    half-width ones (or the reverse, whichever is rarer).

    Japanese style guides (JTF, government style) pick one width; mixing them looks careless and
    breaks search and glossary matching.
    """
    full: list[Span] = []
    half = 0
    for seg in ctx.target.segments:
        for m in _FULL_ALNUM.finditer(seg.text):
            full.append(ctx.span(seg, m.start(), m.end()))
        half += len(_HALF_ALNUM.findall(seg.text))
    if not full or half == 0 or len(full) > half:
        return
    for span in full:
        yield Hit(
            f"full-width 「{span.text}」 in a document that writes {half} half-width runs",
            target=span,
            suggestion=unicodedata.normalize("NFKC", span.text),
        )


_DOT_TERM = re.compile(r"[\u4e00-\u9fff々]{1,8}(?:・[\u4e00-\u9fff々]{1,8}){2,}")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff々]{4,}")
# Heads that end the names of organisations and programmes in Japanese.
_ORG_HEADS = (
    "委員会", "評議会", "協議会", "研究所", "研究院", "財団", "基金", "機構", "協会", "公社", "銀行", "大学", "学会",
    "省", "庁", "局", "院", "会議", "連合", "同盟", "計画", "制度", "条約", "協定",
)


def _org_head(run: str) -> str | None:
    return next((h for h in _ORG_HEADS if run.endswith(h) and len(run) >= len(h) + 3), None)


def _variant_of(a: str, b: str) -> tuple[str, str] | None:
    """The differing middles when ``a`` and ``b`` differ in one short stretch (≤ 3 characters each)
    that shares a character ("全国"/"国立", "保管"/"保存"), with at least four characters in common."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    da, db = a[p : len(a) - s], b[p : len(b) - s]
    if not (1 <= len(da) <= 3 and 1 <= len(db) <= 3) or p + s < 4:
        return None
    if not set(da) & set(db):
        return None
    return da, db


@rule("CON004", "term-variants", Severity.MINOR, "One term or organisation written two ways in one document")
def term_variants(ctx: Context) -> Iterator[Hit]:
    """Finds a term or an organisation's name written in two forms that differ in one short
    stretch sharing a character: ``資源回収・再利用・保管`` and ``資源回収・再利用・保存``, or
    ``全国教育財団`` and ``国立教育財団``. The stretches share a character, so they are two
    renderings of one word (保管/保存, 全国/国立), not two different things (開発庁/貿易庁 share
    none and are not reported).

    Two kinds of text are compared: terms whose parts are joined by ・ (three parts or more: the
    parts must match but for one), and runs of kanji that end in the head of an organisation's or
    programme's name (委員会, 財団, 機構, 省, 庁, 局, 計画, 協定…). The less frequent form is
    reported, the first-seen one when both are as frequent, with the other as the suggestion.
    Katakana spellings are CON001's; acronyms glossed two ways are CON002's.
    """
    seen: dict[str, list[Span]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for seg in ctx.target.segments:
        for m in _DOT_TERM.finditer(seg.text):
            seen[m.group()].append(ctx.span(seg, m.start(), m.end()))
            kinds[m.group()] = "dot"
        for m in _KANJI_RUN.finditer(seg.text):
            if _org_head(m.group()):
                seen[m.group()].append(ctx.span(seg, m.start(), m.end()))
                kinds.setdefault(m.group(), "org")
    glossed = {
        form for form, spans in seen.items()
        for sp in spans if _ACRONYM.match(unicodedata.normalize("NFKC", ctx.target.text[sp.end : sp.end + 14]))
    }
    order = list(seen)
    reported: set[str] = set()
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if kinds[a] != kinds[b] or a in reported or b in reported:
                continue
            if kinds[a] == "dot":
                pa, pb = a.split("・"), b.split("・")
                diff = [(x, y) for x, y in zip(pa, pb) if x != y]
                if len(pa) != len(pb) or len(diff) != 1 or not _variant_of(*diff[0]) and not (
                    len(diff[0][0]) >= 2 and len(diff[0][1]) >= 2 and diff[0][0][0] == diff[0][1][0]
                ):
                    continue
                middles = diff[0]
            else:
                if _org_head(a) != _org_head(b):
                    continue
                found = _variant_of(a, b)
                if found is None:
                    continue
                middles = found
            # report the rarer form, suggesting the other; on a tie, keep the one introduced with its
            # acronym in parentheses (the deliberate form), else the first seen
            rank = {x: (len(seen[x]), x in glossed) for x in (a, b)}
            rare, common = (a, b) if rank[a] < rank[b] else (b, a)
            if middles[0] not in common:
                middles = (middles[1], middles[0])
            reported.add(rare)
            yield Hit(
                f"「{rare}」 and 「{common}」 look like one term written two ways ({middles[1]} / {middles[0]})",
                target=seen[rare][0],
                evidence={"form": rare, "other_form": common, "other_at": seen[common][0].start,
                          "counts": {rare: len(seen[rare]), common: len(seen[common])}},
                suggestion=common,
            )


# First letters an English word may have, by the first kana of its katakana rendering.
_KANA_INITIALS = {}
for _kana, _letters in (
    ("ア", "AUO"), ("イ", "IEY"), ("ウ", "WUO"), ("エ", "EAX"), ("オ", "OA"),
    ("カキクケコ", "CKQ"), ("ガギグゲゴ", "G"), ("サシスセソ", "SC"), ("ザズゼゾ", "ZSX"), ("ジ", "GJ"),
    ("タテト", "T"), ("チ", "CT"), ("ツ", "TZ"), ("ダデド", "D"), ("ヂヅ", "DJZ"), ("ナニヌネノ", "NK"),
    ("ハヒヘホ", "HW"), ("フ", "FHP"), ("バビブベボ", "BV"), ("ヴ", "V"), ("パピプペポ", "P"), ("マミムメモ", "M"),
    ("ヤ", "Y"), ("ユ", "YU"), ("ヨ", "YJ"), ("ラリルレロ", "RL"), ("ワ", "W"), ("ヲ", "WO"),
):
    for _k in _kana:
        _KANA_INITIALS[_k] = frozenset(_letters)
# English function words as Japanese transliterates them inside names ("… アンド …", "… オブ …").
_KANA_FUNCTION_WORDS = frozenset("アンド オブ ザ フォー トゥ トゥー オン イン ア".split())
# Letters an acronym may spend on a function word that the katakana leaves out (AtJ: alcohol-to-jet).
_FUNCTION_LETTERS = frozenset("AOTFI")
_KATAKANA_EXPANSION = re.compile(r"[ァ-ヺー・･]+(?:[ 　][ァ-ヺー・･]+)*$")


def _initials(word: str) -> frozenset[str]:
    """Letters the English word behind a katakana word may start with: its JMdict glosses' and
    what its first kana allows (so an unknown name still has some)."""
    from audit.lexicon.names import katakana_glosses

    letters = set(_KANA_INITIALS.get(word[0], frozenset()))
    for gloss in katakana_glosses(word):
        words = re.findall(r"[A-Za-z]+", re.sub(r"\(.*?\)", " ", gloss))
        if len(words) <= 3:  # "passing through": the name may have used either word
            letters |= {w[0].upper() for w in words if w.lower() not in ("a", "an", "the", "of", "to")}
    return frozenset(letters)


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
    return not whole or all(ch in _FUNCTION_LETTERS for i, ch in enumerate(letters) if i not in match)


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
    expansions of three or more katakana words are checked: kanji expansions follow official
    Japanese names that often do not match their English acronyms (国際通貨基金(IMF)).
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
                if re.fullmatch(r"[ァ-ヺー]+", t.surface) and t.surface not in _KANA_FUNCTION_WORDS
            ]
            # kanji or Latin glued before the katakana (日米デジタル…(JUDTP)) may hold the other letters
            before = seg.text[k.start() - 1 : k.start()] if k.start() else ""
            whole = not re.match(r"[\u4e00-\u9fff々A-Za-z0-9Ａ-Ｚａ-ｚ]", before)
            if len(words) < 3:
                continue
            initials = {w: _initials(w) for w in words}
            if _assign([initials[w] for w in words], letters, whole):
                continue
            yield Hit(
                f"「{k.group().strip('・ ')}」 cannot spell {acronym}: its words stand for "
                + " ".join(f"{w}({'/'.join(sorted(initials[w]))})" for w in words),
                target=ctx.span(seg, k.start(), m.end()),
                evidence={"acronym": acronym, "words": {w: sorted(initials[w]) for w in words}},
                suggestion=f"check what {acronym} stands for and render that (or keep {acronym} alone)",
            )
