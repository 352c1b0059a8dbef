"""Line searches: how far to go along a descent direction d from x, trial by trial.

Both searches look at φ(α) = f(x + α·d) for α ≥ 0 (f is the function minimized: −f when
maximizing), with φ(0) = f(x) and φ′(0) = ∇f(x)ᵀd, the slope, negative for a descent direction.
Each returns a :class:`SearchResult` holding every trial (α, φ(α)) it evaluated, in order, so
the window can draw them and the inspector list them.

* :func:`armijo` backtracks from α₀ (the run's lr): α₀, α₀·shrink, α₀·shrink², ... and accepts
  the first α with φ(α) ≤ φ(0) + c·α·φ′(0), the sufficient-decrease (Armijo) condition
  (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithm 3.1).
* :func:`exact_quadratic` is the closed form on a function with a constant Hessian H:
  φ(α) = φ(0) + α·φ′(0) + α²·dᵀHd/2 is minimized at α = −φ′(0) / dᵀHd.
* :func:`exact_bracketing` minimizes φ when the Hessian varies: it brackets a minimum along
  the ray (growing the bracket by the golden ratio from α₀ while φ falls, or halving it until
  φ falls below φ(0)), then narrows it with Brent's method (parabolic steps guarded by golden
  sections; Brent, Algorithms for Minimization without Derivatives, 1973, ch. 5) to a relative
  precision of √ε. It is a local minimum of φ: where φ has several along the ray, a growing
  bracket can step over the nearest one (on x⁴ − 3x² + x from x = 2 it lands in the farther,
  deeper valley), and the φ(α) view shows which one it took.

A NaN value of φ (x + αd outside f's domain) counts as +∞: such a trial is never accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdexplorer.core.stepsize.search_settings import MAX_TRIALS

GOLDEN = (1 + math.sqrt(5)) / 2
"""The bracket grows by this factor per expansion."""
GOLDEN_SECTION = 0.3819660112501051
"""(3 − √5)/2: the fraction of an interval a golden-section step takes."""
MAX_EXPANSIONS = 60
"""The bracket may grow to about 1.6^60 ≈ 3.5e12 times α₀ before f counts as unbounded."""
MAX_CONTRACTIONS = 60
"""The bracket may shrink to 0.5^60 times α₀ before no decrease counts as found."""
MAX_BRENT_STEPS = 100
BRENT_TOLERANCE = math.sqrt(np.finfo(float).eps)
"""Relative precision of the minimizer: below √ε, φ's own rounding hides the minimum."""


@dataclass(frozen=True)
class Trial:
    """One step length tried, the value of f there, and whether the search accepted it."""

    alpha: float
    value: float
    accepted: bool = False


@dataclass(frozen=True)
class SearchResult:
    """The accepted step length (NaN when the search failed), its value, the trials in the
    order they were made, and the reason when no step length was found."""

    alpha: float
    value: float
    trials: tuple[Trial, ...]
    failure: str | None = None

    @property
    def found(self) -> bool:
        return self.failure is None


Phi = Callable[[float], float]


def _finite_or_inf(value: float) -> float:
    return value if not math.isnan(value) else math.inf


def armijo(
    phi: Phi,
    value0: float,
    slope: float,
    alpha0: float,
    shrink: float,
    c: float,
    max_trials: int = MAX_TRIALS,
) -> SearchResult:
    """Backtracking from ``alpha0`` until φ(α) ≤ φ(0) + c·α·φ′(0), at most ``max_trials``."""
    trials: list[Trial] = []
    alpha = alpha0
    for _ in range(max_trials):
        value = phi(alpha)
        if value <= value0 + c * alpha * slope:  # False for NaN
            trials.append(Trial(alpha, value, True))
            return SearchResult(alpha, value, tuple(trials))
        trials.append(Trial(alpha, value))
        alpha *= shrink
    return SearchResult(math.nan, math.nan, tuple(trials), _armijo_failure(trials, value0, slope))


def _armijo_failure(trials: list[Trial], value0: float, slope: float) -> str:
    """Why no trial passed, in the words of what the numbers show."""
    smallest = trials[-1].alpha
    tried = f"Armijo backtracking found no step length in {len(trials)} trials"
    if not slope < 0:
        return f"{tried}: d is not a descent direction here (∇fᵀd = {slope:.3g} ≥ 0)"
    wanted = abs(smallest * slope)
    spacing = float(np.spacing(abs(value0)))
    if wanted < 64 * spacing:
        return (
            f"{tried}: the decrease expected at α = {smallest:.2g} ({wanted:.2g}) is lost in "
            f"the rounding of f ≈ {value0:.6g} (its floats are {spacing:.2g} apart), so this is "
            "as close as this precision gets"
        )
    if all(math.isnan(t.value) for t in trials):
        return f"{tried}: f is not defined at any point tried along d (down to α = {smallest:.2g})"
    return f"{tried} (α down to {smallest:.2g}): f did not fall enough along d at any of them"


