"""Reference numbers from SciPy for the Newton and line-search tests (scipy is not a dependency).

Run once in a scratch environment and commit the output beside this script:

    python3 -m venv /tmp/scipyenv && /tmp/scipyenv/bin/pip install scipy
    /tmp/scipyenv/bin/python tests/reference/make_scipy_reference.py

The Rosenbrock function, its gradient and its Hessian are SciPy's (``scipy.optimize.rosen``,
``rosen_der``, ``rosen_hess``), the linear solves ``scipy.linalg.solve`` and the 1-D
minimizations ``scipy.optimize.minimize_scalar`` (Brent): written independently of gdexplorer,
which differentiates the typed text with sympy and runs its own line searches.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
from scipy.linalg import solve
from scipy.optimize import brentq, minimize_scalar, rosen, rosen_der, rosen_hess

START = np.array([-1.2, 1.0])
TOL_GRAD = 1e-6


def pure_newton(limit: int = 50) -> list[list[float]]:
    """x <- x - H^-1 g with lr = 1 until |g| < 1e-6 (the Hessian stays positive definite)."""
    x, points = START.copy(), [START.tolist()]
    for _ in range(limit):
        if np.linalg.norm(rosen_der(x)) < TOL_GRAD:
            break
        x = x - solve(rosen_hess(x), rosen_der(x), assume_a="sym")
        points.append(x.tolist())
    return points


def newton_armijo(limit: int = 100, shrink: float = 0.5, c: float = 1e-4):
    """Newton's direction with Armijo backtracking from alpha = 1: points and step lengths."""
    x, points, alphas = START.copy(), [START.tolist()], []
    for _ in range(limit):
        g = rosen_der(x)
        if np.linalg.norm(g) < TOL_GRAD:
            break
        d = -solve(rosen_hess(x), g, assume_a="sym")
        alpha = 1.0
        while rosen(x + alpha * d) > rosen(x) + c * alpha * (g @ d):
            alpha *= shrink
        x = x + alpha * d
        points.append(x.tolist())
        alphas.append(alpha)
    return points, alphas


def gd_exact(updates: int = 5):
    """Gradient descent with the step length minimizing f along -g: Brent's minimization
    (``minimize_scalar``) finds the minimum, then ``brentq`` polishes it as the root of
    phi'(a) = grad f(x + a d) . d (a minimum located from values alone is only good to about
    sqrt(eps); the derivative's root is good to rounding)."""
    x, points, alphas = START.copy(), [START.tolist()], []
    for _ in range(updates):
        d = -rosen_der(x)

        def phi(a: float, x: np.ndarray = x, d: np.ndarray = d) -> float:
            return rosen(x + a * d)

        def slope(a: float, x: np.ndarray = x, d: np.ndarray = d) -> float:
            return rosen_der(x + a * d) @ d

        found = minimize_scalar(phi, bracket=(0.0, 1e-3), tol=1e-12)
        alpha = brentq(slope, 0.9 * found.x, 1.1 * found.x, xtol=1e-300)
        x = x + alpha * d
        points.append(x.tolist())
        alphas.append(float(alpha))
    return points, alphas


def main() -> None:
    armijo_points, armijo_alphas = newton_armijo()
    exact_points, exact_alphas = gd_exact()
    reference = {
        "made_by": f"tests/reference/make_scipy_reference.py with scipy {scipy.__version__}",
        "function": "(1 - x)^2 + 100*(y - x^2)^2",
        "start": START.tolist(),
        "newton_points": pure_newton(),
        "newton_armijo_points": armijo_points,
        "newton_armijo_alphas": armijo_alphas,
        "gd_exact_points": exact_points,
        "gd_exact_alphas": exact_alphas,
    }
    target = Path(__file__).with_name("scipy_rosenbrock.json")
    target.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
