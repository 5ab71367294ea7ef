"""One entity, one rendering: spelling variants, acronym expansions, character widths (target-only)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from os.path import commonprefix

from audit.checks.base import Context, Hit, rule
from audit.checks.garbled import in_broken_word
from audit.lexicon.acronyms import FUNCTION_LETTERS, KANA_FUNCTION_WORDS, expansion_mismatch, katakana_initials
from audit.lexicon.names import Dictionary, KatakanaModel, kana_key, read_alike
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


def _different_words(model: KatakanaModel, a: str, b: str) -> bool:
    """Whether two katakana compounds one kana apart are two compounds of dictionary words that
    differ by a whole word (ツインシャトルベイ / メインシャトルベイ: ツイン and メイン are two
    words, not two spellings of one). JMdict's words only: JMnedict has a name for almost any
    short kana sequence, so it would split a misspelt name (ハリンドン) just as well."""
    if not model.available or len(a) != len(b):
        return False
    p = len(commonprefix([a, b]))
    s = len(commonprefix([a[::-1], b[::-1]]))
    lo, hi = min(p, len(a) - s), max(p, len(a) - s)

    def rest(part: str) -> bool:
        return not part or part in model.vocabulary or model.compound(part, vocabulary_only=True)

    return any(
        a[i:j] in model.vocabulary and b[i:j] in model.vocabulary and rest(a[:i]) and rest(a[j:]) and rest(b[:i]) and rest(b[j:])
        for i in range(0, lo + 1)
        for j in range(max(hi, i + 3), len(a) + 1)  # words of three kana or more: パチ, イヌ, ワズ split too much
    )


@rule("CON001", "katakana-variants", Severity.MINOR, "The same katakana word or name is spelled two ways",
      concern="katakana-variants", precedence=1)
def katakana_variants(ctx: Context) -> Iterator[Hit]:
    """Finds katakana words written in two spellings in one document (``プリンタ`` and
    ``プリンター``, ``スミッソン`` and ``スミソン``), and a surname written alone in another
    spelling than in the person's full name (``アンナ・ハリソン`` … ``ハリスン氏``).

    Variants are grouped by a key that ignores long-vowel marks, ・, small kana and ヴ/ブ, and
    also when the keys differ by one kana in words of six kana or more. The less frequent
    spelling is reported, with the dominant one as the suggestion. A name spelled two ways
    is either a careless inconsistency or, worse, two different people.

    A surname is the last part of a full name written with ・: two or three parts of two kana or
    more, the first a given name (a word JMdict lacks, or one JMnedict files as a given name:
    ジョン, not ワールド). A word written alone whose key is one kana off it, at four kana or
    more, is reported once, with the full name as evidence, when no other full name in the
    document ends in it or in another word one kana off, and it is not a JMdict word. Machine
    translation transliterates a name afresh in each sentence, so a later mention drifts
    (オラフ・ショルツ … シュルツ首相).
    """
    occurrences: dict[str, list[Span]] = defaultdict(list)
    for seg in ctx.target.segments:
        for m in KATAKANA_RUN.finditer(seg.text):
            word = m.group().strip("・")
            if len(word.replace("ー", "").replace("・", "")) < 3 or in_broken_word(ctx, seg, m.start(), m.end()):
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
    model = KatakanaModel.shared()
    for group in by_len.values():
        if len(group[0]) < 6:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _one_substitution(a, b) and not _different_words(model, by_key[a][0], by_key[b][0]):
                    parent[_find(parent, b)] = _find(parent, a)
    clusters: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        clusters[_find(parent, k)].extend(by_key[k])
    reported: set[str] = set()
    for words in clusters.values():
        if len(words) < 2:
            continue
        counts = Counter({w: len(occurrences[w]) for w in words})
        dominant, _ = counts.most_common(1)[0]
        for word in words:
            if word == dominant:
                continue
            reported.add(word)
            for span in occurrences[word]:
                yield Hit(
                    f"「{word}」 is also written 「{dominant}」 in this document",
                    target=span,
                    evidence={"variants": dict(counts)},
                    suggestion=dominant,
                )
    yield from _surname_variants(occurrences, reported, model)


# a full name begins with a given name: a word JMdict lacks, or one JMnedict files as a given name
# (ジョン, トム); ワールド・テニス・チャンピオンシップ and ドイツ・ポーランド are not people
_GIVEN_NAME_TYPES = frozenset({"given", "masc", "fem", "person", "unclass"})
SURNAME_MIN_KANA = 4  # a key of three kana is one kana off too many other names (ゲイツ, ゲイル)


def _surname_variants(occurrences: dict[str, list[Span]], reported: set[str], model: KatakanaModel) -> Iterator[Hit]:
    """CON001's second part: a surname written alone, one kana off the surname of a full name."""
    dictionary = Dictionary.shared()
    fulls: dict[str, list[str]] = defaultdict(list)  # key of a surname -> the full names ending in it
    for word in occurrences:
        parts = word.split("・")
        if 2 <= len(parts) <= 3 and all(len(p.replace("ー", "")) >= 2 for p in parts) and (
            parts[0] not in model.vocabulary or dictionary.name_types(parts[0]) & _GIVEN_NAME_TYPES
        ):
            fulls[katakana_key(parts[-1])].append(word)
    if not fulls:
        return
    for word, spans in occurrences.items():
        key = katakana_key(word)
        if "・" in word or word in reported or key in fulls or len(key) < SURNAME_MIN_KANA or word in model.vocabulary:
            continue
        near = [k for k in fulls if _one_substitution(k, key)]
        if len(near) != 1:
            continue
        full = fulls[near[0]][0]
        surname = full.split("・")[-1]
        yield Hit(
            f"「{word}」 looks like the surname of 「{full}」, written 「{surname}」 there: one person spelled two ways",
            target=spans[0],
            evidence={"surname": word, "full_name": full, "full_name_at": occurrences[full][0].start, "occurrences": len(spans)},
            suggestion=surname,
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


_WIDTH_CLASSES = (
    ("digits", re.compile(r"[０-９]+"), re.compile(r"[0-9]+")),
    ("letters", re.compile(r"[Ａ-Ｚａ-ｚ]+"), re.compile(r"[A-Za-z]+")),
)


@rule("CON003", "mixed-width", Severity.MINOR, "Full-width and half-width letters or digits mixed in one document")
def mixed_width(ctx: Context) -> Iterator[Hit]:
    """Finds full-width digits or letters (``２０２４``, ＩＰＥＦ) in a document that otherwise
    writes them half-width (or the reverse, whichever is rarer). Digits and letters are judged
    apart: a document may write every digit full-width and every Latin word half-width.

    Japanese style guides (JTF, government style) pick one width; mixing them looks careless and
    breaks search and glossary matching. One house style mixes them on purpose: single digits
    full-width and longer numbers half-width (１年に２回, 11ヶ月). When every full-width number
    of the document is a single digit and every half-width one has two or more, nothing is
    reported, and a note says why.

    One finding per document and kind, at the first full-width run, with every place in its
    evidence: one inconsistency, not one per digit (a reviewer fixes it with one replace).
    """
    for kind, full_re, half_re in _WIDTH_CLASSES:
        full: list[Span] = []
        half: list[str] = []
        for seg in ctx.target.segments:
            full += [ctx.span(seg, m.start(), m.end()) for m in full_re.finditer(seg.text)]
            half += half_re.findall(seg.text)
        if not full or not half or len(full) > len(half):
            continue
        if kind == "digits" and all(len(s.text) == 1 for s in full) and all(len(h) >= 2 for h in half):
            ctx.notes.append(
                f"single digits are full-width and longer numbers half-width throughout ({len(full)} and "
                f"{len(half)} runs): taken as the house style of this document, not reported"
            )
            continue
        first = full[0]
        shown = ", ".join(dict.fromkeys(f"「{s.text}」" for s in full[:8])) + (" …" if len(full) > 8 else "")
        yield Hit(
            f"full-width {kind} in {len(full)} place(s) ({shown}) in a document that writes {len(half)} half-width runs of {kind}",
            target=first,
            evidence={"full_width": [s.text for s in full[:20]], "places": len(full), "half_width_runs": len(half),
                      "offsets": [s.start for s in full[:20]]},
            suggestion="write every one half-width: " + ", ".join(dict.fromkeys(unicodedata.normalize("NFKC", s.text) for s in full[:8])),
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


def difference(a: str, b: str) -> tuple[str, str]:
    """The stretches of ``a`` and ``b`` between their common start and their common end."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return a[p : len(a) - s], b[p : len(b) - s]


def _variant_of(a: str, b: str) -> tuple[str, str] | None:
    """The differing middles when ``a`` and ``b`` differ in one short stretch (≤ 3 characters each)
    that shares a character ("全国"/"国立", "保管"/"保存"), with at least four characters in common."""
    da, db = difference(a, b)
    if not (1 <= len(da) <= 3 and 1 <= len(db) <= 3) or len(a) - len(da) < 4:
        return None
    if not set(da) & set(db):
        return None
    return da, db


@rule("CON004", "term-variants", Severity.MINOR, "One term or organisation written two ways in one document",
      concern="term-variants", precedence=1)
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


# CON005: names of two or more capitalised words (lower-case joiners allowed inside) in the source.
_EN_CAP = r"(?:[A-Z][a-z]+(?:[-'][A-Za-z]+)?|[A-Z]{2,}[a-z]?)"
_JOINERS = frozenset("of for and on the de du des von van".split())
_EN_TERM = re.compile(rf"\b{_EN_CAP}(?:(?:\s+(?:of|for|and|on|the|de|du|des|von|van)){{0,2}}\s+{_EN_CAP})+\b")
_TERM_PARTS = ("名詞", "接頭辞", "接尾辞")
_LATIN_NAME = re.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９ .&'・-]+")
# articles, and honorifics that Japanese renders by choice (Mr Putin: プーチン氏, プーチン大統領)
_NOT_NAME_OPENERS = frozenset("The A An Mr Mrs Ms Miss Mx Dr Sir Dame Lord Lady".split())
RENDERING_SIMILARITY_MIN = 0.55  # the closest noun phrase of the translation renders the term
RENDERING_SURE = 0.65  # renderings this close to the name are compared even when they share no character
RENDERING_EXTEND = 0.15  # ... and so does a longer phrase around it that is at most this much less close


def _source_terms(ctx: Context) -> dict[str, list[tuple[int, str, int, int, str]]]:
    """Each multiword name of the source that recurs in two or more aligned pairs: its pairs as
    (source start of the name, the name, target start, target end, target text)."""
    by_term: dict[str, list[tuple[int, str, int, int, str]]] = defaultdict(list)
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        seen = set()
        for m in _EN_TERM.finditer(s_text):
            words = m.group().split()
            start = m.start()
            # a sentence-opening word the source also writes in lower case is not part of the name
            while words and (words[0].rstrip(".") in _NOT_NAME_OPENERS or words[0].lower() in ctx.source_vocabulary):
                start += len(words[0]) + 1
                words = words[1:]
            while words and words[-1] in _JOINERS:
                words = words[:-1]
            # the whole name, and the names it joins ("Professor Kim of Seoul National University")
            pieces = [(start, words)]
            offset: int = start
            piece: list[str] = []
            for w in [*words, "of"]:
                if w in _JOINERS:
                    if piece and len(piece) < len(words):
                        pieces.append((offset, piece))
                    offset += sum(len(x) + 1 for x in piece) + len(w) + 1
                    piece = []
                else:
                    piece.append(w)
            for at, ws in pieces:
                term = " ".join(ws)
                if sum(w[0].isupper() for w in ws) < 2 or term.lower() in seen or s_text.find(term, at) != at:
                    continue
                seen.add(term.lower())
                by_term[term].append((s_start + at, term, t_start, t_end, t_text))
    return {t: occ for t, occ in by_term.items() if len(occ) >= 2}


def _noun_phrases(ctx: Context, text: str) -> list[tuple[int, int]]:
    """Every run of noun-like tokens (nouns, prefixes, suffixes, with ・ and ー inside) and its
    sub-runs of whole tokens, as (start, end) in ``text``."""
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for t in [*ctx.tokenizer.tokenize(text), None]:
        if t is not None and (t.pos[0] in _TERM_PARTS and t.pos[1] != "数詞" or t.surface in ("・", "ー")):
            run.append((t.begin, t.end))
            continue
        for i in range(len(run)):
            for j in range(i, min(len(run), i + 8)):
                if text[run[i][0]] != "・" and text[run[j][1] - 1] != "・":
                    out.append((run[i][0], run[j][1]))
        run = []
    return out


def _comparable(x: TermRendering, y: TermRendering) -> bool:
    """Whether two renderings are surely of the name, not another word the encoder found closest:
    they share characters (two, or one in a two-character form: 柴犬 / 芝犬), or both are close
    to it (a name translated once and transliterated once: 共同援助 / ジョイントエイド)."""
    shared = len(set(x.form) & set(y.form) - set("・ー"))
    return shared >= min(2, len(x.form) - 1, len(y.form) - 1) or min(x.similarity, y.similarity) >= RENDERING_SURE


def _same_rendering(x: TermRendering, y: TermRendering) -> bool:
    """Two renderings of one name that agree: one holds the other, or each holds the other's
    closest piece (プレミアリーグ of プレミアリーグチーム and of プレミアリーグ所属選手), or each is in
    the other's sentence, or they differ only in katakana spelling, or the dictionary gives both
    as forms of the name."""
    a, b = x.form, y.form
    if x.listed and y.listed:
        return True  # two forms the dictionary gives for the name: a choice of style (米国 / アメリカ)
    if a in b or b in a or a in y.sentence or b in x.sentence or (x.core in b and y.core in a):
        return True
    return katakana_key(a) == katakana_key(b) or katakana_key(x.core) == katakana_key(y.core)


@rule(
    "CON005",
    "source-term-renderings",
    Severity.MINOR,
    "One name of the source translated two ways in one document",
    needs=("source", "alignment", "embedder"),
    concern="term-variants",
)
def source_term_renderings(ctx: Context) -> Iterator[Hit]:
    """Finds a name of the source (two or more capitalised words: an organisation, a programme,
    a person) that recurs in the document and is rendered two different ways: ``Federal Aviation
    Administration`` as 連邦航空局 in one sentence and 連邦航空庁 in another. Unlike CON001
    and CON004 it needs no resemblance between the two forms on the Japanese side: the source
    says that they are one entity.

    In each pair where the name occurs, its rendering is the noun phrase of the translation
    closest to it in the aligner's cross-lingual encoder (similarity 0.55 or more). Two renderings
    are the same when one contains the other (米国防総省 / 国防総省), when each occurs in the
    other's sentence, or when they differ only in katakana spelling; names kept in Latin letters
    are left alone, and so are two forms that JMdict/JMnedict both give for the name (米国 /
    アメリカ). A form the dictionary does not list is reported against one it does, else the rarer
    rendering (the later one on a tie), with the other as the suggestion and both similarities as
    evidence. Two renderings are compared only when they share characters or are both close to the
    name (0.65 or more): otherwise the closest phrase may be another word altogether.
    """
    assert ctx.source is not None
    for term, found in term_renderings(ctx).items():
        counts = Counter(r.form for r in found)
        # report a form the dictionary does not list against one it does, else the rarer form
        # (the later one on a tie), against the best other form
        rank = {o.form: (o.listed, counts[o.form]) for o in found}
        for i, r in enumerate(found):
            others = [(j, o) for j, o in enumerate(found) if not _same_rendering(r, o) and _comparable(r, o)]
            others = [(j, o) for j, o in others if (*rank[o.form], j < i) > (*rank[r.form], False)]
            if not others:
                continue
            _, common = max(others, key=lambda jo: (*rank[jo[1].form], -jo[0]))
            yield Hit(
                f"「{term}」 is rendered 「{r.form}」 here and 「{common.form}」 elsewhere in the document",
                target=ctx.target.span(r.start, r.end),
                source=ctx.source.span(r.source_start, r.source_start + len(term)),
                evidence={"term": term, "rendering": r.form, "other_rendering": common.form, "other_at": common.start,
                          "similarity": round(r.similarity, 3), "other_similarity": round(common.similarity, 3),
                          "counts": dict(counts)},
                suggestion=common.form,
            )


@dataclass(frozen=True)
class TermRendering:
    """Where a translation renders one occurrence of a source name: the phrase (``form``), its
    piece closest to the name (``core``), their offsets in the target document, the sentence."""

    form: str
    core: str
    similarity: float
    start: int
    end: int
    sentence: str
    source_start: int
    listed: bool = False  # JMdict/JMnedict gives the name as a gloss of this very form (米国, アメリカ)


def term_renderings(ctx: Context) -> dict[str, list[TermRendering]]:
    """For each multiword name recurring in the source, its rendering in each pair that has one
    (the closest noun phrase, see CON005); names kept in Latin letters are left out."""
    import numpy as np

    from audit.lexicon.names import Dictionary

    terms = _source_terms(ctx)
    jobs = []
    texts: list[str] = []
    for term, occurrences in terms.items():
        for s_start, _, t_start, _t_end, t_text in occurrences:
            if term.lower() in t_text.lower():
                continue
            phrases = sorted(set(_noun_phrases(ctx, t_text)))
            if phrases:
                jobs.append((term, s_start, t_start, t_text, phrases, len(texts)))
                texts += [term] + [t_text[a:b] for a, b in phrases]
    out: dict[str, list[TermRendering]] = defaultdict(list)
    if not jobs:
        return out
    v = ctx.embed(texts)
    for term, s_start, t_start, t_text, phrases, first in jobs:
        sims = v[first + 1 : first + 1 + len(phrases)] @ v[first]
        k = int(np.argmax(sims))
        if sims[k] < RENDERING_SIMILARITY_MIN:
            continue
        # the closest phrase may be a piece of the name (航空局 of 連邦航空局): take the longest
        # phrase around it that is nearly as close
        floor = max(RENDERING_SIMILARITY_MIN, sims[k] - RENDERING_EXTEND)
        j = max(
            (j for j, (a, b) in enumerate(phrases) if a <= phrases[k][0] and phrases[k][1] <= b and sims[j] >= floor),
            key=lambda j: phrases[j][1] - phrases[j][0],
        )
        (a, b), core = phrases[j], t_text[phrases[k][0] : phrases[k][1]]
        if _LATIN_NAME.fullmatch(t_text[a:b]):
            continue  # kept in Latin letters (SamcoSport)
        form = t_text[a:b]
        listed = any(term.lower() in re.sub(r"[()]", "", g).lower() for g in Dictionary.shared().word_glosses(form))
        out[term].append(TermRendering(form, core, float(sims[j]), t_start + a, t_start + b, t_text, s_start, listed))
    return out


# CON006: titles that follow one person's name (an office, not a courtesy like 氏 or さん)
_PERSON_TITLES = (
    "大統領", "副大統領", "首相", "副首相", "総理", "国家主席", "主席", "総統", "国王", "首長", "長官", "国務長官",
    "大臣", "外務大臣", "外相", "国防相", "財務相", "知事", "市長", "議長", "委員長", "総裁", "事務総長", "大使",
    "上院議員", "下院議員", "党首", "司令官", "報道官", "容疑者", "被告",
)
_TITLED = re.compile(
    r"(?<![\u4e00-\u9fff々])([\u4e00-\u9fff々]{1,4}?)(前|元|現|故)?("
    + "|".join(sorted(_PERSON_TITLES, key=len, reverse=True)) + ")"
)
# courtesy titles: they follow anyone's name, so CON006 leaves them out; NAM004 takes them too
_COURTESY_TITLED = re.compile(r"(?<![\u4e00-\u9fff々])([\u4e00-\u9fff々]{3,4}?)()(氏|夫人)(?![\u4e00-\u9fff々])")
# kanji before a title that name a country, a body or a role, not a person (米大統領, 同首相)
_NOT_PERSONS = frozenset("米 英 仏 独 中 韓 露 日 印 豪 伊 加 朝 台 同 各 両 歴代 副 前 元 現 新 故 次期 初代 臨時 代理 当時 州 市 県 党 省 国連".split())


@dataclass(frozen=True)
class Titled:
    name: str
    title: str
    span: Span


def titled_names(ctx: Context, *, words: bool = False) -> list[Titled]:
    """Kanji names right before an office title (文在寅大統領, 岸田首相), as the tokenizer sees
    them: no place name, no common word of two kanji or more unless a person's name is there too
    (with ``words``, common words too, as a misspelt name may be read as one, 習金|平, and full
    names before 氏 or 夫人)."""
    out = []
    for seg in ctx.target.segments:
        found = list(_TITLED.finditer(seg.text))
        if words:
            found += _COURTESY_TITLED.finditer(seg.text)
        for m in found:
            name, prefix, title = m.groups()
            if name in _NOT_PERSONS:
                continue
            toks = ctx.tokenizer.tokenize(name)
            if any(t.pos[0] not in ("名詞", "接頭辞", "接尾辞") or t.pos[2] == "地名" for t in toks):
                continue
            if not words and any(t.pos[1] == "普通名詞" and len(t.surface) >= 2 for t in toks) and not any(t.pos[2] == "人名" for t in toks):
                continue
            out.append(Titled(name, (prefix or "") + title, ctx.span(seg, m.start(1), m.end(3))))
    return out


@rule("CON006", "person-name-variants", Severity.MAJOR, "One person's kanji name written two ways in one document")
def person_name_variants(ctx: Context) -> Iterator[Hit]:
    """Finds one person whose kanji name is written two ways in a document, told by the office
    title that follows it (大統領, 首相, 長官, 知事…): a short form (a surname, 文大統領) that no
    name in the document begins with, while the only full name with that title (聞在寅大統領) begins
    with other characters that read alike (聞/文: ブン), or two full names with one title that
    differ in one character read alike (山本太郎/山本太朗). Machine translation writes East Asian names
    by sound and often picks a homophone; the same name written correctly elsewhere gives it away.

    The title must be the same (首相 and 元首相 are two people); courtesy titles (氏, さん) are not
    used, as they follow many names. Readings are KANJIDIC2's (jamdict-data): two characters read
    alike when an on or kun reading of each is the same or one kana apart, and a Mandarin reading
    of each too (toneless pinyin, one letter apart at most). With the Japanese readings alone, two
    different people's one-kanji surnames read alike 35% of the time (JMnedict persons in
    template documents, ``benchmarks/names_eval.py``); with both, 4%. The full name is reported,
    with the short form and the readings as evidence: either of them may be the wrong one, the
    document cannot say which. Needs jamdict-data (in the default install); without it nothing
    is reported.
    """
    refs = titled_names(ctx)
    names = {r.name for r in refs}
    by_title: dict[str, list[Titled]] = defaultdict(list)
    for r in refs:
        by_title[r.title].append(r)
    for title, group in by_title.items():
        fulls = list(dict.fromkeys(r.name for r in group if len(r.name) >= 3))
        # a full name some short form is the start of is explained, and so is a short form some name starts with
        lone = [f for f in fulls if not any(f.startswith(n) and f != n for n in names)]
        shorts = [n for n in dict.fromkeys(r.name for r in group if len(r.name) <= 2)
                  if not any(m.startswith(n) and m != n for m in names)]
        pairs = [(f, s) for s in shorts for f in lone] if len(lone) == 1 else []
        pairs += [(f, g) for i, f in enumerate(fulls) for g in fulls[i + 1 :]]
        for full, other in pairs:
            alike = read_alike(full[: len(other)], other)  # a surname against the full name's start
            if alike is None:
                continue
            where = next(r.span for r in group if r.name == full)
            other_at = next(r.span for r in group if r.name == other)
            yield Hit(
                f"「{full}{title}」 and 「{other}{title}」 look like one person written two ways "
                f"({full[: len(other)]} / {other}, read alike: {alike[0]} / {alike[1]}); check the name's official form",
                target=where,
                evidence={"name": full, "other_name": other, "title": title, "other_at": other_at.start,
                          "readings": list(alike)},
                suggestion=f"write the name the same way in both places ({other}{title} or {full}{title})",
            )


# 日本 in katakana (ニッポン, ニホン) is a house style of team and brand names (龍神ニッポン), not a slip.
_KATAKANA_STYLE_NAMES = frozenset({"日本"})
_PLACE_SUFFIXES = frozenset("都道府県市区町村州")


@rule("CON007", "katakana-kanji-name", Severity.MINOR, "A Japanese name written in katakana where the document writes it in kanji")
def katakana_for_kanji_name(ctx: Context) -> Iterator[Hit]:
    """Finds a katakana word that is the reading of a kanji name the same document writes in
    kanji: ``オオサカ万博`` beside ``大阪府``. Translating from English, machine translation
    often fails to recognise a Japanese name in romaji (Osaka, Kishida) and transliterates it
    back into katakana, so one place or person appears in two scripts, the katakana one reading as
    foreign.

    Kanji names are Sudachi's proper nouns of two kanji or more; readings are compared with
    long vowels and small kana ignored (トーキョー and 東京's トウキョウ meet), and must be three
    kana or longer. 日本 as ニッポン or ニホン is a house style of team and brand names and is
    left alone.
    """
    names: dict[str, tuple[str, Span]] = {}
    for seg in ctx.target.segments:
        for tok in ctx.tokenizer.tokenize(seg.text):
            if tok.is_proper and len(tok.surface) >= 2 and re.fullmatch(r"[\u4e00-\u9fff々]+", tok.surface) and tok.surface not in _KATAKANA_STYLE_NAMES:
                forms = [(tok.surface, tok.reading)]
                if len(tok.surface) >= 3 and tok.surface[-1] in _PLACE_SUFFIXES:  # 大阪府: オオサカ is 大阪's
                    head = ctx.tokenizer.tokenize(tok.surface[:-1])
                    if len(head) == 1:
                        forms.append((head[0].surface, head[0].reading))
                for surface, reading in forms:
                    key = kana_key(reading)
                    if len(key) >= 3:
                        names.setdefault(key, (surface, ctx.span(seg, tok.begin, tok.begin + len(surface))))
    if not names:
        return
    for seg in ctx.target.segments:
        for m in KATAKANA_RUN.finditer(seg.text):
            at = m.start()
            for word in m.group().split("・"):
                start, at = at, at + len(word) + 1
                found = names.get(kana_key(word)) if word else None
                if found is None or in_broken_word(ctx, seg, start, start + len(word)):
                    continue
                kanji, where = found
                yield Hit(
                    f"「{word}」 is the reading of 「{kanji}」, which this document writes in kanji: a Japanese name transliterated back from English",
                    target=ctx.span(seg, start, start + len(word)),
                    evidence={"kanji": kanji, "kanji_at": where.start},
                    suggestion=kanji,
                )


# CON008: offices one person holds at a time in a government: the prime minister's and the
# ministers' (外相, 防衛相, 経済産業大臣 …); 元, 前 and 故 make a former holder, of whom there are many.
_SOLE_OFFICE = re.compile(r"(?:内閣総理大臣|総理大臣|首相|総理|副総理|官房長官|(?![元前故])[\u4e00-\u9fff]{1,6}(?:相|大臣))")
_OFFICE_LIST = re.compile(r"([\u4e00-\u9fff々]{4,12})(?=(、|，|と|および|及び|や|並びに)([\u4e00-\u9fff々]{4,12})(?![\u4e00-\u9fff々]))")
_AT_THE_TIME = re.compile(r"\s*[（(]当時")


def _office_holder(ctx: Context, run: str) -> tuple[str, str] | None:
    """A kanji run read as a Japanese full name and a sole office (山田太郎外相 → 山田太郎, 外相):
    the tokenizer's surname of two kanji or more, its given name, then the office."""
    toks = ctx.tokenizer.tokenize(run)
    if len(toks) < 3 or toks[0].pos[1:4] != ("固有名詞", "人名", "姓") or len(toks[0].surface) < 2:
        return None
    if toks[1].pos[1:4] != ("固有名詞", "人名", "名"):
        return None
    title = run[toks[2].begin :]
    return (run[: toks[2].begin], title) if _SOLE_OFFICE.fullmatch(title) else None


@rule("CON008", "one-office-two-people", Severity.MAJOR, "Two people listed side by side with an office that one person holds")
def one_office_two_people(ctx: Context) -> Iterator[Hit]:
    """Finds two Japanese people listed side by side with the same office that only one person
    holds at a time: ``山田太郎外相、佐藤花子外相`` (a country has one foreign minister). Machine
    translation copies the title of one item of a list onto the next, so that one of the two is
    given the other's office.

    The office is the prime minister's or a minister's (首相, 官房長官, 外相, 防衛相, 経済産業大臣…),
    without 元, 前 or 故 (there are many former holders) and without (当時) after it; both names
    must read as Japanese full names, a surname of two kanji or more then a given name (Sudachi's
    reading), since foreign ministers of two countries often meet in one sentence (王毅外相と林芳正外相),
    and Chinese and Korean names mostly have one-kanji surnames. The items must be adjacent: joined by 、, と, および,
    や or 並びに. Needs jamdict-data (in the default install).
    """
    for seg in ctx.target.segments:
        for m in _OFFICE_LIST.finditer(seg.text):
            first, second = _office_holder(ctx, m.group(1)), _office_holder(ctx, m.group(3))
            if first is None or second is None or first[1] != second[1] or first[0] == second[0]:
                continue
            end = m.end(1) + len(m.group(2)) + len(m.group(3))
            if _AT_THE_TIME.match(seg.text, m.end(1)) or _AT_THE_TIME.match(seg.text, end):
                continue
            title = first[1]
            yield Hit(
                f"「{first[0]}{title}」 and 「{second[0]}{title}」: two people given the one office {title}; one of them holds another",
                target=ctx.span(seg, m.start(1), end),
                evidence={"office": title, "names": [first[0], second[0]]},
                suggestion="check which office each holds; the title of one was probably copied onto the other",
            )
