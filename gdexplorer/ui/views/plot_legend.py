"""The main plot's legend, in a band above the plot area: it never covers the data.

A legend inside the view hid the start, the current iterate, the 1-D slope label or a minimum,
wherever it was anchored. :class:`LegendBand` keeps one ``LegendItem`` above the view box (the
plot item's title row is grown to hold it) and lists only what is drawn: "known minimum" only
when a minimum is marked. A race shows its own entries in the same band (:meth:`show_entries`),
and the student can hide the band ("Legend" in the plot's header).

At small widths (1024 px windows) the band stays one row: the labels switch to short words in a
smaller font (:data:`SHORT`); a race whose labels would still need more than :data:`MAX_ROWS`
rows hides the band (the Compare table lists the runs in their colours) rather than eat the plot.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gdexplorer.ui import style

Entry = tuple[pg.GraphicsObject, str]
GAP = 3
"""Pixels between the band and the view box, and above the band."""
MAX_COLUMNS = 5
MAX_ROWS = 2
"""More rows than this and the band is hidden: it would take the plot's height."""
FULL_SIZE, SHORT_SIZE = "9pt", "8pt"
SPACING, COMPACT_SPACING = 6, 1
"""Pixels between the columns, full and compact."""
SHORT = {
    "current iterate": "iterate k",
    "known minimum": "minimum",
    "least-squares fit": "best fit",
    "−∇f direction": "−∇f",
    "+∇f direction": "+∇f",
    "−f′(x) direction": "−f′(x)",
    "+f′(x) direction": "+f′(x)",
}
"""The words a crowded band uses instead (the full names stay in :meth:`LegendBand.labels`)."""
CROWDED_TIP = (
    "The legend is hidden: its names need more rows than the plot can spare. Widen the "
    "window, or read the runs' colours in the Compare table."
)


class LegendBand:
    """A legend in the plot item's title row, centred over the view box."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self.legend = pg.LegendItem(
            brush=(212, 212, 212, 255),  # grey: the white path sample shows on it
            labelTextSize=FULL_SIZE,
            labelTextColor=style.FOREGROUND,
            colCount=5,
            horSpacing=SPACING,
            verSpacing=-4,
        )
        self.legend.setParentItem(plot)
        self.legend.layout.setContentsMargins(4, 1, 4, 1)  # pyqtgraph's 9 px make a tall row
        self._wanted = True
        self._own: list[Entry] = []
        self._borrowed = False
        self._names: list[str] = []
        self.compact = False
        """Short words in a smaller font (the full labels did not fit one row)."""
        self.crowded = False
        """Hidden although wanted: even short, the entries needed more than MAX_ROWS rows."""
        self._toggle: QWidget | None = None
        self._toggle_tip = ""
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
        """The names listed now, in full (shown shortened while :attr:`compact`)."""
        return list(self._names)

    def shown_texts(self) -> list[str]:
        """The texts drawn now (short words while :attr:`compact`)."""
        return [label.text for _sample, label in self.legend.items]

    def rows(self) -> int:
        """How many rows the band takes now (0 when hidden)."""
        if not self.legend.isVisible():
            return 0
        return -(-len(self.legend.items) // max(self.legend.columnCount, 1))

    # -- shown or not -------------------------------------------------------------------------

    def set_wanted(self, wanted: bool) -> None:
        """Show or hide the band (the plot area takes its room back)."""
        self._wanted = wanted
        self.fit()

    def explain_on(self, toggle: QWidget) -> None:
        """Say on ``toggle`` (the header's "Legend" box), in its tooltip, when the band is
        hidden for want of room."""
        self._toggle, self._toggle_tip = toggle, toggle.toolTip()

    def is_shown(self) -> bool:
        return self.legend.isVisible()

    def fit(self, *_args) -> None:
        """As few rows as fit the plot's width (short words if the full ones need two); the
        title row as tall as the legend; centred over the view box and kept inside the plot."""
        box = self._plot.getViewBox()
        shown = self._wanted and bool(self.legend.items)
        self.crowded = False
        if shown:  # as wide as the plot item (axes and colour bar included), not the view
            width = max(self._plot.width() - 2 * GAP, 1.0)
            self._set_compact(False)
            if self._fit_columns(width) > 1:
                self._set_compact(True)
                self.crowded = self._fit_columns(width) > MAX_ROWS
                shown = not self.crowded
        if self._toggle is not None:
            self._toggle.setToolTip(CROWDED_TIP if self.crowded else self._toggle_tip)
        self.legend.setVisible(shown)
        title = self._plot.titleLabel
        height = self.legend.height() + 2 * GAP if shown else 0
        title.setVisible(shown)
        title.setMinimumHeight(height)
        title.setMaximumHeight(height)
        if shown:
            box_centre = box.mapToItem(self._plot, box.boundingRect().center()).x()
            room = max((self._plot.width() - self.legend.width()) / 2, 0.0)
            offset = min(max(box_centre - self._plot.width() / 2, -room), room)
            self.legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(offset, GAP))

    def _fit_columns(self, width: float) -> int:
        """The most columns (at most 5) whose legend is no wider than ``width``; the rows.

        Measured from the items' preferred widths: their geometry is the last layout's."""
        count = len(self.legend.items)
        columns = max(min(MAX_COLUMNS, count), 1)
        while columns > 1 and self._needed_width(columns) > width:
            columns -= 1
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
        rows = -(-count // columns)
        self.legend.setGeometry(0, 0, self._needed_width(columns), self._needed_height(rows))
        self.legend.layout.activate()
        return rows

    def _needed_height(self, rows: int) -> float:
        """The band's height with ``rows`` rows (each as tall as its tallest entry)."""
        hint = Qt.SizeHint.PreferredSize
        tallest = max(
            (max(s.effectiveSizeHint(hint).height(), lb.effectiveSizeHint(hint).height())
             for s, lb in self.legend.items),
            default=0.0,
        )  # fmt: skip
        spacing = self.legend.layout.verticalSpacing()
        _left, top, _right, bottom = self.legend.layout.getContentsMargins()
        return rows * tallest + spacing * (rows - 1) + top + bottom

    def _needed_width(self, columns: int) -> float:
        """The band's width with ``columns`` columns (each as wide as its widest entry)."""
        hint = Qt.SizeHint.PreferredSize
        widths = [0.0] * (2 * columns)
        for number, (sample, label) in enumerate(self.legend.items):
            column = 2 * (number % columns)
            widths[column] = max(widths[column], sample.effectiveSizeHint(hint).width())
            widths[column + 1] = max(widths[column + 1], label.effectiveSizeHint(hint).width())
        spacing = self.legend.layout.horizontalSpacing()
        left, _top, right, _bottom = self.legend.layout.getContentsMargins()
        return sum(widths) + spacing * (2 * columns - 1) + left + right

    def _set_compact(self, compact: bool) -> None:
        """Short words in the smaller font, or the full names again."""
        if compact == self.compact:
            return
        self.compact = compact
        size = SHORT_SIZE if compact else FULL_SIZE
        self.legend.layout.setHorizontalSpacing(COMPACT_SPACING if compact else SPACING)
        for (_sample, label), name in zip(self.legend.items, self._names, strict=True):
            label.setText(SHORT.get(name, name) if compact else name, size=size)

    def _fill(self, entries: Sequence[Entry]) -> None:
        self.legend.clear()
        self.compact = False
        self._names = [name for _item, name in entries]
        for item, name in entries:
            self.legend.addItem(item, name)
        self.legend.columnCount = 0  # lay the new entries out in as few rows as fit
        self.fit()
