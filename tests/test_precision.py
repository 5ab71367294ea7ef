"""What a careful translator does on purpose is not an error: the kinds of false alarm found on
real 2024 machine translation (WMT24 en-ja, benchmarks/esa_eval.py), each pinned with an invented
example, beside the error the same rule must still catch."""

from __future__ import annotations

import json

import pytest
from test_checks import pair_findings, target_findings


@pytest.mark.parametrize(
    "text",
    [
        "你が何を意味するのか知ってるね？",  # 你: a character Japanese almost never writes
        "那个期間中に2枚のアルバムを出した。",  # 个
        "不过、私は基本的に必要です。",  # 过: a simplified form
        "然而、私はその気持ちを振り払えなかった。",  # 而
        "最新の統計が明らかにした际、我々は怒るべきだ。",  # 际
    ],
)
def test_chinese_words_in_the_japanese_are_reported(text):
    found = target_findings(text, "UNT002")
    assert len(found) == 1 and "Chinese word" in found[0].message
    assert found[0].evidence["foreign_characters"]


@pytest.mark.parametrize("text", ["全身が痙攣した。", "薔薇の花が咲いた。", "髙島屋で買った。", "那覇から来た。", "旦那さんに聞いた。"])
def test_japanese_words_with_rare_characters_are_not_chinese(text):
    assert not target_findings(text, "UNT002")


@pytest.mark.parametrize(
    "text",
    [
        "2543年1月14日 午後10時26分",  # a date and a time
        "「全車前進せよ」 指揮官は冷静に指示を出した。",  # after a closing quote
        "@user36さん 投稿していただいたメガネ、どちらもいい色です。",  # after the addressee of a post
    ],
)
def test_spaces_japanese_writers_put_on_purpose_are_not_fragments(text):
    assert not target_findings(text, "GRB001")


def test_stitched_fragments_are_still_reported():
    assert target_findings("によると 最新の調査 発表の中で、増えた。", "GRB001")


def _paragraph_findings(en: str, ja: str, code: str):
    """One English paragraph aligned with one Japanese paragraph segmented into its sentences."""
    from audit.checks.base import Context, run_rules, select_rules
    from audit.io.document import document_from_text
    from audit.model import Bead

    sd, td = document_from_text(en, "en"), document_from_text(ja, "ja")
    bead = Bead(tuple(range(len(sd.segments))), tuple(range(len(td.segments))))
    return run_rules(Context(target=td, source=sd, alignment=(bead,)), select_rules((code,)))[0]


def test_a_sentence_without_a_full_stop_is_fine_when_its_source_has_none():
    assert not _paragraph_findings("dang... a nationwide outage. no wonder things feel dead this morning", "全国的な障害だ。今朝は静かなわけだ", "GRB005")
    assert not _paragraph_findings("A nationwide outage hit. I love it 😂", "全国的な障害が起きた。最高😂", "GRB005")  # an emoji ends it
    cut = _paragraph_findings("A nationwide outage hit. No wonder things feel dead this morning.", "全国的な障害が起きた。今朝静かなのはその", "GRB005")
    assert len(cut) == 1 and cut[0].target.text.endswith("その")


def test_a_repetition_that_mirrors_the_source_is_not_reported():
    assert not pair_findings(["Whoa, whoa, whoa, big boy!"], ["おっと、おっと、おっと、大物さん！"], "DUP002")
    assert not pair_findings(["Al. Al! Are you there?"], ["アル。アル！そこにいるの？"], "DUP002")
    # the same repetition with a source that does not repeat itself is a glued copy
    assert pair_findings(["The plan was deepened."], ["計画の深化の深化が進んだ。"], "DUP002")


@pytest.mark.parametrize(
    "en, ja",
    [
        ("At 0500 sharp, the company assembled at the motor pool.", "午前5時ちょうどに、中隊は車両基地に集合した。"),
        ("At 1730 hours the convoy left the base.", "17時30分に車列は基地を出発した。"),
        ("Back in the 00s you had very different toys.", "2000年代には全く違うおもちゃがあった。"),
        ("Back in the '90s you had very different toys.", "90年代には全く違うおもちゃがあった。"),
        ("Four-in-ten patients waited longer than four hours.", "患者の40%が4時間以上待たされた。"),
        ("The grate took a few yanks to tear off.", "格子は２、３回引っ張ると外れた。"),
        ("Total sales rose by a fifth to 1.8 billion pounds.", "総売上高は20%増の18億ポンドとなった。"),
        ("It could cost $110m a day.", "1日あたり1億1千万ドルの費用がかかる可能性がある。"),
        ("The climax is just the pico-8 game, blown up.", "クライマックスはピコ8のゲームを拡大したものだ。"),
        ("We are moving out to FOB I-131 tonight.", "今夜、前哨基地I-131へ移動する。"),
        ("The progression of \"2000 M... 2500 M...\" is kept.", "「2000M... 2500M...」の進行も残っている。"),
        ("It is either DMS or decimal degrees.", "DMSか10進度数のどちらかだ。"),
        ("Be available 24/7 and reply at once.", "24時間365日対応し、すぐに返信する。"),
    ],
)
def test_numbers_written_the_japanese_way_are_not_mismatches(en, ja):
    assert not pair_findings([en], [ja], "NUM001"), ja


