"""Schedule settings: every option round-trips through JSON, every mistake is one clear line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.engine import record, run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.stepsize.schedules import SCHEDULES, PlateauRule
from gdexplorer.core.stepsize.settings import OPTION_FLAGS, ScheduleSettings

EVERY_OPTION = {
    "step": {"step_size": 4, "gamma": 0.7},
    "exponential": {"gamma": 0.97},
    "cosine": {"t_max": 30, "eta_min": 0.001},
    "onecycle": {"max_lr": 0.4, "total_steps": 200, "pct_start": 0.2, "div_factor": 10.0,
                 "final_div_factor": 50.0},
    "plateau": {"factor": 0.25, "patience": 4, "threshold": 0.001, "cooldown": 3, "min_lr": 1e-4},
}  # fmt: skip
BASE = RunConfig("x^2 + y^2", (1.0, 2.0), iterations=100)


def test_the_table_gives_every_option_of_every_schedule() -> None:
    for name, schedule in SCHEDULES.items():
        assert set(EVERY_OPTION.get(name, {})) == set(schedule.options)
    assert {o for s in SCHEDULES.values() for o in s.options} == set(OPTION_FLAGS)


@pytest.mark.parametrize("name", list(EVERY_OPTION))
def test_every_option_round_trips_through_json(name) -> None:
    config = BASE.replace(schedule=ScheduleSettings(name, **EVERY_OPTION[name])).validated()
    text = json.dumps(config.to_dict())
    assert json.loads(text)["schedule"] == {"name": name, **EVERY_OPTION[name]}
    again = RunConfig.from_dict(json.loads(text))
    assert again == config
    np.testing.assert_array_equal(run_to_end(again)[0].rows, run_to_end(config)[0].rows)


def test_no_schedule_is_the_constant_rate_and_old_files_load() -> None:
    old = {k: v for k, v in BASE.to_dict().items() if k != "schedule"}
    assert "schedule" not in BASE.to_dict()
    assert RunConfig.from_dict(old).schedule is None
    constant = BASE.replace(schedule=ScheduleSettings("constant"))
    a, b = run_to_end(constant)[0], run_to_end(BASE)[0]
    np.testing.assert_array_equal(a.rows, b.rows)
    assert set(a.column("lr")) == {BASE.learning_rate}


def test_the_data_option_every_epoch_round_trips() -> None:
    config = RunConfig(
        "(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), data="sample:line", batch_size=10,
        schedule=ScheduleSettings("step", step_size=2, every="epoch"),
    )  # fmt: skip
    assert config.to_dict()["schedule"] == {"name": "step", "step_size": 2, "every": "epoch"}
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (ScheduleSettings("cosine"), "the cosine schedule needs --t-max"),
        (ScheduleSettings("step", step_size=2, t_max=4),
         r"the step schedule does not use --t-max \(it uses --step-size, --gamma\)"),
        (ScheduleSettings("constant", gamma=0.5), "the constant schedule does not use --gamma"),
        (ScheduleSettings("plateau", eta_min=0.1), "the plateau schedule does not use --eta-min"),
        (ScheduleSettings("onecycle"), "the onecycle schedule needs --max-lr"),
        (ScheduleSettings("exponential"), "the exponential schedule needs --gamma"),
        (ScheduleSettings("sgdr"), "unknown schedule 'sgdr': choose one of constant, step"),
        (ScheduleSettings("step", step_size=0), "--step-size must be at least 1, got 0"),
        (ScheduleSettings("exponential", gamma=-1.0), "--gamma must be positive, got -1"),
        (ScheduleSettings("exponential", gamma=float("nan")), "--gamma must be a finite number"),
        (ScheduleSettings("cosine", t_max=5, eta_min=-0.1), "--eta-min must be 0 or more"),
        (ScheduleSettings("plateau", factor=1.0), r"--factor must be in \[0, 1\), got 1"),
        (ScheduleSettings("plateau", patience=-1), "--patience must be 0 or more"),
        (ScheduleSettings("onecycle", max_lr=0.1, pct_start=1.0), r"--pct-start must be in"),
        (ScheduleSettings("onecycle", max_lr=0.1, total_steps=50),
         "--total-steps 50 is less than the 100 iterations of the run"),
        (ScheduleSettings("onecycle", max_lr=0.1, total_steps=200, pct_start=0.005),
         "makes the warm-up phase zero steps long"),
        (ScheduleSettings("cosine", t_max=5, every="epoch"), "--schedule-every epoch needs a data"),
        (ScheduleSettings("cosine", t_max=5, every="batch"), "schedule every must be 'update'"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_naming_the_option(schedule, message) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        BASE.replace(schedule=schedule).validated()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "cosine", "t_max": "50"}, "schedule.t_max must be a whole number, got '50'"),
        ({"name": "cosine", "t_max": 50, "T_max": 3}, "unknown schedule option"),
        ({"t_max": 50}, "schedule has no 'name'"),
        ([1, 2], "schedule must be a JSON object"),
        ({"name": "step", "step_size": 3, "gamma": None}, None),
    ],
)
def test_a_settings_file_s_schedule_is_checked_field_by_field(body, message) -> None:
    data = {**BASE.to_dict(), "schedule": body}
    if message is None:
        assert RunConfig.from_dict(data).schedule == ScheduleSettings("step", step_size=3)
        return
    with pytest.raises(ConfigError, match=message):
        RunConfig.from_dict(data)


DATA = RunConfig(
    "(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), learning_rate=0.02, data="sample:line",
    batch_size=10, epochs=6, tol_grad=0.0,
)  # fmt: skip


def test_on_data_the_scheduler_steps_once_per_epoch_when_asked() -> None:
    config = DATA.replace(schedule=ScheduleSettings("step", step_size=2, gamma=0.5, every="epoch"))
    run = DataRun(config)
    trajectory = record(run)
    per_epoch = run.schedule.updates_per_epoch
    assert per_epoch > 1
    rates = trajectory.column("lr")
    epochs_done = np.arange(len(rates)) // per_epoch  # row k: the epochs finished by update k
    np.testing.assert_array_equal(rates, 0.02 * 0.5 ** (epochs_done // 2))


def test_per_update_steps_on_data_follow_the_closed_form() -> None:
    config = DATA.replace(schedule=ScheduleSettings("exponential", gamma=0.9))
    trajectory = record(DataRun(config))
    k = np.arange(len(trajectory))
    np.testing.assert_allclose(trajectory.column("lr"), 0.02 * 0.9**k, rtol=1e-13)


def test_plateau_per_epoch_is_given_the_epoch_s_full_data_loss() -> None:
    settings = ScheduleSettings("plateau", patience=0, threshold=0.2, factor=0.5, every="epoch")
    run = DataRun(DATA.replace(schedule=settings))
    trajectory = record(run)
    per_epoch = run.schedule.updates_per_epoch
    rule = PlateauRule(settings.options(6), 0.02)
    expected = [rule.lr]
    for k in range(1, len(trajectory)):
        if k % per_epoch == 0:
            rule.step(trajectory.column("full_loss")[k])
        expected.append(rule.lr)
    np.testing.assert_array_equal(trajectory.column("lr"), expected)
    assert len(set(expected)) >= 2


def test_onecycle_on_data_counts_the_run_s_updates_or_epochs() -> None:
    every_update = DATA.replace(schedule=ScheduleSettings("onecycle", max_lr=0.1, total_steps=5))
    with pytest.raises(ConfigError, match=r"less than the \d+ updates of the run"):
        DataRun(every_update)
    per_epoch = every_update.replace(
        schedule=ScheduleSettings("onecycle", max_lr=0.1, total_steps=6, every="epoch")
    )
    run = DataRun(per_epoch)
    trajectory = record(run)
    rates = trajectory.column("lr")
    assert rates[0] == pytest.approx(0.1 / 25, rel=1e-15)
    assert 0.09 < np.max(rates) <= 0.1  # the warm-up ends between two epochs (step 0.8)
    per_epoch_rates = rates[: len(rates) - 1].reshape(6, -1)  # constant within each epoch
    assert np.all(per_epoch_rates == per_epoch_rates[:, :1])
