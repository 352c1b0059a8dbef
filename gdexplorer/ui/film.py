"""What an animation films and how each frame is put on screen, in the GUI thread.

A :class:`FilmSubject` names the widgets to grab (rows of widgets, composed side by side and
stacked) and the stage views to replay the run into. Any QWidget can be filmed: a new view (the
3-D view, with its camera turning) is one more subject, built with its widget, its stage view
and an ``on_frame`` hook (see :func:`window_subjects`).

A film replays what is shown, the path growing: a single run through the subject's stage views
(the same protocol the stage streams a live run with: ``show_run``, ``rows_added``,
``show_iteration``), a race by drawing every run's first k rows. :meth:`Film.restore` puts the
views back as they were. The rows filmed come from :mod:`gdexplorer.core.film_frames`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from gdexplorer.core.film_frames import every_kth_row, frame_rows, measured_path
from gdexplorer.core.path_thinning import PathLength
from gdexplorer.core.trajectory import Trajectory, row_columns
from gdexplorer.ui import style
from gdexplorer.ui.stage import ShownRun, StageView
from gdexplorer.ui.views import stage_views as followers

if TYPE_CHECKING:
    from gdexplorer.ui.main_window import MainWindow
    from gdexplorer.ui.views.multi_path import RaceEntry, RaceOverlay

EXACT_COLOURS = (style.PATH, style.PATH_OUTLINE, style.START, style.CURRENT, style.ARROW,
                 style.MINIMUM, style.PATH_ON_WHITE)  # fmt: skip
"""Colours the GIF palette keeps exact: the path, its outline and the markers."""


@dataclass
class FilmSubject:
    """What to film.

    Attributes
    ----------
    key:
        Its name on the command line (``--film plot``).
    title:
        As the dialog lists it ("The main plot").
    rows:
        Widgets to grab: each inner list side by side, the lists stacked.
    views:
        Stage views the run is replayed into (those that draw inside ``rows``).
    on_frame:
        Called before each grab with the film's progress, 0 to 1 (turn a 3-D camera).
    grab:
        How a widget becomes an image (``QOpenGLWidget`` needs ``grabFramebuffer``).
    """

    key: str
    title: str
    rows: list[list[QWidget]]
    views: list[StageView] = field(default_factory=list)
    on_frame: Callable[[float], None] | None = None
    grab: Callable[[QWidget], QImage] = lambda widget: widget.grab().toImage()


def window_subjects(window: MainWindow) -> list[FilmSubject]:
    """The subjects the window offers: the plot, with the convergence plots, with the data
    and model (for a run on data), the whole window."""
    plot = followers.PlotFollower(window.plot)
    convergence = followers.ConvergenceFollower(window.convergence)
    data = DataFilmFollower(window.data_panel)
    inspector = followers.InspectorFollower(window.inspector)
    both: list[StageView] = [plot, convergence]
    subjects = [
        FilmSubject("plot", "The main plot", [[window.plot]], [plot]),
        FilmSubject(
            "plot+convergence",
            "The main plot and the convergence plots",
            [[window.plot, window.convergence]],
            both,
        ),  # fmt: skip
    ]
    if window.form.mode_switch.is_data_mode():
        with_data: list[StageView] = [plot, data]
        subjects.append(FilmSubject("plot+data", "The main plot and the data and model",
                                    [[window.plot], [window.data_panel]], with_data))  # fmt: skip
    everything: list[StageView] = [plot, convergence, inspector, data, PlaybackFollower(window)]
    subjects.append(FilmSubject("window", "The whole window", [[window]], everything))
    return subjects + surface_subjects(window)


def surface_subjects(window: MainWindow) -> list[FilmSubject]:
    """The 3-D view, still and with its camera turning once around, when it is on screen
    (it has a GL context only then: a hidden or missing view offers nothing)."""
    surface, scene = window.surface, window.surface.scene
    if scene is None or not scene.isVisible():
        return []

    def framebuffer(widget: QWidget) -> QImage:
        return scene.grabFramebuffer()

    start = float(scene.opts["azimuth"])

    def turn(progress: float) -> None:
        scene.opts["azimuth"] = start + 360.0 * progress  # back where it began at the end
        scene.update()

    views: list[StageView] = [surface]
    return [
        FilmSubject("3d", "The 3-D view", [[scene]], views, grab=framebuffer),
        FilmSubject("3d-turning", "The 3-D view, the camera turning", [[scene]], views,
                    on_frame=turn, grab=framebuffer),
    ]  # fmt: skip


class PlaybackFollower:
    """The playback bar's "k = 36 / 347" follows the film when the whole window is filmed."""

    def __init__(self, window: MainWindow) -> None:
        self.playback = window.playback

    def show_run(self, shown: ShownRun) -> None:
        pass

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        pass

    def show_iteration(self, index: int) -> None:
        self.playback.set_index(index)

    def clear(self) -> None:
        pass


