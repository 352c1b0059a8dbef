"""``gdexplorer --screenshot F.png --lesson NAME [--step N]``: the window at a lesson's step.

The step opens as in the window, then the student's action the check plays is played here too
(its settings, Run, the iteration it steps to, its sweep), so the picture shows the step's
text, its outlined controls and what the coach answered. Works offscreen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from gdexplorer.core.errors import GdxError
from gdexplorer.core.files.safe_write import png_target
from gdexplorer.core.lessons.walk import walk_lesson
from gdexplorer.ui.app import SETTLE_MS, create_application
from gdexplorer.ui.error_guard import install_error_guard
from gdexplorer.ui.main_window import DEFAULT_PRESET, MainWindow
from gdexplorer.ui.one_shot import EXIT_USAGE, exec_and_shut_down
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.views.plot_export import drop_offscreen_chatter, save_widget_png


class _StepShot(QObject):
    """Plays the step's student, waits for the run (and sweep), saves the window, quits."""

    def __init__(self, app: QApplication, window: MainWindow, path: Path, name: str, step: int):
        super().__init__(window)
        self._app, self._window, self._path = app, window, path
        coach = window.lessons
        coach.open_lesson(name, step)
        lesson = coach.lessons[coach.lesson_index]
        self._walked = walk_lesson(lesson)[coach.step_index]
        self.exit_code = 0
        window.controller.run_finished.connect(self._on_run_ended)
        window.controller.run_failed.connect(self._on_run_ended)
        window.controller.run_rejected.connect(self._on_run_ended)
        window.compare.sweep.reported.connect(self._on_sweep_reported)

    @Slot()
    def play(self) -> None:
        played = self._walked.played
        if played is not None:
            self._window.form.set_config(played)
        elif self._window.form.config() is None:
            self._window.form.select_preset(DEFAULT_PRESET)
        self._window.form.request_run()

    @Slot(object)
    def _on_run_ended(self, _result: object) -> None:
        student = self._walked.step.student
        if student.iteration is not None:
            self._window.playback.set_index(student.iteration)
        else:
            self._window.playback.go_last()
        if student.sweep is not None:
            sweep = self._window.compare.sweep
            low, high, count = student.sweep
            sweep.lr_min.set_value(float(low))
            sweep.lr_max.set_value(float(high))
            sweep.count.setValue(int(count))
            sweep.start()
            return
        QTimer.singleShot(SETTLE_MS, self._on_settled)

    @Slot(str)
    def _on_sweep_reported(self, _message: str) -> None:
        if self._window.compare.sweep.result is not None:  # done, not just started
            QTimer.singleShot(SETTLE_MS, self._on_settled)

    @Slot()
    def _on_settled(self) -> None:
        try:
            save_widget_png(self._window, self._path)
        except GdxError as error:
            print(f"gdexplorer: {error}", file=sys.stderr)
            self.exit_code = EXIT_USAGE
        self._window.close()
        self._app.exit(self.exit_code)


def lesson_screenshot(path: str, name: str, step: int, size: tuple[int, int] | None = None) -> int:
    """Save the window at step ``step`` (0-based) of lesson ``name`` to ``path`` (at ``size``,
    width and height in pixels, when given)."""
    try:
        target = png_target(path)
    except GdxError as error:
        print(f"gdexplorer: {error}", file=sys.stderr)
        return EXIT_USAGE
    app = create_application()
    previous = qInstallMessageHandler(drop_offscreen_chatter)
    window = MainWindow(SettingsStore(read_only=True))
    window.error_guard = install_error_guard(window)
    window.lessons_dock.show()
    if size is not None:
        window.resize(*size)
    window.show()
    shot = _StepShot(app, window, target, name, step)
    QTimer.singleShot(0, shot.play)
    status = exec_and_shut_down(app, window, previous)
    del shot
    shiboken6.delete(window)
    return status
