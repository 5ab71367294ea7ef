"""Character classes for Japanese and Latin text."""

from __future__ import annotations

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

