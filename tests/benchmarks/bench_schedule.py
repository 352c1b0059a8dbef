"""Cost per iteration of the fused loop with each learning-rate schedule, against constant.

Runs Adam and plain gradient descent on 2-D Rosenbrock from (-1.5, 2) for N iterations (no
stopping rule), once with the constant rate and once per schedule, and prints each schedule's
time relative to the constant rate (goal: within 1.2x). CPU time, best of 5 each, interleaved,
so a busy machine slows them alike.

Run: python tests/benchmarks/bench_schedule.py [iterations]
"""

from __future__ import annotations

import math
import sys
import time

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.stepsize.settings import ScheduleSettings

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
SCHEDULES = {
    "constant": None,
    "step": ScheduleSettings("step", step_size=1000, gamma=0.9),
    "exponential": ScheduleSettings("exponential", gamma=0.99999),
    "cosine": ScheduleSettings("cosine", t_max=ITERATIONS),
    "onecycle": ScheduleSettings("onecycle", max_lr=0.002),
    "plateau": ScheduleSettings("plateau", patience=100),
}


def seconds(variant: str, learning_rate: float, schedule: ScheduleSettings | None) -> float:
    config = RunConfig(
        "(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), variant=variant,
        learning_rate=learning_rate, iterations=ITERATIONS, tol_grad=0.0, tol_step=0.0,
        schedule=schedule,
    )  # fmt: skip
    began = time.process_time()  # CPU time: other processes on a busy machine do not count
    run_to_end(config)
    return time.process_time() - began


def main() -> None:
    for variant, rate in (("adam", 0.001), ("gd", 0.0005)):
        best = dict.fromkeys(SCHEDULES, math.inf)
        for _ in range(5):
            for name, schedule in SCHEDULES.items():
                best[name] = min(best[name], seconds(variant, rate, schedule))
        print(f"{variant} on Rosenbrock, {ITERATIONS:,} iterations, best of 5")
        for name, value in best.items():
            per = value / ITERATIONS * 1e9
            ratio = value / best["constant"]
            print(f"  {name:12s} {value:7.3f} s  {per:6.0f} ns/iteration  {ratio:5.2f}x constant")


if __name__ == "__main__":
    main()
