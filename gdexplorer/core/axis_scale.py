"""The y axis of a plot of one growing series: log or linear, and a range that holds still.

A convergence plot (f, |∇f|, a loss) is easiest to read on a log axis when its values are
positive and span decades, and on a linear one otherwise; while a run streams, its range should
move in steps, not with every batch. These are facts about the numbers alone, so they live here,
Qt-free, and the plots (:mod:`gdexplorer.ui.views.convergence_series`) only apply them.
"""

from __future__ import annotations

import numpy as np

LOG_DECADES = 2.0
"""Positive values spanning more than this many decades are plotted on a log axis."""


def wants_log(values: np.ndarray) -> bool:
    """True when ``values`` are never negative and the positive ones span more than
    :data:`LOG_DECADES` decades (then a log axis shows them all)."""
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
        """Take ``values`` (new rows only: nothing is stored) into account; NaN and inf are
        ignored."""
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
        """True when a log axis shows every value seen so far (see :func:`wants_log`)."""
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
