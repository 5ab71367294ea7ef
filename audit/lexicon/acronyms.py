"""Which letters of an acronym the words of a Japanese expansion may stand for (ACR002, ACR004).

A word stands for the first letters of the English words its JMdict glosses are made of
(産業: industry → I); a katakana word also for any letter its first kana can begin (フ: F, H or
P), so an unknown name is never without letters; a country abbreviation for its country (米: U
or A). Japanese official names are translated by meaning, not word by word, so a kanji word
may also stand for what it means inside JMdict's set phrases (通貨 is "currency", but
"monetary" in 国際通貨基金, International Monetary Fund): :func:`compound_letters`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.lexicon.names import Dictionary, katakana_glosses

# First letters an English word may have, by the first kana of its katakana rendering.
_KANA_INITIALS: dict[str, frozenset[str]] = {}
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
KANA_FUNCTION_WORDS = frozenset("アンド オブ ザ フォー トゥ トゥー オン イン ア".split())
# Letters an acronym may spend on a function word that the Japanese leaves out (AtJ: alcohol-to-jet).
FUNCTION_LETTERS = frozenset("AOTFI")
# Letters a Japanese name routinely leaves unwritten: J for Japan in the names of Japanese bodies
# (国際協力機構, JICA), X for trans-/cross- (DX: digital transformation, デジタル転換).
UNWRITTEN_LETTERS = frozenset("JX")
# One-kanji country abbreviations, by the letters of their English names.
COUNTRY_LETTERS = {
    "日": "J", "米": "UA", "英": "UBE", "豪": "A", "中": "C", "韓": "KR", "欧": "E", "仏": "F", "独": "G",
    "印": "I", "露": "R", "加": "C", "伊": "I", "台": "T", "朝": "KN", "比": "P", "越": "V", "蘭": "ND",
}
# Words made of these only (米国, 全米, 日本, 欧州), or one of these countries in katakana, qualify
# a name by its country: Japanese adds them freely.
_QUALIFIER_CHARS = frozenset(COUNTRY_LETTERS) | frozenset("国全州本")
_QUALIFIER_WORDS = frozenset("アメリカ イギリス フランス ドイツ カナダ オーストラリア インド ロシア イタリア ヨーロッパ".split())
_STOP = frozenset("a an the of to in on at for by with from and or etc e g esp one's something someone s".split())
_KANJI = re.compile(r"[\u4e00-\u9fff々]")
_KATAKANA_WORD = re.compile(r"[ァ-ヺー]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
_SCRIPT_RUN = re.compile(r"[ァ-ヺー]+|[A-Za-z0-9]+|[\u4e00-\u9fff々]+|.", re.S)


def katakana_initials(word: str) -> frozenset[str]:
    """Letters the English word behind a katakana word may start with: its JMdict glosses' and
    what its first kana allows (so an unknown name still has some)."""
    letters = set(_KANA_INITIALS.get(word[0], frozenset()))
    for gloss in katakana_glosses(word):
        words = re.findall(r"[A-Za-z]+", re.sub(r"\(.*?\)", " ", gloss))
        if len(words) <= 3:  # "passing through": the name may have used either word
            letters |= {w[0].upper() for w in words if w.lower() not in ("a", "an", "the", "of", "to")}
    return frozenset(letters)


def _gloss_words(gloss: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", re.sub(r"\(.*?\)", " ", gloss)) if w.lower() not in _STOP]


def gloss_initials(glosses: tuple[str, ...] | list[str]) -> frozenset[str]:
    """First letters of the words of the short glosses (three content words or fewer: a longer
    gloss explains rather than names)."""
    out: set[str] = set()
    for gloss in glosses:
        words = _gloss_words(gloss)
        if len(words) <= 3:
            out |= {w[0].upper() for w in words}
    return frozenset(out)


def split_words(text: str, dictionary: Dictionary) -> list[str]:
    """The expansion as dictionary words, longest first from the left (欧州中央銀行 → 欧州 中央
    銀行); runs of country abbreviations (日米豪) one country each; a stretch no word starts at, as
    a run of one script."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] in "・ 　=＝":
            i += 1
            continue
        j = i
        while j < len(text) and text[j] in COUNTRY_LETTERS:
            j += 1
        if j - i >= 2:
            out += list(text[i:j])
            i = j
            continue
        for n in range(min(12, len(text) - i), 0, -1):
            w = text[i : i + n]
            if "・" not in w and (n > 1 or _KANJI.match(w)) and dictionary.jmdict_glosses(w):
                out.append(w)
                i += n
                break
        else:
            m = _SCRIPT_RUN.match(text, i)
            piece = m.group() if m else text[i]
            out.append(piece)
            i += len(piece)
    return out


# The senses a one-kanji word may stand for: its first ones are what it means at the end of a
# name (局: bureau, department, office); its last ones (局: a room at court, a prostitute) would
# give it nearly any letter. With all senses, 5.8% of JMdict's (mostly technical) names were
# reported and 96% of swapped words found, but in names of institutions, which end in 局, 会, 所 or
# 庁, 3 of 13 invented swaps (国立森林局(NPS)) were found, against 6 with two senses.
ONE_KANJI_SENSES = 2


def _glosses(word: str, dictionary: Dictionary) -> tuple[str, ...]:
    senses = dictionary.jmdict_senses(word)
    return tuple(g for sense in (senses[:ONE_KANJI_SENSES] if len(word) == 1 else senses) for g in sense)


