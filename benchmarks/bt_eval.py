"""BTD001 (back-translation divergence) measured with real back-translations, on WMT22 ja-en read backwards.

There is no English→Japanese test set here with back-translations of its translations, and no
ja→en model can be fetched. WMT22 ja-en has the next best thing: Japanese originals, their
English references, and the English outputs of the task's systems. Read backwards, the English
reference is the *source*, the Japanese original its *translation*, and each system's output a
real back-translation of that translation; several systems stand in for an n-best list.

Errors are injected into the English side, which turns the faithful Japanese into a translation
that misses something: ``omission`` adds a clause (taken from another line) to the source, so
the translation lacks it; ``term`` replaces a content word of the source with another, so the
translation renders a different word; ``number`` changes a digit of the source. The rest stay
clean. A pair is caught when a finding of the expected families touches it; a clean pair is a
false alarm when any finding of the measured families does.

Run: ``python benchmarks/bt_eval.py [--seed N] [--best Online-A --alternatives Online-G,KYB]``
(also in ``nox -s evaluate``). Skips (exit 0 with a message) when the data is absent.
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
from wmt import JA_EN, read_lines  # noqa: E402

from audit.backtranslate import _agreement  # noqa: E402
from audit.backtranslate.artefacts import find_artefacts  # noqa: E402
from audit.checks.backtranslation import STOPWORDS  # noqa: E402
from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402
from audit.lexicon.names import EnJaIndex  # noqa: E402
from audit.model import BackTranslation, Bead  # noqa: E402

EXPECTED = {"omission": ("BTD", "OMI", "LEN"), "term": ("BTD",), "number": ("BTD", "NUM")}


def _content(line: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(r"\b[a-z]{4,}\b", line) if m.group() not in STOPWORDS and EnJaIndex.shared().forms(m.group())]


def inject(kind: str, en: str, ja: str, others: list[str], rng: random.Random) -> str | None:
    if kind == "omission":
        donors = [o for o in others if 8 <= len(o.split()) <= 16 and o[-1:] in ".!?"]
        if not donors or len(en.split()) < 6 or en[-1:] not in ".!?":
            return None
        clause = rng.choice(donors).rstrip(".!?")
        clause = clause[0].lower() + clause[1:]
        return f"{en[:-1]}, and {clause}{en[-1]}"
    if kind == "term":
        words = _content(en)
        pool = [m.group() for o in rng.sample(others, min(20, len(others))) for m in _content(o)]
        if not words or not pool:
            return None
        w = rng.choice(words)
        new = rng.choice([p for p in pool if p != w.group()] or [""])
        if not new:
            return None
        return en[: w.start()] + new + en[w.end() :]
    if kind == "number":
        ms = list(re.finditer(r"\d+", en))
        if not ms or not re.search(r"[0-9０-９]", ja):
            return None
        x = rng.choice(ms)
        i = rng.randrange(len(x.group()))
        new = str((int(x.group()[i]) + rng.randint(1, 8)) % 10)
        return en[: x.start() + i] + new + en[x.start() + i + 1 :]
    raise ValueError(kind)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(JA_EN))
    ap.add_argument("--rate", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--best", default="Online-A", help="the system whose output is the best hypothesis")
    ap.add_argument("--alternatives", default="Online-G,KYB", help="systems standing in for the rest of the n-best list ('' for none)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--dump", help="write every flagged pair (label, texts, findings) to this JSONL file")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "source.ja").is_file():
        print(f"skipped: WMT22 ja-en data not found at {data}")
        return 0
    ja = read_lines(data / "source.ja")
    en = read_lines(data / "reference.en")
    best = read_lines(data / "systems" / f"{args.best}.en")
    alts = [read_lines(data / "systems" / f"{s}.en") for s in args.alternatives.split(",") if s]
    if args.limit:
        ja, en, best = ja[: args.limit], en[: args.limit], best[: args.limit]
    rng = random.Random(args.seed)
    kinds = list(EXPECTED)
    labels: list[str | None] = []
    src: list[str] = []
    for i, (e, j) in enumerate(zip(en, ja)):
        label, text = None, e
        if rng.random() < args.rate:
            kind = rng.choice(kinds)
            others = en[max(0, i - 200) : i] + en[i + 1 : i + 200]
            injected = inject(kind, e, j, others, rng)
            if injected is not None and injected != e:
                label, text = kind, injected
        labels.append(label)
        src.append(text)
    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(ja), "ja", presegmented=True)
    assert len(sdoc.segments) == len(tdoc.segments) == len(src)
    bts = {}
    for i, b in enumerate(best):
        rest = [a[i] for a in alts]
        bts[i] = BackTranslation(i, b, alternatives=tuple(rest), agreement=_agreement(b, rest), artefacts=tuple(find_artefacts(ja[i], b)))
    ctx = Context(target=tdoc, source=sdoc, alignment=tuple(Bead((i,), (i,)) for i in range(len(src))), backtranslation=bts)
    findings, _ = run_rules(ctx, select_rules(("BTD", "NUM", "OMI", "LEN")))
    codes_at: dict[int, set[str]] = defaultdict(set)
    messages: dict[int, list[str]] = defaultdict(list)
    for f in findings:
        seg = tdoc.segment_at(f.target.start) if f.target is not None else sdoc.segment_at(f.source.start)  # type: ignore[union-attr]
        assert seg is not None
        codes_at[seg.id].add(f.code)
        messages[seg.id].append(f"{f.code} {f.message}")
    if args.dump:
        import json

        with open(args.dump, "w", encoding="utf-8") as out:
            for i in sorted(messages):
                row = {"line": i + 1, "label": labels[i], "source": src[i], "translation": ja[i], "backtranslation": best[i], "findings": messages[i]}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    caught: Counter[str] = Counter()
    caught_btd: Counter[str] = Counter()
    total: Counter[str] = Counter()
    clean = flagged = flagged_btd = 0
    false_codes: Counter[str] = Counter()
    for i, label in enumerate(labels):
        codes = codes_at[i]
        if label is None:
            clean += 1
            flagged += bool(codes)
            flagged_btd += any(c.startswith("BTD") for c in codes)
            false_codes.update(codes)
            continue
        total[label] += 1
        caught[label] += any(c.startswith(EXPECTED[label]) for c in codes)
        caught_btd[label] += any(c.startswith("BTD") for c in codes)
    hyps = 1 + len(alts)
    print(f"WMT22 ja-en read backwards, {len(src)} pairs, seed {args.seed}; back-translations: {args.best} + {args.alternatives or 'none'} ({hyps} hypotheses)")
    for kind in kinds:
        n = total[kind]
        if n:
            print(f"  {kind:<9} recall {caught[kind] / n:6.1%} ({caught[kind]}/{n}); BTD alone {caught_btd[kind] / n:6.1%}")
    print(f"  clean pairs flagged: {flagged / clean:.1%} ({flagged}/{clean}); BTD alone {flagged_btd / clean:.1%}; by code: {dict(false_codes.most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
