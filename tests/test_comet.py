"""COMET: the skipped paths always run; the scoring paths use tiny real checkpoints built by the
session (``comet_models``) and skip with a reason when the ``comet`` extra is not installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SRC = [
    "The ministry approved the new budget on Monday.",
    "Exports rose by 12% in the first quarter.",
    "The two leaders agreed to meet again in spring.",
]
TGT = ["同省は月曜日に新しい予算を承認した。", "第1四半期の輸出は12%増加した。", "両首脳は春に再会することで合意した。"]
REF = ["省は月曜日、新予算を承認した。", "第1四半期に輸出は12%伸びた。", "両首脳は春に再び会うことで一致した。"]


def _files(tmp_path: Path, target=TGT) -> tuple[Path, Path, Path]:
    paths = []
    for name, lines in (("src.en", SRC), ("tgt.ja", target), ("ref.ja", REF)):
        p = tmp_path / name
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths[0], paths[1], paths[2]


def _stage(report: dict, name: str) -> dict:
    return next(s for s in report["stages"] if s["name"] == name)


def test_without_a_model_the_stage_says_how_to_enable_it(cli, tmp_path):
    src, tgt, _ = _files(tmp_path)
    report = cli("check", tgt, "--source", src, "--presegmented", "--format", "json").json()
    stage = _stage(report, "comet")
    assert stage["status"] == "skipped" and "mt-audit[comet]" in stage["enable"]
    assert not [name for name in report["scores"]["document"] if "comet" in name]


def test_missing_extra_or_model_is_reported_not_raised(cli, tmp_path):
    src, tgt, _ = _files(tmp_path)
    for spec in ("Unbabel/wmt22-cometkiwi-da", str(tmp_path / "no-such-model")):
        r = cli("check", tgt, "--source", src, "--presegmented", "--comet", spec, "--format", "json")
        assert r.code == 0, r.err
        stage = _stage(r.json(), "comet")
        assert stage["status"] == "skipped" and stage["enable"]
        try:
            import comet  # noqa: F401
        except ImportError:
            assert "not installed" in stage["reason"] and "mt-audit[comet]" in stage["enable"]
        else:
            assert "not in the local Hugging Face cache" in stage["reason"] or "not found" in stage["reason"]


def test_quality_estimation_scores_every_pair_with_an_interval(cli, tmp_path, comet_models):
    src, tgt, _ = _files(tmp_path, target=TGT[:2])  # the third sentence is omitted
    r = cli("check", tgt, "--source", src, "--presegmented", "--comet", comet_models["qe"], "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)  # nothing but the report reached stdout
    assert _stage(report, "comet")["status"] == "ran"
    pairs = report["scores"]["pairs"]
    assert len(pairs) == 3 and all(isinstance(p["comet"], float) for p in pairs)
    doc = report["scores"]["document"]["comet"]
    lo, hi = doc["interval"]
    assert lo <= doc["value"] <= hi
    assert "class:ReferencelessRegression" in doc["signature"] and "mode:qe" in doc["signature"]
    assert "ckpt:" in report["signature"]["components"]["comet"]


def test_pair_scores_are_the_model_own_scores_of_the_aligned_triplets(cli, tmp_path, comet_models):
    from comet import load_from_checkpoint

    src, tgt, ref = _files(tmp_path)
    r = cli("check", tgt, "--source", src, "--reference", ref, "--presegmented", "--comet", comet_models["ref"], "--format", "json")
    report = r.json()
    got = [p["comet"] for p in report["scores"]["pairs"]]
    model = load_from_checkpoint(str(comet_models["ref"] / "checkpoints" / "model.ckpt"), local_files_only=True)
    direct = model.predict(
        [{"src": s, "mt": t, "ref": f} for s, t, f in zip(SRC, TGT, REF, strict=True)], gpus=0, progress_bar=False, num_workers=0
    ).scores
    assert got == pytest.approx(direct, abs=1e-4)
    doc = report["scores"]["document"]["comet"]
    assert doc["value"] == pytest.approx(sum(direct) / 3, abs=1e-3) and "mode:reference" in doc["signature"]


def test_reference_model_needs_a_reference_and_does_round_trips(cli, tmp_path, comet_models):
    src, tgt, _ = _files(tmp_path)
    r = cli("check", tgt, "--source", src, "--presegmented", "--comet", comet_models["ref"], "--format", "json")
    stage = _stage(r.json(), "comet")
    assert stage["status"] == "skipped" and "needs a reference" in stage["reason"]
    bt = tmp_path / "bt.tsv"
    bt.write_text("".join(f"{t}\t{s}\n" for t, s in zip(TGT, SRC, strict=True)), encoding="utf-8")
    r = cli("check", tgt, "--source", src, "--presegmented", "--comet", comet_models["ref"], "--backtranslate", bt, "--format", "json")
    report = r.json()
    assert _stage(report, "comet")["status"] == "ran"
    assert all("bt-comet" in p for p in report["scores"]["pairs"])
    doc = report["scores"]["document"]["bt-comet"]
    assert "mode:round-trip" in doc["signature"]


def test_comet_signature_changes_with_the_checkpoint(comet_models):
    from audit import comet

    a, b = comet.load(str(comet_models["ref"])), comet.load(str(comet_models["qe"]))
    assert a.needs_ref and not b.needs_ref
    assert a.signature.split("|ckpt:")[1] != b.signature.split("|ckpt:")[1]
