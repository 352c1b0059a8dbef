"""f sampled for drawing: a curve, a grid or a 2-D slice, and the contour levels to draw on it.

The plot view asks this module *what* to draw and draws it: the samples of f over the visible
rectangle (:func:`sample_curve`, :func:`sample_grid`), the region worth looking at
(:func:`choose_range`), the contour levels and colour scale (:func:`contour_scale`) and the
iso-lines as line segments (:func:`contour_segments`). Everything here is numpy only, so it is
tested without Qt and costs a few milliseconds for a 160 x 160 grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

GRID_SIZE = 200
"""Samples per side of a contour grid: about 4 screen pixels per cell, a few ms to evaluate."""

CURVE_SIZE = 800
"""Samples of a 1-D curve."""

LOG_DECADES = 1.5
"""Contours switch to log levels when f - min f spans more than this many decades."""


class Evaluable(Protocol):
    """What a landscape needs from an objective: its variables and vectorized values."""

    @property
    def dimension(self) -> int: ...

    def value(self, points: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class Landscape:
    """f sampled on a regular grid along one or two variables.

    Attributes
    ----------
    axes:
        The variable indices along the sample axes: ``(i,)`` for a curve, ``(i, j)`` for a grid.
    coordinates:
        One increasing 1-D array per axis: the sample positions.
    values:
        f at the samples, shape ``(len(coordinates[0]),)`` or ``(len(c0), len(c1))`` with
        ``values[a, b]`` at ``(c0[a], c1[b])``; NaN where f is undefined or not finite.
    through:
        The full point the samples pass through: the variables not in ``axes`` keep its values.
    """

    axes: tuple[int, ...]
    coordinates: tuple[np.ndarray, ...]
    values: np.ndarray
    through: np.ndarray

    @property
    def extent(self) -> tuple[tuple[float, float], ...]:
        """Per axis, the interval covered when each sample is drawn as a cell centred on it."""
        out = []
        for c in self.coordinates:
            half = (c[-1] - c[0]) / (2 * (len(c) - 1)) if len(c) > 1 else 0.5
            out.append((float(c[0] - half), float(c[-1] + half)))
        return tuple(out)


def evaluate(objective: Evaluable, points: np.ndarray) -> np.ndarray:
    """f at ``points`` (``(..., d)``); NaN wherever it is undefined, infinite or complex."""
    with np.errstate(all="ignore"):
        values = np.asarray(objective.value(points))
    if np.iscomplexobj(values):
        values = np.where(np.abs(values.imag) > 0, np.nan, values.real)
    values = np.array(np.broadcast_to(values, points.shape[:-1]), dtype=float)
    values[~np.isfinite(values)] = np.nan
    return values


def sample_curve(
    objective: Evaluable,
    x_range: tuple[float, float],
    axis: int = 0,
    through: np.ndarray | Sequence[float] | None = None,
    size: int = CURVE_SIZE,
) -> Landscape:
    """f along variable ``axis`` over ``x_range`` (the other variables fixed at ``through``)."""
    base = _base_point(objective, through)
    x = np.linspace(*x_range, size)
    points = np.tile(base, (size, 1))
    points[:, axis] = x
    return Landscape((axis,), (x,), evaluate(objective, points), base)


def sample_grid(
    objective: Evaluable,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    axes: tuple[int, int] = (0, 1),
    through: np.ndarray | Sequence[float] | None = None,
    size: int = GRID_SIZE,
) -> Landscape:
    """f over a rectangle of variables ``axes``: the plane (2 variables) or a 2-D slice.

    With more than two variables the others keep their values in ``through`` (the current
    iterate), so the picture is the slice of f the optimizer is standing in.
    """
    base = _base_point(objective, through)
    x = np.linspace(*x_range, size)
    y = np.linspace(*y_range, size)
    points = np.tile(base, (size, size, 1))
    points[..., axes[0]] = x[:, None]
    points[..., axes[1]] = y[None, :]
    return Landscape(tuple(axes), (x, y), evaluate(objective, points), base)


def _base_point(objective: Evaluable, through: np.ndarray | Sequence[float] | None) -> np.ndarray:
    if through is None:
        return np.zeros(objective.dimension)
    return np.asarray(through, dtype=float).reshape(objective.dimension).copy()


def choose_range(
    start: np.ndarray | Sequence[float],
    points: np.ndarray | Sequence[Sequence[float]] = (),
    minima: np.ndarray | Sequence[Sequence[float]] = (),
    margin: float = 0.25,
) -> tuple[tuple[float, float], ...]:
    """Per variable, an interval covering the start, the path and the minima, with room around.

    Each side gets ``margin`` times the covered span, and at least a unit-scale pad (half the
    size of the largest coordinate, or 1), so a lone start point still shows its neighbourhood.
    Non-finite points (a diverged run) are ignored.
    """
    start_arr = np.asarray(start, dtype=float).reshape(1, -1)
    d = start_arr.shape[1]
    parts = [start_arr]
    for group in (points, minima):
        arr = np.asarray(group, dtype=float).reshape(-1, d) if len(group) else np.empty((0, d))
        parts.append(arr[np.all(np.isfinite(arr), axis=1)])
    every = np.concatenate(parts)
    every = every[np.all(np.isfinite(every), axis=1)]
    if len(every) == 0:
        return tuple((-1.0, 1.0) for _ in range(d))
    low, high = every.min(axis=0), every.max(axis=0)
    scale = np.maximum(np.abs(every).max(axis=0) * 0.5, 1.0)
    pad = np.maximum((high - low) * margin, 0.1 * scale)
    pad = np.where(high - low == 0, scale, pad)
    return tuple((float(lo), float(hi)) for lo, hi in zip(low - pad, high + pad, strict=True))


def initial_view(
    objective: Evaluable,
    axes: tuple[int, ...],
    start: np.ndarray | Sequence[float],
    points: np.ndarray | Sequence[Sequence[float]] = (),
    minima: np.ndarray | Sequence[Sequence[float]] = (),
    plot_range: Sequence[tuple[float, float]] | None = None,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plotted (horizontal, vertical) ranges for a function, before any zooming.

    ``plot_range`` (a preset's) if given, else :func:`choose_range` around the start, the path
    and the minima, for the variables ``axes``. With one variable the vertical range is f's
    over that interval (:func:`value_range`), including f at the start.
    """
    if plot_range is not None:
        ranges = tuple((float(lo), float(hi)) for lo, hi in plot_range)
    else:
        ranges = choose_range(start, points, minima)
    if len(axes) == 1:
        x_range = ranges[axes[0]]
        curve = sample_curve(objective, x_range, axes[0], start)
        at_start = evaluate(objective, np.asarray(start, dtype=float)[None, :])
        return x_range, value_range(curve.values, [float(at_start[0])])
    return ranges[axes[0]], ranges[axes[1]]


