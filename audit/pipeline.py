"""The audit pipeline: read → segment → align → (back-translate) → score → check.

Each stage adds to one :class:`~audit.model.Report`; nothing here prints or exits. A stage
that cannot run is recorded as skipped, with the reason and what would enable it.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from audit import __version__
from audit.checks.base import Context, run_rules, select_rules
from audit.config import Config
from audit.errors import UsageError
from audit.io import is_bilingual, read_bilingual, read_document
from audit.model import BackTranslation, Bead, Document, Report, Score, Stage
from audit.segment import SEGMENTER_VERSION
from audit.signature import dist_version

Progress = Callable[[str], None]


@dataclass
class AuditRequest:
    target: str | os.PathLike[str]
    source: str | os.PathLike[str] | None = None
    reference: str | os.PathLike[str] | None = None
    presegmented: bool = False
    config: Config = field(default_factory=Config)
    backtranslate: str | None = None  # auto | none | model name/path | TSV/JSONL file; None: from config
    decode: Any = None  # audit.backtranslate.ct2.DecodeSettings
    n_best: int = 3  # the beam (4) gives the alternatives for free; their agreement is BTD001's confidence
    use_cache: bool = True
    update_baseline: bool = False  # accept this audit as the baseline's entry for the document (the caller writes the file)


def run_audit(request: AuditRequest, progress: Progress | None = None) -> Report:
    """Audit one translation and return the report."""
    say = progress or (lambda _msg: None)
    cfg = request.config
    stages: list[Stage] = []
    clock = time.perf_counter()

    from audit.gates import evaluate as evaluate_gates
    from audit.gates import parse_all

    gates = parse_all(cfg.gates, cfg.origins.get("gates", "configuration"))
    baseline = None
    if cfg.baseline:
        from audit.baseline import load as load_baseline

        baseline = load_baseline(cfg.baseline, missing_ok=request.update_baseline)
    knowledge: Any = None
    if cfg.knowledge == "wikidata":  # online, opt-in (AUDIT_ALLOW_DOWNLOADS=1)
        from audit.backtranslate.packages import audit_home
        from audit.knowledge.online import WikidataOnline

        knowledge = WikidataOnline(audit_home() / "cache" / "web.sqlite3" if request.use_cache else None)
    elif cfg.knowledge:
        from audit.knowledge import load as load_knowledge

        knowledge = load_knowledge(cfg.knowledge)
    glossary = None
    if cfg.glossaries:
        from audit.glossary import load as load_glossary

        glossary = load_glossary(cfg.glossaries, source_lang=cfg.source_lang, target_lang=cfg.target_lang)
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
    check_languages(target, source, cfg, bilingual=bool(alignment))
    stages.append(Stage("read", True, seconds=time.perf_counter() - clock))

    say("back-translating")
    clock = time.perf_counter()
    services: list[dict[str, Any]] = []  # what each remote model cost
    backtranslations, bt_signature = _backtranslate(request, target, stages, services)
    if bt_signature:
        stages[-1] = replace(stages[-1], seconds=time.perf_counter() - clock)

    clock = time.perf_counter()
    src_vectors = tgt_vectors = None
    embed = None
    if source is None:
        stages.append(Stage("align", False, "target-only audit: no source document", "audit check TARGET --source SOURCE"))
    elif alignment:
        stages.append(Stage("align", True, "translation units of the bilingual file", seconds=time.perf_counter() - clock))
    else:
        say("aligning")
        from audit.align import AlignSettings, align

        settings = AlignSettings()
        embed = _embedder(request)
        src_vectors, tgt_vectors = _embed_both(embed, [s.text for s in source.segments], [t.text for t in target.segments], cfg.jobs)
        bt_by_segment = {b.segment: b.text for b in backtranslations}
        alignment = tuple(
            align(
                [s.text for s in source.segments],
                [t.text for t in target.segments],
                settings=settings,
                src_vectors=src_vectors,
                tgt_vectors=tgt_vectors,
                src_paragraphs=[s.paragraph for s in source.segments],
                tgt_paragraphs=[t.paragraph for t in target.segments],
                backtranslations=[bt_by_segment.get(t.id) for t in target.segments] if backtranslations else None,
            )
        )
        signals = "embeddings, anchors, names, paragraphs" + (", back-translations" if backtranslations else "")
        stages.append(Stage("align", True, f"{signals}; {settings.signature()}", seconds=time.perf_counter() - clock))

    say("scoring")
    clock = time.perf_counter()
    from audit.scoring import score_pairs, score_reference

    doc_scores: list[Score] = []
    pair_scores: list[dict[str, Any]] = []
    notes = []
    if source is not None and alignment:

        pairs, scores, note = score_pairs(
            source, target, alignment, backtranslations, src_vectors=src_vectors, tgt_vectors=tgt_vectors,
            embedder=embed or _embedder(request),
        )  # fmt: skip
        pair_scores.extend(pairs)
        doc_scores.extend(scores)
        notes.append(note)
    if reference is not None:
        doc_scores.extend(score_reference(target, reference))
        notes.append("reference-based (sacrebleu)")
    if doc_scores:
        stages.append(Stage("score", True, "; ".join(notes), seconds=time.perf_counter() - clock))
    else:
        stages.append(
            Stage("score", False, "target-only audit: no source and no reference to score against", "audit check TARGET --source SOURCE")
        )

    say("scoring with COMET")
    clock = time.perf_counter()
    comet_signature = _comet(cfg, source, target, alignment, backtranslations, reference, pair_scores, doc_scores, stages)
    if comet_signature:
        stages[-1] = replace(stages[-1], seconds=time.perf_counter() - clock)

    say("reviewing")
    clock = time.perf_counter()
    review = _review(request, target, source, alignment, stages, services)
    if review is not None:
        stages[-1] = replace(stages[-1], seconds=time.perf_counter() - clock)

    say("checking")
    clock = time.perf_counter()
    rules = select_rules(cfg.select, cfg.ignore)
    if source is not None and embed is None:

        embed = _embedder(request)
    ctx = Context(
        target=target,
        source=source,
        alignment=alignment,
        backtranslation={b.segment: b for b in backtranslations} if bt_signature else None,
        glossary=glossary,
        embedder=embed,
        review=review,
        knowledge=knowledge,
    )
    from audit.parallel import jobs_for_document

    findings, runs = run_rules(ctx, rules, cfg.severity, jobs=jobs_for_document(cfg.jobs))
    if knowledge is not None and hasattr(knowledge, "requests"):
        knowledge.close()
    if review is not None:
        findings = _merge_review(findings, target, source, alignment, pair_scores)
    suppressed_count = 0
    if cfg.suppressions:
        from audit.checks.base import override_for
        from audit.checks.suppress import STALE, apply_suppressions, load_suppressions
        from audit.model import Severity

        overrides = {k: Severity(v) for k, v in (cfg.severity or {}).items()}
        kept, suppressed, stale = apply_suppressions(
            findings, load_suppressions(cfg.suppressions), severity=override_for(STALE.code, overrides)
        )
        if STALE not in rules:  # --ignore SUP or a select that leaves it out
            stale = []
        suppressed_count = len(suppressed)
        findings = [replace(f, id=f"F{i:04d}") for i, f in enumerate(kept + stale, 1)]
    not_run = [r for r in runs if r.reason and not r.ran]
    reason = "; ".join(f"{r.rule.code} {r.reason}" for r in not_run) or None
    if suppressed_count:
        reason = f"{suppressed_count} finding(s) suppressed by {cfg.suppressions}" + (f"; {reason}" if reason else "")
    rule_notes = tuple(f"{r.rule.code}: {r.reason}" for r in runs if r.reason and r.ran)
    from audit.confidence import apply as apply_confidence

    judged = apply_confidence(findings, target, source, alignment, pair_scores, cfg.min_confidence)
    findings = judged.listed
    if judged.held_back:
        reason = (f"{judged.summary()}; " if reason else judged.summary()) + (reason or "")
    doc_scores.extend(judged.scores)
    stages.append(Stage("check", True, reason, seconds=time.perf_counter() - clock, notes=rule_notes))

    signature = build_signature(
        cfg, target, source, reference, [r.rule.code for r in runs if r.ran], bt_signature, comet_signature,
        glossaries=list(glossary.files) if glossary else [], min_confidence=judged.threshold,
        reviewer=next((x["signature"] for x in services if x["stage"] == "review"), None),
        knowledge=knowledge.signature() if knowledge is not None else None,
    )
    report = Report(
        signature=signature,
        target=target,
        source=source,
        reference=reference,
        alignment=alignment,
        document_scores=tuple(doc_scores),
        pair_scores=tuple(pair_scores),
        findings=tuple(findings),
        stages=tuple(stages),
        backtranslations=backtranslations,
        min_confidence=judged.threshold,
        held_back=judged.held_back,
        services=tuple(services),
    )
    if baseline is not None:
        from audit.baseline import comparison, updated

        if request.update_baseline:
            baseline = updated(baseline, report)
        report = replace(report, baseline=comparison(report, baseline))
    if gates:
        report = replace(report, gates=tuple(evaluate_gates(report, gates, baseline)))
    return report


def _backtranslate(
    request: AuditRequest, target: Document, stages: list[Stage], services: list[dict[str, Any]]
) -> tuple[tuple[BackTranslation, ...], str | None]:
    """Run the back-translation stage; record it (ran or skipped) in ``stages``, and a remote
    model's cost in ``services``."""
    from audit.backtranslate import backtranslate_document, resolve
    from audit.backtranslate.cache import Cache
    from audit.backtranslate.packages import audit_home

    cfg = request.config
    spec = request.backtranslate or cfg.backtranslate
    res = resolve(spec, from_code=cfg.target_lang, to_code=cfg.source_lang, settings=request.decode, config=cfg)
    if res.translator is None:
        stages.append(Stage("backtranslate", False, res.reason, res.enable))
        return (), None
    cache = Cache(audit_home() / "cache" / "backtranslations.sqlite3") if request.use_cache else None
    try:
        bts, fresh = backtranslate_document(target, res.translator, n_best=max(1, request.n_best), cache=cache)
    finally:
        if cache is not None:
            cache.close()
        close = getattr(res.translator, "close", None)
        if close is not None:
            close()
    total = sum(1 for s in target.segments if s.text.strip())
    unique = len({s.text for s in target.segments if s.text.strip()})
    notes = [f"{len(bts)} of {total} sentences back-translated ({fresh} translated now, {unique - fresh} from cache)"]
    if len(bts) < total:
        notes.append(f"{total - len(bts)} sentences have no back-translation in {res.translator.name}")
    if cache is not None and cache.problem:
        notes.append(cache.problem)
    artefacts = sum(1 for b in bts if b.artefacts)
    if artefacts:
        notes.append(f"{artefacts} back-translations lost a number, name or URL (marked as artefacts)")
    service = getattr(res.translator, "service", None)
    if service is not None:  # a remote model: what it cost, and the requests that failed
        record = service()
        services.append({"stage": "backtranslate", **record})
        notes.append(record["note"])
    stages.append(Stage("backtranslate", True, "; ".join(notes)))
    return bts, res.translator.signature()


