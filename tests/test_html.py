"""The HTML report: escaped, self-contained, and proven inert in a real headless browser.

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it) and the ``playwright``
test dependency driving it; they skip with the reason where either is missing. The other tests
check the markup itself and always run.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '" onmouseover="window.__pwned = 2" x="',
    "</textarea><img src=x onerror=\"window.__pwned = 3\">",
    "</script><script>window.__pwned = 4</script>",
    "<a href=\"javascript:window.__pwned = 5\">link</a>",
    "<link rel=stylesheet href=http://example.invalid/x.css>",
]

# Japanese sentences with the hostile strings inside, plus one left in English, so that checks fire
# and their spans (hostile text inside) get marked in both texts: each item's translation adds a
# clause its source does not have, so LEN001 reports the whole pair as much longer than usual
# (the hostile text, kept as the source writes it, does not count towards its length).
FILLER_JA = "両国は経済協力を強化することで合意し、供給網の強靱化に向けた具体的な措置について詳しく議論した。"
FILLER_EN = "The two countries agreed to strengthen economic cooperation and discussed concrete steps for resilient supply chains."
TARGET = (
    "".join(f"{FILLER_JA}\n\n第{i + 1}の項目は「{h}」であり、その扱いについては関係者の間で長く議論が続いてきたが、両国の担当者は来月の会合でも引き続き協議し、年内に最終的な結論を出す方針である。\n\n" for i, h in enumerate(HOSTILE))
    + "This sentence <script>window.__pwned = 6</script> was left in English by the translation system.\n\n"
    + "両国は重要な課題について議論した。重要な課題について議論した。\n"
)
SOURCE = (
    "".join(f"{FILLER_EN}\n\nItem {i + 1} on the list the two sides agreed is \"{h}\".\n\n" for i, h in enumerate(HOSTILE))
    + "This sentence <script>window.__pwned = 6</script> was left in English by the translation system.\n\n"
    + "The two countries discussed important issues.\n"
)


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "section", "h1", "h2", "div", "span", "b", "code",
    "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "ul", "li", "details", "summary", "dl", "dt", "dd",
    "mark", "label", "input", "br", "script",
}  # fmt: skip
ALLOWED_ATTRS = {
    "lang", "charset", "http-equiv", "content", "name", "class", "id", "title", "type", "value", "checked",
    "data-f", "data-sev", "data-code", "data-filter", "aria-label",
}  # fmt: skip


def _markup(page: str) -> tuple[set[str], set[str]]:
    """Every element and attribute name the page really contains, as a browser's tokenizer sees them."""
    from html.parser import HTMLParser

    tags: set[str] = set()
    attrs: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attributes):
            tags.add(tag)
            attrs.update(a for a, _ in attributes)

    Collect().feed(page)
    return tags, attrs


def _chromium() -> str | None:
    for name in (os.environ.get("AUDIT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")
    path = _chromium()
    if path is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium; or set AUDIT_CHROMIUM)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield b
        b.close()


class Opened:
    def __init__(self, page, console, requests, errors):
        self.page, self.console, self.requests, self.errors = page, console, requests, errors


def _open(browser, path: Path) -> Opened:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    console: list[tuple[str, str]] = []
    requests: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return Opened(page, console, requests, errors)


