"""The run loop: from a RunConfig to a trajectory, streamed in batches.

``Run(config)`` validates everything a user can get wrong *before* the run (the function,
the variant, the start point: f and its gradient must be finite there) and compiles the fused
loop. ``Run.batches(cancel)`` then yields the recorded rows in batches, at most about 30 a
second, checking the cancel flag between chunks of updates, and leaves the reason it stopped in
``Run.outcome``. ``run_to_end(config)`` does all of it and returns a filled Trajectory.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from gdexplorer.core.trajectory import Trajectory, row_columns

if TYPE_CHECKING:
    from gdexplorer.core.run_protocol import DescentRun

DIVERGENCE_LIMIT = 1e100
"""A point, f or gradient entry beyond this magnitude counts as diverged."""

BATCH_SECONDS = 1 / 30
RESUME_WAIT = 0.05
RESUME_HOLDOFF = 0.2


@dataclass(frozen=True)
class Batch:
    """Rows ``start .. start + len(rows) - 1`` of a trajectory (fresh arrays, never mutated)."""

    start: int
    rows: np.ndarray


class Run:
    """One validated, compiled run. Iterate :meth:`batches` once."""

    def __init__(self, config: RunConfig, objective: Objective | None = None) -> None:
        self.config = config.validated()
        self.objective = objective or build_objective(config.function, config.variables)
        self.variant: Variant = get_variant(self.config.variant)
        self.hyperparameters = self.variant.hyperparameters(self.config.hyperparameter_overrides())
        self.columns = row_columns(self.objective.variables, self.variant.state_slots)
        check_recorded_rows(self.config.iterations, len(self.columns))  # before any row
        self.first_row = self._first_row()
        self.outcome: Outcome | None = None

    def new_trajectory(self) -> Trajectory:
        return Trajectory(self.objective.variables, self.variant.state_slots)

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
        return first_row(start, value, grad, len(self.variant.state_slots))

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
        loop = codegen.build_fused_loop(
            self.objective,
            self.variant,
            self.config.learning_rate,
            self.hyperparameters,
            self.config.gradient,
            self.config.h,
            self.config.maximize,
        )
        cfg = self.config
        d = self.objective.dimension
        ncols = len(self.columns)
        first = self.first_row
        # Python floats, not numpy scalars: arithmetic on np.float64 is several times slower.
        state = (0.0, *first[: 2 * d + 1].tolist(), *first[3 * d + 1 :].tolist())
        # Rows are recorded as C doubles: an array('d') becomes a numpy array by one memcpy,
        # where a list of Python floats takes a long conversion that holds the interpreter lock.
        pending = array("d", first.tolist())
        emitted = 0
        done = 0
        code = codegen.RAN_ALL
        if float(np.dot(first[d + 1 : 2 * d + 1], first[d + 1 : 2 * d + 1])) < cfg.tol_grad**2:
            code = codegen.GRADIENT_SMALL
        chunk = 64
        last_emit = time.perf_counter()
        gate = ResumeGate(resume)
        tail = RunTail(first, d, cfg.maximize)
        while code == codegen.RAN_ALL and done < cfg.iterations:
            gate.wait()
            if cancel is not None and cancel.is_set():
                break
            before = len(pending)
            began = time.perf_counter()
            n = min(chunk, cfg.iterations - done)
            code, state = loop.advance(
                state, n, pending, cfg.tol_grad**2, cfg.tol_step**2, DIVERGENCE_LIMIT
            )
            done += (len(pending) - before) // ncols
            chunk = next_chunk(chunk, time.perf_counter() - began)
            if time.perf_counter() - last_emit >= batch_seconds:
                yield self._batch(emitted, pending, ncols, tail)
                emitted += len(pending) // ncols
                pending = array("d")
                last_emit = time.perf_counter()
        if pending:
            yield self._batch(emitted, pending, ncols, tail)
        cancelled = code == codegen.RAN_ALL and done < cfg.iterations
        overflowed = np.array(state[1 : d + 1]) if code == codegen.NOT_FINITE else None
        self.outcome = diagnose(
            describe_outcome(code, done, cfg, cancelled),
            RunFacts(cfg, self.objective, self.variant, self.hyperparameters, tail,
                     next_point=overflowed),
        )  # fmt: skip

    @staticmethod
    def _batch(start: int, flat: array, ncols: int, tail: RunTail) -> Batch:
        """The rows as a fresh array; the tail keeps the last of them for the diagnosis."""
        rows = np.frombuffer(flat, dtype=float).reshape(-1, ncols).copy()
        tail.observe(rows[1:] if start == 0 else rows)
        return Batch(start, rows)


class ResumeGate:
    """Waits between chunks while ``resume`` is clear, but never stalls a run.

    A GUI thread clears ``resume`` while its event loop handles events, so a redraw has the
    interpreter lock to itself. A thread that stays busy (or blocked) longer than
    ``RESUME_WAIT`` is not redrawing: the run then goes on without waiting for
    ``RESUME_HOLDOFF`` seconds, so it slows by a quarter at most instead of stalling.
    """

    def __init__(self, resume: threading.Event | None) -> None:
        self._resume = resume
        self._ignore_until = 0.0

    def wait(self) -> None:
        if self._resume is None or time.perf_counter() < self._ignore_until:
            return
        if not self._resume.wait(RESUME_WAIT):
            self._ignore_until = time.perf_counter() + RESUME_HOLDOFF


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


def next_chunk(chunk: int, seconds: float, largest: int = 1 << 16) -> int:
    """Aim for chunks of 1–4 ms: a cancel is seen, and a GUI thread that wants the interpreter
    lock for a redraw (``resume`` cleared) gets it, within a few milliseconds."""
    if seconds < 0.001:
        return min(chunk * 2, largest)
    if seconds > 0.004 and chunk > 1:
        return chunk // 2
    return chunk


def describe_outcome(code: int, done: int, config: RunConfig, cancelled: bool) -> Outcome:
    """The stop reason and the sentence a student reads."""
    if cancelled:
        return Outcome(StopReason.CANCELLED, done, f"Stopped by you after {done:,} iterations")
    if code == codegen.GRADIENT_SMALL:
        text = f"Converged: |∇f| < {config.tol_grad:g} after {done:,} iterations"
        return Outcome(StopReason.GRADIENT_SMALL, done, text)
    if code == codegen.STEP_SMALL:
        text = f"Converged: the step was shorter than {config.tol_step:g} after {done:,} iterations"
        return Outcome(StopReason.STEP_SMALL, done, text)
    if code == codegen.NOT_FINITE:
        text = f"Diverged after {done:,} iterations: the next update overflowed"
        return Outcome(StopReason.DIVERGED, done, text)
    if code == codegen.UNDEFINED:
        text = (
            f"Left the function's domain after {done:,} iterations: the next update reached a "
            "point where f or its gradient is not defined — try a smaller learning rate or "
            "another start"
        )
        return Outcome(StopReason.UNDEFINED, done, text)
    text = f"Stopped after {done:,} iterations without converging"
    return Outcome(StopReason.MAX_ITERATIONS, done, text)


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
