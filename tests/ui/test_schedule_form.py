"""The form's learning-rate schedule: only the chosen schedule's options, one-line messages,
onecycle's ignored rate, and the RunConfig it gives; the inspector shows lr_k's formula."""

from __future__ import annotations

import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run, record
from gdexplorer.core.stepsize.schedules import SCHEDULES
from gdexplorer.core.stepsize.settings import ScheduleSettings
from gdexplorer.ui.views.inspector import Inspector


@pytest.fixture
def form(bowl_form):
    return bowl_form


def choose(form, name: str) -> None:
    form.schedule.combo.setCurrentIndex(form.schedule.combo.findData(name))


def visible_options(form) -> set[str]:
    group = form.schedule
    return {name for name, field in group.fields.items() if group._form.isRowVisible(field)}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_only_the_chosen_schedule_s_options_are_shown(form, name) -> None:
    choose(form, name)
    assert visible_options(form) == set(SCHEDULES[name].options)
    assert SCHEDULES[name].equation in form.schedule.hint.text()
    config = form.config()
    assert config is not None and config.validated() == config.validated()
    if name == "constant":
        assert config.schedule is None
    else:
        assert config.schedule is not None and config.schedule.name == name


def test_defaults_are_left_out_and_changed_options_kept(form) -> None:
    choose(form, "cosine")
    form.schedule.fields["t_max"].setValue(40)
    form.schedule.fields["eta_min"].set_value(0.001)
    config = form.config()
    assert config is not None
    assert config.schedule == ScheduleSettings("cosine", t_max=40, eta_min=0.001)
    choose(form, "plateau")  # PyTorch's defaults: nothing given
    config = form.config()
    assert config is not None and config.schedule == ScheduleSettings("plateau")


def test_a_wrong_option_is_said_inline_and_disables_run(form) -> None:
    choose(form, "plateau")
    form.schedule.fields["factor"].line_edit.setText("1.5")
    assert form.config() is None and not form.run_button.isEnabled()
    message = form.schedule.error_label.text()
    assert "--factor must be in [0, 1), got 1.5" in message and "\n" not in message
    form.schedule.fields["factor"].line_edit.setText("0.5")
    assert form.run_button.isEnabled() and form.config() is not None


def test_onecycle_greys_out_the_learning_rate_and_says_so(form) -> None:
    choose(form, "onecycle")
    assert not form.learning_rate.isEnabled()
    assert "ignores the learning rate" in form.schedule.error_label.text()
    choose(form, "cosine")
    assert form.learning_rate.isEnabled() and not form.schedule.error_label.isVisible()


def test_settings_round_trip_through_the_form(form) -> None:
    settings = ScheduleSettings("onecycle", max_lr=0.3, total_steps=2000, pct_start=0.2)
    config = form.config()
    assert config is not None
    form.set_config(config.replace(schedule=settings))
    again = form.config()
    assert again is not None and again.schedule == settings
    form.set_config(config)  # no schedule: back to constant
    assert form.schedule.name() == "constant" and form.learning_rate.isEnabled()


def test_per_epoch_stepping_is_offered_in_data_mode_only(form) -> None:
    choose(form, "step")
    assert not form.schedule._form.isRowVisible(form.schedule.every)
    data = RunConfig("(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), data="sample:line",
                     schedule=ScheduleSettings("step", step_size=2, every="epoch"))  # fmt: skip
    form.set_config(data)
    assert form.schedule._form.isRowVisible(form.schedule.every)
    config = form.config()
    assert config is not None and config.schedule == data.schedule


def test_the_inspector_shows_lr_k_and_the_formula_with_its_numbers(qtbot) -> None:
    inspector = Inspector()
    qtbot.addWidget(inspector)
    config = RunConfig("x^2 + 3*y^2", (1.0, 1.0), iterations=30,
                       schedule=ScheduleSettings("cosine", t_max=20))  # fmt: skip
    run = Run(config)
    trajectory = record(run)
    inspector.show_run(run, trajectory)
    inspector.show_iteration(7)
    text = inspector.browser.toPlainText()
    assert "Cosine annealing (CosineAnnealingLR)" in text
    assert "(1 + cos(π·7/20)) / 2" in text
    assert f"{trajectory.column('lr')[7]:.6g}" in text
