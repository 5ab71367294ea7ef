"""Quality gates: ``chrf>=55``, ``critical==0``, ``major<=3``, ``GRB==0``, ``xsim>=0.6``.

A gate is ``NAME OP NUMBER`` with OP one of ``>= <= > < == !=``. NAME is

- a severity (``critical``, ``major``, ``minor``) or ``findings``: the number of findings;
- a check code or code prefix (``NAM001``, ``GRB``): the number of its findings;
- a document score of the report (``xsim``, ``chrf``, ``bleu``, ``ter``, ``bt-chrf``, ``comet``…).

A gate whose value the report does not have (``chrf`` without ``--reference``) fails, saying why:
a CI gate that silently passes because a score was not computed protects nothing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

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
_GATE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_COUNTS = {"findings", *(s.value for s in Severity)}


@dataclass(frozen=True)
class Gate:
    name: str
    op: str
    threshold: float
    text: str
    origin: str = "command line"


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    observed: float | None
    passed: bool
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate.text,
            "observed": self.observed,
            "threshold": self.gate.threshold,
            "passed": self.passed,
            "reason": self.reason or None,
            "origin": self.gate.origin,
        }

    def describe(self) -> str:
        seen = "not measured" if self.observed is None else f"{self.observed:.4g}"
        why = f" ({self.reason})" if self.reason else ""
        return f"{'passed' if self.passed else 'FAILED'} {self.gate.text}: observed {seen}, threshold {self.gate.threshold:g}{why}"


def parse(text: Any, origin: str = "command line") -> Gate:
    m = _GATE.match(text) if isinstance(text, str) else None
    if not m:
        raise UsageError(f"{origin}: cannot read gate '{text}': write NAME OP NUMBER, e.g. chrf>=55 or critical==0")
    name = m.group(1)
    key = name.lower() if name.lower() in _COUNTS else name
    return Gate(key, m.group(2), float(m.group(3)), text.strip(), origin)


def parse_all(texts: Iterable[str], origin: str) -> list[Gate]:
    return [parse(t, origin) for t in texts]


def evaluate(report: Report, gates: Iterable[Gate]) -> list[GateResult]:
    counts = report.counts()
    scores = {s.name: s.value for s in report.document_scores}
    ran_codes = set(report.signature.get("rules", ()))
    out = []
    for g in gates:
        observed: float | None
        reason = ""
        if g.name in _COUNTS:
            observed = float(counts["total"] if g.name == "findings" else counts["by_severity"][g.name])
        elif g.name in scores:
            observed = float(scores[g.name])
        elif g.name.isupper():
            code = g.name
            if not any(c.startswith(code) for c in ran_codes):
                observed, reason = None, f"no check matching {code} ran in this audit"
            else:
                observed = float(sum(1 for f in report.findings if f.code.startswith(code)))
        else:
            observed = None
            reason = f"score '{g.name}' is not in this report" + (
                f" (it has: {', '.join(sorted(scores))})" if scores else " (it has no scores: give --source or --reference)"
            )
        passed = observed is not None and _OPS[g.op](observed, g.threshold)
        out.append(GateResult(g, observed, passed, reason))
    return out
