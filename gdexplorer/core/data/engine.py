"""The run loop on a dataset: batch, stochastic and mini-batch gradient descent.

``DataRun(config)`` behaves like :class:`gdexplorer.core.engine.Run` (same attributes, same
``batches(cancel)`` stream, same :class:`~gdexplorer.core.engine.Outcome`), so ``run_to_end``,
the worker thread and the plots treat both alike. ``config.data`` names the dataset (a CSV path
or ``sample:NAME``) and ``config.function`` is the loss of one example.

Each update k (k = 1, 2, ...) uses the examples ``batch_indices(k)``: batch size ``None`` means
all of them (batch gradient descent, in file order), 1 is stochastic gradient descent, anything
between is mini-batch. Examples are shuffled at the start of every epoch from the seed, so the
same seed gives the same run. ``config.iterations`` counts updates and ``config.epochs`` (if set)
bounds them too: the run stops at whichever comes first. Gradients are always exact (the
``gradient`` setting of a typed function does not apply). The update rule is
:func:`gdexplorer.core.optimizers.update`, shared with everything else.

Row k of the trajectory, as in a function run, holds x_k, the full-data loss ``f`` at x_k, the
gradient the *next* update uses (the mean over ``batch_indices(k + 1)`` at x_k), the step that
arrived at x_k and the optimizer state, then ``lr``, the rate of the next update (as the
gradient: the rate a training loop's scheduler has set after update k), then three columns
about update k: its ``epoch``
(1, 2, ...; 0 in row 0), its ``batch_loss`` (the mean loss of its batch at x_{k-1}, where its
gradient was taken, as a training loop logs it; NaN in row 0) and ``full_loss`` (= f, named
for the CSV reader).

Schedules (:mod:`gdexplorer.core.stepsize`): the scheduler steps after every update, given
the update's batch loss (what a training loop computed for it), or with ``schedule.every =
"epoch"`` once after each epoch's last update, given the full-data loss there.

Stopping: ``tol_grad`` applies to the full-data gradient at every update, ``tol_step`` to the
step; a non-finite point, loss or gradient stops the run, keeping every finite row before it.

Cost: the full-data loss and gradient are evaluated after each chunk of updates, for all its
checkpoint rows at once. For a loss that is a polynomial in the parameters (squared error of a
linear model) that is independent of the number of examples (see
:mod:`gdexplorer.core.data.objective`), so every row is a checkpoint: an epoch of 100,000
examples in batches of 64 takes well under 0.1 s (``tests/benchmarks/bench_data.py``). For other
losses (logistic regression) a full-data evaluation is a pass over every example, as costly as
hundreds of mini-batch updates: :func:`loss_interval` then spaces the checkpoints so that they
cost at most about a fifth of the updates' time, and every epoch's last update and the run's
last row are checkpoints too. Between checkpoints ``f`` and ``full_loss`` are NaN ("not
computed", never a made-up number) and the gradient tolerance is checked at the checkpoints.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

import numpy as np

from gdexplorer.core import optimizers
from gdexplorer.core.budgets import check_recorded_rows
from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.batches import BatchSchedule
from gdexplorer.core.data.datasets import load_dataset, split_columns, standardize
from gdexplorer.core.data.objective import DataObjective, build_data_objective
from gdexplorer.core.diagnosis import RunFacts, RunTail, diagnose
from gdexplorer.core.engine import DIVERGENCE_LIMIT, Outcome, StopReason, checked_start, first_row
from gdexplorer.core.errors import ConfigError, DataError
from gdexplorer.core.objective import format_point
from gdexplorer.core.run_loop import (
    BATCH_SECONDS,
    DATA_WORDS,
    Batch,
    Chunking,
    stop_sentence,
    stream_rows,
)
from gdexplorer.core.stepsize.for_runs import scheduler_for
from gdexplorer.core.stepsize.schedules import RATE_COLUMN, Scheduler
from gdexplorer.core.stepsize.settings import check_total_steps
from gdexplorer.core.trajectory import Trajectory, row_columns

EXTRA_COLUMNS = (RATE_COLUMN, "epoch", "batch_loss", "full_loss")
FULL_PASS_SHARE = 0.2
"""The share of an update's time the full-data checkpoints may add, at most (about)."""
UPDATE_OVERHEAD_EXAMPLES = 1500
"""One update's fixed cost (Python calls, gathering the batch), in the time numpy takes to
evaluate the loss and gradient of one example: measured with ``bench_data.py`` (about 40 µs
against 25 ns)."""


