"""The back-translator interface: translate a batch, n-best with scores, a signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Hypothesis:
    """One back-translation of one sentence; ``score`` is the model's log-probability per token (None if unknown)."""

    text: str
    score: float | None = None


@runtime_checkable
class BackTranslator(Protocol):
    """Anything that turns Japanese sentences into English ones.

    ``translate`` returns, for each input, up to ``n_best`` hypotheses, best first. ``signature``
    names the model, its hash and every setting that changes the output; the cache keys on it.
    """

    name: str

    def signature(self) -> str: ...

    def translate(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]: ...
