"""The confidence model's fitting helpers (benchmarks/esa_calibrate.py) and the recalibration map
the package applies (audit.confidence.interpolate): they decide what a confidence means and
which findings a report lists by default."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import esa  # noqa: E402
import esa_calibrate as fit  # noqa: E402

from audit.confidence import Model, interpolate  # noqa: E402


def test_the_map_is_linear_between_knots_flat_beyond_and_the_identity_without_knots():
    knots = [[0.2, 0.1], [0.6, 0.5], [0.9, 0.8]]
    assert interpolate([], 0.37) == 0.37
    assert interpolate(knots, 0.0) == 0.1 and interpolate(knots, 1.0) == 0.8
    assert interpolate(knots, 0.4) == pytest.approx(0.3)
    assert interpolate(knots, 0.75) == pytest.approx(0.65)


def test_the_model_applies_its_recalibration_to_every_confidence():
    d = {
        "version": "t", "intercept": 0.0, "weights": {}, "families": {}, "codes": {"UNT001": 2.0},
        "default_threshold": {"source": 0.5}, "risk": {"intercept": 0.0, "weights": {}},
    }  # fmt: skip
    plain = Model.from_dict(d)
    mapped = Model.from_dict({**d, "recalibration": [[0.5, 0.2], [0.9, 0.6]]})
    raw = plain.confidence("UNT001", {})  # sigmoid(2) = 0.881
    assert mapped.confidence("UNT001", {}) == pytest.approx(0.2 + 0.4 * (raw - 0.5) / 0.4)
    assert mapped.confidence("XYZ001", {}) == 0.2  # sigmoid(0) = 0.5, the first knot


def test_isotonic_pools_what_falls_and_keeps_every_rate_short_of_certainty():
    x = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    y = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0])  # the lowest score is right: pooled away
    knots = fit.isotonic(x, y)
    rates = [r for _, r in knots]
    assert rates == sorted(rates) and 0.0 < rates[0] and rates[-1] < 1.0
    assert [s for s, _ in knots] == sorted(s for s, _ in knots)
    assert len(knots) < len(x)  # the violators were pooled
    assert knots[0][0] == pytest.approx(np.mean(x[:4]))  # 1, 0, 0, 0 became one block


def _judgement(doc: str, line: int, wrong: bool) -> esa.Judgement:
    errors = ({"start": 0, "end": 1, "severity": "minor"},) if wrong else ()
    return esa.Judgement(doc, "news", line, "sys", 50.0 if wrong else 100.0, errors, "s", "t")


def test_the_bootstrap_quantile_sits_below_the_precision_when_documents_differ():
    rows, conf = [], []
    for d in range(20):  # half the documents' flagged paragraphs are right, the others' mostly not
        for line in range(5):
            j = _judgement(f"doc{d}", line, wrong=(line < 4) if d % 2 else (line == 0))
            rows.append((j, {}, float(j.wrong)))
            conf.append(0.9 if line < 3 else 0.3)
    curve = fit.precision_curve(rows, np.array(conf))
    at = {t: (p, low, n) for t, p, low, n in curve}
    p, low, n = at[0.5]
    assert n == 60 and p == pytest.approx(40 / 60)
    assert low < p  # some resamples draw more of the documents whose findings are wrong
    assert at[0.2][2] == 100


def test_the_threshold_is_the_lowest_whose_lower_quantile_reaches_the_target_and_never_below_it():
    curve = [(0.3, 0.6, 0.52, 40), (0.4, 0.6, 0.55, 30), (0.6, 0.7, 0.6, 20), (0.9, 0.9, 0.8, 5)]
    t, how = fit.choose_threshold(curve)
    assert t == fit.TARGET_PRECISION and "from 0.3" in how  # calibrated: never below 50%
    t, how = fit.choose_threshold([(0.45, 0.5, 0.4, 40), (0.55, 0.6, 0.51, 30), (0.7, 0.9, 0.3, 16)])
    assert t == 0.55 and how.startswith("the lowest confidence")
    t, how = fit.choose_threshold([(0.45, 0.5, 0.4, 40), (0.7, 0.6, 0.45, 16), (0.9, 1.0, 1.0, 3)])
    assert t == 0.7 and "no threshold reached" in how  # too few paragraphs at 0.9 to count


def test_a_rule_measured_elsewhere_takes_its_measured_rate_until_the_annotated_data_sees_it():
    base = 0.3
    rows = [(_judgement("d", 0, True), {"code": "NUM006"}, 1.0, "source")]  # seen once: still measured elsewhere
    rows += [(_judgement("d", k, k % 2 == 0), {"code": "GRB008"}, float(k % 2 == 0), "source") for k in range(fit.MEASURED_BELOW)]
    measured = fit.measured_rates(rows, base)
    rate, n, _ = fit.PRIORS["NUM006"]
    assert measured["NUM006"] == pytest.approx((rate * n + 1 + 2 * base) / (n + 1 + 2), abs=1e-5)
    assert "GRB008" not in measured  # seen often enough: the model's score, prior included, decides
    rate, n, _ = fit.PRIORS["OMI001"]
    assert measured["OMI001"] == pytest.approx((rate * n + 2 * base) / (n + 2), abs=1e-5) and measured["OMI001"] < rate


def test_the_model_gives_a_measured_rule_its_rate_whatever_the_features():
    d = {
        "version": "t", "intercept": -3.0, "weights": {"length_z": 1.0}, "families": {}, "codes": {},
        "default_threshold": {"source": 0.5}, "risk": {"intercept": 0.0, "weights": {}}, "measured": {"NAM006": 0.8},
    }  # fmt: skip
    model = Model.from_dict(d)
    assert model.confidence("NAM006", {"length_z": 0.0}) == model.confidence("NAM006", {"length_z": 4.0}) == 0.8
    assert model.calibrated("NAM006") and model.confidence("NAM001", {"length_z": 0.0}) < 0.1
