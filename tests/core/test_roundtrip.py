"""Every exported trajectory re-opens as exactly the trajectory that was exported.

The matrix: every variant x (typed function, run on data) x gradient mode, re-opened with and
without the settings JSON beside the CSV, written and read by each CSV engine. The comparison is
bit for bit: a float written in its shortest exact form parses back to the same double (both
are correctly rounded), so nothing here depends on the CPU or the numpy build.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.export import write_data_csv
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.files.csv_table import ENGINES, arrow_csv, read_table, write_table
from gdexplorer.core.files.trajectory_files import open_trajectory_csv
from gdexplorer.core.optimizers import VARIANTS
from gdexplorer.core.trajectory import write_csv

GRADIENTS = ("symbolic", "central", "forward")
AVAILABLE = [e for e in ENGINES if e != "arrow" or arrow_csv() is not None]

TYPED = RunConfig("(x - 1)^2 + 3*(y + 0.5)^2 + x*y/2", (2.5, -1.75), learning_rate=0.05,
                  iterations=60)  # fmt: skip
ON_DATA = RunConfig("(w*x + b - y)^2", (0.0, 0.0), variables=("w", "b"), learning_rate=0.02,
                    data="sample:line", batch_size=20, epochs=3)  # fmt: skip


def assert_same_bits(actual: np.ndarray, expected: np.ndarray) -> None:
    """Equal bit for bit (-0.0 is not 0.0), NaN where NaN (any NaN reads back as ``nan``)."""
    assert actual.shape == expected.shape
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(actual), nan)
    np.testing.assert_array_equal(actual[~nan].view(np.uint64), expected[~nan].view(np.uint64))


_runs: dict[tuple[str, str, str], tuple] = {}


def _run(variant: str, mode: str, gradient: str):
    key = (variant, mode, gradient)
    if key not in _runs:
        base = TYPED if mode == "typed" else ON_DATA
        config = base.replace(variant=variant, gradient=gradient)
        _runs[key] = (config, run_to_end(config)[0])
    return _runs[key]


def _export(config, trajectory, path, engine):
    if config.data:
        return write_data_csv(trajectory, path, config, engine=engine)
    return write_csv(trajectory, path, settings=config.to_dict(), engine=engine)


@pytest.mark.parametrize("engine", AVAILABLE)
@pytest.mark.parametrize(
    ("variant", "mode", "gradient"),
    list(itertools.product(VARIANTS, ("typed", "data"), GRADIENTS)),
)
def test_every_export_reopens_bit_for_bit(tmp_path, variant, mode, gradient, engine):
    config, trajectory = _run(variant, mode, gradient)
    path = _export(config, trajectory, tmp_path / "run.csv", engine)
    for reader in AVAILABLE:  # a file written by one engine reads the same with the other
        back, run = open_trajectory_csv(path, engine=reader)
        assert run is not None and run.config == config
        assert back.columns == trajectory.columns
        assert back.state_slots == trajectory.state_slots == VARIANTS[variant].state_slots
        assert_same_bits(back.rows, trajectory.rows)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_typed_csv_reopens_without_its_settings(tmp_path, variant):
    config, trajectory = _run(variant, "typed", "symbolic")
    path = _export(config, trajectory, tmp_path / "run.csv", None)
    for settings_kept in (True, False):  # ignored, then missing
        if not settings_kept:
            path.with_suffix(".json").unlink()
        back, run = open_trajectory_csv(path, use_settings=not settings_kept)
        assert run is None
        assert back.columns == trajectory.columns  # the state columns are recognized by name
        assert_same_bits(back.rows, trajectory.rows)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_data_csv_without_its_settings_says_what_is_missing(tmp_path, variant):
    config, trajectory = _run(variant, "data", "symbolic")
    path = _export(config, trajectory, tmp_path / "run.csv", None)
    with pytest.raises(ExportError, match=r"run on data: open it with the settings file run\.json"):
        open_trajectory_csv(path, use_settings=False)
    path.with_suffix(".json").unlink()
    with pytest.raises(ExportError, match="run on data"):
        open_trajectory_csv(path)


@pytest.mark.parametrize("engine", AVAILABLE)
def test_a_diverging_run_with_huge_values_reopens_exactly(tmp_path, engine):
    config = RunConfig("x^4 + y^2", (3.0, -2.0), variant="momentum", learning_rate=1.0)
    trajectory, outcome = run_to_end(config)
    assert outcome.reason == "diverged" and np.abs(trajectory.rows).max() > 1e60
    path = write_csv(trajectory, tmp_path / "run.csv", settings=config.to_dict(), engine=engine)
    back, _ = open_trajectory_csv(path, engine=engine)
    assert_same_bits(back.rows, trajectory.rows)


finite = st.floats(allow_nan=False, allow_infinity=False)  # subnormals and -0.0 included


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.lists(finite, min_size=3, max_size=3), min_size=1, max_size=40))
def test_any_finite_table_round_trips_exactly_with_each_engine(values):
    table = np.array(values, dtype=float)
    columns = [np.arange(len(table), dtype=np.int64), *table.T]
    for writer, reader in itertools.product(AVAILABLE, AVAILABLE):
        handle = io.BytesIO()
        write_table(handle, ["k", "a", "b", "c"], columns, engine=writer)
        header, back = _read_bytes(handle.getvalue(), reader)
        assert header == ["k", "a", "b", "c"]
        np.testing.assert_array_equal(back[:, 0], np.arange(len(table)))
        assert_same_bits(back[:, 1:], table)


def _read_bytes(data: bytes, engine: str):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        return read_table(path, engine=engine)


@pytest.mark.parametrize("engine", AVAILABLE)
def test_non_finite_cells_keep_today_s_spelling(engine):
    column = np.array([1.5, np.nan, np.inf, -np.inf, -0.0])
    handle = io.BytesIO()
    write_table(handle, ["v"], [column], blank={0: np.array([1, 0, 0, 0, 0], bool)}, engine=engine)
    lines = handle.getvalue().decode().splitlines()
    assert lines[:5] == ["v", "", "nan", "", ""]  # blank, NaN, +inf and -inf as empty cells
    assert float(lines[5]) == 0.0 and str(float(lines[5])) == "-0.0"


@pytest.mark.parametrize("engine", AVAILABLE)
def test_a_broken_table_is_one_line_error(tmp_path, engine):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,x4\n", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot read") as error:
        read_table(path, engine=engine)
    assert "\n" not in str(error.value)
    path.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot read"):
        read_table(path, engine=engine)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="empty"):
        read_table(path, engine=engine)
    path.write_text("a,b\n", encoding="utf-8")
    header, table = read_table(path, engine=engine)
    assert header == ["a", "b"] and table.shape == (0, 2)
