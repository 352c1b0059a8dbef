"""The basin map: every start of a grid coloured by where its run ended.

Each cell of the :class:`~gdexplorer.core.many.basins.BasinMap` is drawn as a pixel of an
``ImageItem`` placed over the map's rectangle in data coordinates, with f's iso-lines on top and
the minima as white stars. Basins get distinct qualitative colours; runs that escaped get greys
to black (one shade per direction, so the two sides of a saddle differ), runs that did not
settle a very light grey, starts outside f's domain a pale pink. A legend beside the plot names
each colour and its share of the starts. Colouring by iterations instead uses viridis (dark:
few iterations), with the runs that escaped in grey.
"""

from __future__ import annotations

import colorsys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QWidget

from gdexplorer.core.landscape import Landscape, contour_scale, contour_segments
from gdexplorer.core.many.basins import BasinMap
from gdexplorer.ui import style

BASIN_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#aec7e8",
)  # fmt: skip
"""Qualitative colours for the first basins (matplotlib's tab10 without its grey)."""
ESCAPED_COLOURS = ("#3c3c3c", "#9c9c9c", "#686868", "#c4c4c4")
"""Greys for runs that escaped, one per direction (+/- first variable, then second)."""
UNFINISHED_COLOUR = "#ececec"
UNDEFINED_COLOUR = "#f2c4c4"
ITERATIONS_ESCAPED = "#8a8a8a"
LEGEND_ENTRIES = 12
CONTOUR_LEVELS = 12


def basin_colours(basin_map: BasinMap) -> np.ndarray:
    """One RGBA colour (uint8) per basin label, in the order of ``basin_map.basins``."""
    colours = []
    minimum = escaped = 0
    for basin in basin_map.basins:
        if basin.kind == "minimum":
            colours.append(_qualitative(minimum))
            minimum += 1
        elif basin.kind == "escaped":
            colours.append(ESCAPED_COLOURS[escaped % len(ESCAPED_COLOURS)])
            escaped += 1
        elif basin.kind == "unfinished":
            colours.append(UNFINISHED_COLOUR)
        else:
            colours.append(UNDEFINED_COLOUR)
    return np.array([pg.mkColor(c).getRgb() for c in colours], dtype=np.uint8).reshape(-1, 4)


