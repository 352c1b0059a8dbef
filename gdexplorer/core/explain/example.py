"""One iteration as a worked example: the numbers of row k and the update written out.

Row k of a trajectory holds x_k, f(x_k), the gradient at x_k (the one the next update uses),
the step that arrived at x_k and the optimizer's state after update k. The update from k to
k + 1 therefore reads row k (point, gradient, state) and produces row k + 1 (step, state,
point). :func:`explain` gathers those numbers, taken from the trajectory itself so they match
it exactly, and writes each of the variant's equations (``optimizers.Variant.equations``)
twice: with symbols, and with this iteration's numbers substituted. :func:`sections` turns
the result into labelled lines for the inspector; numbers have 6 significant digits.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from gdexplorer.core.explain.maths import (
    SLOT_MEANINGS,
    SYMBOLS,
    format_number,
    format_vector,
    indexed_names,
    number_text,
    render,
    subscript,
    symbol,
)
from gdexplorer.core.explain.rates import previous_rate, scheduled_rate, trajectory_rates
from gdexplorer.core.optimizers import equation_names
from gdexplorer.core.stepsize.worked import direction_numbers, worked_sections
from gdexplorer.core.trajectory import Trajectory, row_columns

if TYPE_CHECKING:
    from gdexplorer.core.engine import Outcome
    from gdexplorer.core.run_protocol import DescentRun


@dataclass(frozen=True)
class Equation:
    """One of the variant's equations: with symbols, with numbers, and its result."""

    target: str
    symbolic: str
    substituted: str
    result: np.ndarray


@dataclass(frozen=True)
class Update:
    """The update from row k to row k + 1, with every number it involves."""

    variant_title: str
    learning_rate: float
    hyperparameters: Mapping[str, float]
    t: int
    uses_counter: bool
    used_gradient: np.ndarray
    equations: tuple[Equation, ...]
    step: np.ndarray
    next_point: np.ndarray
    next_value: float
    state: Mapping[str, np.ndarray]
    corrected: Mapping[str, np.ndarray]
    effective_learning_rate: np.ndarray
    rate_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkedExample:
    """Iteration ``index`` of a run: its numbers, and the update that followed (or why none)."""

    index: int
    variables: tuple[str, ...]
    point: np.ndarray
    value: float
    gradient: np.ndarray
    arrived_step: np.ndarray | None
    gradient_mode: str
    exact_gradient: np.ndarray | None
    absolute_error: np.ndarray | None
    relative_error: float | None
    maximize: bool
    update: Update | None
    no_update_reason: str | None
    more: tuple[Section, ...] = ()
    """Curvature at x_k; Newton's direction and the line search's trials (stepsize.worked)."""


def explain(
    run: DescentRun, trajectory: Trajectory, index: int, outcome: Outcome | None = None
) -> WorkedExample:
    """The worked example of row ``index`` of ``trajectory``, recorded by ``run`` (on a
    function or on data: its ``config``, ``variant``, ``hyperparameters``, ``objective`` and
    ``outcome`` are read). ``outcome`` says why the run stopped when ``run`` was only
    rebuilt to be inspected (its own ``outcome`` is None: it did not run)."""
    rows = len(trajectory)
    if not 0 <= index < rows:
        raise IndexError(f"iteration {index} is not recorded (0 .. {rows - 1})")
    config = run.config
    window = _window(trajectory, index)  # rows k and k + 1 only: no copy of a long run
    point = window.points[0].copy()
    gradient = window.gradients[0].copy()
    exact, absolute, relative = _gradient_check(run, point, gradient)
    update, reason = None, None
    if index + 1 < rows:
        update = _update(run, window, index, previous_rate(trajectory, index))
    else:
        reason = _no_update_reason(outcome or run.outcome, index)
    return WorkedExample(
        index=index,
        variables=tuple(trajectory.variables),
        point=point,
        value=float(window.values[0]),
        gradient=gradient,
        arrived_step=window.steps[0].copy() if index > 0 else None,
        gradient_mode=str(config.gradient),
        exact_gradient=exact,
        absolute_error=absolute,
        relative_error=relative,
        maximize=bool(config.maximize),
        update=update,
        no_update_reason=reason,
        more=tuple(
            Section(title, lines) for title, lines in worked_sections(run, trajectory, index)
        ),
    )


def _gradient_check(run: DescentRun, point: np.ndarray, gradient: np.ndarray):
    """With a finite-difference gradient: the exact one, and the per-coordinate and relative
    error of the one the run used."""
    if run.config.gradient == "symbolic":
        return None, None, None
    with np.errstate(all="ignore"):
        exact = np.asarray(run.objective.gradient(point), dtype=float).reshape(point.shape)
        absolute = np.abs(gradient - exact)
        norm = float(np.linalg.norm(exact))
        relative = float(np.linalg.norm(gradient - exact) / norm) if norm > 0 else float("nan")
    return exact, absolute, relative


