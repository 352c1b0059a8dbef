"""The data and the current model: points with the fitted line, or the decision boundary.

Shown beside the contour for a run on a dataset. :meth:`DataView.show_data` takes the run and
its (growing) trajectory, :meth:`DataView.show_iteration` redraws the model at update k. What to
draw comes from :func:`gdexplorer.core.data.model.describe_model`; this module only displays it.
The examples of the next update's batch (whose averaged gradient row k holds) are circled, so
stepping through a stochastic run shows which points pull the model where.

Every plot item is created once and updated with ``setData``/``setImage``; the view's range is
fixed per run (the data with a margin), so stepping never makes the axes jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdexplorer.core.data.model import ModelPicture, PictureKind, describe_model
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import style

if TYPE_CHECKING:
    from gdexplorer.core.data.engine import DataRun

CLASS_COLOURS = ("#1f6fb4", "#e8740c")
"""Lower and upper class: blue circles and orange triangles (distinct also without colour)."""
CLASS_SYMBOLS = ("o", "t1")
BATCH_RING = "#e8202a"
SHADING_ALPHA = 95
"""Opacity (of 255) of the probability shading, kept in the colour table so the boundary
line drawn on top of it (a child item) stays fully opaque."""
GRID = 120
"""Cells per side of the probability shading behind a decision boundary."""
CURVE_SAMPLES = 300


@dataclass(frozen=True)
class _Shown:
    """The run on data being shown, its rows (they may still grow) and its model's picture."""

    run: DataRun
    trajectory: Trajectory
    picture: ModelPicture

    def features(self) -> list[np.ndarray]:
        return [self.run.dataset.column(f) for f in self.picture.features]

    def target(self) -> np.ndarray:
        return self.run.dataset.column(self.picture.target)

    def classes(self) -> tuple[float, float]:
        """The two labels (lower, upper) of a classification picture."""
        assert self.picture.classes is not None, "not a classification"
        return self.picture.classes


