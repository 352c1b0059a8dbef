"""f and |∇f| against the iteration (and each coordinate, for 3+ variables).

Scale choice: a y axis turns logarithmic when the values are never negative and their positive
values span more than two decades (|∇f| almost always; f when its minimum is 0, as for
Rosenbrock), because convergence is then a straight line whose slope is the rate. f that goes
negative stays linear: plotting f − min f instead would put the best iterate at −∞ on a log
axis and shift the whole curve whenever a streaming run finds a lower value. Zeros on a log
axis are left out of the line.

Long runs stay cheap: each curve gets at most ~16,000 points, the (min, max) of buckets of
consecutive rows kept up to date incrementally (:mod:`gdexplorer.core.decimate`; zoomed in, the rows
in view are decimated afresh), pyqtgraph clips and peak-downsamples those to the pixels
(``setClipToView`` + ``setDownsampling(mode="peak")``), and a streaming run is redrawn at most
10 times a second.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.threads import redraw_gate
from gdexplorer.ui.views.convergence_rate import RateRow, collapse
from gdexplorer.ui.views.convergence_series import Curve, Series

REFRESH_MS = 100


class ConvergenceView(QWidget):
    """The run's progress: f(x_k) and |∇f(x_k)| (and x_k's coordinates) against k."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_widget = pg.GraphicsLayoutWidget()
        self.layout_widget.setBackground(style.BACKGROUND)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.layout_widget)
        self.value_plot = self._add_plot(0)
        self.norm_plot = self._add_plot(1)
        self.coordinate_plot = self._add_plot(2)
        self.value = Series(self.value_plot, "f(xₖ)", style.CURVE)
        self.norm = Series(self.norm_plot, "|∇f(xₖ)|", style.GRADIENT_NORM)
        self.coordinate_plot.setLabel("left", "coordinates", **style.axis_label_style())
        self.coordinate_legend = self.coordinate_plot.addLegend(
            offset=(-8, 8), labelTextColor=style.FOREGROUND, brush=(255, 255, 255, 200)
        )
        self.coordinate_curves: list[Curve] = []
        self.lines = []
        for plot in (self.value_plot, self.norm_plot, self.coordinate_plot):
            line = pg.InfiniteLine(angle=90, movable=False, pen=style.pen(style.CURRENT_LINE, 1.2))
            plot.addItem(line, ignoreBounds=True)
            line.hide()
            self.lines.append(line)
        self._trajectory: Trajectory | None = None
        self._norms = np.empty(0)
        self._norm_rows = 0
        self._index: int | None = None
        self._streamed_k: tuple[float, float] | None = None  # the k range set for a stream
        self._marks_shown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_refresh_due)
        self._set_coordinates_shown(False)
        self.value_plot.sigXRangeChanged.connect(self._on_k_range_changed)
        self.rate = RateRow(self.layout_widget, self.value_plot)  # lr_k, when it changes

    def _add_plot(self, row: int) -> pg.PlotItem:
        plot = self.layout_widget.addPlot(row=row, col=0)
        style.style_plot(plot)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.hideButtons()
        plot.getAxis("left").setWidth(70)  # equal widths keep the linked x axes aligned
        if row:
            plot.setXLink(self.layout_widget.getItem(0, 0))
        return plot

    def _set_coordinates_shown(self, shown: bool) -> None:
        """The coordinates plot (3+ variables) is the bottom one; the bottom one is labelled."""
        bottom = self.coordinate_plot if shown else self.norm_plot
        for plot in (self.value_plot, self.norm_plot, self.coordinate_plot):
            plot.setLabel("bottom", "iteration k" if plot is bottom else None)
            plot.getAxis("bottom").showLabel(plot is bottom)
        self.coordinate_plot.setVisible(shown)
        collapse(self.coordinate_plot, shown)
        self.layout_widget.ci.layout.setRowStretchFactor(2, 1 if shown else 0)
        if shown:
            self.layout_widget.ci.layout.setRowMaximumHeight(2, 100000)
        else:
            self.layout_widget.ci.layout.setRowMaximumHeight(2, 0)

    # -- the contract --------------------------------------------------------------------

    def show_run(self, trajectory: Trajectory, planned: int | None = None) -> None:
        """A new run: forget the old curves and draw this one's rows so far.

        With ``planned`` (a run that is about to stream ``planned`` updates), k spans
        0…planned from the start and the y ranges move in steps, so the curves grow into
        still axes (which then need not be redrawn at every refresh); :meth:`end_stream`
        fits the axes to the rows again.
        """
        self.clear_run()
        self._trajectory = trajectory
        if planned is not None:
            self._hold_k_range(planned)
        d = len(trajectory.variables)
        self._set_coordinates_shown(d >= 3)
        if d >= 3:
            self.coordinate_legend.setColumnCount(min(d, 8))  # one row, while it fits
            for i, name in enumerate(trajectory.variables):
                colour = style.COORDINATE_COLOURS[i % len(style.COORDINATE_COLOURS)]
                self.coordinate_curves.append(Curve(self.coordinate_plot, colour, name))
        self._redraw()

    def end_stream(self) -> None:
        """The run has ended: draw all its rows, with the axes fitted to them."""
        if self._streamed_k is not None:
            self._release_ranges()
        self.redraw_now()

    def _release_ranges(self) -> None:
        self._streamed_k = None
        self._k_follows_the_top_plot(auto=True)
        for series in (self.value, self.norm):
            series.fit_y_range()

    def _k_follows_the_top_plot(self, auto: bool) -> None:
        """Only the top plot decides k; the others follow it through the link. (A linked plot
        that auto-ranges moves them all and turns the top plot's auto-range off, as if the
        student had zoomed; pyqtgraph's setLogMode turns a plot's auto-range back on.)"""
        for plot in (self.norm_plot, self.coordinate_plot, self.rate.plot):
            plot.enableAutoRange(x=False)
        if auto and not self.value_plot.getViewBox().autoRangeEnabled()[0]:
            self.value_plot.enableAutoRange(x=True)

    def _plots(self) -> tuple[pg.PlotItem, ...]:
        return (self.value_plot, self.norm_plot, self.coordinate_plot, self.rate.plot)

    def _hold_k_range(self, planned: int) -> None:
        for plot in self._plots():  # linked: one that still auto-ranges would move them all
            plot.enableAutoRange(x=False)
        box = self.value_plot.getViewBox()
        self._streamed_k = (0.0, float(max(planned, 1)))
        box.setXRange(*self._streamed_k, padding=0.0)
        self._streamed_k = tuple(box.viewRange()[0])

    def refresh_path(self) -> None:
        """Rows were appended: redraw within 100 ms (several calls share one redraw)."""
        if self._trajectory is not None and not self._timer.isActive():
            self._timer.start()

    def show_iteration(self, index: int) -> None:
        """Mark iteration ``index`` on every plot.

        While a run streams and ``index`` is its newest row, the curves' ends are the mark:
        the markers are hidden instead of moved ten times a second (moving them costs a
        second repaint of the whole view each time)."""
        trajectory = self._trajectory
        if trajectory is None or len(trajectory) == 0:
            return
        self._index = int(np.clip(index, 0, len(trajectory) - 1))
        if self._streamed_k is not None and self._index == len(trajectory) - 1:
            self._hide_marks()
            return
        self._update_norms()
        self._marks_shown = True
        for line in self.lines:
            line.setValue(self._index)
            line.show()
        self.value.set_current(self._index, trajectory.values)
        self.norm.set_current(self._index, self._norms[: len(trajectory)])
        self.rate.mark(self._index, trajectory)

    def _hide_marks(self) -> None:
        if self._marks_shown:
            self._marks_shown = False
            for line in self.lines:
                line.hide()
            self.value.set_current(None, None)
            self.norm.set_current(None, None)
            self.rate.mark(None, None)

    def clear_run(self) -> None:
        self._timer.stop()
        if self._streamed_k is not None:
            self._release_ranges()
        self._trajectory = None
        self._index = None
        self._norm_rows = 0
        self.value.clear()
        self.norm.clear()
        for curve in self.coordinate_curves:
            self.coordinate_plot.removeItem(curve.item)
        self.coordinate_legend.clear()
        self.coordinate_curves = []
        self.rate.set_shown(False)
        for line in self.lines:
            line.hide()
        self._marks_shown = False

    def set_log_scale(self, plot: int, log: bool) -> None:
        """Put plot 0 (f) or 1 (|∇f|) on a log (or linear) y axis, for curves drawn by others;
        the next run shown chooses its own scale again."""
        series = (self.value, self.norm)[plot]
        series.log = log
        series.plot.setLogMode(x=False, y=log)

    # -- drawing -------------------------------------------------------------------------

    @Slot()
    def _on_refresh_due(self) -> None:
        self._redraw()

    def redraw_now(self) -> None:
        """Draw the rows that have arrived now (a pending :meth:`refresh_path` is dropped)."""
        self._timer.stop()
        self._redraw()

    def _redraw(self) -> None:
        trajectory = self._trajectory
        if trajectory is None:
            return
        redraw_gate.hold_runs()
        n = len(trajectory)
        self._update_norms()
        window = self._zoomed_window()
        self.value.set_data(trajectory.values, window)
        self.norm.set_data(self._norms[:n], window)
        if self._streamed_k is not None:
            if any(plot.getViewBox().autoRangeEnabled()[0] for plot in self._plots()):
                self._hold_k_range(round(self._streamed_k[1]))  # setLogMode undid it
            self.value.hold_y_range()
            self.norm.hold_y_range()
        else:
            self._k_follows_the_top_plot(auto=window is None)
        for name, curve in zip(trajectory.variables, self.coordinate_curves, strict=False):
            curve.draw(trajectory.column(name), window)
        if self.rate.draw(trajectory, window):  # the bottom plot now: only it says "k"
            for plot in (self.value_plot, self.norm_plot, self.coordinate_plot):
                plot.getAxis("bottom").showLabel(False)
        if self._index is not None and (self._streamed_k is None or self._marks_shown):
            self.show_iteration(self._index)  # (hidden marks wait for the index to move)

    def _zoomed_window(self) -> tuple[int, int] | None:
        """The rows in view when the student zoomed in on k; None while k auto-ranges."""
        box = self.value_plot.getViewBox()
        if box.autoRangeEnabled()[0]:
            return None
        low, high = box.viewRange()[0]
        if self._streamed_k is not None and np.allclose((low, high), self._streamed_k):
            return None  # the whole planned run is in view: nobody zoomed in
        return int(np.floor(low)) - 1, int(np.ceil(high)) + 1

    @Slot()
    def _on_k_range_changed(self) -> None:
        if self._streamed_k is not None:
            return  # a streaming run is redrawn ten times a second anyway
        if self._trajectory is not None and self._zoomed_window() is not None:
            self.refresh_path()

    def _update_norms(self) -> None:
        """|∇f| per row, computed once per row as rows arrive."""
        trajectory = self._trajectory
        n = len(trajectory) if trajectory is not None else 0
        if trajectory is None or n == self._norm_rows:
            return
        if len(self._norms) < n:
            grown = np.empty(max(n, 2 * len(self._norms), 1024))
            grown[: self._norm_rows] = self._norms[: self._norm_rows]
            self._norms = grown
        first = trajectory.columns.index(f"grad_{trajectory.variables[0]}")
        fresh = trajectory.rows[self._norm_rows : n, first : first + len(trajectory.variables)]
        with np.errstate(over="ignore", invalid="ignore"):
            np.sqrt(np.einsum("ij,ij->i", fresh, fresh), out=self._norms[self._norm_rows : n])
        self._norm_rows = n
