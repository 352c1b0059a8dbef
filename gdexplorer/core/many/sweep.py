"""Learning-rate sweeps: one start, one variant, many learning rates run at once.

Plotting where each run ends (or how long it takes) against the learning rate on a log axis
shows the three regimes a student should learn to recognise: too small is slow, too large
diverges, and a band in between works. For a quadratic the edge of stability is known in closed
form, :func:`stability_limit`, and the sweep marks it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gdexplorer.core.budgets import check_lane_steps
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.many.vectorized import LaneStops, ProgressFn, run_many_from_config
from gdexplorer.core.objective import Objective
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.stepsize.search_settings import check_lanes

MEASURES = ("final_f", "iterations")
MAX_COUNT = 100_000


@dataclass(frozen=True, eq=False)
class SweepResult(LaneStops):
    """One lane per learning rate (log-spaced, increasing) and where it ended.

    ``start_value`` is f at the (shared) start; ``stability_limit`` see :func:`stability_limit`.
    """

    config: RunConfig
    variables: tuple[str, ...]
    measure: str
    learning_rates: np.ndarray
    final_values: np.ndarray
    iterations: np.ndarray
    reason_codes: np.ndarray
    final_points: np.ndarray
    start_value: float
    stability_limit: float | None
    seconds: float

    @property
    def values(self) -> np.ndarray:
        """What the sweep plots: the final f or the iterations, per :attr:`measure`."""
        return self.final_values if self.measure == "final_f" else self.iterations

    def best_learning_rate(self) -> float | None:
        """The rate with the lowest final f (or the fewest iterations to converge), if any."""
        if self.measure == "final_f":
            usable = ~self.diverged & np.isfinite(self.final_values)
            score = self.final_values
        else:
            usable, score = self.converged, self.iterations
        if not usable.any():
            return None
        candidates = np.flatnonzero(usable)
        return float(self.learning_rates[candidates[np.argmin(score[candidates])]])

    def first_diverging_rate(self) -> float | None:
        """The smallest swept rate that diverged (or left the domain), if any did."""
        failed = np.flatnonzero(self.diverged)
        return float(self.learning_rates[failed[0]]) if failed.size else None


@dataclass(frozen=True)
class SweepYScale:
    """How a sweep's y axis shows the values: log or linear, the highest value drawn where it
    is (``ceiling``), the row of the off-chart markers (``top``) and the log floor.

    Final f on a log axis when it spans more than two decades (values more than 100 times the
    start's are drawn at the top instead); iterations on a linear axis up to the limit.
    """

    log: bool
    ceiling: float
    top: float
    floor: float

    @classmethod
    def choose(cls, result: SweepResult, values: np.ndarray) -> SweepYScale:
        """The scale for ``values`` (the finite measures of ``result``'s lanes)."""
        if result.measure != "final_f":
            limit = float(result.config.iterations)
            return cls(False, limit, limit * 1.06, 0.0)
        if values.size == 0:
            return cls(False, np.inf, 1.0, 0.0)
        start, low = result.start_value, float(values.min())
        if low > 0 and start > 0 and max(values.max(), start) / low > 100:
            ceiling = max(start, low) * 100.0
            drawn = values[values <= ceiling]
            return cls(True, ceiling, float(drawn.max(initial=start)) * 4.0, low)
        spread = max(start - low, abs(start), 1e-12)
        ceiling = start + spread
        high = float(values[values <= ceiling].max(initial=start))
        return cls(False, ceiling, high + 0.08 * max(high - low, spread), 0.0)


def describe_lane(result: SweepResult, lane: int) -> str:
    """``lr = 0.01: final f = 1.2e-08, converged after 345 iterations`` for the status line."""
    rate = result.learning_rates[lane]
    reason = result.reasons[lane]
    n = int(result.iterations[lane])
    if result.diverged[lane]:
        # as the single run says it: n is the last row there is, the next update failed
        verb = "diverged" if reason.value == "diverged" else "left f's domain"
        return f"lr = {rate:.4g}: {verb} after {n:,} iterations (the next update failed)"
    state = "converged" if result.converged[lane] else "stopped at the limit"
    final = result.final_values[lane]
    return f"lr = {rate:.4g}: final f = {final:.6g}, {state} after {n:,} iterations"


def learning_rate_sweep(
    config: RunConfig,
    lr_min: float,
    lr_max: float,
    count: int,
    measure: str = "final_f",
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
) -> SweepResult:
    """Run ``config`` with ``count`` learning rates log-spaced from ``lr_min`` to ``lr_max``.

    The start and every other setting come from ``config`` (checked as a single run checks
    them, so a bad start raises the same :class:`ConfigError`). With a schedule, each lane's
    rate is its base rate with the schedule applied (``onecycle``: its max_lr).
    """
    _check_range(lr_min, lr_max, count)
    if measure not in MEASURES:
        raise ConfigError(f"unknown measure '{measure}': choose final_f or iterations")
    if config.data:
        raise ConfigError("a learning-rate sweep works on a typed function, not on a dataset")
    check_lanes(config)
    run = Run(config)
    check_lane_steps(count, run.config.iterations, "the sweep")
    rates = np.geomspace(lr_min, lr_max, count)
    result = run_many_from_config(
        run.config, learning_rates=rates, cancel=cancel, progress=progress,
        starts=np.repeat([run.config.start], count, axis=0), objective=run.objective,
    )  # fmt: skip
    limit = stability_limit(
        run.objective, run.config.variant, run.hyperparameters, run.config.maximize
    )
    if run.config.schedule is not None and run.config.schedule.name != "constant":
        limit = None  # 2/L bounds a constant rate; a schedule changes the rate as it goes
    return SweepResult(
        config=run.config,
        variables=run.objective.variables,
        measure=measure,
        learning_rates=rates,
        final_values=result.values,
        iterations=result.iterations,
        reason_codes=result.reason_codes,
        final_points=result.points,
        start_value=float(run.first_row[run.objective.dimension]),
        stability_limit=limit,
        seconds=result.seconds,
    )


def _check_range(lr_min: float, lr_max: float, count: int) -> None:
    if not (math.isfinite(lr_min) and math.isfinite(lr_max) and 0 < lr_min < lr_max):
        raise ConfigError(
            f"the learning-rate range must have 0 < smallest < largest, got {lr_min:g} to "
            f"{lr_max:g}"
        )
    if not 2 <= count <= MAX_COUNT:
        raise ConfigError(f"the number of learning rates must be between 2 and {MAX_COUNT:,}")


def stability_limit(
    objective: Objective,
    variant: str = "gd",
    hyperparameters: Mapping[str, float] | None = None,
    maximize: bool = False,
) -> float | None:
    """The largest stable learning rate on a quadratic, or None when there is no such limit.

    On a quadratic the Hessian is a constant matrix; with L its largest eigenvalue (the
    steepest curvature), gradient descent converges for lr < 2/L and diverges above. Heavy-ball
    momentum (PyTorch's, mu) is stable up to 2(1 + mu)/L, Nesterov's up to
    2(1 + mu)/((1 + 2 mu) L). Adaptive variants scale their steps, so they have no such limit.
    None also when f is not a quadratic or is not convex (L <= 0); with ``maximize`` the
    curvature of -f counts.
    """
    import sympy  # already loaded by parse_function, which made the objective

    hessian = sympy.hessian(objective.expr, objective.parsed.symbols)
    if any(entry.free_symbols for entry in hessian):
        return None
    try:
        matrix = np.array(hessian.tolist(), dtype=float)
    except (TypeError, ValueError):
        return None
    if not np.all(np.isfinite(matrix)):
        return None
    curvature = np.linalg.eigvalsh(-matrix if maximize else matrix)[-1]
    if curvature <= 0:
        return None
    spec = get_variant(variant)
    mu = spec.hyperparameters(hyperparameters).get("momentum", 0.0)
    if spec.name == "gd":
        return 2.0 / curvature
    if spec.name == "momentum":
        return 2.0 * (1.0 + mu) / curvature
    if spec.name == "nesterov":
        return 2.0 * (1.0 + mu) / ((1.0 + 2.0 * mu) * curvature)
    return None
