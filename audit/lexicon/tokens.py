"""Japanese tokenisation with Sudachi (split mode C keeps names and terms whole)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    pos: tuple[str, ...]
    reading: str
    begin: int
    end: int
    oov: bool = False

    @property
    def is_particle(self) -> bool:
        return self.pos[0] == "助詞"

    @property
    def is_proper(self) -> bool:
        return self.pos[0] == "名詞" and self.pos[1] == "固有名詞"


class Tokenizer:
    """A thread-safe wrapper: Sudachi tokenizers are not safe to share across threads."""

    _shared: Tokenizer | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        from sudachipy import Dictionary, SplitMode

        self._dictionary = Dictionary(dict="core")
        self._mode = SplitMode.C
        self._local = threading.local()

    @classmethod
    def shared(cls) -> Tokenizer:
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def _tokenizer(self):
        tok = getattr(self._local, "tok", None)
        if tok is None:
            tok = self._local.tok = self._dictionary.tokenizer(self._mode)
        return tok

    def tokenize(self, text: str) -> list[Token]:
        return list(_tokenize_cached(self, text))


@lru_cache(maxsize=65536)
def _tokenize_cached(tokenizer: Tokenizer, text: str) -> tuple[Token, ...]:
    out = []
    for m in tokenizer._tokenizer().tokenize(text):
        pos = tuple(m.part_of_speech())
        pos = _POS.setdefault(pos, pos)  # a few hundred distinct tags, shared by every token
        out.append(Token(m.surface(), pos, m.reading_form(), m.begin(), m.end(), m.is_oov()))
    return tuple(out)


_POS: dict[tuple[str, ...], tuple[str, ...]] = {}


def versions() -> dict[str, str]:
    out = {}
    for dist in ("sudachipy", "sudachidict-core"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "missing"
    return out
