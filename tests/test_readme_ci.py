"""The README's CI examples, run exactly as written: the pytest set-up and the command lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytest_plugins = ("pytester",)

GUIDE_EN = (
    "The two governments agreed to strengthen cooperation on supply chains.\n\n"
    "Ministers will meet again in the spring to review progress.\n\n"
    "The agreement covers semiconductors, batteries and critical minerals.\n"
)
GUIDE_JA = (
    "両政府はサプライチェーンに関する協力を強化することで合意した。\n\n"
    "閣僚は春に再び会合し、進捗を確認する。\n\n"
    "合意は半導体、電池、重要鉱物を対象とする。\n"
)
FAQ_JA = "この文書は利用者からのよくある質問に答える。\n\n回答は毎月更新される。\n"
REGRESSION = "\nThe ministers also discussed export controls in detail at the meeting.\n"


def readme_blocks() -> dict[str, str]:
    """Code blocks preceded by <!-- ci-example: NAME --> in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- ci-example: ([\w-]+) -->\n```\w*\n(.*?)```", text, flags=re.S)
    blocks = dict(found)
    assert set(blocks) == {"pyproject", "test-file", "cli"}, sorted(blocks)
    return blocks


def _docs(folder: Path) -> None:
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "guide.en.md").write_text(GUIDE_EN, encoding="utf-8")
    (folder / "docs" / "guide.ja.md").write_text(GUIDE_JA, encoding="utf-8")
    (folder / "docs" / "faq.ja.md").write_text(FAQ_JA, encoding="utf-8")


def test_readme_pytest_example(pytester: pytest.Pytester, warm_audit, monkeypatch):
    monkeypatch.delenv("AUDIT_GATES", raising=False)
    blocks = readme_blocks()
    _docs(pytester.path)
    (pytester.path / "pyproject.toml").write_text(blocks["pyproject"], encoding="utf-8")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_translation.py").write_text(blocks["test-file"], encoding="utf-8")

    pytester.runpytest_inprocess("--audit-update-baseline").assert_outcomes(passed=3)
    assert (pytester.path / "audit-baseline.json").is_file()
    pytester.runpytest_inprocess().assert_outcomes(passed=3)

    with open(pytester.path / "docs" / "guide.ja.md", "a", encoding="utf-8") as fh:
        fh.write(REGRESSION)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "test_guide_translation" in out and "FAILED UNT==0: observed 1" in out and "FAILED new==0" in out


def test_readme_command_line_example(tmp_path):
    blocks = readme_blocks()
    _docs(tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for var in [v for v in env if v.startswith("AUDIT_") and v not in ("AUDIT_HOME",)]:
        env.pop(var)
    run = lambda: subprocess.run(["bash", "-e", "-c", blocks["cli"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)  # noqa: E731
    first = run()
    assert first.returncode == 0, first.stderr
    assert "gate passed new==0" in first.stderr and (tmp_path / "audit.html").is_file()
    with open(tmp_path / "docs" / "guide.ja.md", "a", encoding="utf-8") as fh:
        fh.write(REGRESSION)
    # the second line alone, as CI runs it after a regression (re-running the first would accept it)
    gate_line = blocks["cli"].split("\n", 1)[1]
    second = subprocess.run(["bash", "-c", gate_line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 1, second.stderr
    assert "gate FAILED UNT==0" in second.stderr and "gate FAILED new==0" in second.stderr
