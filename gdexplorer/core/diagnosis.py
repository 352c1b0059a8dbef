"""Why a run stopped, told truthfully: the evidence a run keeps and the diagnosis it supports.

The loop's stop codes say which rule fired, not what happened. A finite difference that cancels
to 0 fires the gradient rule far from any minimum; an f that falls without bound overflows like
a learning rate that is too large; a growing oscillation may reach the iteration limit before
it overflows. :func:`diagnose` looks at the evidence and rewrites such outcomes:

* a small finite-difference gradient is checked against the exact one: if the exact gradient is
  not small and the difference cannot resolve it (h below the float spacing at x, or the spacing
  of f's values over h as large as the gradient), the reason is ``PRECISION_LOST``;
* an overflow after f fell at every recent step, below its start, is ``UNBOUNDED``;
* steps that grew tenfold over the recent rows while f rose above its start are ``DIVERGED``,
  even at the iteration limit (the message then says "Diverging"). For gradient descent and
  heavy-ball / Nesterov momentum the message names the stability limit (2/L, 2(1+mu)/L,
  2(1+mu)/((1+2mu)L), L the largest curvature) when lr is above it.

The evidence is cheap: :class:`RunTail` keeps the last ``TAIL_ROWS`` rows and the best value
seen, updated once per streamed batch (about 30 a second), never inside the fused loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from gdexplorer.core.rate_cause import rate_cause

if TYPE_CHECKING:
    from gdexplorer.core.config import RunConfig
    from gdexplorer.core.optimizers import Variant
    from gdexplorer.core.run_protocol import RunObjective

TAIL_ROWS = 256
"""Rows kept for the diagnosis: enough to see a growth of 1% per step as a factor of 12."""

GROWTH_FACTOR = 10.0
"""The steps must have grown this much across the tail to call it divergence."""

STOCHASTIC_GROWTH_FACTOR = 1e3
"""Mini-batch steps are noisy: only a far larger growth counts."""

GRADIENT_NAMES = {"central": "central-difference", "forward": "forward-difference"}


class StopReason(StrEnum):
    """Why a run stopped. New reasons go at the end: their order numbers the lanes' codes."""

    MAX_ITERATIONS = "max_iterations"
    GRADIENT_SMALL = "gradient_small"
    STEP_SMALL = "step_small"
    DIVERGED = "diverged"
    UNDEFINED = "undefined"
    CANCELLED = "cancelled"
    PRECISION_LOST = "precision_lost"
    UNBOUNDED = "unbounded"
    LINE_SEARCH_FAILED = "line_search_failed"

    @property
    def converged(self) -> bool:
        return self in (StopReason.GRADIENT_SMALL, StopReason.STEP_SMALL)


DIAGNOSED_ONLY = frozenset({StopReason.PRECISION_LOST, StopReason.UNBOUNDED})
"""Reasons no loop rule gives: only :func:`diagnose` names them (vectorized lanes never do)."""
LANES_NEVER = DIAGNOSED_ONLY | {StopReason.LINE_SEARCH_FAILED}
"""Reasons a vectorized lane never gives (lanes run no line search)."""


@dataclass(frozen=True)
class Outcome:
    """Why a run stopped, after how many updates (the index of its last row), in words."""

    reason: StopReason
    iterations: int
    message: str
    rule: StopReason | None = None
    """The loop's stopping rule when the diagnosis named another reason (None: the same)."""

    @property
    def stopping_rule(self) -> StopReason:
        """Which rule stopped the loop (what a vectorized lane without a diagnosis reports)."""
        return self.rule or self.reason


