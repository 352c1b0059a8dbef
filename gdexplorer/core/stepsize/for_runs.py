"""A run's schedule from its settings: for the fused loop, or as a stepping object.

Both need the schedule's options completed with PyTorch's defaults, and OneCycleLR's total
number of steps: the run's iterations (a run on a function), its updates or its epochs (a run
on data, :mod:`gdexplorer.core.data.engine`), or a sweep's iterations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gdexplorer.core.stepsize.loop_source import LoopSchedule, constant_loop, loop_schedule
from gdexplorer.core.stepsize.schedules import Scheduler

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig


def loop_schedule_for(config: RunConfig) -> LoopSchedule:
    """The fused loop's schedule for a validated run on a typed function."""
    settings = config.schedule
    if settings is None:
        return constant_loop(config.learning_rate)
    options = settings.options(total_steps=config.iterations)
    return loop_schedule(settings.name, options, config.learning_rate, config.maximize)


def scheduler_for(config: RunConfig, steps: int, base: Any = None) -> Scheduler:
    """A :class:`Scheduler` for ``config`` making ``steps`` scheduler steps at most.

    ``base`` replaces the learning rate (an array of one rate per lane in a sweep); for
    ``onecycle``, which ignores the learning rate, it replaces ``max_lr`` instead.
    """
    settings = config.schedule
    rate = config.learning_rate if base is None else base
    if settings is None:
        return Scheduler("constant", {}, rate, config.maximize)
    options = settings.options(total_steps=steps)
    if settings.name == "onecycle" and base is not None:
        options["max_lr"] = base
    return Scheduler(settings.name, options, rate, config.maximize)
