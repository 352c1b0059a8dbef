"""A fused run loop generated from the sympy expressions and a variant's equations.

A loop that evaluates f and its gradient with numpy arrays at every iteration costs about ten
times a hand-written loop over Python floats, because each tiny array operation pays numpy's
call overhead. So the engine writes that hand-written loop itself: the gradient (symbolic, with
common sub-expressions shared, or a finite difference), the variant's equations inlined once
per coordinate, the divergence and stopping checks, and the recording of one row per iterate.

The source is produced by sympy's Python printer from expression *objects* (whose symbols we
rename to ``_p0, _p1, ...``) and from the variant equations, which are constants of
:mod:`gdexplorer.core.optimizers`. No text typed by a user reaches ``exec``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gdexplorer.core.objective import Objective
from gdexplorer.core.optimizers import Variant, step_scalar_names
from gdexplorer.core.stepsize.loop_source import LoopSchedule, constant_loop

if TYPE_CHECKING:
    import sympy

# Codes returned by the generated function.
RAN_ALL, GRADIENT_SMALL, STEP_SMALL, NOT_FINITE, UNDEFINED = range(5)


@dataclass(frozen=True)
class FusedLoop:
    """The compiled loop and its source.

    ``advance(state, n, rows, tol_grad_sq, tol_step_sq, limit) -> (code, state)`` runs at most
    ``n`` updates, extending the flat buffer ``rows`` (an ``array("d")``) by one row per new
    iterate, laid out as :func:`gdexplorer.core.trajectory.row_columns`. ``state`` is the tuple
    ``(t, *point, f, *gradient, *slots)``.
    """

    advance: Callable
    source: str


def build_fused_loop(
    objective: Objective,
    variant: Variant,
    learning_rate: float,
    hyperparameters: dict[str, float],
    gradient_mode: str = "symbolic",
    h: float = 1e-5,
    maximize: bool = False,
    schedule: LoopSchedule | None = None,
) -> FusedLoop:
    """Generate and compile the loop for one run's settings.

    ``schedule`` (default: the constant ``learning_rate``) sets each update's rate; row k
    records lr_k, the rate of the update that starts there, as its last entry (column ``lr``),
    except for the constant rate, left out of the loop's rows (the engine adds it).
    """
    d = objective.dimension
    point = [f"_p{i}" for i in range(d)]
    grads = [f"_g{i}" for i in range(d)]
    steps = [f"_d{i}" for i in range(d)]
    slots = [f"_s_{slot}{i}" for slot in variant.state_slots for i in range(d)]
    rate = schedule or constant_loop(learning_rate)
    constants = {**hyperparameters}
    if rate.rate_name is None:
        constants["lr"] = learning_rate
    rate_renames = {"lr": rate.rate_name} if rate.rate_name else {}

    loop_head = "for _ln in _rates(_t, _n):" if rate.following_rates else "for _ in range(_n):"
    lines = [loop_head, "    _t += 1.0"]
    lines += ["    " + eq for eq in _step_equations(variant, constants, rate_renames)]
    for i in range(d):
        sign = "-" if maximize else ""
        lines.append(f"    _q{i} = {sign}_g{i}")
        lines += ["    " + eq for eq in _coordinate_equations(variant, i, constants, rate_renames)]
    lines += [f"    {p} = {p} + {s}" for p, s in zip(point, steps, strict=True)]
    lines += ["    " + line for line in rate.after_step_lines]
    lines += ["    " + line for line in value_and_gradient_lines(objective, gradient_mode, h)]
    # Squares overflow to inf and NaN compares false, so these also catch non-finite values.
    lines.append(f"    _gn = {_sum_of_squares(grads)}")
    lines.append(f"    _sn = {_sum_of_squares(steps)}")
    lines.append("    if not (-_lim < _f < _lim and _gn < _lim * _lim and _sn < _lim * _lim):")
    lines.append(f"        return {NOT_FINITE}, _pack()")
    recorded_rate = [rate.row_value] if rate.row_value else []
    row = ", ".join([*point, "_f", *grads, *steps, *slots, *recorded_rate])
    lines.append(f"    _rows.extend(({row},))")
    lines.append("    if _gn < _tol_grad_sq:")
    lines.append(f"        return {GRADIENT_SMALL}, _pack()")
    lines.append("    if _sn < _tol_step_sq:")
    lines.append(f"        return {STEP_SMALL}, _pack()")

    state_names = ["_t", *point, "_f", *grads, *slots, *rate.state_names]
    source = _wrap(lines, state_names, d, gradient_mode, objective)
    scope: dict = {"math": math, "_rates": rate.following_rates}
    exec(compile(source, "<gdexplorer fused loop>", "exec"), scope)  # generated, see docstring
    return FusedLoop(scope["_advance"], source)


def _wrap(lines: list[str], state_names: list[str], d: int, mode: str, objective: Objective) -> str:
    state = ", ".join(state_names)
    header = [
        "def _advance(_state, _n, _rows, _tol_grad_sq, _tol_step_sq, _lim):",
        f"    ({state},) = _state",
        "    _sqrt = math.sqrt",
    ]
    if mode != "symbolic":
        args = ", ".join(f"_p{i}" for i in range(d))
        value = print_python(renamed_expressions(objective)[0])
        header.append(f"    def _fn({args}):\n        return {value}")
    body = ["    try:"] + ["        " + line for line in lines]
    footer = [
        "    except (ValueError, ZeroDivisionError):",
        f"        return {UNDEFINED}, _pack()",
        "    except OverflowError:",
        f"        return {NOT_FINITE}, _pack()",
        f"    return {RAN_ALL}, _pack()",
    ]
    # The state is packed inline (not by a nested function, which would turn every state
    # variable into a slower closure cell).
    return "\n".join(header + body + footer).replace("_pack()", f"({state},)") + "\n"


def renamed_expressions(objective: Objective) -> list[sympy.Expr]:
    """f and its gradient with the user's symbols replaced by ``_p0, _p1, ...``."""
    import sympy  # already loaded by parse_function, which made the objective

    mapping = {s: sympy.Symbol(f"_p{i}", real=True) for i, s in enumerate(objective.parsed.symbols)}
    return [e.xreplace(mapping) for e in (objective.expr, *objective.gradient_exprs)]