def grown_range(
    current: tuple[tuple[float, float], tuple[float, float]],
    points: np.ndarray,
    first_span: tuple[float, float],
    max_zoom_out: float = 50.0,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The view ``current`` widened to include ``points`` (shape ``(n, 2)``), with 10% room.

    It never shrinks (a streaming path only grows), and never grows beyond ``max_zoom_out``
    times ``first_span`` around its centre: a diverging run would otherwise zoom out to 1e100
    and leave nothing of the landscape to see. Non-finite points are ignored.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) == 0:
        return current
    low, high = points.min(axis=0), points.max(axis=0)
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):  # rare: filter, then
        finite = points[np.all(np.isfinite(points), axis=1)]
        if len(finite) == 0:
            return current
        low, high = finite.min(axis=0), finite.max(axis=0)
    out = []
    for (lo, hi), a, b, first in zip(current, low, high, first_span, strict=True):
        if a >= lo and b <= hi:
            out.append((lo, hi))
            continue
        pad = 0.1 * max(hi - lo, b - a)
        cap, centre = max_zoom_out * first / 2, (lo + hi) / 2
        out.append((max(min(lo, a - pad), centre - cap), min(max(hi, b + pad), centre + cap)))
    return out[0], out[1]


def value_range(values: np.ndarray, include: Sequence[float] = ()) -> tuple[float, float]:
    """A vertical range for a 1-D curve: its values, ignoring isolated spikes (a pole).

    The top is the 99th percentile when the maximum is far above it, so ``1/x`` near 0 does not
    flatten the rest of the curve; values in ``include`` (f at the start) are always covered.
    """
    finite = values[np.isfinite(values)]
    extra = np.asarray([v for v in include if np.isfinite(v)], dtype=float)
    if finite.size == 0 and extra.size == 0:
        return (-1.0, 1.0)
    low, high = np.inf, -np.inf
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        p99 = float(np.percentile(finite, 99))
        if high - low > 0 and high - p99 > 10 * (p99 - low):
            high = p99
    if extra.size:
        low, high = min(low, float(extra.min())), max(high, float(extra.max()))
    pad = (high - low) * 0.08 if high > low else max(abs(high), 1.0) * 0.5
    return (low - pad, high + pad)


