"""One positive and one negative example per rule, on invented text."""

from __future__ import annotations

import json

import pytest

from audit.checks.base import Context, run_rules, select_rules
from audit.io.document import document_from_text
from audit.lexicon.numbers import english_quantities, japanese_quantities
from audit.model import Bead, Severity


def target_findings(text: str, code: str):
    ctx = Context(target=document_from_text(text, "ja"))
    findings, _ = run_rules(ctx, select_rules((code,)))
    for f in findings:
        assert f.target is None or text[f.target.start : f.target.end] == f.target.text
    return findings


def pair_findings(en: list[str], ja: list[str], code: str, embedder=None):
    sd = document_from_text("\n".join(en), "en", presegmented=True)
    td = document_from_text("\n".join(ja), "ja", presegmented=True)
    beads = tuple(Bead((i,), (i,)) for i in range(len(en)))
    findings, _ = run_rules(Context(target=td, source=sd, alignment=beads, embedder=embedder), select_rules((code,)))
    return findings


@pytest.mark.parametrize(
    "code,bad,good",
    [
        ("GRB001", "によると 公式統計 会議中、両国の閣僚は貿易について議論した。", "会議中、両国の閣僚は貿易について議論した。"),
        ("GRB001", "（２） 返品先は 住所をお問い合わせください。", "（２） 返品先の住所をお問い合わせください。"),  # a list number
        ("GRB002", "ハミルトン ブラザーズが参加した。", "ハミルトン・ブラザーズが参加した。"),
        ("GRB003", "シリコン バレーの企業が参加した。", "シリコンバレーの企業が参加した。"),
        ("GRB003", "両国は協力を強化することに合意す る。", "両国は協力を強化することに合意する。"),
        ("GRB004", "を中心に議論が進められた。", "貿易を中心に議論が進められた。"),
        ("GRB004", "のように、ほとんど目に触れる。", "というのも、予算が足りなかったからだ。"),
        ("GRB004", "をタップします。", "ほどなくして、返事の手紙が届いた。"),
        ("GRB005", "両国は会談した。その後の記者会見で発表された共同", "両国は会談した。その後、共同声明が発表された。"),
        ("GRB006", "大臣は「協力を進めると述べた。", "大臣は「協力を進める」と述べた。"),
        ("GRB007", "日米両国は,協力を強化する.", "日米両国は、協力を強化する。"),
        ("DUP002", "両国は経済関係の深化深化を確認した。", "両国は経済関係の深化を確認した。"),
        ("DUP002", "The the meeting ended.", "The meeting ended."),
        ("UNT001", "This sentence was not translated at all by the system.", "この文は翻訳されている。"),
        ("UNT001", "両国はSupplyChainResilienceを重視する。", "両国はNATOを重視する。"),
        ("UNT001", "両国は the future of the partnership を議論した。", "両国はジョンズ・ホプキンズ大学で議論した。"),
    ],
)
def test_rule_fires_on_bad_text_and_not_on_good(code, bad, good):
    assert target_findings(bad, code), f"{code} missed: {bad}"
    assert not target_findings(good, code), f"{code} false alarm: {good}"


@pytest.mark.parametrize(
    "text, found",
    [
        # invented placeholders; the form found, or None
        ("SHOP_APP#からサインアウトしてください。", "SHOP_APP#"),  # opening # lost
        ("#SHOP_APP #からサインアウトしてください。", "#SHOP_APP #"),  # spaced off
        ("まず # SHOP_APP#を開きます。", "# SHOP_APP#"),
        ("#SHOP_APP##から購入した本。", "#SHOP_APP##"),  # doubled
        ("#shop_app からサインアウト#", "#shop_app"),  # closing # lost (and moved to the end)
        ("ＳＨＯＰ＿ＡＰＰ＃を開きます。", "ＳＨＯＰ＿ＡＰＰ＃"),  # full-width
        ("#SHOP_APP#に連絡。#CLERK様が対応します。", "#CLERK"),  # capitals: a placeholder, as the document has intact ones
        ("#SHOP_APP#からサインアウトしてください。", None),
        ("#SHOP_APP##SHOP_APP#から再ダウンロードできます。", None),  # two side by side
        ("#SHOP_APP#eリーダーを右クリックします。", None),  # a word glued after it
        ("#MeToo運動が広がった。", None),  # a hashtag
        ("#CLERK様が対応します。", None),  # capitals, and no intact placeholder in the document
    ],
)
def test_broken_placeholders(text, found):
    findings = target_findings(text, "GRB008")
    assert [f.target.text for f in findings] == ([found] if found else [])
    if found:
        assert findings[0].suggestion.startswith("#") and findings[0].suggestion.endswith("#") and " " not in findings[0].suggestion


def test_a_placeholder_found_with_and_without_the_source_is_one_finding():
    found = pair_findings(["Sign out of #SHOP_APP# first."], ["まずSHOP_APP#からサインアウトしてください。"], "ACR003")
    assert len(found) == 1  # ACR003 alone
    sd = document_from_text("Sign out of #SHOP_APP# first.", "en", presegmented=True)
    td = document_from_text("まずSHOP_APP#からサインアウトしてください。", "ja", presegmented=True)
    both, _ = run_rules(Context(target=td, source=sd, alignment=(Bead((0,), (0,)),)), select_rules(("ACR003", "GRB008")))
    assert [f.code for f in both] == ["ACR003"] and both[0].evidence["corroborated_by"][0]["code"] == "GRB008"


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("私にはかなりの驚き驚きだったわ。", "驚き驚き"),  # a short word doubled
        ("全て全ての犬に与えられます。", "全て全て"),
        ("プロプロの兵士になる。", "プロプロ"),  # an unknown katakana word that is a known word twice
        ("返品には eBay オプションy オプションをご利用ください。", "y オプションy オプション"),  # mixed scripts
        ("結果が出ないんだったら、やつったら、やつらは来る。", "ったら、やつったら、やつ"),  # a clause boundary copied
        ("両国はサプライチェーン、サプライチェーンを強化する。", "サプライチェーン、サプライチェーン"),
        ("両国はサプライチェーンチェーンを強化する。", "チェーンチェーン"),  # glued inside one compound
        ("ワイド・ピクチャー、ピクチャー・イン・ピクチャーを選ぶ。", None),  # two compounds sharing a word
        ("石がゴロゴロ転がる。", None),  # reduplicated words the dictionary knows
        ("新しい版をちょくちょく出す。", None),
        ("参加者の一人一人に配る。", None),
        ("いろいろな国の人々が時々来る。", None),
        ("赤ちゃんがハイハイする。", None),
        ("安全に使うためための手引きです。", "ためため"),  # a hiragana noun doubled
        ("はいはい、わかったよ。", None),  # a doubled interjection is speech
        ("詳しくはFAQFAQをご覧ください。", "FAQFAQ"),  # an acronym glued to itself
        ("新しいJRJR線が開業した。", None),  # two letters doubled, never written alone: perhaps a name
        ("新しいJRJR線が開業した。JRの発表による。", "JRJR"),  # ...written alone elsewhere: a repeat
        ("書類をひとつひとつ確かめる。", None),  # a doubled word the dictionary writes 一つ一つ
        ("坂を一歩一歩登った。", None),
        ("ちょっとちょっと、待ってください。", None),  # doubled adverbs: emphasis or speech
        ("問題を深く深く考えた。", None),
        ("たまたまの偶然偶然の出会いだった。", "偶然偶然"),  # an adverb, then the same word as a noun: a copy
        ("動画を観ているうちうちに眠った。", "うちうち"),  # 内々 doubles one kanji: not a doubled word
    ],
)
def test_short_repeats(text, flagged):
    found = [f.target.text for f in target_findings(text, "DUP002")]
    assert found == ([flagged] if flagged else [])


def test_duplicated_sentence_but_not_repeated_headings():
    doc = "日米の研究協力に関する新たな合意を発表する。日米の研究協力に関する新たな合意を発表し、予算を確保する。"
    found = target_findings(doc, "DUP001")
    assert len(found) == 1 and found[0].target.text == "日米の研究協力に関する新たな合意を発表する。"
    headings = "サプライチェーン強化に向けた日米協力の新段階\n\nサプライチェーン強化に向けた日米協力の新段階\n\n本文です。"
    assert not target_findings(headings, "DUP001")


