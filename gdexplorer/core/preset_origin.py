"""Which settings still come from an example after the student typed a function of their own.

A preset sets more than its function: Rosenbrock's 20,000 iterations and small learning rate, the
saddle's 60 iterations. Once the function is typed over, those values stay in the form and would
carry over silently; :func:`carried_over` names them so the form can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gdexplorer.core.config import RunConfig
from gdexplorer.core.explain.maths import format_number, format_vector
from gdexplorer.core.optimizers import get_variant
from gdexplorer.core.presets import Preset

DEFAULTS = RunConfig("x", (0.0,))
"""What a setting is when no example chose it."""


@dataclass(frozen=True)
class FormValues:
    """The settings an example chooses, as the form holds them now (None: not valid)."""

    function: str
    variant: str
    learning_rate: float | None
    iterations: int
    start: Sequence[float] | None


def is_custom(preset: Preset | None, function: str) -> bool:
    """Whether the typed function is not the example's (or no example was chosen)."""
    typed = " ".join(function.split())
    return bool(typed) and (preset is None or typed != " ".join(preset.config.function.split()))


def carried_over(preset: Preset, values: FormValues) -> list[str]:
    """The example's own settings still in the form: equal to the example's and not what they
    are without an example (a value the student changed, or the default, is not listed)."""
    chosen = preset.config
    kept = []
    if values.variant == chosen.variant != DEFAULTS.variant:
        kept.append(f"variant {get_variant(chosen.variant).title}")
    if values.learning_rate == chosen.learning_rate != DEFAULTS.learning_rate:
        kept.append(f"learning rate {format_number(chosen.learning_rate)}")
    if values.iterations == chosen.iterations != DEFAULTS.iterations:
        kept.append(f"max iterations {chosen.iterations:,}")
    start = tuple(values.start) if values.start is not None else None
    if start == tuple(chosen.start):
        kept.append(f"start {format_vector(chosen.start)}")
    return kept


def origin_note(preset: Preset | None, values: FormValues) -> str:
    """The sentence under the Example box once the function is custom ("" when it is not)."""
    if not is_custom(preset, values.function):
        return ""
    if preset is None:
        return "Custom function: every setting is as typed."
    kept = carried_over(preset, values)
    if not kept:
        return f"Custom function (none of the {preset.title} example's settings are left)."
    return (
        f"Custom function. Still from the {preset.title} example: {', '.join(kept)}. "
        "Change them if they do not suit your function."
    )
