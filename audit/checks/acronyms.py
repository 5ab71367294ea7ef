"""Acronyms and verbatim tokens: acronyms and Latin tokens of the source missing from the
translation (ACR001), and placeholders, URLs, e-mail addresses and handles that must be copied
as they are (ACR003)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from audit.checks.base import Context, Hit, rule
from audit.checks.pairs import (
    _ROMAN,
    _pairs,
    _rendered,
)
from audit.lexicon.script import length_z  # the English→Japanese length norm
from audit.model import Severity

_LATIN_TOKEN = re.compile(r"\b[A-Z][A-Z0-9&]{1,}(?:-[A-Z0-9]+)*\b")
# General-purpose acronyms that Japanese routinely writes as words (英国, 国連, 新型コロナ, ドル…):
# their absence in Latin script is not evidence of anything.
_ROUTINELY_TRANSLATED = frozenset(
    "US USA UK EU UN COVID USD JPY EUR GBP CNY PC TV CEO CFO CTO AM PM OK FAQ DIY ID BBQ DVD CD GPS SNS VAT "
    # legal forms, transliterated or left out (Ltd: リミテッド, 社); chat abbreviations, rendered by sense
    "LTD INC LLC PLC CORP BS WTF OMG LOL FYI BTW IMO IMHO TBH ASAP".split()
)


@rule("ACR001", "acronym-missing", Severity.MINOR, "An acronym or Latin token of the source is missing", needs=("source", "alignment"))
def acronym_missing(ctx: Context) -> Iterator[Hit]:
    """Finds acronyms (``NATO``, ``IAEA``, ``WHO``) in a source sentence that do not appear in its
    translation. Japanese usually keeps acronyms in Latin script; a missing one was dropped,
    expanded without the acronym, or altered. An altered one (a Latin token of the translation
    that is the acronym with a letter changed, added or dropped: NAPCO → NAPC) is reported as
    such, at major severity, with the altered form. General-purpose acronyms that Japanese routinely
    writes as words (UK → 英国, UN → 国連, USD → ドル) and text written in capitals are skipped.

    A translator often renders an acronym by its meaning (SNP → スコットランド国民党, A&E →
    救急外来, HS → 高校), which this check cannot verify; so an acronym merely absent is reported
    only from a translation clearly shorter than usual (length z below ``ACRONYM_MISSING_Z_MAX``),
    where it witnesses a dropped stretch. Measured on WMT24 en-ja (benchmarks/esa_eval.py, tune
    half): of 89 absent acronyms in translations of ordinary length, 9 sat in a paragraph with any
    marked error. Words in capitals for emphasis (``DIFFICULT``, ``HAVE``, ``AWARE``: English
    words the dictionary knows, or function words) are not acronyms.
    """
    assert ctx.source is not None
    for _bead, src, tgt in _pairs(ctx):
        if not src or not tgt:
            continue
        s_text = ctx.source.text[src[0].start : src[-1].end]
        t_text = ctx.target.text[tgt[0].start : tgt[-1].end]
        t_norm = unicodedata.normalize("NFKC", t_text).upper()
        z = length_z(len(s_text), len(t_text))
        words = re.findall(r"[A-Za-z]{2,}", s_text)
        if words and sum(w.isupper() for w in words) / len(words) > 0.3:
            continue  # text in capitals (a shouted notice): capitals do not mark acronyms here
        verbatim = [(a, b) for _, a, b, _ in verbatim_tokens(s_text)]
        for m in _LATIN_TOKEN.finditer(s_text):
            token = m.group()
            if any(a <= m.start() < b for a, b in verbatim):
                continue  # part of a URL, address or placeholder: ACR003 checks the whole of it
            if token.upper() in t_norm or token.split("-")[0] in _ROUTINELY_TRANSLATED:
                continue
            if s_text[m.end() : m.end() + 1] in ("$", "€", "£", "¥"):
                continue  # a currency (AU$500: 500豪ドル), NUM001's business
            if token.lower() in ctx.source_vocabulary:
                continue  # an ordinary word in capitals for emphasis ("ANY items"), not an acronym
            if ctx.glossary and any(h.text == token for h in ctx.glossary.find_source(token)):
                continue  # a glossary term: its official Japanese form replaces it (GLO001 checks that)
            if _ROMAN.fullmatch(token) or _rendered(token, t_text):
                continue
            altered = _altered(token, t_text, s_text)
            if altered is not None:
                a, b = altered
                yield Hit(
                    f"{token} from the source appears altered as {t_text[a:b]} in the translation",
                    target=ctx.target.span(tgt[0].start + a, tgt[0].start + b),
                    source=ctx.source.span(src[0].start + m.start(), src[0].start + m.end()),
                    evidence={"token": token, "found": t_text[a:b]},
                    suggestion=token,
                    severity=Severity.MAJOR,
                )
                continue
            if z is None or z >= ACRONYM_MISSING_Z_MAX or _emphasis(token):
                continue  # likely rendered by its meaning (nothing here can tell), or a word in capitals
            yield Hit(
                f"{token} from the source does not appear in the translation",
                target=ctx.target.span(tgt[0].start, tgt[-1].end),
                source=ctx.source.span(src[0].start + m.start(), src[0].start + m.end()),
                evidence={"token": token},
                suggestion=f"keep {token} (or add it in parentheses after the Japanese name)",
            )


ACRONYM_MISSING_Z_MAX = -1.0


def _emphasis(token: str) -> bool:
    """An English word written in capitals (DIFFICULT, HAVE), not an acronym."""
    from audit.checks.untranslated import FUNCTION_WORDS
    from audit.lexicon.names import Dictionary

    low = token.lower()
    return low.isalpha() and (low in FUNCTION_WORDS or (len(low) >= 4 and Dictionary.shared().is_common_word(low)))


def _altered(token: str, t_text: str, s_text: str) -> tuple[int, int] | None:
    """The span of a Latin token of the translation that is the acronym with one or two letters
    changed, added or dropped (NAPCO → NAPC), and is not itself in the source."""
    import difflib

    if len(token) < 3:
        return None
    best: tuple[float, int, int] | None = None
    in_source = set(re.findall(r"[A-Za-z][A-Za-z0-9&]+", s_text))
    for t in re.finditer(r"[A-Za-z][A-Za-z0-9&]+", t_text):
        word = unicodedata.normalize("NFKC", t.group())
        if word in in_source or not word.isupper() or abs(len(word) - len(token)) > 1:
            continue
        ratio = difflib.SequenceMatcher(None, token, word).ratio()
        if ratio >= 0.75 and (best is None or ratio > best[0]):
            best = (ratio, t.start(), t.end())
    return None if best is None else (best[1], best[2])


# Text a translation must copy character for character: software placeholders, URLs, e-mail
# addresses, domain names, social-media handles (@name). Translating or respacing one breaks the
# string it belongs to.
_VERBATIM = re.compile(
    r"(?P<url>(?:https?://|www\.)[^\s<>\"'「」（）()]*[^\s<>\"'「」（）().,;:!?、。])"
    r"|(?P<email>(?<![@\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})"  # not @a@b.c: two handles run together
    r"|(?P<placeholder>#[A-Z][A-Z0-9_]*#|\{\{\s*[\w.]+\s*\}\}|\{[\w.]*\}|\$\{\w+\}|%\(\w+\)[sdif]|(?<![\w%])%\d+\$[sdif]"
    r"|(?<![\w%])%[sd@](?![\w])|</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>)"
    r"|(?P<domain>(?<![\w.@/-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|int|io|info|jp|co\.jp|co\.uk|uk|de|fr|eu|ai|app|dev)\b(?![.\w-]*[\w-]))"
    r"|(?P<handle>(?<![\w.])@[A-Za-z0-9_]{2,30}(?![\w]))"
)


def verbatim_tokens(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, token) of each placeholder, URL, e-mail address, domain name and handle in ``text``."""
    return [(m.lastgroup or "", m.start(), m.end(), m.group()) for m in _VERBATIM.finditer(text)]


