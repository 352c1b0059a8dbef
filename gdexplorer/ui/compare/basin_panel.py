"""The basin map tab: where each start of a grid ends up, as its own view and over the contour.

The map runs the form's variant and learning rate from every cell of a grid of starts (the
vectorized engine, on a worker thread with progress and cancel) and shows the result in a
:class:`~.BasinView`. The same colours can also lie translucently over
the main contour (:class:`BasinOverlay`), so the basins and the landscape read together. The
grid defaults to the example's plot range, or else the plot's current view. Only a function of
two variables has a map; for others the tab says why it is disabled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.core.many import jobs as compare_jobs
from gdexplorer.core.many.basins import MAX_RESOLUTION, BasinMap
from gdexplorer.core.optimizers import get_variant
from gdexplorer.ui.compare.basin_view import BasinView, basin_colours, iteration_colours
from gdexplorer.ui.compare.job_panel import JobPanel
from gdexplorer.ui.form.fields import NumberField

DEFAULT_RESOLUTION = 200
OVERLAY_OPACITY = 0.38
CONTROLS_WIDTH = 290
COLOUR_BY = (("basin", "where it ends (basin)"), ("iterations", "iterations to stop"))


class BasinOverlay:
    """A basin map's colours, translucent, over the main plot's contour (under the paths)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setOpacity(OVERLAY_OPACITY)
        self.image.setZValue(-2)  # above the contour (-10, -5), below every path
        self.image.hide()
        plot.addItem(self.image, ignoreBounds=True)

    def show_map(self, basin_map: BasinMap, colour_by: str) -> None:
        if colour_by == "basin":
            rgba = basin_colours(basin_map)[basin_map.labels]
        else:
            rgba = iteration_colours(basin_map)
        self.image.setImage(rgba, autoLevels=False, levels=(0, 255))
        (x0, x1), (y0, y1) = basin_map.x_range, basin_map.y_range
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.show()

    def hide(self) -> None:
        self.image.hide()

    def is_shown(self) -> bool:
        return self.image.isVisible()


def _any_number(_value: float) -> str | None:
    return None


