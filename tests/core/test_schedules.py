"""Learning-rate schedules against PyTorch's own numbers (tests/reference/schedules.json).

The reference was computed once by tests/reference/make_schedule_reference.py with torch; torch
is not a dependency. Each case lists lr_k for k = 0 .. steps, as a PyTorch loop sees them
(``optimizer.step()`` then ``scheduler.step()``). The schedules are compared row by row to
1e-12 of the case's largest rate (a cosine passes through 0, where a pure relative error means
nothing), in every place they are computed: the stepping object, the fused loop's row column,
the vectorized lanes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.stepsize.schedules import SCHEDULES, Scheduler
from gdexplorer.core.stepsize.settings import ScheduleSettings
from tests.numeric import assert_close_scaled

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "reference" / "schedules.json").read_text(encoding="utf-8")
)
CASES = REFERENCE["cases"]
IDS = [f"{case['name']}-{i}" for i, case in enumerate(CASES)]
RTOL = 1e-12


def _settings(case: dict) -> ScheduleSettings:
    return ScheduleSettings(case["name"], **case["options"])


def _scheduler(case: dict, base=None) -> Scheduler:
    options = _settings(case).options(total_steps=case["steps"])
    if base is not None and case["name"] == "onecycle":
        options["max_lr"] = base
    return Scheduler(case["name"], options, case["lr"] if base is None else base,
                     case.get("maximize", False))  # fmt: skip


def _stepped(scheduler: Scheduler, case: dict) -> list:
    rates = [scheduler.rate]
    for k in range(case["steps"]):
        scheduler.step(case["losses"][k] if "losses" in case else None)
        rates.append(scheduler.rate)
    return rates


def test_the_reference_covers_every_schedule_and_its_hard_parts() -> None:
    names = {case["name"] for case in CASES}
    assert names == set(SCHEDULES) - {"constant"}
    cosine_past_t_max = [c for c in CASES if c["name"] == "cosine"
                         and c["steps"] > 2 * c["options"]["t_max"]]  # fmt: skip
    assert cosine_past_t_max
    plateau = [c for c in CASES if c["name"] == "plateau"]
    assert any(c["options"].get("cooldown") and c["options"].get("min_lr") for c in plateau)
    for case in plateau:  # the loss sequence makes the rate fall at least twice
        assert len(set(case["rates"])) >= 3


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_schedule_matches_pytorch_row_by_row(case) -> None:
    rates = _stepped(_scheduler(case), case)
    assert_close_scaled(rates, case["rates"], rtol=RTOL)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_many_lanes_at_once_give_each_lane_s_rates(case) -> None:
    """A sweep's lanes: one base rate each (onecycle: one max_lr each), stepped together."""
    scale = np.array([0.5, 1.0, 2.0])
    base = case["options"]["max_lr"] if case["name"] == "onecycle" else case["lr"]
    lanes = np.array(_stepped(_scheduler(case, base * scale), case))
    assert lanes.shape == (case["steps"] + 1, 3)
    middle = lanes[:, 1]
    assert_close_scaled(middle, case["rates"], rtol=RTOL)
    for j, factor in enumerate(scale):
        single = _stepped(_scheduler(case, base * factor), case)
        assert_close_scaled(lanes[:, j], single, rtol=RTOL)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["name"] != "plateau"],
    ids=[i for i, c in zip(IDS, CASES, strict=True) if c["name"] != "plateau"],
)  # fmt: skip
def test_the_fused_loop_records_pytorch_s_rates_in_column_lr(case) -> None:
    """Row k's lr is lr_k, the rate update k used: here on a quadratic that never stops."""
    config = RunConfig(
        "x^2 + 3*y^2", (1.0, -2.0), learning_rate=case["lr"], iterations=case["steps"],
        tol_grad=0.0, schedule=_settings(case),
    )  # fmt: skip
    trajectory, outcome = run_to_end(config)
    assert outcome.iterations == case["steps"]
    rates = trajectory.column("lr")
    assert_close_scaled(rates, case["rates"], rtol=RTOL)
    # and each step used it: gd's step k + 1 is -lr_k times row k's gradient
    steps, grads = trajectory.steps[1:], trajectory.gradients[:-1]
    assert_close_scaled(steps, -rates[:-1, None] * grads, rtol=RTOL)


@pytest.mark.parametrize("maximize", [False, True])
def test_plateau_in_the_fused_loop_is_given_f_of_each_update(maximize) -> None:
    """ReduceLROnPlateau stepped with f(x_k) after update k gives the run's lr column."""
    settings = ScheduleSettings("plateau", factor=0.5, patience=2, cooldown=1, threshold=0.05)
    bowl = "(x - 1)^2 + 0.1*x^4"  # maximized: 10 minus the bowl, positive near its top
    config = RunConfig(
        f"10 - ({bowl})" if maximize else bowl, (2.0,), learning_rate=0.3, iterations=60,
        tol_grad=0.0, maximize=maximize, schedule=settings,
    )  # fmt: skip
    trajectory, _ = run_to_end(config)
    case = {"name": "plateau", "options": {}, "steps": 60, "lr": 0.3, "maximize": maximize}
    scheduler = Scheduler("plateau", settings.options(60), 0.3, maximize)
    expected = _stepped(scheduler, {**case, "losses": trajectory.values.tolist()})
    np.testing.assert_array_equal(trajectory.column("lr"), expected)  # same arithmetic
    assert len(set(expected)) >= 3  # it did reduce, twice at least


def test_a_schedule_in_the_loop_costs_nothing_when_constant() -> None:
    """The constant rate stays a literal in the generated loop: no schedule code at all."""
    from gdexplorer.core import codegen
    from gdexplorer.core.engine import Run

    run = Run(RunConfig("x^2", (1.0,), learning_rate=0.25))
    loop = codegen.build_fused_loop(run.objective, run.variant, 0.25, run.hyperparameters)
    assert "_lr" not in loop.source and "0.25" in loop.source
    cosine = RunConfig("x^2", (1.0,), learning_rate=0.25,
                       schedule=ScheduleSettings("cosine", t_max=9))  # fmt: skip
    from gdexplorer.core.stepsize.for_runs import loop_schedule_for

    scheduled = codegen.build_fused_loop(
        run.objective, run.variant, 0.25, run.hyperparameters,
        schedule=loop_schedule_for(cosine.validated()),
    )  # fmt: skip
    assert "_lr = _ln" in scheduled.source and "for _ln in _rates(_t, _n)" in scheduled.source


def test_every_variant_takes_the_scheduled_rate() -> None:
    """Adam's step with a schedule equals its step with the constant rate lr_k, update by update."""
    settings = ScheduleSettings("exponential", gamma=0.9)
    config = RunConfig("x^2 + y^4", (1.0, 1.0), variant="adam", learning_rate=0.1,
                       iterations=5, tol_grad=0.0, schedule=settings)  # fmt: skip
    trajectory, _ = run_to_end(config)
    from gdexplorer.core import optimizers

    variant = optimizers.get_variant("adam")
    state = optimizers.init(variant, np.zeros(2))
    for k in range(5):
        step, state = optimizers.update(variant, trajectory.gradients[k], state, 0.1 * 0.9**k)
        assert_close_scaled(trajectory.steps[k + 1], step, rtol=1e-13)