def test_a_repeat_that_mirrors_the_source_is_not_a_duplication():
    ja = ["大型商品は国際追跡便で、翌営業日に発送いたします。", "大型商品は国際書留便で、翌営業日に発送いたします。"]
    repetitive = ["Large items ship by International Tracked on the next working day.",
                  "Large items ship by International Signed on the next working day."]
    assert not pair_findings(repetitive, ja, "DUP001")  # list items of the source, rendered faithfully
    varied = ["Large items ship by International Tracked on the next working day.",
              "Small parcels go by standard post and arrive within a week."]
    assert len(pair_findings(varied, ja, "DUP001")) == 1  # the source does not repeat: the translation does


def test_katakana_variants_suggest_the_dominant_spelling():
    doc = "プリンターを使う。プリンターが壊れた。プリンタを直す。"
    found = target_findings(doc, "CON001")
    assert [f.target.text for f in found] == ["プリンタ"] and found[0].suggestion == "プリンター"
    assert not target_findings("プリンターを使う。スキャナーを直す。", "CON001")
    # a piece of a word that a space splits is not a spelling of its own: GRB003 reports the space
    split = "プリンターを使う。プリンターが壊れた。プリンタ ーを直す。"
    assert not target_findings(split, "CON001")
    assert [f.suggestion for f in target_findings(split, "GRB003")] == ["プリンター"]


def test_spaced_katakana_as_a_house_style_is_noted_not_reported(cli, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "デジタル マーケティングの専門家だ。\nソフトウェア ツールを直した。\nチャット サービス ウィンドウを開く。\nジョー・スミス氏が来た。\n",
        encoding="utf-8",
    )
    res = cli("check", doc, "--select", "GRB002", "--format", "json")
    assert res.code == 0, res.err
    report = res.json()
    assert report["findings"] == []
    check = next(s for s in report["stages"] if s["name"] == "check")
    assert check["notes"] == [
        "GRB002: 3 katakana compounds are written with spaces (1 with ・): taken as the house style of this document, not reported"
    ]
    assert "note: GRB002: 3 katakana compounds" in cli("check", doc, "--select", "GRB002").out
    sarif = json.loads(cli("check", doc, "--select", "GRB002", "--format", "sarif").out)
    told = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert check["notes"][0] in told and any(t.startswith("skipped align: target-only audit") for t in told)
    # fewer spaced compounds than ・ compounds: a slip, reported
    doc.write_text("ジョン・スミス氏とメアリー・ジョーンズ氏、ハリー・ポッター氏が来た。\nソフトウェア ツールを直した。\n", encoding="utf-8")
    assert [f["target"]["text"] for f in cli("check", doc, "--select", "GRB002", "--format", "json").json()["findings"]] == [
        "ソフトウェア ツール"
    ]


def test_katakana_variants_one_kana_apart():
    from audit.lexicon.names import KatakanaModel

    if not KatakanaModel.shared().available:
        pytest.skip("jamdict-data not installed")
    name = "ハリントンベルク氏が来た。ハリントンベルク氏は話した。ハリンドンベルク氏も。"
    assert [(f.target.text, f.suggestion) for f in target_findings(name, "CON001")] == [("ハリンドンベルク", "ハリントンベルク")]
    # two compounds of dictionary words that differ by a whole word are two words, not one misspelt
    words = "メインスタジアムで開会式を行う。メインスタジアムは満員だ。ツインスタジアム構想もある。"
    assert not target_findings(words, "CON001")


def test_words_run_together_against_the_source():
    run_together = pair_findings(["The NWF Growth Accelerator will help."], ["NWF GrowthAcceleratorが役立つ。"], "UNT001")
    assert [f.evidence["source"] for f in run_together] == ["Growth Accelerator"]
    assert target_findings("NWF GrowthAcceleratorが役立つ。", "UNT001")  # a short, mostly Latin sentence too
    # one word in the source as well: a user name or a brand, kept as it is
    assert not pair_findings(["Never missed a release from StormyHarbor, loved it."], ["StormyHarborのリリースは見逃さない。"], "UNT001")


def test_spaced_katakana_is_one_finding_per_name():
    found = target_findings("ハミルトン ブラザーズ カンパニーが参加し、スミス ジョーンズも来た。", "GRB002")
    assert [(f.target.text, f.suggestion) for f in found] == [
        ("ハミルトン ブラザーズ カンパニー", "ハミルトン・ブラザーズ・カンパニー"),
        ("スミス ジョーンズ", "スミス・ジョーンズ"),
    ]
    assert found[0].evidence["words"] == ["ハミルトン", "ブラザーズ", "カンパニー"]


def test_acronym_expansion_inconsistency():
    doc = "政府は研究開発機構（RDO）を設立した。その後、研究推進機構（RDO）が予算を得た。"
    found = target_findings(doc, "CON002")
    assert len(found) == 1 and "研究開発機構" in found[0].message
    same = "政府は研究開発機構（RDO）を設立した。その後、開発機構（RDO）が予算を得た。"
    assert not target_findings(same, "CON002")


def test_mixed_width():
    assert target_findings("２０２４年に発表。2025年にも発表。2026年にも。", "CON003")
    assert not target_findings("2024年に発表。2025年にも発表。", "CON003")
    # letters and digits are judged apart: full-width digits with half-width words is one style each
    assert not target_findings("ABC社は２０２４年にXYZを出した。DEF社も２０２５年に。", "CON003")
    found = target_findings("ＡＢＣ社が発表。ABC社とDEF社とGHI社も。", "CON003")
    assert [f.target.text for f in found] == ["ＡＢＣ"]


def test_single_digits_full_width_is_a_house_style():
    text = "会議は１年に２回、11月と12月に開く。参加は３か国から、予算は250万円。"
    ctx = Context(target=document_from_text(text, "ja"))
    findings, runs = run_rules(ctx, select_rules(("CON003",)))
    assert not findings and "house style" in (runs[0].reason or "")
    # one half-width single digit breaks the convention: the full-width ones are reported, as one
    # finding that lists every place (one inconsistency, fixed with one replace)
    [found] = target_findings(text + "次回は5月。", "CON003")
    assert found.target.text == "１" and found.evidence["full_width"] == ["１", "２", "３"] and found.evidence["places"] == 3


@pytest.mark.parametrize(
    "en,ja,severity",
    [
        ("The fund is $2.9 billion.", "基金は2.9億ドルである。", Severity.CRITICAL),
        ("The fund is $2.9 billion.", "基金は39億ドルである。", Severity.MAJOR),
        ("Sales rose 15% in April.", "4月の売上は増加した。", Severity.MAJOR),
        ("The G7 leaders met.", "G9首脳が会合した。", Severity.MAJOR),  # the number inside a code
        ("Variants of COVID-19 spread.", "COVID-13の変異株が広がった。", Severity.MAJOR),
        ("It uses 35GB of storage.", "ストレージを53GB使う。", Severity.MAJOR),  # a Latin unit glued on
        ("Printed on 240g matte paper.", "420gマット紙に印刷。", Severity.MAJOR),  # not kept: 240 is not there
        ("The office closes at 5 p.m.", "事務所は18時に閉まります。", Severity.MAJOR),  # 5 p.m. is 17時
        ("The office closes at 5:45 p.m.", "事務所は午後6時45分に閉まります。", Severity.MAJOR),
    ],
)
def test_number_mismatch(en, ja, severity):
    found = pair_findings([en], [ja], "NUM001")
    assert found and found[0].severity == severity


