"""The run loop: from a RunConfig to a trajectory, streamed in batches.

``Run(config)`` validates everything a user can get wrong *before* the run (the function,
the variant, the start point: f and its gradient must be finite there) and compiles the fused
loop. ``Run.batches(cancel)`` then yields the recorded rows in batches, at most about 30 a
second, checking the cancel flag between chunks of updates, and leaves the reason it stopped in
``Run.outcome``. ``run_to_end(config)`` does all of it and returns a filled Trajectory.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core import codegen
from gdexplorer.core.budgets import check_recorded_rows
from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import Outcome, RunFacts, RunTail, StopReason, diagnose
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import check_step_at_start, make_gradient
from gdexplorer.core.objective import Objective, build_objective, format_point
from gdexplorer.core.optimizers import Variant, get_variant
from gdexplorer.core.run_loop import (
    BATCH_SECONDS,
    FUNCTION_WORDS,
    RESUME_HOLDOFF,
    RESUME_WAIT,
    Batch,
    Chunking,
    ResumeGate,
    next_chunk,
    stop_sentence,
    stream_rows,
)
from gdexplorer.core.stepsize.for_runs import loop_schedule_for
from gdexplorer.core.stepsize.schedules import RATE_COLUMN
from gdexplorer.core.trajectory import Trajectory, row_columns

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun

DIVERGENCE_LIMIT = 1e100
"""A point, f or gradient entry beyond this magnitude counts as diverged."""

__all__ = [  # the loop's skeleton lives in run_loop; callers keep importing it from here
    "BATCH_SECONDS", "DIVERGENCE_LIMIT", "RESUME_HOLDOFF", "RESUME_WAIT", "Batch", "Outcome",
    "ResumeGate", "Run", "StopReason", "checked_start", "describe_outcome", "first_row",
    "make_run", "next_chunk", "record", "run_to_end",
]  # fmt: skip

CHUNKING = Chunking(first=64, largest=1 << 16)
"""The fused loop's chunks: 64 updates first, then sized to last 1–4 ms."""

REASON_OF_CODE = {
    codegen.RAN_ALL: StopReason.MAX_ITERATIONS,
    codegen.GRADIENT_SMALL: StopReason.GRADIENT_SMALL,
    codegen.STEP_SMALL: StopReason.STEP_SMALL,
    codegen.NOT_FINITE: StopReason.DIVERGED,
    codegen.UNDEFINED: StopReason.UNDEFINED,
}
"""The stop reason of each code the fused loop returns."""


