"""Rank two or more translations of the same source, with paired significance tests.

Every system is reduced to per-segment statistics on the same segments: with a reference,
sentence by sentence (the files must be line-aligned); with the source, per source sentence,
the encoder similarity of the target sentences aligned to it (0 for an omitted sentence).
Differences against the first system (the baseline) are tested by paired bootstrap resampling
or approximate randomisation on those statistics; no text is re-scored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from audit.errors import UsageError
from audit.io import read_document
from audit.model import Document
from audit.scores import N_BOOTSTRAP, SEED, Comparison, Metric, approximate_randomisation, bootstrap_interval, paired_bootstrap

REFERENCE_METRICS = ("chrf", "bleu", "ter")


@dataclass(frozen=True)
class SystemScore:
    system: str
    path: str
    sha256: str
    scores: dict[str, tuple[float, tuple[float, float] | None]]


@dataclass(frozen=True)
class CompareResult:
    systems: list[SystemScore]
    comparisons: list[Comparison]
    segments: int
    test: str
    signature: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "segments": self.segments,
            "test": self.test,
            "signature": self.signature,
            "systems": [
                {
                    "system": s.system,
                    "path": s.path,
                    "sha256": s.sha256,
                    "scores": {k: {"value": round(v, 4), "interval": [round(x, 4) for x in ci] if ci else None} for k, (v, ci) in s.scores.items()},
                }
                for s in self.systems
            ],
            "comparisons": [
                {
                    "metric": c.metric,
                    "baseline": c.baseline,
                    "system": c.system,
                    "baseline_score": round(c.baseline_score, 4),
                    "system_score": round(c.system_score, 4),
                    "delta": round(c.delta, 4),
                    "interval": [round(x, 4) for x in c.interval],
                    "p_value": round(c.p_value, 4),
                    "significant": c.significant,
                }
                for c in self.comparisons
            ],
        }


def _name(path: str | os.PathLike[str], taken: set[str]) -> str:
    base = os.path.basename(str(path))
    name = base
    n = 2
    while name in taken:
        name = f"{base}#{n}"
        n += 1
    taken.add(name)
    return name


def _xsim_stats(source: Document, system: Document, src_vectors: np.ndarray, embed: Any, presegmented: bool) -> np.ndarray:
    from audit.align import align

    tv = embed([t.text for t in system.segments])
    sims = np.zeros(len(source.segments))
    unit = lambda x: x / max(np.linalg.norm(x), 1e-9)  # noqa: E731
    if presegmented and len(system.segments) == len(source.segments):
        for i in range(len(source.segments)):
            sims[i] = float(unit(src_vectors[i]) @ unit(tv[i]))
    else:
        beads = align([s.text for s in source.segments], [t.text for t in system.segments], src_vectors=src_vectors, tgt_vectors=tv)
        for b in beads:
            if b.source and b.target:
                sim = float(unit(src_vectors[list(b.source)].sum(0)) @ unit(tv[list(b.target)].sum(0)))
                for i in b.source:
                    sims[i] = sim
    return Metric.value_stats(sims.tolist())


def compare(
    systems: list[str | os.PathLike[str]],
    *,
    source: str | os.PathLike[str] | None = None,
    reference: str | os.PathLike[str] | None = None,
    presegmented: bool = False,
    metrics: tuple[str, ...] | None = None,
    test: str = "bootstrap",
    n: int = N_BOOTSTRAP,
    embedder: Any = None,
) -> CompareResult:
    if len(systems) < 2:
        raise UsageError("compare needs at least two translations")
    if source is None and reference is None:
        raise UsageError("compare needs --source or --reference to score against")
    if test not in ("bootstrap", "ar"):
        raise UsageError(f"unknown test {test!r}: bootstrap or ar")
    docs = [read_document(p, "ja", presegmented=presegmented) for p in systems]
    wanted = metrics or ((REFERENCE_METRICS if reference is not None else ()) + (("xsim",) if source is not None else ()))
    for m in wanted:
        if m not in (*REFERENCE_METRICS, "xsim"):
            raise UsageError(f"unknown metric {m!r}: chrf, bleu, ter or xsim")
        if m == "xsim" and source is None:
            raise UsageError("the xsim metric needs --source")
        if m != "xsim" and reference is None:
            raise UsageError(f"the {m} metric needs --reference")
    stats: dict[str, list[np.ndarray]] = {}
    metric_objs: dict[str, Metric] = {}
    segments = 0
    sig: dict[str, Any] = {"test": test, "resamples": n, "seed": SEED}
    if reference is not None:
        ref = read_document(reference, "ja", presegmented=presegmented)
        for d in docs:
            if len(d.segments) != len(ref.segments):
                raise UsageError(
                    f"{d.path}: {len(d.segments)} sentences but the reference has {len(ref.segments)}; "
                    "reference metrics need line-aligned files (use --presegmented)"
                )
        from audit.scoring import ja_tokenizer

        refs = [s.text for s in ref.segments]
        segments = len(refs)
        for m in wanted:
            if m == "xsim":
                continue
            metric = Metric(m, tokenize=ja_tokenizer() if m == "bleu" else None)
            metric_objs[m] = metric
            stats[m] = [metric.stats([s.text for s in d.segments], refs) for d in docs]
            sig[m] = metric.signature()
        sig["reference"] = ref.sha256
    if "xsim" in wanted:
        from audit.align import default_embedder
        from audit.scoring import encoder_signature

        assert source is not None
        src = read_document(source, "en", presegmented=presegmented)
        embed = embedder or default_embedder()
        sv = embed([s.text for s in src.segments])
        metric_objs["xsim"] = Metric("mean")
        stats["xsim"] = [_xsim_stats(src, d, sv, embed, presegmented) for d in docs]
        segments = segments or len(src.segments)
        sig["xsim"] = encoder_signature(embed)
        sig["source"] = src.sha256
    taken: set[str] = set()
    names = [_name(p, taken) for p in systems]
    results = []
    for k, d in enumerate(docs):
        scores = {}
        for m in wanted:
            st = stats[m][k]
            scores[m] = (metric_objs[m].corpus(st.sum(0)), bootstrap_interval(metric_objs[m], st, n))
        results.append(SystemScore(names[k], str(d.path), d.sha256, scores))
    comparisons = []
    for k in range(1, len(docs)):
        for m in wanted:
            metric = metric_objs[m]
            base, sys_ = stats[m][0], stats[m][k]
            delta, ci, p = paired_bootstrap(metric, base, sys_, n)
            if test == "ar":
                p = approximate_randomisation(metric, base, sys_, n)
            comparisons.append(
                Comparison(m, names[0], names[k], results[0].scores[m][0], results[k].scores[m][0], delta, ci, p, test)
            )
    return CompareResult(results, comparisons, segments, test, sig)
