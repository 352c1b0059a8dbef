"""Batch, stochastic and mini-batch runs on data: the numbers, the schedule and the stops."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import get_sample, load_dataset
from gdexplorer.core.data.engine import BatchSchedule, DataRun
from gdexplorer.core.engine import StopReason, make_run, record, run_to_end
from gdexplorer.core.errors import ConfigError, DataError
from gdexplorer.core.optimizers import VARIANTS

ARTICLES = RunConfig(
    function="(a*x1 + b*x2 - y)^2",
    start=(0.0, 0.0),
    learning_rate=0.01,
    iterations=1000,
    tol_grad=0.0,
    data="sample:articles",
)
LINE = RunConfig(
    function="(w*x + b - y)^2",
    variables=("w", "b"),
    start=(-1.0, 4.0),
    learning_rate=0.05,
    data="sample:line",
    tol_grad=0.0,
)


def _noiseless(tmp_path) -> tuple[str, np.ndarray]:
    """A linear data set with no noise, and its least-squares solution (w1, w2, b)."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, size=(64, 2))
    y = 1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5
    path = tmp_path / "noiseless.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in np.column_stack([x, y]))
    path.write_text("x1,x2,y\n" + rows + "\n", encoding="utf-8")
    design = np.column_stack([x, np.ones(len(x))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    return str(path), solution


def test_the_articles_example_ends_where_the_arithmetic_says():
    """With x1 = x2 = y and a = b = t, every example's residual is (2t - 1) x, so
    dL/da = dL/db = 2 (2t - 1) mean(x^2) = (28/3)(2t - 1). Writing u = 2t - 1, one update is
    u <- (1 - 2 * lr * 28/3) u from u0 = -1: t_k = (1 - (1 - 56 lr / 3)^k) / 2, and after 1,000
    updates at lr 0.01, t = 0.5 - 9e-91, i.e. (0.5, 0.5) - not the 0.99935587, 0.99933838 one
    article prints.
    """
    trajectory, outcome = run_to_end(ARTICLES)
    assert outcome.reason is StopReason.MAX_ITERATIONS
    assert outcome.iterations == 1000
    k = np.arange(1001)
    expected = (1 - (1 - 56 * 0.01 / 3) ** k) / 2
    np.testing.assert_allclose(trajectory.points[:, 0], expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(trajectory.points[:, 0], trajectory.points[:, 1])
    np.testing.assert_allclose(trajectory.points[-1], [0.5, 0.5], rtol=0, atol=1e-15)
    assert abs(trajectory.points[-1, 0] - 0.99935587) > 0.4
    np.testing.assert_allclose(trajectory.values, (14 / 3) * (2 * expected - 1) ** 2, atol=1e-12)


def test_make_run_gives_a_data_run_that_quacks_like_run():
    run = make_run(ARTICLES)
    assert isinstance(run, DataRun)
    assert run.columns == run.new_trajectory().columns
    assert run.columns[-3:] == ("epoch", "batch_loss", "full_loss")
    assert run.objective.variables == ("a", "b")
    assert len(run.first_row) == len(run.columns)
    assert run.outcome is None
    rows = np.concatenate([batch.rows for batch in run.batches()])
    assert rows.shape == (1001, len(run.columns))
    assert run.outcome.iterations == 1000


def test_a_batch_the_size_of_the_set_is_batch_gradient_descent_exactly():
    whole, _ = run_to_end(ARTICLES)
    three, _ = run_to_end(ARTICLES.replace(batch_size=3, seed=5))
    np.testing.assert_array_equal(whole.rows, three.rows)
    data = load_dataset("sample:line")
    batch, _ = run_to_end(LINE.replace(iterations=200))
    fifty, _ = run_to_end(LINE.replace(iterations=200, batch_size=len(data), seed=9))
    np.testing.assert_array_equal(batch.rows, fifty.rows)


@pytest.mark.parametrize(("batch_size", "learning_rate"), [(1, 0.05), (8, 0.2)])
def test_stochastic_and_mini_batch_runs_reach_least_squares_on_noiseless_data(
    tmp_path, batch_size, learning_rate
):
    path, solution = _noiseless(tmp_path)
    config = RunConfig(
        function="(w1*x1 + w2*x2 + b - y)^2",
        variables=("w1", "w2", "b"),
        start=(0.0, 0.0, 0.0),
        learning_rate=learning_rate,
        data=path,
        batch_size=batch_size,
        epochs=150,
        iterations=100_000,
        tol_grad=0.0,
    )
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.MAX_ITERATIONS
    assert "150 epochs" in outcome.message
    assert outcome.iterations == 150 * -(-64 // batch_size)
    np.testing.assert_allclose(trajectory.points[-1], solution, atol=1e-6)


def test_on_noisy_data_the_batch_path_is_smooth_and_the_stochastic_path_is_not():
    batch, _ = run_to_end(LINE.replace(iterations=300))
    stochastic, _ = run_to_end(LINE.replace(iterations=300, batch_size=1))
    assert np.all(np.diff(batch.values) <= 0)
    assert np.sum(np.diff(stochastic.values) > 0) > 30


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    config = LINE.replace(batch_size=5, epochs=3)
    first, _ = run_to_end(config)
    again, _ = run_to_end(config)
    other, _ = run_to_end(config.replace(seed=1))
    np.testing.assert_array_equal(first.rows, again.rows)
    assert not np.array_equal(first.points, other.points)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_row_is_the_documented_update_on_the_scheduled_batch(variant):
    """Row k holds the gradient at x_k of update k+1's batch; batch_loss is update k's."""
    run = DataRun(LINE.replace(batch_size=7, epochs=2, variant=variant))
    trajectory = run.new_trajectory()
    for batch in run.batches():
        trajectory.append(batch.rows)
    objective = run.objective
    points = trajectory.points
    assert run.outcome.iterations == 2 * 8 == len(trajectory) - 1
    for k in range(len(trajectory)):
        loss, grad = objective.batch_value_and_gradient(points[k], run.batch_indices(k + 1))
        scale = float(np.abs(trajectory.gradients).max())
        assert_close_scaled(trajectory.gradients[k], grad, rtol=1e-13, scale=scale)
        assert trajectory.column("full_loss")[k] == trajectory.values[k]
        assert trajectory.values[k] == pytest.approx(float(objective.value(points[k])))
        if k:
            previous, _ = objective.batch_value_and_gradient(points[k - 1], run.batch_indices(k))
            assert trajectory.column("batch_loss")[k] == pytest.approx(previous, rel=1e-13)
            assert trajectory.column("epoch")[k] == (k - 1) // 8 + 1
    if variant == "gd":
        np.testing.assert_allclose(np.diff(points, axis=0), -0.05 * trajectory.gradients[:-1])
    assert trajectory.column("epoch")[0] == 0
    assert np.isnan(trajectory.column("batch_loss")[0])


def test_every_epoch_visits_every_example_once_in_batches_from_the_seed():
    schedule = BatchSchedule(10, 4, seed=3)
    assert schedule.updates_per_epoch == 3
    for epoch in (1, 2, 7):
        updates = range((epoch - 1) * 3 + 1, epoch * 3 + 1)
        batches = [schedule.batch_indices(u) for u in updates]
        assert [len(b) for b in batches] == [4, 4, 2]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
        assert {schedule.epoch_of(u) for u in updates} == {epoch}
    assert not np.array_equal(schedule.order(1), schedule.order(2))
    fresh = BatchSchedule(10, 4, seed=3)
    np.testing.assert_array_equal(fresh.batch_indices(20), schedule.batch_indices(20))
    np.testing.assert_array_equal(BatchSchedule(5, None, 0).batch_indices(4), np.arange(5))
    with pytest.raises(ValueError):
        schedule.batch_indices(0)


def test_epochs_and_iterations_both_bound_the_updates():
    _, outcome = run_to_end(LINE.replace(batch_size=20, epochs=2, iterations=1000))
    assert outcome.iterations == 6  # 50 examples in batches of 20: 3 updates per epoch
    assert outcome.message == "Stopped after 2 epochs (6 updates) without converging"
    _, outcome = run_to_end(LINE.replace(batch_size=20, epochs=5, iterations=4))
    assert outcome.iterations == 4
    assert "(1.33 epochs)" in outcome.message


def test_converges_on_the_full_data_gradient():
    trajectory, outcome = run_to_end(ARTICLES.replace(tol_grad=1e-6))
    assert outcome.reason is StopReason.GRADIENT_SMALL
    assert "full-data gradient" in outcome.message
    run = DataRun(ARTICLES)
    norms = np.linalg.norm(run.objective.gradient(trajectory.points), axis=1)
    assert norms[-1] < 1e-6 <= norms[-2]
    assert len(trajectory) == outcome.iterations + 1


def test_a_small_step_stops_the_run():
    _, outcome = run_to_end(ARTICLES.replace(tol_step=1e-3))
    assert outcome.reason is StopReason.STEP_SMALL


def test_divergence_keeps_the_finite_rows_and_says_so():
    trajectory, outcome = run_to_end(ARTICLES.replace(learning_rate=1.0))
    assert outcome.reason is StopReason.DIVERGED
    assert outcome.iterations == len(trajectory) - 1
    assert outcome.message.startswith(f"Diverged after {outcome.iterations:,} updates")
    assert "lr = 1 is above 2/L" in outcome.message
    assert len(trajectory) == outcome.iterations + 1
    assert np.all(np.isfinite(trajectory.rows[1:]))


def test_leaving_the_domain_of_the_loss_is_reported(tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text("x\n1\n2\n", encoding="utf-8")
    config = RunConfig(function="w*x - log(w*x)", start=(2.0,), learning_rate=10.0, data=str(path))
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.UNDEFINED
    assert "domain" in outcome.message
    assert np.all(np.isfinite(trajectory.values))


def test_cancelling_stops_between_chunks():
    run = DataRun(LINE.replace(batch_size=1, iterations=1_000_000))
    cancel = threading.Event()
    rows = 0
    for batch in run.batches(cancel, batch_seconds=0):
        rows += len(batch.rows)
        cancel.set()
    assert run.outcome.reason is StopReason.CANCELLED
    assert run.outcome.iterations == rows - 1 < 1_000_000
    assert run.outcome.message.startswith("Stopped by you")


def test_standardizing_makes_the_badly_scaled_problem_fast():
    """At each problem's best stable rate (1 / largest Hessian eigenvalue) batch gradient
    descent on the raw features crawls along the valley; standardized, it converges at once."""
    data = load_dataset("sample:scales")
    config = RunConfig(
        function="(w1*x1 + w2*x2 + b - y)^2",
        variables=("w1", "w2", "b"),
        start=(0.0, 0.0, 0.0),
        data="sample:scales",
        iterations=5000,
        tol_grad=1e-4,
    )
    results = {}
    for scaled in (False, True):
        run = DataRun(config.replace(standardize=scaled))
        x = run.dataset.values[:, :2]
        design = np.column_stack([x, np.ones(len(x))])
        largest = np.linalg.eigvalsh(2 * design.T @ design / len(x))[-1]
        _, outcome = run_to_end(config.replace(standardize=scaled, learning_rate=1 / largest))
        results[scaled] = outcome
        if scaled:
            assert abs(run.dataset.column("x2").mean()) < 1e-12
            np.testing.assert_array_equal(run.dataset.column("y"), data.column("y"))
    assert results[False].reason is StopReason.MAX_ITERATIONS
    assert results[True].reason is StopReason.GRADIENT_SMALL
    assert results[True].iterations < 100


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"batch_size": 4}, DataError, "batch size 4 is larger than the data set \\(3 examples"),
        ({"batch_size": 0}, ConfigError, "batch size must be"),
        ({"epochs": 0}, ConfigError, "epochs must be at least 1"),
        ({"seed": -1}, ConfigError, "seed must be"),
        ({"start": (0.0,)}, ConfigError, "2 parameter\\(s\\) \\(a, b\\)"),
        ({"data": "sample:nothing"}, DataError, "unknown sample"),
        ({"function": "(a*x1 + b*x2 - z)^2", "variables": ("a", "b")}, DataError, "'z'"),
    ],
)
def test_bad_settings_are_refused_before_the_run(changes, error, message):
    with pytest.raises(error, match=message):
        DataRun(ARTICLES.replace(**changes))


def test_a_start_where_some_example_is_undefined_names_the_example(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x\n1\n0\n", encoding="utf-8")
    config = RunConfig(function="(log(w*x))^2", start=(1.0,), data=str(path))
    with pytest.raises(ConfigError, match="for example 1 \\(data row 2\\)"):
        DataRun(config)


def test_a_non_polynomial_loss_that_blows_up_at_the_first_update_keeps_the_start():
    config = get_sample("classes").config.replace(learning_rate=1e200)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason is StopReason.DIVERGED and outcome.iterations == 0
    assert len(trajectory) == 1


def test_batch_gradient_descent_that_grows_is_diverging_before_it_overflows():
    trajectory, outcome = run_to_end(ARTICLES.replace(learning_rate=0.12, iterations=100))
    assert len(trajectory) == 101 and outcome.reason is StopReason.DIVERGED
    assert trajectory.values[-1] > 1e6 * trajectory.values[0]
    assert trajectory.step_norms[-1] > 1e3 * trajectory.step_norms[1]
    assert outcome.message.startswith(
        f"Diverging after 100 updates (the loss ≈ {trajectory.values[-1]:.3g}): lr = 0.12 is above"
    )
    assert "an oscillation of growing size" in outcome.message
    match = re.search(r"lr = 0.12 is above 2/L = ([\d.]+) \(L = ([\d.]+),", outcome.message)
    assert match is not None and float(match.group(1)) < 0.12
    assert float(match.group(1)) == pytest.approx(2 / float(match.group(2)), rel=1e-2)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("batch_size", [None, 1, 3])
@pytest.mark.parametrize("rate", [0.02, 0.2])
def test_data_messages_are_true_and_noise_is_not_divergence(variant, batch_size, rate):
    config = LINE.replace(
        variant=variant, batch_size=batch_size, learning_rate=rate, iterations=600, tol_grad=1e-6
    )
    run = make_run(config)
    trajectory = record(run)
    outcome = run.outcome
    assert outcome.iterations == len(trajectory) - 1
    for number in re.findall(r"after ([\d,]+) updates", outcome.message):
        assert int(number.replace(",", "")) == outcome.iterations
    if "Converged" in outcome.message:
        exact = np.linalg.norm(run.objective.gradient(trajectory.points[-1]))
        step = np.linalg.norm(trajectory.steps[-1])
        assert exact < config.tol_grad * (1 + 1e-9) or step < config.tol_step
    if "Diverg" in outcome.message:  # only a plain blow-up of the full-data loss
        assert trajectory.values[-1] > 1e3 * trajectory.values[0]
    noisy = np.sum(np.diff(trajectory.values) > 0) > 30  # the loss went up at many updates
    if noisy and trajectory.values[-1] < trajectory.values[0]:  # ... but ended lower: noise
        assert outcome.reason is not StopReason.DIVERGED
    if batch_size is not None and rate == 0.02:  # mini-batches have noisy paths here
        assert outcome.reason is not StopReason.DIVERGED
