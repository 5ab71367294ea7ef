"""How far a reviewer can trust the findings on real 2024 machine translation (WMT24 en-ja, ESA).

Audits every document of ``../shared/data/wmt24-esa/en-ja`` per system in source mode (paragraph
pairs, document kept whole; default settings, no glossary, no model) and compares the findings
with the professional annotators' error spans, on the held-out half of the documents by default
(``benchmarks/esa.py`` fixes the split; ``--split tune`` shows the half that thresholds and the
confidence model were fitted on, only to compare):

- error-free paragraphs that get a finding (false alarms, mostly: annotators miss errors too);
- precision: flagged paragraphs that carry a human-marked error;
- recall of paragraphs with a major error, and with any error;
- character overlap of the findings' spans with the human spans;
- the human reference's flag rate beside the median system's;
- per rule: findings, paragraphs, share on error-free and on major paragraphs, precision;
- ranking: Kendall tau (tau-b) of the per-pair ``risk`` against the human score, and accuracy on
  pairs of systems translating the same paragraph, beside chrF against the reference (``refA``)
  and the cross-lingual similarity ``xsim`` on the same rows (the systems' rows: the reference
  cannot be scored against itself).

A finding counts when its confidence reaches the report's default threshold (as ``audit check``
lists them); ``--min-confidence 0`` counts every finding. ``--show CODE`` prints that code's
findings on error-free paragraphs, ``--missed`` paragraphs with a major error and no finding, to
read them; ``--save``/``--load`` keep the audits in a pickle so that reporting options can be
tried without auditing again; ``--json FILE`` writes the figures for documentation.

Run: ``python benchmarks/esa_eval.py [--split heldout|tune|all]`` (in ``nox -s evaluate``); skips
when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import esa  # noqa: E402

Results = dict[tuple[str, str], dict[int, "esa.Paragraph"]]


def audit(jobs: int | None, settings: dict[str, Any] | None = None) -> Results:
    return dict(esa.audit_all(esa.documents(), jobs=jobs, settings=settings))


def kendall_tau_b(x: list[float], y: list[float]) -> float:
    """Kendall's tau-b (ties in either variable corrected), O(n^2) in numpy: n is a few thousand."""
    import numpy as np

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(a)
    if n < 2:
        return float("nan")
    concordant = discordant = ties_a = ties_b = 0
    for i in range(n - 1):
        da = np.sign(a[i + 1 :] - a[i])
        db = np.sign(b[i + 1 :] - b[i])
        prod = da * db
        concordant += int(np.sum(prod > 0))
        discordant += int(np.sum(prod < 0))
        ties_a += int(np.sum((da == 0) & (db != 0)))
        ties_b += int(np.sum((db == 0) & (da != 0)))
    denom = ((concordant + discordant + ties_a) * (concordant + discordant + ties_b)) ** 0.5
    return (concordant - discordant) / denom if denom else float("nan")


def pairwise_accuracy(rows: list[tuple[Any, float, float]]) -> tuple[float, int]:
    """Accuracy on pairs of rows of one group (systems translating the same paragraph) whose human
    scores differ: the metric orders them as people do (a tie in the metric counts half)."""
    groups: dict[Any, list[tuple[float, float]]] = defaultdict(list)
    for key, metric, human in rows:
        groups[key].append((metric, human))
    right = 0.0
    total = 0
    for items in groups.values():
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                (m1, h1), (m2, h2) = items[i], items[j]
                if h1 == h2:
                    continue
                total += 1
                if m1 == m2:
                    right += 0.5
                elif (m1 > m2) == (h1 > h2):
                    right += 1
    return (right / total if total else float("nan")), total


def confidence(f: dict[str, Any]) -> float:
    """The finding's confidence under the model in the package now (its features are stored, so
    a refitted model needs no new audit)."""
    from audit.confidence import EXEMPT, shipped

    return 1.0 if f["code"] in EXEMPT else shipped().confidence(f["code"], f["features"])


def counted(p: esa.Paragraph | None, min_conf: float) -> list[dict[str, Any]]:
    if p is None:
        return []
    if min_conf <= 0:
        return list(p.findings)  # every finding (audits made before findings carried features too)
    return [f for f in p.findings if "features" in f and confidence(f) >= min_conf]


def risk(p: esa.Paragraph) -> float | None:
    from audit.confidence import shipped

    return shipped().risk([confidence(f) for f in p.findings if "features" in f], p.pair) if p.pair else None


