import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SEEDS

SCHEMA = json.loads((ROOT / "audit" / "schema" / "report.schema.json").read_text())


def check_contract(report: dict, decoded: str) -> None:
    jsonschema.validate(report, SCHEMA)
    assert report["schema"] == "audit-report/1"
    segs = report["segments"]["target"]
    assert [s["id"] for s in segs] == list(range(len(segs)))
    for s in segs:
        assert decoded[s["start"] : s["end"]] == s["text"]
    for f in report["findings"]:
        if f["target"]:
            assert decoded[f["target"]["start"] : f["target"]["end"]] == f["target"]["text"]
    total = sum(report["summary"]["by_severity"].values())
    assert total == len(report["findings"]) == report["summary"]["findings"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_reports_satisfy_the_contract(cli, seed):
    r = cli("check", seed, "--format", "json")
    assert r.code == 0, r.err
    report = r.json()
    check_contract(report, seed.read_text(encoding="utf-8"))
    assert report["documents"]["target"]["sha256"] and report["documents"]["source"] is None
    skipped = {s["name"] for s in report["stages"] if s["status"] == "skipped"}
    assert {"align", "backtranslate", "score"} <= skipped
    assert all(s.get("reason") for s in report["stages"] if s["status"] == "skipped")


def test_text_and_markdown_reports(cli):
    seed = SEEDS[0]
    text = cli("check", seed)
    assert text.code == 0 and "findings:" in text.out and "skipped" in text.out
    md = cli("check", seed, "--format", "md")
    assert md.code == 0 and md.out.startswith("## Translation audit")


def test_output_is_written_atomically(cli, tmp_path):
    out = tmp_path / "r.json"
    r = cli("check", SEEDS[0], "--format", "json", "-o", out)
    assert r.code == 0 and r.out == ""
    assert json.loads(out.read_text())["schema"] == "audit-report/1"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_run_leaves_no_report(cli, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out = tmp_path / "r.json"
    r = cli("check", bad, "-o", out)
    assert r.code == 2 and not out.exists()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" target-language="ja" datatype="plaintext"><body>
<trans-unit id="1"><source>Hi.</source><target>&xxe;</target></trans-unit></body></file></xliff>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" target-language="ja" datatype="plaintext"><body>
<trans-unit id="1"><source>&lol3;</source><target>x</target></trans-unit></body></file></xliff>"""


@pytest.mark.parametrize(
    "name,data,needle",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("bad.txt", b"abc \xff\xfe\xfd\x80\x81\x82 def" * 10, "undecodable|binary"),
        ("xxe.xlf", XXE, "unsafe XML"),
        ("laughs.xlf", LAUGHS, "unsafe XML"),
        ("broken.xlf", b"<xliff><file>", "malformed XML"),
        ("bad.jsonl", b'{"source": "a"\n', "invalid JSON"),
        ("one.tsv", b"only one column\n", "two tab-separated columns"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, tmp_path, name, data, needle):
    import re

    r = cli("check", _write(tmp_path, name, data))
    assert r.code == 2
    assert r.err.count("\n") == 1 and r.err.startswith("audit: error: ")
    assert re.search(needle, r.err)
    assert "Traceback" not in r.err


def test_directory_and_missing_path(cli, tmp_path):
    r = cli("check", tmp_path)  # a folder is a project: this one holds no document
    assert r.code == 2 and "directory with no document" in r.err
    r = cli("check", tmp_path / "missing.txt")
    assert r.code == 2 and "no such file" in r.err


def test_large_file_over_the_limit_is_refused(cli, tmp_path):
    p = tmp_path / "big.txt"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse 50 MB file
    r = cli("check", p)
    assert r.code == 2 and "limit" in r.err and "--max-size" in r.err


def test_one_very_long_line_gives_a_correct_report(cli, tmp_path):
    text = ("日米両国は協力を深める方針である、" * 12000)[:200_000]
    p = _write(tmp_path, "long.txt", text.encode())
    r = cli("check", p, "--format", "json")
    assert r.code == 0, r.err
    check_contract(r.json(), text)


def test_mixed_newlines_report_offsets_are_true(cli, tmp_path):
    text = "最初の文。\r\n二番目の文。\r三番目の文。\n\n四番目の文 と 五番目。"
    p = _write(tmp_path, "mixed.txt", text.encode())
    r = cli("check", p, "--format", "json")
    assert r.code == 0
    check_contract(r.json(), text)
    assert len(r.json()["segments"]["target"]) == 4


def test_shift_jis_input(cli, tmp_path):
    text = "日本語の文章です。これはテストです。"
    p = _write(tmp_path, "sjis.txt", text.encode("shift_jis"))
    report = cli("check", p, "--format", "json").json()
    assert report["documents"]["target"]["encoding"] == "cp932"
    check_contract(report, text)


def test_presegmented_ids_are_line_indices(cli, tmp_path):
    text = "一行目の文。\n\n二行目の文。\n三行目の文。\n"
    p = _write(tmp_path, "pre.txt", text.encode())
    report = cli("check", p, "--presegmented", "--format", "json").json()
    assert [s["text"] for s in report["segments"]["target"]] == ["一行目の文。", "二行目の文。", "三行目の文。"]
    assert [s["paragraph"] for s in report["segments"]["target"]] == [0, 1, 1]


def test_rules_and_rule_docs(cli):
    r = cli("rules")
    assert r.code == 0 and "GRB001" in r.out and "NUM001" in r.out
    r = cli("rule", "dup001")
    assert r.code == 0 and "headings" in r.out
    assert "SUP001" in cli("rules").out  # reported by the framework, documented like any check
    r = cli("rule", "sup001")
    assert r.code == 0 and "stale-suppression" in r.out and "fingerprint" in r.out
    r = cli("rule", "GRB01")
    assert r.code == 2 and "did you mean" in r.err
    r = cli("rule", "OMI003")  # rules that look for one error say with which others they are merged
    assert r.code == 0 and "Looks for: omission, like BTD001, OMI002, OMI004, OMI005, OMI006." in r.out and "at least major" in r.out
    r = cli("rule", "CON005")
    assert "Looks for: term-variants, like CON004." in r.out and "at least major" not in r.out
    assert "Looks for" not in cli("rule", "DUP001").out


def test_select_and_ignore(cli, tmp_path):
    p = _write(tmp_path, "t.txt", "によると 公式発表 会議で、両国は合意した。日米日米協力の協力の強化。".encode())
    all_codes = {f["code"] for f in cli("check", p, "--format", "json").json()["findings"]}
    assert "GRB001" in all_codes
    only = {f["code"] for f in cli("check", p, "--format", "json", "--select", "GRB").json()["findings"]}
    assert only and all(c.startswith("GRB") for c in only)
    none = {f["code"] for f in cli("check", p, "--format", "json", "--ignore", "GRB001").json()["findings"]}
    assert "GRB001" not in none
    r = cli("check", p, "--select", "XYZ9")
    assert r.code == 2 and "unknown check code" in r.err


def test_fail_on_gate(cli, tmp_path):
    p = _write(tmp_path, "t.txt", "によると 公式発表 会議で、両国は合意した。".encode())
    assert cli("check", p, "--fail-on", "major").code == 1
    clean = _write(tmp_path, "c.txt", "両国は会議で合意した。".encode())
    assert cli("check", clean, "--fail-on", "minor").code == 0


def test_python_dash_m_and_exit_codes():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "audit", "--help"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0 and "check" in r.stdout
    r = subprocess.run([sys.executable, "-m", "audit", "check"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_help_does_not_import_heavy_modules():
    code = "import sys; from audit.cli import build_parser; build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] in {'sudachipy','sacrebleu','translate','lxml','audit'}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    loaded = eval(r.stdout)
    assert not [m for m in loaded if not m.startswith("audit")]
    assert "audit.pipeline" not in loaded


def test_suppressions_need_a_reason_and_stale_ones_are_reported(cli, tmp_path):
    p = _write(tmp_path, "t.txt", "によると 公式発表 会議で、両国は合意した。".encode())
    report = cli("check", p, "--format", "json").json()
    fp = next(f["fingerprint"] for f in report["findings"] if f["code"] == "GRB001")
    sup = tmp_path / "sup.toml"
    sup.write_text(f'[[suppress]]\nfingerprint = "{fp}"\nreason = "reviewed: quoted verbatim"\n\n[[suppress]]\nfingerprint = "0000"\nreason = "old"\n')
    after = cli("check", p, "--format", "json", "--suppressions", sup).json()
    codes = [f["code"] for f in after["findings"]]
    assert "GRB001" not in codes and codes.count("SUP001") == 1
    assert "suppressed" in next(s for s in after["stages"] if s["name"] == "check")["reason"]
    ignored = cli("check", p, "--format", "json", "--suppressions", sup, "--ignore", "SUP").json()
    assert not [f for f in ignored["findings"] if f["code"] in ("SUP001", "GRB001")]
    sup.write_text(f'[[suppress]]\nfingerprint = "{fp}"\n')
    r = cli("check", p, "--suppressions", sup)
    assert r.code == 2 and "no reason" in r.err


def test_wrong_language_and_swapped_files(cli, tmp_path):
    en = _write(tmp_path, "en.txt", b"The leaders met in Tokyo. They agreed to cooperate.\n")
    ja = _write(tmp_path, "ja.txt", "両首脳は東京で会談した。協力で合意した。\n".encode())
    r = cli("check", en)
    assert r.code == 2 and "does not look like Japanese" in r.err
    r = cli("check", en, "--source", ja)
    assert r.code == 2 and "swapped" in r.err
    same = cli("check", ja, "--source", ja)
    assert same.code == 2 and "source looks Japanese" in same.err
