"""One entity, one rendering: spelling variants, acronym expansions, character widths (target-only)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from os.path import commonprefix
from typing import Any

from audit.checks.base import Context, Hit, chunked, rule
from audit.checks.garbled import in_broken_word
from audit.lexicon.names import Dictionary, KatakanaModel
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
    occurrences = katakana_occurrences(ctx)
    model = KatakanaModel.shared()
    reported: set[str] = set()
    for words in variant_clusters(occurrences):
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


def katakana_occurrences(ctx: Context) -> dict[str, list[Span]]:
    """Every katakana word of three kana or more in the translation, with where it is written."""
    occurrences: dict[str, list[Span]] = defaultdict(list)
    for seg in ctx.target.segments:
        for m in KATAKANA_RUN.finditer(seg.text):
            word = m.group().strip("・")
            if len(word.replace("ー", "").replace("・", "")) < 3 or in_broken_word(ctx, seg, m.start(), m.end()):
                continue
            occurrences[word].append(ctx.span(seg, m.start(), m.start() + len(word)))
    return occurrences


def variant_clusters(words: Iterable[str]) -> list[list[str]]:
    """Groups of two or more katakana words that are spellings of one word (CON001's test: one
    key ignoring ー, ・, small kana and ヴ/ブ, or, at six kana or more, keys one kana apart that
    are not two different dictionary words)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for word in words:
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
    return [words for words in clusters.values() if len(words) >= 2]


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
    terms = _source_terms(ctx)
    jobs = []
    for term, occurrences in terms.items():
        for s_start, _, t_start, _t_end, t_text in occurrences:
            if term.lower() in t_text.lower():
                continue
            phrases = sorted(set(_noun_phrases(ctx, t_text)))
            if phrases:
                jobs.append((term, s_start, t_start, t_text, phrases))
    out: dict[str, list[TermRendering]] = defaultdict(list)
    for chunk in _embedded(ctx, jobs):
        _renderings(chunk, out)
    return out


def _embedded(ctx: Context, jobs: list[Any]) -> Iterator[list[Any]]:
    """The jobs in chunks (bounded memory), each job with its term's and its phrases' vectors appended."""
    for chunk in chunked(jobs, lambda job: 1 + len(job[4])):
        v = ctx.embed([t for term, _, _, t_text, phrases in chunk for t in (term, *(t_text[a:b] for a, b in phrases))])
        at, out = 0, []
        for job in chunk:
            out.append((*job, v[at], v[at + 1 : at + 1 + len(job[4])]))
            at += 1 + len(job[4])
        yield out


def _renderings(chunk: list[Any], out: dict[str, list[TermRendering]]) -> None:
    import numpy as np

    for term, s_start, t_start, t_text, phrases, t_vec, p_vecs in chunk:
        sims = p_vecs @ t_vec
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