@pytest.mark.parametrize(
    "en,ja",
    [
        ("The fund is $2.9 billion.", "基金は29億ドルである。"),
        ("On April 10, 2024, 30% of 1.2 trillion yen was spent.", "2024年4月10日、1兆2000億円の3割が支出された。"),
        ("The G7 met for the second time.", "G7は2回目の会合を開いた。"),
        ("About 50 thousand people came.", "約5万人が来た。"),
        ("Gusts of up to 85mph are expected.", "最大85mphの突風が予想される。"),  # not "8" out of "85mph"
        ("Delivery by 5.30pm next day.", "翌日の午後5時半までにお届けします。"),
        ("Wait a couple of minutes.", "2分ほど待ってください。"),  # vague words a translator may write as digits
        ("If you are not fully satisfied, return it.", "100％ご満足いただけない場合は返品してください。"),
        ("He became the ninth chancellor.", "彼は9人目の首相となった。"),
        ("A multibillion deal was signed.", "数10億ドルの契約が結ばれた。"),  # 数 makes it vague
        ("Tap the menu (3 horizontal lines).", "メニュー（横線三本）をタップする。"),
        ("The senator tweeted in July.", "上院議員は７月にツイートした。"),  # June and July are not abbreviations
        ("Choose 4x3 or 16x9 screens.", "４ｘ３または16 x ９の画面を選ぶ。"),  # dimensions
        ("We have over 6 decades of experience.", "60年以上の経験があります。"),
        ("The VP−730 has 9 inputs.", "VP-730には9つの入力がある。"),  # a code, whatever the dash
        ("The vote is less than a fortnight away.", "投票まで２週間を切った。"),
        ("He gave tequila to his teenage son.", "彼は10代の息子にテキーラを与えた。"),
        ("The budget for FY2024 was approved.", "2024年度予算が承認された。"),
        ("The law took effect in Reiwa 6.", "法律は令和6年に施行された。"),
        ("Twenty-five people came.", "25人が来た。"),
        ("Orders go by Harbour Post 1st Class.", "ご注文はハーバーポストファーストクラスで発送します。"),  # a number inside a name
        ("They ride boards such as the Delta 9 series.", "彼らはデルタナインシリーズのようなボードに乗る。"),
        ("Printed on 240g matte paper.", "240gマット紙に印刷。"),  # a unit kept in Latin
        ("Tune in to 98.6 FM tonight.", "今夜はFM98.6をお聴きください。"),  # a label glued to its number
        ("Orders placed before 12 p.m. ship today.", "正午までのご注文は当日発送します。"),  # clock times
        ("The shop opens at noon.", "店は12時に開店します。"),
        ("The office closes at 5:00 p.m.", "事務所は17時に閉まります。"),
        ("The office closes at 5:45 p.m.", "事務所は17時45分に閉まります。"),
        ("Entry is free from 9am to 5pm.", "午前9時から午後5時まで入場無料です。"),
        ("The sale ends at midnight.", "セールは午前0時に終了します。"),
        ("The sale ends at 12:00 a.m.", "セールは0時に終了します。"),
    ],
)
def test_number_equivalences_are_not_flagged(en, ja):
    assert not pair_findings([en], [ja], "NUM001")


@pytest.mark.parametrize(
    "en, ja, source_text",
    [
        ("The senator tweeted in July.", "上院議員は８月にツイートした。", "July"),
        ("Choose 4x3 or 16x9 screens.", "４ｘ３または16 x 10の画面を選ぶ。", "9"),
        ("We have over 6 decades of experience.", "6年以上の経験があります。", "6 decades"),
        ("The budget for FY2024 was approved.", "2025年度予算が承認された。", "FY2024"),
        ("The law took effect in Reiwa 6.", "法律は令和5年に施行された。", "Reiwa 6"),
        ("Fill in 4 forms.", "フォームに記入してください。", "4"),  # the フォー of フォーム is not a 4
    ],
)
def test_changed_months_dimensions_decades_and_years_are_flagged(en, ja, source_text):
    found = pair_findings([en], [ja], "NUM001")
    assert found and found[0].source.text == source_text


@pytest.mark.parametrize(
    "en, ja, altered",
    [
        ("The NAPCO grant was renewed.", "NAPC助成金が更新された。", "NAPC"),
        ("Under the CHIPS Act, funds flow.", "CHIP法の下で資金が流れる。", "CHIP"),
        ("The NAPCO grant and the NAPC fund were renewed.", "NAPC基金は更新された。", None),  # NAPC is in the source too
    ],
)
def test_an_altered_acronym_is_reported_as_altered(en, ja, altered):
    found = pair_findings([en], [ja], "ACR001")
    assert len(found) == 1
    if altered:
        assert found[0].target.text == altered and found[0].severity.value == "major" and "altered" in found[0].message
    else:
        assert "altered" not in found[0].message


@pytest.mark.parametrize(
    "en, ja, expected",
    [
        # (source, translation, (token, form found) or None when nothing is wrong); invented strings
        ("Your order will arrive in #NUMBER# minutes.", "ご注文は#番号#分以内に届きます。", ("#NUMBER#", "#番号#")),
        ("Sign out of #SHOP_APP# first.", "まず#SHOP_APP #からサインアウトしてください。", ("#SHOP_APP#", "#SHOP_APP #")),
        ("Sign out of #SHOP_APP# first.", "まずSHOP_APP#からサインアウトしてください。", ("#SHOP_APP#", "SHOP_APP#")),
        ("Hello {user}, you have {count} new messages.", "{user}さん、新着メッセージが{件数}件あります。", ("{count}", "{件数}")),
        ("See https://shop.example.org/help for details.", "詳しくはヘルプページをご覧ください。", ("https://shop.example.org/help", None)),
        ("Write to help@example.org or call us.", "help@exmple.orgまでメールするか、お電話ください。", ("help@example.org", "help@exmple.org")),
        ("Buy it at #SHOP# or renew at #SHOP#.", "#SHOP#で購入するか、そこで更新してください。", ("#SHOP#", None)),
        ("Follow @LakeviewTravel for updates.", "最新情報は@レイクビュートラベルをフォロー。", ("@LakeviewTravel", None)),  # a handle translated
        # copied as written (full-width ＃ is NFKC's #), or no token at all
        ("Your order will arrive in #NUMBER# minutes.", "ご注文は＃NUMBER＃分以内に届きます。", None),
        ("See https://shop.example.org/help for details.", "詳しくは https://shop.example.org/help をご覧ください。", None),
        ("Renew at my.example.com before it expires.", "期限切れになる前にMy.Example.comで更新してください。", None),
        ("It grew 50% since 2020, e.g. in sales.", "2020年以降、例えば売上高で50％伸びた。", None),
        ("Follow @LakeviewTravel for updates.", "最新情報は@LakeviewTravelをフォローしてください。", None),
    ],
)
def test_verbatim_tokens_must_be_copied(en, ja, expected):
    found = pair_findings([en], [ja], "ACR003")
    if expected is None:
        assert found == []
        return
    assert len(found) == 1
    token, altered = expected
    assert found[0].evidence["token"] == token and found[0].source.text == token
    if altered:
        assert found[0].evidence["found"] == altered and "altered" in found[0].message
    else:
        assert "found" not in found[0].evidence


def test_a_url_is_not_an_acronym():
    en = "Read the FAQ at https://EXAMPLE.ORG/QRTF before applying."
    assert [f.evidence["token"] for f in pair_findings([en], ["申請前にFAQをお読みください。"], "ACR001")] == []
    assert [f.evidence["token"] for f in pair_findings([en], ["申請前にFAQをお読みください。"], "ACR003")] == ["https://EXAMPLE.ORG/QRTF"]


def test_dropped_clause_is_found_by_dictionary_coverage():
    en = "The ministers agreed to expand cooperation, and they will also review export controls on advanced chips next year."
    full = "閣僚らは協力の拡大で合意し、来年には先端半導体の輸出管理も見直す。"
    dropped = "閣僚らは、両国間の幅広い分野における協力の拡大について合意したと発表した。"  # short, not absurdly so
    found = pair_findings([en], [dropped], "OMI002")
    assert len(found) == 1 and "export controls" in found[0].evidence["stretch"]
    assert not pair_findings([en], [dropped], "LEN001")  # the length alone does not show it
    assert not pair_findings([en], [full], "OMI002")


def test_dropped_clause_is_found_by_matching_clauses_to_chunks():
    from audit.embedders import resolve_embedder

    embedder = resolve_embedder(None)
    en = "The council approved the budget, which includes new funds for rural schools, after a long debate."
    dropped = "長い議論の末に、市議会は本年度の予算案を賛成多数で正式に承認した。"  # short (z -1.6), not absurdly so
    found = pair_findings([en], [dropped], "OMI004", embedder)
    assert len(found) == 1 and found[0].source.text == "includes new funds for rural schools"
    ev = found[0].evidence
    assert ev["similarity"] < 0.2 and ev["closest_chunk"] in dropped and ev["z"] < -1.5
    full = "議会は長い議論の末、農村部の学校向け新資金を含む予算を承認した。"  # as short, but complete
    assert not pair_findings([en], [full], "OMI004", embedder)


