"""Gates (exit 1 with observed value, threshold and signature), SARIF and JUnit outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
from test_cli import SCHEMA

BROKEN = "によると 公式統計 会議中、両国の閣僚は貿易について議論した。\n予算は月曜日に承認された。\n"
CLEAN = "予算は月曜日に承認された。\n"


def _doc(tmp_path, text: str, name: str = "t.ja"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_gates_pass_and_fail_with_observed_values(cli, tmp_path):
    clean, broken = _doc(tmp_path, CLEAN, "clean.ja"), _doc(tmp_path, BROKEN, "broken.ja")
    r = cli("check", clean, "--gate", "critical==0", "--gate", "GRB==0")
    assert r.code == 0 and "gate passed GRB==0: observed 0, threshold 0" in r.err
    r = cli("check", broken, "--gate", "critical==0", "--gate", "GRB==0", "--format", "json")
    assert r.code == 1
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    gates = {g["gate"]: g for g in report["gates"]}
    assert gates["critical==0"]["passed"] is True
    assert gates["GRB==0"]["passed"] is False and gates["GRB==0"]["observed"] >= 1
    assert f"[signature {report['signature']['id']}]" in r.err and "1 of 2 gates failed" in r.err


def test_a_score_the_report_lacks_fails_the_gate_saying_why(cli, tmp_path):
    r = cli("check", _doc(tmp_path, CLEAN), "--gate", "chrf>=50")
    assert r.code == 1 and "not measured" in r.err and "score 'chrf' is not in this report (it has: risk)" in r.err


def test_bad_gates_are_usage_errors_naming_their_origin(cli, tmp_path):
    doc = _doc(tmp_path, CLEAN)
    r = cli("check", doc, "--gate", "chrf=>50")
    assert r.code == 2 and "command line: cannot read gate 'chrf=>50'" in r.err
    (tmp_path / "audit.toml").write_text('gates = ["major<=x"]\n', encoding="utf-8")
    r = cli("check", doc)
    assert r.code == 2 and "audit.toml: cannot read gate 'major<=x'" in r.err


def test_command_line_gates_replace_configured_ones(cli, tmp_path):
    doc = _doc(tmp_path, BROKEN)
    (tmp_path / "audit.toml").write_text('gates = ["GRB==0"]\n', encoding="utf-8")
    assert cli("check", doc).code == 1
    r = cli("check", doc, "--gate", "critical==0")
    assert r.code == 0 and "GRB==0" not in r.err


def test_sarif_locates_every_finding_in_the_translation(cli, tmp_path):
    doc = _doc(tmp_path, "前置き。\n\n" + BROKEN)
    sarif = json.loads(cli("check", doc, "--format", "sarif").out)
    report = cli("check", doc, "--format", "json").json()
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["columnKind"] == "unicodeCodePoints"
    run = sarif["runs"][0]
    assert len(run["results"]) == len(report["findings"]) > 0
    text = doc.read_text(encoding="utf-8")
    for res, f in zip(run["results"], report["findings"], strict=True):
        region = res["locations"][0]["physicalLocation"]["region"]
        assert text[region["charOffset"] : region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
        line = text.splitlines()[region["startLine"] - 1]
        assert line[region["startColumn"] - 1 :].startswith(region["snippet"]["text"].split("\n")[0])
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"] == f["code"]
        assert res["partialFingerprints"]["mtAuditFingerprint/v1"] == f["fingerprint"]


def test_junit_counts_failures_and_survives_control_characters(cli, tmp_path):
    doc = _doc(tmp_path, BROKEN.replace("公式統計", "公式\x0b統計<b>&"))
    r = cli("check", doc, "--format", "junit", "--gate", "critical==0")
    root = ET.fromstring(r.out)
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("tests")) == len(cases) and int(suite.get("failures")) == len(failed) >= 1
    assert cases[0].get("name") == "critical==0" and cases[0].find("failure") is None
    clean = ET.fromstring(cli("check", _doc(tmp_path, CLEAN, "c.ja"), "--format", "junit").out)
    assert [c.get("name") for c in clean.iter("testcase")] == ["no findings"]


WORSE = BROKEN + "This sentence was left in English by the translation system.\n"


def test_baseline_round_trip_new_findings_and_relative_gates(cli, tmp_path):
    doc = _doc(tmp_path, BROKEN)
    base = tmp_path / "base.json"
    r = cli("check", doc, "--baseline", base, "--update-baseline", "--gate", "findings<=baseline", "--gate", "new==0")
    assert r.code == 0 and f"baseline {base} updated" in r.err
    stored = json.loads(base.read_text())
    entry = stored["documents"][str(doc).replace("\\", "/")]
    assert stored["schema"] == "audit-baseline/1" and len(entry["findings"]) >= 2

    # unchanged text: nothing new, relative gates pass
    r = cli("check", doc, "--baseline", base, "--gate", "new==0", "--gate", "major<=baseline", "--format", "json")
    assert r.code == 0, r.err
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    assert report["baseline"]["new"] == [] and report["baseline"]["comparable"] is True

    # a regression: the untranslated sentence is new, and only it
    doc.write_text(WORSE, encoding="utf-8")
    r = cli("check", doc, "--baseline", base, "--gate", "new==0", "--gate", "findings<=baseline+5", "--format", "json")
    assert r.code == 1
    report = r.json()
    new = [f for f in report["findings"] if f["id"] in report["baseline"]["new"]]
    assert new and all(f["code"].startswith("UNT") for f in new)
    known = {f["fingerprint"] for f in entry["findings"]}
    assert all(f["fingerprint"] in known for f in report["findings"] if f not in new)
    gates = {g["gate"]: g for g in report["gates"]}
    assert gates["new==0"]["passed"] is False and gates["new==0"]["observed"] == len(new)
    assert gates["findings<=baseline+5"]["threshold"] == len(entry["findings"]) + 5 and gates["findings<=baseline+5"]["passed"]
    sarif = json.loads(cli("check", doc, "--baseline", base, "--format", "sarif").out)
    states = [res["baselineState"] for res in sarif["runs"][0]["results"]]
    assert states.count("new") == len(new) and states.count("unchanged") == len(states) - len(new)


def test_baseline_tolerances_are_kept_and_applied(cli, tmp_path):
    from audit.baseline import Baseline, Entry, dumps
    from audit.gates import evaluate, parse

    base = tmp_path / "b.json"
    doc = _doc(tmp_path, CLEAN)
    entry = Entry(scores={"xsim": 0.80}, tolerances={"xsim": 0.05}, findings=())
    base.write_text(dumps(Baseline(str(base), {str(doc): entry})), encoding="utf-8")
    # keep the hand-set tolerance when the entry is refreshed
    assert cli("check", doc, "--baseline", base, "--update-baseline").code == 0
    assert json.loads(base.read_text())["documents"][str(doc)]["tolerances"]["xsim"] == 0.05

    from audit.model import Document, Report, Score

    def report(value: float) -> Report:
        target = Document(str(doc), "0" * 64, "utf-8", "ja", "", ())
        return Report(signature={"rules": []}, target=target, document_scores=(Score("xsim", value, "sig"),))

    bl = Baseline(str(base), {str(doc): entry})
    for value, explicit, stored in ((0.78, False, True), (0.74, False, False), (0.79, True, True), (0.76, False, True)):
        [explicit_result] = evaluate(report(value), [parse("xsim>=baseline-0.01")], bl)
        [stored_result] = evaluate(report(value), [parse("xsim>=baseline")], bl)
        assert (explicit_result.passed, stored_result.passed) == (explicit, stored), value
    [missing] = evaluate(report(0.9), [parse("chrf>=baseline")], bl)
    assert not missing.passed and missing.observed is None


def test_baseline_gates_without_a_baseline_fail_and_bad_files_exit_2(cli, tmp_path):
    doc = _doc(tmp_path, CLEAN)
    r = cli("check", doc, "--gate", "new==0")
    assert r.code == 1 and "no baseline given" in r.err
    r = cli("check", doc, "--baseline", tmp_path / "missing.json")
    assert r.code == 2 and "baseline not found" in r.err and "--update-baseline" in r.err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something-else"}', encoding="utf-8")
    r = cli("check", doc, "--baseline", bad)
    assert r.code == 2 and "not an audit baseline" in r.err and len(r.err.strip().splitlines()) == 1
    other = _doc(tmp_path, BROKEN, "other.ja")
    assert cli("check", other, "--baseline", bad.with_name("b2.json"), "--update-baseline").code == 0
    r = cli("check", doc, "--baseline", bad.with_name("b2.json"), "--gate", "major<=baseline")
    assert r.code == 1 and "has no entry for" in r.err


def test_a_gate_on_a_check_that_did_not_run_fails_but_framework_codes_count(cli, tmp_path):
    clean = _doc(tmp_path, CLEAN, "clean.ja")
    r = cli("check", clean, "--select", "GRB", "--gate", "NAM==0", "--format", "json")
    gate = r.json()["gates"][0]
    assert r.code == 1 and gate["passed"] is False and gate["observed"] is None
    assert gate["reason"] == "no check matching NAM ran in this audit"
    # codes the framework reports (stale suppressions; what a project finds across documents)
    r = cli("check", clean, "--gate", "SUP001==0", "--gate", "PRJ==0", "--format", "json")
    assert r.code == 0, r.err
    assert [(g["gate"], g["observed"]) for g in r.json()["gates"]] == [("SUP001==0", 0.0), ("PRJ==0", 0.0)]
