"""Who and what is named: an organisation rendered as another one (NAM003), a person one
read-alike character from a known one (NAM004), an office changed (NAM006), a pronoun of the
other gender (NAM007)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.people import titled_names
from audit.lexicon.names import (
    Dictionary,
    Person,
    PersonIndex,
    read_alike,
)
from audit.model import Severity


@rule("NAM003", "different-entity", Severity.CRITICAL,
      "An organisation or company of the source is rendered as another one the dictionary knows",
      needs=("source", "alignment"))
def different_entity(ctx: Context) -> Iterator[Hit]:
    """Finds an organisation, company, product or work named in the English source whose
    Japanese form (JMnedict) is absent from the translation, while the translation has the form
    of *another* entity with the same first English word and the same first two characters:
    "Mitsubishi Corporation" (三菱商事) rendered 三菱重工業, which is Mitsubishi Heavy Industries.
    A name turned into a different existing name reads as correct and misleads the reader, so
    it is critical, worse than a misspelling (NAM001).

    Not reported when the source also names that other entity in the same sentence, or when the
    translation keeps the English name in Latin letters. Entities JMnedict does not list (it
    knows about 6,000 of two or more words) cannot be checked.

    Example: source "Shares of Mitsubishi Corporation rose." translated
    「三菱重工業の株価が上昇した。」: expected 三菱商事.
    """

    from audit.lexicon.names import EntityIndex

    assert ctx.source is not None
    index = EntityIndex.shared()
    if not index.forms:
        return
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        words = list(re.finditer(r"[A-Za-z0-9&]+", s_text))
        lower = [w.group().lower() for w in words]
        named: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            step = 1
            for n in range(min(index.longest, len(words) - i), 1, -1) if index.is_head(lower[i]) else ():
                a, b = words[i].start(), words[i + n - 1].end()
                key = " ".join(lower[i : i + n])
                if key in index.forms:
                    named.append((a, b, key))
                    step = n
                    break
            i += step
        if not named:
            continue
        in_source = {k for *_, k in named}
        t_norm = unicodedata.normalize("NFKC", t_text)
        for a, b, key in named:
            own = index.forms[key]
            if any(f in t_norm for f in own) or s_text[a:b].lower() in t_norm.lower():
                continue
            for other in index.siblings(key):
                if other in in_source:
                    continue
                written = [f for f in index.forms[other] if f in t_norm and f not in own and any(f[:2] == g[:2] for g in own)]
                if not written:
                    continue
                form = max(written, key=len)
                lo = t_norm.find(form)
                yield Hit(
                    f"'{s_text[a:b]}' is rendered {form}, which the name dictionary gives for '{index.display.get(other, other)}': "
                    f"a different organisation (expected {' or '.join(sorted(own)[:3])})",
                    target=ctx.target.span(t_start + lo, t_start + lo + len(form)) if len(t_norm) == len(t_text) else ctx.target.span(t_start, t_end),
                    source=ctx.source.span(s_start + a, s_start + b),
                    evidence={"name": s_text[a:b], "expected_forms": sorted(own)[:5], "found": form, "found_is": index.display.get(other, other)},
                    suggestion=sorted(own, key=len)[0],
                )
                break


# Offices a person holds, as English names them and as Japanese renders them. A translation that
# names another office of this list for a person, while the source's office is nowhere in it,
# has changed who the person is (Foreign Trade Minister → 外相, the foreign minister).
_OFFICES: dict[str, tuple[str, str]] = {
    "prime minister": (r"prime minister|premier", "首相|総理|宰相"),
    "president": (r"(?<!vice )(?<!vice-)president(?! of )", "(?<!副)大統領"),
    "vice president": (r"vice[- ]president", "副大統領"),
    "foreign minister": (r"foreign (?:minister|secretary)|minister (?:of|for) foreign affairs", "外相|外務大臣|外務相"),
    "defence minister": (r"defen[cs]e (?:minister|secretary)|(?:minister|secretary) of defen[cs]e", "国防相|防衛相|防衛大臣|国防長官|国防大臣"),
    "secretary of state": (r"secretary of state|state secretary", "国務長官"),
    "finance minister": (r"finance minister|chancellor of the exchequer|treasury secretary|secretary of the treasury|minister of finance",
                         "財務相|財務大臣|財務長官|蔵相"),
    "trade minister": (r"trade minister|commerce secretary|secretary of commerce|minister (?:of|for) (?:economy, )?(?:foreign )?trade",
                       "商務長官|経産相|経済産業相|経済産業大臣|通商相|貿易相|貿易担当相|通商担当相"),
    "interior minister": (r"home secretary|interior minister|minister of (?:the )?interior", "内相|内務大臣|内務相"),
    "mayor": (r"\bmayor\b", "市長"),
    "senator": (r"\bsenator\b", "上院議員"),
    "ambassador": (r"\bambassador\b", "大使"),
}


_OFFICE_EN = {k: re.compile(en, re.IGNORECASE) for k, (en, _) in _OFFICES.items()}


_OFFICE_JA = {k: re.compile(ja) for k, (_, ja) in _OFFICES.items()}


def _office_forms(office: str) -> list[str]:
    """The Japanese renderings of an office, as written (without the pattern's lookbehinds)."""
    return [re.sub(r"\(\?<!.+?\)", "", f) for f in _OFFICES[office][1].split("|")]


@rule("NAM006", "office-changed", Severity.MAJOR, "A person's office rendered as another office",
      needs=("source", "alignment"))
def office_changed(ctx: Context) -> Iterator[Hit]:
    """Finds an office of the source (prime minister, president, foreign minister, secretary of
    state, trade minister, mayor…) that the translation renders as another office: "the country's
    Foreign Trade Minister" as 「外相」 (the foreign minister), "Secretary of State" as
    「国防長官」. The person is then someone else to the reader.

    Twelve offices, each with its English names and its Japanese renderings (首相, 総理 and 宰相 for
    a prime minister; 外相, 外務大臣 for a foreign minister). Reported only when the source names an
    office that the translation does not render, and the translation names one that the source
    does not: a sentence naming several officials, an office left implicit, or one added for
    clarity (ショルツ首相 for "Chancellor Scholz") is not reported.

    Example: source "… the country's Foreign Trade Minister has announced.", translated
    「…同国の外相が発表した。」: expected 貿易相 or 貿易担当相.
    """
    assert ctx.source is not None
    for s_start, s_text, t_start, _, t_text in ctx.pair_texts():
        named = {k: m for k, r in _OFFICE_EN.items() if (m := r.search(s_text))}
        if not named:
            continue
        rendered = {k: m for k, r in _OFFICE_JA.items() if (m := r.search(t_text))}
        missing = [k for k in named if k not in rendered]
        extra = [k for k in rendered if k not in named]
        if not missing or not extra:
            continue
        office, other = missing[0], extra[0]
        m, t = named[office], rendered[other]
        yield Hit(
            f"'{m.group()}' is rendered {t.group()} ({other}): another office",
            target=ctx.target.span(t_start + t.start(), t_start + t.end()),
            source=ctx.source.span(s_start + m.start(), s_start + m.end()),
            evidence={"source_office": office, "target_office": other, "expected": _office_forms(office)[:3]},
            suggestion=" or ".join(_office_forms(office)[:2]),
        )


_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)


