"""A schedule written into the fused run loop (:mod:`gdexplorer.core.codegen`).

The loop keeps the rate of the coming update in ``_lr`` (lr_k while update k is made), counts
updates in ``_t`` (k + 1 once update k has begun) and keeps f at the current point in ``_f``.
After update k has moved the point, the scheduler steps, as PyTorch's ``scheduler.step()``
after ``optimizer.step()``: a closed-form schedule's rates are computed with numpy for a whole
chunk before it starts (:func:`~.schedules.closed_form_rate`, the same function the other
engines use) and the loop iterates over them, ``_lr = _ln``; ``plateau`` updates its rate,
best value, bad-update count and cooldown (four loop variables, options inlined as literals)
with f(x_k), the value computed for update k. The constant rate stays a literal, so a run
without a schedule costs what it cost before schedules existed.

Row k records lr_k, the rate of update k (the update that starts at x_k with row k's
gradient), in its column ``lr``: row 0 holds lr_0, and the column is PyTorch's sequence of
``get_last_lr()`` values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdexplorer.core.stepsize.schedules import PLATEAU_EPS, closed_form_rate


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
        The expression recorded in the row's ``lr`` column (the next update's rate); None for
        the constant rate, which the loop does not record (the engine adds the column when it
        hands the rows out, at no cost to the loop).
    state_names, initial_state:
        Loop variables carried between chunks, and their values before update 0.
    first_rate:
        lr_0, recorded in row 0.
    following_rates:
        For a closed form: ``following_rates(k, n)`` is lr_(k+1) .. lr_(k+n), the rates the
        loop's next ``n`` updates set (``_ln``), computed for a whole chunk at once with numpy
        before the chunk starts, so a schedule costs the loop one list iteration per update.
    """

    rate_name: str | None
    after_step_lines: tuple[str, ...]
    row_value: str | None
    state_names: tuple[str, ...]
    initial_state: tuple[float, ...]
    first_rate: float
    following_rates: Callable[[float, int], list[float]] | None


def constant_loop(learning_rate: float) -> LoopSchedule:
    """The constant rate: a literal, as before schedules existed."""
    rate = float(learning_rate)
    return LoopSchedule(None, (), None, (), (), rate, None)


def loop_schedule(
    name: str, options: Mapping[str, Any], learning_rate: float, maximize: bool
) -> LoopSchedule:
    """The schedule ``name`` (with every option it uses in ``options``) for the fused loop."""
    if name == "constant":
        return constant_loop(learning_rate)
    if name == "plateau":
        return _plateau(options, learning_rate, maximize)
    base = float(learning_rate)

    def rates(done: float, count: int) -> list[float]:
        following = np.arange(done + 1, done + count + 1, dtype=float)
        return closed_form_rate(name, options, following, base, np.cos).tolist()

    first = float(closed_form_rate(name, options, 0.0, base))
    return LoopSchedule("_lr", ("_lr = _ln",), "_lr", ("_lr",), (first,), first, rates)


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
    return LoopSchedule("_lr", lines, "_lr", names, state, float(learning_rate), None)
