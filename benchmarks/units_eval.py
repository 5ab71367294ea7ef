"""NUM004 (unit changed, number kept) on WMT22 en-ja.

Clean: the findings on the reference and on the 13 systems' outputs, with the source, line i
aligned to line i. Injected: in each reference line where a quantity of the source with a unit
(a currency sign or a unit word: $1.5 billion, 500 acres) has a same-valued counterpart with a
unit in the translation, that unit is replaced by another of its kind (ドル → 円, マイル → キロメートル,
エーカー → ヘクタール), as a translation that keeps the number and changes the unit reads.

Run: ``python benchmarks/units_eval.py`` (skips when ../shared/data is absent).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wmt import EN_JA, outputs, read_lines  # noqa: E402

DATA = EN_JA

from audit.checks.base import Context, run_rules, select_rules  # noqa: E402
from audit.io.document import document_from_text  # noqa: E402
from audit.lexicon.numbers import english_quantities, english_unit, japanese_quantities, japanese_unit, same  # noqa: E402
from audit.model import Bead  # noqa: E402

# another unit of the same kind, as written after the number
SWAP = {"USD": "円", "JPY": "ドル", "EUR": "ドル", "GBP": "ドル", "CNY": "ドル", "mile": "キロメートル", "km": "マイル",
        "foot": "メートル", "metre": "フィート", "inch": "センチ", "cm": "インチ", "acre": "ヘクタール", "hectare": "エーカー",
        "kg": "ポンド", "lb": "キログラム", "ton": "ポンド", "gallon": "リットル", "litre": "ガロン", "percent": "ポイント",
        "pp": "%"}


def num004(src: list[str], tgt: list[str]) -> list[int]:
    sdoc = document_from_text("\n".join(src), "en", presegmented=True)
    tdoc = document_from_text("\n".join(tgt), "ja", presegmented=True)
    ctx = Context(target=tdoc, source=sdoc, alignment=tuple(Bead((i,), (i,)) for i in range(len(src))))
    return [tdoc.segment_at(f.target.start).id for f in run_rules(ctx, select_rules(("NUM004",)))[0] if f.target]  # type: ignore[union-attr]


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    src = read_lines(DATA / "source.en")
    keep = [i for i, line in enumerate(src) if line.strip()]
    print(f"WMT22 en-ja with the source, {len(keep)} pairs: NUM004 findings")
    for path in outputs(DATA):
        tgt = read_lines(path)
        print(f"  {path.stem:<18} {len(num004([src[i] for i in keep], [tgt[i] or '。' for i in keep]))}")
    ref = read_lines(DATA / "reference.ja")
    injected = found = 0
    for i in keep:
        s, t = src[i], ref[i]
        targets = [(x, japanese_unit(t, x)) for x in japanese_quantities(t)]
        for q in english_quantities(s):
            units = english_unit(s, q)
            match = next(((x, u) for x, u in targets if u and units & u and same(q.value, x.value)), None)
            if q.soft or match is None:
                continue
            x, u = match
            unit = next((k for k in sorted(u & units) if k in SWAP), None)
            if unit is None or t.startswith(("$", "US$", "€", "£", "¥", "華氏", "摂氏"), max(0, x.start - 3)):
                continue  # a unit written before the number: not swapped here
            tail = t[x.end :]
            written = next((w for w in ("米ドル", "ドル", "円", "ユーロ", "ポンド", "人民元", "元", "マイル", "キロメートル", "キロ", "km",
                                        "フィート", "メートル", "インチ", "センチ", "エーカー", "ヘクタール", "キログラム", "kg", "トン",
                                        "ガロン", "リットル", "%ポイント", "ポイント", "%", "％", "パーセント")
                            if tail.lstrip().startswith(w)), None)
            if written is None:
                continue
            at = x.end + tail.index(written)
            bad = t[:at] + SWAP[unit] + t[at + len(written) :]
            injected += 1
            found += bool(num004([s], [bad]))
            break
    print(f"  unit swapped in the reference: {found}/{injected} found ({found / max(injected, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
