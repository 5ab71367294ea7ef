"""A translation memory audited in batches, streaming (``audit check TM.tmx --stream``).

The units of a TM are independent pairs. They are read one at a time
(:func:`audit.io.units.iter_units`) and cut into batches of ``batch_size``. Each batch is
audited as a small bilingual document, in this process, in worker processes (``--jobs``) or
on Dask workers (``--executor``). Its findings are written as JSON Lines
(:mod:`audit.render.jsonl`) as soon as it and every batch before it are done, so the output is
in unit order. No more than two batches per worker are read ahead, so memory does not grow
with the file.

Document-level checks see one batch. Across batches, a summary of each batch's katakana words
(counts and a few unit ids) feeds one check: a word spelt two ways in different batches
(PRJ002, with its units as the places). Only the exact spelling key is compared there (ー, ・,
small kana, ヴ/ブ), because comparing every word with every other across a whole TM would not
be bounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from audit.config import Config
from audit.errors import AuditError, InputError, MissingExtraError
from audit.io.bilingual import Unit

MAX_PLACES = 5  # units kept per katakana word, as places of a finding


@dataclass
class BatchResult:
    index: int
    units: int
    lines: list[str]  # JSONL finding records
    by_severity: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    held_back: Counter[str] = field(default_factory=Counter)
    katakana: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # word → (count, unit ids)
    signature: dict[str, Any] | None = None
    error: str | None = None


def batches(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    for unit in units:
        batch.append(unit)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def audit_batch(index: int, units: list[Unit], config: Config, use_cache: bool = True) -> BatchResult:
    """One batch, in a worker: written as a bilingual JSONL file and audited."""
    from audit.checks.base import Context
    from audit.checks.consistency import katakana_occurrences
    from audit.pipeline import AuditRequest, run_audit
    from audit.render.jsonl import finding_records, line

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "batch.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            for u in units:
                fh.write(json.dumps({"id": u.id, "source": u.source, "target": u.target}, ensure_ascii=False) + "\n")
        try:
            report = run_audit(AuditRequest(path, config=config, use_cache=use_cache))
        except AuditError as exc:
            return BatchResult(index, len(units), [], error=str(exc))
    records = finding_records(report, in_text_order=True)
    result = BatchResult(index, len(units), [line(r) for r in records], signature=dict(report.signature))
    for f in report.findings:
        result.by_severity[f.severity.value] += 1
        result.by_code[f.code] += 1
    result.held_back.update(dict(report.held_back))
    ctx = Context(target=report.target)
    for word, spans in katakana_occurrences(ctx).items():
        units_of = []
        for s in spans:
            seg = report.target.segment_at(s.start)
            if seg is not None and seg.unit is not None and seg.unit not in units_of:
                units_of.append(seg.unit)
        result.katakana[word] = (len(spans), units_of[:MAX_PLACES])
    return result


def run_stream(
    path: str, config: Config, write: Callable[[str], object], *, batch_size: int = 500, jobs: int = 1, executor: str = "local",
    use_cache: bool = True, progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Audit the TM at ``path``, calling ``write`` with each JSONL line; returns the summary record
    (also written, last)."""
    from audit.io.units import iter_units

    clock = time.perf_counter()
    stream = batches(iter_units(path, source_lang=config.source_lang, target_lang=config.target_lang), batch_size)
    totals = BatchResult(-1, 0, [])
    katakana: dict[str, list[Any]] = {}  # word → [count, unit ids, batch indexes]
    signature: dict[str, Any] | None = None
    count = 0
    for result in _results(stream, config, jobs, executor, use_cache):
        if result.error:
            raise InputError(f"units {result.index * batch_size + 1}–{result.index * batch_size + result.units}: {result.error}", path=path)
        for text in result.lines:
            write(text)
        count += 1
        totals.units += result.units
        totals.by_severity.update(result.by_severity)
        totals.by_code.update(result.by_code)
        totals.held_back.update(result.held_back)
        signature = signature or result.signature
        for word, (n, units) in result.katakana.items():
            entry = katakana.setdefault(word, [0, [], set()])
            entry[0] += n
            entry[1] = (entry[1] + units)[:MAX_PLACES]
            entry[2].add(result.index)
        if progress is not None:
            progress(count, totals.units)
    if count == 0:
        raise InputError("no translation units found", path=path)
    across = _katakana_across(katakana, config)
    from audit.render.jsonl import line

    for record in across:
        write(line(record))
        totals.by_severity[record["severity"]] += 1
        totals.by_code[record["code"]] += 1
    from audit.signature import signature_id

    shared = {k: v for k, v in (signature or {}).items() if k in ("toolkit", "python", "components", "settings", "rules")}
    shared["inputs"] = {"target": os.path.basename(path), "bytes": os.path.getsize(path)}  # a stream is not hashed whole
    shared["id"] = signature_id(shared)
    summary = {
        "type": "summary", "schema": "audit-findings/1", "signature": shared, "mode": "source", "stream": True,
        "units": totals.units, "batch_size": batch_size, "findings": sum(totals.by_severity.values()),
        "by_severity": {s: totals.by_severity.get(s, 0) for s in ("critical", "major", "minor")},
        "by_code": dict(sorted(totals.by_code.items())),
        "held_back": {"total": sum(totals.held_back.values()), "by_code": dict(sorted(totals.held_back.items()))},
    }  # fmt: skip
    write(line(summary))
    summary["seconds"] = time.perf_counter() - clock
    return summary


