"""A translation memory audited streaming (``--stream``): units per second and peak memory,
with ``--jobs 1`` and ``--jobs 2``, at two sizes, so that memory that does not grow with the
file shows.

The TMX is generated from WMT22 English→Japanese: the source against each system's output in
turn (about 26,000 distinct pairs), cycling, each unit with its own id. It is audited with
``--no-cache`` (every batch embeds its sentences) in source mode, no model, batches of 500, to a
findings file. Peak memory is the largest resident set of the main process and of any worker.
Skipped without ``../shared/data``.

Run: ``python benchmarks/tm_bench.py [--units 40000]`` (the smaller size is a quarter).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, read_lines  # noqa: E402

_CHILD = ("import resource, sys\nfrom audit.cli import main\ncode = main(sys.argv[1:])\n"
          "me, kids = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
          "sys.stderr.write(f'maxrss {me} {kids}')\nsys.exit(code)")  # fmt: skip


def write_tmx(path: Path, units: int) -> None:
    src = read_lines(EN_JA / "source.en")
    systems = [read_lines(p) for p in sorted((EN_JA / "systems").glob("*.ja"))]
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" '
                'segtype="sentence" o-tmf="bench" adminlang="en" srclang="en" datatype="plaintext"/><body>\n')  # fmt: skip
        for i in range(units):
            k, s = i % len(src), (i // len(src)) % len(systems)
            f.write(f'<tu tuid="{i + 1}"><tuv xml:lang="en"><seg>{escape(src[k])}</seg></tuv>'
                    f'<tuv xml:lang="ja"><seg>{escape(systems[s][k])}</seg></tuv></tu>\n')  # fmt: skip
        f.write("</body></tmx>\n")


def run(tmx: Path, jobs: int, out: Path) -> dict:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "check", str(tmx), "--stream", "--format", "jsonl", "--no-cache",
                           "--backtranslate", "none", "--jobs", str(jobs), "-o", str(out)], capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - t
    me, kids = (int(x) for x in proc.stderr.rsplit("maxrss ", 1)[1].split()) if "maxrss " in proc.stderr else (0, 0)
    return {"exit": proc.returncode, "wall_s": round(wall, 1), "main_rss_mb": round(me / 1024), "worker_rss_mb": round(kids / 1024),
            "findings_lines": sum(1 for _ in open(out, encoding="utf-8")) - 1 if out.exists() else None}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=40_000)
    args = ap.parse_args()
    if not EN_JA.exists():
        print(f"skipped: {EN_JA} not found")
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for units in (args.units // 4, args.units):
            tmx = Path(tmp) / f"tm-{units}.tmx"
            write_tmx(tmx, units)
            for jobs in (1, 2):
                r = run(tmx, jobs, Path(tmp) / "findings.jsonl")
                r["units_per_s"] = round(units / r["wall_s"], 1)
                r["tmx_mb"] = round(tmx.stat().st_size / 1e6, 1)
                results[f"{units} units, --jobs {jobs}"] = r
                print(f"{units} units, --jobs {jobs}: {r}", flush=True)
    print(json.dumps(results, indent=1))
    return 0 if all(r["exit"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
