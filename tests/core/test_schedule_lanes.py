"""Schedules in the compare tools: vectorized lanes, sweeps and the runs table's cell."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.many.sweep import learning_rate_sweep
from gdexplorer.core.many.vectorized import run_many_from_config
from gdexplorer.core.stepsize.describe import short_rate
from gdexplorer.core.stepsize.settings import ScheduleSettings
from tests.numeric import assert_close_along_path

ROSENBROCK = RunConfig("(1 - x)^2 + 100*(y - x^2)^2", (-1.0, 1.0), iterations=300,
                       tol_grad=1e-9)  # fmt: skip
SCHEDULES = [
    ScheduleSettings("step", step_size=10, gamma=0.5),
    ScheduleSettings("exponential", gamma=0.99),
    ScheduleSettings("cosine", t_max=40, eta_min=1e-5),
    ScheduleSettings("onecycle", max_lr=0.002),
    ScheduleSettings("plateau", patience=2, threshold=0.01, cooldown=1),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: s.name)
@pytest.mark.parametrize("variant", ["gd", "adam"])
def test_each_lane_is_the_single_run_with_its_own_rate(schedule, variant) -> None:
    config = ROSENBROCK.replace(schedule=schedule, variant=variant)
    rates = np.array([0.0005, 0.001, 0.002, 0.5])  # the last one diverges (unless rescued)
    lanes = run_many_from_config(
        config, starts=np.repeat([config.start], 4, axis=0), learning_rates=rates,
        record_path=True,
    )  # fmt: skip
    for lane, rate in enumerate(rates):
        if schedule.name == "onecycle":
            single = config.replace(schedule=ScheduleSettings("onecycle", max_lr=float(rate)))
        else:
            single = config.replace(learning_rate=float(rate))
        trajectory, outcome = run_to_end(single)
        assert lanes.reasons[lane] is outcome.reason
        assert lanes.iterations[lane] == outcome.iterations
        assert lanes.paths is not None
        finite = min(len(lanes.paths[lane]), len(trajectory))
        assert_close_along_path(lanes.paths[lane][:finite], trajectory.points[:finite])


def test_a_sweep_varies_the_base_rate_with_the_schedule_applied() -> None:
    """A step schedule rescues rates above 2/L that diverge with the constant rate."""
    config = RunConfig("x^2 + 10*y^2", (1.0, 1.0), iterations=200)
    constant = learning_rate_sweep(config, 0.01, 1.0, 9)
    stepped = learning_rate_sweep(
        config.replace(schedule=ScheduleSettings("step", step_size=20, gamma=0.5)), 0.01, 1.0, 9
    )
    assert constant.stability_limit == pytest.approx(0.1)
    assert stepped.stability_limit is None  # 2/L bounds a constant rate only
    rescued = constant.diverged & ~stepped.diverged
    assert rescued.any() and not (stepped.diverged & ~constant.diverged).any()
    assert np.all(constant.learning_rates[rescued] > 0.1)


def test_the_runs_table_cell_names_the_schedule() -> None:
    assert short_rate(0.1, None) == "0.1"
    assert short_rate(0.1, ScheduleSettings("cosine", t_max=5)) == "0.1 · cosine"
    assert short_rate(0.1, ScheduleSettings("onecycle", max_lr=0.3)) == "onecycle to 0.3"
