"""The model read off the loss: predictions for squared error, probabilities for two labels."""

from __future__ import annotations

import numpy as np
import pytest

from gdexplorer.core.data.datasets import Dataset, template_loss
from gdexplorer.core.data.model import PictureKind, describe_model
from gdexplorer.core.data.objective import build_data_objective

RNG = np.random.default_rng(3)
X = RNG.normal(size=(30, 3))
LABELS = (X[:, 0] > 0).astype(float)


def _objective(loss: str, columns: tuple[str, ...], values: np.ndarray):
    return build_data_objective(loss, Dataset("d", columns, values))


def test_squared_error_predicts_the_model_whatever_its_form():
    objective = _objective("(w*x^2 + b - y)^2", ("x", "y"), X[:, :2])
    picture = describe_model(objective)
    assert picture.kind is PictureKind.CURVE
    assert (picture.features, picture.target) == (("x",), "y")
    xs = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(picture.predictions([0.5, 3.0], [xs]), 3.0 * xs**2 + 0.5)


def test_two_features_of_regression_compare_prediction_and_truth():
    objective = _objective("(w1*x1 + w2*x2 + b - y)^2", ("x1", "x2", "y"), X)
    picture = describe_model(objective)
    assert picture.kind is PictureKind.FIT
    got = picture.predictions([1.0, 2.0, -1.0], [X[:, 0], X[:, 1]])
    np.testing.assert_allclose(got, 1 + 2 * X[:, 0] - X[:, 1])


@pytest.mark.parametrize(
    ("features", "kind"),
    [(["x1"], PictureKind.SIGMOID), (["x1", "x2"], PictureKind.BOUNDARY),
     (["x1", "x2", "x3"], PictureKind.SCORES)],
)  # fmt: skip
def test_cross_entropy_gives_the_sigmoid_of_the_score(features, kind):
    values = np.column_stack([X, LABELS])
    loss = template_loss("logistic regression", features, "label")
    picture = describe_model(_objective(loss, ("x1", "x2", "x3", "label"), values))
    assert picture.kind is kind
    assert picture.classes == (0.0, 1.0)
    point = RNG.normal(size=len(features) + 1)  # natural order: b first, then the weights
    columns = [X[:, i] for i in range(len(features))]
    assert picture.features == tuple(features)
    score = point[0] + sum(w * c for w, c in zip(point[1:], columns, strict=True))
    np.testing.assert_allclose(picture.scores(point, columns), score, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(picture.probabilities(point, columns), 1 / (1 + np.exp(-score)))


def test_labels_minus_one_and_one_work_too():
    values = np.column_stack([X[:, 0], 2 * LABELS - 1])
    picture = describe_model(_objective("log(1 + exp(-y*(w*x + b)))", ("x", "y"), values))
    assert picture.kind is PictureKind.SIGMOID and picture.classes == (-1.0, 1.0)
    # L(-1) - L(1) = log(1 + e^z) - log(1 + e^-z) = z: the usual logistic model
    np.testing.assert_allclose(picture.scores([0.5, 2.0], [X[:, 0]]), 2 * X[:, 0] + 0.5)


def test_other_losses_show_only_the_data():
    picture = describe_model(_objective("abs(w*x - y)", ("x", "y"), X[:, :2]))
    assert picture.kind is PictureKind.POINTS
