"""Project audits: a tree of documents in one run, on one or several cores or a Dask cluster,
with checks across documents and one report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from audit.config import resolve
from audit.errors import MissingExtraError
from audit.project import Options, from_dirs, run_project

ROOT = Path(__file__).resolve().parent.parent
REPORT_SCHEMA = json.loads((ROOT / "audit" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
PROJECT_SCHEMA = json.loads((ROOT / "audit" / "schema" / "project.schema.json").read_text(encoding="utf-8"))
TOPICS = ["budget", "trade", "energy", "health", "schools"]


def write_tree(root: Path, n: int = 20) -> Path:
    """``n`` paired documents under en/ and ja/ (nested folders), one translation with no source,
    one source with no translation; "Harrington" is spelt ハリングトン in one file only, and
    プリンタ in one file where the others write プリンター."""
    for i in range(n):
        folder = f"guide/part{i % 3}" if i % 2 else "news"
        topic = TOPICS[i % len(TOPICS)]
        en = root / "en" / folder / f"doc{i:02d}.txt"
        ja = root / "ja" / folder / f"doc{i:02d}.txt"
        en.parent.mkdir(parents=True, exist_ok=True)
        ja.parent.mkdir(parents=True, exist_ok=True)
        name = "ハリングトン" if i == 7 else "ハリントン"
        printer = "プリンタ" if i == 11 else "プリンター"
        en.write_text(f"Harrington spoke about {topic} on day {i}.\nThe printer in room {i} was repaired.\n", encoding="utf-8")
        ja.write_text(f"{name}氏は{i}日目に{topic}について話した。\n{i}号室の{printer}が修理された。\n", encoding="utf-8")
    (root / "en" / "news" / "untranslated.txt").write_text("This page was never translated.\n", encoding="utf-8")
    (root / "ja" / "news" / "japanese-only.txt").write_text("原文のない日本語だけの文書です。\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return write_tree(tmp_path_factory.mktemp("tree"))


def fingerprints(data: dict) -> list:
    return [(d["key"], [f["fingerprint"] for f in d["report"]["findings"]]) for d in data["documents"]] + [
        [f["fingerprint"] for f in data["findings"]]
    ]


def test_tree_audited_as_one_project(cli, tree):
    out = tree / "project.json"
    r = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1",
            "--format", "json", "-o", out)  # fmt: skip
    assert r.code == 0, r.err
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, PROJECT_SCHEMA)
    for doc in data["documents"]:
        jsonschema.validate(doc["report"], REPORT_SCHEMA)
    keys = [d["key"] for d in data["documents"]]
    assert len(keys) == 21 and keys == sorted(keys)
    only = next(d for d in data["documents"] if d["key"] == "news/japanese-only.txt")
    assert only["report"]["summary"]["mode"] == "target-only"
    assert data["totals"]["target_only"] == 1 and data["plan"]["missing_translations"] == ["news/untranslated.txt"]
    codes = {f["code"]: f for f in data["findings"]}
    assert codes["PRJ003"]["evidence"]["source"] == "news/untranslated.txt"
    name = codes["PRJ001"]
    assert name["suggestion"] == "ハリントン" and name["evidence"]["spellings"] == {"ハリントン": 20 - 1, "ハリングトン": 1}
    assert {p["document"] for p in name["evidence"]["places"] if p["text"] == "ハリングトン"} == {"guide/part1/doc07.txt"}
    assert codes["PRJ002"]["suggestion"] == "プリンター"
    text = (tree / "ja" / "guide" / "part1" / "doc07.txt").read_text(encoding="utf-8")
    place = next(p for p in name["evidence"]["places"] if p["text"] == "ハリングトン")
    assert text[place["start"] : place["end"]] == "ハリングトン"


def test_same_report_whatever_runs_it(cli, tree):
    runs = {}
    for label, extra in (("1", ["--jobs", "1"]), ("2", ["--jobs", "2"])):
        r = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", *extra, "--format", "json")
        assert r.code == 0, r.err
        runs[label] = r.json()
    assert fingerprints(runs["1"]) == fingerprints(runs["2"])
    assert runs["1"]["signature"]["id"] == runs["2"]["signature"]["id"]


def test_dask_local_cluster_gives_the_same_findings(tree):
    pytest.importorskip("distributed", reason="the Dask executor needs the extra: pip install 'mt-audit[dask]'")
    cfg = resolve(cli={"min-confidence": 0}, search=False)
    plan = from_dirs(str(tree / "en"), str(tree / "ja"))
    local = run_project(plan, cfg, jobs=1, options=Options(presegmented=True))
    dask = run_project(plan, cfg, jobs=2, executor="dask", options=Options(presegmented=True))
    assert fingerprints(local.to_dict()) == fingerprints(dask.to_dict())


def test_dask_missing_is_an_error_naming_the_extra(tree, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError) as exc:
        run_project(from_dirs(str(tree / "en"), str(tree / "ja")), resolve(search=False), jobs=2, executor="dask")
    assert "mt-audit[dask]" in str(exc.value)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "sarif", "junit", "csv", "jsonl"])
def test_every_format(cli, tree, fmt):
    r = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1", "--format", fmt)
    assert r.code == 0, r.err
    out = r.out
    if fmt == "sarif":
        run = json.loads(out)["runs"]
        assert len(run) == 1 and len({a["location"]["uri"] for a in run[0]["artifacts"]}) == len(run[0]["artifacts"]) >= 21
        prj = [x for x in run[0]["results"] if x["ruleId"] == "PRJ001"]
        assert prj and len(prj[0]["locations"]) == 20
    elif fmt == "junit":
        import defusedxml.ElementTree as ET

        suites = ET.fromstring(out.encode()).findall("testsuite")
        assert len(suites) == 22 and suites[-1].get("name") == "mt-audit: across documents"
    elif fmt == "html":
        assert "Content-Security-Policy" in out and out.count('<section class="doc" id="doc-') == 21
        assert '<a href="#doc-0">' in out and "ハリングトン" in out and "<script>alert" not in out
    elif fmt == "csv":
        assert out.startswith("document,id,") and "(project),P0001" in out
    elif fmt == "jsonl":
        lines = [json.loads(x) for x in out.splitlines()]
        assert lines[-1]["type"] == "summary" and lines[-1]["documents"] == 21
        assert {x["code"] for x in lines if x["type"] == "finding" and x["document"] is None} == {"PRJ001", "PRJ002", "PRJ003"}
    else:
        assert "news/japanese-only.txt" in out and "across documents" in out.lower() and "21 documents (1 target-only)" in out


def test_gates_on_documents_and_totals(cli, tree):
    r = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1",
            "--gate", "PRJ003==0", "--format", "json")  # fmt: skip
    assert r.code == 1 and "totals: gate FAILED PRJ003==0" in r.err
    ok = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1",
             "--gate", "critical==0", "--format", "json")  # fmt: skip
    assert ok.code == 0, ok.err
    assert all(d["report"]["gates"][0]["passed"] for d in ok.json()["documents"])
    assert ok.json()["gates"][0]["gate"] == "critical==0"
    major = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1", "--fail-on", "major")
    assert major.code == 1 and "at severity major or worse" in major.err  # the missing translation is major


def test_targets_folders_globs_and_patterns(cli, tree, monkeypatch):
    monkeypatch.chdir(tree)
    r = cli("check", "ja/news", "--jobs", "1", "--format", "json")
    assert r.code == 0, r.err
    keys = [d["key"] for d in r.json()["documents"]]
    assert keys == sorted(keys) and "ja/news/japanese-only.txt" in keys and all(k.startswith("ja/news/") for k in keys)
    assert all(d["report"]["summary"]["mode"] == "target-only" for d in r.json()["documents"])
    g = cli("check", "ja/guide/**/doc0*.txt", "--jobs", "1", "--format", "json")
    assert [d["key"] for d in g.json()["documents"]] == [
        "ja/guide/part0/doc03.txt", "ja/guide/part0/doc09.txt", "ja/guide/part1/doc01.txt", "ja/guide/part1/doc07.txt", "ja/guide/part2/doc05.txt",
    ]  # fmt: skip
    inc = cli("check", "--source-dir", "en", "--target-dir", "ja", "--include", "news/*", "--exclude", "*japanese-only*",
              "--jobs", "1", "--format", "json")  # fmt: skip
    keys = [d["key"] for d in inc.json()["documents"]]
    assert keys and all(k.startswith("news/") for k in keys) and "news/japanese-only.txt" not in keys


def test_project_errors_are_one_line(cli, tree, tmp_path):
    for args, message in (
        (["--source-dir", tree / "en"], "go together"),
        (["--source-dir", tree / "en", "--target-dir", tmp_path / "nope"], "not a folder"),
        (["--source-dir", tree / "en", "--target-dir", tree / "ja", "--source", "x.txt"], "--source-dir"),
        (["--source-dir", tree / "en", "--target-dir", tree / "ja", "--executor", "spark"], "executor"),
        ([str(tmp_path / "none-*.txt")], "no file matches"),
    ):
        r = cli("check", *args)
        assert r.code == 2 and message in r.err and r.err.count("\n") == 1, (args, r.err)
    bad = tmp_path / "bad"
    (bad / "en").mkdir(parents=True)
    (bad / "ja").mkdir()
    (bad / "en" / "a.txt").write_text("Hello.\n", encoding="utf-8")
    (bad / "ja" / "a.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe")
    r = cli("check", "--source-dir", bad / "en", "--target-dir", bad / "ja", "--jobs", "1", "-o", tmp_path / "out.json")
    assert r.code == 2 and r.err.count("\n") == 1 and not (tmp_path / "out.json").exists()


def test_baseline_keeps_one_entry_per_document(cli, tree, tmp_path):
    base = tmp_path / "baseline.json"
    r = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "2",
            "--baseline", base, "--update-baseline", "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    entries = json.loads(base.read_text(encoding="utf-8"))["documents"]
    assert len(entries) == 21
    again = cli("check", "--source-dir", tree / "en", "--target-dir", tree / "ja", "--presegmented", "--jobs", "1",
                "--baseline", base, "--gate", "new==0", "--format", "json")  # fmt: skip
    assert again.code == 0, again.err


def test_a_file_named_like_a_glob_is_itself(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a[1].txt").write_text("これは文書です。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("東京は日本の首都です。\n", encoding="utf-8")
    r = cli("check", "a[1].txt", "b.txt", "--jobs", "1", "--format", "json")
    assert r.code == 0, r.err
    assert [d["key"] for d in r.json()["documents"]] == ["a[1].txt", "b.txt"]


def test_an_existing_dask_scheduler_by_address(tree):
    pytest.importorskip("distributed", reason="the Dask executor needs the extra: pip install 'mt-audit[dask]'")
    from distributed import LocalCluster

    cfg = resolve(cli={"min-confidence": 0}, search=False)
    plan = from_dirs(str(tree / "en"), str(tree / "ja"), include=["news/*"])
    local = run_project(plan, cfg, jobs=1, options=Options(presegmented=True))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        remote = run_project(plan, cfg, jobs=1, executor=address, options=Options(presegmented=True))
    assert fingerprints(remote.to_dict()) == fingerprints(local.to_dict())