@pytest.mark.parametrize(
    "en, full, dropped, stretch",
    [
        (
            "Researchers tested the vaccine on 2,000 volunteers in three countries, and no serious side effects were reported.",
            "研究者らは3か国の2,000人のボランティアでワクチンを試験し、深刻な副作用は報告されなかった。",
            "研究者らは3か国の2,000人のボランティアでワクチンを試験した。",
            "side effects",
        ),
        (
            "The museum reopened on Friday after a two-year renovation, and visitors queued for hours to see the restored ceiling paintings.",
            "美術館は2年間の改修を経て金曜日に再開し、来館者は修復された天井画を見るために何時間も列に並んだ。",
            "美術館は2年間にわたる大規模な改修工事を経て、金曜日に一般公開を再開した。",
            "ceiling",
        ),
    ],
)
def test_dropped_clause_is_found_by_leaving_stretches_out(en, full, dropped, stretch):
    from audit.embedders import resolve_embedder

    embedder = resolve_embedder(None)
    found = pair_findings([en], [dropped], "OMI003", embedder)
    assert len(found) == 1 and stretch in found[0].evidence["stretch"]
    ev = found[0].evidence
    assert ev["similarity_without"] > ev["similarity"] and found[0].source.text == ev["stretch"]
    assert not pair_findings([en], [full], "OMI003", embedder)
    # without an encoder the rule is skipped, and says why
    ctx = Context(target=document_from_text(dropped, "ja"), source=document_from_text(en, "en"), alignment=(Bead((0,), (0,)),))
    _, runs = run_rules(ctx, select_rules(("OMI003",)))
    assert not runs[0].ran and "embedder" in runs[0].reason


def test_list_enumerators_and_mixed_width_pairs_are_not_unbalanced_brackets():
    assert not target_findings("１）ホーム画面を開く。\n2) 設定をタップする。\nb) 終了する。", "GRB006")
    assert not target_findings("映像出力（YUV)に対応する。", "GRB006")  # a pair; CON003 reports the widths
    assert target_findings("そして）会議は終わった。", "GRB006")  # a closer mid-sentence is still stray


def test_length_ratio_and_acronyms():
    en = "The two governments agreed to expand cooperation on critical minerals, semiconductors and clean energy."
    assert pair_findings([en], ["合意した。"], "LEN001")
    assert not pair_findings([en], ["両政府は、重要鉱物、半導体、クリーンエネルギーに関する協力を拡大することで合意した。"], "LEN001")
    # an acronym rendered by its meaning in a translation of ordinary length is not reported (nothing
    # here can verify the meaning); dropped from a clearly short translation, it witnesses the loss
    assert not pair_findings(["The QRTF will fund it."], ["品質研究基金が資金を出す。"], "ACR001")
    dropped = pair_findings(["The QRTF will fund the new research programme on critical minerals next year."], ["来年資金を出す。"], "ACR001")
    assert [f.message for f in dropped] == ["QRTF from the source does not appear in the translation"]
    # a word in capitals for emphasis is not an acronym
    assert not pair_findings(["It is really DIFFICULT to find the right glasses when you need them."], ["眼鏡は見つからない。"], "ACR001")
    # translated into the Japanese JMdict gives for it, or written in katakana: rendered, not dropped
    assert not pair_findings(["Prices include VAT."], ["価格は付加価値税込みです。"], "ACR001")
    assert not pair_findings(["Send it by FEDEX tomorrow."], ["明日フェデックスで送ってください。"], "ACR001")
    assert not pair_findings(["Henry II was crowned."], ["ヘンリー2世が戴冠した。"], "ACR001")
    assert not pair_findings(["The FAA will fund it."], ["米連邦航空局（FAA）が資金を出す。"], "ACR001")
    assert not pair_findings(["The UK will fund it."], ["英国が資金を出す。"], "ACR001")
    # a currency prefix is a number's unit, and chat abbreviations and legal forms are rendered by sense
    assert not pair_findings(["It cost over AU$500 in the end."], ["結局500豪ドル以上かかった。"], "ACR001")
    assert not pair_findings(["WTF does this have to do with me?"], ["一体これが私と何の関係があるの？"], "ACR001")
    assert not pair_findings(["Harbour Tools LTD makes kits."], ["ハーバー・ツールズ・リミテッドはキットを製造している。"], "ACR001")
    # the currency prefix is skipped, the acronym before it is not: still a dropped acronym (short translation)
    assert pair_findings(["The QRTF will fund the new programme on critical minerals in AU$."], ["豪ドルで資金を出す。"], "ACR001")


def test_quantities():
    assert [q.value for q in japanese_quantities("令和6年度に1億2000万人、3割")] == [2024, 1.2e8, 30]
    assert [q.value for q in english_quantities("$3.5 million") if not q.soft] == [3.5e6]


def test_an_added_clause_is_found_in_a_long_translation():
    from audit.embedders import resolve_embedder

    embedder = resolve_embedder(None)
    en = "The council approved the budget after a long debate."
    added = "長い議論の末、新しい駅の建設は来年始まる予定で、議会は予算を承認した。"  # z 1.7: long, not absurdly so
    found = pair_findings([en], [added], "ADD002", embedder)
    assert len(found) == 1 and found[0].target.text == "新しい駅の建設は来年始まる予定で、"
    ev = found[0].evidence
    assert ev["similarity"] < 0.2 and ev["z"] > 1.25 and ev["closest_clause"] in en
    assert not pair_findings([en], [added], "LEN001")  # the length alone does not show it
    # as long, but every clause says something the source says
    assert not pair_findings([en], ["長時間にわたる激しい議論の末、市議会はついに本年度の予算案を賛成多数で承認した。"], "ADD002", embedder)
    assert not pair_findings([en], ["長い議論の末、議会は予算を承認した。"], "ADD002", embedder)  # not long


def test_omission_rules_that_agree_on_a_pair_make_one_finding():
    from audit.embedders import resolve_embedder

    en = "The museum reopened on Friday after a two-year renovation, and visitors queued for hours to see the restored ceiling paintings."
    dropped = "美術館は2年間にわたる大規模な改修工事を経て、金曜日に一般公開を再開した。"
    sd, td = document_from_text(en, "en"), document_from_text(dropped, "ja")
    ctx = Context(target=td, source=sd, alignment=(Bead((0,), (0,)),), embedder=resolve_embedder(None))
    alone = {code: run_rules(ctx, select_rules((code,)))[0] for code in ("OMI002", "OMI003", "OMI004")}
    assert all(len(found) == 1 for found in alone.values())  # each rule sees the dropped clause
    merged, _ = run_rules(ctx, select_rules(("OMI",)))
    assert len(merged) == 1
    lead = merged[0]
    assert lead.code == "OMI004" and lead.source.text == alone["OMI004"][0].source.text  # the whole clause leads
    assert [c["code"] for c in lead.evidence["corroborated_by"]] == ["OMI002", "OMI003"]
    assert {c["source"] for c in lead.evidence["corroborated_by"]} == {alone["OMI002"][0].source.text, alone["OMI003"][0].source.text}
    assert lead.message.endswith("also found by OMI002, OMI003")
    assert lead.fingerprint == alone["OMI004"][0].fingerprint  # a baseline entry of the clause still matches
    assert lead.severity == Severity.MAJOR
    configured, _ = run_rules(ctx, select_rules(("OMI",)), {"OMI004": "minor"})
    assert len(configured) == 1 and configured[0].severity == Severity.MINOR  # a configured severity is kept


def test_a_name_missing_from_a_short_translation_is_an_omission():
    en = "Under the Calvento refund policy, you can cancel your contract and ask for a full refund within 60 days of purchase."
    short = "購入から60日以内であれば、契約を解除して全額返金を求めることができます。"
    found = pair_findings([en], [short], "OMI005")
    assert len(found) == 1 and found[0].source.text == "Calvento"
    assert found[0].evidence["missing"] == [{"kind": "name", "text": "Calvento"}] and found[0].evidence["z"] < -1
    # NAM001 need not be selected: its verdicts are computed for OMI005 all the same, and only once
    sd, td = document_from_text(en, "en"), document_from_text(short, "ja")
    ctx = Context(target=td, source=sd, alignment=(Bead((0,), (0,)),))
    both, _ = run_rules(ctx, select_rules(("OMI005", "NAM001")))
    assert sorted(f.code for f in both) == ["NAM001", "OMI005"]
    # the name is there (a full translation), or the translation is not short: nothing
    full = "カルベントの返金ポリシーに基づき、購入から60日以内であれば、契約を解除して全額返金を求めることができます。"
    assert not pair_findings([en], [full], "OMI005")
    assert not pair_findings([en], ["購入から60日以内であれば、お客様はいつでも契約を解除して、お支払いいただいた代金の全額返金を求めることができます。"], "OMI005")
    # a mangled name is NAM001's, not a dropped clause
    assert not pair_findings([en], ["カルペンタ社の規定により、購入から60日以内は解約と全額返金が可能です。"], "OMI005")


