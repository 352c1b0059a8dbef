"""Maths text for the worked example: numbers, vectors and the variants' equations.

The variants' equations are Python assignments (constants of
:mod:`gdexplorer.core.optimizers`); this module writes their right-hand sides as a student reads
them (``−lr·g``, ``β₁ᵗ``, ``√v``, ``g²``), either with symbols (``m₄``) or with this
iteration's numbers substituted.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

DIGITS = 6

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789t", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵗ")
SYMBOLS = {
    "beta1": "β₁",
    "beta2": "β₂",
    "rho": "ρ",
    "eps": "ε",
    "bias_correction1": "c₁",
    "bias_correction2_sqrt": "√c₂",
    "alpha": "α",
}
SLOT_MEANINGS = {
    "b": "velocity",
    "s": "sum of squared g",
    "m": "1st moment (mean g)",
    "v": "2nd moment (mean g²)",
}


def format_number(value: float) -> str:
    """A number with 6 significant digits (``1.5``, ``-0.00123457``, ``1.23457e+08``)."""
    return f"{float(value):.{DIGITS}g}"


def format_vector(values: np.ndarray | Sequence[float] | float) -> str:
    """``(1.5, 2)`` for a point, a bare number for one coordinate."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size == 1:
        return format_number(arr[0])
    return "(" + ", ".join(format_number(v) for v in arr) + ")"


def subscript(index: int) -> str:
    """``12`` -> ``₁₂``."""
    return str(index).translate(_SUBSCRIPTS)


def symbol(name: str, subscripts: Mapping[str, int]) -> str:
    text = SYMBOLS.get(name, name)
    if name in subscripts:
        text += str(subscripts[name]).translate(_SUBSCRIPTS)
    return text


def number_text(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return format_vector(value)


_INDEXED = frozenset({"step", "b", "s", "m", "v", "g"})


def indexed_names() -> frozenset[str]:
    """Names written with an iteration index (``g₃``, ``m₄``); the rest are constants."""
    return _INDEXED


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_OPERATORS = {ast.Add: " + ", ast.Sub: " − ", ast.Mult: "·", ast.Div: " / "}
_ATOM = 5


def render(node: ast.expr, name_text: Callable[[str], str]) -> tuple[str, int]:
    """An equation's right-hand side as maths text, and its precedence (for parentheses)."""
    if isinstance(node, ast.Name):
        text = name_text(node.id)
        return text, 0 if text.startswith("-") else _ATOM  # a negative number gets parentheses
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return format_number(node.value), _ATOM
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner, prec = render(node.operand, name_text)
        keep = isinstance(node.operand, ast.BinOp) and isinstance(node.operand.op, ast.Div)
        return "−" + (inner if prec >= 2 and not keep else f"({inner})"), 3
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        inner, prec = render(node.args[0], name_text)
        return "√" + (inner if prec == _ATOM else f"({inner})"), _ATOM
    if isinstance(node, ast.BinOp):
        return _render_binary(node, name_text)
    raise ValueError(f"cannot write out {ast.dump(node)}")  # only our own equations get here


def _render_binary(node: ast.BinOp, name_text) -> tuple[str, int]:
    prec = _PRECEDENCE[type(node.op)]
    left, lp = render(node.left, name_text)
    if _is_square(node):
        return (left if lp == _ATOM else f"({left})") + "²", _PRECEDENCE[ast.Pow]
    right, rp = render(node.right, name_text)
    if lp < prec or (isinstance(node.op, ast.Pow) and lp <= prec):
        left = f"({left})"
    if rp < prec or (rp == prec and isinstance(node.op, ast.Sub | ast.Div)):
        right = f"({right})"
    if isinstance(node.op, ast.Pow):
        exponent = right.strip("()")
        if all(ch in "0123456789t" for ch in exponent):
            return left + exponent.translate(_SUPERSCRIPTS), prec
        return f"{left}^{right}", prec
    return left + _OPERATORS[type(node.op)] + right, prec


def _is_square(node: ast.BinOp) -> bool:
    """``g * g``, written g²."""
    left, right = node.left, node.right
    return (
        isinstance(node.op, ast.Mult)
        and isinstance(left, ast.Name)
        and isinstance(right, ast.Name)
        and left.id == right.id
    )
