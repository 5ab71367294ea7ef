"""Inputs that could make a stage super-linear, each audited through the CLI under a stated bound.

- a 1 MB paragraph of Japanese with no punctuation (target-only, and against a 1 MB English
  paragraph in source mode);
- 10,000 nested brackets of each kind, left open and closed;
- an XLIFF of 100,000 one-character units;
- a presegmented file of 100,000 one-character lines.

Each must finish (a report) or be refused (exit 2, one line) within ``BOUND_S`` seconds on two
cores; the wall time and peak memory of each are printed as JSON, and the exit status is 1 if
any input went over the bound or ended in a traceback. The bound is the one the README states.

Run: ``python benchmarks/hang_bench.py [--only NAME]`` (``nox -s fuzz`` runs it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUND_S = 180.0
# the CLI, then its own peak resident memory (kB) on stderr
_CHILD = ("import resource, sys\nfrom audit.cli import main\ncode = main(sys.argv[1:])\n"
          "sys.stderr.write(f'maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}')\nsys.exit(code)")


def _inputs(folder: Path) -> dict[str, list[str]]:
    ja = ("日本語の文章" * 200_000)[:1_000_000]
    (folder / "long.txt").write_text(ja, encoding="utf-8")
    (folder / "long_en.txt").write_text(("word " * 220_000)[:1_000_000], encoding="utf-8")
    brackets = "".join(o * 10_000 + "政府" + c * 10_000 for o, c in ("（）", "「」", "()", "[]")) + "（" * 10_000 + "「" * 10_000
    (folder / "nested.txt").write_text(brackets + "\n", encoding="utf-8")
    units = "".join(f'<trans-unit id="{i}"><source>a</source><target>あ</target></trans-unit>' for i in range(100_000))
    (folder / "many.xlf").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="en" target-language="ja" datatype="plaintext" original="f"><body>'
        + units + "</body></file></xliff>", encoding="utf-8")
    (folder / "lines.txt").write_text("あ\n" * 100_000, encoding="utf-8")
    return {
        "1MB paragraph, no punctuation (target-only)": ["long.txt"],
        "1MB paragraph, no punctuation (with a 1MB source)": ["long.txt", "--source", "long_en.txt"],
        "10,000 nested brackets of each kind": ["nested.txt"],
        "XLIFF of 100,000 one-character units": ["many.xlf"],
        "100,000 one-character lines, presegmented": ["lines.txt", "--presegmented"],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="run the inputs whose name contains this")
    args = ap.parse_args()
    results, over = {}, 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, argv in _inputs(folder).items():
            if args.only and args.only not in name:
                continue
            start = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, "-c", _CHILD, "check", *argv, "--format", "json", "-o", "out.json"],
                                      cwd=folder, capture_output=True, text=True, timeout=BOUND_S)
                code, err = proc.returncode, proc.stderr
            except subprocess.TimeoutExpired:
                code, err = None, "timed out"
            wall = time.perf_counter() - start
            peak = int(err.rsplit("maxrss ", 1)[1]) if "maxrss " in err else 0
            err = err.rsplit("maxrss ", 1)[0]
            bad = code not in (0, 1, 2) or "Traceback" in err or wall > BOUND_S
            over += bad
            results[name] = {
                "exit": code, "wall_s": round(wall, 1), "peak_rss_mb": round(peak / 1024),
                "within_bound": not bad, "stderr": err.strip().splitlines()[-1:] if code else [],
            }
            print(json.dumps({name: results[name]}, ensure_ascii=False), flush=True)
    print(json.dumps({"bound_s": BOUND_S, "over_bound_or_traceback": over}))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
