"""Typed text -> a validated sympy expression of ordered, real variables.

What is accepted
----------------
* Numbers: ``3``, ``0.1``, ``.5``, ``2.``, ``1e-3``. Integers stay exact (``sympy.Integer``) and
  decimals keep their literal (``sympy.Float("0.1")``). ``2e3`` is 2000, but ``2e`` is 2*e and
  ``2ex`` is 2 times the variable ``ex``: an exponent needs digits after the ``e``.
* Operators ``+ - * /``, ``^`` or ``**`` for powers (right-associative, ``-x^2 = -(x^2)``), unary
  ``+``/``-`` and parentheses. Unicode: ``x²``, ``x⁻¹`` (superscript powers), ``π``, ``−``, ``×``,
  ``·``, ``÷``.
* Implicit multiplication: ``2x``, ``3(x+1)``, ``2 x y``, ``(x+1)(x-1)``, ``2sin(x)``, ``x(y+1)``.
  It binds like ``*``, so ``1/2x`` is ``x/2``. A number never continues a product: ``x 2`` and
  ``(x+1)2`` are refused as a missing operator.
* Constants ``pi`` and ``e``; functions sin cos tan asin acos atan sinh cosh tanh exp log (``ln``)
  sqrt abs, each with one argument.
* Any other ASCII identifier (``x``, ``theta``, ``x_1``, ``x10``, at most 32 characters) is ONE
  variable: ``xy`` and ``zy`` are variables, not products.
* An optional leading ``f =`` or ``f(x, y) =``; the names in ``f(x, y)`` fix the variable order.

Decisions where a name before ``(`` is ambiguous: single letters and names containing digits are
variables times a bracket (``x(y+1)``); other names of two or more characters are calls and are
refused as unknown functions with a suggestion (``Sin(x)`` -> "did you mean 'sin'?",
``softmax(x)`` -> "to multiply, write 'softmax*(...)'"); a well-known function the language lacks is
explained instead (``max(x, 0)`` -> "(x + abs(x))/2", ``sigmoid(x)`` -> "1/(1 + exp(-x))"). A name
differing from a reserved name only in case (``Pi``, ``E``, ``Exp``) is refused with a
suggestion, also when written bare.

Beginners' slips get their own words (:mod:`.hints`): ``|x|`` suggests ``abs(x)``, an equation
such as ``x = 3`` is refused with the function to minimize, ``(x - 3)^2``; and a function that
parses but reads oddly (``sinx``, ``xy``: one variable each) gets a note, not an error.

Nothing typed ever reaches ``eval``, ``exec``, ``sympify``, ``parse_expr`` or ``lambdify``: the
text is tokenized by hand, parsed with :func:`ast.parse` only, checked against an allow-list and
built with sympy constructors (see ``_tokens``, ``_tree`` and ``_build``).
Error messages give 1-based columns; ``ExpressionError.position`` is the 0-based index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse._rules import EXAMPLE, MAX_LENGTH, MAX_VARIABLES, column, name_problem
from gdexplorer.core.parse._tokens import Token, prepare
from gdexplorer.core.parse._tree import read_tree

if TYPE_CHECKING:
    import sympy

    from gdexplorer.core.parse._build import Built

__all__ = ["ParsedFunction", "natural_sort_key", "parse_function"]


@dataclass(frozen=True)
class ParsedFunction:
    """A function the user typed, validated and ready to differentiate.

    Attributes
    ----------
    text
        The text as typed.
    expr
        The expression, built from the checked tree; its symbols are real.
    variables
        The variable names, in order (the order of the gradient and of the start point).
    symbols
        ``sympy.Symbol(name, real=True)`` for each name in ``variables``, in the same order.
    """

    text: str
    expr: sympy.Expr
    variables: tuple[str, ...]
    symbols: tuple[sympy.Symbol, ...]


def natural_sort_key(name: str) -> tuple:
    """Sort key for variable names: alphabetical, numbers by value (``x2`` before ``x10``).

    Letters compare case-insensitively first; the name itself breaks ties.
    """
    parts = re.split(r"([0-9]+)", name)
    key = tuple(int(part) if index % 2 else part.lower() for index, part in enumerate(parts))
    return (key, name)


def parse_function(text: str, variables: Sequence[str] | None = None) -> ParsedFunction:
    """Parse and validate a typed function of one or more variables.

    Parameters
    ----------
    text
        What the user typed, e.g. ``"x^2 + 2y^2"`` or ``"f(w, b) = (w + b - 1)^2"``.
    variables
        The variable order, e.g. ``("w", "b")``. Every name used must be in it; names it lists
        but the function does not use are kept (their gradient is 0). A string is split at
        commas and spaces. When None, the names declared by ``f(x, y) =`` are used, else the
        names used, in natural order (``x1, x2, x10``).

    Returns
    -------
    ParsedFunction

    Raises
    ------
    ExpressionError
        With a message a student can act on, and the 0-based ``position`` when it helps.
    """
    if not isinstance(text, str):
        raise TypeError(f"the function must be text, not {type(text).__name__}")
    if not text.strip():
        raise ExpressionError(f"type a function of x (and y, ...), e.g. {EXAMPLE}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the function is too long ({len(text)} characters; at most {MAX_LENGTH})"
        )
    # sympy is imported on first use: the window opens before it loads
    import sympy

    from gdexplorer.core.parse._build import build_expression

    source_map = prepare(text)
    built = build_expression(read_tree(source_map), source_map)
    order = _variable_order(built.names, variables, source_map.declared)
    if len(order) > MAX_VARIABLES:
        raise ExpressionError(f"too many variables ({len(order)}; at most {MAX_VARIABLES})")
    symbols = tuple(sympy.Symbol(name, real=True) for name in order)
    _check_usable(built, symbols)
    return ParsedFunction(text, built.expr, order, symbols)


def _as_names(variables: Sequence[str]) -> list[str]:
    if isinstance(variables, str):
        return [name for name in re.split(r"[\s,]+", variables) if name]
    return list(variables)


def _validated(names: list[str], positions: list[int | None]) -> tuple[str, ...]:
    seen: set[str] = set()
    for name, position in zip(names, positions, strict=True):
        problem = name_problem(name)
        where = "" if position is None else f" ({column(position)})"
        if problem is not None:
            raise ExpressionError(problem + where, position)
        if name in seen:
            raise ExpressionError(f"the variable '{name}' is listed twice{where}", position)
        seen.add(name)
    return tuple(names)


def _variable_order(
    used: dict[str, int], variables: Sequence[str] | None, declared: tuple[Token, ...] | None
) -> tuple[str, ...]:
    """Choose and check the variable order (explicit, then declared, then natural)."""
    order = None
    if declared:
        order = _validated([token.text for token in declared], [token.start for token in declared])
    if variables is not None:
        names = _as_names(variables)
        explicit = _validated(names, [None] * len(names))
        if order is not None and set(order) != set(explicit):
            raise ExpressionError(
                f"the function declares ({', '.join(order)}) but the variables are "
                f"({', '.join(explicit)})"
            )
        order = explicit
    if order is None:
        return tuple(sorted(used, key=natural_sort_key))
    for name, position in used.items():
        if name not in order:
            listed = ", ".join(order) if order else "none"
            raise ExpressionError(
                f"'{name}' is used in the function ({column(position)}) but is not one of the "
                f"variables ({listed})",
                position,
            )
    return order


def _infinite_or_complex(expr: sympy.Expr) -> str | None:
    """Describe why ``expr`` is not a finite real function, or return None."""
    import sympy  # already loaded: reached only from parse_function

    if expr.has(sympy.zoo, sympy.oo, -sympy.oo):
        return "an infinite value (a division by zero?)"
    if expr.has(sympy.nan):
        return "an undefined value such as 0/0"
    if expr.has(sympy.I):
        return "complex numbers"
    if expr.has(sympy.Derivative, sympy.Subs):
        return "a derivative that cannot be worked out"
    return None


def _check_usable(built: Built, symbols: tuple[sympy.Symbol, ...]) -> None:
    """Refuse constants and functions whose value or gradient is not finite and real."""
    import sympy  # already loaded: reached only from parse_function

    if not built.names:
        raise ExpressionError("the function has no variables: nothing to minimize")
    if not built.expr.free_symbols:
        raise ExpressionError(
            f"the function simplifies to the constant {built.expr}: nothing to minimize"
        )
    problem = _infinite_or_complex(built.expr)
    if problem is not None:
        raise ExpressionError(f"the function is not a finite real function: it contains {problem}")
    for symbol in symbols:
        try:
            derivative = sympy.diff(built.expr, symbol)
        except RecursionError:
            raise ExpressionError("the function is too complex to differentiate") from None
        problem = _infinite_or_complex(derivative)
        if problem is not None:
            raise ExpressionError(
                f"the derivative with respect to {symbol} is not a finite real function: "
                f"it contains {problem}"
            )
