"""The review stage: a model behind an OpenAI-compatible API marks error spans.

Each unit (source mode: an aligned pair, with the pairs before and after as context;
target-only: a sentence with its neighbours) is sent with a versioned prompt (package data,
``audit/data/prompts/review-v1.json``, adapted from GEMBA-MQM). The answer is JSON: error
spans with a category (:data:`CATEGORIES`), a severity, an explanation and a correction;
structured output is asked for where the server supports it, and a tolerant parser reads the
rest (code fences, prose around the JSON, a bare list, ``no-error``).

Every span must be found in the unit's translation (exactly, or after NFKC and ignoring
white space), an omission's in its source; a span found in neither is dropped and counted,
as are categories and severities the toolkit does not know. The spans become findings of the
LLM family (:mod:`audit.checks.review`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from audit.llm.client import Client, FatalLLMError, LLMError, Usage
from audit.model import Bead, Document, Span

CATEGORIES = {
    "mistranslation": "LLM001",
    "terminology": "LLM002",
    "name": "LLM003",
    "number": "LLM004",
    "omission": "LLM005",
    "addition": "LLM006",
    "untranslated": "LLM007",
    "grammar": "LLM008",
    "style": "LLM009",
}
# what models answer instead (MQM's own names, GEMBA's "accuracy/…" paths)
SYNONYMS = {
    "accuracy": "mistranslation", "meaning": "mistranslation", "mistranslated": "mistranslation",
    "terms": "terminology", "term": "terminology", "inconsistency": "terminology",
    "names": "name", "proper noun": "name", "proper name": "name", "entity": "name", "named entity": "name",
    "numbers": "number", "numeric": "number", "date": "number", "unit": "number",
    "omitted": "omission", "missing": "omission", "additions": "addition", "added": "addition",
    "non-translation": "untranslated", "untranslated text": "untranslated", "character encoding": "untranslated",
    "fluency": "grammar", "spelling": "grammar", "punctuation": "grammar", "grammatical": "grammar",
    "awkward": "style", "register": "style", "stylistic": "style", "fluency/register": "style",
}  # fmt: skip
SEVERITIES = ("minor", "major", "critical")
NO_ERROR = frozenset({"no-error", "no error", "no errors", "none", "[]", "{}"})
CONTEXT_PAIRS = 1  # neighbours on each side


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    source_mode: str
    target_only: str
    schema: dict[str, Any]


@lru_cache(maxsize=4)
def load_prompt(name: str = "review-v1") -> Prompt:
    data = json.loads(resources.files("audit").joinpath("data", "prompts", f"{name}.json").read_text(encoding="utf-8"))
    return Prompt(data["version"], data["system"], data["source_mode"], data["target_only"], data["schema"])


@dataclass(frozen=True)
class ReviewSpan:
    """One error the model marked, placed in the documents."""

    category: str
    severity: str
    target: Span  # the span in the translation (an omission: the whole unit)
    source: Span | None
    explanation: str
    correction: str | None
    model: str
    prompt: str
    whole_unit: bool = False


@dataclass(frozen=True)
class Unit:
    target: Span
    source: Span | None
    context: str


@dataclass
class ReviewResult:
    spans: list[ReviewSpan]
    units: int
    failed: Counter[str] = field(default_factory=Counter)  # reason → units with no review
    dropped: int = 0  # spans found in neither text
    unknown: int = 0  # spans of a category or severity the toolkit does not know
    usage: Usage = field(default_factory=Usage)

    def note(self) -> str:
        reviewed = self.units - sum(self.failed.values())
        parts = [f"{reviewed} of {self.units} unit(s) reviewed, {len(self.spans)} error span(s)"]
        if self.dropped:
            parts.append(f"{self.dropped} span(s) not found in the text dropped")
        if self.unknown:
            parts.append(f"{self.unknown} span(s) of an unknown category or severity dropped")
        for reason, n in self.failed.most_common(3):
            parts.append(f"{n} unit(s) not reviewed: {reason}")
        parts.append(self.usage.describe())
        return "; ".join(parts)


def units_of(target: Document, source: Document | None, alignment: Sequence[Bead]) -> list[Unit]:
    """What one request reviews: an aligned pair (source mode) or a sentence (target-only)."""
    units: list[Unit] = []
    if source is not None and alignment:
        beads = [b for b in alignment if b.target]
        texts = []
        for b in beads:
            t0, t1 = target.segments[b.target[0]].start, target.segments[b.target[-1]].end
            s = None
            if b.source:
                s = source.span(source.segments[b.source[0]].start, source.segments[b.source[-1]].end)
            texts.append((target.span(t0, t1), s))
        for i, (t, s) in enumerate(texts):
            near = texts[max(0, i - CONTEXT_PAIRS) : i] + texts[i + 1 : i + 1 + CONTEXT_PAIRS]
            context = "\n".join(f"{x.text if x else ''} → {y.text}" if x else y.text for y, x in near)
            units.append(Unit(t, s, context))
        return units
    segs = [s for s in target.segments if s.text.strip()]
    for i, seg in enumerate(segs):
        around = segs[max(0, i - CONTEXT_PAIRS) : i] + segs[i + 1 : i + 1 + CONTEXT_PAIRS]
        units.append(Unit(target.span(seg.start, seg.end), None, "\n".join(n.text for n in around)))
    return units


def messages_for(unit: Unit, prompt: Prompt) -> list[dict[str, str]]:
    if unit.source is not None:
        user = prompt.source_mode.format(source=unit.source.text, target=unit.target.text, context=unit.context or "(none)")
    else:
        user = prompt.target_only.format(target=unit.target.text, context=unit.context or "(none)")
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}]


def parse_answer(text: str) -> list[dict[str, Any]]:
    """The error records of an answer; ValueError when it holds no readable JSON."""
    body = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", body, re.S)
    if fenced:
        body = fenced.group(1).strip()
    if body.lower().strip(" .`\"'") in NO_ERROR:
        return []
    data: Any = None
    try:
        data = json.loads(body)
    except ValueError:
        decoder = json.JSONDecoder()
        for m in re.finditer(r"[\[{]", body):
            try:
                data, _ = decoder.raw_decode(body, m.start())
                break
            except ValueError:
                continue
        else:
            raise ValueError("no JSON in the answer") from None
    if isinstance(data, dict):
        for key in ("errors", "error_spans", "spans", "annotations"):
            if key in data:
                data = data[key]
                break
        else:
            data = [data] if "span" in data else []
    if not isinstance(data, list):
        raise ValueError("the answer's JSON is not a list of errors")
    return [e for e in data if isinstance(e, dict)]


def normal_category(value: Any) -> str | None:
    text = str(value or "").strip().lower().replace("_", " ")
    for candidate in (text, text.rsplit("/", 1)[-1].strip(), text.split("/", 1)[0].strip()):
        if candidate in CATEGORIES:
            return candidate
        if candidate in SYNONYMS:
            return SYNONYMS[candidate]
    return None


def locate(needle: str, hay: str) -> tuple[int, int] | None:
    """Where ``needle`` is in ``hay``: exactly, else after NFKC and ignoring white space."""
    needle = needle.strip().strip("`「」\"'")
    if not needle:
        return None
    i = hay.find(needle)
    if i >= 0:
        return i, i + len(needle)
    chars: list[str] = []
    where: list[int] = []
    for k, ch in enumerate(hay):
        for c in unicodedata.normalize("NFKC", ch):
            if not c.isspace():
                chars.append(c)
                where.append(k)
    flat = "".join(c for c in unicodedata.normalize("NFKC", needle) if not c.isspace())
    j = "".join(chars).find(flat) if flat else -1
    if j < 0:
        return None
    return where[j], where[j + len(flat) - 1] + 1


def spans_of(records: list[dict[str, Any]], unit: Unit, model: str, prompt: str, result: ReviewResult) -> list[ReviewSpan]:
    out = []
    for rec in records:
        category = normal_category(rec.get("category"))
        severity = str(rec.get("severity") or "minor").strip().lower()
        if category is None or severity not in SEVERITIES:
            if str(rec.get("category", "")).strip().lower() not in NO_ERROR:
                result.unknown += 1
            continue
        quote = str(rec.get("span") or rec.get("text") or "")
        correction = rec.get("correction")
        correction = str(correction).strip() if isinstance(correction, (str, int, float)) and str(correction).strip() else None
        explanation = " ".join(str(rec.get("explanation") or "").split())[:500]
        at = locate(quote, unit.target.text)
        source = None
        whole = False
        if at is not None:
            t = Span(unit.target.start + at[0], unit.target.start + at[1], unit.target.text[at[0] : at[1]])
        elif category == "omission" and unit.source is not None and (s_at := locate(quote, unit.source.text)) is not None:
            t, whole = unit.target, True
            source = Span(unit.source.start + s_at[0], unit.source.start + s_at[1], unit.source.text[s_at[0] : s_at[1]])
        else:
            result.dropped += 1
            continue
        out.append(ReviewSpan(category, severity, t, source, explanation, correction, model, prompt, whole))
    return out


def review_document(
    client: Client, target: Document, source: Document | None, alignment: Sequence[Bead], prompt: Prompt | None = None
) -> ReviewResult:
    """Review every unit; a unit whose request fails is counted, not fatal, unless the endpoint
    refuses every request (:class:`FatalLLMError` propagates)."""
    prompt = prompt or load_prompt()
    units = units_of(target, source, alignment)
    result = ReviewResult([], len(units), usage=client.usage)

    def ask(unit: Unit) -> list[dict[str, Any]]:
        return client.chat(messages_for(unit, prompt), parse_answer, prompt=prompt.version, schema=prompt.schema)

    try:
        answers = client.map(ask, units)
    except FatalLLMError:
        raise
    for unit, answer in zip(units, answers, strict=True):
        if isinstance(answer, LLMError):
            result.failed[_reason(answer)] += 1
            continue
        result.spans.extend(spans_of(answer, unit, client.endpoint.model, prompt.version, result))
    return result


def _reason(exc: LLMError) -> str:
    text = str(exc)
    model_at = text.find(": ")
    return text[model_at + 2 :] if text.startswith("openai:") and model_at > 0 else text
