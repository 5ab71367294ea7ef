"""Helpers shared by the human-readable renderers."""

from __future__ import annotations

import re
from collections.abc import Mapping

from audit.model import Document, Finding, Report

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
    """Evidence as one JSON line, cut at ``limit``; corroborating findings are left to
    :func:`corroboration`, which the renderers show as lines of their own."""
    import json

    if isinstance(evidence, dict) and "corroborated_by" in evidence:
        evidence = {k: v for k, v in evidence.items() if k != "corroborated_by"}
    text = json.dumps(evidence, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def baseline_line(report: Report) -> str:
    """One line on what changed since the baseline (renderers escape it for their format)."""
    b = report.baseline or {}
    if not b.get("found"):
        return f"baseline {b.get('path')}: no entry for {b.get('document')}; every finding counts as new (--update-baseline adds it)"
    new = b.get("new", [])
    shown = ", ".join(new[:10]) + (" …" if len(new) > 10 else "")
    parts = [f"baseline {b['path']}: {len(new)} new finding(s)" + (f" ({shown})" if new else ""), f"{len(b.get('fixed', []))} fixed"]
    deltas = [f"{k} {v['delta']:+.4g}" for k, v in b.get("scores", {}).items()]
    if deltas:
        parts.append("score change: " + ", ".join(deltas))
    if not b.get("comparable", True):
        parts.append("made with a different audit signature (" + "; ".join(b.get("differences", [])[:3]) + ")")
    return "; ".join(parts)


PAIR_ORDER = ("risk", "comet", "bt-comet", "bt-chrf", "xsim")  # the first present ranks the pairs
HIGHER_WORSE = frozenset({"risk"})  # ranked from the highest down; the others from the lowest up
PAIR_ROWS = 10


def confidence_label(finding: Finding) -> str:
    """``72%``: the finding's confidence as a reviewer reads it (empty when it has none)."""
    return "" if finding.confidence is None else f"{100 * finding.confidence:.0f}%"


def held_back_line(report: Report) -> str | None:
    """How many findings the confidence threshold held back, and how to see them; None when none."""
    n = report.held_back_total
    if not n or report.min_confidence is None:
        return None
    codes = ", ".join(f"{k} {v}" for k, v in sorted(report.held_back.items()))
    return (
        f"{n} finding(s) below min-confidence {report.min_confidence:g} held back ({codes}); "
        "--min-confidence 0 lists them"
    )


def weakest_pairs(report: Report, limit: int = PAIR_ROWS) -> tuple[str, list[tuple[str, str, str, dict[str, float]]]]:
    """The pairs to read first: (ranking score, rows of (ids, source text, target text, scores)).

    Rows are the ``limit`` pairs most likely wrong by the first per-pair score available in
    ``PAIR_ORDER`` (the highest ``risk``, else the lowest COMET, chrF or xsim; TER never ranks);
    the JSON report keeps every pair.
    """
    pairs = [p for p in report.pair_scores if p.get("source")]
    key = next((k for k in PAIR_ORDER if any(k in p for p in pairs)), None)
    if key is None or report.source is None:
        return "", []
    sign = -1 if key in HIGHER_WORSE else 1
    ranked = sorted((p for p in pairs if key in p), key=lambda p: sign * p[key])[:limit]
    rows = []
    for p in ranked:
        ids = ",".join(map(str, p["source"])) + "→" + (",".join(map(str, p["target"])) or "∅")
        src = " ".join(report.source.segments[i].text for i in p["source"])
        tgt = "".join(report.target.segments[j].text for j in p["target"])
        values = {k: float(v) for k, v in p.items() if isinstance(v, (int, float)) and k not in ("bead",)}
        rows.append((ids, src, tgt, values))
    return key, rows


def corroboration(evidence: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """(code, message, source text) of the findings merged into this one (see merge_concerns)."""
    items = evidence.get("corroborated_by") or []
    out = []
    for item in items if isinstance(items, (list, tuple)) else []:
        if isinstance(item, Mapping):
            out.append((str(item.get("code", "")), str(item.get("message", "")), str(item.get("source") or "")))
    return out