def _no_update_reason(outcome: Outcome | None, index: int) -> str:
    if outcome is None:
        return f"Iteration {index + 1} has not been computed yet (the run is still going)."
    return f"No further update was made: {outcome.message}."


def _window(trajectory: Trajectory, index: int) -> Trajectory:
    """Rows ``index`` and ``index + 1`` (when recorded) as a small trajectory of their own."""
    base = len(row_columns(trajectory.variables, trajectory.state_slots))
    window = Trajectory(
        trajectory.variables, trajectory.state_slots, trajectory.columns[base:], capacity=2
    )
    window.append(trajectory.rows[index : index + 2])
    return window


def _update(
    run: DescentRun, window: Trajectory, index: int, previous: float | None = None
) -> Update:
    """Row k's gradient and state, row k + 1's step, state and point, and the equations.

    ``window`` holds rows k and k + 1; ``index`` is k, for the subscripts.
    """
    config, variant = run.config, run.variant
    grad = window.gradients[0]
    used = -grad if config.maximize else grad.copy()
    t = index + 1
    before = {slot: window.state(slot)[0] for slot in variant.state_slots}
    after = {slot: window.state(slot)[1].copy() for slot in variant.state_slots}
    step = window.steps[1].copy()
    hyper = dict(run.hyperparameters)
    rate, rate_lines = scheduled_rate(run, trajectory_rates(window), index, previous)
    numbers: dict[str, Any] = {"g": used, "t": t, "lr": rate, **hyper}
    numbers.update(before)
    subscripts = {"g": index, **{slot: index for slot in variant.state_slots}}
    direction = direction_numbers(run, window, index)  # d and α of a direction run
    numbers.update(direction)
    subscripts.update(dict.fromkeys(direction, index))
    equations = []
    for line in variant.step_equations:
        target, expr = _split(line)
        value = eval(_compiled_scalar(line), {"sqrt": math.sqrt}, numbers)  # our constants only
        equations.append(_equation(target, expr, numbers, subscripts, index + 1, value))
        numbers[target] = float(value)
    for line in variant.equations:
        target, expr = _split(line)
        result = step if target == "step" else after[target]
        equations.append(_equation(target, expr, numbers, subscripts, index + 1, result))
        numbers[target] = result
        subscripts[target] = index + 1
    with np.errstate(all="ignore"):
        effective = np.where(used != 0, -step / np.where(used != 0, used, 1.0), np.nan)
    return Update(
        variant_title=variant.title,
        learning_rate=rate,
        hyperparameters=hyper,
        t=t,
        uses_counter="t" in equation_names(variant),
        used_gradient=used,
        equations=tuple(equations),
        step=step,
        next_point=window.points[1].copy(),
        next_value=float(window.values[1]),
        state=after,
        corrected=_bias_corrected(after, hyper, t),
        effective_learning_rate=effective,
        rate_lines=rate_lines,
    )


def _bias_corrected(state: Mapping[str, np.ndarray], hyper: Mapping[str, float], t: int):
    """Adam's m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ), when the variant has them."""
    out = {}
    for slot, beta in (("m", "beta1"), ("v", "beta2")):
        if slot in state and beta in hyper:
            out[slot] = state[slot] / (1 - hyper[beta] ** t)
    return out


@cache
def _compiled_scalar(line: str):
    """A step equation's right-hand side, compiled once (the variants' constants, not input)."""
    return compile(ast.Expression(_split(line)[1]), "<step equation>", "eval")


@cache
def _split(line: str) -> tuple[str, ast.expr]:
    assign = ast.parse(line).body[0]
    assert isinstance(assign, ast.Assign) and isinstance(assign.targets[0], ast.Name)
    return assign.targets[0].id, assign.value


def _equation(target, expr, numbers, subscripts, after_index, result) -> Equation:
    """Write ``target = expr`` with symbols and with numbers (step scalars carry no index)."""
    name = symbol(
        target, subscripts | {target: after_index} if target in indexed_names() else subscripts
    )
    return Equation(
        target=target,
        symbolic=f"{name} = {render(expr, lambda n: symbol(n, subscripts))[0]}",
        substituted=render(expr, lambda n: number_text(numbers[n]))[0],
        result=np.asarray(result, dtype=float),
    )


@dataclass(frozen=True)
class Section:
    """A titled group of ``(label, text)`` lines, as the inspector shows them."""

    title: str
    lines: tuple[tuple[str, str], ...]


