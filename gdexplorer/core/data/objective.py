"""The objective of learning from data: the mean of a per-example loss over a dataset.

The student writes the loss of one example, e.g. ``(w*x + b - y)^2``: every name that is a
column of the data is data, every other name is a parameter to learn. The objective is the mean
of that loss over the examples used, its gradient the mean of the exact per-example gradients
(sympy ``diff`` of the parsed expression object, compiled with ``lambdify``).

Two costs matter. A mini-batch update evaluates the loss and gradient on a few examples: one
compiled call over the batch's columns. The full-data loss (recorded at every update, drawn as a
contour over 200 x 200 parameter points) touches every example at every point. When the loss is
a polynomial in the parameters (any squared-error model that is linear in its parameters), the
mean of each coefficient over the data is computed once, and the full loss and gradient become
a small polynomial in the parameters: independent of the number of examples. Otherwise points
and examples are broadcast against each other in blocks of bounded size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.data.datasets import TARGET_NAMES, Dataset
from gdexplorer.core.errors import DataError
from gdexplorer.core.parse.expression import parse_function

if TYPE_CHECKING:
    import sympy

BLOCK_ELEMENTS = 1 << 20
"""Most (point, example) pairs evaluated at once by the full-data fallback."""
MAX_POLYNOMIAL_TERMS = 500
"""Larger expansions in the parameters use the blockwise fallback instead."""
_LOOKS_LIKE_DATA = re.compile(r"x\d*\Z")
_sum = np.add.reduce


@dataclass(frozen=True, eq=False)
class DataObjective:
    """The mean per-example loss over ``dataset``, as a function of the parameters.

    Quacks like :class:`gdexplorer.core.objective.Objective` (``variables``, ``dimension``,
    ``expr``, ``gradient_exprs``, ``value``, ``gradient``) where ``expr`` is the loss of one
    example, and adds the per-example views the inspector and the run loop need.
    """

    text: str
    expr: sympy.Expr
    symbols: tuple[sympy.Symbol, ...]
    data_symbols: tuple[sympy.Symbol, ...]
    dataset: Dataset

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.symbols)

    @property
    def dimension(self) -> int:
        return len(self.symbols)

    @property
    def data_columns(self) -> tuple[str, ...]:
        """The columns the loss uses, in the dataset's order."""
        return tuple(s.name for s in self.data_symbols)

    @cached_property
    def gradient_exprs(self) -> tuple[sympy.Expr, ...]:
        import sympy  # already loaded by parse_function, which made the expression

        return tuple(sympy.diff(self.expr, s) for s in self.symbols)

    @cached_property
    def _columns(self) -> np.ndarray:
        """The used columns as rows, ``(len(data_columns), n_examples)``, contiguous."""
        picks = [self.dataset.columns.index(c) for c in self.data_columns]
        return np.ascontiguousarray(self.dataset.values[:, picks].T)

    @cached_property
    def _loss_and_gradient_fn(self) -> Callable:
        import sympy  # already loaded by parse_function, which made the expression

        args = [*self.symbols, *self.data_symbols]
        return sympy.lambdify(args, [self.expr, *self.gradient_exprs], "numpy", cse=True)

    @cached_property
    def _every_output_uses_data(self) -> bool:
        """Whether the loss and each partial derivative come out as arrays over a batch."""
        return all(e.has(*self.data_symbols) for e in (self.expr, *self.gradient_exprs))

    @cached_property
    def _loss_fn(self) -> Callable:
        import sympy  # already loaded by parse_function, which made the expression

        return sympy.lambdify([*self.symbols, *self.data_symbols], [self.expr], "numpy")

    @cached_property
    def _polynomial(self) -> _Polynomial | None:
        return _reduce_polynomial(self.expr, self.symbols, self.data_symbols, self._columns)

    @cached_property
    def least_squares_minimum(self) -> tuple[float, ...] | None:
        """The one minimizer of a full-data loss that is quadratic in the parameters (squared
        error of a model linear in them), or None (another loss, or no single minimizer).

        The gradient of such a loss is H·x + g with H constant, so d + 1 exact gradients give
        H and g and the minimizer solves H·x = −g. When H is singular (two columns of the data
        proportional, as in one source article's example) the minimizers form a line or a
        plane: nothing single to mark.
        """
        import sympy  # already loaded by parse_function, which made the expression

        if self._polynomial is None or sympy.Poly(self.expr, *self.symbols).total_degree() != 2:
            return None
        d = self.dimension
        at_zero = self.gradient(np.zeros(d))
        hessian = np.column_stack([self.gradient(unit) - at_zero for unit in np.eye(d)])
        hessian = (hessian + hessian.T) / 2
        if not np.all(np.isfinite(hessian)):
            return None
        curvatures = np.linalg.eigvalsh(hessian)
        if curvatures[0] <= 1e-9 * max(abs(curvatures[-1]), 1e-300):
            return None  # not strictly convex: no single minimizer
        point = np.linalg.solve(hessian, -at_zero)
        return tuple(float(v) for v in point) if np.all(np.isfinite(point)) else None

    @property
    def is_polynomial(self) -> bool:
        """Whether full-data evaluations cost O(1) in the number of examples."""
        return self._polynomial is not None

    def example_values_and_gradients(
        self, point: np.ndarray | Sequence[float], indices: np.ndarray | slice = slice(None)
    ) -> tuple[np.ndarray, np.ndarray]:
        """Loss ``(n,)`` and gradient ``(n, d)`` of each example ``indices`` at ``point``."""
        stacked = self._per_example(point, indices)
        return stacked[0], stacked[1:].T

    def batch_value_and_gradient(
        self, point: np.ndarray | Sequence[float], indices: np.ndarray | slice = slice(None)
    ) -> tuple[float, np.ndarray]:
        """The mean loss and mean gradient over the examples ``indices`` (one update's work)."""
        with np.errstate(all="ignore"):
            return self.batch_means_unchecked(point, indices)

    def batch_means_unchecked(
        self, point: np.ndarray | Sequence[float], indices: np.ndarray | slice
    ) -> tuple[float, np.ndarray]:
        """:meth:`batch_value_and_gradient` for a caller that has set ``np.errstate``."""
        if isinstance(indices, slice):
            columns = self._columns[:, indices]
        else:
            columns = self._columns.take(indices, axis=1)
        n = columns.shape[1]
        outs = self._loss_and_gradient_fn(*point, *columns)
        if self._every_output_uses_data:  # one reduction over a (1 + d, n) stack
            means = _sum(outs, axis=1) / n
            return float(means[0]), means[1:]
        means = [float(_sum(o)) / n if np.ndim(o) else float(o) for o in outs]
        return means[0], np.array(means[1:])

    def _per_example(
        self, point: np.ndarray | Sequence[float], indices: np.ndarray | slice
    ) -> np.ndarray:
        columns = self._columns[:, indices]
        n = columns.shape[1]
        with np.errstate(all="ignore"):
            outs = self._loss_and_gradient_fn(*point, *columns)
        return np.array([o if np.ndim(o) else np.full(n, o, dtype=float) for o in outs], float)

    def value(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """The full-data mean loss at ``points`` (shape ``(..., d)``) -> shape ``(...)``."""
        x = _as_points(points, self.dimension)
        if self._polynomial is not None:
            out = self._polynomial.value(x)
            if self.expr.is_nonnegative:  # the mean of squares is >= 0: remove round-off
                np.maximum(out, 0.0, out=out)
            return out
        return self._blockwise(x, self._loss_fn, 1)[..., 0]

    def gradient(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """The full-data mean gradient at ``points`` (shape ``(..., d)``) -> ``(..., d)``."""
        x = _as_points(points, self.dimension)
        if self._polynomial is not None:
            return self._polynomial.gradient(x)
        return self._blockwise(x, self._loss_and_gradient_fn, 1 + self.dimension)[..., 1:]

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`value` and :meth:`gradient` together, in one pass over the examples."""
        x = _as_points(points, self.dimension)
        if self._polynomial is not None:
            return self.value(x), self.gradient(x)
        both = self._blockwise(x, self._loss_and_gradient_fn, 1 + self.dimension)
        return both[..., 0], both[..., 1:]

    def _blockwise(self, x: np.ndarray, fn: Callable, outputs: int) -> np.ndarray:
        """Mean over the examples of ``fn``'s outputs, for every point: ``(..., outputs)``."""
        flat = x.reshape(-1, self.dimension)
        columns = self._columns
        n = columns.shape[1]
        per_block = max(1, BLOCK_ELEMENTS // max(n, 1))
        example_block = min(n, BLOCK_ELEMENTS)
        sums = np.zeros((len(flat), outputs))
        with np.errstate(all="ignore"):
            for p0 in range(0, len(flat), per_block):
                params = [c[:, None] for c in flat[p0 : p0 + per_block].T]
                for e0 in range(0, n, example_block):
                    data = [c[None, e0 : e0 + example_block] for c in columns]
                    shape = (len(params[0]), data[0].shape[1])
                    outs = fn(*params, *data)
                    part = [np.broadcast_to(o, shape).sum(axis=1) for o in outs]
                    sums[p0 : p0 + len(params[0])] += np.stack(part, axis=-1)
        return (sums / n).reshape(*x.shape[:-1], outputs)


def build_data_objective(
    text: str, dataset: Dataset, variables: Sequence[str] | None = None
) -> DataObjective:
    """Parse the per-example loss and split its names into data columns and parameters.

    Raises ExpressionError for a loss that does not parse and DataError when the names and the
    columns do not fit together (a listed parameter that is a column, a column that seems
    missing, no parameters left).
    """
    parsed = parse_function(text)
    by_name = dict(zip(parsed.variables, parsed.symbols, strict=True))
    columns = dataset.columns
    listing = ", ".join(columns)
    params = _parameter_names(list(by_name), columns, variables)
    data = [c for c in columns if c in by_name]
    if not data:
        raise DataError(f"the loss uses none of the data's columns ({listing})")
    return DataObjective(
        text,
        parsed.expr,
        tuple(by_name[p] for p in params),
        tuple(by_name[c] for c in data),
        dataset,
    )


def _parameter_names(
    names: list[str], columns: Sequence[str], variables: Sequence[str] | None
) -> list[str]:
    listing = ", ".join(columns)
    candidates = [n for n in names if n not in columns]
    if variables is None:
        for name in candidates:
            if name in TARGET_NAMES or _LOOKS_LIKE_DATA.match(name):
                raise DataError(
                    f"the loss uses '{name}' but the data has no column '{name}'; "
                    f"columns are {listing}"
                )
        params = candidates
    else:
        for name in variables:
            if name in columns:
                raise DataError(
                    f"'{name}' is a column of the data, so it cannot be a parameter; "
                    "rename the parameter"
                )
            if name not in names:
                raise DataError(f"the parameter '{name}' does not appear in the loss")
        for name in candidates:
            if name not in variables:
                raise DataError(
                    f"the loss uses '{name}', which is neither a column of the data "
                    f"({listing}) nor a listed parameter ({', '.join(variables)})"
                )
        params = list(variables)
    if not params:
        raise DataError("the loss has no parameters to learn: every name in it is a column")
    return params


@dataclass(frozen=True)
class _Polynomial:
    """The mean loss as a polynomial in the parameters, with data-averaged coefficients."""

    coefficients: tuple[float, ...]
    value_fn: Callable
    gradient_fn: Callable
    dimension: int

    def value(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = self.value_fn(*np.moveaxis(x, -1, 0), *self.coefficients)
        return np.broadcast_to(np.asarray(out, dtype=float), x.shape[:-1]).copy()

    def gradient(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            parts = self.gradient_fn(*np.moveaxis(x, -1, 0), *self.coefficients)
        return np.stack([np.broadcast_to(np.asarray(p, float), x.shape[:-1]) for p in parts], -1)


def _reduce_polynomial(
    expr: sympy.Expr,
    params: tuple[sympy.Symbol, ...],
    data: tuple[sympy.Symbol, ...],
    columns: np.ndarray,
) -> _Polynomial | None:
    """Average each coefficient of ``expr`` (a polynomial in ``params``) over the data."""
    import sympy  # already loaded by parse_function, which made the expression

    if _term_estimate(expr, params) > MAX_POLYNOMIAL_TERMS:
        return None
    try:
        terms = sympy.Poly(expr, *params).terms()
    except sympy.PolynomialError:
        return None
    means = []
    for _, coefficient in terms:
        with np.errstate(all="ignore"):
            values = sympy.lambdify(data, coefficient, "numpy")(*columns)
        means.append(float(np.mean(np.broadcast_to(values, columns.shape[1:]))))
    if not all(math.isfinite(m) for m in means):
        return None  # the blockwise path reports where the loss is undefined
    coefficient_symbols = sympy.symbols(f"_c0:{len(terms)}")
    reduced = sympy.Add(
        *(c * sympy.Mul(*(p**e for p, e in zip(params, monomial, strict=True)))
          for c, (monomial, _) in zip(coefficient_symbols, terms, strict=True))
    )  # fmt: skip
    args = [*params, *coefficient_symbols]
    gradient = [sympy.diff(reduced, p) for p in params]
    return _Polynomial(
        tuple(means),
        sympy.lambdify(args, reduced, "numpy"),
        sympy.lambdify(args, gradient, "numpy", cse=True),
        len(params),
    )


def _term_estimate(expr: sympy.Expr, params: tuple[sympy.Symbol, ...]) -> int:
    """An upper bound on the monomials of ``expr`` expanded in ``params`` (capped).

    Guards :class:`sympy.Poly` against expansions such as ``(w1 + ... + w9)^60``; anything that
    is not built from sums, products and whole powers of the parameters counts as too many.
    """
    too_many = MAX_POLYNOMIAL_TERMS + 1
    if not expr.has(*params) or expr.is_Symbol:
        return 1
    if expr.is_Add:
        return min(sum(_term_estimate(a, params) for a in expr.args), too_many)
    if expr.is_Mul:
        return min(math.prod(_term_estimate(a, params) for a in expr.args), too_many)
    if expr.is_Pow and expr.exp.is_Integer and int(expr.exp) >= 0:
        base = _term_estimate(expr.base, params)
        return min(math.comb(base + int(expr.exp) - 1, int(expr.exp)), too_many)
    return too_many


def _as_points(points: np.ndarray | Sequence[float], dimension: int) -> np.ndarray:
    x = np.asarray(points, dtype=float)
    if x.shape[-1:] != (dimension,):
        raise DataError(f"expected {dimension} parameter value(s) per point, got shape {x.shape}")
    return x
