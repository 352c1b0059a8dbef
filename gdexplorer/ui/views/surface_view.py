"""The 3-D view: f over the contour's visible region as a surface, the run resting on it.

It follows the stage like every view (:class:`~gdexplorer.ui.stage.StageView`: a run, its
rows, iteration k, clear) and the contour's region: the rectangle the student has panned and
zoomed to on the 2-D plot, the plotted pair of variables and, for three or more variables,
the slice through the current iterate. Region changes are coalesced by a single-shot timer
(:data:`REBUILD_MS`), so a drag resamples the surface a few times a second. A race is drawn
through :meth:`SurfaceView.show_race` (each run in its colour).

Where OpenGL is missing (Qt's offscreen platform, a desktop without a driver) the view is a
placeholder that says so, and no GL call is ever made. For a function of one variable the 3-D
view is not offered (:attr:`SurfaceView.offered` is False): its curve already is the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gdexplorer.core.landscape import sample_grid
from gdexplorer.core.path_thinning import LINE_LIMIT, PathLength, thinned_indices
from gdexplorer.core.surface import SurfaceMesh, descent_arrow, surface_mesh
from gdexplorer.ui import style
from gdexplorer.ui.views.gl_support import opengl_problem

if TYPE_CHECKING:
    from gdexplorer.core.landscape import Evaluable
    from gdexplorer.core.trajectory import Trajectory
    from gdexplorer.ui.form.controls import ShownFunction
    from gdexplorer.ui.stage import ShownRun
    from gdexplorer.ui.views.multi_path import RaceEntry
    from gdexplorer.ui.views.plot_view import PlotView
    from gdexplorer.ui.views.surface_scene import SurfaceScene

REBUILD_MS = 200
"""Region, slice and function changes are drawn at most this often (after the last one)."""
SURFACE_SIZE = 200
"""Samples per side of the surface: as the contour's grid."""
HINT = "drag: rotate · wheel: zoom · middle-drag: pan"


def lookup_table() -> np.ndarray:
    """The contour's colour map as a (256, 4) float table, for the Qt-free core."""
    return np.asarray(style.colour_map().getLookupTable(0.0, 1.0, 256, alpha=True)) / 255.0


