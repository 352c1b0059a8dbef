"""Several runs on the main plot and the convergence plots, each in its own colour: a race.

:class:`RaceOverlay` adds its own items to the :class:`~.PlotView`'s and
the :class:`~.ConvergenceView`'s plots (the views' own single-run
items stay untouched, and are cleared while the race is shown). Per run: its path over the
landscape, its iterate k as a dot, and f and |∇f| against the iteration with iterate k marked.
:meth:`RaceOverlay.show_iteration` moves every run to iteration k at once, each clamped to its
last row, so runs that stopped early wait at their end.

The colours (:data:`RUN_COLOURS`) are a qualitative palette kept away from viridis (the
landscape's colour map): saturated oranges, pinks, cyans and reds that read on its dark purple
and on the white background of the convergence plots. Paths get a dark outline, as the main
path does. The legend above the landscape (the plot's own band) names each run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Slot

from gdexplorer.core.axis_scale import wants_log
from gdexplorer.core.decimate import PeakSeries
from gdexplorer.core.path_thinning import LINE_LIMIT, PathLength, thinned_indices
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style
from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.plot_view import PlotView

RUN_COLOURS = (
    "#ff7f0e", "#00c2ff", "#ff4fa8", "#e6e600", "#ff3030", "#b388ff", "#3ddc84", "#ffffff",
)  # fmt: skip
"""Qualitative run colours, chosen to stand out on viridis (not its blues, greens, purple)."""
OUTLINE = "#1b1b1b"
LINE_WIDTH = 2.2
SELECTED_WIDTH = 3.4
"""The selected run (the one the inspector shows) is drawn wider, above the others."""
MARKER_SIZE = 13
Z_BASE = 30
"""Above the landscape and the single run's path items (which use 10..16)."""


def run_colour(index: int) -> str:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


@dataclass(frozen=True)
class RaceEntry:
    """One run to draw: its rows, colour and legend text."""

    trajectory: Trajectory
    colour: str
    label: str


class _PlaneRun:
    """One run's path and current iterate on the landscape."""

    def __init__(self, plot: pg.PlotItem, entry: RaceEntry, z: int) -> None:
        self.entry = entry
        self.line = pg.PlotCurveItem(connect="finite", antialias=True)
        self.current = pg.ScatterPlotItem(
            symbol="o", size=MARKER_SIZE, brush=style.brush(entry.colour),
            pen=style.pen(OUTLINE, 1.6), antialias=True,
        )  # fmt: skip
        self.line.setZValue(Z_BASE + z)
        self.current.setZValue(Z_BASE + 50 + z)
        self.plane = np.empty((0, 2))
        self.set_selected(False)
        for item in (self.line, self.current):
            plot.addItem(item)

    def set_selected(self, selected: bool) -> None:
        width = SELECTED_WIDTH if selected else LINE_WIDTH
        self.line.setPen(style.pen(self.entry.colour, width))
        self.line.setShadowPen(style.pen(OUTLINE, width + 2))
        self.current.setSize(MARKER_SIZE + (4 if selected else 0))

    def set_plane(self, plane: np.ndarray) -> None:
        """The run in plotted coordinates (``(n, 2)``), drawn thinned."""
        self.plane = plane
        length = PathLength()
        if len(plane) > LINE_LIMIT:  # measured in the run's own extent (x and y count alike)
            with np.errstate(invalid="ignore"):
                extent = np.nan_to_num(np.nanmax(plane, 0) - np.nanmin(plane, 0), posinf=1.0)
            length.reset(None, tuple(np.where(extent > 0, extent, 1.0)))
            length.extend(plane)
        drawn = plane[thinned_indices(len(plane), LINE_LIMIT, length)]
        self.line.setData(drawn[:, 0], drawn[:, 1])

    def show_iteration(self, index: int) -> None:
        if not len(self.plane):
            return
        x, y = self.plane[min(index, len(self.plane) - 1)]
        if np.isfinite(x) and np.isfinite(y):
            self.current.setData([x], [y])
        else:
            self.current.setData([], [])

    def remove(self, plot: pg.PlotItem) -> None:
        for item in (self.line, self.current):
            plot.removeItem(item)


class _CurveRun:
    """One run's f and |∇f| against the iteration, with iterate k marked."""

    def __init__(self, plots: Sequence[pg.PlotItem], entry: RaceEntry, z: int) -> None:
        trajectory = entry.trajectory
        with np.errstate(over="ignore", invalid="ignore"):
            self.series = (trajectory.values.copy(), trajectory.gradient_norms.copy())
        self.plots = plots
        self.lines, self.markers = [], []
        for plot, values in zip(plots, self.series, strict=True):
            x, y = PeakSeries().update(values)
            line = pg.PlotDataItem(
                x, y, pen=style.pen(entry.colour, 1.8), shadowPen=style.pen(OUTLINE, 3.2),
                antialias=True, connect="finite",
            )  # fmt: skip
            marker = pg.PlotDataItem(
                symbol="o", symbolSize=9, symbolBrush=style.brush(entry.colour),
                symbolPen=style.pen(OUTLINE, 1.2), pen=None,
            )  # fmt: skip
            line.setZValue(Z_BASE + z)
            marker.setZValue(Z_BASE + 50 + z)
            plot.addItem(line)
            plot.addItem(marker)
            self.lines.append(line)
            self.markers.append(marker)

    def show_iteration(self, index: int) -> None:
        for marker, values in zip(self.markers, self.series, strict=True):
            k = min(index, len(values) - 1)
            if k >= 0 and np.isfinite(values[k]):
                marker.setData([k], [values[k]])
            else:
                marker.setData([], [])

    def remove(self) -> None:
        for plot, line, marker in zip(self.plots, self.lines, self.markers, strict=True):
            plot.removeItem(line)
            plot.removeItem(marker)


