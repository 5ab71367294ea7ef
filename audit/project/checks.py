"""Checks across the documents of a project: what each document contributes, and the findings.

Each worker returns, beside a document's report, its :class:`Aggregates`: the spellings of the
source's names and the katakana words the translation writes, with their offsets. They are
small (a few entries per sentence) and picklable, so a cluster sends back aggregates rather
than documents; :func:`cross_document` reads them all and reports PRJ001 and PRJ002, and
:func:`missing_translations` PRJ003.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from audit.checks.base import Context, override_for
from audit.checks.project import KATAKANA_ACROSS, MISSING, NAME_ACROSS
from audit.model import Finding, Report, Severity

Place = tuple[str, int, int, str]  # document key, start, end, text


@dataclass
class Aggregates:
    names: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # source name → (spelling, start, end)
    katakana: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # katakana word → (start, end)


def aggregates_of(report: Report) -> Aggregates:
    """What one document contributes to the project's checks."""
    from audit.checks.consistency import katakana_occurrences
    from audit.checks.names import name_spellings

    ctx = Context(target=report.target, source=report.source, alignment=report.alignment)
    names = name_spellings(ctx) if report.source is not None and report.alignment else {}
    katakana = {w: [(s.start, s.end) for s in spans] for w, spans in katakana_occurrences(ctx).items()}
    return Aggregates(names, katakana)


def _fingerprint(code: str, *parts: str) -> str:
    h = hashlib.sha256()
    for part in (code, *parts):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def _places(places: Sequence[Place]) -> list[dict[str, object]]:
    return [{"document": d, "start": s, "end": e, "text": t} for d, s, e, t in places]


def cross_document(keys: Sequence[str], aggregates: Sequence[Aggregates], texts: Sequence[str], codes: frozenset[str],
                   overrides: Mapping[str, Severity] | None = None) -> list[Finding]:  # fmt: skip
    """PRJ001 and PRJ002 over every document (``codes``: the selected ones)."""
    out: list[Finding] = []
    if NAME_ACROSS.code in codes:
        out += _names_across(keys, aggregates, texts)
    if KATAKANA_ACROSS.code in codes:
        out += _katakana_across(keys, aggregates, texts)
    return [replace(f, severity=override_for(f.code, overrides or {}) or f.severity) for f in out]


def _names_across(keys: Sequence[str], aggregates: Sequence[Aggregates], texts: Sequence[str]) -> list[Finding]:
    from audit.lexicon.kana import kana_key

    by_name: dict[str, dict[str, list[Place]]] = defaultdict(lambda: defaultdict(list))  # name → key → places
    for doc, agg, text in zip(keys, aggregates, texts, strict=True):
        for name, found in agg.names.items():
            for spelling, start, end in found:
                by_name[name][kana_key(spelling)].append((doc, start, end, text[start:end]))
    out = []
    for name in sorted(by_name):
        spellings = by_name[name]
        docs_of = {k: {p[0] for p in places} for k, places in spellings.items()}
        if len(spellings) < 2 or not _apart(docs_of):
            continue
        ranked = sorted(spellings.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
        common = ranked[0][1][0][3]
        counts = {places[0][3]: len(places) for _, places in ranked}
        where = "; ".join(f"「{places[0][3]}」 in {', '.join(sorted({p[0] for p in places}))}" for _, places in ranked)
        out.append(
            Finding(
                NAME_ACROSS.code, NAME_ACROSS.severity, f"'{name}' is spelt two ways across documents: {where}",
                evidence={"name": name, "spellings": counts, "places": _places([p for _, places in ranked for p in places])},
                suggestion=common, fingerprint=_fingerprint(NAME_ACROSS.code, name, *sorted(counts)),
            )  # fmt: skip
        )
    return out


def _katakana_across(keys: Sequence[str], aggregates: Sequence[Aggregates], texts: Sequence[str]) -> list[Finding]:
    from audit.checks.consistency import variant_clusters

    places: dict[str, list[Place]] = defaultdict(list)
    for doc, agg, text in zip(keys, aggregates, texts, strict=True):
        for word, spans in agg.katakana.items():
            places[word].extend((doc, s, e, text[s:e]) for s, e in spans)
    out = []
    for cluster in variant_clusters(sorted(places)):
        docs_of = {w: {p[0] for p in places[w]} for w in cluster}
        if not _apart(docs_of):
            continue
        counts = Counter({w: len(places[w]) for w in cluster})
        dominant = counts.most_common(1)[0][0]
        where = "; ".join(f"「{w}」 in {', '.join(sorted(docs_of[w]))}" for w, _ in counts.most_common())
        out.append(
            Finding(
                KATAKANA_ACROSS.code, KATAKANA_ACROSS.severity, f"one katakana word spelt two ways across documents: {where}",
                evidence={"spellings": dict(counts), "places": _places([p for w, _ in counts.most_common() for p in places[w]])},
                suggestion=dominant, fingerprint=_fingerprint(KATAKANA_ACROSS.code, *sorted(cluster)),
            )  # fmt: skip
        )
    return out


def _apart(docs_of: Mapping[str, set[str]]) -> bool:
    """Whether two spellings live in different documents: one document writes one and not the
    other, and another document the other and not the one (both in one document: a
    single-document check's finding)."""
    items = list(docs_of.items())
    return any(
        (da - db) and (db - da) for i, (_, da) in enumerate(items) for _, db in items[i + 1 :]
    )


def missing_translations(missing: Sequence[str], target_dir: str | None, codes: frozenset[str],
                         overrides: Mapping[str, Severity] | None = None) -> list[Finding]:  # fmt: skip
    if MISSING.code not in codes:
        return []
    severity = override_for(MISSING.code, overrides or {}) or MISSING.severity
    return [
        Finding(
            MISSING.code, severity, f"{rel} has no translation" + (f" (expected {target_dir}/{rel})" if target_dir else ""),
            evidence={"source": rel}, fingerprint=_fingerprint(MISSING.code, rel),
        )  # fmt: skip
        for rel in missing
    ]
