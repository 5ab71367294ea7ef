"""Back-translation artefacts: what the back-translator lost or mangled, not the translation.

Numbers, URLs, e-mail addresses, Latin names and placeholders in the Japanese should come back
unchanged in the English. Where they do not, the back-translation is the suspect, and the
checks are told so (they must not blame the translation for the back-translator's mistakes).
"""

from __future__ import annotations

import re
import unicodedata

from audit.lexicon.numbers import english_quantities, japanese_quantities, same

_URL = re.compile(r"https?://[^\s<>「」（）()、。]+|www\.[^\s<>「」（）()、。]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PLACEHOLDER = re.compile(r"\{[\w.:-]*\}|%\(\w+\)[sd]|%[sd@]|\$\{\w+\}|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&'._-]*[A-Za-z0-9]")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def find_artefacts(japanese: str, english: str) -> list[str]:
    """Describe each protected item of ``japanese`` that ``english`` does not carry through."""
    ja = _norm(japanese)
    en = _norm(english)
    en_low = en.lower()
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for pattern, what in ((_URL, "URL"), (_EMAIL, "e-mail address"), (_PLACEHOLDER, "placeholder")):
        for m in pattern.finditer(ja):
            taken.append(m.span())
            if m.group(0) not in en:
                spaced = m.group(0).replace("_", " ")
                extra = " (underscores decoded as spaces)" if "_" in m.group(0) and spaced in en else ""
                found.append(f"{what} {m.group(0)!r} lost{extra}")
    for m in _LATIN.finditer(ja):
        if any(a <= m.start() < b for a, b in taken):
            continue
        word = m.group(0)
        if word.lower() in en_low:
            continue
        if "_" in word and word.replace("_", " ").lower() in en_low:
            found.append(f"Latin token {word!r} lost (underscores decoded as spaces)")
        else:
            found.append(f"Latin token {word!r} lost")
    en_values = [q.value for q in english_quantities(en)]
    for q in japanese_quantities(ja):
        if q.soft:
            continue
        if not any(same(q.value, v) for v in en_values):
            found.append(f"number {q.text!r} ({q.value:g}) lost")
    return found
