"""The curves of the convergence plots: a log or linear y axis chosen from the values, and
series drawn from the (min, max) of buckets of rows (see :mod:`gdexplorer.ui.views.convergence_view`
for why)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gdexplorer.ui import style
from gdexplorer.ui.views.peaks import PeakSeries, visible_pairs

LOG_DECADES = 2.0


def wants_log(values: np.ndarray) -> bool:
    """True when ``values`` are never negative and the positive ones span > 2 decades."""
    return Extent().add(values).wants_log


class Extent:
    """Running facts about a growing series: any negative value, the positive min and max."""

    def __init__(self) -> None:
        self.negative = False
        self.low = np.inf  # the smallest and largest positive values
        self.high = -np.inf
        self.least = np.inf  # the smallest and largest values
        self.most = -np.inf

    def add(self, values: np.ndarray) -> Extent:
        finite = values[np.isfinite(values)]
        if finite.size:
            self.least = min(self.least, float(finite.min()))
            self.most = max(self.most, float(finite.max()))
            self.negative |= self.least < 0
            positive = finite[finite > 0]
            if positive.size:
                self.low = min(self.low, float(positive.min()))
                self.high = max(self.high, float(positive.max()))
        return self

    @property
    def wants_log(self) -> bool:
        if self.negative or not self.high > self.low > 0:
            return False
        return bool(np.log10(self.high / self.low) > LOG_DECADES)

    def steady_range(self, log: bool) -> tuple[float, float] | None:
        """A y range holding every value, rounded outwards (to decades on a log axis, to a
        tenth of a power of ten of the span on a linear one) so that it changes only now
        and then while values stream in; in the axis's own units (log10 on a log axis)."""
        if log:
            if not self.high >= self.low > 0:
                return None
            low, high = np.floor(np.log10(self.low)), np.ceil(np.log10(self.high))
            return float(low), float(max(high, low + 1))
        if not self.most >= self.least:
            return None
        span = self.most - self.least
        if span == 0:
            span = abs(self.most) or 1.0
        step = 10.0 ** np.floor(np.log10(span))
        return float(np.floor(self.least / step) * step), float(np.ceil(self.most / step) * step)


class Curve:
    """A line against the iteration, fed peak-decimated data (see :mod:`peaks`)."""

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
        self.item.setData(x, y)

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
