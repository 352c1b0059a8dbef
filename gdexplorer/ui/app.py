"""Start the window: ``gdexplorer [FILE]`` opens it with a ready example (or FILE);
``--screenshot`` saves it.

``main`` is called by the command line with the run options already turned into a RunConfig
(or None). Bad settings end as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.files.kinds import KnownFile
from gdexplorer.core.files.safe_write import png_target
from gdexplorer.ui.error_guard import install_error_guard
from gdexplorer.ui.main_window import MainWindow
from gdexplorer.ui.one_shot import EXIT_USAGE, AfterTheRun, exec_and_shut_down, open_in_window
from gdexplorer.ui.settings_store import APPLICATION, ORGANIZATION, SettingsStore
from gdexplorer.ui.threads.garbage import MainThreadCollector
from gdexplorer.ui.views.plot_export import drop_offscreen_chatter, save_widget_png
from gdexplorer.ui.views.view_switch import ViewMode
from gdexplorer.ui.window_layout import fit_within

GIL_SWITCH_SECONDS = 0.0005
"""While a run computes on the worker thread, every return of the GUI thread into Python waits
for the worker to hand over the GIL; CPython's default (5 ms per hand-over) makes one repaint of
the plots take hundreds of milliseconds. Redraws hold the runs (:mod:`.threads.redraw_gate`), but
the GUI thread still enters Python between them (timers, Qt's follow-up paints); at 0.5 ms the
worst event-loop gap of bench_gui fell from 25–33 ms (1 ms) to 19–28 ms (5 runs each)."""
SETTLE_GARBAGE_MS = 2000
"""Start-up objects are frozen out of the collector's scans once the first parse (sympy's
import) and contour are done."""
SETTLE_MS = 400
"""After the run ends, time for debounced redraws (contour, views) before the grab."""


def main(
    config: RunConfig | None = None,
    screenshot: str | None = None,
    open_file: KnownFile | None = None,
    notice: str | None = None,
    view: str = "contour",
    size: tuple[int, int] | None = None,
    lesson: tuple[str, int] | None = None,
) -> int:
    """Open the explorer window and return the exit status.

    Parameters
    ----------
    config:
        Settings to show (from the command line or a settings file); None shows the last
        session's settings or the default example.
    screenshot:
        If given, run ``config`` (or the default example) to the end, or show ``open_file``,
        show its last iteration, save a PNG of the whole window there (``.png`` added when the
        name has no extension) and exit. Works with ``QT_QPA_PLATFORM=offscreen``.
    open_file:
        A trajectory CSV or a runs file to show once the window is up (``gdexplorer FILE``).
    notice:
        A sentence for the status bar (why a FILE could not be opened, or that it was).
    view:
        What the centre shows: ``"contour"``, ``"3d"`` or ``"both"`` (a screenshot of a 3-D
        view that cannot be drawn exits with status 2 and says why).
    size:
        The window's width and height in pixels (``--size WxH``); None: the stored size, or
        1400x900 for a screenshot.
    lesson:
        A lesson's name and step (0-based) to open in the Lessons panel (``--lesson``).
    """
    try:
        if config is not None:
            make_run(config)  # every setting checked before a window appears
        target = png_target(screenshot) if screenshot is not None else None
    except GdxError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
        return EXIT_USAGE
    app = create_application()
    window = MainWindow(SettingsStore(read_only=target is not None))
    window.error_guard = install_error_guard(window)  # a bug in a slot: a message, not a crash
    window.central_views.set_mode(ViewMode(view))
    if target is not None:
        if size is not None:
            window.resize(*size)
        status = _take_screenshot(app, window, config, target, open_file)
        shiboken6.delete(window)  # see below
        return status
    window.restore_layout()
    if size is not None:
        window.resize(*size)
    elif window.screen() is not None:  # a stored or default size never spills off the screen
        fit_within(window, window.screen().availableGeometry())
    window.show()
    opener = _Opener(window, config, open_file, notice)  # after the window appears
    opener.lesson = lesson
    QTimer.singleShot(0, opener.open)
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
    if QApplication.instance() is None:  # the 3-D view's shaders outlive a re-created context
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), "a window needs a QApplication, not a QCoreApplication"
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("gdexplorer")
    pg.setConfigOptions(antialias=True)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)  # cycles are collected in this thread only (see .garbage)
    return app


class _Opener(QObject):
    """Loads the initial settings, then the file given on the command line, once the event
    loop runs (so the window appears first)."""

    def __init__(self, window: MainWindow, config, known: KnownFile | None, notice) -> None:
        super().__init__(window)
        self._window, self._config, self._known, self._notice = window, config, known, notice
        self.lesson: tuple[str, int] | None = None

    @Slot()
    def open(self) -> None:
        self._window.load_initial(self._config)
        if self._known is not None:
            open_in_window(self._window, self._known)
        if self._notice:
            self._window.show_status(self._notice)
        if self.lesson is not None:
            self._window.lessons_dock.show()
            self._window.lessons.open_lesson(*self.lesson)


class _ScreenshotTaker(AfterTheRun):
    """Waits for the run to end (or the file to show), lets the views settle, saves the
    window and quits."""

    def __init__(self, app: QApplication, window: MainWindow, path: Path) -> None:
        super().__init__(app, window)
        self._path = path

    @Slot()
    def settle_on_last(self) -> None:
        """Show the last iteration, then save once the debounced redraws are done."""
        self._window.playback.go_last()
        QTimer.singleShot(SETTLE_MS, self._on_settled)

    def fail(self, message: str) -> None:
        self._window.close()
        super().fail(message)

    @Slot()
    def _on_settled(self) -> None:
        problem = self._window.central_views.view_problem()
        if problem is not None:
            self.fail(problem)
            return
        try:
            save_widget_png(self._window, self._path)
        except GdxError as error:
            self.fail(str(error))
            return
        self._window.close()
        self._app.exit(0)


def _take_screenshot(
    app: QApplication,
    window: MainWindow,
    config: RunConfig | None,
    path: Path,
    known: KnownFile | None = None,
) -> int:
    previous = qInstallMessageHandler(drop_offscreen_chatter)
    window.show()  # first, as a student's window: docks shown by the settings are laid out
    taker = _ScreenshotTaker(app, window, path)
    taker.start(config, known)
    status = exec_and_shut_down(app, window, previous)
    del taker
    return status
