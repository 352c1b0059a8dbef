"""A schedule written into the fused run loop (:mod:`gdexplorer.core.codegen`).

The loop keeps the rate of the coming update in ``_lr`` (lr_k while update k is made), counts
updates in ``_t`` (k + 1 once update k has begun) and keeps f at the current point in ``_f``.
After update k has moved the point, the scheduler steps, as PyTorch's ``scheduler.step()``
after ``optimizer.step()``: a closed-form schedule is one line, ``_lr = <lr_(k+1) as an
expression of _t>`` with every option inlined as a literal; ``plateau`` updates its rate,
best value, bad-update count and cooldown (four loop variables) with f(x_k), the value
computed for update k. The constant rate stays a literal, so a run without a schedule costs
what it cost before schedules existed.

Row k records lr_k, the rate of update k (the update that starts at x_k with row k's
gradient), in its column ``lr``: row 0 holds lr_0, and the column is PyTorch's sequence of
``get_last_lr()`` values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gdexplorer.core.stepsize.schedules import PLATEAU_EPS, closed_form_rate, onecycle_phases


@dataclass(frozen=True)
class LoopSchedule:
    """What the fused loop needs of a schedule.

    Attributes
    ----------
    rate_name:
        What the variant's ``lr`` becomes: ``_lr``, or ``None`` to inline the constant rate.
    after_step_lines:
        Lines after the update moved the point, before f is evaluated there: the scheduler's
        step, setting ``_lr`` to the next update's rate.
    row_value:
        The expression recorded in the row's ``lr`` column (the next update's rate).
    state_names, initial_state:
        Loop variables carried between chunks, and their values before update 0.
    first_rate:
        lr_0, recorded in row 0.
    """

    rate_name: str | None
    after_step_lines: tuple[str, ...]
    row_value: str
    state_names: tuple[str, ...]
    initial_state: tuple[float, ...]
    first_rate: float


def constant_loop(learning_rate: float) -> LoopSchedule:
    """The constant rate: a literal, as before schedules existed."""
    rate = float(learning_rate)
    return LoopSchedule(None, (), repr(rate), (), (), rate)


def loop_schedule(
    name: str, options: Mapping[str, Any], learning_rate: float, maximize: bool
) -> LoopSchedule:
    """The schedule ``name`` (with every option it uses in ``options``) for the fused loop."""
    if name == "constant":
        return constant_loop(learning_rate)
    if name == "plateau":
        return _plateau(options, learning_rate, maximize)
    expression = rate_expression(name, options, float(learning_rate))
    first = float(closed_form_rate(name, options, 0.0, float(learning_rate)))
    return LoopSchedule("_lr", (f"_lr = {expression}",), "_lr", ("_lr",), (first,), first)


def rate_expression(name: str, options: Mapping[str, Any], base: float) -> str:
    """lr_k of a closed-form schedule as Python source in ``_t`` (k) and ``_cos``, with the
    same operations in the same order as :func:`~.schedules.closed_form_rate`."""
    lr = repr(base)
    if name == "step":
        return f"{lr} * {float(options['gamma'])!r} ** (_t // {int(options['step_size'])})"
    if name == "exponential":
        return f"{lr} * {float(options['gamma'])!r} ** _t"
    if name == "cosine":
        eta = repr(float(options["eta_min"]))
        return (
            f"{eta} + ({lr} - {eta}) * (1 + _cos({math.pi!r} * _t / {int(options['t_max'])})) / 2"
        )
    if name == "onecycle":
        initial, peak, lowest, warm_end, last = (repr(v) for v in onecycle_phases(options))
        warm = _anneal(initial, peak, f"_t / {warm_end}")
        cool = _anneal(peak, lowest, f"(_t - {warm_end}) / ({last} - {warm_end})")
        return f"({warm} if _t <= {warm_end} else {cool})"
    raise ValueError(f"{name} has no closed form")


def _anneal(start: str, end: str, pct: str) -> str:
    return f"{end} + ({start} - {end}) / 2.0 * (_cos({math.pi!r} * ({pct})) + 1)"


def _plateau(options: Mapping[str, Any], learning_rate: float, maximize: bool) -> LoopSchedule:
    """ReduceLROnPlateau's ``step(f)`` as loop lines (see :class:`~.schedules.PlateauRule`)."""
    threshold = float(options["threshold"])
    better = (
        f"_f > _pl_best * {threshold + 1!r}" if maximize else f"_f < _pl_best * {1 - threshold!r}"
    )
    lines = (
        f"if {better}:",
        "    _pl_best = _f",
        "    _pl_bad = 0.0",
        "else:",
        "    _pl_bad += 1.0",
        "if _pl_cool > 0.0:",
        "    _pl_cool -= 1.0",
        "    _pl_bad = 0.0",
        f"if _pl_bad > {float(options['patience'])!r}:",
        f"    _pl_new = max(_lr * {float(options['factor'])!r}, {float(options['min_lr'])!r})",
        f"    if _lr - _pl_new > {PLATEAU_EPS!r}:",
        "        _lr = _pl_new",
        f"    _pl_cool = {float(options['cooldown'])!r}",
        "    _pl_bad = 0.0",
    )
    worst = -math.inf if maximize else math.inf
    state = (float(learning_rate), worst, 0.0, 0.0)
    names = ("_lr", "_pl_best", "_pl_bad", "_pl_cool")
    return LoopSchedule("_lr", lines, "_lr", names, state, float(learning_rate))
