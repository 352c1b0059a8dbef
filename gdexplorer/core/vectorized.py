"""K runs of one variant advanced together, as numpy arrays: the engine of sweeps and maps.

A learning-rate sweep or a basin map is thousands of runs that differ only in their start point
or learning rate. Running them one by one costs thousands of Python loops; here every iteration
updates all of them with a handful of array operations. The runs ("lanes") live as ``(d, A)``
arrays (one contiguous row per coordinate) for the A lanes still running:

* the update is :func:`gdexplorer.core.optimizers.update`, the same rule a single run uses,
  with a per-lane learning rate broadcast as a ``(1, A)`` array;
* f and the gradient come from one generated numpy function (:mod:`.vector_kernel`);
* every lane stops on its own by the single-run engine's rules, in its order: a value that is
  not finite or beyond :data:`~gdexplorer.core.engine.DIVERGENCE_LIMIT` (the lane keeps its
  last finite point), then the gradient tolerance, then the step tolerance, then the iteration
  limit. A lane that stops is written to the result and dropped from the arrays.

Lane k gives the same numbers as ``engine.run_to_end`` on the same settings (the tests check
it for every variant): the same floating-point operations in the same order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from gdexplorer.core import optimizers
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import BATCH_SECONDS, DIVERGENCE_LIMIT, StopReason
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import check_gradient_mode, make_gradient
from gdexplorer.core.objective import Objective, build_objective
from gdexplorer.core.vector_kernel import OUTSIDE_DOMAIN, build_kernel, build_scalar_check

REASONS: tuple[StopReason, ...] = tuple(StopReason)
"""``ManyResult.reason_codes`` index into this tuple."""
CODE = {reason: code for code, reason in enumerate(REASONS)}
CHECK_EVERY = 8
"""Iterations between looks at the cancel flag and the clock (for progress)."""
MAX_PATH_VALUES = 50_000_000
"""Most floats kept when every lane's path is recorded (about 400 MB)."""

ProgressFn = Callable[[int, int, int], None]
"""``progress(iterations_done, iterations_total, lanes_running)``, at most ~30 times a second."""


@dataclass(frozen=True, eq=False)
class ManyResult:
    """Where each of K runs ended, and why.

    ``points``/``values``/``gradients`` are the last recorded iterate of each lane (for a lane
    that diverged, the last finite one). ``paths[k]`` (when recorded) holds the iterates
    ``x_0 .. x_n`` of lane k, ``path_values[k]`` their f.
    """

    variables: tuple[str, ...]
    starts: np.ndarray
    learning_rates: np.ndarray
    points: np.ndarray
    values: np.ndarray
    gradients: np.ndarray
    iterations: np.ndarray
    reason_codes: np.ndarray
    seconds: float
    paths: tuple[np.ndarray, ...] | None = None
    path_values: tuple[np.ndarray, ...] | None = None

    def __len__(self) -> int:
        return len(self.reason_codes)

    @property
    def reasons(self) -> tuple[StopReason, ...]:
        return tuple(REASONS[code] for code in self.reason_codes)

    def stopped_by(self, *reasons: StopReason) -> np.ndarray:
        """A boolean array: which lanes stopped for one of ``reasons``."""
        return np.isin(self.reason_codes, [CODE[r] for r in reasons])

    @property
    def diverged(self) -> np.ndarray:
        """Lanes with no valid end: diverged, or left the function's domain."""
        return self.stopped_by(StopReason.DIVERGED, StopReason.UNDEFINED)

    @property
    def converged(self) -> np.ndarray:
        return self.stopped_by(StopReason.GRADIENT_SMALL, StopReason.STEP_SMALL)


@dataclass
class _Lanes:
    """The lanes still running, as ``(d, A)`` arrays, and the variant's state."""

    index: np.ndarray
    points: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    state: optimizers.OptimizerState
    learning_rate: float | np.ndarray

    def keep(self, mask: np.ndarray) -> None:
        """Drop the lanes where ``mask`` is False."""
        self.index = self.index[mask]
        self.points, self.values, self.grads = (
            self.points[:, mask],
            self.values[mask],
            self.grads[:, mask],
        )
        slots = {name: array[:, mask] for name, array in self.state.slots.items()}
        self.state = optimizers.OptimizerState(self.state.t, slots)
        if isinstance(self.learning_rate, np.ndarray):
            self.learning_rate = self.learning_rate[:, mask]


