"""Glossary checks: terms the glossary fixes, rendered as it says (``--glossary FILE``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from audit.checks.base import Context, Hit, rule
from audit.checks.consistency import difference
from audit.glossary import Term
from audit.lexicon.numbers import nfkc_per_char
from audit.model import Severity


@rule(
    "GLO001",
    "glossary-term-not-followed",
    Severity.MAJOR,
    "a source term of the glossary whose translation does not use any accepted Japanese form",
    needs=("source", "alignment", "glossary"),
)
def term_not_followed(ctx: Context) -> Iterator[Hit]:
    """Finds source terms listed in a glossary (``--glossary FILE``, TSV or TBX) whose aligned
    Japanese contains none of the glossary's accepted forms; the finding covers the translated
    sentence. (When the translation holds a rendering the glossary lists as wrong, GLO002 reports
    it at its place instead.)

    Why: organisations, programmes and terms have official Japanese forms; a translation that
    invents its own (a department called by another name, a programme translated word by word)
    is wrong even when it reads well.

    Example: glossary ``Department of Energy | DOE → エネルギー省``; source "the Department of
    Energy will fund…" translated 「エナジー部は…」: expected エネルギー省.
    """
    assert ctx.source is not None and ctx.glossary is not None
    glossary = ctx.glossary
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        seen: set[int] = set()
        for hit in glossary.find_source(s_text):
            term = hit.term
            if id(term) in seen or glossary.has_target(term, t_text):
                continue
            seen.add(id(term))
            if term.forbidden and any(t is term for t, *_ in glossary.find_forbidden(t_text)):
                continue  # GLO002 points at the wrong form itself
            evidence = {"term": hit.text, "accepted": list(term.targets), "glossary": term.origin}
            if term.note:
                evidence["note"] = term.note
            yield Hit(
                f"'{hit.text}' should appear as {' / '.join(term.targets[:3])} (glossary), but none of these is in the translation",
                target=ctx.target.span(t_start, t_end),
                source=ctx.source.span(s_start + hit.start, s_start + hit.end),
                evidence=evidence,
                suggestion=term.preferred,
            )


@rule(
    "GLO002",
    "glossary-forbidden-form",
    Severity.MAJOR,
    "a Japanese rendering that the glossary lists as wrong",
    needs=("glossary",),
)
def forbidden_form(ctx: Context) -> Iterator[Hit]:
    """Finds Japanese renderings that a glossary marks as wrong (TSV ``!FORM``; TBX terms with a
    deprecated or not-recommended ``administrativeStatus``), with the preferred form as the
    suggestion. Works without the source.

    Example: glossary ``Department of Energy → エネルギー省 | !エナジー省``; 「エナジー省は…」 is
    flagged with エネルギー省 as the suggestion.
    """
    assert ctx.glossary is not None
    for seg in ctx.target.segments:
        for term, start, end, form in ctx.glossary.find_forbidden(seg.text):
            evidence = {"found": form, "accepted": list(term.targets), "english": list(term.source), "glossary": term.origin}
            if term.note:
                evidence["note"] = term.note
            yield Hit(
                f"{form} is a wrong rendering of '{term.source[0]}' (glossary); use {term.preferred}",
                target=ctx.span(seg, start, end),
                evidence=evidence,
                suggestion=term.preferred,
            )


# GLO003: an accepted form with one inner stretch replaced; the kept start and end must be this long
_NEAR_KEEP = 2


@rule(
    "GLO003",
    "glossary-near-miss",
    Severity.MINOR,
    "a Japanese term that is a glossary form with one inner word replaced",
    needs=("glossary",),
)
def near_miss(ctx: Context) -> Iterator[Hit]:
    """Finds Japanese terms that match an accepted form of the glossary except for one inner
    stretch of one to three characters (the start and the end, two characters or more each, kept):
    the term was most likely meant, and one of its words translated another way. Works without
    the source, so a glossary also guards translations whose source is lost.

    Only inner stretches are compared: a different last word usually makes another thing
    (国務省 / 国務長官, the department and its secretary), not a misrendering. A text that is itself
    an accepted form of any glossary term, lies inside one or holds one of its term (米国国立… for
    国立…), or is a word or name JMdict/JMnedict knows (国際交流基金, the Japan Foundation, is not a
    misspelt 国際通貨基金) is not reported; nor are two stretches of different scripts.

    Example: glossary ``National Institute of Standards and Technology → 国立標準技術研究所``;
    「国立規格技術研究所は…」 is flagged with 国立標準技術研究所 as the suggestion (規格 / 標準).
    """
    from audit.lexicon.names import Dictionary

    assert ctx.glossary is not None
    dictionary = Dictionary.shared()
    # accepted forms by their first two characters: a document is scanned once, whatever the
    # glossary's size
    by_start: dict[str, list[tuple[str, Any]]] = {}
    for term in ctx.glossary.terms:
        for form in dict.fromkeys(unicodedata.normalize("NFKC", t) for t in term.targets):
            if len(form) >= 2:
                by_start.setdefault(form[:2], []).append((form, term))
    for seg in ctx.target.segments:
        text = nfkc_per_char(seg.text)  # one character for one, so offsets hold
        present = [(i, i + len(form)) for i in range(len(text) - 1) for form, _ in by_start.get(text[i : i + 2], ())
                   if text.startswith(form, i)]
        candidates = []
        for i in range(len(text) - 1):
            for form, term in by_start.get(text[i : i + 2], ()):
                candidates += _near(text, i, form, term)
        candidates = [
            (a, b, term, form) for a, b, term, form in candidates
            if not any(x <= a and b <= y for x, y in present)  # inside an accepted form
            and not any(a <= x and y <= b and text[x:y] in _forms(term) for x, y in present)  # holds one of its term
        ]
        kept: list[tuple[int, int]] = []
        for a, b, term, form in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):  # the longest first
            found = text[a:b]
            if any(a < y and x < b for x, y in kept) or dictionary.word_glosses(found):
                continue  # overlaps a longer one, or a word or name of its own (国際交流基金 is not a misspelt 国際通貨基金)
            kept.append((a, b))
            middle, other = difference(form, found)
            change = f"{other or 'nothing'} for {middle}" if middle else f"{other} added"
            yield Hit(
                f"「{seg.text[a:b]}」 looks like the glossary's {form} with {change}; "
                f"'{term.source[0]}' is written {term.preferred} (glossary)",
                target=ctx.span(seg, a, b),
                evidence={"found": found, "glossary_form": form, "replaced": [middle, other],
                          "english": list(term.source), "glossary": term.origin},
                suggestion=form,
            )


def _forms(term: Term) -> set[str]:
    return {unicodedata.normalize("NFKC", t) for t in term.targets}


def _near(text: str, i: int, form: str, term: Term) -> list[tuple[int, int, Term, str]]:
    """Near misses of ``form`` starting at ``text[i]``: the form with one inner stretch of 1-3
    characters (start and end of _NEAR_KEEP characters or more kept) replaced by 1-3 others of
    the same script, or dropped, as (start, end, term, form)."""
    n = len(form)
    same = 0
    while same < n and i + same < len(text) and text[i + same] == form[same]:
        same += 1
    out = []
    for p in range(_NEAR_KEEP, min(same, n - _NEAR_KEEP) + 1):
        for k in range(1, 4):
            rest = form[p + k :]
            if len(rest) < _NEAR_KEEP:
                break
            middle = form[p : p + k]
            if _script(middle) == "mixed":
                continue
            for m in range(0, 4):
                other = text[i + p : i + p + m]
                if len(other) < m or other == middle or (m and _script(other) != _script(middle)):
                    continue
                if text.startswith(rest, i + p + m):
                    out.append((i, i + p + m + len(rest), term, form))
    return out


def _script(text: str) -> str:
    return "katakana" if re.fullmatch(r"[\u30a1-\u30fa\u30fc]+", text) else "kanji" if re.fullmatch(r"[\u4e00-\u9fff々]+", text) else "mixed"
