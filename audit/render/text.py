"""Terminal report: findings most likely right first (by confidence), each under its sentence,
colour only on a TTY."""

from __future__ import annotations

from audit.model import Report, Severity
from audit.render.common import (
    baseline_line,
    confidence_label,
    context,
    corroboration,
    format_evidence,
    held_back_line,
    safe_terminal,
    weakest_pairs,
)

_COLOR = {Severity.CRITICAL: "\x1b[1;31m", Severity.MAJOR: "\x1b[31m", Severity.MINOR: "\x1b[33m"}
_RESET = "\x1b[0m"
_HL = "\x1b[7m"
_DIM = "\x1b[2m"


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_text(report: Report, *, color: bool = False) -> str:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    t = report.target
    lines = [
        f"{report.signature.get('toolkit', 'audit')}: {safe_terminal(t.path or '<text>')} "
        f"({t.encoding}, {len(t.segments)} sentences) — {report.mode} audit, signature {report.signature.get('id', '?')}"
    ]
    if report.source is not None:
        s = report.source
        lines.append(f"source: {safe_terminal(s.path or '<text>')} ({s.encoding}, {len(s.segments)} sentences)")
    for stage in report.stages:
        lines += [c(_DIM, f"note: {safe_terminal(n)}") for n in stage.notes]
        if stage.ran:
            continue
        hint = f" — to enable: {stage.enable}" if stage.enable else ""
        lines.append(c(_DIM, f"skipped {stage.name}: {stage.reason}{hint}"))
    for score in report.document_scores:
        ci = f" [{score.interval[0]:.2f}, {score.interval[1]:.2f}]" if score.interval else ""
        lines.append(f"{score.name} = {score.value:.2f}{ci}  ({safe_terminal(score.signature)})")
    for g in report.gates:
        lines.append(f"gate {safe_terminal(g.describe())}")
    if report.baseline is not None:
        lines.append(safe_terminal(baseline_line(report)))
    key, rows = weakest_pairs(report)
    if rows:
        lines.append(c(_DIM, f"weakest pairs by {key} ({len(rows)} of {len(report.pair_scores)}; all in --format json):"))
        for ids, src, tgt, values in rows:
            nums = "  ".join(f"{k} {v:.2f}" for k, v in values.items())
            lines.append(f"  {ids:<9} {nums}")
            lines.append(c(_DIM, f"      {safe_terminal(_clip(src))}"))
            lines.append(c(_DIM, f"      {safe_terminal(_clip(tgt)) or '(no translation)'}"))
    lines.append("")

    bts = {b.segment: b for b in report.backtranslations}
    last_seg = None
    for f in report.findings:
        if f.target is not None:
            seg = t.segment_at(f.target.start)
            if seg is not None and seg.id != last_seg:
                lines.append(c(_DIM, f"sentence {seg.id} (paragraph {seg.paragraph}):"))
                bt = bts.get(seg.id)
                if bt is not None:
                    flag = "  [back-translation lost: " + "; ".join(bt.artefacts) + "]" if bt.artefacts else ""
                    lines.append(c(_DIM, f"  back-translation: {safe_terminal(bt.text[:300])}{safe_terminal(flag)}"))
                last_seg = seg.id
            before, inside, after = context(t, f)
            excerpt = (
                f"{safe_terminal(before)}{c(_HL, safe_terminal(inside))}{safe_terminal(after)}"
                if color
                else f"{safe_terminal(before)}⟦{safe_terminal(inside)}⟧{safe_terminal(after)}"
            )
        else:
            excerpt = ""
        conf = confidence_label(f)
        lines.append(
            f"  {c(_COLOR[f.severity], f.severity.value.upper()):<8} {f.code}  " + (f"[{conf}] " if conf else "") + safe_terminal(f.message)
        )
        if excerpt:
            lines.append(f"      {excerpt}")
        if f.source is not None:
            lines.append(f"      source: {safe_terminal(f.source.text[:200])}")
        for code, message, _ in corroboration(f.evidence):
            lines.append(c(_DIM, f"      also {code}: {safe_terminal(message[:200])}"))
        if f.evidence:
            lines.append(c(_DIM, f"      evidence: {safe_terminal(format_evidence(dict(f.evidence)))}"))
        if f.suggestion:
            lines.append(f"      suggestion: {safe_terminal(f.suggestion)}")
    counts = report.counts()
    sev = counts["by_severity"]
    if counts["total"]:
        lines.append("")
    by_code = ", ".join(f"{k} {v}" for k, v in counts["by_code"].items())
    lines.append(
        f"{counts['total']} findings: {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor"
        + (f" ({by_code})" if by_code else "")
        + f" in {len(t.segments)} sentences"
    )
    held = held_back_line(report)
    if held:
        lines.append(c(_DIM, safe_terminal(held)))
    return "\n".join(lines) + "\n"
