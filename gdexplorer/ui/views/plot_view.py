"""The picture of f and of the run: contour (2 variables), curve (1) or a 2-D slice (3+).

:class:`PlotView` owns every pyqtgraph item of the main plot. The landscape is sampled by
:mod:`gdexplorer.core.landscape` over the visible rectangle (plus a margin) and resampled when
the view moves or, for a slice, when the current iterate moves: such changes are coalesced by a
150 ms single-shot timer, so a drag or a playback redraws the landscape about 7 times a second,
each time with the latest view. Path updates and iteration changes only call ``setData``; the
run's part (path, current iterate, arrow) is :class:`~gdexplorer.ui.views.plot_run.RunDrawing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gdexplorer.core.framing import Range as PlaneRange
from gdexplorer.core.framing import frame_up_to
from gdexplorer.core.landscape import (
    Evaluable,
    evaluate,
    grown_range,
    initial_view,
    sample_curve,
    sample_grid,
)
from gdexplorer.ui import style
from gdexplorer.ui.views.plot_export import save_widget_png
from gdexplorer.ui.views.plot_header import PlotHeader
from gdexplorer.ui.views.plot_landscape import ContourLayer, CurveLayer
from gdexplorer.ui.views.plot_legend import LegendBand
from gdexplorer.ui.views.plot_path import PathLayer
from gdexplorer.ui.views.plot_run import RunDrawing

REDRAW_MS = 150
SAMPLE_MARGIN = 0.15
"""The landscape is sampled this fraction beyond each side of the view, so a pan shows colour."""

MAX_ZOOM_OUT = 50.0
"""Following a run, the view grows to at most this many times its first size (divergence)."""

Range = tuple[tuple[float, float], ...]


class PlotView(RunDrawing, QWidget):
    """f and the run in the plane of two variables (or along one).

    Signals
    -------
    start_picked(tuple):
        The student clicked (without dragging) a point of the plot: the new start, all
        coordinates (for a slice, the shown two replaced in the current start).
    hover_text(str):
        ``x = …, y = …   f = …`` under the mouse (also shown above the plot).
    """

    start_picked = Signal(object)
    hover_text = Signal(str)
    max_zoom_out = MAX_ZOOM_OUT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._objective: Evaluable | None = None
        self._variables: tuple[str, ...] = ()
        self._start = np.zeros(0)
        self._minima = np.empty((0, 0))
        self._plot_range: Range | None = None
        self._axes: tuple[int, ...] = (0, 1)
        self._init_run()
        self._follow = True
        self._first_span = (1.0, 1.0)
        self._home: PlaneRange | None = None
        self._framed: PlaneRange | None = None
        self._drawn_key: tuple | None = None
        self._build()

    def _build(self) -> None:
        self.header = PlotHeader(self)
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.disableAutoRange()
        style.style_plot(self.plot)
        self.view_box = self.plot.getViewBox()
        self.contour = ContourLayer(self.plot)
        self.curve = CurveLayer(self.plot)
        self.path = PathLayer(self.plot)
        self.legend_band = LegendBand(self.plot)  # above the plot area: it covers no data
        self.legend = self.legend_band.legend
        self._place_legend()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.plot_widget, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._on_redraw_due)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.view_box.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.view_box.sigResized.connect(self._on_resized)
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.header.axes_changed.connect(self._on_axes_changed)
        self.header.fit_requested.connect(self._on_fit_requested)
        self.header.equal_scales_toggled.connect(self._on_equal_scales_toggled)
        self.header.legend_toggled.connect(self.legend_band.set_wanted)
        self.legend_band.explain_on(self.header.legend_box)  # says when it has no room

    # -- the contract --------------------------------------------------------------------

    def show_objective(
        self,
        objective: Evaluable,
        plot_range: Sequence[tuple[float, float]] | None,
        start: Sequence[float],
        minima: Sequence[Sequence[float]] = (),
    ) -> None:
        """A new function: curve (1 variable), contour (2) or slice (3+), around ``start``."""
        self._clear_run_items()  # first: the old run's columns do not fit the new axes
        self._trajectory = None
        self._objective = objective
        self._variables = tuple(getattr(objective, "variables", ())) or tuple(
            f"x{i + 1}" for i in range(objective.dimension)
        )
        d = objective.dimension
        self._start = np.asarray(start, dtype=float).reshape(d)
        self._minima = np.asarray(minima, dtype=float).reshape(-1, d)
        self._plot_range = _as_pairs(plot_range) if plot_range is not None else None
        self._axes = (0,) if d == 1 else (0, 1)
        self.header.set_variables(self._variables if d >= 3 else (), self._axes)
        self.header.equal_scales.setVisible(d >= 2)
        self.view_box.setAspectLocked(d >= 2 and self.header.equal_scales.isChecked())
        self.contour.set_visible(d >= 2)
        self.view_box.setBackgroundColor(style.UNDEFINED if d >= 2 else style.BACKGROUND)
        self.curve.set_visible(d == 1)
        self.path.set_on_curve(d == 1)
        self._place_legend()
        self._reset_view()

    def set_start(self, start: Sequence[float]) -> None:
        """Move the start marker; the view grows to include it if it is outside."""
        if self._objective is None:
            return
        self._start = np.asarray(start, dtype=float).reshape(self._objective.dimension)
        self._draw_markers()
        if self._follow:
            self._grow_view(self._to_plane(self._start[None, :]))
        if self._objective.dimension >= 3 and self._trajectory is None:
            self._schedule_redraw()

    def export_png(self, path: str) -> Path:
        """Save the plot as a PNG and return where (``.png`` added to a name without one); on
        failure raise ExportError and leave the target untouched."""
        return save_widget_png(self.plot_widget, path)

    # -- for extra items drawn by others (the Compare dock's runs) ---------------------------

    @property
    def plane_axes(self) -> tuple[int, ...]:
        """The coordinates plotted: ``(i, j)`` on a contour or slice, ``(0,)`` with f (1-D)."""
        return self._axes

    def grow_to(self, plane_points: np.ndarray) -> None:
        """Widen the view to include these plotted points, as a run's path does."""
        self._grow_view(np.asarray(plane_points, dtype=float).reshape(-1, 2))

    def frame(self, plane_points: np.ndarray) -> None:
        """Show the start, the minima and these plotted points (a race's paths): the view
        another run grew is not kept."""
        if self._home is not None:
            self._follow = True
            wanted = frame_up_to(self._home, plane_points, self._first_span, self.max_zoom_out)
            self._set_view(wanted)

    # -- geometry ------------------------------------------------------------------------

    def _plane_pair(self) -> tuple[int, int]:
        """The two plotted coordinates of a contour or slice."""
        return self._axes[0], self._axes[1]

    def _to_plane(self, points: np.ndarray) -> np.ndarray:
        """Full points (start, minima) -> the plotted two columns (for 1-D: x and f)."""
        points = np.asarray(points, dtype=float)
        if len(self._axes) == 2:
            return points[:, list(self._axes)]
        assert self._objective is not None  # a function is shown before any point is placed
        return np.column_stack([points[:, 0], evaluate(self._objective, points)])

    def _home_range(self) -> PlaneRange:
        """Start and minima (or the preset's range) with room around, in plotted coordinates:
        what the view shows before a run, and what it comes back to when stepping back."""
        assert self._objective is not None  # a function is shown before the view is framed
        return initial_view(
            self._objective, self._axes, self._start, (), self._minima, self._plot_range
        )

    def _reset_view(self) -> None:
        """Frame home and the path up to the current iterate; draw everything for it now
        (not after the timer)."""
        home = self._home_range()
        (x0, x1), (y0, y1) = self._home = home
        self._first_span = (x1 - x0, y1 - y0)
        self._follow = True
        self._framed = None
        self._bounds.reset()
        self._set_view(self._followed_range() or home)
        self._label_axes()
        self._draw_markers()
        self._redraw_landscape()
        if self._trajectory is not None:
            self._draw_path()
            self._draw_current()

    def _grow_view(self, plane_points: np.ndarray) -> None:
        """Widen the view to include ``plane_points`` (never shrink, never beyond the cap)."""
        current = _as_range(self.view_box.viewRange())
        wanted = grown_range(current, plane_points, self._first_span, self.max_zoom_out)
        if wanted != current:
            self._set_view(wanted)

    def _set_view(self, wanted: PlaneRange) -> None:
        """Show ``wanted`` (once: asking again for the same range does nothing)."""
        if wanted != self._framed:
            self._framed = wanted
            self.view_box.setRange(xRange=wanted[0], yRange=wanted[1], padding=0.02)

    def _place_legend(self) -> None:
        """List what is drawn, naming the gradient as the plot shows it; a minimum only when
        one is marked (on a loss over data, the marked minimum is the least-squares fit)."""
        objective = self._objective
        sign = "+" if self._maximize else "−"
        gradient = "f′(x)" if objective is not None and objective.dimension == 1 else "∇f"
        names = {self.path.shaft: f"{sign}{gradient} direction"}
        if len(self._minima):
            on_data = hasattr(objective, "least_squares_minimum")
            names[self.path.minima] = "least-squares fit" if on_data else "known minimum"
        else:
            names[self.path.minima] = ""
        entries = [(item, names.get(item, name)) for item, name in self.path.legend_items()]
        self.legend_band.set_entries([(item, name) for item, name in entries if name])

    def _label_axes(self) -> None:
        names = [self._variables[i] for i in self._axes]
        if len(names) == 1:
            names.append(f"f({names[0]})")
        self.plot.setLabel("bottom", names[0], **style.axis_label_style())
        self.plot.setLabel("left", names[1], **style.axis_label_style())

    # -- drawing -------------------------------------------------------------------------

    def _redraw_landscape(self) -> None:
        objective = self._objective
        if objective is None:
            return
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        mx, my = (x1 - x0) * SAMPLE_MARGIN, (y1 - y0) * SAMPLE_MARGIN
        through = self._slice_point()
        if objective.dimension == 1:
            self.curve.set_landscape(sample_curve(objective, (x0 - mx, x1 + mx)))
        else:
            grid = sample_grid(
                objective, (x0 - mx, x1 + mx), (y0 - my, y1 + my), self._plane_pair(), through
            )
            self.contour.set_landscape(grid, ((x0, x1), (y0, y1)))
            self.header.set_slice(self._variables, self._axes, through)
        self._drawn_key = (x0, x1, y0, y1, tuple(through), self._axes)

    def _draw_markers(self) -> None:
        if self._objective is None:
            return
        self.path.set_start(tuple(self._to_plane(self._start[None, :])[0]))
        minima = self._to_plane(self._minima) if len(self._minima) else np.empty((0, 2))
        self.path.set_minima(minima)

    def _schedule_redraw(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    # -- slots ---------------------------------------------------------------------------

    @Slot()
    def _on_redraw_due(self) -> None:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        key = (x0, x1, y0, y1, tuple(self._slice_point()), self._axes)
        if key != self._drawn_key:
            self._redraw_landscape()

    @Slot(object, object, object)
    def _on_range_changed(self, *_args) -> None:
        self._schedule_redraw()
        self._draw_current()

    @Slot(object)
    def _on_range_changed_manually(self, *_args) -> None:
        self._follow = False

    @Slot(object)
    def _on_resized(self, *_args) -> None:
        self._draw_current()

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        if self._objective is None or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view_box.mapSceneToView(scene_pos)
        full = self._full_point(point.x(), point.y())
        value = float(evaluate(self._objective, full[None, :])[0])
        shown = full[list(self._axes)]
        where = ", ".join(
            f"{self._variables[i]} = {v:.4g}" for i, v in zip(self._axes, shown, strict=True)
        )
        text = f"{where}    f = {value:.6g}" if np.isfinite(value) else f"{where}    f undefined"
        self.header.set_hover(text)
        self.hover_text.emit(text)

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        scene_pos = event.scenePos()
        if self._objective is None or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view_box.mapSceneToView(scene_pos)
        self.pick(point.x(), point.y())

    def pick(self, x: float, y: float) -> None:
        """Emit ``start_picked`` for the plotted point (x, y), as a click there does."""
        self.start_picked.emit(tuple(float(v) for v in self._full_point(x, y, self._start)))

    def _full_point(self, x: float, y: float, base: np.ndarray | None = None) -> np.ndarray:
        """The point of the plot at (x, y): ``base`` (default: the slice's point) with the shown
        coordinates replaced."""
        full = np.array(self._slice_point() if base is None else base, dtype=float)
        full[self._axes[0]] = x
        if len(self._axes) == 2:
            full[self._axes[1]] = y
        return full

    @Slot(int, int)
    def _on_axes_changed(self, horizontal: int, vertical: int) -> None:
        self._axes = (horizontal, vertical)
        self._reset_view()

    @Slot(bool)
    def _on_equal_scales_toggled(self, equal: bool) -> None:
        two_d = self._objective is not None and self._objective.dimension >= 2
        self.view_box.setAspectLocked(equal and two_d)
        self._on_fit_requested()

    @Slot()
    def _on_fit_requested(self) -> None:  # home, the path up to iterate k; following again
        saved, self._plot_range = self._plot_range, None
        self._reset_view()
        self._plot_range = saved


def _as_range(pairs) -> tuple[tuple[float, float], tuple[float, float]]:
    """A view's ((x0, x1), (y0, y1)) as floats (pyqtgraph gives lists)."""
    (x0, x1), (y0, y1) = pairs
    return (float(x0), float(x1)), (float(y0), float(y1))


def _as_pairs(pairs) -> Range:
    """A preset's (low, high) per variable, as floats (JSON gives lists; one per variable)."""
    return tuple((float(low), float(high)) for low, high in pairs)