class RunTail:
    """The last rows of a run and the best objective value, fed one batch at a time.

    ``observe(rows)`` costs a copy of at most ``TAIL_ROWS`` rows and one vectorized minimum,
    once per streamed batch; the fused loop itself is untouched.
    """

    def __init__(self, first_row: np.ndarray, dimension: int, maximize: bool) -> None:
        self.dimension = dimension
        self.sign = -1.0 if maximize else 1.0
        self.rows = np.asarray(first_row, dtype=float)[None, :].copy()
        self.count = 1
        self.start_value = self.sign * float(first_row[dimension])
        self.best_value = self.start_value
        self.best_index = 0
        self.start_point = self.rows[0, :dimension].copy()
        self.best_point = self.start_point

    def observe(self, rows: np.ndarray) -> None:
        """Take in the next rows of the trajectory (row 0 is already known)."""
        if len(rows) == 0:
            return
        values = rows[:, self.dimension]  # a strided view: no copy, no multiplication
        lowest = int(np.argmin(values) if self.sign > 0 else np.argmax(values))
        if np.isnan(values[lowest]):  # rows whose f was not computed (a run on big data)
            computed = np.flatnonzero(~np.isnan(values))
            if len(computed) == 0:
                lowest = -1
            else:
                pick = np.argmin if self.sign > 0 else np.argmax
                lowest = int(computed[pick(values[computed])])
        if lowest >= 0 and self.sign * values[lowest] < self.best_value:
            self.best_value = self.sign * float(values[lowest])
            self.best_index = self.count + lowest
            self.best_point = rows[lowest, : self.dimension].copy()
        self.rows = np.concatenate([self.rows, rows[-TAIL_ROWS:]])[-TAIL_ROWS:]
        self.count += len(rows)

    @property
    def values(self) -> np.ndarray:
        """The objective being minimized (f, or -f when maximizing) over the tail."""
        return self.sign * self.rows[:, self.dimension]

    @property
    def step_norms(self) -> np.ndarray:
        d = self.dimension
        return np.linalg.norm(self.rows[:, 2 * d + 1 : 3 * d + 1], axis=1)

    @property
    def points(self) -> np.ndarray:
        return self.rows[:, : self.dimension]


@dataclass(frozen=True)
class RunFacts:
    """What the diagnosis may look at: the settings, f, the tail and the overflowed iterate."""

    config: RunConfig
    objective: RunObjective
    variant: Variant
    hyperparameters: dict[str, float]
    tail: RunTail
    noun: str = "iterations"
    stochastic: bool = False
    next_point: np.ndarray | None = None


def diagnose(outcome: Outcome, facts: RunFacts) -> Outcome:
    """``outcome`` rewritten where the evidence shows its rule fired for another cause."""
    reason = outcome.reason
    if reason in (StopReason.GRADIENT_SMALL, StopReason.STEP_SMALL):
        return _check_convergence(outcome, facts)
    if reason is StopReason.DIVERGED:
        return _explain_overflow(outcome, facts)
    if reason is StopReason.MAX_ITERATIONS:
        growth = steps_growth(facts.tail, facts.stochastic)
        if growth is not None:
            return _diverging(outcome, facts, growth)
        if not facts.stochastic and keeps_falling(facts.tail):
            return _still_falling(outcome, facts)
    return outcome


def keeps_falling(tail: RunTail) -> bool:
    """At the iteration limit: f fell at every recent step, by more than ten times its start's
    size (plus 1) in all, with steps that are not shrinking (the last quarter's largest at least
    half the first quarter's). It may be unbounded."""
    rows = len(tail.rows)
    if rows < 16 or not falls_without_bound(tail):
        return False
    steps, quarter = tail.step_norms, rows // 4
    fell = tail.start_value - tail.values[-1]
    return bool(
        np.max(steps[-quarter:]) >= 0.5 * np.max(steps[:quarter])
        and fell > 10 * (1 + abs(tail.start_value))
    )


def _still_falling(outcome: Outcome, facts: RunFacts) -> Outcome:
    low, other, verb = ("below", "Maximize", "fell")
    if facts.config.maximize:
        low, other, verb = ("above", "Minimize", "rose")
    subject = "the loss" if facts.config.data else "f"
    value = facts.tail.rows[-1, facts.tail.dimension]
    text = (
        f"{outcome.message}: {subject} {verb} at every step, to {value:.3g}, with steps that are "
        f"not shrinking — it may be unbounded {low} (did you mean {other}?)"
    )
    return Outcome(outcome.reason, outcome.iterations, text)


