"""CSV for reviewers' spreadsheets: one row per finding, with the sentence it sits in.

Cells that a spreadsheet would read as a formula (starting with ``= + - @``, a tab or a carriage
return) get a leading apostrophe, so untrusted document text cannot run as a formula (CWE-1236).
"""

from __future__ import annotations

import csv
import io
import json

from audit.model import Report

COLUMNS = (
    "id",
    "severity",
    "confidence",
    "code",
    "sentence",
    "translation_span",
    "source_span",
    "message",
    "suggestion",
    "sentence_text",
    "back_translation",
    "evidence",
    "fingerprint",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    bts = {b.segment: b.text for b in report.backtranslations}
    for f in report.findings:
        seg = report.target.segment_at(f.target.start) if f.target is not None else None
        writer.writerow(
            _cell(v)
            for v in (
                f.id,
                f.severity.value,
                "" if f.confidence is None else f"{f.confidence:.4f}",
                f.code,
                seg.id if seg is not None else "",
                f.target.text if f.target else "",
                f.source.text if f.source else "",
                f.message,
                f.suggestion or "",
                seg.text if seg is not None else "",
                bts.get(seg.id, "") if seg is not None else "",
                json.dumps(dict(f.evidence), ensure_ascii=False, sort_keys=True, default=str),
                f.fingerprint,
            )
        )
    return buf.getvalue()
