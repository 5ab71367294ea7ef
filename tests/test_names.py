"""Names across scripts (invented sentences; no document names)."""

from __future__ import annotations

import pytest

from audit.lexicon.kana import kana_key
from audit.lexicon.names import Dictionary
from audit.lexicon.transliteration import NO_RENDERING, rendering, transliterate

pytest.importorskip("e2k")


def test_kana_key_ignores_what_transliterations_vary_on():
    assert kana_key("トウキョウ") == kana_key("トーキョー")
    assert kana_key("ヴィクトリア") == kana_key("ビクトリア")
    assert kana_key("ジョン・スミス") == kana_key("ジョンスミス")
    assert kana_key("きしだ") == kana_key("キシダ")
    assert kana_key("レモン") != kana_key("メロン")


def test_transliteration():
    assert transliterate("Biden") == "バイデン"


def test_dictionary_tells_words_from_names():
    d = Dictionary.shared()
    if not d.available:
        pytest.skip("jamdict-data not installed")
    assert d.is_common_word("government") and d.is_common_word("plans")
    assert not d.is_common_word("kishida")
    assert "モスクワ" in d.name_forms("Moscow")


def _check(cli, tmp_path, rows: list[tuple[str, str]]) -> list[dict]:
    p = tmp_path / "pairs.tsv"
    p.write_text("".join(f"{en}\t{ja}\n" for en, ja in rows), encoding="utf-8")
    res = cli("check", p, "--select", "NAM", "--format", "json")
    assert res.code == 0, res.err
    return res.json()["findings"]


@pytest.mark.parametrize(
    "ja",
    [
        "会議でハリントン氏はオルテガ大臣と話した。",  # katakana as e2k would write it
        "会議でHarrington氏はオルテガ大臣と話した。",  # kept in Latin letters
        "会議でハーリントン氏はオルテーガ大臣と話した。",  # long-vowel variants
    ],
)
def test_names_rendered_acceptably_are_not_flagged(cli, tmp_path, ja):
    assert _check(cli, tmp_path, [("At the meeting, Harrington spoke with Minister Ortega.", ja)]) == []


@pytest.mark.parametrize(
    "ja, name, kind",
    [
        ("会議でハリントン氏はオルメカ大臣と話した。", "Ortega", "mangled"),  # a misspelt transliteration
        ("会議でハリントン氏は大臣と話した。", "Ortega", "not found"),  # the name dropped
        # two kana wrong in a longer name: still 80% alike as a phonetic key, but the model
        # finds ソ after ハリン very unlikely for "Harrington"
        ("会議でハリンソン氏はオルテガ大臣と話した。", "Harrington", "mangled"),
    ],
)
def test_missing_or_mangled_names_are_flagged(cli, tmp_path, ja, name, kind):
    findings = _check(cli, tmp_path, [("At the meeting, Harrington spoke with Minister Ortega.", ja)])
    assert [f["code"] for f in findings] == ["NAM001"]
    f = findings[0]
    assert f["evidence"]["name"] == name and kind in f["message"]
    assert f["source"]["text"] == name and f["suggestion"]
    if kind == "mangled":
        assert f["evidence"]["closest_in_translation"] in ja
        assert f["evidence"]["transliteration_logprob"] < -1


@pytest.mark.parametrize(
    "ja, flagged",
    [
        # invented brands; a word with capitals inside is a name wherever it stands, even first
        ("ブライトレジャーとハーバーペイで支払える。", False),  # katakana
        ("BrightLedgerとＨａｒｂｏｒＰａｙで支払える。", False),  # Latin, full-width too
        ("ブライトLedgerとハーバーペイで支払える。", False),  # a brand kept partly in Latin
        ("ハーバーペイで支払える。", True),  # one dropped
    ],
)
def test_camel_case_brands_are_names(cli, tmp_path, ja, flagged):
    findings = _check(cli, tmp_path, [("BrightLedger and HarborPay are accepted.", ja)])
    assert [f["evidence"]["name"] for f in findings] == (["BrightLedger"] if flagged else [])


@pytest.mark.parametrize(
    "word, good, bad",
    [
        ("Harrington", "ハリントン", "ハリンソン"),
        ("Ortega", "オルテーガ", "オムテガ"),
        ("Whitfield", "ホイットフィールド", "ウィットメールド"),
        ("Bellamy", "ベラミー", "ベラニー"),
    ],
)
def test_model_scores_renderings_above_misspellings(word, good, bad):
    good_r, bad_r = rendering(word, f"{good}氏"), rendering(word, f"{bad}氏")
    assert good_r is not None and bad_r is not None
    assert good_r.text == good and bad_r.text == bad
    assert good_r.mean > -1 > bad_r.mean and good_r.worst > -3 > bad_r.worst


