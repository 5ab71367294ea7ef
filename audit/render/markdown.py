"""Markdown report for pull-request comments; all document text escaped."""

from __future__ import annotations

import html

from audit.model import Report
from audit.render.common import (
    baseline_line,
    confidence_label,
    corroboration,
    format_evidence,
    held_back_line,
    safe_terminal,
    weakest_pairs,
)


def _escape(text: str) -> str:
    text = safe_terminal(text)
    text = html.escape(text, quote=True)
    return text.replace("|", "&#124;").replace("`", "&#96;").replace("*", "&#42;").replace("_", "&#95;").replace("[", "&#91;").replace("]", "&#93;")


def render_markdown(report: Report) -> str:
    t = report.target
    counts = report.counts()
    sev = counts["by_severity"]
    out = [
        f"## Translation audit: {_escape(t.path or 'text')}",
        "",
        f"**{counts['total']} findings** — {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor "
        f"in {len(t.segments)} sentences ({report.mode} audit).",
        "",
    ]
    held = held_back_line(report)
    if held:
        out += [_escape(held), ""]
    if report.document_scores:
        out += ["| score | value | 95% interval | signature |", "|---|---:|---|---|"]
        out += [
            f"| {s.name} | {s.value:.2f} | {f'{s.interval[0]:.2f}–{s.interval[1]:.2f}' if s.interval else ''} | {_escape(s.signature)} |"
            for s in report.document_scores
        ]
        out.append("")
    if report.gates:
        out += ["| gate | observed | threshold | result |", "|---|---:|---:|---|"]
        for g in report.gates:
            seen = "not measured" if g.observed is None else f"{g.observed:g}"
            result = "passed" if g.passed else "**failed**" + (f" ({_escape(g.reason)})" if g.reason else "")
            limit = "" if g.limit is None else f"{g.limit:g}"
            out.append(f"| `{_escape(g.gate.text)}` | {seen} | {limit} | {result} |")
        out.append("")
    if report.baseline is not None:
        out += [_escape(baseline_line(report)), ""]
    key, rows = weakest_pairs(report)
    if rows:
        names = list(dict.fromkeys(k for _, _, _, values in rows for k in values))
        out += [f"Weakest pairs by {key} ({len(rows)} of {len(report.pair_scores)}; all in the JSON report):", ""]
        out += ["| pair | " + " | ".join(names) + " | source | translation |", "|---|" + "---:|" * len(names) + "---|---|"]
        for ids, src, tgt, values in rows:
            cells = " | ".join(f"{values[k]:.2f}" if k in values else "" for k in names)
            out.append(f"| {_escape(ids)} | {cells} | {_escape(src[:120])} | {_escape(tgt[:120])} |")
        out.append("")
    notes = [n for s in report.stages for n in s.notes]
    if notes:
        out.append("Notes:")
        out += [f"- {_escape(n)}" for n in notes]
        out.append("")
    skipped = [s for s in report.stages if not s.ran]
    if skipped:
        out.append("Skipped stages:")
        out += [f"- **{s.name}**: {_escape(s.reason or '')}" + (f" — enable with: {_escape(s.enable)}" if s.enable else "") for s in skipped]
        out.append("")
    if report.findings:
        bts = {b.segment: b for b in report.backtranslations}
        bt_col = " back-translation |" if bts else ""
        out += [
            "| # | severity | confidence | code | sentence | text | message | suggestion |" + bt_col,
            "|---|---|---:|---|---:|---|---|---|" + ("---|" if bts else ""),
        ]
        for f in report.findings:
            seg = t.segment_at(f.target.start) if f.target else None
            text = f.target.text if f.target else ""
            if len(text) > 80:
                text = text[:77] + "…"
            bt = bts.get(seg.id) if seg is not None else None
            bt_cell = f" {_escape(bt.text[:160]) if bt else ''} |" if bts else ""
            out.append(
                f"| {f.id} | {f.severity.value} | {confidence_label(f)} | {f.code} | {seg.id if seg else ''} | {_escape(text)} | "
                f"{_escape(f.message)} | {_escape(f.suggestion or '')} |" + bt_cell
            )
        out.append("")
        out.append("<details><summary>Evidence</summary>\n")
        for f in report.findings:
            out.append(f"- {f.id} {f.code}: {_escape(format_evidence(dict(f.evidence), 300))}")
            out += [f"  - also {code}: {_escape(message[:300])}" for code, message, _ in corroboration(f.evidence)]
        out.append("\n</details>")
    out.append("")
    out.append(
        f"<sub>{_escape(str(report.signature.get('toolkit')))} · signature {_escape(str(report.signature.get('id')))}"
        f" · target sha256 {t.sha256[:12]}</sub>"
    )
    return "\n".join(out) + "\n"