class DataView(QWidget):
    """Scatter of the examples and the model at the shown update."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot = self.plot_widget.getPlotItem()
        style.style_plot(self.plot)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.caption)
        self._make_items()
        self._shown: _Shown | None = None
        self._point_style: dict[str, Any] = {}
        self.shown_index: int | None = None

    def _make_items(self) -> None:
        self.shading = pg.ImageItem(axisOrder="col-major")
        self.shading.setLookupTable(_probability_lut())
        self.boundary = pg.IsocurveItem(level=0.0, pen=style.pen(style.FOREGROUND, 2.2))
        self.boundary.setParentItem(self.shading)
        self.reference = pg.PlotDataItem(pen=style.pen((90, 90, 90), 1.2, style.DASH))
        self.model = pg.PlotDataItem(pen=style.pen(style.CURVE, 2.6))
        self.points = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=0.8))
        self.batch = pg.ScatterPlotItem(
            size=17, pen=style.pen(BATCH_RING, 2.0), brush=pg.mkBrush(None), symbol="o"
        )
        for z, item in enumerate((self.shading, self.reference, self.model, self.points)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.batch.setZValue(10)
        self.plot.addItem(self.batch)

    @property
    def picture(self) -> ModelPicture | None:
        """What is drawn of the shown run's model (None when no run is shown)."""
        return self._shown.picture if self._shown is not None else None

    def clear(self) -> None:
        """Forget the run and show nothing."""
        self._shown = None
        self.shown_index = None
        for item in (self.reference, self.model, self.points, self.batch):
            item.setData([], [])
        self.shading.clear()
        self.boundary.setData(None)
        self.caption.setText("")

    def show_data(self, data_run: DataRun, trajectory: Trajectory) -> None:
        """Show ``data_run``'s examples; the model comes from ``trajectory`` (may still grow)."""
        self.clear()
        picture = describe_model(data_run.objective)
        shown = self._shown = _Shown(data_run, trajectory, picture)
        kind = picture.kind
        self.shading.setVisible(kind is PictureKind.BOUNDARY)
        self.reference.setVisible(kind is PictureKind.FIT)
        x_label, y_label = _axis_labels(picture)
        self.plot.setLabel("bottom", x_label, **style.axis_label_style())
        self.plot.setLabel("left", y_label, **style.axis_label_style())
        self._set_static_points(shown)
        rect = self._view_rect(kind)
        self.plot.setRange(rect=rect, padding=0)
        if kind is PictureKind.FIT:
            ends = [min(rect.left(), rect.top()), max(rect.right(), rect.bottom())]
            self.reference.setData(ends, ends)
        if len(trajectory):
            self.show_iteration(len(trajectory) - 1)

    def show_iteration(self, index: int) -> None:
        """Draw the model with the parameters of row ``index`` (clamped to what has arrived)."""
        shown = self._shown
        if shown is None or not len(shown.trajectory):
            return
        index = int(np.clip(index, 0, len(shown.trajectory) - 1))
        self.shown_index = index
        point = shown.trajectory.points[index]
        if shown.picture.kind in (PictureKind.FIT, PictureKind.SCORES):
            self._move_points(shown, point)
        self._draw_model(shown, point)
        batch = shown.run.batch_indices(index + 1)
        ended = shown.run.outcome is not None and index == len(shown.trajectory) - 1
        if shown.run.schedule.shuffled and not ended:
            self.batch.setData(*(c[batch] for c in _example_xy(shown, point)))
        elif shown.run.schedule.shuffled:
            self.batch.setData([], [])
        self.caption.setText(_caption(shown, index, len(batch)))

    # --- what goes where ------------------------------------------------------------------

    def _set_static_points(self, shown: _Shown) -> None:
        trajectory = shown.trajectory
        # Before the first row arrives, FIT and SCORES place the examples with the start.
        first = (
            trajectory.points[0] if len(trajectory) else np.asarray(shown.run.config.start, float)
        )
        if shown.picture.classes is None:
            self._point_style = {"brush": pg.mkBrush(CLASS_COLOURS[0]), "symbol": "o"}
        else:
            upper = np.equal(shown.target(), shown.classes()[1])
            self._point_style = {
                "brush": [pg.mkBrush(CLASS_COLOURS[int(u)]) for u in upper],
                "symbol": [CLASS_SYMBOLS[int(u)] for u in upper],
            }
        self._move_points(shown, first)

    def _move_points(self, shown: _Shown, point: np.ndarray) -> None:
        self.points.setData(*_example_xy(shown, point), **self._point_style)

    def _view_rect(self, kind: PictureKind) -> QRectF:
        """The data with a margin; for FIT the same range across and up, for SCORES +-8."""
        x, y = self.points.getData()
        if kind is PictureKind.FIT:
            x = y = np.concatenate([x, y])
        elif kind is PictureKind.SCORES:
            x = np.array([-8.0, 8.0])
        return _padded_rect(x, y, 0.08)

    def _draw_model(self, shown: _Shown, point: np.ndarray) -> None:
        picture, kind = shown.picture, shown.picture.kind
        rect = self._visible_rect()
        if kind is PictureKind.CURVE:
            xs = np.linspace(rect.left(), rect.right(), CURVE_SAMPLES)
            self.model.setData(xs, picture.predictions(point, [xs]))
        elif kind in (PictureKind.SIGMOID, PictureKind.SCORES):
            xs = np.linspace(rect.left(), rect.right(), CURVE_SAMPLES)
            lo, hi = shown.classes()
            if kind is PictureKind.SIGMOID:
                p = picture.probabilities(point, [xs])
            else:
                p = 1.0 / (1.0 + np.exp(-np.clip(xs, -700, 700)))
            self.model.setData(xs, lo + p * (hi - lo))
        elif kind is PictureKind.BOUNDARY:
            self._draw_boundary(picture, point, rect)

    def _visible_rect(self) -> QRectF:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return QRectF(x0, y0, x1 - x0, y1 - y0)

    def _draw_boundary(self, picture: ModelPicture, point: np.ndarray, rect: QRectF) -> None:
        xs = np.linspace(rect.left(), rect.right(), GRID)
        ys = np.linspace(rect.top(), rect.bottom(), GRID)
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        scores = picture.scores(point, [gx, gy])
        with np.errstate(over="ignore"):
            probability = 1.0 / (1.0 + np.exp(-scores))
        self.shading.setImage(probability, levels=(0.0, 1.0), autoLevels=False)
        self.shading.setRect(rect)
        self.boundary.setData(np.nan_to_num(scores, nan=0.0))


