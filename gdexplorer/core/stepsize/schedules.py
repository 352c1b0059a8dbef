"""Learning-rate schedules, with the numbers of ``torch.optim.lr_scheduler``.

A schedule turns the base learning rate into the rate lr_k of update k (k = 0, 1, ...), as a
PyTorch training loop does: update k uses lr_k, then the scheduler steps once. Five schedules
are closed forms of k (:class:`ClosedForm`), so the fused loop inlines them and a sweep
evaluates them for every lane at once; ``plateau`` (ReduceLROnPlateau) keeps a little state
and is given f(x_k), the value computed for update k (:class:`PlateauRule`).

Each schedule carries its equation as a student reads it (:attr:`Schedule.equation`) and the
options it uses (the names of :class:`~gdexplorer.core.stepsize.settings.ScheduleSettings`).
Where PyTorch computes a rate recursively (StepLR, ExponentialLR, CosineAnnealingLR multiply
the previous rate), the closed form agrees with it to rounding: ``tests/reference`` holds
PyTorch's own numbers and the tests compare them row by row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

RATE_COLUMN = "lr"
"""The trajectory column of lr_k: row k holds the rate of update k, which starts at x_k."""
PLATEAU_EPS = 1e-8
"""ReduceLROnPlateau's ``eps``: a reduction smaller than this is not applied (PyTorch's default)."""


@dataclass(frozen=True)
class Schedule:
    """One schedule: its name, what it does, the options it uses with PyTorch's defaults.

    ``defaults`` maps every option the schedule uses to PyTorch's default, or ``None`` where
    PyTorch has none (the option is then required). ``equation`` is written with the option
    names a student sees (lr, γ, T_max, ...).
    """

    name: str
    title: str
    torch_name: str
    equation: str
    defaults: Mapping[str, float | int | None]
    summary: str
    uses_base_rate: bool = True

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, value in self.defaults.items() if value is None)


SCHEDULES: Mapping[str, Schedule] = MappingProxyType(
    {
        s.name: s
        for s in (
            Schedule(
                "constant", "Constant", "", "lr_k = lr", MappingProxyType({}),
                "The same rate for every update (no scheduler).",
            ),
            Schedule(
                "step", "Step decay", "StepLR", "lr_k = lr · γ^⌊k / step_size⌋",
                MappingProxyType({"step_size": None, "gamma": 0.1}),
                "Multiplies the rate by γ every step_size updates.",
            ),
            Schedule(
                "exponential", "Exponential decay", "ExponentialLR", "lr_k = lr · γ^k",
                MappingProxyType({"gamma": None}),
                "Multiplies the rate by γ after every update.",
            ),
            Schedule(
                "cosine", "Cosine annealing", "CosineAnnealingLR",
                "lr_k = η_min + (lr − η_min) · (1 + cos(π k / T_max)) / 2",
                MappingProxyType({"t_max": None, "eta_min": 0.0}),
                "Falls from lr to η_min along half a cosine in T_max updates, then rises again.",
            ),
            Schedule(
                "onecycle", "One cycle", "OneCycleLR",
                "lr_k = end + (start − end) · (1 + cos(π p)) / 2, p = progress in the phase",
                MappingProxyType(
                    {"max_lr": None, "total_steps": None, "pct_start": 0.3,
                     "div_factor": 25.0, "final_div_factor": 1e4}
                ),  # fmt: skip
                "Warms up from max_lr/div_factor to max_lr, then anneals to a tiny rate; "
                "the learning rate setting is ignored.",
                uses_base_rate=False,
            ),
            Schedule(
                "plateau", "Reduce on plateau", "ReduceLROnPlateau",
                "lr ← max(factor · lr, min_lr) after patience updates without a better f",
                MappingProxyType(
                    {"factor": 0.1, "patience": 10, "threshold": 1e-4, "cooldown": 0,
                     "min_lr": 0.0}
                ),  # fmt: skip
                "Divides the rate when f has stopped improving for patience updates.",
            ),
        )
    }
)  # fmt: skip
"""Every schedule by name, in the order the CLI and the window list them."""


def onecycle_phases(options: Mapping[str, Any]) -> tuple[float, float, float, float, float]:
    """``(initial_lr, max_lr, min_lr, warm-up end, last step)`` of OneCycleLR (two phases).

    As PyTorch: the warm-up ends at step ``pct_start · total_steps − 1``, the annealing at
    ``total_steps − 1``; ``initial_lr = max_lr / div_factor`` and ``min_lr = initial_lr /
    final_div_factor``.
    """
    max_lr = options["max_lr"] * 1.0  # a float, or one per lane in a sweep
    initial = max_lr / float(options["div_factor"])
    lowest = initial / float(options["final_div_factor"])
    total = float(options["total_steps"])
    return initial, max_lr, lowest, float(options["pct_start"]) * total - 1, total - 1


def closed_form_rate(
    name: str, options: Mapping[str, Any], k: Any, base: Any, cos: Any = math.cos
) -> Any:
    """lr_k of the closed-form schedule ``name`` (every one but ``plateau``).

    ``k`` and ``base`` may be floats or numpy arrays (``cos`` then ``np.cos``); ``base`` is the
    learning rate (for ``onecycle``, unused: its ``max_lr`` option sets the scale). The
    arithmetic is PyTorch's, term by term, so the two agree to rounding.
    """
    if name == "constant":
        return base + 0.0 * k
    if name == "step":
        return base * float(options["gamma"]) ** (k // int(options["step_size"]))
    if name == "exponential":
        return base * float(options["gamma"]) ** k
    if name == "cosine":
        eta_min = float(options["eta_min"])
        return eta_min + (base - eta_min) * (1 + cos(math.pi * k / int(options["t_max"]))) / 2
    if name == "onecycle":
        initial, peak, lowest, warm_end, last = onecycle_phases(options)
        if isinstance(k, np.ndarray):
            return np.where(
                k <= warm_end,
                _anneal(initial, peak, k / warm_end, cos),
                _anneal(peak, lowest, (k - warm_end) / (last - warm_end), cos),
            )
        if k <= warm_end:
            return _anneal(initial, peak, k / warm_end, cos)
        return _anneal(peak, lowest, (k - warm_end) / (last - warm_end), cos)
    raise ValueError(f"{name} is not a closed-form schedule")


def _anneal(start: float, end: float, pct: Any, cos: Any) -> Any:
    """OneCycleLR's cosine annealing from ``start`` to ``end`` as ``pct`` goes 0 -> 1."""
    return end + (start - end) / 2.0 * (cos(math.pi * pct) + 1)


