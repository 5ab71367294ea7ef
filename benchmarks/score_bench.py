"""Scoring throughput and memory (issue: fidelity scores).

1. Throughput on 2,000 aligned pairs from WMT22 en-ja (source.en ↔ reference.ja), scored the way
   ``audit check --source`` scores them: (a) without the encoder: chrF, BLEU and TER of a
   back-translation against the source, per pair and per document with 1,000-resample bootstrap
   intervals; (b) with the encoder: (a) plus xsim and bt-xsim, sentence embedding included.
   The "back-translation" is the English source with every fifth word dropped: what is measured
   is the scoring, not a translation model.
2. Memory on 100,000 pairs (the 2,000 repeated): chrF/BLEU/TER through ``audit.scores.Metric``
   (statistics extracted 1,000 segments at a time, then bootstrapped), against sacrebleu's own
   ``corpus_score`` on the same lists. Each run is a separate process; peak RSS is reported.

Run: ``python benchmarks/score_bench.py`` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, read_lines  # noqa: E402

DATA = EN_JA


def load(n: int) -> tuple[list[str], list[str], list[str]]:
    src = read_lines(DATA / "source.en")
    ref = read_lines(DATA / "reference.ja")
    while len(src) < n:
        src, ref = src + src, ref + ref
    src, ref = src[:n], ref[:n]
    bt = [" ".join(w for k, w in enumerate(s.split()) if k % 5 != 4) for s in src]
    return src, ref, bt


def throughput(with_encoder: bool, n: int = 2000) -> float:
    from audit.model import BackTranslation, Bead
    from audit.scoring import score_pairs

    src, ref, bt = load(n)
    source, target = _docs(src, ref)
    beads = [Bead((i,), (i,), 1.0) for i in range(n)]
    bts = [BackTranslation(i, t) for i, t in enumerate(bt)]
    if with_encoder:
        from audit.align import default_embedder

        embed = default_embedder()
        embed(["warm up"])
        t0 = time.perf_counter()
        score_pairs(source, target, beads, bts, embedder=embed)
        return time.perf_counter() - t0
    from audit.scores import Metric, score_with_interval

    t0 = time.perf_counter()
    for name in ("chrf", "bleu", "ter"):
        metric = Metric(name)
        stats = metric.stats(bt, src)
        [metric.sentence(row) for row in stats]
        score_with_interval(metric, stats)
    return time.perf_counter() - t0


def _docs(src: list[str], ref: list[str]):
    from audit.model import Document, Segment

    def doc(lines: list[str], lang: str) -> Document:
        segs, pos = [], 0
        for i, line in enumerate(lines):
            segs.append(Segment(i, pos, pos + len(line), line, i))
            pos += len(line) + 1
        return Document(f"<{lang}>", "0" * 64, "utf-8", lang, "\n".join(lines), tuple(segs))

    return doc(src, "en"), doc(ref, "ja")


def _memory_child(kind: str, n: int, queue) -> None:
    src, _, bt = load(n)
    t0 = time.perf_counter()
    if kind == "audit":
        from audit.scores import Metric, score_with_interval

        for name in ("chrf", "bleu", "ter"):
            metric = Metric(name)
            score_with_interval(metric, metric.stats(bt, src))
    else:
        from sacrebleu.metrics import BLEU, CHRF, TER

        for metric in (CHRF(), BLEU(), TER()):
            metric.corpus_score(bt, [src])
    queue.put((time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def memory(kind: str, n: int) -> tuple[float, float]:
    queue = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=_memory_child, args=(kind, n, queue))
    p.start()
    result = queue.get()
    p.join()
    return result


def main() -> int:
    if not (DATA / "source.en").is_file():
        print(f"skipped: WMT22 data not found at {DATA}")
        return 0
    for with_encoder in (False, True):
        runs = [throughput(with_encoder) for _ in range(3)]
        med = statistics.median(runs)
        label = "chrF+BLEU+TER, intervals" + (" + xsim + bt-xsim (encoder)" if with_encoder else "")
        print(f"2,000 pairs, {label}: median {med:.2f} s of {len(runs)} runs = {2000 / med:,.0f} pairs/s")
    base = memory("audit", 2000)
    for n in (10_000, 100_000):
        for kind in ("audit", "sacrebleu"):
            took, rss = memory(kind, n)
            print(f"{n:>7,} pairs via {kind:<9}: {took:6.1f} s, peak RSS {rss:,.0f} MiB (2,000 pairs via audit: {base[1]:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
