"""Linguistic resources shared by checks and the aligner: tokenisation, script classes."""
