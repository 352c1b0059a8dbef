"""Run settings shared by the UI tests (the fixtures that use them are in conftest.py).

A plain module rather than conftest.py, because test modules import these names and pytest
imports every ``conftest.py`` under the same module name.
"""

from __future__ import annotations

from gdexplorer.core.config import RunConfig

VALLEY = RunConfig("x^2 + 20y^2", (-4.0, 1.0), learning_rate=0.045, iterations=500)
"""An elongated valley: a short run whose path zigzags, on which every variant converges."""

ENDLESS = RunConfig("x^2 + y^2", (2.0, 2.0), learning_rate=1e-9, iterations=5_000_000, tol_grad=0.0)
"""A run that never ends by itself (tiny steps, no gradient tolerance): only Stop ends it."""
