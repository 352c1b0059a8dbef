"""The form's two modes: gradient descent on a typed function, or learning from data.

:class:`ModeSwitch` sits at the top of the form. :func:`show_mode` shows the fields of one
mode: in data mode the function and its examples give way to the data section, the start point
becomes the parameters' start, the gradient setting is fixed to exact (a run on data averages
the exact per-example gradients) and "iterations" are called updates.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

EXACT_ON_DATA = (
    "On data the gradient is always exact: the mean of the exact gradients of the examples "
    "in the batch"
)


class ModeSwitch(QWidget):
    """Two exclusive buttons: "Typed function" / "Learn from data".

    Signals
    -------
    mode_changed(bool):
        True when "Learn from data" was chosen (by the student or by :meth:`set_data_mode`).
    """

    mode_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.function_button = QPushButton("Typed function", self)
        self.data_button = QPushButton("Learn from data", self)
        self.function_button.setToolTip("Gradient descent on a function you type")
        self.data_button.setToolTip(
            "Batch, stochastic and mini-batch gradient descent on a data set"
        )
        self._group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for button in (self.function_button, self.data_button):
            button.setCheckable(True)
            self._group.addButton(button)
            row.addWidget(button, 1)
        self.function_button.setChecked(True)
        self.data_button.toggled.connect(self._on_data_toggled)

    def is_data_mode(self) -> bool:
        return self.data_button.isChecked()

    def set_data_mode(self, data: bool) -> None:
        (self.data_button if data else self.function_button).setChecked(True)

    @Slot(bool)
    def _on_data_toggled(self, checked: bool) -> None:
        self.mode_changed.emit(checked)


class ModeFields(Protocol):
    """The fields of the form that :func:`show_mode` shows, hides or renames.

    ``function_field`` sits in a group box laid out as a form, ``iterations`` in a form layout.
    """

    @property
    def data_section(self) -> QWidget: ...

    @property
    def function_field(self) -> QWidget: ...

    @property
    def preset_combo(self) -> QWidget: ...

    @property
    def preset_hint(self) -> QLabel: ...

    @property
    def gradient_combo(self) -> QComboBox: ...

    @property
    def iterations(self) -> QWidget: ...


def show_mode(form: ModeFields, data: bool) -> None:
    """Show the fields of one mode in a :class:`~gdexplorer.ui.form.controls.ControlsForm`."""
    form.data_section.setVisible(data)
    rows = _form_rows(form.function_field)
    group = form.function_field.parentWidget()
    assert isinstance(group, QGroupBox)
    rows.setRowVisible(form.preset_combo, not data)
    rows.setRowVisible(form.function_field, not data)
    rows.setRowVisible(form.preset_hint, not data and bool(form.preset_hint.text()))
    group.setTitle("Parameters" if data else "Function")
    if data:
        form.gradient_combo.setCurrentIndex(max(form.gradient_combo.findData("symbolic"), 0))
    form.gradient_combo.setEnabled(not data)
    form.gradient_combo.setToolTip(EXACT_ON_DATA if data else "")
    label = _form_rows(form.iterations).labelForField(form.iterations)
    if isinstance(label, QLabel):
        label.setText("Max updates" if data else "Max iterations")


def _form_rows(field: QWidget) -> QFormLayout:
    """The form layout ``field`` is a row of (the form builds each of its groups as one)."""
    parent = field.parentWidget()
    rows = parent.layout() if parent is not None else None
    assert isinstance(rows, QFormLayout), "the field is not a row of a form layout"
    return rows
