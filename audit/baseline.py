"""Baselines: a reviewed state of one or more documents' audits, for gates that must not regress.

A baseline file (JSON, ``audit-baseline/1``) holds, per audited document (keyed by its path as
given, in POSIX form): the document scores, a tolerance per score, the fingerprints of its
findings, the document's hash and the audit signature. ``audit check --update-baseline`` writes or
refreshes one document's entry and keeps the others, so one file serves a whole CI job.

Gates compare with it: ``comet>=baseline-0.01`` (explicit margin), ``chrf>=baseline`` (the
tolerance stored for chrf), ``major<=baseline``, ``new==0`` (no finding whose fingerprint the
baseline lacks). Tolerances are edited in the file by hand and survive updates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from audit.errors import UsageError
from audit.model import Report, Severity
from audit.signature import differences

SCHEMA = "audit-baseline/1"

# Default tolerances for "NAME>=baseline" with no explicit margin: a point on 0-100 metrics, a
# hundredth on 0-1 ones. Counts have none: one more major finding is one more.
_POINT_SCALE = ("chrf", "bleu", "ter", "bt-chrf", "bt-bleu", "bt-ter")


def default_tolerance(name: str) -> float:
    if name in _POINT_SCALE:
        return 1.0
    if name in ("findings", "new") or name in {s.value for s in Severity} or name.isupper():
        return 0.0
    return 0.01


def document_key(path: str | None) -> str:
    """The key of a document in a baseline: its path as given, POSIX separators, no './'."""
    if not path:
        return "<text>"
    return PurePath(path).as_posix().removeprefix("./")


@dataclass(frozen=True)
class Entry:
    """One document's baseline."""

    scores: Mapping[str, float]
    tolerances: Mapping[str, float]
    findings: tuple[Mapping[str, str], ...]  # {fingerprint, code, severity, message}
    sha256: str = ""
    signature: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(f["fingerprint"] for f in self.findings)

    def value(self, name: str) -> float | None:
        """The baseline value of a gate name: a score, a severity or total count, or a code prefix count."""
        if name in self.scores:
            return float(self.scores[name])
        if name == "findings":
            return float(len(self.findings))
        if name in {s.value for s in Severity}:
            return float(sum(1 for f in self.findings if f.get("severity") == name))
        if name.isupper():
            return float(sum(1 for f in self.findings if f.get("code", "").startswith(name)))
        return None

    def tolerance(self, name: str) -> float:
        return float(self.tolerances.get(name, default_tolerance(name)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "signature": dict(self.signature),
            "scores": dict(sorted(self.scores.items())),
            "tolerances": dict(sorted(self.tolerances.items())),
            "findings": [dict(f) for f in self.findings],
        }


@dataclass(frozen=True)
class Baseline:
    path: str
    documents: Mapping[str, Entry]

    def entry(self, report: Report) -> Entry | None:
        return self.documents.get(document_key(report.target.path))


def load(path: str | Path, *, missing_ok: bool = False) -> Baseline:
    """Read a baseline file; one-line errors that name it."""
    p = Path(path)
    if not p.exists():
        if missing_ok:
            return Baseline(str(p), {})
        raise UsageError(f"{p}: baseline not found (write it with --update-baseline, or --audit-update-baseline under pytest)")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{p}: not a readable baseline file: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("documents"), dict):
        raise UsageError(f"{p}: not an audit baseline (expected \"schema\": \"{SCHEMA}\")")
    docs = {}
    for key, raw in data["documents"].items():
        try:
            docs[key] = Entry(
                scores={str(k): float(v) for k, v in raw.get("scores", {}).items()},
                tolerances={str(k): float(v) for k, v in raw.get("tolerances", {}).items()},
                findings=tuple(
                    {k: str(f[k]) for k in ("fingerprint", "code", "severity", "message") if k in f} for f in raw.get("findings", [])
                ),
                sha256=str(raw.get("sha256", "")),
                signature=dict(raw.get("signature", {})),
            )
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            raise UsageError(f"{p}: document '{key}' is malformed: {exc}") from None
        if any("fingerprint" not in f for f in docs[key].findings):
            raise UsageError(f"{p}: document '{key}' has a finding without a fingerprint")
    return Baseline(str(p), docs)


def entry_from(report: Report, previous: Entry | None = None) -> Entry:
    """The baseline entry that accepts ``report`` as it is; tolerances kept from ``previous``."""
    scores = {s.name: round(float(s.value), 6) for s in report.document_scores}
    tolerances = {name: default_tolerance(name) for name in scores}
    if previous is not None:
        tolerances.update(previous.tolerances)
    return Entry(
        scores=scores,
        tolerances=tolerances,
        findings=tuple(
            {"fingerprint": f.fingerprint, "code": f.code, "severity": f.severity.value, "message": f.message} for f in report.findings
        ),
        sha256=report.target.sha256,
        signature={k: v for k, v in report.signature.items() if k != "inputs"},
    )


def updated(baseline: Baseline, report: Report) -> Baseline:
    key = document_key(report.target.path)
    docs = dict(baseline.documents)
    docs[key] = entry_from(report, baseline.documents.get(key))
    return Baseline(baseline.path, docs)


def update_file(path: str | Path, reports: Iterable[Report]) -> None:
    """Accept ``reports`` into the baseline file at ``path``: read, update and written atomically
    under a lock, so that audits updating one file at once each keep their entry."""
    from audit.io.atomic import locked, write_atomic

    p = Path(path)
    with locked(p):
        current = load(p, missing_ok=True)
        for report in reports:
            current = updated(current, report)
        write_atomic(p, dumps(current))


def dumps(baseline: Baseline) -> str:
    data = {"schema": SCHEMA, "documents": {k: baseline.documents[k].to_dict() for k in sorted(baseline.documents)}}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def comparison(report: Report, baseline: Baseline) -> dict[str, Any]:
    """What changed since the baseline: new findings, fixed ones, score deltas, signature drift."""
    key = document_key(report.target.path)
    entry = baseline.documents.get(key)
    if entry is None:
        return {"path": baseline.path, "document": key, "found": False, "new": [f.id for f in report.findings]}
    known = entry.fingerprints
    now = {f.fingerprint for f in report.findings}
    diffs = differences(entry.signature, report.signature) if entry.signature else []
    return {
        "path": baseline.path,
        "document": key,
        "found": True,
        "new": [f.id for f in report.findings if f.fingerprint not in known],
        "fixed": sorted(known - now),
        "scores": {
            s.name: {"baseline": entry.scores[s.name], "now": round(float(s.value), 6), "delta": round(float(s.value) - entry.scores[s.name], 6)}
            for s in report.document_scores
            if s.name in entry.scores
        },
        "same_text": entry.sha256 == report.target.sha256,
        "comparable": not diffs,
        "differences": [f"{k}: {a!r} → {b!r}" for k, a, b in diffs],
    }
