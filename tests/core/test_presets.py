"""The bundled presets load from the installed package and reach their known minima."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gdexplorer.core.engine import Run, run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.presets import get_preset, load_presets

PRESETS = load_presets()


def test_the_articles_examples_are_bundled() -> None:
    functions = {p.config.function: p.config.start for p in PRESETS}
    assert functions["x^2 - 4x + 4"] == (10.0,)
    assert functions["x^2 + y^2"] == (2.0, 2.0)
    assert functions["x^2 - 2x + y^2 + z^2 + z*y"] == (2.0, -5.0, 7.0)
    assert len(PRESETS) >= 11


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.name)
def test_each_preset_is_consistent(preset) -> None:
    run = Run(preset.config)
    d = run.objective.dimension
    assert len(preset.plot_range) == d
    for lo, hi in preset.plot_range:
        assert lo < hi
    for minimum in preset.minima:
        assert len(minimum) == d
        gradient = run.objective.gradient(np.array(minimum))
        assert np.linalg.norm(gradient) < 1e-6, (preset.name, minimum, gradient)
    assert preset.shows and preset.title


@pytest.mark.parametrize(
    "name", ["parabola", "bowl", "three-variables", "elongated-valley", "himmelblau", "beale"]
)
def test_presets_reach_a_listed_minimum(name: str) -> None:
    preset = get_preset(name)
    trajectory, outcome = run_to_end(preset.config)
    assert outcome.reason.converged
    distances = [np.linalg.norm(trajectory.points[-1] - np.array(m)) for m in preset.minima]
    assert min(distances) < 1e-4


def test_rastrigin_stops_in_a_local_minimum_not_the_global_one() -> None:
    trajectory, outcome = run_to_end(get_preset("rastrigin").config)
    assert outcome.reason.converged
    assert np.linalg.norm(trajectory.points[-1]) > 1.0


def test_unknown_preset_lists_the_names() -> None:
    with pytest.raises(ConfigError, match="choose one of parabola, bowl"):
        get_preset("banana")


def test_presets_load_outside_the_source_tree(tmp_path) -> None:
    code = "from gdexplorer.core.presets import load_presets; print(len(load_presets()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(PRESETS)
