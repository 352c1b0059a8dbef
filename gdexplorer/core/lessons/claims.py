"""The claims a lesson step makes about a run, in a small declarative vocabulary.

A claim is a JSON object; every key is one fact about what the student's run showed, and the
claim holds when all of them do. Nothing is evaluated as code: each key has a checker here.

=================  =========================================================================
key                holds when
=================  =========================================================================
``reason``         the run stopped for this reason (``converged`` = gradient or step small),
                   or one of a list of reasons
``iterations``     the number of updates passes the test
``setting``        ``{field: test}`` on the run's settings (``{"learning_rate": [">", 0.5]}``)
``final``          ``{"point": [test, ...], "f": test, "grad_norm": test}`` at the last row
``at``             ``{"iteration": k, "point": [...], "f": ..., "grad": [...], "step": [...],
                   SLOT: [...], COLUMN: ...}`` at row k (SLOT: an optimizer's state, e.g.
                   ``velocity``, one test per variable; COLUMN: a one-value column the run
                   records, e.g. ``lr``, ``alpha``, ``trials``, one test)
``shown``          the student is looking at iteration k (the playback bar)
``basin_of``       the run converged within 1e-3 of this point (the basin it reached)
``alternates``     the steps of this variable change sign at each of the first 10 updates
``f_trend``        ``decreasing`` / ``increasing``: f moves that way at every update;
                   ``noisy``: f rises at some update and falls at another
``sweep``          ``{"first_diverging": test, "best": test, "stability_limit": test}`` of a
                   learning-rate sweep
=================  =========================================================================

A test is a number (equal within a relative 1e-6; a whole number for ``iterations`` and
``shown`` is exact), text, true/false or null (equal), or a list: ``["approx", value, rel]``,
``["<", v]``, ``["<=", v]``, ``[">", v]``, ``[">=", v]``, ``["between", low, high]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from gdexplorer.core.config import RunConfig
from gdexplorer.core.diagnosis import StopReason

if TYPE_CHECKING:
    from gdexplorer.core.diagnosis import Outcome
    from gdexplorer.core.many.sweep import SweepResult
    from gdexplorer.core.trajectory import Trajectory

DEFAULT_REL = 1e-6
BASIN_DISTANCE = 1e-3
ALTERNATION_UPDATES = 10
REASONS = (*(r.value for r in StopReason), "converged")
COMPARISONS = ("<", "<=", ">", ">=")
TEST_KINDS = (*COMPARISONS, "approx", "between")
SETTING_NAMES = tuple(f.name for f in fields(RunConfig))
SWEEP_FACTS = ("first_diverging", "best", "stability_limit")
FINAL_FACTS = ("point", "f", "grad_norm")
TRENDS = ("decreasing", "increasing", "noisy")
CLAIM_KEYS = (
    "reason", "iterations", "setting", "final", "at", "shown", "basin_of", "alternates",
    "f_trend", "sweep",
)  # fmt: skip
PLACEHOLDERS = (
    "iterations", "reason", "lr", "f", "point", "k", "variant", "best", "first_diverging",
)  # fmt: skip


class ClaimError(ValueError):
    """A claim is malformed; the message names the field (``expect.at.iteration``)."""


@dataclass(frozen=True)
class Situation:
    """What the student has done so far in a step: the run, the iteration shown, a sweep."""

    config: RunConfig | None = None
    trajectory: Trajectory | None = None
    outcome: Outcome | None = None
    iteration: int | None = None
    sweep: SweepResult | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether a claim holds; ``waiting`` names what is still missing (no run yet), and
    ``failures`` say which facts did not hold."""

    holds: bool
    waiting: str | None = None
    failures: tuple[str, ...] = field(default_factory=tuple)


# -- validation ------------------------------------------------------------------------------


def validate_claim(claim: Any, where: str = "expect") -> dict[str, Any]:
    """``claim`` checked key by key; ClaimError naming the first wrong field."""
    if not isinstance(claim, Mapping) or not claim:
        raise ClaimError(f"{where} must be an object with at least one of {', '.join(CLAIM_KEYS)}")
    for key, value in claim.items():
        if key not in CLAIM_KEYS:
            raise ClaimError(f"{where}.{key} is not a claim: use {', '.join(CLAIM_KEYS)}")
        _VALIDATORS[key](value, f"{where}.{key}")
    return dict(claim)


def _check_test(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | str) or _is_number(value):
        return
    if isinstance(value, list) and value and value[0] in TEST_KINDS:
        size = {"approx": (2, 3), "between": (3,)}.get(value[0], (2,))
        if len(value) in size and all(_is_number(v) for v in value[1:]):
            return
    raise ClaimError(
        f'{where} must be a number, text, true/false, null or a test such as ["<", 10], '
        '["approx", 0.4, 1e-9] or ["between", 1, 2]'
    )