REVIEW_ENABLE = (
    "audit check ... --reviewer openai:MODEL, with --llm-base-url URL for a server other than OpenAI's "
    "(Ollama, vLLM, llama.cpp, LM Studio) and the key in OPENAI_API_KEY; pip install 'mt-audit[llm]'"
)


def _review(
    request: AuditRequest, target: Document, source: Document | None, alignment: Sequence[Bead], stages: list[Stage],
    services: list[dict[str, Any]],
) -> Any:
    """The review stage (a model behind an OpenAI-compatible API), or None when not configured.
    A unit whose request fails is counted in the stage's note; an endpoint that refuses every
    request (key, model, URL) stops the audit with a one-line error."""
    cfg = request.config
    if cfg.reviewer in ("", "none"):
        stages.append(Stage("review", False, "no reviewer model configured", REVIEW_ENABLE))
        return None
    from audit.backtranslate.packages import audit_home
    from audit.llm.client import Client, endpoint_from_config
    from audit.llm.review import load_prompt, review_document

    endpoint = endpoint_from_config(cfg.reviewer, cfg)
    prompt = load_prompt()
    cache = audit_home() / "cache" / "llm.sqlite3" if request.use_cache else None
    with Client(endpoint, cache_path=cache) as client:
        result = review_document(client, target, source, alignment, prompt)
        problem = client.cache_problem
    note = result.note() + (f"; {problem}" if problem else "")
    stages.append(Stage("review", True, note))
    services.append(
        {
            "stage": "review", "engine": "openai-compatible", "model": endpoint.model, "server": endpoint.server,
            "prompt": prompt.version, "signature": f"openai:{endpoint.model}@{endpoint.server}|prompt:{prompt.version}|temperature:0|seed:{endpoint.seed}",
            **result.usage.to_dict(),
        }
    )  # fmt: skip
    return result


