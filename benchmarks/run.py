"""Benchmarks (medians of repeated runs): CLI start-up, segmentation, full target-only audit, and
the checks of a source-mode audit on 400 WMT22 en-ja pairs (skipped without ../shared/data).

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
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, read_lines  # noqa: E402


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
    source_mode_checks(args.repeat)


def source_mode_checks(repeat: int, pairs: int = 400) -> None:
    """All checks on aligned WMT22 pairs: the first run builds the dictionary indexes and loads
    the encoder; the median is over warm runs."""
    data = EN_JA
    if not (data / "source.en").is_file():
        print(f"source-mode checks: skipped (WMT22 data not found at {data})")
        return
    from audit.checks.base import Context, run_rules, select_rules
    from audit.embedders import resolve_embedder
    from audit.io.document import document_from_text
    from audit.model import Bead

    src = read_lines(data / "source.en")[:pairs]
    ref = read_lines(data / "reference.ja")[:pairs]
    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(ref), "ja", presegmented=True)
    beads = tuple(Bead((i,), (i,)) for i in range(len(src)))

    def once() -> None:
        run_rules(Context(target=tdoc, source=sdoc, alignment=beads, embedder=resolve_embedder(None)), select_rules())

    cold = median_time(once, 1)
    warm = median_time(once, repeat)
    print(f"source-mode checks, {len(src)} WMT22 pairs: first run {cold:.2f} s, then median {warm * 1000:.0f} ms")


if __name__ == "__main__":
    main()
