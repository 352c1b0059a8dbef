"""What every compare tab shares: the form's settings in, one job at a time on a worker, a status.

The runs list, the learning-rate sweep and the basin map each take the form's settings from
``config_source()``, run one job on a :class:`~gdexplorer.ui.threads.job_worker.JobRunner` with a
progress bar and a Cancel button, and say what happened in a status label and through
:attr:`JobPanel.reported`. :class:`JobPanel` holds that plumbing once; a tab adds its controls,
starts its job and handles ``_on_job_done`` (and, when it says more, failure and cancel).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.ui.threads.job_worker import JobRunner

FIX_THE_FORM = "Fix the settings marked in red in the form first."

ResultT = TypeVar("ResultT")
"""What the tab's job returns (a sweep result, a basin map, run records)."""


class JobPanel(QWidget, Generic[ResultT]):
    """A tab that runs one job at a time from the form's settings; its job returns ``ResultT``.

    A subclass sets :attr:`status` (a ``QLabel``) and :attr:`progress` (a ``QProgressBar``), and
    ``run_button`` / ``cancel_button`` (see :meth:`_make_run_buttons`) unless it overrides
    :meth:`_on_busy_changed`. :attr:`job_noun` names the job in the default messages.

    Signals
    -------
    reported(str):
        What happened, for the window's status bar.
    """

    reported = Signal(str)
    job_noun = "job"
    status: QLabel
    progress: QProgressBar
    run_button: QPushButton
    cancel_button: QPushButton

    def __init__(
        self,
        config_source: Callable[[], RunConfig | None],
        job_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._config_source = config_source
        self.runner = JobRunner(job_name, self)
        self.runner.busy_changed.connect(self._on_busy_changed)
        self.runner.progressed.connect(self._on_progressed)
        self.runner.succeeded.connect(self._on_job_done)
        self.runner.failed.connect(self._on_job_failed)
        self.runner.cancelled.connect(self._on_job_cancelled)

    def _arrange(self, side: Sequence[QWidget | QLayout], side_width: int, view: QWidget) -> None:
        """Lay the tab out: a fixed-width column of ``side`` on the left, ``view`` on the right.

        The column's last part takes its spare height (at the top), the view the spare width.
        """
        holder = QWidget()
        holder.setFixedWidth(side_width)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        *stacked, last = side
        assert isinstance(last, QWidget), "the last part (it takes the spare height) is a widget"
        for part in stacked:
            if isinstance(part, QLayout):
                column.addLayout(part)
            else:
                column.addWidget(part)
        column.addWidget(last, 1, Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(holder)
        row.addWidget(view, 1)

    def _make_run_buttons(
        self, text: str, on_run: Callable[[], None], tip: str | None = None
    ) -> QHBoxLayout:
        """The Run (calls ``on_run``) and Cancel buttons side by side, and the progress bar."""
        self.run_button = QPushButton(text)
        if tip:
            self.run_button.setToolTip(tip)
        self.run_button.clicked.connect(on_run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.runner.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(12)
        self.progress.setFormat("%p%")
        return buttons

    # -- public API -------------------------------------------------------------------------

    @Slot()
    def cancel(self) -> None:
        self.runner.cancel()

    def shutdown(self) -> bool:
        return self.runner.shutdown()

    # -- internals --------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self.reported.emit(message)

    def _form_config(self) -> RunConfig | None:
        """The form's settings, or None after saying they need fixing."""
        config = self._config_source()
        if config is None:
            self._say(FIX_THE_FORM)
        return config

    def _refuses_data(self, config: RunConfig, what: str) -> bool:
        """True (after saying why) when ``config`` is on a dataset: ``what`` needs a function."""
        if config.data:
            self._say(f"{what} works on a typed function, not on a dataset.")
        return bool(config.data)

    # -- slots ------------------------------------------------------------------------------

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_job_done(self, result: ResultT) -> None:
        """Show the job's result (every subclass does)."""
        raise NotImplementedError

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._say(f"The {self.job_noun} stopped: {message}")

    @Slot()
    def _on_job_cancelled(self) -> None:
        self._say(f"{self.job_noun.capitalize()} cancelled.")
