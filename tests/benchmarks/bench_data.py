"""One epoch of mini-batch gradient descent on 100,000 examples: DataRun against numpy by hand.

Linear regression ``(w*x + b - y)^2`` on a 100,000-row CSV, mini-batches of 64 (1,563 updates),
learning rate 0.05, one epoch. Two hand-written numpy loops run in the same process:

* ``updates``: what a careful student writes: shuffle, gather the batch, residual, batch loss,
  averaged gradient, step, record the row. It does not know the full-data loss.
* ``+ full loss``: the same plus the full-data loss and gradient at every update (a pass over
  all examples), which DataRun records (f) and checks (tol_grad) too.

DataRun does the work of the second (it gets the full-data loss cheaply because the loss is a
polynomial in the parameters) and streams batches. Reading the CSV and compiling the loss are
timed separately. A logistic-regression epoch (not polynomial) is timed against a hand-written
logistic loop (updates only): DataRun records the full-data loss only at checkpoints there
(every ``loss_interval`` updates and at epoch ends).

Run: python tests/benchmarks/bench_data.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.datasets import template_loss
from gdexplorer.core.data.engine import DataRun

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
BATCH, LR, SEED = 64, 0.05, 0


def write_data(folder: Path) -> Path:
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 3, ROWS)
    y = 2 * x + 1 + rng.normal(0, 0.5, ROWS)
    path = folder / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("x,y,label\n")
        np.savetxt(handle, np.column_stack([x, y, y > 3]), delimiter=",", fmt="%.6f")
    return path


def by_hand(x: np.ndarray, y: np.ndarray, full: bool) -> np.ndarray:
    """One epoch, the same shuffling as DataRun, one row per update."""
    order = np.random.default_rng([SEED, 1]).permutation(len(x))
    w = b = 0.0
    rows = []
    for start in range(0, len(x), BATCH):
        idx = order[start : start + BATCH]
        xb, yb = x[idx], y[idx]
        r = w * xb + b - yb
        batch_loss = float(np.mean(r * r))
        gw, gb = float(np.mean(2 * r * xb)), float(np.mean(2 * r))
        w, b = w - LR * gw, b - LR * gb
        row = [w, b, gw, gb, -LR * gw, -LR * gb, start // len(x) + 1, batch_loss]
        if full:
            residual = w * x + b - y
            loss = float(np.mean(residual * residual))
            norm = np.hypot(np.mean(2 * residual * x), np.mean(2 * residual))
            row += [loss, float(norm)]
        rows.append(row)
    return np.array(rows)


def logistic_by_hand(x: np.ndarray, label: np.ndarray) -> None:
    """One epoch of logistic regression, updates only: the baseline the goal names (DataRun
    within 1.5x of it, with its full-data loss checkpoints)."""
    order = np.random.default_rng([SEED, 1]).permutation(len(x))
    w = b = 0.0
    rows = []
    for start in range(0, len(x), BATCH):
        idx = order[start : start + BATCH]
        xb, yb = x[idx], label[idx]
        z = w * xb + b
        batch_loss = float(np.mean(np.logaddexp(0.0, z) - yb * z))
        p = 1.0 / (1.0 + np.exp(-z))
        gw, gb = float(np.mean((p - yb) * xb)), float(np.mean(p - yb))
        w, b = w - 0.5 * gw, b - 0.5 * gb
        rows.append([w, b, gw, gb, -0.5 * gw, -0.5 * gb, start // len(x) + 1, batch_loss])
    np.array(rows)


def data_run(config: RunConfig) -> tuple[float, float, DataRun, int]:
    began = time.perf_counter()
    run = DataRun(config)
    built = time.perf_counter()
    rows = sum(len(batch.rows) for batch in run.batches())
    return built - began, time.perf_counter() - built, run, rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_data(Path(folder))
        linear = RunConfig(
            function="(w*x + b - y)^2", variables=("w", "b"), start=(0.0, 0.0),
            learning_rate=LR, data=str(path), batch_size=BATCH, epochs=1,
            iterations=10_000_000, seed=SEED,
        )  # fmt: skip
        data_run(linear.replace(epochs=None, iterations=10))  # warm up imports and lambdify
        setup, epoch, run, rows = data_run(linear)
        x, y = run.dataset.column("x"), run.dataset.column("y")
        updates = rows - 1
        timings = {}
        for full in (False, True):
            began = time.perf_counter()
            by_hand(x, y, full)
            timings[full] = time.perf_counter() - began
        logistic = linear.replace(
            function=template_loss("logistic regression", ["x"], "label"), learning_rate=0.5
        )
        _, logistic_epoch, logistic_run, _ = data_run(logistic)
        began = time.perf_counter()
        logistic_by_hand(x, run.dataset.column("label"))
        logistic_hand = time.perf_counter() - began
    print(f"{ROWS:,} examples, mini-batches of {BATCH}: {updates:,} updates per epoch")
    print(f"  read CSV + compile loss        {setup:8.3f} s (once per run)")
    print(f"  DataRun epoch                  {epoch:8.3f} s  {updates / epoch:10,.0f} updates/s")
    for full, name in ((False, "by hand, updates only"), (True, "by hand, + full loss/grad")):
        rate = updates / timings[full]
        ratio = epoch / timings[full]
        print(f"  {name:<30} {timings[full]:8.3f} s  {rate:10,.0f} updates/s  ratio {ratio:5.2f}")
    every = logistic_run.loss_interval
    print(
        f"  DataRun epoch, logistic loss   {logistic_epoch:8.3f} s  (full-data loss every "
        f"{every:,} updates and at epoch ends)"
    )
    print(
        f"  by hand, logistic updates only {logistic_hand:8.3f} s  ratio "
        f"{logistic_epoch / logistic_hand:5.2f}  (goal <= 1.5)"
    )


if __name__ == "__main__":
    main()