HOTEL = "The hotel reopened in May after a long renovation, and guests can borrow bicycles at the reception."
HOTEL_FULL = "長期にわたる改装工事を終えて、このホテルは5月に営業を再開し、宿泊客はフロントで自転車を借りられるようになった。"


def test_in_a_translation_only_somewhat_short_a_clause_both_witnesses_miss_is_dropped():
    from audit.embedders import resolve_embedder

    embedder = resolve_embedder(None)
    dropped = "長期にわたる改装工事を終えて、このホテルは5月にようやく営業を再開することができた。"  # z -0.5: not short alone
    found = pair_findings([HOTEL], [dropped], "OMI004", embedder)
    assert len(found) == 1 and found[0].source.text == "guests can borrow bicycles at the reception."
    ev = found[0].evidence
    assert -1.5 <= ev["z"] < -0.25 and ev["found"] == 0 and ev["witnessed"] >= 2 and ev["similarity"] < 0.3
    assert not pair_findings([HOTEL], [HOTEL_FULL], "OMI004", embedder)


def test_in_a_translation_only_somewhat_short_a_stretch_both_witnesses_miss_is_dropped():
    from audit.embedders import resolve_embedder

    embedder = resolve_embedder(None)
    en = "The hotel reopened in May after a long renovation, and visitors may borrow bicycles at the reception."
    dropped = "長期にわたる改装工事を終えて、このホテルは5月にようやく営業を再開することができた。"  # z -0.6
    found = pair_findings([en], [dropped], "OMI003", embedder)
    assert len(found) == 1 and "bicycles" in found[0].evidence["stretch"]
    ev = found[0].evidence
    assert -1 <= ev["z"] < -0.25 and ev["similarity_without"] - ev["similarity"] >= 0.12
    assert not pair_findings([HOTEL], [HOTEL_FULL], "OMI003", embedder)


def test_a_name_missing_with_the_words_around_it_is_an_omission_in_a_translation_not_long():
    en = "You can return the phone within thirty days of delivery for any reason, and Halverston Logistics pays the postage and the insurance."
    dropped = "お客様は、理由の如何を問わず、商品のお届けから30日以内であれば、いつでも携帯電話をご返品いただけます。"  # z -0.9
    found = pair_findings([en], [dropped], "OMI005")
    assert len(found) == 1 and found[0].source.text == "Halverston"
    ev = found[0].evidence
    assert -1 <= ev["z"] < 0 and ev["found"] <= 3 and "Halverston" in ev["stretch"] and "postage" in ev["stretch"]
    # the company alone left out, everything around it rendered: a name problem (NAM001), not a dropped clause
    en = "Families who booked through Halverston Travel last spring can claim a refund of the deposit, and the office will reply within ten days."
    kept = "昨年の春にご予約されたご家族の皆様は、予約金の払い戻しを請求することができ、事務所は10日以内に返信いたします。"  # z -0.6
    assert pair_findings([en], [kept], "NAM001") and not pair_findings([en], [kept], "OMI005")


def test_two_separate_items_missing_close_together_are_an_omission_in_a_translation_not_short():
    en = "The museum reopened on Tuesday after Greta Lindqvist's 18-month renovation of the east wing, and visitors can now see the new galleries."
    dropped = "同美術館は、東棟の改修工事が完了したことを受けて火曜日に再びオープンし、来館者は新しく生まれ変わった展示室を見学できるようになった。"  # z 0.1
    found = pair_findings([en], [dropped], "OMI005")
    assert [f.source.text for f in found] == ["Lindqvist's 18"]
    assert found[0].evidence["apart"] == 1 and 0 <= found[0].evidence["z"] < 0.5
    assert [m["kind"] for m in found[0].evidence["missing"]] == ["name", "number"]
    whole = "同美術館は、グレタ・リンドクヴィストによる18か月にわたる東棟の改修を終えて火曜日に再開し、来館者は新しい展示室を見学できるようになった。"
    assert not pair_findings([en], [whole], "OMI005")
    # the same two items far apart (two clauses, each may be a slip of its own), or one item
    # written in two parts ("March 2023"): no second witness
    far = "The museum reopened on Tuesday after Greta Lindqvist's renovation of the east wing, and visitors can now see the new galleries for 18 euros."
    longer = "同美術館は、東棟の大規模な改修工事が完了したことを受けて火曜日に再びオープンし、来館者は新しく生まれ変わった展示室を見学できるようになった。"  # z 0.25
    assert pair_findings([far], [longer], "NAM001") and pair_findings([far], [longer], "NUM001")
    assert not pair_findings([far], [longer], "OMI005")
    date = "The museum reopened on Tuesday after the renovation of the east wing that began in March 2023, and visitors can now see the new galleries."
    assert len(pair_findings([date], [dropped], "NUM001")) == 2 and not pair_findings([date], [dropped], "OMI005")


def test_a_number_or_latin_word_the_source_lacks_in_a_long_translation_is_an_addition():
    en = "Your order will be shipped within two business days of payment."
    added = "ご注文の商品は、お支払いから2営業日以内に発送され、送料は全国一律500円です。"
    found = pair_findings([en], [added], "ADD003")
    assert len(found) == 1 and found[0].target.text == "送料は全国一律500円です。"
    assert found[0].evidence["not_in_source"] == ["500"] and found[0].evidence["z"] > 0.5
    latin = pair_findings([en], ["ご注文の商品は、お支払いから2営業日以内に発送されます。詳しくはFAQをご覧ください。"], "ADD003")
    assert [f.evidence["not_in_source"] for f in latin] == [["FAQ"]]
    # the source has it, or the translation is not long: nothing
    assert not pair_findings([en + " Shipping costs 500 yen."], [added], "ADD003")
    assert not pair_findings([en], ["お支払いから2営業日以内、500円で発送。"], "ADD003")


def test_findings_of_one_concern_merge_only_on_the_same_pair():
    from audit.checks.base import merge_concerns
    from audit.model import Finding

    doc = document_from_text("一文目です。\n二文目です。", "ja", presegmented=True)
    one, two = (doc.span(s.start, s.end) for s in doc.segments)
    found = [
        Finding("OMI002", Severity.MINOR, "a", target=one),
        Finding("OMI003", Severity.MINOR, "b", target=two),
        Finding("NUM001", Severity.MAJOR, "c", target=one),  # another concern: left alone
        Finding("OMI002", Severity.MINOR, "d", target=two),
    ]
    merged = merge_concerns(found)
    assert sorted((f.code, f.message) for f in merged) == [
        ("NUM001", "c"),
        ("OMI002", "a"),
        ("OMI002", "d; also found by OMI003"),
    ]
    assert all(f.severity == (Severity.MINOR if f.message == "a" else Severity.MAJOR) for f in merged)


def test_skipped_rules_say_what_they_need():
    ctx = Context(target=document_from_text("文です。", "ja"))
    _, runs = run_rules(ctx, select_rules(("NUM001",)))
    assert not runs[0].ran and "source" in runs[0].reason


def test_fingerprints_are_stable_and_distinct():
    text = "によると 公式統計 会議中、閣僚は議論した。\n\nによると 公式統計 会議中、閣僚は議論した。"
    a = target_findings(text, "GRB001")
    b = target_findings("前置きの文。\n\n" + text, "GRB001")
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]
    assert len({f.fingerprint for f in a}) == len(a) == 2


@pytest.mark.parametrize(
    "en,ja",
    [
        ("Our chat service is open 24/7.", "チャットサービスは24時間年中無休です。"),
        ("The shop opens at 17:45.", "店は17時45分に開く。"),
        ("I bathe once a week.", "私は週1回入浴する。"),
        ("Please tick ANY items you want.", "欲しい商品にチェックを入れてください。"),
    ],
)
def test_idiomatic_renderings_are_not_flagged(en, ja):
    code = "ACR001" if "ANY" in en else "NUM001"
    # "any" must occur in lower case in the document for the capitals to read as emphasis
    src = [en, "Choose any colour."] if code == "ACR001" else [en]
    tgt = [ja, "好きな色を選んでください。"] if code == "ACR001" else [ja]
    assert not pair_findings(src, tgt, code)