class _Results:
    """The per-lane outputs, filled in as lanes stop."""

    def __init__(self, starts: np.ndarray, values: np.ndarray, grads: np.ndarray) -> None:
        self.points = starts.copy()
        self.values = values.copy()
        self.gradients = grads.copy()
        self.iterations = np.zeros(len(starts), dtype=np.int64)
        self.codes = np.full(len(starts), CODE[StopReason.MAX_ITERATIONS], dtype=np.int8)

    def finish(self, lanes: np.ndarray, points, values, grads, done: int, reason) -> None:
        """Record lanes ``lanes`` (points/grads given as ``(d, n)``); reason: one or per lane."""
        self.points[lanes] = points.T
        self.values[lanes] = values
        self.gradients[lanes] = grads.T
        self.iterations[lanes] = done
        self.codes[lanes] = CODE[reason] if isinstance(reason, StopReason) else reason


@dataclass(frozen=True)
class _Settings:
    iterations: int
    tol_grad_sq: float
    tol_step_sq: float
    maximize: bool
    hyperparameters: Mapping[str, float]
    variant: optimizers.Variant


def run_many(
    objective: Objective,
    variant_name: str,
    starts: np.ndarray,
    learning_rates: np.ndarray | float,
    hyperparameters: Mapping[str, float | None] | None = None,
    iterations: int = 1000,
    tol_grad: float = 1e-6,
    tol_step: float = 0.0,
    gradient: str = "symbolic",
    h: float = 1e-5,
    maximize: bool = False,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    record_path: bool = False,
) -> ManyResult:
    """Run K lanes from ``starts`` (shape ``(K, d)``) with ``learning_rates`` (``(K,)`` or one).

    ``hyperparameters`` overrides the variant's defaults (None keeps a default). A lane whose
    start has no finite f or gradient stops at once as ``UNDEFINED`` (a single run would refuse
    such a start). ``cancel`` is looked at every :data:`CHECK_EVERY` iterations; the lanes still
    running then stop as ``CANCELLED``.
    """
    began = time.perf_counter()
    variant = optimizers.get_variant(variant_name)
    mode = check_gradient_mode(gradient, h)
    starts = _check_starts(starts, objective.dimension)
    rates = _check_learning_rates(learning_rates, len(starts))
    if record_path and len(starts) * (iterations + 1) * (objective.dimension + 1) > MAX_PATH_VALUES:
        raise ConfigError("too many runs and iterations to record every path; record fewer")
    settings = _Settings(
        iterations=iterations,
        tol_grad_sq=tol_grad**2,
        tol_step_sq=tol_step**2,
        maximize=maximize,
        hyperparameters=variant.hyperparameters(hyperparameters),
        variant=variant,
    )
    results, lanes = _start(objective, variant, starts, rates, mode, h, settings.tol_grad_sq)
    recorder = _PathRecorder(results) if record_path else None
    kernel = build_kernel(objective, mode, h)
    check = build_scalar_check(objective, mode, h)
    watcher = _Watcher(cancel, progress, iterations)
    done = 0
    while lanes.index.size and done < iterations:
        if done % CHECK_EVERY == 0 and watcher.cancelled(done, lanes.index.size):
            results.finish(
                lanes.index, lanes.points, lanes.values, lanes.grads, done, StopReason.CANCELLED
            )
            break
        done += 1
        _advance(lanes, results, kernel, check, settings, done, recorder)
    if lanes.index.size and done >= iterations:
        results.finish(lanes.index, lanes.points, lanes.values, lanes.grads, done, StopReason.MAX_ITERATIONS)
    watcher.finished(done)
    return ManyResult(
        variables=objective.variables,
        starts=starts,
        learning_rates=rates,
        points=results.points,
        values=results.values,
        gradients=results.gradients,
        iterations=results.iterations,
        reason_codes=results.codes,
        seconds=time.perf_counter() - began,
        paths=recorder.paths(results.iterations) if recorder else None,
        path_values=recorder.path_values(results.iterations) if recorder else None,
    )


