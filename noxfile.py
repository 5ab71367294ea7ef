"""Reproducible sessions: tests, lint, typecheck, audit, bench, evaluate, and the opt-in models.

`nox` alone runs tests, lint and typecheck; `nox -s audit` audits seeds/ into reports/.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
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
def typecheck(session: nox.Session) -> None:
    """mypy over the package (settings in pyproject.toml)."""
    session.install("mypy", "-e", ".[test]")
    session.run("mypy")


@nox.session
def audit(session: nox.Session) -> None:
    """Audit seeds/ as one project into reports/ (text, JSON ``audit-project/1``, Markdown, HTML,
    SARIF, JUnit), with the reference glossary from references/ (the built-in default run uses
    none): each seed's findings, and the names and katakana words spelt differently across them."""
    session.install(".")
    out = Path("reports")
    out.mkdir(exist_ok=True)
    glossary: list[str] = []
    for p in sorted(Path("references").glob("*.tsv")) + sorted(Path("references").glob("*.tbx")):
        glossary += ["--glossary", str(p)]
    for fmt, ext in (("text", "txt"), ("json", "json"), ("md", "md"), ("html", "html"), ("sarif", "sarif"), ("junit", "xml")):
        session.run("audit", "check", "seeds", *glossary, "--format", fmt, "-o", str(out / f"seeds.{ext}"))


@nox.session(default=False)
def models(session: nox.Session) -> None:
    """Audit seeds/ with real models given by path (opt-in; nothing is downloaded).

    AUDIT_BACKTRANSLATE=path/to/ja_en.argosmodel-or-folder, AUDIT_COMET=path/to/comet-model-folder,
    AUDIT_EMBEDDER=sentence-transformers:path/to/model; at least one. Reports go to reports/models/.
    """
    import os

    given = {k: os.environ[k] for k in ("AUDIT_BACKTRANSLATE", "AUDIT_COMET", "AUDIT_EMBEDDER") if os.environ.get(k)}
    if not given:
        session.skip("give at least one model by path: AUDIT_BACKTRANSLATE, AUDIT_COMET or AUDIT_EMBEDDER (see the docstring)")
    extras = ["comet"] if "AUDIT_COMET" in given else []
    if given.get("AUDIT_EMBEDDER", "").startswith(("sentence-transformers:", "st:")):
        extras.append("st")
    if extras:
        session.install("torch")
    session.install("." + (f"[{','.join(extras)}]" if extras else ""))
    out = Path("reports") / "models"
    out.mkdir(parents=True, exist_ok=True)
    session.log("models: " + ", ".join(f"{k}={v}" for k, v in given.items()))
    for seed in sorted(Path("seeds").glob("*.txt")):
        for fmt, ext in (("json", "json"), ("html", "html")):
            session.run("audit", "check", str(seed), "--format", fmt, "-o", str(out / f"{seed.stem}.{ext}"), env=given)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: start-up time, segmentation and full-audit throughput (medians)."""
    session.install(".[dask]")
    session.run("python", "benchmarks/run.py", *session.posargs)
    session.run("python", "benchmarks/scale_bench.py")
    session.run("python", "benchmarks/align_eval.py")
    session.run("python", "benchmarks/score_bench.py")
    session.run("python", "benchmarks/html_bench.py")
    session.run("python", "benchmarks/bt_bench.py")
    session.run("python", "benchmarks/knowledge_bench.py")
    session.run("python", "benchmarks/project_bench.py")
    session.run("python", "benchmarks/tm_bench.py")


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ with warnings as errors (rule pages, the
    configuration reference and the report schema are generated from the code by docs/hooks.py)."""
    session.install("-e", ".[test]")
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Property-based fuzzing: 10,000 generated inputs per format (AUDIT_FUZZ_EXAMPLES to change)
    through the pipeline and every renderer, counts per format in reports/fuzz.json; then the
    inputs that could make a stage super-linear, each under the stated bound (hang_bench.py)."""
    session.install("-e", ".[test]")
    Path("reports").mkdir(exist_ok=True)
    stats = Path("reports") / "fuzz.json"
    stats.unlink(missing_ok=True)
    import os

    env = {"AUDIT_FUZZ_EXAMPLES": os.environ.get("AUDIT_FUZZ_EXAMPLES", "10000"), "AUDIT_FUZZ_STATS": str(stats.resolve())}
    session.run("pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py", *session.posargs, env=env)
    session.run("python", "benchmarks/hang_bench.py")


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
    """Recall per injected error type and false alarms on clean WMT22 pairs (skips without ../shared/data):
    the checks (evaluate.py), names (names_eval.py), back-translation divergence (bt_eval.py), units
    (units_eval.py), the target-only findings on the WMT22 references and systems (target_only.py), and
    precision, recall and ranking against human error spans on real 2024 MT (esa_eval.py, WMT24 ESA, held-out part)."""
    session.install(".")
    session.run("python", "benchmarks/evaluate.py", *session.posargs)
    session.run("python", "benchmarks/evaluate.py", "--only", "omission")  # a larger sample of the hardest type
    session.run("python", "benchmarks/evaluate.py", "--only", "addition")  # clauses glued in from other lines
    session.run("python", "benchmarks/evaluate.py", "--systems")  # flag rates on real machine output (no labels)
    session.run("python", "benchmarks/names_eval.py")
    session.run("python", "benchmarks/bt_eval.py")
    session.run("python", "benchmarks/units_eval.py")  # NUM004: a unit changed, the number kept
    session.run("python", "benchmarks/target_only.py")  # findings without the source on unlabelled text
    Path("reports").mkdir(exist_ok=True)
    # real 2024 MT with human error spans: held-out precision and ranking, also as reports/esa_eval.json
    audits = "reports/esa_audits.pickle"
    session.run("python", "benchmarks/esa_eval.py", "--json", "reports/esa_eval.json", "--save", audits)
    # the same figures for the documentation's rule pages (committed, so the docs build anywhere)
    session.run("python", "benchmarks/esa_eval.py", "--load", audits, "--json", "docs/results/esa_eval.json")
    session.run("python", "benchmarks/esa_eval.py", "--load", audits, "--min-confidence", "0", "--json", "docs/results/esa_eval_all.json")
