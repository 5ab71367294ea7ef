"""Back-translation engine against argostranslate on the same package and the same 500 sentences.

The package has the dimensions of a Transformer-base Argos model (6+6 layers, d_model 512,
8 heads, FFN 2048, a 32,000-piece vocabulary, int8 weights) with random weights. Random weights
never emit ``</s>``, so both engines decode exactly ``--max-len`` tokens per sentence (Argos is
given the same bound by wrapping its CTranslate2 translator; nothing else changes). Both decode
with beam 4 and length penalty 0.2 (Argos' values); argostranslate's sentence splitter is
bypassed (it downloads a model, and the sentences are already split). Outputs are compared after Argos' own post-processing (``_`` → space).

Run: ``python benchmarks/bt_bench.py`` (the comparison needs ``pip install argostranslate``,
which pulls torch; without it, only this engine is timed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, read_lines  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
DATA = EN_JA / "reference.ja"


def sentences(n: int) -> list[str]:
    if DATA.is_file():
        lines = [x.strip() for x in read_lines(DATA) if x.strip()]
        return lines[:n]
    base = "政府は新しい計画を発表した。経済は成長している。会議は東京で開かれた。日本と米国は協力を強化する。".split("。")
    return [(base[i % 4] + "。") * (1 + i % 3) for i in range(n)]


def build(work: Path) -> Path:
    from kit import build_argos_package

    return build_argos_package(
        work, name="translate-ja_en-bench", layers=6, heads=8, d_model=512, ff=2048, quantize="int8", scale=512**-0.5,
        pad_vocab=32000
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--max-len", type=int, default=32)
    ap.add_argument("--unbatched", action="store_true", help="also translate one sentence per call, to show differences come from batching")
    args = ap.parse_args()
    from audit.backtranslate.ct2 import CT2BackTranslator, DecodeSettings
    from audit.backtranslate.packages import install_package

    work = Path(tempfile.mkdtemp(prefix="bt-bench-"))
    t = time.perf_counter()
    archive = build(work)
    print(f"built {archive.name} ({archive.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    argos_dir = work / "argos-packages"
    pkg = install_package(archive, argos_dir)
    texts = sentences(args.n)
    ours_engine = CT2BackTranslator(pkg, DecodeSettings(compute_type="default", max_decoding_length=args.max_len))
    ours_times, ours = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ours = [h[0].text for h in ours_engine.translate(texts)]
        ours_times.append(time.perf_counter() - t)
    med = statistics.median(ours_times)
    result = {
        "sentences": len(texts),
        "ours_seconds_median": round(med, 3),
        "ours_sentences_per_second": round(len(texts) / med, 1),
        "max_decoding_length": args.max_len,
    }
    try:
        theirs_times, theirs = run_argos(argos_dir, work, texts, args.repeat, args.max_len)
    except ImportError:
        result["argostranslate"] = "not installed: pip install argostranslate (pulls torch) to compare"
    else:
        tmed = statistics.median(theirs_times)
        same = sum(a.replace("_", " ") == b for a, b in zip(ours, theirs, strict=True))
        if args.unbatched:
            single = CT2BackTranslator(pkg, DecodeSettings(compute_type="default", max_decoding_length=args.max_len, max_batch_size=1))
            alone = [single.translate([t])[0][0].text for t in texts]
            result["identical_unbatched"] = f"{sum(a.replace('_', ' ') == b for a, b in zip(alone, theirs, strict=True))}/{len(texts)}"
        if same < len(texts):
            diff = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a.replace("_", " ") != b)
            result["first_difference"] = {"ours": ours[diff], "argos": theirs[diff]}
        result.update(
            argos_seconds_median=round(tmed, 3),
            argos_sentences_per_second=round(len(texts) / tmed, 1),
            speedup=round(tmed / med, 2),
            identical=f"{same}/{len(texts)}",
        )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def run_argos(argos_dir: Path, work: Path, texts: list[str], repeat: int, max_len: int) -> tuple[list[float], list[str]]:
    home = work / "home"
    os.environ.update(
        HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
        ARGOS_PACKAGES_DIR=str(argos_dir), ARGOS_COMPUTE_TYPE="default", ARGOS_DEVICE_TYPE="cpu",
    )
    import ctranslate2
    from argostranslate import sbd, translate

    class Bounded(ctranslate2.Translator):  # the same decoding bound as ours; every other argument is Argos'
        def translate_batch(self, *a, **kw):  # type: ignore[override]
            kw["max_decoding_length"] = max_len
            return super().translate_batch(*a, **kw)

    translate.ctranslate2.Translator = Bounded  # type: ignore[attr-defined]

    # The audit splits sentences itself; Argos' splitter would download a model. Hand it one sentence.
    sbd.MiniSBDSentencizer.__init__ = lambda self, pkg: None  # type: ignore[method-assign]
    sbd.MiniSBDSentencizer.split_sentences = lambda self, text: [text]  # type: ignore[method-assign]
    times, out = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        out = [translate.translate(s, "ja", "en") for s in texts]
        times.append(time.perf_counter() - t)
    return times, out


if __name__ == "__main__":
    raise SystemExit(main())
