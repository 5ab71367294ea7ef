"""One self-contained HTML audit report: aligned pairs side by side, findings highlighted in both texts.

Safety rests on two independent walls:

1. every piece of document text, finding message, evidence value and path is HTML-escaped
   (``html.escape(quote=True)``) before it reaches the page, and control and bidi-override
   characters are shown as visible escapes;
2. a Content-Security-Policy meta tag allows nothing but this file's own style sheet and script,
   named by their SHA-256: an injected ``<script>`` or ``onerror=`` would not run even if the first
   wall had a hole, and the page can make no network request (no fonts, images, CDN).

The script only toggles classes and the ``hidden`` attribute; it never builds markup from text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from audit.model import Document, Finding, Report, Segment, Severity
from audit.render.common import baseline_line, confidence_label, corroboration, held_back_line, safe_terminal

_CSS = """
:root{--crit:#b00020;--major:#d9480f;--minor:#b08900;--bg:#fff;--fg:#1d1d1f;--muted:#666;--line:#ddd}
*{box-sizing:border-box}
body{font:14px/1.55 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic UI","Yu Gothic",YuGothic,Meiryo,"Noto Sans CJK JP","Noto Sans JP","Source Han Sans JP","IPAexGothic","IPAGothic","Droid Sans Fallback",sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header,section{padding:.6rem 1.2rem}
header{border-bottom:1px solid var(--line);background:#f7f7f9}
h1{font-size:1.25rem;margin:.2rem 0}
h2{font-size:1.05rem;margin:.8rem 0 .3rem}
.muted{color:var(--muted)}
table{border-collapse:collapse}
td,th{border:1px solid var(--line);padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#f2f2f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,SFMono-Regular,Menlo,"BIZ UDGothic","MS Gothic","Noto Sans Mono CJK JP","Noto Sans CJK JP","IPAGothic",monospace;font-size:.92em}
.pairs{width:100%;table-layout:fixed}
.pairs td{word-break:break-word}
.pairs col.id{width:4.5rem}
.pairs col.sc{width:9rem}
.pairs col.fi{width:24%}
section.doc{border-top:2px solid var(--line);margin-top:.8rem}
.seg{display:block}
.seg+.seg{margin-top:.3rem;border-top:1px dotted var(--line);padding-top:.3rem}
.sid{color:var(--muted);font-size:.8em;margin-right:.3em;user-select:none}
.bt{color:#345}
.empty{color:var(--muted);font-style:italic}
mark{background:#ffe8a3;border-bottom:2px solid var(--minor);cursor:pointer;padding:0 1px}
mark.s-major{background:#ffd8c2;border-bottom-color:var(--major)}
mark.s-critical{background:#ffc9d2;border-bottom-color:var(--crit)}
mark.off{background:none;border-bottom:none;cursor:auto}
mark.flash,details.flash{outline:3px solid #4263eb}
details.f{margin:.15rem 0;border-left:4px solid var(--minor);padding-left:.4rem}
details.f.s-major{border-left-color:var(--major)}
details.f.s-critical{border-left-color:var(--crit)}
details.f>summary{cursor:pointer}
.sev{font-weight:600;text-transform:uppercase;font-size:.78em}
.conf{font-variant-numeric:tabular-nums;color:var(--muted);font-size:.85em}
.s-critical .sev,.sev.s-critical{color:var(--crit)}
.s-major .sev,.sev.s-major{color:var(--major)}
.s-minor .sev,.sev.s-minor{color:var(--minor)}
dl{margin:.2rem 0 .4rem;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .6rem}
dt{color:var(--muted)}
dd{margin:0}
#filters label{margin-right:1rem;white-space:nowrap}
.passed{color:#2b8a3e;font-weight:600}
.failed{color:var(--crit);font-weight:600}
tr[hidden]{display:none}
"""

_JS = """
(function(){
  'use strict';
  var sev = {}, code = {};
  var boxes = document.querySelectorAll('input[data-filter]');
  var onlyFlagged = document.getElementById('only-flagged');
  function read(){
    boxes.forEach(function(b){ (b.dataset.filter === 'sev' ? sev : code)[b.value] = b.checked; });
  }
  function shown(el){ return sev[el.dataset.sev] !== false && code[el.dataset.code] !== false; }
  function apply(){
    read();
    var visible = {};
    document.querySelectorAll('details.f').forEach(function(d){
      var on = shown(d); d.hidden = !on; if(on){ visible[d.id] = true; }
    });
    document.querySelectorAll('mark[data-f]').forEach(function(m){
      var any = m.dataset.f.split(' ').some(function(id){ return visible[id]; });
      m.classList.toggle('off', !any);
    });
    document.querySelectorAll('table.pairs tbody tr').forEach(function(tr){
      var has = tr.querySelector('details.f:not([hidden])') !== null;
      tr.hidden = onlyFlagged.checked && !has;
    });
  }
  boxes.forEach(function(b){ b.addEventListener('change', apply); });
  onlyFlagged.addEventListener('change', apply);
  document.addEventListener('click', function(ev){
    var m = ev.target.closest ? ev.target.closest('mark[data-f]') : null;
    if(!m || m.classList.contains('off')){ return; }
    m.dataset.f.split(' ').forEach(function(id, i){
      var d = document.getElementById(id);
      if(!d || d.hidden){ return; }
      d.open = true; d.classList.add('flash');
      if(i === 0){ d.scrollIntoView({block:'nearest'}); }
      setTimeout(function(){ d.classList.remove('flash'); }, 1200);
    });
  });
  apply();
})();
"""


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


_CSP = (
    "default-src 'none'; "
    f"style-src '{_sha(_CSS)}'; "
    f"script-src '{_sha(_JS)}'; "
    "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


def esc(text: object) -> str:
    """Untrusted text made inert: control/bidi characters visible, then HTML-escaped (quotes too)."""
    return html.escape(safe_terminal(str(text)), quote=True)


def _highlighted(doc: Document, seg: Segment, hits: Sequence[tuple[int, int, Finding]]) -> str:
    """The segment's text with every finding span inside it wrapped in a <mark>; overlaps split."""
    cuts = {seg.start, seg.end}
    inside = []
    for start, end, f in hits:
        lo, hi = max(start, seg.start), min(end, seg.end)
        if lo < hi:  # an empty span (a missing item) marks nothing; its finding is still listed
            inside.append((lo, hi, f))
            cuts.update((lo, hi))
    points = sorted(cuts)
    out = []
    for lo, hi in zip(points, points[1:], strict=False):
        piece = doc.text[lo:hi]
        covering = [f for s, e, f in inside if s <= lo and hi <= e]
        if not covering:
            out.append(esc(piece))
            continue
        worst = min(covering, key=lambda f: f.severity.rank)
        ids = " ".join(f.id for f in covering)
        title = "\n".join(f"{f.code} ({f.severity.value}): {f.message}" for f in covering)
        out.append(f'<mark class="s-{worst.severity.value}" data-f="{esc(ids)}" title="{esc(title)}">{esc(piece)}</mark>')
    return "".join(out)


def _segments(doc: Document | None, ids: Iterable[int], hits: dict[int, list[tuple[int, int, Finding]]]) -> str:
    if doc is None:
        return ""
    parts = [
        f'<span class="seg"><span class="sid">{i}</span>{_highlighted(doc, doc.segments[i], hits.get(i, []))}</span>'
        for i in ids
        if 0 <= i < len(doc.segments)
    ]
    return "".join(parts) or '<span class="empty">(nothing aligned)</span>'


def _evidence_value(value: object) -> str:
    if isinstance(value, (dict, list, tuple)):
        return f"<code>{esc(json.dumps(value, ensure_ascii=False, default=str))}</code>"
    return esc(value)


def _finding(f: Finding) -> str:
    rows = []
    if f.target is not None:
        rows.append(("translation", esc(f.target.text)))
    if f.source is not None:
        rows.append(("source", esc(f.source.text)))
    if f.suggestion:
        rows.append(("suggestion", esc(f.suggestion)))
    rows += [(str(k), _evidence_value(v)) for k, v in f.evidence.items() if k != "corroborated_by"]
    also = corroboration(f.evidence)
    if also:
        items = "".join(
            f"<li><code>{esc(code)}</code> {esc(message)}" + (f" <i>({esc(src)})</i>" if src else "") + "</li>"
            for code, message, src in also
        )
        rows.append(("also found by", f"<ul>{items}</ul>"))
    rows.append(("fingerprint", f"<code>{esc(f.fingerprint)}</code>"))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    sev = f.severity.value
    conf = confidence_label(f)
    conf_html = f' <span class="conf" title="probability that a reviewer marks an error here">{esc(conf)}</span>' if conf else ""
    return (
        f'<details class="f s-{sev}" id="{esc(f.id)}" data-sev="{sev}" data-code="{esc(f.code)}">'
        f'<summary><span class="sev">{sev}</span>{conf_html} <code>{esc(f.code)}</code> {esc(f.message)}</summary>'
        f"<dl>{dl}</dl></details>"
    )


def _pair_values(values: dict[str, object]) -> str:
    nums = [(k, v) for k, v in values.items() if isinstance(v, (int, float)) and k not in ("bead", "source", "target")]
    return "<br>".join(f"{esc(k)} <b>{float(v):.2f}</b>" for k, v in nums)


def render_html(report: Report) -> str:
    t, s = report.target, report.source
    counts = report.counts()
    sev_counts = counts["by_severity"]
    title = f"Translation audit: {t.path or 'text'}"
    out = _head(title) + [
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f"<div><b>{counts['total']} findings</b>: {sev_counts['critical']} critical, {sev_counts['major']} major, "
        f"{sev_counts['minor']} minor in {len(t.segments)} translated sentences ({esc(report.mode)} audit"
        + (f"; source {esc(s.path or 'text')}, {len(s.segments)} sentences" if s is not None else "")
        + ").</div>",
        *([f'<div class="muted">{esc(held)}</div>'] if (held := held_back_line(report)) else []),
        f'<div class="muted">{esc(report.signature.get("toolkit", "audit"))} · signature <code>{esc(report.signature.get("id", "?"))}</code>'
        f" · target sha256 <code>{esc(t.sha256[:16])}</code></div>",
        "</header>",
    ]
    before, table = document_parts(report, table_id="pairs")
    out += before + _filters_section(report.findings, counts) + table
    out += [f"<script>{_JS}</script>", "</body></html>"]
    return "\n".join(out) + "\n"


def _head(title: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
    ]


def document_parts(report: Report, *, table_id: str | None = None, prefix: str = "") -> tuple[list[str], list[str]]:
    """One document's sections (scores, baseline, stages, findings outside any sentence) and its
    table of sentences; ``prefix`` makes finding ids unique on a page of several documents."""
    from dataclasses import replace

    if prefix:
        report = replace(report, findings=tuple(replace(f, id=f"{prefix}{f.id}") for f in report.findings))
    t, s = report.target, report.source

    # findings → the row (pair) that shows them and the segment spans they mark
    tgt_hits: dict[int, list[tuple[int, int, Finding]]] = defaultdict(list)
    src_hits: dict[int, list[tuple[int, int, Finding]]] = defaultdict(list)
    row_of_tgt: dict[int, int] = {}
    row_of_src: dict[int, int] = {}
    if s is not None and report.alignment:
        rows = [(list(b.source), list(b.target)) for b in report.alignment]
    else:
        rows = [([], [seg.id]) for seg in t.segments]
    for r, (src_ids, tgt_ids) in enumerate(rows):
        for j in tgt_ids:
            row_of_tgt[j] = r
        for i in src_ids:
            row_of_src[i] = r
    per_row: dict[int, list[Finding]] = defaultdict(list)
    unplaced: list[Finding] = []
    for f in report.findings:
        row = None
        if f.target is not None:
            for seg in _covering(t, f.target.start, f.target.end):
                tgt_hits[seg.id].append((f.target.start, f.target.end, f))
                row = row_of_tgt.get(seg.id, row) if row is None else row
        if f.source is not None and s is not None:
            for seg in _covering(s, f.source.start, f.source.end):
                src_hits[seg.id].append((f.source.start, f.source.end, f))
                row = row_of_src.get(seg.id) if row is None else row
        if row is None:
            unplaced.append(f)
        else:
            per_row[row].append(f)

    bts = {b.segment: b for b in report.backtranslations}
    pair_values = {(tuple(p.get("source", ())), tuple(p.get("target", ()))): p for p in report.pair_scores}
    has_bt = bool(bts)
    has_scores = bool(pair_values)

    before = _scores_section(report)
    if report.baseline is not None:
        before.append(f"<section><h2>Baseline</h2><p>{esc(baseline_line(report))}</p></section>")
    before += _stages_section(report)
    if unplaced:
        before += ["<section><h2>Findings outside any sentence</h2>", *(_finding(f) for f in unplaced), "</section>"]

    heads = ['<col class="id">']
    header = ["<th>pair</th>"]
    if s is not None:
        heads.append("<col>")
        header.append("<th>source</th>")
    heads.append("<col>")
    header.append("<th>translation</th>")
    if has_bt:
        heads.append("<col>")
        header.append("<th>back-translation</th>")
    if has_scores:
        heads.append('<col class="sc">')
        header.append("<th>scores</th>")
    heads.append('<col class="fi">')
    header.append("<th>findings</th>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    table = [
        "<section><h2>Sentences</h2>",
        f'<table class="pairs"{ident}><colgroup>{"".join(heads)}</colgroup><thead><tr>{"".join(header)}</tr></thead><tbody>',
    ]
    for r, (src_ids, tgt_ids) in enumerate(rows):
        label = (",".join(map(str, src_ids)) or "∅") + "→" + (",".join(map(str, tgt_ids)) or "∅") if s is not None else str(tgt_ids[0])
        cells = [f"<td>{esc(label)}</td>"]
        if s is not None:
            cells.append(f"<td>{_segments(s, src_ids, src_hits)}</td>")
        cells.append(f"<td>{_segments(t, tgt_ids, tgt_hits)}</td>")
        if has_bt:
            bt = " ".join(bts[j].text for j in tgt_ids if j in bts)
            cells.append(f'<td class="bt">{esc(bt)}</td>')
        if has_scores:
            cells.append(f"<td>{_pair_values(dict(pair_values.get((tuple(src_ids), tuple(tgt_ids)), {})))}</td>")
        cells.append(f"<td>{''.join(_finding(f) for f in per_row.get(r, []))}</td>")
        table.append(f"<tr>{''.join(cells)}</tr>")
    table.append("</tbody></table></section>")
    return before, table


def _covering(doc: Document, start: int, end: int) -> list[Segment]:
    first = doc.segment_at(start)
    if first is None:
        return []
    found = [first]
    for seg in doc.segments[first.id + 1 :]:
        if seg.start >= end:
            break
        found.append(seg)
    return found


def _scores_section(report: Report) -> list[str]:
    out: list[str] = []
    if report.document_scores:
        out += ["<section><h2>Document scores</h2><table><thead><tr><th>score</th><th>value</th><th>95% interval</th><th>signature</th></tr></thead><tbody>"]
        for sc in report.document_scores:
            ci = f"{sc.interval[0]:.2f}–{sc.interval[1]:.2f}" if sc.interval else ""
            out.append(f'<tr><td>{esc(sc.name)}</td><td class="num">{sc.value:.2f}</td><td class="num">{ci}</td><td><code>{esc(sc.signature)}</code></td></tr>')
        out.append("</tbody></table></section>")
    if report.gates:
        out += ["<section><h2>Gates</h2><table><thead><tr><th>gate</th><th>observed</th><th>threshold</th><th>result</th><th>from</th></tr></thead><tbody>"]
        for g in report.gates:
            seen = "not measured" if g.observed is None else f"{g.observed:g}"
            verdict = '<span class="passed">passed</span>' if g.passed else '<span class="failed">failed</span>'
            why = f" — {esc(g.reason)}" if g.reason else ""
            limit = "" if g.limit is None else f"{g.limit:g}"
            out.append(
                f'<tr><td><code>{esc(g.gate.text)}</code></td><td class="num">{esc(seen)}</td>'
                f'<td class="num">{limit}</td><td>{verdict}{why}</td><td>{esc(g.gate.origin)}</td></tr>'
            )
        out.append("</tbody></table></section>")
    return out


def _stages_section(report: Report) -> list[str]:
    skipped = [st for st in report.stages if not st.ran]
    # a stage that ran keeps a description in its reason (the aligner's signals and settings);
    # only the check stage's names what did not run within it (rules and what they need)
    notes = [st for st in report.stages if st.ran and st.reason and st.name == "check"]
    held_back = [(st.name, n) for st in report.stages for n in st.notes]
    if not skipped and not notes and not held_back:
        return []
    out = ["<section><h2>What was skipped, and why</h2><ul>"]
    for st in skipped:
        enable = f"<br><span class=\"muted\">to enable:</span> <code>{esc(st.enable)}</code>" if st.enable else ""
        out.append(f"<li><b>{esc(st.name)}</b>: {esc(st.reason or 'skipped')}{enable}</li>")
    for st in notes:
        out.append(f"<li><b>{esc(st.name)}</b> ran; not run within it: {esc(st.reason)}</li>")
    for name, note in held_back:
        out.append(f"<li><b>{esc(name)}</b> ran; held back: {esc(note)}</li>")
    out.append("</ul></section>")
    return out


def _filters_section(findings: Iterable[Finding], counts: dict[str, object]) -> list[str]:
    by_code: dict[str, int] = counts["by_code"]  # type: ignore[assignment]
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.code not in worst or f.severity.rank < worst[f.code].rank:
            worst[f.code] = f.severity
    sev_counts: dict[str, int] = counts["by_severity"]  # type: ignore[assignment]
    out = ['<section id="filters"><h2>Filters</h2><div>']
    for sev in Severity:
        out.append(
            f'<label><input type="checkbox" data-filter="sev" value="{sev.value}" checked> '
            f'<span class="sev s-{sev.value}">{sev.value}</span> ({sev_counts[sev.value]})</label>'
        )
    out.append('<label><input type="checkbox" id="only-flagged"> only sentences with findings</label></div>')
    if by_code:
        out.append('<table><thead><tr><th>show</th><th>code</th><th>severity</th><th>findings</th></tr></thead><tbody>')
        for code, n in by_code.items():
            level = worst[code].value
            out.append(
                f'<tr><td><input type="checkbox" data-filter="code" value="{esc(code)}" checked aria-label="show {esc(code)}"></td>'
                f'<td><code>{esc(code)}</code></td><td><span class="sev s-{level}">{level}</span></td><td class="num">{n}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return out
