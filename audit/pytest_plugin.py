"""pytest plugin: translation-quality gates as tests (registered through the ``pytest11`` entry point).

Use::

    # pytest.ini / pyproject.toml [tool.pytest.ini_options]
    audit_target = docs/guide.ja.md
    audit_source = docs/guide.en.md
    audit_gates = critical==0 new==0 xsim>=baseline
    audit_baseline = audit-baseline.json

    # test_translation.py
    import pytest

    @pytest.mark.audit_gate()                                   # the configured gates
    def test_guide_translation(): ...

    @pytest.mark.audit_gate("GRB==0", "UNT==0", target="docs/faq.ja.md")
    def test_faq_translation(): ...

    def test_no_critical_findings(audit_report):               # the configured document's Report
        assert audit_report.counts()["by_severity"]["critical"] == 0

Precedence, highest first: pytest command line (``--audit-*``), ``AUDIT_*`` environment
variables, pytest ini options (``audit_*``), the audit configuration file (``[tool.audit]`` or
``audit.toml``, or ``--audit-config``), defaults. Each value remembers where it came from; a bad one
stops the run with an error that names it. Paths in ini options are relative to the ini file,
paths on the command line to the current folder, paths in markers to the rootdir.

``--audit-update-baseline`` accepts every audited document's current state into the baseline
file (written once, atomically, at the end of the session); ``--audit-report-dir DIR`` writes a
JSON and an HTML report per audited document.

Nothing here imports the toolkit until a test asks for an audit, so the plugin costs nothing in
test runs that do not use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from audit.baseline import Baseline
    from audit.config import Config
    from audit.gates import Gate, GateResult
    from audit.model import Report

_OPTIONS: dict[str, tuple[str, Literal["string"]]] = {
    # name: (help, ini type)
    "target": ("the translation to audit (text, Markdown or a bilingual file)", "string"),
    "source": ("its English source document", "string"),
    "reference": ("a human Japanese translation to score against", "string"),
    "config": ("audit.toml or pyproject.toml with [tool.audit] (default: found upwards from the current folder)", "string"),
    "baseline": ("baseline file for gates such as comet>=baseline-0.01 and new==0", "string"),
    "report_dir": ("write a JSON and an HTML report per audited document into this folder", "string"),
    "source_dir": ("a folder of English sources: with audit_target_dir, one test per document", "string"),
    "target_dir": ("a folder of translations, paired with audit_source_dir by relative path: one test per document", "string"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("audit", "translation audit (mt-audit)")
    for name, (text, kind) in _OPTIONS.items():
        flag = "--audit-" + name.replace("_", "-")
        group.addoption(flag, dest=f"audit_{name}", metavar="PATH", default=None, help=text)
        parser.addini(f"audit_{name}", text, type=kind, default=None)
    group.addoption(
        "--audit-gate",
        dest="audit_gates",
        action="append",
        metavar="EXPR",
        default=None,
        help="a gate (NAME OP NUMBER or NAME OP baseline[±MARGIN]); repeatable; replaces audit_gates",
    )
    parser.addini("audit_gates", "gates for @pytest.mark.audit_gate() with no arguments and for audit_report", type="args", default=None)
    group.addoption(
        "--audit-update-baseline",
        action="store_true",
        default=False,
        help="accept every audited document's current state into the baseline file",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "audit_gate(*gates, target=None, source=None, reference=None): fail the test unless the audit of the "
        "document passes the gates (default: the configured audit_gates)",
    )
    settings = _Settings.read(config)
    config.stash[_KEY] = _Session(settings)


@dataclass
class _Settings:
    values: dict[str, str | None]
    origins: dict[str, str]
    gates: list[str] | None
    gates_origin: str
    update_baseline: bool
    rootdir: Path

    @classmethod
    def read(cls, config: pytest.Config) -> _Settings:
        values: dict[str, str | None] = {}
        origins: dict[str, str] = {}
        ini_dir = Path(config.inipath).parent if config.inipath else Path(config.rootpath)
        ini_name = str(config.inipath) if config.inipath else "ini"
        for name in _OPTIONS:
            cli_value = config.getoption(f"audit_{name}")
            env_var = "AUDIT_" + name.upper() if name in ("baseline",) else None
            ini_value = config.getini(f"audit_{name}")
            if cli_value:
                values[name], origins[name] = str(Path(cli_value)), f"--audit-{name.replace('_', '-')}"
            elif env_var and os.environ.get(env_var):
                values[name], origins[name] = os.environ[env_var], f"environment {env_var}"
            elif ini_value:
                values[name], origins[name] = str(ini_dir / ini_value), f"ini option audit_{name} ({ini_name})"
            else:
                values[name] = None
        gates: list[str] | None = None
        gates_origin = "configuration"
        if config.getoption("audit_gates"):
            gates, gates_origin = list(config.getoption("audit_gates")), "--audit-gate"
        elif os.environ.get("AUDIT_GATES"):
            gates = [g.strip() for g in os.environ["AUDIT_GATES"].split(",") if g.strip()]
            gates_origin = "environment AUDIT_GATES"
        elif config.getini("audit_gates"):
            gates, gates_origin = list(config.getini("audit_gates")), f"ini option audit_gates ({ini_name})"
        settings = cls(values, origins, gates, gates_origin, bool(config.getoption("audit_update_baseline")), Path(config.rootpath))
        settings.validate()
        return settings

    def validate(self) -> None:
        """Bad values stop the run at once, each error naming where the value came from."""
        from audit.errors import UsageError
        from audit.gates import parse_all

        try:
            parse_all(self.gates or (), self.gates_origin)
        except UsageError as exc:
            raise pytest.UsageError(f"audit: {exc}") from None
        for name in ("target", "source", "reference", "config"):
            value = self.values.get(name)
            if value and not Path(value).is_file():
                raise pytest.UsageError(f"audit: {self.origins[name]}: no such file: {value}")
        for name in ("source_dir", "target_dir"):
            value = self.values.get(name)
            if value and not Path(value).is_dir():
                raise pytest.UsageError(f"audit: {self.origins[name]}: no such folder: {value}")
        if bool(self.values.get("source_dir")) != bool(self.values.get("target_dir")):
            raise pytest.UsageError("audit: audit_source_dir and audit_target_dir go together")
        if self.values.get("report_dir") and Path(self.values["report_dir"] or "").is_file():
            raise pytest.UsageError(f"audit: {self.origins['report_dir']}: is a file, not a folder: {self.values['report_dir']}")

    @property
    def active(self) -> bool:
        return any(self.values.values()) or bool(self.gates) or self.update_baseline


@dataclass
class _Session:
    settings: _Settings
    reports: dict[tuple[str, str | None, str | None], Report] = field(default_factory=dict)
    checked: int = 0
    failed: int = 0
    _config: Config | None = None
    _project: Any = None  # audit.project.ProjectReport, once a project test asks

    def project(self) -> Any:
        """The project of audit_source_dir and audit_target_dir, audited once per session (on all
        cores, or as configured), its documents' reports kept for the baseline update."""
        if self._project is None:
            from audit.errors import AuditError
            from audit.project import Options, from_dirs, run_project

            s, cfg = self.settings, self.config()
            problem = None
            try:
                plan = from_dirs(str(s.values["source_dir"]), str(s.values["target_dir"]), cfg.include, cfg.exclude)
                self._project = run_project(plan, cfg, jobs=cfg.jobs, executor=cfg.executor, options=Options(update_baseline=s.update_baseline))
            except AuditError as exc:
                problem = f"audit (project): {exc}"
            if problem is not None or self._project is None:
                pytest.fail(problem or "audit (project): nothing audited", pytrace=False)
            for _, report in self._project.documents:
                self.reports[(str(report.target.path), None, None)] = report
                self._write_reports(report)
        return self._project

    def config(self) -> Config:
        """The audit configuration: the file, then ini values below the environment, then pytest's command line."""
        if self._config is None:
            from dataclasses import replace

            from audit.config import resolve
            from audit.errors import UsageError

            s = self.settings
            try:
                cfg = resolve(config_path=s.values.get("config"))
            except UsageError as exc:
                raise pytest.UsageError(f"audit: {exc}") from None
            origins = dict(cfg.origins)
            changes: dict[str, Any] = {}
            if s.gates is not None:  # already the highest of --audit-gate, AUDIT_GATES and audit_gates
                changes["gates"], origins["gates"] = tuple(s.gates), s.gates_origin
            if s.values.get("baseline"):
                changes["baseline"], origins["baseline"] = s.values["baseline"], s.origins["baseline"]
            elif s.update_baseline and not cfg.baseline:
                from audit.cli import DEFAULT_BASELINE

                changes["baseline"] = str(s.rootdir / DEFAULT_BASELINE)
                origins["baseline"] = "default for --audit-update-baseline"
            self._config = replace(cfg, **changes, origins=origins)
        return self._config

    def report(self, target: str | None = None, source: str | None = None, reference: str | None = None, where: str = "") -> Report:
        from audit.errors import AuditError
        from audit.pipeline import AuditRequest, run_audit

        s = self.settings
        if target is None:
            target, source, reference = s.values.get("target"), s.values.get("source"), s.values.get("reference")
            if target is None:
                pytest.fail(
                    "audit: no translation to audit: set audit_target in the ini file, pass --audit-target, "
                    "or give target= to the audit_gate marker",
                    pytrace=False,
                )
        key = (str(target), source and str(source), reference and str(reference))
        if key not in self.reports:
            problem = None
            try:
                req = AuditRequest(key[0], source=key[1], reference=key[2], config=self.config(), update_baseline=s.update_baseline)
                self.reports[key] = run_audit(req)
            except AuditError as exc:
                problem = f"audit{where}: {exc}"
            if problem is not None:
                pytest.fail(problem, pytrace=False)
            self._write_reports(self.reports[key])
        return self.reports[key]

    def baseline(self) -> Baseline | None:
        cfg = self.config()
        if not cfg.baseline:
            return None
        from audit.baseline import load

        return load(cfg.baseline, missing_ok=True)

    def _write_reports(self, report: Report) -> None:
        folder = self.settings.values.get("report_dir")
        if not folder:
            return
        from audit.io.atomic import write_atomic
        from audit.render import render

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        stem = Path(report.target.path or "text").name
        for fmt in ("json", "html"):
            write_atomic(out / f"{stem}.{fmt}", render(report, fmt))

    def evaluate(self, report: Report, gates: list[Gate]) -> list[GateResult]:
        from audit.baseline import updated
        from audit.gates import evaluate

        baseline = self.baseline()
        if baseline is not None and self.settings.update_baseline:
            baseline = updated(baseline, report)
        results = evaluate(report, gates, baseline)
        self.checked += len(results)
        self.failed += sum(1 for r in results if not r.passed)
        return results


