"""The work behind the Compare dock, as plain functions a worker thread can call (no Qt).

Each job has the shape ``job(cancel, progress) -> result`` that :mod:`.compare_worker` expects:
computing a list of runs with the single-run engine, choosing a learning rate per variant for
"compare all variants" (a quick vectorized sweep), a learning-rate sweep, a basin map.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache, partial

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import GdxError
from gdexplorer.core.many.runs_io import RunRecord
from gdexplorer.core.many.sweep import SweepResult, learning_rate_sweep
from gdexplorer.core.objective import build_objective
from gdexplorer.core.optimizers import VARIANTS

QUICK_RANGE = (1e-5, 10.0)
QUICK_COUNT = 36
"""Learning rates tried per variant by "compare all variants": about 6 per decade."""
QUICK_ITERATIONS = 3000
"""The quick sweep stops each lane after this many iterations (or the run's own limit)."""
NEIGHBOURS = 2
"""A rate is judged by the worst of itself and this many neighbours on each side, so a rate
that converges fast only by luck (next to rates that diverge) is not chosen."""
NEARLY_AS_FAST = 1.5
"""Of the rates that converge within this factor of the fewest iterations, the smallest is
chosen: nearly as fast, and its path is calmer to watch than the fastest rate's."""
RUNAWAY = 1e3
"""Without convergence, lanes that ended farther than this (times the start's size) away
count as running away (f unbounded below): their low final f is no reason to choose them."""

Progress = Callable[..., None]


def compute_runs(
    configs: Sequence[RunConfig],
    names: Sequence[str],
    cancel: threading.Event,
    progress: Progress,
) -> list[RunRecord]:
    """Run each config to the end, one after another, timing each; progress counts runs."""
    records = []
    progress(0, len(configs))
    for done, (config, name) in enumerate(zip(configs, names, strict=True), start=1):
        if cancel.is_set():
            break
        began = time.perf_counter()
        trajectory, outcome = run_to_end(config, cancel)
        records.append(RunRecord(name, config, trajectory, outcome, time.perf_counter() - began))
        progress(done, len(configs))
    return records


def all_variant_configs(
    config: RunConfig, cancel: threading.Event, progress: Progress
) -> list[RunConfig]:
    """``config`` once per variant, each with the learning rate :func:`suggested_rate` picks."""
    configs = []
    names = list(VARIANTS)
    for done, name in enumerate(names):
        if cancel.is_set():
            break
        progress(done, len(names))
        variant_config = config.replace(variant=name)
        rate = float(f"{suggested_rate(variant_config, cancel):.3g}")  # a rate one can type
        configs.append(variant_config.replace(learning_rate=rate))
    return configs


def compare_all_variants(
    config: RunConfig,
    first_number: int,
    cancel: threading.Event,
    progress: Progress,
) -> list[RunRecord]:
    """Every variant from ``config``'s start, each with its suggested rate, run to the end.

    Progress: the quick sweeps count as the first half, the runs as the second.
    """
    count = len(VARIANTS)

    def sweeping(done: int, _total: int, *_rest) -> None:
        progress(done, 2 * count)

    def running(done: int, _total: int, *_rest) -> None:
        progress(count + done, 2 * count)

    configs = all_variant_configs(config, cancel, sweeping)
    names = [f"Run {first_number + i}" for i in range(len(configs))]
    return compute_runs(configs, names, cancel, running)


def suggested_rate(config: RunConfig, cancel: threading.Event | None = None) -> float:
    """A learning rate that works well for ``config``'s variant, from a quick sweep.

    The smallest rate that converges nearly as fast as the fastest (see
    :data:`NEARLY_AS_FAST`), each judged with its neighbours (see :data:`NEIGHBOURS`); when no
    rate converges within the quick sweep's iterations, the one
    with the lowest final f among the runs that stayed near the start (see :data:`RUNAWAY`);
    failing both, ``config``'s own rate.
    """
    quick = config.replace(iterations=min(config.iterations, QUICK_ITERATIONS))
    result = learning_rate_sweep(quick, *QUICK_RANGE, QUICK_COUNT, "iterations", cancel)
    return choose_rate(result, config.learning_rate)


def choose_rate(result: SweepResult, fallback: float) -> float:
    """The robust choice of :func:`suggested_rate` from a finished sweep."""
    iterations = np.where(result.converged, result.iterations.astype(float), np.inf)
    size = 1.0 + float(np.max(np.abs(result.config.start)))
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.all(np.abs(result.final_points) <= RUNAWAY * size, axis=1)
    usable = ~result.diverged & near & np.isfinite(result.final_values)
    final = np.where(usable, result.final_values, np.inf)
    worst = _worst_of_neighbours(iterations, NEIGHBOURS)
    if np.isfinite(worst).any():
        calm = np.flatnonzero(worst <= NEARLY_AS_FAST * worst.min())
        return float(result.learning_rates[calm[0]])
    worst = _worst_of_neighbours(final, NEIGHBOURS)
    if np.isfinite(worst).any():
        return float(result.learning_rates[int(np.argmin(worst))])
    return fallback


def _worst_of_neighbours(score: np.ndarray, width: int) -> np.ndarray:
    padded = np.concatenate([np.full(width, np.inf), score, np.full(width, np.inf)])
    return sliding_window_view(padded, 2 * width + 1).max(axis=1)


def sweep_job(config: RunConfig, lr_min: float, lr_max: float, count: int, measure: str):
    """A learning-rate sweep as a job (cancel and progress filled in by the worker)."""

    def job(cancel: threading.Event, progress: Progress) -> SweepResult:
        return learning_rate_sweep(config, lr_min, lr_max, count, measure, cancel, progress)

    return job


def basin_job(config: RunConfig, x_range, y_range, resolution: int, minima):
    """A basin map as a job (cancel and progress filled in by the worker)."""
    from gdexplorer.core.many.basins import basin_map

    def job(cancel: threading.Event, progress: Progress):
        return basin_map(
            config, x_range, y_range, resolution, minima, cancel=cancel, progress=progress
        )

    return job


def runs_job(configs: Sequence[RunConfig], names: Sequence[str]):
    return partial(compute_runs, list(configs), list(names))


def all_variants_job(config: RunConfig, first_number: int):
    return partial(compare_all_variants, config, first_number)


def function_identity(function: str, variables) -> tuple:
    """The parsed function and its variables: what decides if two runs share a landscape."""
    return _identity(function, tuple(variables) if variables is not None else None)


@lru_cache(maxsize=64)
def _identity(function: str, variables: tuple[str, ...] | None) -> tuple:
    try:
        objective = build_objective(function, variables)
    except GdxError:
        return (function, variables)
    return (objective.expr, objective.variables)
