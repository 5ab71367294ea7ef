"""The WMT24 en-ja ESA development data, its fixed tune / held-out split, and audits of it.

`../shared/data/wmt24-esa/en-ja/` holds real 2024 machine translation (12 systems and the human
reference ``refA``), paragraph by paragraph, with professional annotators' error spans (minor or
major) and a 0-100 score per paragraph. More documents of the same kind are held back elsewhere;
this module splits the ones here again, by document, into a part that thresholds and the
confidence model are fitted on (``tune``) and a part that is only looked at when reporting
(``heldout``). The split is a hash of the document name with a fixed salt, so it does not depend
on which other documents are present and cannot drift when the code changes.

Every document is audited per system in source mode as a bilingual file (one paragraph = one
translation unit, the whole document kept together so that document-level rules see it), through
the same pipeline as ``audit check``: no model, no glossary, default settings. ``audit_all`` runs
the documents on all cores and returns, per (document, system), each paragraph's findings and
pair scores, with offsets relative to the paragraph's translation so that they can be compared
with the annotators' spans.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wmt import ESA_EN_JA

DATA = ESA_EN_JA
SPLIT_SALT = "esa-split/1"
REFERENCE = "refA"
LOWEST_BAND = 34  # ESA scores below this: "no meaning preserved" to "some meaning preserved"


def split_of(doc: str) -> str:
    """``tune`` or ``heldout``: fixed per document name (about half each)."""
    return "heldout" if hashlib.sha256(f"{SPLIT_SALT}:{doc}".encode()).digest()[0] % 2 else "tune"


@dataclass(frozen=True)
class Judgement:
    """One annotator's judgement of one paragraph of one system's translation."""

    doc: str
    domain: str
    line: int
    system: str
    score: float
    errors: tuple[dict[str, Any], ...]
    source: str
    target: str

    @property
    def clean(self) -> bool:
        return not self.errors

    @property
    def wrong(self) -> bool:
        """Marked with an error, or scored in ESA's lowest band (0-33: little or no meaning kept)
        with no span: an annotator who gave a refusal, a copied source or a model's commentary
        0 and marked nothing still judged it wrong. The calibration learns from this; the
        report's "error-free" stays what the annotators marked (no span)."""
        return not self.clean or self.score < LOWEST_BAND

    @property
    def major(self) -> bool:
        return any(e["severity"] == "major" for e in self.errors)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(e["start"], e["end"]) for e in self.errors if not e.get("missing") and e.get("end", 0) > e.get("start", 0)]


@dataclass
class Paragraph:
    """What the toolkit said about one paragraph: findings (offsets into the paragraph's
    translation) and the pair's scores."""

    findings: list[dict[str, Any]] = field(default_factory=list)  # each with "features" (audit.confidence)
    scores: dict[str, Any] = field(default_factory=dict)
    pair: dict[str, float] = field(default_factory=dict)  # the pair's own features, for the risk model


def available() -> bool:
    return (DATA / "annotations.jsonl").is_file() and (DATA / "documents.jsonl").is_file()


def judgements() -> list[Judgement]:
    out = []
    with open(DATA / "annotations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out.append(
                Judgement(r["doc"], r["domain"], int(r["line"]), r["system"], float(r["score"]), tuple(r["errors"]), r["source"], r["target"])
            )
    return out


