"""Scores from per-segment sufficient statistics: corpus values, sentence values, bootstrap
intervals and paired significance tests, with bounded memory.

sacrebleu's metrics reduce every segment to a short vector of counts (n-gram matches, edits,
lengths) whose sum gives the corpus score. Keeping only those vectors (a few numbers per
segment, extracted in chunks) scores 100,000 pairs in constant memory and lets bootstrap
resampling and paired tests work without re-scoring any text, as sacrebleu's own
``--paired-bs`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

N_BOOTSTRAP = 1000
SEED = 12345  # part of every interval's signature
CHUNK = 1000


@dataclass
class Metric:
    """A sacrebleu metric (``chrf``, ``bleu``, ``ter``) or the mean of a per-pair value (``mean``)."""

    name: str
    tokenize: str | None = None  # BLEU's tokenizer

    def __post_init__(self) -> None:
        from sacrebleu.metrics import BLEU, CHRF, TER

        self._corpus: Any
        self._sentence: Any
        if self.name == "chrf":
            self._corpus, self._sentence = CHRF(), CHRF()
        elif self.name == "bleu":
            tok = self.tokenize or "13a"
            self._corpus, self._sentence = BLEU(tokenize=tok), BLEU(tokenize=tok, effective_order=True)
        elif self.name == "ter":
            self._corpus = self._sentence = TER(asian_support=True)
        elif self.name == "mean":
            self._corpus = self._sentence = None
        else:
            raise ValueError(f"unknown metric {self.name!r}")

    @property
    def higher_is_better(self) -> bool:
        return self.name != "ter"

    def signature(self) -> str:
        return "mean" if self._corpus is None else str(self._corpus.get_signature())

    def stats(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        """One row of sufficient statistics per pair, extracted ``CHUNK`` pairs at a time."""
        if self._corpus is None:
            raise TypeError("the mean metric takes values, not texts: use value_stats()")
        if len(hypotheses) != len(references):
            raise ValueError("hypotheses and references differ in number")
        rows: list[np.ndarray] = []
        for i in range(0, len(hypotheses), CHUNK):
            h = list(hypotheses[i : i + CHUNK])
            r = list(references[i : i + CHUNK])
            rows.append(np.asarray(self._corpus._extract_corpus_statistics(h, [r]), dtype=np.float64))
        if not rows:
            return np.zeros((0, 0))
        return np.concatenate(rows)

    @staticmethod
    def value_stats(values: Sequence[float]) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)
        return np.stack([v, np.ones_like(v)], axis=1) if len(v) else np.zeros((0, 2))

    def corpus(self, summed: np.ndarray) -> float:
        if self._corpus is None:
            return float(summed[0] / summed[1]) if summed[1] else float("nan")
        return float(self._corpus._compute_score_from_stats(_as_stats(self.name, summed)).score)

    def sentence(self, row: np.ndarray) -> float:
        if self._sentence is None:
            return float(row[0])
        return float(self._sentence._compute_score_from_stats(_as_stats(self.name, row)).score)


def _as_stats(name: str, summed: np.ndarray) -> list:
    # BLEU and chrF count integers; TER's edits may be fractional only in theory.
    if name in ("bleu", "chrf"):
        return [int(round(x)) for x in summed]
    return [float(x) for x in summed]


def _resample_sums(stats: np.ndarray, n_bootstrap: int, seed: int, batch: int = 50) -> np.ndarray:
    """Sums of ``n_bootstrap`` resamples (with replacement) of the rows, as multinomial weights."""
    rng = np.random.default_rng(seed)
    n = len(stats)
    out = np.empty((n_bootstrap, stats.shape[1]))
    for start in range(0, n_bootstrap, batch):
        k = min(batch, n_bootstrap - start)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=k).astype(np.float64)
        out[start : start + k] = weights @ stats
    return out


def bootstrap_interval(
    metric: Metric, stats: np.ndarray, n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED, alpha: float = 0.05
) -> tuple[float, float] | None:
    """Percentile interval of the corpus score over bootstrap resamples of the segments."""
    if len(stats) < 2:
        return None
    sums = _resample_sums(stats, n_bootstrap, seed)
    values = np.array([metric.corpus(s) for s in sums])
    lo, hi = np.nanpercentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


@dataclass(frozen=True)
class Comparison:
    metric: str
    baseline: str
    system: str
    baseline_score: float
    system_score: float
    delta: float
    interval: tuple[float, float]
    p_value: float
    test: str

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def paired_bootstrap(
    metric: Metric, base: np.ndarray, system: np.ndarray, n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> tuple[float, tuple[float, float], float]:
    """Koehn's paired bootstrap on the same resampled segments for both systems.

    Returns the observed delta (system − baseline, in the metric's direction), its 95% interval,
    and the p-value of "no improvement": the share of resamples whose delta has the other sign,
    computed as in sacrebleu (deltas centred on the observed one).
    """
    if base.shape != system.shape:
        raise ValueError("systems must be scored on the same segments")
    joined = np.concatenate([base, system], axis=1)
    sums = _resample_sums(joined, n_bootstrap, seed)
    k = base.shape[1]
    sign = 1.0 if metric.higher_is_better else -1.0
    deltas = np.array([sign * (metric.corpus(s[k:]) - metric.corpus(s[:k])) for s in sums])
    observed = sign * (metric.corpus(system.sum(0)) - metric.corpus(base.sum(0)))
    centred = deltas - deltas.mean()
    p = float((np.abs(centred) >= abs(observed)).sum() + 1) / (n_bootstrap + 1)
    lo, hi = np.percentile(deltas, [2.5, 97.5])
    return observed, (float(lo), float(hi)), p


def approximate_randomisation(
    metric: Metric, base: np.ndarray, system: np.ndarray, trials: int = N_BOOTSTRAP, seed: int = SEED
) -> float:
    """Two-sided p-value: how often randomly swapping the systems' outputs per segment gives a
    delta at least as large as the observed one."""
    rng = np.random.default_rng(seed)
    observed = abs(metric.corpus(system.sum(0)) - metric.corpus(base.sum(0)))
    diff = system - base
    total_b = base.sum(0)
    total_s = system.sum(0)
    hits = 0
    for _ in range(trials):
        swap = rng.random(len(base)) < 0.5
        moved = diff[swap].sum(0)
        b = total_b + moved
        s = total_s - moved
        if abs(metric.corpus(s) - metric.corpus(b)) >= observed:
            hits += 1
    return (hits + 1) / (trials + 1)


def score_with_interval(metric: Metric, stats: np.ndarray, with_interval: bool = True) -> tuple[float, tuple[float, float] | None]:
    value = metric.corpus(stats.sum(0)) if len(stats) else float("nan")
    return value, (bootstrap_interval(metric, stats) if with_interval else None)

