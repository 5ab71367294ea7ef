"""audit: audits machine translations (English → Japanese first) like a careful bilingual reviewer.

Public API::

    from audit import AuditRequest, run_audit
    report = run_audit(AuditRequest("translation.txt"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0.dev0"  # see CHANGELOG.md

__all__ = ["AuditRequest", "Finding", "Report", "Severity", "__version__", "run_audit"]

if TYPE_CHECKING:
    from audit.model import Finding, Report, Severity
    from audit.pipeline import AuditRequest, run_audit


def __getattr__(name: str) -> Any:  # lazy, so that `audit --help` stays fast
    if name in ("AuditRequest", "run_audit"):
        from audit import pipeline

        return getattr(pipeline, name)
    if name in ("Finding", "Report", "Severity"):
        from audit import model

        return getattr(model, name)
    raise AttributeError(name)
