"""Names checked against official labels from Wikidata (``--knowledge INDEX``): KNW001, KNW002.

Both need a knowledge index (``audit knowledge build DUMP -o INDEX``, :mod:`audit.knowledge`);
without one they do not run, and the report says what would enable them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from audit.checks.base import Context, Hit, rule
from audit.knowledge.index import Item, en_key, ja_key, one_edit
from audit.lexicon.script import KATAKANA_RUN
from audit.model import Severity

_CONNECTORS = r"(?:of|and|for|the|de|du|des|von|van|der|den|la|le|del|da|di|on|in|&)"
_WORD = r"[A-Z][\w'’.&\-]*"
_PHRASE = re.compile(rf"\b{_WORD}(?:\s+(?:{_CONNECTORS}\s+)*{_WORD})+")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff\u3005]{4,}")
OFFICIAL = frozenset({"government body", "organisation", "company"})  # kinds whose official name is the rendering
# single-kana substitutions that are transliteration choices, not errors (ヴ/ブ, small and full vowels…)
_VARIANTS = {frozenset(p) for p in ("ヴブ", "ヂジ", "ヅズ", "ァア", "ィイ", "ゥウ", "ェエ", "ォオ", "ヵカ", "ヶケ", "ヰイ", "ヱエ", "ヲオ")}


def _normalised(text: str) -> tuple[str, list[int]]:
    """``ja_key`` of ``text`` and, for each of its characters, the offset it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in ja_key(ch):
            chars.append(c)
            where.append(i)
    return "".join(chars), where


def _near_in(form: str, text: str) -> tuple[int, int] | None:
    """Where ``text`` (normalised) holds a stretch one character from ``form`` (and not ``form``)."""
    n = len(form)
    for size in (n, n - 1, n + 1):
        if size < 3:
            continue
        for i in range(0, len(text) - size + 1):
            piece = text[i : i + size]
            if piece[0] not in form[:2] and piece[-1] not in form[-2:]:
                continue  # cheap filter: one edit leaves an end in place
            if one_edit(piece, form):
                return i, i + size
    return None


def _variant_only(a: str, b: str) -> bool:
    """Whether two one-edit-apart names differ only in a long-vowel mark, a middle dot or a
    transliteration choice (ヴ/ブ, ィ/イ…): spellings a translator may choose."""
    if len(a) != len(b):
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        extra = next((longer[i] for i in range(len(shorter)) if longer[i] != shorter[i]), longer[-1])
        return extra in "ー・"
    pair = frozenset(x for x, y in zip(a, b, strict=True) if x != y) | frozenset(y for x, y in zip(a, b, strict=True) if x != y)
    return pair in _VARIANTS or "ー" in pair


def _english_names(text: str) -> list[tuple[int, int, str]]:
    """Capitalised phrases of two words or more, and every stretch of them that starts and ends
    with a capitalised word (the longest known one wins)."""
    out = []
    for m in _PHRASE.finditer(text):
        words = list(re.finditer(r"\S+", m.group()))
        for i in range(len(words)):
            if not words[i].group()[0].isupper():
                continue
            for j in range(len(words), i + 1, -1):
                if words[j - 1].group()[0].isupper():
                    s, e = m.start() + words[i].start(), m.start() + words[j - 1].end()
                    out.append((s, e, text[s:e].rstrip(".,")))
    return out


@rule("KNW001", "official-name-not-used", Severity.MAJOR,
      "A name the source writes is rendered one character from its official Japanese form, or (an organisation) not in it",
      needs=("source", "alignment", "knowledge"))  # fmt: skip
def official_name_not_used(ctx: Context) -> Iterator[Hit]:
    """Finds a name in the source that the knowledge index knows (an English label or alias of a
    Wikidata item: a person, organisation, government body, company, place, programme, event,
    work or product) whose Japanese forms (label and aliases) the aligned translation does not
    use:

    - when the translation writes something one character or one kana from one of them
      (食品医薬品庁 where the official name is 食品医薬品局; ジョー・バイテン), that stretch is
      reported (major) with the official form as the suggestion;
    - when nothing near it is written and the item is an organisation, a government body or a
      company, the pair is reported (minor) with the official form: the name was rendered some
      other way, or left out.

    Names are capitalised phrases of two words or more (``Food and Drug Administration``, ``Joe
    Biden``); single words are too often ordinary ones. A form counts as used when it, or (a
    name written with ``・``) any part of it of two characters or more (a surname alone), is in
    the translation, ignoring spaces, middle dots and width. Spelling choices a translator makes
    (ー, ・, ヴ/ブ, small or full vowels) are not errors. Needs ``--knowledge INDEX``.
    """
    kb = ctx.knowledge
    assert ctx.source is not None
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        names = _english_names(s_text)
        known = kb.english_known(n for _, _, n in names)
        taken: list[tuple[int, int]] = []
        flat, where = _normalised(t_text)
        for s, e, name in sorted(names, key=lambda x: (x[0] - x[1], x[0])):
            if en_key(name) not in known or any(s < b and a < e for a, b in taken):
                continue
            taken.append((s, e))
            items = kb.by_english(name)
            if not items or any(_used(item, flat) for item in items):
                continue
            hit = _near_hit(items, flat)
            source = ctx.source.span(s_start + s, s_start + e)
            if hit is not None:
                item, (a, b) = hit
                written = t_text[where[a] : where[b - 1] + 1]
                yield Hit(
                    f"'{name}' is {item.ja} in Wikidata ({item.qid}); the translation writes {written}, one character off",
                    target=ctx.target.span(t_start + where[a], t_start + where[b - 1] + 1),
                    source=source,
                    evidence=_evidence(item, name, written),
                    suggestion=item.ja,
                )
            elif items[0].kind in OFFICIAL and len(items) == 1:
                item = items[0]
                yield Hit(
                    f"'{name}' is officially {item.ja} in Japanese (Wikidata {item.qid}); the translation does not use it",
                    target=ctx.target.span(t_start, t_end),
                    source=source,
                    evidence=_evidence(item, name, None),
                    suggestion=item.ja,
                    severity=Severity.MINOR,
                )
    if getattr(kb, "problem", None):
        ctx.notes.append(kb.problem)


