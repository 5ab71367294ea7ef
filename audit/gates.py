"""Quality gates: ``chrf>=55``, ``critical==0``, ``major<=3``, ``GRB==0``, ``xsim>=0.6``.

A gate is ``NAME OP NUMBER`` with OP one of ``>= <= > < == !=``. NAME is

- a severity (``critical``, ``major``, ``minor``) or ``findings``: the number of findings;
- a check code or code prefix (``NAM001``, ``GRB``): the number of its findings;
- a document score of the report (``xsim``, ``chrf``, ``bleu``, ``ter``, ``bt-chrf``, ``comet``…);
- ``new``: the number of findings whose fingerprint the baseline does not hold.

NUMBER may be ``baseline``, ``baseline-0.01`` or ``baseline+2``: the value in the baseline file
(``audit.baseline``) for this document, with that margin, or with the tolerance stored for the
name when no margin is written (``chrf>=baseline`` allows the stored drop, by default one point).

A gate whose value the report does not have (``chrf`` without ``--reference``) fails, saying why:
a CI gate that silently passes because a score was not computed protects nothing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from audit.baseline import Baseline, document_key
from audit.errors import UsageError
from audit.model import Report, Severity

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_NUMBER = r"-?\d+(?:\.\d+)?"
_GATE = re.compile(
    rf"^\s*([A-Za-z][A-Za-z0-9_\-]*)\s*(>=|<=|==|!=|>|<)\s*(?:({_NUMBER})|baseline\s*(?:([+-])\s*(\d+(?:\.\d+)?))?)\s*$",
    re.IGNORECASE,
)
_COUNTS = {"findings", *(s.value for s in Severity)}


@dataclass(frozen=True)
class Gate:
    name: str
    op: str
    threshold: float  # for a baseline gate: the explicit margin (0 when none was written)
    text: str
    origin: str = "command line"
    relative: bool = False  # NUMBER was baseline[±margin]
    margin: float | None = None  # the written margin; None: the baseline's tolerance for the name


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    observed: float | None
    passed: bool
    reason: str = ""
    threshold: float | None = None  # the number compared with (resolved from the baseline for baseline gates)

    @property
    def limit(self) -> float | None:
        return self.threshold if self.threshold is not None else (None if self.gate.relative else self.gate.threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate.text,
            "observed": self.observed,
            "threshold": self.limit,
            "passed": self.passed,
            "reason": self.reason or None,
            "origin": self.gate.origin,
        }

    def describe(self) -> str:
        seen = "not measured" if self.observed is None else f"{self.observed:.4g}"
        limit = "none" if self.limit is None else f"{self.limit:.6g}"
        why = f" ({self.reason})" if self.reason else ""
        return f"{'passed' if self.passed else 'FAILED'} {self.gate.text}: observed {seen}, threshold {limit}{why}"


def parse(text: Any, origin: str = "command line") -> Gate:
    m = _GATE.match(text) if isinstance(text, str) else None
    if not m:
        raise UsageError(
            f"{origin}: cannot read gate '{text}': write NAME OP NUMBER or NAME OP baseline[±MARGIN], "
            "e.g. chrf>=55, critical==0, comet>=baseline-0.01"
        )
    name = m.group(1)
    key = name.lower() if name.lower() in (*_COUNTS, "new") else name
    if m.group(3) is not None:
        return Gate(key, m.group(2), float(m.group(3)), text.strip(), origin)
    margin = None if m.group(4) is None else float(m.group(5)) * (-1 if m.group(4) == "-" else 1)
    return Gate(key, m.group(2), margin or 0.0, text.strip(), origin, relative=True, margin=margin)


def parse_all(texts: Iterable[str], origin: str) -> list[Gate]:
    return [parse(t, origin) for t in texts]


def evaluate(report: Report, gates: Iterable[Gate], baseline: Baseline | None = None) -> list[GateResult]:
    counts = report.counts()
    scores = {s.name: s.value for s in report.document_scores}
    ran_codes = set(report.signature.get("rules", ()))
    entry = baseline.entry(report) if baseline is not None else None
    out = []
    for g in gates:
        observed: float | None
        reason = ""
        if g.name in _COUNTS:
            observed = float(counts["total"] if g.name == "findings" else counts["by_severity"][g.name])
        elif g.name == "new":
            if entry is None:
                observed, reason = None, _no_entry(report, baseline)
            else:
                known = entry.fingerprints
                observed = float(sum(1 for f in report.findings if f.fingerprint not in known))
        elif g.name in scores:
            observed = float(scores[g.name])
        elif g.name.isupper():
            code = g.name
            if not any(c.startswith(code) for c in ran_codes | _framework_codes()):
                observed, reason = None, f"no check matching {code} ran in this audit"
            else:
                observed = float(sum(1 for f in report.findings if f.code.startswith(code)))
        else:
            observed = None
            reason = f"score '{g.name}' is not in this report" + (
                f" (it has: {', '.join(sorted(scores))})" if scores else " (it has no scores: give --source or --reference)"
            )
        threshold: float | None = g.threshold
        if g.relative:
            threshold = None
            if entry is None:
                reason = reason or _no_entry(report, baseline)
            elif (base := entry.value(g.name)) is None:
                reason = reason or f"the baseline has no value for '{g.name}'"
            else:
                margin = g.margin if g.margin is not None else _toward_tolerance(g.op, entry.tolerance(g.name))
                threshold = round(base + margin, 9)  # 0.8-0.01 is 0.79, not 0.79000000000000004
        passed = observed is not None and threshold is not None and _OPS[g.op](observed, threshold)
        out.append(GateResult(g, observed, passed, reason, threshold))
    return out


def _framework_codes() -> set[str]:
    """Codes no check of a document runs but the framework reports (a stale suppression, what a
    project finds across documents): a gate on them counts their findings, zero or more."""
    from audit.checks.base import all_rules

    return {r.code for r in all_rules() if r.func is None}


def _toward_tolerance(op: str, tolerance: float) -> float:
    """The stored tolerance loosens the gate in its own direction: >= allows a drop, <= a rise."""
    return -tolerance if op in (">=", ">") else tolerance if op in ("<=", "<") else 0.0


def _no_entry(report: Report, baseline: Baseline | None) -> str:
    if baseline is None:
        return "no baseline given (--baseline FILE; write one with --update-baseline)"
    return f"the baseline {baseline.path} has no entry for {document_key(report.target.path)} (add it with --update-baseline)"
