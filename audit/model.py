"""The one data model that flows from reading to rendering.

Every stage of the pipeline adds to these frozen records; renderers only read them.
Offsets (`start`, `end`) are Python string offsets into the decoded input text, so that
``document.text[start:end] == text`` for every segment and every finding span.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

SCHEMA = "audit-report/1"


class Severity(enum.StrEnum):
    """MQM's severity levels, most severe first."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


class _Picklable:
    """Frozen records whose mappings are read-only views (``MappingProxyType``, which pickle
    refuses) travel between processes (``--jobs``, Dask workers) as plain dicts, frozen again
    on arrival."""

    def __getstate__(self) -> dict[str, Any]:
        return {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in self.__dict__.items()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        self.__post_init__()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Span:
    """A stretch of a document's decoded text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading, list item, fragment) of a document."""

    id: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: str = "text"  # text | heading | item
    unit: str | None = None  # translation-unit id for bilingual files

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "paragraph": self.paragraph,
            "kind": self.kind,
        }
        if self.unit is not None:
            d["unit"] = self.unit
        return d


@dataclass(frozen=True)
class Document:
    """A decoded input document and its segmentation."""

    path: str | None
    sha256: str
    encoding: str
    lang: str
    text: str
    segments: tuple[Segment, ...]
    format: str = "text"

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.segments]

    def segment_at(self, offset: int) -> Segment | None:
        """The segment containing (or last starting before) ``offset``; O(log n)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.segments[i] if i >= 0 else None

    def describe(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "lang": self.lang,
            "format": self.format,
            "characters": len(self.text),
            "segments": len(self.segments),
        }


@dataclass(frozen=True)
class Bead:
    """An alignment bead: source sentence ids matched with target sentence ids."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": list(self.source), "target": list(self.target), "score": self.score}


@dataclass(frozen=True)
class Score:
    """A number with the signature of everything that changes it."""

    name: str
    value: float
    signature: str
    interval: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "value": self.value, "signature": self.signature}
        if self.interval is not None:
            d["interval"] = list(self.interval)
        return d


@dataclass(frozen=True)
class Finding(_Picklable):
    """One likely translation error, with the evidence a reviewer needs to act on it."""

    code: str
    severity: Severity
    message: str
    target: Span | None = None
    source: Span | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggestion: str | None = None
    fingerprint: str = ""
    id: str = ""
    confidence: float | None = None  # probability that a reviewer marks an error here (audit.confidence)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", _freeze(self.evidence))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "target": self.target.to_dict() if self.target else None,
            "source": self.source.to_dict() if self.source else None,
            "evidence": _jsonable(self.evidence),
            "suggestion": self.suggestion,
            "fingerprint": self.fingerprint,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class BackTranslation:
    """The back-translation of one target segment, with what the back-translator may have broken."""

    segment: int
    text: str
    score: float | None = None  # model log-probability per token, when the engine gives one
    alternatives: tuple[str, ...] = ()  # the rest of the n-best list
    agreement: float | None = None  # mean chrF (0-1) of the alternatives against the best: low = unsure
    artefacts: tuple[str, ...] = ()  # items of the Japanese the back-translation lost (its fault, not the translation's)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"segment": self.segment, "text": self.text, "score": self.score}
        if self.alternatives:
            d["alternatives"] = list(self.alternatives)
        if self.agreement is not None:
            d["agreement"] = round(self.agreement, 4)
        if self.artefacts:
            d["artefacts"] = list(self.artefacts)
        return d


@dataclass(frozen=True)
class Stage:
    """A pipeline stage and whether it ran; a skipped stage says why and how to enable it."""

    name: str
    ran: bool
    reason: str | None = None
    enable: str | None = None
    seconds: float | None = None
    notes: tuple[str, ...] = ()  # what ran but held back, and why (a rule that judged its evidence too weak)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "status": "ran" if self.ran else "skipped"}
        if self.reason:
            d["reason"] = self.reason
        if self.enable:
            d["enable"] = self.enable
        if self.notes:
            d["notes"] = list(self.notes)
        if self.seconds is not None:
            d["seconds"] = round(self.seconds, 4)
        return d


@dataclass(frozen=True)
class Report(_Picklable):
    """The audit of one translation: what every renderer and gate reads."""

    signature: Mapping[str, Any]
    target: Document
    source: Document | None = None
    reference: Document | None = None
    alignment: tuple[Bead, ...] = ()
    document_scores: tuple[Score, ...] = ()
    pair_scores: tuple[Mapping[str, Any], ...] = ()
    findings: tuple[Finding, ...] = ()
    stages: tuple[Stage, ...] = ()
    backtranslations: tuple[BackTranslation, ...] = ()
    gates: tuple[Any, ...] = ()  # audit.gates.GateResult, when gates were given
    baseline: Mapping[str, Any] | None = None  # audit.baseline.comparison(), when a baseline was given
    min_confidence: float | None = None  # the threshold findings were listed at (None: all listed)
    held_back: Mapping[str, int] = field(default_factory=dict)  # findings below it, by code
    services: tuple[Mapping[str, Any], ...] = ()  # what each remote model cost (audit.llm.client.Usage), by stage

    def __post_init__(self) -> None:
        object.__setattr__(self, "signature", _freeze(self.signature))
        object.__setattr__(self, "held_back", _freeze(self.held_back))

    @property
    def held_back_total(self) -> int:
        return sum(self.held_back.values())

    @property
    def gates_failed(self) -> list[Any]:
        return [g for g in self.gates if not g.passed]

    @property
    def mode(self) -> str:
        return "source" if self.source is not None else "target-only"

    def counts(self) -> dict[str, Any]:
        by_sev = {s.value: 0 for s in Severity}
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_sev[f.severity.value] += 1
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {"total": len(self.findings), "by_severity": by_sev, "by_code": dict(sorted(by_code.items()))}

    def summary(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "mode": self.mode,
            "findings": counts["total"],
            "by_severity": counts["by_severity"],
            "by_code": counts["by_code"],
            "min_confidence": self.min_confidence,
            "held_back": {"total": self.held_back_total, "by_code": dict(sorted(self.held_back.items()))},
            "stages": {
                "ran": [s.name for s in self.stages if s.ran],
                "skipped": [s.to_dict() for s in self.stages if not s.ran],
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "signature": _jsonable(self.signature),
            "documents": {
                "source": self.source.describe() if self.source else None,
                "target": self.target.describe(),
                "reference": self.reference.describe() if self.reference else None,
            },
            "segments": {
                "source": [s.to_dict() for s in self.source.segments] if self.source else [],
                "target": [s.to_dict() for s in self.target.segments],
            },
            "alignment": [b.to_dict() for b in self.alignment],
            "backtranslations": [b.to_dict() for b in self.backtranslations],
            "scores": {
                "document": {s.name: s.to_dict() for s in self.document_scores},
                "pairs": [_jsonable(p) for p in self.pair_scores],
            },
            "findings": [f.to_dict() for f in self.findings],
            "stages": [s.to_dict() for s in self.stages],
            "services": [_jsonable(x) for x in self.services],
            "gates": [g.to_dict() for g in self.gates],
            "baseline": _jsonable(self.baseline) if self.baseline is not None else None,
            "summary": self.summary(),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Span):
        return value.to_dict()
    if isinstance(value, float):
        return round(value, 6)
    return value
