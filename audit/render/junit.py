"""JUnit XML (CI dashboards): one test case per gate and per finding, so a dashboard shows what
failed and where. A finding is a failed test case named by its code and line; a clean audit is one
passing test case. Text that XML 1.0 cannot carry (control characters) is replaced."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from audit.model import Report
from audit.render.common import format_evidence

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: object) -> str:
    return _ILLEGAL.sub("\ufffd", str(text))


def render_junit(report: Report) -> str:
    t = report.target
    name = f"mt-audit: {t.path or 'translation'}"
    suite = ET.Element("testsuite", name=_x(name))
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="signature", value=_x(report.signature.get("id", "")))
    ET.SubElement(props, "property", name="mode", value=report.mode)
    for s in report.document_scores:
        ET.SubElement(props, "property", name=_x(f"score.{s.name}"), value=f"{s.value:.4f}")
    failures = 0
    cases = 0
    for g in report.gates:
        case = ET.SubElement(suite, "testcase", classname="mt-audit.gates", name=_x(g.gate.text))
        cases += 1
        if not g.passed:
            failures += 1
            ET.SubElement(case, "failure", message=_x(g.describe()), type="gate")
    for f in report.findings:
        where = ""
        if f.target is not None:
            where = f" line {t.text.count(chr(10), 0, f.target.start) + 1}"
        case = ET.SubElement(suite, "testcase", classname=_x(f"mt-audit.{f.code}"), name=_x(f"{f.id} {f.code}{where}"))
        cases += 1
        failures += 1
        fail = ET.SubElement(case, "failure", message=_x(f.message), type=f.severity.value)
        body = [f"{f.code} ({f.severity.value}" + (f", confidence {f.confidence:.0%}" if f.confidence is not None else "") + f"): {f.message}"]
        if f.target is not None:
            body.append(f"translation: {f.target.text}")
        if f.source is not None:
            body.append(f"source: {f.source.text}")
        if f.evidence:
            body.append(f"evidence: {format_evidence(dict(f.evidence), 500)}")
        if f.suggestion:
            body.append(f"suggestion: {f.suggestion}")
        fail.text = _x("\n".join(body))
    if not cases:
        ET.SubElement(suite, "testcase", classname="mt-audit", name="no findings")
        cases = 1
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    root = ET.Element("testsuites", name="mt-audit", tests=str(cases), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
