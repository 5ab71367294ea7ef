"""Glossaries: TSV and TBX (v2 and v3) as data, GLO001/GLO002/GLO003, and their place in the signature."""

from __future__ import annotations

import pytest

from audit.glossary import load

TSV = (
    "# an invented glossary\n"
    "source\ttarget\tnote\n"
    "Bureau of Harbours | BOH\t港湾局 | 米港湾局 | !ハーバー事務所\tan invented agency\n"
    "supply chain\tサプライチェーン | 供給網\n"
)
TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="boh"><descrip type="definition">An invented agency.</descrip>
 <langSet xml:lang="ja"><tig><term>港湾局</term></tig>
  <tig><term>ハーバー事務所</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
 <langSet xml:lang="en-US"><tig><term>Bureau of Harbours</term></tig><tig><term>BOH</term></tig></langSet>
</termEntry>
<termEntry id="fr-only"><langSet xml:lang="fr"><tig><term>port</term></tig></langSet></termEntry>
</body></text></martif>
"""
TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><tbxHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="c7">
 <langSec xml:lang="en"><termSec><term>supply chain</term></termSec></langSec>
 <langSec xml:lang="ja"><termSec><term>サプライチェーン</term></termSec>
  <termSec><term>補給線</term><termNote type="administrativeStatus">notRecommended</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>
"""
XXE = """<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;</term></tig></langSet></termEntry></body></text></martif>"""

SOURCE = "The Bureau of Harbours will fund the project.\n\nThe supply chain must be resilient.\n\nBOH officials met on Monday.\n"
TARGET = "ハーバー事務所がこの事業に資金を提供する。\n\n補給線は強靭でなければならない。\n\n港湾局の当局者は月曜日に会合した。\n"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_tsv_and_both_tbx_versions_read_the_same_concepts(tmp_path):
    g = load([_write(tmp_path, "g.tsv", TSV)])
    assert [t.source for t in g.terms] == [("Bureau of Harbours", "BOH"), ("supply chain",)]
    assert g.terms[0].targets == ("港湾局", "米港湾局") and g.terms[0].forbidden == ("ハーバー事務所",)
    assert g.terms[0].origin.endswith("g.tsv:3") and g.files[0]["terms"] == 2 and len(g.files[0]["sha256"]) == 64
    v2 = load([_write(tmp_path, "g2.tbx", TBX2)])
    assert len(v2.terms) == 1  # the French-only entry has no en→ja pair
    assert v2.terms[0].source == ("Bureau of Harbours", "BOH") and v2.terms[0].targets == ("港湾局",)
    assert v2.terms[0].forbidden == ("ハーバー事務所",) and "invented agency" in v2.terms[0].note
    v3 = load([_write(tmp_path, "g3.tbx", TBX3)])
    assert v3.terms[0].targets == ("サプライチェーン",) and v3.terms[0].forbidden == ("補給線",)


def test_matching_rules(tmp_path):
    g = load([_write(tmp_path, "g.tsv", TSV)])
    hits = [h.text for h in g.find_source("the bureau of  harbours and BOH, not boh or Boh, nor SUPPLY CHAINS")]
    assert hits == ["bureau of  harbours", "BOH"]  # acronyms exact, phrases case-insensitive, whole words
    boh = g.terms[0]
    assert g.has_target(boh, "米港湾局の発表") and g.has_target(boh, "港 湾 局") and not g.has_target(boh, "港湾庁")
    assert [f[3] for f in g.find_forbidden("ハーバー事務所と港湾局")] == ["ハーバー事務所"]


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("bad.tsv", "only one column\n", "line 1: expected source<TAB>target"),
        ("bang.tsv", "Bureau\t!局\n", "no accepted Japanese form"),
        ("xxe.tbx", XXE, "unsafe XML refused"),
        ("broken.tbx", "<martif><text>", "malformed TBX"),
        ("empty.tsv", "# nothing\n", "no en→ja terms"),
    ],
)
def test_bad_glossaries_exit_2_with_one_line(cli, tmp_path, name, text, needle):
    target = _write(tmp_path, "t.ja", TARGET)
    r = cli("check", target, "--glossary", _write(tmp_path, name, text))
    assert r.code == 2 and needle in r.err and name in r.err and len(r.err.strip().splitlines()) == 1


