"""Basin maps: which minimum each start of a grid reaches."""

from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_close_scaled

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.many.basins import basin_map
from gdexplorer.core.many.vectorized import REASONS
from gdexplorer.core.presets import get_preset


def _preset_map(name: str, resolution: int, **changes):
    preset = get_preset(name)
    config = preset.config.replace(**changes)
    return basin_map(config, *preset.plot_range, resolution=resolution, minima=preset.minima)


def test_himmelblau_splits_into_its_four_basins() -> None:
    result = _preset_map("himmelblau", 60, iterations=1000)
    minima = [k for k, b in enumerate(result.basins) if b.kind == "minimum" and b.known]
    assert len(minima) == 4
    assert np.isin(result.labels, minima).mean() > 0.95
    for label in minima:  # the cell holding a minimum belongs to that minimum's basin
        x, y = result.basins[label].point
        column = np.searchsorted(result.xs + (result.xs[1] - result.xs[0]) / 2, x)
        row = np.searchsorted(result.ys + (result.ys[1] - result.ys[0]) / 2, y)
        assert result.labels[row, column] == label
    assert sum(b.count for b in result.basins) == result.labels.size


def test_each_cell_is_the_single_run_from_its_start() -> None:
    result = _preset_map("himmelblau", 12, iterations=300)
    for row, column in [(0, 0), (5, 7), (11, 3)]:
        start = (result.xs[column], result.ys[row])
        trajectory, outcome = run_to_end(result.config.replace(start=start))
        assert REASONS[result.reason_codes[row, column]] == outcome.reason
        assert result.iterations[row, column] == outcome.iterations
        scale = float(np.abs(trajectory.points).max())
        assert_close_scaled(result.final_points[row, column], trajectory.points[-1], scale=scale)


def test_the_saddle_splits_into_two_sides_that_escape() -> None:
    config = RunConfig("x^2 - y^2", (0.0, 0.0), learning_rate=0.1, iterations=200)
    result = basin_map(config, (-3, 3), (-3, 3), resolution=40)
    names = {b.name: k for k, b in enumerate(result.basins)}
    assert set(names) == {"escaped towards +y", "escaped towards -y"}
    above = result.ys > 0
    assert (result.labels[above] == names["escaped towards +y"]).all()
    assert (result.labels[~above] == names["escaped towards -y"]).all()
    assert result.share("escaped") == 1.0


def test_runs_that_diverge_escape_and_starts_outside_the_domain_are_marked() -> None:
    config = RunConfig("x^2 + y^2 + log(x + 3)", (0.0, 0.0), learning_rate=0.1, iterations=300)
    result = basin_map(config, (-4, 4), (-4, 4), resolution=16)
    kinds = np.array([b.kind for b in result.basins])[result.labels]
    assert (kinds[:, result.xs < -3] == "undefined").all()
    assert (kinds[:, result.xs > -2.5] == "minimum").all()
    diverging = basin_map(
        config.replace(function="x^2 + y^2", learning_rate=1.5), (1, 2), (-1, 1), 4
    )
    assert diverging.diverged.all() and diverging.share("escaped") == 1.0


def test_unknown_minima_are_found_by_clustering_and_named_by_the_hessian() -> None:
    config = RunConfig("(x^2 - 1)^2 + y^2", (0.0, 0.0), learning_rate=0.05, iterations=2000)
    result = basin_map(config, (-2, 2), (-1, 1), resolution=(20, 10))
    assert result.labels.shape == (10, 20)
    names = sorted(b.name for b in result.basins)
    assert names == ["local minimum (-1, 0)", "local minimum (1, 0)"]
    left = result.basins[result.labels[0, 0]]
    assert left.point == pytest.approx((-1, 0), abs=1e-6) and not left.known


def test_rastrigin_has_many_basins() -> None:
    result = _preset_map("rastrigin", 80, iterations=500)
    minima = [b for b in result.basins if b.kind == "minimum"]
    assert len(minima) > 80
    assert result.share("minimum") > 0.95


def test_runs_stopped_by_the_iteration_limit_away_from_minima_did_not_settle() -> None:
    result = _preset_map("rosenbrock", 6, iterations=5, learning_rate=1e-4)
    assert {b.kind for b in result.basins} == {"unfinished"}


@pytest.mark.parametrize(
    ("x_range", "resolution", "function", "message"),
    [
        ((1, -1), 10, "x^2 + y^2", "smallest first"),
        ((-1, 1), 1, "x^2 + y^2", "resolution"),
        ((-1, 1), 10_000, "x^2 + y^2", "resolution"),
        ((-1, 1), 10, "x^2", "two variables"),
        ((-1, 1), 10, "x^2 + y^2 + z^2", "two variables"),
    ],
)
def test_bad_maps_are_refused(x_range, resolution, function, message) -> None:
    config = RunConfig(function, (0.0,))
    with pytest.raises(ConfigError, match=message):
        basin_map(config, x_range, (-1, 1), resolution)
