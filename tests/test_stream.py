"""Translation memories read unit by unit and audited in batches (``--stream``)."""

from __future__ import annotations

import json
from collections import Counter
from xml.sax.saxutils import escape

import pytest

from audit.io.bilingual import read_bilingual
from audit.io.units import iter_units

PAIRS = [
    ("The Prime Minister met the President in Washington.", "首相はワシントンで大統領と会談した。"),
    ("Sales rose by 5% to 300 million dollars.", "売上高は5%増の3億ドルとなった。"),
    ("The new printer was installed on Monday.", "新しいプリンターは月曜日に設置された。"),
    ("This sentence was left untranslated by the system.", "This sentence was left untranslated by the system."),
    ("The meeting ended at 3 pm.", "会議は午後3時に終わった。"),
    ("The old printer is broken.", "古いプリンタは壊れている。"),
    ("Harrington said the plan would cost 2 billion yen.", "ハリントン氏は、計画には20億円かかると述べた。"),
    ("Tokyo is the capital of Japan.", "東京は日本の首都です。"),
]


def write_tmx(path, pairs, copies=1):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
                'segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>\n')
        n = 0
        for _ in range(copies):
            for en, ja in pairs:
                n += 1
                f.write(f'<tu tuid="{n}"><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv>'
                        f'<tuv xml:lang="ja"><seg>{escape(ja)}</seg></tuv></tu>\n')
        f.write("</body></tmx>\n")
    return path


def write_xliff12(path, pairs):
    units = "".join(
        f'<trans-unit id="u{i}"><source>{escape(en)}</source><target>{escape(ja)}</target>'
        f'<alt-trans><source>ignored</source><target>無視</target></alt-trans></trans-unit>'
        for i, (en, ja) in enumerate(pairs, 1)
    )
    path.write_text('<?xml version="1.0" encoding="utf-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
                    f'<file original="a" source-language="en" target-language="ja" datatype="plaintext"><body>{units}</body></file></xliff>',
                    encoding="utf-8")  # fmt: skip
    return path


def write_xliff20(path, pairs):
    units = "".join(
        f'<unit id="u{i}"><segment><source>{escape(en)}</source><target>{escape(ja)}</target></segment></unit>'
        for i, (en, ja) in enumerate(pairs, 1)
    )
    path.write_text('<?xml version="1.0" encoding="utf-8"?><xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
                    f'srcLang="en" trgLang="ja"><file id="f1">{units}</file></xliff>', encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize("kind", ["tmx", "xlf12", "xlf20", "tsv", "jsonl"])
def test_units_read_one_at_a_time_match_the_whole_file_reader(tmp_path, kind):
    if kind == "tmx":
        path = write_tmx(tmp_path / "tm.tmx", PAIRS)
    elif kind == "xlf12":
        path = write_xliff12(tmp_path / "a.xlf", PAIRS)
    elif kind == "xlf20":
        path = write_xliff20(tmp_path / "b.xlf", PAIRS)
    elif kind == "tsv":
        path = tmp_path / "a.tsv"
        path.write_text("source\ttarget\n" + "".join(f"{en}\t{ja}\n" for en, ja in PAIRS), encoding="utf-8")
    else:
        path = tmp_path / "a.jsonl"
        path.write_text("".join(json.dumps({"id": str(i), "source": en, "target": ja}) + "\n" for i, (en, ja) in enumerate(PAIRS)), encoding="utf-8")
    streamed = [(u.source, u.target) for u in iter_units(path)]
    assert streamed == PAIRS
    whole = read_bilingual(path)
    assert whole.target.text == "\n\n".join(ja for _, ja in PAIRS)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def per_unit(records, drop=("CON", "DUP", "PRJ")):
    return Counter((r["unit"], r["code"], (r["target"] or {}).get("text")) for r in records
                   if r["type"] == "finding" and not r["code"].startswith(drop))  # fmt: skip


def test_stream_in_one_batch_equals_the_whole_file(cli, tmp_path):
    tm = write_tmx(tmp_path / "tm.tmx", PAIRS, copies=2)
    whole = jsonl(cli("check", tm, "--format", "jsonl", "--min-confidence", "0").out)
    r = cli("check", tm, "--stream", "--format", "jsonl", "--min-confidence", "0", "--jobs", "1", "--batch-size", "1000")
    assert r.code == 0, r.err
    stream = jsonl(r.out)
    assert stream[-1]["type"] == "summary" and stream[-1]["units"] == 16
    key = lambda rs: Counter((x["unit"], x["code"], (x["target"] or {}).get("text"), x["fingerprint"]) for x in rs if x["type"] == "finding")  # noqa: E731
    assert key(stream) == key(whole) and key(whole)
    assert any(x["code"] == "UNT001" and x["unit"] in ("4", "12") for x in stream)


def test_batches_and_workers_do_not_change_unit_findings(cli, tmp_path):
    tm = write_tmx(tmp_path / "tm.tmx", PAIRS, copies=3)
    one = cli("check", tm, "--stream", "--format", "jsonl", "--min-confidence", "0", "--jobs", "1", "--batch-size", "1000").out
    small = cli("check", tm, "--stream", "--format", "jsonl", "--min-confidence", "0", "--jobs", "1", "--batch-size", "5").out
    two = cli("check", tm, "--stream", "--format", "jsonl", "--min-confidence", "0", "--jobs", "2", "--batch-size", "5").out
    assert small == two, "the same output whatever the number of workers"
    assert per_unit(jsonl(one)) == per_unit(jsonl(small))
    units = [int(r["unit"]) for r in jsonl(small) if r["type"] == "finding" and r["unit"]]
    assert units == sorted(units), "findings come in unit order"
    across = [r for r in jsonl(small) if r["code" if r["type"] == "finding" else "type"] == "PRJ002"]
    assert across and across[0]["suggestion"] in ("プリンター", "プリンタ")


def test_stream_errors(cli, tmp_path):
    tm = write_tmx(tmp_path / "tm.tmx", PAIRS)
    r = cli("check", tm, "--stream", "--format", "json")
    assert r.code == 2 and "--format jsonl" in r.err
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><tmx><body><tu><tuv xml:lang="en"><seg>&a;</seg></tuv></tu></body></tmx>', encoding="utf-8")
    r = cli("check", bomb, "--stream", "--format", "jsonl")
    assert r.code == 2 and "unsafe XML" in r.err and r.err.count("\n") == 1
    cut = tmp_path / "cut.tmx"
    cut.write_text(tm.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = cli("check", cut, "--stream", "--format", "jsonl", "--jobs", "1", "-o", out)
    assert r.code == 2 and "malformed XML" in r.err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl*")), "no half-written file"


def test_stream_on_a_dask_cluster_gives_the_same_lines(tmp_path):
    pytest.importorskip("distributed", reason="the Dask executor needs the extra: pip install 'mt-audit[dask]'")
    from audit.config import resolve
    from audit.project.memory import run_stream

    tm = write_tmx(tmp_path / "tm.tmx", PAIRS, copies=2)
    cfg = resolve(cli={"min-confidence": 0}, search=False)
    local: list[str] = []
    dask: list[str] = []
    run_stream(str(tm), cfg, local.append, batch_size=4, jobs=1)
    run_stream(str(tm), cfg, dask.append, batch_size=4, jobs=2, executor="dask")
    assert local == dask and json.loads(local[-1])["units"] == 16
