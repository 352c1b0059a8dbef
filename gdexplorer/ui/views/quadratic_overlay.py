"""The local quadratic model at x_k drawn over the plot of f (an option of the View menu).

2-D (a contour or a slice): the model's level lines, dashed, the one through x_k in bold
(tangent to f's own contour there), and a cross where the model is stationary: where a pure
Newton step lands. 1-D: the model's parabola over f's curve and the same cross. The numbers
come from :mod:`gdexplorer.core.stepsize.local_model`; this follower of the stage only samples
them over the visible rectangle and hands them to pyqtgraph items made once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Slot

from gdexplorer.core.stepsize.local_model import (
    LocalModel,
    local_model,
    model_levels,
    plane_ellipses,
)
from gdexplorer.ui import style

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.core.trajectory import Trajectory
    from gdexplorer.ui.stage import ShownRun
    from gdexplorer.ui.views.plot_view import PlotView

GRID = 80
"""Samples per side of the model's grid over the view (it is a quadratic: smooth)."""
MODEL_COLOUR = "#c2185b"
MODEL_TIP = (
    "The local quadratic model m(x) = f(xₖ) + ∇fᵀ(x − xₖ) + ½(x − xₖ)ᵀH(x − xₖ) at the current "
    "iterate; the cross is its stationary point xₖ − H⁻¹∇f, where a pure Newton step lands."
)


class QuadraticOverlay(QObject):
    """Follows the stage; draws the model at the current iterate while :attr:`enabled`."""

    def __init__(self, plot_view: PlotView) -> None:
        super().__init__(plot_view)
        self.plot_view = plot_view
        plot = plot_view.plot
        dash = style.pen(MODEL_COLOUR, 1.3, Qt.PenStyle.DashLine)
        self.levels = pg.PlotCurveItem(pen=dash, connect="finite", antialias=True)
        self.through = pg.PlotCurveItem(
            pen=style.pen(MODEL_COLOUR, 2.4), connect="finite", antialias=True
        )
        self.target = pg.ScatterPlotItem(
            symbol="x", size=16, pen=style.pen("#ffffff", 1.0), brush=style.brush(MODEL_COLOUR)
        )
        for z, item in enumerate((self.levels, self.through, self.target)):
            item.setZValue(8 + z)  # above the landscape, below the path
            item.setToolTip(MODEL_TIP)
            plot.addItem(item)
        self.enabled = False
        self.model: LocalModel | None = None
        self._run: DescentRun | None = None
        self._trajectory: Trajectory | None = None
        self._index = 0
        plot_view.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.clear()

    # -- the stage's protocol ------------------------------------------------------------

    def show_run(self, shown: ShownRun) -> None:
        usable = shown.run is not None and not shown.run.config.data
        self._run = shown.run if usable else None
        self._trajectory = shown.trajectory
        self._index = 0
        self._hide()

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass  # drawn for iteration k only

    def show_iteration(self, index: int) -> None:
        self._index = index
        self.redraw()

    def clear(self) -> None:
        self._run = self._trajectory = None
        self.model = None
        self._hide()

    # -- drawing -------------------------------------------------------------------------

    @Slot(bool)
    def set_enabled(self, enabled: bool) -> None:
        """Show or hide the model (the View menu's check box)."""
        self.enabled = enabled
        self.redraw()

    def redraw(self) -> None:
        trajectory = self._trajectory
        if not self.enabled or self._run is None or trajectory is None or not len(trajectory):
            self._hide()
            return
        index = int(np.clip(self._index, 0, len(trajectory) - 1))
        self.model = local_model(self._run.objective, trajectory.points[index])
        if self.model is None:
            self._hide()
            return
        if len(self.plot_view.plane_axes) == 2:
            self._draw_levels(self.model, self.plot_view.plane_axes)
        else:
            self._draw_parabola(self.model)

    def _draw_levels(self, model: LocalModel, axes: tuple[int, ...]) -> None:
        """Exact ellipses where the model has a minimum in the plane; else its level lines
        traced on a grid over the view (hyperbolas of a saddle, ellipses of a maximum)."""
        pair = (axes[0], axes[1])
        ellipses = plane_ellipses(model, pair)
        if ellipses is not None:
            self.levels.setData(*_joined(ellipses.others))
            self.through.setData(*_joined((ellipses.through,)))
            self.target.setData([ellipses.centre[0]], [ellipses.centre[1]])
            return
        (x0, x1), (y0, y1) = self.plot_view.view_box.viewRange()
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        points = np.broadcast_to(model.point, (GRID, GRID, len(model.point))).copy()
        points[..., pair[0]] = xs[:, None]
        points[..., pair[1]] = ys[None, :]
        values = model(points)
        levels = model_levels(model, values)
        self.levels.setData(*_isolines(values, levels[levels != model.value], xs, ys))
        self.through.setData(*_isolines(values, [model.value], xs, ys))
        self._draw_target(model, axes)

    def _draw_parabola(self, model: LocalModel) -> None:
        x0, x1 = self.plot_view.view_box.viewRange()[0]
        xs = np.linspace(x0, x1, 4 * GRID)
        self.levels.setData([], [])
        self.through.setData(xs, model(xs[:, None]))
        self._draw_target(model, (0,))

    def _draw_target(self, model: LocalModel, axes: tuple[int, ...]) -> None:
        target = model.stationary_point
        if target is None or (len(axes) == 2 and len(model.point) != 2):
            self.target.setData([], [])  # a slice: the full model's point is off the plane
        elif len(axes) == 2:
            self.target.setData([target[axes[0]]], [target[axes[1]]])
        else:
            self.target.setData([target[0]], [float(model(target[None, :])[0])])

    def _hide(self) -> None:
        for item in (self.levels, self.through):
            item.setData([], [])
        self.target.setData([], [])

    @Slot(object, object)
    def _on_range_changed(self, *_args) -> None:
        if self.enabled and self.model is not None:
            self.redraw()


def _joined(lines) -> tuple[np.ndarray, np.ndarray]:
    """Closed lines (arrays of shape ``(n, 2)``) as one NaN-separated curve."""
    gap = np.full((1, 2), np.nan)
    stacked = np.concatenate([part for line in lines for part in (line, gap)])
    return stacked[:, 0], stacked[:, 1]


def _isolines(
    values: np.ndarray, levels, xs: np.ndarray, ys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Level lines of ``values`` (indexed ``[x, y]``) in data coordinates, NaN-separated.

    pyqtgraph's isocurve puts sample (i, j) at (i + 0.5, j + 0.5), the centre of its pixel.
    """
    xs_out: list[float] = []
    ys_out: list[float] = []
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    for level in levels:
        for line in pg.functions.isocurve(values, float(level), connected=True):
            for i, j in line:
                xs_out.append(xs[0] + (i - 0.5) * dx)
                ys_out.append(ys[0] + (j - 0.5) * dy)
            xs_out.append(np.nan)
            ys_out.append(np.nan)
    return np.asarray(xs_out), np.asarray(ys_out)
