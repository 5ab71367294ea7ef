"""The check framework: rules with stable codes, a registry, selection, fingerprints.

A rule is a small function that receives a :class:`Context` and yields :class:`Hit` records;
the framework turns hits into :class:`~audit.model.Finding` objects (severity, id,
fingerprint) so that every rule produces one shape. Codes are public API: a family prefix and
a number, selectable by prefix, never reused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from audit.model import BackTranslation, Bead, Document, Finding, Segment, Severity, Span


@dataclass(frozen=True)
class Hit:
    """What a rule found; the framework adds code, default severity, id and fingerprint."""

    message: str
    target: Span | None = None
    source: Span | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggestion: str | None = None
    severity: Severity | None = None  # overrides the rule's default for this hit


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    needs: frozenset[str]
    func: Callable[[Context], Iterable[Hit]] | None  # None: the framework itself reports it (SUP001)
    concern: str | None = None  # what its findings are evidence of; see merge_concerns()
    precedence: int = 0  # among rules of one concern, lower reports the merged finding

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


REGISTRY: dict[str, Rule] = {}
NEEDS = frozenset({"source", "alignment", "backtranslation", "glossary", "embedder", "review", "knowledge"})


def rule(
    code: str, name: str, severity: Severity, summary: str, *, needs: Iterable[str] = (), concern: str | None = None,
    precedence: int = 0,
) -> Callable[[Callable[[Context], Iterable[Hit]]], Callable[[Context], Iterable[Hit]]]:
    """Register a check. Its docstring is the rule's documentation (what, why, example, options).

    ``concern`` names the error that the rule's findings are evidence of ("omission"): findings
    of different rules with one concern on one target span are reported as one finding, see
    :func:`merge_concerns`, led by the rule of lowest ``precedence`` (the most telling evidence)."""
    needed = frozenset(needs)
    unknown = needed - NEEDS
    if unknown:
        raise ValueError(f"{code}: unknown needs {sorted(unknown)}")

    def register(func: Callable[[Context], Iterable[Hit]]) -> Callable[[Context], Iterable[Hit]]:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        doc = _dedent(func.__doc__ or summary)
        REGISTRY[code] = Rule(code, name, severity, summary, doc, needed, func, concern, precedence)
        return func

    return register


def framework_rule(code: str, name: str, severity: Severity, summary: str, doc: str) -> Rule:
    """Register a code that the framework reports itself rather than a check function (stale
    suppressions): listed and documented by ``audit rules``, selectable and re-rankable like any
    other, never run by :func:`run_rules`."""
    if code in REGISTRY:
        raise ValueError(f"duplicate rule code {code}")
    REGISTRY[code] = Rule(code, name, severity, summary, _dedent(doc), frozenset(), None)
    return REGISTRY[code]


def _dedent(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


@dataclass
class Context:
    """What a rule can read: the documents, the alignment, options, shared linguistic tools."""

    target: Document
    source: Document | None = None
    alignment: tuple[Bead, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    backtranslation: Mapping[int, BackTranslation] | None = None  # by target segment id
    glossary: Any = None  # audit.glossary.Glossary, when glossaries were given
    embedder: Any = None  # audit.embedders.Embedder, in source mode
    review: Any = None  # audit.llm.review.ReviewResult, when a reviewer model ran
    knowledge: Any = None  # audit.knowledge.Knowledge, when a knowledge index was given
    notes: list[str] = field(default_factory=list)  # what a rule that ran wants the report to say (why it held back)
    memo: dict[str, Any] = field(default_factory=dict)  # analyses that several rules share, computed once per audit

    def hits_of(self, code: str) -> list[Hit]:
        """The hits of the rule ``code`` on this context, computed once per audit whether or not
        that rule was selected: a rule can build on another's verdicts (OMI005 on the names and
        numbers that NAM001 and NUM001 find missing) without repeating its logic, and
        :func:`run_rules` reuses them. Notes the rule leaves are kept for its own run."""
        memo: dict[str, tuple[list[Hit], list[str]]] = self.memo.setdefault("hits", {})
        if code not in memo:
            func = REGISTRY[code].func
            assert func is not None
            noted = len(self.notes)
            hits = list(func(self))
            memo[code] = (hits, self.notes[noted:])
            del self.notes[noted:]
        return memo[code][0]

    def span(self, seg: Segment, start: int = 0, end: int | None = None) -> Span:
        """A span inside a target segment, in document offsets."""
        end = len(seg.text) if end is None else end
        return self.target.span(seg.start + start, seg.start + end)

    @cached_property
    def source_vocabulary(self) -> frozenset[str]:
        """Words the source writes in lower case (their capitalised forms are emphasis, not acronyms)."""
        return frozenset(re.findall(r"\b[a-z]{2,}\b", self.source.text)) if self.source else frozenset()

    def embed(self, texts: list[str]) -> Any:
        """Unit-length cross-lingual vectors of ``texts`` (float64), one row each, from the
        aligner's encoder: dot products are cosines."""
        import numpy as np

        v = np.asarray(self.embedder(texts), dtype=np.float64)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    @cached_property
    def tokenizer(self) -> Any:
        from audit.lexicon.tokens import Tokenizer

        return Tokenizer.shared()

    def pair_texts(self) -> Iterator[tuple[int, str, int, int, str]]:
        """Each aligned pair with both sides: (source start, source text, target start, target end, target text)."""
        assert self.source is not None
        for bead in self.alignment:
            if not bead.source or not bead.target:
                continue
            s_start, s_end = self.source.segments[bead.source[0]].start, self.source.segments[bead.source[-1]].end
            t_start, t_end = self.target.segments[bead.target[0]].start, self.target.segments[bead.target[-1]].end
            yield s_start, self.source.text[s_start:s_end], t_start, t_end, self.target.text[t_start:t_end]

    @cached_property
    def _source_by_target(self) -> dict[int, str]:
        out: dict[int, str] = {}
        if self.source is None:
            return out
        for bead in self.alignment:
            if bead.source and bead.target:
                first, last = self.source.segments[bead.source[0]], self.source.segments[bead.source[-1]]
                for j in bead.target:
                    out[j] = self.source.text[first.start : last.end]
        return out

    def source_of(self, seg: Segment) -> str | None:
        """The source text aligned with a target segment (its whole pair), or None: target-only,
        or a sentence with no source. A rule that reports what a careful translator may copy from
        the source (a repetition, a missing full stop, a space) asks this first."""
        return self._source_by_target.get(seg.id)

    def available(self) -> frozenset[str]:
        have = set()
        if self.source is not None:
            have.add("source")
        if self.alignment:
            have.add("alignment")
        if self.backtranslation is not None:
            have.add("backtranslation")
        if self.glossary:
            have.add("glossary")
        if self.embedder is not None:
            have.add("embedder")
        if self.review is not None:
            have.add("review")
        if self.knowledge is not None:
            have.add("knowledge")
        return frozenset(have)


