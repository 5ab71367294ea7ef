"""Alignment quality and speed on documents built from WMT22 en-ja (source.en ↔ reference.ja, 1-1).

Documents of 30-60 consecutive lines; on each side some adjacent sentences are merged (1-2, 2-1,
and a few 1-3/3-1) and a few deleted; the gold beads are kept. Scores follow vecalign's
definitions: strict = exact bead matches, lax = beads that overlap a gold bead on both sides,
both over beads with two non-empty sides. Compared with a length-only DP (the same search with the
similarity term switched off, i.e. a Gale–Church-style baseline).

Run: `python benchmarks/align_eval.py` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, read_lines  # noqa: E402

from audit.align import align, anchor_signals, default_embedder  # noqa: E402


def build(src: list[str], ref: list[str], rng: random.Random):
    docs = []
    pos = 0
    while pos + 30 <= len(src):
        size = rng.randint(30, 60)
        s, t = src[pos : pos + size], ref[pos : pos + size]
        pos += size
        s_out: list[str] = []
        t_out: list[str] = []
        gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        k = 0
        while k < len(s):
            r = rng.random()
            if r < 0.04:  # source sentence deleted from the translation
                gold.append(((len(s_out),), ()))
                s_out.append(s[k])
                k += 1
            elif r < 0.07:  # target-only sentence (addition)
                gold.append(((), (len(t_out),)))
                t_out.append(t[k])
                k += 1
            elif r < 0.15 and k + 1 < len(s):  # target merges two sentences: 2-1
                gold.append(((len(s_out), len(s_out) + 1), (len(t_out),)))
                s_out += [s[k], s[k + 1]]
                t_out.append(t[k] + t[k + 1])
                k += 2
            elif r < 0.23 and k + 1 < len(s):  # source merged: 1-2
                gold.append(((len(s_out),), (len(t_out), len(t_out) + 1)))
                s_out.append(s[k] + " " + s[k + 1])
                t_out += [t[k], t[k + 1]]
                k += 2
            elif r < 0.25 and k + 2 < len(s):  # 3-1
                gold.append(((len(s_out), len(s_out) + 1, len(s_out) + 2), (len(t_out),)))
                s_out += s[k : k + 3]
                t_out.append("".join(t[k : k + 3]))
                k += 3
            else:
                gold.append(((len(s_out),), (len(t_out),)))
                s_out.append(s[k])
                t_out.append(t[k])
                k += 1
        docs.append((s_out, t_out, gold))
    return docs


def score(test, gold):
    t = [(b.source, b.target) for b in test if b.source and b.target]
    g = [b for b in gold if b[0] and b[1]]
    gs = set(g)
    strict_tp = sum(1 for b in t if b in gs)

    def overlaps(a, b):
        return set(a[0]) & set(b[0]) and set(a[1]) & set(b[1])

    lax_p = sum(1 for b in t if any(overlaps(b, x) for x in g))
    lax_r = sum(1 for x in g if any(overlaps(b, x) for b in t))
    return strict_tp, len(t), len(g), lax_p, lax_r


def f1(p, r):
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def main() -> int:
    data = EN_JA
    if not (data / "source.en").is_file():
        print(f"skipped: WMT22 data not found at {data}")
        return 0
    src = read_lines(data / "source.en")
    ref = read_lines(data / "reference.ja")
    docs = build(src, ref, random.Random(11))
    embed = default_embedder()
    embed(["warm up"])
    variants = (
        ("default (all signals)", True, True),
        ("embeddings+length", True, False),
        ("anchors+length", False, True),
        ("length-only", False, False),
    )
    for name, use_embeddings, use_anchors in variants:
        tot = [0, 0, 0, 0, 0]
        t_embed = t_anchor = t_search = 0.0
        pairs = 0
        for s, t, gold in docs:
            t0 = time.perf_counter()
            if use_embeddings:
                xv, yv = embed(s), embed(t)
            else:
                xv, yv = np.ones((len(s), 8), np.float32), np.ones((len(t), 8), np.float32)
            t1 = time.perf_counter()
            extra = anchor_signals(s, t) if use_anchors else []
            t2 = time.perf_counter()
            beads = align(s, t, src_vectors=xv, tgt_vectors=yv, anchors=False, extra=extra)
            t3 = time.perf_counter()
            t_embed += t1 - t0
            t_anchor += t2 - t1
            t_search += t3 - t2
            pairs += max(len(s), len(t))
            for k, v in enumerate(score(beads, gold)):
                tot[k] += v
        tp, nt, ng, lp, lr = tot
        strict = f1(tp / nt, tp / ng)
        lax = f1(lp / nt, lr / ng)
        per = 1000 / pairs
        print(
            f"{name:<22} strict F1 {strict:.3f}  lax F1 {lax:.3f}  docs {len(docs)}  per 1,000 pairs: "
            f"embed {t_embed * per:.2f} s, anchors {t_anchor * per:.3f} s, search {t_search * per:.3f} s"
        )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    short_documents(src, ref, embed)
    long_document(src, ref, embed)
    return 0


def short_documents(src: list[str], ref: list[str], embed, sizes=(1, 2, 3, 5, 10, 20)) -> None:
    """Documents of 1, 2, 3 and 5 consecutive lines, all 1-1, where each translation line of 60+
    English characters has lost its longest 、-clause half of the time (the dropped-clause case
    the omission checks need as a 1-1 pair, not as an unaligned source and an unaligned
    target). Short documents are where the margin baseline is thin."""
    import re

    rng = random.Random(5)
    for size in sizes:
        tot = [0, 0, 0, 0, 0]
        exact = docs = 0
        for start in range(0, len(src) - size, max(size, 3)):
            s = src[start : start + size]
            t = list(ref[start : start + size])
            for k, (en, ja) in enumerate(zip(s, t)):
                parts = re.split(r"(?<=、)", ja)
                if len(en) >= 60 and len(parts) >= 3 and rng.random() < 0.5:
                    drop = max(range(len(parts) - 1), key=lambda q: len(parts[q]))
                    t[k] = "".join(p for q, p in enumerate(parts) if q != drop)
            gold = [((k,), (k,)) for k in range(size)]
            beads = align(s, t, src_vectors=embed(s), tgt_vectors=embed(t))
            for k, v in enumerate(score(beads, gold)):
                tot[k] += v
            exact += [(b.source, b.target) for b in beads] == gold
            docs += 1
        tp, nt, ng, _, _ = tot
        print(f"documents of {size} line(s): {docs} docs, strict F1 {f1(tp / max(nt, 1), tp / ng):.3f}, aligned exactly {exact / docs:.1%}")


def long_document(src: list[str], ref: list[str], embed, sizes=(2_500, 5_000, 10_000)) -> None:
    """Single documents of 2,500 / 5,000 / 10,000+ sentences (the test set cut several ways,
    concatenated): the coarse-to-fine path. Time, then traced peak memory in a second run."""
    docs = []
    seed = 100
    while sum(len(d[0]) for d in docs) < sizes[-1]:
        docs += build(src, ref, random.Random(seed))
        seed += 1
    s_all = [x for d in docs for x in d[0]]
    t_all = [x for d in docs for x in d[1]]
    t0 = time.perf_counter()
    xv_all, yv_all = embed(s_all), embed(t_all)
    t_embed = time.perf_counter() - t0
    for size in sizes:
        s, t, gold = [], [], []
        for ds, dt, dg in docs:
            if len(s) >= size:
                break
            gold += [(tuple(i + len(s) for i in a), tuple(j + len(t) for j in b)) for a, b in dg]
            s, t = s + ds, t + dt
        xv, yv = xv_all[: len(s)], yv_all[: len(t)]
        t0 = time.perf_counter()
        extra = anchor_signals(s, t)
        t1 = time.perf_counter()
        beads = align(s, t, src_vectors=xv, tgt_vectors=yv, anchors=False, extra=extra)
        t2 = time.perf_counter()
        tracemalloc.start()
        align(s, t, src_vectors=xv, tgt_vectors=yv, anchors=False, extra=extra)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        tp, nt, ng, lp, lr = score(beads, gold)
        per = 1000 / max(len(s), len(t))
        print(
            f"one document of {len(s):>6} / {len(t):>6} sentences: strict F1 {f1(tp / nt, tp / ng):.3f}  "
            f"lax F1 {f1(lp / nt, lr / ng):.3f}  anchors {(t1 - t0) * per:.3f} s and search {(t2 - t1) * per:.3f} s "
            f"per 1,000 pairs; search peak memory {peak / 2**20:.0f} MiB"
        )
    print(f"embedding {len(s_all) + len(t_all)} sentences: {t_embed:.1f} s ({t_embed / len(s_all) * 1000:.2f} s per 1,000 pairs)")


if __name__ == "__main__":
    raise SystemExit(main())
