"""Codes of the checks a project audit makes across documents (PRJ001–PRJ003).

They are reported by :mod:`audit.project.checks` after every document is audited, never by
``run_rules`` on one document; registered here so that ``audit rules``, ``--select``,
``--ignore``, severities and the documentation know them.
"""

from __future__ import annotations

from audit.checks.base import framework_rule
from audit.model import Severity

NAME_ACROSS = framework_rule(
    "PRJ001", "name-spelled-two-ways-across-documents", Severity.MINOR,
    "One name of the sources transliterated one way in some documents and another way in others",
    """Finds a name of the source documents (as NAM001 and CON009 find names) that one translated
    document spells in katakana one way and another document another way: "Harrington" as
    ハリントン in ``guide/install.md`` and ハリングトン in ``guide/faq.md``. A reader of the site
    meets two names. Spellings are compared as CON009 compares them (ignoring long vowels, small
    kana, ・ and ヴ/ブ). Reported once for the project, with every place each spelling is written,
    and the commonest spelling as the suggestion. Needs the sources (``--source-dir``).""",
)  # fmt: skip
KATAKANA_ACROSS = framework_rule(
    "PRJ002", "katakana-spelled-two-ways-across-documents", Severity.MINOR,
    "One katakana word spelled one way in some documents and another way in others",
    """Finds a katakana word spelled one way in some documents of the project and another way in
    others (コンピュータ in one page, コンピューター in another; スミッソン and スミソン), as CON001
    groups spellings within one document. Only variants that live in different documents are
    reported here (two spellings in one document are CON001's); once for the project, with every
    place, and the commonest spelling as the suggestion. Works target-only too.""",
)  # fmt: skip
MISSING = framework_rule(
    "PRJ003", "missing-translation", Severity.MAJOR,
    "A source document with no translation in the target folder",
    """A file under ``--source-dir`` with no file at the same relative path under
    ``--target-dir``: a page left untranslated, or a translation saved under another name.""",
)  # fmt: skip
