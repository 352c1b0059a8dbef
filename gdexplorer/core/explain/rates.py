"""The learning rate of one update in the worked example: lr_k from the row, and its formula.

Row k of a trajectory records lr_k, the rate of the update that starts there (column ``lr``,
:mod:`gdexplorer.core.stepsize`); a file written before schedules existed has no such column,
and its rate is the setting's. The formula lines come from
:func:`gdexplorer.core.stepsize.describe.worked_rate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gdexplorer.core.run_protocol import is_data_run
from gdexplorer.core.stepsize.describe import worked_rate
from gdexplorer.core.stepsize.schedules import RATE_COLUMN

if TYPE_CHECKING:
    import numpy as np

    from gdexplorer.core.run_protocol import DescentRun
    from gdexplorer.core.trajectory import Trajectory


def trajectory_rates(window: Trajectory) -> np.ndarray | None:
    """The ``lr`` column of the rows at hand, or None for a file without one."""
    return window.column(RATE_COLUMN) if window.has_column(RATE_COLUMN) else None


def previous_rate(trajectory: Trajectory, index: int) -> float | None:
    """lr_(k-1), recorded in row k - 1 (None for row 0 or a file without rates)."""
    if index == 0 or not trajectory.has_column(RATE_COLUMN):
        return None
    return float(trajectory.rows[index - 1, trajectory.columns.index(RATE_COLUMN)])


def scheduled_rate(
    run: DescentRun, rates: np.ndarray | None, index: int, previous: float | None = None
) -> tuple[float, tuple[str, ...]]:
    """lr_k of update ``index`` (``rates[0]``, row k's) and the lines that work it out.

    In a run on data whose scheduler steps once per epoch, the schedule's k counts epochs.
    """
    config = run.config
    if rates is None:
        return float(config.learning_rate), ()
    rate = float(rates[0])
    steps, k = config.iterations, index
    if is_data_run(run):
        steps = run.schedule_steps
        if run.schedule_per_epoch:
            k = index // run.schedule.updates_per_epoch
    lines = worked_rate(config.schedule, config.learning_rate, k, (rate, previous), steps)
    if config.schedule is None or config.schedule.name == "constant":
        return rate, ()
    return rate, tuple(lines)
