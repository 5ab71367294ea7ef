"""Errors the library raises; the CLI maps them to exit codes and one-line messages."""

from __future__ import annotations


class AuditError(Exception):
    """Base class: every error the toolkit raises on purpose."""


class InputError(AuditError):
    """The input cannot be read or is not what it claims to be (exit code 2)."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.path = path
        self.hint = hint
        where = f"{path}: " if path else ""
        full = f"{where}{message}"
        if hint:
            full += f" ({hint})"
        super().__init__(full)


class UsageError(AuditError):
    """An option or configuration value is wrong (exit code 2)."""


class MissingExtraError(AuditError):
    """An optional back-end is not installed; the message names the extra."""

    def __init__(self, what: str, extra: str):
        self.extra = extra
        super().__init__(f"{what} needs the optional extra: pip install 'mt-audit[{extra}]'")
