"""How well the encoder similarity (xsim) tracks human judgements: WMT22 Japanese→English DA.

For every segment with a direct-assessment score, xsim = cosine(source.ja, system.en) under the
aligner's encoder. Reports segment-level Kendall τ-b and Pearson r with the z-scores, system-level
Pearson r and pairwise ranking accuracy against the human system scores, and the same figures for
sentence chrF against the reference as a yardstick (chrF needs a reference; xsim does not).

Run: ``python benchmarks/calibrate_xsim.py`` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import json
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import JA_EN, read_lines  # noqa: E402

DATA = JA_EN


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ-b, O(n²) in numpy blocks (n ≈ 20k is seconds)."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for start in range(0, n, 512):
        xs, ys = x[start : start + 512, None], y[start : start + 512, None]
        idx = np.arange(start, min(start + 512, n))[:, None]
        mask = np.arange(n)[None, :] > idx
        dx = np.sign(xs - x[None, :])
        dy = np.sign(ys - y[None, :])
        prod = dx * dy
        concordant += int(((prod > 0) & mask).sum())
        discordant += int(((prod < 0) & mask).sum())
        ties_x += int(((dx == 0) & (dy != 0) & mask).sum())
        ties_y += int(((dy == 0) & (dx != 0) & mask).sum())
    denom = np.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return float((concordant - discordant) / denom) if denom else float("nan")


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    from sacrebleu.metrics import CHRF

    from audit.align import default_embedder

    src = read_lines(DATA / "source.ja")
    ref = read_lines(DATA / "reference.en")
    rows = []
    for line in DATA.joinpath("human-da-segments.csv").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 4:
            rows.append((parts[0].rsplit(".", 1)[0], int(parts[1]) - 1, float(parts[3])))
    systems = sorted({r[0] for r in rows})
    outputs = {s: read_lines(DATA / "systems" / f"{s}.en") for s in systems}
    embed = default_embedder()
    t = time.perf_counter()
    src_vec = embed(src)
    src_vec /= np.linalg.norm(src_vec, axis=1, keepdims=True)
    needed = {(s, i) for s, i, _ in rows}
    keys = sorted(needed)
    vec = embed([outputs[s][i] for s, i in keys])
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    embed_s = time.perf_counter() - t
    xsim = {k: float(v @ src_vec[k[1]]) for k, v in zip(keys, vec, strict=True)}
    chrf = CHRF()
    chrf_seg = {k: chrf.sentence_score(outputs[k[0]][k[1]], [ref[k[1]]]).score for k in keys}
    human = np.array([z for _, _, z in rows])
    out: dict[str, object] = {"segments": len(rows), "systems": len(systems), "embedding_seconds": round(embed_s, 1)}
    sys_human = {}
    for line in DATA.joinpath("human-da-systems.csv").read_text().splitlines()[1:]:
        parts = line.split()
        sys_human[parts[3].rsplit(".", 1)[0]] = float(parts[1])
    for name, table in (("xsim (source, no reference)", xsim), ("chrF (reference)", chrf_seg)):
        pred = np.array([table[(s, i)] for s, i, _ in rows])
        sys_pred = {s: float(np.mean([table[(s, i)] for i in range(len(src)) if (s, i) in table])) for s in systems}
        hs = np.array([sys_human[s] for s in systems])
        ps = np.array([sys_pred[s] for s in systems])
        pairs = list(combinations(range(len(systems)), 2))
        agree = sum(1 for a, b in pairs if np.sign(hs[a] - hs[b]) == np.sign(ps[a] - ps[b]))
        out[name] = {
            "segment_kendall_tau_b": round(kendall_tau_b(pred, human), 4),
            "segment_pearson": round(float(np.corrcoef(pred, human)[0, 1]), 4),
            "system_pearson": round(float(np.corrcoef(ps, hs)[0, 1]), 4),
            "system_pairwise_accuracy": f"{agree}/{len(pairs)} ({agree / len(pairs):.1%})",
        }
        without = [k for k, s in enumerate(systems) if sys_human[s] > -1.0]  # all but the one outlier system (z -1.28)
        out[name]["system_pearson_without_outlier"] = round(float(np.corrcoef(ps[without], hs[without])[0, 1]), 4)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
