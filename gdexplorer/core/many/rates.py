"""A learning rate that works well for one variant on one function, from a quick sweep.

"Compare all variants" runs every variant from the same start, each with a rate of its own: the
Adam default would be far too small for plain gradient descent on one function and far too
large on another. A quick vectorized sweep (:func:`~gdexplorer.core.many.sweep.learning_rate_sweep`)
tries :data:`QUICK_COUNT` rates and :func:`choose_rate` picks one robustly: fast, but not a rate
that is fast only by luck next to rates that diverge.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from gdexplorer.core.config import RunConfig
from gdexplorer.core.many.sweep import SweepResult, learning_rate_sweep

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
    """Each entry's worst (largest) score among itself and ``width`` neighbours per side;
    beyond the ends counts as infinitely bad."""
    padded = np.concatenate([np.full(width, np.inf), score, np.full(width, np.inf)])
    return sliding_window_view(padded, 2 * width + 1).max(axis=1)
