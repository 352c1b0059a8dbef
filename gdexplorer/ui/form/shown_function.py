"""What the form tells the window about a newly parsed function: where to look at it."""

from __future__ import annotations

from dataclasses import dataclass

from gdexplorer.core.objective import Objective


@dataclass(frozen=True)
class ShownFunction:
    """A newly parsed function and where to look at it (from the preset, when one applies)."""

    objective: Objective
    start: tuple[float, ...] | None
    plot_range: tuple[tuple[float, float], ...] | None
    minima: tuple[tuple[float, ...], ...]


def best_fit(objective) -> tuple[tuple[float, ...], ...]:
    """A loss on data that is quadratic in the parameters has one least-squares minimum to mark
    (when it is unique); a typed function without a preset has none known."""
    best = getattr(objective, "least_squares_minimum", None)
    return (best,) if best is not None else ()
