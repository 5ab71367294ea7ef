"""Names across scripts (invented sentences; no document names)."""

from __future__ import annotations

import pytest

from audit.lexicon.names import Dictionary, kana_key, transliterate

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
    "ja, kind",
    [
        ("会議でハリントン氏はオルメカ大臣と話した。", "mangled"),  # a misspelt transliteration
        ("会議でハリントン氏は大臣と話した。", "not found"),  # the name dropped
    ],
)
def test_missing_or_mangled_names_are_flagged(cli, tmp_path, ja, kind):
    findings = _check(cli, tmp_path, [("At the meeting, Harrington spoke with Minister Ortega.", ja)])
    assert [f["code"] for f in findings] == ["NAM001"]
    f = findings[0]
    assert f["evidence"]["name"] == "Ortega" and kind in f["message"]
    assert f["source"]["text"] == "Ortega" and f["suggestion"]


def test_kanji_names_are_matched_through_the_dictionary_or_readings(cli, tmp_path):
    ok = _check(cli, tmp_path, [("Mayor Tanaka opened the bridge.", "田中市長が橋を開通させた。")])
    assert ok == []
    bad = _check(cli, tmp_path, [("Mayor Tanaka opened the bridge.", "山本市長が橋を開通させた。")])
    assert [f["evidence"]["name"] for f in bad] == ["Tanaka"]


def test_words_and_sentence_initial_capitals_are_not_names(cli, tmp_path):
    rows = [("Thanks to the new Bridge Authority, traffic improved.", "新しい橋梁公社のおかげで交通が改善した。")]
    assert _check(cli, tmp_path, rows) == []
