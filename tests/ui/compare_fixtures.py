"""Settings shared by the compare tests (their `window` fixture is in conftest.py)."""

from __future__ import annotations

from gdexplorer.core.config import RunConfig

VALLEY = RunConfig("x^2 + 20y^2", (-4.0, 1.0), learning_rate=0.045, iterations=500)
ENDLESS = RunConfig("x^2 + y^2", (2.0, 2.0), learning_rate=1e-9, iterations=5_000_000, tol_grad=0.0)