class PlateauRule:
    """ReduceLROnPlateau (mode min, relative threshold) for one run or many at once.

    ``lr``, ``best``, ``bad`` (updates without improvement) and ``cooling`` (cooldown updates
    left) are floats or arrays of one entry per lane. :meth:`step` is PyTorch's ``step(f)``:
    with ``maximize``, PyTorch's mode ``max`` (the value must rise by the threshold).
    """

    def __init__(self, options: Mapping[str, Any], base: Any, maximize: bool = False) -> None:
        self.factor = float(options["factor"])
        self.patience = int(options["patience"])
        self.threshold = float(options["threshold"])
        self.cooldown = int(options["cooldown"])
        self.min_lr = float(options["min_lr"])
        self.maximize = maximize
        zeros = np.zeros_like(base, dtype=float) if isinstance(base, np.ndarray) else 0.0
        self.lr = base * 1.0
        self.best = zeros + (-math.inf if maximize else math.inf)
        self.bad = zeros + 0.0
        self.cooling = zeros + 0.0

    def step(self, value: Any) -> None:
        """Take f(x_k) of the update just made; sets the rate of the next one."""
        if isinstance(self.lr, np.ndarray):
            self._step_lanes(np.asarray(value, dtype=float))
            return
        if self.is_better(value, self.best):
            self.best, self.bad = value, 0.0
        else:
            self.bad += 1
        if self.cooling > 0:
            self.cooling -= 1
            self.bad = 0.0
        if self.bad > self.patience:
            reduced = max(self.lr * self.factor, self.min_lr)
            if self.lr - reduced > PLATEAU_EPS:
                self.lr = reduced
            self.cooling, self.bad = float(self.cooldown), 0.0

    def is_better(self, value: Any, best: Any) -> Any:
        """PyTorch's rule: lower than best · (1 − threshold) (higher than best · (1 +
        threshold) when maximizing)."""
        if self.maximize:
            return value > best * (self.threshold + 1)
        return value < best * (1 - self.threshold)

    def _step_lanes(self, value: np.ndarray) -> None:
        better = self.is_better(value, self.best)
        self.best = np.where(better, value, self.best)
        self.bad = np.where(better, 0.0, self.bad + 1)
        cooling = self.cooling > 0
        self.cooling = np.where(cooling, self.cooling - 1, self.cooling)
        self.bad = np.where(cooling, 0.0, self.bad)
        reduce = self.bad > self.patience
        reduced = np.maximum(self.lr * self.factor, self.min_lr)
        self.lr = np.where(reduce & (self.lr - reduced > PLATEAU_EPS), reduced, self.lr)
        self.cooling = np.where(reduce, float(self.cooldown), self.cooling)
        self.bad = np.where(reduce, 0.0, self.bad)

    def keep(self, mask: np.ndarray) -> None:
        """Keep the lanes ``mask`` selects (lanes that stopped are dropped)."""
        for name in ("lr", "best", "bad", "cooling"):
            setattr(self, name, getattr(self, name)[..., mask])


class Scheduler:
    """lr_k for one run or many (``base`` an array of one rate per lane), stepped per update.

    ``rate`` is the rate the next update uses; :meth:`step` moves to the next one, given f at
    the point of the update just made (only ``plateau`` reads it).
    """

    def __init__(
        self, name: str, options: Mapping[str, Any], base: Any, maximize: bool = False
    ) -> None:
        self.name, self.options, self.base = name, dict(options), base
        self.k = 0
        self.plateau = PlateauRule(options, base, maximize) if name == "plateau" else None
        self.rate = self._rate()

    def _rate(self) -> Any:
        if self.plateau is not None:
            return self.plateau.lr
        cos = np.cos if isinstance(self.base, np.ndarray) else math.cos
        return closed_form_rate(self.name, self.options, float(self.k), self.base, cos)

    def step(self, value: Any = None) -> None:
        self.k += 1
        if self.plateau is not None:
            self.plateau.step(value)
        self.rate = self._rate()

    def keep(self, mask: np.ndarray) -> None:
        """Keep the lanes ``mask`` selects."""
        if isinstance(self.base, np.ndarray):
            self.base = self.base[..., mask]
        for name, value in self.options.items():  # onecycle's max_lr, one per lane
            if isinstance(value, np.ndarray):
                self.options[name] = value[..., mask]
        if self.plateau is not None:
            self.plateau.keep(mask)
        self.rate = self._rate()