class DataFilmFollower(followers.DataFollower):
    """The data panel, redrawn at once for every frame (it debounces streamed rows)."""

    def show_run(self, shown: ShownRun) -> None:
        self._shown = shown
        super().show_run(shown)

    def rows_added(self, start: int, stop: int, streaming: bool) -> None:
        super().show_run(self._shown)


def subject_image(subject: FilmSubject, size: tuple[int, int]) -> np.ndarray:
    """The subject now, as ``(height, width, 3)`` uint8 at ``size``: composed at its natural
    size, scaled down (or up) to fit, centred on the window's background colour."""
    images = [[_pixels(subject.grab(widget)) for widget in row] for row in subject.rows]
    background = QColor(style.BACKGROUND if style.BACKGROUND != "w" else "#ffffff")
    if len(images) == 1 and len(images[0]) == 1:  # one widget: no canvas to paint on
        return _as_array(_fitted(images[0][0], size, background))
    width = max(sum(image.width() for image in row) for row in images)
    height = sum(max(image.height() for image in row) for row in images)
    canvas = _canvas(width, height, background)
    with _painting(canvas) as painter:
        top = 0
        for row in images:
            left = (width - sum(image.width() for image in row)) // 2
            for image in row:
                painter.drawImage(QPoint(left, top), image)
                left += image.width()
            top += max(image.height() for image in row)
    return _as_array(_fitted(canvas, size, background))


def natural_size(subject: FilmSubject) -> tuple[int, int]:
    """The subject's size as composed before fitting (widgets side by side, rows stacked)."""
    rows = [[widget.size() for widget in row] for row in subject.rows]
    width = max(sum(size.width() for size in row) for row in rows)
    return width, sum(max(size.height() for size in row) for row in rows)


def exact_colours(race_entries: Sequence[RaceEntry] = ()) -> list[tuple[int, int, int]]:
    """The RGB colours the film's palette must keep: the path's, the markers', each run's."""
    names = [*EXACT_COLOURS, *(entry.colour for entry in race_entries)]
    colours = [QColor(name) for name in names]
    return [(colour.red(), colour.green(), colour.blue()) for colour in colours]


class Film:
    """The rows a film shows and how to show one; :meth:`restore` puts the views back."""

    def __init__(self, count: int, lengths: list[PathLength]) -> None:
        self.count = count
        self._lengths = lengths

    def rows(self, frames: int | None = None, every: int | None = None) -> np.ndarray:
        """``frames`` rows spread along the run, or every ``every``-th row."""
        if every is not None:
            return every_kth_row(self.count, every)
        return frame_rows(self.count, frames or 2, self._lengths)

    def show(self, row: int) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        raise NotImplementedError


class RunFilm(Film):
    """The shown run replayed into ``views``: the path grows to row k, iterate k is marked."""

    def __init__(self, shown: ShownRun, views: Sequence[StageView], index: int) -> None:
        full = shown.trajectory
        super().__init__(len(full), [measured_path(_plane(full))])
        self._shown, self._views, self._index = shown, list(views), index
        self._growing: _FirstRows | None = None

    def show(self, row: int) -> None:
        if self._growing is None or row + 1 < len(self._growing):
            self._begin()  # the first frame, or back to an earlier one: a fresh path
        assert self._growing is not None
        before = len(self._growing)
        self._growing.grow_to(max(row + 1, before))
        for view in self._views:
            view.rows_added(before, len(self._growing), True)
            view.show_iteration(row)

    def restore(self) -> None:
        if self._growing is None:
            return  # nothing was filmed
        self._growing = None
        for view in self._views:
            view.show_run(self._shown)
            view.rows_added(0, len(self._shown.trajectory), False)
            if self._index >= 0:
                view.show_iteration(self._index)

    def _begin(self) -> None:
        """Show the views the run with no rows yet; :meth:`show` lets them in row by row."""
        full = self._shown.trajectory
        self._growing = _FirstRows(full)
        growing = ShownRun(self._shown.run, self._growing, planned=full.iterations)
        for view in self._views:
            view.show_run(growing)


