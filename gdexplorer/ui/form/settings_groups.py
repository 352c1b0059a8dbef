"""The form's two groups of numbers: the optimizer (variant, learning rate, hyperparameters) and
the gradient and stopping rules.

Each group builds and owns its fields; :class:`~gdexplorer.ui.form.controls.ControlsForm` reads
them, connects their edits to its validation and turns them into a RunConfig. They are kept
apart from the form so the form reads as what it does (parse, validate, emit) rather than as a
list of widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from gdexplorer.core.config import MAX_ITERATIONS
from gdexplorer.core.gradients import DEFAULT_H, GRADIENT_MODES, GRADIENT_TITLES
from gdexplorer.core.optimizers import ALL_VARIANTS, HYPERPARAMETER_NAMES, Variant, get_variant
from gdexplorer.ui.form.fields import (
    HYPERPARAMETER_LABELS,
    HYPERPARAMETER_TIPS,
    LearningRateControl,
    NumberField,
    difference_step,
    hint_label,
    non_negative,
    positive,
    unit_interval,
)
from gdexplorer.ui.form.line_search_group import LineSearchGroup


class OptimizerGroup(QGroupBox):
    """Variant, its summary, the learning rate and the hyperparameters the variant uses."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Optimizer", parent)
        form = QFormLayout(self)
        self.variant_combo = QComboBox(self)
        for variant in ALL_VARIANTS.values():
            self.variant_combo.addItem(variant.title, variant.name)
            self.variant_combo.setItemData(
                self.variant_combo.count() - 1, variant.summary, Qt.ItemDataRole.ToolTipRole
            )
        form.addRow("Variant", self.variant_combo)
        self.variant_hint = hint_label(self)
        form.addRow(self.variant_hint)
        self.learning_rate = LearningRateControl(0.1, self)
        form.addRow("Learning rate", self.learning_rate)
        self.hyperparameters: dict[str, NumberField] = {}
        for name in HYPERPARAMETER_NAMES:
            field = NumberField(0.0, positive if name == "eps" else unit_interval, self)
            field.setToolTip(HYPERPARAMETER_TIPS[name])
            form.addRow(HYPERPARAMETER_LABELS[name], field)
            self.hyperparameters[name] = field
        self.line_search = LineSearchGroup(self)  # line_search_group.py
        form.addRow(self.line_search)
        self._form = form

    def variant(self) -> Variant:
        """The chosen variant."""
        return get_variant(self.variant_combo.currentData())

    def show_variant(self) -> None:
        """Show only the chosen variant's hyperparameters, set to its defaults, and its summary."""
        variant = self.variant()
        for name, field in self.hyperparameters.items():
            used = name in variant.defaults
            self._form.setRowVisible(field, used)
            if used:
                field.set_value(variant.defaults[name])
        self.variant_hint.setText(variant.summary)
        self.line_search.follow_variant(variant.name)


class StoppingGroup(QGroupBox):
    """How the gradient is computed (and its step h), the iteration cap, tolerances, maximize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Gradient and stopping", parent)
        form = QFormLayout(self)
        self.gradient_combo = QComboBox(self)
        for mode in GRADIENT_MODES:
            self.gradient_combo.addItem(GRADIENT_TITLES[mode], mode)
        form.addRow("Gradient", self.gradient_combo)
        self.h_field = NumberField(DEFAULT_H, difference_step, self)
        self.h_field.setToolTip("The finite-difference step (used by central and forward)")
        form.addRow("h", self.h_field)
        self.iterations = QSpinBox(self)
        self.iterations.setRange(1, MAX_ITERATIONS)
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.setValue(1000)
        form.addRow("Max iterations", self.iterations)
        self.tol_grad = NumberField(1e-6, non_negative, self)
        self.tol_grad.setToolTip("Stop when |∇f| falls below this (0: never)")
        form.addRow("Stop at |∇f| <", self.tol_grad)
        self.tol_step = NumberField(0.0, non_negative, self)
        self.tol_step.setToolTip("Stop when a step is shorter than this (0: never)")
        form.addRow("Stop at |step| <", self.tol_step)
        self.maximize = QCheckBox("Maximize (climb instead of descend)", self)
        form.addRow(self.maximize)

    def show_gradient_mode(self) -> None:
        """h matters only for the finite-difference modes."""
        self.h_field.set_active(self.gradient_combo.currentData() != "symbolic")