def _merge_review(findings: list[Any], target: Document, source: Document | None, alignment: Sequence[Bead], pair_scores: Sequence[Any]) -> list[Any]:
    from audit.checks.review import merge_review
    from audit.confidence import pair_of, pairs_of

    where, _ = pairs_of(target, source, alignment, pair_scores)
    return merge_review(findings, lambda f: pair_of(f, target, source, where))


def _comet(
    cfg: Config,
    source: Document | None,
    target: Document,
    alignment: Sequence[Bead],
    backtranslations: Sequence[BackTranslation],
    reference: Document | None,
    pair_scores: list[dict[str, Any]],
    doc_scores: list[Score],
    stages: list[Stage],
) -> str | None:
    """COMET scores into the pair and document scores; a stage says what ran or why not."""
    from audit import comet

    spec = cfg.comet
    if spec in ("", "none"):
        stages.append(Stage("comet", False, "no COMET model given", f"{comet.ENABLE}; then audit check ... --comet {comet.SUGGESTED}"))
        return None
    if source is None or not alignment:
        stages.append(Stage("comet", False, "COMET needs the source", "audit check TARGET --source SOURCE --comet MODEL"))
        return None
    try:
        model = comet.load(spec)
    except comet.CometUnavailable as exc:
        stages.append(Stage("comet", False, exc.reason, exc.enable))
        return None
    pairs, scores, notes = comet.comet_scores(model, source, target, alignment, backtranslations, reference)
    for row, extra in zip(pair_scores, pairs, strict=True):
        row.update(extra)
    doc_scores.extend(scores)
    if not scores:
        stages.append(Stage("comet", False, "; ".join(notes), f"audit check ... --comet {spec} --reference REF"))
        return None
    stages.append(Stage("comet", True, "; ".join(notes)))
    return model.signature


