"""The data section of the form: a data set, the per-example loss, batch size, epochs, seed.

In "Learn from data" mode the form's function is replaced by this section. The student picks a
bundled sample (which fills every field of the form from its run settings) or loads a CSV file,
sees its columns, writes the loss of one example or has a model template write it, and chooses
the flavour of gradient descent by the batch size: all examples (batch), one (stochastic) or a
few (mini-batch). Every problem is shown in red inside the section and keeps Run disabled; the
section never opens a dialog except the file chooser.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import (
    SAMPLE_PREFIX,
    Dataset,
    get_sample,
    load_dataset,
    load_samples,
)
from gdexplorer.core.errors import GdxError
from gdexplorer.ui.form.collapsible import Collapsible
from gdexplorer.ui.form.data_loss_field import LossField
from gdexplorer.ui.form.data_template import TemplatePicker, fit_narrow
from gdexplorer.ui.form.fields import ErrorLabel

HINT_STYLE = "color: palette(placeholder-text);"
CSV_FILTER = "Data CSV (*.csv *.txt);;All files (*)"
MAX_SEED = 2**31 - 1
MAX_EPOCHS = 1_000_000
_LAST_FOLDER_KEY = "files/last_data_folder"


def batch_flavour(batch_size: int | None, n_examples: int) -> str:
    """What the batch size makes of gradient descent, in a student's words."""
    if batch_size is None or batch_size >= n_examples:
        return f"Batch gradient descent: every update uses all {n_examples:,} examples."
    if batch_size == 1:
        return (
            f"Stochastic gradient descent: each update uses one example; {n_examples:,} "
            "updates make an epoch, in a new shuffled order each epoch."
        )
    per_epoch = -(-n_examples // batch_size)
    return (
        f"Mini-batch gradient descent: each update uses {batch_size:,} examples; "
        f"{per_epoch:,} updates make an epoch, shuffled each epoch."
    )


class DataSection(QGroupBox):
    """Everything a run on data needs besides the optimizer and the start point.

    Signals
    -------
    objective_changed(DataObjective):
        The loss and the data gave a new objective (draw its contour, rebuild the start).
    edited():
        Something changed that may make the settings valid or invalid.
    sample_chosen(RunConfig):
        A bundled sample was picked; the form applies all of its settings.
    """

    objective_changed = Signal(object)
    edited = Signal()
    sample_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self._source: str | None = None
        self._dataset: Dataset | None = None
        self._filling = False
        form = QFormLayout(self)
        self._build_source_rows(form)
        self._build_model_rows(form)
        position = cast(tuple[int, Any], form.getWidgetPosition(self.templates.template_combo))
        self._build_batch_rows(form, position[0] + 1)  # data, model, batch: the common case
        self.more = Collapsible("More: epochs, seed, standardize", self)
        self._build_more_rows(self.more.rows)
        form.addRow(self.more)
        self._form = form
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(0)
        self._relayout_timer.timeout.connect(self._on_relayout_due)
        self._show_columns()

    # -- construction -------------------------------------------------------------------

    def _build_source_rows(self, form: QFormLayout) -> None:
        self.sample_combo = QComboBox(self)
        self.sample_combo.addItem("Choose a sample…", None)
        for sample in load_samples():
            self.sample_combo.addItem(sample.title, sample.name)
            self.sample_combo.setItemData(
                self.sample_combo.count() - 1, sample.shows, Qt.ItemDataRole.ToolTipRole
            )
        self.sample_combo.activated.connect(self._on_sample_activated)
        fit_narrow(self.sample_combo)
        form.addRow("Sample", self.sample_combo)
        self.sample_hint = _hint_label(self)
        form.addRow(self.sample_hint)
        self.load_button = QPushButton("Load a CSV file…", self)
        self.load_button.setToolTip("A header row of column names, then one example per line")
        self.load_button.clicked.connect(self._on_load_clicked)
        form.addRow("Or", self.load_button)
        self.columns_label = QLabel(self)
        self.columns_label.setWordWrap(True)
        self.columns_label.setTextFormat(Qt.TextFormat.PlainText)
        self.data_error = ErrorLabel(self)
        form.addRow(self.columns_label)
        form.addRow(self.data_error)

    def _build_model_rows(self, form: QFormLayout) -> None:
        self.templates = TemplatePicker(self, form)
        self.templates.loss_written.connect(self._on_template_loss_written)
        self.loss_field = LossField(self)
        self.loss_field.parsed.connect(self._on_loss_parsed)
        self.loss_field.rejected.connect(self._on_loss_rejected)
        self.loss_field.line_edit.textEdited.connect(self._on_loss_typed)
        form.addRow("Loss ℓ =", self.loss_field)

    def _build_batch_rows(self, form: QFormLayout, row: int) -> None:
        self.batch_size = QSpinBox(self)
        self.batch_size.setRange(0, 1)
        self.batch_size.setSpecialValueText("all")
        self.batch_size.setGroupSeparatorShown(True)
        self.batch_size.setToolTip("Examples per update: all = batch, 1 = stochastic")
        self.batch_size.valueChanged.connect(self._on_batch_size_changed)
        form.insertRow(row, "Batch size", self.batch_size)
        self.flavour_label = _hint_label(self)
        form.insertRow(row + 1, self.flavour_label)

    def _build_more_rows(self, form: QFormLayout) -> None:
        """Epochs, seed and standardizing: folded under "More", as most runs leave them."""
        self.epochs = QSpinBox(self)
        self.epochs.setRange(0, MAX_EPOCHS)
        self.epochs.setSpecialValueText("no limit")
        self.epochs.setGroupSeparatorShown(True)
        self.epochs.setToolTip("Passes over the data; the run also stops at Max updates")
        self.epochs.valueChanged.connect(self._on_setting_changed)
        form.addRow("Epochs", self.epochs)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("The shuffling of each epoch comes from it: same seed, same run")
        self.seed.valueChanged.connect(self._on_setting_changed)
        self.new_seed_button = QPushButton("New", self)
        self.new_seed_button.setToolTip("Pick a random seed")
        self.new_seed_button.clicked.connect(self._on_new_seed_clicked)
        row = QHBoxLayout()
        row.addWidget(self.seed, 1)
        row.addWidget(self.new_seed_button)
        form.addRow("Seed", row)
        self.standardize = QCheckBox("Standardize features (mean 0, std 1)", self)
        self.standardize.setToolTip(
            "Rescale each feature column: a round valley instead of a long narrow one"
        )
        self.standardize.toggled.connect(self._on_standardize_toggled)
        form.addRow(self.standardize)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Re-wrap the long labels once the size has settled.

        Inside the form's scroll area, QFormLayout keeps row heights it computed for an earlier
        width (before the scroll bar appeared), squeezing wrapped text; recomputing them after
        the resize, in the next turn of the event loop, lays them out for the final width.
        """
        super().resizeEvent(event)
        if not self._relayout_timer.isActive():
            self._relayout_timer.start()

    @Slot()
    def _on_relayout_due(self) -> None:
        self._form.invalidate()

    # -- public API ---------------------------------------------------------------------

    def dataset(self) -> Dataset | None:
        """The data set as loaded (not standardized)."""
        return self._dataset

    def objective(self):
        """The DataObjective of the typed loss on the data, or None while something is wrong."""
        return self.loss_field.objective()

    def is_valid(self) -> bool:
        """No problem shown (a loss still being typed counts as fine until it is parsed)."""
        if self._dataset is None:
            return False
        return self.loss_field.is_pending() or self.loss_field.error() is None

    def config_fields(self) -> dict[str, Any] | None:
        """The RunConfig fields this section decides, or None while something is wrong."""
        if self._dataset is None or self.objective() is None:
            return None
        return {
            "function": self.loss_field.text(),
            "variables": self.loss_field.variables(),
            **self.data_settings(),
        }

    def data_settings(self) -> dict[str, Any]:
        """``data``, ``batch_size``, ``epochs``, ``seed`` and ``standardize`` as shown."""
        return {
            "data": self._source,
            "batch_size": self.batch_size.value() or None,
            "epochs": self.epochs.value() or None,
            "seed": self.seed.value(),
            "standardize": self.standardize.isChecked(),
        }

    def set_config(self, config: RunConfig) -> None:
        """Show a run's data settings; a data set that cannot be loaded is reported inline."""
        self._filling = True
        try:
            self._load(config.data or "")
            self.seed.setValue(min(max(config.seed, 0), MAX_SEED))
            self.epochs.setValue(min(config.epochs or 0, MAX_EPOCHS))
            self.batch_size.setValue(config.batch_size or 0)
            self.standardize.setChecked(config.standardize)
            if config.epochs or config.standardize:  # a setting that matters is never folded
                self.more.set_open(True)
        finally:
            self._filling = False
        self.loss_field.set_data(self._dataset, config.standardize)
        self.loss_field.set_text(config.function, config.variables)
        self.templates.show_matching(config.function)
        self._show_flavour()
        self.edited.emit()

    def load_file(self, path: str) -> bool:
        """Load a CSV file (the button does this after its dialog); False if it is unusable."""
        loaded = self._load(path)
        self.loss_field.set_data(self._dataset, self.standardize.isChecked())
        self.edited.emit()
        return loaded

    # -- internals ----------------------------------------------------------------------

    def _load(self, source: str) -> bool:
        """Load ``source`` and show its columns; on failure show why and forget the data."""
        self._source = source or None
        sample = source[len(SAMPLE_PREFIX) :] if source.startswith(SAMPLE_PREFIX) else None
        self.sample_combo.setCurrentIndex(max(self.sample_combo.findData(sample), 0))
        shows = ""
        if sample is not None and self.sample_combo.currentIndex() > 0:  # one of the samples
            shows = get_sample(sample).shows
        self.sample_hint.setText(shows)
        self.sample_hint.setVisible(bool(shows))
        try:
            self._dataset = load_dataset(source) if source else None
            self.data_error.show_message(None)
        except GdxError as problem:
            self._dataset = None
            self.data_error.show_message(str(problem))
        self._show_columns()
        return self._dataset is not None

    def _show_columns(self) -> None:
        dataset = self._dataset
        self.columns_label.setText(dataset.describe() if dataset is not None else "No data yet.")
        self.columns_label.setStyleSheet("" if dataset is not None else HINT_STYLE)
        n = len(dataset) if dataset is not None else 1
        self.batch_size.setRange(0, n)
        self.templates.set_dataset(dataset)
        self._show_flavour()

    def _show_flavour(self) -> None:
        n = len(self._dataset) if self._dataset is not None else 0
        text = batch_flavour(self.batch_size.value() or None, n) if n else ""
        self.flavour_label.setText(text)
        self.flavour_label.setVisible(bool(text))
        shuffled = n > 0 and 0 < self.batch_size.value() < n
        self.seed.setToolTip(
            "The shuffling of each epoch comes from it: same seed, same run"
            if shuffled
            else "Batch gradient descent does not shuffle, so the seed has no effect"
        )

    # -- slots --------------------------------------------------------------------------

    @Slot(int)
    def _on_sample_activated(self, index: int) -> None:
        name = self.sample_combo.itemData(index)
        if name is not None:
            self.sample_chosen.emit(get_sample(name).config)

    @Slot()
    def _on_load_clicked(self) -> None:
        folder = QSettings().value(_LAST_FOLDER_KEY, "")
        path, _ = QFileDialog.getOpenFileName(
            self, "Load data", folder if isinstance(folder, str) else "", CSV_FILTER
        )
        if path:
            QSettings().setValue(_LAST_FOLDER_KEY, str(Path(path).parent))
            self.load_file(path)

    @Slot(str)
    def _on_template_loss_written(self, text: str) -> None:
        self.loss_field.set_text(text)
        self.edited.emit()

    @Slot(str)
    def _on_loss_typed(self, _text: str) -> None:
        self.templates.show_typed()  # the loss is the student's own now
        self.edited.emit()

    @Slot(object)
    def _on_loss_parsed(self, objective) -> None:
        self.objective_changed.emit(objective)
        self.edited.emit()

    @Slot(str)
    def _on_loss_rejected(self, _message: str) -> None:
        self.edited.emit()

    @Slot(int)
    def _on_batch_size_changed(self, _value: int) -> None:
        self._show_flavour()
        self._on_setting_changed()

    @Slot()
    def _on_setting_changed(self) -> None:
        if not self._filling:
            self.edited.emit()

    @Slot()
    def _on_new_seed_clicked(self) -> None:
        self.seed.setValue(random.randrange(MAX_SEED))

    @Slot(bool)
    def _on_standardize_toggled(self, checked: bool) -> None:
        if not self._filling:
            self.loss_field.set_data(self._dataset, checked)
            self.edited.emit()


def _hint_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    label.hide()
    return label