_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)


_KARE = re.compile(r"彼(?!女|ら|等)")  # he (not she, not they)


_KANOJO = re.compile(r"彼女(?!ら|たち|達)")


@rule("NAM007", "pronoun-gender-changed", Severity.MAJOR, "A woman referred to as 彼 (he), or a man as 彼女 (she)",
      needs=("source", "alignment"))
def pronoun_gender_changed(ctx: Context) -> Iterator[Hit]:
    """Finds 彼 ("he") in a translation whose source speaks of a woman only (she, her, herself,
    and no he, him, his), and 彼女 ("she") where the source speaks of a man only. Machine
    translation often defaults to 彼 for a person mentioned earlier, turning a woman into a man.
    Sentences that mention both a man and a woman, or use both words, are left alone.

    Example: source "… Carla Reyes, who keeps a second tree at her home.", translated
    「…カーラ・レジェスがいる。彼は自宅に…」: expected 彼女.
    """
    assert ctx.source is not None
    for s_start, s_text, t_start, _, t_text in ctx.pair_texts():
        she, he = _SHE.search(s_text), _HE.search(s_text)
        kare, kanojo = _KARE.search(t_text), _KANOJO.search(t_text)
        if she and not he and kare and not kanojo:
            found, word, expected = kare, she, "彼女"
        elif he and not she and kanojo and not kare:
            found, word, expected = kanojo, he, "彼"
        else:
            continue
        yield Hit(
            f"「{found.group()}」 for a {'woman' if expected == '彼女' else 'man'}: the source says '{word.group()}'",
            target=ctx.target.span(t_start + found.start(), t_start + found.end()),
            source=ctx.source.span(s_start + word.start(), s_start + word.end()),
            evidence={"source_pronoun": word.group(), "target_pronoun": found.group()},
            suggestion=expected,
        )


