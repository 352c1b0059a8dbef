"""The explorer window: builds the panels and connects them, nothing else.

Data flows one way: form -> RunConfig -> RunController (worker thread) -> rows in the
trajectory -> plot, convergence, inspector and playback. The playback bar's index drives what
every view shows.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gdexplorer import __version__
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Outcome, Run
from gdexplorer.core.errors import GdxError
from gdexplorer.core.optimizers import VARIANTS
from gdexplorer.core.trajectory import Trajectory
from gdexplorer.ui import redraw_gate
from gdexplorer.ui.compare_dock import CompareTabs
from gdexplorer.ui.controls import ControlsForm, ShownFunction
from gdexplorer.ui.convergence_view import ConvergenceView
from gdexplorer.ui.data_panel import DataPanel
from gdexplorer.ui.file_actions import FileActions
from gdexplorer.ui.inspector import Inspector
from gdexplorer.ui.playback import PlaybackBar
from gdexplorer.ui.plot_view import PlotView
from gdexplorer.ui.settings_store import SettingsStore
from gdexplorer.ui.worker import RunController

DEFAULT_PRESET = "rosenbrock"
DEFAULT_SIZE = QSize(1400, 900)
FORM_WIDTH = 350
SIDE_WIDTH = 400
COMPARE_HEIGHT = 240
DATA_HEIGHT = 330
STREAM_FPS = 20
"""While a run streams, the views redraw at most this often; rows are appended as they come."""
CONVERGENCE_FPS = 10
"""... and the convergence plots at most this often."""
STAGE_PAUSE_MS = 5
"""The streamed redraw's stages start this long apart: time for the last stage's paint, then
the event loop is idle for a moment and timers and input go first."""


class MainWindow(QMainWindow):
    """Form on the left, the plot in the centre with the playback bar under it, the
    convergence plot and the inspector on the right, the outcome in the status bar."""

    def __init__(self, store: SettingsStore | None = None) -> None:
        super().__init__()
        self.setWindowTitle("gdexplorer — watch gradient descent")
        self.setAcceptDrops(True)
        self.store = store or SettingsStore()
        self.controller = RunController(self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(round(1000 / STREAM_FPS))
        self._refresh_timer.timeout.connect(self._on_refresh_due)
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(STAGE_PAUSE_MS)
        self._follow_timer.timeout.connect(self._follow_rows)
        self._convergence_timer = QTimer(self)
        self._convergence_timer.setSingleShot(True)
        self._convergence_timer.setInterval(STAGE_PAUSE_MS)
        self._convergence_timer.timeout.connect(self._redraw_convergence)
        self._convergence_clock = QElapsedTimer()
        self._convergence_clock.start()
        self._streaming = False  # a run's rows are arriving
        self.files = FileActions(self)
        self._build_panels()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.resize(DEFAULT_SIZE)

    # -- construction -------------------------------------------------------------------

    def _build_panels(self) -> None:
        self.form = ControlsForm()
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(FORM_WIDTH)
        self.form_dock = self._dock("Settings", scroll, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.plot = PlotView()
        self.playback = PlaybackBar()
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.playback)
        self.setCentralWidget(centre)
        self.convergence = ConvergenceView()
        self.inspector = Inspector()
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.convergence_dock = self._dock("Convergence", self.convergence, right)
        self.inspector_dock = self._dock("Iteration k", self.inspector, right)
        self.resizeDocks(
            [self.form_dock, self.convergence_dock],
            [FORM_WIDTH, SIDE_WIDTH],
            Qt.Orientation.Horizontal,
        )
        self.files.set_plot(self.plot)
        self.compare = CompareTabs(self)  # runs, sweep and basin map; wires itself to the views
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.compare_dock = self._dock("Compare", self.compare, bottom)
        self.resizeDocks([self.compare_dock], [COMPARE_HEIGHT], Qt.Orientation.Vertical)
        self.data_panel = DataPanel()  # the data and the model, for runs on data
        self.data_dock = self._dock("Data and model", self.data_panel, bottom)
        self.tabifyDockWidget(self.compare_dock, self.data_dock)
        self.data_dock.hide()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.split()[0].lower()}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        self.status_label = QLabel("Press Run (Ctrl+R) to start")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(240)
        self._set_progress(0, 0)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.files.open_settings_action)
        file_menu.addAction(self.files.open_trajectory_action)
        file_menu.addSeparator()
        file_menu.addAction(self.files.export_trajectory_action)
        file_menu.addAction(self.files.export_plot_action)
        file_menu.addSeparator()
        file_menu.addAction(self.compare.runs.export_action)
        file_menu.addAction(self.compare.runs.import_action)
        file_menu.addSeparator()
        self.quit_action = self._menu_action(
            file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit
        )
        run_menu = self.menuBar().addMenu("&Run")
        self.run_action = self._menu_action(run_menu, "&Run", self.form.request_run, "Ctrl+R")
        self.stop_action = self._menu_action(run_menu, "&Stop", self.controller.cancel, "Esc")
        self.stop_action.setEnabled(False)
        run_menu.addSeparator()
        self._menu_action(run_menu, "Reset to &defaults", self.reset_to_defaults)
        view_menu = self.menuBar().addMenu("&View")
        for dock in (self.form_dock, self.convergence_dock, self.inspector_dock, self.compare_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.data_dock.toggleViewAction())
        help_menu = self.menuBar().addMenu("&Help")
        self._menu_action(help_menu, "What each &variant does", self.show_variants_help)
        self._menu_action(help_menu, "&About gdexplorer", self.show_about)

    def _menu_action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        self.playback.leave_keys_to_inputs(self.form)
        self.form.run_requested.connect(self._on_run_requested)
        self.form.stop_requested.connect(self.controller.cancel)
        self.form.function_changed.connect(self._on_function_changed)
        self.form.start_changed.connect(self.plot.set_start)
        self.form.mode_switch.mode_changed.connect(self._on_data_mode_changed)
        self.plot.start_picked.connect(self.form.set_start)
        self.controller.run_started.connect(self._on_run_started)
        self.controller.rows_arrived.connect(self._on_rows_arrived)
        self.controller.run_finished.connect(self._on_run_finished)
        self.controller.run_failed.connect(self._on_run_failed)
        self.controller.run_rejected.connect(self._on_run_rejected)
        self.playback.index_changed.connect(self._on_index_changed)
        self.files.reported.connect(self.show_status)
        self.files.settings_opened.connect(self._on_settings_opened)
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
        self.data_dock.setVisible(self.form.mode_switch.is_data_mode())  # as the form's mode

    @Slot(str)
    def show_status(self, message: str) -> None:
        self.status_label.setText(message)

    @Slot()
    def reset_to_defaults(self) -> None:
        """Forget the stored settings and show the default example."""
        self.store.clear()
        self.form.select_preset(DEFAULT_PRESET)
        self.show_status("Reset to the default example")

    @Slot()
    def show_variants_help(self) -> None:
        lines = []
        for variant in VARIANTS.values():
            equations = "<br>".join(variant.equations)
            lines.append(
                f"<p><b>{variant.title}</b> ({variant.name}): {variant.summary}<br>"
                f"<code>{equations}</code></p>"
            )
        self._show_message("What each variant does", "".join(lines))

    @Slot()
    def show_about(self) -> None:
        self._show_message(
            "About gdexplorer",
            f"<p><b>gdexplorer {__version__}</b></p><p>Type a function, run gradient descent on "
            "it and step through every iteration: the path on the landscape, f and |∇f| "
            "against the iteration, and each update written out with its numbers.</p>",
        )

    def _show_message(self, title: str, html: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, html, parent=self)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    # -- slots --------------------------------------------------------------------------

    @Slot(object)
    def _on_run_requested(self, config: RunConfig) -> None:
        self.controller.start(config)

    @Slot(object)
    def _on_run_started(self, run: Run) -> None:
        self.store.save_config(run.config)
        planned = getattr(run, "total_updates", run.config.iterations)
        self._streaming = True
        self._show_trajectory(run, self.controller.trajectory, planned)
        self.form.set_running(True)
        self.stop_action.setEnabled(True)
        self._set_progress(0, planned)
        self.show_status("Running…")

    @Slot(int)
    def _on_rows_arrived(self, _count: int) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def _on_refresh_due(self) -> None:
        """While a run streams, the views redraw in three turns of the event loop, so timers
        and input are handled in between instead of waiting for all: the paths; then the
        playback bar and what follows its index (inspector, markers); then, at most
        CONVERGENCE_FPS times a second, the convergence plots."""
        self._refresh_paths()
        self._follow_timer.start()

    def _refresh_views(self) -> None:
        """Draw every row that has arrived; the convergence plots (the slowest to draw) fit
        their axes to the rows in a later turn of the event loop."""
        self._follow_timer.stop()
        self._refresh_paths()
        self._follow_rows(streaming=False)
        self._convergence_timer.start()

    def _refresh_paths(self) -> None:
        trajectory = self.controller.trajectory
        if trajectory is None:
            return
        redraw_gate.hold_runs()
        self.plot.refresh_path()
        self.data_panel.refresh_path()
        self._set_progress(trajectory.iterations, self.progress.maximum())

    @Slot()
    def _follow_rows(self, streaming: bool = True) -> None:
        trajectory = self.controller.trajectory
        if trajectory is None:
            return
        redraw_gate.hold_runs()
        self.playback.set_count(len(trajectory))
        if streaming and self._convergence_clock.elapsed() >= 1000 / CONVERGENCE_FPS:
            self._convergence_timer.start()

    @Slot()
    def _redraw_convergence(self) -> None:
        self._convergence_clock.restart()
        if self._streaming:
            self.convergence.redraw_now()
        else:
            self.convergence.end_stream()

    @Slot(int)
    def _on_index_changed(self, index: int) -> None:
        redraw_gate.hold_runs()
        self.plot.show_iteration(index)
        self.convergence.show_iteration(index)
        self.inspector.show_iteration(index)
        self.data_panel.show_iteration(index)

    @Slot(object)
    def _on_run_finished(self, outcome: Outcome) -> None:
        self._run_ended(outcome.message)
        self.files.set_outcome(outcome)
        self._set_progress(outcome.iterations, outcome.iterations)
        self.playback.suggest_speed(outcome.iterations)

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self._run_ended(f"The run stopped: {message}")

    def _set_progress(self, done: int, total: int) -> None:
        """The bar and its text "1,234 / 20,000 iterations" (Qt's %v has no separators)."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(f"{done:,} / {total:,} iterations" if total else "no run yet")

    def _run_ended(self, message: str) -> None:
        self._streaming = False
        self._refresh_timer.stop()
        self._refresh_views()
        self.form.set_running(False)
        self.stop_action.setEnabled(False)
        self.show_status(message)

    @Slot(str)
    def _on_run_rejected(self, message: str) -> None:
        self.form.show_run_error(message)
        self.show_status(f"Cannot run: {message}")

    @Slot(object)
    def _on_function_changed(self, shown: ShownFunction) -> None:
        start = shown.start if shown.start is not None else (1.0,) * shown.objective.dimension
        self.plot.show_objective(shown.objective, shown.plot_range, start, shown.minima)

    @Slot(bool)
    def _on_data_mode_changed(self, data: bool) -> None:
        """The data and its model are shown (above the compare tabs) while learning from data."""
        self.data_dock.setVisible(data)
        if data:
            self.data_dock.raise_()
            self.resizeDocks([self.data_dock], [DATA_HEIGHT], Qt.Orientation.Vertical)

    @Slot(object)
    def _on_settings_opened(self, config: RunConfig) -> None:
        self.form.set_config(config)

    @Slot(object, object)
    def _on_trajectory_opened(self, trajectory: Trajectory, run: Run | None) -> None:
        objective = self.form.function_field.objective()
        if run is None and (objective is None or objective.variables != trajectory.variables):
            self.show_status(
                "That CSV has no settings file beside it, so its function is unknown; "
                f"type a function of {', '.join(trajectory.variables)} first"
            )
            return
        self.controller.abandon()
        self._refresh_timer.stop()
        self.form.set_running(False)
        self.stop_action.setEnabled(False)
        if run is not None:
            self.form.set_config(run.config)
        self._show_trajectory(run, trajectory)
        self.playback.set_count(len(trajectory))
        self._set_progress(trajectory.iterations, trajectory.iterations)
        self.playback.suggest_speed(trajectory.iterations)

    def _show_trajectory(
        self, run: Run | None, trajectory: Trajectory, planned: int | None = None
    ) -> None:
        self.playback.reset()
        self.plot.show_run(trajectory, maximize=run is not None and run.config.maximize)
        self.convergence.show_run(trajectory, planned)
        if run is not None:
            self.inspector.show_run(run, trajectory)
        else:
            self.inspector.clear_run()
        self.files.set_shown(trajectory, run.config if run is not None else None)
        self.data_panel.show_run(run, trajectory)  # clears itself unless the run is on data

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
        config = self.form.config()
        if config is not None:
            self.store.save_config(config)
        self.store.save_window(self)
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.files.open_path(path)


def _dropped_path(event: QDropEvent | QDragEnterEvent) -> str | None:
    """The first local .json or .csv file being dropped, if any."""
    for url in event.mimeData().urls():
        path = url.toLocalFile()
        if path.lower().endswith((".json", ".csv")):
            return path
    return None