def loss_interval(n_examples: int, batch_size: int | None, polynomial: bool) -> int:
    """Updates between two full-data evaluations (1: every update).

    A polynomial loss costs the same for any number of examples: every update. Otherwise one
    pass over ``n`` examples costs about ``n / (UPDATE_OVERHEAD_EXAMPLES + batch)`` updates, and
    the interval makes the passes cost at most ``FULL_PASS_SHARE`` of the updates' time.
    Deterministic (not timed), so the same settings record the same rows on every machine.
    """
    if polynomial:
        return 1
    batch = batch_size or n_examples
    updates_per_pass = n_examples / (UPDATE_OVERHEAD_EXAMPLES + batch)
    return max(1, math.ceil(updates_per_pass / FULL_PASS_SHARE))


CHUNKING = Chunking(first=16, largest=1 << 14)
"""Updates on data cost more than the fused loop's: smaller chunks, sized to last 1–4 ms."""


class DataRun:
    """One validated run on a dataset. Iterate :meth:`batches` once."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config.validated()
        _check_data_settings(self.config)
        dataset = load_dataset(self.config.data or "")
        self.objective: DataObjective = _objective(self.config, dataset)
        self.dataset = self.objective.dataset  # standardized when asked: what the model sees
        n = len(self.dataset)
        if self.config.batch_size is not None and self.config.batch_size > n:
            raise DataError(
                f"the batch size {self.config.batch_size:,} is larger than the data set "
                f"({n:,} examples)"
            )
        self.schedule = BatchSchedule(n, self.config.batch_size, self.config.seed)
        self.variant = optimizers.get_variant(self.config.variant)
        self.hyperparameters = self.variant.hyperparameters(self.config.hyperparameter_overrides())
        self.columns = row_columns(self.objective.variables, self.variant.state_slots)
        self.columns += EXTRA_COLUMNS
        check_recorded_rows(self.config.iterations, len(self.columns))  # before any row
        epochs = self.config.epochs
        limit = epochs * self.schedule.updates_per_epoch if epochs else self.config.iterations
        self.total_updates = min(self.config.iterations, limit)
        self.loss_interval = loss_interval(n, self.config.batch_size, self.objective.is_polynomial)
        self.schedule_steps = self._schedule_steps()
        self.first_row = self._first_row()
        self.outcome: Outcome | None = None

    def new_trajectory(self) -> Trajectory:
        return Trajectory(self.objective.variables, self.variant.state_slots, EXTRA_COLUMNS)

    def batch_indices(self, update: int) -> np.ndarray:
        """The examples in update ``update``'s batch (row k's gradient is update k + 1's)."""
        return self.schedule.batch_indices(update)

    def _first_row(self) -> np.ndarray:
        variables = self.objective.variables
        start = checked_start(self.config.start, variables, "loss", "parameter")
        losses, grads = self.objective.example_values_and_gradients(start)
        bad = ~(np.isfinite(losses) & np.all(np.isfinite(grads), axis=1))
        if bad.any():
            example = int(np.argmax(bad))
            raise ConfigError(
                f"the loss or its gradient is not a finite number at the start point "
                f"({format_point(variables, start)}) for example {example} (data row "
                f"{example + 1}); choose another start"
            )
        value = float(self.objective.value(start))
        _, grad = self.objective.batch_value_and_gradient(start, self.batch_indices(1))
        slots = len(self.variant.state_slots)
        rate = float(self.new_scheduler().rate)
        return first_row(start, value, grad, slots, extra=(rate, 0.0, math.nan, value))

    def _schedule_steps(self) -> int:
        """The scheduler steps the run makes at most: one per update, or one per epoch."""
        settings = self.config.schedule
        if settings is not None and settings.every == "epoch":
            steps, noun = math.ceil(self.total_updates / self.schedule.updates_per_epoch), "epochs"
        else:
            steps, noun = self.total_updates, "updates"
        check_total_steps(settings, steps, noun)
        return steps

    @property
    def schedule_per_epoch(self) -> bool:
        """True when the scheduler steps once per epoch (``schedule_every = epoch``)."""
        return self.config.schedule is not None and self.config.schedule.every == "epoch"

    def new_scheduler(self) -> Scheduler:
        """The learning-rate schedule at update 1 (lr_0), ready to step."""
        return scheduler_for(self.config, self.schedule_steps)

    def batches(
        self,
        cancel: threading.Event | None = None,
        batch_seconds: float = BATCH_SECONDS,
        resume: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield the rows as they are computed; row 0 (the start) comes first.

        ``resume`` works as in :meth:`gdexplorer.core.engine.Run.batches`.
        """
        loop = _Loop(self)
        tail = RunTail(self.first_row, self.objective.dimension, self.config.maximize)
        chunking = Chunking(CHUNKING.first, CHUNKING.largest, batch_seconds)
        cancelled = yield from stream_rows(loop, tail, chunking, cancel, resume)
        reason = StopReason.CANCELLED if cancelled else loop.reason
        outcome = self._describe(reason or StopReason.MAX_ITERATIONS, loop.done)
        self.outcome = diagnose(outcome, self._facts(tail))

    def _facts(self, tail: RunTail) -> RunFacts:
        """The evidence for the diagnosis; mini-batches are noisy, so they count as such."""
        return RunFacts(
            self.config, self.objective, self.variant, self.hyperparameters, tail,
            noun="updates", stochastic=self.schedule.shuffled,
        )  # fmt: skip

    def _describe(self, reason: StopReason, done: int) -> Outcome:
        text = stop_sentence(reason, done, self.config, DATA_WORDS)
        return Outcome(reason, done, text or self._limit_sentence(done))

    def _limit_sentence(self, done: int) -> str:
        """Stopped by the update or epoch limit: how far it got, in epochs too."""
        cfg = self.config
        if cfg.epochs and done == cfg.epochs * self.schedule.updates_per_epoch:
            epochs = f"{cfg.epochs:,} epoch{'s' if cfg.epochs != 1 else ''}"
            return f"Stopped after {epochs} ({done:,} updates) without converging"
        epochs = f"{done / self.schedule.updates_per_epoch:,.2f}".rstrip("0").rstrip(".")
        return f"Stopped after {done:,} updates ({epochs} epochs) without converging"


class _Loop:
    """The mutable state of one pass of :meth:`DataRun.batches` (point, gradient, optimizer),
    driven as :class:`~gdexplorer.core.run_loop.Steps` by the shared skeleton."""

    def __init__(self, run: DataRun) -> None:
        self.run = run
        self.pending = [run.first_row[None, :]]
        d = run.objective.dimension
        first = run.first_row
        self.point = first[:d].copy()
        self.grad = first[d + 1 : 2 * d + 1].copy()
        self.batch_loss, _ = run.objective.batch_value_and_gradient(
            self.point, run.batch_indices(1)
        )
        self.state = optimizers.init(run.variant, self.point)
        self.scheduler = run.new_scheduler()
        self.done = 0
        self.epoch, self.order = 0, np.arange(0)
        self.reason = self.check_start()

    @property
    def remaining(self) -> int:
        return self.run.total_updates - self.done

    @property
    def stopped(self) -> bool:
        return self.reason is not None

    def advance(self, count: int) -> None:
        rows, self.reason = self.advance_rows(count)
        self.pending.append(rows)

    def take(self) -> np.ndarray:
        if not self.pending:
            return np.empty((0, len(self.run.columns)))
        block, self.pending = np.concatenate(self.pending), []
        return block

    def indices(self, update: int) -> np.ndarray | slice:
        """The batch of ``update``, from the current epoch's order kept at hand."""
        schedule = self.run.schedule
        if not schedule.shuffled:
            return slice(None)  # batch gradient descent: every example, no copy
        epoch, start = schedule.locate(update)
        if epoch != self.epoch:
            self.epoch, self.order = epoch, schedule.order(epoch)
        return self.order[start : start + schedule.batch_size]

    def check_start(self) -> StopReason | None:
        tol = self.run.config.tol_grad
        norm = float(np.linalg.norm(self.run.objective.gradient(self.point)))
        return StopReason.GRADIENT_SMALL if norm < tol else None

    def advance_rows(self, n: int) -> tuple[np.ndarray, StopReason | None]:
        """Up to ``n`` updates: their rows, and why the run must stop (None: go on)."""
        run, cfg = self.run, self.run.config
        d = run.objective.dimension
        rows = np.empty((n, len(run.columns)))
        reason = None
        count = 0
        with np.errstate(all="ignore"):
            for i in range(n):
                update = self.done + i + 1
                step, state = optimizers.update(
                    run.variant, self.grad, self.state, float(self.scheduler.rate),
                    run.hyperparameters, cfg.maximize,
                )  # fmt: skip
                point = self.point + step
                loss, grad = run.objective.batch_means_unchecked(point, self.indices(update + 1))
                reason = _non_finite(point, step, grad)
                if reason is not None:
                    break
                row = rows[i]
                row[:d], row[d + 1 : 2 * d + 1], row[2 * d + 1 : 3 * d + 1] = point, grad, step
                for j, slot in enumerate(run.variant.state_slots):
                    row[(3 + j) * d + 1 : (4 + j) * d + 1] = state.slots[slot]
                self._step_scheduler(update, point)
                row[-4], row[-3], row[-2] = (
                    self.scheduler.rate,
                    run.schedule.epoch_of(update),
                    self.batch_loss,
                )
                self.point, self.grad, self.state, self.batch_loss = point, grad, state, loss
                count += 1
            rows = rows[:count]
            kept, late_reason = self._full_data_checks(rows, last_is_final=reason is not None)
        self.done += kept
        return rows[:kept], late_reason or reason

    def _step_scheduler(self, update: int, point: np.ndarray) -> None:
        """After update ``update``: step the scheduler with its batch's loss, or once per
        epoch (after the epoch's last update) with the full-data loss at ``point``."""
        if not self.run.schedule_per_epoch:
            self.scheduler.step(self.batch_loss)
        elif update % self.run.schedule.updates_per_epoch == 0:
            self.scheduler.step(float(self.run.objective.value(point)))

    def checkpoints(self, count: int, last_is_final: bool) -> np.ndarray:
        """Which of the next ``count`` rows get the full-data loss (a boolean mask)."""
        run = self.run
        updates = self.done + 1 + np.arange(count)
        mask = (updates % run.loss_interval == 0) | (updates >= run.total_updates)
        mask |= updates % run.schedule.updates_per_epoch == 0
        if last_is_final and count:
            mask[-1] = True
        return mask

    def _full_data_checks(
        self, rows: np.ndarray, last_is_final: bool = False
    ) -> tuple[int, StopReason | None]:
        """Fill f and full_loss at the checkpoints (NaN elsewhere); the number of rows to keep
        and the stop reason they give."""
        run, cfg = self.run, self.run.config
        d = run.objective.dimension
        marked = np.flatnonzero(self.checkpoints(len(rows), last_is_final))
        points = rows[marked, :d]
        if cfg.tol_grad > 0:
            values, gradients = run.objective.value_and_gradient(points)
        else:
            values = run.objective.value(points)
        rows[:, d] = rows[:, -1] = math.nan
        rows[marked, d] = values
        rows[marked, -1] = values
        events = []
        bad = ~(np.abs(values) < DIVERGENCE_LIMIT)
        if bad.any():
            j = int(marked[np.argmax(bad)])
            reason = StopReason.UNDEFINED if np.isnan(rows[j, d]) else StopReason.DIVERGED
            events.append((j, reason))
        if cfg.tol_grad > 0 and len(marked):
            small = np.linalg.norm(gradients, axis=1) < cfg.tol_grad
            if small.any():
                events.append((int(marked[np.argmax(small)]) + 1, StopReason.GRADIENT_SMALL))
        if cfg.tol_step > 0 and len(rows):
            small = np.linalg.norm(rows[:, 2 * d + 1 : 3 * d + 1], axis=1) < cfg.tol_step
            if small.any():
                events.append((int(np.argmax(small)) + 1, StopReason.STEP_SMALL))
        if not events:
            return len(rows), None
        return min(events, key=lambda event: event[0])


def _non_finite(point: np.ndarray, step: np.ndarray, grad: np.ndarray) -> StopReason | None:
    """DIVERGED when the point or step blew up, UNDEFINED when only the gradient is NaN.

    Sums of squares overflow to inf and NaN compares false, so one comparison per vector
    catches every non-finite or huge entry (as the fused loop of the engine does).
    """
    limit = DIVERGENCE_LIMIT * DIVERGENCE_LIMIT
    if not (point @ point < limit and step @ step < limit):
        return StopReason.DIVERGED
    if not grad @ grad < limit:
        return StopReason.UNDEFINED if np.isnan(grad).any() else StopReason.DIVERGED
    return None


def _check_data_settings(config: RunConfig) -> None:
    if config.batch_size is not None and config.batch_size < 1:
        raise ConfigError("the batch size must be a whole number of at least 1 (or empty: all)")
    if config.epochs is not None and config.epochs < 1:
        raise ConfigError("the number of epochs must be at least 1 (or empty: no limit)")
    if not isinstance(config.seed, int) or config.seed < 0:
        raise ConfigError(f"the seed must be a whole number of at least 0, got {config.seed}")


def _objective(config: RunConfig, dataset) -> DataObjective:
    objective = build_data_objective(config.function, dataset, config.variables)
    if not config.standardize:
        return objective
    features, _ = split_columns(objective.data_columns, dataset.columns)
    return build_data_objective(config.function, standardize(dataset, features), config.variables)
