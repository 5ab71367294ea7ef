"""BTD001: back-translation divergence, on invented sentences with invented back-translations."""

from __future__ import annotations

from audit.checks.base import Context, run_rules, select_rules
from audit.io.document import document_from_text
from audit.model import BackTranslation, Bead, Severity

EN = [
    "The committee approved the budget for the new library on Monday.",
    "Construction will begin next spring and should take two years.",
    "The mayor thanked residents for their patience during the long debate.",
    "A public park will also be built beside the library.",
    "The ministers agreed to expand cooperation and to review export controls on advanced semiconductors next year.",
]
JA = [
    "委員会は月曜日、新しい図書館の予算を承認した。",
    "建設は来年の春に始まり、2年かかる見込みだ。",
    "市長は長い議論の間の忍耐に対して住民に感謝した。",
    "図書館の隣には公園も整備される。",
    "閣僚は協力の拡大で合意した。",
]
BT = [
    "The committee approved the budget for the new library on Monday.",
    "Construction will start next spring and is expected to take two years.",
    "The mayor thanked residents for their patience during the long discussion.",
    "A park will also be built next to the library.",
    "The ministers agreed to expand cooperation.",
]


def run(en, ja, bts, code="BTD001"):
    sd = document_from_text("\n".join(en), "en", presegmented=True)
    td = document_from_text("\n".join(ja), "ja", presegmented=True)
    ctx = Context(target=td, source=sd, alignment=tuple(Bead((i,), (i,)) for i in range(len(en))), backtranslation=bts)
    return run_rules(ctx, select_rules((code,)))


def plain(texts):
    return {i: BackTranslation(i, t) for i, t in enumerate(texts)}


def test_stretch_missing_from_every_hypothesis_and_from_the_dictionary_is_reported():
    findings, runs = run(EN, JA, plain(BT))
    assert runs[0].ran and runs[0].reason is None
    assert len(findings) == 1
    f = findings[0]
    assert f.source.text == f.evidence["stretch"] and "export controls" in f.evidence["stretch"]
    assert f.target.text == JA[4] and f.evidence["backtranslation"] == BT[4]
    assert f.severity is Severity.MAJOR  # the translation is also far shorter than usual


def test_a_hypothesis_that_carries_the_stretch_clears_it():
    bts = plain(BT)
    full = "The ministers agreed to expand cooperation and to review export controls on advanced chips next year."
    bts[4] = BackTranslation(4, BT[4], alternatives=(full,), agreement=0.8)
    findings, _ = run(EN, JA, bts)
    assert not findings


def test_faithful_translation_is_quiet():
    en = EN[:4] + ["The ministers agreed to expand cooperation."]
    assert not run(en, JA, plain(BT))[0]


def test_n_best_agreement_is_the_confidence():
    en = EN[:4] + ["Heavy rain is forecast for the coastal towns throughout the weekend, officials warned."]
    ja = JA[:4] + ["週末は市場が休みになると当局は住民に伝えた。"]  # a mistranslation: the market, not the rain
    said = "Officials told residents that the market will be closed on the weekend."
    bts = plain(BT[:4] + [said])
    sure = run(en, ja, bts)[0]
    assert len(sure) == 1 and "coastal towns" in sure[0].evidence["stretch"] and sure[0].severity is Severity.MAJOR
    bts[4] = BackTranslation(4, said, alternatives=("The market is closed.", "Authorities said the weekend market is shut."), agreement=0.2)
    unsure = run(en, ja, bts)[0]
    assert len(unsure) == 1 and unsure[0].severity is Severity.MINOR and unsure[0].evidence["agreement"] == 0.2
    assert unsure[0].evidence["alternatives"] == ["The market is closed.", "Authorities said the weekend market is shut."]


def test_large_divergence_is_reported_only_when_the_back_translator_is_sure():
    en = EN[:4] + ["Quarterly revenue rose sharply, beating analysts' expectations by a wide margin."]
    ja = JA[:4] + ["四半期の収益は急増し、アナリストの予想を大きく上回った。"]
    wrong = "The dog barked at the mailman yesterday morning."
    bts = plain(BT[:4] + [wrong])
    found = run(en, ja, bts)[0]
    assert len(found) == 1 and found[0].evidence["chrf"] < 0.2 and found[0].source.text == en[4]
    bts[4] = BackTranslation(4, wrong, alternatives=("A dog was barking.", "Yesterday the postman heard a dog."), agreement=0.3)
    assert not run(en, ja, bts)[0]


def test_a_back_translator_far_from_the_source_everywhere_is_not_evidence():
    noise = ["Blue cats sing loudly.", "Old trains smell of soup.", "My piano is hungry today.", "Seven clouds bought a hat.", "Tea."]
    findings, runs = run(EN, JA, plain(noise))
    assert not findings
    assert runs[0].ran and "too far from the source" in runs[0].reason


def test_the_pipeline_reads_back_translations_from_a_file_and_reports_btd001(cli, tmp_path):
    pairs = tmp_path / "pairs.tsv"  # a bilingual file: its units are the alignment
    pairs.write_text("".join(f"{e}\t{j}\n" for e, j in zip(EN, JA)), encoding="utf-8")
    tsv = tmp_path / "bt.tsv"
    tsv.write_text("".join(f"{j}\t{b}\n" for j, b in zip(JA, BT)), encoding="utf-8")
    report = cli("check", pairs, "--format", "json", "--backtranslate", tsv, "--select", "BTD").json()
    codes = [f["code"] for f in report["findings"]]
    assert codes == ["BTD001"] and "export controls" in report["findings"][0]["evidence"]["stretch"]