def test_one_term_written_two_ways_is_found_and_different_terms_are_not():
    text = (
        "資源回収・再利用・保管(RRS)の技術を共有する。\n"
        "両社は資源回収・再利用・保存の事業を拡大する。\n"
        "全国教育財団の支援を受けた。\n"
        "国立教育財団(NEF)は報告書を公表した。\n"
    )
    found = target_findings(text, "CON004")
    assert {(f.target.text, f.suggestion) for f in found} == {
        ("資源回収・再利用・保存", "資源回収・再利用・保管"),  # the form given with its acronym is kept
        ("全国教育財団", "国立教育財団"),
    }
    different = (
        "米国国際開発庁と米国国際貿易庁が協力する。\n"  # 開発 / 貿易 share no character: two agencies
        "日本・米国・韓国の首脳と日本・米国・中国の閣僚が会談した。\n"  # two different lists
        "東京大学と京都大学の研究者が参加した。\n"
    )
    assert not target_findings(different, "CON004")


def test_one_persons_kanji_name_written_two_ways_is_found_by_its_title_and_reading():
    from audit.lexicon.names import Dictionary

    if not Dictionary.shared().available:
        pytest.skip("jamdict-data not installed")
    # a full name and a short form with one title whose surnames differ but read alike (聞/文: ブン)
    found = target_findings("韓国の聞在寅大統領は来日した。\n会談で文大統領は協力を約束した。", "CON006")
    assert [(f.target.text, f.evidence["other_name"], f.evidence["readings"]) for f in found] == [
        ("聞在寅大統領", "文", ["ブン", "ブン"])
    ]
    # two full names with one title, one character apart and read alike (郎/朗: ロウ)
    found = target_findings("山本太郎知事は述べた。\n山本太朗知事はその後、会見した。", "CON006")
    assert [(f.evidence["name"], f.evidence["other_name"]) for f in found] == [("山本太郎", "山本太朗")]
    quiet = [
        "韓国の文在寅大統領は来日した。\n会談で文大統領は協力を約束した。",  # written the same way
        "岸田首相は述べた。\n中国の李克強首相も出席した。",  # two people: 岸田 and 李克 read nothing alike
        "菅義偉元首相は述べた。\n管首相も出席した。",  # 元首相 and 首相 are two offices
        "林芳夫知事は述べた。\n森知事も出席した。",  # two governors: リン/シン alike, but not lin/sen
        "警察は野村勝也容疑者を逮捕した。\n野村容疑者は容疑を否認している。",  # a short form of the full name
        "米大統領と韓国大統領が会談した。\n同大統領は述べた。",  # countries and 同, not names
    ]
    assert not [f.message for text in quiet for f in target_findings(text, "CON006")]


def test_a_titled_kanji_name_one_homophone_away_from_a_known_persons_is_found():
    from audit.lexicon.names import Dictionary

    if not Dictionary.shared().available:
        pytest.skip("jamdict-data not installed")
    # 謹/槿 (キン; jin) and 聞/文 (ブン; wen): a leader's name written by sound with another kanji
    found = target_findings("韓国の朴謹恵大統領は来日した。\n台湾の蔡英聞総統も声明を出した。", "NAM004")
    assert [(f.target.text, f.evidence["known_person"], f.evidence["readings"]) for f in found] == [
        ("朴謹恵大統領", "朴槿恵", ["キン", "キン"]), ("蔡英聞総統", "蔡英文", ["ブン", "ブン"]),
    ]
    assert found[0].suggestion == "朴槿恵大統領, if this is Park Geun-hye"
    # with the source, the evidence says whether it names that person
    (hit,) = pair_findings(["President Park Geun-hye visited Japan."], ["朴謹恵大統領が来日した。"], "NAM004")
    assert hit.evidence["source_names_known"] is True and "the source names Park Geun-hye" in hit.message
    quiet = [
        "韓国の朴槿恵大統領は来日した。",  # the known form itself
        "韓国の朴槿恵大統領は来日した。\n朴謹恵大統領は述べた。",  # both forms: CON006 compares them
        "山田正己市長は述べた。",  # a surname and a given name: anyone's name
        "山田正己氏は述べた。",
        "朴謹恵さんは述べた。",  # no title: no sign of a person people write about
    ]
    # 氏 and 夫人 mark a full name too
    assert [f.evidence["known_person"] for f in target_findings("朴謹恵氏は述べた。", "NAM004")] == ["朴槿恵"]
    assert not [f.message for text in quiet for f in target_findings(text, "NAM004")]


@pytest.mark.parametrize(
    "en, ja, reported, suggestion",
    [
        (  # one word of an agency's name rendered two ways
            ["The Federal Aviation Administration approved the new engine design on Monday.", "Airlines welcomed the decision.",
             "The Federal Aviation Administration will publish the safety report next month."],
            ["連邦航空局は月曜日、新しいエンジン設計を承認した。", "航空各社はこの決定を歓迎した。", "連邦航空庁は来月、安全報告書を公表する。"],
            "連邦航空庁", "連邦航空局",
        ),
        (  # a person's name in katakana, then in kanji; the name is found inside a longer one ("... of Seoul National University")
            ["Professor Kim Min-jun of Seoul National University led the study.", "The team tested 400 samples.",
             "Professor Kim Min-jun said the results were encouraging."],
            ["ソウル大学のキム・ミンジュン教授が研究を率いた。", "研究チームは400のサンプルを検査した。", "金敏俊教授は、結果は心強いものだったと述べた。"],
            "金敏俊教授", "キム・ミンジュン教授",
        ),
        (  # a longer form that holds the other is the same rendering
            ["The Federal Aviation Administration approved the new engine design on Monday.", "Airlines welcomed the decision.",
             "The Federal Aviation Administration will publish the safety report next month."],
            ["米連邦航空局は月曜日、新しいエンジン設計を承認した。", "航空各社はこの決定を歓迎した。", "連邦航空局は来月、安全報告書を公表する。"],
            None, None,
        ),
        (  # two forms the dictionary gives for the name are a choice of style, not an error
            ["The United States and Canada signed the fisheries agreement.", "Both sides praised the talks.",
             "The United States will host the next round."],
            ["米国とカナダは漁業協定に署名した。", "双方は協議を評価した。", "次回の協議はアメリカで開かれる。"],
            None, None,
        ),
    ],
)
def test_one_source_name_rendered_two_ways(en, ja, reported, suggestion):
    from audit.embedders import resolve_embedder

    found = pair_findings(en, ja, "CON005", resolve_embedder(None))
    if reported is None:
        assert found == []
        return
    assert len(found) == 1
    f = found[0]
    assert f.target.text == reported and f.suggestion == suggestion
    assert f.source.text == f.evidence["term"] and f.evidence["other_rendering"] == suggestion
    assert min(f.evidence["similarity"], f.evidence["other_similarity"]) >= 0.55


def test_a_term_written_two_ways_is_one_finding_when_the_source_says_so_too():
    from audit.embedders import resolve_embedder

    en = ["The National Education Foundation opened a new library.", "Teachers welcomed it.",
          "The National Education Foundation will also fund scholarships."]
    ja = ["全国教育財団は新しい図書館を開設した。", "教師らはこれを歓迎した。", "国立教育財団は奨学金にも資金を出す。"]
    embedder = resolve_embedder(None)
    alone = [pair_findings(en, ja, code, embedder) for code in ("CON004", "CON005")]
    assert [len(found) for found in alone] == [1, 1] and alone[0][0].target == alone[1][0].target
    merged = pair_findings(en, ja, "CON", embedder)
    assert len(merged) == 1 and merged[0].code == "CON005"  # the source's evidence leads
    assert [c["code"] for c in merged[0].evidence["corroborated_by"]] == ["CON004"]
    assert merged[0].severity == Severity.MINOR  # agreement raises omissions only (measured there)


def test_katakana_expansion_that_cannot_spell_its_acronym():
    found = target_findings("両社はグローバル・スマート・モビリティ・ネットワーク(SMN)に参加した。", "ACR002")
    assert len(found) == 1 and found[0].evidence["acronym"] == "SMN"
    assert "グローバル" in found[0].message and found[0].target.text.endswith("(SMN)")
    fine = (
        "両社はスマート・モビリティ・ネットワーク(SMN)に参加した。\n"
        "ユニバーサル・シリアル・バス(USB)で接続する。\n"
        "センター・オブ・エクセレンス(COE)を設立した。\n"  # O: a function word the katakana keeps as オブ
        "米国は日米デジタル・トレード・パートナーシップ(JUDTP)を発表した。\n"  # J and U are in the kanji before
        "国際通貨基金(IMF)が報告した。\n"  # kanji expansions follow official names: not checked
    )
    assert not target_findings(fine, "ACR002")



