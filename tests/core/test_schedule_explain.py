"""The worked example with a schedule: lr_k is the row's, written as the schedule's formula."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run, record
from gdexplorer.core.explain.example import as_text, explain
from gdexplorer.core.stepsize.settings import ScheduleSettings
from gdexplorer.core.trajectory import Trajectory


def _explained(schedule: ScheduleSettings | None, index: int, **changes):
    config = RunConfig("x^2 + 3*y^2", (1.0, 1.0), iterations=40, tol_grad=0.0,
                       schedule=schedule, **changes)  # fmt: skip
    run = Run(config)
    trajectory = record(run)
    return run, trajectory, explain(run, trajectory, index)


@pytest.mark.parametrize(
    ("schedule", "numbers"),
    [
        (ScheduleSettings("step", step_size=5, gamma=0.5), "0.1 · 0.5^⌊12 / 5⌋ = 0.1 · 0.5^2"),
        (ScheduleSettings("exponential", gamma=0.9), "0.1 · 0.9^12"),
        (ScheduleSettings("cosine", t_max=20), "(1 + cos(π·12/20)) / 2"),
        (ScheduleSettings("onecycle", max_lr=0.2), "annealing from 0.2 to 8e-07"),
    ],
)
def test_the_update_uses_the_row_s_rate_and_shows_its_formula(schedule, numbers) -> None:
    _, trajectory, example = _explained(schedule, 12)
    update = example.update
    assert update is not None
    rate = trajectory.column("lr")[12]
    assert update.learning_rate == rate
    np.testing.assert_allclose(update.step, -rate * trajectory.gradients[12], rtol=1e-15)
    text = as_text(example)
    assert numbers in text and "lr₁₂ = " in text
    assert f"= {rate:.6g}" in text and "the file's rate differs" not in text


def test_plateau_says_when_the_rate_was_reduced() -> None:
    schedule = ScheduleSettings("plateau", patience=0, threshold=0.5, factor=0.5)
    run, trajectory, _ = _explained(schedule, 0, learning_rate=0.05)
    rates = trajectory.column("lr")
    reduced = int(np.argmax(rates < rates[0]))
    assert reduced > 0
    text = as_text(explain(run, trajectory, reduced))
    assert f"reduced after update {reduced - 1}: 0.05 → 0.025" in text
    assert "unchanged since update" in as_text(explain(run, trajectory, reduced + 1)) or (
        rates[reduced + 1] < rates[reduced]
    )


def test_the_constant_rate_adds_no_lines_and_an_old_file_uses_the_setting() -> None:
    run, trajectory, example = _explained(None, 3)
    assert example.update is not None and example.update.rate_lines == ()
    old = Trajectory(trajectory.variables, trajectory.state_slots)  # no lr column
    old.append(trajectory.rows[:, :-1])
    again = explain(run, old, 3)
    assert again.update is not None and again.update.learning_rate == 0.1


def test_a_diverging_schedule_is_weighed_by_the_rate_it_used() -> None:
    """onecycle ignores lr: the diagnosis names the scheduled rate that broke 2/L, not lr."""
    from gdexplorer.core.engine import run_to_end

    config = RunConfig("x^2 + 10*y^2", (1.0, 1.0), learning_rate=0.01, iterations=100,
                       schedule=ScheduleSettings("onecycle", max_lr=1.0))  # fmt: skip
    trajectory, outcome = run_to_end(config)
    assert not outcome.reason.converged
    seen = trajectory.column("lr").max()  # the whole run is within the diagnosis tail
    assert f"the scheduled lr = {seen:g} is above 2/L = 0.1" in outcome.message
    constant, plain = run_to_end(config.replace(schedule=None, learning_rate=0.5))
    assert "; lr = 0.5 is above 2/L = 0.1" in plain.message and len(constant)