@pytest.fixture
def hostile_report(cli, tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    target = folder / "<img src=x onerror=window.__pwned=9>.ja.txt"
    source = folder / "source.en.txt"
    target.write_text(TARGET, encoding="utf-8")
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "report.html"
    r = cli("check", target, "--source", source, "--format", "html", "-o", out)
    assert r.code == 0, r.err
    return out


def test_markup_escapes_everything_and_pins_its_own_code(hostile_report):
    page = hostile_report.read_text(encoding="utf-8")
    # exactly one script and one style element: ours, both named by hash in the CSP
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert len(scripts) == 1 and len(styles) == 1
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    for body in (scripts[0], styles[0]):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    for h in HOSTILE:
        assert h not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&quot; onmouseover=&quot;window.__pwned = 2&quot;" in page
    tags, attrs = _markup(page)
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert attrs <= ALLOWED_ATTRS, attrs - ALLOWED_ATTRS  # no on*= handler, href or src anywhere


def test_every_finding_is_listed_and_marked(cli, tmp_path, hostile_report):
    out = tmp_path / "r.json"
    cli("check", tmp_path / "docs" / "<img src=x onerror=window.__pwned=9>.ja.txt", "--source",
        tmp_path / "docs" / "source.en.txt", "--format", "json", "-o", out)
    report = json.loads(out.read_text())
    page = hostile_report.read_text(encoding="utf-8")
    assert len(report["findings"]) >= len(HOSTILE)
    for f in report["findings"]:
        assert f'id="{f["id"]}"' in page
        if f["target"] and f["target"]["end"] > f["target"]["start"]:
            assert re.search(rf'<mark [^>]*data-f="[^"]*\b{f["id"]}\b', page), f["id"]


def test_report_renders_inert_in_a_real_browser(browser, hostile_report, tmp_path):
    opened = _open(browser, hostile_report)
    page = opened.page
    for mark in page.query_selector_all("mark[data-f]"):
        mark.hover()
        mark.click()
    for summary in page.query_selector_all("details.f > summary"):
        summary.click()
    assert page.evaluate("window.__pwned") is None
    assert opened.errors == [] and [c for c in opened.console if c[0] in ("error", "warning")] == []
    assert opened.requests == [hostile_report.as_uri()]  # nothing but the file itself
    body = page.inner_text("body")
    for h in HOSTILE:
        assert h.strip('" x=') in body  # shown as text
    shot = tmp_path / "hostile.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    page.close()


def test_clicking_a_mark_opens_its_finding_and_filters_hide(browser, hostile_report):
    page = _open(browser, hostile_report).page
    mark = page.query_selector("mark[data-f]")
    first = mark.get_attribute("data-f").split()[0]
    assert page.evaluate(f"document.getElementById({json.dumps(first)}).open") is False
    mark.click()
    assert page.evaluate(f"document.getElementById({json.dumps(first)}).open") is True
    code = page.evaluate(f"document.getElementById({json.dumps(first)}).dataset.code")
    page.uncheck(f'input[data-filter="code"][value="{code}"]')
    assert page.evaluate(f"document.getElementById({json.dumps(first)}).hidden") is True
    page.check("#only-flagged")
    rows = page.query_selector_all("#pairs tbody tr")
    shown = [r for r in rows if r.is_visible()]
    assert 0 < len(rows) and len(shown) < len(rows)
    for r in shown:
        assert r.query_selector("details.f:not([hidden])") is not None
    page.close()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_reports_open_cleanly(browser, cli, tmp_path, seed):
    out = tmp_path / f"{seed.stem}.html"
    assert cli("check", seed, "--format", "html", "-o", out).code == 0
    opened = _open(browser, out)
    assert opened.errors == [] and [c for c in opened.console if c[0] in ("error", "warning")] == []
    assert opened.requests == [out.as_uri()]
    n_findings = len(opened.page.query_selector_all("details.f"))
    assert n_findings == int(re.search(r"<b>(\d+) findings</b>", out.read_text()).group(1))
    opened.page.close()


def test_csv_neutralises_formulas_and_round_trips(cli, tmp_path):
    target = tmp_path / "t.txt"
    target.write_text(
        f"{FILLER_JA}\n\n=HYPERLINK(\"http://example.invalid\") was left in English by the translation system here.\n\n{FILLER_JA}\n",
        encoding="utf-8",
    )
    r = cli("check", target, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert rows, "an untranslated sentence should give a finding"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
    assert any(row["sentence_text"].startswith("'=HYPERLINK") for row in rows)
    for row in rows:
        json.loads(row["evidence"])


def test_japanese_font_stack_and_only_what_did_not_run_under_skipped(browser, hostile_report):
    opened = _open(browser, hostile_report)
    family = opened.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK JP" in family and "Yu Gothic" in family and "Hiragino" in family
    skipped = opened.page.locator("section", has_text="What was skipped").inner_text()
    # source mode: the aligner ran; its settings are not something that did not run
    assert "align" not in skipped.split("\n")[0] and "margin" not in skipped and "not run within it" not in skipped.replace(
        "check ran; not run within it", "")
    assert "backtranslate" in skipped