def overlap(findings: list[dict[str, Any]], spans: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(finding characters inside a human span, finding characters, human characters covered, human characters)."""
    found: set[int] = set()
    for f in findings:
        if f.get("start") is not None:
            found.update(range(f["start"], f["end"]))
    human: set[int] = set()
    for a, b in spans:
        human.update(range(a, b))
    return len(found & human), len(found), len(found & human), len(human)


def pct(a: float, b: float) -> str:
    return f"{100 * a / b:5.1f}% ({int(a)}/{int(b)})" if b else "   n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("heldout", "tune", "all"), default="heldout")
    ap.add_argument("--min-confidence", type=float, default=None, help="count findings at or above this confidence (default: the model's threshold, as reports list them)")
    ap.add_argument("--show", metavar="CODE", help="print this code's findings on error-free paragraphs")
    ap.add_argument("--missed", action="store_true", help="print paragraphs with a major error and no finding")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--save", type=Path, help="keep the audits in this pickle")
    ap.add_argument("--load", type=Path, help="read the audits from this pickle instead of auditing")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file (for documentation generated from results)")
    ap.add_argument("--reviewer", metavar="openai:MODEL", help="add the review stage with this model (its findings count like any other)")
    ap.add_argument("--llm-base-url", metavar="URL", help="the reviewer's OpenAI-compatible server (default: OPENAI_BASE_URL, else OpenAI's)")
    args = ap.parse_args()
    settings: dict[str, Any] = {}
    if args.reviewer:  # answers are cached in $AUDIT_HOME/cache/llm.sqlite3: a rerun sends nothing
        settings = {"reviewer": args.reviewer, "llm_base_url": args.llm_base_url}
    if not esa.available():
        print(f"skipped: {esa.DATA} not found")
        return 0
    clock = time.perf_counter()
    results: Results = pickle.loads(args.load.read_bytes()) if args.load else audit(args.jobs, settings)
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    seconds = time.perf_counter() - clock
    refused = [k for k, v in results.items() if -1 in v]
    rows = [j for j in esa.judgements() if args.split == "all" or esa.split_of(j.doc) == args.split]
    docs = {j.doc for j in rows}
    print(f"WMT24 en-ja ESA, {args.split} part: {len(docs)} documents, {len(rows)} judgements; "
          f"audited {len(results)} document translations in {seconds:.0f} s; refused: {len(refused)}")
    for k in refused:
        print("  refused:", k, results[k][-1].findings[0]["message"][:160])
    from audit.confidence import shipped

    min_conf = shipped().default_threshold("source") if args.min_confidence is None else args.min_confidence
    print(f"findings counted at confidence >= {min_conf} (model {shipped().signature()})")

    def para(j: esa.Judgement) -> esa.Paragraph | None:
        return results.get((j.doc, j.system), {}).get(j.line)

    flagged = {id(j): bool(counted(para(j), min_conf)) for j in rows}
    clean = [j for j in rows if j.clean]
    erroneous = [j for j in rows if not j.clean]
    major = [j for j in rows if j.major]
    n_flag = sum(flagged.values())
    tp = sum(flagged[id(j)] for j in erroneous)
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| error-free paragraphs with a finding | {pct(sum(flagged[id(j)] for j in clean), len(clean))} |")
    print(f"| flagged paragraphs with a human-marked error (precision; base rate {100 * len(erroneous) / len(rows):.0f}%) | {pct(tp, n_flag)} |")
    wrong_flagged = sum(flagged[id(j)] for j in rows if j.wrong)
    print(f"| the same, counting a score under {esa.LOWEST_BAND} with no span as an error (refusals, copies) | {pct(wrong_flagged, n_flag)} |")
    print(f"| paragraphs with a major error flagged | {pct(sum(flagged[id(j)] for j in major), len(major))} |")
    print(f"| paragraphs with any error flagged | {pct(tp, len(erroneous))} |")
    n_clean_flagged = sum(flagged[id(j)] for j in clean)
    n_major_flagged = sum(flagged[id(j)] for j in major)
    inside = found = covered = human = 0
    for j in rows:
        a, b, c, d = overlap(counted(para(j), min_conf), j.spans)
        inside, found, covered, human = inside + a, found + b, covered + c, human + d
    print(f"| finding characters inside a human error span | {pct(inside, found)} |")
    print(f"| human error characters under a finding | {pct(covered, human)} |")
    by_system: dict[str, list[bool]] = defaultdict(list)
    for j in rows:
        by_system[j.system].append(flagged[id(j)])
    rates = {s: sum(v) / len(v) for s, v in by_system.items()}
    systems = sorted(s for s in rates if s != esa.REFERENCE)
    if esa.REFERENCE in rates and systems:
        med = statistics.median(rates[s] for s in systems)
        print(f"| paragraphs flagged: human reference / median system | {100 * rates[esa.REFERENCE]:.1f}% / {100 * med:.1f}% |")
    print()
    print("flagged per system:", ", ".join(f"{s} {100 * rates[s]:.1f}%" for s in sorted(rates, key=rates.get)))  # type: ignore[arg-type]

    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for j in rows:
        fs = counted(para(j), min_conf)
        for code in {f["code"] for f in fs}:
            c = per_rule[code]
            c["paragraphs"] += 1
            c["clean"] += j.clean
            c["major"] += j.major
            c["error"] += not j.clean
        for f in fs:
            per_rule[f["code"]]["findings"] += 1
    print()
    print("| rule | findings | paragraphs | on error-free | on major | precision |")
    print("|---|---|---|---|---|---|")
    for code in sorted(per_rule, key=lambda c: -per_rule[c]["paragraphs"]):
        c = per_rule[code]
        print(f"| {code} | {c['findings']} | {c['paragraphs']} | {c['clean']} | {c['major']} | {pct(c['error'], c['paragraphs'])} |")

    ranks = ranking(rows, results, para)
    if args.json:
        figures = {
            "split": args.split, "documents": len(docs), "judgements": len(rows), "min_confidence": min_conf,
            "model": shipped().signature(), "base_rate": len(erroneous) / len(rows),
            "error_free_flagged": [n_clean_flagged, len(clean)], "precision": [tp, n_flag], "precision_wrong": [wrong_flagged, n_flag],
            "major_flagged": [n_major_flagged, len(major)], "any_error_flagged": [tp, len(erroneous)],
            "characters_inside_human_spans": [inside, found], "human_characters_covered": [covered, human],
            "flagged_by_system": rates, "per_rule": {k: dict(v) for k, v in per_rule.items()}, "ranking": ranks,
        }  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.show or args.missed:
        show(rows, para, args.show, args.missed, min_conf)
    return 0


def ranking(rows: list[esa.Judgement], results: Results, para: Any) -> dict[str, dict[str, float]]:
    """tau and pairwise accuracy of risk, chrF against refA and xsim, on the systems' rows."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    ref_text = {(d["doc"], int(ln["line"])): ln["target"] for d in esa.documents() if d["system"] == esa.REFERENCE for ln in d["lines"]}
    table: dict[str, list[tuple[Any, float, float]]] = defaultdict(list)
    for j in rows:
        if j.system == esa.REFERENCE or (j.doc, j.line) not in ref_text:
            continue
        p = para(j) or esa.Paragraph()
        key = (j.doc, j.line)
        table["chrF vs refA"].append((key, chrf.sentence_score(j.target, [ref_text[key]]).score, j.score))
        if "xsim" in p.scores:
            table["xsim"].append((key, float(p.scores["xsim"]), j.score))
        r = risk(p)
        if r is not None:
            table["risk (negated)"].append((key, -r, j.score))
        penalty = sum({"critical": 10, "major": 5, "minor": 1}.get(f.get("severity"), 0) for f in p.findings)
        table["findings penalty (negated)"].append((key, -float(penalty), j.score))
    print()
    n = len(table["chrF vs refA"])
    print(f"Ranking on the systems' rows ({n} judgements): higher = better for every column")
    print("| signal | Kendall tau-b vs human score | pairwise accuracy (same paragraph) | pairs |")
    print("|---|---|---|---|")
    out = {}
    for name, items in table.items():
        tau = kendall_tau_b([m for _, m, _ in items], [h for _, _, h in items])
        acc, total = pairwise_accuracy(items)
        print(f"| {name} | {tau:.3f} | {acc:.3f} | {total} |")
        out[name] = {"kendall_tau_b": tau, "pairwise_accuracy": acc, "pairs": total}
    return out


def show(rows: list[esa.Judgement], para: Any, code: str | None, missed: bool, min_conf: float | None) -> None:
    rng = random.Random(7)
    picked = list(rows)
    rng.shuffle(picked)
    if code:
        print(f"\n# {code} on error-free paragraphs")
        for j in picked:
            if not j.clean:
                continue
            for f in counted(para(j), min_conf):
                if f["code"] == code:
                    print(f"- [{j.system} {j.doc[:40]}:{j.line} score {j.score:.0f}] conf {confidence(f):.2f} {f['message'][:200]}")
                    print(f"    EN: {j.source[:300]}")
                    print(f"    JA: {j.target[:300]}")
    if missed:
        print("\n# major errors with no finding")
        for j in picked:
            if j.major and not counted(para(j), min_conf):
                marked = "; ".join(j.target[a:b] for a, b in j.spans)[:200]
                print(f"- [{j.system} {j.doc[:40]}:{j.line} score {j.score:.0f}] marked: {marked or '(missing content)'}")
                print(f"    EN: {j.source[:300]}")
                print(f"    JA: {j.target[:300]}")


if __name__ == "__main__":
    raise SystemExit(main())