def sections(example: WorkedExample) -> tuple[Section, ...]:
    """The worked example as titled lines: the iterate, the gradient check, the update."""
    k = example.index
    sub = subscript(k)
    derivative = "f′" if len(example.variables) == 1 else "∇f"
    lines = [
        (f"x{sub}", format_vector(example.point)),
        (f"f(x{sub})", value_text(example.value)),
        (f"{derivative}(x{sub})", format_vector(example.gradient)),
    ]
    if example.arrived_step is not None:
        previous = subscript(k - 1)
        lines.append((f"step x{sub} − x{previous}", format_vector(example.arrived_step)))
    out = [Section(f"Iteration k = {k:,}", tuple(lines))]
    if example.exact_gradient is not None:
        out.append(_gradient_section(example))
    if example.update is None:
        out.append(Section("No update", (("", example.no_update_reason or ""),)))
    else:
        out.extend(_update_sections(example, example.update))
    return (*out, *example.more)


def _gradient_section(example: WorkedExample) -> Section:
    mode = "central" if example.gradient_mode == "central" else "forward"
    assert example.exact_gradient is not None and example.absolute_error is not None
    lines = (
        (f"{mode} difference", format_vector(example.gradient)),
        ("exact ∇f", format_vector(example.exact_gradient)),
        ("|error| per coordinate", format_vector(example.absolute_error)),
        ("relative error ‖Δ‖/‖∇f‖", format_number(example.relative_error or 0.0)),
    )
    return Section("Finite difference vs exact gradient", lines)


def _update_sections(example: WorkedExample, update: Update) -> list[Section]:
    k = example.index
    now, nxt = subscript(k), subscript(k + 1)
    settings = ", ".join(
        [f"lr = {format_number(update.learning_rate)}"]
        + [f"{SYMBOLS.get(n, n)} = {format_number(v)}" for n, v in update.hyperparameters.items()]
    )
    lines: list[tuple[str, str]] = [("rule", f"{update.variant_title}: {settings}")]
    lines += [("rate" if i == 0 else "", text) for i, text in enumerate(update.rate_lines)]
    nabla = "f′" if len(example.variables) == 1 else "∇f"
    if example.maximize:
        lines.append(("maximize", f"g{now} = −{nabla}(x{now}): the gradient is negated"))
    else:
        lines.append(("", f"g{now} = {nabla}(x{now})"))
    if update.uses_counter:
        lines.append(("", f"t = {update.t} (updates so far, this one included)"))
    for eq in update.equations:
        lines.append(("", eq.symbolic))
        lines.append(("", f"   = {eq.substituted}"))
        lines.append(("", f"   = {format_vector(eq.result)}"))
    point = format_vector(example.point)
    lines.append(("", f"x{nxt} = x{now} + step{nxt}"))
    lines.append(("", f"   = {point} + {_summand(update.step)}"))
    lines.append(("", f"   = {format_vector(update.next_point)}"))
    lines.append(("", f"f(x{nxt}) = {value_text(update.next_value)}"))
    out = [Section(f"Update {k:,} → {k + 1:,}", tuple(lines))]
    out.append(_state_section(update, nxt))
    return out


def _state_section(update: Update, nxt: str) -> Section:
    lines = []
    for slot, value in update.state.items():
        meaning = SLOT_MEANINGS.get(slot, "")
        if slot == "s" and "rho" in update.hyperparameters:
            meaning = "average of g²"
        lines.append((meaning, f"{slot}{nxt} = {format_vector(value)}"))
    for slot, value in update.corrected.items():
        beta = "β₁" if slot == "m" else "β₂"
        hat = f"{slot}\u0302{nxt}"
        lines.append(
            ("bias-corrected", f"{hat} = {slot}{nxt} / (1 − {beta}ᵗ) = {format_vector(value)}")
        )
    effective = ", ".join(
        "—" if np.isnan(v) else format_number(v) for v in update.effective_learning_rate
    )
    if update.effective_learning_rate.size > 1:
        effective = f"({effective})"
    lines.append(("effective lr", f"−step / g = {effective}"))
    return Section("State after the update", tuple(lines))


def _summand(values: np.ndarray) -> str:
    """A vector, or a number in parentheses when negative (``x + (-0.5)``)."""
    text = format_vector(values)
    return f"({text})" if text.startswith("-") else text


def as_text(example: WorkedExample) -> str:
    """The worked example as plain text (for tests and the command line)."""
    out = []
    for section in sections(example):
        out.append(section.title)
        for label, text in section.lines:
            out.append(f"  {label}: {text}" if label else f"  {text}")
    return "\n".join(out)


NOT_COMPUTED = "not computed here (on big data the full-data loss is recorded every few updates)"


def value_text(value: float) -> str:
    """f as a number, or why it is missing: a run on big data leaves NaN between checkpoints."""
    return NOT_COMPUTED if np.isnan(value) else format_number(value)