def select_rules(select: Iterable[str] = ("",), ignore: Iterable[str] = ()) -> list[Rule]:
    """Rules whose code starts with a selected prefix and with no ignored prefix."""
    _load_builtin_rules()
    sel = tuple(select)
    ign = tuple(p for p in ignore if p)
    return [
        r
        for code, r in sorted(REGISTRY.items())
        if any(code.startswith(p) for p in sel) and not any(code.startswith(p) for p in ign)
    ]


def known_prefix(prefix: str) -> bool:
    _load_builtin_rules()
    return any(code.startswith(prefix) for code in REGISTRY)


def all_rules() -> list[Rule]:
    _load_builtin_rules()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def rule_text(code: str) -> str | None:
    """A rule's documentation as ``audit rule CODE`` prints it and its page on the documentation
    site shows it (one text, two places); None for an unknown code."""
    all_rules()
    r = REGISTRY.get(code.upper())
    if r is None:
        return None
    needs = ", ".join(sorted(r.needs)) or "nothing beyond the translation"
    if r.func is None:
        needs = "reported by the framework after the checks have run"
    text = f"{r.code} {r.name} (default severity: {r.severity.value}; needs: {needs})\n\n{r.doc}\n"
    if r.concern:
        peers = ", ".join(c for c, other in sorted(REGISTRY.items()) if other.concern == r.concern and c != r.code)
        raised = " and at least major (agreement is evidence)" if r.concern in AGREEMENT_RAISES else ""
        text += (
            f"\nLooks for: {r.concern}, like {peers}. When several of them fire on one span, they are reported as "
            f"one finding, led by the most telling, with the others as its corroboration, at the highest severity "
            f"among them{raised}, unless a severity is configured for the leading code.\n"
        )
    return text


