"""A learning rate that works well for one variant on one function, from a quick sweep.

"Compare all variants" runs every variant from the same start, each with a rate of its own: the
Adam default would be far too small for plain gradient descent on one function and far too
large on another. A quick vectorized sweep tries :data:`QUICK_COUNT` rates, recording every
path, and :func:`choose_rate` applies the usual advice (:data:`RULE`): the fastest rate to
converge, among rates whose path stays within the plotted region, judged with its neighbours
so that a rate fast only by luck next to failing ones is not chosen. A too-small rate makes a
variant look slow for the wrong reason; a rate whose path jumps across the valley and back
teaches nothing about the variant either.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import Run
from gdexplorer.core.landscape import choose_range
from gdexplorer.core.many.sweep import SweepResult
from gdexplorer.core.many.vectorized import ManyResult, run_many_from_config
from gdexplorer.core.presets import load_presets

QUICK_RANGE = (1e-5, 10.0)
QUICK_COUNT = 36
"""Learning rates tried per variant by "compare all variants": about 6 per decade."""
QUICK_ITERATIONS = 3000
"""The quick sweep stops each lane after this many iterations (or the run's own limit)."""
NEIGHBOURS = 2
"""A rate is judged by the worst of itself and this many neighbours on each side, so a rate
that converges fast only by luck (next to rates that diverge or leave the region) is not
chosen."""
RUNAWAY = 1e3
"""Without convergence, lanes that ended farther than this (times the start's size) away
count as running away (f unbounded below): their low final f is no reason to choose them."""
RULE = (
    "Each variant gets the learning rate that converges fastest, among 36 rates from 1e-05 "
    "to 10 whose whole path stays within the plotted region, each judged with its two "
    "neighbouring rates on either side (a rate that is fast only next to failing ones is not "
    "chosen). If none converges, the lowest final f wins."
)
"""The rule, in the words the Compare tab shows."""

Region = tuple[tuple[float, float], ...]


def suggested_rate(
    config: RunConfig, cancel: threading.Event | None = None, region: Region | None = None
) -> float:
    """A learning rate that works well for ``config``'s variant, by :data:`RULE`.

    ``region`` (one ``(low, high)`` per variable) is where the paths must stay; by default
    :func:`study_region`. Failing every rule, ``config``'s own rate.
    """
    quick = config.replace(iterations=min(config.iterations, QUICK_ITERATIONS))
    run = Run(quick)  # checked as a single run checks it
    rates = np.geomspace(*QUICK_RANGE, QUICK_COUNT)
    lanes = run_many_from_config(
        run.config, learning_rates=rates, cancel=cancel, record_path=True,
        starts=np.repeat([run.config.start], QUICK_COUNT, axis=0), objective=run.objective,
    )  # fmt: skip
    result = _as_sweep(run, rates, lanes)
    if region is None:
        region = study_region(quick, lanes.points[result.converged])
    assert lanes.paths is not None  # recorded above
    return choose_rate(result, config.learning_rate, stays_within(lanes.paths, region))


def study_region(config: RunConfig, ends: np.ndarray) -> Region:
    """Where the student looks: the bundled example's plot range when the function is one of
    them, else the start and the minima the converging lanes found, with room around."""
    for preset in load_presets():
        same = preset.config.function == config.function
        if same and preset.config.variables == config.variables:
            return preset.plot_range
    return choose_range(config.start, np.asarray(ends, dtype=float).reshape(-1, len(config.start)))


def stays_within(paths: tuple[np.ndarray, ...], region: Region) -> np.ndarray:
    """Per lane, whether every recorded iterate lies inside ``region``."""
    low = np.array([lo for lo, _ in region], dtype=float)
    high = np.array([hi for _, hi in region], dtype=float)
    inside = [
        bool(np.all(np.isfinite(path)) and np.all((path >= low) & (path <= high))) for path in paths
    ]
    return np.array(inside, dtype=bool)


def choose_rate(result: SweepResult, fallback: float, within: np.ndarray | None = None) -> float:
    """The choice of :data:`RULE` from a finished sweep; ``within`` marks the lanes whose path
    stayed within the region (None: every lane did)."""
    within = np.ones(len(result.learning_rates), bool) if within is None else within
    good = result.converged & within
    iterations = np.where(good, result.iterations.astype(float), np.inf)
    worst = _worst_of_neighbours(iterations, NEIGHBOURS)
    if np.isfinite(worst).any():
        return float(result.learning_rates[int(np.argmin(worst))])
    size = 1.0 + float(np.max(np.abs(result.config.start)))
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.all(np.abs(result.final_points) <= RUNAWAY * size, axis=1)
    usable = ~result.diverged & near & np.isfinite(result.final_values)
    final = np.where(usable, result.final_values, np.inf)
    worst = _worst_of_neighbours(final, NEIGHBOURS)
    if np.isfinite(worst).any():
        return float(result.learning_rates[int(np.argmin(worst))])
    return fallback


def _as_sweep(run: Run, rates: np.ndarray, lanes: ManyResult) -> SweepResult:
    """The lanes as a sweep measured in iterations (what :func:`choose_rate` reads)."""
    return SweepResult(
        config=run.config, variables=run.objective.variables, measure="iterations",
        learning_rates=rates, final_values=lanes.values, iterations=lanes.iterations,
        reason_codes=lanes.reason_codes, final_points=lanes.points,
        start_value=float(run.first_row[run.objective.dimension]), stability_limit=None,
        seconds=lanes.seconds,
    )  # fmt: skip


def _worst_of_neighbours(score: np.ndarray, width: int) -> np.ndarray:
    """Each entry's worst (largest) score among itself and ``width`` neighbours per side;
    beyond the ends counts as infinitely bad."""
    padded = np.concatenate([np.full(width, np.inf), score, np.full(width, np.inf)])
    return sliding_window_view(padded, 2 * width + 1).max(axis=1)
