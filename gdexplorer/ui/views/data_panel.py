"""The panel beside the contour for a run on data: the data with the model, and the loss per epoch.

Left: :class:`~gdexplorer.ui.views.data_view.DataView` (the examples, the fitted line or decision
boundary at the shown update, the next batch circled). Right: the loss against the epoch
(x = k / updates per epoch), the full-data loss L(x_k) as a line and, for stochastic and
mini-batch runs, the loss of each update's batch as thin dots: the noise of a small batch is
the spread of those dots around the line. The convergence panel shows the same full-data loss
against the update k.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gdexplorer.core.axis_scale import wants_log
from gdexplorer.core.decimate import PeakSeries, computed_pairs
from gdexplorer.core.run_protocol import is_data_run
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.views.data_view import DataView

if TYPE_CHECKING:
    from gdexplorer.core.data.engine import DataRun
    from gdexplorer.core.run_protocol import DescentRun

REFRESH_MS = 100
BATCH_LOSS_COLOUR = (232, 116, 12, 150)
DOCK_TITLE = "Data and model"


class EpochLossView(QWidget):
    """The full-data loss and each batch's loss against the epoch, the shown update marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot = self.plot_widget.getPlotItem()
        style.style_plot(self.plot)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "epoch", **style.axis_label_style())
        self.plot.setLabel("left", "loss", **style.axis_label_style())
        self.legend = self.plot.addLegend(
            offset=(-8, 8), labelTextColor=style.FOREGROUND, brush=(255, 255, 255, 210)
        )
        self.batch_curve = self.plot.plot(
            pen=None, symbol="o", symbolSize=3, symbolPen=None,
            symbolBrush=BATCH_LOSS_COLOUR, name="loss of the update's batch",
        )  # fmt: skip
        self.full_curve = self.plot.plot(
            pen=style.pen(style.CURVE, 2.0), name="full-data loss L(xₖ)", antialias=True
        )
        self.marker = self.plot.plot(
            symbol="o", symbolSize=8, symbolBrush=style.CURRENT, symbolPen="w", pen=None
        )
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=style.pen(style.CURRENT_LINE))
        self.plot.addItem(self.line, ignoreBounds=True)
        self.line.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self._trajectory: Trajectory | None = None
        self._per_epoch = 1
        self._shuffled = False
        self._full = PeakSeries()
        self._batch = PeakSeries()
        self._log = False
        self._index: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_refresh_due)

    def show_run(self, trajectory: Trajectory, updates_per_epoch: int, shuffled: bool) -> None:
        self.clear_run()
        self._trajectory = trajectory
        self._per_epoch = max(int(updates_per_epoch), 1)
        self._shuffled = shuffled
        self.batch_curve.setVisible(shuffled)
        self.legend.setVisible(shuffled)
        self._redraw()

    def refresh_path(self) -> None:
        """Rows were appended: redraw within 100 ms (several calls share one redraw)."""
        if self._trajectory is not None and not self._timer.isActive():
            self._timer.start()

    def show_iteration(self, index: int) -> None:
        trajectory = self._trajectory
        if trajectory is None or not len(trajectory):
            return
        self._index = int(np.clip(index, 0, len(trajectory) - 1))
        x = self._index / self._per_epoch
        self.line.setValue(x)
        self.line.show()
        value = trajectory.values[self._index]
        shown = bool(np.isfinite(value) and (value > 0 or not self._log))
        self.marker.setData([x] if shown else [], [value] if shown else [])

    def clear_run(self) -> None:
        self._timer.stop()
        self._trajectory = None
        self._index = None
        self._full.clear()
        self._batch.clear()
        for item in (self.full_curve, self.batch_curve, self.marker):
            item.setData([], [])
        self.line.hide()

    @Slot()
    def _on_refresh_due(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        trajectory = self._trajectory
        if trajectory is None or not len(trajectory):
            return
        full = trajectory.values
        batch = trajectory.column("batch_loss")
        log = wants_log(full) and (not self._shuffled or wants_log(batch[1:]))
        if log != self._log:
            self._log = log
            self.marker.setData([], [])  # a 0 on it would turn NaN on the log axis
            self.plot.setLogMode(x=False, y=log)
        x, y = computed_pairs(*self._full.update(full))
        self.full_curve.setData(x / self._per_epoch, _drawable(y, log))
        if self._shuffled:
            x, y = self._batch.update(batch)
            y = _drawable(y, log)
            if not np.isfinite(y).any():  # row 0 alone has no batch: pyqtgraph warns on all-NaN
                x, y = x[:0], y[:0]
            self.batch_curve.setData(x / self._per_epoch, y)
        if self._index is not None:
            self.show_iteration(self._index)


def _drawable(values: np.ndarray, log: bool) -> np.ndarray:
    """Values a log axis can show: zeros and negatives become gaps (NaN), never errors."""
    if not log:
        return values
    return np.where(values > 0, values, np.nan)


class DataPanel(QWidget):
    """The data view beside the loss-per-epoch plot, for one run on data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_view = DataView()
        self.epoch_view = EpochLossView()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.data_view)
        splitter.addWidget(self.epoch_view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.run: DataRun | None = None

    def show_run(self, run: DescentRun | None, trajectory: Trajectory) -> None:
        """A new run (rows may still be arriving); a run that is not on data clears the panel."""
        if not is_data_run(run):
            self.clear_run()
            return
        self.run = run
        self.data_view.show_data(run, trajectory)
        self.epoch_view.show_run(trajectory, run.schedule.updates_per_epoch, run.schedule.shuffled)

    def refresh_path(self) -> None:
        if self.run is not None:
            self.epoch_view.refresh_path()

    def show_iteration(self, index: int) -> None:
        if self.run is not None:
            self.data_view.show_iteration(index)
            self.epoch_view.show_iteration(index)

    def clear_run(self) -> None:
        self.run = None
        self.data_view.clear()
        self.epoch_view.clear_run()
