"""SARIF 2.1.0 (code-scanning UIs): one result per finding, located in the translation file
(or in the source file for findings that only have a source span, such as an omitted sentence).
Columns count Unicode code points (``columnKind``), lines are 1-based. Fingerprints are the
findings' own stable fingerprints, so a scanning UI tracks a finding across runs."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from audit import __version__
from audit.model import Document, Report, Severity, Span

_LEVEL = {Severity.CRITICAL: "error", Severity.MAJOR: "warning", Severity.MINOR: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(doc: Document) -> str:
    return quote(PurePath(doc.path or "translation.txt").as_posix())


def _region(doc: Document, span: Span) -> dict[str, Any]:
    text = doc.text

    def line_col(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    start_line, start_col = line_col(span.start)
    end_line, end_col = line_col(span.end)
    return {
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
        "charOffset": span.start,
        "charLength": span.end - span.start,
        "snippet": {"text": span.text},
    }


def _notifications(report: Report) -> dict[str, Any]:
    """What was skipped and what held back, as SARIF tool-execution notifications."""
    out = [
        {"level": "note", "message": {"text": f"skipped {st.name}: {st.reason}" + (f" (to enable: {st.enable})" if st.enable else "")}}
        for st in report.stages
        if not st.ran
    ]
    out += [{"level": "note", "message": {"text": n}} for st in report.stages for n in st.notes]
    return {"toolExecutionNotifications": out} if out else {}


def render_sarif(report: Report) -> str:
    from audit.checks.base import all_rules

    ran = list(report.signature.get("rules", ()))
    rules = [r for r in all_rules() if r.code in ran or any(f.code == r.code for f in report.findings)]
    index = {r.code: i for i, r in enumerate(rules)}
    docs = [report.target] + ([report.source] if report.source is not None else [])
    artifacts = [
        {"location": {"uri": _uri(d)}, "encoding": d.encoding, "hashes": {"sha-256": d.sha256}, "roles": ["analysisTarget"]}
        for d in docs
    ]
    results = []
    new = set(report.baseline["new"]) if report.baseline and report.baseline.get("found") else None
    for f in report.findings:
        if f.target is not None:
            where = [(0, report.target, f.target)]
        elif f.source is not None and report.source is not None:
            where = [(1, report.source, f.source)]
        else:
            where = []
        message = f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVEL[f.severity],
            "message": {"text": message},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": _uri(d), "index": i}, "region": _region(d, span)}}
                for i, d, span in where
            ],
            "partialFingerprints": {"mtAuditFingerprint/v1": f.fingerprint},
            "properties": {"severity": f.severity.value, "findingId": f.id, "evidence": json.loads(json.dumps(dict(f.evidence), default=str))},
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.confidence is not None:
            result["rank"] = round(100 * f.confidence, 1)  # SARIF's 0-100 priority: how likely a reviewer agrees
        if new is not None:
            result["baselineState"] = "new" if f.id in new else "unchanged"
        results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "mt-audit",
                "version": __version__,
                "informationUri": "https://pypi.org/project/mt-audit/",
                "rules": [
                    {
                        "id": r.code,
                        "name": r.name,
                        "shortDescription": {"text": r.summary},
                        "fullDescription": {"text": r.doc},
                        "defaultConfiguration": {"level": _LEVEL[r.severity]},
                        "properties": {"severity": r.severity.value, "needs": sorted(r.needs)},
                    }
                    for r in rules
                ],
            }
        },
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": results,
        "invocations": [{"executionSuccessful": True, **_notifications(report)}],
        "properties": {
            "signature": json.loads(json.dumps(report.signature, default=str)),
            "scores": {s.name: s.value for s in report.document_scores},
            "gates": [g.to_dict() for g in report.gates],
            "minConfidence": report.min_confidence,
            "heldBack": dict(report.held_back),
        },
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2) + "\n"