@rule("NAM004", "near-known-person", Severity.MAJOR,
      "A titled kanji name one character away from a known person's, read alike")
def near_known_person(ctx: Context) -> Iterator[Hit]:
    """Finds a person's kanji name, told by the office title after it (大統領, 首相, 長官…) or by
    氏 or 夫人 after a name of three or four kanji, that no dictionary lists but that differs in
    one character from a known person's name, with the two characters read alike: 習金平国家主席
    for 習近平 (金/近: キン; jin). Machine translation writes East Asian names by sound and picks
    a homophone; a reader cannot tell.

    Known people are JMnedict's persons of three or four kanji (``PersonIndex``: about 19,600)
    named in a foreign romanisation or read in katakana, or with years of life from 1800 on or an
    office. Two characters read alike when an on or kun reading and a Mandarin reading of each are
    the same or one letter apart (as CON006); variant forms of one character (濤/涛) do not count.
    Not reported: a name JMdict or JMnedict lists (it is someone, or a word); a name that splits
    into a known surname and a known given name (山田正己: most Japanese names do, and anyone may
    bear one), unless the known person is foreign; a known name the document also writes (CON006
    compares the two). In ``benchmarks/names_eval.py``, 0.13% of JMnedict's persons each taken
    as unknown are reported (2 of 1,577), and a known name with one character changed to a common
    kanji read alike is found 83% of the time for foreign names, 67% for others (the rest split
    into a surname and a given name). With the source, the evidence says whether it names the
    known person in English. Needs jamdict-data (in the default install).
    """
    dictionary = Dictionary.shared()
    if not dictionary.available:
        return
    text = ctx.target.text
    source = ctx.source.text.lower() if ctx.source is not None else None
    people = PersonIndex.shared()
    seen: set[str] = set()
    for ref in titled_names(ctx, words=True):
        name = ref.name
        if not 3 <= len(name) <= 4 or name in seen:
            continue
        seen.add(name)
        if dictionary.word_glosses(name):
            continue
        near = near_known_person_of(name, people, dictionary)
        if near is None or near[0].name in text:
            continue
        known, alike = near
        gloss = known.gloss
        english = re.sub(r"\s*\(.*?\)", "", gloss).split(",")[0].strip()
        named = source is not None and english.lower() in source
        yield Hit(
            f"「{name}{ref.title}」: {name} is one character from {known.name} ({english}), read alike "
            f"({alike[0]} / {alike[1]}); check the name"
            + (f" — the source names {english}" if named else ""),
            target=ref.span,
            evidence={"name": name, "title": ref.title, "known_person": known.name, "dictionary": gloss,
                      "readings": list(alike), **({"source_names_known": named} if source is not None else {})},
            suggestion=f"{known.name}{ref.title}, if this is {english}",
        )


def near_known_person_of(name: str, people: PersonIndex, dictionary: Dictionary) -> tuple[Person, tuple[str, str]] | None:
    """The known person (``PersonIndex``) whose name differs from ``name`` in one character read
    alike, with the two readings, or None; a name that splits into a known surname and a given
    name is compared with foreign names only, and variant forms of a character do not count."""
    ordinary = people.splits(name)
    for known in people.near(name):
        if (ordinary and not known.foreign) or _variant_forms(name, known.name, dictionary):
            continue
        alike = read_alike(name, known.name)
        if alike is not None:
            return known, alike
    return None


def _variant_forms(a: str, b: str, dictionary: Dictionary) -> bool:
    """Whether two names differ only in variant forms of one character (濤/涛, 邊/辺): the
    characters KANJIDIC2 gives the same Japanese and Mandarin readings."""
    return all(
        x == y or (dictionary.kanji_readings(x) == dictionary.kanji_readings(y) and dictionary.kanji_pinyin(x) == dictionary.kanji_pinyin(y))
        for x, y in zip(a, b)
    )
