"""Where things go on the plot: the view that follows iterate k, edge markers, labels, arrows.

Qt-free geometry for :mod:`gdexplorer.ui.views.plot_view` (tested in ``tests/core``). A view is
``((x0, x1), (y0, y1))`` in data coordinates; a pixel size is the data size of one screen pixel
along x and y. Screen positions are measured in pixels from the view's top-left corner, with y
growing downwards, as on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdexplorer.core.landscape import grown_range

Range = tuple[tuple[float, float], tuple[float, float]]

EDGE_INSET_PX = 18.0
"""An edge marker sits this far inside the view's border, so its arrow head is whole."""
ARROW_MIN_PX = 14.0
"""The −∇f arrow's shortest length on screen (|∇f| at or below the stopping tolerance)."""
NO_TOLERANCE_DECADES = 8.0
"""Without a gradient tolerance, the arrow is shortest this many decades below |∇f| at the
start."""


def frame_up_to(
    home: Range, walked: np.ndarray, first_span: tuple[float, float], cap: float
) -> Range:
    """The view that shows ``home`` (start, minima, preset range) and the ``walked`` points
    (the path up to iterate k, or just its :meth:`PrefixBounds.corners`).

    Stepping back through a run that diverged, the view shrinks back to the part of the path
    walked so far, so the early zig-zag is not a speck in a view grown to the divergence;
    stepping forward, it grows as the path does (never beyond ``cap`` times ``first_span``).
    """
    return grown_range(home, np.asarray(walked, dtype=float).reshape(-1, 2), first_span, cap)


def inside(view: Range, point: np.ndarray | tuple[float, float]) -> bool:
    """Whether ``point`` (finite) lies within ``view``."""
    (x0, x1), (y0, y1) = view
    x, y = float(point[0]), float(point[1])
    return x0 <= x <= x1 and y0 <= y <= y1


@dataclass(frozen=True)
class EdgeMarker:
    """Where to draw an arrow at the view's edge that points to a point outside the view.

    Attributes
    ----------
    position:
        The arrow's tip in data coordinates, :data:`EDGE_INSET_PX` inside the border.
    angle:
        The direction towards the point on screen, in degrees counter-clockwise from +x.
    """

    position: tuple[float, float]
    angle: float


def edge_marker(
    view: Range,
    point: np.ndarray | tuple[float, float],
    pixel_size: tuple[float, float],
    inset: float = EDGE_INSET_PX,
) -> EdgeMarker | None:
    """An arrow on the view's edge, on the line from the view's centre to ``point``.

    None when the point is inside the view or not finite (nothing to point at).
    """
    (x0, x1), (y0, y1) = view
    px, py = pixel_size
    x, y = float(point[0]), float(point[1])
    if not (math.isfinite(x) and math.isfinite(y)) or inside(view, (x, y)) or px <= 0 or py <= 0:
        return None
    half_w, half_h = (x1 - x0) / px / 2, (y1 - y0) / py / 2  # in pixels
    dx = (x - (x0 + x1) / 2) / px
    dy = (y - (y0 + y1) / 2) / py  # up is positive, as in data
    room_x, room_y = max(half_w - inset, 1.0), max(half_h - inset, 1.0)
    scale = min(room_x / abs(dx) if dx else math.inf, room_y / abs(dy) if dy else math.inf)
    tip_x = (x0 + x1) / 2 + dx * scale * px
    tip_y = (y0 + y1) / 2 + dy * scale * py
    return EdgeMarker((tip_x, tip_y), math.degrees(math.atan2(dy, dx)))


