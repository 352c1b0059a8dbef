"""Help > What each variant does: the variants' equations over k, readable and still right."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gdexplorer.core.explain.variant_text import all_variant_texts, variant_text
from gdexplorer.core.optimizers import VARIANTS, init, update

_CODE_WORDS = re.compile(r"bias_correction|beta|momentum|sqrt|\*|<-|_|\blr \*|step")
_BACK_TO_PYTHON = (
    ("ₖ₊₁", "_next"), ("ₖ₋₁", "_prev"), ("ₖ", "_now"), ("√c₂", "c2root"), ("c₁", "c1"),
    ("β₁", "beta1"), ("β₂", "beta2"), ("ε", "eps"), ("ρ", "rho"), ("μ", "momentum"),
    ("·", "*"), ("−", "-"), ("²", "**2"), ("ᵗ", "**t"), ("√(", "sqrt("),
)  # fmt: skip
"""The rendered text turned back into Python, to check that it computes the update."""


def _as_python(line: str) -> str:
    for shown, code in _BACK_TO_PYTHON:
        line = line.replace(shown, code)
    return re.sub(r"√(\w+)", r"sqrt(\1)", line)


@pytest.mark.parametrize("text", all_variant_texts(), ids=lambda t: t.name)
def test_no_code_names_or_markup(text) -> None:
    for line in text.equations:
        assert not _CODE_WORDS.search(line), line
        assert "<" not in line and "&" not in line
    assert text.equations[-1].startswith("xₖ₊₁ = xₖ ")
    assert text.summary and text.title


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_written_equations_compute_the_update(name: str) -> None:
    """Three updates through the text as shown (turned back into Python) match the optimizer."""
    variant = VARIANTS[name]
    lines = [_as_python(line) for line in variant_text(variant).equations]
    rng = np.random.default_rng(7)
    state = init(variant, np.zeros(3))
    names: dict = {"sqrt": math.sqrt, "lr": 0.05, **variant.hyperparameters()}
    names.update({f"{slot}_prev": np.zeros(3) for slot in variant.state_slots})
    x = rng.normal(size=3)
    for t in (1, 2, 3):
        gradient = rng.normal(size=3)
        step, state = update(variant, gradient, state, 0.05)
        names.update({"t": t, "g_now": gradient, "x_now": x, "sqrt": np.sqrt})
        for line in lines:
            target, expression = (part.strip() for part in line.split("=", 1))
            names[target] = eval(expression, {}, names)  # our own equations, in the test only
        np.testing.assert_allclose(names["x_next"], x + step, rtol=1e-12, atol=1e-15)
        for slot in variant.state_slots:
            np.testing.assert_allclose(names[f"{slot}_now"], state.slots[slot], rtol=1e-12)
            names[f"{slot}_prev"] = names[f"{slot}_now"]
        x = names["x_next"]


def test_state_reads_the_previous_value_until_it_is_updated() -> None:
    momentum = variant_text(VARIANTS["momentum"]).equations
    assert momentum == ("bₖ = μ·bₖ₋₁ + gₖ", "xₖ₊₁ = xₖ − lr·bₖ")
    assert variant_text(VARIANTS["gd"]).equations == ("xₖ₊₁ = xₖ − lr·gₖ",)
    assert "√c₂ = √(1 − β₂ᵗ)" in variant_text(VARIANTS["adam"]).equations
