"""Recall per injected error type and false alarms on clean pairs, on WMT22 English→Japanese.

Each WMT22 line pair (source.en, reference.ja) is audited as one aligned pair. A seeded random
share of pairs gets one injected error; the rest stay clean. A pair counts as caught when a
finding of the expected families touches it; a clean pair counts as a false alarm when any
pair-level finding touches it (document-level consistency checks, CON*, are left out: the test
set concatenates unrelated documents).

With ``--systems`` it audits the 13 WMT22 systems' outputs against the source instead: there
are no labels, so it reports the share of each system's pairs that each error type's rules flag.
Machine output is terser and more literal than the references, so these shares are an upper
bound on false alarms where the references give a lower one (strong systems omit little:
of 30 pairs flagged as omissions in JDExploreAcademy's output, read by hand, 4 had lost a clause
and 2 more were condensed).

Run: `nox -s evaluate` or `python benchmarks/evaluate.py [--data ../shared/data/wmt22/en-ja]`.
Skips (exit 0 with a message) when the data is absent.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from wmt import EN_JA, outputs, read_lines  # noqa: E402

from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.embedders import resolve_embedder  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402
from audit.lexicon.tokens import Tokenizer  # noqa: E402
from audit.model import Bead  # noqa: E402

EXPECTED = {
    "number": ("NUM",),
    "duplication": ("DUP",),
    "untranslated": ("UNT",),
    "fragments": ("GRB",),
    "omission": ("LEN", "OMI"),
    "addition": ("LEN", "ADD"),
}
MIXED = ("number", "duplication", "untranslated", "fragments", "omission")  # the mixed run's types (--only for the others)


def inject(kind: str, en: str, ja: str, rng: random.Random, others: list[str] | None = None) -> str | None:
    """The Japanese with one error of ``kind``, or None when the pair cannot take it."""
    if kind == "number":
        m = list(re.finditer(r"\d+", ja))
        if not m or not re.search(r"\d", en):
            return None
        x = rng.choice(m)
        following = ja[x.end() : x.end() + 1]
        if following in "万億" and rng.random() < 0.5:
            return ja[: x.end()] + ("億" if following == "万" else "万") + ja[x.end() + 1 :]
        digits = x.group()
        i = rng.randrange(len(digits))
        new = str((int(digits[i]) + rng.randint(1, 8)) % 10)
        return ja[: x.start() + i] + new + ja[x.start() + i + 1 :]
    if kind == "duplication":
        toks = [t for t in Tokenizer.shared().tokenize(ja) if t.pos[0] == "名詞" and len(t.surface) >= 2]
        if not toks:
            return None
        t = rng.choice(toks)
        # glue a copy of the noun phrase ending at this token (up to 2 tokens back)
        start = max(0, t.begin - rng.choice((0, 2, 4)))
        phrase = ja[start : t.end]
        return ja[: t.end] + phrase + ja[t.end :]
    if kind == "untranslated":
        return en
    if kind == "fragments":
        toks = Tokenizer.shared().tokenize(ja)
        cuts = [t.end for t in toks[1:-2] if t.pos[0] in ("助詞", "名詞", "動詞") and ja[t.end : t.end + 1] not in "、。 "]
        if len(cuts) < 3:
            return None
        chosen = sorted(rng.sample(cuts, 2))
        out = ja
        for c in reversed(chosen):
            out = out[:c] + " " + out[c:]
        return out
    if kind == "omission":
        parts = re.split(r"(?<=、)", ja)
        if len(parts) < 3 or len(en) < 60:
            return None
        drop = max(range(len(parts) - 1), key=lambda k: len(parts[k]))
        return "".join(p for k, p in enumerate(parts) if k != drop)
    if kind == "addition":
        # a clause of another line glued in at a clause boundary (``others``: the other lines)
        parts = re.split(r"(?<=、)", ja)
        clauses = [c for c in re.split(r"(?<=、)", rng.choice(others or [])) if c.endswith("、") and len(c) >= 8]
        if len(parts) < 2 or len(en) < 40 or not clauses:
            return None
        k = rng.randrange(1, len(parts))
        return "".join(parts[:k]) + rng.choice(clauses) + "".join(parts[k:])
    raise ValueError(kind)


def systems(data: Path) -> int:
    """Per system: the share of its pairs that each error type's rules flag (blank lines left out)."""
    src = read_lines(data / "source.en")
    embedder = resolve_embedder(None)
    kinds = list(EXPECTED)
    print(f"WMT22 en-ja systems' outputs, share of pairs flagged, by the rules of each error type ({len(src)} lines)")
    print(f"  {'system':<18}" + "".join(f"{k:>13}" for k in kinds) + f"{'any':>8}")
    for path in outputs(data):
        tgt = read_lines(path)
        keep = [i for i in range(len(src)) if src[i].strip() and i < len(tgt) and tgt[i].strip()]
        sdoc = document_from_text("\n".join(src[i] for i in keep), "en", presegmented=True)
        tdoc = document_from_text("\n".join(tgt[i].replace("\n", " ") for i in keep), "ja", presegmented=True)
        ctx = Context(
            target=tdoc, source=sdoc, alignment=tuple(Bead((k,), (k,)) for k in range(len(keep))), embedder=embedder
        )
        findings, _ = run_rules(ctx, select_rules(ignore=("CON", "NAM")))
        codes_at: dict[int, set[str]] = defaultdict(set)
        for f in findings:
            seg = tdoc.segment_at(f.target.start) if f.target is not None else sdoc.segment_at(f.source.start)  # type: ignore[union-attr]
            assert seg is not None
            codes_at[seg.id].add(f.code)
        n = len(keep)
        shares = [sum(1 for c in codes_at.values() if any(x.startswith(EXPECTED[k]) for x in c)) / n for k in kinds]
        name = "(reference)" if path.name == "reference.ja" else path.stem
        print(f"  {name:<18}" + "".join(f"{v:>13.1%}" for v in shares) + f"{len(codes_at) / n:>8.1%}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(EN_JA))
    ap.add_argument("--rate", type=float, default=0.5, help="share of pairs that get an injected error")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--only", choices=list(EXPECTED), help="inject this error type only (a larger sample of it)")
    ap.add_argument("--systems", action="store_true", help="flag rates on the WMT22 systems' outputs (no injection)")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "source.en").is_file():
        print(f"skipped: WMT22 data not found at {data}")
        return 0
    if args.systems:
        return systems(data)
    src = read_lines(data / "source.en")
    ref = read_lines(data / "reference.ja")
    rng = random.Random(args.seed)
    kinds = [args.only] if args.only else list(MIXED)
    labels: list[str | None] = []
    tgt: list[str] = []
    for en, ja in zip(src, ref):
        label, text = None, ja
        if rng.random() < args.rate:
            kind = rng.choice(kinds)
            injected = inject(kind, en, ja, rng, ref)
            if injected is not None and injected != ja:
                label, text = kind, injected
        labels.append(label)
        tgt.append(text.replace("\n", " "))
    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
    assert len(sdoc.segments) == len(tdoc.segments) == len(src)
    ctx = Context(
        target=tdoc, source=sdoc, alignment=tuple(Bead((i,), (i,)) for i in range(len(src))), embedder=resolve_embedder(None)
    )
    findings, _ = run_rules(ctx, select_rules(ignore=("CON", "NAM")))  # names: benchmarks/names_eval.py
    codes_at: dict[int, set[str]] = defaultdict(set)
    found_at: dict[int, list[str]] = defaultdict(list)  # (code, severity) of every finding, by pair
    for f in findings:
        seg = tdoc.segment_at(f.target.start) if f.target is not None else sdoc.segment_at(f.source.start)  # type: ignore[union-attr]
        assert seg is not None
        codes_at[seg.id].add(f.code)
        found_at[seg.id].append(f.severity.value)
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    shown: Counter[str] = Counter()  # findings on caught pairs: how many a reviewer reads per error
    severe: Counter[str] = Counter()  # caught pairs with a major or critical finding
    clean = flagged = clean_severe = 0
    false_codes: Counter[str] = Counter()
    for i, label in enumerate(labels):
        if label is None:
            clean += 1
            if codes_at[i]:
                flagged += 1
                false_codes.update(codes_at[i])
                clean_severe += any(s != "minor" for s in found_at[i])
            continue
        total[label] += 1
        if any(c.startswith(EXPECTED[label]) for c in codes_at[i]):
            caught[label] += 1
            shown[label] += len(found_at[i])
            severe[label] += any(s != "minor" for s in found_at[i])
    print(f"WMT22 en-ja, {len(src)} pairs, seed {args.seed}, injection rate {args.rate}")
    for kind in kinds:
        n = total[kind]
        if not n:
            print(f"  {kind:<13} no pairs")
            continue
        c = max(caught[kind], 1)
        print(
            f"  {kind:<13} recall {caught[kind] / n:6.1%}  ({caught[kind]}/{n}); findings per caught pair "
            f"{shown[kind] / c:.2f}; major or critical on {severe[kind] / c:.1%} of them"
        )
    print(f"  clean pairs flagged: {flagged / clean:.1%} ({flagged}/{clean}); by code: {dict(false_codes.most_common())}")
    print(f"  clean pairs with a major or critical finding: {clean_severe / clean:.1%} ({clean_severe}/{clean})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
