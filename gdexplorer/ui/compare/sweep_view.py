"""The learning-rate sweep plot: final f (or iterations) against the learning rate.

The x axis is logarithmic, so each decade of learning rate gets the same width. Runs that
converged are filled blue dots, runs stopped by the iteration limit open orange circles, and
runs that diverged (or left f's domain) red crosses along the top edge, where they have no f to
plot. For a quadratic the stability limit (2/L for gradient descent) is a dashed vertical line.
Hovering shows a run's numbers; clicking picks the nearest learning rate
(:attr:`SweepView.learning_rate_picked`), which the window loads into the main run.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdexplorer.core.many.sweep import SweepResult, SweepYScale, describe_lane
from gdexplorer.ui import style

CONVERGED = "#1f5fbf"
UNFINISHED = "#ff8c00"
DIVERGED = "#d62728"
LIMIT = "#2ca02c"
PICKED = "#7f3fbf"
START_LINE = "#606060"
_LABEL = style.axis_label_style()
LIMIT_NAMES = {"gd": "2/L", "momentum": "2(1+μ)/L", "nesterov": "2(1+μ)/((1+2μ)L)"}


class SweepView(QWidget):
    """A standalone plot of one :class:`SweepResult`; :meth:`set_result` replaces it."""

    learning_rate_picked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: SweepResult | None = None
        self.plot_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        style.style_plot(self.plot)
        self.plot.setLogMode(x=True, y=False)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "learning rate (log scale)", **style.axis_label_style())
        self._line = pg.PlotDataItem(pen=style.pen("#9a9a9a", 1.2))
        self._converged = _markers("o", CONVERGED, CONVERGED)
        self._unfinished = _markers("o", None, UNFINISHED)
        self._above = _markers("t1", UNFINISHED, UNFINISHED)
        self._diverged = _markers("x", DIVERGED, DIVERGED, size=10)
        for item in (self._line, self._converged, self._unfinished, self._above, self._diverged):
            self.plot.addItem(item)
        self._limit = _line(LIMIT, Qt.PenStyle.DashLine, 90, position=0.5)
        self._picked = _line(PICKED, Qt.PenStyle.DotLine, 90, position=0.25)
        self._start = _line(START_LINE, Qt.PenStyle.DashLine, 0, position=0.02)
        for line in (self._limit, self._picked, self._start):
            line.hide()
            self.plot.addItem(line, ignoreBounds=True)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)  # a long legend wraps: it never widens the window
        self.status = QLabel("Run a sweep to see how the learning rate changes the result.")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, stretch=1)
        for label in (self.legend, self.status):
            label.setContentsMargins(8, 2, 8, 2)
            layout.addWidget(label)
        scene = self.plot_widget.scene()
        scene.sigMouseClicked.connect(self._on_scene_clicked)
        scene.sigMouseMoved.connect(self._on_mouse_moved)

    def set_result(self, result: SweepResult) -> None:
        """Plot ``result``; the y axis is log-scaled when the final f values span decades.

        Final values far above f at the start (runs that got much worse) would squash the
        rest of the plot, so they are drawn as triangles along the top edge, beside the
        crosses of the runs that diverged.
        """
        self.result = result
        rates, values = result.learning_rates, result.values.astype(float)
        finite = ~result.diverged & np.isfinite(values)
        scale = SweepYScale.choose(result, values[finite])
        above = finite & (values > scale.ceiling)
        shown = finite & ~above
        plotted = np.maximum(values, scale.floor) if scale.log else values
        self.plot.setLogMode(x=True, y=scale.log)
        what = "final f" if result.measure == "final_f" else "iterations until it stopped"
        self.plot.setLabel("left", what + (" (log scale)" if scale.log else ""), **_LABEL)
        self.plot.setTitle(_title(result), color=style.FOREGROUND, size="11pt")
        self._line.setData(rates[shown], plotted[shown])
        done = shown & result.converged
        self._converged.setData(rates[done], plotted[done])
        self._unfinished.setData(rates[shown & ~done], plotted[shown & ~done])
        self._above.setData(rates[above], np.full(int(above.sum()), scale.top))
        self._diverged.setData(
            rates[result.diverged], np.full(int(result.diverged.sum()), scale.top)
        )
        self._show_line(self._start, result.start_value if result.measure == "final_f" else None,
                        "f at the start", scale.log)  # fmt: skip
        self._show_line(self._limit, result.stability_limit, _limit_text(result), True)
        self._picked.hide()
        self.plot.enableAutoRange()
        self.legend.setText(_legend(result, above))
        self.status.setText(self._summary())

    @staticmethod
    def _show_line(line: pg.InfiniteLine, value: float | None, text: str, log: bool) -> None:
        if value is None or (log and value <= 0):
            line.hide()
            return
        line.setPos(np.log10(value) if log else value)
        line.show()
        line.label.setFormat(text)

    def _summary(self) -> str:
        result = self.result
        assert result is not None
        best = result.best_learning_rate()
        first = result.first_diverging_rate()
        parts = [f"{len(result.learning_rates)} learning rates in {result.seconds:.2f} s."]
        if best is not None:
            what = "lowest final f" if result.measure == "final_f" else "fewest iterations"
            parts.append(f"The {what}: lr = {best:.3g}.")
        if first is not None:
            parts.append(f"From lr = {first:.3g} some runs diverge.")
        parts.append("Click the plot to load a learning rate into the main run.")
        return " ".join(parts)

    def lane_at(self, scene_pos: QPointF) -> int | None:
        """The lane whose learning rate is nearest the scene position, if inside the plot."""
        if self.result is None:
            return None
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        x = box.mapSceneToView(scene_pos).x()
        return int(np.argmin(np.abs(np.log10(self.result.learning_rates) - x)))

    def pick(self, lane: int) -> None:
        """Mark lane ``lane`` and emit its learning rate."""
        assert self.result is not None
        rate = float(self.result.learning_rates[lane])
        self._show_line(self._picked, rate, f"picked lr = {rate:.3g}", True)
        self.learning_rate_picked.emit(rate)

    @Slot(object)
    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        lane = self.lane_at(event.scenePos())
        if lane is not None:
            self.pick(lane)

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        lane = self.lane_at(scene_pos)
        if lane is not None and self.result is not None:  # a lane implies a result
            self.status.setText(describe_lane(self.result, lane))


def _markers(symbol: str, fill, outline: str, size: int = 7) -> pg.PlotDataItem:
    return pg.PlotDataItem(
        pen=None, symbol=symbol, symbolSize=size, symbolPen=style.pen(outline, 1.5),
        symbolBrush=fill if fill is not None else pg.mkBrush(255, 255, 255),
    )  # fmt: skip


def _legend(result: SweepResult, above: np.ndarray) -> str:
    """One line of coloured symbols and words, below the plot so it never hides a point."""
    entries = [
        (CONVERGED, "●", "converged", int(result.converged.sum())),
        (UNFINISHED, "○", "stopped at the iteration limit",
         int((~result.converged & ~result.diverged).sum() - above.sum())),
        (UNFINISHED, "▲", "ended far above f at the start (drawn at the top)", int(above.sum())),
        (DIVERGED, "✕", "diverged (drawn at the top)", int(result.diverged.sum())),
    ]  # fmt: skip
    parts = [
        f'<span style="color:{colour}; font-size:13pt">{symbol}</span>&nbsp;{text} ({count})'
        for colour, symbol, text, count in entries
        if count
    ]
    if result.stability_limit is not None:
        parts.append(f'<span style="color:{LIMIT}; font-weight:bold">┆</span>&nbsp;'
                     f"{_limit_text(result)}")  # fmt: skip
    return "&nbsp;&nbsp; ".join(parts)  # a line may break between entries, not inside one


def _line(colour: str, dash, angle: int, position: float) -> pg.InfiniteLine:
    """A dashed marker line with a label placed at ``position`` along the view."""
    anchors = [(0, 0.5), (0, 0.5)] if angle == 90 else [(0, 1), (0, 1)]
    return pg.InfiniteLine(
        angle=angle, pen=style.pen(colour, 1.6, dash), label="", labelOpts={
            "position": position, "color": colour, "fill": pg.mkBrush(255, 255, 255, 210),
            "anchors": anchors,
        },
    )  # fmt: skip


def _limit_text(result: SweepResult) -> str:
    name = LIMIT_NAMES.get(result.config.variant, "limit")
    return f"stability limit {name} = {result.stability_limit or 0:.3g}"


def _title(result: SweepResult) -> str:
    cfg = result.config
    start = ", ".join(f"{v:g}" for v in cfg.start)
    return f"{cfg.variant} on f = {cfg.function}, from ({start}), {cfg.iterations:,} iterations"
