"""Property-based fuzzing of every input the toolkit reads, each followed by every renderer.

The only outcomes allowed for a generated input are a report that every renderer turns into
text (UTF-8-encodable, the JSON valid against its schema), or an ``AuditError`` of one line:
what the CLI prints before it exits 2. Anything else (a traceback) fails, and Hypothesis keeps
the smallest input that shows it. Each input must also finish within ``BOUND_S`` seconds.

The normal suite runs a small, derandomised budget (``AUDIT_FUZZ_EXAMPLES``, default 20 per
format); ``nox -s fuzz`` runs 10,000 per format with a random seed and writes the counts per
format (inputs, reports, refusals, slowest) to the file ``AUDIT_FUZZ_STATS`` names.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audit.config import Config, resolve
from audit.errors import AuditError
from audit.pipeline import AuditRequest, run_audit
from audit.render import FORMATS, render

EXAMPLES = int(os.environ.get("AUDIT_FUZZ_EXAMPLES", "20"))
BOUND_S = 30.0  # the per-input bound the docs state; inputs here are small, so far under it
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the bound is asserted on the audit itself, not on generation
    derandomize=EXAMPLES <= 100,  # the normal suite is reproducible; nox -s fuzz explores
    database=None if EXAMPLES <= 100 else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

_STATS: dict[str, Counter[str]] = defaultdict(Counter)
_SLOWEST: dict[str, float] = defaultdict(float)
_WHY: dict[str, Counter[str]] = defaultdict(Counter)


def _reason(message: str) -> str:
    """An error message without its path, numbers and quoted values: what kind of refusal."""
    message = message.split(": ", 1)[-1] if message.startswith("/") else message
    return re.sub(r"'[^']*'|\"[^\"]*\"|\(.*|\d+", "…", message)[:70]


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    out = os.environ.get("AUDIT_FUZZ_STATS")
    if out and _STATS:
        path = Path(out)
        previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        for fmt, counts in _STATS.items():
            previous[fmt] = {**counts, "slowest_s": round(_SLOWEST[fmt], 3), "bound_s": BOUND_S,
                             "refused_because": dict(_WHY[fmt].most_common(5))}
        path.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# ---------------------------------------------------------------- text strategies

_JA = "の一二三日本語政府経済発表会議東京円億万千百年月日あいうえおかきくけこんアイウエオカタカナシントンー・「」『』（）。、！？…〜％＄０１２３４５"
_EN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()-$%&/@#"
_FRAGMENTS = [
    "3.5億ドル", "$3.5 billion", "二千二十四年", "Washington", "ワシントン", "NATO", "北大西洋条約機構",
    "https://example.com/a?b=c&d=1", "user@example.com", "@handle", "#tag", "**bold**", "# Heading\n",
    "```\ncode\n```", "<b>tag</b>", "&amp;", "\t", "\r\n", "\r", "\u2028", "\x00", "\x1b[31m", "\ufeff",
    "\u200b", "😀", "👨‍👩‍👧", "①", "ﾊﾝｶｸ", "Ⅲ", "((((", "))))", "「「", "」", "100%", "5,000", "５０００",
    "1/2", "12:30", "Mr.", "e.g.", "...", "。。。", " ", "\n", "\n\n", "-", "　", "U.S.", "GOP", "共和党",
    "10 km", "１０キロ", "3 p.m.", "午後3時", "×", "→", "ｗｗｗ", ":)", "\\", "'", '"', "\u0301", "e\u0301",
]


def rarely(strategy: st.SearchStrategy, *usual: st.SearchStrategy) -> st.SearchStrategy:
    """``strategy`` one draw in five or so, else one of ``usual``: inputs stay mostly well-formed,
    so most reach the checks and renderers instead of stopping at the reader."""
    usual_one = st.one_of(*usual)
    # Hypothesis draws the ends of a range more often: the rare branch sits in the middle
    return st.integers(0, 99).flatmap(lambda n: strategy if 40 <= n < 58 else usual_one)


# any code point but surrogates, now and then
pieces = rarely(st.text(max_size=8), st.sampled_from(_FRAGMENTS), st.text(alphabet=_JA + _EN, max_size=40))
texts = st.lists(pieces, max_size=25).map("".join)
japanese = st.lists(st.one_of(st.text(alphabet=_JA, min_size=1, max_size=40), st.text(alphabet=_JA, min_size=1, max_size=40),
                              st.sampled_from(_FRAGMENTS)), min_size=1, max_size=20).map("".join)
english = st.lists(st.one_of(st.text(alphabet=_EN, min_size=1, max_size=40), st.text(alphabet=_EN, min_size=1, max_size=40),
                             st.sampled_from(_FRAGMENTS)), min_size=1, max_size=20).map("".join)
ja_text = rarely(texts, japanese)
en_text = rarely(texts, english)
# half of a surrogate pair: legal as an escape in JSON, XML references and PO, not as text
surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "shift_jis", "cp932", "euc_jp", "iso2022_jp", "latin-1"]


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


# ---------------------------------------------------------------- the property


def outcome(fmt: str, target: Path, source: Path | None = None, *, presegmented: bool = False,
            update_baseline: bool = False, cfg: Config | None = None, **config: object) -> str:
    """Audit, render every format, and say "report" or "refused"; anything else raises."""
    started = time.perf_counter()
    try:
        if cfg is None:
            cfg = resolve(cli={"backtranslate": "none", **config}, search=False, env={})
        report = run_audit(AuditRequest(target, source=source, presegmented=presegmented, config=cfg,
                                        use_cache=False, update_baseline=update_baseline))
    except AuditError as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message, f"not one line: {message!r}"
        result = "refused"
        _WHY[fmt][_reason(message)] += 1
    else:
        for name in FORMATS:
            rendered = render(report, name)
            assert isinstance(rendered, str)
            rendered.encode("utf-8")  # a report must be writable as UTF-8 (no lone surrogate in it)
            if name == "json":
                _validate(json.loads(rendered))
        if update_baseline and cfg.baseline:
            from audit import baseline as bl

            text = bl.dumps(bl.updated(bl.load(cfg.baseline, missing_ok=True), report))
            json.loads(text)
        result = "report"
    elapsed = time.perf_counter() - started
    _STATS[fmt][result] += 1
    _STATS[fmt]["inputs"] += 1
    _SLOWEST[fmt] = max(_SLOWEST[fmt], elapsed)
    assert elapsed < BOUND_S, f"{fmt}: {elapsed:.1f} s for one input"
    return result


_SCHEMA: dict[str, object] = {}


def _validate(report: dict[str, object]) -> None:
    import jsonschema

    if not _SCHEMA:
        _SCHEMA.update(json.loads((Path(__file__).parent.parent / "audit" / "schema" / "report.schema.json").read_text(encoding="utf-8")))
    jsonschema.validate(report, _SCHEMA)


# ---------------------------------------------------------------- plain inputs


@FUZZ
@given(text=ja_text, encoding=st.sampled_from(ENCODINGS), declared=st.booleans())
def test_text_in_any_encoding(work, text, encoding, declared):
    path = work / "t.txt"
    path.write_bytes(_encoded(text, encoding))
    outcome("text", path, encoding=encoding if declared else None)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes(work, raw):
    path = work / "b.txt"
    path.write_bytes(raw)
    outcome("bytes", path)


@FUZZ
@given(blocks=st.lists(st.tuples(st.sampled_from(["", "# ", "## ", "- ", "1. ", "> ", "    ", "| ", "```\n"]), ja_text), max_size=12))
def test_markdown(work, blocks):
    path = work / "t.md"
    path.write_text("\n\n".join(prefix + body for prefix, body in blocks), encoding="utf-8", errors="surrogatepass")
    outcome("markdown", path)


@FUZZ
@given(lines=st.lists(ja_text, max_size=20), src=st.lists(en_text, max_size=20))
def test_presegmented_pair(work, lines, src):
    target, source = work / "p.ja.txt", work / "p.en.txt"
    target.write_text("\n".join(lines), encoding="utf-8")
    source.write_text("\n".join(src), encoding="utf-8")
    outcome("presegmented", target, source, presegmented=True)


@FUZZ
@given(ja=ja_text, en=en_text)
def test_two_documents(work, ja, en):
    target, source = work / "d.ja.txt", work / "d.en.txt"
    target.write_text(ja, encoding="utf-8")
    source.write_text(en, encoding="utf-8")
    outcome("two-documents", target, source)


# ---------------------------------------------------------------- bilingual files

units = rarely(st.lists(st.tuples(en_text, ja_text), max_size=12), st.lists(st.tuples(english, japanese), min_size=1, max_size=12))


@FUZZ
@given(rows=units, header=st.booleans(), extra=rarely(st.lists(st.text(max_size=10), max_size=3), st.just([])))
@example(rows=[("3.5億ドル\r", "")], header=False, extra=[])  # found by this test: a lone CR in a cell stopped csv with a traceback
def test_tsv(work, rows, header, extra):
    lines = (["source\ttarget"] if header else []) + ["\t".join([s, t, *extra]) for s, t in rows]
    path = work / "u.tsv"
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome("tsv", path)


_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                            lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                            max_leaves=6)


@FUZZ
@given(
    rows=st.lists(
        st.one_of(
            st.tuples(en_text, ja_text).map(lambda p: {"source": p[0], "target": p[1]}),
            st.tuples(en_text, ja_text).map(lambda p: {"source": p[0], "target": p[1]}),
            st.tuples(en_text, ja_text).map(lambda p: {"source": p[0], "target": p[1]}),
            st.tuples(st.text(max_size=6), en_text, ja_text).map(lambda p: {"id": p[0], "src": p[1], "mt": p[2]}),
            st.tuples(st.text(max_size=6), surrogates, ja_text).map(lambda p: {"id": p[0], "src": p[1], "mt": p[2]}),
            st.dictionaries(st.sampled_from(["source", "target", "src", "tgt", "mt", "id"]), _json_values, max_size=4),
            _json_values,
        ),
        max_size=10,
    ),
    ascii_only=st.booleans(),
    garbage=rarely(st.sampled_from(["{", "not json", "[1,2]", '"\\ud800"']), st.just("")),
)
def test_jsonl(work, rows, ascii_only, garbage):
    lines = [json.dumps(r, ensure_ascii=ascii_only) for r in rows] + ([garbage] if garbage else [])
    path = work / "u.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    outcome("jsonl", path)


_XML_EXTRAS = ["&#xD800;", "&#0;", "&#x1F600;", "&#12354;", "&#xFFFE;", "&lt;", "&unknown;", "<g id='1'>x</g>",
               "<x id='2'/>", "<ph>{0}</ph>", "<bpt i='1'>&lt;b&gt;</bpt>", "]]>", "<![CDATA[a<b]]>", "<", "&"]
xml_noisy = st.lists(st.one_of(st.sampled_from(_XML_EXTRAS), ja_text.map(escape)), max_size=6).map("".join)
xml_pairs = rarely(st.lists(st.tuples(xml_noisy, xml_noisy), max_size=8),
                   st.lists(st.tuples(english.map(escape), japanese.map(escape)), min_size=1, max_size=8))
src_langs = rarely(st.sampled_from(["ja", "fr", ""]), st.sampled_from(["en", "en-US", "EN"]))
tgt_langs = rarely(st.sampled_from(["en", "fr", ""]), st.sampled_from(["ja", "ja-JP"]))
doctypes = rarely(st.just(True), st.just(False))  # an entity declaration: refused as unsafe
_DOCTYPE = '<!DOCTYPE x [<!ENTITY e "boom">]>\n'


def _xml_bytes(body: str, doctype: bool, encoding: str) -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n' + (_DOCTYPE if doctype else "")
    return (head + body).encode(encoding, errors="xmlcharrefreplace")


@FUZZ
@given(pairs=xml_pairs, src=src_langs, tgt=tgt_langs, doctype=doctypes, encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_xliff_1_2(work, pairs, src, tgt, doctype, encoding):
    tus = "".join(f'<trans-unit id="{i}"><source>{s}</source><target>{t}</target></trans-unit>' for i, (s, t) in enumerate(pairs))
    body = (f'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language={quoteattr(src)} '
            f'target-language={quoteattr(tgt)} datatype="plaintext" original="f"><body>{tus}</body></file></xliff>')
    path = work / "u.xlf"
    path.write_bytes(_xml_bytes(body, doctype, encoding))
    outcome("xliff-1.2", path)


@FUZZ
@given(pairs=xml_pairs, src=src_langs, tgt=tgt_langs, doctype=doctypes)
def test_xliff_2_0(work, pairs, src, tgt, doctype):
    us = "".join(f'<unit id="u{i}"><segment><source>{s}</source><target>{t}</target></segment></unit>' for i, (s, t) in enumerate(pairs))
    body = (f'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang={quoteattr(src or "en")} '
            f'trgLang={quoteattr(tgt or "ja")}><file id="f1">{us}</file></xliff>')
    path = work / "u.xliff"
    path.write_bytes(_xml_bytes(body, doctype, "utf-8"))
    outcome("xliff-2.0", path)


@FUZZ
@given(pairs=xml_pairs, src=src_langs, tgt=tgt_langs, doctype=doctypes)
def test_tmx(work, pairs, src, tgt, doctype):
    tus = "".join(f'<tu><tuv xml:lang={quoteattr(src)}><seg>{s}</seg></tuv><tuv xml:lang={quoteattr(tgt)}><seg>{t}</seg></tuv></tu>'
                  for s, t in pairs)
    body = (f'<tmx version="1.4"><header creationtool="fuzz" creationtoolversion="1" segtype="sentence" o-tmf="x" '
            f'adminlang="en" srclang={quoteattr(src or "en")} datatype="plaintext"/><body>{tus}</body></tmx>')
    path = work / "u.tmx"
    path.write_bytes(_xml_bytes(body, doctype, "utf-8"))
    outcome("tmx", path)


_PO_ESCAPES = ["\\n", "\\t", '\\"', "\\\\", "\\x41", "\\101", "\\u3042", "\\", '"', "\\0"]
po_text = st.lists(rarely(st.sampled_from(_PO_ESCAPES),
                          ja_text.map(lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))), max_size=6).map("".join)


@FUZZ
@given(
    entries=st.lists(st.tuples(po_text, po_text, st.sampled_from(["", "#, fuzzy\n", 'msgctxt "c"\n', "#~ ", "#: a.c:1\n"]),
                               st.booleans()), max_size=8),
    header=st.booleans(),
    garbage=rarely(st.sampled_from(["msgid", 'msgstr "x"', "#", 'msgid "a" "b']), st.just(""))
)
def test_po(work, entries, header, garbage):
    parts = ['msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'] if header else []
    for s, t, prefix, plural in entries:
        if plural:
            parts.append(f'{prefix}msgid "{s}"\nmsgid_plural "{s}s"\nmsgstr[0] "{t}"\n')
        else:
            parts.append(f'{prefix}msgid "{s}"\nmsgstr "{t}"\n')
    path = work / "u.po"
    path.write_text("\n".join(parts) + garbage, encoding="utf-8")
    outcome("po", path)


# ---------------------------------------------------------------- files beside the translation


@pytest.fixture(scope="module")
def pair_file(work: Path) -> Path:
    path = work / "pair.jsonl"
    rows = [
        {"source": "The North Atlantic Treaty Organization met in Washington.", "target": "北大西洋条約機構はワシントンで会合を開いた。"},
        {"source": "Sales rose 5% to $3.5 billion in 2024.", "target": "2024年の売上高は5％増の35億ドルだった。"},
        {"source": "The new plan was announced.", "target": "新しい計画が発表されました。"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@FUZZ
@given(rows=units.flatmap(lambda rows: st.tuples(*(st.tuples(st.just(s), st.just(t), st.text(max_size=10)) for s, t in rows)).map(list)),
       encoding=rarely(st.sampled_from(["utf-16", "shift_jis"]), st.sampled_from(["utf-8", "utf-8-sig"])))
def test_glossary_tsv(work, pair_file, rows, encoding):
    path = work / "g.tsv"
    path.write_bytes(_encoded("\n".join("\t".join(r) for r in rows), encoding))
    outcome("glossary-tsv", pair_file, glossaries=[str(path)])


@FUZZ
@given(entries=xml_pairs.flatmap(lambda pairs: st.tuples(*(st.tuples(st.just(s), st.just(t), st.sampled_from(
           ["", "preferredTerm-admn-sts", "deprecatedTerm-admn-sts", "x"])) for s, t in pairs)).map(list)), src=src_langs, tgt=tgt_langs, doctype=doctypes)
def test_glossary_tbx(work, pair_file, entries, src, tgt, doctype):
    def term(lang: str, text: str, status: str) -> str:
        note = f'<termNote type="administrativeStatus">{status}</termNote>' if status else ""
        return f"<langSet xml:lang={quoteattr(lang)}><tig><term>{text}</term>{note}</tig></langSet>"

    body = "".join(f"<termEntry>{term(src, s, '')}{term(tgt, t, st_)}</termEntry>" for s, t, st_ in entries)
    doc = f'<martif type="TBX" xml:lang="en"><text><body>{body}</body></text></martif>'
    path = work / "g.tbx"
    path.write_bytes(_xml_bytes(doc, doctype, "utf-8"))
    outcome("glossary-tbx", pair_file, glossaries=[str(path)])


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string, or invalid TOML when it holds a surrogate


_toml_values = st.recursive(rarely(surrogates, st.booleans(), st.integers(), st.floats(), st.text(max_size=12)),
                            lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=2)),
                            max_leaves=5)


_codes = st.sampled_from(["NAM001", "NUM001", "CON", "SUP001", "", "XYZ999"])
_suppression = rarely(
    st.dictionaries(st.sampled_from(["fingerprint", "code", "reason", "note"]), _toml_values, max_size=4),
    st.fixed_dictionaries({"fingerprint": st.text(alphabet="0123456789abcdef", max_size=16), "reason": st.text(max_size=20)},
                          optional={"code": _codes}),
)


@FUZZ
@given(entries=st.lists(_suppression, max_size=5),
       garbage=rarely(st.sampled_from(["[[suppress]", "x = ", "[suppress]\nreason = 1"]), st.just("")))
def test_suppressions(work, pair_file, entries, garbage):
    text = "".join("[[suppress]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in e.items()) for e in entries) + garbage
    path = work / "s.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    outcome("suppressions", pair_file, suppressions=str(path))


_score_names = st.sampled_from(["xsim", "chrf", "risk", "critical", "major", "minor", "findings", "x"])
_entry = rarely(
    _json_values,
    st.fixed_dictionaries({}, optional={
        "scores": st.dictionaries(_score_names, rarely(_json_values, st.floats(allow_nan=False), st.integers()), max_size=4),
        "tolerances": st.dictionaries(_score_names, st.floats(), max_size=2),
        "findings": st.lists(st.fixed_dictionaries({"fingerprint": st.text(max_size=16)}, optional={"code": _codes, "severity": st.text(max_size=8)}),
                             max_size=3),
        "sha256": st.text(max_size=8),
        "signature": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    }),
)


@FUZZ
@given(data=rarely(_json_values,
                   st.fixed_dictionaries({"schema": rarely(st.just("x"), st.just("audit-baseline/1")),
                                          "documents": st.dictionaries(st.sampled_from(["DOC", "other.txt"]), _entry, max_size=2)})),
       update=st.booleans(), gate=st.sampled_from([None, "new==0", "chrf>=baseline-1", "major<=baseline", "risk<=baseline+0.1"]))
def test_baseline(work, pair_file, data, update, gate):
    if isinstance(data, dict) and isinstance(data.get("documents"), dict):
        data["documents"] = {str(pair_file) if k == "DOC" else k: v for k, v in data["documents"].items()}
    path = work / "baseline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    outcome("baseline", pair_file, baseline=str(path), gates=[gate] if gate else None, update_baseline=update)


# what each key takes, mostly well-typed; model keys take values that load nothing (no weights
# here, no network)
_CONFIG = {
    "select": st.lists(_codes, max_size=3),
    "ignore": st.lists(_codes, max_size=3),
    "severity": st.dictionaries(_codes, st.sampled_from(["critical", "major", "minor", "info", "x"]), max_size=2),
    "max-size": st.one_of(st.integers(min_value=-5, max_value=1 << 30), st.sampled_from(["20MiB", "1kb", "x", "0"])),
    "encoding": st.sampled_from(["utf-8", "shift_jis", "euc-jp", "bogus"]),
    "source-lang": st.sampled_from(["en", "fr", ""]),
    "target-lang": st.sampled_from(["ja", "de", ""]),
    "gates": st.lists(st.sampled_from(["critical==0", "major<=3", "xsim>=0.6", "risk<=0.5", "bad gate", "GRB==0"]), max_size=3),
    "min-confidence": st.one_of(st.floats(), st.sampled_from(["0.5", "x", "1.5"])),
    "glossaries": st.lists(st.sampled_from(["missing.tsv", ""]), max_size=2),
    "suppressions": st.sampled_from(["missing.toml"]),
    "baseline": st.sampled_from(["b.json", "missing/b.json"]),
    "backtranslate": st.sampled_from(["none", "/nonexistent/model"]),
    "embedder": st.sampled_from(["use", "bogus"]),
    "comet": st.just("none"),
    "selct": st.just(["X"]),
}


@FUZZ
@given(items=st.dictionaries(st.sampled_from(sorted(_CONFIG)), st.just(None), max_size=5).flatmap(
           lambda keys: st.fixed_dictionaries({k: rarely(_toml_values, _CONFIG[k]) if k not in ("backtranslate", "embedder", "comet")
                                               else _CONFIG[k] for k in keys})),
       pyproject=st.booleans(), garbage=rarely(st.sampled_from(["[tool", "= 1", "[x]\ny = 2"]), st.just("")))
def test_configuration(work, pair_file, items, pyproject, garbage):
    body = "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in items.items())
    folder = work / "cfg"
    folder.mkdir(exist_ok=True)
    path = folder / ("pyproject.toml" if pyproject else "audit.toml")
    path.write_text(("[tool.audit]\n" if pyproject else "") + body + garbage, encoding="utf-8", errors="surrogatepass")
    try:
        cfg = resolve(config_path=str(path), search=False, env={})
    except AuditError as exc:
        assert "\n" not in str(exc)
        _STATS["configuration"]["refused"] += 1
        _STATS["configuration"]["inputs"] += 1
        return
    outcome("configuration", pair_file, cfg=cfg)


@pytest.mark.parametrize("name, content", [
    ("u.jsonl", '{"source": "Hello.", "target": "\\ud854こんにちは。"}\n'),  # half a surrogate pair, escaped
    ("u.xlf", '<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
              'target-language="ja" datatype="plaintext" original="f"><body><trans-unit id="1"><source>Hi</source>'
              '<target>&#xD800;こんにちは</target></trans-unit></body></file></xliff>'),
    ("u.tmx", '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>Hi</seg></tuv>'
              '<tuv xml:lang="ja"><seg>&#xDC00;やあ</seg></tuv></tu></body></tmx>'),
])
def test_an_escaped_lone_surrogate_is_refused_in_one_line(cli, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    r = cli("check", path)
    assert r.code == 2 and r.err.count("\n") == 1 and "Traceback" not in r.err, r.err


def test_a_po_escape_is_read_as_text_not_as_a_surrogate(cli, tmp_path):
    path = tmp_path / "u.po"
    path.write_text('msgid "Hello \\u3042 \\x41 \\101"\nmsgstr "こんにちは\\tあ\\n"\n', encoding="utf-8")
    r = cli("check", path, "--format", "json")
    assert r.code == 0, r.err
    segments = r.json()["segments"]
    # translate-toolkit drops the backslash of an escape PO does not have: \u3042 stays letters
    assert "こんにちは" in segments["target"][0]["text"]
    assert "u3042" in segments["source"][0]["text"] and "あ" not in segments["source"][0]["text"]
