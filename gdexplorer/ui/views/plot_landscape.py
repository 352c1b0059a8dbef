"""The landscape under the path: a filled contour with iso-lines (2-D), or f's curve (1-D).

The numbers come from :mod:`gdexplorer.core.landscape`; these layers only put them on a
``PlotItem``. Items are created once and updated with ``setImage`` / ``setData``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from gdexplorer.core.explain.maths import format_number
from gdexplorer.core.framing import label_position
from gdexplorer.core.landscape import ContourScale, Landscape, contour_scale, contour_segments
from gdexplorer.ui import style

CONTOUR_LEVELS = 12
FLOAT32_MAX = float(np.finfo(np.float32).max) / 4
"""Colour values are clipped to this before the image takes them as float32: a value beyond
float32 became inf, and pyqtgraph's rescaling of inf printed overflow warnings."""

Range = tuple[tuple[float, float], tuple[float, float]]


class ContourLayer:
    """f over a rectangle as colours (``ImageItem``), iso-lines and a colour bar."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-10)
        self.lines = pg.PlotCurveItem(pen=style.pen(style.ISO_LINE, 1.0), connect="pairs")
        self.lines.setZValue(-5)
        plot.addItem(self.image, ignoreBounds=True)
        plot.addItem(self.lines, ignoreBounds=True)
        style.cache_static(self.image)  # not the lines: see style.cache_static
        self.bar = pg.ColorBarItem(
            colorMap=style.colour_map(), interactive=False, width=16, colorMapMenu=False
        )
        self.bar.setImageItem(self.image, insert_in=plot)
        for name in ("left", "right"):
            self.bar.getAxis(name).setTextPen(style.pen(style.FOREGROUND))
        self.bar.getAxis("left").setLabel("f", **style.axis_label_style())
        self.scale: ContourScale | None = None
        self.landscape: Landscape | None = None
        self._visible = True

    def set_landscape(self, landscape: Landscape, visible: Range | None = None) -> None:
        """Colour the grid, draw its iso-lines and label the colour bar.

        The levels and colours are chosen from the samples inside ``visible`` (the view), not
        from the margin sampled around it, whose corners can be far higher.
        """
        scale = contour_scale(_inside(landscape, visible), CONTOUR_LEVELS)
        self.landscape, self.scale = landscape, scale
        with np.errstate(over="ignore", invalid="ignore"):  # f beyond float32 (divergence)
            raw = scale.colour_values(landscape.values)
            colours = np.clip(raw, -FLOAT32_MAX, FLOAT32_MAX).astype(np.float32)
        self.image.setImage(colours, autoLevels=False)
        (x0, x1), (y0, y1) = landscape.extent
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        low, high = (float(np.clip(v, -FLOAT32_MAX, FLOAT32_MAX)) for v in scale.colour_range)
        self.bar.setLevels((low, high) if high > low else (low, low + max(1.0, abs(low) * 1e-6)))
        segments = contour_segments(landscape, scale.levels)
        self.lines.setData(segments[:, 0], segments[:, 1], connect="pairs")
        self._label_bar(scale)

    def _label_bar(self, scale: ContourScale) -> None:
        axis = self.bar.axis
        self.bar.getAxis("left").setLabel(scale.label, **style.axis_label_style())
        if not scale.log:
            axis.setTicks(None)
            return
        low, high = scale.colour_range
        ticks: dict[float, str] = {}
        for exponent in range(int(np.floor(low)) - 1, int(np.ceil(high)) + 2):
            value = float(f"{scale.floor + 10.0**exponent:.1g}")  # a round f near each decade
            position = float(scale.colour_values(np.array([value]))[0])
            if value > scale.floor and low <= position <= high:
                ticks[position] = f"{value:g}"
        kept: list[tuple[float, str]] = []
        for position, text in sorted(ticks.items(), reverse=True):  # keep the upper of a crowd
            if not kept or kept[-1][0] - position > 0.06 * (high - low):
                kept.append((position, text))
        axis.setTicks([sorted(kept), []])

    def set_visible(self, visible: bool) -> None:
        """Show in 2-D, hide (and give the colour bar's room back) in 1-D."""
        if visible == self._visible:
            return
        self._visible = visible
        self.image.setVisible(visible)
        self.lines.setVisible(visible)
        layout = self._plot.layout
        if visible:
            layout.addItem(self.bar, 2, 5)
            self.bar.show()
        else:
            layout.removeItem(self.bar)
            self.bar.hide()
        if not visible:
            self.image.clear()
            self.lines.setData([], [])
            self.landscape = self.scale = None


def _inside(landscape: Landscape, visible: Range | None) -> np.ndarray:
    if visible is None:
        return landscape.values
    (x0, x1), (y0, y1) = visible
    x, y = landscape.coordinates
    keep_x, keep_y = (x >= x0) & (x <= x1), (y >= y0) & (y <= y1)
    if not keep_x.any() or not keep_y.any():
        return landscape.values
    return landscape.values[np.ix_(keep_x, keep_y)]


class CurveLayer:
    """f of one variable as a curve, with the tangent at the current iterate and its slope."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.curve = pg.PlotCurveItem(pen=style.pen(style.CURVE, 2.2), antialias=True)
        self.curve.setZValue(-5)

        self.tangent = pg.PlotCurveItem(
            pen=style.pen(style.TANGENT, 1.8, style.DASH), antialias=True
        )
        self.tangent.setZValue(5)
        self.slope_text = pg.TextItem(color=style.TANGENT, anchor=(0, 0), fill=(255, 255, 255, 210))
        self.slope_text.setZValue(30)
        plot.addItem(self.curve, ignoreBounds=True)
        plot.addItem(self.tangent, ignoreBounds=True)
        plot.addItem(self.slope_text, ignoreBounds=True)
        self.landscape: Landscape | None = None
        self.slope: float | None = None
        self._at = (0.0, 0.0)

    def set_landscape(self, landscape: Landscape) -> None:
        self.landscape = landscape
        self.curve.setData(landscape.coordinates[0], landscape.values, connect="finite")

    def set_tangent(self, x: float, value: float, slope: float, half_width: float) -> None:
        """The tangent line at (x, f(x)) over x ± half_width, and its slope written out."""
        if not all(np.isfinite(v) for v in (x, value, slope)):
            self.hide_tangent()
            return
        self.slope = slope
        xs = np.array([x - half_width, x + half_width])
        self.tangent.setData(xs, value + slope * (xs - x))
        self.slope_text.setText(f"slope f′(x) = {format_number(slope)}")
        self._at = (x, value)
        self.slope_text.setPos(x, value)
        self.slope_text.show()

    def place_slope_label(self, view, pixel_size: tuple[float, float]) -> None:
        """Put the slope's label beside the tangent point, wholly inside ``view``."""
        if self.slope is None or min(pixel_size) <= 0:
            return
        size = self.slope_text.boundingRect()
        view_range = ((view[0][0], view[0][1]), (view[1][0], view[1][1]))
        where = label_position(view_range, self._at, (size.width(), size.height()), pixel_size)
        self.slope_text.setPos(*where)

    def hide_tangent(self) -> None:
        self.slope = None
        self.tangent.setData([], [])
        self.slope_text.hide()

    def set_visible(self, visible: bool) -> None:
        for item in (self.curve, self.tangent, self.slope_text):
            item.setVisible(visible)
        if not visible:
            self.curve.setData([], [])
            self.hide_tangent()
            self.landscape = None
