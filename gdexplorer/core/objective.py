"""The function to minimize, with its exact gradient, evaluated on numpy arrays.

An :class:`Objective` is built once from a :class:`~.ParsedFunction`:
sympy differentiates the validated expression object and ``lambdify`` compiles the expression
objects (never text) for numpy. Points are arrays whose last axis holds the coordinates, so one
call evaluates a single point, a path or a whole contour grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.errors import ConfigError
from gdexplorer.core.parse.expression import ParsedFunction, parse_function

if TYPE_CHECKING:
    import sympy


@dataclass(frozen=True, eq=False)
class Objective:
    """f and its exact gradient over ``variables``."""

    parsed: ParsedFunction
    gradient_exprs: tuple[sympy.Expr, ...] = field(init=False)

    def __post_init__(self) -> None:
        import sympy  # already loaded by parse_function, which made ``parsed``

        grads = tuple(sympy.diff(self.parsed.expr, s) for s in self.parsed.symbols)
        object.__setattr__(self, "gradient_exprs", grads)

    @property
    def variables(self) -> tuple[str, ...]:
        return self.parsed.variables

    @property
    def dimension(self) -> int:
        return len(self.parsed.variables)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The sympy symbols of ``variables``, in order (as a loss over data has them)."""
        return self.parsed.symbols

    @property
    def expr(self) -> sympy.Expr:
        return self.parsed.expr

    @cached_property
    def _value_fn(self) -> Callable:
        return _compile(self.parsed.symbols, self.parsed.expr)

    @cached_property
    def _gradient_fns(self) -> tuple[Callable, ...]:
        return tuple(_compile(self.parsed.symbols, g) for g in self.gradient_exprs)

    def value(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """f at ``points`` (shape ``(..., d)``) -> shape ``(...)``; NaN where undefined."""
        x = _as_points(points, self.dimension)
        with np.errstate(all="ignore"):
            out = self._value_fn(*np.moveaxis(x, -1, 0))
        return np.broadcast_to(np.asarray(out, dtype=float), x.shape[:-1]).copy()

    def gradient(self, points: np.ndarray | Sequence[float]) -> np.ndarray:
        """The exact gradient at ``points`` (shape ``(..., d)``) -> shape ``(..., d)``."""
        x = _as_points(points, self.dimension)
        coords = np.moveaxis(x, -1, 0)
        with np.errstate(all="ignore"):
            parts = [np.asarray(fn(*coords), dtype=float) for fn in self._gradient_fns]
        parts = [np.broadcast_to(p, x.shape[:-1]) for p in parts]
        return np.stack(parts, axis=-1)

    def value_at(self, point: np.ndarray | Sequence[float]) -> float:
        """f at one point as a float (NaN where undefined): the fast path of a loop that
        evaluates one point at a time. Call it inside ``np.errstate(all="ignore")``."""
        return float(self._value_fn(*point))

    def gradient_at(self, point: np.ndarray | Sequence[float]) -> np.ndarray:
        """The exact gradient at one point (shape ``(d,)``), the fast path as :meth:`value_at`."""
        return np.array([float(fn(*point)) for fn in self._gradient_fns])

    @cached_property
    def hessian_exprs(self) -> tuple[tuple[sympy.Expr, ...], ...]:
        """The exact Hessian's entries, ∂²f/∂x_i∂x_j, differentiated from the gradient."""
        import sympy  # already loaded by parse_function, which made ``parsed``

        return tuple(
            tuple(sympy.diff(g, s) for s in self.parsed.symbols) for g in self.gradient_exprs
        )

    @cached_property
    def hessian_is_constant(self) -> bool:
        """Whether no Hessian entry depends on the variables (f is quadratic or linear):
        decided symbolically, so a line search may use the closed form along a ray."""
        variables = set(self.parsed.symbols)
        return not any(e.free_symbols & variables for row in self.hessian_exprs for e in row)

    @cached_property
    def _hessian_fns(self) -> tuple[tuple[Callable, ...], ...]:
        return tuple(tuple(_compile(self.parsed.symbols, e) for e in r) for r in self.hessian_exprs)

    def hessian(self, point: np.ndarray | Sequence[float]) -> np.ndarray:
        """The exact Hessian at one point (shape ``(d,)``) -> ``(d, d)``; NaN where undefined."""
        x = _as_points(point, self.dimension).reshape(self.dimension)
        with np.errstate(all="ignore"):
            return np.array([[float(fn(*x)) for fn in row] for row in self._hessian_fns])


def _compile(symbols: Sequence[sympy.Symbol], expr: sympy.Expr) -> Callable:
    """A numpy function of the expression *object* (never text).

    The namespace holds only ``numpy`` itself: lambdify's default ("numpy") runs
    ``from numpy import *``, which imports numpy's lazy submodules and costs ~0.2 s at start-up.
    """
    import sympy  # already loaded by parse_function, which made the expression
    from sympy.printing.numpy import NumPyPrinter

    return sympy.lambdify(symbols, expr, modules=[{"numpy": np}], printer=NumPyPrinter)


def build_objective(text: str, variables: Sequence[str] | None = None) -> Objective:
    """Parse ``text`` (raises ExpressionError) and differentiate it."""
    return Objective(parse_function(text, variables))


def _as_points(points: np.ndarray | Sequence[float], dimension: int) -> np.ndarray:
    x = np.asarray(points, dtype=float)
    if x.shape[-1:] != (dimension,):
        raise ConfigError(
            f"expected {dimension} coordinate{'s' if dimension != 1 else ''} per point, "
            f"got shape {x.shape}"
        )
    return x


def format_point(variables: Sequence[str], point: Sequence[float] | np.ndarray) -> str:
    """``x = 1, y = -2`` for messages."""
    return ", ".join(f"{name} = {value:.6g}" for name, value in zip(variables, point, strict=True))