def run_many_from_config(
    config: RunConfig,
    starts: np.ndarray | None = None,
    learning_rates: np.ndarray | float | None = None,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
    record_path: bool = False,
    objective: Objective | None = None,
) -> ManyResult:
    """:func:`run_many` with every setting from ``config`` except the starts / learning rates.

    ``starts`` defaults to ``config.start`` (one lane), ``learning_rates`` to its rate.
    """
    if config.data:
        raise ConfigError("sweeps and basin maps work on a typed function, not on a dataset")
    config = config.validated()
    objective = objective or build_objective(config.function, config.variables)
    return run_many(
        objective,
        config.variant,
        np.asarray([config.start] if starts is None else starts, dtype=float),
        config.learning_rate if learning_rates is None else learning_rates,
        hyperparameters=config.hyperparameter_overrides(),
        iterations=config.iterations,
        tol_grad=config.tol_grad,
        tol_step=config.tol_step,
        gradient=config.gradient,
        h=config.h,
        maximize=config.maximize,
        cancel=cancel,
        progress=progress,
        record_path=record_path,
    )


def _check_starts(starts: np.ndarray, dimension: int) -> np.ndarray:
    points = np.asarray(starts, dtype=float)
    if dimension == 1 and points.ndim == 1:
        points = points[:, None]
    if points.ndim != 2 or points.shape[1] != dimension or len(points) == 0:
        raise ConfigError(
            f"expected start points as rows of {dimension} coordinate(s), got shape {points.shape}"
        )
    if not np.all(np.isfinite(points)):
        raise ConfigError("every start point needs a finite number for every variable")
    return points


def _check_learning_rates(learning_rates: np.ndarray | float, count: int) -> np.ndarray:
    rates = np.asarray(learning_rates, dtype=float)
    if rates.ndim > 1 or (rates.ndim == 1 and len(rates) != count):
        raise ConfigError(f"expected one learning rate or {count}, got shape {rates.shape}")
    rates = np.broadcast_to(rates, (count,)).copy()
    if not np.all(np.isfinite(rates) & (rates > 0)):
        raise ConfigError("every learning rate must be a positive number")
    return rates


def _start(objective, variant, starts, rates, mode, h, tol_grad_sq) -> tuple[_Results, _Lanes]:
    """Row 0 of every lane, computed as the single-run engine computes it."""
    with np.errstate(all="ignore"):
        values = objective.value(starts)
        grads = np.asarray(make_gradient(objective, mode, h)(starts), dtype=float)
        usable = np.isfinite(values) & np.all(np.isfinite(grads), axis=1)
        grad_sq = np.sum(grads * grads, axis=1)
    results = _Results(starts, values, grads)
    results.codes[~usable] = CODE[StopReason.UNDEFINED]
    flat = usable & (grad_sq < tol_grad_sq)
    results.codes[flat] = CODE[StopReason.GRADIENT_SMALL]
    running = usable & ~flat
    shared = rates[running].min() == rates[running].max() if running.any() else True
    lanes = _Lanes(
        index=np.flatnonzero(running),
        points=np.ascontiguousarray(starts[running].T),
        values=values[running],
        grads=np.ascontiguousarray(grads[running].T),
        state=optimizers.init(variant, starts[running].T),
        learning_rate=float(rates[running][0]) if shared and running.any() else rates[None, running],
    )
    return results, lanes


