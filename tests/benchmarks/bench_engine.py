"""Cost per iteration of the engine against a hand-written pure-Python-float loop.

Both run Adam on 2-D Rosenbrock from (-1.5, 2) with lr 0.001 for 1,000,000 iterations and both
do the same work per iteration: f, the exact gradient, the update, a divergence check and the
recording of one row (point, f, gradient, step, m, v). The engine also streams its rows in
batches and converts them to numpy arrays, which the baseline does not; that is counted against
the engine. Prints the seconds per run, the cost per iteration and the ratio (goal <= 1.5).

Run: python tests/benchmarks/bench_engine.py [iterations]
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
LR, B1, B2, EPS = 0.001, 0.9, 0.999, 1e-8


def hand_written(iterations: int) -> np.ndarray:
    """The baseline: what a careful student would write with Python floats."""
    x, y = -1.5, 2.0
    mx = my = vx = vy = 0.0
    rows = []
    gx = -2 * (1 - x) - 400 * x * (y - x * x)
    gy = 200 * (y - x * x)
    for t in range(1, iterations + 1):
        mx = B1 * mx + (1 - B1) * gx
        my = B1 * my + (1 - B1) * gy
        vx = B2 * vx + (1 - B2) * (gx * gx)
        vy = B2 * vy + (1 - B2) * (gy * gy)
        c1 = 1 - B1**t
        c2 = math.sqrt(1 - B2**t)
        dx = -(LR / c1) * mx / (math.sqrt(vx) / c2 + EPS)
        dy = -(LR / c1) * my / (math.sqrt(vy) / c2 + EPS)
        x += dx
        y += dy
        f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        gx = -2 * (1 - x) - 400 * x * (y - x * x)
        gy = 200 * (y - x * x)
        if not (abs(f) < 1e100 and abs(gx) < 1e100 and abs(gy) < 1e100):
            break
        rows.append((x, y, f, gx, gy, dx, dy, mx, my, vx, vy))
    return np.array(rows)


def engine(iterations: int) -> np.ndarray:
    config = RunConfig(
        "(1 - x)^2 + 100(y - x^2)^2",
        (-1.5, 2.0),
        variant="adam",
        learning_rate=LR,
        iterations=iterations,
        tol_grad=0.0,
        tol_step=0.0,
    )
    trajectory, _ = run_to_end(config)
    return trajectory.rows


def best_of(fn, repeats: int = 3) -> tuple[float, np.ndarray]:
    best, result = math.inf, None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn(ITERATIONS)
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    baseline_s, baseline_rows = best_of(hand_written)
    engine_s, engine_rows = best_of(engine)
    # The two evaluate algebraically equal but differently ordered expressions, so their
    # paths agree closely at first and drift apart by rounding over a long run.
    first = np.max(np.abs(engine_rows[1:1001, :2] - baseline_rows[:1000, :2]))
    final = np.max(np.abs(engine_rows[-1, :2] - baseline_rows[-1, :2]))
    per_base = baseline_s / ITERATIONS * 1e9
    per_engine = engine_s / ITERATIONS * 1e9
    print(f"Adam on Rosenbrock, {ITERATIONS:,} iterations, best of 3")
    print(f"  hand-written float loop: {baseline_s:7.3f} s  {per_base:7.0f} ns/iteration")
    print(f"  gdexplorer engine:       {engine_s:7.3f} s  {per_engine:7.0f} ns/iteration")
    print(f"  ratio engine/baseline:   {engine_s / baseline_s:7.2f}   (goal <= 1.5)")
    print(f"  largest point difference: {first:.2e} over the first 1,000 iterations,")
    print(f"                            {final:.2e} at the end {tuple(engine_rows[-1, :2])}")


if __name__ == "__main__":
    main()