def test_rendering_scores_hyphenated_names_by_part_and_finds_names_inside_compounds():
    r = rendering("Ferreira-Lund", "フェレイラ＝ルンド氏")
    assert r is not None and r.mean > -1.5
    wrong = rendering("Ferreira-Lund", "フェレイラ＝ルマド氏")
    assert wrong is not None and wrong.text == "ルマド" and wrong.mean < -3
    inside = rendering("Harrington", "ハリントンポスト紙", kana_key(transliterate("Harrington")))
    assert inside is not None and inside.text == "ハリントン"
    assert rendering("Harrington", "ハリ氏", kana_key(transliterate("Harrington"))) == NO_RENDERING


def test_kanji_names_are_matched_through_the_dictionary_or_readings(cli, tmp_path):
    ok = _check(cli, tmp_path, [("Mayor Tanaka opened the bridge.", "田中市長が橋を開通させた。")])
    assert ok == []
    bad = _check(cli, tmp_path, [("Mayor Tanaka opened the bridge.", "山本市長が橋を開通させた。")])
    assert [f["evidence"]["name"] for f in bad] == ["Tanaka"]


def test_a_capital_named_for_its_government_may_be_rendered_as_its_country(cli, tmp_path):
    rows = [
        ("London and Paris agreed to share the patrol costs.", "英仏両政府は巡視費用の分担で合意した。"),
        ("Officials in Washington welcomed the vote.", "米政府当局者は投票を歓迎した。"),
        ("Moscow denied any plan to invade its neighbour.", "ロシア政府は隣国への侵攻計画を否定した。"),
        ("Moscow says the new bases threaten Russia.", "ロシア側は、新しい基地がロシアを脅かすと述べている。"),
    ]
    assert _check(cli, tmp_path, rows) == []
    # ... but not when the country stands for itself, nor when a one-kanji abbreviation is a word
    rows = [
        ("The museum in Moscow is the largest in Russia.", "ロシア最大の博物館が再開した。"),
        ("The rice harvest near Washington was large.", "米の収穫は多かった。"),
    ]
    assert sorted(f["evidence"]["name"] for f in _check(cli, tmp_path, rows)) == ["Moscow", "Washington"]


def test_words_and_sentence_initial_capitals_are_not_names(cli, tmp_path):
    rows = [("Thanks to the new Bridge Authority, traffic improved.", "新しい橋梁公社のおかげで交通が改善した。")]
    assert _check(cli, tmp_path, rows) == []
    # capitals owed to a list item or a quote, and inflected words (provides, tracked) whose base JMdict glosses
    rows = [
        ("-Provides a blend of twelve vitamins.", "-12種類のビタミンを配合しています。"),
        ("Press 'Restore' and wait.", "「復元」を押してお待ちください。"),
        ("Parcels are sent by Express Tracked delivery.", "小包は速達追跡便で発送されます。"),
        # adjectives of common nouns, plural calendar words, and the generic part of a place name
        ("He asked the Environmental Review Office to investigate.", "彼は環境審査局に調査を求めた。"),
        ("We do not deliver on Saturdays or Sundays.", "土曜日と日曜日は配達しません。"),
        ("The Northern Isles are windy.", "北部の島々は風が強い。"),
        # a plural whose singular JMdict glosses, though a name of the same spelling exists
        ("The mayor said that many Christians attend the festival.", "市長は、多くのキリスト教徒がその祭りに参加すると述べた。"),
        # a term that JMdict writes in capitals with a number (COVID-19), here in title case
        ("The mayor said Covid cases rose again in the city.", "市長は、市内で新型コロナの症例が再び増えたと述べた。"),
    ]
    assert _check(cli, tmp_path, rows) == []
    # ... while names that merely end like inflected words are still names
    found = _check(cli, tmp_path, [("We met Mr Hastings and Ms Fellowes in Athens.", "私たちはアテネで会った。")])
    assert {f["evidence"].get("name") or f["source"]["text"] for f in found} >= {"Hastings", "Fellowes"}


