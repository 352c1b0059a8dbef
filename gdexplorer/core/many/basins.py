"""Basin maps: run from every start of a grid and label each start by where its run ends.

A function with several minima splits the plane into basins of attraction; which one a run
reaches depends on where it starts (and on the variant and learning rate). The map runs the
whole grid at once with :mod:`gdexplorer.core.many.vectorized` and gives every start a label:

* a minimum: one of the ``minima`` given (within ``tolerance``), or a point where several runs
  converged (clustered; named by the Hessian there: local minimum, saddle point, maximum);
* ``escaped``: the run diverged, or stopped unconverged far outside the map (more than its
  own width or height beyond an edge), split by the direction it went (``towards +y``), so
  that a saddle's two sides stay distinguishable;
* ``unfinished``: it stopped (iteration limit, cancel) near no minimum;
* ``undefined``: f or its gradient is not defined at the start, or the run left the domain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdexplorer.core.budgets import check_lane_steps
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.many.vectorized import CODE, ProgressFn, run_many_from_config
from gdexplorer.core.objective import Objective, build_objective

MAX_RESOLUTION = 1000
MAX_FOUND = 255
"""Most clustered end points kept as separate basins; smaller ones become 'other end points'."""
MAX_CLUSTER_PASSES = 2000
KINDS = ("minimum", "escaped", "unfinished", "undefined")


@dataclass(frozen=True)
class Basin:
    """One label of a map: what the runs with this label did, and how many there were."""

    name: str
    kind: str
    point: tuple[float, ...] | None
    count: int
    known: bool = False


@dataclass(frozen=True, eq=False)
class BasinMap:
    """Labels over a grid of starts: ``labels[j, i]`` is the start ``(xs[i], ys[j])``.

    ``basins[label]`` describes each label. Per cell: ``iterations``, ``reason_codes`` (into
    :data:`~gdexplorer.core.many.vectorized.REASONS`), ``final_points``/``final_values`` (the last
    finite iterate) and ``start_values`` (f at the start, for drawing contours).
    """

    config: RunConfig
    variables: tuple[str, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    basins: tuple[Basin, ...]
    iterations: np.ndarray
    reason_codes: np.ndarray
    final_points: np.ndarray
    final_values: np.ndarray
    start_values: np.ndarray
    seconds: float

    def share(self, kind: str) -> float:
        """The fraction of starts whose label has this kind (``minimum``, ``escaped``, ...)."""
        counts = sum(b.count for b in self.basins if b.kind == kind)
        return counts / self.labels.size

    @property
    def diverged(self) -> np.ndarray:
        return np.isin(self.reason_codes, [CODE[StopReason.DIVERGED], CODE[StopReason.UNDEFINED]])


def basin_map(
    config: RunConfig,
    x_range: Sequence[float],
    y_range: Sequence[float],
    resolution: int | tuple[int, int] = 200,
    minima: Sequence[Sequence[float]] = (),
    tolerance: float | None = None,
    cancel: threading.Event | None = None,
    progress: ProgressFn | None = None,
) -> BasinMap:
    """Run ``config`` (its start ignored) from the centre of every cell of a grid.

    ``resolution`` is the cells per side (or ``(columns, rows)``). ``tolerance`` is how close
    an end point must be to a minimum to count as reaching it; by default a thousandth of the
    map's diagonal.
    """
    began = time.perf_counter()
    window = _check_window(x_range, y_range)
    columns, rows = _check_resolution(resolution)
    _check_tolerance(tolerance)
    config, objective = _prepare(config, window)
    check_lane_steps(columns * rows, config.iterations, "the basin map")
    xs = _cell_centres(*window[0], columns)
    ys = _cell_centres(*window[1], rows)
    grid_x, grid_y = np.meshgrid(xs, ys)
    starts = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    result = run_many_from_config(
        config, starts=starts, cancel=cancel, progress=progress, objective=objective
    )
    scale = float(np.hypot(window[0][1] - window[0][0], window[1][1] - window[1][0]))
    labeller = _Labeller(objective, window, tolerance if tolerance else 1e-3 * scale)
    labels, basins = labeller.label(result.points, result.reason_codes, minima)
    return BasinMap(
        config=config,
        variables=objective.variables,
        x_range=window[0],
        y_range=window[1],
        xs=xs,
        ys=ys,
        labels=labels.reshape(rows, columns),
        basins=basins,
        iterations=result.iterations.reshape(rows, columns),
        reason_codes=result.reason_codes.reshape(rows, columns),
        final_points=result.points.reshape(rows, columns, 2),
        final_values=result.values.reshape(rows, columns),
        start_values=objective.value(starts).reshape(rows, columns),
        seconds=time.perf_counter() - began,
    )


def _prepare(config: RunConfig, window) -> tuple[RunConfig, Objective]:
    """The validated config (its start moved to the map's centre) and f, of two variables."""
    if config.data:
        raise ConfigError("a basin map works on a typed function, not on a dataset")
    config = config.replace(start=(float(np.mean(window[0])), float(np.mean(window[1]))))
    config = config.validated()
    objective = build_objective(config.function, config.variables)
    if objective.dimension != 2:
        raise ConfigError(
            f"a basin map needs a function of two variables; this one has {objective.dimension}"
        )
    return config, objective


def _check_window(x_range, y_range) -> tuple[tuple[float, float], tuple[float, float]]:
    out = []
    for name, bounds in (("x", x_range), ("y", y_range)):
        low, high = (float(v) for v in bounds)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ConfigError(f"the {name} range must be two numbers, smallest first")
        out.append((low, high))
    return out[0], out[1]


def _check_resolution(resolution) -> tuple[int, int]:
    columns, rows = (resolution, resolution) if np.ndim(resolution) == 0 else resolution
    if not all(
        isinstance(n, int | np.integer) and 2 <= n <= MAX_RESOLUTION for n in (columns, rows)
    ):
        raise ConfigError(f"the resolution must be a whole number from 2 to {MAX_RESOLUTION}")
    return int(columns), int(rows)


def _check_tolerance(tolerance: float | None) -> None:
    """None (or 0) picks the default; anything else must be a positive finite number."""
    if tolerance is None:
        return
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float | np.floating):
        raise ConfigError(f"the tolerance must be a number, got {type(tolerance).__name__}")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise ConfigError(
            f"the tolerance must be a positive number (or 0: automatic), got {tolerance:g}"
        )


