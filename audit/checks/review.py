"""Findings of the review stage (a model behind an OpenAI-compatible API), LLM001–LLM009.

One code per category the reviewer marks; each finding carries the model, the prompt version,
the category, the model's explanation and its correction (the suggestion). They run only when
``--reviewer openai:MODEL`` is configured (needs: review).

A reviewer span and a rule finding that agree (they overlap in the translation and the rule's
family looks for that kind of error) become one finding: the rule's, with the reviewer's verdict
as its corroboration (``evidence["reviewer"]``). See :func:`merge_review`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from audit.checks.base import Context, Hit, rule
from audit.llm.review import CATEGORIES
from audit.model import Finding, Severity

FAMILY = "LLM"

_WHAT = {
    "mistranslation": "the meaning differs from the source (a wrong sense, relation, tense or negation)",
    "terminology": "a term rendered in a form that is wrong or not standard in its field",
    "name": "a name (person, organisation, place, product) rendered wrongly: misspelt katakana, wrong kanji, a wrong official name",
    "number": "a number, date, unit or amount that differs from the source",
    "omission": "source content missing from the translation (the span is the unit; the missing English is the source span)",
    "addition": "content the source does not have",
    "untranslated": "source text left untranslated, or garbled characters",
    "grammar": "ungrammatical Japanese: wrong particles, broken sentences, spelling and punctuation",
    "style": "unnatural or inconsistent register, awkward wording",
}

# which rule families look for the kind of error each category names (agreement = same concern)
AGREES = {
    "mistranslation": frozenset({"BTD", "NAM", "NUM", "ACR", "GLO", "CON", "OMI", "ADD"}),
    "terminology": frozenset({"GLO", "CON", "ACR", "NAM"}),
    "name": frozenset({"NAM", "CON", "GLO", "ACR"}),
    "number": frozenset({"NUM"}),
    "omission": frozenset({"OMI", "LEN", "BTD"}),
    "addition": frozenset({"ADD", "DUP", "LEN", "BTD"}),
    "untranslated": frozenset({"UNT", "GRB"}),
    "grammar": frozenset({"GRB", "DUP"}),
    "style": frozenset({"GRB", "CON"}),
}


def _register(category: str, code: str) -> None:
    def check(ctx: Context) -> Iterator[Hit]:
        for s in ctx.review.spans:
            if s.category != category:
                continue
            yield Hit(
                f"reviewer ({s.model}): {s.explanation or category}",
                target=s.target,
                source=s.source,
                evidence={
                    "model": s.model, "prompt": s.prompt, "category": s.category, "explanation": s.explanation,
                    "correction": s.correction, "whole_unit": s.whole_unit,
                },  # fmt: skip
                suggestion=s.correction,
                severity=Severity(s.severity),
            )

    check.__doc__ = (
        f"The reviewer model marked {_WHAT[category]}.\n\n"
        "Runs only with ``--reviewer openai:MODEL`` (any OpenAI-compatible server). The finding carries the model, the "
        "prompt version, the model's explanation and its correction (the suggestion); its severity is the model's. "
        "Its confidence is not calibrated (none is given) until the confidence model is fitted on the reviewer's "
        "output; a rule finding that the reviewer agrees with is listed whatever its confidence. Spans the model "
        "quoted that are not in the text are dropped and counted in the review stage's note."
    )
    rule(code, f"reviewer-{category}", Severity.MAJOR, f"the reviewer model marked {category}", needs=("review",))(check)


for _category, _code in CATEGORIES.items():
    _register(_category, _code)


def is_reviewer(f: Finding) -> bool:
    return f.code.startswith(FAMILY) and f.code[len(FAMILY) :].isdigit()


def merge_review(findings: Sequence[Finding], pair_of: Callable[[Finding], Any] | None = None) -> list[Finding]:
    """Each reviewer finding that agrees with a rule finding is folded into it.

    Agreement: the rule's family looks for the reviewer's category (:data:`AGREES`) and the two
    overlap in the translation, or (a whole-unit finding on either side) sit in the same pair
    (``pair_of``). The rule finding keeps its code, id and fingerprint, gains
    ``evidence["reviewer"]`` (model, category, severity, explanation, correction) and the
    reviewer's correction when it had no suggestion; reviewer findings that agree with nothing
    stay as they are."""
    rules = [f for f in findings if not is_reviewer(f)]
    agreed: dict[int, list[Finding]] = {}
    kept: list[Finding] = []
    for r in (f for f in findings if is_reviewer(f)):
        category = str(r.evidence.get("category", ""))
        match = next((i for i, f in enumerate(rules) if _family(f.code) in AGREES.get(category, ()) and _together(r, f, pair_of)), None)
        if match is None:
            kept.append(r)
        else:
            agreed.setdefault(match, []).append(r)
    out = []
    for i, f in enumerate(rules):
        if i not in agreed:
            out.append(f)
            continue
        verdicts = [
            {k: r.evidence.get(k) for k in ("model", "category", "explanation", "correction")} | {"code": r.code, "severity": r.severity.value}
            for r in agreed[i]
        ]
        evidence = {**f.evidence, "reviewer": verdicts}
        codes = ", ".join(sorted({r.code for r in agreed[i]}))
        out.append(
            replace(f, evidence=evidence, message=f"{f.message}; the reviewer agrees ({codes})", suggestion=f.suggestion or agreed[i][0].suggestion)
        )
    return out + kept


def agreed_by_reviewer(f: Finding) -> bool:
    return "reviewer" in f.evidence


def _family(code: str) -> str:
    return code.rstrip("0123456789")


def _together(a: Finding, b: Finding, pair_of: Callable[[Finding], Any] | None) -> bool:
    if a.target is not None and b.target is not None and a.target.start < b.target.end and b.target.start < a.target.end:
        return True
    if pair_of is not None and (a.evidence.get("whole_unit") or b.target is None):
        pa = pair_of(a)
        return pa is not None and pa == pair_of(b)
    return False


def reviewer_codes() -> Iterable[str]:
    return CATEGORIES.values()
