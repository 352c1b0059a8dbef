"""The schedule presets show what their text says, against the same run at a constant rate."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.engine import run_to_end
from gdexplorer.core.presets import get_preset
from gdexplorer.core.stepsize.settings import ScheduleSettings


def test_step_decay_rescues_a_rate_above_two_over_l() -> None:
    preset = get_preset("step-rescue")
    assert preset.config.schedule == ScheduleSettings("step", step_size=5, gamma=0.85)
    constant, outcome = run_to_end(preset.config.replace(schedule=None))
    assert not outcome.reason.converged and constant.values[-1] > 1e50  # diverges
    stepped, _ = run_to_end(preset.config)
    ys = np.abs(stepped.points[:, 1])
    peak = int(np.argmax(ys))
    assert 0 < peak < 30 and ys[peak] > 2 * ys[0]  # the zig-zag grows, then
    assert np.linalg.norm(stepped.points[-1]) < 1e-3  # it shrinks to the minimum
    rates = stepped.column("lr")
    assert rates[peak] < 0.1 <= rates[0]  # the rate was below 2/L = 0.1 when it turned


def test_cosine_annealing_settles_rmsprop_where_the_constant_rate_rattles() -> None:
    preset = get_preset("cosine-rosenbrock")
    constant, _ = run_to_end(preset.config.replace(schedule=None))
    annealed, _ = run_to_end(preset.config)
    assert annealed.values[-1] < constant.values[-200:].min() / 100
    assert np.linalg.norm(annealed.points[-1] - [1, 1]) < 0.1
    assert annealed.column("lr")[-1] < 1e-6  # the rate has fallen to (nearly) 0