def _cell_centres(low: float, high: float, count: int) -> np.ndarray:
    return low + (np.arange(count) + 0.5) * ((high - low) / count)


class _Labeller:
    """Turns end points and stop reasons into labels and their :class:`Basin` descriptions."""

    def __init__(self, objective: Objective, window, tolerance: float) -> None:
        self.objective = objective
        self.window = np.asarray(window, dtype=float)
        self.tolerance = tolerance
        self.hessian = _hessian_function(objective)
        self.names: list[tuple[str, str, tuple | None, bool]] = []

    def label(self, points: np.ndarray, codes: np.ndarray, minima) -> tuple[np.ndarray, tuple]:
        labels = np.full(len(points), -1)
        undefined = codes == CODE[StopReason.UNDEFINED]
        converged = np.isin(codes, [CODE[StopReason.GRADIENT_SMALL], CODE[StopReason.STEP_SMALL]])
        far = ~undefined & ~converged & self._far(points)
        escaped = (codes == CODE[StopReason.DIVERGED]) | far
        open_ = ~undefined & ~escaped
        self._match_known(points, open_, labels, minima)
        self._cluster(points, open_ & converged & (labels < 0), labels)
        self._match_found(points, open_ & (labels < 0), labels)
        self._escapes(points, escaped, labels)
        self._category(open_ & (labels < 0), labels, "did not settle", "unfinished")
        self._category(undefined, labels, "outside the function's domain", "undefined")
        return self._finish(labels)

    def _far(self, points: np.ndarray) -> np.ndarray:
        size = self.window[:, 1] - self.window[:, 0]
        with np.errstate(invalid="ignore"):
            below = points < self.window[:, 0] - size
            above = points > self.window[:, 1] + size
        return np.any(below | above, axis=1)

    def _new(self, name: str, kind: str, point=None, known: bool = False) -> int:
        self.names.append((name, kind, point, known))
        return len(self.names) - 1

    def _match_known(self, points, candidates, labels, minima) -> None:
        for minimum in minima:
            centre = np.asarray(minimum, dtype=float)
            near = candidates & (labels < 0) & (_distance_sq(points, centre) <= self.tolerance**2)
            if near.any():
                name = f"minimum {_where(centre, self.tolerance)}"
                labels[near] = self._new(name, "minimum", tuple(centre), True)

    def _cluster(self, points, candidates, labels) -> None:
        """Greedy clustering of end points: each unlabelled point gathers those within tol."""
        remaining = np.flatnonzero(candidates)
        groups: list[np.ndarray] = []
        while remaining.size and len(groups) < MAX_CLUSTER_PASSES:
            near = _distance_sq(points[remaining], points[remaining[0]]) <= self.tolerance**2
            groups.append(remaining[near])
            remaining = remaining[~near]
        groups.sort(key=len, reverse=True)
        for group in groups[:MAX_FOUND]:
            centre = points[group].mean(axis=0)
            name = f"{_stationary_kind(self.hessian, centre)} {_where(centre, self.tolerance)}"
            labels[group] = self._new(name, "minimum", tuple(centre))
        rest = np.concatenate([remaining, *groups[MAX_FOUND:]]).astype(int)
        if rest.size:
            labels[rest] = self._new("other end points", "minimum")

    def _match_found(self, points, candidates, labels) -> None:
        """Unfinished runs that ended within tolerance of a clustered end point join it."""
        for label, (_, kind, centre, _) in enumerate(list(self.names)):
            if kind == "minimum" and centre is not None:
                near = candidates & (labels < 0)
                near &= _distance_sq(points, np.asarray(centre)) <= self.tolerance**2
                labels[near] = label

    def _escapes(self, points, escaped, labels) -> None:
        if not escaped.any():
            return
        centre = self.window.mean(axis=1)
        half = (self.window[:, 1] - self.window[:, 0]) / 2
        offset = (points[escaped] - centre) / half
        axis = np.argmax(np.abs(offset), axis=1)
        positive = offset[np.arange(len(axis)), axis] >= 0
        lanes = np.flatnonzero(escaped)
        for a in range(2):
            for sign, side in ((True, "+"), (False, "-")):
                chosen = (axis == a) & (positive == sign)
                if chosen.any():
                    name = f"escaped towards {side}{self.objective.variables[a]}"
                    labels[lanes[chosen]] = self._new(name, "escaped")

    def _category(self, mask, labels, name: str, kind: str) -> None:
        if mask.any():
            labels[mask] = self._new(name, kind)

    def _finish(self, labels: np.ndarray) -> tuple[np.ndarray, tuple[Basin, ...]]:
        counts = np.bincount(labels, minlength=len(self.names))
        order = sorted(
            range(len(self.names)),
            key=lambda i: (KINDS.index(self.names[i][1]), not self.names[i][3], -counts[i]),
        )
        new_label = np.empty(len(order), dtype=np.int32)
        new_label[order] = np.arange(len(order))
        basins = tuple(
            Basin(name, kind, point, int(counts[i]), known)
            for i in order
            for name, kind, point, known in [self.names[i]]
        )
        return new_label[labels], basins


