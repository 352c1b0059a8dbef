"""The File menu: open settings, open and export trajectories, export the plot.

Every action takes an optional path (tests and drag-and-drop give one; otherwise a file dialog
asks). Reading and writing are the core's (``trajectory_files``, ``write_csv``, which writes
the CSV and its settings as a safe pair); any failure becomes one sentence in
the window (``reported``), and nothing already shown or saved is lost.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.export import write_data_csv
from gdexplorer.core.engine import Outcome
from gdexplorer.core.errors import GdxError
from gdexplorer.core.files.csv_table import first_line as first_line  # moved to the core
from gdexplorer.core.files.trajectory_files import open_trajectory_csv, read_settings
from gdexplorer.core.summary import settings_with_outcome
from gdexplorer.core.trajectory import Trajectory, write_csv
from gdexplorer.core.trajectory import trajectory_from_table as trajectory_from_table  # moved

SETTINGS_FILTER = "Settings (*.json);;All files (*)"
CSV_FILTER = "Trajectory CSV (*.csv);;All files (*)"
PNG_FILTER = "PNG image (*.png)"
_LAST_FOLDER_KEY = "files/last_folder"


class FileActions(QObject):
    """Dialogs and file IO for the main window.

    Signals
    -------
    reported(str):
        What happened, for the status bar ("Exported 313 rows to ...", or why it failed).
    settings_opened(RunConfig):
        A settings file was read and validated; the form should show it.
    trajectory_opened(Trajectory, DescentRun | None):
        A CSV was read; the run (not started) describes it when its settings file was found.
    """

    reported = Signal(str)
    settings_opened = Signal(object)
    trajectory_opened = Signal(object, object)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._trajectory: Trajectory | None = None
        self._config: RunConfig | None = None
        self._outcome: Outcome | None = None
        self._plot = None
        self.open_settings_action = self._action("&Open settings JSON…", "Ctrl+O")
        self.open_settings_action.triggered.connect(self._on_open_settings_triggered)
        self.open_trajectory_action = self._action("Open &trajectory CSV…", "Ctrl+Shift+O")
        self.open_trajectory_action.triggered.connect(self._on_open_trajectory_triggered)
        self.export_trajectory_action = self._action("&Export trajectory CSV…", "Ctrl+E")
        self.export_trajectory_action.triggered.connect(self._on_export_trajectory_triggered)
        self.export_plot_action = self._action("Export &plot PNG…", "Ctrl+Shift+E")
        self.export_plot_action.triggered.connect(self._on_export_plot_triggered)

    def _action(self, text: str, shortcut: str) -> QAction:
        action = QAction(text, self._parent_widget)
        action.setShortcut(QKeySequence(shortcut))
        return action

    @Slot()
    def _on_open_settings_triggered(self) -> None:
        self.open_settings()

    @Slot()
    def _on_open_trajectory_triggered(self) -> None:
        self.open_trajectory()

    @Slot()
    def _on_export_trajectory_triggered(self) -> None:
        self.export_trajectory()

    @Slot()
    def _on_export_plot_triggered(self) -> None:
        self.export_plot()

    def set_plot(self, plot_view) -> None:
        """The PlotView whose ``export_png`` saves the plot."""
        self._plot = plot_view

    def set_shown(self, trajectory: Trajectory | None, config: RunConfig | None) -> None:
        """The trajectory on screen and its settings (what Export writes)."""
        self._trajectory = trajectory
        self._config = config
        self._outcome = None

    def set_outcome(self, outcome: Outcome | None) -> None:
        """How the run on screen ended: Export writes it beside the settings."""
        self._outcome = outcome

    def open_settings(self, path: str | None = None) -> bool:
        path = path or self._ask_open("Open settings", SETTINGS_FILTER)
        if not path:
            return False
        try:
            config = read_settings(path)
        except GdxError as error:
            self.reported.emit(f"Could not open the settings: {error}")
            return False
        self.settings_opened.emit(config)
        self.reported.emit(f"Loaded the settings from {path}; press Run to run them")
        return True

    def open_trajectory(self, path: str | None = None) -> bool:
        path = path or self._ask_open("Open trajectory", CSV_FILTER)
        if not path:
            return False
        try:
            trajectory, run = open_trajectory_csv(path)
        except GdxError as error:
            self.reported.emit(f"Could not open the trajectory: {error}")
            return False
        self.reported.emit(f"Showing {trajectory.iterations:,} iterations from {path}")
        self.trajectory_opened.emit(trajectory, run)
        return True

    def export_trajectory(self, path: str | None = None) -> bool:
        if self._trajectory is None or len(self._trajectory) == 0:
            self.reported.emit("Nothing to export yet: press Run first")
            return False
        path = path or self._ask_save("Export trajectory", CSV_FILTER, "trajectory.csv")
        if not path:
            return False
        config = self._config
        settings = settings_with_outcome(config, self._outcome) if config is not None else None
        try:
            if config is not None and config.data:  # a run on data: its batches too
                written = write_data_csv(self._trajectory, path, config, settings=settings)
            else:
                written = write_csv(self._trajectory, path, settings=settings)
        except GdxError as error:
            self.reported.emit(f"Export failed, nothing was changed: {error}")
            return False
        beside = f" (settings in {written.with_suffix('.json').name})" if settings else ""
        self.reported.emit(f"Exported {len(self._trajectory):,} rows to {written}{beside}")
        return True

    def export_plot(self, path: str | None = None) -> bool:
        if self._plot is None:
            return False
        path = path or self._ask_save("Export plot", PNG_FILTER, "plot.png")
        if not path:
            return False
        try:
            written = self._plot.export_png(path)  # ``.png`` added when the name has none
        except GdxError as error:
            self.reported.emit(f"Export failed: {error}")
            return False
        self.reported.emit(f"Saved the plot to {written}")
        return True

    def open_path(self, path: str) -> bool:
        """Open a dropped file: settings (.json) or a trajectory (.csv)."""
        suffix = Path(path).suffix.lower()
        if suffix == ".json":
            return self.open_settings(path)
        if suffix == ".csv":
            return self.open_trajectory(path)
        self.reported.emit(f"Drop a settings .json or a trajectory .csv, not {Path(path).name}")
        return False

    def _ask_open(self, title: str, filters: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self._parent_widget, title, self._folder(), filters)
        self._remember(path)
        return path

    def _ask_save(self, title: str, filters: str, name: str) -> str:
        start = str(Path(self._folder()) / name)
        path, _ = QFileDialog.getSaveFileName(self._parent_widget, title, start, filters)
        self._remember(path)
        return path

    def _folder(self) -> str:
        folder = QSettings().value(_LAST_FOLDER_KEY)
        return folder if isinstance(folder, str) and Path(folder).is_dir() else str(Path.home())

    def _remember(self, path: str) -> None:
        if path:
            QSettings().setValue(_LAST_FOLDER_KEY, str(Path(path).parent))
