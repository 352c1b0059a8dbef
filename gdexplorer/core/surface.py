"""f over the visible region as a 3-D surface: the mesh, its colours, and the run lifted onto it.

The 3-D view draws what this module computes (numpy only, tested without Qt or OpenGL). The
picture lives in a *world box*: the visible rectangle of the two plotted variables is mapped
to ``[-1, 1] x [-1, 1]`` and the height to ``[0, HEIGHT]``, so the camera, the arrow's length
and the path's lift are the same for every function and region, and a camera the student
turned stays meaningful when the region changes.

The height follows the contour's rule (:func:`gdexplorer.core.landscape.contour_scale`): f
itself, or ``log10(f - min f + c)`` when f spans decades over the region (Rosenbrock), so the
valley the optimizer walks is not a flat floor under 2,500-high walls. The colours are the
contour's colour map at the same values, shaded by a fixed light from above (baked into the
vertex colours, so the picture does not depend on a GPU's lighting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdexplorer.core.landscape import ContourScale, Landscape, contour_scale, contour_segments

HEIGHT = 1.0
"""The world height of the box the surface fills; its floor is 2 x 2."""
LIFT = 0.012
"""Lines on the surface (path, iso-lines, arrow) sit this far above it, so depth testing does
not hide them where the flat triangles of the mesh bulge above the true surface."""
ARROW_LENGTH = 0.32
"""The −∇f arrow's length in world units: it shows a direction, not a size."""
ARROW_SAMPLES = 12
LIGHT = np.array([-0.35, -0.5, 1.0]) / np.linalg.norm([-0.35, -0.5, 1.0])
"""Where the light comes from (world coordinates, mostly from above)."""
AMBIENT = 0.55
"""The share of brightness every face keeps, so no face goes black and colours stay readable."""
UNDEFINED = (0.85, 0.85, 0.85, 1.0)
"""The colour where f is undefined (laid on the floor), as the contour's grey."""