def word_letters(word: str, dictionary: Dictionary) -> tuple[frozenset[str], bool]:
    """The letters ``word`` may stand for, and whether the dictionary knows the word (an unknown
    word is never held against an acronym)."""
    if word in COUNTRY_LETTERS:
        return frozenset(COUNTRY_LETTERS[word]), True
    if _LATIN_WORD.fullmatch(word):
        return frozenset(word[0].upper()), False
    if _KATAKANA_WORD.fullmatch(word):
        if word in KANA_FUNCTION_WORDS:
            return frozenset(), False
        return katakana_initials(word), bool(katakana_glosses(word))
    glosses = _glosses(word, dictionary)
    letters = set(gloss_initials(glosses))
    # a word made of two words (確認書: 確認 + 書, "letter"; 禁止条約: 禁止 + 条約, "treaty") may
    # stand for either part too: its own glosses often name only the whole ("ban"). Not after a
    # one-kanji prefix: 超, 非, 新 have many senses, and the word's glosses say which (超音速 is
    # supersonic, not hypersonic)
    for cut in range(2, len(word)) if len(word) >= 3 else ():
        head, tail = _glosses(word[:cut], dictionary), _glosses(word[cut:], dictionary)
        if head and tail:
            letters |= gloss_initials(head) | gloss_initials(tail)
            break
    return frozenset(letters), bool(glosses)


# A letter a word stands for inside set phrases counts when two of them attest it: with one, a
# common word finds nearly any letter somewhere among its hundreds of compounds. Measured on
# JMdict's names of acronyms (benchmarks/names_eval.py, acronym_expansions, seed 7): with one,
# 4.9% of names taken as unknown were reported and 85% of words swapped for a common word found;
# with two, 6.5% and 93%; with no set phrases at all, 8.0% and 96%.
MIN_COMPOUNDS = 2


def compound_letters(word: str, dictionary: Dictionary) -> frozenset[str]:
    """Letters ``word`` stands for inside JMdict's longer words: in a compound whose short gloss
    has exactly one word that the rest of the compound does not account for, that word's letter
    (国際通貨基金, "International Monetary Fund": 国際 and 基金 give I and F, so 通貨 gives M),
    when two compounds attest it."""
    seen: dict[str, set[str]] = {}
    for form, glosses in dictionary.compounds(word):
        rest = form.replace(word, "", 1)
        rest_letters: set[str] = set()
        for piece in split_words(rest, dictionary):
            rest_letters |= word_letters(piece, dictionary)[0]
        for gloss in glosses:
            words = _gloss_words(gloss)
            if 2 <= len(words) <= 4:
                unexplained = [w[0].upper() for w in words if w[0].upper() not in rest_letters]
                if len(unexplained) == 1:
                    seen.setdefault(unexplained[0], set()).add(form)
    return frozenset(ch for ch, forms in seen.items() if len(forms) >= MIN_COMPOUNDS)


@dataclass(frozen=True)
class Mismatch:
    """An expansion with words that stand for no letter of its acronym (``words``) while the
    acronym has letters that no word stands for (``letters``)."""

    words: tuple[str, ...]
    letters: tuple[str, ...]
    glosses: dict[str, tuple[str, ...]]
    stands_for: dict[str, tuple[str, ...]]


def expansion_mismatch(expansion: str, acronym: str, dictionary: Dictionary, before: str = "") -> Mismatch | None:
    """How a kanji (or mixed) expansion fails to spell ``acronym``, or None when it may spell it.

    It fails when a word the dictionary knows stands for no letter of the acronym and a letter
    stands for no word: one word was replaced by a word of another meaning (環境投資庁 for EPA,
    Protection rendered 投資, "investment"). Being short of words is not enough
    (Japanese names drop words), nor is having more (they add 米国, 国立). Words of ``before``
    (the phrase just before the expansion: 持続可能な) may hold letters but are never blamed. A
    name the dictionary lists whole, an acronym with more letters than the expansion has words
    plus two (CULCON: made of syllables), and letters of function words (A, O, T, F, I) or left
    unwritten (J, X) are never held against it."""
    letters = "".join(ch for ch in acronym if "A" <= ch <= "Z")
    plain = expansion.replace("・", "")
    if len(letters) < 2 or not _KANJI.search(expansion) or dictionary.listed(plain):
        return None
    words = split_words(expansion, dictionary)
    if len(words) < 2 or len(letters) > len(words) + 2:
        return None
    stands = {w: word_letters(w, dictionary) for w in words}
    blamed = [
        w for w in dict.fromkeys(words)
        if stands[w][1] and stands[w][0] and not stands[w][0] & set(letters) and len(w) >= 2 and not set(w) <= _QUALIFIER_CHARS and w not in _QUALIFIER_WORDS
    ]
    if not blamed:
        return None
    covered = set().union(*(s[0] for s in stands.values()))
    for w in split_words(before, dictionary):
        if _KANJI.search(w) or _KATAKANA_WORD.fullmatch(w):  # not the particles (の: "possessive")
            covered |= word_letters(w, dictionary)[0]
    free = [ch for ch in dict.fromkeys(letters) if ch not in covered and ch not in FUNCTION_LETTERS | UNWRITTEN_LETTERS]
    if not free:
        return None
    # what a blamed word means inside set phrases may be the letter after all (通貨: monetary)
    for w in list(blamed):
        explained = set(free) & compound_letters(w, dictionary)
        if explained:
            blamed.remove(w)
            free = [ch for ch in free if ch not in explained]
    if not blamed or not free:
        return None
    return Mismatch(
        tuple(blamed), tuple(free),
        {w: dictionary.jmdict_glosses(w)[:3] for w in blamed},
        {w: tuple(sorted(stands[w][0])) for w in words},
    )
