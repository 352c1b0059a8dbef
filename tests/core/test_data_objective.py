"""The mean per-example loss: names split into data and parameters, values and gradients."""

from __future__ import annotations

import time

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.data.datasets import Dataset, load_dataset, template_loss
from gdexplorer.core.data.objective import build_data_objective
from gdexplorer.core.errors import DataError, ExpressionError

RNG = np.random.default_rng(7)
X1, X2 = RNG.normal(size=(2, 40))
Y = 0.5 * X1 - 2 * X2 + 0.3 + RNG.normal(0, 0.1, 40)
LINEAR = Dataset("lin", ("x1", "x2", "y"), np.column_stack([X1, X2, Y]))
LABELS = Dataset("cls", ("x1", "x2", "label"), np.column_stack([X1, X2, (Y > 0) * 1.0]))


def _linear_loss_by_hand(points: np.ndarray) -> np.ndarray:
    b, w1, w2 = (points[..., i, None] for i in range(3))
    return np.mean((w1 * X1 + w2 * X2 + b - Y) ** 2, axis=-1)


def _logistic_loss_by_hand(points: np.ndarray) -> np.ndarray:
    b, w1, w2 = (points[..., i, None] for i in range(3))
    z = w1 * X1 + w2 * X2 + b
    return np.mean(np.logaddexp(0, -(2 * LABELS.column("label") - 1) * z), axis=-1)


def test_column_names_are_data_and_other_names_are_parameters():
    objective = build_data_objective("(w1*x1 + w2*x2 + b - y)^2", LINEAR)
    assert objective.variables == ("b", "w1", "w2")
    assert objective.dimension == 3
    assert objective.data_columns == ("x1", "x2", "y")
    ordered = build_data_objective("(w1*x1 + w2*x2 + b - y)^2", LINEAR, ("w1", "w2", "b"))
    assert ordered.variables == ("w1", "w2", "b")


@pytest.mark.parametrize(
    ("loss", "variables", "message"),
    [
        ("(w*x1 - y)^2", ("w", "x1"), "'x1' is a column of the data, so it cannot be a parameter"),
        ("(w*x1 - z)^2", ("w",), "uses 'z', which is neither a column"),
        ("(w*x1 - y)^2", ("w", "c"), "the parameter 'c' does not appear in the loss"),
        ("(w*x3 - y)^2", None, "the loss uses 'x3' but the data has no column 'x3'"),
        ("(w*x1 - label)^2", None, "no column 'label'; columns are x1, x2, y"),
        ("(x1 - y)^2", None, "no parameters to learn"),
        ("(w - 3)^2", None, "uses none of the data's columns"),
    ],
)
def test_names_that_do_not_fit_the_data_are_explained(loss, variables, message):
    with pytest.raises(DataError, match=message):
        build_data_objective(loss, LINEAR, variables)


def test_a_loss_that_does_not_parse_is_an_expression_error():
    with pytest.raises(ExpressionError):
        build_data_objective("(w*x1 - y", LINEAR)


def test_polynomial_losses_are_reduced_and_agree_with_the_mean_over_examples():
    objective = build_data_objective("(w1*x1 + w2*x2 + b - y)^2", LINEAR)
    assert objective.is_polynomial
    points = RNG.normal(size=(7, 5, 3)) * 3
    np.testing.assert_allclose(objective.value(points), _linear_loss_by_hand(points), rtol=1e-12)
    assert objective.value(points[0, 0]).shape == ()


def test_non_polynomial_losses_are_averaged_blockwise():
    objective = build_data_objective(
        template_loss("logistic regression", ["x1", "x2"], "label"), LABELS
    )
    assert not objective.is_polynomial
    points = RNG.normal(size=(4, 6, 3))
    np.testing.assert_allclose(objective.value(points), _logistic_loss_by_hand(points), rtol=1e-12)