# -- convergence that is not -----------------------------------------------------------------


def _check_convergence(outcome: Outcome, facts: RunFacts) -> Outcome:
    cfg = facts.config
    if cfg.data or cfg.gradient == "symbolic":
        return outcome
    point = facts.tail.points[-1]
    exact = np.asarray(facts.objective.gradient(point), dtype=float)
    norm = float(np.linalg.norm(exact))
    if norm < cfg.tol_grad:
        return outcome
    name = GRADIENT_NAMES[cfg.gradient]
    done = f"after {outcome.iterations:,} {facts.noun}"
    if not np.isfinite(norm):
        text = (
            f"Stopped {done} where the {name} gradient is small but the exact gradient is not "
            "defined (a kink or a singular point of f)"
        )
        return Outcome(outcome.reason, outcome.iterations, text)
    lost = precision_loss(facts.objective, point, exact, cfg.gradient, cfg.h)
    growth = steps_growth(facts.tail)
    if lost is not None and growth is not None:  # the root cause: the run was diverging
        text = f"Diverging {done}: {_growth_words(facts.tail, growth, facts.noun)}"
        text += (
            f"{rate_cause(facts, facts.tail)}; then the {name} gradient lost all precision {lost}"
        )
        return Outcome(StopReason.DIVERGED, outcome.iterations, text, outcome.reason)
    if lost is not None:
        text = f"Not converged {done}: the {name} gradient lost all precision {lost}"
        if falls_without_bound(facts.tail):
            text += "; f fell at every step to here, so it may be unbounded below"
        return Outcome(StopReason.PRECISION_LOST, outcome.iterations, text, outcome.reason)
    if outcome.reason is StopReason.STEP_SMALL:
        return outcome  # the steps really were that short; the gradient is resolved
    text = (
        f"Near a stationary point {done}: the {name} gradient is below {cfg.tol_grad:g} here "
        f"but the exact |∇f| is {norm:.3g}, the difference's own error with h = {cfg.h:g} "
        "(a smaller h or the exact gradient gets closer)"
    )
    return Outcome(outcome.reason, outcome.iterations, text)


def precision_loss(
    objective: RunObjective, point: np.ndarray, exact: np.ndarray, mode: str, h: float
) -> str | None:
    """Where and why a finite difference cannot resolve the exact gradient at ``point``.

    Coordinate i is lost when x_i ± h rounds back to x_i, or when the spacing of the floats
    near f(x ± h e_i), divided by the difference's denominator, is at least half of the exact
    |∂f/∂x_i|: then the difference is rounding noise (often exactly 0). None when every
    coordinate whose exact partial derivative matters is resolved.
    """
    scale = float(np.max(np.abs(exact)))
    where = f"at |x| ≈ {float(np.max(np.abs(point))):.2g}"
    for i, partial in enumerate(exact):
        if abs(partial) < 1e-3 * scale:
            continue
        ahead, behind = point.copy(), point.copy()
        ahead[i] += h
        behind[i] -= h if mode == "central" else 0.0
        values = np.asarray(objective.value(np.stack([ahead, behind])), dtype=float)
        denominator = 2 * h if mode == "central" else h
        resolution = float(np.spacing(np.max(np.abs(values)))) / denominator
        if resolution >= abs(partial) / 2:
            return (
                f"{where}: h = {h:g} is too small a step against values of f ≈ "
                f"{float(values[0]):.2g} (the exact |∇f| there is {np.linalg.norm(exact):.2g})"
            )
        if ahead[i] == point[i] or (mode == "central" and behind[i] == point[i]):
            return (
                f"{where}: h = {h:g} is below the spacing of the floats there "
                f"({float(np.spacing(abs(point[i]))):.2g}), so x ± h = x"
            )
    return None


# -- overflow: unbounded f or divergence -----------------------------------------------------


