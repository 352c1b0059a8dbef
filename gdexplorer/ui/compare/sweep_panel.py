"""The learning-rate sweep tab: a range and a count, a worker, and the sweep plot.

The sweep takes everything else (function, start, variant, iterations, tolerances) from the
form, runs every learning rate at once with the vectorized engine on a worker thread (progress
and cancel), and shows the result in a :class:`~.SweepView`. Clicking a
point there emits :attr:`SweepPanel.learning_rate_picked`, rounded to three digits, for the
window to load into the form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSpinBox,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.core.many import jobs as compare_jobs
from gdexplorer.core.many.sweep import MAX_COUNT, SweepResult, describe_lane
from gdexplorer.core.optimizers import get_variant
from gdexplorer.ui.compare.job_panel import JobPanel
from gdexplorer.ui.compare.sweep_view import SweepView
from gdexplorer.ui.form.fields import NumberField, positive

DEFAULT_RANGE = (1e-5, 10.0)
DEFAULT_COUNT = 200
MEASURES = (("final_f", "final f"), ("iterations", "iterations to converge"))
CONTROLS_WIDTH = 290


class SweepPanel(JobPanel[SweepResult]):
    """Sweep controls on the left, the sweep plot on the right.

    Signals
    -------
    learning_rate_picked(float):
        The student clicked the plot: load this learning rate into the form.
    reported(str):
        What happened, for the window's status bar.
    """

    learning_rate_picked = Signal(float)
    job_noun = "sweep"

    def __init__(
        self, config_source: Callable[[], RunConfig | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(config_source, "sweep", parent)
        self.view = SweepView()
        self.view.learning_rate_picked.connect(self._on_view_picked)
        self.view.status.hide()  # its summary and hover text go beside the plot (short dock)
        self.view.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._arrange(self._build_controls(), CONTROLS_WIDTH, self.view)
        self._on_busy_changed(False)

    def _build_controls(self) -> list[QWidget | QLayout]:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.lr_min = NumberField(DEFAULT_RANGE[0], positive)
        self.lr_max = NumberField(DEFAULT_RANGE[1], positive)
        rates = QHBoxLayout()
        rates.addWidget(self.lr_min)
        rates.addWidget(QLabel("to"))
        rates.addWidget(self.lr_max)
        form.addRow("lr from", rates)
        self.count = QSpinBox()
        self.count.setRange(2, MAX_COUNT)
        self.count.setValue(DEFAULT_COUNT)
        self.count.setGroupSeparatorShown(True)
        self.count.setToolTip("How many learning rates, log-spaced over the range")
        form.addRow("How many", self.count)
        self.measure = QComboBox()
        for key, text in MEASURES:
            self.measure.addItem(text, key)
        form.addRow("Plot", self.measure)
        buttons = self._make_run_buttons(
            "Run sweep",
            self.start,
            "Run the form's settings once per learning rate, all at once, and plot the results",
        )
        self.status = QLabel(
            "The form's function, start and variant, with many learning rates. Click the plot "
            "to load a rate into the form."
        )
        self.status.setWordWrap(True)
        self.hover = QLabel()
        self.hover.setWordWrap(True)
        self.hover.setStyleSheet("color: #1f5fbf;")
        return [form, buttons, self.progress, self.status, self.hover]

    # -- public API -------------------------------------------------------------------------

    @property
    def result(self) -> SweepResult | None:
        return self.view.result

    @Slot()
    def start(self) -> None:
        """Sweep the form's settings over the chosen range (on the worker thread)."""
        config = self._form_config()
        low, high = self.lr_min.value(), self.lr_max.value()
        if config is None:
            return
        if low is None or high is None or not low < high:
            self._say("The smallest learning rate must be a positive number below the largest.")
            return
        if self._refuses_data(config, "A learning-rate sweep"):
            return
        measure = self.measure.currentData()
        self.runner.start(compare_jobs.sweep_job(config, low, high, self.count.value(), measure))
        self._say(f"Sweeping {self.count.value():,} learning rates…")

    # -- slots ------------------------------------------------------------------------------

    @Slot(object)
    def _on_job_done(self, result: SweepResult) -> None:
        self.view.set_result(result)
        self.view.plot.setTitle(None)  # said beside the plot: the dock is short
        config = result.config
        start = ", ".join(f"{v:g}" for v in config.start)
        self._say(
            f"{get_variant(config.variant).title} from ({start}), up to "
            f"{config.iterations:,} iterations. {self.view.status.text()}"
        )
        self.hover.clear()

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        lane = self.view.lane_at(scene_pos)
        if lane is not None and self.result is not None:
            self.hover.setText(describe_lane(self.result, lane))

    @Slot(float)
    def _on_view_picked(self, rate: float) -> None:
        rounded = float(f"{rate:.3g}")
        self.learning_rate_picked.emit(rounded)
        self._say(f"Loaded lr = {rounded:g} into the form: press Run to watch it.")