def _load_builtin_rules() -> None:
    from audit.checks import builtin  # noqa: F401  (registers on import)


def fingerprint(code: str, target: Span | None, source: Span | None, occurrence: int) -> str:
    """Stable across runs and unrelated edits: depends on the text found, not on offsets."""
    h = hashlib.sha256()
    for part in (code, target.text if target else "", source.text if source else "", str(occurrence)):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class RuleRun:
    rule: Rule
    ran: bool
    reason: str | None = None


def run_rules(
    ctx: Context, rules: Iterable[Rule], severity_overrides: Mapping[str, str] | None = None, jobs: int = 1
) -> tuple[list[Finding], list[RuleRun]]:
    """Run rules in code order; rules whose needs are unmet are skipped with the reason. With
    ``jobs`` of 2 or more, the rules that embed run in a forked process beside the others
    (:func:`split_rules`): the same findings, sooner."""
    have = ctx.available()
    rules = list(rules)
    if jobs > 1:
        split_rules(ctx, [r for r in rules if r.func is not None and not r.needs - have])
    findings: list[Finding] = []
    runs: list[RuleRun] = []
    overrides = {k: Severity(v) for k, v in (severity_overrides or {}).items()}
    for r in rules:
        if r.func is None:
            continue
        missing = r.needs - have
        if missing:
            runs.append(RuleRun(r, False, "needs " + ", ".join(sorted(missing))))
            continue
        hits = ctx.hits_of(r.code)
        findings.extend(_findings(r, hits, overrides))
        runs.append(RuleRun(r, True, "; ".join(ctx.memo["hits"][r.code][1]) or None))
    findings = merge_concerns(findings, overrides)
    findings.sort(key=lambda f: (f.target.start if f.target else -1, f.severity.rank, f.code))
    seen: dict[str, int] = {}
    numbered = []
    for i, f in enumerate(findings, 1):
        base = fingerprint(f.code, f.target, f.source, 0)
        n = seen.get(base, 0)
        seen[base] = n + 1
        fp = base if n == 0 else fingerprint(f.code, f.target, f.source, n)
        numbered.append(_replace(f, id=f"F{i:04d}", fingerprint=fp))
    return numbered, runs


T = TypeVar("T")
EMBED_CHUNK = 4096  # sentences a rule embeds at once: a long document's vectors are not all held together


def chunked(items: Iterable[T], size: Callable[[T], int], most: int = EMBED_CHUNK) -> Iterator[list[T]]:
    """``items`` in consecutive chunks whose ``size`` adds up to about ``most`` (an item larger
    than that is a chunk of its own): what a rule embeds, a few thousand sentences at a time."""
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += size(item)
        if total >= most:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def split_rules(ctx: Context, rules: list[Rule]) -> None:
    """Compute the hits of ``rules`` on two cores: those that embed sentences (the encoder's
    work, numpy) in a forked child, the others (Python) here; both land in ``ctx``'s memo, where
    :func:`run_rules` then reads them in code order. Rules are functions of the context, so the
    hits are the ones one process finds; a rule one side asks of the other is computed again."""
    from audit.parallel import MIN_PAIRS, Forked, can_fork, one_core

    embedding = [r.code for r in rules if "embedder" in r.needs]
    if not embedding or len(embedding) == len(rules) or len(ctx.alignment) < MIN_PAIRS or not can_fork():
        return
    from audit.lexicon import warm

    warm()  # loaded once, here, and inherited
    child = Forked(_hits_of_codes, ctx, embedding)
    with one_core():
        for r in rules:
            if r.code not in embedding:
                ctx.hits_of(r.code)
    memo = ctx.memo.setdefault("hits", {})
    for code, found in child.result().items():
        memo.setdefault(code, found)