def exact_quadratic(phi: Phi, slope: float, curvature: float) -> SearchResult:
    """The closed form α = −φ′(0)/dᵀHd on a function whose Hessian H is constant.

    ``curvature`` is dᵀHd. When it is not positive φ has no minimum along the ray (f falls
    without bound along d, or d = 0 and there is nothing to search).
    """
    if slope == 0:
        return SearchResult(0.0, phi(0.0), (Trial(0.0, phi(0.0), True),))
    if not (curvature > 0 and slope < 0):
        reason = (
            f"d is not a descent direction (∇fᵀd = {slope:.3g} ≥ 0)"
            if slope > 0
            else f"f has no minimum along d: its curvature there, dᵀHd = {curvature:.3g}, is not "
            "positive, so f falls without bound along the ray"
        )
        return SearchResult(math.nan, math.nan, (), f"the exact line search failed: {reason}")
    alpha = -slope / curvature
    value = phi(alpha)
    return SearchResult(alpha, value, (Trial(alpha, value, True),))


def exact_bracketing(phi: Phi, value0: float, slope: float, alpha0: float) -> SearchResult:
    """A local minimizer of φ along the ray: a bracket from ``alpha0``, then Brent's method."""
    trials: list[Trial] = []

    def probe(alpha: float) -> float:
        value = phi(alpha)
        trials.append(Trial(alpha, value))
        return _finite_or_inf(value)

    if slope == 0:  # d = 0 (a zero gradient with the gradient rule off): nothing to search
        return SearchResult(0.0, value0, (Trial(0.0, value0, True),))
    if not slope < 0:
        failure = f"the exact line search failed: d is not a descent direction (∇fᵀd = {slope:.3g})"
        return SearchResult(math.nan, math.nan, (), failure)
    bracket, failure = _bracket(probe, value0, alpha0)
    if bracket is None:
        return SearchResult(math.nan, math.nan, tuple(trials), failure)
    alpha, value = _brent(probe, *bracket)
    marked = [Trial(t.alpha, t.value, t.alpha == alpha) for t in trials]
    return SearchResult(alpha, value, tuple(marked))


Bracket = tuple[float, float, float, float]
"""(low, inner, high, φ(inner)) with φ(inner) below φ at both ends."""


def _bracket(probe: Phi, value0: float, alpha0: float) -> tuple[Bracket | None, str]:
    """Three step lengths low < inner < high with φ(inner) < φ(low) and φ(inner) ≤ φ(high)."""
    inner, value = alpha0, probe(alpha0)
    if value < value0:  # downhill at α₀: grow until φ rises again
        low = 0.0
        for _ in range(MAX_EXPANSIONS):
            high = inner + GOLDEN * (inner - low)
            high_value = probe(high)
            if high_value >= value:
                return (low, inner, high, value), ""
            low, inner, value = inner, high, high_value
        return None, (
            f"the exact line search found no minimum along d: f kept falling up to "
            f"α = {inner:.3g} (f = {value:.6g}), so it may be unbounded along the ray"
        )
    high = inner  # uphill (or undefined) at α₀: shrink toward 0 until φ falls below φ(0)
    for _ in range(MAX_CONTRACTIONS):
        inner = high / 2
        value = probe(inner)
        if value < value0:
            return (0.0, inner, high, value), ""
        high = inner
    return None, (
        f"the exact line search found no decrease along d down to α = {high:.2g}: f's rounding "
        "hides it, or d is not a descent direction"
    )


def _brent(probe: Phi, low: float, inner: float, high: float, value: float) -> tuple[float, float]:
    """Brent's minimization inside a bracket: the best α found and φ there."""
    x = w = v = inner
    fx = fw = fv = value
    step = previous = 0.0
    for _ in range(MAX_BRENT_STEPS):
        middle = (low + high) / 2
        tol1 = BRENT_TOLERANCE * abs(x) + 1e-300
        if abs(x - middle) <= 2 * tol1 - (high - low) / 2:
            break
        step, previous = _brent_step(x, w, v, fx, fw, fv, low, high, tol1, step, previous)
        u = x + (step if abs(step) >= tol1 else math.copysign(tol1, step))
        fu = probe(u)
        if fu <= fx:
            low, high = (x, high) if u >= x else (low, x)
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            low, high = (low, u) if u >= x else (u, high)
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v in (x, w):
                v, fv = u, fu
    return x, fx


def _brent_step(x, w, v, fx, fw, fv, low, high, tol1, step, previous) -> tuple[float, float]:
    """The next offset from x (a parabola through x, w, v when it is safe, else a golden
    section of the larger side) and the offset before it."""
    middle = (low + high) / 2
    if abs(previous) > tol1:
        r = (x - w) * (fx - fv)
        q = (x - v) * (fx - fw)
        p = (x - v) * q - (x - w) * r
        q = 2 * (q - r)
        if q > 0:
            p = -p
        q = abs(q)
        before, previous = previous, step
        if abs(p) < abs(q * before / 2) and q * (low - x) < p < q * (high - x):
            offset = p / q
            if (x + offset) - low < 2 * tol1 or high - (x + offset) < 2 * tol1:
                offset = math.copysign(tol1, middle - x)
            return offset, previous
    previous = (low - x) if x >= middle else (high - x)
    return GOLDEN_SECTION * previous, previous