def _verbatim_count(token: str, kind: str, t_norm: str) -> int:
    if kind == "placeholder":
        return t_norm.count(token)
    return t_norm.lower().count(token.lower())  # URLs and domains are case-insensitive in their host part


_PLACEHOLDER_CORE = re.compile(r"[\w.]+")
_PLACEHOLDER_SHAPES = {  # by opening delimiter: the same delimiters around any name
    "#": re.compile(r"#[^#\s]{1,16}#"),
    "{{": re.compile(r"\{\{[^{}\s]{1,24}\}\}"),
    "{": re.compile(r"(?<!\{)\{[^{}\s]{1,24}\}(?!\})"),
    "${": re.compile(r"\$\{[^{}\s]{1,24}\}"),
    "%(": re.compile(r"%\([^()\s]{1,24}\)[sdif]"),
}


def _verbatim_altered(token: str, kind: str, t_norm: str, s_tokens: set[str]) -> str | None:
    """A near copy of ``token`` in the translation (``#PRS_ORG #``, ``PRS_ORG#``, ``#番号#``,
    ``exmple.com``) that is not itself a token of the source."""
    import difflib

    if kind == "placeholder":
        core = _PLACEHOLDER_CORE.search(token)
        if core is not None:
            # the name kept, the delimiters lost, spaced or changed in case
            m = re.search(r"[#{$%(<]?\s*" + re.escape(core.group()) + r"\s*[#}>)]?", t_norm, re.I)
            if m is not None and m.group().strip() != token:
                return m.group().strip()
        shape = _PLACEHOLDER_SHAPES.get(token[:2]) or _PLACEHOLDER_SHAPES.get(token[:1])
        if shape is not None:
            # the name translated between the delimiters: #NUMBER# → #番号#, {count} → {件数}
            for m in shape.finditer(t_norm):
                if m.group() not in s_tokens:
                    return m.group()
        return None
    best: tuple[float, str] | None = None
    for m in re.finditer(r"[A-Za-z0-9_.@/:%+~#?=&-]{4,}", t_norm):
        word = m.group().rstrip(".")
        if word.lower() == token.lower() or word in s_tokens:
            continue
        ratio = difflib.SequenceMatcher(None, token.lower(), word.lower()).ratio()
        if ratio >= 0.8 and (best is None or ratio > best[0]):
            best = (ratio, word)
    return None if best is None else best[1]