def falls_without_bound(tail: RunTail) -> bool:
    """f (the objective minimized) fell at every step of the last half of the tail (at least
    its last 3 rows) and ended below its start."""
    values = tail.values[-max(3, len(tail.values) // 2) :]
    if len(values) < 3:
        return False
    return bool(np.all(np.diff(values) <= 0) and values[-1] < tail.start_value)


def _explain_overflow(outcome: Outcome, facts: RunFacts) -> Outcome:
    tail, done = facts.tail, f"after {outcome.iterations:,} {facts.noun}"
    subject = "the loss" if facts.config.data else "f"
    if falls_without_bound(tail):
        low, goal, other = ("below", "minimum", "Maximize")
        if facts.config.maximize:
            low, goal, other = ("above", "maximum", "Minimize")
        text = (
            f"{subject} is unbounded {low} along this path: there is no {goal} to find "
            f"(did you mean {other}?) — {subject} went {'up' if facts.config.maximize else 'down'} "
            f"at every step to {tail.rows[-1, tail.dimension]:.3g} {done}"
        )
        return Outcome(StopReason.UNBOUNDED, outcome.iterations, text, outcome.reason)
    jump = ""
    if facts.next_point is not None and len(facts.next_point):
        jump = f", |x| ≈ {float(np.max(np.abs(facts.next_point))):.2g}"
    text = f"Diverged {done}: the next update overflowed (past 1e100{jump})"
    growth = steps_growth(tail, facts.stochastic)
    if growth is not None:
        text += f"; {_growth_words(tail, growth, facts.noun)}"
    return Outcome(outcome.reason, outcome.iterations, text + rate_cause(facts, tail))


def steps_growth(tail: RunTail, stochastic: bool = False) -> float | None:
    """How much the steps grew across the tail, when that is divergence; else None.

    Divergence here is: at least 16 rows; the largest step of each quarter of the tail larger
    than that of the quarter before, the last one ``GROWTH_FACTOR`` (``STOCHASTIC_GROWTH_FACTOR``
    for mini-batches) times the first; and f (the objective minimized) ended above its start and
    above every value of the first quarter. Decaying, bounded or transient oscillations, and
    noise, fail one of these.
    """
    rows = len(tail.rows)
    if rows < 16:
        return None
    quarter = rows // 4
    steps, values = tail.step_norms, tail.values
    peaks = [float(np.max(steps[i * quarter : (i + 1) * quarter])) for i in range(3)]
    peaks.append(float(np.max(steps[-quarter:])))
    early, late = peaks[0], peaks[-1]
    needed = STOCHASTIC_GROWTH_FACTOR if stochastic else GROWTH_FACTOR
    if not (
        late > needed * early and all(a < b for a, b in zip(peaks[:-1], peaks[1:], strict=True))
    ):
        return None
    if not (values[-1] > tail.start_value and values[-1] > np.max(values[:quarter])):
        return None
    return late / early if early > 0 else float("inf")


def _growth_words(tail: RunTail, growth: float, noun: str) -> str:
    d = tail.dimension
    steps = tail.rows[:, 2 * d + 1 : 3 * d + 1]
    axis = int(np.argmax(np.abs(steps[-1])))
    signs = np.sign(steps[1:, axis])
    flips = np.count_nonzero(signs[1:] * signs[:-1] < 0)
    factor = f"×{growth:.2g}" if np.isfinite(growth) else "from 0"
    shape = "an oscillation of growing size" if flips >= len(signs) // 2 else "growing steps"
    return f"{shape}: the steps grew {factor} over the last {len(tail.rows) - 1} {noun}"


def _diverging(outcome: Outcome, facts: RunFacts, growth: float) -> Outcome:
    tail = facts.tail
    value = tail.rows[-1, tail.dimension]
    subject = "the loss" if facts.config.data else "f"
    # The cause first: it is what a student acts on, and a narrow status bar keeps the start.
    cause = rate_cause(facts, tail).removeprefix("; ")
    text = (
        f"Diverging after {outcome.iterations:,} {facts.noun} ({subject} ≈ {value:.3g}): "
        + (f"{cause}; " if cause else "")
        + _growth_words(tail, growth, facts.noun)
    )
    return Outcome(StopReason.DIVERGED, outcome.iterations, text, outcome.reason)
