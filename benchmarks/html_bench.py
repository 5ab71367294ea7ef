"""The HTML report on a 2,000-pair document: render time, file size, and how a browser copes.

Audits the first 2,000 WMT22 en-ja source sentences against one system's output (source mode,
one sentence per line), renders the report as HTML (median of 3), then, when chromium and
playwright are installed, opens it headless and times the load and one filter change (medians of
3), checking that no request leaves the page and nothing is logged to the console.

Run: ``python benchmarks/html_bench.py [SYSTEM]`` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, read_lines  # noqa: E402

DATA = EN_JA
N = 2000


def main() -> int:
    system = sys.argv[1] if len(sys.argv) > 1 else "Online-B"
    if not (DATA / "source.en").is_file():
        print(f"skipped: WMT22 data not found at {DATA}")
        return 0
    from audit.config import resolve
    from audit.pipeline import AuditRequest, run_audit
    from audit.render import render

    work = Path(tempfile.mkdtemp(prefix="html-bench-"))
    src = work / "source.en"
    tgt = work / f"{system}.ja"
    src.write_text("\n".join(read_lines(DATA / "source.en")[:N]) + "\n", encoding="utf-8")
    lines = read_lines(DATA / "systems" / f"{system}.ja")[:N]
    tgt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    report = run_audit(AuditRequest(str(tgt), source=str(src), presegmented=True, config=resolve(cli={"backtranslate": "none"})))
    print(f"audit of {N:,} pairs ({system}): {time.perf_counter() - t0:.1f} s, {len(report.findings):,} findings, {len(report.alignment):,} beads")
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        page = render(report, "html")
        runs.append(time.perf_counter() - t0)
    out = work / "report.html"
    out.write_text(page, encoding="utf-8")
    print(f"render: median {statistics.median(runs) * 1000:.0f} ms of 3; {len(page.encode()) / 2**20:.1f} MiB")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("browser: skipped (needs chromium on PATH and playwright)")
        return 0
    loads, filters, problems = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(3):
            p = browser.new_page()
            p.on("console", lambda m: problems.append(m.text))
            p.on("request", lambda r: problems.append(r.url) if r.url != out.as_uri() else None)
            t0 = time.perf_counter()
            p.goto(out.as_uri())
            p.wait_for_load_state("load")
            loads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            p.uncheck('input[data-filter="sev"][value="minor"]')
            p.evaluate("new Promise(r => requestAnimationFrame(() => r()))")
            filters.append(time.perf_counter() - t0)
            p.close()
        browser.close()
    print(
        f"browser: load median {statistics.median(loads) * 1000:.0f} ms, severity filter median "
        f"{statistics.median(filters) * 1000:.0f} ms (3 runs); console messages or requests: {len(problems)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
