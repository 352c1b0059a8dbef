"""Hints for the mistakes a beginner makes when typing a function.

Two kinds, both plain text (no Qt), shared by the window and the command line:

* **notes** on a function that parsed but probably does not mean what was typed: ``sinx`` is
  one variable named "sinx", ``xy`` one variable named "xy". The function is still accepted (a
  variable may well be called ``xy``); the note only says how the text was read.
* **messages** for text that is refused, replacing the parser's generic wording where the
  student's intent is clear: ``|x|`` (write ``abs(x)``), ``max(x, 0)`` (not available; here is an
  equivalent), ``x = 3`` (an equation is not a function).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gdexplorer.core.parse._rules import FUNCTIONS

PRODUCT_NAME_LENGTH = 3
"""Names of at most this many letters may be a product typed without '*' (``xy``, ``abc``)."""
USUAL_NAMES = frozenset(
    {"mu", "nu", "xi", "eta", "rho", "tau", "phi", "chi", "psi", "lr", "lam", "cost"}
)
"""Short names that are usual variable names, never noted as a product or a call."""
_REST_OF_CALL = re.compile(r"[A-Za-z]{1,2}|[0-9]*[A-Za-z][0-9]?|[A-Za-z][0-9]+")
"""What may follow a function name run together with its argument: ``x``, ``xy``, ``2x``, ``x1``."""

UNAVAILABLE = {
    "max": "max(a, b) can be written (a + b + abs(a - b))/2, e.g. max(x, 0) = (x + abs(x))/2",
    "min": "min(a, b) can be written (a + b - abs(a - b))/2, e.g. min(x, 0) = (x - abs(x))/2",
    "relu": "relu(x) can be written (x + abs(x))/2",
    "sigmoid": "sigmoid(x) can be written 1/(1 + exp(-x))",
    "softplus": "softplus(x) can be written log(1 + exp(x))",
    "log10": "log10(x) can be written log(x)/log(10)",
    "log2": "log2(x) can be written log(x)/log(2)",
    "pow": "pow(a, b) is written a^b",
    "square": "square(x) is written x^2",
    "sign": "sign(x) has no useful gradient (it jumps at 0); abs(x) is often what is meant",
    "floor": "floor(x) has no useful gradient (it is flat between its jumps)",
    "ceil": "ceil(x) has no useful gradient (it is flat between its jumps)",
    "round": "round(x) has no useful gradient (it is flat between its jumps)",
    "atan2": "atan2(y, x) is not available; atan(y/x) is the same where x > 0",
    "hypot": "hypot(x, y) can be written sqrt(x^2 + y^2)",
}
"""Functions a student reaches for that are not in the language, and what to write instead."""


def _run_together_call(name: str) -> str | None:
    """``sin(x)`` for the variable name ``sinx``: a function name glued to a short argument."""
    for function in sorted(FUNCTIONS, key=len, reverse=True):
        rest = name[len(function) :]
        if name.startswith(function) and rest and _REST_OF_CALL.fullmatch(rest):
            return f"{function}({rest})"
    return None


def _run_together_product(name: str) -> str | None:
    """``x*y`` for the variable name ``xy``: a few letters, each a plausible variable."""
    if 2 <= len(name) <= PRODUCT_NAME_LENGTH and name.isalpha() and name.islower():
        return "*".join(name)
    return None


def name_note(name: str) -> str | None:
    """A gentle note on how the variable ``name`` was read, or None when it reads as meant."""
    if name in USUAL_NAMES:
        return None
    call = _run_together_call(name)
    if call is not None:
        return f"one variable named '{name}' — did you mean {call}?"
    product = _run_together_product(name)
    if product is not None:
        return f"'{name}' is one variable; for a product write {product}"
    return None


def function_notes(variables: Sequence[str]) -> tuple[str, ...]:
    """The notes on a parsed function's variables (empty when every name reads as meant).

    Parameters
    ----------
    variables
        The variable names the parser found, e.g. ``ParsedFunction.variables``.
    """
    notes = (name_note(name) for name in variables)
    return tuple(note for note in notes if note is not None)


def unavailable_function(name: str) -> str | None:
    """The message for a call of a well-known function the language lacks (``max(x, 0)``),
    with what to write instead; None for any other name."""
    advice = UNAVAILABLE.get(name.lower())
    if advice is None:
        return None
    return f"'{name}' is not one of the functions here; {advice}"


def absolute_value_message(text: str) -> str | None:
    """The message for ``|x|`` bars (Python would read '|' as "or"): write ``abs(x)``.

    None when ``text`` has no '|'.
    """
    first = text.find("|")
    if first < 0:
        return None
    second = text.find("|", first + 1)
    inside = text[first + 1 : second].strip() if second > first else ""
    example = f"abs({inside})" if inside else "abs(x)"
    shown = f"|{inside}|" if inside else "|x|"
    return f"'|' is not an operator here: write {shown} as {example}"


def equation_message(left: str, right: str) -> str:
    """The message for an equation such as ``x = 3`` or ``x^2 = 2``.

    A function gives a number to minimize; an equation states that two sides are equal. Its
    solutions are the minima of the squared difference, which is offered instead.
    """
    left, right = left.strip(), right.strip()
    difference = f"{left} - {_grouped(right)}"
    return (
        f"'{left} = {right}' is an equation, not a function; type only the function to "
        f"minimize, e.g. ({difference})^2 is smallest where {left} = {right}"
    )


def _grouped(side: str) -> str:
    """``side`` bracketed unless it is a single name or number (so ``a - (b + c)`` reads right;
    the left side needs none, '-' binding loosest)."""
    return side if re.fullmatch(r"[A-Za-z_0-9.]+", side) else f"({side})"


def notes_on_text(text: str, variables: Sequence[str] | None = None) -> tuple[str, ...]:
    """The notes on typed ``text`` (for the command line); none when it does not parse, as
    the run itself then says what is wrong."""
    from gdexplorer.core.errors import ExpressionError
    from gdexplorer.core.parse.expression import parse_function  # it imports this module

    try:
        return function_notes(parse_function(text, variables).variables)
    except ExpressionError:
        return ()
