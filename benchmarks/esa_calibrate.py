"""Fit the confidence and risk models (``audit/data/confidence.json``) on the WMT24 ESA tune half.

Method (documented in the file it writes and in ``audit/confidence.py``):

1. Every finding of the audits of the tune half (``benchmarks/esa.py``; source mode, default
   settings, every finding listed) is labelled by the annotator's judgement of its pair (a
   paragraph here): right when an error is marked anywhere in it, missing content included,
   or when the annotator scored it in ESA's lowest band (under 34) without marking a span: 5
   paragraphs of the tune half, every one a refusal, a copied source or a model's commentary
   instead of a translation.
   The pair is what an ESA annotator judges and what a reviewer fixes, and the label the
   report's figures count. Labelling by span overlap instead was tried: annotators' spans are
   one character or a whole sentence and often sit away from the finding's (a Chinese word
   left in is marked on its first character, or not at all where other errors are marked),
   and it ranked the tune half's paragraphs worse out of fold (average precision 0.34
   against 0.42). A paragraph judged by two annotators gives two rows.
2. A logistic regression predicts the label from the features ``audit.confidence`` computes,
   an intercept per family and per rule, and L2 penalties that shrink a rule's intercept towards
   its family's and the family's towards the global one. Rules with a prior in ``PRIORS`` get
   that many pseudo-observations at its rate (each prior says where the rate was measured).
   The penalties on the intercepts and on the features are chosen together by 5-fold
   cross-validation over documents (out-of-fold log-loss). The features' penalty used to be
   fixed at 1; cross-validated, the tune half prefers it large (the features, fitted on one set
   of documents, did not carry to the next): a finding's confidence is then mostly its rule's
   rate, moved a little by its evidence.
3. The risk model is a second logistic regression, on the tune paragraphs: whether the
   paragraph has any marked error, from the noisy-or of its findings' out-of-fold confidences
   and the pair's features.
4. (After step 5's recalibration.) The default threshold is the lowest confidence at which the tune half's out-of-fold
   paragraph precision reaches 50% (with at least 15 paragraphs flagged) not only on the tune
   half as a whole but in 90% of document-bootstrap resamples of it (``precision_curve``):
   the share of paragraphs with an error differs between sets of documents, and a threshold
   chosen at exactly 50% on one set falls below it on the next. The threshold is never below
   50% itself, since confidences are calibrated (step 5). When none does, the one with the
   highest lower quantile (the provenance says which).
5. The logistic model's out-of-fold confidences on the tune half rank findings better than
   they measure them (predicted 0.3-0.6, observed about 0.25 throughout), so an isotonic map
   fitted on them (``isotonic``) turns the score into the observed rate; the thresholds and the
   risk model are chosen on the mapped confidences. The map is monotone: it changes what a
   confidence means, not which findings rank above which.
6. The held-out half is only scored: calibration (predicted against observed, in bins) and its
   expected calibration error go into the file's provenance.

Run: ``python benchmarks/esa_calibrate.py [--load audits.pkl] [--dry-run]``; then
``python benchmarks/esa_eval.py`` measures the result on the held-out half.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import pickle
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import esa  # noqa: E402

from audit.confidence import FINDING_FEATURES, RISK_FEATURES, family, interpolate  # noqa: E402

OUT = ROOT / "audit" / "data" / "confidence.json"
LAMBDA_FEATURES = 1.0  # the risk model's
LAMBDA_FEATURES_GRID = (1.0, 10.0, 100.0, 1000.0, 10000.0)  # the findings' features: chosen by cross-validation
LAMBDA_GRID = (1.0, 3.0, 10.0, 30.0)
FOLDS = 5
MIN_FLAGGED = 15
TARGET_PRECISION = 0.5
MEASURED_BELOW = 5  # a rule with a prior seen fewer times than this on the tune half takes its measured rate
LOWER_QUANTILE = 0.1  # the threshold holds the target precision in 90% of document resamples
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 20241

# Rules the annotated data cannot judge (no glossary is loaded there) or rarely sees, with the
# rate measured elsewhere: (rate, pseudo-observations, where it was measured).
PRIORS: dict[str, tuple[float, int, str]] = {
    "GLO001": (0.8, 10, "the user's glossary names the accepted forms; ESA audits load none"),
    "GLO002": (0.8, 10, "the user's glossary marks the rendering wrong; ESA audits load none"),
    "GLO003": (0.6, 10, "one of the glossary's forms with a stretch replaced; ESA audits load none"),
    "OMI001": (0.70, 23, "WMT22 en-ja source mode, 13 systems and the reference, every finding read (2026-12-07): 16 of 23 a sentence left out "
               "or replaced by another, garbage or nothing; 7 a fair translation the aligner paired elsewhere ('It is DAUNTING.' as 気が遠くなるような話だ)"),
    "NAM006": (1.0, 5, "WMT22 en-ja source mode, 13 systems and the reference, every finding read (2026-12-07): 5 of 5 real ('Trade Minister' as 外相), none on the reference"),
    "NAM007": (1.0, 1, "WMT22 en-ja source mode, 13 systems and the reference, every finding read (2026-12-07): 1 of 1 real (彼 for 'her'), none on the reference"),
    "GRB008": (0.9, 10, "WMT22 en-ja, 13 systems: 109 findings read, each a damaged placeholder (README)"),
    "NUM003": (0.9, 5, "WMT22 en-ja: none on 30,526 clean lines; each seeded case an error (README)"),
    "NUM006": (0.9, 5, "WMT22 en-ja: 3 findings on one system, all real (README)"),
}


def label(f: dict[str, Any], j: esa.Judgement) -> float:
    """1 when the annotator judged the finding's pair wrong (see the module docstring)."""
    return float(j.wrong)


