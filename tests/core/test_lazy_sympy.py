"""sympy (~0.5 s to import) loads on the first parse, not at start-up: the window opens first."""

from __future__ import annotations

import os
import subprocess
import sys

from gdexplorer.core.parse._rules import CONSTANTS, FUNCTIONS, constant_values, function_rules

CORE_SCRIPT = """
import importlib, pkgutil, sys
import gdexplorer.core as core
lazy = {"gdexplorer.core.parse._build", "gdexplorer.core._printers"}  # imported on first use
for module in pkgutil.walk_packages(core.__path__, "gdexplorer.core."):
    if module.name not in lazy:
        importlib.import_module(module.name)
print("sympy" in sys.modules)
"""

WINDOW_SCRIPT = """
import sys
import gdexplorer.ui.main_window, gdexplorer.ui.app
print("sympy" in sys.modules)
from gdexplorer.core.parse.expression import parse_function
parsed = parse_function("x^2 + 2y^2")
print("sympy" in sys.modules, parsed.variables, parsed.expr)
"""


def _run(script: str) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_core_modules_import_without_sympy() -> None:
    assert _run(CORE_SCRIPT) == ["False"]


def test_window_imports_without_sympy_and_the_first_parse_loads_it() -> None:
    at_start, after_parse = _run(WINDOW_SCRIPT)
    assert at_start == "False", "importing the window loaded sympy"
    assert after_parse == "True ('x', 'y') x**2 + 2*y**2"


def test_symbolic_tables_name_every_function_and_constant() -> None:
    assert tuple(function_rules()) == FUNCTIONS
    assert tuple(constant_values()) == CONSTANTS
