"""Calibrated confidence per finding, and a per-pair risk that ranks translations.

A rule says *what* it found; how often a bilingual reviewer agrees depends on the rule, on how
strong its evidence is and on where it fires. ``confidence`` is the probability that a
professional annotator marks an error in the aligned pair the finding sits in (the unit a
reviewer judges and fixes), estimated by a logistic model fitted on human error annotations of
real machine translation (WMT24 English→Japanese, ESA protocol, where a pair is a paragraph). The model
and its provenance (data, split, date, held-out calibration error) ship as data in
``audit/data/confidence.json``; ``benchmarks/esa_calibrate.py`` refits it.

The model is deliberately small, so that a few hundred labelled findings can fit it:

- an intercept per rule, shrunk (L2) towards its family's and the global one, so that a rule
  seen rarely starts from what its family is worth;
- a few features every finding has: its severity, whether it is about the whole pair, how long
  the pair is, how many other rules flag the pair, and (in source mode) how far the pair's
  length ratio and cross-lingual similarity are from the norm.

Rules the annotated data never saw fire keep their family's or the global intercept, unless the
model file gives them a *prior* (pseudo-observations from another measurement, each with its
provenance): a rule seen fewer than a handful of times there then takes its *measured* rate
(the prior's findings and the annotated ones together, shrunk a little towards the overall
rate) instead of the model's score. The penalties are cross-validated; on the data fitted so
far they shrink the features to almost nothing, so a confidence is in effect its rule's rate.

The score is then passed through the file's *recalibration* map (knots of an isotonic fit on the
out-of-fold scores, interpolated: :func:`interpolate`), so that a confidence of 0.3 is right
about three times in ten on the data it was fitted on; the map is monotone and never changes
which finding ranks above which.

A report lists the findings whose confidence reaches ``min-confidence`` (by default the model
file's ``default_threshold`` for the audit's mode, with a source or target-only) and says how many the threshold held back; gates and baselines see
the listed findings only. ``risk`` (per aligned pair, and its mean per document) is the
probability that a reviewer marks an error anywhere in the pair, from the findings' confidences
(held back or not), the cross-lingual similarity and the length ratio.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from audit.lexicon.script import LOG_RATIO_MEAN, LOG_RATIO_SD
from audit.model import Bead, Document, Finding

JA_PER_EN_CHAR = math.exp(LOG_RATIO_MEAN)
MAX_Z = 5.0  # length z-scores are capped here
XSIM_NORMAL = 0.6  # below this a pair's cross-lingual similarity counts as a shortfall

FINDING_FEATURES = (
    "severity_major", "severity_critical", "whole_pair", "log_length", "other_codes", "length_z", "xsim_shortfall", "source_mode",
)  # fmt: skip
RISK_FEATURES = ("evidence", "log_length", "length_z", "xsim_gap", "source_mode")


@dataclass(frozen=True)
class Pair:
    """What the model reads about the aligned pair (or, target-only, the segment) a finding sits in."""

    source_chars: int | None  # None: target-only
    target_chars: int
    xsim: float | None = None
    codes: frozenset[str] = frozenset()
    start: int = 0  # the pair's stretch of the translation (document offsets)
    end: int = 0

    @property
    def english_chars(self) -> float:
        return float(self.source_chars) if self.source_chars is not None else self.target_chars / JA_PER_EN_CHAR

    @property
    def length_z(self) -> float:
        if self.source_chars is None or self.source_chars == 0:
            return 0.0
        if self.target_chars == 0:
            return -MAX_Z  # nothing translated: as short as a translation gets
        return (math.log(self.target_chars / self.source_chars) - LOG_RATIO_MEAN) / LOG_RATIO_SD

    def risk_features(self) -> dict[str, float]:
        """The pair's features for the risk model (and, but for ``xsim_gap``, for findings):
        ``xsim_gap`` is 1 - xsim, its whole range, where findings see only a shortfall below
        the norm; 0 target-only, where ``source_mode`` carries the difference."""
        gap = 1.0 - self.xsim if self.xsim is not None else 0.0
        return {**self.common(), "source_mode": float(self.source_chars is not None), "xsim_gap": gap}

    def common(self) -> dict[str, float]:
        return {
            "log_length": math.log1p(self.english_chars),
            "length_z": min(abs(self.length_z), MAX_Z),
            "xsim_shortfall": max(0.0, XSIM_NORMAL - self.xsim) if self.xsim is not None else 0.0,
        }


def finding_features(code: str, severity: str, whole_pair: bool, pair: Pair) -> dict[str, float]:
    """The features of one finding (the same function serves fitting and scoring)."""
    return {
        "severity_major": float(severity == "major"),
        "severity_critical": float(severity == "critical"),
        "whole_pair": float(whole_pair),
        "other_codes": float(min(3, len(pair.codes - {code}))),
        **pair.common(),
        "source_mode": float(pair.source_chars is not None),
    }


def family(code: str) -> str:
    return code.rstrip("0123456789")


@dataclass(frozen=True)
class Model:
    """The fitted weights and where they came from (see the module docstring)."""

    version: str
    intercept: float
    weights: Mapping[str, float]
    families: Mapping[str, float]
    codes: Mapping[str, float]
    thresholds: Mapping[str, float]  # the default min-confidence per mode ("source", "target-only")
    risk_intercept: float
    risk_weights: Mapping[str, float]
    provenance: Mapping[str, Any] = field(default_factory=dict)
    recalibration: tuple[tuple[float, float], ...] = ()  # knots (score, observed rate); () = none
    measured: Mapping[str, float] = field(default_factory=dict)  # rules the annotated data rarely sees: their rate elsewhere

    def confidence(self, code: str, features: Mapping[str, float]) -> float:
        if code in self.measured:
            return float(self.measured[code])
        z = self.intercept + self.families.get(family(code), 0.0) + self.codes.get(code, 0.0)
        z += sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return interpolate(self.recalibration, _sigmoid(z))

    def risk(self, confidences: Iterable[float], pair: Mapping[str, float]) -> float:
        """Probability that a reviewer marks an error somewhere in a pair with these findings'
        confidences and these features (:meth:`Pair.risk_features`)."""
        none = 1.0
        for c in confidences:
            none *= 1.0 - c
        features = {"evidence": _logit(1.0 - none), **pair}
        return _sigmoid(self.risk_intercept + sum(self.risk_weights.get(k, 0.0) * v for k, v in features.items()))

    def calibrated(self, code: str) -> bool:
        """Whether the model has been fitted on findings of this kind: the reviewer model's
        (LLM…) and the knowledge checks' (KNW…) are not, and carry no confidence."""
        return family(code) not in UNCALIBRATED or code in self.codes or code in self.measured or family(code) in self.families

    def signature(self) -> str:
        return f"confidence:{self.version}"

    def default_threshold(self, mode: str = "source") -> float:
        """The min-confidence a report of this mode lists findings at unless told otherwise."""
        return float(self.thresholds.get(mode, max(self.thresholds.values(), default=0.0)))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Model:
        return cls(
            version=str(d["version"]),
            intercept=float(d["intercept"]),
            weights=dict(d["weights"]),
            families=dict(d["families"]),
            codes=dict(d["codes"]),
            thresholds={k: float(v) for k, v in d["default_threshold"].items()}
            if isinstance(d["default_threshold"], Mapping)
            else {"source": float(d["default_threshold"]), "target-only": float(d["default_threshold"])},
            risk_intercept=float(d["risk"]["intercept"]),
            risk_weights=dict(d["risk"]["weights"]),
            provenance=dict(d.get("provenance", {})),
            recalibration=tuple((float(x), float(y)) for x, y in d.get("recalibration", ())),
            measured={k: float(v) for k, v in d.get("measured", {}).items()},
        )