@pytest.mark.parametrize(
    "en, ja",
    [
        ("At 0500 sharp, the company assembled at the motor pool.", "午前6時ちょうどに、中隊は車両基地に集合した。"),
        ("It could cost $110m a day.", "1日あたり1億2千万ドルの費用がかかる可能性がある。"),
    ],
)
def test_numbers_still_changed_are_reported(en, ja):
    assert pair_findings([en], [ja], "NUM001")


def test_a_name_one_kana_off_is_a_mangled_name_and_a_piece_of_a_word_is_not_the_name():
    en = "The delegation met Minister Harrington in the capital yesterday afternoon."
    off = pair_findings([en], ["代表団は昨日午後、首都でハリンソン大臣と会談した。"], "NAM001")
    assert len(off) == 1 and "one kana off" in off[0].message and off[0].severity.value == "major"
    assert off[0].evidence["closest_in_translation"] == "ハリンソン"
    # the name left out of a translation of ordinary length (a pronoun, a title) is minor;
    # a stretch inside another word (イン of インフレ) is not taken for the name
    gone = pair_findings(["Minister Bahn spoke about inflation and the railway strike today."], ["大臣は今日、インフレと鉄道のストライキについて記者団に詳しく話した。"], "NAM001")
    assert len(gone) == 1 and "not found" in gone[0].message and gone[0].severity.value == "minor"


def test_a_bilingual_unit_not_in_japanese_is_a_critical_finding_not_a_refusal(cli, tmp_path):
    path = tmp_path / "units.jsonl"
    units = [
        {"source": "The meeting starts at noon.", "target": "会議は正午に始まります。"},
        {"source": "Please bring your badge.", "target": "I apologize, but I cannot translate that text as it may be harmful."},
        {"source": "@user17", "target": "@user17"},  # a handle is copied as it is: right
    ]
    path.write_text("\n".join(json.dumps(u, ensure_ascii=False) for u in units) + "\n", encoding="utf-8")
    report = cli("check", path, "--format", "json", "--min-confidence", "0").json()
    unt = [f for f in report["findings"] if f["code"] == "UNT001"]
    assert len(unt) == 1 and unt[0]["severity"] == "critical" and "not in Japanese" in unt[0]["message"]
    assert unt[0]["target"]["text"].startswith("I apologize")
    # a plain translation that is not Japanese at all is still refused (likely swapped arguments)
    english = tmp_path / "en.txt"
    english.write_text("This text is in English only, with nothing Japanese in it at all.\n", encoding="utf-8")
    assert cli("check", english).code == 2


def test_a_smiley_or_a_quote_the_source_leaves_open_is_not_an_unmatched_bracket():
    assert not target_findings("ロボットを見るのを楽しみにしてる ;)", "GRB006")
    en = 'He added: "Festive bakes and muffins led the sales at Christmas.'
    assert not pair_findings([en], ["「お祝いの焼き菓子とマフィンがクリスマスの売上を牽引した。"], "GRB006")
    assert pair_findings(["He added that bakes led the sales."], ["「焼き菓子が売上を牽引したと付け加えた。"], "GRB006")


def test_mixed_widths_are_one_finding_per_document():
    [found] = target_findings("病院で８３時間待った。４人に１人が待った。30台の救急車と25人の医師と12の病棟。", "CON003")
    assert found.evidence["places"] == 3 and "3 place(s)" in found.message


@pytest.mark.parametrize(
    "ja",
    [
        "代表団は昨日午後、首都でハリングトン大臣と長時間にわたって会談した。",  # -ng- written with グ
        "代表団は昨日午後、首都でハーリントン大臣と長時間にわたって会談した。",  # a long vowel
    ],
)
def test_variants_a_translator_accepts_are_not_one_kana_off(ja):
    en = "The delegation met Minister Harrington in the capital yesterday afternoon."
    assert not [f for f in pair_findings([en], [ja], "NAM001") if "one kana" in f.message]


