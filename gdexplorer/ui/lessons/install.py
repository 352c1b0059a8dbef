"""Put the Lessons dock into the explorer window: one call from the window's construction.

The dock goes under the settings form (a step points at the form's fields, so both stay in
view); the coach follows the window's form, stage, run controller and sweep panel. What a
control name of a lesson file (:data:`gdexplorer.core.lessons.model.CONTROLS`) points at is
resolved here, the only place that knows the window's widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QWidget

from gdexplorer.core.lessons.library import load_lessons_reporting
from gdexplorer.ui import window_parts as parts
from gdexplorer.ui.compare.dock import BASIN_TAB, RUNS_TAB, SWEEP_TAB
from gdexplorer.ui.lessons.coach import LessonCoach
from gdexplorer.ui.lessons.panel import LessonsPanel
from gdexplorer.ui.lessons.progress import LessonProgress

if TYPE_CHECKING:
    from gdexplorer.ui.main_window import MainWindow

LESSONS_HEIGHT = 330


def install_lessons(window: MainWindow) -> LessonCoach:
    """The Lessons dock under the settings, with its coach (``window.lessons_dock`` is set)."""
    panel = LessonsPanel()
    dock = parts.add_dock(window, "Lessons", panel, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.splitDockWidget(window.form_dock, dock, Qt.Orientation.Vertical)
    window.lessons_dock = dock
    panel.offering.connect(  # once the dock's layout has the panel's new maximum height
        lambda offering: QTimer.singleShot(0, window, lambda: _fit_dock(window, offering))
    )
    lessons, problems = load_lessons_reporting()
    progress = LessonProgress(QSettings(), read_only=window.store.read_only)
    coach = LessonCoach(
        panel, lessons, progress, window.form, window.stage, window.controller,
        lambda name: _controls(window, name), lambda: window.compare.sweep.result,
    )  # fmt: skip
    coach.panel_problems = problems
    window.compare.sweep.reported.connect(coach.on_sweep_reported)
    coach.restore()
    _fit_dock(window, panel.is_offering())
    dock.setVisible(bool(lessons) and not progress.offered())  # first start: offered, shown
    return coach


def _fit_dock(window: MainWindow, offering: bool) -> None:
    """The dock as small as the offer (the settings keep the column), or a lesson's height."""
    panel = window.lessons_dock.widget()
    height = panel.maximumHeight() if offering else LESSONS_HEIGHT
    window.resizeDocks([window.lessons_dock], [height], Qt.Orientation.Vertical)


def _controls(window: MainWindow, name: str) -> Sequence[QWidget]:
    """The widgets ``name`` points at, their docks or tabs brought into view."""
    form = window.form
    data = form.data_section
    simple: dict[str, QWidget | None] = {
        "preset": form.preset_combo, "function": form.function_field, "start": form.start_fields,
        "variant": form.variant_combo, "learning_rate": form.learning_rate,
        "iterations": form.iterations, "gradient": form.gradient_combo, "h": form.h_field,
        "maximize": form.maximize, "data": form.mode_switch, "batch_size": data.batch_size,
        "seed": data.seed, "standardize": data.standardize, "run": form.run_button,
        "playback": window.playback, "plot": window.plot,
        "momentum": form.hyperparameters.get("momentum"),
        "beta1": form.hyperparameters.get("beta1"), "beta2": form.hyperparameters.get("beta2"),
        "schedule": form.schedule, "line_search": form.optimizer.line_search,
    }  # fmt: skip
    if name in simple:
        widget = simple[name]
        return [widget] if widget is not None else []
    if name in ("convergence", "inspector"):
        dock = window.convergence_dock if name == "convergence" else window.inspector_dock
        dock.show()
        return [window.convergence if name == "convergence" else window.inspector]
    if name == "line_search_plot":  # the φ(α) dock, shown (it hides until a search runs)
        views = window.step_size_views
        views.reveal_dock()
        views.dock.raise_()
        return [views.dock]  # the whole panel: its view switches pages (sentence, plot)
    tabs = {"runs": RUNS_TAB, "sweep": SWEEP_TAB, "basins": BASIN_TAB}
    if name in tabs:
        window.compare_dock.show()
        window.compare_dock.raise_()
        window.compare.setCurrentIndex(tabs[name])
        compare = window.compare
        return [{"runs": compare.runs.add_button, "sweep": compare.sweep.run_button,
                 "basins": compare.basins.run_button}[name]]  # fmt: skip
    return []