@pytest.mark.parametrize("template", ["linear regression", "logistic regression"])
def test_full_gradient_is_the_mean_of_exact_per_example_gradients(template):
    data = LINEAR if template.startswith("linear") else LABELS
    target = data.columns[-1]
    objective = build_data_objective(template_loss(template, ["x1", "x2"], target), data)
    point = np.array([0.3, -0.7, 1.1])
    h = 1e-6
    numeric = [
        (objective.value(point + h * e) - objective.value(point - h * e)) / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(objective.gradient(point), numeric, rtol=1e-6, atol=1e-8)
    losses, grads = objective.example_values_and_gradients(point)
    assert grads.shape == (40, 3)
    assert_close_scaled(grads.mean(axis=0), objective.gradient(point))
    np.testing.assert_allclose(losses.mean(), objective.value(point), rtol=1e-12)
    values, gradients = objective.value_and_gradient(np.stack([point, point]))
    assert_close_scaled(gradients[1], objective.gradient(point))
    np.testing.assert_allclose(values[0], objective.value(point), rtol=1e-12)


def test_batch_value_and_gradient_averages_only_the_batch():
    objective = build_data_objective("(w1*x1 + w2*x2 + b - y)^2", LINEAR)
    point = [0.1, 0.2, 0.3]
    batch = np.array([3, 17, 5])
    loss, grad = objective.batch_value_and_gradient(point, batch)
    losses, grads = objective.example_values_and_gradients(point, batch)
    assert loss == pytest.approx(losses.mean())
    np.testing.assert_allclose(grad, grads.mean(axis=0))
    residual = 0.2 * X1[batch] + 0.3 * X2[batch] + 0.1 - Y[batch]
    assert grad[0] == pytest.approx(np.mean(2 * residual))


def test_a_contour_grid_of_the_full_loss_is_cheap_for_squared_error():
    data = load_dataset("sample:line")
    objective = build_data_objective("(w*x + b - y)^2", data, ("w", "b"))
    w, b = np.meshgrid(np.linspace(-2, 5, 200), np.linspace(-3, 4, 200))
    grid = np.stack([w, b], axis=-1)
    began = time.perf_counter()
    values = objective.value(grid)
    assert values.shape == (200, 200)
    assert time.perf_counter() - began < 5  # generous: a guard against a per-point loop
    x, y = data.column("x"), data.column("y")
    assert values[17, 123] == pytest.approx(np.mean((w[17, 123] * x + b[17, 123] - y) ** 2))


def test_a_squared_loss_is_never_negative_after_round_off():
    data = Dataset("exact", ("x", "y"), np.array([[1.0, 3.0], [2.0, 5.0], [3.0, 7.0]]))
    objective = build_data_objective("(w*x + b - y)^2", data, ("w", "b"))
    near = np.array([2.0, 1.0]) + RNG.normal(0, 1e-9, size=(1000, 2))
    assert np.all(objective.value(near) >= 0)
    assert objective.value([2.0, 1.0]) == pytest.approx(0, abs=1e-12)


def test_huge_polynomial_expansions_fall_back_quickly():
    names = [f"w{i}" for i in range(1, 8)]
    loss = f"({' + '.join(names)} - y)^60"
    data = Dataset("d", ("y",), np.array([[0.0], [0.1]]))
    began = time.perf_counter()
    objective = build_data_objective(loss, data)
    assert not objective.is_polynomial
    assert time.perf_counter() - began < 5
    assert objective.value(np.full(7, 0.01)) > 0


def test_a_penalty_on_the_parameters_alone_is_averaged_like_the_rest():
    objective = build_data_objective("(w1*x1 - y)^2 + 0.1*w1^2 + b^2", LINEAR, ("w1", "b"))
    batch = np.array([0, 4, 9])
    loss, grad = objective.batch_value_and_gradient([0.5, 2.0], batch)
    residual = 0.5 * X1[batch] - Y[batch]
    assert loss == pytest.approx(np.mean(residual**2) + 0.025 + 4.0)
    np.testing.assert_allclose(grad, [np.mean(2 * residual * X1[batch]) + 0.1, 4.0])


def test_the_least_squares_minimum_of_a_linear_fit_is_found_when_it_is_single():
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    y = 2.5 * x - 1.0 + 0.1 * rng.normal(size=50)
    data = Dataset("made up", ("x", "y"), np.column_stack([x, y]))
    objective = build_data_objective("(w*x + b - y)^2", data, ("w", "b"))
    expected = np.linalg.lstsq(np.column_stack([x, np.ones(50)]), y, rcond=None)[0]
    np.testing.assert_allclose(objective.least_squares_minimum, expected, rtol=1e-9)
    np.testing.assert_allclose(objective.gradient(expected), [0.0, 0.0], atol=1e-9)
    # the source article's data: x1 = x2 in every example, so a whole line of fits is best
    same = Dataset("seed", ("x1", "x2", "y"), np.array([[1.0, 1, 1], [2, 2, 2], [3, 3, 3]]))
    line = build_data_objective("(a*x1 + b*x2 - y)^2", same, ("a", "b"))
    assert line.least_squares_minimum is None
    logistic = build_data_objective("log(1 + exp(-y*(w*x + b)))", data, ("w", "b"))
    assert logistic.least_squares_minimum is None  # not quadratic: nothing claimed
