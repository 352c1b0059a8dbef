"""Bookkeeping of the vectorized engine: the lanes still running, the results of those
that stopped, each lane's path (when recorded), and the cancel flag and progress callback.

See :mod:`gdexplorer.core.many.vectorized`, which advances the lanes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from gdexplorer.core import optimizers
from gdexplorer.core.engine import BATCH_SECONDS, StopReason
from gdexplorer.core.stepsize.schedules import Scheduler

REASONS: tuple[StopReason, ...] = tuple(StopReason)
"""Stop-reason codes (``ManyResult.reason_codes``) index into this tuple."""
CODE = {reason: code for code, reason in enumerate(REASONS)}


@dataclass
class Lanes:
    """The lanes still running, as ``(d, A)`` arrays, and the variant's state."""

    index: np.ndarray
    points: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    state: optimizers.OptimizerState
    learning_rate: float | np.ndarray
    scheduler: Scheduler | None = None

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
        if self.scheduler is not None:
            self.scheduler.keep(mask)


class Results:
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


class Watcher:
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


class PathRecorder:
    """Every lane's iterates, one ``(K, d)`` snapshot per iteration (stopped lanes frozen)."""

    def __init__(self, results: Results) -> None:
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
