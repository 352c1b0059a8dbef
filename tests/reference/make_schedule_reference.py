"""Write tests/reference/schedules.json: PyTorch's learning rates for every schedule.

Run once, in a scratch environment with torch (torch is not a dependency of gdexplorer):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch
    /tmp/torchenv/bin/python tests/reference/make_schedule_reference.py

Each case is a PyTorch training loop without the training: an SGD optimizer over one
parameter, ``optimizer.step()`` then ``scheduler.step()`` per update (``scheduler.step(loss)``
for ReduceLROnPlateau, given the case's loss sequence). ``rates[k]`` is lr_k, the rate update k
uses (``get_last_lr()`` after k scheduler steps), for k = 0 .. steps. The options are written
with gdexplorer's names (``t_max`` for ``T_max``, ...), so the tests pass them straight on.
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path

import torch

TARGET = Path(__file__).with_name("schedules.json")

TORCH_NAMES = {"t_max": "T_max", "min_lr": "min_lr"}


def loss_sequence(count: int, seed: int) -> list[float]:
    """A loss that falls, stalls on plateaus and wobbles: a deterministic test input."""
    state, out = seed, []
    for k in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        noise = (state >> 11) / 2**53 - 0.5
        plateau = 1.0 if (k // 15) % 2 else 0.0
        out.append(2.0 / (1 + 0.05 * k * (1 - 0.8 * plateau)) + 0.002 * noise + 0.3)
    return out


CASES = [
    {"name": "step", "lr": 0.1, "steps": 60, "options": {"step_size": 7, "gamma": 0.5}},
    {"name": "step", "lr": 1.0, "steps": 40, "options": {"step_size": 3}},
    {"name": "exponential", "lr": 0.3, "steps": 200, "options": {"gamma": 0.95}},
    {"name": "exponential", "lr": 0.01, "steps": 100, "options": {"gamma": 1.01}},
    {"name": "cosine", "lr": 0.1, "steps": 160, "options": {"t_max": 50}},
    {"name": "cosine", "lr": 0.5, "steps": 60, "options": {"t_max": 7, "eta_min": 0.01}},
    {"name": "cosine", "lr": 0.02, "steps": 300, "options": {"t_max": 50}},
    {"name": "onecycle", "lr": 0.1, "steps": 100, "options": {"max_lr": 0.2, "total_steps": 100}},
    {
        "name": "onecycle", "lr": 0.1, "steps": 37,
        "options": {"max_lr": 1.0, "total_steps": 37, "pct_start": 0.25, "div_factor": 10.0,
                    "final_div_factor": 100.0},
    },
    {"name": "onecycle", "lr": 0.1, "steps": 80, "options": {"max_lr": 0.05, "total_steps": 120}},
    {"name": "plateau", "lr": 0.1, "steps": 120, "options": {}, "losses": loss_sequence(120, 1)},
    {
        "name": "plateau", "lr": 0.2, "steps": 150,
        "options": {"factor": 0.5, "patience": 3, "threshold": 0.01, "cooldown": 2,
                    "min_lr": 0.004},
        "losses": loss_sequence(150, 2),
    },
    {
        "name": "plateau", "lr": 0.05, "steps": 100, "maximize": True,
        "options": {"factor": 0.3, "patience": 2, "threshold": 0.001},
        "losses": [-v for v in loss_sequence(100, 3)],
    },
]  # fmt: skip


def scheduler(case: dict, optimizer: torch.optim.Optimizer):
    options = {TORCH_NAMES.get(k, k): v for k, v in case["options"].items()}
    name = case["name"]
    lr = torch.optim.lr_scheduler
    if name == "step":
        return lr.StepLR(optimizer, **options)
    if name == "exponential":
        return lr.ExponentialLR(optimizer, **options)
    if name == "cosine":
        return lr.CosineAnnealingLR(optimizer, **options)
    if name == "onecycle":
        return lr.OneCycleLR(optimizer, cycle_momentum=False, **options)
    mode = "max" if case.get("maximize") else "min"
    return lr.ReduceLROnPlateau(optimizer, mode=mode, **options)


def rates(case: dict) -> list[float]:
    parameter = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([parameter], lr=case["lr"])
    schedule = scheduler(case, optimizer)
    out = [float(optimizer.param_groups[0]["lr"])]
    for k in range(case["steps"]):
        optimizer.step()
        if case["name"] == "plateau":
            schedule.step(case["losses"][k])
        else:
            schedule.step()
        out.append(float(optimizer.param_groups[0]["lr"]))
    return out


def main() -> None:
    cases = [{**case, "rates": rates(case)} for case in CASES]
    for case in cases:
        assert all(math.isfinite(r) for r in case["rates"])
    document = {
        "made_by": "tests/reference/make_schedule_reference.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "convention": "rates[k] = lr_k, the rate of update k (k = 0 .. steps)",
        "cases": cases,
    }
    TARGET.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {TARGET}")


if __name__ == "__main__":
    main()
