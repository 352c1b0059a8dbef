"""The explorer window: builds the panels and connects them, nothing else.

Data flows one way: form -> RunConfig -> RunController (worker thread) -> rows in the
trajectory -> the stage -> plot, convergence, inspector, data panel, race and progress. The
stage (:mod:`gdexplorer.ui.stage`) owns what is shown and schedules the streamed redraws; the
playback bar's index is its current iteration.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Outcome
from gdexplorer.core.errors import GdxError
from gdexplorer.core.run_protocol import DescentRun
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import window_layout as layout
from gdexplorer.ui import window_parts as parts
from gdexplorer.ui.animation_export import AnimationExport
from gdexplorer.ui.compare.basin_panel import BasinOverlay
from gdexplorer.ui.compare.dock import CompareTabs
from gdexplorer.ui.error_guard import ErrorGuard
from gdexplorer.ui.file_actions import FileActions
from gdexplorer.ui.form.controls import ControlsForm, ShownFunction
from gdexplorer.ui.help_dialogs import HelpMenu
from gdexplorer.ui.lessons.install import install_lessons
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.stage import ShownRun, Stage, Turn
from gdexplorer.ui.stepsize_views import install_step_size_views
from gdexplorer.ui.threads import redraw_gate
from gdexplorer.ui.threads.run_worker import RunController
from gdexplorer.ui.views import stage_views as followers
from gdexplorer.ui.views.convergence_view import ConvergenceView
from gdexplorer.ui.views.data_panel import DataPanel
from gdexplorer.ui.views.inspector import Inspector
from gdexplorer.ui.views.playback import PlaybackBar
from gdexplorer.ui.views.plot_view import PlotView
from gdexplorer.ui.views.surface_race import SurfaceRaceOverlay
from gdexplorer.ui.views.surface_view import SurfaceView
from gdexplorer.ui.views.view_switch import CentralViews

DEFAULT_PRESET = "rosenbrock"
DEFAULT_SIZE = QSize(1400, 900)
FORM_WIDTH = 350
SIDE_WIDTH = 400
COMPARE_HEIGHT = 240
DATA_HEIGHT = 330


class MainWindow(QMainWindow):
    """Form on the left, the plot in the centre with the playback bar under it, the
    convergence plot and the inspector on the right, the outcome in the status bar."""

    error_guard: ErrorGuard  # set by gdexplorer.ui.app.main: unexpected errors to the status bar
    lessons_dock: QDockWidget  # set by install_lessons

    def __init__(self, store: SettingsStore | None = None) -> None:
        super().__init__()
        self.setWindowTitle("gdexplorer — watch gradient descent")
        self.setAcceptDrops(True)
        self.store = store or SettingsStore()
        self.controller = RunController(self)
        self.files = FileActions(self)
        self._build_panels()
        self._build_status_bar()
        self._build_menus()
        self.step_size_views = install_step_size_views(self)  # φ(α) dock, quadratic model
        self._connect()
        self.lessons = install_lessons(self)  # the Lessons dock, under the settings
        self.layout_keeper.add_dock(self.lessons_dock)
        self.resize(DEFAULT_SIZE)
        self.layout_keeper.remember_default()  # View > Restore layout brings this back

    # -- construction -------------------------------------------------------------------

    def _build_panels(self) -> None:
        self.form = ControlsForm()
        scroll = parts.scrolled(self.form, FORM_WIDTH)
        layout.fit_scroll_width(scroll, self.form)
        settings = parts.stacked(scroll, self.form.detach_run_bar())  # Run stays in view
        self.form_dock = parts.add_dock(
            self, "Settings", settings, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.plot = PlotView()
        layout.never_widen(self.plot.header.slice_label, self.plot.header.hover_label)
        self.playback = PlaybackBar()
        self.surface = SurfaceView(self.plot)  # the 3-D view of the contour's region
        self.central_views = CentralViews(self.plot, self.surface)
        self.setCentralWidget(parts.stacked(self.central_views, self.playback))
        self.convergence = ConvergenceView()
        self.inspector = Inspector()
        layout.set_side_minimums(self.convergence, self.inspector)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.convergence_dock = parts.add_dock(self, "Convergence", self.convergence, right)
        self.inspector_dock = parts.add_dock(self, "Iteration k", self.inspector, right)
        self.resizeDocks(
            [self.form_dock, self.convergence_dock],
            [FORM_WIDTH, SIDE_WIDTH],
            Qt.Orientation.Horizontal,
        )
        self.files.set_plot(self.plot)
        self.data_panel = DataPanel()  # the data and the model, for runs on data
        self._build_stage()
        self.animation = AnimationExport(self)  # File > Export animation…, beside playback
        self.playback.add_button(self.animation.action)
        self.compare = CompareTabs(  # runs, sweep and basin map
            self.stage,
            self.form,
            self.controller,
            SurfaceRaceOverlay(self.plot, self.convergence, self.surface),
            BasinOverlay(self.plot.plot),
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.compare_dock = parts.add_dock(self, "Compare", self.compare, bottom)
        self.resizeDocks([self.compare_dock], [COMPARE_HEIGHT], Qt.Orientation.Vertical)
        self.data_dock = parts.add_dock(self, "Data and model", self.data_panel, bottom)
        self.tabifyDockWidget(self.compare_dock, self.data_dock)
        self.data_dock.hide()

    def _build_status_bar(self) -> None:
        self.status_label = QLabel("Press Run (Ctrl+R) to start")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = followers.RunProgress()
        self.progress.setFixedWidth(240)
        self.stage.add_view(self.progress)
        self.stage.race_shown.connect(self.progress.show_race)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

    def _build_stage(self) -> None:
        """What is shown and the views that follow it (in the order they draw iteration k)."""
        self.stage = Stage(self.playback, self.controller, self)
        self.stage.add_view(followers.PlotFollower(self.plot))
        self.stage.add_view(self.surface)
        self.stage.add_view(followers.ConvergenceFollower(self.convergence), Turn.SLOW)
        self.inspector_follower = followers.InspectorFollower(self.inspector)
        self.stage.add_view(self.inspector_follower)
        self.stage.add_view(followers.DataFollower(self.data_panel))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.files.open_settings_action)
        file_menu.addAction(self.files.open_trajectory_action)
        file_menu.addSeparator()
        file_menu.addAction(self.files.export_trajectory_action)
        file_menu.addAction(self.files.export_plot_action)
        file_menu.addAction(self.animation.action)
        file_menu.addSeparator()
        file_menu.addAction(self.compare.runs.export_action)
        file_menu.addAction(self.compare.runs.import_action)
        file_menu.addSeparator()
        self.quit_action = parts.add_action(
            file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit
        )
        run_menu = self.menuBar().addMenu("&Run")
        self.run_action = parts.add_action(run_menu, "&Run", self.form.request_run, "Ctrl+R")
        self.stop_action = parts.add_action(run_menu, "&Stop", self.controller.cancel, "Esc")
        self.stop_action.setEnabled(False)
        run_menu.addSeparator()
        parts.add_action(run_menu, "Reset to &defaults", self.reset_to_defaults)
        docks = (self.form_dock, self.convergence_dock, self.inspector_dock, self.compare_dock)
        self.layout_keeper = layout.LayoutKeeper(
            self, (*docks, self.data_dock), self._show_data_dock_as_mode
        )
        self.layout_keeper.fill_menu(self.menuBar().addMenu("&View"))
        help_menu = self.menuBar().addMenu("&Help")
        self.help_pages = HelpMenu(self)  # variants, typing a function, keyboard shortcuts
        self.help_pages.fill(help_menu)
        parts.add_action(help_menu, "&About gdexplorer", self.show_about)

    def _connect(self) -> None:
        self.playback.leave_keys_to_inputs(self.form)
        self.form.run_requested.connect(self.controller.start)
        self.form.stop_requested.connect(self.controller.cancel)
        self.form.function_changed.connect(self._on_function_changed)
        self.form.start_changed.connect(self.plot.set_start)
        self.form.start_changed.connect(self.surface.set_start)
        self.form.mode_switch.mode_changed.connect(self._on_data_mode_changed)
        self.plot.start_picked.connect(self.form.set_start)
        self.controller.run_started.connect(self._on_run_started)
        self.controller.run_finished.connect(self._on_run_finished)
        self.controller.run_failed.connect(self._on_run_failed)
        self.controller.run_rejected.connect(self._on_run_rejected)
        self.stage.streaming_changed.connect(self._on_streaming_changed)
        self.stage.run_shown.connect(self._on_run_shown)
        self.stage.run_forgotten.connect(self._on_run_forgotten)
        self.stage.run_inspected.connect(self.inspector_follower.inspect)
        self.compare.reported.connect(self.show_status)
        self.files.reported.connect(self.show_status)
        self.animation.reported.connect(self.show_status)
        self.files.settings_opened.connect(self.form.set_config)
        self.files.trajectory_opened.connect(self._on_trajectory_opened)

    # -- public API ---------------------------------------------------------------------

    def load_initial(self, config: RunConfig | None) -> None:
        """Show ``config``, else the last session's settings, else the default example."""
        for candidate in (config, self.store.load_config()):
            if candidate is None:
                continue
            try:
                self.form.set_config(candidate)
                return
            except GdxError as error:
                self.show_status(f"Could not restore the settings: {error}")
        self.form.select_preset(DEFAULT_PRESET)

    def load_initial_soon(self, config: RunConfig | None) -> None:
        """:meth:`load_initial` once the event loop runs, so the window appears first."""
        self._initial_config = config
        QTimer.singleShot(0, self._on_initial_load_due)

    @Slot()
    def _on_initial_load_due(self) -> None:
        self.load_initial(self._initial_config)

    def restore_layout(self) -> None:
        self.store.restore_window(self)
        self._show_data_dock_as_mode()

    def _show_data_dock_as_mode(self) -> None:
        self.data_dock.setVisible(self.form.mode_switch.is_data_mode())

    @Slot(str)
    def show_status(self, message: str) -> None:
        self.status_label.setText(message)
        self.status_label.setToolTip(message)  # the whole text, where a narrow window cuts it

    @Slot()
    def reset_to_defaults(self) -> None:
        """Forget the stored settings and show the default example."""
        self.store.clear()
        self.form.select_preset(DEFAULT_PRESET)
        self.show_status("Reset to the default example")

    @Slot()
    def show_variants_help(self) -> None:
        self.help_pages.show_variants()

    @Slot()
    def show_about(self) -> None:
        parts.show_message(self, "About gdexplorer", parts.about_html())

    # -- slots --------------------------------------------------------------------------

    @Slot(object)
    def _on_run_started(self, run: DescentRun) -> None:
        self.store.save_config(run.config)
        self.show_status("Running…")

    @Slot(bool)
    def _on_streaming_changed(self, streaming: bool) -> None:
        self.form.set_running(streaming)
        self.stop_action.setEnabled(streaming)

    @Slot(object)
    def _on_run_shown(self, shown: ShownRun) -> None:
        self.files.set_shown(shown.trajectory, shown.run.config if shown.run else None)

    @Slot()
    def _on_run_forgotten(self) -> None:
        self.show_status("A new function: press Run (Ctrl+R) to run on it")

    @Slot(object)
    def _on_run_finished(self, outcome: Outcome) -> None:
        self.show_status(outcome.message)
        self.files.set_outcome(outcome)  # written beside an export

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self.show_status(f"The run stopped: {message}")

    @Slot(str)
    def _on_run_rejected(self, message: str) -> None:
        self.form.show_run_error(message)
        self.show_status(f"Cannot run: {message}")

    @Slot(object)
    def _on_function_changed(self, shown: ShownFunction) -> None:
        start = shown.start if shown.start is not None else (1.0,) * shown.objective.dimension
        self.plot.show_objective(shown.objective, shown.plot_range, start, shown.minima)
        self.surface.show_function(shown)
        self.stage.show_function(shown)

    @Slot(bool)
    def _on_data_mode_changed(self, data: bool) -> None:
        """The data and its model are shown (above the compare tabs) while learning from data;
        back to a typed function, the bottom docks give the plot its height back."""
        self.data_dock.setVisible(data)
        if data:
            self.data_dock.raise_()
            self.resizeDocks([self.data_dock], [DATA_HEIGHT], Qt.Orientation.Vertical)
        else:
            self.resizeDocks([self.compare_dock], [COMPARE_HEIGHT], Qt.Orientation.Vertical)

    @Slot(object, object)
    def _on_trajectory_opened(self, trajectory: Trajectory, run: DescentRun | None) -> None:
        if run is None and not parts.plots_on(self.form.function_field.objective(), trajectory):
            self.show_status(parts.unknown_function_message(trajectory))
            return
        self.controller.abandon()
        if run is not None:
            self.form.set_config(run.config)
        self.stage.show_run(run, trajectory)

    # -- window events ------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.UpdateRequest:
            redraw_gate.hold_runs()  # every widget of the window paints in this event
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stop the run and wait for its thread, remember the settings, then close."""
        self.playback.play_action.setChecked(False)
        self.controller.shutdown()
        self.compare.shutdown()
        self.animation.shutdown()
        config = self.form.config()
        if config is not None:
            self.store.save_config(config)
        self.store.save_window(self)
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if parts.dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = parts.dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.files.open_path(path)
