"""The pytest plugin, run inside real pytest sessions with pytester."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest

pytest_plugins = ("pytester",)

BROKEN = "によると 公式統計 会議中、両国の閣僚は貿易について議論した。\n予算は月曜日に承認された。\n"
CLEAN = "両国の閣僚は貿易について議論した。\n予算は月曜日に承認された。\n"
ENGLISH = "This sentence was left in English by the translation system.\n"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch, warm_audit):
    monkeypatch.delenv("AUDIT_GATES", raising=False)
    monkeypatch.delenv("AUDIT_BASELINE", raising=False)
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "clean.ja").write_text(CLEAN, encoding="utf-8")
    (pytester.path / "docs" / "broken.ja").write_text(BROKEN, encoding="utf-8")
    return pytester


def test_the_plugin_is_registered_through_its_entry_point():
    assert any(ep.value == "audit.pytest_plugin" for ep in entry_points(group="pytest11"))


def test_marker_gates_pass_and_fail_with_the_reason(project):
    project.makepyfile(
        """
        import pytest

        @pytest.mark.audit_gate("critical==0", target="docs/broken.ja")
        def test_no_critical():
            pass

        @pytest.mark.audit_gate("GRB==0", "minor<=10", target="docs/broken.ja")
        def test_no_garbling():
            pass

        @pytest.mark.audit_gate("GRB==0", target="docs/clean.ja")
        def test_clean():
            pass
        """
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "audit gates failed for" in out and "broken.ja" in out
    assert "FAILED GRB==0: observed" in out and "threshold 0" in out and "[from marker audit_gate on" in out
    assert "passed minor<=10" in out
    assert "GRB001" in out and "(sentence 0)" in out  # the findings behind the failed gate
    assert "signature " in out
    assert "audit: 2 documents audited" in out and "4 gates checked, 1 failed" in out


def test_ini_options_fixture_header_and_default_gates(project):
    project.makeini(
        """
        [pytest]
        audit_target = docs/broken.ja
        audit_gates = critical==0 GRB==0
        """
    )
    project.makepyfile(
        """
        import pytest

        @pytest.mark.audit_gate()
        def test_configured_gates():
            pass

        def test_fixture(audit_report):
            assert audit_report.target.path.endswith("broken.ja")
            assert [g.gate.text for g in audit_report.gates] == ["critical==0", "GRB==0"]
        """
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "audit: mt-audit" in out and "target " in out and "(from ini option audit_target" in out
    assert "gates critical==0 GRB==0 (from ini option audit_gates" in out
    assert "FAILED GRB==0" in out and "[from ini option audit_gates" in out


def test_precedence_command_line_over_environment_over_ini(project, monkeypatch):
    project.makeini(
        """
        [pytest]
        audit_target = docs/broken.ja
        audit_gates = GRB==0
        """
    )
    project.makepyfile(
        """
        import pytest

        @pytest.mark.audit_gate()
        def test_gates():
            pass
        """
    )
    project.runpytest_inprocess().assert_outcomes(failed=1)  # ini: GRB==0 fails
    monkeypatch.setenv("AUDIT_GATES", "critical==0")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)  # environment beats ini
    assert "(from environment AUDIT_GATES)" in result.stdout.str()
    result = project.runpytest_inprocess("--audit-gate", "findings==0")
    result.assert_outcomes(failed=1)  # command line beats environment
    assert "[from --audit-gate]" in result.stdout.str()
    result = project.runpytest_inprocess("--audit-target", "docs/clean.ja", "--audit-gate", "GRB==0")
    result.assert_outcomes(passed=1)  # --audit-target beats audit_target


@pytest.mark.parametrize(
    "ini, args, needle",
    [
        ("audit_gates = chrf=>50", (), "ini option audit_gates"),
        ("", ("--audit-gate", "major<=x"), "--audit-gate: cannot read gate 'major<=x'"),
        ("audit_target = docs/missing.ja", (), "ini option audit_target"),
        ("", ("--audit-source", "nowhere.en"), "--audit-source: no such file"),
    ],
)
def test_bad_values_stop_the_run_naming_where_they_came_from(project, ini, args, needle):
    project.makeini(f"[pytest]\n{ini}\n")
    project.makepyfile("def test_x():\n    assert True\n")
    result = project.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert needle in result.stderr.str()


def test_bad_marker_arguments_fail_that_test(project):
    project.makepyfile(
        """
        import pytest

        @pytest.mark.audit_gate("critical=0", target="docs/clean.ja")
        def test_bad_gate():
            pass

        @pytest.mark.audit_gate("critical==0", target="docs/nowhere.ja")
        def test_missing_file():
            pass

        @pytest.mark.audit_gate()
        def test_no_gates():
            pass
        """
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert "marker audit_gate on test_bad_marker_arguments_fail_that_test.py::test_bad_gate: cannot read gate 'critical=0'" in out
    assert "target= no such file" in out and "has no gates and none are configured" in out


def test_update_baseline_then_new_findings_fail(project):
    project.makeini(
        """
        [pytest]
        audit_target = docs/broken.ja
        audit_baseline = audit-baseline.json
        audit_gates = new==0 findings<=baseline
        """
    )
    project.makepyfile(
        """
        import pytest

        @pytest.mark.audit_gate()
        def test_no_regression():
            pass
        """
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=1)  # no baseline yet: the gates say so
    assert "baseline not found" in result.stdout.str() and "--audit-update-baseline" in result.stdout.str()

    result = project.runpytest_inprocess("--audit-update-baseline")
    result.assert_outcomes(passed=1)
    stored = json.loads((project.path / "audit-baseline.json").read_text())
    assert list(stored["documents"]) == [str(project.path / "docs" / "broken.ja")]
    assert "baseline" in result.stdout.str() and "updated" in result.stdout.str()

    project.runpytest_inprocess().assert_outcomes(passed=1)
    (project.path / "docs" / "broken.ja").write_text(BROKEN + ENGLISH, encoding="utf-8")
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "FAILED new==0: observed 1" in out and "UNT001" in out


def test_report_dir_gets_json_and_html(project):
    project.makepyfile(
        """
        def test_audit(audit_run):
            report = audit_run("docs/broken.ja")
            assert report.counts()["total"] >= 1
        """
    )
    result = project.runpytest_inprocess("--audit-report-dir", "reports")
    result.assert_outcomes(passed=1)
    assert json.loads((project.path / "reports" / "broken.ja.json").read_text())["schema"] == "audit-report/1"
    assert (project.path / "reports" / "broken.ja.html").read_text().startswith("<!DOCTYPE html>")


def test_silent_when_unused(project):
    project.makepyfile("def test_x():\n    assert 1 + 1 == 2\n")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "audit:" not in out and "documents audited" not in out  # no header, no summary line


def test_project_dirs_give_one_test_per_document(project):
    from test_project import write_tree

    write_tree(project.path / "site", n=4)
    project.makeini(
        """
        [pytest]
        audit_source_dir = site/en
        audit_target_dir = site/ja
        audit_gates = NAM==0 PRJ003==0
        """
    )
    # one document gets an English sentence left in it: its UNT gate fails, the others pass
    broken = project.path / "site" / "ja" / "news" / "doc00.txt"
    broken.write_text(broken.read_text(encoding="utf-8") + ENGLISH, encoding="utf-8")
    (project.path / "site" / "en" / "news" / "doc00.txt").write_text(
        (project.path / "site" / "en" / "news" / "doc00.txt").read_text(encoding="utf-8") + ENGLISH, encoding="utf-8"
    )
    result = project.runpytest_inprocess("-v", "--audit-gate", "UNT==0", "--audit-gate", "PRJ003==0", "-p", "no:cacheprovider")
    out = result.stdout.str()
    for key in ("news/doc00.txt", "guide/part1/doc01.txt", "news/doc02.txt", "guide/part0/doc03.txt", "news/japanese-only.txt"):
        assert f"audit::{key}" in out, out
    assert "audit::(across documents)" in out
    result.assert_outcomes(passed=4, failed=2)  # doc00 (UNT) and the totals (PRJ003: a missing translation)
    assert "audit gates failed for news/doc00.txt" in out and "FAILED UNT==0" in out
    assert "FAILED PRJ003==0" in out
    assert "audit: 5 documents audited" in out
    # naming test files runs those files only, not the whole project
    project.makepyfile(test_other="def test_other():\n    pass\n")
    named = project.runpytest_inprocess("test_other.py", "-p", "no:cacheprovider")
    named.assert_outcomes(passed=1)
    assert "audit::" not in named.stdout.str()