def test_a_misspelt_name_inside_a_compound_and_a_surname_particle():
    en = "This year's trend for a second Christmas tree in the bedroom sends sales of small spruces up."
    off = pair_findings([en], ["寝室に２本目のクリツマスツリーが今年のトレンドで、小さめのトウヒの売上が上昇している。"], "NAM001")
    assert len(off) == 1 and "one kana off" in off[0].message
    # de Klerk written デクラーク: the particle glued to the surname, not a kana too many
    assert not pair_findings(["Tributes were paid to De Klerk at the church service on Sunday morning."],
                             ["日曜日の朝、教会の礼拝でデクラーク氏に追悼の言葉が捧げられた。"], "NAM001")


def test_a_space_between_two_sentences_is_subtitle_style_not_fragments():
    assert not target_findings("アルバムをリリースしました カルラムが今日のゲストです", "GRB001")
    assert not target_findings("そうですね 本当にそうですか？", "GRB001")
    # a paragraph that ends its sentences with 。 does not separate them with spaces
    assert target_findings("政府は報告書を発行した イノベーションを阻害する規制を見直す。", "GRB001")


def test_two_handles_run_together_are_not_an_email_address():
    en = "@user29@user30.engineer oh god, people actually use that outside of class???"
    assert not pair_findings([en], ["@user29 @user30.engineer おやおや、授業以外で実際に使う人がいるんですか???"], "ACR003")
    assert pair_findings(["Write to jo@example.com today."], ["今日jo@exampel.comに書いてください。"], "ACR003")


@pytest.mark.parametrize(
    "en, ja",
    [
        # a kana doubled where the name doubles no letter
        ("The senator flew to America on Monday to meet the governor.", "上院議員は月曜日、知事に会うためにアメリリカへ飛んだ。"),
        # a final kana dropped from a form the dictionary lists
        ("Pope Francis spoke to the crowd in the square on Sunday morning.", "教皇フランシは日曜日の朝、広場で群衆に語りかけた。"),
        # a kana glued before a name the dictionary does not know (the whole word must read as it)
        ("Parcels usually go by Citylink for next-day delivery by half past five.", "荷物は通常ナシティリンクで翌日の午後５時半までに届きます。"),
        # a lower-case word before the name is not written with it ("only Norton")
        ("The company said that only Norton has won the award eleven years in a row.", "同社によると、リノートンだけが11年連続でその賞を受賞している。"),
        # another vowel is a variant of a guess, but a misspelling of a form the dictionary lists
        ("France said on Monday that the group was active in Libya.", "ヒランスは月曜日、そのグループがリビアで活動していると述べた。"),
        # a particle glued to the surname must be the particle's own kana (デクラーク), not any kana
        ("Tributes were paid to de Klerk at the church service on Sunday morning.", "日曜日の朝、教会の礼拝でミクラーク氏に追悼の言葉が捧げられた。"),
    ],
)
def test_one_kana_off_at_a_name_edge_or_a_doubled_kana(en, ja):
    off = pair_findings([en], [ja], "NAM001")
    assert any("one kana off" in f.message for f in off), [f.message for f in off]


@pytest.mark.parametrize(
    "en, ja",
    [
        ("The Marshall Plan rebuilt Europe after the war, historians agree.", "マーシャルル・プランは戦後のヨーロッパを再建したと歴史家は一致している。"),
        ("He bought three Books of the series in London last week.", "彼は先週ロンドンでそのシリーズのブックス3冊を買った。"),
    ],
)
def test_a_doubled_letter_or_a_plural_s_is_a_variant(en, ja):
    assert not [f for f in pair_findings([en], [ja], "NAM001") if "one kana" in f.message]


def test_latin_text_kept_as_the_source_writes_it_does_not_make_a_translation_long():
    product = "Oriflame Optimals Hydra Radiance Hydrating Day Cream + Hydra Radiance Moisturising Night Cream - Normal Skin"
    kept = "Oriflame Optimals Hydra Radiance Hydrating Day Cream + Hydra Radiance Moisturising Night Cream - ノーマルスキン"
    assert not pair_findings([product], [kept], "LEN001")
    # a translation long for what it adds in Japanese is still long, whatever it keeps in Latin
    en = "The Oriflame cream was sold out in London by Monday."
    padded = "Oriflameのクリームは月曜日までにロンドンで売り切れたが、その後も多くの店で在庫が補充されないまま、多くの客が長い列を作って何時間も待ち続けていたと伝えられている。"
    long = pair_findings([en], [padded], "LEN001")
    assert len(long) == 1 and "much longer" in long[0].message and long[0].evidence["kept_from_source"] == len("Oriflame")
