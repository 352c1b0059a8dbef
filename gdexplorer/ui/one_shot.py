"""The window driven once, offscreen, for a picture or a film: run (or open a file), settle on
the last iteration, do the one thing, quit.

``--screenshot`` (:mod:`gdexplorer.ui.app`) and ``--animation`` (:mod:`gdexplorer.ui.film_app`)
start alike and wait alike; :class:`AfterTheRun` is what they share, and each subclass says
what happens once the window shows the run's last iteration (:meth:`AfterTheRun.settle_on_last`).
A run the window refuses, or a file it cannot show, ends with one line on stderr and status 2.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from gdexplorer.core.files.kinds import FileKind, KnownFile
from gdexplorer.ui.compare.dock import RUNS_TAB
from gdexplorer.ui.main_window import DEFAULT_PRESET

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig
    from gdexplorer.ui.main_window import MainWindow

EXIT_USAGE = 2


def open_in_window(window: MainWindow, known: KnownFile) -> bool:
    """Show a trajectory CSV or a runs file in ``window`` with the window's own readers.

    False when it could not be shown; the window's status bar says why.
    """
    if known.kind is FileKind.RUNS:
        if not window.compare.runs.import_runs(str(known.path)):
            return False
        window.compare.setCurrentIndex(RUNS_TAB)
        window.compare_dock.show()
        window.compare_dock.raise_()
        return True
    if known.kind is FileKind.TRAJECTORY:
        # shown when its playback has rows: the window refuses a CSV whose function is unknown
        return window.files.open_trajectory(str(known.path)) and window.playback.count() > 0
    window.show_status(f"{known.path} is a settings file: open it with File > Open settings")
    return False


class AfterTheRun(QObject):
    """Waits for the window's run to end (or for its file to show), then
    :meth:`settle_on_last`; a refusal is :meth:`fail` with the window's words."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(window)
        self._app, self._window = app, window
        window.controller.run_finished.connect(self._on_run_ended)
        window.controller.run_failed.connect(self._on_run_ended)
        window.controller.run_rejected.connect(self._on_rejected)

    def start(self, config: RunConfig | None, known: KnownFile | None) -> None:
        """Put ``config`` (or the default example: reproducible, not the last session) in the
        form, then, once the event loop runs, run it or show ``known``."""
        window = self._window
        if config is not None:
            window.form.set_config(config)
        elif known is None or known.kind is FileKind.TRAJECTORY:
            window.form.select_preset(DEFAULT_PRESET)
        if known is None:
            QTimer.singleShot(0, window.form.request_run)
        elif open_in_window(window, known):
            QTimer.singleShot(0, self.settle_on_last)
        else:  # in the event loop, as a success ends
            QTimer.singleShot(0, self.fail_with_status)

    @Slot(object)
    def _on_run_ended(self, _result: object) -> None:
        self.settle_on_last()

    @Slot()
    def settle_on_last(self) -> None:
        """The run is shown: do the one thing (subclasses), then quit."""
        raise NotImplementedError

    @Slot(str)
    def _on_rejected(self, message: str) -> None:
        self.fail(message)

    @Slot()
    def fail_with_status(self) -> None:
        """The window could not show the file; its status bar says why."""
        self.fail(self._window.status_label.text())

    def fail(self, message: str) -> None:
        print(f"gdexplorer: {' '.join(message.split())}", file=sys.stderr)
        self._app.exit(EXIT_USAGE)


def exec_and_shut_down(app: QApplication, window: MainWindow, previous_handler) -> int:
    """Run the event loop until the one thing is done; put Qt's message handler back and stop
    the window's worker threads (they must end before the window is deleted)."""
    try:
        status = app.exec()
    finally:
        qInstallMessageHandler(previous_handler)
    window.controller.shutdown()
    window.compare.shutdown()
    return status