def test_glossary_checks_in_source_and_target_only_mode(cli, tmp_path):
    glossary = _write(tmp_path, "g.tsv", TSV)
    source, target = _write(tmp_path, "s.en", SOURCE), _write(tmp_path, "t.ja", TARGET)
    report = cli("check", target, "--source", source, "--glossary", glossary, "--format", "json").json()
    found = {(f["code"], f["target"]["text"]) for f in report["findings"] if f["code"].startswith(("GLO", "ACR", "NAM"))}
    assert ("GLO002", "ハーバー事務所") in found  # the wrong form, at its place
    assert ("GLO001", "補給線は強靭でなければならない。") in found  # no accepted form of "supply chain"
    assert not [c for c, t in found if t.startswith("ハーバー") and c == "GLO001"]  # not reported twice
    assert not [c for c, t in found if t.startswith("港湾局")]  # BOH rendered 港湾局: right, so no ACR001 either
    only = cli("check", target, "--glossary", glossary, "--format", "json").json()
    assert [f["code"] for f in only["findings"] if f["code"].startswith("GLO")] == ["GLO002"]
    assert only["signature"]["settings"]["glossaries"][0]["path"] == "g.tsv"


def test_glossaries_change_the_signature_and_come_from_configuration(cli, tmp_path):
    target = _write(tmp_path, "t.ja", TARGET)
    (tmp_path / "terms").mkdir()
    _write(tmp_path / "terms", "g.tsv", TSV)
    without = cli("check", target, "--format", "json").json()
    assert "GLO001 needs alignment, glossary, source" in next(s["reason"] for s in without["stages"] if s["name"] == "check")
    (tmp_path / "audit.toml").write_text('glossaries = ["terms/g.tsv"]\n', encoding="utf-8")  # relative to the file
    configured = cli("check", target, "--format", "json").json()
    assert configured["signature"]["id"] != without["signature"]["id"]
    assert [f["code"] for f in configured["findings"] if f["code"] == "GLO002"] == ["GLO002"]
    _write(tmp_path / "terms", "g.tsv", TSV + "harbour\t港\n")
    assert cli("check", target, "--format", "json").json()["signature"]["id"] != configured["signature"]["id"]


def test_a_glossary_form_with_one_inner_word_replaced_is_a_near_miss_without_the_source(tmp_path):
    from audit.checks.base import Context, run_rules, select_rules
    from audit.io.document import document_from_text
    from audit.lexicon.names import Dictionary

    if not Dictionary.shared().available:
        pytest.skip("jamdict-data not installed")
    g = load([_write(tmp_path, "g.tsv", "source\ttarget\n"
                     "Institute of Coastal Engineering\t沿岸工学研究所 | 米沿岸工学研究所\n"
                     "International Monetary Fund | IMF\t国際通貨基金 | IMF\n"
                     "Department of Harbours\t港湾省\n")])

    def near(text):
        ctx = Context(target=document_from_text(text, "ja"), glossary=g)
        return [(f.target.text, f.suggestion, f.evidence["replaced"]) for f in run_rules(ctx, select_rules(("GLO003",)))[0]]

    assert near("沿岸土木研究所は報告書を公表した。") == [("沿岸土木研究所", "沿岸工学研究所", ["工学", "土木"])]
    assert near("米沿岸研究所の担当者が述べた。") == [("米沿岸研究所", "米沿岸工学研究所", ["工学", ""])]
    quiet = [
        "沿岸工学研究所と米国沿岸工学研究所が協力する。",  # accepted forms, one with more around it
        "国際交流基金の助成を受けた。",  # the Japan Foundation: a name of its own, not a misspelt 国際通貨基金
        "港湾長官が訪日した。",  # the last word changed: another thing (the secretary, not the department)
        "沿岸エンジニアリング研究所",  # katakana for kanji: a stretch of another script
    ]
    assert not [found for text in quiet for found in near(text)]
