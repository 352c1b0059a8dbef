"""Newton's direction d = −H⁻¹g, made a descent direction where H is not positive definite.

Where the Hessian H is positive definite, d = −H⁻¹g points to the minimum of the local quadratic
model m(x + s) = f + gᵀs + sᵀHs/2; with lr = 1 Newton's method jumps there, and on a quadratic
that is the minimum itself. Where H has an eigenvalue λ ≤ 0 (a saddle, a maximum) −H⁻¹g may
point uphill, so each eigenvalue is replaced by max(|λ|, 1e-8):
d = −V·diag(1/max(|λᵢ|, 1e-8))·Vᵀg, from H = V·diag(λ)·Vᵀ (Nocedal & Wright, Numerical
Optimization, 2nd ed., section 3.4). That update is "modified", and the row says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMALLEST_EIGENVALUE = 1e-8
"""Eigenvalues are used as max(|λ|, this): a nearly singular H gives a long but finite step."""


@dataclass(frozen=True)
class NewtonDirection:
    """d, the Hessian's eigenvalues, and whether they had to be modified (H not PD)."""

    direction: np.ndarray
    eigenvalues: np.ndarray
    modified: bool


def newton_direction(hessian: np.ndarray, gradient: np.ndarray) -> NewtonDirection:
    """d = −H⁻¹g from the eigen-decomposition of the symmetric H (see the module docstring).

    ``hessian`` must be finite; it is symmetrized first (rounding may break the symmetry of an
    exact Hessian evaluated in floating point).
    """
    symmetric = (hessian + hessian.T) / 2
    eigenvalues, vectors = np.linalg.eigh(symmetric)
    used = np.maximum(np.abs(eigenvalues), SMALLEST_EIGENVALUE)
    modified = bool(np.any(eigenvalues < SMALLEST_EIGENVALUE))
    if modified:
        direction = -(vectors @ ((vectors.T @ gradient) / used))
    else:  # positive definite: a solve is more accurate than going through the eigenvectors
        direction = -np.linalg.solve(symmetric, gradient)
    return NewtonDirection(direction, eigenvalues, modified)
