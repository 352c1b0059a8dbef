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

from gdexplorer.core.framing import PrefixBounds, arrow_look, edge_marker, frame_up_to, inside
from gdexplorer.core.path_thinning import (
    DOT_LIMIT,
    LINE_LIMIT,
    PathLength,
    drawn_indices,
    thinned_indices,
)
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style

if TYPE_CHECKING:
    import pyqtgraph as pg

    from gdexplorer.core.framing import Range
    from gdexplorer.core.landscape import Evaluable
    from gdexplorer.ui.views.plot_landscape import CurveLayer
    from gdexplorer.ui.views.plot_path import PathLayer


class RunDrawing:
    """The run drawn over the landscape (mixed into :class:`PlotView`).

    The host provides ``plot``, ``view_box``, ``path``, ``curve``, ``_objective``, ``_axes``,
    ``_start``, ``_follow``, ``_home``, ``_first_span`` and the methods ``_place_legend``,
    ``_reset_view``, ``_set_view`` and ``_schedule_redraw``.

    While the view follows the run (until the student pans or zooms; "Fit view" follows
    again), it frames the start, the minima and the path up to iterate k: a new run frames its
    own path, and stepping back through a run that diverged brings the early steps back into
    view. An iterate outside the view gets an arrow on the view's edge pointing to it.
    """

    plot: pg.PlotItem
    view_box: pg.ViewBox
    path: PathLayer
    curve: CurveLayer
    _objective: Evaluable | None
    _axes: tuple[int, ...]
    _start: np.ndarray
    _follow: bool
    _home: Range | None
    _first_span: tuple[float, float]
    max_zoom_out: float
    """Following a run, the view grows to at most this many times its first size."""

    if TYPE_CHECKING:  # provided by the host (PlotView)

        def _place_legend(self) -> None: ...

        def _reset_view(self) -> None: ...

        def _set_view(self, wanted: Range) -> None: ...

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
        self._tolerance = 0.0
        self._bounds = PrefixBounds()

    # -- the contract --------------------------------------------------------------------

    def show_run(
        self, trajectory: Trajectory, maximize: bool = False, tolerance: float = 0.0
    ) -> None:
        """Draw a new run (rows may still be arriving: call :meth:`refresh_path`), framed on
        its own path. ``tolerance`` (the run's gradient tolerance) sets the arrow's shortest
        length."""
        self._clear_run_items()
        self._trajectory = trajectory
        columns = trajectory.columns
        self._point_columns = [columns.index(v) for v in trajectory.variables]
        self._gradient_columns = [columns.index(f"grad_{v}") for v in trajectory.variables]
        self._value_column = columns.index("f")
        self._maximize = maximize
        self._tolerance = tolerance
        self._place_legend()
        if self._objective is not None:
            self._reset_view()  # not the view an earlier (diverging) run grew
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
        self._follow_iterate()

    def show_iteration(self, index: int) -> None:
        """Mark iterate ``index``: the current point, the −∇f arrow, the tangent (1-D)."""
        trajectory = self._trajectory
        if trajectory is None or len(trajectory) == 0:
            return
        self._index = int(np.clip(index, 0, len(trajectory) - 1))
        self._follow_iterate()
        self._draw_current()
        if self._objective is not None and self._objective.dimension >= 3:
            self._schedule_redraw()

    def clear_run(self) -> None:
        self._clear_run_items()
        self._trajectory = None
        if self._objective is not None and self._objective.dimension >= 3:
            self._schedule_redraw()

    # -- following iterate k -------------------------------------------------------------

    def _followed_range(self) -> Range | None:
        """Home and the path up to iterate k (the last row before one is chosen), or None
        without a run."""
        trajectory = self._trajectory
        if trajectory is None or self._home is None or not len(trajectory):
            return None
        key = (id(trajectory), self._axes)
        if self._bounds.key != key or len(self._bounds) > len(trajectory):
            self._bounds.reset(key)
        if len(self._bounds) < len(trajectory):
            self._bounds.extend(self._plane_rows(slice(len(self._bounds), len(trajectory))))
        index = len(trajectory) - 1 if self._index is None else self._index
        walked = self._bounds.corners(index)
        return frame_up_to(self._home, walked, self._first_span, self.max_zoom_out)

    def _follow_iterate(self) -> None:
        if self._follow:
            wanted = self._followed_range()
            if wanted is not None:
                self._set_view(wanted)

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
            self.path.set_edge_marker(None, index or 0)
            self.curve.hide_tangent()
            return
        where = self._plane_rows(slice(index, index + 1))[0]
        gradient = trajectory.rows[index, self._gradient_columns]
        self.path.set_current(where)
        direction = gradient if self._maximize else -gradient
        view = self.view_box.viewRange()
        if len(self._axes) == 1:
            plane_direction = np.array([direction[0], 0.0])
            (x0, x1), _ = view
            self.curve.set_tangent(where[0], where[1], float(gradient[0]), (x1 - x0) * 0.18)
            self.curve.place_slope_label(view, self._pixel_size())
        else:
            plane_direction = direction[list(self._axes)]
        look = self._arrow_look(gradient)
        self.path.set_arrow(where, plane_direction, self._pixel_size(), look.pixels, look.faded)
        marker = edge_marker(view, where, self._pixel_size())
        self.path.set_edge_marker(marker, index)

    def _arrow_look(self, gradient: np.ndarray):
        """The arrow's length: log |∇f| between the tolerance and |∇f| at the start."""
        assert self._trajectory is not None
        first = self._trajectory.rows[0, self._gradient_columns]
        with np.errstate(over="ignore", invalid="ignore"):
            norm, start_norm = float(np.linalg.norm(gradient)), float(np.linalg.norm(first))
        return arrow_look(norm, start_norm, self._tolerance, style.ARROW_PIXELS)

    def current_in_view(self) -> bool | None:
        """Whether iterate k is inside the view (None without one; for tests)."""
        trajectory, index = self._trajectory, self._index
        if trajectory is None or index is None or index >= len(trajectory):
            return None
        return inside(self.view_box.viewRange(), self._plane_rows(slice(index, index + 1))[0])

    def _pixel_size(self) -> tuple[float, float]:
        size = self.view_box.viewPixelSize()
        return (float(size[0]), float(size[1]))

    def _clear_run_items(self) -> None:
        self.path.clear()
        self.curve.hide_tangent()
        self._drawn_rows = 0
        self._index = None
