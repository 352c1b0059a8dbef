"""The runs table of the Compare dock: :class:`~gdexplorer.ui.compare.runs_table.RunsTable` with a
check box per run (drawn on the plots or not), sorted by run number."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from gdexplorer.ui.compare.runs_table import SORT_ROLE, RunsTable, RunsTableModel

_CHECK = Qt.ItemDataRole.CheckStateRole
_Index = QModelIndex | QPersistentModelIndex


def run_number(name: str) -> int:
    """7 for "Run 7"; 0 for a name that does not end in a number."""
    tail = name.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class _ShownRunsModel(RunsTableModel):
    """The runs table's rows with a check box in the first column: shown on the plot or not."""

    shown_toggled = Signal(int, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.shown: list[bool] = []

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == SORT_ROLE and index.isValid() and index.column() == 0:
            return float(run_number(self.run(index.row()).name))  # Run 2 before Run 10
        if role == _CHECK and index.isValid() and index.column() == 0:
            shown = index.row() < len(self.shown) and self.shown[index.row()]
            return Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 0:
            return "Tick to draw this run on the plots, untick to hide it"
        return super().data(index, role)

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != _CHECK or not index.isValid() or index.column() != 0:
            return False
        shown = Qt.CheckState(value) == Qt.CheckState.Checked
        self.shown[index.row()] = shown
        self.dataChanged.emit(index, index, [_CHECK])
        self.shown_toggled.emit(index.row(), shown)
        return True


class CompareTable(RunsTable):
    """:class:`RunsTable` with the show/hide check boxes of :class:`_ShownRunsModel`."""

    model: _ShownRunsModel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = _ShownRunsModel(self)
        self.proxy.setSourceModel(self.model)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        rows = self.view.verticalHeader()
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)  # six runs fit the dock
