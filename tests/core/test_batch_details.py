"""The batch behind an update of a run on data, recomputed for the inspector (no Qt)."""

from __future__ import annotations

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.batch_details import MAX_LISTED, batch_details, describe_batch
from gdexplorer.core.engine import make_run, record

LINE = RunConfig(
    function="(w*x + b - y)^2",
    variables=("w", "b"),
    start=(-1.0, 4.0),
    learning_rate=0.05,
    iterations=40,
    data="sample:line",
    tol_grad=0.0,
)


def test_the_batch_of_update_k_plus_one_is_what_row_k_recorded() -> None:
    run = make_run(LINE.replace(batch_size=8, seed=3))
    trajectory = record(run)
    k = 13
    details = batch_details(run, trajectory, k)
    assert details is not None
    assert details.update == k + 1 and details.n_examples == 50
    np.testing.assert_array_equal(details.indices, run.batch_indices(k + 1))
    np.testing.assert_array_equal(details.point, trajectory.points[k])
    size = len(details.indices)  # update 14 is an epoch's last: 50 = 6 * 8 + 2
    assert size == 2 and details.losses.shape == (2,) and details.gradients.shape == (2, 2)
    np.testing.assert_allclose(details.mean_gradient, trajectory.gradients[k], rtol=1e-12)
    np.testing.assert_allclose(details.full_gradient, run.objective.gradient(details.point))
    assert details.epoch == run.schedule.epoch_of(k + 1)


def test_no_details_for_a_function_run_or_a_row_out_of_range() -> None:
    data_run = make_run(LINE)
    trajectory = record(data_run)
    assert batch_details(data_run, trajectory, len(trajectory)) is None
    assert batch_details(data_run, trajectory, -1) is None
    assert batch_details(None, trajectory, 0) is None
    function_run = make_run(RunConfig("x^2 + y^2", (1.0, 2.0), iterations=5))
    assert batch_details(function_run, record(function_run), 1) is None


def test_a_large_batch_lists_twenty_examples_then_how_many_more() -> None:
    run = make_run(LINE.replace(iterations=3))  # all 50 examples: batch gradient descent
    details = batch_details(run, record(run), 1)
    assert details is not None
    title, examples, summary = describe_batch(details)
    assert title == "Batch of update 2 (epoch 2): all the examples at x₁"
    assert len(examples) == MAX_LISTED + 1
    assert examples[-1] == ("", "", f"… and {50 - MAX_LISTED} more")
    assert [label for label, _ in summary] == ["mean of 50", ""]  # no full-data line: it is


def test_a_mini_batch_is_compared_with_the_full_data_gradient() -> None:
    run = make_run(LINE.replace(batch_size=4, seed=1))
    details = batch_details(run, record(run), 0)
    assert details is not None
    title, examples, summary = describe_batch(details)
    assert title.endswith("4 of 50 examples at x₀")
    assert [index for index, _, _ in examples] == [str(i) for i in details.indices]
    assert examples[0][1] == f"{details.losses[0]:.4g}"
    assert summary[2][0] == "all 50" and "full-data gradient" in summary[3][1]