_KEY = pytest.StashKey[_Session]()


def _session(config: pytest.Config) -> _Session:
    return config.stash[_KEY]


@pytest.fixture(scope="session")
def audit_report(request: pytest.FixtureRequest) -> Report:
    """The audit report (``audit.model.Report``) of the configured translation, audited once per session."""
    return _session(request.config).report(where=" (fixture audit_report)")


@pytest.fixture(scope="session")
def audit_run(request: pytest.FixtureRequest):
    """A function ``audit_run(target, source=None, reference=None) -> Report``, cached per session."""
    session = _session(request.config)
    root = session.settings.rootdir

    def run(target: str | os.PathLike[str], source: str | os.PathLike[str] | None = None, reference: str | os.PathLike[str] | None = None) -> Report:
        def at(path: str | os.PathLike[str] | None) -> str | None:
            return None if path is None else str(root / path)

        return session.report(str(root / target), at(source), at(reference), where=" (audit_run)")

    return run


class _GatesFailed(Exception):
    pass


class AuditDocument(pytest.Item):
    """One document of the configured project (audit_source_dir, audit_target_dir): fails when
    one of its gates fails. ``key`` None: the project's totals and its findings across documents."""

    def __init__(self, *, key: str | None, **kwargs: Any):
        super().__init__(**kwargs)
        self.key = key

    def runtest(self) -> None:
        session = _session(self.config)
        if not session.config().gates:
            pytest.fail("audit: the project's documents are tested on gates, and none are configured "
                        "(audit_gates in the ini file, or --audit-gate)", pytrace=False)  # fmt: skip
        project = session.project()
        if self.key is None:
            results = list(project.gates)
            title = f"audit gates on the project's totals ({len(project.documents)} documents, {len(project.findings)} findings across them)"
            findings = list(project.findings)
        else:
            report = dict(project.documents)[self.key]
            results = list(report.gates)
            title = f"audit gates failed for {self.key} (signature {report.signature.get('id', '?')})"
            findings = list(report.findings)
        session.checked += len(results)
        failed = [r for r in results if not r.passed]
        session.failed += len(failed)
        if failed:
            from audit.render.common import safe_terminal

            lines = [f"{title}: {len(failed)} of {len(results)} failed"] + [f"  {safe_terminal(r.describe())}" for r in results]
            lines += [f"  {f.id} {f.severity.value} {f.code}: {safe_terminal(f.message)}" for f in findings[:10]]
            raise _GatesFailed("\n".join(lines))

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, _GatesFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"audit: {self.key or '(across documents)'}"


