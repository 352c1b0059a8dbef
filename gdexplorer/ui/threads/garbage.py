"""Python's cycle collector runs in the GUI thread only.

Left automatic, a collection starts in whichever thread happens to allocate, a worker thread
included, and destroys the garbage found there: the items of a closed window, say. PySide then
runs ``~QObject`` in the worker, which takes the interpreter lock while holding Qt's
signal-slot lock, while the GUI thread holds the interpreter lock and waits for that Qt lock to
delete a widget of its own: a deadlock (seen with py-spy in tests/ui/test_threading_regression,
1 suite run in ~4). So automatic collection is switched off and a GUI timer collects, generation
by generation, with the interpreter's own thresholds (the pattern of pyqtgraph's
``GarbageCollector``). Reference counting still frees almost everything at once; only cycles
wait for the timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Owns the collection: create it in the GUI thread once the application exists."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    @Slot()
    def _on_timeout(self) -> None:
        collect_due(self._thresholds)

    @Slot()
    def settle(self) -> None:
        """Once start-up is over: collect, then freeze the survivors (modules, the window) in a
        permanent generation, so later full collections scan only what was made since."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Hand collection back to the interpreter (after the last worker thread has ended)."""
        self._timer.stop()
        gc.enable()


def collect_due(thresholds: tuple[int, int, int]) -> int:
    """Collect the generations whose counts passed their thresholds, as the interpreter would."""
    counts = gc.get_count()
    generation = -1
    for level in range(3):
        if counts[level] <= thresholds[level]:
            break
        generation = level
    return gc.collect(generation) if generation >= 0 else 0
