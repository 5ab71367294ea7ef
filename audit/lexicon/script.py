"""Character classes for Japanese and Latin text."""

from __future__ import annotations

import math
import re

HIRAGANA = "\u3041-\u309f"
KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆〇"
JA = HIRAGANA + KATAKANA + KANJI
JA_CHAR = re.compile(f"[{JA}]")
KATAKANA_RUN = re.compile(f"[{KATAKANA}][{KATAKANA}・]*[{KATAKANA}]|[{KATAKANA}]")


def is_ja(ch: str) -> bool:
    return bool(JA_CHAR.match(ch))


def is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff" or "\u31f0" <= ch <= "\u31ff" or "\uff66" <= ch <= "\uff9f"


def ja_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_ja(c)) / len(letters)



# log(ja chars / en chars) on WMT22 en-ja (1,951 lines with >= 20 English characters): mean -0.747
# (ratio 0.47), sd 0.212. The aligner, the length checks, the confidence model and NAM001 share it.
LOG_RATIO_MEAN = -0.747
LOG_RATIO_SD = 0.212
LENGTH_Z_MIN_CHARS = 40  # under this many English characters a length ratio says nothing


def length_z(en_chars: int, ja_chars: int) -> float | None:
    """How many standard deviations a translation's length lies from the English→Japanese norm
    (negative: shorter than usual); None for a source too short to tell."""
    if en_chars < LENGTH_Z_MIN_CHARS:
        return None
    return (math.log(max(ja_chars, 1) / en_chars) - LOG_RATIO_MEAN) / LOG_RATIO_SD
