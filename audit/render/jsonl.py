"""JSON Lines of findings (``--format jsonl``): one object per finding, then one summary line.

For inputs too large for one report object: ``audit check TM.tmx --stream`` writes these lines
as each batch of units is audited. A finding of a bilingual file names its translation unit and
gives its spans relative to that unit's text; of a monolingual document, relative to the
document (a unit's offsets count from its first character that is not white space). Lines carry ``"type": "finding"`` or ``"type": "summary"`` (always the last line).
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from audit.model import Document, Finding, Report, Span, _jsonable

SCHEMA = "audit-findings/1"


def unit_offsets(doc: Document) -> tuple[list[int], list[str | None]]:
    """Where each translation unit starts in a bilingual document (its first segment's paragraph
    start), and its id; empty for a monolingual document."""
    starts: list[int] = []
    ids: list[str | None] = []
    seen: set[int] = set()
    for seg in doc.segments:
        if seg.unit is None:
            return [], []
        if seg.paragraph not in seen:  # offsets count from the unit's first sentence (leading white space aside)
            seen.add(seg.paragraph)
            starts.append(seg.start)
            ids.append(seg.unit)
    return starts, ids


def _relative(span: Span | None, doc: Document | None, starts: list[int], ids: list[str | None]) -> tuple[dict[str, Any] | None, str | None]:
    if span is None or doc is None:
        return None, None
    if not starts:
        return span.to_dict(), None
    k = max(0, bisect.bisect_right(starts, span.start) - 1)
    base = starts[k]
    return {"start": span.start - base, "end": span.end - base, "text": span.text}, ids[k]


def finding_records(report: Report, *, in_text_order: bool = False) -> Iterable[dict[str, Any]]:
    """Each finding as a record: in the report's order (most likely first), or in the order of
    the text (a stream, unit by unit)."""
    t_starts, t_ids = unit_offsets(report.target)
    s_starts, s_ids = unit_offsets(report.source) if report.source is not None else ([], [])
    seen: dict[str, int] = {}
    findings = list(report.findings)
    if in_text_order:
        findings.sort(key=lambda f: (f.target.start if f.target else -1, f.source.start if f.source else -1, f.code))
    for f in findings:
        target, unit = _relative(f.target, report.target, t_starts, t_ids)
        source, s_unit = _relative(f.source, report.source, s_starts, s_ids)
        unit = unit or s_unit
        yield _record(f, unit, target, source, seen)


def _record(f: Finding, unit: str | None, target: dict[str, Any] | None, source: dict[str, Any] | None, seen: dict[str, int]) -> dict[str, Any]:
    """A finding as a line. Its fingerprint depends on the code, the unit and the texts (not on
    offsets or batches), so a stream audited in batches of any size gives the same ones."""
    key = "\x1f".join((f.code, unit or "", target["text"] if target else "", source["text"] if source else ""))
    n = seen.get(key, 0)
    seen[key] = n + 1
    fingerprint = hashlib.sha256(f"{key}\x1f{n}".encode()).hexdigest()[:16] if unit is not None else f.fingerprint
    return {
        "type": "finding", "unit": unit, "code": f.code, "severity": f.severity.value, "confidence": f.confidence,
        "message": f.message, "target": target, "source": source, "suggestion": f.suggestion,
        "evidence": _jsonable(dict(f.evidence)), "fingerprint": fingerprint,
    }  # fmt: skip


def summary_record(report: Report) -> dict[str, Any]:
    return {"type": "summary", "schema": SCHEMA, "signature": _jsonable(report.signature), **report.summary(),
            "gates": [g.to_dict() for g in report.gates]}  # fmt: skip


def line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"


def render_jsonl(report: Report) -> str:
    return "".join(line(r) for r in finding_records(report)) + line(summary_record(report))
