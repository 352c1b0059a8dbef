"""Errors a user can cause, each with a message a student can act on.

Every one of them derives from :class:`GdxError`, so the command line and the window can catch
user mistakes in one place and show ``str(error)`` without a traceback.
"""

from __future__ import annotations


class GdxError(ValueError):
    """Base class of every error caused by what the user typed, chose or loaded."""


class ExpressionError(GdxError):
    """The typed function cannot be used; ``position`` is a 0-based column when known."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class ConfigError(GdxError):
    """A run setting is out of range or inconsistent (learning rate, start point, ...)."""


class ExportError(GdxError):
    """Writing or reading a trajectory or settings file failed; the old file is intact."""


class DataError(GdxError):
    """A dataset cannot be used (empty, non-numeric, missing column, ...)."""
