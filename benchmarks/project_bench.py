"""Project throughput: documents per second with ``--jobs 1``, ``--jobs 2`` and a local Dask
cluster of 2 workers, and what a translation memory of a million units would cost per
worker-hour at the measured rate.

The project is ``--documents`` documents (default 200) of ``--pairs`` pairs each (default 50),
cut from WMT22 English→Japanese (the source and the first system's output, one sentence per
line, cycling), audited in source mode (presegmented, no model), as ``audit check --source-dir
--target-dir`` runs it. Each configuration runs in a fresh process with a cold cache, so that
every worker loads its models; the median of ``--repeat`` runs is given. Skipped without
``../shared/data``.

Run: ``python benchmarks/project_bench.py [--documents 200 --pairs 50 --repeat 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, read_lines  # noqa: E402


def write_project(folder: Path, documents: int, pairs: int) -> None:
    src = read_lines(EN_JA / "source.en") if (EN_JA / "source.en").exists() else read_lines(next(EN_JA.glob("*.en")))
    systems = sorted((EN_JA / "systems").glob("*.ja"))
    tgt = read_lines(systems[0])
    n = min(len(src), len(tgt))
    for d in range(documents):
        rows = [(d * pairs + k) % n for k in range(pairs)]
        for side, lines in (("en", src), ("ja", tgt)):
            p = folder / side / f"part{d % 10}" / f"doc{d:03d}.txt"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("\n".join(lines[i] for i in rows) + "\n", encoding="utf-8")


def run(folder: Path, extra: list[str]) -> float:
    env = {**os.environ, "AUDIT_HOME": str(folder / f"home-{time.monotonic_ns()}")}  # a cold cache each time
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "audit", "check", "--source-dir", str(folder / "en"), "--target-dir", str(folder / "ja"),
         "--presegmented", "--backtranslate", "none", "--format", "json", "-o", str(folder / "out.json"), *extra],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({proc.returncode}): {proc.stderr[-500:]}")
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--pairs", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    if not EN_JA.exists():
        print(f"skipped: {EN_JA} not found")
        return 0
    configs = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"]}
    try:
        import distributed  # noqa: F401

        configs["dask, 2 workers"] = ["--executor", "dask", "--jobs", "2"]
    except ImportError:
        print("dask: skipped (pip install 'mt-audit[dask]')")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder, args.documents, args.pairs)
        units = args.documents * args.pairs
        for label, extra in configs.items():
            wall = statistics.median(run(folder, extra) for _ in range(args.repeat))
            workers = 1 if label == "--jobs 1" else 2
            per_worker = units / wall / workers
            results[label] = {
                "wall_s": round(wall, 1), "documents_per_s": round(args.documents / wall, 2), "pairs_per_s": round(units / wall, 1),
                "worker_hours_per_million_units": round(1e6 / per_worker / 3600, 2),
            }  # fmt: skip
            print(f"{label}: {args.documents} documents of {args.pairs} pairs in {wall:.1f} s "
                  f"({args.documents / wall:.2f} documents/s, {units / wall:.0f} pairs/s; "
                  f"1M units ≈ {1e6 / per_worker / 3600:.1f} worker-hours)", flush=True)  # fmt: skip
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
