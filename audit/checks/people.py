"""People's names within one document: one person's kanji name written two ways (CON006), a
Japanese name in katakana where the document writes it in kanji (CON007), two people listed with
one sole office (CON008)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from audit.checks.base import Context, Hit, rule
from audit.checks.garbled import in_broken_word
from audit.lexicon.kana import kana_key
from audit.lexicon.names import read_alike
from audit.lexicon.script import KATAKANA_RUN
from audit.model import Severity, Span

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