def label_position(
    view: Range,
    anchor: tuple[float, float],
    label_px: tuple[float, float],
    pixel_size: tuple[float, float],
    gap: float = 6.0,
) -> tuple[float, float]:
    """The top-left corner (data coordinates) of a label next to ``anchor``, inside the view.

    Above-right of the anchor if it fits, else above-left, below-right, below-left; a label
    larger than the view, or an anchor outside it, is pushed inside as far as it can be.
    """
    (x0, x1), (y0, y1) = view
    px, py = pixel_size
    width, height = label_px
    view_w, view_h = (x1 - x0) / px, (y1 - y0) / py
    ax, ay = (anchor[0] - x0) / px, (y1 - anchor[1]) / py  # pixels from the top-left
    candidates = (
        (ax + gap, ay - gap - height),
        (ax - gap - width, ay - gap - height),
        (ax + gap, ay + gap),
        (ax - gap - width, ay + gap),
    )
    for left, top in candidates:
        if min(left, top) >= 0 and left + width <= view_w and top + height <= view_h:
            break
    else:
        left, top = candidates[0]
        left = min(max(left, 0.0), max(view_w - width, 0.0))
        top = min(max(top, 0.0), max(view_h - height, 0.0))
    return x0 + left * px, y1 - top * py


@dataclass(frozen=True)
class ArrowLook:
    """How long the −∇f arrow is on screen, and whether it is drawn faded."""

    pixels: float
    faded: bool


def arrow_look(
    norm: float, start_norm: float, tolerance: float, longest: float, shortest: float = ARROW_MIN_PX
) -> ArrowLook:
    """The arrow's length grows with log |∇f|: ``longest`` at |∇f| at the start (or more),
    ``shortest`` and faded at or below the stopping tolerance.

    Without a tolerance (0), the shortest length is :data:`NO_TOLERANCE_DECADES` decades below
    the start's |∇f|, and nothing fades (no gradient counts as small enough to stop). A fixed
    length would make a converged point (|∇f| = 1e-7) look as if it still wanted to move.
    """
    top = start_norm if math.isfinite(start_norm) and start_norm > 0 else max(norm, 1.0)
    floor = tolerance if tolerance > 0 else top * 10.0**-NO_TOLERANCE_DECADES
    if not math.isfinite(norm) or norm > top:
        return ArrowLook(longest, False)
    if norm <= floor or top <= floor:
        return ArrowLook(shortest, tolerance > 0 and norm <= floor)
    share = (math.log10(norm) - math.log10(floor)) / (math.log10(top) - math.log10(floor))
    return ArrowLook(shortest + (longest - shortest) * share, False)


class PrefixBounds:
    """The lowest and highest plotted coordinates of rows 0..k, for every k, kept as rows
    arrive: framing the path up to iterate k costs two rows, not a pass over the path.

    Non-finite and absurdly large coordinates (a diverging run) are left out. The arrays grow
    by doubling, so streaming rows in costs only their own length.
    """

    def __init__(self) -> None:
        self.key: object = None
        self.reset()

    def __len__(self) -> int:
        return self._count

    def reset(self, key: object = None) -> None:
        self.key = key
        self._count = 0
        self._bounds = np.empty((0, 2, 2))  # row k: (low x, low y), (high x, high y)

    def extend(self, points: np.ndarray) -> None:
        """Append the bounds after each of ``points`` (``(n, 2)``, in plotted coordinates)."""
        points = np.array(points, dtype=float).reshape(-1, 2)
        if not len(points):
            return
        points[~np.isfinite(points) | (np.abs(points) > 1e12)] = np.nan
        with np.errstate(invalid="ignore"):
            low = np.fmin.accumulate(points, axis=0)
            high = np.fmax.accumulate(points, axis=0)
            if self._count:
                low = np.fmin(low, self._bounds[self._count - 1, 0])
                high = np.fmax(high, self._bounds[self._count - 1, 1])
        end = self._count + len(points)
        if end > len(self._bounds):
            grown = np.empty((max(end, 2 * len(self._bounds)), 2, 2))
            grown[: self._count] = self._bounds[: self._count]
            self._bounds = grown
        self._bounds[self._count : end, 0] = low
        self._bounds[self._count : end, 1] = high
        self._count = end

    def corners(self, index: int) -> np.ndarray:
        """Two points spanning rows 0..``index`` (NaN where no finite row was seen)."""
        if not self._count:
            return np.empty((0, 2))
        return self._bounds[int(np.clip(index, 0, self._count - 1))].copy()
