"""The run drawn over the landscape: path, start, current iterate, −∇f arrow, known minima.

Every item is created once in :class:`PathLayer` and updated with ``setData``. Long paths are
thinned for drawing only (:mod:`gdexplorer.core.path_thinning`); the trajectory keeps every row.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from gdexplorer.core.framing import EdgeMarker
from gdexplorer.ui import style

ARROW_TIP = (
    "Arrow: the direction of −∇f at the current iterate (steepest descent). Its length grows "
    "with log |∇f|: full length at |∇f| of the start, shorter as the gradient shrinks, and "
    "short and faded once |∇f| is below the stopping tolerance (the run has converged there)."
)
FADED_ALPHA = 90
"""The arrow's opacity (of 255) where |∇f| is below the tolerance."""


def _finite_or_nan(points: np.ndarray) -> np.ndarray:
    """Coordinates a painter can take: non-finite and absurdly large values become NaN."""
    out = np.array(points, dtype=float)
    out[~np.isfinite(out) | (np.abs(out) > 1e12)] = np.nan
    return out


class PathLayer:
    """The path and its markers on one ``PlotItem``, in the plot's data coordinates."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.line = pg.PlotCurveItem(connect="finite", antialias=True)
        self.dots = pg.ScatterPlotItem(antialias=True)
        self.set_on_curve(False)
        self.start = _marker("s", style.START_SIZE, style.START, style.PATH_OUTLINE)
        self.current = _marker("o", style.CURRENT_SIZE, style.CURRENT, "#ffffff", 2.0)
        self.minima = _marker("star", style.MINIMUM_SIZE, style.MINIMUM, style.PATH_OUTLINE)
        self.shaft = pg.PlotCurveItem(
            pen=style.pen(style.ARROW, 2.6),
            shadowPen=style.pen("#ffffff", 4.5),
            antialias=True,
        )
        self.head = pg.ArrowItem(
            headLen=15,
            tipAngle=36,
            tailLen=None,
            pen=style.pen("#ffffff", 1.2),
            brush=style.brush(style.ARROW),
            pxMode=True,
        )
        self.shaft.setToolTip(ARROW_TIP)
        self.edge = pg.ArrowItem(
            headLen=16, tipAngle=40, tailLen=10, tailWidth=4, pen=style.pen("#ffffff", 1.2),
            brush=style.brush(style.CURRENT), pxMode=True,
        )  # fmt: skip
        self.edge_label = pg.TextItem(color=style.FOREGROUND, fill=(255, 255, 255, 220))
        self.edge.setToolTip("The current iterate is outside the view, this way (Fit view)")
        for z, item in enumerate(
            (self.line, self.dots, self.minima, self.start, self.shaft, self.head, self.current)
        ):
            item.setZValue(10 + z)
            plot.addItem(item)
        for item in (self.edge, self.edge_label):
            item.setZValue(20)
            plot.addItem(item, ignoreBounds=True)
        style.cache_static(self.dots, self.minima, self.start)  # not the line: see style
        self.clear()

    def set_on_curve(self, on_curve: bool) -> None:
        """Contour style (white path, dark outline) or 1-D style (iterates as dots on f's curve,
        joined by thin grey chords)."""
        if on_curve:
            self.line.setPen(style.pen(style.CHORD, 1.0))
            self.line.setShadowPen(None)
            self.dots.setSize(style.DOT_SIZE + 3)
            self.dots.setBrush(style.brush(style.PATH_ON_WHITE))
            self.dots.setPen(style.pen(style.PATH_OUTLINE, 0.6))
        else:
            self.line.setPen(style.pen(style.PATH, style.PATH_WIDTH))
            self.line.setShadowPen(style.pen(style.PATH_OUTLINE, style.PATH_WIDTH + 2))
            self.dots.setSize(style.DOT_SIZE)
            self.dots.setBrush(style.brush(style.PATH))
            self.dots.setPen(None)

    def legend_items(self) -> list[tuple[pg.GraphicsObject, str]]:
        return [
            (self.line, "path"),
            (self.start, "start"),
            (self.current, "current iterate"),
            (self.shaft, "−∇f direction"),
            (self.minima, "known minimum"),
        ]

    def clear(self) -> None:
        """Forget the run: no path, no current iterate, no arrow."""
        self.line.setData([], [])
        self.dots.setData([], [])
        self.current.setData([], [])
        self.hide_arrow()
        self.set_edge_marker(None, 0)

    def set_start(self, point: tuple[float, float] | None) -> None:
        self.start.setData([] if point is None else [point[0]], [] if point is None else [point[1]])

    def set_minima(self, points: np.ndarray) -> None:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        self.minima.setData(points[:, 0], points[:, 1])

    def set_path(self, line: np.ndarray, dots: np.ndarray) -> None:
        """Draw the path through ``line`` and dots at ``dots`` (both ``(n, 2)``, already thinned
        with :func:`drawn_indices`)."""
        line, dots = _finite_or_nan(line), _finite_or_nan(dots)
        self.line.setData(line[:, 0], line[:, 1])
        keep = np.all(np.isfinite(dots), axis=1)
        self.dots.setData(dots[keep, 0], dots[keep, 1])

    def set_current(self, point: np.ndarray | None) -> None:
        if point is None or not np.all(np.isfinite(point)):
            self.current.setData([], [])
        else:
            self.current.setData([float(point[0])], [float(point[1])])

    def set_arrow(
        self,
        origin: np.ndarray,
        direction: np.ndarray,
        pixel_size: tuple[float, float],
        pixels: float = style.ARROW_PIXELS,
        faded: bool = False,
    ) -> None:
        """An arrow from ``origin`` along ``direction`` (data units), ``pixels`` long on screen
        (see :func:`~gdexplorer.core.framing.arrow_look`), pale when ``faded``.

        ``pixel_size`` is the data size of one screen pixel along x and y, so the arrow keeps
        its true direction in data coordinates and its length on screen at any zoom.
        """
        px, py = pixel_size
        dx, dy = float(direction[0]), float(direction[1])
        screen = math.hypot(dx / px, dy / py) if px > 0 and py > 0 else 0.0
        if not (math.isfinite(screen) and screen > 0 and np.all(np.isfinite(origin))):
            self.hide_arrow()
            return
        scale = pixels / screen
        tip = (origin[0] + scale * dx, origin[1] + scale * dy)
        self.shaft.setData([origin[0], tip[0]], [origin[1], tip[1]])
        self.head.setStyle(angle=math.degrees(math.atan2(dy / py, -dx / px)))
        self.head.setPos(*tip)
        opacity = FADED_ALPHA / 255 if faded else 1.0
        self.shaft.setOpacity(opacity)
        self.head.setOpacity(opacity)
        self.head.show()

    def set_edge_marker(self, marker: EdgeMarker | None, index: int) -> None:
        """An arrow on the view's edge towards iterate ``index`` outside the view (None:
        the iterate is in view, or there is none)."""
        if marker is None:
            self.edge.hide()
            self.edge_label.hide()
            return
        self.edge.setStyle(angle=180.0 - marker.angle)  # pyqtgraph's 0° points left
        self.edge.setPos(*marker.position)
        self.edge.show()
        right = math.cos(math.radians(marker.angle)) > 0
        top = math.sin(math.radians(marker.angle)) > 0
        self.edge_label.setText(f"x{_subscript(index)} off view")
        self.edge_label.setAnchor((1.15 if right else -0.15, -0.3 if top else 1.3))
        self.edge_label.setPos(*marker.position)
        self.edge_label.show()

    @property
    def arrow_faded(self) -> bool:
        return self.shaft.opacity() < 1.0

    def hide_arrow(self) -> None:
        self.shaft.setData([], [])
        self.head.hide()

    @property
    def arrow_tip(self) -> tuple[float, float] | None:
        """The arrow's tip in data coordinates (None when hidden)."""
        x, y = self.shaft.getData()
        if x is None or len(x) < 2:
            return None
        return float(x[1]), float(y[1])


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _marker(symbol: str, size: float, fill: str, outline: str, width: float = 1.2):
    return pg.ScatterPlotItem(
        symbol=symbol,
        size=size,
        brush=style.brush(fill),
        pen=style.pen(outline, width),
        antialias=True,
    )