@dataclass(frozen=True)
class ContourScale:
    """Where the iso-lines go and how f maps to colour.

    Attributes
    ----------
    levels:
        The iso-line values of f, increasing.
    log:
        True when colours and levels follow ``log10(f - floor + offset)`` rather than f.
    floor, offset:
        The smallest f on the grid, and what is added to ``f - floor`` before the log
        (the lowest level's distance above the floor, so the minimum stays finite).
    colour_range:
        The colour scale's (low, high) in the units of :meth:`colour_values`.
    """

    levels: np.ndarray
    log: bool
    floor: float
    offset: float
    colour_range: tuple[float, float]

    def colour_values(self, values: np.ndarray) -> np.ndarray:
        """The values the image is coloured by: f itself, or its log distance to the floor."""
        values = np.asarray(values, dtype=float)
        if not self.log:
            return values
        with np.errstate(all="ignore"):
            return np.log10(np.maximum(values - self.floor, 0.0) + self.offset)

    @property
    def label(self) -> str:
        """The colour bar's title."""
        return "f  (log scale)" if self.log else "f"


def contour_scale(values: np.ndarray, n: int = 12) -> ContourScale:
    """Choose ``n`` iso-line levels and the colour scale for sampled values of f.

    Linear levels put equal steps of f between lines. That suits a bowl, but when f spans
    decades over the picture (Rosenbrock: about 0.001 in the valley, 2,500 at the corners), every
    linear level lies on the steep walls and the valley, where the optimizer spends its time,
    is one flat colour. So when ``f - min f`` spans more than :data:`LOG_DECADES` decades between
    its 5th and 95th percentiles the levels are spaced geometrically in ``f - min f``, from its
    1st percentile to its maximum, and the colours follow ``log10(f - min f + offset)``: each
    decade gets the same share of lines and colours. The percentiles make the choice depend
    on how f is spread over the visible area, not on a single extreme corner. For a quadratic
    bowl the spread is about 1.3 decades (linear); for quartic walls about 2.6 (log).
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return ContourScale(np.empty(0), False, 0.0, 1.0, (0.0, 1.0))
    floor, top = float(finite.min()), float(finite.max())
    if top <= floor:
        return ContourScale(np.empty(0), False, floor, 1.0, (floor - 0.5, floor + 0.5))
    above = finite - floor
    positive = above[above > 0]
    p5, p95 = np.percentile(positive, [5, 95]) if positive.size else (0.0, 0.0)
    if p5 > 0 and np.log10(p95 / p5) > LOG_DECADES:
        low = float(np.percentile(positive, 1))
        distances = np.geomspace(low, top - floor, n + 1)[:-1]
        scale = ContourScale(floor + distances, True, floor, low, (0.0, 0.0))
        colours = scale.colour_values(np.array([floor, top]))
        return ContourScale(scale.levels, True, floor, low, (float(colours[0]), float(colours[1])))
    levels = np.linspace(floor, top, n + 2)[1:-1]
    return ContourScale(levels, False, floor, 0.0, (floor, top))


def contour_levels(values: np.ndarray, n: int = 12) -> np.ndarray:
    """The ``n`` iso-line levels :func:`contour_scale` chooses (log-spaced when f spans decades)."""
    return contour_scale(values, n).levels


def contour_segments(landscape: Landscape, levels: Sequence[float] | np.ndarray) -> np.ndarray:
    """The iso-lines of a grid landscape as line segments, shape ``(2 * m, 2)``.

    Rows ``2i`` and ``2i + 1`` are the ends of segment ``i`` in data coordinates, ready for a
    curve drawn with ``connect="pairs"``. Vectorized marching squares: a cell crossed by a level
    on two of its edges gets one segment, a saddle cell (four crossings) two, decided by the
    mean of its corners; cells touching NaN get none, so undefined regions stay blank. This
    replaces pyqtgraph's pure-Python ``isocurve`` (about 100 ms for 12 levels on 160 x 160).
    """
    x, y = landscape.coordinates
    z = landscape.values
    corners = (z[:-1, :-1], z[1:, :-1], z[1:, 1:], z[:-1, 1:])  # (x0,y0) (x1,y0) (x1,y1) (x0,y1)
    valid = np.all(np.isfinite(np.stack(corners)), axis=0)
    chunks = [_level_segments(x, y, corners, valid, float(level)) for level in levels]
    chunks = [c for c in chunks if len(c)]
    return np.concatenate(chunks) if chunks else np.empty((0, 2))


def _level_segments(x, y, corners, valid, level: float) -> np.ndarray:
    """Segments of one level: crossing points on the edges of the cells it passes through."""
    high = [c > level for c in corners]
    mixed = valid & ~(high[0] & high[1] & high[2] & high[3])
    mixed &= high[0] | high[1] | high[2] | high[3]
    ii, jj = np.nonzero(mixed)
    if ii.size == 0:
        return np.empty((0, 2))
    v = np.stack([c[ii, jj] for c in corners], axis=1)  # (m, 4): c00 c10 c11 c01
    cx = np.stack([x[ii], x[ii + 1], x[ii + 1], x[ii]], axis=1)
    cy = np.stack([y[jj], y[jj], y[jj + 1], y[jj + 1]], axis=1)
    ends = np.array([[0, 1], [1, 2], [3, 2], [0, 3]])  # bottom, right, top, left
    a, b = v[:, ends[:, 0]], v[:, ends[:, 1]]  # (m, 4 edges)
    hits = (a > level) != (b > level)
    with np.errstate(all="ignore"):
        t = np.where(hits, (level - a) / np.where(hits, b - a, 1.0), 0.0)
    px = cx[:, ends[:, 0]] + t * (cx[:, ends[:, 1]] - cx[:, ends[:, 0]])
    py = cy[:, ends[:, 0]] + t * (cy[:, ends[:, 1]] - cy[:, ends[:, 0]])
    pts = np.stack([px, py], axis=-1)  # (m, 4 edges, 2)
    count = hits.sum(axis=1)
    pairs = pts[count == 2][hits[count == 2]].reshape(-1, 2)
    saddle = count == 4
    if not saddle.any():
        return pairs
    centre_high = v[saddle].mean(axis=1) > level
    # If the centre is on c00's side, cut off c10 (bottom, right) and c01 (top, left).
    same = (centre_high == (v[saddle, 0] > level))[:, None, None]
    sp = pts[saddle]
    first = np.where(same, sp[:, [0, 1]], sp[:, [0, 3]])
    second = np.where(same, sp[:, [2, 3]], sp[:, [1, 2]])
    return np.concatenate([pairs, first.reshape(-1, 2), second.reshape(-1, 2)])
