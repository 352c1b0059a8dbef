"""File ▸ Export animation…: film the path growing into a GIF or an MP4.

:class:`AnimationExport` owns the menu action, the button beside the playback bar and the
dialog. The dialog asks what to film (:func:`gdexplorer.ui.film.window_subjects`), the frames
(N spread along the run, or every k-th iteration), frames per second, size, loop and the file;
a mistake is said inline, under the fields. While a film records, a progress bar and Cancel
replace the Save button; a cancelled or failed export writes nothing and leaves an old file as
it was (:mod:`gdexplorer.core.files.animation`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdexplorer.core.errors import ExportError, GdxError
from gdexplorer.core.files.animation import (
    DEFAULT_FPS,
    DEFAULT_FRAMES,
    DEFAULT_SIZE,
    MAX_FPS,
    AnimationRequest,
    animation_kind,
    animation_request,
    check_video_extra,
    parse_size,
)
from gdexplorer.core.film_frames import MAX_FRAMES
from gdexplorer.ui.film import Film, FilmSubject, RaceFilm, RunFilm, exact_colours, window_subjects
from gdexplorer.ui.film_recorder import FilmRecorder

if TYPE_CHECKING:
    from gdexplorer.ui.main_window import MainWindow

ERROR_STYLE = "color: #c0392b;"
DIALOG_WIDTH = 480


def film_of(window: MainWindow, subject: FilmSubject) -> Film:
    """The window's race, or its shown run, ready to film; an ExportError when there is none."""
    race = window.compare.race
    if race.active:
        plots = (window.convergence.value_plot, window.convergence.norm_plot)
        return RaceFilm(race, plots, window.stage.index())
    shown = window.stage.shown()
    if window.stage.is_streaming():
        raise ExportError("the run is still going: film it once it has ended (or stop it)")
    if shown is None or len(shown.trajectory) < 2:
        raise ExportError("there is no run to film yet: press Run first")
    return RunFilm(shown, subject.views, window.stage.index())


def recorder_for(
    window: MainWindow,
    subject: str | FilmSubject,
    frames: int | None,
    every: int | None,
    request: AnimationRequest,
    parent: QObject | None = None,
) -> FilmRecorder:
    """A recorder of the window's run or race (``subject``: one of :func:`window_subjects`
    or its key), ``frames`` spread along it or ``every`` k-th row, into ``request``."""
    chosen = subject_named(window, subject) if isinstance(subject, str) else subject
    film = film_of(window, chosen)
    window.playback.play_action.setChecked(False)  # playing would move the filmed views too
    rows = film.rows(frames, every)
    entries = window.compare.race.entries if window.compare.race.active else ()
    return FilmRecorder(film, chosen, rows, request, exact_colours(entries), parent or window)


def subject_named(window: MainWindow, key: str) -> FilmSubject:
    """The subject ``key`` (``plot``, ``plot+convergence``, ``plot+data``, ``window``)."""
    subjects = {subject.key: subject for subject in window_subjects(window)}
    if key not in subjects:
        shown = ", ".join(subjects)
        raise ExportError(f"cannot film {key} here: choose {shown} (plot+data: runs on data)")
    return subjects[key]


class AnimationExport(QObject):
    """The Export animation action, its playback-bar button and its dialog.

    Signals
    -------
    reported(str):
        A sentence for the status bar (what was written).
    """

    reported = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.action = QAction("Export &animation…", window)
        self.action.setIconText("GIF…")  # the playback bar's button: short, the bar is full
        self.action.setToolTip("Export animation: save the path growing as a GIF or an MP4")
        self.action.triggered.connect(self.open_dialog)
        self.dialog: AnimationDialog | None = None

    @Slot()
    def open_dialog(self) -> AnimationDialog:
        if self.dialog is None:
            self.dialog = AnimationDialog(self._window)
            self.dialog.reported.connect(self.reported)
        self.dialog.refresh_subjects()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def shutdown(self) -> bool:
        """Cancel a film being recorded and wait for its encoder (the window is closing)."""
        return self.dialog.shutdown() if self.dialog is not None else True