def check_languages(target: Document, source: Document | None, cfg: Config, *, bilingual: bool = False) -> None:
    """Refuse a Japanese audit of text that is not Japanese (wrong file, swapped arguments).

    A bilingual file whose translations are not Japanese is audited, not refused: a model that
    answered in English, or units left untranslated, are what the audit is for (UNT001 reports
    them). Only its sides swapped (Japanese source, non-Japanese translation) is refused."""
    from audit.errors import InputError
    from audit.lexicon.script import ja_ratio

    if cfg.target_lang != "ja":
        return
    t_ratio = ja_ratio(target.text[:200_000])
    if bilingual and (source is None or cfg.source_lang != "en" or ja_ratio(source.text[:200_000]) < 0.5):
        return
    if t_ratio < 0.1:
        swapped = source is not None and ja_ratio(source.text[:200_000]) >= 0.5
        hint = "the files look swapped: TARGET is the translation, --source the English" if swapped else "give the Japanese translation as TARGET"
        raise InputError(f"target does not look like Japanese ({t_ratio:.0%} of its letters are Japanese)", path=target.path, hint=hint)
    if source is not None and cfg.source_lang == "en" and ja_ratio(source.text[:200_000]) >= 0.5:
        raise InputError("source looks Japanese, not English", path=source.path, hint="--source takes the English original")



def build_signature(
    cfg: Config,
    target: Document,
    source: Document | None,
    reference: Document | None,
    rules: list[str],
    backtranslation: str | None = None,
    comet: str | None = None,
    *,
    glossaries: list[dict[str, Any]] | None = None,
    min_confidence: float | None = None,
    reviewer: str | None = None,
    knowledge: str | None = None,
) -> dict[str, Any]:
    from audit.confidence import shipped
    from audit.lexicon.tokens import versions

    components = {"segmenter": f"audit-seg/{SEGMENTER_VERSION}", **versions(), "confidence": shipped().signature()}
    if source is not None:
        from audit.align import AlignSettings

        components["aligner"] = AlignSettings().signature()
        from audit.embedders import resolve_embedder

        components["embedder"] = resolve_embedder(cfg.embedder, cfg).signature
    if backtranslation:
        components["backtranslation"] = backtranslation
    if comet:
        components["comet"] = comet
    if reviewer:
        components["reviewer"] = reviewer
    if knowledge:
        components["knowledge"] = knowledge
    for dist in ("sacrebleu", "translate-toolkit"):
        components[dist] = dist_version(dist)
    from audit.scores import N_BOOTSTRAP, SEED

    components["intervals"] = f"bootstrap:{N_BOOTSTRAP}|seed:{SEED}"
    signature: dict[str, Any] = {
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
            "glossaries": glossaries or [],  # name, sha256 and term count of each glossary file
            "min_confidence": min_confidence,
        },
        "rules": rules,
    }
    from audit.signature import signature_id

    signature["id"] = signature_id(signature)
    return signature


def _embed_both(embed: Any, source: list[str], target: list[str], jobs: int | None) -> tuple[Any, Any]:
    """The source's and the target's sentence vectors; with two jobs or more and enough
    sentences, the target's in a forked process beside the source's (the encoder uses one core)."""
    from audit.parallel import MIN_SENTENCES, Forked, can_fork, jobs_for_document, one_core

    if jobs_for_document(jobs) < 2 or len(source) + len(target) < MIN_SENTENCES or not can_fork():
        return embed(source), embed(target)
    other = Forked(embed, target)
    with one_core():
        mine = embed(source)
        from audit.lexicon import warm

        warm()  # the checks' indexes, while the target's half (about as long) finishes
    return mine, other.result()


def _embedder(request: AuditRequest) -> Any:
    """The configured sentence encoder, with its vectors cached across runs unless the request
    says not to (``--no-cache``)."""
    from audit.embedders import cached, resolve_embedder

    embed = resolve_embedder(request.config.embedder, request.config)
    if not request.use_cache:
        return embed
    from audit.backtranslate.packages import audit_home

    return cached(embed, audit_home() / "cache" / "embeddings.sqlite3")