def _advance(lanes: _Lanes, results: _Results, kernel, check, settings, done, recorder) -> None:
    """One update of every running lane; lanes that stop are recorded and dropped."""
    with np.errstate(all="ignore"):
        step, state = optimizers.update(
            settings.variant,
            lanes.grads,
            lanes.state,
            lanes.learning_rate,
            settings.hyperparameters,
            settings.maximize,
        )
        points = lanes.points + step
        values, grads = kernel(points)
        grad_sq = _sum_of_squares(grads)
        step_sq = _sum_of_squares(step)
        stops = _stops(values, grad_sq, step_sq, settings)
    if stops is None:
        lanes.points, lanes.values, lanes.grads, lanes.state = points, values, grads, state
        if recorder:
            recorder.record(lanes.index, points, values)
        return
    bad, small_grad, small_step = stops
    if bad.any():
        reasons = [_failure_code(check, points[:, k]) for k in np.flatnonzero(bad)]
        old = (lanes.points[:, bad], lanes.values[bad], lanes.grads[:, bad])
        results.finish(lanes.index[bad], *old, done - 1, np.asarray(reasons, dtype=np.int8))
    good = ~bad
    if recorder:
        recorder.record(lanes.index[good], points[:, good], values[good])
    for mask, reason in ((small_grad, StopReason.GRADIENT_SMALL), (small_step, StopReason.STEP_SMALL)):
        if mask.any():
            results.finish(lanes.index[mask], points[:, mask], values[mask], grads[:, mask], done, reason)
    lanes.points, lanes.values, lanes.grads, lanes.state = points, values, grads, state
    lanes.keep(good & ~small_grad & ~small_step)


def _sum_of_squares(rows: np.ndarray) -> np.ndarray:
    """``r0*r0 + r1*r1 + ...`` summed left to right, as the single-run loop sums them."""
    total = rows[0] * rows[0]
    for row in rows[1:]:
        total += row * row
    return total


def _stops(values, grad_sq, step_sq, settings: _Settings):
    """None when no lane stops (the common case, decided with four reductions), else masks
    ``(bad, gradient_small, step_small)``, each lane in at most one, in the engine's order."""
    limit, limit_sq = DIVERGENCE_LIMIT, DIVERGENCE_LIMIT * DIVERGENCE_LIMIT
    all_good = (
        values.max() < limit
        and values.min() > -limit
        and grad_sq.max() < limit_sq
        and step_sq.max() < limit_sq
    )
    if all_good and not (
        grad_sq.min() < settings.tol_grad_sq or step_sq.min() < settings.tol_step_sq
    ):
        return None
    good = (values > -limit) & (values < limit) & (grad_sq < limit_sq) & (step_sq < limit_sq)
    small_grad = good & (grad_sq < settings.tol_grad_sq)
    small_step = good & ~small_grad & (step_sq < settings.tol_step_sq)
    return ~good, small_grad, small_step


def _failure_code(check, point: np.ndarray) -> int:
    """UNDEFINED when the point is outside f's domain, else DIVERGED (as the engine decides)."""
    if check(point) == OUTSIDE_DOMAIN:
        return CODE[StopReason.UNDEFINED]
    return CODE[StopReason.DIVERGED]


class _Watcher:
    """The cancel flag and the progress callback, rate-limited to ~30 calls a second."""

    def __init__(self, cancel, progress, total: int) -> None:
        self._cancel, self._progress, self._total = cancel, progress, total
        self._last = time.perf_counter()

    def cancelled(self, done: int, running: int) -> bool:
        if self._cancel is not None and self._cancel.is_set():
            return True
        if self._progress is not None and time.perf_counter() - self._last >= BATCH_SECONDS:
            self._progress(done, self._total, running)
            self._last = time.perf_counter()
        return False

    def finished(self, done: int) -> None:
        if self._progress is not None:
            self._progress(done, self._total, 0)


class _PathRecorder:
    """Every lane's iterates, one ``(K, d)`` snapshot per iteration (stopped lanes frozen)."""

    def __init__(self, results: _Results) -> None:
        self._points = results.points.copy()
        self._values = results.values.copy()
        self._history = [(self._points.copy(), self._values.copy())]

    def record(self, index: np.ndarray, points: np.ndarray, values: np.ndarray) -> None:
        self._points[index] = points.T
        self._values[index] = values
        self._history.append((self._points.copy(), self._values.copy()))

    def paths(self, iterations: np.ndarray) -> tuple[np.ndarray, ...]:
        stacked = np.stack([p for p, _ in self._history])
        return tuple(stacked[: n + 1, k].copy() for k, n in enumerate(iterations))

    def path_values(self, iterations: np.ndarray) -> tuple[np.ndarray, ...]:
        stacked = np.stack([v for _, v in self._history])
        return tuple(stacked[: n + 1, k].copy() for k, n in enumerate(iterations))