def test_implausible_katakana_is_flagged_without_the_source(cli, tmp_path):
    from audit.lexicon.names import KatakanaModel

    if not KatakanaModel.shared().available:
        pytest.skip("jamdict-data not installed")
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "ハリヌヮン氏が来日した。\nハリヌヮン氏は首相と会談した。\n会議ではンダベル氏が発言した。\nキャ ンペーンを議論した。\n",
        encoding="utf-8",
    )
    res = cli("check", doc, "--select", "NAM002,GRB003", "--format", "json")
    assert res.code == 0, res.err
    found = {f["evidence"].get("word", f["code"]): f for f in res.json()["findings"]}
    # once per word and document; ンペーン is a piece of キャンペーン split by a space: GRB003's, not a name
    assert set(found) == {"ハリヌヮン", "ンダベル", "GRB003"}
    assert found["ハリヌヮン"]["evidence"]["unlikely"].endswith("ヮ") and found["ハリヌヮン"]["evidence"]["logprob"] < -6.8
    assert "start of a word" in found["ンダベル"]["message"]
    assert found["GRB003"]["suggestion"] == "キャンペーン"
    # dictionary words, plausible unknown names and compounds of known words pass
    ok = tmp_path / "ok.txt"
    ok.write_text("ハリントン氏はオレンジゾーンでソーシャルメディアユーザーと話した。ベラミー氏も来た。\n", encoding="utf-8")
    res = cli("check", ok, "--select", "NAM002", "--format", "json")
    assert res.json()["findings"] == []


@pytest.mark.parametrize(
    "word, text, strict, with_readings",
    [
        ("controlled", "輸出を規制した", True, True),  # Snowball stem of the gloss, kanji stem of the form
        ("regulations", "新しい規制が導入された", True, True),
        ("already", "すでに終わった", False, True),  # 既に written in kana: only the readings see it
        ("already", "会議は始まった", False, False),
        ("xyzzy", "何か", None, None),  # not in JMdict: cannot witness either way
    ],
)
def test_english_words_are_witnessed_in_the_translation_through_jmdict(word, text, strict, with_readings):
    from audit.lexicon.kana import to_katakana
    from audit.lexicon.names import EnJaIndex

    index = EnJaIndex.shared()
    if not index.index:
        pytest.skip("jamdict-data is not installed")
    assert index.found(word, to_katakana(text)) is strict
    assert index.found(word, to_katakana(text), readings=True) is with_readings


@pytest.mark.parametrize(
    "en, ja, found",
    [
        ("Shares of Mitsubishi Corporation rose.", "三菱重工業の株価が上昇した。", "三菱重工業"),  # another listed company
        ("Mitsubishi Heavy Industries built the rocket.", "三菱電機がロケットを製造した。", "三菱電機"),
        ("Shares of Mitsubishi Corporation rose.", "三菱商事の株価が上昇した。", None),
        ("Mitsubishi Corporation and Mitsubishi Heavy Industries signed a deal.", "三菱商事と三菱重工業が契約を結んだ。", None),
        ("Shares of Mitsubishi Corporation rose.", "Mitsubishi Corporationの株価が上昇した。", None),  # kept in Latin
    ],
)
def test_an_organisation_rendered_as_another_known_one_is_critical(en, ja, found):
    from audit.lexicon.names import EntityIndex
    from tests.test_checks import pair_findings

    if not EntityIndex.shared().forms:
        pytest.skip("jamdict-data is not installed")
    hits = pair_findings([en], [ja], "NAM003")
    if found is None:
        assert not hits
    else:
        assert len(hits) == 1 and hits[0].target.text == found and hits[0].severity.value == "critical"
        assert hits[0].evidence["found_is"].startswith("Mitsubishi") and hits[0].suggestion in hits[0].evidence["expected_forms"]


def test_katakana_against_the_original_beside_it():
    from audit.checks.base import Context, run_rules, select_rules
    from audit.io.document import document_from_text

    if not Dictionary.shared().available:
        pytest.skip("jamdict-data not installed")

    def nam005(text: str) -> list:
        return run_rules(Context(target=document_from_text(text, "ja")), select_rules(("NAM005",)))[0]

    found = nam005("ラミネス(Ramirez)長官は会見で話した。")
    assert [(f.target.text, f.evidence["name"], f.evidence["closest_in_translation"]) for f in found] == [
        ("ラミネス(Ramirez)", "Ramirez", "ラミネス")
    ]
    assert found[0].suggestion.startswith("render 'Ramirez' as ラミレス")
    # the other way round, with full-width brackets
    assert [f.evidence["katakana"] for f in nam005("Harrington（ハリンドソ）氏が来日した。")] == ["ハリンドソ"]
    # faithful renderings, a variant e2k accepts, and a bracket that holds something other than the name
    assert not nam005("ラミレス(Ramirez)長官とハリントン(Harrington)氏が会った。")
    assert not nam005("ハリングトン(Harrington)長官が来日した。")
    assert not nam005("トマス・ウェルド(Oakridge Labs)が発表した。")
    assert not nam005("世界保健機関(WHO)が発表した。")  # an acronym: ACR002's


