"""The audit signature: every report carries one; two reports are comparable when they match."""

from __future__ import annotations


def _reports(cli, tmp_path, *extra: str):
    a = tmp_path / "a.ja"
    b = tmp_path / "b.ja"
    a.write_text("委員会は予算を承認した。\n", encoding="utf-8")
    b.write_text("会議は来月に再開される予定である。\n", encoding="utf-8")
    out = []
    for doc, name in ((a, "ra.json"), (b, "rb.json")):
        path = tmp_path / name
        assert cli("check", doc, "--format", "json", "-o", path, *extra).code == 0
        out.append(path)
    return out


def test_reports_on_different_documents_with_the_same_settings_are_comparable(cli, tmp_path):
    ra, rb = _reports(cli, tmp_path)
    r = cli("signature", ra, rb)
    assert r.code == 0 and r.out.startswith("comparable")
    import json

    a, b = (json.loads(p.read_text(encoding="utf-8"))["signature"] for p in (ra, rb))
    assert a["id"] == b["id"] and a["inputs"]["target"] != b["inputs"]["target"]


def test_different_settings_are_named(cli, tmp_path):
    ra, _ = _reports(cli, tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, rb = _reports(cli, other, "--ignore", "GRB")
    r = cli("signature", ra, rb)
    assert r.code == 1 and "not comparable" in r.out and "settings.ignore" in r.out


def test_signature_of_one_report_and_bad_input(cli, tmp_path):
    ra, _ = _reports(cli, tmp_path)
    r = cli("signature", ra)
    assert r.code == 0 and "segmenter" in r.out and "intervals: bootstrap:1000" in r.out
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    r = cli("signature", junk)
    assert r.code == 2 and "not an audit JSON report" in r.err
