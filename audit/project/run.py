"""Running a project: each document through :func:`audit.pipeline.run_audit`, on one core, on
several (worker processes, each loading its models once), or on a Dask cluster; then the checks
across documents.

Whatever runs it, the report is the same and in the plan's order: documents are independent,
their results are gathered by position, and everything across documents is computed afterwards
from what each returned (its report and small :class:`~audit.project.checks.Aggregates`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from audit.config import Config
from audit.errors import AuditError, InputError, MissingExtraError, UsageError
from audit.model import Report
from audit.parallel import default_jobs
from audit.project.checks import Aggregates, aggregates_of, cross_document, missing_translations
from audit.project.plan import Job, Plan
from audit.project.report import ProjectReport, evaluate_totals, project_signature

Progress = Callable[[int, int, int], None]  # documents done, documents in all, findings so far


@dataclass(frozen=True)
class Options:
    use_cache: bool = True
    presegmented: bool = False
    update_baseline: bool = False


@dataclass(frozen=True)
class Outcome:
    key: str
    report: Report | None
    aggregates: Aggregates | None
    error: str | None = None  # why the document was refused


def audit_job(job: Job, config: Config, options: Options) -> Outcome:
    """One document (runs in a worker)."""
    from audit.pipeline import AuditRequest, run_audit

    request = AuditRequest(
        job.target, source=job.source, config=config, presegmented=options.presegmented and not job.bilingual,
        use_cache=options.use_cache, update_baseline=options.update_baseline,
    )  # fmt: skip
    try:
        report = run_audit(request)
    except AuditError as exc:
        return Outcome(job.key, None, None, str(exc))
    return Outcome(job.key, report, aggregates_of(report))


def share_cores(threads: int) -> None:
    """In a worker process, before any model loads: use ``threads`` threads, not every core."""
    os.environ["AUDIT_ENCODER_THREADS"] = str(threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))


def run_project(
    plan: Plan, config: Config, *, jobs: int | None = None, executor: str = "local", options: Options | None = None,
    progress: Progress | None = None,
) -> ProjectReport:
    """Audit every document of ``plan`` and what lies across them. ``executor`` is ``local``
    (``jobs`` worker processes; 1: this process), ``dask`` (a local Dask cluster of ``jobs``
    workers) or ``dask://HOST:PORT`` (an existing scheduler)."""
    options = options or Options()
    jobs = jobs or default_jobs()
    if executor == "local":
        outcomes = _local(plan.jobs, config, options, jobs, progress)
    elif executor == "dask" or executor.startswith(("dask://", "tcp://")):
        outcomes = _dask(plan.jobs, config, options, jobs, executor, progress)
    else:
        raise UsageError(f"unknown executor '{executor}': use local, dask, or dask://HOST:PORT")
    refused = [o for o in outcomes if o.error]
    if refused:
        first = refused[0]
        more = f" (and {len(refused) - 1} more document(s))" if len(refused) > 1 else ""
        raise InputError(f"{first.error}{more}")
    documents = tuple((o.key, o.report) for o in outcomes if o.report is not None)
    from audit.checks.base import select_rules
    from audit.model import Severity

    codes = frozenset(r.code for r in select_rules(config.select, config.ignore))
    overrides = {k: Severity(v) for k, v in (config.severity or {}).items()}
    found = cross_document(
        [k for k, _ in documents], [o.aggregates or Aggregates() for o in outcomes], [r.target.text for _, r in documents], codes, overrides
    )
    found += missing_translations(plan.missing, plan.target_dir, codes, overrides)
    found = [replace(f, id=f"P{i:04d}") for i, f in enumerate(found, 1)]
    from audit.gates import parse_all

    gates = evaluate_totals(parse_all(config.gates, config.origins.get("gates", "configuration")), documents, found)
    return ProjectReport(plan, documents, tuple(found), tuple(gates), project_signature(documents, plan))


def _local(jobs_: Sequence[Job], config: Config, options: Options, workers: int, progress: Progress | None) -> list[Outcome]:
    out: list[Outcome] = []
    if workers <= 1 or len(jobs_) <= 1:
        for job in jobs_:
            out.append(audit_job(job, config, options))
            _tick(progress, out, len(jobs_))
        return out
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = min(workers, len(jobs_))
    threads = max(1, default_jobs() // workers)
    config = replace(config, jobs=1)  # the workers are the parallelism: a document is not split again
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=share_cores, initargs=(threads,)) as pool:
        for outcome in pool.map(audit_job, jobs_, [config] * len(jobs_), [options] * len(jobs_)):
            out.append(outcome)
            _tick(progress, out, len(jobs_))
    return out


def _dask(jobs_: Sequence[Job], config: Config, options: Options, workers: int, executor: str, progress: Progress | None) -> list[Outcome]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingExtraError("--executor dask", "dask") from None
    cluster: Any = None
    if executor == "dask":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        address = "tcp://" + executor.split("://", 1)[1]
        try:
            client = Client(address, timeout=30)
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        if cluster is not None:  # our own workers share this machine's cores
            client.run(share_cores, max(1, default_jobs() // workers))
        config = replace(config, jobs=1)  # one process per document: the workers are the parallelism
        futures = client.map(audit_job, list(jobs_), config=config, options=options, pure=False)
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Outcome | None] = [None] * len(futures)
        done: list[Outcome] = []
        for fut in as_completed(futures):
            outcome = fut.result()
            results[position[fut.key]] = outcome
            done.append(outcome)
            _tick(progress, done, len(futures))
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _tick(progress: Progress | None, done: Sequence[Outcome], total: int) -> None:
    if progress is not None:
        progress(len(done), total, sum(len(o.report.findings) for o in done if o.report is not None))
