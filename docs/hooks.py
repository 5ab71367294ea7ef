"""MkDocs hook: pages generated from the code at build time, so they cannot drift from it.

- ``rules/index.md`` and one ``rules/CODE.md`` per registered rule: the text ``audit rule CODE``
  prints (``audit.checks.base.rule_text``), and the rule's measured figures on the held-out
  WMT24 documents, read from ``docs/results/esa_eval*.json`` (written by ``nox -s evaluate``);
- ``reference/configuration.md``: every configuration key, its type, default and meaning
  (``audit.config``);
- ``reference/report-schema.md``: the JSON report's schema, property by property;
- ``changelog.md``: ``CHANGELOG.md``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"


def on_files(files: Files, config: Any) -> Files:
    for path, content in generated_pages().items():
        files.append(File.generated(config, path, content=content))
    return files


def generated_pages() -> dict[str, str]:
    from audit.checks.base import all_rules

    pages = {"rules/index.md": rules_index(), "reference/configuration.md": configuration_reference(),
             "reference/report-schema.md": schema_reference(), "changelog.md": (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")}
    for r in all_rules():
        pages[f"rules/{r.code}.md"] = rule_page(r.code)
    return pages


def _markdown(text: str) -> str:
    """Rule documentation as Markdown: code spans kept, anything else that HTML would take for
    markup (``<b>``, ``&amp;``) escaped, so the page shows the text ``audit rule`` prints."""
    pieces = re.split(r"(``.+?``|`[^`\n]+`)", text)
    return "".join(p if p.startswith("`") else html.escape(p, quote=False) for p in pieces)


def _cell(text: str) -> str:
    """Text for a table cell: Markdown-safe, one line, no column break."""
    return _markdown(" ".join(text.split())).replace("|", "\\|")


def _results(name: str) -> dict[str, Any]:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def rule_page(code: str) -> str:
    from audit.checks.base import REGISTRY, rule_text

    text = rule_text(code) or ""
    head, _, body = text.partition("\n\n")
    r = REGISTRY[code]
    out = [f"# {r.code} {r.name}", "", f"**{_markdown(head)}**", "", _markdown(body.strip()), "", "## Measured", ""]
    rows = []
    for label, name in (("listed by default", "esa_eval.json"), ("every finding (`--min-confidence 0`)", "esa_eval_all.json")):
        figures = _results(name)
        per = figures.get("per_rule", {}).get(code)
        if figures and per:
            precision = f"{per['error'] / per['paragraphs']:.0%}" if per["paragraphs"] else "–"
            rows.append(f"| {label} | {per['findings']} | {per['paragraphs']} | {per['clean']} | {per['major']} | {precision} |")
        elif figures:
            rows.append(f"| {label} | 0 | 0 | 0 | 0 | – |")
    if rows:
        split = _results("esa_eval.json")
        out += [
            f"On the held-out part of the WMT24 English→Japanese ESA data ({split.get('documents')} documents, "
            f"{split.get('judgements')} paragraph judgements by professional annotators, 13 systems and the human "
            "reference), in source mode with no model and no glossary, as `benchmarks/esa_eval.py` measures it:",
            "",
            "| findings | findings | paragraphs | on error-free paragraphs | on paragraphs with a major error | precision |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "Precision is the share of flagged paragraphs where an annotator marked an error. Rules that need a model, "
            "a glossary or a back-translation do not run in this measurement.",
        ]
    else:
        out.append("No measured figures here: `nox -s evaluate` writes them to `docs/results/`.")
    return "\n".join(out) + "\n"


def rules_index() -> str:
    from audit.checks.base import all_rules

    out = ["# Rules", "", "`audit rules` lists them; `audit rule CODE` prints the page of one.", "",
           "| code | name | default severity | needs | finds |", "|---|---|---|---|---|"]
    for r in all_rules():
        needs = ", ".join(sorted(r.needs)) or "–"
        out.append(f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} | {needs} | {_cell(r.summary)} |")
    return "\n".join(out) + "\n"


def configuration_reference() -> str:
    from audit.config import _KEYS, KEY_DOCS, Config, _type_name

    defaults = Config().describe()
    out = ["# Configuration reference", "",
           "Keys of `[tool.audit]` in `pyproject.toml`, or of a top-level table in `audit.toml`. Each can also be set "
           "by an environment variable (`AUDIT_` and the key in capitals, `-` as `_`; lists comma-separated) and most "
           "by a command-line option; precedence: command line > environment > file > defaults. An unknown key or a "
           "value of the wrong type stops the run with one line naming where it came from (exit 2).", "",
           "| key | type | default | environment | meaning |", "|---|---|---|---|---|"]
    for key, kind in _KEYS.items():
        default = defaults.get(key)
        shown = "–" if default in (None, [], {}, ()) else f"`{json.dumps(default, ensure_ascii=False)}`"
        env = "AUDIT_" + key.upper().replace("-", "_")
        out.append(f"| `{key}` | {_type_name(kind)} | {shown} | `{env}` | {_cell(KEY_DOCS[key])} |")
    return "\n".join(out) + "\n"


def schema_reference() -> str:
    schema = json.loads((ROOT / "audit" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    out = ["# Report schema", "", f"`{schema.get('$id', 'audit/schema/report.schema.json')}`: "
           f"{_markdown(schema.get('description', 'the JSON report'))}", "",
           "| property | type | required | description |", "|---|---|---|---|"]
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type", prop.get("const", "object" if "$ref" in prop else ""))
        kind = " or ".join(kind) if isinstance(kind, list) else kind
        out.append(f"| `{name}` | {kind} | {'yes' if name in required else 'no'} | {_cell(prop.get('description', ''))} |")
    out += ["", "The whole schema, as the tests validate every report against it:", "", "```json",
            json.dumps(schema, indent=2, ensure_ascii=False), "```"]
    return "\n".join(out) + "\n"
