"""Budgets: work that would exhaust memory, hang or run for hours is refused before it starts."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdexplorer.core import budgets
from gdexplorer.core.budgets import (
    FLOAT_BYTES,
    GIB,
    MAX_LANE_STEPS,
    MEMORY_CAP,
    check_lane_steps,
    check_recorded_rows,
    read_regular_file,
)
from gdexplorer.core.config import MAX_ITERATIONS, RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.engine import Run
from gdexplorer.core.errors import ConfigError, ExportError
from gdexplorer.core.many.basins import basin_map
from gdexplorer.core.many.sweep import learning_rate_sweep
from gdexplorer.core.optimizers import VARIANTS

TWENTY = tuple(f"x{i}" for i in range(1, 21))
SUM_OF_SQUARES = " + ".join(f"{v}^2" for v in TWENTY)


def test_the_memory_budget_is_the_cap_or_a_quarter_of_the_machine():
    physical = budgets.physical_memory()
    expected = MEMORY_CAP if physical is None else min(MEMORY_CAP, physical // 4)
    assert budgets.MEMORY_BUDGET == expected > 0


def test_twenty_variables_times_ten_million_adam_iterations_is_refused_at_once():
    config = RunConfig(SUM_OF_SQUARES, (1.0,) * 20, variant="adam", iterations=MAX_ITERATIONS)
    began = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        Run(config)
    assert time.perf_counter() - began < 30  # refused before anything is allocated or compiled
    message = str(caught.value)
    assert "recording 10,000,001 rows x 102 values needs" in message
    assert "above the memory budget" in message and "use at most" in message


@settings(max_examples=200, deadline=None)
@given(
    iterations=st.integers(1, MAX_ITERATIONS),
    columns=st.integers(1, 500),
    budget=st.integers(1024, 4 * GIB),
)
def test_the_suggested_iterations_fit_the_budget_and_one_more_would_not(
    iterations, columns, budget
):
    needed = (iterations + 1) * columns * FLOAT_BYTES
    if needed <= budget:
        check_recorded_rows(iterations, columns, budget)
        return
    with pytest.raises(ConfigError) as caught:
        check_recorded_rows(iterations, columns, budget)
    message = str(caught.value)
    if "use at most " not in message:  # not even one iteration fits
        assert "use fewer variables" in message and 2 * columns * FLOAT_BYTES > budget
        return
    most = int(message.rsplit("use at most ", 1)[1].split()[0].replace(",", ""))
    check_recorded_rows(most, columns, budget)
    with pytest.raises(ConfigError):
        check_recorded_rows(most + 1, columns, budget)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_in_two_dimensions_may_use_every_iteration(variant):
    """The budget refuses only the absurd: the 2-D runs the window is for are all allowed."""
    columns = 2 * (3 + len(VARIANTS[variant].state_slots)) + 1 + 3  # + a data run's columns
    check_recorded_rows(MAX_ITERATIONS, columns, budget=MEMORY_CAP)


def test_a_data_run_counts_its_extra_columns(monkeypatch):
    config = RunConfig(
        "(w*x + b - y)^2", (0.0, 0.0), ("w", "b"), variant="adam", data="sample:line",
        iterations=1000,
    )  # fmt: skip
    monkeypatch.setattr(budgets, "MEMORY_BUDGET", 1001 * 15 * FLOAT_BYTES - 1)  # 12 would fit
    with pytest.raises(ConfigError, match="recording 1,001 rows x 15 values"):
        DataRun(config)
    monkeypatch.setattr(budgets, "MEMORY_BUDGET", 1001 * 15 * FLOAT_BYTES)
    assert len(DataRun(config).columns) == 15


def test_lane_steps_above_the_cap_are_refused_with_the_numbers():
    check_lane_steps(1000, MAX_LANE_STEPS // 1000, "the sweep")
    with pytest.raises(ConfigError) as caught:
        check_lane_steps(1000, MAX_LANE_STEPS // 1000 + 1, "the sweep")
    assert "the sweep would make 1,000 runs x" in str(caught.value)
    assert f"use at most {MAX_LANE_STEPS // 1000:,} iterations" in str(caught.value)


def test_a_huge_sweep_and_a_huge_basin_map_are_refused_before_they_start():
    config = RunConfig("x^2 + 10*y^2", (3.0, 2.0), iterations=MAX_ITERATIONS)
    began = time.perf_counter()
    with pytest.raises(ConfigError, match="the sweep would make 1,000 runs"):
        learning_rate_sweep(config, 1e-4, 1.0, 1000)
    with pytest.raises(ConfigError, match="the basin map would make 40,000 runs"):
        basin_map(config, (-3, 3), (-3, 3), resolution=200)
    assert time.perf_counter() - began < 30


@pytest.mark.parametrize("tolerance", [-1.0, float("nan"), float("inf"), "0.1"])
def test_a_basin_tolerance_must_be_a_positive_number(tolerance):
    config = RunConfig("x^2 + y^2", (0.0, 0.0), iterations=10)
    with pytest.raises(ConfigError, match="tolerance must be"):
        basin_map(config, (-1, 1), (-1, 1), resolution=4, tolerance=tolerance)


def test_reading_refuses_folders_devices_and_files_above_the_limit(tmp_path):
    path = tmp_path / "runs.json"
    path.write_bytes(b"x" * 100)
    assert read_regular_file(path, 100, "the file", ExportError) == b"x" * 100
    with pytest.raises(ExportError, match="the file .* is 100 bytes, larger than the limit"):
        read_regular_file(path, 99, "the file", ExportError)
    with pytest.raises(ExportError, match="it is a folder"):
        read_regular_file(tmp_path, 100, "the file", ExportError)
    with pytest.raises(ExportError, match="no such file"):
        read_regular_file(tmp_path / "none", 100, "the file", ExportError)
    if os.path.exists("/dev/zero"):
        with pytest.raises(ExportError, match="not a regular file"):
            read_regular_file("/dev/zero", 100, "the file", ExportError)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        read_regular_file(fifo, 100, "the file", ExportError)  # would block without O_NONBLOCK


@pytest.mark.parametrize("count", [0, 1, 1023, 1024, 5 * 1024**2, 3 * GIB])
def test_sizes_are_written_for_people(count):
    text = budgets.size_text(count)
    assert len(text) <= 10 and text.split()[-1] in ("bytes", "kB", "MiB", "GiB")
