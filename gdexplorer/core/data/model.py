"""What the model predicts at given parameters, read off the per-example loss itself.

The data view draws the fitted line or the decision boundary, but the student typed a loss, not
a model. Both can be recovered without guessing the model's form:

* Regression: when the loss is a quadratic in the target t with a positive t^2 coefficient
  (squared error of any model), the prediction is the t that minimizes it, -c1 / (2 c2).
* Classification: when the target takes two values lo < hi, the loss scores each label; the
  model's probability of hi is ``1 / (1 + exp(L(hi) - L(lo)))``. For cross-entropy this is
  exactly the sigmoid of the model's score, and the boundary is where L(hi) = L(lo).

:func:`describe_model` decides which applies (the target is chosen by
:func:`gdexplorer.core.data.datasets.split_columns`) and the kind of picture that shows it best.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.data.datasets import split_columns
from gdexplorer.core.data.objective import DataObjective

if TYPE_CHECKING:
    import sympy


class PictureKind(StrEnum):
    CURVE = "curve"
    """One feature, regression: target against the feature, and the prediction curve."""
    FIT = "fit"
    """Regression with 0 or 2+ features: prediction against the true target, and y = x."""
    SIGMOID = "sigmoid"
    """One feature, two classes: labels against the feature, and the probability curve."""
    BOUNDARY = "boundary"
    """Two features, two classes: the examples in the plane and the decision boundary."""
    SCORES = "scores"
    """Two classes, 3+ features: labels against the model's score, and the sigmoid."""
    POINTS = "points"
    """Neither applies: the data only."""


@dataclass(frozen=True, eq=False)
class ModelPicture:
    """The model behind a loss, evaluated at any parameters (see the module docstring)."""

    kind: PictureKind
    features: tuple[str, ...]
    target: str
    classes: tuple[float, float] | None
    _predict: Callable | None
    _score: Callable | None

    def predictions(
        self, point: np.ndarray | Sequence[float], features: Sequence[np.ndarray]
    ) -> np.ndarray:
        """The regression model's prediction for feature values ``features`` (one array each)."""
        assert self._predict is not None, "not a regression"
        return self._evaluate(self._predict, point, features)

    def scores(
        self, point: np.ndarray | Sequence[float], features: Sequence[np.ndarray]
    ) -> np.ndarray:
        """L(lo) - L(hi): positive where the model prefers the upper class; 0 on the boundary."""
        assert self._score is not None, "not a classification"
        return self._evaluate(self._score, point, features)

    def probabilities(
        self, point: np.ndarray | Sequence[float], features: Sequence[np.ndarray]
    ) -> np.ndarray:
        """The probability of the upper class: the sigmoid of :meth:`scores`."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-self.scores(point, features)))

    @staticmethod
    def _evaluate(
        fn: Callable, point: np.ndarray | Sequence[float], features: Sequence[np.ndarray]
    ):
        arrays = [np.asarray(f, dtype=float) for f in features]
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        with np.errstate(all="ignore"):
            out = fn(*point, *arrays)
        return np.broadcast_to(np.asarray(out, dtype=float), shape).copy()


def describe_model(objective: DataObjective) -> ModelPicture:
    """The model picture that fits this loss and data (never raises)."""
    import sympy  # already loaded by parse_function, which made the objective

    features, target = split_columns(objective.data_columns, objective.dataset.columns)
    by_name = dict(zip(objective.data_columns, objective.data_symbols, strict=True))
    t = by_name[target]
    args = [*objective.symbols, *(by_name[f] for f in features)]
    values = np.unique(objective.dataset.column(target))
    if len(values) == 2 and not _quadratic_in(objective.expr, t):
        lo, hi = (float(v) for v in values)
        score = objective.expr.subs(t, lo) - objective.expr.subs(t, hi)
        kind = {1: PictureKind.SIGMOID, 2: PictureKind.BOUNDARY}.get(
            len(features), PictureKind.SCORES
        )
        score_fn = sympy.lambdify(args, score, "numpy")
        return ModelPicture(kind, features, target, (lo, hi), None, score_fn)
    prediction = _minimizer(objective.expr, t)
    if prediction is not None:
        kind = PictureKind.CURVE if len(features) == 1 else PictureKind.FIT
        predict_fn = sympy.lambdify(args, prediction, "numpy")
        return ModelPicture(kind, features, target, None, predict_fn, None)
    return ModelPicture(PictureKind.POINTS, features, target, None, None, None)


def _quadratic_in(expr: sympy.Expr, t: sympy.Symbol) -> bool:
    return _minimizer(expr, t) is not None


def _minimizer(expr: sympy.Expr, t: sympy.Symbol) -> sympy.Expr | None:
    """-c1 / (2 c2) when ``expr`` is c2 t^2 + c1 t + c0 with c2 a positive constant."""
    import sympy  # already loaded by parse_function, which made the objective

    try:
        poly = sympy.Poly(sympy.expand(expr), t)
    except sympy.PolynomialError:
        return None
    if poly.degree() != 2:
        return None
    c2, c1 = poly.coeff_monomial(t**2), poly.coeff_monomial(t)
    if not (c2.is_number and c2.is_positive):
        return None
    return -c1 / (2 * c2)
