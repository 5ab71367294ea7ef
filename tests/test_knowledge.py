"""The knowledge index built from a Wikidata JSON dump, and the name checks that use it."""

from __future__ import annotations

import gzip
import json

import pytest
from kit import wikidata_entity, write_wikidata_dump

from audit.config import resolve
from audit.errors import InputError
from audit.knowledge import load
from audit.knowledge.build import build
from audit.knowledge.index import deletions, ja_key, one_edit
from audit.pipeline import AuditRequest, run_audit

ENTITIES = [
    wikidata_entity("Q6279", "Joe Biden", "ジョー・バイデン", ("Q5",), en_aliases=("Joseph Robinette Biden Jr.",), ja_aliases=("バイデン",)),
    wikidata_entity("Q204711", "Food and Drug Administration", "アメリカ食品医薬品局", ("Q327333",), ja_aliases=("食品医薬品局",)),
    wikidata_entity("Q7804", "International Monetary Fund", "国際通貨基金", ("Q484652",), en_aliases=("IMF",)),
    wikidata_entity("Q1490", "Tokyo", "東京都", ("Q1549591", "Q50337")),
    wikidata_entity("Q312", "Apple Inc.", "Apple", ("Q4830453",), ja_aliases=("アップル",)),
    wikidata_entity("Q11707", "restaurant", "レストラン", ("Q2221906",)),  # not a kind of name
    wikidata_entity("Q99999", "Nobody Japanese", None, ("Q5",)),  # no Japanese label
    wikidata_entity("Q22", "Stephen Reeves", "スティーブン・リーブス", ("Q5",)),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kb")
    dump = write_wikidata_dump(folder / "wikidata-20261130-all.json.gz", ENTITIES)
    out = folder / "names.kb"
    stats = build(dump, out)
    assert stats.entities == len(ENTITIES) and stats.kept == 6
    return out


def audit(target, index, source=None, **cli):
    cfg = resolve(cli={"knowledge": str(index), "min-confidence": 0, "select": ["KNW"], **cli}, search=False)
    return run_audit(AuditRequest(str(target), source=str(source) if source else None, config=cfg))


def test_dump_is_indexed_with_its_provenance(index):
    kb = load(index)
    assert kb.meta["dump_date"] == "20261130" and len(kb.meta["dump_sha256"]) == 64 and kb.meta["items"] == "6"
    assert [i.qid for i in kb.by_english("joe biden")] == ["Q6279"]
    assert [i.qid for i in kb.by_english("Joseph Robinette Biden Jr.")] == ["Q6279"]
    assert kb.by_english("restaurant") == [] and kb.by_english("Nobody Japanese") == []
    assert kb.is_japanese_form("ジョーバイデン") and not kb.is_japanese_form("ジョー・バイテン")
    assert [i.qid for i in kb.near_labels("ジョー・バイテン")] == ["Q6279"]
    assert kb.signature().startswith("knowledge:wikidata-20261130-")


@pytest.mark.parametrize("compress, array", [("bz2", True), (None, False), (None, True)])
def test_other_dump_shapes(tmp_path, compress, array):
    dump = write_wikidata_dump(tmp_path / "extract.json", ENTITIES, compress=compress, array=array)
    stats = build(dump, tmp_path / "kb")
    assert stats.kept == 6 and stats.by_kind == {"person": 2, "government body": 1, "organisation": 1, "place": 1, "company": 1}
    assert load(tmp_path / "kb").meta["dump_date"] == "20261130"  # from the entities' modification dates


def test_all_kinds(tmp_path):
    stats = build(write_wikidata_dump(tmp_path / "d.json.gz", ENTITIES), tmp_path / "kb", kinds=None)
    assert stats.kept == 7


def test_bad_dumps_leave_nothing_behind(tmp_path, cli):
    bad = tmp_path / "not-a-dump.json"
    bad.write_text("hello\nworld\n", encoding="utf-8")
    r = cli("knowledge", "build", bad, "-o", tmp_path / "kb")
    assert r.code == 2 and "not a Wikidata JSON dump" in r.err and r.err.count("\n") == 1
    truncated = tmp_path / "cut.json.gz"
    truncated.write_bytes(gzip.compress(("[\n" + json.dumps(ENTITIES[0]) + ",\n") .encode() * 200)[:-200])
    r = cli("knowledge", "build", truncated, "-o", tmp_path / "kb")
    assert r.code == 2 and "cannot read the dump" in r.err
    assert r.err.count("\n") == 1
    missing = cli("knowledge", "build", tmp_path / "nope.json.gz", "-o", tmp_path / "kb")
    assert missing.code == 2
    assert not list(tmp_path.glob("*kb*")), "no index and no temporary file"


def test_cli_build_and_info(tmp_path, cli):
    dump = write_wikidata_dump(tmp_path / "wikidata-20261130-all.json.gz", ENTITIES)
    r = cli("knowledge", "build", dump, "-o", tmp_path / "names.kb")
    assert r.code == 0 and "6 of 8 entities kept" in r.err
    info = cli("knowledge", "info", tmp_path / "names.kb")
    assert "items: 6" in info.out and "dump_date: 20261130" in info.out
    notkb = cli("knowledge", "info", dump)
    assert notkb.code == 2 and "not a knowledge index" in notkb.err


def pairs_file(tmp_path, rows):
    p = tmp_path / "pairs.tsv"
    p.write_text("".join(f"{en}\t{ja}\n" for en, ja in rows), encoding="utf-8")
    return p


def test_official_name_one_character_off_is_reported_with_the_label(tmp_path, index):
    p = pairs_file(tmp_path, [("The Food and Drug Administration approved the drug.", "食品医薬品庁はその薬を承認した。")])
    [f] = audit(p, index).findings
    assert f.code == "KNW001" and f.severity.value == "major"
    assert f.target.text == "食品医薬品庁" and f.source.text == "Food and Drug Administration"
    assert f.suggestion == "アメリカ食品医薬品局" and f.evidence["wikidata"] == "Q204711"


def test_official_name_used_or_a_surname_alone_passes(tmp_path, index):
    p = pairs_file(tmp_path, [
        ("The Food and Drug Administration approved the drug.", "米食品医薬品局はその薬を承認した。"),
        ("Joe Biden spoke on Tuesday.", "バイデン氏は火曜日に演説した。"),
        ("Stephen Reeves spoke on Tuesday.", "スティーヴン・リーヴス氏は火曜日に演説した。"),
    ])  # fmt: skip
    assert audit(p, index).findings == ()


def test_organisation_rendered_otherwise_is_minor(tmp_path, index):
    p = pairs_file(tmp_path, [("The International Monetary Fund cut its forecast.", "国際機関は予測を下方修正した。")])
    [f] = audit(p, index).findings
    assert f.code == "KNW001" and f.severity.value == "minor" and f.suggestion == "国際通貨基金"


def test_a_person_rendered_otherwise_is_left_to_the_name_checks(tmp_path, index):
    p = pairs_file(tmp_path, [("Joe Biden spoke on Tuesday.", "大統領は火曜日に演説した。")])
    assert audit(p, index).findings == ()


def test_near_known_label_target_only(tmp_path, index):
    t = tmp_path / "t.txt"
    t.write_text("ジョー・バイテン大統領は国際通過基金を訪れた。\n\nジョー・バイデン氏は述べた。レストランで食事をした。\n", encoding="utf-8")
    found = {f.target.text: f for f in audit(t, index).findings}
    assert set(found) == {"ジョー・バイテン", "国際通過基金"}
    assert found["ジョー・バイテン"].severity.value == "major" and found["ジョー・バイテン"].evidence["label_elsewhere"]
    assert found["国際通過基金"].severity.value == "minor" and found["国際通過基金"].suggestion == "国際通貨基金"


def test_spelling_choices_are_not_reported(tmp_path, index):
    t = tmp_path / "t.txt"
    t.write_text("スティーヴン・リーブス氏とジョー・バイデーン氏が東京都庁で会った。\n", encoding="utf-8")
    assert audit(t, index).findings == ()


def test_knowledge_goes_into_the_signature_and_missing_index_is_an_error(tmp_path, index, cli):
    t = tmp_path / "t.txt"
    t.write_text("ジョー・バイデン氏は述べた。\n", encoding="utf-8")
    report = audit(t, index)
    assert report.signature["components"]["knowledge"] == load(index).signature()
    r = cli("check", t, "--knowledge", tmp_path / "missing.kb")
    assert r.code == 2 and "knowledge index not found" in r.err
    skipped = cli("check", t, "--select", "KNW", "--format", "json").json()
    assert "KNW002 needs knowledge" in next(s for s in skipped["stages"] if s["name"] == "check")["reason"]


def test_one_edit_and_deletions():
    assert one_edit("バイデン", "バイテン") and one_edit("バイデン", "バイデーン") and one_edit("バイデン", "バデン")
    assert not one_edit("バイデン", "バイデン") and not one_edit("バイデン", "ハイテン")
    assert "バデン" in deletions("バイデン") and ja_key("ジョー・バイデン") == "ジョーバイデン"
    with pytest.raises(InputError):
        load("/nonexistent/index.kb")


class _WikidataAPI:
    """A local MediaWiki API answering wbsearchentities and wbgetentities as Wikidata does."""

    def __init__(self, entities):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.requests: list[dict] = []
        by_id = {e["id"]: e for e in entities}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                api.requests.append({**q, "user-agent": self.headers.get("User-Agent", "")})
                if q.get("action") == "wbsearchentities":
                    needle = q["search"].casefold()
                    hits = []
                    for e in entities:
                        names = [e["labels"]["en"]["value"]] + [a["value"] for a in e["aliases"].get("en", [])]
                        for n in names:
                            if needle in n.casefold():
                                hits.append({"id": e["id"], "label": e["labels"]["en"]["value"],
                                             "match": {"type": "label", "language": "en", "text": n}})
                                break
                    body = {"searchinfo": {"search": q["search"]}, "search": hits, "success": 1}
                else:
                    body = {"entities": {i: by_id[i] for i in q["ids"].split("|") if i in by_id}, "success": 1}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/w/api.php"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()


def test_online_wikidata_api_is_opt_in_and_cached(tmp_path, cli, monkeypatch):
    api = _WikidataAPI(ENTITIES)
    try:
        monkeypatch.setenv("AUDIT_WIKIDATA_API", api.url)
        p = pairs_file(tmp_path, [("The Food and Drug Administration approved the drug.", "食品医薬品庁はその薬を承認した。")])
        refused = cli("check", p, "--knowledge", "wikidata")
        assert refused.code == 2 and "AUDIT_ALLOW_DOWNLOADS=1" in refused.err and not api.requests
        monkeypatch.setenv("AUDIT_ALLOW_DOWNLOADS", "1")
        r = cli("check", p, "--knowledge", "wikidata", "--select", "KNW", "--min-confidence", "0", "--format", "json")
        assert r.code == 0, r.err
        [f] = r.json()["findings"]
        assert f["code"] == "KNW001" and f["suggestion"] == "アメリカ食品医薬品局" and f["target"]["text"] == "食品医薬品庁"
        assert r.json()["signature"]["components"]["knowledge"].startswith("knowledge:wikidata-api@127.0.0.1")
        assert api.requests and all(q["user-agent"].startswith("mt-audit/") for q in api.requests)
        asked = len(api.requests)
        again = cli("check", p, "--knowledge", "wikidata", "--select", "KNW", "--min-confidence", "0", "--format", "json")
        assert again.json()["findings"][0]["code"] == "KNW001" and len(api.requests) == asked, "served from the cache"
        stage = next(s for s in again.json()["stages"] if s["name"] == "check")
        assert "no look-up by nearness" in " ".join(stage.get("notes", []))
    finally:
        api.close()


def test_knowledge_findings_are_listed_uncalibrated_at_the_default_threshold(tmp_path, index, monkeypatch):
    monkeypatch.delenv("AUDIT_MIN_CONFIDENCE", raising=False)
    p = pairs_file(tmp_path, [("The Food and Drug Administration approved the drug.", "食品医薬品庁はその薬を承認した。")])
    cfg = resolve(cli={"knowledge": str(index), "select": ["KNW"]}, search=False)
    report = run_audit(AuditRequest(str(p), config=cfg))
    assert [(f.code, f.confidence) for f in report.findings] == [("KNW001", None)] and report.min_confidence > 0
