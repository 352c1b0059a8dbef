"""The form: function, start point, variant, learning rate, stopping rules -> a RunConfig.

Every field checks itself as the student types and says what is wrong next to it; Run is
disabled while something is wrong. The form emits a frozen :class:`RunConfig` and knows nothing
about runs, plots or threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QVBoxLayout,
    QWidget,
)

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import load_samples
from gdexplorer.core.gradients import DEFAULT_H
from gdexplorer.core.objective import Objective
from gdexplorer.core.optimizers import Variant, get_variant
from gdexplorer.core.presets import Preset, get_preset, load_presets
from gdexplorer.ui.form.data_form import DataSection
from gdexplorer.ui.form.data_mode import ModeSwitch, show_mode
from gdexplorer.ui.form.data_template import fit_narrow
from gdexplorer.ui.form.fields import StartPointFields, hint_label, section_label
from gdexplorer.ui.form.function import FunctionField
from gdexplorer.ui.form.preset_note import show_preset_origin, where_to_look
from gdexplorer.ui.form.run_bar import RunBar
from gdexplorer.ui.form.schedule_group import ScheduleGroup
from gdexplorer.ui.form.settings_groups import OptimizerGroup, StoppingGroup
from gdexplorer.ui.form.shown_function import ShownFunction, best_fit


class ControlsForm(QWidget):
    """The settings of the next run.

    Signals
    -------
    run_requested(RunConfig):
        Run was pressed and every field is valid.
    stop_requested():
        Stop was pressed.
    function_changed(ShownFunction):
        The function parsed to a different objective (draw its landscape).
    start_changed(tuple):
        The start point was edited to valid numbers (move the start marker).
    """

    run_requested = Signal(object)
    stop_requested = Signal()
    function_changed = Signal(object)
    start_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preset: Preset | None = None
        self._loading = False
        self._shown: Objective | None = None
        layout = QVBoxLayout(self)
        self.mode_switch = ModeSwitch(self)  # typed function / learn from data (data_mode.py)
        self.mode_switch.mode_changed.connect(self._on_mode_changed)
        layout.addWidget(self.mode_switch)
        self.data_section = DataSection(self)
        self.data_section.objective_changed.connect(self._on_data_parsed)
        self.data_section.edited.connect(self._on_any_edit)
        self.data_section.sample_chosen.connect(self.set_config)
        layout.addWidget(self.data_section)
        layout.addWidget(self._build_function_group())
        layout.addWidget(self._build_optimizer_group())
        self.schedule = ScheduleGroup.attached(self, layout, self._on_any_edit)
        layout.addWidget(self._build_stopping_group())
        layout.addWidget(self._build_run_bar())
        layout.addStretch(1)
        self._on_variant_changed()
        self._on_gradient_mode_changed()
        show_mode(self, False)

    # -- construction -------------------------------------------------------------------

    def _build_function_group(self) -> QGroupBox:
        group = QGroupBox("Function", self)
        form = QFormLayout(group)
        self.preset_combo = QComboBox(group)
        self.preset_combo.addItem("Choose an example…", None)
        for preset in load_presets():
            self.preset_combo.addItem(preset.title, preset.name)
        self.preset_combo.activated.connect(self._on_preset_activated)
        fit_narrow(self.preset_combo)  # long titles are elided: the form fits a small screen
        form.addRow("Example", self.preset_combo)
        self.preset_hint = hint_label(group)
        form.addRow(self.preset_hint)
        self.function_field = FunctionField(group)
        self.function_field.parsed.connect(self._on_function_parsed)
        self.function_field.rejected.connect(self._on_function_rejected)
        self.function_field.line_edit.textEdited.connect(self._on_any_edit)
        form.addRow("f =", self.function_field)
        self.start_fields = StartPointFields(group)
        self.start_fields.edited.connect(self._on_start_edited)
        form.addRow(section_label("Start point", group))
        form.addRow(self.start_fields)
        return group

    def _build_optimizer_group(self) -> QGroupBox:
        group = self.optimizer = OptimizerGroup(self)
        self.variant_combo = group.variant_combo
        self.variant_hint = group.variant_hint
        self.learning_rate = group.learning_rate
        self.hyperparameters = group.hyperparameters
        self.variant_combo.currentIndexChanged.connect(self._on_variant_changed)
        self.learning_rate.edited.connect(self._on_any_edit)
        for field in self.hyperparameters.values():
            field.edited.connect(self._on_any_edit)
        return group

    def _build_stopping_group(self) -> QGroupBox:
        group = self.stopping = StoppingGroup(self)
        self.gradient_combo = group.gradient_combo
        self.h_field = group.h_field
        self.iterations = group.iterations
        self.tol_grad = group.tol_grad
        self.tol_step = group.tol_step
        self.maximize = group.maximize
        self.gradient_combo.currentIndexChanged.connect(self._on_gradient_mode_changed)
        for field in (self.h_field, self.tol_grad, self.tol_step):
            field.edited.connect(self._on_any_edit)
        self.iterations.valueChanged.connect(self._on_any_edit)
        return group

    def _build_run_bar(self) -> RunBar:
        self.run_bar = RunBar(self)
        self.run_button = self.run_bar.run_button
        self.stop_button = self.run_bar.stop_button
        self.run_error = self.run_bar.run_error
        self.run_button.clicked.connect(self.request_run)
        self.stop_button.clicked.connect(self.stop_requested)
        return self.run_bar

    # -- public API ---------------------------------------------------------------------

    def variant(self) -> Variant:
        return self.optimizer.variant()

    def config(self) -> RunConfig | None:
        """The settings as typed, or None while a field is wrong (each field says why)."""
        data = self.mode_switch.is_data_mode()
        objective = self._objective()
        start = self.start_fields.values()
        learning_rate = self.learning_rate.value()
        variant = self.variant()
        tol_grad, tol_step = self.tol_grad.value(), self.tol_step.value()
        if objective is None or start is None or learning_rate is None:
            return None
        if tol_grad is None or tol_step is None or self.schedule.error() is not None:
            return None
        overrides: dict[str, Any] = {}
        for name, default in variant.defaults.items():
            value = self.hyperparameters[name].value()
            if value is None:
                return None
            overrides[name] = None if value == default else value
        gradient = "symbolic" if data else self.gradient_combo.currentData()
        h = self.h_field.value()
        if h is None and gradient != "symbolic":
            return None
        fields = self.data_section.config_fields() if data else self._function_fields()
        if fields is None:
            return None
        return RunConfig(
            start=start,
            variant=variant.name,
            learning_rate=learning_rate,
            iterations=self.iterations.value(),
            tol_grad=tol_grad,
            tol_step=tol_step,
            gradient=gradient,
            h=DEFAULT_H if h is None else h,
            maximize=self.maximize.isChecked(),
            schedule=self.schedule.settings(),
            **overrides,
            **fields,
        )

    def set_config(self, config: RunConfig) -> None:
        """Fill every field from ``config`` (a preset, a settings file, the last session).

        When its function is a bundled example's, that example's plot range and minima are
        used. Raises ConfigError for an unknown variant (the fields stay as they were).
        """
        same = [p for p in load_presets() if (p.config.function, p.config.variables)
                == (config.function, config.variables)]  # fmt: skip
        same.sort(key=lambda preset: preset.config != config)  # the very example first
        self._apply(config, same[0] if same else None)

    def select_preset(self, name: str) -> None:
        """Fill every field from the bundled example ``name``."""
        preset = get_preset(name)
        self._apply(preset.config, preset)

    @Slot(object)
    def set_start(self, point: Sequence[float]) -> None:
        """Set the start point (the student clicked the plot), rounded to 4 digits."""
        self.start_fields.set_values([float(f"{float(v):.4g}") for v in point])

    def detach_run_bar(self) -> RunBar:
        """Take Run, Stop and their message out of the form, to keep them in view below it."""
        layout = self.layout()
        assert layout is not None
        layout.removeWidget(self.run_bar)
        self.run_bar.show_as_footer()
        return self.run_bar

    def set_running(self, running: bool) -> None:
        self.stop_button.setEnabled(running)

    @Slot(str)
    def show_run_error(self, message: str) -> None:
        """Show why a run could not start (under the Run button)."""
        self.run_error.show_message(message)

    @Slot()
    def request_run(self) -> None:
        """Emit ``run_requested`` with the current settings, if every field is valid."""
        config = self.config()
        if config is None:
            self.show_run_error("Fix the fields marked in red first.")
            return
        self.run_error.show_message(None)
        self.run_requested.emit(config)

    # -- internals ----------------------------------------------------------------------

    def _apply(self, config: RunConfig, preset: Preset | None) -> None:
        variant = get_variant(config.variant)
        gradient = "symbolic" if config.gradient == "exact" else config.gradient.strip().lower()
        data = bool(config.data)
        self._loading = True
        try:
            self.mode_switch.set_data_mode(data)
            self.variant_combo.setCurrentIndex(self.variant_combo.findData(variant.name))
            self._on_variant_changed()
            for name, value in config.hyperparameter_overrides().items():
                if value is not None:
                    self.hyperparameters[name].set_value(value)
            self.learning_rate.set_value(config.learning_rate)
            self.optimizer.line_search.set_settings(config.line_search)
            index = self.gradient_combo.findData(gradient)
            self.gradient_combo.setCurrentIndex(index if index >= 0 else 0)
            self.h_field.set_value(config.h)
            self.iterations.setValue(config.iterations)
            self.tol_grad.set_value(config.tol_grad)
            self.tol_step.set_value(config.tol_step)
            self.maximize.setChecked(config.maximize)
            self.schedule.set_settings(config.schedule)
            self._preset = preset
            self.preset_hint.setText(preset.shows if preset else "")
            self.preset_hint.setVisible(preset is not None)
            preset_name = preset.name if preset is not None else None
            self.preset_combo.setCurrentIndex(max(self.preset_combo.findData(preset_name), 0))
            self._shown = None
            if data:
                self.data_section.set_config(config)
            else:
                self.function_field.set_text(config.function, config.variables)
            self.start_fields.set_values(config.start)
            show_mode(self, data)
        finally:
            self._loading = False
        self.run_error.show_message(None)
        self._emit_function_changed()
        self._on_any_edit()

    def _objective(self):
        """The typed function's Objective, or in data mode the loss's DataObjective."""
        if self.mode_switch.is_data_mode():
            return self.data_section.objective()
        return self.function_field.objective()

    def _function_fields(self) -> dict | None:
        search, field = self.optimizer.line_search.fields(), self.function_field  # search: None
        typed = {"function": field.text(), "variables": field.variables()}  # while c is wrong
        return None if search is None else typed | search

    def _emit_function_changed(self) -> None:
        objective = self._objective()
        shown = self._shown
        if objective is None or (
            shown is not None
            and objective.variables == shown.variables
            and objective.expr == shown.expr
            and getattr(objective, "dataset", None) is getattr(shown, "dataset", None)
        ):
            return
        self._shown = objective
        data = self.mode_switch.is_data_mode()
        plot_range, minima = where_to_look(self._preset, self.function_field.text(), data)
        if minima is None:  # a loss on data may have a least-squares fit to mark
            minima = best_fit(objective)
        start = self.start_fields.values()
        self.function_changed.emit(ShownFunction(objective, start, plot_range, minima))

    def _refresh_run_button(self) -> None:
        function_ok = self.function_field.is_pending() or self.function_field.error() is None
        if self.mode_switch.is_data_mode():
            function_ok = self.data_section.is_valid()
        fields = [self.learning_rate.field, self.tol_grad, self.tol_step, self.h_field]
        fields += [self.hyperparameters[n] for n in self.variant().defaults]
        fields_ok = not any(field.error() for field in fields) and not self.start_fields.has_error()
        fields_ok = fields_ok and self.schedule.error() is None
        self.run_button.setEnabled(function_ok and fields_ok)

    @Slot(int)
    def _on_preset_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name is not None:
            self.select_preset(name)

    @Slot(object)
    def _on_function_parsed(self, objective: Objective) -> None:
        self.start_fields.rebuild(objective.variables)
        if not self._loading:
            self._emit_function_changed()
        self._on_any_edit()

    @Slot(str)
    def _on_function_rejected(self, _message: str) -> None:
        self._refresh_run_button()

    @Slot(object)
    def _on_data_parsed(self, objective) -> None:
        if self.mode_switch.is_data_mode():
            self._on_function_parsed(objective)

    @Slot(bool)
    def _on_mode_changed(self, data: bool) -> None:
        """Show the mode's fields; a mode opened with nothing in it gets its first example."""
        show_mode(self, data)
        if self._loading:
            return
        if data and self.data_section.dataset() is None:
            self.set_config(load_samples()[0].config)
            return
        if not data and not self.function_field.text():
            self.select_preset(load_presets()[0].name)
            return
        objective = self._objective()
        if objective is not None:
            self.start_fields.rebuild(objective.variables)
        self._shown = None
        self._emit_function_changed()
        self._refresh_run_button()

    @Slot()
    def _on_start_edited(self) -> None:
        self._on_any_edit()
        start = self.start_fields.values()
        shown = self._shown  # fields rebuilt for a new function: function_changed brings them
        fits = shown is not None and start is not None and len(start) == shown.dimension
        if fits and not self._loading:
            self.start_changed.emit(start)

    @Slot()
    def _on_any_edit(self) -> None:
        if not self._loading:
            self.run_error.show_message(None)
            show_preset_origin(self)  # "Custom function" once it is not the example's
        self._refresh_run_button()

    @Slot()
    def _on_variant_changed(self) -> None:
        self.optimizer.show_variant()
        self._on_any_edit()

    @Slot()
    def _on_gradient_mode_changed(self) -> None:
        self.stopping.show_gradient_mode()
        self._refresh_run_button()
