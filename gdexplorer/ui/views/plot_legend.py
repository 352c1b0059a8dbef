"""The main plot's legend, in a band above the plot area: it never covers the data.

A legend inside the view hid the start, the current iterate, the 1-D slope label or a minimum,
wherever it was anchored. :class:`LegendBand` keeps one ``LegendItem`` above the view box (the
plot item's title row is grown to hold it) and lists only what is drawn: "known minimum" only
when a minimum is marked. A race shows its own entries in the same band (:meth:`show_entries`),
and the student can hide the band ("Legend" in the plot's header).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg

from gdexplorer.ui import style

Entry = tuple[pg.GraphicsObject, str]
GAP = 3
"""Pixels between the band and the view box, and above the band."""
MAX_COLUMNS = 5


class LegendBand:
    """A legend in the plot item's title row, centred over the view box."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self.legend = pg.LegendItem(
            brush=(212, 212, 212, 255),  # grey: the white path sample shows on it
            labelTextSize="9pt",
            labelTextColor=style.FOREGROUND,
            colCount=5,
            horSpacing=6,
            verSpacing=-4,
        )
        self.legend.setParentItem(plot)
        self._wanted = True
        self._own: list[Entry] = []
        self._borrowed = False
        plot.titleLabel.setVisible(False)  # the row holds the band instead of a title
        plot.getViewBox().sigResized.connect(self.fit)

    # -- what is listed ---------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Entry]) -> None:
        """The single run's entries (shown unless a race has the band)."""
        self._own = list(entries)
        if not self._borrowed:
            self._fill(self._own)

    def show_entries(self, entries: Sequence[Entry]) -> None:
        """A race's entries replace the single run's until :meth:`restore`."""
        self._borrowed = True
        self._fill(entries)

    def restore(self) -> None:
        """The single run's entries again (the race ended)."""
        if self._borrowed:
            self._borrowed = False
            self._fill(self._own)

    def labels(self) -> list[str]:
        """The texts listed now (for tests)."""
        return [label.text for _sample, label in self.legend.items]

    # -- shown or not -------------------------------------------------------------------------

    def set_wanted(self, wanted: bool) -> None:
        """Show or hide the band (the plot area takes its room back)."""
        self._wanted = wanted
        self.fit()

    def is_shown(self) -> bool:
        return self.legend.isVisible()

    def fit(self, *_args) -> None:
        """As few rows as fit the plot's width; the title row as tall as the legend; centred
        over the view box and kept inside the plot."""
        box = self._plot.getViewBox()
        shown = self._wanted and bool(self.legend.items)
        self.legend.setVisible(shown)
        title = self._plot.titleLabel
        if shown:  # as wide as the plot item (axes and colour bar included), not the view
            self._fit_columns(max(self._plot.width() - 2 * GAP, 1.0))
        height = self.legend.height() + 2 * GAP if shown else 0
        title.setVisible(shown)
        title.setMinimumHeight(height)
        title.setMaximumHeight(height)
        if shown:
            box_centre = box.mapToItem(self._plot, box.boundingRect().center()).x()
            room = max((self._plot.width() - self.legend.width()) / 2, 0.0)
            offset = min(max(box_centre - self._plot.width() / 2, -room), room)
            self.legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(offset, GAP))

    def _fit_columns(self, width: float) -> None:
        """The most columns (at most 5) whose legend is no wider than ``width``."""
        count = len(self.legend.items)
        for columns in range(min(MAX_COLUMNS, count), 0, -1):
            if columns != self.legend.columnCount:
                self.legend.setColumnCount(columns)
            self.legend.updateSize()
            if self.legend.width() <= width or columns == 1:
                return

    def _fill(self, entries: Sequence[Entry]) -> None:
        self.legend.clear()
        for item, name in entries:
            self.legend.addItem(item, name)
        self.legend.columnCount = 0  # lay the new entries out in as few rows as fit
        self.fit()