def test_one_source_name_spelled_two_ways():
    from audit.checks.base import Context, run_rules, select_rules
    from audit.io.document import document_from_text
    from audit.model import Bead

    if not Dictionary.shared().available:
        pytest.skip("jamdict-data not installed")

    def findings(en: list[str], ja: list[str], code: str) -> list:
        sd = document_from_text("\n".join(en), "en", presegmented=True)
        td = document_from_text("\n".join(ja), "ja", presegmented=True)
        ctx = Context(target=td, source=sd, alignment=tuple(Bead((i,), (i,)) for i in range(len(en))))
        return run_rules(ctx, select_rules((code,)))[0]

    en = ["Minister Harrington met the press in Osaka.", "Harrington said the talks went well.", "Harrington will return next week."]
    drift = ["ハリントン大臣は大阪で記者団と会見した。", "ハリングトン氏は協議が順調だったと述べた。", "ハリントン氏は来週戻る。"]
    found = findings(en, drift, "CON009")
    assert [(f.target.text, f.suggestion, dict(f.evidence["spellings"])) for f in found] == [
        ("ハリングトン", "ハリントン", {"ハリントン": 2, "ハリングトン": 1})
    ]
    # a long vowel is not another spelling; a misspelling is NAM001's, not a second spelling
    assert not findings(en, [drift[0], "ハリントン氏は協議が順調だったと述べた。", "ハリントーン氏は来週戻る。"], "CON009")
    mangled = [drift[0], "ハリンドソ氏は協議が順調だったと述べた。", drift[2]]
    assert [f.code for f in findings(en, mangled, "")] == ["NAM001"]
    # the name inside a longer katakana word is not a spelling of it alone
    assert not findings(["Afghan officials met in Kabul.", "The Afghan government agreed."],
                        ["アフガニスタン人の当局者がカブールで会談した。", "アフガン政府は合意した。"], "CON009")


def test_the_katakana_model_is_built_once_then_read_back_and_a_damaged_copy_is_rebuilt(tmp_path, monkeypatch):
    from audit.lexicon.names import KatakanaModel, _jamdict_path

    path = _jamdict_path()
    if path is None:
        pytest.skip("jamdict-data is not installed")
    first = KatakanaModel(path, tmp_path)
    [stored] = tmp_path.glob("katakana-model-*.marshal")

    def built_again(self, _path):
        raise AssertionError("built again although a copy was cached")

    with monkeypatch.context() as m:
        m.setattr(KatakanaModel, "_build", built_again)
        second = KatakanaModel(path, tmp_path)
    assert second._state() == first._state() and second.weakest("ヂョヌヮ") == first.weakest("ヂョヌヮ")
    stored.write_bytes(b"not a model")
    third = KatakanaModel(path, tmp_path)
    assert third._state() == first._state()
    assert KatakanaModel(path, None)._state() == first._state()  # no cache folder: built, nothing written


def test_the_english_japanese_index_is_read_back_from_its_cache(tmp_path, monkeypatch):
    from audit.lexicon.names import EnJaIndex, _jamdict_path

    path = _jamdict_path()
    if path is None:
        pytest.skip("jamdict-data is not installed")
    (tmp_path / "en-ja-index-0000000000000000.marshal").write_bytes(b"from an older jamdict-data")
    first = EnJaIndex(path, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] != [] and not (tmp_path / "en-ja-index-0000000000000000.marshal").exists()

    def built_again(self, *_args):
        raise AssertionError("built again although a copy was cached")

    monkeypatch.setattr(EnJaIndex, "_build", built_again)
    second = EnJaIndex(path, tmp_path)
    assert second.index == first.index and second.readings == first.readings
    assert second.forms("strengthened") == first.forms("strengthen") and second.found("cooperation", "協力を強化")