@dataclass(frozen=True)
class SurfaceFrame:
    """Maps plotted coordinates and f to the world box.

    Attributes
    ----------
    x_range, y_range:
        The visible rectangle of the two plotted variables, mapped to ``[-1, 1]``.
    scale:
        The height and colour rule (the contour's): heights are its ``colour_values``.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    scale: ContourScale

    def world_xy(self, plane: np.ndarray) -> np.ndarray:
        """Plotted points ``(n, 2)`` -> world ``(n, 2)`` in ``[-1, 1]`` over the region."""
        plane = np.asarray(plane, dtype=float).reshape(-1, 2)
        out = np.empty_like(plane)
        for column, (low, high) in enumerate((self.x_range, self.y_range)):
            half = (high - low) / 2 or 1.0
            out[:, column] = (plane[:, column] - (low + high) / 2) / half
        return out

    def world_direction(self, direction: np.ndarray) -> np.ndarray:
        """A plotted direction (a vector, not a point) in world units: each axis divided by
        half the region's span along it."""
        halves = [(high - low) / 2 or 1.0 for low, high in (self.x_range, self.y_range)]
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(direction, dtype=float).reshape(2) / np.array(halves)

    def world_z(self, values: np.ndarray) -> np.ndarray:
        """f -> world height in ``[0, HEIGHT]`` by the height rule (NaN where f is not
        finite)."""
        values = np.asarray(values, dtype=float)
        low, high = self.scale.colour_range
        span = high - low if high > low else 1.0
        with np.errstate(invalid="ignore", over="ignore"):
            heights = (self.scale.colour_values(values) - low) / span
        return np.where(np.isfinite(values), np.clip(heights, 0.0, 1.0) * HEIGHT, np.nan)

    def lifted(self, plane: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Points resting on the surface, a hair above it: ``(n, 3)``, non-finite rows dropped.

        Points outside the region are kept (the path may leave it when the student zooms in)
        but pulled to at most half a box beyond it, so a diverged run is not a line to
        infinity.
        """
        xy = self.world_xy(plane)
        z = self.world_z(np.asarray(values, dtype=float).reshape(-1)) + LIFT * HEIGHT
        points = np.column_stack([np.clip(xy, -1.5, 1.5), z])
        return points[np.all(np.isfinite(points), axis=1)].astype(np.float32)

    @property
    def height_label(self) -> str:
        """What the height means, for the view's caption."""
        if self.scale.log:
            return "height: log₁₀(f − min f + c)"
        return "height: f"


@dataclass(frozen=True, eq=False)
class SurfaceMesh:
    """A sampled surface ready to draw.

    Attributes
    ----------
    frame:
        How its coordinates map to the world box.
    x, y:
        World positions of the samples along each axis (increasing, float32).
    heights:
        World heights ``(len(x), len(y))``; 0 (the floor) where f is undefined.
    colours:
        RGBA per vertex ``(len(x), len(y), 4)`` in ``[0, 1]``: the colour map at the
        sample's height, shaded by the light.
    iso_lines:
        The contour's iso-lines lying on the surface, as segment ends ``(2m, 3)``.
    axes:
        The variable indices plotted along x and y (as the landscape's).
    """

    frame: SurfaceFrame
    x: np.ndarray
    y: np.ndarray
    heights: np.ndarray
    colours: np.ndarray
    iso_lines: np.ndarray
    axes: tuple[int, ...]

    def resting(self, plane: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Points resting on the drawn surface, a hair above it: ``(n, 3)`` float32.

        The height is f's by the height rule, raised to the mesh's (bilinear between its
        samples) where that is higher: between samples the mesh lies above a valley's true
        floor (most of all in the sharp crease that log heights make), and a path at its
        true height would sink under it. Where the triangles still bulge above, the 3-D view
        draws a fainter copy of the path over everything. Non-finite rows are dropped (as
        :meth:`SurfaceFrame.lifted` does).
        """
        points = self.frame.lifted(plane, values).astype(float)
        inside = np.all(np.abs(points[:, :2]) <= 1.0, axis=1)
        mesh_heights = self.height_at(points[inside, :2]) + LIFT * HEIGHT
        points[inside, 2] = np.maximum(points[inside, 2], mesh_heights)
        return points.astype(np.float32)

    def height_at(self, world: np.ndarray) -> np.ndarray:
        """The mesh's height at world points ``(n, 2)`` (bilinear; clamped to the box)."""
        world = np.asarray(world, dtype=float).reshape(-1, 2)
        fx = _fraction(self.x, world[:, 0])
        fy = _fraction(self.y, world[:, 1])
        i0, j0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
        i1 = np.minimum(i0 + 1, len(self.x) - 1)
        j1 = np.minimum(j0 + 1, len(self.y) - 1)
        tx, ty = fx - i0, fy - j0
        h = self.heights
        bottom = h[i0, j0] * (1 - tx) + h[i1, j0] * tx
        top = h[i0, j1] * (1 - tx) + h[i1, j1] * tx
        return bottom * (1 - ty) + top * ty


def _fraction(samples: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Fractional sample index of ``at`` along increasing ``samples`` (clamped)."""
    index = np.interp(at, samples, np.arange(len(samples), dtype=float))
    return np.clip(index, 0.0, len(samples) - 1.0)


def surface_mesh(
    landscape: Landscape,
    lookup: np.ndarray,
    region: tuple[tuple[float, float], tuple[float, float]] | None = None,
    levels: int = 12,
) -> SurfaceMesh:
    """The surface of a 2-D landscape (a plane or a slice), coloured with ``lookup``.

    Parameters
    ----------
    landscape:
        f on a grid of two variables (:func:`gdexplorer.core.landscape.sample_grid`).
    lookup:
        The colour map as a table ``(k, 3)`` or ``(k, 4)`` of floats in ``[0, 1]``, low to
        high (the UI passes the contour's map; the core never sees Qt).
    region:
        The rectangle mapped to the box; by default the landscape's sample range.
    levels:
        Iso-lines drawn on the surface, as on the contour.
    """
    if len(landscape.axes) != 2:
        raise ValueError("a surface needs a landscape of two variables")
    xs, ys = landscape.coordinates
    if region is None:
        region = ((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])))
    frame = SurfaceFrame(region[0], region[1], contour_scale(landscape.values, levels))
    x = frame.world_xy(np.column_stack([xs, np.full_like(xs, region[1][0])]))[:, 0]
    y = frame.world_xy(np.column_stack([np.full_like(ys, region[0][0]), ys]))[:, 1]
    heights = frame.world_z(landscape.values)
    undefined = ~np.isfinite(heights)
    heights = np.where(undefined, 0.0, heights)
    colours = shaded_colours(heights, x, y, lookup)
    colours[undefined] = UNDEFINED
    iso = iso_lines(landscape, frame)
    return SurfaceMesh(
        frame,
        x.astype(np.float32),
        y.astype(np.float32),
        heights.astype(np.float32),
        colours.astype(np.float32),
        iso,
        tuple(landscape.axes),
    )


def shaded_colours(
    heights: np.ndarray, x: np.ndarray, y: np.ndarray, lookup: np.ndarray
) -> np.ndarray:
    """RGBA per vertex: ``lookup`` at the height (0 .. HEIGHT -> first .. last entry), times
    a Lambert shade of the fixed light (``AMBIENT`` plus the rest by the slope's facing)."""
    table = np.asarray(lookup, dtype=float)
    if table.shape[1] == 3:
        table = np.column_stack([table, np.ones(len(table))])
    index = np.rint(np.clip(heights / HEIGHT, 0.0, 1.0) * (len(table) - 1)).astype(int)
    colours = table[index]
    if len(x) > 1 and len(y) > 1:
        dz_dx, dz_dy = np.gradient(heights, x, y)
        # the unit normal is (-dz_dx, -dz_dy, 1) / its length; its cosine with the light:
        facing = (LIGHT[2] - LIGHT[0] * dz_dx - LIGHT[1] * dz_dy) / np.sqrt(
            1.0 + dz_dx * dz_dx + dz_dy * dz_dy
        )
        shade = AMBIENT + (1 - AMBIENT) * np.clip(facing, 0.0, 1.0)
        colours[..., :3] *= shade[..., None]
    return colours


def iso_lines(landscape: Landscape, frame: SurfaceFrame) -> np.ndarray:
    """The contour's iso-lines at their heights on the surface, lifted: ``(2m, 3)``."""
    chunks = []
    for level in frame.scale.levels:
        segments = contour_segments(landscape, [float(level)])
        if not len(segments):
            continue
        z = float(frame.world_z(np.array([level]))[0]) + LIFT * HEIGHT
        chunks.append(np.column_stack([frame.world_xy(segments), np.full(len(segments), z)]))
    if not chunks:
        return np.empty((0, 3), dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32)


def descent_arrow(mesh: SurfaceMesh, plane_point: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """The arrow at a point along a plotted direction, lying on the surface: segment ends.

    ``direction`` (plotted coordinates: −∇f, or +∇f when maximizing) is turned into world
    coordinates and drawn ``ARROW_LENGTH`` long whatever its size, as a shaft of short
    segments following the surface and a two-barbed head. Returns ``(2m, 3)`` floats, empty
    when the direction is zero or not finite (at a minimum there is no way down).
    """
    start = mesh.frame.world_xy(np.asarray(plane_point, dtype=float).reshape(1, 2))[0]
    way = mesh.frame.world_direction(direction)
    norm = float(np.hypot(*way)) if np.all(np.isfinite(way)) else float("nan")
    if not (np.isfinite(norm) and norm > 0 and np.all(np.isfinite(start))):
        return np.empty((0, 3), dtype=np.float32)
    way = way / norm
    steps = np.linspace(0.0, ARROW_LENGTH, ARROW_SAMPLES + 1)
    shaft = start + steps[:, None] * way
    end = shaft[-1]
    side = np.array([-way[1], way[0]])
    barbs = np.array([end - 0.09 * way + 0.05 * side, end - 0.09 * way - 0.05 * side])
    flat = np.concatenate([shaft, barbs])
    z = mesh.height_at(flat) + 1.5 * LIFT * HEIGHT
    points = np.column_stack([flat, z])
    shaft_pairs = np.repeat(points[: ARROW_SAMPLES + 1], 2, axis=0)[1:-1]
    head = np.array([points[-2], points[ARROW_SAMPLES], points[-1], points[ARROW_SAMPLES]])
    return np.concatenate([shaft_pairs, head]).astype(np.float32)
