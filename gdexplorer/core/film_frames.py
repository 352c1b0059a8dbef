"""Which iterations an animation shows: N frames spread along the run, or every k-th one.

A film of a run that moves in its first hundred iterations and then creeps for a hundred
thousand must not spend its frames on the creep. The path drawing has the same problem and
solves it with :mod:`gdexplorer.core.path_thinning`: half of the vertices by row number, half
evenly along the path's length. The frames are chosen by the same rule, so what moves gets the
frames, and what takes long still takes some. Numpy only, tested without Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdexplorer.core.errors import ExportError
from gdexplorer.core.path_thinning import PathLength

MAX_FRAMES = 10_000
"""More frames than this is a mistake (at 30 frames a second, over five minutes of film)."""


def frame_rows(count: int, frames: int, lengths: Sequence[PathLength] = ()) -> np.ndarray:
    """``min(frames, count)`` distinct rows out of ``count``, first and last included.

    Half are spread evenly by row number, half evenly along each path's length (one
    :class:`PathLength` per run drawn: a race gives every run's moving part its frames); when
    the two halves share rows, the rest is filled evenly from the rows not chosen yet, so the
    film has exactly the frames asked for. Rows are returned in increasing order.
    """
    check_frame_count(frames)
    if count <= frames:
        return np.arange(count)
    by_row = np.round(np.linspace(0, count - 1, max(frames // 2, 2))).astype(np.int64)
    chosen = np.unique(by_row)
    along = max(frames - frames // 2, 2)
    for length in lengths:
        if len(length):
            chosen = np.union1d(chosen, np.minimum(length.even_indices(along), count - 1))
    if len(chosen) > frames:  # several runs: keep an even selection of the union
        keep = np.round(np.linspace(0, len(chosen) - 1, frames)).astype(np.int64)
        return chosen[keep]
    return _filled(chosen, count, frames)


def every_kth_row(count: int, step: int) -> np.ndarray:
    """Rows 0, k, 2k, ... and the last row (the final iterate is always filmed)."""
    if step < 1:
        raise ExportError(f"film every k-th iteration with k of 1 or more, not {step}")
    if count <= 0:
        return np.arange(0)
    rows = np.arange(0, count, step)
    if rows[-1] != count - 1:
        rows = np.append(rows, count - 1)
    check_frame_count(len(rows), what=f"every {step}-th iteration of {count:,} rows gives")
    return rows


def check_frame_count(frames: int, what: str = "the film needs") -> None:
    """An ExportError (one line) for a frame count below 2 or above :data:`MAX_FRAMES`."""
    if frames < 2:
        raise ExportError(f"{what} at least 2 frames, not {frames}")
    if frames > MAX_FRAMES:
        raise ExportError(f"{what} {frames:,} frames; at most {MAX_FRAMES:,} are filmed")


def measured_path(points: np.ndarray) -> PathLength:
    """The length along a path of plotted ``(n, 2)`` points, x and y in units of the path's
    own extent (so they count alike, as the plots measure it); non-finite points add nothing."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    length = PathLength()
    finite = points[np.all(np.isfinite(points), axis=1)]
    extent = np.ptp(finite, axis=0) if len(finite) else np.ones(2)
    extent = np.where(np.isfinite(extent) & (extent > 0), extent, 1.0)
    length.reset(None, (float(extent[0]), float(extent[1])))
    length.extend(points)
    return length


def _filled(chosen: np.ndarray, count: int, frames: int) -> np.ndarray:
    """``chosen`` plus rows spread evenly over those not chosen yet, ``frames`` in all."""
    missing = frames - len(chosen)
    if missing <= 0:
        return chosen
    free = np.setdiff1d(np.arange(count), chosen, assume_unique=True)
    extra = free[np.round(np.linspace(0, len(free) - 1, missing)).astype(np.int64)]
    return np.union1d(chosen, extra)
