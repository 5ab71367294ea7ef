"""Fidelity scores for a report: per aligned pair and per document, each with a signature and,
for document scores, a bootstrap interval.

Source mode: the cross-lingual similarity of each pair under the aligner's sentence encoder
(``xsim``, model-free, always available), and, when back-translations exist, chrF, BLEU and TER of
the back-translation against the English source plus the encoder similarity of the two English
texts (``bt-xsim``). Reference mode: chrF, BLEU and TER of the translation against a human
Japanese reference. Source sentences the translation left out count as empty translations, so
omissions lower the document scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from audit.model import BackTranslation, Bead, Document, Score
from audit.scores import N_BOOTSTRAP, SEED, Metric, score_with_interval

_BOOT = f"bootstrap:{N_BOOTSTRAP}|seed:{SEED}"


def encoder_signature(embedder: Any = None) -> str:
    from audit.embedders import resolve_embedder

    return str(getattr(embedder or resolve_embedder(), "signature", "enc:custom"))


def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x)
    return x / n if n > 0 else x


def score_pairs(
    source: Document,
    target: Document,
    alignment: Sequence[Bead],
    backtranslations: Sequence[BackTranslation] = (),
    *,
    src_vectors: np.ndarray | None = None,
    tgt_vectors: np.ndarray | None = None,
    embedder: Any = None,
) -> tuple[list[dict[str, Any]], list[Score], str]:
    """Per-pair and document scores for an aligned source and translation."""
    from audit.align import default_embedder

    embed = embedder or default_embedder()
    if src_vectors is None:
        src_vectors = embed([s.text for s in source.segments])
    if tgt_vectors is None:
        tgt_vectors = embed([t.text for t in target.segments])
    beads = [b for b in alignment if b.source]
    bt: Mapping[int, BackTranslation] = {b.segment: b for b in backtranslations}
    pairs: list[dict[str, Any]] = []
    xsims = []
    for k, bead in enumerate(beads):
        row: dict[str, Any] = {"source": list(bead.source), "target": list(bead.target)}
        if bead.target:
            sv = _unit(np.sum(src_vectors[list(bead.source)], axis=0))
            tv = _unit(np.sum(tgt_vectors[list(bead.target)], axis=0))
            row["xsim"] = float(sv @ tv)
        else:
            row["xsim"] = 0.0  # an omitted sentence
        xsims.append(row["xsim"])
        row["bead"] = k
        pairs.append(row)
    scores: list[Score] = []
    n_pairs = len(beads)
    enc = encoder_signature(embed)
    xsim_metric = Metric("mean")
    value, interval = score_with_interval(xsim_metric, Metric.value_stats(xsims))
    scores.append(Score("xsim", value, f"xsim|{enc}|pairs:{n_pairs}|unaligned:0|{_BOOT}", interval))
    note = "cross-lingual similarity (sentence encoder)"
    if bt:
        src_texts = [" ".join(source.segments[i].text for i in b.source) for b in beads]
        bt_texts = [" ".join(bt[j].text for j in b.target if j in bt) for b in beads]
        covered = sum(1 for b in beads if any(j in bt for j in b.target))
        for name in ("chrf", "bleu", "ter"):
            metric = Metric(name)
            stats = metric.stats(bt_texts, src_texts)
            for row, st in zip(pairs, stats, strict=True):
                row[f"bt-{name}"] = metric.sentence(st)
            value, interval = score_with_interval(metric, stats)
            scores.append(Score(f"bt-{name}", value, f"{metric.signature()}|backtranslation|pairs:{n_pairs}|{_BOOT}", interval))
        vectors = embed([t or " " for t in bt_texts])
        bt_sims = []
        for row, bead, v, text in zip(pairs, beads, vectors, bt_texts, strict=True):
            sim = float(_unit(np.sum(src_vectors[list(bead.source)], axis=0)) @ _unit(v)) if text else 0.0
            row["bt-xsim"] = sim
            bt_sims.append(sim)
        value, interval = score_with_interval(xsim_metric, Metric.value_stats(bt_sims))
        scores.append(Score("bt-xsim", value, f"bt-xsim|{enc}|pairs:{n_pairs}|{_BOOT}", interval))
        note += f"; back-translation vs source for {covered} of {n_pairs} pairs"
    for row in pairs:
        for key, val in list(row.items()):
            if isinstance(val, float):
                row[key] = round(val, 4)
    return pairs, scores, note


def ja_tokenizer() -> str:
    """sacrebleu's MeCab tokenizer for Japanese when installed (the ``sacrebleu[ja]`` extra), else characters."""
    try:
        import ipadic  # noqa: F401
        import MeCab  # noqa: F401
    except ImportError:
        return "char"
    return "ja-mecab"


def score_reference(target: Document, reference: Document) -> list[Score]:
    """chrF, BLEU and TER of the translation against a human reference.

    With equal sentence counts the sentences are paired in order and intervals are bootstrapped
    over them; otherwise each document is scored as one segment, without an interval (said in the
    signature).
    """
    if len(target.segments) == len(reference.segments):
        hyps = [s.text for s in target.segments]
        refs = [s.text for s in reference.segments]
        unit = "sentences"
    else:
        hyps = ["".join(s.text for s in target.segments)]
        refs = ["".join(s.text for s in reference.segments)]
        unit = "document"
    out = []
    for name in ("chrf", "bleu", "ter"):
        metric = Metric(name, tokenize=ja_tokenizer() if name == "bleu" else None)
        stats = metric.stats(hyps, refs)
        value, interval = score_with_interval(metric, stats, with_interval=unit == "sentences")
        boot = f"|{_BOOT}" if interval else ""
        out.append(Score(name, value, f"{metric.signature()}|unit:{unit}{boot}", interval))
    return out
