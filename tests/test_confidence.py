"""Confidence per finding, the min-confidence threshold, and the per-pair risk (audit.confidence)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from audit.confidence import EXEMPT, Model, apply, shipped
from audit.io.document import document_from_text
from audit.model import Bead, Finding, Severity, Span

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "audit" / "schema" / "report.schema.json").read_text(encoding="utf-8"))

EN = "The plan was approved on Monday.\nExports rose by 12% last year.\n"
# the second line is left in English: a finding every threshold should keep (UNT001)
JA = "計画は月曜日に承認された。\nExports rose by twelve percent in the last year, the ministry said.\n"


@pytest.fixture(autouse=True)
def _shipped_threshold(monkeypatch):
    """These tests are about the threshold, so they see the default one (conftest sets 0)."""
    monkeypatch.delenv("AUDIT_MIN_CONFIDENCE", raising=False)


def _model(**codes: float) -> Model:
    return Model.from_dict(
        {
            "version": "test",
            "intercept": 0.0,
            "weights": {"severity_major": 1.0},
            "families": {},
            "codes": codes,
            "default_threshold": {"source": 0.5, "target-only": 0.6},
            "risk": {"intercept": 0.0, "weights": {"evidence": 1.0}},
        }
    )


def _finding(code: str, start: int, end: int, text: str, severity: Severity = Severity.MINOR) -> Finding:
    return Finding(code=code, severity=severity, message=code, target=Span(start, end, text[start:end]), fingerprint=code + str(start))


def test_the_threshold_keeps_likely_findings_orders_them_and_counts_what_it_held_back():
    text = "一つ目の文。二つ目の文。三つ目の文。"
    doc = document_from_text(text, "ja")
    findings = [_finding("GRB001", 0, 3, text), _finding("UNT001", 6, 9, text), _finding("NAM002", 12, 15, text), _finding("SUP001", 0, 1, text)]
    model = _model(GRB001=-3.0, UNT001=2.0, NAM002=0.5)
    judged = apply(findings, doc, None, (), [], None, model)
    assert judged.threshold == 0.6  # the target-only default
    assert [f.code for f in judged.listed] == ["UNT001", "NAM002", "SUP001"]  # most likely first; SUP001 is exempt
    assert [f.id for f in judged.listed] == ["F0001", "F0002", "F0003"]
    assert judged.listed[0].confidence > judged.listed[1].confidence >= 0.6 and judged.listed[2].confidence is None
    assert judged.held_back == {"GRB001": 1} and "1 finding(s) below min-confidence 0.6 held back" in judged.summary()
    everything = apply(findings, doc, None, (), [], 0.0, model)
    assert len(everything.listed) == 4 and not everything.held_back
    assert "SUP001" in EXEMPT


def test_severity_and_rule_move_the_confidence_as_the_model_says():
    model = _model(UNT001=1.0)
    base = {"severity_major": 0.0}
    assert model.confidence("UNT001", base) > model.confidence("GRB001", base)
    assert model.confidence("GRB001", {"severity_major": 1.0}) > model.confidence("GRB001", base)
    assert 0.0 < model.risk([0.9], {}) and model.risk([0.9, 0.9], {}) > model.risk([0.9], {}) > model.risk([], {})


def test_pair_risk_is_written_into_the_pair_scores_and_the_document_gets_its_mean():
    src = document_from_text("One.\nTwo.", "en", presegmented=True)
    tgt = document_from_text("一。\n二。", "ja", presegmented=True)
    beads = (Bead((0,), (0,)), Bead((1,), (1,)))
    rows = [{"source": [0], "target": [0], "xsim": 0.9}, {"source": [1], "target": [1], "xsim": 0.9}]
    f = _finding("UNT001", tgt.segments[1].start, tgt.segments[1].end, tgt.text)
    judged = apply([f], tgt, src, beads, rows, None, _model(UNT001=3.0))
    assert rows[1]["risk"] > rows[0]["risk"]
    [risk] = judged.scores
    assert risk.name == "risk" and risk.value == pytest.approx((rows[0]["risk"] + rows[1]["risk"]) / 2, abs=1e-3)
    assert "confidence:test" in risk.signature and "pairs:2" in risk.signature


def test_the_shipped_model_says_where_it_came_from():
    model = shipped()
    prov = model.provenance
    assert "WMT24" in prov["data"] and "heldout" in prov["split"] and prov["fitted"]
    bins = prov["calibration_heldout"]["bins"]
    assert bins and all(0 <= b["predicted"] <= 1 and 0 <= b["observed"] <= 1 and b["findings"] > 0 for b in bins)
    assert 0 <= prov["calibration_heldout"]["ece"] <= 1
    assert {"source", "target-only"} <= set(model.thresholds) and all(0 < t < 1 for t in model.thresholds.values())


def _files(tmp_path):
    src, tgt = tmp_path / "s.en", tmp_path / "t.ja"
    src.write_text(EN, encoding="utf-8")
    tgt.write_text(JA, encoding="utf-8")
    return src, tgt


def test_every_format_shows_the_confidence_and_the_report_what_it_held_back(cli, tmp_path):
    src, tgt = _files(tmp_path)
    args = ("check", tgt, "--source", src, "--presegmented")
    full = cli(*args, "--format", "json", "--min-confidence", "0").json()
    default = cli(*args, "--format", "json").json()
    jsonschema.validate(default, SCHEMA)
    assert full["summary"]["min_confidence"] == 0.0 and full["summary"]["held_back"]["total"] == 0
    threshold = shipped().default_threshold("source")
    assert default["summary"]["min_confidence"] == threshold
    kept = {f["fingerprint"] for f in default["findings"]}
    assert kept <= {f["fingerprint"] for f in full["findings"]}
    assert len(full["findings"]) - len(default["findings"]) == default["summary"]["held_back"]["total"]
    assert all(f["confidence"] >= threshold for f in default["findings"])
    confidences = [f["confidence"] for f in full["findings"]]
    assert confidences == sorted(confidences, reverse=True)  # most likely first
    assert any(f["code"] == "UNT001" for f in default["findings"])  # English left in survives the default
    assert "risk" in full["scores"]["document"] and all("risk" in p for p in full["scores"]["pairs"])

    text = cli(*args, "--min-confidence", "0").out
    assert f"[{100 * full['findings'][0]['confidence']:.0f}%]" in text
    strict = cli(*args, "--min-confidence", "0.999").out  # every finding below it: all held back, and said
    assert f"{len(full['findings'])} finding(s) below min-confidence 0.999 held back" in strict
    md = cli(*args, "--format", "md", "--min-confidence", "0").out
    assert "| confidence |" in md
    sarif = json.loads(cli(*args, "--format", "sarif", "--min-confidence", "0").out)
    ranks = [r["rank"] for r in sarif["runs"][0]["results"]]
    assert ranks and all(0 <= r <= 100 for r in ranks)
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv", "--min-confidence", "0").out)))
    assert rows and all(0 <= float(r["confidence"]) <= 1 for r in rows)
    html = cli(*args, "--format", "html", "--min-confidence", "0").out
    assert 'class="conf"' in html
    junit = cli(*args, "--format", "junit", "--min-confidence", "0").out
    assert f"confidence {full['findings'][0]['confidence']:.0%}" in junit


def test_gates_and_counts_see_only_the_listed_findings(cli, tmp_path):
    src, tgt = _files(tmp_path)
    args = ("check", tgt, "--source", src, "--presegmented", "--format", "json")
    everything = cli(*args, "--min-confidence", "0").json()
    n = len(everything["findings"])
    assert cli(*args, "--min-confidence", "0", "--gate", f"findings=={n}").code == 0
    assert cli(*args, "--min-confidence", "1", "--gate", "findings==0").code == 0  # all held back
    assert cli(*args, "--gate", "risk<=1", "--gate", "risk>=0").code == 0  # risk is a score like any other


@pytest.mark.parametrize("value", ["2", "-0.1", "abc", "nan"])
def test_a_bad_min_confidence_is_a_one_line_usage_error(cli, tmp_path, value):
    _, tgt = _files(tmp_path)
    r = cli("check", tgt, "--min-confidence", value)
    assert r.code == 2 and "min-confidence" in r.err and len(r.err.strip().splitlines()) == 1


def test_min_confidence_from_the_environment_and_the_configuration(cli, tmp_path, monkeypatch):
    src, tgt = _files(tmp_path)
    args = ("check", tgt, "--source", src, "--presegmented", "--format", "json")
    monkeypatch.setenv("AUDIT_MIN_CONFIDENCE", "0")
    assert cli(*args).json()["summary"]["min_confidence"] == 0.0
    monkeypatch.delenv("AUDIT_MIN_CONFIDENCE")
    (tmp_path / "audit.toml").write_text("min-confidence = 0.25\n", encoding="utf-8")
    assert cli(*args).json()["summary"]["min_confidence"] == 0.25
    (tmp_path / "audit.toml").write_text("min-confidence = true\n", encoding="utf-8")
    assert cli(*args).code == 2


def test_an_empty_translation_unit_is_listed_by_default(cli, tmp_path):
    units = tmp_path / "units.jsonl"
    units.write_text(
        '{"source": "Hello there, friend.", "target": ""}\n{"source": "The plan was approved.", "target": "計画は承認された。"}\n', encoding="utf-8"
    )
    report = cli("check", units, "--format", "json").json()
    assert [f["code"] for f in report["findings"]] == ["OMI001"] and report["findings"][0]["severity"] == "major"
    risks = [p["risk"] for p in report["scores"]["pairs"]]
    assert risks[0] > risks[1]  # the untranslated unit is the riskier pair