def _where(point: np.ndarray, tolerance: float) -> str:
    """``(3, 2)``: the point rounded to what the tolerance can tell apart."""
    digits = max(0, 1 - int(np.floor(np.log10(tolerance))))
    rounded = np.round(np.asarray(point, dtype=float), digits) + 0.0
    return "(" + ", ".join(f"{v:.6g}" for v in rounded) + ")"


def _distance_sq(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    delta = points - centre
    with np.errstate(invalid="ignore", over="ignore"):
        return np.sum(delta * delta, axis=1)


def _hessian_function(objective: Objective):
    """The Hessian as a numpy function of the point (None if numpy cannot evaluate it)."""
    import sympy  # already loaded by parse_function, which made the objective

    symbols = objective.parsed.symbols
    hessian = sympy.hessian(objective.expr, symbols)
    if hessian.has(sympy.DiracDelta):
        return None
    return sympy.lambdify(symbols, hessian, modules="numpy")


def _stationary_kind(hessian, point: np.ndarray) -> str:
    """'local minimum', 'saddle point' or 'maximum' from the Hessian's eigenvalues at point."""
    if hessian is None:
        return "end point"
    with np.errstate(all="ignore"):
        matrix = np.array(hessian(*point), dtype=float)
    if not np.all(np.isfinite(matrix)):
        return "end point"
    eigenvalues = np.linalg.eigvalsh(matrix)
    if eigenvalues[0] > 0:
        return "local minimum"
    if eigenvalues[-1] < 0:
        return "maximum"
    return "saddle point" if eigenvalues[0] < 0 < eigenvalues[-1] else "end point"