def test_kanji_expansion_with_a_word_that_stands_for_no_letter():
    found = target_findings("政府は環境投資庁(EPA)の規制案を公表した。", "ACR004")
    assert len(found) == 1 and found[0].target.text == "環境投資庁(EPA)"
    assert found[0].evidence["unmatched_words"] == ["投資"] and found[0].evidence["unmatched_letters"] == ["P"]
    assert "investment" in found[0].message
    # a one-kanji suffix stands for its first senses only: 局's last ones would cover any letter
    assert [f.evidence["unmatched_words"] for f in target_findings("国立森林局(NPS)が管理する。", "ACR004")] == [["森林"]]
    # the phrase before the expansion may hold a letter, but its particles hold none
    assert target_findings("持続的な価値創出(SX)を促す。", "ACR004") == []
    assert len(target_findings("価値創出(SX)を促す。", "ACR004")) == 1
    fine = (
        "環境保護庁(EPA)は規制案を公表した。\n"
        "米国国立衛生研究所(NIH)が資金を出す。\n"  # 米国: a qualifier Japanese adds
        "国際開発銀行(JDB)が融資する。\n"  # J: Japan, left unwritten in Japanese names
        "国際通貨基金(IMF)が報告した。\n"  # listed whole: an official name, whatever its words
        "北米開発銀行(NADB)が融資する。\n"
        "両社はグローバル・スマート・モビリティ・ネットワーク(SMN)に参加した。\n"  # katakana: ACR002's
    )
    assert not target_findings(fine, "ACR004")


def test_a_kanji_name_also_written_in_katakana():
    found = target_findings("ナゴヤの会議に出席した。名古屋市の市長が歓迎した。", "CON007")
    assert [(f.target.text, f.evidence["kanji"], f.suggestion) for f in found] == [("ナゴヤ", "名古屋", "名古屋")]
    # long vowels as a name transliterated back from romaji writes them
    assert [f.target.text for f in target_findings("トーキョーで会談した。東京の天気は晴れた。", "CON007")] == ["トーキョー"]
    quiet = (
        "チームニッポンが勝った。日本代表は強い。\n"  # 日本 in katakana: a house style of team names
        "カナダの首相が来た。金田氏も来た。\n"  # カネダ, not カナダ
        "ナゴヤドームで試合があった。\n"  # no kanji form in the document
    )
    assert not target_findings(quiet, "CON007")

def test_two_people_listed_with_one_office_that_one_person_holds():
    found = target_findings("山田太郎外相、佐藤花子外相らが会合に出席した。", "CON008")
    assert len(found) == 1 and found[0].evidence["office"] == "外相"
    assert list(found[0].evidence["names"]) == ["山田太郎", "佐藤花子"] and found[0].severity == Severity.MAJOR
    assert len(target_findings("鈴木一郎経済産業大臣と田中二郎経済産業大臣が並んだ。", "CON008")) == 1
    quiet = (
        "山田太郎外相、佐藤花子防衛相らが出席した。\n"  # two offices
        "王毅外相と林芳正外相が会談した。\n"  # two countries' ministers: not two Japanese full names
        "山田太郎元首相と佐藤花子元首相が出席した。\n"  # former holders are many
        "山田太郎首相(当時)と佐藤花子首相が会った。\n"
        "山田太郎外相は佐藤花子外相と会った。\n"  # not a list: the sentence says who met whom
    )
    assert not target_findings(quiet, "CON008")

def test_a_word_stands_for_what_it_means_in_set_phrases():
    from audit.lexicon.acronyms import compound_letters, expansion_mismatch
    from audit.lexicon.names import Dictionary

    dictionary = Dictionary.shared()
    # 通貨 is glossed "currency" alone, but "monetary" in JMdict's set phrases (国際通貨基金 ...)
    assert "M" in compound_letters("通貨", dictionary)
    assert expansion_mismatch("アジア通貨基金", "AMF", dictionary) is None
    assert expansion_mismatch("アジア歴史基金", "AMF", dictionary) is not None

@pytest.mark.parametrize(
    "text, flagged",
    [
        ("同基金に29億ドルを拠出する。\n米国は同基金に2.9億ドルを拠出する。", "2.9億"),  # a 億 slip in one of two mentions
        ("総額10億ドル(約1億ドル)の支援を発表した。", "10億ドル(約1億"),  # restated with another value
        ("総額10億ドル(約1,500億円)の支援を発表した。", None),  # another unit: a conversion
        ("価格は1,500円(1,650円税込)です。", None),  # the parenthesis says why it differs
        ("会員は360人。新規登録36人。", None),  # two amounts in different words
        ("同社は工場に3億5,000万ドルを投資する。\n基金へのコミットメントは3500万ドルに達した。", None),
        ("予算は1億ドル。追加で10億ドルの予算。", None),  # one significant digit: too common to compare
    ],
)
def test_same_quantity_written_two_ways(text, flagged):
    found = target_findings(text, "NUM002")
    if flagged is None:
        assert not found
    else:
        assert len(found) == 1 and flagged in found[0].target.text


def test_a_word_kept_in_latin_letters_counts_as_rendered():
    from audit.checks.omission import _Witness

    en = "Quorvex Dynamics will supply the sensors."
    for ja in ("Quorvex Dynamicsがセンサーを供給する。", "ＱＵＯＲＶＥＸ　ＤＹＮＡＭＩＣＳがセンサーを供給する。"):
        seen = {m.group(): found for m, found in _Witness(ja).words(en)}
        assert seen["Quorvex"] is True and seen["Dynamics"] is True, (ja, seen)
    seen = {m.group(): found for m, found in _Witness("同社がセンサーを供給する。").words(en)}
    assert seen["Quorvex"] is not True  # not there in any form


def test_dropped_list_item_is_found():
    en = "Members can borrow the books, maps and recordings of the library for two weeks."
    dropped = "会員は図書館から本と録音資料を二週間借りることができる。"
    found = pair_findings([en], [dropped], "OMI006")
    assert len(found) == 1 and found[0].source.text == "maps", found
    ev = found[0].evidence
    assert ev["missing"] == ["maps"] and ev["items"] == ["books", "maps", "recordings"] and ev["separators"] < 2
    # every item rendered, or the translation separating as many items as the English lists
    assert not pair_findings([en], ["会員は図書館から本、地図、録音資料を二週間借りることができる。"], "OMI006")
    assert not pair_findings([en], ["会員は図書館から本、図面、録音資料を二週間借りることができる。"], "OMI006")
    # 、および parts two items once: the translation still lists fewer items than the English
    assert pair_findings([en], ["会員は図書館から本、および録音資料を二週間借りることができる。"], "OMI006")


def test_an_enumeration_of_clauses_is_not_a_list_of_items():
    from audit.checks.omission import _enumerations

    en = "We ate at noon, they sang a song and we all left early."  # the shape of a list, of clauses
    assert not _enumerations(en) and not pair_findings([en], ["正午に食事をして、歌を歌った。"], "OMI006")
    text = "To qualify for the offer, you must buy, renew, or upgrade a plan."  # the list starts after the clause
    assert [[text[a:b] for a, b in items] for items in _enumerations(text)] == [["buy", "renew", "upgrade"]]
    text = "Prices rose for rice, wheat, and soybeans in March."
    assert [[text[a:b] for a, b in items] for items in _enumerations(text)] == [["rice", "wheat", "soybeans"]]


