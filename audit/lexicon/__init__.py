"""Linguistic resources shared by checks and the aligner: tokenisation, script classes."""


def warm() -> None:
    """Load what most checks of a source-mode audit read (the JMdict gloss index, e2k's model,
    the tokeniser), so that a process forked after this inherits them instead of loading them
    again (``audit.checks.base.split_rules``)."""
    from audit.lexicon.names import EnJaIndex
    from audit.lexicon.tokens import Tokenizer
    from audit.lexicon.transliteration import _e2k

    EnJaIndex.shared()
    Tokenizer.shared()
    _e2k()
