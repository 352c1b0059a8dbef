"""gdexplorer.core imports and runs with Qt unavailable (as napari enforces for its models)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockQt())
import pkgutil, importlib
import gdexplorer.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "gdexplorer.core.")]
for name in names:
    importlib.import_module(name)
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
trajectory, outcome = run_to_end(RunConfig("x^2 + y^2", (2.0, 2.0)))
assert outcome.reason.converged, outcome
print(len(names), "modules", outcome.message)
"""


def test_core_imports_and_runs_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Converged" in result.stdout
    assert "PySide6" not in result.stderr
