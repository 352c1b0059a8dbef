"""Judge a claim (:mod:`.claims`) against what the student did, and fill a text's numbers.

The window and the headless check both build a :class:`~.claims.Situation` (the run, the
iteration shown, a sweep) and ask :func:`judge`; so a lesson's story is checked by the same code
that answers the student.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gdexplorer.core.lessons.claims import (
    ALTERNATION_UPDATES,
    BASIN_DISTANCE,
    PLACEHOLDERS,
    Situation,
    Verdict,
    describe_test,
    is_single_test,
    passes,
)
from gdexplorer.core.optimizers import HYPERPARAMETER_NAMES, get_variant

_RUN_KEYS = ("reason", "iterations", "setting", "final", "at", "shown", "basin_of", "alternates",
             "f_trend")  # fmt: skip


def judge(claim: Mapping[str, Any], situation: Situation) -> Verdict:
    """Whether ``claim`` holds for ``situation``; ``waiting`` when a run, the iteration or the
    sweep it speaks of is not there yet (the student has not acted: no hint yet)."""
    waiting = _missing(claim, situation)
    if waiting is not None:
        return Verdict(False, waiting=waiting)
    failures: list[str] = []
    for key, value in claim.items():
        failure = _FACTS[key](value, situation)
        if failure is not None:
            failures.append(failure)
    return Verdict(not failures, failures=tuple(failures))


def _missing(claim: Mapping[str, Any], situation: Situation) -> str | None:
    needs_run = any(key in claim for key in _RUN_KEYS)
    if needs_run and (situation.trajectory is None or situation.outcome is None):
        return "a finished run"
    if "shown" in claim and situation.iteration is None:
        return "an iteration shown"
    if "sweep" in claim and situation.sweep is None:
        return "a learning-rate sweep"
    return None


def _reason(value: Any, s: Situation) -> str | None:
    assert s.outcome is not None
    wanted = value if isinstance(value, list) else [value]
    actual = s.outcome.reason
    if actual.value in wanted or ("converged" in wanted and actual.converged):
        return None
    return f"the run stopped with '{actual.value}', not {' or '.join(wanted)}"


def _iterations(value: Any, s: Situation) -> str | None:
    assert s.outcome is not None
    if passes(s.outcome.iterations, value, exact=True):
        return None
    return f"it made {s.outcome.iterations:,} updates, not {describe_test(value)}"


def _setting(value: Mapping[str, Any], s: Situation) -> str | None:
    assert s.config is not None
    config = s.config
    resolved = get_variant(config.variant).hyperparameters(config.hyperparameter_overrides())
    for name, test in value.items():
        # a hyperparameter left at its default is None in the settings: its value counts
        actual = resolved.get(name) if name in HYPERPARAMETER_NAMES else getattr(config, name)
        if not passes(actual, test):
            return f"its {name.replace('_', ' ')} is {actual}, not {describe_test(test)}"
    return None


def _final(value: Mapping[str, Any], s: Situation) -> str | None:
    assert s.trajectory is not None
    last = len(s.trajectory) - 1
    facts: dict[str, Any] = {"point": value.get("point"), "f": value.get("f")}
    failure = _row_facts(s, last, {k: v for k, v in facts.items() if v is not None}, "at the end")
    if failure is None and "grad_norm" in value:
        norm = float(s.trajectory.gradient_norms[last])
        if not passes(norm, value["grad_norm"]):
            return f"|∇f| at the end is {norm:.6g}, not {describe_test(value['grad_norm'])}"
    return failure


def _at(value: Mapping[str, Any], s: Situation) -> str | None:
    assert s.trajectory is not None
    k = int(value["iteration"])
    if k >= len(s.trajectory):
        return f"the run has no iteration {k} (it stopped after {len(s.trajectory) - 1})"
    facts = {name: test for name, test in value.items() if name != "iteration"}
    return _row_facts(s, k, facts, f"at iteration {k}")


def _row_facts(s: Situation, k: int, facts: Mapping[str, Any], where: str) -> str | None:
    trajectory = s.trajectory
    assert trajectory is not None
    for name, test in facts.items():
        if name == "f" or is_single_test(test):
            failure = _column_fact(trajectory, name, k, test, where)
            if failure is not None:
                return failure
            continue
        row = _vector(trajectory, name, k)
        if row is None:
            one_value = trajectory.has_column(name)
            return (
                f"{name} is one value: give one test"
                if one_value
                else f"this run records no {name}"
            )
        if len(row) != len(test):
            return f"{name} {where} has {len(row)} coordinate(s), the claim {len(test)}"
        for i, (actual, wanted) in enumerate(zip(row, test, strict=True)):
            if not passes(float(actual), wanted):
                variable = trajectory.variables[i]
                return f"{name} {variable} {where} is {actual:.6g}, not {describe_test(wanted)}"
    return None


def _column_fact(trajectory: Any, name: str, k: int, test: Any, where: str) -> str | None:
    """One test on a one-value column at row k: ``f``, or a recorded extra such as the rate
    ``lr`` the update leaving row k uses, or the ``alpha`` and ``trials`` of the line search
    that arrived there (NaN in row 0, which passes no numeric test)."""
    if name in ("point", "grad", "step") or name in trajectory.state_slots:
        return f"{name} has one value per variable: give a list of tests"
    if name != "f" and not trajectory.has_column(name):
        return f"this run records no {name}"
    actual = float(trajectory.values[k] if name == "f" else trajectory.column(name)[k])
    if passes(actual, test):
        return None
    return f"{name} {where} is {actual:.6g}, not {describe_test(test)}"


def _vector(trajectory: Any, name: str, k: int) -> np.ndarray | None:
    if name == "point":
        return np.asarray(trajectory.points[k])
    if name == "grad":
        return np.asarray(trajectory.gradients[k])
    if name == "step":
        return np.asarray(trajectory.steps[k])
    if name in trajectory.state_slots:
        return np.asarray(trajectory.state(name)[k])
    return None


def _shown(value: int, s: Situation) -> str | None:
    return None if s.iteration == value else f"iteration {s.iteration} is shown, not {value}"


def _basin_of(value: list[float], s: Situation) -> str | None:
    assert s.trajectory is not None and s.outcome is not None
    end = np.asarray(s.trajectory.points[-1], dtype=float)
    target = np.asarray(value, dtype=float)
    if end.shape != target.shape:
        return f"the run has {end.size} variable(s), the claim's point {target.size}"
    distance = float(np.max(np.abs(end - target)))
    if s.outcome.reason.converged and distance <= BASIN_DISTANCE:
        return None
    where = ", ".join(f"{v:.4g}" for v in end)
    return f"the run ended at ({where}), not in the basin of ({', '.join(map(str, value))})"


def _alternates(value: str, s: Situation) -> str | None:
    assert s.trajectory is not None
    if value not in s.trajectory.variables:
        return f"the run has no variable {value}"
    steps = s.trajectory.column(f"step_{value}")[1 : ALTERNATION_UPDATES + 1]
    signs = np.sign(steps)
    if len(signs) >= 2 and np.all(signs[1:] * signs[:-1] < 0):
        return None
    return f"the steps in {value} do not change sign at every update"


def _f_trend(value: str, s: Situation) -> str | None:
    assert s.trajectory is not None
    change = np.diff(s.trajectory.values)
    if value == "noisy":
        holds = bool(np.any(change > 0) and np.any(change < 0))
        return None if holds else "f moves the same way at every update: no noise"
    holds = bool(np.all(change < 0) if value == "decreasing" else np.all(change > 0))
    return None if len(change) and holds else f"f is not {value} at every update"


def _sweep(value: Mapping[str, Any], s: Situation) -> str | None:
    assert s.sweep is not None
    facts = {
        "first_diverging": s.sweep.first_diverging_rate(),
        "best": s.sweep.best_learning_rate(),
        "stability_limit": s.sweep.stability_limit,
    }
    for name, test in value.items():
        actual = facts[name]
        if actual is None or not passes(actual, test):
            shown = "none" if actual is None else f"{actual:.4g}"
            return f"the sweep's {name.replace('_', ' ')} is {shown}, not {describe_test(test)}"
    return None


_FACTS: dict[str, Callable[[Any, Situation], str | None]] = {
    "reason": _reason, "iterations": _iterations, "setting": _setting, "final": _final,
    "at": _at, "shown": _shown, "basin_of": _basin_of, "alternates": _alternates,
    "f_trend": _f_trend, "sweep": _sweep,
}  # fmt: skip


# -- the student's numbers in a text ---------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders_in(text: str) -> list[str]:
    """The ``{name}`` placeholders of a text that are not in the vocabulary."""
    return [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def fill(text: str, s: Situation) -> str:
    """``text`` with ``{iterations}``, ``{lr}``, ``{point}``... replaced by this run's numbers
    (a name the situation cannot give is left as it is)."""
    values = _values(s)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _values(s: Situation) -> dict[str, str]:
    values: dict[str, str] = {}
    if s.config is not None:
        values["lr"] = f"{s.config.learning_rate:g}"
        values["variant"] = s.config.variant
    if s.outcome is not None:
        values["iterations"] = f"{s.outcome.iterations:,}"
        values["reason"] = s.outcome.reason.value.replace("_", " ")
    if s.trajectory is not None and len(s.trajectory):
        values["f"] = f"{float(s.trajectory.values[-1]):.6g}"
        point = s.trajectory.points[-1]
        values["point"] = "(" + ", ".join(f"{float(v):.6g}" for v in point) + ")"
    if s.iteration is not None:
        values["k"] = str(s.iteration)
    if s.sweep is not None:
        for name, rate in (("best", s.sweep.best_learning_rate()),
                           ("first_diverging", s.sweep.first_diverging_rate())):  # fmt: skip
            if rate is not None:
                values[name] = f"{rate:.4g}"
    return values
