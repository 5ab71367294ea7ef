"""The canonical JSON report (schema ``audit-report/1``, see audit/schema/report.schema.json)."""

from __future__ import annotations

import json

from audit.model import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