@rule("ACR003", "verbatim-token", Severity.MAJOR, "A placeholder, URL, e-mail address, domain name or @handle of the source is missing or altered",
      needs=("source", "alignment"), concern="placeholder", precedence=0)
def verbatim_token(ctx: Context) -> Iterator[Hit]:
    """Finds text of the source that a translation must copy character for character and does
    not: software placeholders (``#NAME#``, ``{count}``, ``{{user}}``, ``%s``, ``%(name)s``,
    ``${var}``, markup tags), URLs, e-mail addresses, domain names and social-media handles
    (``@KyotoTravel``, which names an account: ``@京都トラベル`` names none). Machine translation
    translates the word inside a placeholder (``#NUMBER#`` → ``#番号#``), drops or respaces its
    delimiters (``#PRS_ORG #``, ``PRS_ORG#``) or leaves a link out with the clause around it; each
    breaks the string or the reader's way to the link.

    Occurrences are counted: a placeholder that the source has twice and the translation once is
    reported. Full-width forms (＃, ｛) count as written, since NFKC maps them to the ASCII ones. A
    near copy is reported as altered, with the form found; otherwise the token is missing.

    Example: source "Your order will arrive in #NUMBER# minutes." translated as
    「ご注文は#番号#分以内に届きます。」: ``#NUMBER#`` altered as ``#番号#``.
    """
    assert ctx.source is not None
    for s_start, s_text, t_start, t_end, t_text in ctx.pair_texts():
        tokens = verbatim_tokens(s_text)
        if not tokens:
            continue
        t_norm = unicodedata.normalize("NFKC", t_text)
        s_tokens = {tok for _, _, _, tok in tokens}
        reported: set[str] = set()
        for kind, a, b, token in tokens:
            if token in reported:
                continue
            wanted = sum(1 for _, _, _, tok in tokens if tok == token)
            have = _verbatim_count(token, kind, t_norm)
            if have >= wanted:
                continue
            reported.add(token)
            altered = _verbatim_altered(token, kind, t_norm, s_tokens)
            evidence: dict[str, object] = {"token": token, "kind": kind, "in_source": wanted, "in_translation": have}
            target = ctx.target.span(t_start, t_end)
            if altered is not None:
                evidence["found"] = altered
                at = unicodedata.normalize("NFKC", t_text).find(altered)
                if at >= 0 and len(t_norm) == len(t_text):  # NFKC kept the offsets
                    target = ctx.target.span(t_start + at, t_start + at + len(altered))
                message = f"{kind} {token} appears altered as {altered} in the translation"
            elif wanted > 1:
                message = f"{kind} {token} occurs {wanted} times in the source, {have} in the translation"
            else:
                message = f"{kind} {token} from the source does not appear in the translation"
            yield Hit(
                message,
                target=target,
                source=ctx.source.span(s_start + a, s_start + b),
                evidence=evidence,
                suggestion=f"copy {token} exactly as the source writes it",
            )
