"""Configuration: ``[tool.audit]`` in pyproject.toml or a top-level table in audit.toml.

Precedence: command line > environment (``AUDIT_*``) > file > defaults. Every value remembers
where it came from so that errors (and ``audit config``) can say so.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.errors import UsageError
from audit.io.decode import DEFAULT_MAX_BYTES
from audit.model import Severity

_KEYS: dict[str, type | tuple[type, ...]] = {
    "select": list,
    "ignore": list,
    "severity": dict,
    "max-size": (int, str),
    "encoding": str,
    "source-lang": str,
    "target-lang": str,
    "gates": list,
    "suppressions": str,
    "backtranslate": str,
    "embedder": str,
    "comet": str,
    "baseline": str,
    "glossaries": list,
    "min-confidence": (float, int, str),
    "reviewer": str,
    "llm-base-url": str,
    "llm-api-key-env": str,
    "llm-concurrency": (int, str),
    "llm-timeout": (float, int, str),
    "llm-max-requests": (int, str),
    "llm-max-tokens": (int, str),
    "llm-seed": (int, str),
    "llm-samples": (int, str),
    "knowledge": str,
    "source-dir": str,
    "target-dir": str,
    "include": list,
    "exclude": list,
    "jobs": (int, str),
    "executor": str,
}

# What each key means, for ``audit config`` users and the generated configuration reference
KEY_DOCS: dict[str, str] = {
    "select": "Check codes or prefixes to run (`[\"NUM\", \"NAM001\"]`); default: every check.",
    "ignore": "Check codes or prefixes to skip, applied after `select`.",
    "severity": "Severity per code, overriding the rule's default (`{ CON001 = \"minor\" }`): critical, major, minor or info.",
    "max-size": "Largest input accepted, in bytes or with a unit (`\"20MiB\"`, the default); larger inputs exit 2.",
    "encoding": "Decode inputs with this encoding instead of detecting it (UTF-8/16 with or without BOM, Shift_JIS, EUC-JP).",
    "source-lang": "Language code of the source (default `en`); bilingual files pick their sides by it.",
    "target-lang": "Language code of the translation (default `ja`).",
    "gates": "Gate expressions such as `critical==0`, `major<=3`, `new==0`, `xsim>=baseline-0.01`; the CLI exits 1 when one fails.",
    "suppressions": "TOML file of reviewed findings to silence, each with a fingerprint and a reason (relative to this file).",
    "backtranslate": "`auto` (an installed ja→en Argos model if any), `none`, a model name or folder, or a TSV/JSONL file of back-translations.",
    "embedder": "Sentence encoder for alignment and xsim: `use` (default, multilingual USE, numpy only) or `sentence-transformers:MODEL_OR_PATH` (extra `st`).",
    "comet": "COMET model folder, checkpoint or name (extra `comet`), or `none` (default).",
    "baseline": "Baseline file for `new==0` and `NAME>=baseline` gates (relative to this file).",
    "glossaries": "Glossary files (TSV `source<TAB>target[<TAB>note]` or TBX), relative to this file.",
    "min-confidence": "List (and gate on) findings at or above this confidence, 0-1; default: the confidence model's threshold for the mode; 0 lists all.",
    "reviewer": "`openai:MODEL` adds a review stage: a model behind an OpenAI-compatible API marks error spans (extra `llm`); `none` (default) calls nothing.",
    "llm-base-url": "Base URL of the OpenAI-compatible server (`http://localhost:11434/v1` for Ollama); default: `OPENAI_BASE_URL`, else OpenAI's.",
    "llm-api-key-env": "Name of the environment variable that holds the API key (default `OPENAI_API_KEY`); the key itself never goes in a file, a log or a report.",
    "llm-concurrency": "Requests in flight at once (default 4).",
    "llm-timeout": "Seconds to wait for one answer before retrying it (default 60).",
    "llm-max-requests": "Most requests one audit may send, retries included (default: no limit); past it the rest is skipped and the report says so.",
    "llm-max-tokens": "Most tokens (prompt and completion) one audit may spend (default: no limit).",
    "llm-seed": "Seed sent with every request, for servers that take one (default 0; temperature is always 0).",
    "knowledge": "Knowledge index of official names built from a Wikidata dump (`audit knowledge build DUMP -o INDEX`), relative to this file; enables KNW001 and KNW002. `wikidata` asks Wikidata's API instead (online: needs `AUDIT_ALLOW_DOWNLOADS=1`; KNW001 only).",
    "source-dir": "Folder of English sources for a project audit, paired with `target-dir` by relative path (relative to this file).",
    "target-dir": "Folder of translations for a project audit; a file with no source is audited target-only, a source with no file is a missing translation (PRJ003).",
    "include": "Glob patterns on relative paths a project audit takes (`[\"**/*.md\"]`); default: every file a reader knows.",
    "exclude": "Glob patterns on relative paths a project audit skips.",
    "jobs": "Processes an audit uses (default: the machine's cores): a project's documents run this many at once, each in a worker process; a single document of 150 aligned pairs or more, given two or more, embeds its target beside its source and runs the checks that embed beside the others. The report is the same whatever the number.",
    "executor": "Where a project's documents run: `local` (default), `dask` (a local Dask cluster of `jobs` workers) or `dask://HOST:PORT` (an existing scheduler); extra `dask`.",
    "llm-samples": "Back-translations per sentence from `--backtranslate openai:MODEL` (default 1); more are sampled at temperature 0.7 and their agreement becomes BTD001's confidence.",
}


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str | None = None
    source_lang: str = "en"
    target_lang: str = "ja"
    gates: tuple[str, ...] = ()
    suppressions: str | None = None
    backtranslate: str = "auto"
    embedder: str = "use"
    comet: str = "none"
    baseline: str | None = None
    glossaries: tuple[str, ...] = ()
    min_confidence: float | None = None  # None: the confidence model's default threshold
    reviewer: str = "none"
    llm_base_url: str | None = None
    llm_api_key_env: str = "OPENAI_API_KEY"
    llm_concurrency: int = 4
    llm_timeout: float = 60.0
    llm_max_requests: int | None = None
    llm_max_tokens: int | None = None
    llm_seed: int = 0
    llm_samples: int = 1
    knowledge: str | None = None
    source_dir: str | None = None
    target_dir: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None  # None: the machine's cores
    executor: str = "local"
    origins: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "select": list(self.select),
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
            "max-size": self.max_bytes,
            "encoding": self.encoding,
            "source-lang": self.source_lang,
            "target-lang": self.target_lang,
            "gates": list(self.gates),
            "suppressions": self.suppressions,
            "backtranslate": self.backtranslate,
            "embedder": self.embedder,
            "comet": self.comet,
            "baseline": self.baseline,
            "glossaries": list(self.glossaries),
            "min-confidence": self.min_confidence,
            "reviewer": self.reviewer,
            "llm-base-url": self.llm_base_url,
            "llm-api-key-env": self.llm_api_key_env,
            "llm-concurrency": self.llm_concurrency,
            "llm-timeout": self.llm_timeout,
            "llm-max-requests": self.llm_max_requests,
            "llm-max-tokens": self.llm_max_tokens,
            "llm-seed": self.llm_seed,
            "llm-samples": self.llm_samples,
            "knowledge": self.knowledge,
            "source-dir": self.source_dir,
            "target-dir": self.target_dir,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "jobs": self.jobs,
            "executor": self.executor,
        }


def parse_size(value: Any, where: str) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip().upper().replace(" ", "")
    for suffix, mult in (("GIB", 1 << 30), ("MIB", 1 << 20), ("KIB", 1 << 10), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3), ("B", 1)):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], mult
            break
    else:
        factor = 1
    try:
        return int(float(text) * factor)
    except ValueError:
        raise UsageError(f"{where}: max-size {value!r} is not a size (e.g. 20MiB)") from None


def parse_confidence(value: Any, where: str) -> float:
    """A probability from 0 to 1 (``0`` lists every finding)."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: min-confidence {value!r} is not a number from 0 to 1") from None
    if not 0.0 <= number <= 1.0 or number != number:
        raise UsageError(f"{where}: min-confidence {value!r} is not a number from 0 to 1")
    return number


