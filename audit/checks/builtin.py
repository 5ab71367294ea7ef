"""Importing this module registers every built-in rule."""

from audit.checks import (  # noqa: F401
    acronyms,
    addition,
    backtranslation,
    consistency,
    duplication,
    entities,
    expansions,
    garbled,
    glossary,
    knowledge,
    length,
    names,
    numbers,
    omission,
    people,
    project,
    review,
    suppress,
    untranslated,
)