class RaceOverlay(QObject):
    """Draws several runs at once on the main plot and the convergence plots."""

    def __init__(self, plot_view: PlotView, convergence: ConvergenceView) -> None:
        super().__init__(plot_view)
        self.plot_view = plot_view
        self.convergence = convergence
        self.entries: list[RaceEntry] = []
        self._plane: list[_PlaneRun] = []
        self._curves: list[_CurveRun] = []
        self._index = 0
        self._selected: int | None = None
        plot_view.header.axes_changed.connect(self._on_axes_changed)

    @property
    def active(self) -> bool:
        return bool(self.entries)

    @property
    def selected(self) -> int | None:
        """The entry drawn thicker and on top (the run the inspector shows)."""
        return self._selected

    def show_runs(self, entries: Sequence[RaceEntry], selected: int | None = None) -> None:
        """Replace the drawn runs (the views' single run is cleared) and fit them in view."""
        self.clear()
        self.entries = list(entries)
        if not self.entries:
            return
        self.plot_view.clear_run()
        self.convergence.clear_run()
        value_plot, norm_plot = self.convergence.value_plot, self.convergence.norm_plot
        for z, entry in enumerate(self.entries):
            self._plane.append(_PlaneRun(self.plot_view.plot, entry, z))
            self._curves.append(_CurveRun((value_plot, norm_plot), entry, z))
        self.plot_view.legend_band.show_entries(  # above the plot: it covers no path
            [(run.line, run.entry.label) for run in self._plane]
        )
        self._project()
        self._set_log_scales()
        for plot in (value_plot, norm_plot):
            plot.enableAutoRange()
        self.set_selected(selected)
        self.show_iteration(self._index)

    def clear(self) -> None:
        """Remove every run's items; the views get their single-run look back."""
        for run in self._plane:
            run.remove(self.plot_view.plot)
        for curves in self._curves:
            curves.remove()
        self._plane, self._curves, self.entries = [], [], []
        self.plot_view.legend_band.restore()
        for line in self.convergence.lines:
            line.hide()

    def row_count(self) -> int:
        """Rows of the longest run: the playback bar's range during the race."""
        return max((len(e.trajectory) for e in self.entries), default=0)

    @Slot(int)
    def show_iteration(self, index: int) -> None:
        """Iteration ``index`` of every run (each clamped to its last row)."""
        self._index = max(int(index), 0)
        if not self.entries:
            return
        for run in self._plane:
            run.show_iteration(self._index)
        for curves in self._curves:
            curves.show_iteration(self._index)
        for line in self.convergence.lines:
            line.setValue(min(self._index, self.row_count() - 1))
            line.show()

    def set_selected(self, selected: int | None) -> None:
        """Draw run ``selected`` (an index into the entries) wider and on top."""
        self._selected = selected
        for i, run in enumerate(self._plane):
            run.set_selected(i == selected)
            run.line.setZValue(Z_BASE + (40 if i == selected else i))
            run.current.setZValue(Z_BASE + (90 if i == selected else 50 + i))

    def current_points(self) -> list[tuple[float, float] | None]:
        """Where each run's marker is on the landscape (for tests)."""
        points = []
        for run in self._plane:
            x, y = run.current.getData()
            points.append((float(x[0]), float(y[0])) if len(x) else None)
        return points

    # -- internals --------------------------------------------------------------------------

    def _project(self) -> None:
        """Each run in the plot's coordinates; the view grows to show every path."""
        axes = self.plot_view.plane_axes
        everything = []
        for run in self._plane:
            trajectory = run.entry.trajectory
            if len(axes) == 1:
                plane = np.column_stack([trajectory.points[:, 0], trajectory.values])
            else:
                plane = trajectory.points[:, list(axes)]
            plane = np.where(np.isfinite(plane) & (np.abs(plane) < 1e12), plane, np.nan)
            run.set_plane(plane)
            everything.append(plane[np.all(np.isfinite(plane), axis=1)])
        points = np.concatenate(everything) if everything else np.empty((0, 2))
        if len(points):
            self.plot_view.frame(points)

    def _set_log_scales(self) -> None:
        """Log y axes when every run's values call for it (as the single-run view decides)."""
        for position in (0, 1):
            series = [curves.series[position] for curves in self._curves]
            log = all(wants_log(values) for values in series if len(values))
            self.convergence.set_log_scale(position, log)

    @Slot(int, int)
    def _on_axes_changed(self, _horizontal: int, _vertical: int) -> None:
        if self.entries:
            self._project()
            self.show_iteration(self._index)
