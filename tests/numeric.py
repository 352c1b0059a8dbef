"""Float comparisons that hold on every CPU, numpy build and BLAS.

Two implementations of the same formula (numpy lanes vs the fused Python loop, a worked example
vs the engine) agree to rounding, not bit for bit: numpy's ``exp`` may differ from ``math.exp``
by an ulp depending on the SIMD kernels of the machine, and a sum may be evaluated in another
order. An ulp of a *term* is an absolute error of the term's size, which a pure relative
tolerance rejects wherever the result is much smaller than its terms (a coordinate converging
to 0 from 1 is compared at 1e-17 after an error of 1e-16). So the tolerance is relative to the
magnitude the computation has handled: for a path, the largest entry seen up to that row.
"""

from __future__ import annotations

import numpy as np

RTOL = 1e-12


def assert_close_along_path(actual, expected, rtol: float = RTOL) -> None:
    """Rows of a path agree within ``rtol`` times the largest magnitude seen up to that row.

    A path that grows (a diverging lane) loosens the tolerance only from the row where it grew.
    Non-finite entries must sit at the same places.
    """
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"shapes differ: {actual.shape} vs {expected.shape}"
    if expected.size == 0:
        return
    magnitude = np.abs(expected).reshape(len(expected), -1)
    magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0).max(axis=1)
    scale = np.maximum.accumulate(magnitude).reshape((-1,) + (1,) * (expected.ndim - 1))
    np.testing.assert_array_equal(np.isfinite(actual), np.isfinite(expected))
    finite = np.isfinite(expected)
    error = np.where(finite, np.abs(actual - expected), 0.0)
    allowed = rtol * np.broadcast_to(scale, expected.shape)
    worst = np.unravel_index(np.argmax(error - allowed), expected.shape)
    assert np.all(error <= allowed), (
        f"paths differ at {worst}: {actual[worst]!r} vs {expected[worst]!r} "
        f"(allowed {allowed[worst]:.3g}, the path's scale there)"
    )


def assert_close_scaled(actual, expected, rtol: float = RTOL, scale: float | None = None) -> None:
    """Entries agree within ``rtol`` times ``scale`` (default: the largest magnitude expected)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if scale is None:
        finite = np.abs(expected[np.isfinite(expected)])
        scale = float(finite.max()) if finite.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)