class AuditProject(pytest.Collector):
    """The configured project's documents, one test each, and one for the totals."""

    def collect(self) -> list[pytest.Item]:
        from audit.project import from_dirs

        session = _session(self.config)
        s, cfg = session.settings, session.config()
        plan = from_dirs(str(s.values["source_dir"]), str(s.values["target_dir"]), cfg.include, cfg.exclude)
        items: list[pytest.Item] = [AuditDocument.from_parent(self, name=job.key, key=job.key) for job in plan.jobs]
        items.append(AuditDocument.from_parent(self, name="(across documents)", key=None))
        return items


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the project's tests (before -k and -m select among the items): in a run of the whole
    suite, or when --audit-target-dir is given, not when the command line names test files."""
    state = config.stash.get(_KEY, None)
    if state is None or not state.settings.values.get("target_dir"):
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS and not config.getoption("audit_target_dir"):
        return
    project = AuditProject.from_parent(session, name="audit")
    items.extend(project.collect())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    marker = item.get_closest_marker("audit_gate")
    if marker is None:
        return result
    _check_marker(item, marker)
    return result


def _check_marker(item: pytest.Item, marker: pytest.Mark) -> None:
    from audit.errors import UsageError
    from audit.gates import parse_all
    from audit.render.common import safe_terminal

    session = _session(item.config)
    where = f"marker audit_gate on {item.nodeid}"
    unknown = set(marker.kwargs) - {"target", "source", "reference"}
    if unknown:
        pytest.fail(f"audit: {where}: unknown argument(s) {', '.join(sorted(unknown))} (use target=, source=, reference=)", pytrace=False)
    if marker.args:
        texts, origin = list(marker.args), where
    else:
        texts, origin = list(session.config().gates), session.config().origins.get("gates", "configuration")
        if not texts:
            pytest.fail(f"audit: {where} has no gates and none are configured (audit_gates in the ini file, or --audit-gate)", pytrace=False)
    problem: str | None = None
    gates: list[Gate] = []
    try:
        gates = parse_all(texts, origin)
    except UsageError as exc:
        problem = f"audit: {exc}"
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    root = session.settings.rootdir
    paths = {k: str(root / v) if v is not None else None for k, v in ((k, marker.kwargs.get(k)) for k in ("target", "source", "reference"))}
    for k, v in paths.items():
        if v is not None and not Path(v).is_file():
            pytest.fail(f"audit: {where}: {k}= no such file: {v}", pytrace=False)
    report = session.report(paths["target"], paths["source"], paths["reference"], where=f" ({where})")
    results = session.evaluate(report, gates)
    failed = [r for r in results if not r.passed]
    if not failed:
        return
    sig = report.signature.get("id", "?")
    lines = [f"audit gates failed for {report.target.path} (signature {sig}, {len(failed)} of {len(results)} failed):"]
    lines += [f"  {safe_terminal(r.describe())}  [from {r.gate.origin}]" for r in results]
    new = set((report.baseline or {}).get("new", [])) if (report.baseline or {}).get("found") else set()
    relevant = [f for f in report.findings if any(_counts_toward(r, f, new) for r in failed)]
    if relevant:
        lines.append("findings behind the failed gates:")
        for f in relevant[:20]:
            seg = report.target.segment_at(f.target.start) if f.target is not None else None
            at = f" (sentence {seg.id})" if seg is not None else ""
            text = f" 「{safe_terminal(f.target.text[:60])}」" if f.target is not None else ""
            lines.append(f"  {f.id} {f.severity.value} {f.code}{at}: {safe_terminal(f.message)}{text}")
        if len(relevant) > 20:
            lines.append(f"  … and {len(relevant) - 20} more (--audit-report-dir DIR writes them all)")
    pytest.fail("\n".join(lines), pytrace=False)


def _counts_toward(result: GateResult, finding: Any, new: set[str]) -> bool:
    name = result.gate.name
    if name == "findings":
        return True
    if name == "new":
        return finding.id in new
    if name in ("critical", "major", "minor"):
        return finding.severity.value == name
    return name.isupper() and finding.code.startswith(name)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    session = config.stash.get(_KEY, None)
    if session is None or not session.settings.active:
        return None
    from audit import __version__

    s = session.settings
    parts = [f"audit: mt-audit {__version__}"]
    for name in ("target", "source", "reference", "baseline", "source_dir", "target_dir"):
        if s.values.get(name):
            parts.append(f"{name} {s.values[name]} (from {s.origins[name]})")
    if s.gates:
        parts.append(f"gates {' '.join(s.gates)} (from {s.gates_origin})")
    if s.update_baseline:
        parts.append("updating the baseline")
    return ["; ".join(parts)]


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(_KEY, None)
    if state is None or not state.settings.update_baseline or not state.reports:
        return
    from audit import baseline as bl

    path = state.config().baseline
    if not path:
        return
    bl.update_file(path, state.reports.values())


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_KEY, None)
    if state is None or not state.reports:
        return
    docs = len(state.reports)
    sigs = sorted({str(r.signature.get("id")) for r in state.reports.values()})
    line = (
        f"audit: {docs} document{'s' if docs != 1 else ''} audited (signature {', '.join(sigs)}); "
        f"{state.checked} gate{'s' if state.checked != 1 else ''} checked, {state.failed} failed"
    )
    if state.settings.update_baseline and state.config().baseline:
        line += f"; baseline {state.config().baseline} updated"
    terminalreporter.write_sep("-", line)
