"""Sentence vectors cached across runs: a re-audit encodes only what changed, and the report is
the same with the cache as without it."""

from __future__ import annotations

import json

import numpy as np

from audit.config import resolve
from audit.embedders import Embedder, cached
from audit.pipeline import AuditRequest, run_audit
from audit.render import render


def test_only_sentences_not_seen_before_are_encoded(tmp_path):
    calls: list[list[str]] = []

    def encode(texts):
        calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    raw = Embedder("fake", "enc:fake-1", encode, 3)
    path = tmp_path / "embeddings.sqlite3"
    first = cached(raw, path)(["a cat", "a dog", "a cat"])
    assert calls == [["a cat", "a dog"]]  # each distinct text once
    again = cached(raw, path)(["a dog", "a cat", "a bird"])
    assert calls[1:] == [["a bird"]]
    assert np.array_equal(again[:2], first[[1, 0]]) and np.array_equal(first, raw(["a cat", "a dog", "a cat"]))
    other = Embedder("fake", "enc:fake-2", encode, 3)  # another encoder's vectors are not reused
    cached(other, path)(["a cat"])
    assert calls[-1] == ["a cat"]


def _report(target, source, use_cache: bool) -> dict:
    cfg = resolve(cli={"backtranslate": "none"}, search=False, env={})
    report = json.loads(render(run_audit(AuditRequest(target, source=source, config=cfg, use_cache=use_cache)), "json"))
    for stage in report["stages"]:
        stage.pop("seconds", None)
    return report


def test_a_report_is_the_same_with_cached_vectors_as_without(tmp_path):
    source, target = tmp_path / "s.en.txt", tmp_path / "t.ja.txt"
    source.write_text("The government announced a new plan on Monday.\n\nMinister Harrington met the delegation in Tokyo.\n", encoding="utf-8")
    target.write_text("政府は月曜日に新しい計画を発表した。\n\nハリンソン大臣は東京で代表団と会談した。\n", encoding="utf-8")
    uncached = _report(target, source, use_cache=False)
    filled = _report(target, source, use_cache=True)   # encodes and stores
    from_cache = _report(target, source, use_cache=True)  # reads every vector back
    assert uncached == filled == from_cache
    assert from_cache["alignment"] and from_cache["scores"]["pairs"]


def test_e2k_answers_are_kept_on_disk_and_read_back(tmp_path, monkeypatch):
    """A second process (or a cleared in-process cache) gets e2k's answers from the cache file,
    without running the model, and gets the same numbers."""
    from audit.lexicon import transliteration as tr

    monkeypatch.setenv("AUDIT_HOME", str(tmp_path / "home"))
    tr.transliterate.cache_clear()  # earlier tests may hold the answers in memory
    tr._forced.cache_clear()
    kana = tr.transliterate("Harrington")
    conv = tr._e2k()
    forced = tr._forced(conv, "Harrington", kana)
    assert kana and (tmp_path / "home" / "cache" / "e2k.sqlite3").is_file()
    tr.transliterate.cache_clear()
    tr._forced.cache_clear()

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran: the answer was not read from the cache")

    monkeypatch.setattr(tr, "_forced_now", no_model)
    monkeypatch.setattr(type(conv), "__call__", no_model)
    assert tr.transliterate("Harrington") == kana
    assert tr._forced(conv, "Harrington", kana) == forced
    tr.transliterate.cache_clear()
    tr._forced.cache_clear()
