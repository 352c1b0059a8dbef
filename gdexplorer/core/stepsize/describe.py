"""A schedule in words and worked numbers: for the summary, the window and the inspector.

:func:`rate_phrase` names a run's rate (``learning rate 0.1 on a cosine schedule (T_max = 50,
η_min = 0)``); :func:`worked_rate` writes lr_k of one update as the schedule's formula, then
with this update's numbers substituted, then its value, as the worked example does for the
variant's equations. For ``plateau`` the rate is not a formula of k: the lines say how the rate
came to be what it is, from the recorded rates before and after.
"""

from __future__ import annotations

import math
from typing import Any

from gdexplorer.core.stepsize.schedules import SCHEDULES, closed_form_rate, onecycle_phases
from gdexplorer.core.stepsize.settings import ScheduleSettings

SYMBOLS = {
    "step_size": "step_size", "gamma": "γ", "t_max": "T_max", "eta_min": "η_min",
    "max_lr": "max_lr", "total_steps": "total_steps", "pct_start": "pct_start",
    "div_factor": "div_factor", "final_div_factor": "final_div_factor", "factor": "factor",
    "patience": "patience", "threshold": "threshold", "cooldown": "cooldown", "min_lr": "min_lr",
}  # fmt: skip
"""How each option is written in formulas and settings lines."""


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _n(value: Any) -> str:
    return f"{float(value):.6g}"


def _lr(k: int) -> str:
    """``lr₁₂``: the rate of update 12."""
    return "lr" + str(k).translate(_SUBSCRIPTS)


def options_text(settings: ScheduleSettings, total_steps: int) -> str:
    """``T_max = 50, η_min = 0``: every option the schedule uses, defaults included."""
    options = settings.options(total_steps)
    return ", ".join(f"{SYMBOLS[name]} = {_n(value)}" for name, value in options.items())


def short_rate(learning_rate: float, settings: ScheduleSettings | None) -> str:
    """The rate in a table cell: ``0.1``, ``0.1 · cosine``, ``onecycle to 0.3``."""
    if settings is None or settings.name == "constant":
        return f"{learning_rate:g}"
    if settings.name == "onecycle":
        return f"onecycle to {float(settings.max_lr or 0.0):g}"
    return f"{learning_rate:g} · {settings.name}"


def rate_phrase(learning_rate: float, settings: ScheduleSettings | None, total_steps: int) -> str:
    """The run's rate in words, for a summary line."""
    if settings is None or settings.name == "constant":
        return f"learning rate {learning_rate:g}"
    schedule = settings.schedule
    options = options_text(settings, total_steps)
    title = schedule.title.lower()
    named = f"{'an' if title[0] in 'aeiu' else 'a'} {title} schedule"  # a one cycle
    if not schedule.uses_base_rate:
        return f"{named} ({options}; the learning rate is ignored)"
    return f"learning rate {learning_rate:g} on {named} ({options})"


def worked_rate(
    settings: ScheduleSettings | None,
    learning_rate: float,
    k: int,
    rates: tuple[float, float | None],
    total_steps: int,
) -> list[str]:
    """lr_k of update k: the formula, with numbers, and the value (``rates``: lr_k as
    recorded, and lr_(k-1) or None for k = 0)."""
    rate, previous = rates
    if settings is None or settings.name == "constant":
        return [f"{_lr(k)} = lr = {_n(rate)} (constant)"]
    name = settings.name
    schedule = SCHEDULES[name]
    options = settings.options(total_steps)
    head = f"{schedule.title} ({schedule.torch_name}): {schedule.equation}"
    if name == "plateau":
        return [head, *_plateau_lines(options, k, rate, previous)]
    lr = _n(learning_rate)
    if name == "step":
        size, gamma = int(options["step_size"]), _n(options["gamma"])
        body = f"{lr} · {gamma}^⌊{k} / {size}⌋ = {lr} · {gamma}^{k // size}"
    elif name == "exponential":
        body = f"{lr} · {_n(options['gamma'])}^{k}"
    elif name == "cosine":
        eta, t_max = _n(options["eta_min"]), int(options["t_max"])
        cosine = math.cos(math.pi * k / t_max)
        body = (
            f"{eta} + ({lr} − {eta}) · (1 + cos(π·{k}/{t_max})) / 2 "
            f"= {eta} + ({lr} − {eta}) · (1 + {_n(cosine)}) / 2"
        )
    else:
        return [head, *_onecycle_lines(options, k, rate)]
    check = closed_form_rate(name, options, float(k), learning_rate)
    return [head, f"{_lr(k)} = {body}", f"     = {_n(rate)}" + _mismatch(rate, check)]


def _onecycle_lines(options: dict, k: int, rate: float) -> list[str]:
    initial, peak, lowest, warm_end, last = onecycle_phases(options)
    if k <= warm_end:
        phase, start, end, p = "warm-up", initial, peak, k / warm_end
        where = f"p = k / {_n(warm_end)} = {_n(p)}"
    else:
        phase, start, end, p = "annealing", peak, lowest, (k - warm_end) / (last - warm_end)
        where = f"p = (k − {_n(warm_end)}) / ({_n(last)} − {_n(warm_end)}) = {_n(p)}"
    check = closed_form_rate("onecycle", options, float(k), 0.0)
    return [
        f"initial = max_lr / div_factor = {_n(initial)}, final = initial / final_div_factor "
        f"= {_n(lowest)}",
        f"{phase} from {_n(start)} to {_n(end)}: {where}",
        f"{_lr(k)} = {_n(end)} + ({_n(start)} − {_n(end)}) · (1 + cos(π·{_n(p)})) / 2",
        f"     = {_n(rate)}" + _mismatch(rate, check),
    ]


def _plateau_lines(options: dict, k: int, rate: float, previous: float | None) -> list[str]:
    rule = (
        f"f must fall below best · (1 − {_n(options['threshold'])}); after "
        f"{int(options['patience'])} updates without that, lr ← max({_n(options['factor'])} · lr, "
        f"{_n(options['min_lr'])}), then {int(options['cooldown'])} updates of cooldown"
    )
    if previous is None:
        return [rule, f"{_lr(k)} = lr = {_n(rate)} (the start)"]
    if rate < previous:
        change = f"reduced after update {k - 1}: {_n(previous)} → {_n(rate)}"
    else:
        change = f"unchanged since update {k - 1}"
    return [rule, f"{_lr(k)} = {_n(rate)} ({change})"]


def _mismatch(recorded: float, computed: float) -> str:
    """Nothing when the recorded rate is the formula's; a warning otherwise (a file edited)."""
    if math.isclose(recorded, computed, rel_tol=1e-9, abs_tol=1e-300):
        return ""
    return f" (the formula gives {_n(computed)}: the file's rate differs)"
