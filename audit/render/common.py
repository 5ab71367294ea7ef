"""Helpers shared by the human-readable renderers."""

from __future__ import annotations

import re

from audit.model import Document, Finding

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_terminal(text: str) -> str:
    """Untrusted text made inert for a terminal: control and bidi-override characters shown as escapes."""
    text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def context(doc: Document, finding: Finding, width: int = 30) -> tuple[str, str, str]:
    """Text before, inside and after the finding's target span, cut to the segment."""
    assert finding.target is not None
    t = finding.target
    seg = doc.segment_at(t.start)
    lo = max(seg.start if seg else 0, t.start - width)
    hi = min(max(seg.end if seg else len(doc.text), t.end), t.end + width)
    before = doc.text[lo : t.start]
    after = doc.text[t.end : hi]
    inside = t.text if len(t.text) <= 120 else t.text[:80] + "…" + t.text[-30:]
    return ("…" if lo > (seg.start if seg else 0) else "") + before, inside, after + ("…" if seg and hi < seg.end else "")


def format_evidence(evidence: object, limit: int = 160) -> str:
    import json

    text = json.dumps(evidence, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
