"""The comparison table: one row per run, sortable by any column.

Each row shows what a student compares: the variant and its hyperparameters, the learning rate,
why the run stopped, after how many iterations, where it ended, f there, and the time taken.
Numbers sort as numbers (a diverged run's final f sorts last). A run that diverged or left f's
domain says so in red, and its final point (the last finite one) is greyed.
Selecting a row emits :attr:`RunsTable.run_selected` with the run's index in the list given to
:meth:`RunsTable.set_runs`, so the window can show that run in the inspector.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from gdexplorer.core.engine import StopReason
from gdexplorer.core.many.runs_io import RunRecord
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.stepsize.describe import short_rate

COLUMNS = (
    "Run", "Variant", "Learning rate", "Hyperparameters", "Stopped because", "Iterations",
    "Final point", "Final f", "Time",
)  # fmt: skip
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
FAILED = QColor("#c0392b")
GREYED = QColor("#8a8a8a")
SYMBOLS = {"momentum": "μ", "beta1": "β₁", "beta2": "β₂", "rho": "ρ", "eps": "ε"}
REASON_TEXT = {
    StopReason.GRADIENT_SMALL: "converged (gradient ≈ 0)",
    StopReason.STEP_SMALL: "converged (step ≈ 0)",
    StopReason.MAX_ITERATIONS: "iteration limit",
    StopReason.DIVERGED: "diverged",
    StopReason.UNDEFINED: "left f's domain",
    StopReason.CANCELLED: "stopped by you",
    StopReason.PRECISION_LOST: "gradient lost precision",
    StopReason.UNBOUNDED: "f unbounded",
}
_Index = QModelIndex | QPersistentModelIndex


class RunsTableModel(QAbstractTableModel):
    """The runs as table rows; display text plus a numeric sort value per cell."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._runs: list[RunRecord] = []
        self._colours: list[QColor | None] = []

    def set_runs(self, runs: Sequence[RunRecord], colours: Sequence | None = None) -> None:
        """Replace the rows; ``colours`` (one per run) are shown as swatches by the names."""
        self.beginResetModel()
        self._runs = list(runs)
        given = list(colours) if colours is not None else []
        self._colours = [QColor(given[i]) if i < len(given) else None for i in range(len(runs))]
        self.endResetModel()

    def run(self, row: int) -> RunRecord:
        return self._runs[row]

    def rowCount(self, parent: _Index | None = None) -> int:  # noqa: N802 (Qt's naming)
        return 0 if parent is not None and parent.isValid() else len(self._runs)

    def columnCount(self, parent: _Index | None = None) -> int:  # noqa: N802 (Qt's naming)
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        run, column = self._runs[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(run, column)
        if role == SORT_ROLE:
            return sort_value(run, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "Run":
            return self._colours[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and run.outcome is not None:
            return run.outcome.message
        failed = _failed(run)
        if role == Qt.ItemDataRole.ForegroundRole and failed:
            return FAILED if column in ("Stopped because", "Final f") else GREYED
        if role == Qt.ItemDataRole.FontRole and failed and column == "Stopped because":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


_NUMERIC = ("Learning rate", "Iterations", "Final f", "Time")


def _failed(run: RunRecord) -> bool:
    return run.outcome is not None and run.outcome.reason in (
        StopReason.DIVERGED,
        StopReason.UNDEFINED,
        StopReason.PRECISION_LOST,
        StopReason.UNBOUNDED,
    )


def cell_text(run: RunRecord, column: str) -> str:
    """What the table shows in ``column`` for ``run``."""
    config, outcome = run.config, run.outcome
    if column == "Run":
        return run.name
    if column == "Variant":
        search = f", {config.line_search.name} line search" if config.line_search else ""
        return get_variant(config.variant).title + search
    if column == "Learning rate":
        return short_rate(config.learning_rate, config.schedule)
    if column == "Hyperparameters":
        return hyperparameter_text(run)
    if column == "Stopped because":
        return REASON_TEXT[outcome.reason] if outcome else "running…"
    if column == "Iterations":
        return f"{outcome.iterations:,}" if outcome else f"{run.trajectory.iterations:,}"
    if len(run.trajectory) == 0:
        return ""
    if column == "Final point":
        return "(" + ", ".join(f"{v:.6g}" for v in run.trajectory.points[-1]) + ")"
    if column == "Final f":
        return "— diverged" if _failed(run) else f"{_final_value(run):.6g}"
    return _seconds_text(run.seconds)


def sort_value(run: RunRecord, column: str) -> float | str:
    """The value the column sorts by: numbers for numeric columns, else the text."""
    if column == "Learning rate":
        return float(run.config.learning_rate)
    if column == "Iterations":
        return float(run.outcome.iterations if run.outcome else run.trajectory.iterations)
    if column == "Final f":
        failed = _failed(run) or len(run.trajectory) == 0
        return math.inf if failed else _final_value(run)
    if column == "Time":
        return math.inf if run.seconds is None else float(run.seconds)
    return cell_text(run, column)


def hyperparameter_text(run: RunRecord) -> str:
    """``μ 0.9`` or ``β₁ 0.9, β₂ 0.999, ε 1e-08``; ``—`` for plain gradient descent."""
    variant = get_variant(run.config.variant)
    values = variant.hyperparameters(run.config.hyperparameter_overrides())
    return ", ".join(f"{SYMBOLS.get(k, k)} {v:g}" for k, v in values.items()) or "—"


def _seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


class RunsTable(QWidget):
    """A sortable table of runs; :meth:`set_runs` fills it."""

    run_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RunsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # columns keep their content's width; a narrow dock scrolls them smoothly, never squeezes
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_runs(self, runs: Sequence[RunRecord], colours: Sequence | None = None) -> None:
        self.model.set_runs(runs, colours)

    def selected_run(self) -> int | None:
        """The index (in the list given to :meth:`set_runs`) of the selected run, if any."""
        current = self.view.selectionModel().currentIndex()
        return self.proxy.mapToSource(current).row() if current.isValid() else None

    def select_run(self, run: int) -> None:
        """Select the run with this index (as in :meth:`set_runs`), wherever it is sorted."""
        index = self.proxy.mapFromSource(self.model.index(run, 0))
        self.view.setCurrentIndex(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.run_selected.emit(self.proxy.mapToSource(current).row())


def _final_value(run: RunRecord) -> float:
    """The last f computed (a run on big data records it only every few updates)."""
    values = run.trajectory.values
    computed = values[~np.isnan(values)]
    return float(computed[-1]) if len(computed) else math.nan