def rows_of(results: dict[tuple[str, str], dict[int, esa.Paragraph]], split: str) -> list[tuple[esa.Judgement, dict[str, Any], float]]:
    """(judgement, finding, label) for every finding of the split's paragraphs."""
    out = []
    for j in esa.judgements():
        if esa.split_of(j.doc) != split:
            continue
        p = results.get((j.doc, j.system), {}).get(j.line)
        for f in p.findings if p else []:
            if "features" in f:
                out.append((j, f, label(f, j)))
    return out


class Design:
    """Columns: global intercept, the features, one per family, one per rule."""

    def __init__(self, codes: list[str]):
        self.codes = sorted(set(codes))
        self.families = sorted({family(c) for c in self.codes})
        self.n = 1 + len(FINDING_FEATURES) + len(self.families) + len(self.codes)

    def row(self, code: str, x: dict[str, float]) -> np.ndarray:
        r = np.zeros(self.n)
        r[0] = 1.0
        for i, k in enumerate(FINDING_FEATURES):
            r[1 + i] = x[k]
        base = 1 + len(FINDING_FEATURES)
        if family(code) in self.families:
            r[base + self.families.index(family(code))] = 1.0
        if code in self.codes:
            r[base + len(self.families) + self.codes.index(code)] = 1.0
        return r

    def penalty(self, lam: float, features: float) -> np.ndarray:
        return np.r_[0.0, [features] * len(FINDING_FEATURES), [lam] * (len(self.families) + len(self.codes))]


