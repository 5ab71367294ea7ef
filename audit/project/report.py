"""The report of a project audit: one ``audit-report/1`` per document, the findings across
documents, totals and gates (JSON ``audit-project/1``, schema ``audit/schema/project.schema.json``).

Gates apply to each document (inside its report, as a single audit applies them) and to the
totals: counts of findings over every document and the project's own findings. Scores are
per document, so a score gate (``xsim>=0.6``) is judged in each document only.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit import __version__
from audit.gates import _COUNTS, _OPS, Gate, GateResult
from audit.model import Finding, Report, Severity, _jsonable
from audit.project.plan import Plan

SCHEMA = "audit-project/1"


@dataclass(frozen=True)
class ProjectReport:
    plan: Plan
    documents: tuple[tuple[str, Report], ...]  # (key, report), in the plan's order
    findings: tuple[Finding, ...] = ()  # across documents (PRJ…), missing translations
    gates: tuple[GateResult, ...] = ()  # on the totals
    signature: Mapping[str, Any] = field(default_factory=dict)

    def all_findings(self) -> Iterable[Finding]:
        for _, r in self.documents:
            yield from r.findings
        yield from self.findings

    def totals(self) -> dict[str, Any]:
        by_sev = {s.value: 0 for s in Severity}
        by_code: dict[str, int] = {}
        for f in self.all_findings():
            by_sev[f.severity.value] += 1
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {
            "documents": len(self.documents),
            "target_only": sum(1 for _, r in self.documents if r.source is None),
            "missing_translations": len(self.plan.missing),
            "findings": sum(by_sev.values()),
            "by_severity": by_sev,
            "by_code": dict(sorted(by_code.items())),
            "held_back": sum(r.held_back_total for _, r in self.documents),
            "documents_with_failed_gates": sum(1 for _, r in self.documents if r.gates_failed),
        }

    @property
    def gates_failed(self) -> list[GateResult]:
        return [g for _, r in self.documents for g in r.gates_failed] + [g for g in self.gates if not g.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "signature": _jsonable(self.signature),
            "plan": self.plan.describe(),
            "documents": [{"key": key, "report": report.to_dict()} for key, report in self.documents],
            "findings": [f.to_dict() for f in self.findings],
            "gates": [g.to_dict() for g in self.gates],
            "totals": self.totals(),
        }


def project_signature(documents: Sequence[tuple[str, Report]], plan: Plan) -> dict[str, Any]:
    """What every document's audit shared (toolkit, components, settings), each document's input
    hash and signature id, and an id over all of it."""
    from audit.signature import signature_id

    first = documents[0][1].signature if documents else {}
    sig: dict[str, Any] = {
        "toolkit": f"mt-audit {__version__}",
        "python": platform.python_version(),
        "components": _jsonable(first.get("components", {})),
        "settings": _jsonable(first.get("settings", {})),
        "documents": {key: {"id": r.signature.get("id"), "target": r.target.sha256, "source": r.source.sha256 if r.source else None}
                      for key, r in documents},  # fmt: skip
        "missing": list(plan.missing),
    }
    sig["id"] = signature_id(sig)
    return sig


def evaluate_totals(gates: Iterable[Gate], documents: Sequence[tuple[str, Report]], findings: Sequence[Finding]) -> list[GateResult]:
    """Count gates on the totals; score gates are said to be per document."""
    every = [f for _, r in documents for f in r.findings] + list(findings)
    ran = {c for _, r in documents for c in r.signature.get("rules", ())} | {f.code for f in findings}
    out = []
    for g in gates:
        observed: float | None = None
        reason = ""
        if g.relative:
            reason = "judged per document (a baseline holds each document's values)"
        elif g.name in _COUNTS:
            observed = float(len(every) if g.name == "findings" else sum(1 for f in every if f.severity.value == g.name))
        elif g.name == "new":
            reason = "judged per document"
        elif g.name.isupper():
            if any(c.startswith(g.name) for c in ran):
                observed = float(sum(1 for f in every if f.code.startswith(g.name)))
            else:
                reason = f"no check matching {g.name} ran in this project"
        else:
            reason = "a score: judged per document"
        if observed is None and reason.startswith("judged per document") or reason == "a score: judged per document":
            continue  # not a gate on totals
        passed = observed is not None and _OPS[g.op](observed, g.threshold)
        out.append(GateResult(g, observed, passed, reason, g.threshold))
    return out
