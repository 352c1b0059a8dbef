"""K runs of one variant advanced together, as numpy arrays: the engine of sweeps and maps.

A learning-rate sweep or a basin map is thousands of runs that differ only in their start point
or learning rate. Running them one by one costs thousands of Python loops; here every iteration
updates all of them with a handful of array operations. The runs ("lanes") live as ``(d, A)``
arrays (one contiguous row per coordinate) for the A lanes still running:

* the update is :func:`gdexplorer.core.optimizers.update`, the same rule a single run uses,
  with a per-lane learning rate broadcast as a ``(1, A)`` array;
* f and the gradient come from one generated numpy function (:mod:`.kernel`);
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
from gdexplorer.core.engine import DIVERGENCE_LIMIT, StopReason
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.gradients import check_gradient_mode, make_gradient
from gdexplorer.core.many.kernel import OUTSIDE_DOMAIN, build_kernel, build_scalar_check
from gdexplorer.core.many.lanes import CODE, REASONS, Lanes, PathRecorder, Results, Watcher
from gdexplorer.core.objective import Objective, build_objective
from gdexplorer.core.stepsize.schedules import Scheduler
from gdexplorer.core.stepsize.search_settings import check_lanes
from gdexplorer.core.stepsize.settings import ScheduleSettings

__all__ = [
    "CODE",
    "REASONS",
    "LaneStops",
    "ManyResult",
    "ProgressFn",
    "run_many",
    "run_many_from_config",
]

CHECK_EVERY = 8
"""Iterations between looks at the cancel flag and the clock (for progress)."""
MAX_PATH_VALUES = 50_000_000
"""Most floats kept when every lane's path is recorded (about 400 MB)."""

ProgressFn = Callable[[int, int, int], None]
"""``progress(iterations_done, iterations_total, lanes_running)``, at most ~30 times a second."""


class LaneStops:
    """Why each lane stopped, read from ``reason_codes`` (indices into :data:`REASONS`).

    Shared by :class:`ManyResult` and :class:`~gdexplorer.core.many.sweep.SweepResult`, so
    "diverged" and "converged" mean the same for a sweep, a basin map and any batch of runs.
    """

    reason_codes: np.ndarray

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
        """Lanes that met the gradient or the step tolerance."""
        return self.stopped_by(StopReason.GRADIENT_SMALL, StopReason.STEP_SMALL)


@dataclass(frozen=True, eq=False)
class ManyResult(LaneStops):
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


class _Plan:
    """What every iteration needs and no iteration changes: the rule, tolerances, kernel."""

    def __init__(self, objective: Objective, variant, overrides, mode: str, h: float,
                 tolerances: tuple[float, float], maximize: bool) -> None:  # fmt: skip
        self.objective, self.mode, self.h = objective, mode, h
        self.variant = variant
        self.hyperparameters = variant.hyperparameters(overrides)
        self.tol_grad_sq, self.tol_step_sq = tolerances[0] ** 2, tolerances[1] ** 2
        self.maximize = maximize
        self.kernel = build_kernel(objective, mode, h)
        self._check: Callable[[np.ndarray], int] | None = None

    def failure_code(self, point: np.ndarray) -> int:
        """UNDEFINED when the point is outside f's domain, else DIVERGED, as the single-run
        engine decides (its code, built on the first failure)."""
        if self._check is None:
            self._check = build_scalar_check(self.objective, self.mode, self.h)
        if self._check(point) == OUTSIDE_DOMAIN:
            return CODE[StopReason.UNDEFINED]
        return CODE[StopReason.DIVERGED]


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
    schedule: ScheduleSettings | None = None,
) -> ManyResult:
    """Run K lanes from ``starts`` (shape ``(K, d)``) with ``learning_rates`` (``(K,)`` or one).

    ``hyperparameters`` overrides the variant's defaults (None keeps a default). ``schedule``
    (validated) sets each update's rate from each lane's own learning rate, as a single run's
    schedule does (``onecycle`` ignores the learning rate: each lane's becomes its max_lr).
    A lane whose start has no finite f or gradient stops at once as ``UNDEFINED`` (a single
    run would refuse such a start). ``cancel`` is looked at every :data:`CHECK_EVERY`
    iterations; the lanes still running then stop as ``CANCELLED``. ``progress`` is called
    from this thread.
    """
    began = time.perf_counter()
    variant = optimizers.get_variant(variant_name)
    mode = check_gradient_mode(gradient, h)
    starts = _check_starts(starts, objective.dimension)
    rates = _check_learning_rates(learning_rates, len(starts))
    if record_path and len(starts) * (iterations + 1) * (objective.dimension + 1) > MAX_PATH_VALUES:
        raise ConfigError("too many runs and iterations to record every path; record fewer")
    plan = _Plan(objective, variant, hyperparameters, mode, h, (tol_grad, tol_step), maximize)
    results, lanes = _start(plan, starts, rates)
    lanes.scheduler = _lane_scheduler(schedule, lanes, iterations, maximize)
    recorder = PathRecorder(results) if record_path else None
    watcher = Watcher(cancel, progress, iterations)
    with np.errstate(all="ignore"):
        _loop(plan, lanes, results, iterations, watcher, recorder)
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


def _loop(plan: _Plan, lanes: Lanes, results: Results, iterations: int, watcher, recorder) -> None:
    """Advance until every lane stopped, the iteration limit, or a cancel."""
    done = 0
    while lanes.index.size and done < iterations:
        if done % CHECK_EVERY == 0 and watcher.cancelled(done, lanes.index.size):
            reason = StopReason.CANCELLED
            results.finish(lanes.index, lanes.points, lanes.values, lanes.grads, done, reason)
            break
        done += 1
        _advance(plan, lanes, results, done, recorder)
    if lanes.index.size and done >= iterations:
        reason = StopReason.MAX_ITERATIONS
        results.finish(lanes.index, lanes.points, lanes.values, lanes.grads, done, reason)
    watcher.finished(done)


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
    check_lanes(config)
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
        schedule=config.schedule,
    )


