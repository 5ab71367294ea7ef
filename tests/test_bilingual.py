import json

import pytest

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" target-language="ja" datatype="plaintext"><body>
<trans-unit id="u1"><source>The budget is $2.9 billion.</source><target>予算は2.9億ドルである。</target></trans-unit>
<trans-unit id="u2"><source>Both leaders met in Tokyo.</source><target></target></trans-unit>
</body></file></xliff>"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ja"><file id="f1">
<unit id="u1"><segment><source>The budget is $2.9 billion.</source><target>予算は2.9億ドルである。</target></segment></unit>
<unit id="u2"><segment><source>Both leaders met in Tokyo.</source><target>両首脳は東京で会談した。</target></segment></unit>
</file></xliff>"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>
<tu><tuv xml:lang="en"><seg>The budget is $2.9 billion.</seg></tuv><tuv xml:lang="ja-JP"><seg>予算は2.9億ドルである。</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Both leaders met in Tokyo.</seg></tuv><tuv xml:lang="ja"><seg>両首脳は東京で会談した。</seg></tuv></tu>
</body></tmx>"""

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The budget is $2.9 billion."
msgstr "予算は2.9億ドルである。"

msgid "Both leaders met in Tokyo."
msgstr "両首脳は東京で会談した。"
"""

TSV = "source\ttarget\nThe budget is $2.9 billion.\t予算は2.9億ドルである。\nBoth leaders met in Tokyo.\t両首脳は東京で会談した。\n"
JSONL = "\n".join(
    json.dumps(d, ensure_ascii=False)
    for d in [
        {"source": "The budget is $2.9 billion.", "target": "予算は2.9億ドルである。"},
        {"source": "Both leaders met in Tokyo.", "target": "両首脳は東京で会談した。"},
    ]
)


@pytest.mark.parametrize(
    "name,content", [("a.xlf", XLIFF12), ("b.xliff", XLIFF20), ("c.tmx", TMX), ("d.po", PO), ("e.tsv", TSV), ("f.jsonl", JSONL)]
)
def test_bilingual_formats_align_by_unit_and_find_the_unit_slip(cli, tmp_path, name, content):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    r = cli("check", p, "--format", "json")
    assert r.code == 0, r.err
    report = r.json()
    assert report["summary"]["mode"] == "source"
    assert report["segments"]["source"][0]["text"] == "The budget is $2.9 billion."
    assert report["alignment"][0] == {"source": [0], "target": [0], "score": None}
    nums = [f for f in report["findings"] if f["code"] == "NUM001"]
    assert nums and nums[0]["severity"] == "critical"
    assert nums[0]["source"]["text"] == "2.9 billion" and nums[0]["target"]["text"] == "2.9億"
    assert nums[0]["suggestion"] == "29億"


def test_empty_target_unit_is_an_omission(cli, tmp_path):
    p = tmp_path / "a.xlf"
    p.write_text(XLIFF12, encoding="utf-8")
    report = cli("check", p, "--format", "json").json()
    omissions = [f for f in report["findings"] if f["code"] == "OMI001"]
    assert len(omissions) == 1 and omissions[0]["source"]["text"] == "Both leaders met in Tokyo."


def test_bilingual_plus_source_is_a_usage_error(cli, tmp_path):
    p = tmp_path / "e.tsv"
    p.write_text(TSV, encoding="utf-8")
    r = cli("check", p, "--source", p)
    assert r.code == 2 and "drop --source" in r.err


def test_a_lone_surrogate_escape_in_jsonl_is_refused_in_one_line(cli, tmp_path):
    # legal JSON, not text: half of a UTF-16 surrogate pair escaped on its own
    bad = tmp_path / "units.jsonl"
    bad.write_text('{"source": "Hello \\ud854 there.", "target": "\\u3053\\u3093\\u306b\\u3061\\u306f\\ud854\\u3002"}\n', encoding="utf-8")
    r = cli("check", bad)
    assert r.code == 2 and "lone surrogate" in r.err and "line 1" in r.err and len(r.err.strip().splitlines()) == 1
    # both halves make one character: audited
    good = tmp_path / "pair.jsonl"
    good.write_text('{"source": "Hello \\ud854\\udc00 there.", "target": "\\u3053\\u3093\\u306b\\u3061\\u306f\\ud854\\udc00\\u3002"}\n', encoding="utf-8")
    assert cli("check", good).code == 0