class RaceFilm(Film):
    """Every run of a race drawn to its row k (each stops at its last row), in its colour."""

    def __init__(self, race: RaceOverlay, convergence_plots: Sequence, index: int) -> None:
        self._race, self._index = race, index
        self._entries, self._selected = list(race.entries), race.selected
        lengths = [measured_path(_plane(entry.trajectory)) for entry in self._entries]
        super().__init__(race.row_count(), lengths)
        self._plots = list(convergence_plots)
        for plot in self._plots:
            plot.getViewBox().updateAutoRange()  # fitted to the whole race, as at the end
        self._ranges = [plot.getViewBox().viewRange() for plot in self._plots]

    def show(self, row: int) -> None:
        from gdexplorer.ui.views.multi_path import RaceEntry

        entries = [RaceEntry(_first_rows(e.trajectory, row + 1), e.colour, e.label)
                   for e in self._entries]  # fmt: skip
        self._race.show_runs(entries, self._selected)
        self._race.show_iteration(row)
        for plot, (x_range, y_range) in zip(self._plots, self._ranges, strict=True):
            plot.getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0)

    def restore(self) -> None:
        self._race.show_runs(self._entries, self._selected)
        self._race.show_iteration(max(self._index, 0))


class _FirstRows(Trajectory):
    """The first rows of a trajectory, without a copy of its table (a million-row run is not
    doubled in memory by filming it): :meth:`grow_to` lets in more of them."""

    def __init__(self, full: Trajectory) -> None:
        base = row_columns(full.variables, full.state_slots)
        super().__init__(full.variables, full.state_slots, full.columns[len(base) :], capacity=0)
        self.adopt(full.rows)  # a view of the full table
        self._length = 0

    def grow_to(self, count: int) -> None:
        self._length = min(count, len(self._buffer))


def _first_rows(trajectory: Trajectory, count: int) -> Trajectory:
    """A trajectory of the first ``count`` rows of ``trajectory`` (a view, not a copy)."""
    base = row_columns(trajectory.variables, trajectory.state_slots)
    part = Trajectory(trajectory.variables, trajectory.state_slots,
                      trajectory.columns[len(base) :], capacity=0)  # fmt: skip
    part.adopt(trajectory.rows[:count])
    return part


def _plane(trajectory: Trajectory) -> np.ndarray:
    """Two coordinates that show how far the path moves: the first two variables, or
    (x, f) for a function of one variable."""
    points = trajectory.points
    if points.shape[1] >= 2:
        return points[:, :2]
    return np.column_stack([points[:, 0], trajectory.values])


def _pixels(image: QImage) -> QImage:
    image.setDevicePixelRatio(1.0)  # composed in device pixels
    return image


def _canvas(width: int, height: int, background: QColor) -> QImage:
    canvas = QImage(max(width, 1), max(height, 1), QImage.Format.Format_RGB888)
    canvas.fill(background)
    return canvas


class _painting:  # noqa: N801 - used as a context manager, like a function
    def __init__(self, image: QImage) -> None:
        self._painter = QPainter(image)

    def __enter__(self) -> QPainter:
        return self._painter

    def __exit__(self, *_exc: object) -> None:
        self._painter.end()


def _fitted(canvas: QImage, size: tuple[int, int], background: QColor) -> QImage:
    """``canvas`` at ``size``: as it is when it fits exactly, else scaled and centred."""
    width, height = size
    if canvas.width() == width and canvas.height() == height:
        return canvas
    scaled = canvas.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    frame = _canvas(width, height, background)
    with _painting(frame) as painter:
        painter.drawImage(QPoint((width - scaled.width()) // 2, (height - scaled.height()) // 2),
                          scaled)  # fmt: skip
    return frame


def _as_array(image: QImage) -> np.ndarray:
    """A copy of an image's pixels as ``(height, width, 3)`` uint8 RGB.

    A widget's grab is 32-bit (``0xffRRGGBB`` in native order: B, G, R, A bytes here); its
    colour bytes are taken as they are, which is ~3x faster than converting the QImage."""
    width, height = image.width(), image.height()
    if image.format() in _XRGB and sys.byteorder == "little":
        stride = image.bytesPerLine()
        raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
        bgra = raw.reshape(height, stride)[:, : 4 * width].reshape(height, width, 4)
        rgb = np.empty((height, width, 3), dtype=np.uint8)
        for channel in range(3):  # three plain copies: 5x faster than one reversed view
            rgb[..., channel] = bgra[..., 2 - channel]
        return rgb
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return raw.reshape(height, stride)[:, : 3 * width].reshape(height, width, 3).copy()


_XRGB = (
    QImage.Format.Format_RGB32,
    QImage.Format.Format_ARGB32,
    QImage.Format.Format_ARGB32_Premultiplied,
)
"""Formats whose bytes are B, G, R, A on a little-endian machine. A widget's grab is opaque
(alpha 255), so premultiplied colour bytes are the colours."""