class AnimationDialog(QDialog):
    """The animation's settings, then its progress; mistakes are said under the fields."""

    reported = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Export animation")
        self.setModal(True)  # the film drives the views: nothing else may change them
        self.setMinimumWidth(DIALOG_WIDTH)
        self._window = window
        self.recorder: FilmRecorder | None = None
        self._subjects: list[FilmSubject] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form())
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v / %m frames")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.subject_box = QComboBox(self)
        form.addRow("Film", self.subject_box)
        self.spread_button = QRadioButton("frames spread along the run", self)
        self.spread_button.setChecked(True)
        self.frames_box = _spin(self, 2, MAX_FRAMES, DEFAULT_FRAMES)
        self.every_button = QRadioButton("every k-th iteration, k =", self)
        self.every_box = _spin(self, 1, 1_000_000_000, 10)
        form.addRow("Frames", _row(self, self.frames_box, self.spread_button))
        form.addRow("", _row(self, self.every_button, self.every_box))
        self.fps_box = QDoubleSpinBox(self)
        self.fps_box.setRange(1.0, MAX_FPS["mp4"])
        self.fps_box.setDecimals(1)
        self.fps_box.setValue(DEFAULT_FPS)
        self.fps_box.setSuffix(" frames a second")
        form.addRow("Speed", self.fps_box)
        self.size_field = QLineEdit("{}x{}".format(*DEFAULT_SIZE), self)
        self.size_field.setToolTip("Width x height in pixels, 64 to 4096 each, such as 800x600")
        form.addRow("Size", self.size_field)
        self.kind_box = QComboBox(self)
        self.kind_box.addItems(["GIF", "MP4"])
        self.kind_box.currentTextChanged.connect(self._on_kind_chosen)
        self.loop_box = QCheckBox("loop", self)
        self.loop_box.setChecked(True)
        form.addRow("Format", _row(self, self.kind_box, self.loop_box))
        self.path_field = QLineEdit(str(Path.home() / "descent.gif"), self)
        self.path_field.textEdited.connect(self._on_path_edited)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._on_browse)
        form.addRow("File", _row(self, self.path_field, browse))
        return form

    # -- public API ---------------------------------------------------------------------

    def refresh_subjects(self) -> None:
        """List what the window can film now (the data panel only for a run on data)."""
        chosen = self.subject_box.currentText()
        self._subjects = window_subjects(self._window)
        self.subject_box.clear()
        self.subject_box.addItems([subject.title for subject in self._subjects])
        if chosen in [subject.title for subject in self._subjects]:
            self.subject_box.setCurrentText(chosen)

    def request(self) -> AnimationRequest:
        """The checked request from the fields; an ExportError (one line) when one is wrong."""
        return animation_request(self.path_field.text(), parse_size(self.size_field.text()),
                                 self.fps_box.value(), self.loop_box.isChecked())  # fmt: skip

    def is_busy(self) -> bool:
        return self.recorder is not None and self.recorder.is_busy()

    @Slot()
    def start(self) -> None:
        """Check the fields and record; a mistake is said inline and nothing starts."""
        if self.is_busy():
            return
        try:
            request = self.request()
            every = self.every_box.value() if self.every_button.isChecked() else None
            subject = self._subjects[max(self.subject_box.currentIndex(), 0)]
            recorder = recorder_for(self._window, subject, self.frames_box.value(), every,
                                    request, self)  # fmt: skip
        except GdxError as error:
            self._say(str(error), error=True)
            return
        self.recorder = recorder
        recorder.progressed.connect(self._on_progressed)
        recorder.finished.connect(self._on_finished)
        recorder.failed.connect(self._on_failed)
        recorder.cancelled.connect(self._on_cancelled)
        self._set_busy(True, recorder.frame_count)
        self._say(f"Filming {recorder.frame_count} frames…")
        recorder.start()

    @Slot()
    def cancel(self) -> None:
        if self.recorder is not None and self.is_busy():
            self.recorder.cancel()

    def shutdown(self) -> bool:
        return self.recorder.shutdown() if self.recorder is not None else True

    def reject(self) -> None:
        """Close (or Esc): a film being recorded is cancelled first."""
        if self.is_busy():
            self.cancel()
            return
        super().reject()

    # -- slots ----------------------------------------------------------------------------

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_finished(self, path: Path) -> None:
        self._set_busy(False)
        frames = self.recorder.frame_count if self.recorder is not None else 0
        text = f"Wrote {frames} frames to {path}"
        self._say(text)
        self.reported.emit(text)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self._say(message, error=True)

    @Slot()
    def _on_cancelled(self) -> None:
        self._set_busy(False)
        self._say("Cancelled: no file was written")

    @Slot(str)
    def _on_kind_chosen(self, kind: str) -> None:
        path = Path(self.path_field.text().strip() or "descent.gif")
        self.path_field.setText(str(path.with_suffix("." + kind.lower())))
        self.loop_box.setEnabled(kind == "GIF")
        self._say("")
        if kind == "MP4":
            try:
                check_video_extra()
            except GdxError as error:
                self._say(str(error), error=True)

    @Slot(str)
    def _on_path_edited(self, text: str) -> None:
        try:
            kind = animation_kind(text)
        except GdxError:
            return
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentText(kind.upper())
        self.kind_box.blockSignals(False)
        self.loop_box.setEnabled(kind == "gif")

    @Slot()
    def _on_browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.path_field.text(),
                                              "Animations (*.gif *.mp4)")  # fmt: skip
        if path:
            self.path_field.setText(path)
            self._on_path_edited(path)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def _set_busy(self, busy: bool, frames: int = 0) -> None:
        for field in (self.subject_box, self.frames_box, self.every_box, self.spread_button,
                      self.every_button, self.fps_box, self.size_field, self.kind_box,
                      self.path_field, self.save_button):  # fmt: skip
            field.setEnabled(not busy)
        self.loop_box.setEnabled(not busy and self.kind_box.currentText() == "GIF")
        self.progress.setVisible(busy)
        self.progress.setRange(0, max(frames, 1))
        self.progress.setValue(0)
        self.cancel_button.setText("Cancel" if busy else "Close")


def _spin(parent: QWidget, low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(low, high)
    box.setGroupSeparatorShown(True)
    box.setValue(value)
    return box


def _row(parent: QWidget, *widgets: QWidget) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row
