"""f and its gradient for many points at once, generated as one numpy function.

:mod:`gdexplorer.core.many.vectorized` advances K runs together, so each iteration evaluates f and
its gradient at K points. Calling ``Objective.value`` and ``Objective.gradient`` separately
would evaluate the shared parts twice; this module generates one function that computes f and
every gradient component with their common sub-expressions shared (``sympy.cse``), printed by
sympy's numpy printer from expression *objects* whose symbols are renamed to ``_p0, _p1, ...``.
No text typed by a user reaches ``exec``.

The printing mirrors :mod:`gdexplorer.core.codegen` (same ``cse`` call, integers as floats,
small powers of a symbol as products), so a lane computes the same floating-point operations
in the same order as the single-run loop, and the two agree to the last bit wherever numpy's
elementary functions agree with the ``math`` module's.

:func:`scalar_check` re-evaluates one point with the single-run loop's own code (Python
floats, ``math``), to tell a point outside the function's domain (``math`` raises) from an
overflow, exactly as the single-run engine does.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core import codegen
from gdexplorer.core.objective import Objective

if TYPE_CHECKING:
    import sympy

KernelFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``kernel(points[d, K]) -> (f[K], gradient[d, K])``; fresh arrays, NaN/inf where undefined."""

OUTSIDE_DOMAIN, OVERFLOW, FINITE = range(3)


def _print(expr: sympy.Expr) -> str:
    # the printer subclasses sympy's, imported on first use: the window opens before sympy loads
    from gdexplorer.core._printers import NumpyKernelPrinter

    return NumpyKernelPrinter({"fully_qualified_modules": True}).doprint(expr)


def build_kernel(objective: Objective, mode: str = "symbolic", h: float = 1e-5) -> KernelFn:
    """Compile ``kernel(points[d, K]) -> (f[K], gradient[d, K])`` for one gradient mode.

    Call it inside ``np.errstate(all="ignore")``: undefined points give NaN or inf, which the
    caller detects. ``mode`` is ``symbolic`` (exact, shared sub-expressions) or ``central`` /
    ``forward`` (the finite differences of :mod:`gdexplorer.core.gradients`, with step ``h``).
    """
    d = objective.dimension
    args = ", ".join(f"_p{i}" for i in range(d))
    lines = [f"({args},) = _points", "_shape = _points.shape[1:]"]
    if mode == "symbolic":
        import sympy  # already loaded by parse_function, which made the objective

        renamed = codegen.renamed_expressions(objective)
        common, reduced = sympy.cse(renamed, symbols=sympy.numbered_symbols("_c"))
        lines += [f"{name} = {_print(value)}" for name, value in common]
        lines.append(f"_f = {_print(reduced[0])}")
        gradient = [_print(component) for component in reduced[1:]]
    else:
        value = _print(codegen.renamed_expressions(objective)[0])
        lines.append(f"def _fn({args}):\n        return {value}")
        lines.append(f"_f = _fn({args})")
        gradient = [_difference(i, d, mode, h) for i in range(d)]
    lines.append("_grad = numpy.empty((len(_points),) + _shape)")
    lines += [_into(f"_grad[{i}]", text) for i, text in enumerate(gradient)]
    lines.append("return (_f if numpy.ndim(_f) else numpy.full(_shape, float(_f))), _grad")
    source = "def _kernel(_points):\n" + "".join(f"    {line}\n" for line in lines)
    scope: dict = {"numpy": np}
    exec(compile(source, "<gdexplorer vector kernel>", "exec"), scope)  # generated, see docstring
    return scope["_kernel"]


def _difference(i: int, d: int, mode: str, h: float) -> str:
    """Gradient component ``i`` by a finite difference, written as the single-run loop writes it."""
    ahead = ", ".join(f"_p{j} + {h!r}" if j == i else f"_p{j}" for j in range(d))
    if mode == "central":
        behind = ", ".join(f"_p{j} - {h!r}" if j == i else f"_p{j}" for j in range(d))
        return f"(_fn({ahead}) - _fn({behind})) / (2 * {h!r})"
    return f"(_fn({ahead}) - _f) / {h!r}"


_UFUNCS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "true_divide"}


def _into(target: str, expression: str) -> str:
    """A statement storing ``expression`` in ``target``: when its last operation is ``+ - * /``
    it is computed straight into ``target`` (``out=``), which saves a copy; the operations and
    their order are unchanged, so are the results."""
    tree = ast.parse(expression, mode="eval").body
    if isinstance(tree, ast.BinOp) and type(tree.op) in _UFUNCS:
        left, right = ast.unparse(tree.left), ast.unparse(tree.right)
        return f"numpy.{_UFUNCS[type(tree.op)]}({left}, {right}, out={target})"
    return f"{target}[...] = {expression}"


def build_scalar_check(
    objective: Objective, mode: str = "symbolic", h: float = 1e-5
) -> Callable[[np.ndarray], int]:
    """``check(point) -> OUTSIDE_DOMAIN | OVERFLOW | FINITE`` with the single-run loop's code.

    The single-run loop evaluates f and the gradient with Python floats and ``math``; a domain
    error (``math.log(0)``, ``1/0``, a complex power) means the run left the function's domain,
    an ``OverflowError`` or a non-finite result means it diverged. numpy turns all of these into
    NaN or inf, so a lane that produced one is re-evaluated here to give the same stop reason.
    """
    d = objective.dimension
    args = ", ".join(f"_p{i}" for i in range(d))
    lines = [f"def _check({args}):"]
    if mode != "symbolic":
        expr = codegen.print_python(codegen.renamed_expressions(objective)[0])
        lines.append(f"    def _fn({args}):\n        return {expr}")
    lines += [f"    {line}" for line in codegen.value_and_gradient_lines(objective, mode, h)]
    lines.append(f"    return (_f, {', '.join(f'_g{i}' for i in range(d))},)")
    scope: dict = {"math": math}
    exec(compile("\n".join(lines) + "\n", "<gdexplorer scalar check>", "exec"), scope)
    evaluate = scope["_check"]

    def check(point: np.ndarray) -> int:
        try:
            values = evaluate(*(float(v) for v in point))
        except (ValueError, ZeroDivisionError, TypeError):
            return OUTSIDE_DOMAIN
        except OverflowError:
            return OVERFLOW
        if any(isinstance(v, complex) for v in values):
            return OUTSIDE_DOMAIN
        return FINITE if all(math.isfinite(v) for v in values) else OVERFLOW

    return check
