"""``audit check`` on a project: several targets, a folder, a glob, or ``--source-dir`` and
``--target-dir``. The CLI's other half (:mod:`audit.cli`), kept apart so that each reads in one
sitting: plan, run (with a progress line on a terminal), render, update the baseline, and exit
1 when a gate of any document or of the totals failed."""

from __future__ import annotations

import argparse
import os
import sys
import time

from audit.config import Config
from audit.errors import UsageError

EXIT_OK, EXIT_GATE = 0, 1


class _Bar:
    """Documents done, findings so far and time left, on one line of a terminal's stderr."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int, findings: int) -> None:
        elapsed = time.perf_counter() - self.start
        left = elapsed / done * (total - done) if done else 0.0
        width = 24
        filled = int(width * done / max(total, 1))
        sys.stderr.write(
            f"\r\x1b[2Kaudit: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents · {findings} findings · "
            f"{int(left // 60)}m{int(left % 60):02d}s left"
        )
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def check_project(args: argparse.Namespace, config: Config, targets: list[str]) -> int:
    from audit.project import Options, from_dirs, from_targets, run_project
    from audit.render.project import render_project

    if args.source:
        raise UsageError("--source names one document's source: for a project use --source-dir and --target-dir")
    if args.reference:
        raise UsageError("--reference is for one document; a project has none")
    if config.source_dir or config.target_dir:
        if not (config.source_dir and config.target_dir):
            raise UsageError("--source-dir and --target-dir go together")
        if targets:
            raise UsageError("give either TARGET files or --source-dir and --target-dir, not both")
        plan = from_dirs(config.source_dir, config.target_dir, config.include, config.exclude)
    else:
        plan = from_targets(targets, config.include, config.exclude)
    bar = _Bar() if sys.stderr.isatty() else None
    try:
        project = run_project(
            plan, config, jobs=config.jobs, executor=config.executor,
            options=Options(use_cache=not args.no_cache, presegmented=args.presegmented, update_baseline=args.update_baseline),
            progress=bar,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.done()
    color = args.format == "text" and args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    from audit.cli import _emit, _err

    _emit(args.output, render_project(project, args.format, color=color))
    if args.update_baseline and config.baseline:
        from audit import baseline as bl

        bl.update_file(config.baseline, [r for _, r in project.documents])
        sys.stderr.write(f"audit: baseline {config.baseline} updated for {len(project.documents)} documents\n")
    status = EXIT_OK
    failed_docs = [(k, r) for k, r in project.documents if r.gates_failed]
    for key, report in failed_docs:
        for g in report.gates_failed:
            sys.stderr.write(f"audit: {key}: gate {g.describe()}\n")
    for g in project.gates:
        sys.stderr.write(f"audit: totals: gate {g.describe()}\n")
    if project.gates_failed:
        _err(f"{len(project.gates_failed)} gate(s) failed ({len(failed_docs)} document(s), {sum(not g.passed for g in project.gates)} on the totals)")
        status = EXIT_GATE
    from audit.cli import fails_on

    return EXIT_GATE if fails_on(args.fail_on, project.all_findings()) else status


def check_stream(args: argparse.Namespace, config: Config, targets: list[str]) -> int:
    """A translation memory, streaming: JSON Lines of findings written as batches finish (to a
    temporary file renamed at the end with -o, so a reader never sees half a file)."""
    from audit.parallel import default_jobs
    from audit.project.memory import run_stream

    if len(targets) != 1 or config.source_dir or args.source:
        raise UsageError("--stream audits one bilingual file (a translation memory): give it as TARGET")
    if args.format != "jsonl":
        raise UsageError("--stream writes findings as they are found: use --format jsonl")
    if args.update_baseline or config.baseline:
        raise UsageError("--stream keeps no report to compare with a baseline; audit the file without --stream")
    jobs = config.jobs or default_jobs()
    tty = sys.stderr.isatty()

    def progress(batches: int, units: int) -> None:
        if tty:
            sys.stderr.write(f"\r\x1b[2Kaudit: {units} units audited ({batches} batches)")
            sys.stderr.flush()

    if args.output:
        from pathlib import Path

        out = Path(args.output)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                summary = run_stream(targets[0], config, fh.write, batch_size=args.batch_size, jobs=jobs, executor=config.executor,
                                     use_cache=not args.no_cache, progress=progress)  # fmt: skip
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    else:
        summary = run_stream(targets[0], config, sys.stdout.write, batch_size=args.batch_size, jobs=jobs, executor=config.executor,
                             use_cache=not args.no_cache, progress=progress)  # fmt: skip
    if tty:
        sys.stderr.write("\r\x1b[2K")
    sys.stderr.write(
        f"audit: {summary['units']} units in {summary['seconds']:.1f} s ({summary['units'] / max(summary['seconds'], 1e-9):.0f} units/s), "
        f"{summary['findings']} findings\n"
    )
    from audit.cli import _err
    from audit.gates import _OPS, parse_all

    status = EXIT_OK
    for g in parse_all(config.gates, config.origins.get("gates", "configuration")):
        if g.relative or not (g.name in ("findings", "critical", "major", "minor") or g.name.isupper()):
            sys.stderr.write(f"audit: gate {g.text}: not judged on a stream (counts of findings only)\n")
            continue
        if g.name == "findings":
            observed = summary["findings"]
        elif g.name in ("critical", "major", "minor"):
            observed = summary["by_severity"][g.name]
        else:
            observed = sum(n for c, n in summary["by_code"].items() if c.startswith(g.name))
        passed = _OPS[g.op](float(observed), g.threshold)
        sys.stderr.write(f"audit: gate {'passed' if passed else 'FAILED'} {g.text}: observed {observed}\n")
        if not passed:
            status = EXIT_GATE
    if status != EXIT_OK:
        _err("a gate failed")
    return status