def _used(item: Item, flat: str) -> bool:
    for form in item.ja_forms:
        if ja_key(form) and ja_key(form) in flat:
            return True
        parts = [p for p in re.split(r"[・=＝\s]", unicodedata.normalize("NFKC", form)) if len(p) >= 2]
        if len(parts) > 1 and any(p in flat for p in parts):
            return True
    return False


def _near_hit(items: list[Item], flat: str) -> tuple[Item, tuple[int, int]] | None:
    for item in items:
        for form in item.ja_forms:
            key = ja_key(form)
            if len(key) < 3:
                continue
            at = _near_in(key, flat)
            if at is not None and not _variant_only(flat[at[0] : at[1]], key):
                return item, at
    return None


def _evidence(item: Item, english: str | None, written: str | None) -> dict[str, object]:
    return {
        "wikidata": item.qid, "kind": item.kind, "label_en": item.en, "label_ja": item.ja,
        "forms_ja": list(item.ja_forms), "source_name": english, "written": written,
    }  # fmt: skip


@rule("KNW002", "near-known-label", Severity.MINOR,
      "A name one character or one kana from an official Japanese label, and not itself a known one",
      needs=("knowledge",))  # fmt: skip
def near_known_label(ctx: Context) -> Iterator[Hit]:
    """Finds, in the translation alone, a katakana name (four characters or more) or a run of
    four kanji or more that is not a Japanese form of any item in the knowledge index but is one
    character or one kana from an item's Japanese label: ジョー・バイテン for ジョー・バイデン,
    国際通過基金 for 国際通貨基金.

    Not reported: spelling choices (ー, ・, ヴ/ブ, small or full vowels); a katakana word the
    Japanese dictionary knows as one common word; a kanji run whose last character differs (経済
    産業相, the minister, beside 経済産業省, the ministry: both are words), which only KNW001 judges,
    with the source. Major when the document also writes the label itself (one name spelt two
    ways, one of them official) or the source names the item in English; minor otherwise.
    Needs ``--knowledge INDEX``.
    """
    kb = ctx.knowledge
    if not getattr(kb, "supports_near", False):
        ctx.notes.append("the Wikidata API has no look-up by nearness: build an index from a dump for this check")
        return
    text = ctx.target.text
    source = en_key(ctx.source.text) if ctx.source is not None else None
    flat_doc = ja_key(text)
    seen: dict[str, tuple[Item, str] | None] = {}
    for m in list(KATAKANA_RUN.finditer(text)) + list(_KANJI_RUN.finditer(text)):
        word = m.group()
        key = ja_key(word)
        if len(key) < 4:
            continue
        if word not in seen:
            seen[word] = _near_label(ctx, kb, word, key)
        found = seen[word]
        if found is None:
            continue
        item, label = found
        elsewhere = label in flat_doc
        named = source is not None and en_key(item.en) in source
        yield Hit(
            f"{word} is one character from {item.ja} ({item.en}, Wikidata {item.qid})"
            + ("; the document also writes the label" if elsewhere else "")
            + ("; the source names it" if named else ""),
            target=ctx.target.span(m.start(), m.end()),
            evidence={**_evidence(item, None, word), "label_elsewhere": elsewhere, "source_names_it": named},
            suggestion=item.ja,
            severity=Severity.MAJOR if elsewhere or named else Severity.MINOR,
        )


def _near_label(ctx: Context, kb: Any, word: str, key: str) -> tuple[Item, str] | None:
    if kb.is_japanese_form(word):
        return None
    katakana = KATAKANA_RUN.fullmatch(word) is not None
    if katakana:
        tokens = ctx.tokenizer.tokenize(word)
        if len(tokens) == 1 and not tokens[0].oov and not tokens[0].is_proper:
            return None  # a common word the dictionary knows
    for item in kb.near_labels(word):
        label = ja_key(item.ja)
        if _variant_only(key, label):
            continue
        if not katakana and (len(label) != len(key) or label[-1] != key[-1]):
            continue  # kanji: a character changed inside the name, not at its end
        return item, label
    return None
