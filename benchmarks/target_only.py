"""Target-only findings on text nobody labelled: the WMT22 en-ja reference and the 13 systems'
outputs, audited without their source in documents of 40 consecutive lines (the test set's
lines come in documents).

The references are human translations, so their findings are mostly false alarms; the systems'
outputs hold real machine-translation errors as well. Per code, the number of findings on the
references and on all systems together. A change that cuts a code's findings on both, at the
same recall on the injected sets (evaluate.py, names_eval.py), has removed false alarms.

Run: ``python benchmarks/target_only.py [--show CODE]`` (skips when ../shared/data is absent);
``--show`` prints that code's findings with their sentences, to read them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "wmt22" / "en-ja"

from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", type=int, default=40, help="lines per document")
    ap.add_argument("--show", help="print the findings of this code")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    rules = select_rules(("",))
    on_refs: Counter[str] = Counter()
    on_systems: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    lines = 0
    for path in [DATA / "reference.ja", *sorted(DATA.joinpath("systems").glob("*.ja"))]:
        text = path.read_text(encoding="utf-8").splitlines()
        for i in range(0, len(text), args.doc):
            doc = document_from_text("\n".join(x or "。" for x in text[i : i + args.doc]), "ja", presegmented=True)
            lines += len(doc.segments)
            findings, runs = run_rules(Context(target=doc), rules)
            notes.update(r.rule.code for r in runs if r.ran and r.reason)
            for f in findings:
                (on_refs if path.stem == "reference" else on_systems)[f.code] += 1
                if f.code == args.show and f.target is not None:
                    seg = doc.segment_at(f.target.start)
                    print(f"{path.stem} {i + (seg.id if seg else 0) + 1}: {f.message} || {seg.text[:120] if seg else ''}")
    print(f"WMT22 en-ja, target-only, documents of {args.doc} lines: {lines} sentences (reference + 13 systems)")
    print(f"{'code':<8}{'reference':>10}{'systems':>9}")
    for code in sorted(on_refs.keys() | on_systems.keys()):
        print(f"{code:<8}{on_refs[code]:>10}{on_systems[code]:>9}")
    if notes:
        print("rules that held back, documents:", dict(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