def interpolate(knots: Sequence[Sequence[float]], x: float) -> float:
    """The recalibration map at ``x``: linear between knots, flat beyond the first and last
    (the identity when there are none)."""
    if not knots:
        return x
    if x <= knots[0][0]:
        return float(knots[0][1])
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        if x <= x1:
            return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0)) if x1 > x0 else float(y1)
    return float(knots[-1][1])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@lru_cache(maxsize=1)
def shipped() -> Model:
    """The model that ships with the package."""
    text = resources.files("audit").joinpath("data", "confidence.json").read_text(encoding="utf-8")
    return Model.from_dict(json.loads(text))


@dataclass(frozen=True)
class _Placement:
    target: dict[int, int]  # target segment id → pair index
    source: dict[int, int]  # source segment id → pair index (source mode)


def pairs_of(target: Document, source: Document | None, alignment: Sequence[Bead], pair_scores: Sequence[Mapping[str, Any]]) -> tuple[_Placement, list[Pair]]:
    """The pairs findings are judged in, and where each segment belongs.

    Source mode: one pair per alignment bead (its xsim from ``pair_scores``), a sentence left
    untranslated or added being a pair with one side empty. Target-only: one pair per paragraph."""
    where: dict[int, int] = {}
    from_source: dict[int, int] = {}
    pairs: list[Pair] = []
    if source is not None and alignment:
        xsim = {tuple(p.get("target", ())): p.get("xsim") for p in pair_scores if p.get("target")}
        for bead in alignment:
            src = sum(len(source.segments[i].text) for i in bead.source)
            segs = [target.segments[j] for j in bead.target]
            for seg in segs:
                where[seg.id] = len(pairs)
            for i in bead.source:
                from_source[i] = len(pairs)
            x = xsim.get(tuple(bead.target))
            start, end = (segs[0].start, segs[-1].end) if segs else (-1, -1)
            pairs.append(Pair(src, sum(len(t.text) for t in segs), float(x) if x is not None else None, start=start, end=end))
        return _Placement(where, from_source), pairs
    by_paragraph: dict[int, int] = {}
    for seg in target.segments:
        k = by_paragraph.setdefault(seg.paragraph, len(pairs))
        if k == len(pairs):
            pairs.append(Pair(None, 0, start=seg.start, end=seg.end))
        p = pairs[k]
        pairs[k] = replace(p, target_chars=p.target_chars + len(seg.text), end=seg.end)
        where[seg.id] = k
    return _Placement(where, from_source), pairs