def test_surname_written_alone_in_another_spelling():
    from audit.lexicon.names import KatakanaModel

    if not KatakanaModel.shared().available:
        pytest.skip("jamdict-data not installed")
    doc = "マルタ・ハリソン議員が来日した。ハリスン氏は会見で話した。ハリスン氏は帰国した。"
    found = target_findings(doc, "CON001")
    assert [(f.target.text, f.suggestion, f.evidence["full_name"], f.evidence["occurrences"]) for f in found] == [
        ("ハリスン", "ハリソン", "マルタ・ハリソン", 2)
    ]
    # two people whose surnames are one kana apart, each with a full name
    assert not target_findings("マルタ・ハリソン議員とトム・ハリスン議員が来日した。ハリスン氏が話した。", "CON001")
    # a surname of three kana is one kana off too many other names
    assert not target_findings("ビル・ゲイツ氏が来日した。ゲイル氏も同行した。", "CON001")
    # a full name that ends in a word, and a compound of words one kana off it
    assert not target_findings("ワールド・テニス・チャンピオンシップが開幕した。チャンピオンカップも近い。", "CON001")


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("政府は20億万ドルを投じる。", "20億万"),  # billion rendered twice over
        ("予算は1.5兆億円である。", "1.5兆億"),
        ("売上は3千億万円に達した。", "3千億万"),
        ("総額は3万2億円だ。", "3万2億"),  # units out of order
        ("総額は1億20000万円だ。", "1億20000万"),  # five digits under 億
        ("総額は1億2.5万円だ。", "1億2.5万"),
        ("総額は1兆2000億円、うち1億2,000万円は基金に。", None),
        ("五千万円と3百万ドルを投じた。", None),  # 千 and 百 are not myriad units
        ("億万長者が数億円を寄付した。", None),  # no digits before the units
        ("10万京都府民が参加した。", None),  # 京都, not 京
    ],
)
def test_malformed_amounts(text, flagged):
    found = target_findings(text, "NUM003")
    if flagged is None:
        assert not found
    else:
        assert [f.target.text for f in found] == [flagged]


@pytest.mark.parametrize(
    "en, ja, flagged, severity",
    [
        ("The company will invest $1.5 billion in the plant.", "同社は工場に15億円を投じる。", "15億", "critical"),
        ("The farm covers 500 acres.", "農場の面積は500ヘクタールだ。", "500", "major"),
        ("Temperatures rose by 3 degrees Fahrenheit.", "気温は摂氏3度上昇した。", "3", "major"),
        ("The parcel weighs 10 pounds.", "小包の重さは10キロだ。", "10", "major"),  # pounds: money or weight; キロ: km or kg
        ("The company will invest $1.5 billion in the plant.", "同社は工場に15億ドルを投じる。", None, None),
        ("The farm covers 500 acres (200 hectares).", "農場の面積は500エーカー(200ヘクタール)だ。", None, None),
        ("The ticket costs £5.", "チケットは5ポンドだ。", None, None),
        ("The town is 5 miles away.", "町は8キロ先にある。", None, None),  # converted: another number, NUM001's
        ("They won 3 games.", "彼らは3勝した。", None, None),  # no unit on the Japanese side
    ],
)
def test_unit_changed(en, ja, flagged, severity):
    found = pair_findings([en], [ja], "NUM004")
    if flagged is None:
        assert not found
    else:
        assert [(f.target.text, f.severity.value) for f in found] == [(flagged, severity)]


def test_celsius_is_a_unit_japanese_leaves_unsaid():
    assert not pair_findings(["Temperatures rose by 3 degrees Celsius."], ["気温は3度上昇した。"], "NAM001")


@pytest.mark.parametrize(
    "en, ja, flagged",
    [
        ("The summit is on April 10.", "首脳会談は10月4日に行われる。", "10月4日"),  # month and day swapped
        ("Talks resume on 3 November.", "協議は３月１１日に再開する。", "３月１１日"),  # day-first source, full-width digits
        ("The meeting starts at 5 p.m.", "会議は午前5時に始まる。", "午前5時"),
        ("Doors open at 9:30 a.m.", "開場は午後9時30分。", "午後9時"),
        ("The summit is on April 10.", "首脳会談は4月10日に行われる。", None),
        ("The summit opened on 24 December 2021.", "首脳会談は2021年12月24日に開幕した。", None),  # a day over 12 cannot swap
        ("Talks on April 4 and 10 May.", "4月4日と5月10日の協議。", None),
        ("The meeting starts at 5 p.m.", "会議は17時に始まる。", None),
        ("Lunch is at 12 p.m.", "昼食は午前12時。", None),  # 午前12時 is noon to some
        ("The vote is on Monday.", "投票は火曜日に行われる。", "火曜"),  # another weekday
        ("The vote is on Monday.", "投票は月曜日に行われる。", None),
        ("Shops close on Sundays and Mondays.", "店は日曜と月曜が休みだ。", None),
        ("The minister arrived yesterday.", "大臣は明日到着した。", "明日"),  # a relative day turned around
        ("Sales fell last year.", "売上は来年減少した。", "来年"),
        ("The minister arrives tomorrow.", "大臣は明日到着する。", None),
        ("Sales fell last year and will rise next year.", "売上は昨年減少し、来年は増加する。", None),
    ],
)
def test_date_or_time_flipped(en, ja, flagged):
    found = pair_findings([en], [ja], "NUM005")
    if flagged is None:
        assert not found
    else:
        assert [f.target.text for f in found] == [flagged]


@pytest.mark.parametrize(
    "en, ja, flagged",
    [
        ("Sales rose 3 percentage points.", "売上は3%上昇した。", "3"),
        ("Sales rose 3 percent.", "売上は3ポイント上昇した。", "3"),
        ("Sales rose 3 percentage points.", "売上は３％ポイント上昇した。", None),
        ("Approval fell 5 points to 40%.", "支持率は5ポイント下がり40％となった。", None),  # bare "points" has no kind
    ],
)
def test_percent_and_percentage_points(en, ja, flagged):
    found = pair_findings([en], [ja], "NUM004")
    assert [f.target.text for f in found] == ([flagged] if flagged else [])


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("同社は6.9億ドルで売却した。", "6.9億ドル"),  # "$6.9 billion" with 億 for billion
        ("貿易額は$3.3億に達した。", "$3.3億"),
        ("同社は69億ドルで売却した。", None),
        ("予算は1.5兆ドル規模だ。", None),  # 兆 with a decimal is how Japanese news writes it
        ("日本の人口は1.2億人だ。", None),  # not money
        ("売上は2.5億円だった。", None),  # yen: a Japanese writer's own figure
    ],
)
def test_decimal_oku_in_a_foreign_currency(text, flagged):
    found = target_findings(text, "NUM006")
    assert [f.target.text for f in found] == ([flagged] if flagged else [])
    assert not pair_findings(["It sold for $6.9 billion."], ["同社は6.9億ドルで売却した。"], "NUM006")  # NUM001's, with the source


@pytest.mark.parametrize(
    "en, ja, flagged",
    [
        ("The country's Foreign Trade Minister announced the plan.", "同国の外相が計画を発表した。", "外相"),
        ("Secretary of State Harlan met reporters.", "ハーラン国防長官は記者団と会見した。", "国防長官"),
        ("The country's Foreign Trade Minister announced the plan.", "同国の対外貿易担当相が計画を発表した。", None),
        ("Prime Minister Ortega met President Lind.", "オルテガ首相はリンド大統領と会談した。", None),
        ("Chancellor Weber arrived in Oslo.", "ウェーバー首相がオスロに到着した。", None),  # no office of the list in the source
        ("The president of the company resigned.", "同社の社長が辞任した。", None),
        ("Vice President Lind spoke.", "リンド副大統領が話した。", None),
    ],
)
def test_office_changed(en, ja, flagged):
    found = pair_findings([en], [ja], "NAM006")
    assert [f.target.text for f in found] == ([flagged] if flagged else [])


def test_office_changed_suggests_the_office_as_written():
    found = pair_findings(["President Lind met reporters."], ["リンド首相は記者団と会見した。"], "NAM006")
    assert [(f.suggestion, f.evidence["expected"]) for f in found] == [("大統領", ["大統領"])]


@pytest.mark.parametrize(
    "en, ja, flagged",
    [
        ("Carla Reyes keeps a second tree at her home.", "カーラ・レジェスは自宅に2本目の木を置いている。彼は毎年そうしている。", "彼"),
        ("Tom Weller said he would resign.", "トム・ウェラーは、彼女が辞任すると述べた。", "彼女"),
        ("Carla Reyes said she would resign.", "カーラ・レジェスは、彼女が辞任すると述べた。", None),
        ("She thanked him for his help.", "彼女は彼の助けに感謝した。", None),  # a woman and a man
        ("She met them in Oslo.", "彼女は彼らとオスロで会った。", None),  # 彼ら is "they"
    ],
)
def test_pronoun_gender_changed(en, ja, flagged):
    found = pair_findings([en], [ja], "NAM007")
    assert [f.target.text for f in found] == ([flagged] if flagged else [])