class SurfaceView(QWidget):
    """A rotatable 3-D surface of f with the run on it (or a placeholder saying why not).

    Signals
    -------
    offered_changed(bool):
        The shown function has two or more variables (the 3-D view makes sense), or not.
    """

    offered_changed = Signal(bool)

    def __init__(self, plot: PlotView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        self.problem = opengl_problem()
        self.scene: SurfaceScene | None = None
        self.mesh: SurfaceMesh | None = None
        self.offered = False
        self._objective: Evaluable | None = None
        self._start = np.zeros(0)
        self._minima = np.empty((0, 0))
        self._trajectory: Trajectory | None = None
        self._maximize = False
        self._index: int | None = None
        self._length = PathLength()
        self._race: list[RaceEntry] = []
        self._race_selected: int | None = None
        self._race_index = 0
        self._drawn: tuple | None = None
        self._building_scene = False
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REBUILD_MS)
        self._timer.timeout.connect(self._on_rebuild_due)
        plot.view_box.sigRangeChanged.connect(self._on_region_changed)
        plot.header.axes_changed.connect(self._on_axes_changed)

    def _build(self) -> None:
        self.caption = QLabel(HINT)
        self.caption.setStyleSheet("color: #404040;")
        self.reset_button = QPushButton("Reset camera")
        self.reset_button.setToolTip("Look at the whole surface again from the front left")
        self.reset_button.clicked.connect(self.reset_camera)
        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 6, 0)
        header.addWidget(self.caption, 1)
        header.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        self._layout = layout  # the scene joins it when the view is first shown
        if self.problem is not None:
            self.placeholder = QLabel(f"3-D needs OpenGL: {self.problem}.")
            self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.placeholder.setWordWrap(True)
            layout.addWidget(self.placeholder, 1)
            self.reset_button.setEnabled(False)
            self.caption.setText("The 3-D surface cannot be drawn here")

    def _ensure_scene(self) -> None:
        """Build the OpenGL scene the first time the view is shown, not before: a window with
        a GL widget is composed through OpenGL (slower on a software renderer), and a student
        who never opens the 3-D view keeps the window as it was."""
        if self.scene is not None or self.problem is not None or self._building_scene:
            return
        from gdexplorer.ui.views.surface_scene import SurfaceScene  # imports PyOpenGL

        self._building_scene = True  # Qt re-creates the window for its first GL widget,
        try:  # which shows this view again while the scene is being built
            scene = SurfaceScene(self)
        finally:
            self._building_scene = False
        self.scene = scene
        self._layout.addWidget(scene, 1)
        scene.show()
        if self._race:
            self.scene.set_race([entry.colour for entry in self._race])

    # -- the function and the camera ------------------------------------------------------

    def show_function(self, shown: ShownFunction) -> None:
        """A new function: the surface is rebuilt for it."""
        objective = shown.objective
        self._objective = objective
        d = objective.dimension
        start = shown.start if shown.start is not None else (1.0,) * d
        self._start = np.asarray(start, dtype=float).reshape(d)
        self._minima = np.asarray(shown.minima, dtype=float).reshape(-1, d)
        self._set_offered(d >= 2)
        self.clear()
        self._rebuild()

    def set_start(self, start: Sequence[float]) -> None:
        """The form's start moved: its marker follows."""
        if self._objective is not None:
            self._start = np.asarray(start, dtype=float).reshape(self._objective.dimension)
            self._schedule_rebuild()

    @Slot()
    def reset_camera(self) -> None:
        if self.scene is not None:
            self.scene.reset_camera()

    def _set_offered(self, offered: bool) -> None:
        if offered != self.offered:
            self.offered = offered
            self.offered_changed.emit(offered)

    # -- the stage's protocol -------------------------------------------------------------

    def show_run(self, shown: ShownRun) -> None:
        self.clear_race()
        self._trajectory = shown.trajectory
        self._maximize = shown.maximize
        self._index = None
        self._length.reset()
        self._draw_path()

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        self._draw_path()

    def show_iteration(self, index: int) -> None:
        trajectory = self._trajectory
        if trajectory is None or len(trajectory) == 0:
            return
        self._index = int(np.clip(index, 0, len(trajectory) - 1))
        self._draw_current()
        if self._objective is not None and self._objective.dimension >= 3:
            self._schedule_rebuild()  # the slice passes through the current iterate

    def clear(self) -> None:
        self._trajectory, self._index = None, None
        if self.scene is not None:
            self.scene.clear_run()

    # -- a race ---------------------------------------------------------------------------

    def show_race(self, entries: Sequence[RaceEntry], selected: int | None, index: int) -> None:
        """Draw these runs, each in its colour, at iteration ``index`` (the single run goes)."""
        self.clear()
        self._race, self._race_selected, self._race_index = list(entries), selected, index
        if self.scene is not None:
            self.scene.set_race([entry.colour for entry in self._race])
        self._draw_race()

    def race_iteration(self, index: int) -> None:
        self._race_index = index
        self._draw_race_markers()

    def select_race(self, selected: int | None) -> None:
        self._race_selected = selected
        self._draw_race()

    def clear_race(self) -> None:
        self._race = []
        if self.scene is not None:
            self.scene.clear_race()

    # -- drawing --------------------------------------------------------------------------

    def _wanted(self) -> tuple | None:
        """What the surface should show now: region, plotted axes, slice point, function."""
        axes = self.plot.plane_axes
        objective = self._objective
        if self.scene is None or objective is None or len(axes) != 2 or objective.dimension < 2:
            return None
        (x0, x1), (y0, y1) = self.plot.view_box.viewRange()
        region = ((float(x0), float(x1)), (float(y0), float(y1)))
        return region, tuple(axes), tuple(self._slice_point()), id(objective)

    def _rebuild(self) -> None:
        """Sample f over the contour's region and draw everything on the new surface (only
        when shown: a hidden 3-D view is brought up to date when it appears)."""
        wanted = self._wanted()
        if wanted is None or not self.isVisible():
            self._drawn = None if wanted is None else self._drawn
            return
        objective, scene = self._objective, self.scene
        assert objective is not None and scene is not None
        self._drawn = wanted
        region, axes = wanted[0], wanted[1]
        grid = sample_grid(
            objective, region[0], region[1], (axes[0], axes[1]), self._slice_point(),
            SURFACE_SIZE,
        )  # fmt: skip
        self.mesh = surface_mesh(grid, lookup_table(), region)
        names = tuple(getattr(objective, "variables", ())) or tuple(
            f"x{i + 1}" for i in range(objective.dimension)
        )
        scale = self.mesh.frame.scale
        scene.set_mesh(self.mesh, (names[axes[0]], names[axes[1]]), scale.label)
        self.caption.setText(f"{self.mesh.frame.height_label}   ·   {HINT}")
        self._draw_markers()
        self._length.reset()
        self._draw_path()
        self._draw_race()

    def _slice_point(self) -> np.ndarray:
        """Where a slice of 3+ variables passes: the current iterate, else the start."""
        trajectory, index = self._trajectory, self._index
        if trajectory is not None and index is not None and index < len(trajectory):
            return trajectory.points[index]
        return self._start

    def _lift(self, trajectory: Trajectory, rows: np.ndarray | slice) -> np.ndarray:
        assert self.mesh is not None
        plane = trajectory.points[rows][:, list(self.mesh.axes)]
        return self.mesh.resting(plane, trajectory.values[rows])

    def _draw_markers(self) -> None:
        if self.scene is None or self.mesh is None or self._objective is None:
            return
        from gdexplorer.core.landscape import evaluate

        axes = list(self.mesh.axes)
        for points, setter in ((self._start[None, :], self.scene.set_start),
                               (self._minima, self.scene.set_minima)):  # fmt: skip
            if len(points) == 0:
                setter(np.empty((0, 3)))
                continue
            values = evaluate(self._objective, points)
            setter(self.mesh.resting(points[:, axes], values))

    def _draw_path(self) -> None:
        trajectory, scene = self._trajectory, self.scene
        if trajectory is None or scene is None or self.mesh is None:
            return
        count = len(trajectory)
        if len(self._length) > count or self._length.key != id(trajectory):
            self._length.reset(id(trajectory))
        if len(self._length) == 0:
            (x0, x1), (y0, y1) = self.mesh.frame.x_range, self.mesh.frame.y_range
            self._length.reset(id(trajectory), (abs(x1 - x0) or 1.0, abs(y1 - y0) or 1.0))
        if count > LINE_LIMIT and len(self._length) < count:
            plane = trajectory.points[len(self._length) : count][:, list(self.mesh.axes)]
            self._length.extend(plane)
        scene.set_path(self._lift(trajectory, thinned_indices(count, LINE_LIMIT, self._length)))
        self._draw_current()

    def _draw_current(self) -> None:
        trajectory, scene, mesh, index = self._trajectory, self.scene, self.mesh, self._index
        if scene is None or mesh is None:
            return
        if trajectory is None or index is None or index >= len(trajectory):
            scene.set_current(None, np.empty((0, 3)))
            return
        point = self._lift(trajectory, slice(index, index + 1))
        row = trajectory.rows[index]
        gradient = row[[trajectory.columns.index(f"grad_{v}") for v in trajectory.variables]]
        direction = (gradient if self._maximize else -gradient)[list(mesh.axes)]
        plane = trajectory.points[index, list(mesh.axes)]
        arrow = descent_arrow(mesh, plane, direction) if len(point) else np.empty((0, 3))
        scene.set_current(point if len(point) else None, arrow)

    def _draw_race(self) -> None:
        if self.scene is None or self.mesh is None or len(self.scene.race) != len(self._race):
            return
        for i, entry in enumerate(self._race):
            rows = thinned_indices(len(entry.trajectory), LINE_LIMIT, PathLength())
            self.scene.set_race_run(i, self._lift(entry.trajectory, rows), i == self._race_selected)
        self._draw_race_markers()

    def _draw_race_markers(self) -> None:
        if self.scene is None or self.mesh is None or len(self.scene.race) != len(self._race):
            return
        for i, entry in enumerate(self._race):
            k = min(self._race_index, len(entry.trajectory) - 1)
            point = self._lift(entry.trajectory, slice(k, k + 1)) if k >= 0 else np.empty((0, 3))
            self.scene.set_race_marker(i, point if len(point) else None)

    # -- slots ----------------------------------------------------------------------------

    def _schedule_rebuild(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_rebuild_due(self) -> None:
        if self._wanted() != self._drawn:
            self._rebuild()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Shown (the 3-D tab chosen): draw what changed while hidden."""
        super().showEvent(event)
        self._ensure_scene()
        if self._wanted() != self._drawn:
            self._rebuild()

    @Slot(object, object, object)
    def _on_region_changed(self, *_args) -> None:
        self._schedule_rebuild()

    @Slot(int, int)
    def _on_axes_changed(self, _horizontal: int, _vertical: int) -> None:
        self._schedule_rebuild()
