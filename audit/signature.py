"""The audit signature: what produced a report's numbers, and whether two reports can be compared.

Two reports are comparable when everything that shapes their numbers matches: toolkit version,
segmenter, tokenizers, aligner settings, embedding model, back-translation model and decoding
settings, metric signatures, COMET model, the selected checks and their settings. The inputs
(document hashes) and the Python version are recorded but are not part of the comparison: the
point is to compare runs on different documents, or the same document over time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import metadata
from typing import Any


def dist_version(dist: str) -> str:
    """An installed distribution's version for a signature, or 'missing'."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


_COMPARED = ("toolkit", "components", "settings", "rules")


def signature_id(signature: Mapping[str, Any]) -> str:
    """A short hash of the compared parts of a signature."""
    canon = json.dumps({k: signature.get(k) for k in _COMPARED}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, value in a, value in b) for every compared key that differs, sorted by key."""
    fa = _flatten({k: a.get(k) for k in _COMPARED})
    fb = _flatten({k: b.get(k) for k in _COMPARED})
    return [(k, fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]