def documents() -> list[dict[str, Any]]:
    with open(DATA / "documents.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _audit_one(args: tuple[dict[str, Any], dict[str, Any]]) -> tuple[tuple[str, str], dict[int, Paragraph]]:
    doc, settings = args
    lines = doc["lines"]
    settings = dict(settings)
    if settings.pop("mode", "source") == "target-only":
        return _audit_target_only(doc, settings)
    units = "".join(json.dumps({"id": str(ln["line"]), "source": ln["source"], "target": ln["target"]}, ensure_ascii=False) + "\n" for ln in lines)
    report = _run("doc.jsonl", units, settings)
    if isinstance(report, str):  # counted, not hidden: the caller reports refusals
        return (doc["doc"], doc["system"]), {-1: Paragraph(findings=[{"code": "REFUSED", "message": report}])}
    out: dict[int, Paragraph] = {int(ln["line"]): Paragraph() for ln in lines}
    target, source = report.target, report.source
    unit_start: dict[str, int] = {}
    offset = 0
    for ln in lines:  # the reader joins the units' texts with one blank line
        unit_start[str(ln["line"])] = offset
        offset += len(ln["target"]) + 2
    from audit.confidence import features_of

    rows, pairs = features_of(report.findings, target, source, report.alignment, report.pair_scores)
    for k, p in enumerate(pairs):
        bead = report.alignment[k]
        ids = bead.target or bead.source
        side = target if bead.target else source
        if side is not None and ids and side.segments[ids[0]].unit is not None:
            out[int(side.segments[ids[0]].unit)].pair = p.risk_features()
    for f, (_, x) in zip(report.findings, rows, strict=True):
        d = f.to_dict()
        d["features"] = x
        unit = None
        if f.target is not None:
            seg = target.segment_at(f.target.start)
            unit = seg.unit if seg else None
        elif f.source is not None and source is not None:
            seg = source.segment_at(f.source.start)
            unit = seg.unit if seg else None
        if unit is None:
            continue
        if f.target is not None:
            base = unit_start.get(unit, 0)
            d["start"], d["end"] = f.target.start - base, f.target.end - base
        out[int(unit)].findings.append(d)
    assert source is not None
    for row in report.pair_scores:
        if row["target"]:
            unit = target.segments[row["target"][0]].unit
        else:
            unit = source.segments[row["source"][0]].unit
        if unit is not None:
            out[int(unit)].scores.update({k: v for k, v in row.items() if k not in ("source", "target", "bead")})
    return (doc["doc"], doc["system"]), out


def _audit_target_only(doc: dict[str, Any], settings: dict[str, Any]) -> tuple[tuple[str, str], dict[int, Paragraph]]:
    """The translation alone, paragraphs separated by blank lines (a line break inside a
    paragraph becomes a space, so that offsets into the annotated text still hold)."""
    from audit.confidence import features_of

    lines = doc["lines"]
    texts = [ln["target"].replace("\r", " ").replace("\n", " ") for ln in lines]
    starts, offset = [], 0
    for t in texts:
        starts.append(offset)
        offset += len(t) + 2
    report = _run("doc.txt", "\n\n".join(texts), settings)
    if isinstance(report, str):
        return (doc["doc"], doc["system"]), {-1: Paragraph(findings=[{"code": "REFUSED", "message": report}])}
    out: dict[int, Paragraph] = {int(ln["line"]): Paragraph() for ln in lines}
    rows, pairs = features_of(report.findings, report.target, None, (), ())
    import bisect

    for f, (_, x) in zip(report.findings, rows, strict=True):
        if f.target is None:
            continue
        k = bisect.bisect_right(starts, f.target.start) - 1
        d = f.to_dict()
        d["features"] = x
        d["start"], d["end"] = f.target.start - starts[k], f.target.end - starts[k]
        out[int(lines[k]["line"])].findings.append(d)
    by_start = {p.start: p for p in pairs}  # one pair per paragraph, starting where its line does
    for k, ln in enumerate(lines):
        if starts[k] in by_start:
            out[int(ln["line"])].pair = by_start[starts[k]].risk_features()
    return (doc["doc"], doc["system"]), out


def _run(name: str, content: str, settings: dict[str, Any]) -> Any:
    """The report of ``content`` audited as a file called ``name`` (its suffix picks the reader),
    every finding listed, no model; or the refusal's message."""
    from audit.config import Config
    from audit.errors import AuditError
    from audit.pipeline import AuditRequest, run_audit

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        cfg = Config(**{"backtranslate": "none", "min_confidence": 0.0, **settings})
        try:
            # no cache, but for a reviewer model's answers (paid for, and the same on a rerun)
            return run_audit(AuditRequest(target=path, config=cfg, use_cache=cfg.reviewer != "none"))
        except AuditError as exc:
            return str(exc)


def audit_all(docs: Iterable[dict[str, Any]], jobs: int | None = None, settings: dict[str, Any] | None = None) -> Iterator[tuple[tuple[str, str], dict[int, Paragraph]]]:
    """Audit each (document, system), in source mode unless ``settings`` says
    ``{"mode": "target-only"}``; results in input order."""
    items = [(d, settings or {}) for d in docs]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield from map(_audit_one, items)
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_audit_one, items, chunksize=4)
