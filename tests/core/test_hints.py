"""Hints for a beginner's typing: notes on accepted names, messages for refused text."""

from __future__ import annotations

import pytest

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse.expression import parse_function
from gdexplorer.core.parse.hints import function_notes, name_note


def _notes(text: str) -> tuple[str, ...]:
    return function_notes(parse_function(text).variables)


def test_a_function_name_run_into_its_argument_is_accepted_with_a_note() -> None:
    assert _notes("sinx") == ("one variable named 'sinx' — did you mean sin(x)?",)
    assert _notes("expx + y^2") == ("one variable named 'expx' — did you mean exp(x)?",)
    assert "did you mean sqrt(2x)?" in name_note("sqrt2x")


def test_letters_run_together_are_one_variable_with_a_note() -> None:
    assert _notes("xy") == ("'xy' is one variable; for a product write x*y",)
    assert _notes("abc + 1") == ("'abc' is one variable; for a product write a*b*c",)


@pytest.mark.parametrize(
    "text", ["x^2 + y^2", "x*y", "theta^2 + lr*w", "x1 + x10", "w_0^2", "cost^2", "(eta - 1)^2"]
)
def test_usual_names_get_no_note(text: str) -> None:
    assert _notes(text) == ()


def test_the_note_follows_each_odd_name_in_order() -> None:
    notes = _notes("f(xy, sinx) = xy + sinx")
    assert len(notes) == 2 and "'xy'" in notes[0] and "sin(x)" in notes[1]


@pytest.mark.parametrize(
    ("text", "advice"),
    [("|x|", "abs(x)"), ("|x - 1| + y^2", "abs(x - 1)"), ("x + |y", "abs(x)")],
)
def test_bars_suggest_abs(text: str, advice: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    assert advice in caught.value.message and caught.value.position == text.index("|")
    assert parse_function(advice.replace("|", "")).expr is not None  # the advice parses


@pytest.mark.parametrize("text", ["max(x, 0)", "max(x,0) + y", "MAX(x, y)", "min(x, 1)"])
def test_max_and_min_are_explained_never_offered_as_a_product(text: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    message = caught.value.message
    assert "*(...)" not in message and "abs(" in message and caught.value.position == 0


@pytest.mark.parametrize("name", ["sigmoid", "relu", "softplus", "log10", "log2", "hypot"])
def test_advice_for_unavailable_functions_parses(name: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(f"{name}(x) + y^2")
    advice = caught.value.message.split("can be written ", 1)[1].split(" (column")[0]
    parse_function(advice.split(", e.g.")[0].replace("a, b", "x, y").replace("(a", "(x"))


@pytest.mark.parametrize(
    ("text", "squared"),
    [("x = 3", "(x - 3)^2"), ("x^2 = 2", "(x^2 - 2)^2"), ("x + y = 1 + x", "(x + y - (1 + x))^2")],
)
def test_an_equation_is_not_a_function(text: str, squared: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    assert "is an equation, not a function" in caught.value.message
    assert squared in caught.value.message
    assert caught.value.position == text.index("=")
    parse_function(squared)  # what it offers instead is a function


@pytest.mark.parametrize("text", ["f = x^2", "y = x^2", "f(x, y) = x*y", "g(w) = w^2"])
def test_a_definition_is_still_a_function(text: str) -> None:
    assert parse_function(text).variables


def test_no_bundled_example_or_model_template_gets_a_note() -> None:
    from gdexplorer.core.data.datasets import (
        load_dataset,
        load_samples,
        split_columns,
        template_loss,
    )
    from gdexplorer.core.data.objective import build_data_objective
    from gdexplorer.core.presets import load_presets

    for preset in load_presets():
        parsed = parse_function(preset.config.function, preset.config.variables)
        assert function_notes(parsed.variables) == (), preset.name
    for sample in load_samples():
        data = load_dataset(sample.config.data)
        features, target = split_columns(data.columns, data.columns)
        losses = [sample.config.function]
        losses += [template_loss(kind, features, target) for kind in ("linear regression",
                   "logistic regression")]  # fmt: skip
        for loss in losses:
            parameters = build_data_objective(loss, data, None).variables
            assert function_notes(parameters) == (), (sample.name, loss)
