"""The curves of the convergence plots: a log or linear y axis chosen from the values
(:mod:`gdexplorer.core.axis_scale`), and series drawn from the (min, max) of buckets of rows
(:mod:`gdexplorer.core.decimate`; see :mod:`gdexplorer.ui.views.convergence_view` for why)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gdexplorer.core.axis_scale import Extent
from gdexplorer.core.decimate import PeakSeries, computed_pairs, visible_pairs
from gdexplorer.ui import style


class Curve:
    """A line against the iteration, fed peak-decimated data (:mod:`gdexplorer.core.decimate`)."""

    def __init__(self, plot: pg.PlotItem, colour: str, name: str | None = None) -> None:
        self.item = plot.plot(pen=style.pen(colour, 1.0), name=name, antialias=True)
        self.peaks = PeakSeries()

    def draw(self, values: np.ndarray, window: tuple[int, int] | None) -> None:
        """All rows (decimated incrementally), or only the rows of a zoomed-in ``window``."""
        if window is None:
            x, y = self.peaks.update(values)
        else:
            self.peaks.update(values)  # stay current for when the view zooms out again
            x, y = visible_pairs(values, *window)
        self.item.setData(*computed_pairs(x, y))

    def clear(self) -> None:
        self.peaks.clear()
        self.item.setData([], [])


class Series:
    """One plot: a curve against the iteration, its current point, its scale."""

    def __init__(self, plot: pg.PlotItem, label: str, colour: str) -> None:
        self.plot = plot
        self.line = Curve(plot, colour)
        self.curve = self.line.item
        self.marker = plot.plot(
            symbol="o", symbolSize=8, symbolBrush=style.CURRENT, symbolPen="w", pen=None
        )
        self.log = False
        self._extent = Extent()
        self._seen = 0
        self._y_range: tuple[float, float] | None = None
        plot.setLabel("left", label, **style.axis_label_style())

    def set_data(self, values: np.ndarray, window: tuple[int, int] | None) -> None:
        """Draw ``values`` against the iteration; rows seen before are not scanned again."""
        self._extent.add(values[self._seen :])
        self._seen = len(values)
        log = self._extent.wants_log
        if log != self.log:
            self.log = log
            self.marker.setData([], [])  # a 0 on it would turn NaN on the log axis
            self.plot.setLogMode(x=False, y=log)
        self.line.draw(values, window)

    def hold_y_range(self) -> None:
        """While a run streams: a y range that moves in steps (axes redraw only then)."""
        steady = self._extent.steady_range(self.log)
        auto = self.plot.getViewBox().autoRangeEnabled()[1]  # setLogMode turns it back on
        if steady is not None and (steady != self._y_range or auto):
            self._y_range = steady
            self.plot.setYRange(*steady, padding=0.02)

    def fit_y_range(self) -> None:
        """Back to pyqtgraph's automatic y range."""
        self._y_range = None
        self.plot.enableAutoRange(y=True)

    def set_current(self, index: int | None, values: np.ndarray | None) -> None:
        """Mark row ``index``; a value a log axis cannot show (0, as a perfect fit's loss is)
        is left unmarked (the vertical line still shows where)."""
        if (
            index is None
            or values is None
            or index >= len(values)
            or not np.isfinite(values[index])
            or (self.log and not values[index] > 0)
        ):
            self.marker.setData([], [])
        else:
            self.marker.setData([index], [values[index]])

    def clear(self) -> None:
        self._extent = Extent()
        self._seen = 0
        self._y_range = None
        self.line.clear()
        self.marker.setData([], [])
