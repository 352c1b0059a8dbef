"""The form, driven as a student types: inline messages, presets, the RunConfig it emits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.presets import get_preset, load_presets
from gdexplorer.ui.form.controls import ControlsForm
from gdexplorer.ui.settings_store import SettingsStore


@pytest.fixture
def form(bowl_form):
    return bowl_form


def type_function(qtbot, form, text):
    field = form.function_field.line_edit
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_a_typed_function_is_parsed_after_a_pause_and_shown_with_its_gradient(qtbot, form):
    parsed = []
    form.function_field.parsed.connect(parsed.append)
    type_function(qtbot, form, "x^2 + 2y^2 + z")
    assert parsed == [] and form.function_field.is_pending()  # debounced, not per keystroke
    with qtbot.waitSignal(form.function_changed, timeout=2000) as changed:
        pass
    assert len(parsed) == 1
    assert changed.args[0].objective.variables == ("x", "y", "z")
    assert changed.args[0].plot_range is None  # no longer the preset's function
    preview = form.function_field.preview.text()
    assert "f(x, y, z) = x^2 + 2·y^2 + z" in preview
    assert "∂f/∂y = 4·y" in preview and "∂f/∂z = 1" in preview
    assert form.start_fields.variables() == ("x", "y", "z")
    assert form.start_fields.values() == (2.0, 2.0, 1.0)  # x and y kept, z new
    assert form.run_button.isEnabled()


def test_a_typo_shows_the_parsers_message_inline_and_disables_run(qtbot, form):
    type_function(qtbot, form, "x^2 + * y")
    with qtbot.waitSignal(form.function_field.rejected, timeout=2000) as rejected:
        pass
    assert "cannot follow" in rejected.args[0]
    assert form.function_field.error_label.isVisible()
    assert "cannot follow" in form.function_field.error_label.text()
    assert not form.function_field.preview.isVisible()
    assert not form.run_button.isEnabled()
    assert form.config() is None
    with qtbot.assertNotEmitted(form.run_requested):
        form.request_run()
    assert form.run_error.isVisible()


def test_run_right_after_typing_uses_what_was_typed(qtbot, form):
    type_function(qtbot, form, "(x - 1)^2 + y^2")
    with qtbot.waitSignal(form.run_requested, timeout=1000) as requested:
        form.run_button.click()
    assert requested.args[0].function == "(x - 1)^2 + y^2"


@pytest.mark.parametrize("preset", load_presets(), ids=lambda p: p.name)
def test_every_preset_fills_every_field(qtbot, preset):
    form = ControlsForm()
    qtbot.addWidget(form)
    index = form.preset_combo.findData(preset.name)
    with qtbot.waitSignal(form.function_changed, timeout=2000) as changed:
        form.preset_combo.setCurrentIndex(index)
        form.preset_combo.activated.emit(index)
    assert form.config() == preset.config
    assert form.function_field.text() == preset.config.function
    assert form.start_fields.values() == preset.config.start
    assert form.iterations.value() == preset.config.iterations
    assert changed.args[0].plot_range == preset.plot_range
    assert changed.args[0].minima == preset.minima
    assert form.preset_hint.text() == preset.shows
    derivative = "f'(x) = " if len(preset.config.start) == 1 else "∂f/∂x = "
    assert derivative in form.function_field.preview.text()


def test_learning_rate_field_and_log_slider_move_together(qtbot, form):
    control = form.learning_rate
    control.field.line_edit.setText("")
    qtbot.keyClicks(control.field.line_edit, "1e-3")
    assert control.value() == 1e-3
    assert control.slider.value() == -3 * control.STEPS_PER_DECADE
    control.slider.setValue(-2 * control.STEPS_PER_DECADE)
    assert control.field.line_edit.text() == "0.01"
    assert form.config().learning_rate == 0.01


@pytest.mark.parametrize(
    ("text", "message"),
    [("-0.5", "greater than 0"), ("0", "greater than 0"), ("fast", "not a number"), ("", "type")],
)
def test_a_bad_learning_rate_is_explained_next_to_the_field(qtbot, form, text, message):
    field = form.learning_rate.field
    field.line_edit.setText("")
    qtbot.keyClicks(field.line_edit, text)
    assert field.error_label.isVisible()
    assert message in field.error_label.text()
    assert not form.run_button.isEnabled()
    assert form.config() is None
    field.line_edit.setText("0.2")
    assert not field.error_label.isVisible()
    assert form.run_button.isEnabled()


def test_only_the_variants_hyperparameters_are_shown_with_pytorch_defaults(qtbot, form):
    form.variant_combo.setCurrentIndex(form.variant_combo.findData("adam"))
    shown = {n for n, f in form.hyperparameters.items() if f.isVisibleTo(form)}
    assert shown == {"beta1", "beta2", "eps"}
    assert form.hyperparameters["beta2"].value() == 0.999
    config = form.config()
    assert config.variant == "adam" and config.beta1 is None  # the default is implied
    form.hyperparameters["beta1"].line_edit.setText("0.8")
    assert form.config().beta1 == 0.8
    form.hyperparameters["beta1"].line_edit.setText("1")
    assert "less than 1" in form.hyperparameters["beta1"].error_label.text()
    assert not form.run_button.isEnabled()
    form.variant_combo.setCurrentIndex(form.variant_combo.findData("momentum"))
    shown = {n for n, f in form.hyperparameters.items() if f.isVisibleTo(form)}
    assert shown == {"momentum"}
    assert form.run_button.isEnabled()  # the hidden beta1 no longer counts


def test_h_is_used_only_by_the_difference_gradients(qtbot, form):
    form.h_field.line_edit.setText("5")
    assert not form.h_field.isEnabled() and form.h_field.error() is None
    assert form.run_button.isEnabled()
    form.gradient_combo.setCurrentIndex(form.gradient_combo.findData("central"))
    assert form.h_field.isEnabled()
    assert "at most 1" in form.h_field.error_label.text()
    assert form.config() is None
    form.h_field.line_edit.setText("1e-4")
    assert form.config().gradient == "central" and form.config().h == 1e-4


def test_clicking_the_plot_sets_the_start_point(qtbot, form):
    with qtbot.waitSignal(form.start_changed, timeout=1000) as changed:
        form.set_start((0.123456789, -1.98765))
    assert form.start_fields.values() == (0.1235, -1.988)
    assert changed.args[0] == (0.1235, -1.988)


def test_set_config_round_trips_every_setting(qtbot, form):
    config = RunConfig(
        "x^2 + 3y",
        (0.5, -2.0),
        variables=("y", "x"),
        variant="adam",
        learning_rate=0.02,
        beta1=0.85,
        eps=1e-6,
        iterations=1234,
        tol_grad=1e-8,
        tol_step=1e-9,
        gradient="forward",
        h=1e-4,
        maximize=True,
    )
    form.set_config(config)
    assert form.start_fields.variables() == ("y", "x")
    assert form.config() == config
    with pytest.raises(ConfigError):
        form.set_config(config.replace(variant="lbfgs"))


def test_settings_store_round_trips_and_ignores_junk(qtbot, isolated_settings):
    store = SettingsStore()
    assert store.load_config() is None
    config = get_preset("himmelblau").config.replace(variant="rmsprop", rho=0.9)
    store.save_config(config)
    assert SettingsStore().load_config() == config
    assert list(isolated_settings.rglob("*.ini")), "settings must go to the temporary folder"
    QSettings().setValue("run/last_config", "{not json")
    assert SettingsStore().load_config() is None
    store.save_config(config)
    store.clear()
    assert SettingsStore().load_config() is None


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("sinx", "one variable named 'sinx' — did you mean sin(x)?"),
        ("xy + 1", "'xy' is one variable; for a product write x*y"),
    ],
)
def test_a_function_that_reads_oddly_gets_a_gentle_note_not_an_error(qtbot, form, text, note):
    type_function(qtbot, form, text)
    with qtbot.waitSignal(form.function_field.parsed, timeout=2000):
        pass
    field = form.function_field
    assert field.note() == f"Note: {note}" and field.note_label.isVisible()
    assert not field.error_label.isVisible() and form.run_button.isEnabled()
    type_function(qtbot, form, "x^2 + y^2")
    with qtbot.waitSignal(field.parsed, timeout=2000):
        pass
    assert field.note() == "" and not field.note_label.isVisible()


def test_an_equation_is_refused_with_the_function_it_means(qtbot, form):
    type_function(qtbot, form, "x = 3")
    with qtbot.waitSignal(form.function_field.rejected, timeout=2000) as rejected:
        pass
    assert "is an equation, not a function" in rejected.args[0] and "(x - 3)^2" in rejected.args[0]
    assert not form.run_button.isEnabled() and form.function_field.note() == ""


def test_a_loss_with_a_run_together_product_gets_the_same_note(qtbot, form):
    from gdexplorer.core.data.datasets import load_samples

    form.set_config(load_samples()[0].config)
    loss = form.data_section.loss_field
    loss.set_text("(wx + b - y)^2")  # x and y are columns: "wx" is one parameter
    assert loss.objective() is not None and "wx" in loss.objective().variables
    assert loss.note() == "Note: 'wx' is one variable; for a product write w*x"
    loss.set_text("(w*x + b - y)^2")
    assert loss.note() == "" and not loss.note_label.isVisible()
