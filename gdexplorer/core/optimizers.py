"""The gradient-descent variants, each written once as the equations PyTorch uses.

Every variant is a :class:`Variant`: a tuple of per-coordinate update equations over the
gradient ``g``, the step counter ``t`` (1, 2, ...), the learning rate ``lr``, the variant's
hyperparameters and its state. The same equations serve three purposes:

* :func:`init` / :func:`update` run them on numpy arrays, optax style
  (``init(params) -> state``, ``update(grad, state, ...) -> (step, state)``);
* :mod:`gdexplorer.core.codegen` inlines them per coordinate into the fused run loop;
* the inspector prints them with one iteration's numbers substituted.

The equations are constants of this module, never user text. With ``maximize`` the gradient
is negated before the rule, as ``torch.optim`` does with ``maximize=True``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from gdexplorer.core.errors import ConfigError


class OptimizerState(NamedTuple):
    """The state of one variant after ``t`` updates; ``slots`` maps state name -> array."""

    t: int
    slots: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Variant:
    """One update rule.

    Attributes
    ----------
    name:
        The command-line and settings name (``"adam"``).
    title:
        What a student reads (``"Adam"``).
    equations:
        Assignments in Python syntax, evaluated in order, one coordinate at a time. Names:
        ``g`` the gradient, ``t`` the step counter, ``lr``, the hyperparameters, the state
        slots, the scalars of ``step_equations``, ``sqrt``. The last one assigns ``step``,
        added to the point.
    step_equations:
        Scalars computed once per update before the coordinates (they depend only on ``t``
        and the hyperparameters), like Adam's bias corrections.
    state_slots:
        Names of the per-coordinate state, all zero before the first update.
    defaults:
        The hyperparameters this variant uses, with PyTorch's defaults.
    summary:
        One sentence on what the variant changes, for the README, the CLI and the window.
    """

    name: str
    title: str
    equations: tuple[str, ...]
    step_equations: tuple[str, ...] = ()
    state_slots: tuple[str, ...] = ()
    defaults: Mapping[str, float] = field(default_factory=dict)
    summary: str = ""
    coordinatewise: bool = True
    """False for a rule that is not per coordinate (Newton's −H⁻¹g): it runs in its own loop
    (:mod:`gdexplorer.core.stepsize.direction_run`), not in the fused one or the lanes."""

    def hyperparameters(self, overrides: Mapping[str, float | None] | None = None) -> dict:
        """The variant's hyperparameters: its defaults, replaced by any non-None override."""
        values = dict(self.defaults)
        for key, value in (overrides or {}).items():
            if key in values and value is not None:
                values[key] = float(value)
        return values


_VARIANTS = (
    Variant(
        name="gd",
        title="Gradient descent",
        equations=("step = -lr * g",),
        summary="Steps against the gradient, lr times its size: x ← x − lr·g.",
    ),
    Variant(
        name="momentum",
        title="Momentum",
        equations=("b = momentum * b + g", "step = -lr * b"),
        state_slots=("b",),
        defaults=MappingProxyType({"momentum": 0.9}),
        summary="Accumulates a velocity b of past gradients, so it speeds along consistent "
        "directions and damps zig-zags (heavy ball, PyTorch SGD momentum).",
    ),
    Variant(
        name="nesterov",
        title="Nesterov momentum",
        equations=("b = momentum * b + g", "step = -lr * (g + momentum * b)"),
        state_slots=("b",),
        defaults=MappingProxyType({"momentum": 0.9}),
        summary="Momentum that looks ahead: the step uses g + μ·b, which corrects an "
        "overshoot one step earlier (PyTorch SGD nesterov=True).",
    ),
    Variant(
        name="adagrad",
        title="AdaGrad",
        equations=("s = s + g * g", "step = -lr * g / (sqrt(s) + eps)"),
        state_slots=("s",),
        defaults=MappingProxyType({"eps": 1e-10}),
        summary="Divides each coordinate's step by the root of its summed squared gradients, "
        "so steep coordinates slow down; the steps shrink forever.",
    ),
    Variant(
        name="rmsprop",
        title="RMSProp",
        equations=(
            "s = rho * s + (1 - rho) * (g * g)",
            "step = -lr * g / (sqrt(s) + eps)",
        ),
        state_slots=("s",),
        defaults=MappingProxyType({"rho": 0.99, "eps": 1e-8}),
        summary="Like AdaGrad but with a decaying average of squared gradients, so the step "
        "size adapts without shrinking to zero.",
    ),
    Variant(
        name="adam",
        title="Adam",
        step_equations=(
            "bias_correction1 = 1 - beta1 ** t",
            "bias_correction2_sqrt = sqrt(1 - beta2 ** t)",
        ),
        equations=(
            "m = beta1 * m + (1 - beta1) * g",
            "v = beta2 * v + (1 - beta2) * (g * g)",
            "step = -(lr / bias_correction1) * m / (sqrt(v) / bias_correction2_sqrt + eps)",
        ),
        state_slots=("m", "v"),
        defaults=MappingProxyType({"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        summary="Momentum (m) plus RMSProp scaling (v), both bias-corrected: steps of about lr "
        "per coordinate whatever the gradient's scale.",
    ),
)

VARIANTS: Mapping[str, Variant] = MappingProxyType({v.name: v for v in _VARIANTS})
"""The per-coordinate rules (the fused loop, the lanes, sweeps and races run these)."""

NEWTON = Variant(
    name="newton",
    title="Newton's method",
    equations=("step = lr * d",),
    summary="Steps to the minimum of the local quadratic model: d = −H⁻¹g with the exact "
    "Hessian H, x ← x + lr·d (set lr = 1 for pure Newton); where H is not positive definite "
    "its eigenvalues are used as |λ|.",
    coordinatewise=False,
)
ALL_VARIANTS: Mapping[str, Variant] = MappingProxyType({**VARIANTS, NEWTON.name: NEWTON})
"""Every variant a single run may use: the per-coordinate ones and Newton's method."""
HYPERPARAMETER_NAMES: tuple[str, ...] = ("momentum", "beta1", "beta2", "rho", "eps")


def get_variant(name: str) -> Variant:
    """The variant called ``name``, or a :class:`ConfigError` listing the choices."""
    try:
        return ALL_VARIANTS[name.strip().lower()]
    except KeyError:
        choices = ", ".join(ALL_VARIANTS)
        raise ConfigError(f"unknown variant '{name}': choose one of {choices}") from None


def init(variant: Variant, params: np.ndarray) -> OptimizerState:
    """The state before the first update: every slot zero, ``t = 0``."""
    zeros = np.zeros_like(np.asarray(params, dtype=float))
    return OptimizerState(0, MappingProxyType({s: zeros.copy() for s in variant.state_slots}))


def update(
    variant: Variant,
    grad: np.ndarray,
    state: OptimizerState,
    learning_rate: float,
    hyperparameters: Mapping[str, float] | None = None,
    maximize: bool = False,
) -> tuple[np.ndarray, OptimizerState]:
    """One update: the step to add to the point, and the new state.

    Works on arrays of any shape (one run, or many runs at once), coordinate by coordinate.
    """
    g = -np.asarray(grad, dtype=float) if maximize else np.asarray(grad, dtype=float)
    names: dict = {"g": g, "t": state.t + 1, "lr": learning_rate, "sqrt": np.sqrt}
    names.update(variant.hyperparameters(hyperparameters))
    names.update(state.slots)
    _compiled(variant)(names)
    slots = MappingProxyType({s: names[s] for s in variant.state_slots})
    return names["step"], OptimizerState(state.t + 1, slots)


_COMPILED: dict[str, object] = {}


def _compiled(variant: Variant):
    """The variant's equations as one function of a namespace dict (compiled once)."""
    if variant.name not in _COMPILED:
        body = "\n".join(f"    {line}" for line in (*variant.step_equations, *variant.equations))
        names = sorted(equation_names(variant))
        assigned = {"step", *step_scalar_names(variant)}
        unpack = "".join(f"    {n} = ns['{n}']\n" for n in names if n not in assigned)
        pack = "".join(f"    ns['{n}'] = {n}\n" for n in (*variant.state_slots, "step"))
        source = f"def _apply(ns):\n{unpack}{body}\n{pack}"
        scope: dict = {}
        exec(compile(source, f"<variant {variant.name}>", "exec"), scope)  # our constants only
        _COMPILED[variant.name] = scope["_apply"]
    return _COMPILED[variant.name]


def equation_names(variant: Variant) -> set[str]:
    """Every name the variant's equations read or write."""
    tree = ast.parse("\n".join((*variant.step_equations, *variant.equations)))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def step_scalar_names(variant: Variant) -> tuple[str, ...]:
    """The names the variant's ``step_equations`` assign (``bias_correction1``, ...)."""
    return tuple(eq.split("=", 1)[0].strip() for eq in variant.step_equations)
