"""The run of a direction-and-length method: Newton's method, or a line search along d.

These updates are not per-coordinate rules, so they do not go through the generated fused loop:
each one already evaluates f several times along a ray or decomposes a Hessian, and numpy per
update costs little beside that. :class:`DirectionRun` offers what every run offers
(:class:`~gdexplorer.core.run_protocol.DescentRun`), and its loop is driven by the same
skeleton as the others (:func:`~gdexplorer.core.run_loop.stream_rows`), so streaming, cancel,
the resume gate and the diagnosis work unchanged.

Rows have the usual columns (no optimizer state), then ``lr`` (lr_k, the base step length of the
update leaving this row, from the run's schedule, as in every run), ``alpha`` (the step length
of the update that arrived at this row, like the ``step`` columns: NaN in row 0) and ``trials``
(the values of f that update's line search evaluated) with a line search, and
``hessian_modified`` (1 when that Newton update had to replace eigenvalues of a Hessian that is
not positive definite) for ``newton``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

import numpy as np

from gdexplorer.core.budgets import check_recorded_rows
from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import Outcome, RunFacts, RunTail, StopReason, diagnose
from gdexplorer.core.engine import DIVERGENCE_LIMIT, Run
from gdexplorer.core.objective import Objective
from gdexplorer.core.run_loop import (
    BATCH_SECONDS,
    FUNCTION_WORDS,
    Batch,
    Chunking,
    stop_sentence,
    stream_rows,
)
from gdexplorer.core.stepsize.direction import DirectionProblem, DirectionUpdate, update_from
from gdexplorer.core.stepsize.for_runs import scheduler_for
from gdexplorer.core.stepsize.schedules import RATE_COLUMN
from gdexplorer.core.trajectory import Trajectory, row_columns

CHUNKING = Chunking(first=4, largest=1 << 12)
"""Each update costs tens of microseconds or more: small first chunks."""
SEARCH_COLUMNS = ("alpha", "trials")
NEWTON_COLUMNS = ("hessian_modified",)


def extra_columns(config: RunConfig) -> tuple[str, ...]:
    """The columns a direction run adds after the usual ones (see the module docstring)."""
    search = SEARCH_COLUMNS if config.line_search is not None else ()
    newton = NEWTON_COLUMNS if config.variant == "newton" else ()
    return (RATE_COLUMN, *search, *newton)


class DirectionRun(Run):
    """A validated run of ``newton`` or of a line search. Iterate :meth:`batches` once."""

    def __init__(self, config: RunConfig, objective: Objective | None = None) -> None:
        super().__init__(config, objective)
        from gdexplorer.core.stepsize.worked import direction_variant  # it imports this module

        self.variant = direction_variant(self.config)
        self.extra_columns = extra_columns(self.config)
        self.columns = row_columns(self.objective.variables, ()) + self.extra_columns
        check_recorded_rows(self.config.iterations, len(self.columns))
        self.first_row = np.concatenate([self.first_row, self._first_extras()])  # lr_0 first
        self.problem = DirectionProblem(self.objective, self.config)

    def _first_extras(self) -> np.ndarray:
        values = {"alpha": math.nan, "trials": 0.0, "hessian_modified": 0.0}
        return np.array([values[name] for name in self.extra_columns[1:]])

    def new_trajectory(self) -> Trajectory:
        return Trajectory(self.objective.variables, (), self.extra_columns)

    def batches(
        self,
        cancel: threading.Event | None = None,
        batch_seconds: float = BATCH_SECONDS,
        resume: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield the rows as they are computed; row 0 (the start) comes first."""
        steps = DirectionSteps(self)
        tail = RunTail(self.first_row, self.objective.dimension, self.config.maximize)
        chunking = Chunking(CHUNKING.first, CHUNKING.largest, batch_seconds)
        cancelled = yield from stream_rows(steps, tail, chunking, cancel, resume)
        reason = StopReason.CANCELLED if cancelled else steps.reason or StopReason.MAX_ITERATIONS
        self.outcome = diagnose(
            self._describe(reason, steps.done, steps.failure),
            RunFacts(self.config, self.objective, self.variant, self.hyperparameters, tail,
                     next_point=steps.overflowed),
        )  # fmt: skip

    def _describe(self, reason: StopReason, done: int, failure: str | None) -> Outcome:
        after = f"after {done:,} iteration{'' if done == 1 else 's'}"
        if reason is StopReason.LINE_SEARCH_FAILED:
            return Outcome(reason, done, f"Stopped {after}: {failure}")
        if reason is StopReason.UNDEFINED and failure:
            return Outcome(reason, done, f"Left the function's domain {after}: {failure}")
        text = stop_sentence(reason, done, self.config, FUNCTION_WORDS)
        return Outcome(reason, done, text or f"Stopped {after} without converging")


