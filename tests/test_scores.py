"""Scores: equal to sacrebleu's command line, intervals, paired tests, compare, per-pair scores in reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from audit.scores import Metric, approximate_randomisation, bootstrap_interval, paired_bootstrap
from audit.scoring import ja_tokenizer

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wmt22" / "en-ja"

REF = ["政府は月曜日に新しい計画を発表した。", "経済は昨年2.5%成長した。", "会議は東京で開かれた。",
       "両首脳は協力を深めることで合意した。", "市場は落ち着いている。", "新しい工場が来年開く。"]
HYP_GOOD = ["政府は月曜日、新しい計画を発表した。", "経済は昨年2.5%成長した。", "会議は東京で開催された。",
            "両首脳は協力を深めることで一致した。", "市場は落ち着いている。", "新工場は来年開業する。"]
HYP_BAD = ["政府は計画した。", "経済は成長。", "東京。", "首脳は合意。", "市場。", "工場。"]


def _sacrebleu_cli(tmp_path: Path, hyp: list[str], ref: list[str], metric: str, *extra: str) -> float:
    h, r = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    h.write_text("\n".join(hyp) + "\n", encoding="utf-8")
    r.write_text("\n".join(ref) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(r), "-i", str(h), "-m", metric, "-b", "-w", "6", *extra],
        capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip())


@pytest.mark.parametrize("name, extra", [("chrf", ()), ("bleu", ("--tokenize", ja_tokenizer())), ("ter", ("--ter-asian-support",))])
def test_corpus_scores_equal_sacrebleu_command_line(tmp_path, name, extra):
    metric = Metric(name, tokenize=ja_tokenizer() if name == "bleu" else None)
    ours = metric.corpus(metric.stats(HYP_GOOD, REF).sum(0))
    assert ours == pytest.approx(_sacrebleu_cli(tmp_path, HYP_GOOD, REF, name, *extra), abs=1e-4)


@pytest.mark.skipif(not SHARED.is_dir(), reason="WMT22 data not available (../shared/data)")
def test_wmt22_system_equals_sacrebleu_command_line(tmp_path):
    ref = SHARED.joinpath("reference.ja").read_text(encoding="utf-8").splitlines()
    hyp = SHARED.joinpath("systems", "NT5.ja").read_text(encoding="utf-8").splitlines()
    for name, extra in (("chrf", ()), ("bleu", ("--tokenize", ja_tokenizer()))):
        metric = Metric(name, tokenize=ja_tokenizer() if name == "bleu" else None)
        ours = metric.corpus(metric.stats(hyp, ref).sum(0))
        assert ours == pytest.approx(_sacrebleu_cli(tmp_path, hyp, ref, name, *extra), abs=1e-4)


def test_sentence_scores_equal_sacrebleu_sentence_score():
    from sacrebleu.metrics import BLEU, CHRF

    for metric, ref_metric in ((Metric("chrf"), CHRF()), (Metric("bleu"), BLEU(effective_order=True))):
        stats = metric.stats(HYP_GOOD, REF)
        for row, h, r in zip(stats, HYP_GOOD, REF, strict=True):
            assert metric.sentence(row) == pytest.approx(ref_metric.sentence_score(h, [r]).score, abs=1e-6)


def test_stats_are_extracted_in_chunks(monkeypatch):
    import audit.scores as scores

    monkeypatch.setattr(scores, "CHUNK", 2)
    metric = Metric("chrf")
    assert np.array_equal(metric.stats(HYP_GOOD, REF), Metric("chrf").stats(HYP_GOOD, REF))
    whole = Metric("chrf")
    monkeypatch.setattr(scores, "CHUNK", 1000)
    assert metric.corpus(metric.stats(HYP_GOOD, REF).sum(0)) == pytest.approx(whole.corpus(whole.stats(HYP_GOOD, REF).sum(0)))


def test_bootstrap_interval_brackets_the_score_and_is_reproducible():
    metric = Metric("chrf")
    stats = metric.stats(HYP_GOOD * 5, REF * 5)
    value = metric.corpus(stats.sum(0))
    lo, hi = bootstrap_interval(metric, stats)
    assert lo <= value <= hi and lo < hi
    assert bootstrap_interval(metric, stats) == (lo, hi)
    wide = bootstrap_interval(metric, stats[:6])
    assert wide[1] - wide[0] > hi - lo  # fewer segments, wider interval
    assert bootstrap_interval(metric, stats[:1]) is None


def test_mean_metric():
    stats = Metric.value_stats([0.2, 0.4, 0.9])
    assert Metric("mean").corpus(stats.sum(0)) == pytest.approx(0.5)


@pytest.mark.parametrize("name", ["chrf", "bleu", "ter"])
def test_paired_tests_separate_a_better_system_and_not_an_identical_one(name):
    metric = Metric(name, tokenize=ja_tokenizer() if name == "bleu" else None)
    good = metric.stats(HYP_GOOD * 4, REF * 4)
    bad = metric.stats(HYP_BAD * 4, REF * 4)
    delta, (lo, hi), p = paired_bootstrap(metric, bad, good)
    assert delta > 0 and lo > 0 and p < 0.05  # "good" beats the baseline in the metric's own direction
    assert approximate_randomisation(metric, bad, good) < 0.05
    delta, _, p = paired_bootstrap(metric, good, good)
    assert delta == 0 and p > 0.5
    assert approximate_randomisation(metric, good, good) > 0.5


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_compare_cli_ranks_systems(cli, tmp_path):
    ref = _write(tmp_path / "ref.ja", REF * 3)
    bad = _write(tmp_path / "bad.ja", HYP_BAD * 3)
    good = _write(tmp_path / "good.ja", HYP_GOOD * 3)
    res = cli("compare", bad, good, "--reference", ref, "--presegmented", "--format", "json", "--resamples", "200")
    assert res.code == 0, res.err
    out = res.json()
    assert [s["system"] for s in out["systems"]] == ["bad.ja", "good.ja"]
    chrf = next(c for c in out["comparisons"] if c["metric"] == "chrf")
    assert chrf["baseline"] == "bad.ja" and chrf["delta"] > 0 and chrf["significant"]
    ter = next(c for c in out["comparisons"] if c["metric"] == "ter")
    assert ter["system_score"] < ter["baseline_score"] and ter["delta"] > 0  # lower TER is better
    text = cli("compare", bad, good, "--reference", ref, "--presegmented", "--resamples", "200").out
    assert "significantly better" in text and "tok:" in text


def test_compare_usage_errors(cli, tmp_path):
    ref = _write(tmp_path / "ref.ja", REF)
    a = _write(tmp_path / "a.ja", HYP_GOOD)
    short = _write(tmp_path / "short.ja", HYP_GOOD[:3])
    for args, needle in (
        ((a, "--reference", ref), "at least two"),
        ((a, short, "--reference", ref, "--presegmented"), "line-aligned"),
        ((a, a), "--source or --reference"),
        ((a, a, "--reference", ref, "--metrics", "xsim"), "needs --source"),
        ((a, a, "--reference", ref, "--metrics", "meteor"), "unknown metric"),
    ):
        res = cli("compare", *args)
        assert res.code == 2 and needle in res.err and res.err.count("\n") == 1, (args, res.err)


def test_check_with_source_reports_pair_and_document_scores(cli, tmp_path):
    src = _write(tmp_path / "s.en", ["The government announced a new plan on Monday.", "The economy grew by 2.5 percent last year.",
                                     "The meeting was held in Tokyo.", "Both leaders agreed to deepen cooperation."])
    tgt = _write(tmp_path / "t.ja", [REF[0], REF[1], REF[3]])
    bt = tmp_path / "bt.tsv"
    bt.write_text(f"{REF[0]}\tThe government announced a new plan on Monday.\n{REF[1]}\tThe economy grew 2.5% last year.\n",
                  encoding="utf-8")
    report = cli("check", tgt, "--source", src, "--backtranslate", bt, "--format", "json").json()
    doc = report["scores"]["document"]
    assert set(doc) == {"xsim", "bt-chrf", "bt-bleu", "bt-ter", "bt-xsim", "risk"}
    for score in doc.values():
        lo, hi = score["interval"]
        assert lo <= score["value"] <= hi and "seed:" in score["signature"]
    pairs = report["scores"]["pairs"]
    assert [p["source"] for p in pairs] == [[0], [1], [2], [3]]
    omitted = next(p for p in pairs if p["target"] == [])
    assert omitted["xsim"] == 0 and omitted["bt-chrf"] == 0
    first = pairs[0]
    assert first["bt-chrf"] == pytest.approx(100) and first["xsim"] > pairs[2]["xsim"]
    text = cli("check", tgt, "--source", src, "--backtranslate", bt).out
    assert "xsim = " in text and "bt-chrf = " in text and "[" in text


def test_reference_scores_have_intervals_when_sentences_pair_up(cli, tmp_path):
    ref = _write(tmp_path / "ref.ja", REF)
    tgt = _write(tmp_path / "t.ja", HYP_GOOD)
    doc = cli("check", tgt, "--reference", ref, "--presegmented", "--format", "json").json()["scores"]["document"]
    assert set(doc) == {"chrf", "bleu", "ter", "risk"}
    assert all(s["interval"] and "unit:sentences" in s["signature"] for name, s in doc.items() if name != "risk")


def test_text_and_markdown_list_the_weakest_pairs_escaped(cli, tmp_path):
    src = tmp_path / "s.en"
    tgt = tmp_path / "t.ja"
    src.write_text(
        "The plan was approved on Monday.\nExports rose <script>alert(1)</script> | a | b by 12%.\nTrade talks resume in May.\n",
        encoding="utf-8",
    )
    tgt.write_text("計画は月曜日に承認された。\n輸出は<script>alert(1)</script> | a | b 12%増加した。\n", encoding="utf-8")
    pairs = cli("check", tgt, "--source", src, "--presegmented", "--format", "json").json()["scores"]["pairs"]
    riskiest = max(pairs, key=lambda p: p["risk"])
    text = cli("check", tgt, "--source", src, "--presegmented").out
    assert f"weakest pairs by risk ({len(pairs)} of {len(pairs)}" in text
    first = text.split("weakest pairs by risk")[1].splitlines()[1]
    assert f"risk {riskiest['risk']:.2f}" in first and f"xsim {riskiest['xsim']:.2f}" in first
    md = cli("check", tgt, "--source", src, "--presegmented", "--format", "md").out
    rows = [line for line in md.splitlines() if line.startswith("| ") and "→" in line.split("|")[1]]
    assert len(rows) == len(pairs) and all(r.count("|") == 6 for r in rows)
    assert "<script>" not in md