def _hits_of_codes(ctx: Context, codes: list[str]) -> dict[str, tuple[list[Hit], list[str]]]:
    for code in codes:
        ctx.hits_of(code)
    return {code: ctx.memo["hits"][code] for code in codes}


AGREEMENT_RAISES = frozenset({"omission"})  # concerns whose agreeing findings are raised to major (measured)


def merge_concerns(findings: list[Finding], overrides: Mapping[str, Severity] | None = None) -> list[Finding]:
    """One finding per concern and target span: the findings that independent rules with the
    same concern (OMI002, OMI003, OMI004 and BTD001 all look for a dropped clause) make on the
    same aligned pair become one: the finding of the rule with the lowest precedence (OMI004
    names the whole clause) leads, with the highest severity of them all, and the others are its
    corroboration (``evidence["corroborated_by"]``: their codes, messages and source spans).

    Agreement is evidence in itself: a merged omission finding of two or more rules is at least
    major, unless a severity is configured for the leading code (then it keeps that one); other
    concerns (a term written two ways, CON004 and CON005) keep the highest severity among them. Measured on WMT22 en-ja with injected omissions
    (benchmarks/evaluate.py): of the pairs where two or more omission rules agree, 179 of 181 were
    real omissions; of those where one rule fires alone, 133 of 173.
    """
    groups: dict[tuple[str, int, int], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        r = REGISTRY.get(f.code)
        if r is None or r.concern is None or f.target is None:
            out.append(f)
        else:
            groups.setdefault((r.concern, f.target.start, f.target.end), []).append(f)
    for (concern, _, _), group in groups.items():
        codes = {f.code for f in group}
        if len(codes) < 2:
            out.extend(group)
            continue
        group.sort(key=lambda f: (REGISTRY[f.code].precedence, f.code, f.severity.rank))
        first, others = group[0], [f for f in group[1:] if f.code != group[0].code]
        out.extend(f for f in group[1:] if f.code == first.code)
        severity = first.severity  # as configured for its code, when it is
        if override_for(first.code, overrides or {}) is None:
            severity = min((f.severity for f in group), key=lambda s: s.rank)
            if concern in AGREEMENT_RAISES and severity == Severity.MINOR:
                severity = Severity.MAJOR
        also = sorted({f.code for f in others})
        evidence = dict(first.evidence)
        evidence["corroborated_by"] = [
            {"code": f.code, "message": f.message, "source": f.source.text if f.source else None} for f in others
        ]
        out.append(
            _replace(first, severity=severity, evidence=evidence, message=f"{first.message}; also found by {', '.join(also)}")
        )
    return out


def override_for(code: str, overrides: Mapping[str, Severity]) -> Severity | None:
    """The configured severity of a code: the longest matching prefix wins."""
    return next((s for p, s in sorted(overrides.items(), key=lambda kv: -len(kv[0])) if code.startswith(p)), None)


def _findings(r: Rule, hits: Iterable[Hit], overrides: Mapping[str, Severity]) -> Iterator[Finding]:
    sev = override_for(r.code, overrides)
    for hit in hits:
        yield Finding(
            code=r.code,
            severity=sev or hit.severity or r.severity,
            message=hit.message,
            target=hit.target,
            source=hit.source,
            evidence=dict(hit.evidence),
            suggestion=hit.suggestion,
        )


def _replace(f: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(f, **changes)