def pair_of(f: Finding, target: Document, source: Document | None, where: _Placement) -> int | None:
    if f.target is not None:
        seg = target.segment_at(f.target.start)
        return where.target.get(seg.id) if seg is not None else None
    if f.source is not None and source is not None:
        seg = source.segment_at(f.source.start)
        return where.source.get(seg.id) if seg is not None else None
    return None


def _whole_pair(f: Finding, pair: Pair | None) -> bool:
    """The finding is about its whole pair (no span of its own inside the translation)."""
    return f.target is None or pair is None or (f.target.start <= pair.start and f.target.end >= pair.end)


def features_of(
    findings: Sequence[Finding], target: Document, source: Document | None, alignment: Sequence[Bead], pair_scores: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[int | None, dict[str, float]]], list[Pair]]:
    """(pair index, features) per finding, and the pairs: what :func:`score` scores and what
    ``benchmarks/esa_calibrate.py`` fits the model on, computed once for both."""
    where, pairs = pairs_of(target, source, alignment, pair_scores)
    placed = [pair_of(f, target, source, where) for f in findings]
    codes: dict[int, set[str]] = {}
    for f, k in zip(findings, placed, strict=True):
        if k is not None:
            codes.setdefault(k, set()).add(f.code)
    pairs = [replace(p, codes=frozenset(codes.get(k, ()))) for k, p in enumerate(pairs)]
    rows = []
    for f, k in zip(findings, placed, strict=True):
        pair = pairs[k] if k is not None else None
        x = finding_features(f.code, f.severity.value, _whole_pair(f, pair), pair or Pair(None, len(f.target.text) if f.target else 0))
        rows.append((k, x))
    return rows, pairs


@dataclass(frozen=True)
class Scored:
    findings: list[Finding]  # every finding, with its confidence
    pair_risk: list[float]


