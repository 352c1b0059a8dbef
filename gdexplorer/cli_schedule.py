"""The command line's learning-rate schedule options (``--schedule`` and its options).

``--schedule NAME`` picks one of PyTorch's schedules (:mod:`gdexplorer.core.stepsize`); each
option of the schedules has its flag (``--t-max 50``). An option the chosen schedule does not
use is an error (one line, exit 2), as is an option given without ``--schedule``. ``onecycle``
sets its own rates from ``--max-lr``: a ``--lr`` given beside it is ignored, and a note on
stderr says so.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gdexplorer.core.errors import GdxError
from gdexplorer.core.stepsize.schedules import SCHEDULES
from gdexplorer.core.stepsize.settings import (
    EVERY_CHOICES,
    OPTION_FLAGS,
    WHOLE_OPTIONS,
    ScheduleSettings,
)

_HELP = {
    "step_size": "step: updates between decays",
    "gamma": "step, exponential: the decay factor γ (step: 0.1)",
    "t_max": "cosine: updates from lr down to eta-min (T_max)",
    "eta_min": "cosine: the lowest rate (0)",
    "max_lr": "onecycle: the peak rate",
    "total_steps": "onecycle: the cycle's length (default: the run's updates)",
    "pct_start": "onecycle: the warm-up's share of the cycle (0.3)",
    "div_factor": "onecycle: first rate = max-lr / this (25)",
    "final_div_factor": "onecycle: last rate = first rate / this (1e4)",
    "factor": "plateau: the rate is multiplied by this (0.1)",
    "patience": "plateau: updates without improvement tolerated (10)",
    "threshold": "plateau: relative improvement that counts (1e-4)",
    "cooldown": "plateau: updates to wait after a reduction (0)",
    "min_lr": "plateau: the lowest rate (0)",
}


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """The ``learning-rate schedule`` argument group."""
    group = parser.add_argument_group("learning-rate schedule (as torch.optim.lr_scheduler)")
    group.add_argument("--schedule", metavar="NAME", help=" | ".join(SCHEDULES))
    for name, flag in OPTION_FLAGS.items():
        kind = int if name in WHOLE_OPTIONS else _number
        group.add_argument(flag, dest=f"schedule_{name}", type=kind, help=_HELP[name])
    group.add_argument(
        "--schedule-every", choices=EVERY_CHOICES, help="data runs: step per update or per epoch"
    )


def _number(text: str) -> float:
    from gdexplorer.cli import _finite

    return _finite(text)


def schedule_given(args: argparse.Namespace) -> dict[str, Any]:
    """``{"schedule": ScheduleSettings}`` when ``--schedule`` was given, else ``{}``.

    GdxError for a schedule option without ``--schedule``; the options' ranges and whether
    the schedule uses them are checked with the rest of the settings.
    """
    options = {
        name: getattr(args, f"schedule_{name}")
        for name in OPTION_FLAGS
        if getattr(args, f"schedule_{name}", None) is not None
    }
    every = getattr(args, "schedule_every", None)
    name = getattr(args, "schedule", None)
    if name is None:
        if options or every is not None:
            flag = OPTION_FLAGS[next(iter(options))] if options else "--schedule-every"
            raise GdxError(f"{flag} is an option of a schedule: give --schedule NAME too")
        return {}
    if name.strip().lower() == "onecycle" and getattr(args, "learning_rate", None) is not None:
        print(
            "note: the onecycle schedule ignores --lr (its rates follow --max-lr)", file=sys.stderr
        )
    return {"schedule": ScheduleSettings(name=name, every=every or "update", **options)}
