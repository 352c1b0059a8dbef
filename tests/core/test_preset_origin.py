"""Which settings an example left in the form after the student typed a function (no Qt)."""

from __future__ import annotations

from gdexplorer.core.preset_origin import FormValues, carried_over, is_custom, origin_note
from gdexplorer.core.presets import get_preset

ROSENBROCK = get_preset("rosenbrock")


def values(**changes) -> FormValues:
    chosen = ROSENBROCK.config
    fields = {
        "function": "x^2 + 3y^2",
        "variant": chosen.variant,
        "learning_rate": chosen.learning_rate,
        "iterations": chosen.iterations,
        "start": chosen.start,
    }
    return FormValues(**{**fields, **changes})


def test_the_examples_own_function_is_not_custom_however_spaced() -> None:
    spaced = ROSENBROCK.config.function.replace(" ", "  ")
    assert not is_custom(ROSENBROCK, spaced)
    assert is_custom(ROSENBROCK, "x^2 + 3y^2") and is_custom(None, "x^2")
    assert not is_custom(None, "   ")
    assert origin_note(ROSENBROCK, values(function=ROSENBROCK.config.function)) == ""


def test_the_examples_settings_still_in_the_form_are_named() -> None:
    kept = carried_over(ROSENBROCK, values())
    assert f"max iterations {ROSENBROCK.config.iterations:,}" in kept
    assert any(item.startswith("learning rate") for item in kept)
    assert any(item.startswith("start") for item in kept)
    note = origin_note(ROSENBROCK, values())
    assert note.startswith("Custom function") and ROSENBROCK.title in note


def test_values_the_student_changed_or_left_at_the_default_are_not_named() -> None:
    kept = carried_over(ROSENBROCK, values(iterations=1000, learning_rate=0.05, start=(1, 2)))
    assert kept == []
    assert "none of" in origin_note(
        ROSENBROCK, values(iterations=1000, learning_rate=0.05, start=(1, 2))
    )
    saddle = get_preset("saddle")
    kept = carried_over(
        saddle,
        values(**{"iterations": saddle.config.iterations, "learning_rate": 0.1, "start": None}),
    )
    assert kept == [f"max iterations {saddle.config.iterations:,}"]  # 0.1 is the default
