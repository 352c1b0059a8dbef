"""The learning rate lr_k against the iteration: a fourth convergence plot, for schedules.

Shown only when the run's rate changes (a schedule other than constant: column ``lr`` of the
trajectory, :mod:`gdexplorer.core.stepsize`), so a constant-rate run keeps the view it had.
It appears when the rate first changes, as the bottom plot, linked to the others' k axis, with
the same current-iteration mark.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gdexplorer.core.stepsize.schedules import RATE_COLUMN
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.views.convergence_series import Series

ROW = 3


def collapse(plot: pg.PlotItem, shown: bool) -> None:
    """A hidden plot of the grid takes no height (hidden, its axes' minimum still held 22 px
    of a 200 px dock at 1024x700, squeezing the plots shown)."""
    plot.setMinimumHeight(0)
    plot.setMaximumHeight(100000 if shown else 0)


class RateRow:
    """The lr_k plot of a :class:`~gdexplorer.ui.views.convergence_view.ConvergenceView`."""

    def __init__(self, layout_widget: pg.GraphicsLayoutWidget, top: pg.PlotItem) -> None:
        self.layout_widget = layout_widget
        self.plot = layout_widget.addPlot(row=ROW, col=0)
        style.style_plot(self.plot)
        self.plot.hideButtons()
        self.plot.getAxis("left").setWidth(70)
        self.plot.setXLink(top)
        self.series = Series(self.plot, "lrₖ", style.CURVE)
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=style.pen(style.CURRENT_LINE, 1.2))
        self.plot.addItem(self.line, ignoreBounds=True)
        self.shown = False
        self.set_shown(False)

    def set_shown(self, shown: bool) -> None:
        self.shown = shown
        self.plot.setVisible(shown)
        layout = self.layout_widget.ci.layout
        layout.setRowStretchFactor(ROW, 1 if shown else 0)
        layout.setRowMaximumHeight(ROW, 100000 if shown else 0)
        collapse(self.plot, shown)
        if not shown:
            self.clear()

    def draw(self, trajectory: Trajectory, window: tuple[int, int] | None) -> bool:
        """Draw lr_k; True when the plot has just appeared (the rate has changed for the first
        time: a streaming run with a step schedule shows it at the first decay)."""
        if not trajectory.has_column(RATE_COLUMN) or len(trajectory) == 0:
            return False
        rates = trajectory.column(RATE_COLUMN)
        appeared = not self.shown and bool(np.nanmax(rates) > np.nanmin(rates))
        if appeared:
            self.set_shown(True)
            self.plot.setLabel("bottom", "iteration k")
        if self.shown:
            self.series.set_data(rates, window)
        return appeared

    def mark(self, index: int | None, trajectory: Trajectory | None) -> None:
        if not self.shown or trajectory is None or index is None:
            self.line.hide()
            self.series.set_current(None, None)
            return
        self.line.setValue(index)
        self.line.show()
        self.series.set_current(index, trajectory.column(RATE_COLUMN))

    def clear(self) -> None:
        self.series.clear()
        self.line.hide()
