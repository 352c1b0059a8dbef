"""Pause the run loops while the GUI thread redraws, so a redraw has the interpreter lock alone.

A run computes in pure Python on a worker thread. While the GUI thread redraws, every Qt call
of the redraw releases the interpreter lock and must wait to get it back from that loop; a
20 ms redraw then takes several times as long. So a view about to redraw calls
:func:`hold_runs`, and so does the main window when its paint (its UpdateRequest) begins: the
event the runs wait on between chunks (``ResumeGate`` in the engine) is cleared, and a release
is posted to the GUI thread at a low priority. It is delivered once the event that held is
over, and after the other posted events already waiting, and the runs go on.

Why not QAbstractEventDispatcher's ``awake``/``aboutToBlock``: with the GLib dispatcher (the
default on Linux) ``aboutToBlock`` comes before an iteration that *dispatches* events and
``awake`` after it, so the work happens while the runs are told to go on. Why not a 0 ms
QTimer: GLib runs Qt's timers at idle priority once they are late, so the release comes long
after the paint and the runs wait for nothing.

A run never stalls on this: ``ResumeGate`` stops waiting after ``RESUME_WAIT`` seconds.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt

RELEASE_PRIORITY = int(Qt.EventPriority.LowEventPriority.value) - 1
"""Below Qt's low priority, so posted work already waiting goes first."""

_RELEASE = QEvent.Type(QEvent.registerEventType())


class RedrawGate(QObject):
    """Owns the event that runs wait on; lives in the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.resume = threading.Event()
        self.resume.set()
        self._release_posted = False

    def hold(self) -> None:
        """Runs pause at their next chunk until this turn's redraws and paints are done."""
        self.resume.clear()
        if not self._release_posted:
            self._release_posted = True
            QCoreApplication.postEvent(self, QEvent(_RELEASE), RELEASE_PRIORITY)

    def event(self, event: QEvent) -> bool:  # Qt's name
        if event.type() == _RELEASE:
            self._release_posted = False
            self.resume.set()
            return True
        return super().event(event)


_gate: RedrawGate | None = None


def gate() -> RedrawGate:
    """The GUI thread's gate (created on first use, in the GUI thread)."""
    global _gate
    if _gate is None:
        _gate = RedrawGate()
    return _gate


def hold_runs() -> None:
    """Call from the GUI thread before a redraw (see the module docstring)."""
    gate().hold()
