"""Target-only findings on text nobody labelled: the WMT22 en-ja reference and the 13 systems'
outputs, audited without their source in documents of 40 consecutive lines (the test set's
lines come in documents).

The references are human translations, so their findings are mostly false alarms; the systems'
outputs hold real machine-translation errors as well. Per code, the number of findings on the
references and on all systems together. A change that cuts a code's findings on both, at the
same recall on the injected sets (evaluate.py, names_eval.py), has removed false alarms.

Run: ``python benchmarks/target_only.py [--show CODE] [--source] [--select PREFIX]`` (skips when
../shared/data is absent); ``--show`` prints that code's findings with their sentences, to read
them; ``--source`` audits with the English source, line i aligned to line i, for the rules that
need it (``--source --select ACR003``: placeholders and URLs not copied).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, outputs, read_lines  # noqa: E402

DATA = EN_JA

from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.embedders import resolve_embedder  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402
from audit.model import Bead  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", type=int, default=40, help="lines per document")
    ap.add_argument("--show", help="print the findings of this code")
    ap.add_argument("--source", action="store_true", help="audit with the English source (source mode)")
    ap.add_argument("--select", default="", help="only the rules of this code or prefix")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    rules = select_rules((args.select,))
    source = read_lines(DATA / "source.en") if args.source else []
    embedder = resolve_embedder(None) if args.source and any("embedder" in r.needs for r in rules) else None
    on_refs: Counter[str] = Counter()
    on_systems: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    lines = 0
    for path in outputs(DATA):
        text = read_lines(path)
        for i in range(0, len(text), args.doc):
            doc = document_from_text("\n".join(x or "。" for x in text[i : i + args.doc]), "ja", presegmented=True)
            lines += len(doc.segments)
            ctx = Context(target=doc)
            if args.source:
                src = document_from_text("\n".join(source[i : i + args.doc]), "en", presegmented=True)
                beads = tuple(Bead((k,), (k,)) for k in range(len(doc.segments)))
                ctx = Context(target=doc, source=src, alignment=beads, embedder=embedder)
            findings, runs = run_rules(ctx, rules)
            notes.update(r.rule.code for r in runs if r.ran and r.reason)
            for f in findings:
                (on_refs if path.stem == "reference" else on_systems)[f.code] += 1
                if f.code == args.show and f.target is not None:
                    seg = doc.segment_at(f.target.start)
                    print(f"{path.stem} {i + (seg.id if seg else 0) + 1}: {f.message} || {seg.text[:120] if seg else ''}")
    mode = "with the source" if args.source else "target-only"
    print(f"WMT22 en-ja, {mode}, documents of {args.doc} lines: {lines} sentences (reference + 13 systems)")
    print(f"{'code':<8}{'reference':>10}{'systems':>9}")
    for code in sorted(on_refs.keys() | on_systems.keys()):
        print(f"{code:<8}{on_refs[code]:>10}{on_systems[code]:>9}")
    if notes:
        print("rules that held back, documents:", dict(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
