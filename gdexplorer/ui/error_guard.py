"""The window's last resort: an unexpected exception in a slot becomes a message, not a crash.

Errors a user can cause are :class:`~gdexplorer.core.errors.GdxError` and are shown where they
happen. Anything else is a bug. Qt calls ``sys.excepthook`` when a slot raises; while the window
runs, :class:`ErrorGuard` is that hook. It

* logs the exception with its traceback (``logging``, logger ``gdexplorer``), so a bug report
  can include it;
* shows one line in the window's status bar (no modal dialog: it would block tests and the
  student), and lets the event loop go on, so the window stays usable;
* remembers it in :func:`caught_exceptions`, so the test suite fails a test during which the
  guard caught anything (``tests/ui/conftest.py``);
* passes it on to the hook it replaced, unless that is Python's default (which would print the
  traceback a second time). Under pytest-qt that hook is pytest-qt's capture, which keeps
  failing the test as before.

Ctrl-C and ``SystemExit`` are not caught: they go straight to the previous hook.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from types import TracebackType

from PySide6.QtCore import QObject, Signal

_log = logging.getLogger("gdexplorer")
_caught: list[BaseException] = []
MESSAGE_LENGTH = 160


def caught_exceptions() -> list[BaseException]:
    """The exceptions any guard caught since the last :func:`forget_caught` (oldest first)."""
    return list(_caught)


def forget_caught() -> list[BaseException]:
    """Return and clear :func:`caught_exceptions` (tests call it after each test)."""
    taken = list(_caught)
    _caught.clear()
    return taken


def describe_unexpected(error: BaseException) -> str:
    """One line for the status bar: what broke, and that the window goes on."""
    detail = (
        f"{type(error).__name__}: {error}".splitlines()[0] if str(error) else type(error).__name__
    )
    if len(detail) > MESSAGE_LENGTH:
        detail = detail[: MESSAGE_LENGTH - 1] + "…"
    return f"Something went wrong ({detail}); the window goes on, details are in the log"


class ErrorGuard(QObject):
    """``sys.excepthook`` while the window runs (see the module docstring).

    Signals
    -------
    error_caught(str):
        One line describing an unexpected exception, for the status bar.
    """

    error_caught = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._previous = sys.excepthook
        self._installed = False

    def install(self) -> None:
        """Become ``sys.excepthook``, remembering the hook in place now."""
        if not self._installed:
            self._previous = sys.excepthook
            sys.excepthook = self.handle
            self._installed = True

    def uninstall(self) -> None:
        """Put the previous hook back (unless someone replaced this guard meanwhile)."""
        if self._installed and sys.excepthook == self.handle:
            sys.excepthook = self._previous
        self._installed = False

    def handle(
        self,
        kind: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        """Log, remember and show ``error``; then pass it on (see the module docstring)."""
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            self._previous(kind, error, traceback)
            return
        _log.error("unexpected error in the window", exc_info=(kind, error, traceback))
        _caught.append(error)
        with contextlib.suppress(RuntimeError):  # the window's C++ side is already gone
            self.error_caught.emit(describe_unexpected(error))
        if self._previous is not sys.__excepthook__:
            self._previous(kind, error, traceback)


def install_error_guard(window) -> ErrorGuard:
    """Guard ``window``: unexpected exceptions go to its status bar (``show_status``).

    Keep the returned guard while the window runs and call :meth:`ErrorGuard.uninstall` after.
    """
    guard = ErrorGuard()
    guard.error_caught.connect(window.show_status)
    guard.install()
    return guard
