"""Back-translation with an Argos package run directly through CTranslate2.

``argostranslate`` splits sentences with MiniSBD, Stanza or spaCy (models fetched at first use)
and translates one text at a time. Here the audit's own segmentation is used and the whole
document goes to CTranslate2 in one call, which sorts by length and batches; no torch, Stanza or
spaCy is imported. Pieces are decoded by SentencePiece itself, so an underscore in the text
stays an underscore (Argos' decoder turns it into a space).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from audit.backtranslate.base import Hypothesis
from audit.backtranslate.packages import Package
from audit.errors import MissingExtraError

COMPUTE_TYPES = ("auto", "default", "int8", "int8_float32", "int16", "float32", "float16", "bfloat16", "int8_float16")


@dataclass(frozen=True)
class DecodeSettings:
    """Everything that changes a back-translation; part of the signature and the cache key."""

    beam_size: int = 4  # Argos' own value
    length_penalty: float = 0.2  # Argos' own value
    max_decoding_length: int = 256
    compute_type: str = "default"  # the stored weights' type: the same output on every CPU
    max_batch_size: int = 32
    threads: int = field(default=0, compare=False)  # 0: all cores; does not change the output
    device: str = field(default="cpu", compare=False)

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise ValueError("beam size must be >= 1")
        if self.compute_type not in COMPUTE_TYPES:
            raise ValueError(f"compute type {self.compute_type!r}; expected one of {', '.join(COMPUTE_TYPES)}")

    def signature(self) -> str:
        return (
            f"beam:{self.beam_size}|lp:{self.length_penalty:g}|maxlen:{self.max_decoding_length}|compute:{self.compute_type}"
        )


class CT2BackTranslator:
    """An Argos ja→en package, translated in batches through CTranslate2."""

    def __init__(self, package: Package, settings: DecodeSettings | None = None, model_hash: str | None = None):
        try:
            import ctranslate2
            import sentencepiece
        except ImportError:  # pragma: no cover - both are core dependencies
            raise MissingExtraError("back-translation", "backtranslate") from None
        self.package = package
        self.settings = settings or DecodeSettings()
        self.name = package.name
        self._hash = model_hash
        threads = self.settings.threads or (os.cpu_count() or 1)
        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(package.tokenizer_path))
        self._translator = ctranslate2.Translator(
            str(package.model_dir),
            device=self.settings.device,
            compute_type=self.settings.compute_type,
            inter_threads=1,
            intra_threads=threads,
        )
        self._ct2_version = ctranslate2.__version__

    @property
    def model_hash(self) -> str:
        if self._hash is None:
            self._hash = self.package.sha256()
        return self._hash

    def signature(self) -> str:
        return (
            f"argos:{self.package.name}|{self.package.from_code}-{self.package.to_code}|v:{self.package.version}"
            f"|sha256:{self.model_hash[:16]}|{self.settings.signature()}|ctranslate2:{self._ct2_version}"
        )

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        return [self._sp.encode(t, out_type=str) for t in texts]

    def detokenize(self, pieces: Sequence[str]) -> str:
        # A piece the SentencePiece model lacks (a vocabulary built elsewhere) keeps its ▁: make it a space.
        return self._sp.decode_pieces(list(pieces)).replace("▁", " ").strip()

    def translate(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]:
        if not texts:
            return []
        s = self.settings
        pieces = self.tokenize(texts)
        prefix = self.package.target_prefix
        results = self._translator.translate_batch(
            pieces,
            target_prefix=[[prefix]] * len(pieces) if prefix else None,
            beam_size=max(s.beam_size, n_best),
            num_hypotheses=n_best,
            length_penalty=s.length_penalty,
            max_decoding_length=s.max_decoding_length,
            max_batch_size=s.max_batch_size,
            replace_unknowns=True,
            return_scores=True,
        )
        out: list[list[Hypothesis]] = []
        for res in results:
            hyps = []
            for tokens, score in zip(res.hypotheses, res.scores, strict=True):
                if prefix and tokens and tokens[0] == prefix:
                    tokens = tokens[1:]
                hyps.append(Hypothesis(self.detokenize(tokens), float(score)))
            out.append(hyps)
        return out