def parse_number(value: Any, key: str, where: str, *, integer: bool = True, minimum: float = 0) -> Any:
    """A whole (or real) number of at least ``minimum``, from TOML or an environment string."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(str(value).strip()) if integer and not isinstance(value, float) else float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: {key} {value!r} is not {'a whole number' if integer else 'a number'}") from None
    if number != number or number < minimum:
        raise UsageError(f"{where}: {key} {value!r} must be at least {minimum:g}")
    return number


def _executor(value: str, where: str) -> str:
    if value in ("local", "dask") or value.startswith(("dask://", "tcp://")):
        return value
    raise UsageError(f"{where}: executor {value!r}: use local, dask, or dask://HOST:PORT")


def find_config(start: Path | None = None) -> Path | None:
    """The nearest audit.toml, or pyproject.toml with a [tool.audit] table, upwards from start."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "audit.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
            if "audit" in data.get("tool", {}):
                return pyproject
    return None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file as a dict, with one-line errors that name the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: {what} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def load_file(path: Path) -> dict[str, Any]:
    data = read_toml(path, "configuration file")
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("audit", {})
    return data


def resolve(
    *, cli: Mapping[str, Any] | None = None, config_path: str | None = None, env: Mapping[str, str] | None = None, search: bool = True
) -> Config:
    """Merge defaults, file, environment and command line, validating each value."""
    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    path = Path(config_path) if config_path else (find_config() if search else None)
    if path is not None:
        for key, stored in load_file(path).items():
            _validate_key(key, stored, str(path))
            merged[key] = stored
            origins[key] = str(path)
    env = os.environ if env is None else env
    for key in _KEYS:
        var = "AUDIT_" + key.upper().replace("-", "_")
        if var in env:
            raw = env[var]
            value: Any = [p.strip() for p in raw.split(",") if p.strip()] if _KEYS[key] is list else raw
            _validate_key(key, value, f"environment variable {var}")
            merged[key] = value
            origins[key] = f"environment {var}"
    for key, value in (cli or {}).items():
        if value is None:
            continue
        _validate_key(key, value, "command line")
        merged[key] = value
        origins[key] = "command line"
    return _build(merged, origins)


