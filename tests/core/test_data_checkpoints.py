"""The full-data loss on big data: recorded at checkpoints, honest (NaN) between them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import template_loss
from gdexplorer.core.data.engine import (
    FULL_PASS_SHARE,
    UPDATE_OVERHEAD_EXAMPLES,
    DataRun,
    loss_interval,
)
from gdexplorer.core.engine import StopReason, run_to_end


@pytest.mark.parametrize("n", [10, 200, 5_000, 100_000, 1_000_000])
@pytest.mark.parametrize("batch", [None, 1, 64, 1_000])
def test_the_interval_keeps_the_full_passes_within_their_share(n, batch):
    k = loss_interval(n, batch, polynomial=False)
    assert k >= 1
    size = min(batch or n, n)
    pass_cost = n / (UPDATE_OVERHEAD_EXAMPLES + size)  # in updates
    assert pass_cost / k <= FULL_PASS_SHARE + 1e-12  # the share is kept ...
    if k > 1:  # ... and the interval is the shortest that keeps it
        assert pass_cost / (k - 1) > FULL_PASS_SHARE


def test_a_polynomial_loss_is_recorded_at_every_update():
    assert loss_interval(1_000_000, 1, polynomial=True) == 1


def _logistic(path, rows: int, batch: int, **changes) -> RunConfig:
    rng = np.random.default_rng(3)
    x = rng.normal(size=rows)
    label = (x + rng.normal(0, 0.5, rows) > 0).astype(float)
    lines = (f"{a!r},{b!r}" for a, b in zip(x.tolist(), label.tolist(), strict=True))
    path.write_text("x,label\n" + "\n".join(lines) + "\n", encoding="utf-8")
    config = RunConfig(
        function=template_loss("logistic regression", ["x"], "label"),
        start=(0.0, 0.0), learning_rate=0.5, data=str(path), batch_size=batch,
        iterations=10_000, tol_grad=0.0,
    )  # fmt: skip
    return config.replace(**changes)


def test_between_checkpoints_f_is_missing_and_at_them_it_is_the_full_loss(tmp_path):
    config = _logistic(tmp_path / "big.csv", 20_000, 8, epochs=1)
    run = DataRun(config)
    k, per_epoch = run.loss_interval, run.schedule.updates_per_epoch
    assert 1 < k < per_epoch  # a real checkpoint rule, not every row nor once per epoch
    trajectory, outcome = run_to_end(config)
    assert outcome.iterations == per_epoch
    values = trajectory.values
    updates = np.arange(len(values))
    expected = (updates % k == 0) | (updates == per_epoch)
    assert np.array_equal(~np.isnan(values), expected)
    assert np.array_equal(np.isnan(values), np.isnan(trajectory.column("full_loss")))
    marked = np.flatnonzero(expected)
    full = run.objective.value(trajectory.points[marked])
    assert_close_scaled(values[marked], full)


def test_the_gradient_tolerance_stops_at_a_checkpoint(tmp_path):
    config = _logistic(tmp_path / "big.csv", 20_000, 8, tol_grad=0.05, iterations=100_000)
    run = DataRun(config)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.GRADIENT_SMALL
    last = outcome.iterations
    assert last % run.loss_interval == 0 or last % run.schedule.updates_per_epoch == 0
    assert not math.isnan(trajectory.values[-1])
    norm = np.linalg.norm(run.objective.gradient(trajectory.points[-1]))
    assert norm < 0.05


def test_a_run_stopped_by_its_limit_ends_on_a_computed_loss(tmp_path):
    config = _logistic(tmp_path / "big.csv", 20_000, 8, iterations=333)
    trajectory, outcome = run_to_end(config)
    assert outcome.iterations == 333
    assert not math.isnan(trajectory.values[-1])
    assert "nan" not in outcome.message


def test_a_sparse_run_survives_its_csv_round_trip(tmp_path):
    from gdexplorer.core.data.export import read_data_csv, write_data_csv

    config = _logistic(tmp_path / "big.csv", 20_000, 8, iterations=700)
    trajectory, _ = run_to_end(config)
    target = write_data_csv(trajectory, tmp_path / "run.csv", config)
    again = read_data_csv(target, DataRun(config))
    assert np.array_equal(np.isnan(again.values), np.isnan(trajectory.values))
    assert np.isnan(trajectory.values).sum() > 600
    computed = ~np.isnan(trajectory.values)
    assert np.array_equal(again.values[computed], trajectory.values[computed])  # repr: exact
    assert np.array_equal(again.points, trajectory.points)