def print_python(expr: sympy.Expr) -> str:
    # the printer subclasses sympy's, imported on first use: the window opens before sympy loads
    from gdexplorer.core._printers import FastPrinter

    return FastPrinter({"fully_qualified_modules": True}).doprint(expr)


def value_and_gradient_lines(objective: Objective, mode: str, h: float) -> list[str]:
    """Lines that set ``_f`` and ``_g0.._g{d-1}`` at the current point."""
    d = objective.dimension
    if mode == "symbolic":
        import sympy  # already loaded by parse_function, which made the objective

        common, reduced = sympy.cse(
            renamed_expressions(objective), symbols=sympy.numbered_symbols("_c")
        )
        out = [f"{name} = {print_python(value)}" for name, value in common]
        out.append(f"_f = {print_python(reduced[0])}")
        out += [f"_g{i} = {print_python(reduced[i + 1])}" for i in range(d)]
        return out
    out = [f"_f = _fn({', '.join(f'_p{i}' for i in range(d))})"]
    for i in range(d):
        ahead = ", ".join(f"_p{j} + {h!r}" if j == i else f"_p{j}" for j in range(d))
        behind = ", ".join(f"_p{j} - {h!r}" if j == i else f"_p{j}" for j in range(d))
        if mode == "central":
            out.append(f"_g{i} = (_fn({ahead}) - _fn({behind})) / (2 * {h!r})")
        else:
            out.append(f"_g{i} = (_fn({ahead}) - _f) / {h!r}")
    return out


def _step_equations(
    variant: Variant, constants: dict[str, float], extra: dict[str, str] | None = None
) -> list[str]:
    """The variant's once-per-update scalars, hyperparameters inlined as literals."""
    renames = {"t": "_t", "sqrt": "_sqrt", **(extra or {})}
    renames.update({name: f"_k_{name}" for name in step_scalar_names(variant)})
    return _rewrite(variant, variant.step_equations, renames, constants)


def _coordinate_equations(
    variant: Variant, i: int, constants: dict[str, float], extra: dict[str, str] | None = None
) -> list[str]:
    """The variant's equations for coordinate ``i``, hyperparameters inlined as literals
    (``extra`` renames more names: ``lr`` to the scheduled rate's variable)."""
    renames = {"g": f"_q{i}", "step": f"_d{i}", "t": "_t", "sqrt": "_sqrt", **(extra or {})}
    renames.update({slot: f"_s_{slot}{i}" for slot in variant.state_slots})
    renames.update({name: f"_k_{name}" for name in step_scalar_names(variant)})
    return _rewrite(variant, variant.equations, renames, constants)


def _rewrite(
    variant: Variant, equations: Sequence[str], renames: dict[str, str], constants: dict[str, float]
) -> list[str]:
    """Equations with names renamed and constants inlined (an AST rewrite of our own text)."""

    class _Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802 (ast's naming)
            if node.id in constants:
                return ast.copy_location(ast.Constant(float(constants[node.id])), node)
            if node.id not in renames:
                raise KeyError(f"variant {variant.name} uses unknown name {node.id}")
            return ast.copy_location(ast.Name(renames[node.id], node.ctx), node)

    return [ast.unparse(_Rename().visit(ast.parse(eq))) for eq in equations]


def _sum_of_squares(names: Sequence[str]) -> str:
    return " + ".join(f"{n} * {n}" for n in names)
