"""Glossary checks: terms the glossary fixes, rendered as it says (``--glossary FILE``)."""

from __future__ import annotations

from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
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