def _example_xy(shown: _Shown, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each example is drawn (its place moves with the model only for FIT/SCORES)."""
    kind, features = shown.picture.kind, shown.features()
    if kind is PictureKind.FIT:
        target = shown.target()
        predicted = shown.picture.predictions(point, features)
        return target, np.broadcast_to(predicted, target.shape)
    if kind is PictureKind.SCORES:
        return shown.picture.scores(point, features), shown.target()
    if kind is PictureKind.BOUNDARY:
        return features[0], features[1]
    if kind is PictureKind.POINTS and not features:
        return np.arange(len(shown.target()), dtype=float), shown.target()
    return features[0], shown.target()


def _caption(shown: _Shown, index: int, batch_size: int) -> str:
    picture = shown.picture
    kind = picture.kind
    what = {
        PictureKind.CURVE: "Blue line: the model's prediction.",
        PictureKind.FIT: "Each point is one example: its true value across, the model's "
        "prediction up; a perfect model puts every point on the dashed line.",
        PictureKind.SIGMOID: "Blue curve: the model's probability of the upper label.",
        PictureKind.SCORES: "Across: the model's score of each example; blue curve: the "
        "probability of the upper label.",
        PictureKind.BOUNDARY: "Black line: the decision boundary (probability 0.5); the "
        "shading is the probability of each label.",
        PictureKind.POINTS: "The loss is not squared error or a two-label loss, so no model "
        "curve is drawn.",
    }[kind]
    if picture.classes is not None:
        lo, hi = (f"{v:g}" for v in picture.classes)
        what += f" Blue circles: {picture.target} = {lo}; orange triangles: {hi}."
    ended = shown.run.outcome is not None and index == len(shown.trajectory) - 1
    if not shown.run.schedule.shuffled:
        batch = f"Batch gradient descent: every update uses all {batch_size:,} examples."
    elif ended:  # no update follows the last row: nothing to circle a batch for
        batch = "The run ended here: no further update."
    elif batch_size == 1:
        batch = "Circled in red: the one example the next update uses."
    else:
        batch = f"Circled in red: the {batch_size:,} examples the next update uses."
    return f"Update {index:,}. {what} {batch}"


def _axis_labels(picture: ModelPicture) -> tuple[str, str]:
    target, features = picture.target, picture.features
    kind = picture.kind
    if kind is PictureKind.FIT:
        return f"true {target}", f"predicted {target}"
    if kind is PictureKind.SCORES:
        return "model score", target
    if kind is PictureKind.BOUNDARY:
        return features[0], features[1]
    if kind is PictureKind.POINTS and not features:
        return "example", target
    if kind is PictureKind.SIGMOID and picture.classes is not None:
        return features[0], f"{target}  (curve: P({target} = {picture.classes[1]:g}))"
    return features[0], target


def _padded_rect(x: np.ndarray, y: np.ndarray, margin: float) -> QRectF:
    finite_x, finite_y = x[np.isfinite(x)], y[np.isfinite(y)]
    x0, x1 = (finite_x.min(), finite_x.max()) if finite_x.size else (0.0, 1.0)
    y0, y1 = (finite_y.min(), finite_y.max()) if finite_y.size else (0.0, 1.0)
    dx = (x1 - x0) * margin or 0.5
    dy = (y1 - y0) * margin or 0.5
    return QRectF(x0 - dx, y0 - dy, (x1 - x0) + 2 * dx, (y1 - y0) + 2 * dy)


def _probability_lut() -> np.ndarray:
    """Blue (lower label) through white (undecided) to orange (upper label)."""
    lower, upper = (np.array(pg.mkColor(c).getRgb()[:3], float) for c in CLASS_COLOURS)
    t = np.linspace(0, 1, 256)[:, None]
    white = np.full(3, 255.0)
    below = lower + (white - lower) * (t / 0.5)
    above = white + (upper - white) * ((t - 0.5) / 0.5)
    rgb = np.where(t < 0.5, below, above)
    alpha = np.full((256, 1), SHADING_ALPHA)
    return np.hstack([rgb, alpha]).astype(np.uint8)
