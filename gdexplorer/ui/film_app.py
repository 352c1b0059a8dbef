"""The command line's ``--animation``: an offscreen window runs (or opens a file), films, exits.

Like ``--screenshot`` (:mod:`gdexplorer.ui.app`): the window runs the settings given (or shows
the settings JSON or runs file given as FILE), lets its views settle on the last iteration,
then records the film (:class:`~gdexplorer.ui.film_recorder.FilmRecorder`) and quits. A runs
file is filmed as a race: every run in its colour.
"""

from __future__ import annotations

import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSize, QTimer, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDockWidget

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import make_run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.files.animation import AnimationRequest
from gdexplorer.core.files.kinds import KnownFile
from gdexplorer.ui.animation_export import recorder_for, subject_named
from gdexplorer.ui.app import SETTLE_MS, create_application
from gdexplorer.ui.error_guard import install_error_guard
from gdexplorer.ui.film import natural_size
from gdexplorer.ui.film_recorder import FilmRecorder
from gdexplorer.ui.main_window import MainWindow
from gdexplorer.ui.one_shot import EXIT_USAGE, AfterTheRun
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.views.plot_export import drop_offscreen_chatter


def film_in_window(
    config: RunConfig | None,
    known: KnownFile | None,
    request: AnimationRequest,
    frames: int,
    subject: str,
) -> int:
    """Film ``config`` (or the default example, or ``known``) into ``request``; exit status."""
    try:
        if config is not None:
            make_run(config)  # every setting checked before a window appears
    except GdxError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
        return EXIT_USAGE
    app = create_application()
    window = MainWindow(SettingsStore(read_only=True))
    window.error_guard = install_error_guard(window)
    previous = qInstallMessageHandler(drop_offscreen_chatter)
    try:
        status = _film(app, window, config, known, _Director(app, window, request, frames, subject))
    finally:
        qInstallMessageHandler(previous)
        window.controller.shutdown()
        window.compare.shutdown()
        shiboken6.delete(window)
    return status


def _film(app, window: MainWindow, config, known: KnownFile | None, director: _Director) -> int:
    window.show()
    director.start(config, known)
    status = app.exec()
    director.shutdown()
    return status


class _Director(AfterTheRun):
    """Waits for the run (or the file), fits the window to the frame size, films, quits."""

    def __init__(self, app: QApplication, window: MainWindow, request, frames, subject) -> None:
        super().__init__(app, window)
        self._request, self._frames, self._subject = request, frames, subject
        self._recorder: FilmRecorder | None = None

    @Slot()
    def settle_on_last(self) -> None:
        self._fit_window()
        self._window.playback.go_last()
        QTimer.singleShot(SETTLE_MS, self._on_settled)

    def shutdown(self) -> None:
        if self._recorder is not None:
            self._recorder.shutdown()

    def _fit_window(self) -> None:
        """Size the window so the filmed widget is the frame size where it can be (no
        scaling: sharp lines, exact colours); the frame is scaled to fit otherwise. Docks
        and the playback bar are not filmed: they are hidden first, so they do not hold the window
        large."""
        width, height = self._request.size
        if self._subject == "window":
            self._window.resize(QSize(width, height))
            return
        try:
            subject = subject_named(self._window, self._subject)
        except GdxError:
            return  # said when the film starts
        filmed = {widget for row in subject.rows for widget in row}
        for dock in self._window.findChildren(QDockWidget):
            if dock.widget() not in filmed:
                dock.hide()
        self._window.playback.hide()  # not filmed, and its controls keep the window wide
        for _ in range(2):  # the layout settles after the first resize
            self._app.processEvents()
            now_width, now_height = natural_size(subject)
            self._window.resize(self._window.size() + QSize(width - now_width, height - now_height))

    @Slot()
    def _on_settled(self) -> None:
        try:
            recorder = recorder_for(self._window, self._subject, self._frames, None,
                                    self._request)  # fmt: skip
        except GdxError as error:
            self.fail(str(error))
            return
        self._recorder = recorder
        recorder.finished.connect(self._on_finished)
        recorder.failed.connect(self.fail)
        recorder.start()

    @Slot(object)
    def _on_finished(self, path: Path) -> None:
        frames = self._recorder.frame_count if self._recorder is not None else 0
        print(f"Wrote {frames} frames to {path}")
        self._app.exit(0)
