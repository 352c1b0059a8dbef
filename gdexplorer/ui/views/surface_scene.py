"""The OpenGL scene of the 3-D view: the items, created once and updated with ``setData``.

Only built after :func:`~gdexplorer.ui.views.gl_support.opengl_problem` said OpenGL works. It
draws what :mod:`gdexplorer.core.surface` computed (world-box coordinates) and computes
nothing itself. The camera belongs to the student: nothing here moves it except
:meth:`SurfaceScene.reset_camera`.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Qt
from PySide6.QtGui import QVector3D
from PySide6.QtWidgets import QLabel, QWidget

from gdexplorer.core.surface import HEIGHT, SurfaceMesh
from gdexplorer.ui import style

BACKGROUND = "#eceef2"
"""Light, like the 2-D plots, and not white: the path is white."""
CAMERA = {"distance": 3.7, "elevation": 45.0, "azimuth": -78.0}
"""The reset camera: from the front, well above the box (to see into valleys), all in view."""
ON_TOP = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    GL.GL_CULL_FACE: False,
    "glBlendFuncSeparate": (
        GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA
    ),
}  # fmt: skip
"""Markers are drawn over everything: where the iterate is matters more than what hides it."""
SURFACE_OPTIONS = {
    GL.GL_DEPTH_TEST: True,
    GL.GL_BLEND: False,
    GL.GL_CULL_FACE: False,
    GL.GL_POLYGON_OFFSET_FILL: True,
    "glPolygonOffset": (6.0, 6.0),
}
"""The surface's depth is pushed back by its slope (polygon offset), so lines lying on it win
the depth test even where a sharp crease's triangles bulge above the true floor."""
GHOST_ALPHA = 0.75
"""The path is also drawn, fainter, over everything: a wall (or a sharp crease's triangles,
which bulge above the true valley floor) never hides where it went."""
CENTRE = (0.0, 0.0, 0.35 * HEIGHT)
VERTICAL_FOV = 46.0
MIN_FOV, MAX_FOV = 60.0, 100.0
"""pyqtgraph's (horizontal) field of view: its default, and a cap for very wide views."""
PATH_WIDTH = 3.0
RACE_WIDTH = 2.2
SELECTED_WIDTH = 3.6
MARKER_SIZE = 14
ISO_COLOUR = (0.08, 0.08, 0.08, 0.45)
FRAME_COLOUR = (0.35, 0.35, 0.38, 1.0)


def rgba(colour) -> tuple[float, float, float, float]:
    """Any pyqtgraph colour as GL floats."""
    return tuple(pg.mkColor(colour).getRgbF())  # type: ignore[return-value]


class AxisLabels(gl.GLTextItem):
    """Where the axes' names go on screen, worked out while the scene paints.

    The names themselves are QLabels over the GL widget (:meth:`SurfaceScene.paintGL` moves
    them): text a QPainter draws inside ``paintGL`` went missing in the window's grab and
    cost about 10 ms a frame with Mesa's software renderer.
    """

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[float, float, float]] = []
        self.screen: list[tuple[float, float]] = []

    def paint(self) -> None:
        project = self.compute_projection()
        self.screen = []
        for anchor in self.anchors:
            point = project.map(QVector3D(*anchor))
            self.screen.append((point.x(), point.y()))


class _RaceItems:
    """One raced run: its lifted path and its marker."""

    def __init__(self, scene: SurfaceScene, colour: str) -> None:
        self.colour = rgba(colour)
        self.line = gl.GLLinePlotItem(
            mode="line_strip", color=self.colour, width=RACE_WIDTH, antialias=True
        )
        self.marker = gl.GLScatterPlotItem(color=self.colour, size=MARKER_SIZE, pxMode=True)
        self.line.setGLOptions("translucent")
        self.marker.setGLOptions(ON_TOP)
        scene.addItem(self.line)
        scene.addItem(self.marker)

    def remove(self, scene: SurfaceScene) -> None:
        scene.removeItem(self.line)
        scene.removeItem(self.marker)