def _katakana_across(katakana: dict[str, list[Any]], config: Config) -> list[dict[str, Any]]:
    from audit.checks.base import select_rules
    from audit.checks.consistency import katakana_key
    from audit.checks.project import KATAKANA_ACROSS

    if KATAKANA_ACROSS not in select_rules(config.select, config.ignore):
        return []
    by_key: dict[str, list[str]] = {}
    for word in sorted(katakana):
        by_key.setdefault(katakana_key(word), []).append(word)
    out = []
    for words in by_key.values():
        if len(words) < 2:
            continue
        batches_of = {w: katakana[w][2] for w in words}
        if not any((batches_of[a] - batches_of[b]) and (batches_of[b] - batches_of[a]) for a in words for b in words if a < b):
            continue  # every spelling shares its batches: the batch's own CON001 reported it
        counts = {w: katakana[w][0] for w in words}
        dominant = max(words, key=lambda w: (counts[w], w))
        out.append({
            "type": "finding", "unit": None, "code": KATAKANA_ACROSS.code, "severity": KATAKANA_ACROSS.severity.value,
            "confidence": None, "message": "one katakana word spelt two ways across units: "
            + "; ".join(f"「{w}」 ×{counts[w]} (units {', '.join(katakana[w][1])})" for w in sorted(words, key=lambda w: -counts[w])),
            "target": None, "source": None, "suggestion": dominant,
            "evidence": {"spellings": counts, "units": {w: katakana[w][1] for w in words}},
            "fingerprint": hashlib.sha256("\x1f".join((KATAKANA_ACROSS.code, *words)).encode()).hexdigest()[:16],
        })  # fmt: skip
    return out


def _results(stream: Iterator[list[Unit]], config: Config, jobs: int, executor: str, use_cache: bool) -> Iterator[BatchResult]:
    """Each batch's result, in order, with at most ``2 * jobs`` batches read ahead."""
    numbered = enumerate(stream)
    if executor == "local" and jobs <= 1:
        for i, units in numbered:
            yield audit_batch(i, units, config, use_cache)
        return
    window = 2 * max(1, jobs)
    config = replace(config, jobs=1)  # the workers are the parallelism: a batch is not split again
    if executor == "local":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from audit.parallel import default_jobs
        from audit.project.run import share_cores

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        threads = max(1, default_jobs() // jobs)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=share_cores, initargs=(threads,)) as pool:
            pending: deque[Any] = deque()
            for i, units in numbered:
                pending.append(pool.submit(audit_batch, i, units, config, use_cache))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingExtraError("--executor dask", "dask") from None
    from audit.parallel import default_jobs
    from audit.project.run import share_cores

    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) if executor == "dask" else None
    client = Client(cluster) if cluster is not None else Client("tcp://" + executor.split("://", 1)[1], timeout=30)
    try:
        if cluster is not None:
            client.run(share_cores, max(1, default_jobs() // jobs))
        queue: deque[Any] = deque()
        for i, units in numbered:
            queue.append(client.submit(audit_batch, i, units, config, use_cache, pure=False))
            if len(queue) >= window:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
