"""RunConfig from a file: every field checked (type, range, size), one line naming it, nothing
else escaping; and absurd numbers refused by ``validated`` before a run is built."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdexplorer.core.config import MAX_TOLERANCE, START_LIMIT, RunConfig
from gdexplorer.core.engine import Run
from gdexplorer.core.errors import ConfigError, GdxError
from gdexplorer.core.gradients import GRADIENT_MODES
from gdexplorer.core.optimizers import VARIANTS

DATA_CONFIG = RunConfig(
    "(w*x + b - y)^2", (0.5, -0.25), ("w", "b"), variant="adam", data="sample:line",
    batch_size=4, epochs=3, seed=7, standardize=True,
)  # fmt: skip
TYPED_CONFIG = RunConfig(
    "x^2 + 3*y^2", (1.5, -2.0), ("x", "y"), variant="momentum", momentum=0.5, gradient="central"
)
FIELDS = sorted(TYPED_CONFIG.to_dict().keys() - {"format"})

HOSTILE_VALUES = [
    None,
    [],
    [1, "x"],
    {"a": 1},
    "text",
    "",
    True,
    -1,
    0,
    10**400,
    -(10**400),
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    "x" * 10_000_000,
]


def deeply_nested(depth: int = 100_000) -> list:
    """A list nested ``depth`` times, built without recursion (json.loads would recurse)."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def field_named(message: str, field: str) -> bool:
    """The message names the field, by its JSON key or in words (``learning rate``)."""
    words = {field, field.replace("_", " "), {"tol_grad": "tol grad", "h": " h "}.get(field, field)}
    return any(w in message for w in words)


def assert_refused_naming(data: dict, field: str) -> None:
    try:
        RunConfig.from_dict(data)
    except GdxError as error:
        message = str(error)
        assert "\n" not in message and len(message) < 400, message
        assert field_named(message, field), f"{field!r} not named in {message!r}"
    else:  # a value of the right type and range may be accepted; then it must be usable
        assert RunConfig.from_dict(data).validated() is not None


@pytest.mark.parametrize("base", [TYPED_CONFIG, DATA_CONFIG], ids=["typed", "data"])
@pytest.mark.parametrize("field", FIELDS)
def test_every_field_with_every_hostile_value_is_one_line_naming_it(base, field) -> None:
    for value in [*HOSTILE_VALUES, deeply_nested()]:
        data = base.to_dict()
        data[field] = value
        assert_refused_naming(data, field)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(FIELDS),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=10,
    ),
)
def test_random_json_in_any_field_never_escapes_as_another_error(field, value) -> None:
    data = TYPED_CONFIG.to_dict()
    data[field] = value
    assert_refused_naming(data, field)


@pytest.mark.parametrize(
    "data, words",
    [
        ([1, 2], "JSON object"),
        ({"start": [1]}, "'function'"),
        ({"function": "x^2"}, "'start'"),
        ({"function": "x^2", "start": [1], "colour": "red"}, "'colour'"),
        ({"function": "x^2", "start": [1], "format": "other/9"}, "format"),
        ({"function": "x^2", "start": [1], "outcome": {"reason": 3}}, "outcome"),
        ({"function": "x^2", "start": [1], "outcome": [1]}, "outcome"),
    ],
)
def test_a_file_that_is_not_settings_is_refused(data, words) -> None:
    with pytest.raises(ConfigError) as caught:
        RunConfig.from_dict(data)
    assert words in str(caught.value)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("gradient", GRADIENT_MODES)
@pytest.mark.parametrize("base", [TYPED_CONFIG, DATA_CONFIG], ids=["typed", "data"])
def test_every_valid_config_round_trips_through_json(variant, gradient, base) -> None:
    config = base.replace(variant=variant, gradient=gradient, momentum=None)
    text = json.dumps(config.to_dict())
    assert RunConfig.from_dict(json.loads(text)) == config


def test_an_exports_outcome_is_checked_but_never_applied() -> None:
    data = TYPED_CONFIG.to_dict()
    data["outcome"] = {"reason": "gradient_small", "iterations": 12, "message": "Converged"}
    assert RunConfig.from_dict(data) == TYPED_CONFIG
    for key, bad in [("reason", 5), ("iterations", "12"), ("iterations", -1), ("message", None)]:
        data["outcome"] = {"reason": "gradient_small", "iterations": 12, "message": "m", key: bad}
        with pytest.raises(ConfigError, match=f"outcome.{key}"):
            RunConfig.from_dict(data)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"tol_grad": 1e200}, "tol grad = 1e+200 is too large: its square overflows"),
        ({"tol_step": MAX_TOLERANCE * 10}, "tol step"),
        ({"tol_grad": math.nan}, "tol grad must be 0 (off) or positive"),
        ({"start": (1e200, 1.0)}, "the start's x = 1e+200 overflows"),
        ({"start": (1.0, -math.inf)}, "finite number for every variable"),
        ({"learning_rate": 0.0}, "learning rate must be a positive number"),
        ({"learning_rate": -math.inf}, "learning rate must be a positive number"),
        ({"eps": 0.0}, "eps must be a positive number"),
        ({"momentum": math.nan}, "momentum must be in [0, 1)"),
        ({"h": math.inf}, "finite-difference step h"),
        ({"iterations": 10_000_001}, "iterations must be between 1 and 10,000,000"),
        ({"iterations": 0}, "iterations must be between"),
        ({"seed": -1}, "seed"),
        ({"variant": 7}, "variant must be text, got 7"),
        ({"maximize": "no"}, "maximize must be true or false"),
    ],
)
def test_absurd_numbers_are_refused_with_a_specific_message(changes, words) -> None:
    with pytest.raises(ConfigError) as caught:
        TYPED_CONFIG.replace(**changes).validated()
    assert words in str(caught.value)


def test_the_limits_are_just_inside_what_a_float_holds() -> None:
    assert math.isfinite(MAX_TOLERANCE**2)
    TYPED_CONFIG.replace(tol_grad=MAX_TOLERANCE, start=(START_LIMIT, -START_LIMIT)).validated()


def test_a_start_where_f_overflows_says_so_not_outside_the_domain() -> None:
    with pytest.raises(ConfigError) as caught:
        Run(RunConfig("exp(x) + y^2", (1000.0, 0.0)))
    assert "overflows" in str(caught.value) and "domain" not in str(caught.value)
    with pytest.raises(ConfigError, match="domain"):  # a real domain error keeps its message
        Run(RunConfig("log(x) + y^2", (-1.0, 0.0)))
