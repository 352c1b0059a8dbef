"""Export and re-open speed of a long Adam trajectory, against the time to compute it.

Computes an Adam run on Rosenbrock for ROWS rows (tolerances off, so it runs to the end), then:

* export: ``write_csv`` (CSV + settings JSON, through the safe writer) with each CSV engine,
  and the writer of before (``csv.writer`` with ``repr`` per cell), each as a ratio to the
  compute time of the run. Goal: <= 1.5x (bar: <= 3x).
* re-open: ``open_trajectory_csv`` of that file in a fresh process per engine (so the peak
  memory is its own): rows per second (goal: >= 1,000,000) and the peak resident memory added
  by the read (``ru_maxrss``, which counts pyarrow's C++ buffers too, unlike tracemalloc)
  against the size of the trajectory's array (goal: <= 2x); and the reader of before
  (``csv.reader`` and a list of rows) for comparison.
* every re-opened trajectory is checked to equal the original bit for bit.

Run: python tests/benchmarks/bench_export.py [ROWS] [--no-before]
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.files.csv_table import ENGINES, arrow_csv, float_text
from gdexplorer.core.trajectory import Trajectory, trajectory_table, write_csv

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ROWS = int(ARGS[0]) if ARGS else 1_000_000
BEFORE = "--no-before" not in sys.argv
CONFIG = RunConfig("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), variant="adam",
                   learning_rate=0.001, iterations=ROWS - 1, tol_grad=0.0)  # fmt: skip

REOPEN = """
import resource, sys, time, tracemalloc
import numpy as np
from gdexplorer.core.files.csv_table import arrow_csv
from gdexplorer.core.trajectory import read_trajectory_csv
from gdexplorer.core.files.trajectory_files import open_trajectory_csv, run_beside
path, engine = sys.argv[1], sys.argv[2]
arrow_csv()  # imported before the clock starts, as in a window that has read a file before
began = time.perf_counter()
run = run_beside(path)
settings = time.perf_counter() - began
tracemalloc.start()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began, cpu = time.perf_counter(), time.process_time()
trajectory = read_trajectory_csv(path, run.variant.state_slots, engine=engine)
seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024
peak = tracemalloc.get_traced_memory()[1]
if engine == "arrow":
    import pyarrow
    peak += pyarrow.default_memory_pool().max_memory()
np.save(sys.argv[3], trajectory.rows)
print(seconds, cpu, settings, peak, rss, trajectory.rows.nbytes)
"""


def export_before(trajectory: Trajectory, path: Path) -> None:
    """The writer of before: one csv.writer row of repr strings per iterate."""
    header, table = trajectory_table(trajectory)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in table:
        writer.writerow([str(int(row[0])), *(float_text(x) for x in row[1:])])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(CONFIG.to_dict()), encoding="utf-8")


def read_before(path: Path) -> np.ndarray:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        table = [[float(x) if x else math.nan for x in row] for row in reader if row]
    return np.asarray(table, dtype=float)


def timed(function, *args) -> tuple[float, float]:
    """Wall and CPU seconds of ``function(*args)`` (CPU time is fair on a shared machine)."""
    began, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - began, time.process_time() - cpu


def main() -> None:
    results: list = []
    compute, compute_cpu = timed(lambda: results.append(run_to_end(CONFIG)[0]))
    trajectory = results[0]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"Adam on Rosenbrock, {len(trajectory):,} rows x {len(trajectory.columns)} columns "
          f"({trajectory.rows.nbytes / 2**20:.0f} MiB): computed in {compute:.2f} s "
          f"({compute_cpu:.2f} s CPU)")  # fmt: skip
    engines = [e for e in ENGINES if e != "arrow" or arrow_csv() is not None]
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        print("export (CSV + JSON)     wall s  x compute    CPU s  x compute   goal 1.5x, bar 3x")
        for engine in engines:
            paths[engine] = Path(folder) / f"{engine}.csv"
            settings = CONFIG.to_dict()
            seconds, cpu = timed(write_csv, trajectory, paths[engine], settings, engine)
            size = paths[engine].stat().st_size / 2**20
            print(f"  {engine:20s} {seconds:7.2f} {seconds / compute:9.2f}  {cpu:7.2f} "
                  f"{cpu / compute_cpu:9.2f}   ({size:.0f} MiB)")  # fmt: skip
        if BEFORE:
            seconds, cpu = timed(export_before, trajectory, Path(folder) / "before.csv")
            print(f"  {'before (csv.writer)':20s} {seconds:7.2f} {seconds / compute:9.2f}  "
                  f"{cpu:7.2f} {cpu / compute_cpu:9.2f}")  # fmt: skip
        print("re-open (CSV; + settings)    seconds      rows/s   peak memory / array")
        for engine in engines:
            out = Path(folder) / f"{engine}.npy"
            script = [sys.executable, "-c", REOPEN, str(paths[engine]), engine, str(out)]
            seconds, cpu, settings, peak, rss, nbytes = map(
                float, subprocess.check_output(script).split()
            )
            exact = np.array_equal(np.load(out).view(np.uint64), trajectory.rows.view(np.uint64))
            print(f"  {engine:26s} {seconds:7.2f}   {len(trajectory) / seconds:9,.0f}   "
                  f"{peak / nbytes:6.2f}x (max RSS grew {rss / nbytes:.2f}x)   "
                  f"bit-exact: {exact}")  # fmt: skip
            print(f"  {'':26s} CPU {cpu:.2f} s: {len(trajectory) / cpu:,.0f} rows per CPU second; "
                  f"the settings took {settings:.2f} s more")  # fmt: skip
        if BEFORE:
            seconds, cpu = timed(read_before, paths[engines[0]])
            rate, cpu_rate = len(trajectory) / seconds, len(trajectory) / cpu
            print(f"  {'before (csv.reader)':26s} {seconds:7.2f}   {rate:9,.0f}"
                  f"   ({cpu_rate:,.0f} rows per CPU second)")  # fmt: skip


if __name__ == "__main__":
    main()
