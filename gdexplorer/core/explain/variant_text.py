"""Each variant's update rule written as a student reads it, for Help > What each variant does.

The equations are the variants' own (:mod:`gdexplorer.core.optimizers`), rendered by the same
code as the inspector's worked example (:func:`gdexplorer.core.explain.maths.render`), with an
iteration index k in place of numbers: ``mₖ = β₁·mₖ₋₁ + (1 − β₁)·gₖ``, then
``xₖ₊₁ = xₖ − lr·gₖ``. No code names (``bias_correction2_sqrt`` is ``√c₂``), no markup.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from gdexplorer.core.explain.maths import SYMBOLS, format_number, render
from gdexplorer.core.optimizers import VARIANTS, Variant

NOW, BEFORE, NEXT = "ₖ", "ₖ₋₁", "ₖ₊₁"
NAMES = {**SYMBOLS, "momentum": "μ"}
"""How each name of the equations is written (the inspector's symbols, and μ for momentum)."""
LEGEND = (
    "gₖ = ∇f(xₖ), the gradient at the current point; every operation is per coordinate",
    "t = k + 1 counts the updates; the state (b, s, m, v) starts at 0",
)


@dataclass(frozen=True)
class VariantText:
    """A variant as help text: its title, what it changes, its defaults and its equations."""

    name: str
    title: str
    summary: str
    defaults: str
    equations: tuple[str, ...]


def variant_text(variant: Variant) -> VariantText:
    """``variant``'s equations over iteration k, in the order they are computed."""
    lines = [_scalar_line(line) for line in variant.step_equations]
    updated: set[str] = set()
    for line in variant.equations:
        target, expr = _split(line)
        text = render(expr, lambda name: _indexed(name, variant, updated))[0]
        if target == "step":
            lines.append(_position_line(text))
        else:
            lines.append(f"{target}{NOW} = {text}")
            updated.add(target)
    defaults = ", ".join(
        f"{NAMES.get(k, k)} = {format_number(v)}" for k, v in variant.defaults.items()
    )
    return VariantText(variant.name, variant.title, variant.summary, defaults, tuple(lines))


def all_variant_texts() -> tuple[VariantText, ...]:
    return tuple(variant_text(variant) for variant in VARIANTS.values())


def _indexed(name: str, variant: Variant, updated: set[str]) -> str:
    """``gₖ``; a state slot ``mₖ`` once updated in this iteration, else ``mₖ₋₁``."""
    if name == "g":
        return f"g{NOW}"
    if name in variant.state_slots:
        return f"{name}{NOW if name in updated else BEFORE}"
    return NAMES.get(name, name)


def _scalar_line(line: str) -> str:
    """A scalar of the update computed from t alone (Adam's bias corrections)."""
    target, expr = _split(line)
    return f"{NAMES.get(target, target)} = {render(expr, lambda n: NAMES.get(n, n))[0]}"


def _position_line(step: str) -> str:
    """``xₖ₊₁ = xₖ − lr·gₖ`` from the step ``−lr·gₖ`` (a leading minus becomes the subtraction:
    the renderer negates a whole product or quotient, so no bracket is lost)."""
    if step.startswith("−"):
        return f"x{NEXT} = x{NOW} − {step[1:]}"
    return f"x{NEXT} = x{NOW} + {step}"


def _split(line: str) -> tuple[str, ast.expr]:
    """``target = expression`` of one of the variants' own equations (constants, not input)."""
    assign = ast.parse(line).body[0]
    assert isinstance(assign, ast.Assign) and isinstance(assign.targets[0], ast.Name)
    return assign.targets[0].id, assign.value
