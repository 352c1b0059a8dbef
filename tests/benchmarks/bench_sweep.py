"""Speed of the vectorized engine against a hand-written vectorized numpy loop.

1. 10,000 Adam runs on 2-D Rosenbrock from random starts (lr 0.001, 1,000 iterations), all at
   once. The baseline is the loop a careful numpy user would write for the same work: per
   iteration the Adam update, f, the exact gradient, the divergence check (f, |gradient|^2 and
   |step|^2 against 1e100), the gradient tolerance, and dropping the lanes that stopped. Prints
   lane-steps per second for both and the ratio (goal <= 1.3).
2. The wall time of a 200x200 basin map of 1,000 iterations of gradient descent on Himmelblau
   (goal: a few seconds on 2 cores).

Run: python tests/benchmarks/bench_sweep.py [lanes] [iterations]
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from gdexplorer.core.config import RunConfig
from gdexplorer.core.many.basins import basin_map
from gdexplorer.core.many.vectorized import run_many_from_config
from gdexplorer.core.presets import get_preset

LANES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
ITERATIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
LR, B1, B2, EPS, TOL_GRAD, LIMIT = 0.001, 0.9, 0.999, 1e-8, 1e-6, 1e100
ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"


def hand_written(starts: np.ndarray, iterations: int) -> tuple[np.ndarray, int]:
    """Adam on Rosenbrock for every start at once; returns final points and lane-steps."""
    final = starts.copy()
    lanes = np.arange(len(starts))
    x, y = starts[:, 0].copy(), starts[:, 1].copy()
    a = y - x * x
    gx, gy = -400.0 * a * x + 2.0 * x - 2.0, 200.0 * a
    mx, my, vx, vy = (np.zeros_like(x) for _ in range(4))
    steps = 0
    with np.errstate(all="ignore"):
        for t in range(1, iterations + 1):
            c1, c2 = 1 - B1**t, math.sqrt(1 - B2**t)
            mx, my = B1 * mx + (1 - B1) * gx, B1 * my + (1 - B1) * gy
            vx, vy = B2 * vx + (1 - B2) * (gx * gx), B2 * vy + (1 - B2) * (gy * gy)
            dx = -(LR / c1) * mx / (np.sqrt(vx) / c2 + EPS)
            dy = -(LR / c1) * my / (np.sqrt(vy) / c2 + EPS)
            x, y = x + dx, y + dy
            a = y - x * x
            f = 100.0 * (a * a) + (1.0 - x) ** 2
            gx, gy = -400.0 * a * x + 2.0 * x - 2.0, 200.0 * a
            gn, sn = gx * gx + gy * gy, dx * dx + dy * dy
            steps += len(x)
            good = (np.abs(f) < LIMIT) & (gn < LIMIT * LIMIT) & (sn < LIMIT * LIMIT)
            going = good & (gn >= TOL_GRAD * TOL_GRAD)
            if not going.all():
                final[lanes[good]] = np.column_stack([x[good], y[good]])
                lanes, x, y, gx, gy = lanes[going], x[going], y[going], gx[going], gy[going]
                mx, my, vx, vy = mx[going], my[going], vx[going], vy[going]
            if not len(lanes):
                break
    final[lanes] = np.column_stack([x, y])
    return final, steps


def engine(starts: np.ndarray, iterations: int) -> tuple[np.ndarray, int]:
    config = RunConfig(ROSENBROCK, (0.0, 0.0), variant="adam", learning_rate=LR)
    config = config.replace(iterations=iterations, tol_grad=TOL_GRAD)
    result = run_many_from_config(config, starts=starts)
    return result.points, int(result.iterations.sum())


def interleaved(functions, *args, rounds: int = 5) -> list[tuple[float, object]]:
    """Best wall time of each function over ``rounds``, run alternately, so that load from
    other processes on a shared machine affects both sides alike."""
    best = [(math.inf, None)] * len(functions)
    for _ in range(rounds):
        for k, fn in enumerate(functions):
            began = time.perf_counter()
            out = fn(*args)
            seconds = time.perf_counter() - began
            best[k] = (seconds, out) if seconds < best[k][0] else best[k]
    return best


def main() -> None:
    starts = np.random.default_rng(0).uniform((-2.0, -1.0), (2.0, 3.0), size=(LANES, 2))
    engine(starts[:10], 10)  # compile and import once before timing
    (base_s, (base_points, base_steps)), (engine_s, (engine_points, engine_steps)) = interleaved(
        (hand_written, engine), starts, ITERATIONS
    )
    gap = np.max(np.abs(engine_points - base_points))
    base_rate, engine_rate = base_steps / base_s / 1e6, engine_steps / engine_s / 1e6
    print(f"Adam on Rosenbrock, {LANES:,} lanes x {ITERATIONS:,} iterations, best of 5")
    print(f"  hand-written numpy loop: {base_s:6.3f} s  {base_rate:6.2f} M lane-steps/s")
    print(f"  gdexplorer run_many:     {engine_s:6.3f} s  {engine_rate:6.2f} M lane-steps/s")
    print(f"  ratio (time per lane-step, engine / baseline): {base_rate / engine_rate:.2f}")
    print("  (goal <= 1.3)")
    print(f"  lane-steps {engine_steps:,} vs {base_steps:,}; largest final-point gap {gap:.1e}")

    preset = get_preset("himmelblau")
    config = preset.config.replace(iterations=1000)
    began = time.perf_counter()
    result = basin_map(config, *preset.plot_range, resolution=200, minima=preset.minima)
    seconds = time.perf_counter() - began
    shares = ", ".join(f"{b.name} {b.count / result.labels.size:.0%}" for b in result.basins)
    lane_steps = int(result.iterations.sum())
    print(
        f"Basin map, Himmelblau, gd lr {config.learning_rate}, 200x200 starts, <= 1,000 iterations"
    )
    print(f"  wall time: {seconds:.2f} s  (goal: a few seconds), {lane_steps:,} lane-steps")
    print(f"  basins: {shares}")
    slow = preset.config.replace(iterations=1000, learning_rate=1e-4, tol_grad=0.0)
    began = time.perf_counter()
    basin_map(slow, *preset.plot_range, resolution=200, minima=preset.minima)
    seconds = time.perf_counter() - began
    print(
        f"  the same with lr 1e-4 and no tolerance (every run does all 1,000 iterations): "
        f"{seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
