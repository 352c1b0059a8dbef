"""The ``at`` claim reads the one-value columns a run records (``lr``, ``alpha``, ``trials``):
the numbers lesson 11 states about schedules and line searches are checked from the run."""

from __future__ import annotations

import math

import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.lessons.claims import ClaimError, Situation, is_single_test, validate_claim
from gdexplorer.core.lessons.judge import judge
from gdexplorer.core.presets import get_preset
from gdexplorer.core.stepsize.search_settings import LineSearchSettings


def situation(config: RunConfig) -> Situation:
    trajectory, outcome = run_to_end(config)
    return Situation(config, trajectory, outcome)


@pytest.fixture(scope="module")
def step_decay() -> Situation:
    """x² + 10y² at lr 0.12 with step decay (step 5, γ 0.85): lr_k = 0.12 · 0.85^⌊k/5⌋."""
    return situation(get_preset("step-rescue").config.replace(iterations=30))


@pytest.fixture(scope="module")
def armijo() -> Situation:
    """Armijo from α = 1 on x² + 20y² at (−4, 1): halving until enough decrease."""
    config = get_preset("exact-line-search-zigzag").config.replace(
        learning_rate=1.0, iterations=20, line_search=LineSearchSettings("armijo")
    )
    return situation(config)


def holds(claim: dict, s: Situation) -> bool:
    return judge(validate_claim(claim), s).holds


@pytest.mark.parametrize("k", [0, 4, 5, 12, 29])
def test_at_reads_the_scheduled_rate_of_the_update_leaving_row_k(step_decay, k) -> None:
    rate = 0.12 * 0.85 ** (k // 5)
    assert holds({"at": {"iteration": k, "lr": ["approx", rate, 1e-12]}}, step_decay)
    assert not holds({"at": {"iteration": k, "lr": ["approx", rate * 1.001, 1e-6]}}, step_decay)


def test_at_reads_the_line_search_of_the_update_arriving_at_row_k(armijo) -> None:
    """α₀: the first of 1, 1/2, 1/4, … with f(x + αd) ≤ f(x) − 1e-4·α·|g|², found by hand."""
    x0 = (-4.0, 1.0)
    gradient = (2 * x0[0], 40 * x0[1])
    norm2 = gradient[0] ** 2 + gradient[1] ** 2
    f = lambda a: (x0[0] - a * gradient[0]) ** 2 + 20 * (x0[1] - a * gradient[1]) ** 2  # noqa: E731
    trials = next(
        n for n in range(1, 61) if f(0.5 ** (n - 1)) <= f(0) - 1e-4 * 0.5 ** (n - 1) * norm2
    )
    alpha = 0.5 ** (trials - 1)
    claim = {"at": {"iteration": 1, "alpha": alpha, "trials": trials, "f": f(alpha)}}
    assert holds(claim, armijo)
    assert not holds({"at": {"iteration": 1, "trials": trials + 1}}, armijo)
    assert math.isnan(float(armijo.trajectory.column("alpha")[0]))
    assert not holds({"at": {"iteration": 0, "alpha": [">=", 0]}}, armijo)  # none in row 0


def test_a_column_the_run_does_not_record_is_named(step_decay) -> None:
    verdict = judge({"at": {"iteration": 1, "alpha": 0.1}}, step_decay)
    assert not verdict.holds and verdict.failures == ("this run records no alpha",)


def test_a_vector_column_needs_one_test_per_variable(step_decay) -> None:
    verdict = judge({"at": {"iteration": 1, "point": 2.0}}, step_decay)
    assert not verdict.holds and "one value per variable" in verdict.failures[0]
    assert holds({"at": {"iteration": 0, "point": [2, 1]}}, step_decay)  # lists as before


@pytest.mark.parametrize(
    ("test", "single"),
    [(0.1, True), (["<", 1], True), (["between", 0, 1], True), ([1, 2], False),
     ([["<", 1], 2], False), (None, True)],
)  # fmt: skip
def test_one_test_or_one_per_variable(test, single) -> None:
    assert is_single_test(test) is single


def test_a_one_value_column_given_a_list_says_so(step_decay) -> None:
    verdict = judge({"at": {"iteration": 1, "lr": [0.12, 0.12]}}, step_decay)
    assert verdict.failures == ("lr is one value: give one test",)


def test_a_malformed_column_test_names_the_field() -> None:
    with pytest.raises(ClaimError, match=r"expect\.at\.lr must be a number"):
        validate_claim({"at": {"iteration": 1, "lr": ["<", "x"]}})
    with pytest.raises(ClaimError, match=r"expect\.at\.lr\[0\]"):
        validate_claim({"at": {"iteration": 1, "lr": [["eval", "x"]]}})
