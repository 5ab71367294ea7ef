"""Back-translation: Japanese → English, so the translation can be compared with its source.

Back-ends: Argos Translate packages run through CTranslate2 (:mod:`.ct2`), and back-translations
made elsewhere read from a file (:mod:`.precomputed`). :func:`resolve` turns the
``--backtranslate`` value into a back-translator (or a reason why there is none), and
:func:`backtranslate_document` runs it over a document's segments through the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audit.backtranslate.base import BackTranslator, Hypothesis
from audit.errors import UsageError
from audit.model import BackTranslation, Document

__all__ = ["BackTranslator", "Hypothesis", "Resolution", "resolve", "backtranslate_document", "ENABLE"]

ENABLE = (
    "audit models install PATH.argosmodel (offline) or audit models install ja_en (online); or --backtranslate FILE.tsv; "
    "or --backtranslate openai:MODEL (an OpenAI-compatible server)"
)
_PRECOMPUTED_SUFFIXES = (".tsv", ".jsonl", ".ndjson", ".txt")


@dataclass(frozen=True)
class Resolution:
    translator: BackTranslator | None
    reason: str | None = None  # why there is none
    enable: str | None = None


def resolve(
    spec: str, *, from_code: str = "ja", to_code: str = "en", settings: object | None = None, config: object | None = None
) -> Resolution:
    """``auto`` (an installed model if any), ``none``, a package name/pair/folder, a TSV/JSONL
    file, or ``openai:MODEL`` (a model behind an OpenAI-compatible API, with the server and
    limits of ``config``)."""
    from audit.backtranslate import packages
    from audit.backtranslate.ct2 import CT2BackTranslator, DecodeSettings

    decode = settings if isinstance(settings, DecodeSettings) else DecodeSettings()
    if spec == "none":
        return Resolution(None, "turned off (--backtranslate none)", "--backtranslate auto")
    if spec.startswith("openai:"):
        from audit.backtranslate.llm import LLMBackTranslator
        from audit.llm.client import endpoint_from_config

        endpoint = endpoint_from_config(spec, config)
        return Resolution(LLMBackTranslator(endpoint, samples=int(getattr(config, "llm_samples", 1))))
    path = Path(spec).expanduser()
    if path.suffix.lower() in _PRECOMPUTED_SUFFIXES or path.is_file():
        from audit.backtranslate.precomputed import PrecomputedBackTranslator

        return Resolution(PrecomputedBackTranslator(path))
    if spec == "auto":
        pkg = packages.default_package(from_code, to_code)
        if pkg is None:
            return Resolution(None, f"no {from_code}→{to_code} back-translation model installed", ENABLE)
    else:
        pkg = packages.find_package(spec, from_code, to_code)
        if pkg is None:
            have = [p.name for p in packages.installed_packages()]
            raise UsageError(
                f"--backtranslate {spec}: no such model" + (f" (installed: {', '.join(have)})" if have else f"; {ENABLE}")
            )
        if (pkg.from_code, pkg.to_code) != (from_code, to_code):
            raise UsageError(f"--backtranslate {spec}: model translates {pkg.from_code}→{pkg.to_code}, need {from_code}→{to_code}")
    return Resolution(CT2BackTranslator(pkg, decode))


def _agreement(best: str, alternatives: list[str]) -> float | None:
    if not alternatives:
        return None
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return sum(chrf.sentence_score(a, [best]).score for a in alternatives) / (100.0 * len(alternatives))


def backtranslate_document(
    doc: Document, translator: BackTranslator, *, n_best: int = 1, cache: object | None = None
) -> tuple[tuple[BackTranslation, ...], int]:
    """Back-translate every segment of ``doc`` (each distinct text once); returns the records and how many were translated afresh."""
    from audit.backtranslate.artefacts import find_artefacts
    from audit.backtranslate.cache import Cache, translate_cached

    segs = [s for s in doc.segments if s.text.strip()]
    results, fresh = translate_cached(translator, [s.text for s in segs], n_best, cache if isinstance(cache, Cache) else None)
    out = []
    for seg, hyps in zip(segs, results, strict=True):
        if not hyps:
            continue
        best, rest = hyps[0], [h.text for h in hyps[1:]]
        out.append(
            BackTranslation(
                segment=seg.id,
                text=best.text,
                score=best.score,
                alternatives=tuple(rest),
                agreement=_agreement(best.text, rest),
                artefacts=tuple(find_artefacts(seg.text, best.text)),
            )
        )
    return tuple(out), fresh
