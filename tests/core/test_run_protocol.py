"""The protocol every run offers (Run and DataRun alike), and the narrowing to a run on data."""

from __future__ import annotations

import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.engine import Run, make_run, record
from gdexplorer.core.run_protocol import DescentRun, RunObjective, is_data_run

FUNCTION = RunConfig("x^2 + 3*y^2", (1.0, 1.0), learning_rate=0.1, iterations=40)
ON_DATA = RunConfig(
    function="(w*x + b - y)^2",
    variables=("w", "b"),
    start=(-1.0, 4.0),
    learning_rate=0.05,
    data="sample:line",
    batch_size=20,
    epochs=2,
    iterations=1000,
    tol_grad=0.0,
)


def _members(protocol: type) -> list[str]:
    """The names a protocol declares (its properties and methods)."""
    return [name for name in vars(protocol) if not name.startswith("_")]


@pytest.mark.parametrize("config", [FUNCTION, ON_DATA], ids=["function", "data"])
def test_every_run_offers_what_the_protocol_declares(config: RunConfig) -> None:
    run = make_run(config)
    assert {"config", "batches", "total_updates", "outcome"} <= set(_members(DescentRun))
    for name in _members(DescentRun):
        assert hasattr(run, name), name
    for name in _members(RunObjective):
        assert hasattr(run.objective, name), name
    assert len(run.objective.symbols) == run.objective.dimension


def test_total_updates_is_what_a_run_streams_at_most() -> None:
    run = make_run(FUNCTION)
    assert run.total_updates == FUNCTION.iterations
    data_run = make_run(ON_DATA)
    assert data_run.total_updates == 6  # 50 examples in batches of 20: 3 updates per epoch
    trajectory = record(data_run)
    assert trajectory.iterations == data_run.total_updates


def test_is_data_run_narrows_to_a_run_on_data_only() -> None:
    data_run = make_run(ON_DATA)
    assert is_data_run(data_run) and isinstance(data_run, DataRun)
    assert data_run.batch_indices(1).size == 20  # reachable after the narrowing
    assert not is_data_run(make_run(FUNCTION))
    assert not is_data_run(Run(FUNCTION))
    assert not is_data_run(None)
