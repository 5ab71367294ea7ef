"""Tiny but real models built on the spot, so model code is tested without downloads.

``build_argos_package`` trains a SentencePiece model on a few hundred lines, fills a
CTranslate2 Transformer spec with random weights (numpy), and zips it with ``metadata.json``
exactly like an ``.argosmodel``. The translations are random text: assert on structure.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np

_JA = "政府は新しい計画を発表した。経済は成長している。会議は東京で開かれた。日本と米国は協力を強化する。"
_EN = "The government announced a new plan. The economy is growing. The meeting was held in Tokyo. Japan and the US cooperate."


def training_lines(n: int = 400) -> list[str]:
    rng = np.random.default_rng(0)
    words = (_JA + _EN).replace("。", " ").split() + list(_JA) + ["2024", "100", "5億", "ドル", "AI", "URL"]
    return [" ".join(rng.choice(words, size=8)) for _ in range(n)] + [_JA, _EN]


def build_sentencepiece(folder: Path, vocab_size: int = 1000) -> Path:
    import sentencepiece as spm

    folder.mkdir(parents=True, exist_ok=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines()),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=0.98,
        hard_vocab_limit=False,
        model_type="unigram",
        minloglevel=2,
    )
    path = folder / "sentencepiece.model"
    path.write_bytes(model.getvalue())
    return path


def build_ct2_model(folder: Path, vocab: list[str], *, layers: int = 1, heads: int = 2, d_model: int = 16, ff: int = 32,
                    eos_bias: float = 0.0, seed: int = 0, quantize: str | None = None,
                    scale: float = 0.5) -> Path:
    """A CTranslate2 Transformer with random weights; ``eos_bias`` > 0 makes outputs end sooner."""
    from ctranslate2.specs import transformer_spec

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    rng = np.random.default_rng(seed)
    v = len(vocab)

    def fill(name: str) -> np.ndarray:
        leaf = name.rsplit("/", 1)[-1]
        if leaf == "gamma":
            return np.ones(d_model, np.float32)
        if leaf == "beta":
            return np.zeros(d_model, np.float32)
        if "embeddings" in name or "projection" in name:
            shape = (v, d_model)
        elif "ffn/linear_0" in name:
            shape = (ff, d_model)
        elif "ffn/linear_1" in name:
            shape = (d_model, ff)
        elif name.endswith("self_attention/linear_0/weight"):
            shape = (3 * d_model, d_model)
        elif "attention/linear_1" in name and "self_attention" not in name:
            shape = (2 * d_model, d_model)
        else:
            shape = (d_model, d_model)
        if leaf == "bias":
            return np.zeros(shape[0], np.float32)
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    for name, value in spec.variables(ordered=True):
        if value is None:
            _set(spec, name, fill(name))
    if eos_bias:
        bias = np.zeros(v, np.float32)
        bias[vocab.index("</s>")] = eos_bias
        _set(spec, "decoder/projection/bias", bias)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.unk_token = "<unk>"
    spec.config.bos_token = "<s>"
    spec.config.eos_token = "</s>"
    spec.validate()
    spec.optimize(quantization=quantize)
    folder.mkdir(parents=True, exist_ok=True)
    spec.save(str(folder))
    return folder


def _resolve(spec: object, name: str) -> tuple[object, str]:
    obj = spec
    parts = name.split("/")
    for part in parts[:-1]:
        m = re.fullmatch(r"(.+)_(\d+)", part)
        if m and isinstance(getattr(obj, m.group(1), None), list):
            obj = getattr(obj, m.group(1))[int(m.group(2))]
        else:
            obj = getattr(obj, part)
    return obj, parts[-1]


def _get(spec: object, name: str) -> np.ndarray:
    obj, leaf = _resolve(spec, name)
    return getattr(obj, leaf)


def _set(spec: object, name: str, value: object) -> None:
    obj, leaf = _resolve(spec, name)
    setattr(obj, leaf, value)


def sp_vocab(sp_model: Path) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    # CTranslate2 wants <unk>, <s>, </s>; SentencePiece has them as ids 0-2.
    return ["<unk>", "<s>", "</s>"] + [p for p in pieces if p not in ("<unk>", "<s>", "</s>")]


def build_argos_package(workdir: Path, *, name: str = "translate-ja_en-0_1", from_code: str = "ja", to_code: str = "en",
                        version: str = "0.1", metadata: dict | None = None, pad_vocab: int = 0, **model_kw: object) -> Path:
    """Build ``workdir/name.argosmodel`` and return its path."""
    root = workdir / "build" / name
    sp = build_sentencepiece(root)
    vocab = sp_vocab(sp)
    vocab += [f"▁pad{i}" for i in range(max(0, pad_vocab - len(vocab)))]  # a real model's softmax size
    build_ct2_model(root / "model", vocab, **model_kw)  # type: ignore[arg-type]
    meta = {"package_version": version, "argos_version": "1.9.0", "from_code": from_code, "from_name": "Japanese",
            "to_code": to_code, "to_name": "English", "type": "translate", "links": []}
    meta.update(metadata or {})
    (root / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    out = workdir / f"{name}.argosmodel"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(root.rglob("*")):
            zf.write(f, f"{name}/{f.relative_to(root).as_posix()}")
    return out


def build_comet_checkpoint(workdir: Path, *, kind: str = "regression_metric", hidden: int = 32) -> Path:
    """A tiny real COMET checkpoint (XLM-R encoder with 2 layers of width 32, random weights).

    ``kind``: ``regression_metric`` (needs src, mt, ref) or ``referenceless_regression_metric``
    (QE: src, mt). Returns the folder holding ``hparams.yaml`` and ``checkpoints/model.ckpt``,
    laid out like a downloaded model. Needs the ``comet`` extra (torch, transformers).
    """
    import torch
    import yaml
    from comet.models import str2model
    from transformers import XLMRobertaConfig, XLMRobertaTokenizerFast

    encoder_dir = workdir / "encoder"
    sp_model = build_sentencepiece(workdir / "spm")
    tok = XLMRobertaTokenizerFast(vocab_file=str(sp_model))
    tok.save_pretrained(encoder_dir)
    XLMRobertaConfig(
        vocab_size=len(tok), hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=2 * hidden, max_position_embeddings=130,
    ).save_pretrained(encoder_dir)  # fmt: skip
    hparams = {
        "encoder_model": "XLM-RoBERTa",
        "pretrained_model": str(encoder_dir),
        "load_pretrained_weights": False,
        "local_files_only": True,
        "hidden_sizes": [hidden],
        "layer": "mix",
    }
    torch.manual_seed(0)
    model = str2model[kind](**hparams)
    folder = workdir / f"tiny-{kind.replace('_', '-')}"
    (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
    torch.save(
        {"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams), "pytorch-lightning_version": "2.0.0"},
        folder / "checkpoints" / "model.ckpt",
    )
    (folder / "hparams.yaml").write_text(yaml.safe_dump({"class_identifier": kind, **dict(model.hparams)}), encoding="utf-8")
    return folder


def wikidata_entity(qid: str, en: str, ja: str | None, classes: tuple[str, ...] = ("Q5",), *, en_aliases: tuple[str, ...] = (),
                    ja_aliases: tuple[str, ...] = (), modified: str = "2026-11-30T12:00:00Z") -> dict:
    """One item exactly as Wikidata's JSON dump writes it (labels, aliases, P31 claims, sitelinks)."""
    labels = {"en": {"language": "en", "value": en}, "fr": {"language": "fr", "value": en}}
    if ja is not None:
        labels["ja"] = {"language": "ja", "value": ja}
    aliases = {}
    if en_aliases:
        aliases["en"] = [{"language": "en", "value": a} for a in en_aliases]
    if ja_aliases:
        aliases["ja"] = [{"language": "ja", "value": a} for a in ja_aliases]
    claims = {
        "P31": [
            {"mainsnak": {"snaktype": "value", "property": "P31", "hash": "0" * 40,
                          "datavalue": {"value": {"entity-type": "item", "numeric-id": int(c[1:]), "id": c}, "type": "wikibase-entityid"},
                          "datatype": "wikibase-item"},
             "type": "statement", "id": f"{qid}$0000", "rank": "normal"}
            for c in classes
        ]
    }
    return {"type": "item", "id": qid, "labels": labels, "descriptions": {}, "aliases": aliases, "claims": claims,
            "sitelinks": {"enwiki": {"site": "enwiki", "title": en, "badges": []}}, "lastrevid": 1, "modified": modified}


def write_wikidata_dump(path: Path, entities: list[dict], *, compress: str | None = "gz", array: bool = True) -> Path:
    """A dump in Wikidata's format: a JSON array, one entity per line, each line but the last
    ending in a comma (``array``), or one entity per line (an extract); gzip, bzip2 or plain."""
    import bz2
    import gzip

    lines = [json.dumps(e, ensure_ascii=False) for e in entities]
    text = ("[\n" + ",\n".join(lines) + "\n]\n") if array else "\n".join(lines) + "\n"
    data = text.encode("utf-8")
    if compress == "gz":
        data = gzip.compress(data)
    elif compress == "bz2":
        data = bz2.compress(data)
    path.write_bytes(data)
    return path