class Run:
    """One validated, compiled run. Iterate :meth:`batches` once."""

    def __init__(self, config: RunConfig, objective: Objective | None = None) -> None:
        self.config = config.validated()
        self.objective = objective or build_objective(config.function, config.variables)
        self.variant: Variant = get_variant(self.config.variant)
        self.hyperparameters = self.variant.hyperparameters(self.config.hyperparameter_overrides())
        self.columns = row_columns(self.objective.variables, self.variant.state_slots)
        self.columns += (RATE_COLUMN,)
        check_recorded_rows(self.config.iterations, len(self.columns))  # before any row
        self.first_row = self._first_row()
        self.outcome: Outcome | None = None

    def new_trajectory(self) -> Trajectory:
        return Trajectory(self.objective.variables, self.variant.state_slots, (RATE_COLUMN,))

    @property
    def total_updates(self) -> int:
        """The updates the run makes at most (a run on data may stop at its epochs first)."""
        return self.config.iterations

    def _first_row(self) -> np.ndarray:
        variables = self.objective.variables
        start = checked_start(self.config.start, variables, "function", "variable")
        where = format_point(variables, start)
        check_step_at_start(self.config.gradient, self.config.h, start)
        value = float(self.objective.value(start))
        if np.isinf(value):  # a huge start, or exp(1000): not outside the domain
            raise ConfigError(f"f overflows at the start point ({where}); choose a nearer start")
        if not np.isfinite(value):
            raise ConfigError(
                f"f is not a finite real number at the start point ({where}); "
                "choose a start inside the function's domain"
            )
        grad = make_gradient(self.objective, self.config.gradient, self.config.h)(start)
        if not np.all(np.isfinite(grad)):
            raise ConfigError(
                f"the gradient of f is not finite at the start point ({where}); "
                "choose another start"
            )
        rate = loop_schedule_for(self.config).first_rate
        return first_row(start, value, grad, len(self.variant.state_slots), extra=(rate,))

    def batches(
        self,
        cancel: threading.Event | None = None,
        batch_seconds: float = BATCH_SECONDS,
        resume: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield the rows as they are computed; row 0 (the start) comes first.

        With ``resume``, the loop waits between chunks (at most ``RESUME_WAIT`` seconds) while
        that event is clear: a GUI thread clears it to have the interpreter lock to itself for
        a redraw, instead of fighting this pure-Python loop for it call by call.
        """
        steps = _FusedSteps(self)
        tail = RunTail(self.first_row, self.objective.dimension, self.config.maximize)
        chunking = Chunking(CHUNKING.first, CHUNKING.largest, batch_seconds)
        cancelled = yield from stream_rows(steps, tail, chunking, cancel, resume)
        d = self.objective.dimension
        overflowed = np.array(steps.state[1 : d + 1]) if steps.code == codegen.NOT_FINITE else None
        self.outcome = diagnose(
            describe_outcome(steps.code, steps.done, self.config, cancelled),
            RunFacts(self.config, self.objective, self.variant, self.hyperparameters, tail,
                     next_point=overflowed),
        )  # fmt: skip


class _FusedSteps:
    """The generated fused loop (:func:`codegen.build_fused_loop`) as :class:`Steps`: its
    state as Python floats, and its rows recorded as C doubles since the last :meth:`take`."""

    def __init__(self, run: Run) -> None:
        cfg = self.config = run.config
        schedule = loop_schedule_for(cfg)
        self.loop = codegen.build_fused_loop(
            run.objective, run.variant, cfg.learning_rate, run.hyperparameters,
            cfg.gradient, cfg.h, cfg.maximize, schedule,
        )  # fmt: skip
        d = run.objective.dimension
        self.ncols = len(run.columns)
        # The constant rate is not recorded by the loop: take() adds its column.
        self.constant_rate = None if schedule.row_value else schedule.first_rate
        self.loop_columns = self.ncols - (self.constant_rate is not None)
        first = run.first_row
        slots_end = 3 * d + 1 + d * len(run.variant.state_slots)
        # Python floats, not numpy scalars: arithmetic on np.float64 is several times slower.
        self.state = (
            0.0, *first[: 2 * d + 1].tolist(), *first[3 * d + 1 : slots_end].tolist(),
            *schedule.initial_state,
        )  # fmt: skip
        # Rows are recorded as C doubles: an array('d') becomes a numpy array by one memcpy,
        # where a list of Python floats takes a long conversion that holds the interpreter lock.
        self.pending = array("d", first[: self.loop_columns].tolist())
        self.done = 0
        self.code = codegen.RAN_ALL
        if float(np.dot(first[d + 1 : 2 * d + 1], first[d + 1 : 2 * d + 1])) < cfg.tol_grad**2:
            self.code = codegen.GRADIENT_SMALL

    @property
    def remaining(self) -> int:
        return self.config.iterations - self.done

    @property
    def stopped(self) -> bool:
        return self.code != codegen.RAN_ALL

    def advance(self, count: int) -> None:
        cfg, before = self.config, len(self.pending)
        self.code, self.state = self.loop.advance(
            self.state, count, self.pending, cfg.tol_grad**2, cfg.tol_step**2, DIVERGENCE_LIMIT
        )
        self.done += (len(self.pending) - before) // self.loop_columns

    def take(self) -> np.ndarray:
        recorded = np.frombuffer(self.pending, dtype=float).reshape(-1, self.loop_columns)
        self.pending = array("d")
        if self.constant_rate is None:
            return recorded.copy()
        rows = np.empty((len(recorded), self.ncols))
        rows[:, :-1] = recorded
        rows[:, -1] = self.constant_rate
        return rows


def checked_start(
    start: tuple[float, ...], variables: tuple[str, ...], what: str, noun: str
) -> np.ndarray:
    """The start as an array, or a ConfigError when it has the wrong number of coordinates."""
    point = np.asarray(start, dtype=float)
    if point.shape != (len(variables),):
        raise ConfigError(
            f"the {what} has {len(variables)} {noun}(s) ({', '.join(variables)}) "
            f"but the start point has {point.size} coordinate(s)"
        )
    return point


def first_row(
    start: np.ndarray, value: float, grad: np.ndarray, slots: int, extra: tuple[float, ...] = ()
) -> np.ndarray:
    """Row 0 of a trajectory: the start, f and the gradient there, no step, zero state."""
    d = len(start)
    return np.concatenate([start, [value], grad, np.zeros(d), np.zeros(d * slots), extra])


def describe_outcome(code: int, done: int, config: RunConfig, cancelled: bool) -> Outcome:
    """The stop reason of the fused loop's ``code`` and the sentence a student reads."""
    reason = StopReason.CANCELLED if cancelled else REASON_OF_CODE[code]
    text = stop_sentence(reason, done, config, FUNCTION_WORDS)
    if text is None:
        text = f"Stopped after {done:,} iterations without converging"
    return Outcome(reason, done, text)


def make_run(config: RunConfig) -> DescentRun:
    """A :class:`Run` for a typed function, or a run on a dataset when ``config.data`` is set.

    Both offer what :class:`~gdexplorer.core.run_protocol.DescentRun` lists (``config``,
    ``objective``, ``variant``, ``hyperparameters``, ``columns``, ``total_updates``,
    ``new_trajectory()``, ``batches(cancel)``, ``outcome``); what only a run on data has is
    reached after :func:`~gdexplorer.core.run_protocol.is_data_run`.
    """
    if config.data:
        from gdexplorer.core.data.engine import DataRun

        return DataRun(config)
    from gdexplorer.core.stepsize.search_settings import uses_direction_loop

    if uses_direction_loop(config):
        from gdexplorer.core.stepsize.direction_run import DirectionRun

        return DirectionRun(config)
    return Run(config)


def run_to_end(
    config: RunConfig,
    cancel: threading.Event | None = None,
    on_batch: Callable[[Batch], None] | None = None,
) -> tuple[Trajectory, Outcome]:
    """Run and return the whole trajectory and its outcome.

    ``on_batch`` sees every batch as it is recorded (at most about 30 a second); setting
    ``cancel`` stops the run at the next chunk, keeping what was computed.
    """
    run = make_run(config)
    trajectory = record(run, cancel, on_batch)
    assert run.outcome is not None
    return trajectory, run.outcome


def record(
    run: DescentRun,
    cancel: threading.Event | None = None,
    on_batch: Callable[[Batch], None] | None = None,
) -> Trajectory:
    """Iterate ``run`` to its end and return every row; ``run.outcome`` then says why it
    stopped (for callers that keep the run, e.g. to ask for its batches afterwards)."""
    trajectory = run.new_trajectory()
    for batch in run.batches(cancel):
        trajectory.append(batch.rows)
        if on_batch is not None:
            on_batch(batch)
    return trajectory