class SurfaceScene(gl.GLViewWidget):
    """The surface, its iso-lines, the path, the start and current markers, the arrow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows stay the playback's
        self.setBackgroundColor(BACKGROUND)
        self.setMinimumSize(160, 120)
        self.surface = gl.GLSurfacePlotItem(
            computeNormals=False, shader=None, glOptions=SURFACE_OPTIONS
        )
        self.iso = gl.GLLinePlotItem(mode="lines", color=ISO_COLOUR, width=1.0, antialias=False)
        self.frame = gl.GLLinePlotItem(mode="lines", pos=_box_edges(), color=FRAME_COLOUR)
        ghost = (*rgba(style.PATH)[:3], GHOST_ALPHA)
        self.ghost = gl.GLLinePlotItem(mode="line_strip", color=ghost, width=2.0, antialias=True)
        self.path = gl.GLLinePlotItem(
            mode="line_strip", color=rgba(style.PATH), width=PATH_WIDTH, antialias=True
        )
        self.start = gl.GLScatterPlotItem(color=rgba(style.START), size=MARKER_SIZE, pxMode=True)
        self.minima = gl.GLScatterPlotItem(color=rgba("#ffffff"), size=10, pxMode=True)
        self.arrow = gl.GLLinePlotItem(
            mode="lines", color=rgba(style.ARROW), width=3.0, antialias=True
        )
        self.current = gl.GLScatterPlotItem(
            color=rgba(style.CURRENT), size=MARKER_SIZE + 2, pxMode=True
        )
        self.labels = AxisLabels()
        self.label_widgets = [QLabel(self) for _ in range(3)]
        for label in self.label_widgets:
            label.setStyleSheet("color: #282828; background: transparent;")
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        for item in (self.surface, self.frame, self.iso, self.path):
            if item is not self.surface:
                item.setGLOptions("translucent")  # pyqtgraph's default adds colours up
            self.addItem(item)
        for item in (self.ghost, self.arrow, self.start, self.minima, self.current):
            item.setGLOptions(ON_TOP)
            self.addItem(item)
        self.addItem(self.labels)  # last: its QPainter would hide what GL draws after it
        self.race: list[_RaceItems] = []
        self.clear_mesh()
        self.clear_run()
        self.start.hide()
        self.minima.hide()
        self.reset_camera()

    # -- the landscape --------------------------------------------------------------------

    def set_mesh(self, mesh: SurfaceMesh, names: tuple[str, str], height_name: str) -> None:
        """Draw a new surface (a new function, region or slice)."""
        self.surface.setData(x=mesh.x, y=mesh.y, z=mesh.heights, colors=mesh.colours)
        self.surface.show()
        _set_lines(self.iso, mesh.iso_lines)
        self.frame.show()
        self.labels.anchors = [(0.0, -1.22, 0.0), (-1.25, 0.0, 0.0), (-1.05, -1.05, 1.08 * HEIGHT)]
        for label, text in zip(self.label_widgets, (*names, height_name), strict=True):
            label.setText(text)
            label.adjustSize()
        self.labels.show()

    def clear_mesh(self) -> None:
        for item in (self.surface, self.iso, self.frame, self.labels):
            item.hide()
        for label in self.label_widgets:
            label.hide()

    # -- the single run -------------------------------------------------------------------

    def set_path(self, points: np.ndarray) -> None:
        _set_lines(self.path, points)
        _set_lines(self.ghost, points)

    def set_start(self, point: np.ndarray | None) -> None:
        _set_points(self.start, point)

    def set_minima(self, points: np.ndarray) -> None:
        _set_points(self.minima, points)

    def set_current(self, point: np.ndarray | None, arrow: np.ndarray) -> None:
        """The current iterate and its arrow (segment ends; empty for none)."""
        _set_points(self.current, point)
        _set_lines(self.arrow, arrow)

    def clear_run(self) -> None:
        self.set_path(np.empty((0, 3)))
        self.set_current(None, np.empty((0, 3)))

    # -- a race -----------------------------------------------------------------------------

    def set_race(self, colours: list[str]) -> None:
        """One line and marker per run, in its colour (replacing any earlier race)."""
        self.clear_race()
        self.race = [_RaceItems(self, colour) for colour in colours]

    def clear_race(self) -> None:
        for items in self.race:
            items.remove(self)
        self.race = []

    def set_race_run(self, index: int, path: np.ndarray, selected: bool) -> None:
        items = self.race[index]
        width = SELECTED_WIDTH if selected else RACE_WIDTH
        items.line.setData(width=width)
        _set_lines(items.line, path)

    def set_race_marker(self, index: int, point: np.ndarray | None) -> None:
        _set_points(self.race[index].marker, point)

    def resizeGL(self, width: int, height: int) -> None:  # noqa: N802 - Qt's name
        """Keep at least :data:`VERTICAL_FOV` degrees in view vertically: pyqtgraph's field of
        view is horizontal, so a wide, low view (a small window) cut off the box's bottom."""
        super().resizeGL(width, height)
        aspect = width / max(height, 1)
        wide = 2 * math.degrees(math.atan(math.tan(math.radians(VERTICAL_FOV / 2)) * aspect))
        self.opts["fov"] = min(max(MIN_FOV, wide), MAX_FOV)

    def paintGL(self, *args, **kwargs) -> None:  # noqa: N802 - Qt's name
        """Draw the scene, then put the axes' names where their anchors landed."""
        super().paintGL(*args, **kwargs)
        if not self.labels.visible():
            return
        for label, (x, y) in zip(self.label_widgets, self.labels.screen, strict=False):
            label.move(round(x - label.width() / 2), round(y - label.height() / 2))
            label.show()

    # -- the camera -------------------------------------------------------------------------

    def reset_camera(self) -> None:
        """Look at the whole box from the front left, above."""
        self.opts["center"] = pg.Vector(*CENTRE)
        self.setCameraPosition(**CAMERA)  # type: ignore[arg-type]

    def camera(self) -> dict:
        """Where the camera is (compared by tests: steps and rows must not move it)."""
        params = self.cameraParams()
        params["center"] = tuple(params["center"])
        return params


def _set_lines(item: gl.GLLinePlotItem, points: np.ndarray) -> None:
    """Points for a line item; hidden when there are too few to draw."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 3)
    if len(points) < 2:
        item.hide()
        return
    item.setData(pos=points)
    item.show()


def _set_points(item: gl.GLScatterPlotItem, points: np.ndarray | None) -> None:
    if points is None or len(np.asarray(points).reshape(-1, 3)) == 0:
        item.hide()
        return
    item.setData(pos=np.asarray(points, dtype=np.float32).reshape(-1, 3))
    item.show()


def _box_edges() -> np.ndarray:
    """The floor's outline and the four vertical edges of the box, as segment ends."""
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    edges = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        edges += [(x0, y0, 0.0), (x1, y1, 0.0)]
    for x, y in corners[:1] + corners[3:]:  # the back-left edges give the height a scale
        edges += [(x, y, 0.0), (x, y, HEIGHT)]
    return np.array(edges, dtype=np.float32)
