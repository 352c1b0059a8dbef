"""Line-search and Newton settings: one-line refusals, JSON round trips, CSV columns kept."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.files.trajectory_files import open_trajectory_csv
from gdexplorer.core.many.sweep import learning_rate_sweep
from gdexplorer.core.many.vectorized import run_many_from_config
from gdexplorer.core.stepsize.search_settings import LineSearchSettings
from gdexplorer.core.summary import settings_with_outcome
from gdexplorer.core.trajectory import write_csv

ARMIJO = LineSearchSettings("armijo")
BASE = RunConfig("x^2 + 10*y^2", (1.0, 1.0))

REFUSED = [
    ({"variant": "momentum", "line_search": ARMIJO}, "gd and newton only: momentum keeps"),
    ({"variant": "adam", "line_search": LineSearchSettings("exact")}, "adam keeps running"),
    ({"line_search": LineSearchSettings("golden")}, "unknown line search 'golden'"),
    ({"line_search": LineSearchSettings("armijo", shrink=1.0)}, "shrink factor must be in (0, 1)"),
    ({"line_search": LineSearchSettings("armijo", shrink=math.nan)}, "shrink factor must be in"),
    ({"line_search": LineSearchSettings("armijo", c=0.0)}, "constant c must be in (0, 1)"),
    ({"line_search": LineSearchSettings("exact", shrink=0.5)}, "shrink applies to armijo only"),
    ({"line_search": LineSearchSettings("exact", c=0.1)}, "c applies to armijo only"),
    ({"variant": "newton", "gradient": "central"}, "newton needs the exact Hessian"),
    ({"variant": "newton", "gradient": "forward"}, "not a finite difference (forward)"),
]


@pytest.mark.parametrize(("changes", "words"), REFUSED)
def test_every_bad_option_is_refused_in_one_line(changes: dict, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        BASE.replace(**changes).validated()
    message = str(raised.value)
    assert words in message and "\n" not in message


def test_runs_on_data_refuse_line_searches_and_newton(tmp_path: Path) -> None:
    data = tmp_path / "line.csv"
    data.write_text("x,y\n0,1\n1,3\n2,5\n")
    config = RunConfig("(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), data=str(data))
    with pytest.raises(ConfigError, match="a line search works on a typed function, not on"):
        config.replace(line_search=ARMIJO).validated()
    with pytest.raises(ConfigError, match="newton works on a typed function, not on data"):
        config.replace(variant="newton").validated()


def test_sweeps_and_basin_maps_refuse_what_their_lanes_cannot_run() -> None:
    with pytest.raises(ConfigError, match="newton is not one of them"):
        learning_rate_sweep(BASE.replace(variant="newton"), 0.01, 1.0, 5)
    with pytest.raises(ConfigError, match="without a line search"):
        run_many_from_config(BASE.replace(line_search=ARMIJO))


FILE_REFUSALS = [
    ({"line_search": "armijo"}, "line_search must be a JSON object"),
    ({"line_search": {"shrink": 0.5}}, "line_search has no 'name'"),
    ({"line_search": {"name": "armijo", "step": 1}}, "unknown key(s) in line_search: 'step'"),
    ({"line_search": {"name": "armijo", "c": "small"}}, "line_search.c must be"),
    ({"line_search": {"name": "armijo", "shrink": 2}}, "shrink factor must be in (0, 1)"),
    ({"variant": "rmsprop", "line_search": {"name": "exact"}}, "rmsprop keeps"),
]


@pytest.mark.parametrize(("changes", "words"), FILE_REFUSALS)
def test_a_settings_file_with_a_bad_line_search_is_refused_in_one_line(
    changes: dict, words: str
) -> None:
    body = {**BASE.to_dict(), **changes}
    with pytest.raises(ConfigError) as raised:
        RunConfig.from_dict(json.loads(json.dumps(body)))
    assert words in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "config",
    [
        BASE.replace(line_search=ARMIJO),
        BASE.replace(line_search=LineSearchSettings("armijo", 0.3, 0.25), learning_rate=2.0),
        BASE.replace(line_search=LineSearchSettings("exact")),
        BASE.replace(variant="newton", learning_rate=1.0),
        BASE.replace(variant="newton", line_search=LineSearchSettings("exact"), maximize=True),
        BASE,
    ],
)
def test_settings_json_round_trips_every_new_option(config: RunConfig) -> None:
    validated = config.validated()
    text = json.dumps(validated.to_dict())
    assert RunConfig.from_dict(json.loads(text)) == validated
    if validated.line_search is not None:
        stored = json.loads(text)["line_search"]
        assert stored["name"] == validated.line_search.name
        assert ("shrink" in stored) == (validated.line_search.name == "armijo")


def test_a_settings_file_without_line_search_means_none() -> None:
    body = BASE.to_dict()
    del body["line_search"]
    assert RunConfig.from_dict(body).line_search is None
    body["line_search"] = {"name": "none"}
    assert RunConfig.from_dict(body).line_search is None


@pytest.mark.parametrize(
    "config",
    [
        RunConfig("(1 - x)^2 + 100*(y - x^2)^2", (-1.2, 1.0), line_search=ARMIJO, iterations=50),
        RunConfig("x^2 - y^2 + y^4", (1.0, 0.1), variant="newton", learning_rate=1.0,
                  line_search=LineSearchSettings("exact")),
    ],
)  # fmt: skip
def test_csv_export_and_reopen_keep_the_new_columns(config: RunConfig, tmp_path: Path) -> None:
    trajectory, outcome = run_to_end(config)
    target = write_csv(trajectory, tmp_path / "run.csv", settings_with_outcome(config, outcome))
    header = target.read_text().splitlines()[0].split(",")
    assert "alpha" in header and "trials" in header
    reopened, run = open_trajectory_csv(target)
    assert reopened.columns == trajectory.columns
    assert np.array_equal(reopened.rows, trajectory.rows, equal_nan=True)
    assert run is not None and run.config == config.validated()
