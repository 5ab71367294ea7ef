"""Back-translation: install a real (tiny) Argos package offline and run the real path through it."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from audit.backtranslate import packages
from audit.backtranslate.artefacts import find_artefacts
from audit.backtranslate.base import Hypothesis
from audit.backtranslate.cache import Cache, translate_cached
from audit.errors import InputError, UsageError

JA = "政府は新しい計画を発表した。経済は成長している。\n\n会議は東京で開かれた。\n"


@pytest.fixture
def target(tmp_path) -> Path:
    p = tmp_path / "doc.ja.txt"
    p.write_text(JA, encoding="utf-8")
    return p


@pytest.fixture
def installed(cli, argos_package):
    res = cli("models", "install", argos_package)
    assert res.code == 0, res.err
    return argos_package


def test_install_list_remove(cli, argos_package):
    res = cli("models", "install", argos_package)
    assert res.code == 0 and "translate-ja_en-0_1" in res.out
    listed = json.loads(cli("models", "list", "--format", "json").out)
    assert [(m["name"], m["from"], m["to"], m["origin"]) for m in listed] == [("translate-ja_en-0_1", "ja", "en", "audit")]
    again = cli("models", "install", argos_package)
    assert again.code == 2 and "already installed" in again.err
    assert cli("models", "install", argos_package, "--replace").code == 0
    assert cli("models", "remove", "translate-ja_en-0_1").code == 0
    assert json.loads(cli("models", "list", "--format", "json").out) == []
    gone = cli("models", "remove", "translate-ja_en-0_1")
    assert gone.code == 2 and gone.err.count("\n") == 1


def test_check_backtranslates_every_sentence_and_signs_it(cli, installed, target):
    res = cli("check", target, "--format", "json")
    assert res.code == 0, res.err
    report = res.json()
    segs = report["segments"]["target"]
    bts = report["backtranslations"]
    assert [b["segment"] for b in bts] == [s["id"] for s in segs]
    assert all(isinstance(b["text"], str) and isinstance(b["score"], float) for b in bts)
    sig = report["signature"]["components"]["backtranslation"]
    pkg_hash = packages.load_package(packages.models_dir() / "translate-ja_en-0_1").sha256()
    assert f"sha256:{pkg_hash[:16]}" in sig and "beam:4" in sig and "compute:default" in sig
    stage = next(s for s in report["stages"] if s["name"] == "backtranslate")
    assert stage["status"] == "ran" and "3 translated now" in stage["reason"]


def test_second_run_translates_nothing(cli, installed, target):
    first = cli("check", target, "--format", "json").json()
    second = cli("check", target, "--format", "json").json()
    stage = next(s for s in second["stages"] if s["name"] == "backtranslate")
    assert "0 translated now, 3 from cache" in stage["reason"]
    assert first["backtranslations"] == second["backtranslations"]
    # Different settings are a different cache key.
    third = cli("check", target, "--format", "json", "--beam-size", "2").json()
    assert "3 translated now" in next(s for s in third["stages"] if s["name"] == "backtranslate")["reason"]


def test_nbest_gives_alternatives_and_agreement(cli, installed, target):
    report = cli("check", target, "--format", "json", "--nbest", "3", "--no-cache").json()
    for bt in report["backtranslations"]:
        assert len(bt["alternatives"]) == 2
        assert 0.0 <= bt["agreement"] <= 1.0


def test_corrupt_cache_is_rebuilt(cli, installed, target):
    cache = packages.audit_home() / "cache" / "backtranslations.sqlite3"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"this is not a database" * 100)
    res = cli("check", target, "--format", "json")
    assert res.code == 0, res.err
    stage = next(s for s in res.json()["stages"] if s["name"] == "backtranslate")
    assert "rebuilt" in stage["reason"]
    again = cli("check", target, "--format", "json").json()
    assert "from cache" in next(s for s in again["stages"] if s["name"] == "backtranslate")["reason"]


def test_no_model_is_reported_with_the_command_that_enables_it(cli, target):
    report = cli("check", target, "--format", "json").json()
    stage = next(s for s in report["stages"] if s["name"] == "backtranslate")
    assert stage["status"] == "skipped" and "audit models install" in stage["enable"]
    assert report["backtranslations"] == []
    text = cli("check", target).out
    assert "audit models install" in text


def test_unknown_model_name_is_a_usage_error(cli, target):
    res = cli("check", target, "--backtranslate", "no-such-model")
    assert res.code == 2 and "no such model" in res.err and res.err.count("\n") == 1


def test_model_in_the_wrong_direction_is_refused(cli, tmp_path, target):
    from kit import build_argos_package

    pkg = build_argos_package(tmp_path / "enja", name="translate-en_ja-0_1", from_code="en", to_code="ja")
    assert cli("models", "install", pkg).code == 0
    res = cli("check", target, "--backtranslate", "translate-en_ja-0_1")
    assert res.code == 2 and "en→ja" in res.err
    # auto ignores it
    report = cli("check", target, "--format", "json").json()
    assert report["backtranslations"] == []


def test_packages_installed_by_argostranslate_are_found(cli, argos_package, target, tmp_path):
    argos_dir = Path(os.environ["ARGOS_PACKAGES_DIR"])
    argos_dir.mkdir(parents=True)
    with zipfile.ZipFile(argos_package) as zf:
        zf.extractall(argos_dir)
    listed = json.loads(cli("models", "list", "--format", "json").out)
    assert [m["origin"] for m in listed] == ["argos"]
    report = cli("check", target, "--format", "json").json()
    assert len(report["backtranslations"]) == 3
    # the toolkit does not delete what argostranslate owns
    assert cli("models", "remove", listed[0]["name"]).code == 2


def _zip(path: Path, members: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


META = json.dumps({"from_code": "ja", "to_code": "en", "package_version": "1.0"}).encode()


@pytest.mark.parametrize(
    "members, links, message",
    [
        ({"pkg/metadata.json": META, "../evil.txt": b"x"}, (), "unsafe path"),
        ({"/abs/metadata.json": META}, (), "unsafe path"),
        ({"pkg/metadata.json": META}, ("pkg/model/model.bin",), "link"),
        ({"a/metadata.json": META, "b/metadata.json": META}, (), "one top-level folder"),
        ({"pkg/metadata.json": b"[1, 2]"}, (), "not a JSON object"),
        ({"pkg/metadata.json": json.dumps({"from_code": "../x", "to_code": "en"}).encode()}, (), "language code"),
        ({"pkg/metadata.json": META}, (), "model/model.bin"),
    ],
)
def test_unsafe_or_invalid_archives_leave_nothing_behind(cli, tmp_path, members, links, message):
    bad = _zip(tmp_path / "bad.argosmodel", members, links)
    res = cli("models", "install", bad)
    assert res.code == 2 and message in res.err and res.err.count("\n") == 1
    folder = packages.models_dir()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_size_limit(monkeypatch, argos_package, tmp_path):
    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(InputError, match="expands beyond"):
        packages.install_package(argos_package, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_not_a_zip(cli, tmp_path):
    p = tmp_path / "x.argosmodel"
    p.write_text("hello")
    res = cli("models", "install", p)
    assert res.code == 2 and "zip" in res.err


def test_install_by_name_fails_fast_offline(monkeypatch):
    import time

    monkeypatch.setattr(packages, "INDEX_URL", "http://127.0.0.1:9/index.json")
    t = time.monotonic()
    with pytest.raises(UsageError, match="cannot reach the Argos package index.*install PATH.argosmodel"):
        packages.install_by_name("ja_en")
    assert time.monotonic() - t < 15


def test_engine_batches_match_one_at_a_time(argos_package, tmp_path):
    """Batching and sorting by length must not change a translation."""
    from audit.backtranslate.ct2 import CT2BackTranslator, DecodeSettings

    pkg = packages.install_package(argos_package, tmp_path / "models")
    tr = CT2BackTranslator(pkg, DecodeSettings(max_decoding_length=24))
    texts = ["政府は計画を発表した。", "経済は成長している。会議は東京で開かれた。", "AI", "日本と米国は協力を強化する。"]
    together = [h[0].text for h in tr.translate(texts)]
    alone = [tr.translate([t])[0][0].text for t in texts]
    assert together == alone
    assert len({h.text for h in tr.translate(["政府は計画を発表した。"], n_best=3)[0]}) >= 2


def test_precomputed_tsv_and_jsonl(cli, tmp_path, target):
    tsv = tmp_path / "bt.tsv"
    tsv.write_text("target\tbacktranslation\n政府は新しい計画を発表した。\tThe government announced a new plan.\n"
                   "会議は東京で開かれた。\tThe meeting was held in Tokyo.\n", encoding="utf-8")
    report = cli("check", target, "--format", "json", "--backtranslate", tsv).json()
    assert [b["text"] for b in report["backtranslations"]] == ["The government announced a new plan.", "The meeting was held in Tokyo."]
    stage = next(s for s in report["stages"] if s["name"] == "backtranslate")
    assert "1 sentences have no back-translation" in stage["reason"]
    assert report["signature"]["components"]["backtranslation"].startswith("file:bt.tsv|sha256:")
    jsonl = tmp_path / "bt.jsonl"
    jsonl.write_text(json.dumps({"target": "経済は 成長 している。", "backtranslation": "The economy grows."}, ensure_ascii=False) + "\n")
    report = cli("check", target, "--format", "json", "--backtranslate", jsonl).json()
    assert [b["text"] for b in report["backtranslations"]] == ["The economy grows."]


def test_precomputed_file_errors(cli, tmp_path, target):
    bad = tmp_path / "bt.tsv"
    bad.write_text("only one column\n", encoding="utf-8")
    res = cli("check", target, "--backtranslate", bad)
    assert res.code == 2 and "line 1" in res.err
    res = cli("check", target, "--backtranslate", tmp_path / "missing.tsv")
    assert res.code == 2


def test_artefacts_blame_the_back_translator_not_the_translation():
    assert find_artefacts("予算は5億ドルだ。", "The budget is $500 million.") == []
    lost = find_artefacts("予算は5億ドルだ。", "The budget is large.")
    assert lost and "number" in lost[0]
    assert find_artefacts("詳細はhttps://example.org/a_b を参照。", "See https://example.org/a_b for details.") == []
    lost = find_artefacts("変数max_lenを使う。", "Use the variable max len.")
    assert lost == ["Latin token 'max_len' lost (underscores decoded as spaces)"]
    assert find_artefacts("「{name}」さん", "Mr. {name}") == []
    assert "placeholder" in find_artefacts("「{name}」さん", "Mr. Name")[0]


def test_cache_is_shared_safely_between_processes(tmp_path):
    import multiprocessing as mp

    path = tmp_path / "c.sqlite3"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), i)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    cache = Cache(path)
    got = cache.get_many("sig", 1, [f"{i}-{j}" for i in range(3) for j in range(50)])
    assert len(got) == 150 and cache.problem is None


def _writer(path: str, i: int) -> None:
    cache = Cache(Path(path))
    for j in range(50):
        cache.put_many("sig", 1, {f"{i}-{j}": [Hypothesis(f"text {i} {j}", -1.0)]})
    cache.close()


def test_translate_cached_translates_each_distinct_text_once():
    calls = []

    class Echo:
        name = "echo"

        def signature(self):
            return "echo/1"

        def translate(self, texts, n_best=1):
            calls.append(list(texts))
            return [[Hypothesis(t.upper())] for t in texts]

    out, fresh = translate_cached(Echo(), ["a", "b", "a"], 1, None)
    assert [h[0].text for h in out] == ["A", "B", "A"] and fresh == 2 and calls == [["a", "b"]]