class BasinPanel(JobPanel[BasinMap]):
    """Map controls on the left, the basin map on the right.

    Signals
    -------
    reported(str):
        What happened, for the window's status bar.
    """

    job_noun = "map"

    def __init__(
        self,
        config_source: Callable[[], RunConfig | None],
        view_range: Callable[[], tuple[tuple[float, float], tuple[float, float]]],
        overlay: BasinOverlay | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(config_source, "basins", parent)
        self._view_range = view_range
        self.overlay = overlay
        self._minima: tuple[tuple[float, ...], ...] = ()
        self.view = BasinView()
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #a03030;")
        self.reason.hide()
        self._arrange(self._build_controls(), CONTROLS_WIDTH, self.view)
        self._on_busy_changed(False)

    def _build_controls(self) -> list[QWidget]:
        self.controls = QWidget()
        form = QFormLayout(self.controls)
        form.setContentsMargins(0, 0, 0, 0)
        self.ranges = [NumberField(v, _any_number) for v in (-5.0, 5.0, -5.0, 5.0)]
        for label, low, high in (("x from, to", 0, 1), ("y from, to", 2, 3)):
            pair = QHBoxLayout()
            pair.addWidget(self.ranges[low])
            pair.addWidget(self.ranges[high])
            form.addRow(label, pair)
        self.view_button = QPushButton("Use plot's view")
        self.view_button.setToolTip("Map exactly the rectangle the main plot shows now")
        self.view_button.clicked.connect(self.use_plot_view)
        self.resolution = QSpinBox()
        self.resolution.setRange(2, MAX_RESOLUTION)
        self.resolution.setValue(DEFAULT_RESOLUTION)
        self.resolution.setSuffix(" per side")
        form.addRow("Grid", self.resolution)
        self.colour_by = QComboBox()
        for key, text in COLOUR_BY:
            self.colour_by.addItem(text, key)
        self.colour_by.currentIndexChanged.connect(self._on_colour_by_changed)
        form.addRow("Colour by", self.colour_by)
        self.overlay_box = QCheckBox("Over the contour")
        self.overlay_box.setToolTip("Lay the map's colours translucently over the main plot")
        self.overlay_box.setChecked(True)
        self.overlay_box.toggled.connect(self._on_overlay_toggled)
        extras = QHBoxLayout()
        extras.addWidget(self.view_button)
        extras.addWidget(self.overlay_box)
        form.addRow(extras)
        form.addRow(self._make_run_buttons("Run map", self.start))
        self.status = QLabel("Runs the form's variant and learning rate from every grid cell.")
        self.status.setWordWrap(True)
        return [self.reason, self.controls, self.progress, self.status]

    # -- public API -------------------------------------------------------------------------

    @property
    def basin_map(self) -> BasinMap | None:
        return self.view.basin_map

    def set_function(
        self,
        dimension: int,
        plot_range: Sequence[tuple[float, float]] | None,
        minima: Sequence[Sequence[float]],
    ) -> None:
        """A new function: enable the map for two variables (else say why), default ranges."""
        usable = dimension == 2
        self.controls.setEnabled(usable)
        self.reason.setVisible(not usable)
        self.reason.setText(
            f"A basin map needs a function of two variables; this one has {dimension}."
        )
        if self.overlay is not None:
            self.overlay.hide()
        if not usable:
            return
        self._minima = tuple(tuple(m) for m in minima)
        if plot_range is not None and len(plot_range) == 2:
            self._set_ranges(plot_range[0], plot_range[1])
        else:
            self.use_plot_view()

    @Slot()
    def use_plot_view(self) -> None:
        x_range, y_range = self._view_range()
        self._set_ranges(x_range, y_range)

    @Slot()
    def start(self) -> None:
        """Map the form's settings over the grid (on the worker thread)."""
        config = self._form_config()
        values = [value for field in self.ranges if (value := field.value()) is not None]
        if config is None:
            return
        if len(values) < len(self.ranges) or not (values[0] < values[1] and values[2] < values[3]):
            self._say("Each range needs two numbers, the smaller first.")
            return
        if self._refuses_data(config, "A basin map"):
            return
        job = compare_jobs.basin_job(
            config, values[:2], values[2:], self.resolution.value(), self._minima
        )
        self.runner.start(job)
        cells = self.resolution.value() ** 2
        self._say(f"Running {config.variant} from {cells:,} starts…")

    # -- internals --------------------------------------------------------------------------

    def _set_ranges(self, x_range: Sequence[float], y_range: Sequence[float]) -> None:
        for field, value in zip(self.ranges, (*x_range, *y_range), strict=True):
            field.set_value(_round(value))

    def _show_overlay(self) -> None:
        if self.overlay is None:
            return
        if self.overlay_box.isChecked() and self.basin_map is not None:
            self.overlay.show_map(self.basin_map, self.colour_by.currentData())
        else:
            self.overlay.hide()

    @Slot(object)
    def _on_job_done(self, basin_map: BasinMap) -> None:
        self.view.set_map(basin_map, self.colour_by.currentData())
        self.view.plot.setTitle(None)  # said beside the plot: the dock is short
        self._show_overlay()
        config = basin_map.config
        minima = sum(1 for b in basin_map.basins if b.kind == "minimum")
        self._say(
            f"{get_variant(config.variant).title}, lr {config.learning_rate:g}, "
            f"{config.iterations:,} iterations from each of {basin_map.labels.size:,} starts "
            f"({basin_map.seconds:.2f} s): {minima} {'place' if minima == 1 else 'places'} "
            "where runs end, "
            f"{basin_map.share('escaped'):.0%} escaped."
        )

    @Slot(int)
    def _on_colour_by_changed(self, _index: int) -> None:
        if self.basin_map is not None:
            self.view.set_colour_by(self.colour_by.currentData())
            self._show_overlay()

    @Slot(bool)
    def _on_overlay_toggled(self, _checked: bool) -> None:
        self._show_overlay()


def _round(value: float) -> float:
    """4 significant digits: a view's edges as a student would type them."""
    return float(f"{value:.4g}") if math.isfinite(value) else 0.0
