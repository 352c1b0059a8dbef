"""The list of runs to compare: add, edit a copy, remove, show or hide, export and import.

The panel keeps the runs (:class:`~gdexplorer.core.many.runs_io.RunRecord`: settings, rows, outcome,
time) with a colour and a shown flag each, and shows them in a
:class:`~.RunsTable` whose first column has a check box (shown on the
plot or not) and the run's colour. Runs are computed on a worker thread with the single-run
engine (they are few); "Compare all variants" first picks a learning rate per variant with a
quick vectorized sweep (:func:`~gdexplorer.core.many.rates.suggested_rate`).

All runs of the list are on one function: the race draws them over one landscape. The panel
knows nothing of the window: it asks ``config_source()`` for the form's settings and says what
happened through its signals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError
from gdexplorer.core.many import jobs as compare_jobs
from gdexplorer.core.many.rates import RULE
from gdexplorer.core.many.runs_io import RunRecord, read_runs, write_runs
from gdexplorer.core.optimizers import get_variant
from gdexplorer.ui.compare.job_panel import JobPanel
from gdexplorer.ui.compare.table import CompareTable, run_number
from gdexplorer.ui.views.multi_path import RUN_COLOURS

RUNS_FILTER = "Runs CSV (*.csv);;All files (*)"
SIDE_WIDTH = 310
_CHECK = Qt.ItemDataRole.CheckStateRole


class RunsPanel(JobPanel[list[RunRecord]]):
    """The runs being compared, and the buttons that change them.

    Signals
    -------
    runs_changed():
        Runs were added, removed, imported, shown or hidden: redraw the race.
    run_selected(int):
        The student selected a run in the table (its index in :attr:`runs`).
    edit_requested(RunConfig):
        "Edit a copy": load these settings into the form.
    race_requested():
        "Race on the plot": draw the shown runs and replay them together.
    reported(str):
        What happened, for the window's status bar.
    """

    runs_changed = Signal()
    run_selected = Signal(int)
    edit_requested = Signal(object)
    race_requested = Signal()

    def __init__(
        self, config_source: Callable[[], RunConfig | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(config_source, "compare-runs", parent)
        self.runs: list[RunRecord] = []
        self.colours: list[str] = []
        self._next_number = 1
        self._build()
        self._update_buttons()

    # -- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.add_button = _button("Add current settings", "Run the form's settings and add them")
        self.all_button = _button(
            "Compare all variants",
            "Every variant from the form's start, each with a learning rate picked by a quick "
            f"sweep (edit any of them afterwards). {RULE}",
        )
        self.edit_button = _button(
            "Edit a copy", "Load the selected run's settings into the form; change them, then "
            "press Add current settings",
        )  # fmt: skip
        self.remove_button = _button("Remove", "Remove the selected run")
        self.clear_button = _button("Remove all", "Empty the list")
        self.export_button = _button("Export…", "Save every run to one CSV (+ JSON settings)")
        self.import_button = _button("Import…", "Open runs exported before")
        self.cancel_button = _button("Cancel", "Stop computing the runs")
        self.export_action = QAction("Export compared runs…", self)
        self.export_action.triggered.connect(self._on_export_clicked)
        self.import_action = QAction("Import compared runs…", self)
        self.import_action.triggered.connect(self._on_import_clicked)
        self.race_button = _button(
            "Race on the plot", "Draw the ticked runs together; Play moves them all at once"
        )
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.status = QLabel("Add runs to race them on the plot: each one in its own colour.")
        self.status.setWordWrap(True)
        self.table = CompareTable()
        self.table.model.shown_toggled.connect(self._on_shown_toggled)
        self.table.run_selected.connect(self.run_selected)
        for button, slot in (
            (self.add_button, self.add_current),
            (self.all_button, self.compare_all_variants),
            (self.edit_button, self._on_edit_clicked),
            (self.remove_button, self._on_remove_clicked),
            (self.clear_button, self.clear),
            (self.export_button, self._on_export_clicked),
            (self.import_button, self._on_import_clicked),
            (self.cancel_button, self.runner.cancel),
            (self.race_button, self.race_requested),
        ):
            button.clicked.connect(slot)
        self._lay_out()

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.setSpacing(4)
        for row, pair in enumerate(
            (
                (self.add_button, self.all_button),
                (self.edit_button, self.remove_button),
                (self.race_button, self.clear_button),
                (self.export_button, self.import_button),
            )
        ):
            for column, button in enumerate(pair):
                grid.addWidget(button, row, column)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self._arrange([grid, busy, self.status], SIDE_WIDTH, self.table)

    # -- public API -------------------------------------------------------------------------

    def shown_runs(self) -> list[int]:
        """Indices (into :attr:`runs`) of the runs drawn on the plots."""
        return [i for i, shown in enumerate(self.table.model.shown) if shown]

    def function_key(self) -> tuple | None:
        """What every run of the list shares: the function and its variables."""
        return _function_key(self.runs[0].config) if self.runs else None

    def is_busy(self) -> bool:
        return self.runner.is_running()

    @Slot()
    def add_current(self) -> None:
        """Run the form's settings and add the run to the list."""
        config = self._usable_config()
        if config is not None:
            number = self._take_numbers(1)
            self.runner.start(compare_jobs.runs_job([config], [f"Run {number}"]))
            self._say(f"Computing Run {number}…")

    @Slot()
    def compare_all_variants(self) -> None:
        """Add every variant from the form's start, each with a suggested learning rate."""
        config = self._usable_config()
        if config is not None:
            number = self._take_numbers(6)
            self.runner.start(compare_jobs.all_variants_job(config, number))
            self._say("Choosing a learning rate for each variant (a quick sweep), then running…")

    def remove(self, index: int) -> None:
        del self.runs[index], self.colours[index], self.table.model.shown[index]
        self._refill()

    @Slot()
    def clear(self) -> None:
        self.runs, self.colours = [], []
        self.table.model.shown = []
        self._refill()
        self._say("The list is empty.")

    def set_shown(self, index: int, shown: bool) -> None:
        """Show or hide run ``index`` on the plots (as its check box does)."""
        model = self.table.model
        model.setData(model.index(index, 0), Qt.CheckState.Checked if shown else
                      Qt.CheckState.Unchecked, _CHECK)  # fmt: skip

    def export_runs(self, path: str | None = None) -> bool:
        """Write every run to ``path`` (CSV) and its JSON; a dialog asks when path is None."""
        if not self.runs:
            self._say("There are no runs to export yet.")
            return False
        path = path or _ask_path(self, save=True)
        if not path:
            return False
        try:
            written = write_runs(self.runs, path)
        except GdxError as error:
            self._say(f"Could not export the runs: {error}")
            return False
        self._say(f"Exported {len(self.runs)} runs to {written} (and {written.stem}.json)")
        return True

    def import_runs(self, path: str | None = None) -> bool:
        """Replace the list with the runs of a file written by :meth:`export_runs`."""
        path = path or _ask_path(self, save=False)
        if not path:
            return False
        try:
            records = read_runs(path)
        except GdxError as error:
            self._say(f"Could not import the runs: {error}")
            return False
        if len({_function_key(r.config) for r in records}) > 1:
            self._say("Could not import the runs: they are not all on one function.")
            return False
        self.runner.cancel()
        self.runs, self.colours = [], []
        self.table.model.shown = []
        self._append(records)
        self._say(f"Imported {len(records)} runs from {path}")
        return True

    # -- internals --------------------------------------------------------------------------

    def _usable_config(self) -> RunConfig | None:
        config = self._form_config()
        if config is None or self._refuses_data(config, "Comparing runs"):
            return None
        key = self.function_key()
        if key is not None and _function_key(config) != key:
            self._say(
                f"The runs here are on f = {self.runs[0].config.function}. Press Remove all to "
                "compare runs on the form's function."
            )
            return None
        return config

    def _take_numbers(self, count: int) -> int:
        first = self._next_number
        self._next_number += count
        return first

    def _append(self, records: list[RunRecord]) -> None:
        for record in records:
            self.runs.append(record)
            self.colours.append(self._free_colour())
            self.table.model.shown.append(True)
            self._next_number = max(self._next_number, run_number(record.name) + 1)
        self._refill()
        if records:
            self.table.select_run(len(self.runs) - len(records))

    def _free_colour(self) -> str:
        """The first palette colour no listed run uses (removing a run frees its colour)."""
        used = set(self.colours)
        free = [c for c in RUN_COLOURS if c not in used]
        return free[0] if free else RUN_COLOURS[len(self.runs) % len(RUN_COLOURS)]

    def _refill(self) -> None:
        shown = list(self.table.model.shown)
        self.table.set_runs(self.runs, self.colours)
        self.table.model.shown = shown
        self._update_buttons()
        self.runs_changed.emit()

    def _selected(self) -> int | None:
        return self.table.selected_run()

    def _update_buttons(self) -> None:
        busy = self.runner.is_running()
        for button in (self.add_button, self.all_button, self.import_button):
            button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        for button in (self.edit_button, self.remove_button, self.race_button):
            button.setEnabled(bool(self.runs))
        self.clear_button.setEnabled(bool(self.runs) and not busy)
        self.export_button.setEnabled(bool(self.runs))
        self.export_action.setEnabled(bool(self.runs))
        self.import_action.setEnabled(not busy)

    # -- slots ------------------------------------------------------------------------------

    @Slot(bool)
    def _on_busy_changed(self, _busy: bool) -> None:
        self.progress.setRange(0, 0)
        self._update_buttons()

    @Slot(object)
    def _on_job_done(self, records: list[RunRecord]) -> None:
        self._append(records)
        if len(records) == 1:
            outcome = records[0].outcome
            self._say(f"{records[0].name}: {outcome.message if outcome else 'done'}")
        else:
            rates = ", ".join(
                f"{get_variant(r.config.variant).title} {r.config.learning_rate:.3g}"
                for r in records
            )
            self._say(
                f"Added {len(records)} runs. Learning rates: {rates} (the fastest to converge "
                "whose path stays in the plotted region; the button's tip says more). Press "
                "Play to race."
            )

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._say(f"Could not compute the runs: {message}")
        self._update_buttons()

    @Slot()
    def _on_job_cancelled(self) -> None:
        self._say("Cancelled: no run was added.")
        self._update_buttons()

    @Slot(int, bool)
    def _on_shown_toggled(self, _row: int, _shown: bool) -> None:
        self.runs_changed.emit()

    @Slot()
    def _on_edit_clicked(self) -> None:
        index = self._selected()
        if index is None:
            self._say("Select a run in the table first.")
            return
        self.edit_requested.emit(self.runs[index].config)
        self._say(
            f"Loaded the settings of {self.runs[index].name} into the form: change them, then "
            "press Add current settings."
        )

    @Slot()
    def _on_remove_clicked(self) -> None:
        index = self._selected()
        if index is None:
            self._say("Select a run in the table first.")
            return
        name = self.runs[index].name
        self.remove(index)
        self._say(f"Removed {name}.")

    @Slot()
    def _on_export_clicked(self) -> None:
        self.export_runs()

    @Slot()
    def _on_import_clicked(self) -> None:
        self.import_runs()


def _function_key(config: RunConfig) -> tuple:
    """The parsed function and its variables: runs with the same key share one landscape."""
    return compare_jobs.function_identity(config.function, config.variables)


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


def _ask_path(parent: QWidget, save: bool) -> str:
    if save:
        path, _ = QFileDialog.getSaveFileName(parent, "Export runs", "runs.csv", RUNS_FILTER)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, "Import runs", "", RUNS_FILTER)
    return path
