"""Reproducible sessions: `nox -s tests`, `nox -s lint`, `nox -s audit`, `nox -s bench`."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (arguments after -- go to pytest)."""
    session.install("torch==2.13.0")
    session.install("-e", ".[test,comet]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the package, tests and this file."""
    session.install("ruff")
    session.run("ruff", "check", "audit", "tests", "benchmarks", "noxfile.py")


@nox.session
def audit(session: nox.Session) -> None:
    """Audit every document in seeds/ into reports/ (text, JSON and Markdown)."""
    session.install(".")
    out = Path("reports")
    out.mkdir(exist_ok=True)
    for seed in sorted(Path("seeds").glob("*.txt")):
        for fmt, ext in (("text", "txt"), ("json", "json"), ("md", "md")):
            session.run("audit", "check", str(seed), "--format", fmt, "-o", str(out / f"{seed.stem}.{ext}"))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: start-up time, segmentation and full-audit throughput (medians)."""
    session.install(".")
    session.run("python", "benchmarks/run.py", *session.posargs)
    session.run("python", "benchmarks/align_eval.py")
    session.run("python", "benchmarks/score_bench.py")
    session.run("python", "benchmarks/html_bench.py")
    session.run("python", "benchmarks/bt_bench.py")


@nox.session(default=False)
def bench_backtranslate(session: nox.Session) -> None:
    """This engine against argostranslate on one Transformer-base-sized package and 500 sentences.

    Installs argostranslate, which pulls torch: install a CPU torch first where CUDA wheels are
    unwanted (pip install torch --index-url https://download.pytorch.org/whl/cpu).
    """
    session.install(".", "argostranslate")
    session.run("python", "benchmarks/bt_bench.py", "--unbatched", *session.posargs)


@nox.session(default=False)
def evaluate(session: nox.Session) -> None:
    """Recall per injected error type and false alarms on clean WMT22 en-ja pairs (skips without ../shared/data)."""
    session.install(".")
    session.run("python", "benchmarks/evaluate.py", *session.posargs)
