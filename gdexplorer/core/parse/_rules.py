"""Tables and limits shared by the parts of the expression parser.

The parser accepts a deliberately small language: numbers, variables, the constants ``pi`` and
``e``, the arithmetic operators and the functions listed in :data:`FUNCTIONS`. Everything here is
data or a small pure helper, so the rules can be read (and changed) in one place.
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500
"""Longest accepted input, in characters."""
MAX_NODES = 400
"""Most expression nodes (numbers, names, operators, calls) in the parsed tree."""
MAX_DEPTH = 40
"""Deepest bracket nesting, and deepest nesting of operators and calls in the tree."""
MAX_NAME_LENGTH = 32
MAX_VARIABLES = 20
"""Most variables; each costs one symbolic derivative, which is quadratic in long products."""
MAX_LITERAL = 1e15
"""Largest number that may be typed as a literal."""
MAX_LITERAL_DIGITS = 16
MAX_EXPONENT = 100
"""Largest magnitude of a constant exponent, as in ``x^100``."""
MAX_CONSTANT = 1e100
"""Largest magnitude of a constant sub-expression after folding, as in ``10^100``."""
MAX_EXACT_BITS = 4000
"""Largest size of an exact rational power such as ``(1/3)^100`` that sympy may compute."""

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class FunctionRule:
    """How one allowed function is built symbolically and folded numerically."""

    build: Callable[[sympy.Expr], sympy.Expr]
    evaluate: Callable[[float], float]


FUNCTIONS = (
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
    "exp", "log", "ln", "sqrt", "abs",
)  # fmt: skip
"""The callable functions; ``ln`` is another name for the natural ``log``."""

CONSTANTS = ("pi", "e")


@cache
def function_rules() -> dict[str, FunctionRule]:
    """The rule for each name in :data:`FUNCTIONS`."""
    import sympy  # imported on first use: the window opens before sympy loads

    return {
        "sin": FunctionRule(sympy.sin, math.sin),
        "cos": FunctionRule(sympy.cos, math.cos),
        "tan": FunctionRule(sympy.tan, math.tan),
        "asin": FunctionRule(sympy.asin, math.asin),
        "acos": FunctionRule(sympy.acos, math.acos),
        "atan": FunctionRule(sympy.atan, math.atan),
        "sinh": FunctionRule(sympy.sinh, math.sinh),
        "cosh": FunctionRule(sympy.cosh, math.cosh),
        "tanh": FunctionRule(sympy.tanh, math.tanh),
        "exp": FunctionRule(sympy.exp, math.exp),
        "log": FunctionRule(sympy.log, math.log),
        "ln": FunctionRule(sympy.log, math.log),
        "sqrt": FunctionRule(sympy.sqrt, math.sqrt),
        "abs": FunctionRule(sympy.Abs, abs),
    }


@cache
def constant_values() -> dict[str, tuple[sympy.Expr, float]]:
    """The symbolic and the floating-point value of each name in :data:`CONSTANTS`."""
    import sympy  # imported on first use: the window opens before sympy loads

    return {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}


RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)
FUNCTION_LIST = ", ".join(FUNCTIONS)
EXAMPLE = "x^2 + 2y^2"


def column(position: int) -> str:
    """Describe a 0-based position as the 1-based column a person counts."""
    return f"column {position + 1}"


def case_variant(name: str) -> str | None:
    """Return the reserved name that ``name`` differs from only in letter case, if any."""
    lowered = name.lower()
    if name not in RESERVED and lowered in RESERVED:
        return lowered
    return None


def suggest_function(name: str) -> str | None:
    """Return the allowed function whose name is closest to ``name``, if one is close."""
    matches = difflib.get_close_matches(name.lower(), list(FUNCTIONS), n=1, cutoff=0.6)
    return matches[0] if matches else None


def looks_like_call(name: str) -> bool:
    """Whether ``name`` written before ``(`` is meant as a function call.

    Known functions are calls. So is any other name of two or more characters without a
    digit (``Sin(x)``, ``sigmoid(x)``) or close to a function name (``log10(x)``): those are
    refused later as unknown functions rather than silently read as a product. Single letters and
    names with digits (``x(y+1)``, ``x1(y+1)``) and the constants are variables times a bracket.
    """
    if name in FUNCTIONS:
        return True
    if name in CONSTANTS or len(name) < 2:
        return False
    return not any(char.isdigit() for char in name) or suggest_function(name) is not None


def name_problem(name: object) -> str | None:
    """Explain why ``name`` cannot be a variable, or return None when it can."""
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        return (
            f"{name!r} is not a valid variable name: use ASCII letters, digits and '_', "
            "starting with a letter"
        )
    if len(name) > MAX_NAME_LENGTH:
        return f"the name '{name[:12]}...' is too long (at most {MAX_NAME_LENGTH} characters)"
    if name.startswith("__"):
        return f"names starting with '__' are not allowed ('{name}')"
    if keyword.iskeyword(name):
        return f"'{name}' is a Python keyword and cannot be a variable"
    if name in FUNCTIONS:
        return f"'{name}' is a function and cannot be a variable"
    if name in CONSTANTS:
        return f"'{name}' is a constant and cannot be a variable"
    variant = case_variant(name)
    if variant is not None:
        return f"'{name}' is too easily confused with '{variant}' to be a variable"
    return None