def _qualitative(index: int) -> str:
    """Distinct colours: tab10 first, then hues a golden angle apart (neighbours differ)."""
    if index < len(BASIN_COLOURS):
        return BASIN_COLOURS[index]
    hue = (index * 0.618033988749895) % 1.0
    saturation = 0.45 + 0.35 * ((index // 3) % 2)
    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, 0.92)
    return f"#{int(red * 255):02x}{int(green * 255):02x}{int(blue * 255):02x}"


class BasinView(QWidget):
    """A standalone view of one :class:`BasinMap`; :meth:`set_map` replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basin_map: BasinMap | None = None
        self.colour_by = "basin"
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        style.style_plot(self.plot)
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.lines = pg.PlotCurveItem(pen=style.pen(style.ISO_LINE, 1.0), connect="pairs")
        self.minima = pg.ScatterPlotItem(
            symbol="star", size=style.MINIMUM_SIZE + 4, pen=style.pen("#000000", 1.2),
            brush=pg.mkBrush(style.MINIMUM),
        )  # fmt: skip
        for item in (self.image, self.lines, self.minima):
            self.plot.addItem(item)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(8, 8, 8, 8)
        scroll = QScrollArea()
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(280)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, stretch=1)
        layout.addWidget(scroll)

    def set_map(self, basin_map: BasinMap, colour_by: str | None = None) -> None:
        """Show ``basin_map``, coloured by basin (default) or by ``"iterations"``."""
        self.basin_map = basin_map
        if colour_by is not None:
            self.colour_by = colour_by
        self._draw_contours(basin_map)
        known = [b.point for b in basin_map.basins if b.known and b.point is not None]
        self.minima.setData(pos=np.asarray(known, dtype=float).reshape(-1, 2))
        x_name, y_name = basin_map.variables
        self.plot.setLabel("bottom", f"{x_name} at the start", **style.axis_label_style())
        self.plot.setLabel("left", f"{y_name} at the start", **style.axis_label_style())
        cfg = basin_map.config
        title = f"{cfg.variant}, lr {cfg.learning_rate:g}, on f = {cfg.function}"
        self.plot.setTitle(title, color=style.FOREGROUND, size="11pt")
        self.set_colour_by(self.colour_by)
        (x0, x1), (y0, y1) = basin_map.x_range, basin_map.y_range
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))  # after setImage: it scales pixels
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def set_colour_by(self, colour_by: str) -> None:
        """``"basin"``: which end each start reached; ``"iterations"``: how long it took."""
        if colour_by not in ("basin", "iterations"):
            raise ValueError(f"unknown colouring {colour_by!r}")
        self.colour_by = colour_by
        if self.basin_map is None:
            return
        if colour_by == "basin":
            self._show(basin_colours(self.basin_map)[self.basin_map.labels])
            self.legend.setText(basin_legend(self.basin_map))
        else:
            self._show(iteration_colours(self.basin_map))
            self.legend.setText(iteration_legend(self.basin_map))

    def _show(self, rgba: np.ndarray) -> None:
        """Colours as they are (fixed levels: autoLevels would stretch each channel)."""
        self.image.setImage(rgba, autoLevels=False, levels=(0, 255))

    def _draw_contours(self, basin_map: BasinMap) -> None:
        values = np.where(np.isfinite(basin_map.start_values), basin_map.start_values, np.nan)
        landscape = Landscape(
            axes=(0, 1), coordinates=(basin_map.xs, basin_map.ys), values=values.T,
            through=np.zeros(2),
        )  # fmt: skip
        levels = contour_scale(values, CONTOUR_LEVELS).levels
        segments = contour_segments(landscape, levels)
        self.lines.setData(segments[:, 0], segments[:, 1], connect="pairs")


def iteration_colours(basin_map: BasinMap) -> np.ndarray:
    """RGBA per cell: viridis over the iterations, grey where the run escaped or was undefined."""
    iterations = basin_map.iterations.astype(float)
    low, high = _iteration_range(basin_map)
    scaled = np.clip((iterations - low) / (high - low), 0, 1) if high > low else iterations * 0
    rgba = style.colour_map().map(scaled.ravel(), mode="byte").reshape(*iterations.shape, 4)
    rgba[_grey_cells(basin_map)] = pg.mkColor(ITERATIONS_ESCAPED).getRgb()
    return rgba


def _grey_cells(basin_map: BasinMap) -> np.ndarray:
    """Cells with no iteration count worth colouring: the run escaped or f was undefined."""
    kinds = np.array([b.kind for b in basin_map.basins])
    grey = np.flatnonzero((kinds == "escaped") | (kinds == "undefined"))
    return basin_map.diverged | np.isin(basin_map.labels, grey)


def _iteration_range(basin_map: BasinMap) -> tuple[float, float]:
    coloured = basin_map.iterations[~_grey_cells(basin_map)]
    if coloured.size == 0:
        return 0.0, 0.0
    return float(coloured.min()), float(coloured.max())


def basin_legend(basin_map: BasinMap) -> str:
    """Rich text: a colour swatch, the basin's name and its share of the starts, per basin."""
    colours = basin_colours(basin_map)
    total = basin_map.labels.size
    rows = [_legend_title(basin_map, "Where each start ends")]
    shown = _legend_order(basin_map)
    for label in shown:
        basin = basin_map.basins[label]
        rows.append(f"{_swatch(colours[label])} {basin.name} — {basin.count / total:.1%}")
    hidden = len(basin_map.basins) - len(shown)
    if hidden:
        rows.append(f"… and {hidden} more basins (not listed)")
    if any(b.known for b in basin_map.basins):
        rows.append("☆ white stars: the known minima")
    return "<br>".join(rows)


def _legend_order(basin_map: BasinMap) -> list[int]:
    """The basins listed: every non-minimum, and the largest minima up to the entry limit."""
    others = [i for i, b in enumerate(basin_map.basins) if b.kind != "minimum"]
    minima = [i for i, b in enumerate(basin_map.basins) if b.kind == "minimum"]
    room = max(LEGEND_ENTRIES - len(others), 3)
    return sorted(minima[:room] + others)


def iteration_legend(basin_map: BasinMap) -> str:
    cmap = style.colour_map()
    dark, bright = (cmap.map(np.array([v]), mode="byte")[0] for v in (0.0, 1.0))
    grey = pg.mkColor(ITERATIONS_ESCAPED).getRgb()
    rows = [_legend_title(basin_map, "Iterations until each run stopped")]
    if _grey_cells(basin_map).all():
        rows.append("No run stopped inside the map: every one escaped or was undefined.")
    else:
        low, high = _iteration_range(basin_map)
        rows.append(f"{_swatch(dark)} {int(low):,} (fewest)")
        rows.append(
            f"{_swatch(bright)} {int(high):,} (most; the limit is {basin_map.config.iterations:,})"
        )
    rows.append(f"{_swatch(grey)} escaped, or f undefined")
    return "<br>".join(rows)


def _legend_title(basin_map: BasinMap, text: str) -> str:
    rows, columns = basin_map.labels.shape
    return f"<b>{text}</b><br><small>{columns}×{rows} starts, {basin_map.seconds:.2f} s</small>"


def _swatch(rgba) -> str:
    red, green, blue = (int(v) for v in rgba[:3])
    return (
        f'<span style="background-color: rgb({red},{green},{blue}); color: rgb({red},{green},'
        f'{blue});">&#9608;&#9608;</span>'
    )
