"""Importing this module registers every built-in rule."""

from audit.checks import backtranslation, consistency, duplication, fidelity, garbled, glossary, names, suppress, untranslated  # noqa: F401
