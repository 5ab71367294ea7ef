"""Renderers of a project report: each document as its own format renders it, then the findings
across documents and the totals.

- JSON: ``audit-project/1`` (every document's ``audit-report/1`` inside);
- text, Markdown: per document, then across documents and totals;
- HTML: one self-contained page (same escaping and Content-Security-Policy as a single report):
  an index of documents linking to each document's section, the findings across documents,
  and one filter for the whole page;
- SARIF: one run, one artifact per file; JUnit: one test suite per document and one for the
  project; CSV: every finding with its document.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from audit.model import Finding, Span
from audit.project.report import ProjectReport
from audit.render import render


def render_project(project: ProjectReport, fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps(project.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt in ("text", "md"):
        return _textual(project, fmt, color)
    if fmt == "html":
        return _html(project)
    if fmt == "sarif":
        return _sarif(project)
    if fmt == "junit":
        return _junit(project)
    if fmt == "csv":
        return _csv(project)
    if fmt == "jsonl":
        return _jsonl(project)
    raise ValueError(f"unknown format {fmt!r}")


def _place_text(f: Finding) -> str:
    places = f.evidence.get("places") or []
    docs = sorted({p["document"] for p in places})
    return f"{len(places)} place(s) in {len(docs)} document(s)" if places else ""


def _textual(project: ProjectReport, fmt: str, color: bool) -> str:
    from audit.render.common import safe_terminal
    from audit.render.markdown import _escape

    md = fmt == "md"
    clean = _escape if md else safe_terminal
    out: list[str] = ["# Project audit" if md else "Project audit", ""]
    for key, report in project.documents:
        out += [f"## {clean(key)}" if md else f"=== {clean(key)} ===", ""]
        body = render(report, fmt, color=color)
        if md:  # one level down: the project is the page's title
            body = "\n".join("#" + line if line.startswith("#") else line for line in body.splitlines())
        out += [body.rstrip(), ""]
    out += ["## Across documents" if md else "=== across documents ===", ""]
    if not project.findings:
        out += ["No findings across documents.", ""]
    for f in project.findings:
        where = _place_text(f)
        line = f"{f.severity.value.upper()} {f.code} {clean(f.message)}" + (f" ({where})" if where else "")
        line += f" — suggestion: {clean(f.suggestion)}" if f.suggestion else ""
        out.append(f"- {line}" if md else f"  {line}")
    t = project.totals()
    sev = t["by_severity"]
    out += [
        "",
        f"{t['documents']} documents ({t['target_only']} target-only), {t['missing_translations']} missing translation(s); "
        f"{t['findings']} findings: {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor",
    ]
    for g in project.gates:
        out.append(f"totals gate {g.describe()}")
    failed = [k for k, r in project.documents if r.gates_failed]
    if failed:
        out.append(f"documents failing a gate: {', '.join(clean(k) for k in failed)}")
    return "\n".join(out) + "\n"


def _html(project: ProjectReport) -> str:
    from audit.render.html import _JS, _filters_section, _finding, _head, document_parts, esc

    t = project.totals()
    sev = t["by_severity"]
    title = "Translation audit: project"
    out = _head(title) + [
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f"<div><b>{t['findings']} findings</b>: {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor "
        f"in {t['documents']} documents ({t['target_only']} target-only); {t['missing_translations']} missing translation(s).</div>",
        f'<div class="muted">{esc(project.signature.get("toolkit", "audit"))} · signature <code>{esc(project.signature.get("id", "?"))}</code></div>',
        "</header>",
        "<section><h2>Documents</h2><table><thead><tr><th>document</th><th>mode</th><th>critical</th><th>major</th>"
        "<th>minor</th><th>scores</th><th>gates</th></tr></thead><tbody>",
    ]
    for n, (key, report) in enumerate(project.documents):
        c = report.counts()["by_severity"]
        scores = ", ".join(f"{s.name} {s.value:.3g}" for s in report.document_scores)
        gates = "–" if not report.gates else ("failed" if report.gates_failed else "passed")
        cls = {"failed": "failed", "passed": "passed"}.get(gates, "")
        out.append(
            f'<tr><td><a href="#doc-{n}">{esc(key)}</a></td><td>{esc(report.mode)}</td><td class="num">{c["critical"]}</td>'
            f'<td class="num">{c["major"]}</td><td class="num">{c["minor"]}</td><td>{esc(scores)}</td>'
            f'<td class="{cls}">{esc(gates)}</td></tr>'
        )
    out.append("</tbody></table></section>")
    out += ["<section><h2>Across documents</h2>"]
    out += [_finding(f) for f in project.findings] or ['<p class="muted">No findings across documents.</p>']
    if project.gates:
        out.append("<ul>" + "".join(f'<li class="{"passed" if g.passed else "failed"}">{esc(g.describe())}</li>' for g in project.gates) + "</ul>")
    out.append("</section>")
    every = list(project.all_findings())
    counts = {"by_code": t["by_code"], "by_severity": sev}
    out += _filters_section(every, counts)
    for n, (key, report) in enumerate(project.documents):
        before, table = document_parts(report, prefix=f"d{n}-")
        out += [f'<section class="doc" id="doc-{n}"><h2>{esc(key)}</h2>', *before, *table, "</section>"]
    out += [f"<script>{_JS}</script>", "</body></html>"]
    return "\n".join(out) + "\n"


def _sarif(project: ProjectReport) -> str:
    from audit.render.sarif import _LEVEL, SCHEMA

    runs = [json.loads(render(report, "sarif"))["runs"][0] for _, report in project.documents]
    rules: dict[str, dict[str, Any]] = {}
    artifacts: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    uri_index: dict[str, int] = {}
    for run in runs:
        for r in run["tool"]["driver"]["rules"]:
            rules.setdefault(r["id"], r)
        local = []
        for a in run["artifacts"]:
            uri = a["location"]["uri"]
            if uri not in uri_index:
                uri_index[uri] = len(artifacts)
                artifacts.append(a)
            local.append(uri_index[uri])
        for res in run["results"]:
            for loc in res["locations"]:
                art = loc["physicalLocation"]["artifactLocation"]
                art["index"] = local[art["index"]]
            res.pop("ruleIndex", None)
            results.append(res)
        for inv in run.get("invocations", []):
            notes += inv.get("toolExecutionNotifications", [])
    from audit.checks.base import REGISTRY
    from audit.render.sarif import _region, _uri

    docs = {key: report.target for key, report in project.documents}
    for f in project.findings:
        r = REGISTRY[f.code]
        rules.setdefault(f.code, {"id": r.code, "name": r.name, "shortDescription": {"text": r.summary},
                                  "fullDescription": {"text": r.doc}, "defaultConfiguration": {"level": _LEVEL[r.severity]}})  # fmt: skip
        results.append({
            "ruleId": f.code, "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": _uri(docs[p["document"]]), "index": uri_index.get(_uri(docs[p["document"]]), 0)},
                                      "region": _region(docs[p["document"]], Span(p["start"], p["end"], p["text"]))}}
                for p in (f.evidence.get("places") or [])[:50] if p["document"] in docs
            ],
            "partialFingerprints": {"mtAuditFingerprint/v1": f.fingerprint},
            "properties": {"severity": f.severity.value, "findingId": f.id, "evidence": json.loads(json.dumps(dict(f.evidence), default=str))},
        })  # fmt: skip
    index = {code: i for i, code in enumerate(rules)}
    for res in results:
        res["ruleIndex"] = index[res["ruleId"]]
    from audit import __version__

    run = {
        "tool": {"driver": {"name": "mt-audit", "version": __version__, "informationUri": "https://pypi.org/project/mt-audit/",
                            "rules": list(rules.values())}},
        "columnKind": "unicodeCodePoints", "artifacts": artifacts, "results": results,
        "invocations": [{"executionSuccessful": True, **({"toolExecutionNotifications": notes} if notes else {})}],
        "properties": {"signature": json.loads(json.dumps(project.signature, default=str)), "totals": project.totals(),
                       "gates": [g.to_dict() for g in project.gates]},
    }  # fmt: skip
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2) + "\n"


def _junit(project: ProjectReport) -> str:
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as SafeET

    from audit.render.junit import _x

    root = ET.Element("testsuites", name="mt-audit project")
    tests = failures = 0
    for key, report in project.documents:
        for suite in SafeET.fromstring(render(report, "junit").encode("utf-8")).iter("testsuite"):
            suite.set("name", _x(f"mt-audit: {key}"))
            tests += int(suite.get("tests", "0"))
            failures += int(suite.get("failures", "0"))
            root.append(suite)
    suite = ET.SubElement(root, "testsuite", name="mt-audit: across documents")
    cases = fails = 0
    for g in project.gates:
        case = ET.SubElement(suite, "testcase", classname="mt-audit.gates", name=_x(f"totals {g.gate.text}"))
        cases += 1
        if not g.passed:
            fails += 1
            ET.SubElement(case, "failure", message=_x(g.describe()), type="gate")
    for f in project.findings:
        case = ET.SubElement(suite, "testcase", classname=_x(f"mt-audit.{f.code}"), name=_x(f"{f.id} {f.code}"))
        cases += 1
        fails += 1
        ET.SubElement(case, "failure", message=_x(f.message), type=f.severity.value).text = _x(
            f.message + (f"\nsuggestion: {f.suggestion}" if f.suggestion else "")
        )
    if not cases:
        ET.SubElement(suite, "testcase", classname="mt-audit", name="no findings across documents")
        cases = 1
    for k, v in (("tests", cases), ("failures", fails), ("errors", 0), ("skipped", 0)):
        suite.set(k, str(v))
    root.set("tests", str(tests + cases))
    root.set("failures", str(failures + fails))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _csv(project: ProjectReport) -> str:
    from audit.render.csv_ import COLUMNS, _cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("document", *COLUMNS))
    for key, report in project.documents:
        rows = list(csv.reader(io.StringIO(render(report, "csv"))))[1:]
        for row in rows:
            writer.writerow((_cell(key), *row))
    for f in project.findings:
        evidence = json.dumps(dict(f.evidence), ensure_ascii=False, sort_keys=True, default=str)
        writer.writerow(_cell(v) for v in ("(project)", f.id, f.severity.value, "", f.code, "", "", "", f.message, f.suggestion or "", "", "", evidence, f.fingerprint))
    return buf.getvalue()


def _jsonl(project: ProjectReport) -> str:
    from audit.render.jsonl import finding_records, line

    out = []
    for key, report in project.documents:
        out += [line({"document": key, **r}) for r in finding_records(report)]
    for f in project.findings:
        out.append(line({"type": "finding", "document": None, **{k: v for k, v in f.to_dict().items() if k != "id"}}))
    out.append(line({"type": "summary", "schema": "audit-findings/1", "signature": dict(project.signature), **project.totals()}))
    return "".join(out)