def _relative(path: str, origin: str) -> str:
    """A path written in a configuration file is relative to that file's folder."""
    here = Path(origin)
    if origin.endswith(".toml") and not Path(path).is_absolute():
        return str(here.parent / path)
    return path


def _validate_key(key: str, value: Any, where: str) -> None:
    if key not in _KEYS:
        near = difflib.get_close_matches(key, list(_KEYS), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(_KEYS)}"
        raise UsageError(f"{where}: unknown configuration key '{key}'{hint}")
    expected = _KEYS[key]
    if not isinstance(value, expected):
        raise UsageError(f"{where}: '{key}' should be {_type_name(expected)}, got {type(value).__name__}")


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {list: "a list", dict: "a table", int: "an integer", str: "a string", float: "a number"}
    if isinstance(t, tuple):
        return " or ".join(names[x] for x in t)
    return names[t]


def _build(values: Mapping[str, Any], origins: Mapping[str, str]) -> Config:
    from audit.checks.base import all_rules, known_prefix

    def codes(key: str) -> tuple[str, ...]:
        out = []
        for code in values.get(key, []):
            code = str(code).strip().upper()
            if code in ("", "ALL"):
                out.append("")
                continue
            if not known_prefix(code):
                near = difflib.get_close_matches(code, [r.code for r in all_rules()], n=1)
                hint = f"; did you mean '{near[0]}'?" if near else "; see 'audit rules'"
                raise UsageError(f"{origins.get(key, 'configuration')}: unknown check code '{code}' in '{key}'{hint}")
            out.append(code)
        return tuple(out)

    severity: dict[str, str] = {}
    for code, sev in dict(values.get("severity", {})).items():
        if str(sev) not in {s.value for s in Severity}:
            raise UsageError(f"{origins.get('severity')}: severity for {code} must be critical, major or minor, not {sev!r}")
        if not known_prefix(str(code).upper()):
            raise UsageError(f"{origins.get('severity')}: unknown check code '{code}' in 'severity'")
        severity[str(code).upper()] = str(sev)
    def num(key: str, default: Any, *, integer: bool = True, minimum: float = 0) -> Any:
        if key not in values:
            return default
        return parse_number(values[key], key, origins.get(key, "configuration"), integer=integer, minimum=minimum)

    for key in ("reviewer",):
        spec = values.get(key)
        if spec is not None and spec != "none" and not str(spec).startswith("openai:"):
            raise UsageError(f"{origins.get(key, 'configuration')}: {key} {spec!r}: write openai:MODEL, or none")
    select = codes("select") if "select" in values else ("",)
    max_bytes = parse_size(values["max-size"], origins.get("max-size", "")) if "max-size" in values else DEFAULT_MAX_BYTES
    return Config(
        select=select or ("",),
        ignore=codes("ignore"),
        severity=severity,
        max_bytes=max_bytes,
        encoding=values.get("encoding"),
        source_lang=values.get("source-lang", "en"),
        target_lang=values.get("target-lang", "ja"),
        gates=tuple(values.get("gates", ())),
        suppressions=values.get("suppressions"),
        backtranslate=values.get("backtranslate", "auto"),
        embedder=values.get("embedder", "use"),
        comet=values.get("comet", "none"),
        baseline=values.get("baseline"),
        glossaries=tuple(_relative(str(g), origins.get("glossaries", "")) for g in values.get("glossaries", ())),
        min_confidence=(
            parse_confidence(values["min-confidence"], origins.get("min-confidence", "")) if "min-confidence" in values else None
        ),
        reviewer=values.get("reviewer", "none"),
        llm_base_url=values.get("llm-base-url"),
        llm_api_key_env=values.get("llm-api-key-env", "OPENAI_API_KEY"),
        llm_concurrency=num("llm-concurrency", 4, minimum=1),
        llm_timeout=num("llm-timeout", 60.0, integer=False, minimum=0.001),
        llm_max_requests=num("llm-max-requests", None),
        llm_max_tokens=num("llm-max-tokens", None),
        llm_seed=num("llm-seed", 0),
        llm_samples=num("llm-samples", 1, minimum=1),
        knowledge=(
            None if not values.get("knowledge")
            else "wikidata" if values["knowledge"] == "wikidata"
            else _relative(str(values["knowledge"]), origins.get("knowledge", ""))
        ),  # fmt: skip
        source_dir=_relative(str(values["source-dir"]), origins.get("source-dir", "")) if values.get("source-dir") else None,
        target_dir=_relative(str(values["target-dir"]), origins.get("target-dir", "")) if values.get("target-dir") else None,
        include=tuple(str(p) for p in values.get("include", ())),
        exclude=tuple(str(p) for p in values.get("exclude", ())),
        jobs=num("jobs", None, minimum=1),
        executor=_executor(values.get("executor", "local"), origins.get("executor", "configuration")),
        origins=dict(origins),
    )