def score(
    findings: Sequence[Finding],
    target: Document,
    source: Document | None,
    alignment: Sequence[Bead],
    pair_scores: Sequence[Mapping[str, Any]],
    model: Model | None = None,
) -> Scored:
    """Each finding with its confidence, and each pair's risk."""
    model = model or shipped()
    rows, pairs = features_of(findings, target, source, alignment, pair_scores)
    out = []
    by_pair: dict[int, list[float]] = {}
    for f, (k, x) in zip(findings, rows, strict=True):
        if not model.calibrated(f.code):
            out.append(replace(f, confidence=None))
            continue
        c = round(model.confidence(f.code, x), 4)
        out.append(replace(f, confidence=c))
        if k is not None:
            by_pair.setdefault(k, []).append(c)
    risks = [round(model.risk(by_pair.get(k, ()), p.risk_features()), 4) for k, p in enumerate(pairs)]
    return Scored(out, risks)


EXEMPT = frozenset({"SUP001"})  # about the suppression file, not the translation: always listed, no confidence
# families listed without a confidence until a model is fitted on them: the reviewer model's (no
# model's output was available to fit on) and the knowledge checks' (the ESA audits load no index)
UNCALIBRATED = frozenset({"LLM", "KNW"})


def _listed_anyway(f: Finding) -> bool:
    """Listed whatever the threshold: an uncalibrated finding (the reviewer model's, which the
    user asked for) and a rule finding the reviewer agrees with (agreement is evidence)."""
    return f.confidence is None or "reviewer" in f.evidence


@dataclass(frozen=True)
class Judged:
    """Findings after the confidence threshold: what a report lists, and what it held back."""

    listed: list[Finding]  # by confidence, most likely first; ids renumbered in that order
    held_back: dict[str, int]  # by code
    threshold: float
    scores: list[Any]  # the document's risk (audit.model.Score)

    def summary(self) -> str:
        n = sum(self.held_back.values())
        return f"{n} finding(s) below min-confidence {self.threshold:g} held back (--min-confidence 0 lists them)"


def apply(
    findings: Sequence[Finding],
    target: Document,
    source: Document | None,
    alignment: Sequence[Bead],
    pair_scores: Sequence[dict[str, Any]],
    min_confidence: float | None = None,
    model: Model | None = None,
) -> Judged:
    """Score every finding, write each pair's ``risk`` into ``pair_scores``, and keep the findings
    whose confidence reaches ``min_confidence`` (the model's default threshold when None)."""
    from audit.model import Score
    from audit.scores import N_BOOTSTRAP, SEED, Metric, score_with_interval

    model = model or shipped()
    mode = "source" if source is not None else "target-only"
    threshold = model.default_threshold(mode) if min_confidence is None else min_confidence
    judged = [f for f in findings if f.code not in EXEMPT]
    scored = score(judged, target, source, alignment, pair_scores, model)
    if source is not None and alignment:
        by_bead = {(tuple(b.source), tuple(b.target)): k for k, b in enumerate(alignment)}
        for row in pair_scores:
            k = by_bead.get((tuple(row.get("source", ())), tuple(row.get("target", ()))))
            if k is not None:
                row["risk"] = scored.pair_risk[k]
    listed = [f for f in scored.findings if _listed_anyway(f) or (f.confidence or 0.0) >= threshold]
    held: dict[str, int] = {}
    for f in scored.findings:
        if not _listed_anyway(f) and (f.confidence or 0.0) < threshold:
            held[f.code] = held.get(f.code, 0) + 1
    listed.sort(key=lambda f: (f.confidence is None, -(f.confidence or 0.0), f.target.start if f.target else -1, f.code))
    listed += [f for f in findings if f.code in EXEMPT]
    listed = [replace(f, id=f"F{i:04d}") for i, f in enumerate(listed, 1)]
    scores = []
    if scored.pair_risk:
        unit = "pairs" if source is not None and alignment else "paragraphs"
        value, interval = score_with_interval(Metric("mean"), Metric.value_stats(scored.pair_risk))
        sig = f"risk|{model.signature()}|{unit}:{len(scored.pair_risk)}|bootstrap:{N_BOOTSTRAP}|seed:{SEED}"
        scores.append(Score("risk", value, sig, interval))
    return Judged(listed, dict(sorted(held.items())), threshold, scores)