def _lane_scheduler(
    schedule: ScheduleSettings | None, lanes: Lanes, iterations: int, maximize: bool
) -> Scheduler | None:
    """The lanes' schedule: one rate per lane, shape ``(1, A)`` (None for the constant rate)."""
    if schedule is None or schedule.name == "constant":
        return None
    base = np.broadcast_to(np.asarray(lanes.learning_rate, dtype=float), (1, lanes.index.size))
    options = schedule.options(total_steps=iterations)
    if schedule.name == "onecycle":
        options["max_lr"] = base.copy()
    return Scheduler(schedule.name, options, base.copy(), maximize)


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


def _start(plan: _Plan, starts: np.ndarray, rates: np.ndarray) -> tuple[Results, Lanes]:
    """Row 0 of every lane, computed as the single-run engine computes it (numpy lambdify)."""
    with np.errstate(all="ignore"):
        values = plan.objective.value(starts)
        grads = np.asarray(make_gradient(plan.objective, plan.mode, plan.h)(starts), dtype=float)
        usable = np.isfinite(values) & np.all(np.isfinite(grads), axis=1)
        grad_sq = np.sum(grads * grads, axis=1)
    results = Results(starts, values, grads)
    results.codes[~usable] = CODE[StopReason.UNDEFINED]
    flat = usable & (grad_sq < plan.tol_grad_sq)
    results.codes[flat] = CODE[StopReason.GRADIENT_SMALL]
    running = usable & ~flat
    own = rates[running]
    shared = own.size == 0 or own.min() == own.max()
    lanes = Lanes(
        index=np.flatnonzero(running),
        points=np.ascontiguousarray(starts[running].T),
        values=values[running],
        grads=np.ascontiguousarray(grads[running].T),
        state=optimizers.init(plan.variant, starts[running].T),
        learning_rate=float(own[0]) if shared and own.size else own[None, :],
    )
    return results, lanes


def _advance(plan: _Plan, lanes: Lanes, results: Results, done: int, recorder) -> None:
    """One update of every running lane; lanes that stop are recorded and dropped."""
    # update() takes a (1, A) array of learning rates too, though its hint says float.
    rate: float = lanes.learning_rate  # type: ignore[assignment]
    if lanes.scheduler is not None:
        rate = lanes.scheduler.rate
    step, state = optimizers.update(
        plan.variant, lanes.grads, lanes.state, rate, plan.hyperparameters, plan.maximize
    )
    if lanes.scheduler is not None:  # PyTorch's scheduler.step(f(x_k)) after the update
        lanes.scheduler.step(lanes.values[None, :])
    points = lanes.points + step
    values, grads = plan.kernel(points)
    grad_sq, step_sq = _sum_of_squares(grads), _sum_of_squares(step)
    stops = (
        None
        if _none_stop(values, grad_sq, step_sq, plan)
        else _stops(values, grad_sq, step_sq, plan)
    )
    if stops is not None:
        bad, small_grad, small_step = stops
        if bad.any():
            codes = [plan.failure_code(points[:, k]) for k in np.flatnonzero(bad)]
            old = (lanes.points[:, bad], lanes.values[bad], lanes.grads[:, bad])
            results.finish(lanes.index[bad], *old, done - 1, np.asarray(codes, dtype=np.int8))
        for mask, reason in ((small_grad, StopReason.GRADIENT_SMALL),
                             (small_step, StopReason.STEP_SMALL)):  # fmt: skip
            if mask.any():
                new = (points[:, mask], values[mask], grads[:, mask])
                results.finish(lanes.index[mask], *new, done, reason)
    if recorder:
        good = slice(None) if stops is None else ~stops[0]
        recorder.record(lanes.index[good], points[:, good], values[good])
    lanes.points, lanes.values, lanes.grads, lanes.state = points, values, grads, state
    if stops is not None:
        lanes.keep(~(stops[0] | stops[1] | stops[2]))


def _sum_of_squares(rows: np.ndarray) -> np.ndarray:
    """``r0*r0 + r1*r1 + ...`` summed left to right, as the single-run loop sums them."""
    total = rows[0] * rows[0]
    for row in rows[1:]:
        total += row * row
    return total


_LIMIT_SQ = DIVERGENCE_LIMIT * DIVERGENCE_LIMIT


def _none_stop(values, grad_sq, step_sq, plan: _Plan) -> bool:
    """True when certainly no lane stops this iteration (the common case), in two reductions.

    ``f^2 + |g|^2 + |step|^2 < limit^2`` implies each single-run divergence test passes (and
    NaN or an overflow to inf fails it); a False here only means :func:`_stops` decides.
    """
    total = values * values
    total += grad_sq
    total += step_sq
    if not total.max() < _LIMIT_SQ:
        return False
    return not (grad_sq.min() < plan.tol_grad_sq or step_sq.min() < plan.tol_step_sq)


def _stops(values, grad_sq, step_sq, plan: _Plan):
    """Masks ``(bad, gradient_small, step_small)`` with the single-run engine's tests, in its
    order, so each lane is in at most one."""
    limit = DIVERGENCE_LIMIT
    good = (values > -limit) & (values < limit) & (grad_sq < _LIMIT_SQ) & (step_sq < _LIMIT_SQ)
    small_grad = good & (grad_sq < plan.tol_grad_sq)
    small_step = good & ~small_grad & (step_sq < plan.tol_step_sq)
    return ~good, small_grad, small_step
