"""The documentation site builds with warnings as errors, has a page per rule showing the text
``audit rule CODE`` prints, and a configuration reference naming every key; the README stays short."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from audit.checks.base import all_rules, rule_text
from audit.config import _KEYS


def _text(page: Path) -> str:
    body = page.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _squashed(text: str) -> str:
    """Text without Markdown's marks (code, emphasis, list bullets) or white space, which HTML
    tags move: what a reader sees of it."""
    text = re.sub(r"^\s*[-*] ", "", text, flags=re.M)
    return "".join(text.replace("`", "").replace("*", "").split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "", "HOME": str(out)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_every_rule_has_a_page_with_the_text_audit_rule_prints(site, cli):
    rules = all_rules()
    assert len(rules) >= 50
    for r in rules:
        page = _squashed(_text(site / "rules" / r.code / "index.html"))
        printed = cli("rule", r.code).out
        assert printed == rule_text(r.code)
        for paragraph in printed.split("\n\n"):
            assert _squashed(paragraph) in page, (r.code, paragraph[:80])


def test_rule_pages_show_measured_figures_and_the_index_lists_every_rule(site):
    index = _text(site / "rules" / "index.html")
    assert all(r.code in index for r in all_rules())
    page = _text(site / "rules" / "UNT001" / "index.html")
    assert "held-out part of the WMT24" in page and "precision" in page


def test_configuration_reference_names_every_key_and_the_schema_page_every_property(site):
    page = _text(site / "reference" / "configuration" / "index.html")
    for key in _KEYS:
        assert key in page and "AUDIT_" + key.upper().replace("-", "_") in page
    schema = _text(site / "reference" / "report-schema" / "index.html")
    assert "findings" in schema and "signature" in schema


def test_readme_is_short_and_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    blocks = re.findall(r"```sh\n(.*?)```", "\n".join(lines[:30]), flags=re.S)
    assert "pip install ." in blocks[0] and "audit check" in blocks[0]
    assert "pip install -e '.[test,comet]'" in blocks[1] and "pytest" in blocks[1]
