"""The work behind the Compare dock, as plain functions a worker thread can call.

Each job has the shape ``job(cancel, progress) -> result`` that
:mod:`gdexplorer.ui.threads.job_worker` expects: computing a list of runs with the single-run
engine, every variant with the learning rate :mod:`.rates` suggests for it ("compare all
variants"), a learning-rate sweep, a basin map. Nothing here knows about Qt: the dock only starts
the jobs and shows their results, and the tests call them directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache, partial

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import GdxError
from gdexplorer.core.many.rates import suggested_rate
from gdexplorer.core.many.runs_io import RunRecord
from gdexplorer.core.many.sweep import SweepResult, learning_rate_sweep
from gdexplorer.core.objective import build_objective
from gdexplorer.core.optimizers import VARIANTS

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
        variant_config = config.replace(variant=name, line_search=None)
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