def fit_logistic(X: np.ndarray, y: np.ndarray, penalty: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method; ``y`` may be fractional (priors)."""
    w = np.zeros(X.shape[1])
    sw = np.ones(len(y)) if weight is None else weight
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -40, 40)))
        grad = X.T @ (sw * (p - y)) + penalty * w
        hess = (X.T * (sw * p * (1 - p))) @ X + np.diag(penalty) + 1e-8 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def prior_rows(design: Design, default_x: dict[str, float], severity: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    X, y = [], []
    for code, (rate, n, _) in PRIORS.items():
        x = dict(default_x, severity_major=float(severity.get(code) == "major"), severity_critical=float(severity.get(code) == "critical"))
        for _ in range(n):
            X.append(design.row(code, x))
            y.append(rate)
    return np.array(X).reshape(-1, design.n), np.array(y)


def measured_rates(tune: list[tuple[esa.Judgement, dict[str, Any], float, str]], base: float) -> dict[str, float]:
    """The confidence of each rule with a prior that the tune half saw fire fewer than
    ``MEASURED_BELOW`` times: its findings where the prior was measured and on the tune half
    together, shrunk by two pseudo-findings at the overall rate (as the recalibration's knots
    are). The logistic model's score would shrink such a rule towards its family, whose other
    rules measure other things (a damaged placeholder is not a missing acronym)."""
    seen: dict[str, list[float]] = defaultdict(list)
    for _, f, y, _ in tune:
        seen[f["code"]].append(y)
    out = {}
    for code, (rate, n, _) in PRIORS.items():
        ys = seen.get(code, [])
        if len(ys) < MEASURED_BELOW:
            out[code] = round((rate * n + sum(ys) + 2 * base) / (n + len(ys) + 2), 5)
    return out


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -40, 40)))


def paragraph_precision(rows: list[tuple[esa.Judgement, dict[str, Any], float]], conf: np.ndarray, t: float) -> tuple[float, int]:
    flagged: dict[int, esa.Judgement] = {}
    for (j, _, _), c in zip(rows, conf, strict=True):
        if c >= t:
            flagged[id(j)] = j
    n = len(flagged)
    return (sum(not j.clean for j in flagged.values()) / n if n else float("nan")), n


def precision_curve(rows: list[tuple[esa.Judgement, dict[str, Any], float]], conf: np.ndarray) -> list[tuple[float, float, float, int]]:
    """(threshold, paragraph precision, its document-bootstrap lower quantile, paragraphs flagged)
    for thresholds 0.05-0.95. A paragraph is flagged at t when one of its findings reaches t.

    The lower quantile is what makes the default robust: the share of paragraphs with an error
    varies from one set of documents to another (19% on the tune half, 13% on the held-out half
    of the ESA dev side), and precision moves with it. Resampling the tune half's documents
    (with replacement, ``BOOTSTRAP`` times, a fixed seed) shows how far precision falls on a
    set of documents like these; the default threshold asks that it stay at the target in all
    but ``LOWER_QUANTILE`` of them, not only on average."""
    best: dict[int, tuple[esa.Judgement, float]] = {}
    for (j, _, _), c in zip(rows, conf, strict=True):
        if id(j) not in best or c > best[id(j)][1]:
            best[id(j)] = (j, float(c))
    docs = sorted({j.doc for j, _ in best.values()})
    if not docs:
        return []
    col = {d: i for i, d in enumerate(docs)}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    times = np.zeros((BOOTSTRAP, len(docs)))  # how often each document is drawn, per resample
    for b in range(BOOTSTRAP):
        np.add.at(times[b], rng.integers(0, len(docs), len(docs)), 1.0)
    paragraphs = list(best.values())
    doc_of = np.array([col[j.doc] for j, _ in paragraphs])
    wrong = np.array([not j.clean for j, _ in paragraphs], dtype=float)
    top = np.array([c for _, c in paragraphs])
    out = []
    for t in np.arange(0.05, 0.951, 0.01):
        on = top >= t
        n_doc = np.bincount(doc_of[on], minlength=len(docs)).astype(float)
        tp_doc = np.bincount(doc_of[on], weights=wrong[on], minlength=len(docs))
        n, tp = times @ n_doc, times @ tp_doc
        boot = np.where(n > 0, tp / np.maximum(n, 1.0), 0.0)
        prec = float(tp_doc.sum() / n_doc.sum()) if n_doc.sum() else float("nan")
        out.append((round(float(t), 2), prec, float(np.quantile(boot, LOWER_QUANTILE)), int(n_doc.sum())))
    return out


def choose_threshold(curve: list[tuple[float, float, float, int]]) -> tuple[float, str]:
    """The lowest threshold at which the precision's lower quantile reaches the target over
    enough paragraphs. The confidences are calibrated, so the threshold is never below the
    target precision itself: a finding listed by default is at least as likely right as wrong on
    its own, whatever else its paragraph holds. When no threshold reaches the target, the one
    with the highest lower quantile (the text says which)."""
    curve = [row for row in curve if row[3] >= MIN_FLAGGED]
    rule = f"tune out-of-fold paragraph precision >= {TARGET_PRECISION:.0%} in {1 - LOWER_QUANTILE:.0%} of {BOOTSTRAP} document-bootstrap resamples, over >= {MIN_FLAGGED} paragraphs"
    reaching = [t for t, _, low, _ in curve if low >= TARGET_PRECISION]
    if reaching:
        if reaching[0] < TARGET_PRECISION:
            return TARGET_PRECISION, f"{TARGET_PRECISION} (a finding is listed when its calibrated confidence reaches the target precision; {rule} from {reaching[0]})"
        return reaching[0], f"the lowest confidence with {rule}"
    if curve:
        best = max(low for _, _, low, _ in curve)
        return max(t for t, _, low, _ in curve if low == best), f"no threshold reached {rule}; the one with the highest lower quantile ({best:.1%})"
    return 0.5, "too few tune findings to choose: 0.5"


def isotonic(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    """Knots of the recalibration map: pool-adjacent-violators on the out-of-fold confidences
    ``x`` against the labels ``y`` gives blocks of rising observed rate; each block becomes a
    knot (its mean confidence, its observed rate shrunk a little towards the overall rate), and
    confidences between knots are interpolated (``audit.confidence.interpolate``)."""
    # by hand, not scipy.optimize.isotonic_regression: scipy is no dependency of the package or
    # its test extra, and the blocks themselves are wanted (each is shrunk below)
    order = np.argsort(x, kind="stable")
    blocks: list[list[float]] = []  # [sum of x, sum of y, count]
    for i in order:
        blocks.append([float(x[i]), float(y[i]), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            a = blocks.pop()
            for k in range(3):
                blocks[-1][k] += a[k]
    # each block's rate is shrunk by two pseudo-findings at the overall rate, so that a block
    # whose findings were all right says "very likely", not "certainly" (then kept rising)
    base = float(np.mean(y)) if len(y) else 0.5
    knots: list[list[float]] = []
    for sx, sy, n in blocks:
        rate = (sy + 2 * base) / (n + 2)
        if knots:
            rate = max(rate, knots[-1][1])
        knots.append([round(sx / n, 5), round(rate, 5)])
    return knots


def recalibrated(knots: list[list[float]], conf: np.ndarray, codes: list[str], measured: dict[str, float]) -> np.ndarray:
    """The confidences the shipped model gives these findings (``audit.confidence.Model``): a
    measured rule's rate, else the model's score through the map."""
    return np.array([measured[code] if code in measured else interpolate(knots, float(c)) for code, c in zip(codes, conf, strict=True)])


def calibration(conf: np.ndarray, y: np.ndarray, edges: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8)) -> tuple[list[dict[str, Any]], float]:
    bins = np.digitize(conf, edges)
    table = []
    ece = 0.0
    for b in range(len(edges) + 1):
        m = bins == b
        if not m.any():
            continue
        lo = 0.0 if b == 0 else edges[b - 1]
        hi = 1.0 if b == len(edges) else edges[b]
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "findings": int(m.sum()), "predicted": round(float(conf[m].mean()), 3), "observed": round(float(y[m].mean()), 3)})
        ece += m.sum() / len(conf) * abs(conf[m].mean() - y[m].mean())
    return table, round(float(ece), 4)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load", type=Path, help="audits pickled by esa_eval.py --save (made with every finding listed)")
    ap.add_argument("--save", type=Path, help="keep the audits in this pickle")
    ap.add_argument("--target-only", type=Path, help="the target-only audits: read from this pickle when it exists, else audited and kept there")
    ap.add_argument("--curve", action="store_true", help="print the precision curve at every 0.01 (default: every 0.05)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the model file")
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()
    if not esa.available():
        print(f"skipped: {esa.DATA} not found")
        return 0
    results = pickle.loads(args.load.read_bytes()) if args.load else dict(esa.audit_all(esa.documents(), jobs=args.jobs))
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    if args.target_only and args.target_only.exists():
        target_only = pickle.loads(args.target_only.read_bytes())
    else:
        target_only = dict(esa.audit_all(esa.documents(), jobs=args.jobs, settings={"mode": "target-only"}))
        if args.target_only:
            args.target_only.write_bytes(pickle.dumps(target_only))
    from audit.checks.base import all_rules

    severity = {r.code: r.severity.value for r in all_rules()}
    by_mode = {"source": results, "target-only": target_only}
    tune = [(*row, mode) for mode, res in by_mode.items() for row in rows_of(res, "tune")]
    held = [(*row, mode) for mode, res in by_mode.items() for row in rows_of(res, "heldout")]
    design = Design([f["code"] for _, f, _, _ in tune] + list(PRIORS))
    Xt = np.array([design.row(f["code"], f["features"]) for _, f, _, _ in tune])
    yt = np.array([y for _, _, y, _ in tune])
    default_x = {k: float(np.median(Xt[:, 1 + i])) for i, k in enumerate(FINDING_FEATURES)}
    Xp, yp = prior_rows(design, default_x, severity)

    docs = sorted({j.doc for j, _, _, _ in tune})
    random.Random(20241).shuffle(docs)
    fold_of = {d: i % FOLDS for i, d in enumerate(docs)}
    folds = np.array([fold_of[j.doc] for j, _, _, _ in tune])

    def oof(lam: float, lf: float) -> np.ndarray:
        out = np.zeros(len(yt))
        for k in range(FOLDS):
            tr = folds != k
            w = fit_logistic(np.vstack([Xt[tr], Xp]), np.r_[yt[tr], yp], design.penalty(lam, lf))
            out[~tr] = sigmoid(Xt[~tr] @ w)
        return out

    losses = {}
    for lam in LAMBDA_GRID:
        for lf in LAMBDA_FEATURES_GRID:
            p = np.clip(oof(lam, lf), 1e-6, 1 - 1e-6)
            losses[(lam, lf)] = float(-np.mean(yt * np.log(p) + (1 - yt) * np.log(1 - p)))
    lam, lf = min(losses, key=losses.__getitem__)
    conf_oof = oof(lam, lf)
    w = fit_logistic(np.vstack([Xt, Xp]), np.r_[yt, yp], design.penalty(lam, lf))
    print(f"tune: {len(tune)} findings ({int(yt.sum())} right), held-out: {len(held)}; penalties: intercepts {lam}, features {lf}")
    for (a, b), loss in sorted(losses.items()):
        print(f"  CV log-loss, intercepts {a}, features {b}: {loss:.4f}")
    raw_oof = conf_oof
    knots = isotonic(raw_oof, yt)
    measured = measured_rates(tune, float(np.mean(yt)))
    codes_t = [f["code"] for _, f, _, _ in tune]
    conf_oof = recalibrated(knots, raw_oof, codes_t, measured)
    print(f"recalibration: {len(knots)} knots {knots}")
    print("measured elsewhere:", measured)

    # the threshold per mode, on the tune half's out-of-fold confidences
    thresholds: dict[str, float] = {}
    how: dict[str, str] = {}
    for mode in by_mode:
        rows = [(j, f, y) for j, f, y, m in tune if m == mode]
        conf = np.array([c for c, (_, _, _, m) in zip(conf_oof, tune, strict=True) if m == mode])
        curve = precision_curve(rows, conf)
        for t, prec, low, n in curve if args.curve else curve[::5]:
            print(f"  {mode} threshold {t:.2f}: out-of-fold paragraph precision {prec:.3f} (document-bootstrap {LOWER_QUANTILE:.0%} quantile {low:.3f}) over {n} paragraphs")
        thresholds[mode], how[mode] = choose_threshold(curve)
    # the risk model, on tune paragraphs (source mode) with out-of-fold confidences
    by_para: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for (j, _, _, mode), c in zip(tune, conf_oof, strict=True):
        if mode == "source":
            by_para[(j.doc, j.system, j.line)].append(float(c))
    R, ry = [], []
    for j in esa.judgements():
        if esa.split_of(j.doc) != "tune":
            continue
        p = results.get((j.doc, j.system), {}).get(j.line)
        if p is None or not p.pair:
            continue
        none = math.prod(1 - c for c in by_para.get((j.doc, j.system, j.line), []))
        ev = min(max(1 - none, 1e-4), 1 - 1e-4)
        x = {"evidence": math.log(ev / (1 - ev)), **p.pair}
        R.append([1.0] + [x[k] for k in RISK_FEATURES])
        ry.append(float(j.wrong))
    rw = fit_logistic(np.array(R), np.array(ry), np.r_[0.0, [LAMBDA_FEATURES] * len(RISK_FEATURES)])

    Xh = np.array([design.row(f["code"], f["features"]) for _, f, _, _ in held]).reshape(-1, design.n)
    yh = np.array([y for _, _, y, _ in held])
    conf_h = recalibrated(knots, sigmoid(Xh @ w), [f["code"] for _, f, _, _ in held], measured) if len(held) else np.zeros(0)
    table_h, ece_h = calibration(conf_h, yh) if len(held) else ([], float("nan"))
    table_t, ece_t = calibration(conf_oof, yt)
    table_raw, ece_raw = calibration(raw_oof, yt)
    print("calibration, tune out-of-fold, before recalibration:", json.dumps(table_raw), "ECE", ece_raw)
    print("calibration, tune out-of-fold:", json.dumps(table_t), "ECE", ece_t)
    print("calibration, held-out:        ", json.dumps(table_h), "ECE", ece_h)
    for mode, t in thresholds.items():
        rows = [(j, f, y) for j, f, y, m in held if m == mode]
        conf = np.array([c for c, (_, _, _, m) in zip(conf_h, held, strict=True) if m == mode])
        prec, n = paragraph_precision(rows, conf, t)
        print(f"held-out, {mode}, at threshold {t}: paragraph precision {prec:.3f} over {n} paragraphs")

    base = 1 + len(FINDING_FEATURES)
    model = {
        "version": f"esa24-{datetime.date.today():%Y%m%d}",
        "method": "L2-penalised logistic regression: global, family and rule intercepts plus shared features, "
        "then an isotonic map fitted on its out-of-fold confidences; "
        "risk: logistic regression on the noisy-or of a pair's confidences and its features (benchmarks/esa_calibrate.py)",
        "intercept": round(float(w[0]), 5),
        "weights": {k: round(float(w[1 + i]), 5) for i, k in enumerate(FINDING_FEATURES)},
        "families": {f: round(float(w[base + i]), 5) for i, f in enumerate(design.families)},
        "codes": {c: round(float(w[base + len(design.families) + i]), 5) for i, c in enumerate(design.codes)},
        "default_threshold": thresholds,
        "recalibration": knots,
        "measured": measured,
        "risk": {"intercept": round(float(rw[0]), 5), "weights": {k: round(float(rw[1 + i]), 5) for i, k in enumerate(RISK_FEATURES)}},
        "provenance": {
            "data": "WMT24 General MT, English→Japanese, ESA human error spans (development portion of ../shared/data/wmt24-esa)",
            "split": f"documents hashed with salt '{esa.SPLIT_SALT}' (benchmarks/esa.py): fitted on 'tune', measured on 'heldout'",
            "fitted": f"{datetime.date.today():%Y-%m-%d}",
            "findings": {"tune": len(tune), "heldout": len(held), "modes": "source mode (paragraph pairs) and target-only (the translation alone)"},
            "label": "the annotator marked an error (minor or major, missing content included) in the finding's pair (a paragraph), or scored it under 34 without a span",
            "penalty": {"features": lf, "intercepts": lam, "chosen_by": f"{FOLDS}-fold cross-validation over documents (log-loss), intercepts from {list(LAMBDA_GRID)}, features from {list(LAMBDA_FEATURES_GRID)}"},
            "priors": {c: {"rate": r, "pseudo_observations": n, "measured": m} for c, (r, n, m) in PRIORS.items()},
            "threshold": how,
            "calibration_heldout": {"bins": table_h, "ece": ece_h},
            "calibration_tune_out_of_fold": {"bins": table_t, "ece": ece_t},
            "calibration_tune_out_of_fold_before_recalibration": {"bins": table_raw, "ece": ece_raw},
            "recalibration": "isotonic (pool-adjacent-violators) on the tune half's out-of-fold confidences, one knot per block, interpolated",
        },
    }
    # the version names the fit, not only the day: two fits of one day must not share a signature
    fitted = {k: v for k, v in model.items() if k not in ("version", "provenance")}
    digest = hashlib.sha256(json.dumps(fitted, sort_keys=True).encode()).hexdigest()[:8]
    model["version"] = f"{model['version']}-{digest}"
    if args.dry_run:
        print(json.dumps(model, indent=1)[:3000])
        return 0
    OUT.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
