"""Benchmarks (medians of repeated runs): CLI start-up, segmentation, full target-only audit.

Run with `nox -s bench` or `python benchmarks/run.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))

    startup = median_time(lambda: subprocess.run([sys.executable, "-m", "audit", "--help"], capture_output=True, check=True, cwd=ROOT), args.repeat)
    print(f"startup `audit --help`: median {startup * 1000:.0f} ms")

    from audit.pipeline import AuditRequest, run_audit
    from audit.segment import segment_text

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds) * 20
    seg = median_time(lambda: segment_text(text, "ja"), args.repeat)
    print(f"segmentation: {len(text) / seg / 1e6:.2f} M chars/s ({len(text)} chars, median {seg * 1000:.0f} ms)")

    run_audit(AuditRequest(seeds[0]))  # warm Sudachi
    for seed in seeds:
        t = median_time(lambda seed=seed: run_audit(AuditRequest(seed)), args.repeat)
        print(f"audit {seed.name}: median {t * 1000:.0f} ms")


if __name__ == "__main__":
    main()