class DirectionSteps:
    """The loop of a :class:`DirectionRun` as :class:`~gdexplorer.core.run_loop.Steps`."""

    def __init__(self, run: DirectionRun) -> None:
        self.run = run
        d = self.dimension = run.objective.dimension
        first = run.first_row
        self.point, self.value = first[:d].copy(), float(first[d])
        self.gradient = first[d + 1 : 2 * d + 1].copy()
        self.pending: list[np.ndarray] = [first[None, :].copy()]
        self.done = 0
        self.reason: StopReason | None = None
        self.failure: str | None = None
        self.overflowed: np.ndarray | None = None
        self.scheduler = scheduler_for(run.config, run.config.iterations)
        if float(self.gradient @ self.gradient) < run.config.tol_grad**2:
            self.reason = StopReason.GRADIENT_SMALL

    @property
    def remaining(self) -> int:
        return self.run.config.iterations - self.done

    @property
    def stopped(self) -> bool:
        return self.reason is not None

    def advance(self, count: int) -> None:
        with np.errstate(all="ignore"):  # NaN and inf are looked at, not warned about
            for _ in range(count):
                self.reason = self._one_update()
                if self.reason is not None:
                    return

    def take(self) -> np.ndarray:
        if not self.pending:
            return np.empty((0, len(self.run.columns)))
        block, self.pending = np.concatenate(self.pending), []
        return block

    def _one_update(self) -> StopReason | None:
        """Make update ``done`` and record its row; the reason to stop, if any."""
        config = self.run.config
        update = update_from(
            self.run.problem, self.point, self.value, self.gradient, float(self.scheduler.rate),
        )  # fmt: skip
        if update.failure is not None:
            self.failure = update.failure
            return StopReason.UNDEFINED if update.undefined else StopReason.LINE_SEARCH_FAILED
        point = self.point + update.step
        value = self.run.objective.value_at(point)
        gradient = np.asarray(self.run.problem.gradient(point), dtype=float)
        stop = self._check_next(point, value, gradient, update.step)
        if stop is not None:
            return stop
        self.scheduler.step(self.value)  # as PyTorch: after the update, given f(x_k)
        self.pending.append(self._row(point, value, gradient, update)[None, :])
        self.point, self.value, self.gradient = point, value, gradient
        self.done += 1
        if float(gradient @ gradient) < config.tol_grad**2:
            return StopReason.GRADIENT_SMALL
        if float(update.step @ update.step) < config.tol_step**2:
            return StopReason.STEP_SMALL
        return None

    def _check_next(
        self, point: np.ndarray, value: float, gradient: np.ndarray, step: np.ndarray
    ) -> StopReason | None:
        """DIVERGED past the limit (as the fused loop), UNDEFINED where f or ∇f is not."""
        numbers = np.concatenate([point, [value], gradient, step])
        if np.all(np.isfinite(numbers)) and np.all(np.abs(numbers) < DIVERGENCE_LIMIT):
            return None
        inside = np.all(np.isfinite(point)) and np.all(np.abs(point) < DIVERGENCE_LIMIT)
        if inside and (np.isnan(value) or np.any(np.isnan(gradient))):
            return StopReason.UNDEFINED
        self.overflowed = point
        return StopReason.DIVERGED

    def _row(
        self, point: np.ndarray, value: float, gradient: np.ndarray, update: DirectionUpdate
    ) -> np.ndarray:
        extras = {
            RATE_COLUMN: float(self.scheduler.rate),  # lr of the update leaving this row
            "alpha": update.alpha,
            "trials": float(len(update.search.trials)) if update.search else 0.0,
            "hessian_modified": float(update.newton.modified) if update.newton else 0.0,
        }
        tail = [extras[name] for name in self.run.extra_columns]
        return np.concatenate([point, [value], gradient, update.step, tail])


def is_direction_run(run: object) -> bool:
    """Whether ``run`` is a :class:`DirectionRun` (its rows carry the extra columns)."""
    return isinstance(run, DirectionRun)
