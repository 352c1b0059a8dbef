"""Which rows of a long path to draw: every k-th row, and rows spread along its length.

Antialiased lines are the largest cost of a repaint, so a million-row run is drawn as a few
thousand vertices; the trajectory itself keeps every row. The choice is numpy only, so it lives
here and is tested without Qt; the plots (:mod:`gdexplorer.ui.views.plot_path`,
:mod:`gdexplorer.ui.views.multi_path`) draw the rows it picks.
"""

from __future__ import annotations

import math

import numpy as np

LINE_LIMIT = 2_000
"""Path vertices drawn at most (a few per pixel of a typical plot; antialiased lines are the
largest cost of a repaint); beyond this, half are every k-th row and half are spread evenly
along the path's length (:class:`PathLength`)."""

DOT_LIMIT = 1_000
"""Path dots drawn at most: more would merge into a band (their spacing still shows speed)."""


def drawn_indices(count: int, limit: int) -> np.ndarray:
    """Rows to draw out of ``count``: all of them, or every k-th plus the last.

    ``k`` is odd, so a path that zig-zags every other step (gradient descent across a narrow
    valley) keeps points on both sides instead of showing only one side as a straight line.
    The first and the last rows are always kept.
    """
    if count <= limit:
        return np.arange(count)
    stride = math.ceil(count / limit)
    stride += 1 - stride % 2
    indices = np.arange(0, count, stride)
    if indices[-1] != count - 1:
        indices = np.append(indices, count - 1)
    return indices


class PathLength:
    """The length along a growing path up to each row, updated with the new rows only.

    Thinning by row number alone shows a long run badly: when a run moves in its first few
    thousand iterations and then creeps for a million, every k-th row puts almost all vertices
    on the creep and draws the interesting part as a few straight chords. Vertices spread
    evenly along the length go where the path moves. Lengths are measured in fractions of a
    fixed ``scale`` per axis (the view's size when the run began), so x and y count alike.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self, key: object = None, scale: tuple[float, float] = (1.0, 1.0)) -> None:
        """Start a new path: ``key`` names the run it measures, ``scale`` the unit per axis."""
        self.key = key
        self._scale = np.asarray(scale, dtype=float)
        self._lengths = np.zeros(1024)
        self._count = 0
        self._last: np.ndarray | None = None

    def __len__(self) -> int:
        return self._count

    def extend(self, points: np.ndarray) -> None:
        """Add the next rows' plotted points (``(m, 2)``); non-finite steps count as 0."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if len(points) == 0:
            return
        chain = points if self._last is None else np.vstack([self._last, points])
        steps = np.diff(chain, axis=0) / self._scale
        with np.errstate(over="ignore", invalid="ignore"):
            step_lengths = np.hypot(steps[:, 0], steps[:, 1])
        step_lengths[~np.isfinite(step_lengths)] = 0.0
        total = self._lengths[self._count - 1] if self._count else 0.0
        fresh = total + np.cumsum(step_lengths)
        if self._last is None:
            fresh = np.concatenate([[0.0], fresh])
        end = self._count + len(fresh)
        if end > len(self._lengths):
            grown = np.empty(max(end, 2 * len(self._lengths)))
            grown[: self._count] = self._lengths[: self._count]
            self._lengths = grown
        self._lengths[self._count : end] = fresh
        self._count = end
        self._last = points[-1]

    def even_indices(self, limit: int) -> np.ndarray:
        """About ``limit`` rows spread evenly along the length (first and last included)."""
        if self._count == 0:
            return np.arange(0)
        lengths = self._lengths[: self._count]
        targets = np.linspace(0.0, lengths[-1], max(limit, 2))
        rows = np.searchsorted(lengths, targets, side="left")
        return np.unique(np.clip(np.append(rows, self._count - 1), 0, self._count - 1))


def thinned_indices(count: int, limit: int, length: PathLength) -> np.ndarray:
    """Rows to draw: all of them up to ``limit``; beyond, half every k-th row
    (:func:`drawn_indices`) and half evenly along the path's ``length``."""
    if count <= limit:
        return np.arange(count)
    by_row = drawn_indices(count, limit // 2)
    if len(length) != count:
        return drawn_indices(count, limit)
    return np.union1d(by_row, length.even_indices(limit // 2))
