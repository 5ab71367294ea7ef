"""COMET scores through ``unbabel-comet`` (the optional ``comet`` extra, which pulls torch).

Three uses, chosen by what the model reads and what the audit has:

- **reference-based** (``comet``): models that read a reference (wmt22-comet-da, XCOMET) score each
  aligned pair (source, translation, human reference) when ``--reference`` has as many sentences as
  the translation (the same pairing as the reference-based chrF/BLEU/TER);
- **quality estimation** (``comet``): reference-free models (CometKiwi and other
  ``referenceless``/unified models without ``ref``) score (source, translation) per aligned pair;
  a source sentence the translation left out is scored against an empty translation;
- **round trip** (``bt-comet``): with back-translations and a reference-based model, the
  back-translation is scored as a translation of the Japanese against the English source as its
  reference.

Models load from a local folder (``hparams.yaml`` + ``checkpoints/model.ckpt``) or a checkpoint
file, or by name from the Hugging Face cache. Offline is the default: a name that is not cached
is reported as skipped, with the command that enables it, never a crash. ``AUDIT_ALLOW_DOWNLOADS=1``
lets COMET download the model. Note that COMET also loads its encoder's tokenizer by name
(``xlm-roberta-large``, ``microsoft/infoxlm-large``): offline, those must be cached too.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.model import BackTranslation, Bead, Document, Score
from audit.scores import N_BOOTSTRAP, SEED, Metric, score_with_interval
from audit.signature import dist_version

ENABLE = "pip install torch && pip install 'mt-audit[comet]'"
SUGGESTED = "Unbabel/wmt22-cometkiwi-da"
_NEEDS_REF = {"RegressionMetric": True, "RankingMetric": True, "ReferencelessRegression": False}


class CometUnavailable(Exception):
    """The model cannot be used here; ``enable`` says how to make it usable."""

    def __init__(self, reason: str, enable: str):
        super().__init__(reason)
        self.reason, self.enable = reason, enable


@dataclass(frozen=True)
class CometModel:
    name: str
    model: Any
    needs_ref: bool
    signature: str
    batch_size: int = 16

    def predict(self, samples: Sequence[Mapping[str, str]]) -> list[float]:
        if not samples:
            return []
        with _quiet():
            out = self.model.predict(list(samples), batch_size=self.batch_size, gpus=0, progress_bar=False, num_workers=0)
        return [float(x) for x in out.scores]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """COMET and Lightning print banners and tips; keep them off the report stream."""
    names = ("comet", "pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric", "transformers")
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _checkpoint_digest(ckpt: Path) -> str:
    """SHA-256 of hparams.yaml, the checkpoint's size and its first and last MiB (a full hash of
    a 2 GB checkpoint would cost more than the scoring of a short document)."""
    h = hashlib.sha256()
    hparams = ckpt.parent.parent / "hparams.yaml"
    if hparams.is_file():
        h.update(hparams.read_bytes())
    size = ckpt.stat().st_size
    h.update(str(size).encode())
    with ckpt.open("rb") as f:
        h.update(f.read(1 << 20))
        if size > 2 << 20:
            f.seek(-(1 << 20), os.SEEK_END)
            h.update(f.read())
    return h.hexdigest()[:16]


def _locate(spec: str, online: bool) -> Path:
    path = Path(spec).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        ckpt = path / "checkpoints" / "model.ckpt"
        if not ckpt.is_file():
            raise CometUnavailable(f"{path} holds no checkpoints/model.ckpt", "give a COMET model folder or its model.ckpt")
        return ckpt
    if spec.startswith(("/", ".", "~")) or spec.count("/") > 1:
        raise CometUnavailable(f"COMET model '{spec}' not found", "give a COMET model folder or its model.ckpt")
    if online:
        from comet import download_model

        try:
            with _quiet():
                return Path(download_model(spec))
        except Exception as exc:  # noqa: BLE001 - COMET raises KeyError for every failure
            raise CometUnavailable(f"cannot download COMET model '{spec}': {type(exc).__name__}", "check the model name") from None
    try:
        from huggingface_hub import snapshot_download

        with _quiet():
            folder = snapshot_download(repo_id=spec, local_files_only=True)
    except Exception:  # noqa: BLE001 - not cached (or not a repository name)
        raise CometUnavailable(
            f"COMET model '{spec}' is not in the local Hugging Face cache (offline by default)",
            f"AUDIT_ALLOW_DOWNLOADS=1 audit check ... --comet {spec} (once, online), or --comet /path/to/model",
        ) from None
    ckpt = Path(folder) / "checkpoints" / "model.ckpt"
    if not ckpt.is_file():
        raise CometUnavailable(f"the cached '{spec}' holds no checkpoints/model.ckpt", "download it again online")
    return ckpt


_LOADED: dict[str, CometModel] = {}


def load(spec: str, *, batch_size: int = 16) -> CometModel:
    """The COMET model a spec names (folder, checkpoint file or hub name); raises CometUnavailable."""
    if spec in _LOADED:
        return _LOADED[spec]
    try:
        with _quiet():
            import comet
    except ImportError:
        raise CometUnavailable("unbabel-comet is not installed", ENABLE) from None
    online = os.environ.get("AUDIT_ALLOW_DOWNLOADS") == "1"
    ckpt = _locate(spec, online)
    try:
        with _quiet():
            model = comet.load_from_checkpoint(str(ckpt), local_files_only=not online)
    except Exception as exc:  # noqa: BLE001 - torch, yaml and transformers errors alike
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise CometUnavailable(
            f"cannot load COMET model '{spec}': {type(exc).__name__}{': ' + first if first else ''}",
            "offline, the model's encoder tokenizer (e.g. xlm-roberta-large) must be in the Hugging Face cache too",
        ) from None
    cls = type(model).__name__
    segments = list(getattr(model.hparams, "input_segments", []) or [])
    needs_ref = _NEEDS_REF.get(cls, "ref" in segments)
    version = dist_version("unbabel-comet")
    name = ckpt.parent.parent.name if spec == str(ckpt) or Path(spec).expanduser().exists() else spec
    signature = f"comet:{version}|model:{name}|ckpt:{_checkpoint_digest(ckpt)}|class:{cls}|batch:{batch_size}"
    _LOADED[spec] = CometModel(name, model, needs_ref, signature, batch_size)
    return _LOADED[spec]


_BOOT = f"bootstrap:{N_BOOTSTRAP}|seed:{SEED}"


def comet_scores(
    model: CometModel,
    source: Document,
    target: Document,
    alignment: Sequence[Bead],
    backtranslations: Sequence[BackTranslation] = (),
    reference: Document | None = None,
) -> tuple[list[dict[str, float]], list[Score], list[str]]:
    """Per-pair values (one dict per bead with a source side, in order), document scores, notes."""
    beads = [b for b in alignment if b.source]
    src = [" ".join(source.segments[i].text for i in b.source) for b in beads]
    mt = ["".join(target.segments[j].text for j in b.target) for b in beads]
    pairs: list[dict[str, float]] = [{} for _ in beads]
    scores: list[Score] = []
    notes: list[str] = []

    def document(name: str, values: list[float], mode: str, used: int) -> None:
        value, interval = score_with_interval(Metric("mean"), Metric.value_stats(values))
        scores.append(Score(name, value, f"{model.signature}|mode:{mode}|pairs:{used}|{_BOOT}", interval))

    if model.needs_ref:
        if reference is None:
            notes.append(f"{model.name} needs a reference: give --reference for reference-based COMET")
        elif len(reference.segments) != len(target.segments):
            notes.append(
                f"reference-based COMET skipped: the reference has {len(reference.segments)} sentences, "
                f"the translation {len(target.segments)} (use --presegmented with line-aligned files)"
            )
        else:
            idx = [k for k, b in enumerate(beads) if b.target]
            refs = ["".join(reference.segments[j].text for j in beads[k].target) for k in idx]
            values = model.predict([{"src": src[k], "mt": mt[k], "ref": r} for k, r in zip(idx, refs, strict=True)])
            for k, v in zip(idx, values, strict=True):
                pairs[k]["comet"] = round(v, 4)
            document("comet", values, "reference", len(idx))
            notes.append(f"COMET with reference on {len(idx)} pairs ({len(beads) - len(idx)} omitted sentences not scored)")
        bt = {b.segment: b.text for b in backtranslations}
        if bt:
            back = [" ".join(bt[j] for j in b.target if j in bt) for b in beads]
            values = model.predict([{"src": m, "mt": t, "ref": s} for s, m, t in zip(src, mt, back, strict=True)])
            for k, v in enumerate(values):
                pairs[k]["bt-comet"] = round(v, 4)
            document("bt-comet", values, "round-trip", len(beads))
            notes.append(f"round-trip COMET (back-translation vs source) on {len(beads)} pairs")
    else:
        values = model.predict([{"src": s, "mt": m} for s, m in zip(src, mt, strict=True)])
        for k, v in enumerate(values):
            pairs[k]["comet"] = round(v, 4)
        document("comet", values, "qe", len(beads))
        notes.append(f"COMET quality estimation on {len(beads)} pairs (omitted sentences scored as empty translations)")
        if backtranslations:
            notes.append("round-trip COMET needs a reference-based model (e.g. Unbabel/wmt22-comet-da)")
    return pairs, scores, notes