def _check_tests(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value:
        raise ClaimError(f"{where} must be a list with one test per coordinate")
    for i, item in enumerate(value):
        _check_test(item, f"{where}[{i}]")


def _check_reason(value: Any, where: str) -> None:
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(n, str) and n in REASONS for n in names):
        raise ClaimError(f"{where} must be one of {', '.join(REASONS)} (or a list of them)")


def _check_whole(value: Any, where: str) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise ClaimError(f"{where} must be a whole number of at least 0")


def _check_setting(value: Any, where: str) -> None:
    _check_object(value, where, SETTING_NAMES)
    for name, test in value.items():
        _check_test(test, f"{where}.{name}")


def _check_final(value: Any, where: str) -> None:
    _check_object(value, where, FINAL_FACTS)
    for name, test in value.items():
        (_check_tests if name == "point" else _check_test)(test, f"{where}.{name}")


def _check_at(value: Any, where: str) -> None:
    if not isinstance(value, Mapping) or "iteration" not in value:
        raise ClaimError(f"{where} must be an object with an 'iteration'")
    _check_whole(value["iteration"], f"{where}.iteration")
    for name, test in value.items():
        if name == "f":
            _check_test(test, f"{where}.f")
        elif name != "iteration":
            if not re.fullmatch(r"[a-z_]{1,30}", str(name)):
                raise ClaimError(f"{where}.{name} is not a column: use point, f, grad, step, ...")
            (_check_test if is_single_test(test) else _check_tests)(test, f"{where}.{name}")


def is_single_test(value: Any) -> bool:
    """Whether ``value`` is one test (for a one-value column such as ``lr``), not a list of
    tests (one per variable): a number, text, true/false, null or ``["<", v]``-like list."""
    return not isinstance(value, list) or bool(value and value[0] in TEST_KINDS)


def _check_point(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value or not all(_is_number(v) for v in value):
        raise ClaimError(f"{where} must be a list of numbers (a point)")


def _check_name(value: Any, where: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_]\w{0,30}", value):
        raise ClaimError(f"{where} must be a variable name")


def _check_trend(value: Any, where: str) -> None:
    if value not in TRENDS:
        raise ClaimError(f"{where} must be {' or '.join(TRENDS)}")


def _check_sweep(value: Any, where: str) -> None:
    _check_object(value, where, SWEEP_FACTS)
    for name, test in value.items():
        _check_test(test, f"{where}.{name}")


def _check_object(value: Any, where: str, allowed: Sequence[str]) -> None:
    if not isinstance(value, Mapping) or not value:
        raise ClaimError(f"{where} must be an object with some of {', '.join(allowed)}")
    for name in value:
        if name not in allowed:
            raise ClaimError(f"{where}.{name} is unknown: use {', '.join(allowed)}")


_VALIDATORS = {
    "reason": _check_reason, "iterations": _check_test, "setting": _check_setting,
    "final": _check_final, "at": _check_at, "shown": _check_whole, "basin_of": _check_point,
    "alternates": _check_name, "f_trend": _check_trend, "sweep": _check_sweep,
}  # fmt: skip


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# -- tests -----------------------------------------------------------------------------------


def passes(actual: Any, test: Any, exact: bool = False) -> bool:
    """Whether ``actual`` passes one test of the vocabulary."""
    if test is None or isinstance(test, bool | str):
        return bool(actual == test)
    if actual is None:
        return False
    if _is_number(test):
        if exact:
            return bool(actual == test)
        return _approx(actual, float(test), DEFAULT_REL)
    kind, *bounds = test
    value = float(actual)
    if kind == "approx":
        return _approx(
            value, float(bounds[0]), float(bounds[1]) if len(bounds) > 1 else DEFAULT_REL
        )
    if kind == "between":
        return bool(bounds[0] <= value <= bounds[1])
    return bool(
        {"<": value < bounds[0], "<=": value <= bounds[0], ">": value > bounds[0],
         ">=": value >= bounds[0]}[kind]
    )  # fmt: skip


def _approx(actual: Any, expected: float, rel: float) -> bool:
    value = float(actual)
    return math.isfinite(value) and abs(value - expected) <= rel * max(abs(expected), 1e-300)


def describe_test(test: Any) -> str:
    """A test in words (``below 0.5``, ``about 0.4``)."""
    if isinstance(test, list):
        kind, *bounds = test
        words = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}
        if kind == "between":
            return f"between {bounds[0]:g} and {bounds[1]:g}"
        if kind == "approx":
            return f"about {bounds[0]:.10g}"
        return f"{words[kind]} {bounds[0]:g}"
    return f"{test:.10g}" if _is_number(test) else str(test)
