"""Start the window: ``gdexplorer`` opens it with a ready example; ``--screenshot`` saves it.

``main`` is called by the command line with the run options already turned into a RunConfig
(or None). Bad settings end as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.ui.error_guard import install_error_guard
from gdexplorer.ui.garbage import MainThreadCollector
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow
from gdexplorer.ui.settings_store import APPLICATION, ORGANIZATION, SettingsStore

EXIT_USAGE = 2
GIL_SWITCH_SECONDS = 0.0005
"""While a run computes on the worker thread, every return of the GUI thread into Python waits
for the worker to hand over the GIL; CPython's default (5 ms per hand-over) makes one repaint of
the plots take hundreds of milliseconds. Redraws hold the runs (:mod:`.redraw_gate`), but the
GUI thread still enters Python between them (timers, Qt's follow-up paints); at 0.5 ms the
worst event-loop gap of bench_gui fell from 25–33 ms (1 ms) to 19–28 ms (5 runs each)."""
SETTLE_GARBAGE_MS = 2000
"""Start-up objects are frozen out of the collector's scans once the first parse (sympy's
import) and contour are done."""
SETTLE_MS = 400
"""After the run ends, time for debounced redraws (contour, views) before the grab."""


def main(config: RunConfig | None = None, screenshot: str | None = None) -> int:
    """Open the explorer window and return the exit status.

    Parameters
    ----------
    config:
        Settings to show (from the command line); None shows the last session's settings or
        the default example.
    screenshot:
        If given, run ``config`` (or the default example) to the end, show its last iteration,
        save a PNG of the whole window there and exit. Works with ``QT_QPA_PLATFORM=offscreen``.
    """
    if config is not None:
        try:
            make_run(config)  # every setting checked before a window appears
        except GdxError as error:
            print(f"gdexplorer: {error}", file=sys.stderr)
            return EXIT_USAGE
    app = create_application()
    window = MainWindow(SettingsStore(read_only=screenshot is not None))
    window.error_guard = install_error_guard(window)  # a bug in a slot: a message, not a crash
    if screenshot:
        status = _take_screenshot(app, window, config, screenshot)
        shiboken6.delete(window)  # see below
        return status
    window.restore_layout()
    window.show()
    window.load_initial_soon(config)  # parsing and the first contour follow the window
    collector = app.findChild(MainThreadCollector)
    if collector is not None:
        QTimer.singleShot(SETTLE_GARBAGE_MS, collector.settle)
    status = app.exec()
    # Deleted now, whole: left to the cycle collector, its items' attributes would be cleared
    # before the C++ teardown that still calls their Python overrides (see tests/ui/conftest.py).
    shiboken6.delete(window)
    return status


def create_application() -> QApplication:
    """The QApplication, named so QSettings finds the user's settings; antialiased plots."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("gdexplorer")
    pg.setConfigOptions(antialias=True)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)  # cycles are collected in this thread only (see .garbage)
    return app


class _ScreenshotTaker(QObject):
    """Waits for the run to end, lets the views settle, saves the window and quits."""

    def __init__(self, app: QApplication, window: MainWindow, path: str) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._path = path
        self.exit_code = 0
        window.controller.run_finished.connect(self._on_run_ended)
        window.controller.run_failed.connect(self._on_run_ended)
        window.controller.run_rejected.connect(self._on_rejected)

    @Slot(object)
    def _on_run_ended(self, _result: object) -> None:
        self._window.playback.go_last()
        QTimer.singleShot(SETTLE_MS, self._on_settled)

    @Slot(str)
    def _on_rejected(self, message: str) -> None:
        print(f"gdexplorer: {message}", file=sys.stderr)
        self._app.exit(EXIT_USAGE)

    @Slot()
    def _on_settled(self) -> None:
        if not self._window.grab().save(self._path, "PNG"):
            print(f"gdexplorer: cannot write the screenshot to {self._path}", file=sys.stderr)
            self._app.exit(EXIT_USAGE)
            return
        self._window.close()
        self._app.exit(0)


def _take_screenshot(
    app: QApplication, window: MainWindow, config: RunConfig | None, path: str
) -> int:
    if config is None:
        window.form.select_preset(DEFAULT_PRESET)  # not the last session: reproducible
    else:
        window.form.set_config(config)
    taker = _ScreenshotTaker(app, window, path)
    window.show()
    QTimer.singleShot(0, window.form.request_run)
    status = app.exec()
    window.controller.shutdown()
    del taker
    return status
