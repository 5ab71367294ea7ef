"""English → katakana with e2k: its first guess, and how well any stretch of katakana renders
an English word under its model (teacher-forced log-probabilities)."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from audit.lexicon.kana import best_window, kana_key


class _Memo:
    """e2k's answers kept on disk (``$AUDIT_HOME/cache/e2k.sqlite3``), keyed by e2k's version and
    the question: they never change for a version, and each costs a decode of its model (tens of
    milliseconds), so a re-audit, a second document or a worker process asks the model only
    about words no run has met. Shared safely between processes (SQLite); reopened after a fork."""

    def __init__(self) -> None:
        self._cache: object | None = None
        self._pid = -1
        self._path: object = None
        self._lock = threading.Lock()
        self._version: str | None = None

    def _open(self) -> object | None:
        from audit.backtranslate.packages import audit_home

        path = audit_home() / "cache" / "e2k.sqlite3"
        if self._pid != os.getpid() or self._path != path:
            from audit.backtranslate.cache import Cache
            from audit.signature import dist_version

            if self._cache is not None and self._pid == os.getpid():
                self._cache.close()  # type: ignore[attr-defined]
            self._version = dist_version("e2k")
            try:
                self._cache = Cache(path, threads=True)
            except OSError:
                self._cache = None
            self._pid, self._path = os.getpid(), path
        return self._cache

    def get(self, kind: str, question: str) -> str | None:
        with self._lock:
            cache = self._open()
            return cache.get_text("e2k", f"{self._version}\0{kind}\0{question}") if cache is not None else None  # type: ignore[attr-defined]

    def put(self, kind: str, question: str, answer: str) -> None:
        with self._lock:
            cache = self._open()
            if cache is not None:
                cache.put_text("e2k", f"{self._version}\0{kind}\0{question}", answer)  # type: ignore[attr-defined]


_MEMO = _Memo()


@lru_cache(maxsize=4096)
def transliterate(word: str) -> str:
    """English word → katakana with e2k ('' when e2k is not installed)."""
    conv = _e2k()
    if conv is None:
        return ""
    known = _MEMO.get("t", word.lower())
    if known is not None:
        return known
    try:
        kana = str(conv(word.lower()))
    except Exception:  # noqa: BLE001 - a model failure must not stop the audit
        return ""
    _MEMO.put("t", word.lower(), kana)
    return kana


@dataclass(frozen=True)
class Rendering:
    """How well a stretch of katakana renders an English word, by e2k's own model.

    ``mean`` is the average log-probability per kana (and end of word) of the stretch given the
    word, with the model's input teacher-forced; ``worst`` the lowest single one. A correct
    transliteration that differs from e2k's first choice (ワルター for "Walter") still scores
    well (mean about -0.8); two kana changed at random (ラミネス for "Ramirez") score about -1.7 and
    have one kana below -8.
    """

    text: str
    mean: float
    worst: float


KATAKANA_PIECE = re.compile(r"[ァ-ヺー]{2,}")


NO_RENDERING = Rendering("", float("-inf"), float("-inf"))


def rendering(word: str, text: str, near: str = "") -> Rendering | None:
    """The stretch of katakana in ``text`` that best renders ``word``: ``NO_RENDERING`` when there
    is none, None when e2k is not installed.

    Every substring of every katakana word (split at ・ and ＝) is scored; ``near``, a phonetic
    key (of e2k's rendering), restricts the search to words whose key is at least loosely
    similar (0.4) to it and to stretches at least 60% as long.
    A hyphenated word is scored part by part and gets its weakest part's score.
    """
    parts = [p for p in word.split("-") if len(p) >= 3] or [word]
    if len(parts) > 1:
        scores = [rendering(p, text, kana_key(transliterate(p))) for p in parts]
        known = [s for s in scores if s is not None]
        return min(known, key=lambda s: s.mean) if len(known) == len(scores) else None
    conv = _e2k()
    if conv is None:
        return None
    best = NO_RENDERING
    shortest = max(2, round(len(near) * 0.6))  # a prefix (スコット for "Scotland") is not a rendering
    for piece in KATAKANA_PIECE.findall(text):
        if near and best_window(near, kana_key(piece))[0] < 0.4:
            continue
        for i in range(len(piece) - 1):
            chars, ends = _forced(conv, word, piece[i:])
            for j in range(2, len(chars) + 1):
                if near and len(kana_key(piece[i : i + j])) < shortest:
                    continue
                seq = [*chars[:j], ends[j - 1]]
                mean = sum(seq) / len(seq)
                if mean > best.mean:
                    best = Rendering(piece[i : i + j], round(mean, 3), round(min(seq), 3))
    return best


def word_rendering(word: str, kana: str) -> Rendering | None:
    """How well the whole katakana word ``kana`` (not its best stretch) renders ``word``, by e2k's
    model; None when e2k is not installed. A kana glued to either end of a name (ナシティリンク)
    costs the whole word what the stretch without it hides."""
    conv = _e2k()
    if conv is None:
        return None
    chars, ends = _forced(conv, word, kana)
    if not chars:
        return NO_RENDERING
    seq = [*chars, ends[-1]]
    return Rendering(kana, round(sum(seq) / len(seq), 3), round(min(seq), 3))


_FORCE_LOCK = threading.Lock()


@lru_cache(maxsize=8192)
def _forced(conv, word: str, kana: str) -> tuple[tuple[float, ...], tuple[float, ...]]:  # noqa: ANN001
    """Log-probabilities of each kana of ``kana`` after the ones before it, and of the word
    ending after each kana, under e2k's model for ``word``."""
    import json

    question = f"{word.lower()}\0{kana}"
    known = _MEMO.get("f", question)
    if known is not None:
        stored = json.loads(known)
        return tuple(stored[0]), tuple(stored[1])
    chars, ends = _forced_now(conv, word, kana)
    _MEMO.put("f", question, json.dumps([chars, ends]))
    return chars, ends


def _forced_now(conv, word: str, kana: str) -> tuple[tuple[float, ...], tuple[float, ...]]:  # noqa: ANN001
    import numpy as np

    s2s = conv.s2s
    table = {ch: i for i, ch in enumerate(s2s.out_table)}
    ids = [table[ch] for ch in kana if ch in table]
    src = np.array([s2s.sos_idx, *(conv.in_table[c] for c in word.lower() if c in conv.in_table), s2s.eos_idx])
    steps: list = []

    def decode(logits):  # noqa: ANN001, ANN202
        z = logits - logits.max()
        steps.append(z - np.log(np.exp(z).sum()))
        k = len(steps) - 1
        return ids[k] if k < len(ids) else s2s.eos_idx

    with _FORCE_LOCK:  # max_len is the model's; restored at once
        saved = s2s.max_len
        s2s.max_len = len(ids) + 1
        try:
            s2s.forward(src, decode)
        finally:
            s2s.max_len = saved
    chars = tuple(float(steps[k][ids[k]]) for k in range(len(ids)))
    ends = tuple(float(steps[k + 1][s2s.eos_idx]) for k in range(len(ids)))
    return chars, ends


_E2K: object | None = None


_E2K_LOCK = threading.Lock()


def _e2k():  # noqa: ANN202
    global _E2K
    with _E2K_LOCK:
        if _E2K is None:
            try:
                from e2k import C2K

                _E2K = C2K()
            except ImportError:
                _E2K = False
    return _E2K or None
