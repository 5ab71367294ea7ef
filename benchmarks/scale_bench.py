"""One large source-mode document: wall time, stage times and peak memory (issue: speed).

Builds a presegmented English source and its Japanese translation of N pairs from WMT22 en-ja
(line i of ``source.en`` with line i of the reference, then of each system in name order, so
that no pair repeats), and audits it through the CLI (``audit check --source S T
--presegmented --format json``, no model) in a fresh process:

- **first run on new text**: an empty ``$AUDIT_HOME`` but for the dictionary indexes, which are
  built once per installation (as a user's second audit finds them);
- **second run, same text**: the same ``$AUDIT_HOME``, its embeddings and e2k answers cached;

each with ``--jobs 1`` (one process) and ``--jobs 2`` (the document's sentence vectors and its
checks split over two processes, ``audit.parallel``), run interleaved.

Each figure is the median of ``--repeat`` runs, with the peak RSS of the audit's process and the
report's own stage times. Run: ``python benchmarks/scale_bench.py [--pairs 1000 10000]
[--repeat 3]`` (in ``nox -s bench``); skips when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, outputs, read_lines  # noqa: E402


def build(n: int, folder: Path) -> tuple[Path, Path]:
    src = read_lines(EN_JA / "source.en")
    tgts = [read_lines(p) for p in outputs()]
    if n > len(src) * len(tgts):
        raise SystemExit(f"at most {len(src) * len(tgts)} distinct pairs")
    en = [src[i % len(src)] for i in range(n)]
    ja = [tgts[i // len(src)][i % len(src)] for i in range(n)]
    s, t = folder / f"source-{n}.txt", folder / f"target-{n}.txt"
    s.write_text("\n".join(en) + "\n", encoding="utf-8")
    t.write_text("\n".join(ja) + "\n", encoding="utf-8")
    return s, t


def audit(source: Path, target: Path, home: Path, out: Path, jobs: int = 1) -> dict[str, float]:
    """One CLI audit in a child process: wall seconds, peak RSS (MB) and the report's stage times."""
    env = {**os.environ, "AUDIT_HOME": str(home)}
    clock = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", "check", "--source", str(source), str(target), "--presegmented", "--format", "json", "-o", str(out),
         "--jobs", str(jobs)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - clock
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"audit failed ({code}): {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    report = json.loads(out.read_text(encoding="utf-8"))
    stages = {s["name"]: float(s.get("seconds") or 0.0) for s in report.get("stages", [])}
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, **stages, "findings": float(len(report.get("findings", [])))}


def indexes(home: Path) -> None:
    """Build the dictionary indexes once (a tiny audit) so that each run finds them."""
    with tempfile.TemporaryDirectory() as tmp:
        s, t = build(20, Path(tmp))
        audit(s, t, home, Path(tmp) / "r.json")
    for name in ("embeddings.sqlite3", "e2k.sqlite3", "embeddings.sqlite3-wal", "e2k.sqlite3-wal"):
        (home / "cache" / name).unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="processes the document may use (--jobs)")
    args = ap.parse_args()
    if not (EN_JA / "source.en").is_file():
        print(f"scale bench: skipped (WMT22 data not found at {EN_JA})")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "indexes"
        indexes(base)
        print("| pairs | --jobs | run | wall (median) | align | check | peak RSS | findings |")
        print("|---|---|---|---|---|---|---|---|")
        for n in args.pairs:
            s, t = build(n, Path(tmp))
            runs: dict[tuple[int, str], list[dict[str, float]]] = {}
            for k in range(args.repeat):  # interleaved, so that a busy spell of the machine hits every setting
                for jobs in args.jobs:
                    home = Path(tmp) / f"home-{n}-{k}-{jobs}"
                    shutil.copytree(base, home)
                    runs.setdefault((jobs, "first, new text"), []).append(audit(s, t, home, Path(tmp) / "r.json", jobs))
                    runs.setdefault((jobs, "second, cached"), []).append(audit(s, t, home, Path(tmp) / "r.json", jobs))
                    shutil.rmtree(home)
            for (jobs, label), got in runs.items():
                med = {k: statistics.median(r.get(k, 0.0) for r in got) for k in got[0]}
                print(
                    f"| {n:,} | {jobs} | {label} | {med['wall']:.2f} s | {med.get('align', 0):.2f} s | {med.get('check', 0):.2f} s "
                    f"| {med['rss_mb']:.0f} MB | {med['findings']:.0f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
