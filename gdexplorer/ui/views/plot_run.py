"""The run's part of the main plot: path, current iterate, −∇f arrow, tangent (1-D).

:class:`RunDrawing` is the half of :class:`~gdexplorer.ui.views.plot_view.PlotView` that reads a
:class:`~gdexplorer.core.trajectory.Trajectory`: it turns trajectory rows into plotted
coordinates, keeps the path's length for thinning, and draws the path and the current iterate.
It is kept apart from the landscape and the view's geometry so each half reads on one screen;
it uses the plot's items and view state that :class:`PlotView` builds (listed below).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.path_thinning import (
    DOT_LIMIT,
    LINE_LIMIT,
    PathLength,
    drawn_indices,
    thinned_indices,
)
from gdexplorer.core.trajectory import Trajectory

if TYPE_CHECKING:
    import pyqtgraph as pg

    from gdexplorer.core.landscape import Evaluable
    from gdexplorer.ui.views.plot_landscape import CurveLayer
    from gdexplorer.ui.views.plot_path import PathLayer


class RunDrawing:
    """The run drawn over the landscape (mixed into :class:`PlotView`).

    The host provides ``plot``, ``view_box``, ``path``, ``curve``, ``_objective``, ``_axes``,
    ``_start``, ``_follow`` and the methods ``_place_legend``, ``_grow_view`` and
    ``_schedule_redraw``.
    """

    plot: pg.PlotItem
    view_box: pg.ViewBox
    path: PathLayer
    curve: CurveLayer
    _objective: Evaluable | None
    _axes: tuple[int, ...]
    _start: np.ndarray
    _follow: bool

    if TYPE_CHECKING:  # provided by the host (PlotView)

        def _place_legend(self) -> None: ...

        def _grow_view(self, plane_points: np.ndarray) -> None: ...

        def _schedule_redraw(self) -> None: ...

    def _init_run(self) -> None:
        """No run yet: the state :meth:`show_run` fills."""
        self._trajectory: Trajectory | None = None
        self._drawn_rows = 0
        self._path_length = PathLength()
        self._point_columns: list[int] = []
        self._gradient_columns: list[int] = []
        self._value_column = 0
        self._index: int | None = None
        self._maximize = False

    # -- the contract --------------------------------------------------------------------

    def show_run(self, trajectory: Trajectory, maximize: bool = False) -> None:
        """Draw a new run (rows may still be arriving: call :meth:`refresh_path`)."""
        self._clear_run_items()
        self._trajectory = trajectory
        columns = trajectory.columns
        self._point_columns = [columns.index(v) for v in trajectory.variables]
        self._gradient_columns = [columns.index(f"grad_{v}") for v in trajectory.variables]
        self._value_column = columns.index("f")
        self._maximize = maximize
        self._follow = True
        self._place_legend()
        self.refresh_path()

    def refresh_path(self) -> None:
        """Rows were appended to the trajectory: redraw the path, grow the view to it."""
        trajectory = self._trajectory
        if trajectory is None or self._objective is None or len(trajectory) == self._drawn_rows:
            return
        fresh = self._plane_rows(slice(self._drawn_rows, len(trajectory)))
        self._measure_path(fresh)
        self._drawn_rows = len(trajectory)
        self._draw_path()
        if self._follow:
            self._grow_view(fresh)

    def show_iteration(self, index: int) -> None:
        """Mark iterate ``index``: the current point, the −∇f arrow, the tangent (1-D)."""
        trajectory = self._trajectory
        if trajectory is None or len(trajectory) == 0:
            return
        self._index = int(np.clip(index, 0, len(trajectory) - 1))
        self._draw_current()
        if self._objective is not None and self._objective.dimension >= 3:
            self._schedule_redraw()

    def clear_run(self) -> None:
        self._clear_run_items()
        self._trajectory = None
        if self._objective is not None and self._objective.dimension >= 3:
            self._schedule_redraw()

    # -- rows -> plotted coordinates -----------------------------------------------------

    def _plane_rows(self, rows: slice | np.ndarray) -> np.ndarray:
        """Trajectory rows -> plotted coordinates, reading only those rows (runs can be long)."""
        assert self._trajectory is not None  # only called while a run is shown
        table = self._trajectory.rows[rows]
        if len(self._axes) == 2:
            return table[:, [self._point_columns[a] for a in self._axes]]
        return table[:, [self._point_columns[0], self._value_column]]

    def _slice_point(self) -> np.ndarray:
        """Where the slice passes: the current iterate during a run, else the start."""
        if self._trajectory is not None and self._index is not None and len(self._trajectory):
            row = self._trajectory.rows[min(self._index, len(self._trajectory) - 1)]
            return row[self._point_columns]
        return self._start

    def _measure_path(self, fresh: np.ndarray) -> None:
        """Keep the path's length up to date (for thinning): the new rows only, unless the
        run or the plotted axes changed since it was measured."""
        key = (id(self._trajectory), self._axes)
        if self._path_length.key != key or len(self._path_length) != self._drawn_rows:
            (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
            self._path_length.reset(key, (abs(x1 - x0) or 1.0, abs(y1 - y0) or 1.0))
            assert self._trajectory is not None  # only called while a run is shown
            fresh = self._plane_rows(slice(0, len(self._trajectory)))
        self._path_length.extend(fresh)

    # -- drawing -------------------------------------------------------------------------

    def _draw_path(self) -> None:
        assert self._trajectory is not None  # only called while a run is shown
        count = len(self._trajectory)
        if len(self._path_length) != count:
            self._path_length.reset()
        self._measure_path(np.empty((0, 2)))  # re-measures only when out of date
        line = self._plane_rows(thinned_indices(count, LINE_LIMIT, self._path_length))
        self.path.set_path(line, self._plane_rows(drawn_indices(count, DOT_LIMIT)))

    def _draw_current(self) -> None:
        trajectory, index = self._trajectory, self._index
        if trajectory is None or index is None or index >= len(trajectory):
            self.path.set_current(None)
            self.path.hide_arrow()
            self.curve.hide_tangent()
            return
        where = self._plane_rows(slice(index, index + 1))[0]
        gradient = trajectory.rows[index, self._gradient_columns]
        self.path.set_current(where)
        direction = gradient if self._maximize else -gradient
        if len(self._axes) == 1:
            plane_direction = np.array([direction[0], 0.0])
            (x0, x1), _ = self.view_box.viewRange()
            self.curve.set_tangent(where[0], where[1], float(gradient[0]), (x1 - x0) * 0.18)
        else:
            plane_direction = direction[list(self._axes)]
        self.path.set_arrow(where, plane_direction, self._pixel_size())

    def _pixel_size(self) -> tuple[float, float]:
        size = self.view_box.viewPixelSize()
        return (float(size[0]), float(size[1]))

    def _clear_run_items(self) -> None:
        self.path.clear()
        self.curve.hide_tangent()
        self._drawn_rows = 0
        self._index = None
