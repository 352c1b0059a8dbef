"""Colours, pens, symbols and fonts shared by the plot, convergence and inspector views.

One place decides how things look, so the path drawn on the contour, its points on the
convergence plots and the legend agree. Colours are chosen against the viridis colour map: the
path is white with a dark outline, the current iterate and the gradient arrow are a warm red
that viridis never contains, iso-lines are thin and translucent dark so they read on every hue.
"""

from __future__ import annotations

from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QGraphicsItem

COLOUR_MAP = "viridis"
"""Perceptually uniform, readable in grey and by most colour-blind students."""

BACKGROUND = "w"
UNDEFINED = "#d9d9d9"
"""Behind the contour: where f is undefined (NaN) the image is transparent and this shows."""
FOREGROUND = "#202020"
PATH = "#ffffff"
PATH_OUTLINE = "#1b1b1b"
PATH_ON_WHITE = "#ff8c00"
CHORD = (90, 90, 90, 150)
START = "#ffb000"
CURRENT = "#e8202a"
ARROW = "#e8202a"
MINIMUM = "#ffffff"
ISO_LINE = (20, 20, 20, 110)
TANGENT = "#e8202a"
CURVE = "#1f5fbf"
GRADIENT_NORM = "#c0392b"
CURRENT_LINE = (232, 32, 42, 160)
COORDINATE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")

PATH_WIDTH = 1.6
DOT_SIZE = 4
START_SIZE = 13
CURRENT_SIZE = 12
MINIMUM_SIZE = 14
ARROW_PIXELS = 70
"""The gradient arrow's length on screen: it shows a direction, not a size."""


DASH = Qt.PenStyle.DashLine


def style_plot(plot: pg.PlotItem) -> None:
    """Dark axes and readable labels on the light background (set per plot, not globally,
    so the rest of the window keeps pyqtgraph's defaults)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pen(FOREGROUND))
        axis.setTextPen(pen(FOREGROUND))
        axis.enableAutoSIPrefix(False)  # "(x1e+09)" glued to a label confuses more than it helps


def cache_static(*items: QGraphicsItem) -> None:
    """Keep a rendered copy of items that change rarely (contour, path, curves).

    Moving the current-iterate marker then repaints only the marker's neighbourhood from these
    copies instead of redrawing thousands of segments: playback frames stay cheap. The copy is
    redrawn when the item's data or the view's zoom changes.

    Not for line items (PlotCurveItem): a cached copy of the contour's iso-lines was seen drawn
    where an earlier view had put them, offset from the colours, after the view grew during a
    run. Images and scatter markers showed no such problem.
    """
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def pen(colour, width: float = 1.0, style=None) -> pg.QtGui.QPen:
    """A cosmetic pen (constant width in pixels, whatever the zoom)."""
    made = pg.mkPen(colour, width=width)
    if style is not None:
        made.setStyle(style)
    made.setCosmetic(True)
    return made


def brush(colour) -> pg.QtGui.QBrush:
    return pg.mkBrush(colour)


def colour(value) -> QColor:
    return pg.mkColor(value)


@cache
def colour_map() -> pg.ColorMap:
    return pg.colormap.get(COLOUR_MAP)


def mono_font(point_size: int | None = None) -> QFont:
    """The system's fixed-width font, so columns of numbers line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size is not None:
        font.setPointSize(point_size)
    return font


def axis_label_style() -> dict:
    return {"color": FOREGROUND, "font-size": "11pt"}
