"""The model-template rows of the data section: model, target column, feature columns.

Picking a model (linear regression with squared error, logistic regression with
cross-entropy) writes its per-example loss for the chosen target and features into the loss
field (:func:`gdexplorer.core.data.datasets.template_loss`); changing the target or the features
rewrites it while a model is picked. Typing in the loss field makes the loss the student's own
again ("Typed loss").
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QWidget

from gdexplorer.core.data.datasets import Dataset, split_columns, template_loss
from gdexplorer.core.errors import GdxError
from gdexplorer.ui.form.fields import ErrorLabel, hint_label

TEMPLATES = (
    ("linear regression", "Linear regression (squared error)"),
    ("logistic regression", "Logistic regression (cross-entropy, labels 0/1)"),
)
FEATURES_PER_ROW = 4


def fit_narrow(combo: QComboBox) -> None:
    """Let a combo with long item titles shrink to the form's width (titles are elided)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)


class TemplatePicker(QObject):
    """The rows "Model", "Target" and "Features", added to a form layout.

    Signals
    -------
    loss_written(str):
        A model was picked (or its target or features changed): the loss to show.
    """

    loss_written = Signal(str)

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self.template_combo = QComboBox(parent)
        self.template_combo.addItem("Typed loss (no template)", None)
        for kind, title in TEMPLATES:
            self.template_combo.addItem(title, kind)
        self.template_combo.setToolTip("Picking a model writes its loss into the loss field")
        self.template_combo.activated.connect(self._on_template_activated)
        fit_narrow(self.template_combo)
        form.addRow("Model", self.template_combo)
        self.target_combo = QComboBox(parent)
        self.target_combo.setToolTip("The column the model predicts")
        self.target_combo.activated.connect(self._on_target_activated)
        form.addRow("Target", self.target_combo)
        self.features_box = QWidget(parent)
        self._grid = QGridLayout(self.features_box)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.feature_checks: dict[str, QCheckBox] = {}
        form.addRow("Features", self.features_box)
        self.hint = ErrorLabel(parent)
        form.addRow(self.hint)
        self.note = hint_label(parent)
        self.note.hide()
        form.addRow(self.note)

    def set_dataset(self, dataset: Dataset | None) -> None:
        """Offer this data set's columns: the target by the core's rule, the rest as features."""
        self._dataset = dataset
        columns = dataset.columns if dataset is not None else ()
        self.target_combo.clear()
        for column in columns:
            self.target_combo.addItem(column, column)
        if columns:
            _, target = split_columns(columns, columns)
            self.target_combo.setCurrentIndex(self.target_combo.findData(target))
        self._rebuild_feature_checks()

    def features(self) -> list[str]:
        return [name for name, check in self.feature_checks.items() if check.isChecked()]

    def show_typed(self) -> None:
        """The loss is the student's own (typed, or loaded from settings)."""
        self.template_combo.setCurrentIndex(0)
        self.hint.show_message(None)
        self._show_note()

    def show_matching(self, loss: str) -> None:
        """Pick the model whose loss, for the shown target and features, is ``loss``."""
        self.show_typed()
        target = self.target_combo.currentData()
        for index in range(1, self.template_combo.count()):
            try:
                written = template_loss(
                    self.template_combo.itemData(index), self.features(), target
                )
            except GdxError:
                return
            if written == loss:
                self.template_combo.setCurrentIndex(index)
                self._show_note()
                return

    def _rebuild_feature_checks(self) -> None:
        for check in self.feature_checks.values():
            self._grid.removeWidget(check)
            check.deleteLater()
        self.feature_checks = {}
        target = self.target_combo.currentData()
        columns = self._dataset.columns if self._dataset is not None else ()
        for position, column in enumerate(c for c in columns if c != target):
            check = QCheckBox(column, self.features_box)
            check.setChecked(True)
            check.toggled.connect(self._on_features_toggled)
            row, col = divmod(position, FEATURES_PER_ROW)
            self._grid.addWidget(check, row, col)
            self.feature_checks[column] = check

    def _write(self) -> None:
        """Emit the chosen model's loss for the chosen target and features."""
        kind = self.template_combo.currentData()
        if kind is None or self._dataset is None:
            return
        target = self.target_combo.currentData()
        try:
            text = template_loss(kind, self.features(), target)
        except GdxError as problem:
            self.hint.show_message(str(problem))
            return
        self.hint.show_message(self._label_warning(kind, target))
        self._show_note()
        self.loss_written.emit(text)

    def _show_note(self) -> None:
        """The picked model in plain words (the cross-entropy's written form hides it)."""
        kind, target = self.template_combo.currentData(), self.target_combo.currentData()
        try:
            linear = template_loss("linear regression", self.features(), target)
        except GdxError:
            kind = None
        if kind is None:
            self.note.hide()
            return
        score = linear[1 : -len(f" - {target})^2")]
        if kind == "linear regression":
            text = f"Predicts {score}; ℓ is its squared error."
        else:
            text = (
                f"ℓ = log(1 + exp(−(2·{target} − 1)·z)) with z = {score}, written so that exp "
                f"never overflows. The model's P({target} = 1) is 1/(1 + exp(−z))."
            )
        self.note.setText(text)
        self.note.show()

    def _label_warning(self, kind: str, target: str) -> str | None:
        if kind != "logistic regression" or self._dataset is None:
            return None
        labels = np.unique(self._dataset.column(target))
        if np.isin(labels, (0.0, 1.0)).all():
            return None
        return f"logistic regression expects '{target}' to be 0 or 1; it holds other values"

    @Slot(int)
    def _on_template_activated(self, _index: int) -> None:
        self.hint.show_message(None)
        self._write()

    @Slot(int)
    def _on_target_activated(self, _index: int) -> None:
        self._rebuild_feature_checks()
        self._write()

    @Slot(bool)
    def _on_features_toggled(self, _checked: bool) -> None:
        self._write()
