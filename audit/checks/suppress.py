"""Suppressions: a reviewed finding is silenced by its fingerprint, with a required reason.

File format (TOML)::

    [[suppress]]
    fingerprint = "3f2a9c0d1e4b5a67"   # from the report
    code = "CON001"                    # optional: must match the finding's code if given
    reason = "both spellings are the official names of two different companies"

A suppression that matches no finding is stale; it is reported as SUP001 so that the file is kept
honest when the translation changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from audit.checks.base import framework_rule
from audit.errors import UsageError
from audit.model import Finding, Severity

STALE = framework_rule(
    "SUP001",
    "stale-suppression",
    Severity.MINOR,
    "A suppression in the suppression file matches no finding",
    """Finds entries of the suppression file (``--suppressions``, or ``suppressions`` in the
    configuration) whose fingerprint matches no finding of this run, or matches one of another
    code than the entry names.

    A suppression records that a reviewer looked at a finding and accepted the text, with the
    reason why. When the translation is edited, the finding (and so its fingerprint) goes away
    and the entry silences nothing; left in place it would hide a new finding that happened to
    get the same fingerprint, and the file would no longer say what was reviewed. Reporting it
    keeps the file honest, as linters report unused ``noqa`` comments.

    Example: a file with ``fingerprint = "3f2a9c0d1e4b5a67"``, ``code = "CON001"`` and a reason,
    run on a translation where both spellings were unified: SUP001 names the fingerprint and the
    reason, and suggests removing the entry.

    Options: select or ignore it like any code (``--ignore SUP``), or change its severity in
    the configuration. It is reported by the framework after all checks have run, so it needs
    nothing but the suppression file.
    """,
)


@dataclass(frozen=True)
class Suppression:
    fingerprint: str
    reason: str
    code: str | None = None


def load_suppressions(path: str | Path) -> list[Suppression]:
    from audit.config import read_toml

    p = Path(path)
    data = read_toml(p, "suppression file")
    unknown = set(data) - {"suppress"}
    if unknown:
        raise UsageError(f"{p}: unknown table(s) {sorted(unknown)}; expected [[suppress]] entries")
    out = []
    for k, entry in enumerate(data.get("suppress", []), 1):
        if not isinstance(entry, dict):
            raise UsageError(f"{p}: suppress entry {k} is not a table")
        fp = str(entry.get("fingerprint", "")).strip()
        reason = str(entry.get("reason", "")).strip()
        if not fp:
            raise UsageError(f"{p}: suppress entry {k} has no fingerprint")
        if not reason:
            raise UsageError(f"{p}: suppress entry {k} ({fp}) has no reason; every suppression must say why")
        extra = set(entry) - {"fingerprint", "reason", "code"}
        if extra:
            raise UsageError(f"{p}: suppress entry {k} has unknown key(s) {sorted(extra)}")
        out.append(Suppression(fp, reason, entry.get("code")))
    return out


def apply_suppressions(
    findings: Iterable[Finding], suppressions: list[Suppression], *, severity: Severity | None = None
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """Split findings into (kept, suppressed) and return SUP001 findings for stale suppressions
    (with ``severity`` when the configuration overrides SUP001's default)."""
    by_fp = {s.fingerprint: s for s in suppressions}
    used: set[str] = set()
    kept, suppressed = [], []
    for f in findings:
        s = by_fp.get(f.fingerprint)
        if s is not None and (s.code is None or s.code == f.code):
            suppressed.append(f)
            used.add(s.fingerprint)
        else:
            kept.append(f)
    stale = [
        Finding(
            code=STALE.code,
            severity=severity or STALE.severity,
            message=f"stale suppression: no finding has fingerprint {s.fingerprint}",
            evidence={"fingerprint": s.fingerprint, "reason": s.reason, "code": s.code},
            suggestion="remove it from the suppression file",
            fingerprint=s.fingerprint,
        )
        for s in suppressions
        if s.fingerprint not in used
    ]
    return kept, suppressed, stale
