"""Build the sympy expression from an allow-listed tree, folding constants as it goes.

Every constant sub-expression is also evaluated in floating point with :mod:`math`, *before*
sympy sees it, so ``9^9^9``, ``10^400`` or ``exp(exp(100))`` are refused in microseconds and
sympy never computes a huge exact number. An upper estimate of the size of the exact numbers
(``bits``) is carried along for the same reason, since ``((x/1000)^100)^100`` is exact in sympy.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse._rules import (
    CONSTANTS,
    FUNCTIONS,
    MAX_CONSTANT,
    MAX_EXACT_BITS,
    MAX_EXPONENT,
    MAX_LITERAL,
    case_variant,
    column,
    constant_values,
    function_rules,
    name_problem,
)
from gdexplorer.core.parse._tokens import SourceMap

_NOT_FINITE = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


@dataclass(frozen=True)
class Built:
    """The expression and the variables it uses, each with its first position in the text."""

    expr: sympy.Expr
    names: dict[str, int]


@dataclass(frozen=True)
class _Value:
    expr: sympy.Expr
    number: float | None  # the folded value when the sub-expression is constant
    bits: int  # upper estimate of the size of the exact numbers inside


def build_expression(tree: ast.Expression, source_map: SourceMap) -> Built:
    """Build the sympy expression for an allow-listed tree (see ``_tree.read_tree``)."""
    builder = _Builder(source_map)
    try:
        value = builder.build(tree.body)
    except RecursionError:
        raise ExpressionError("the function is nested too deeply; simplify it") from None
    return Built(value.expr, dict(builder.names))


def _apply(operation: type[ast.operator], left: float, right: float) -> float:
    if operation is ast.Add:
        return left + right
    if operation is ast.Sub:
        return left - right
    return left * right if operation is ast.Mult else left / right


def _combine_exprs(
    operation: type[ast.operator], left: sympy.Expr, right: sympy.Expr
) -> sympy.Expr:
    if operation is ast.Add:
        return left + right
    if operation is ast.Sub:
        return left - right
    return left * right if operation is ast.Mult else left / right


class _Builder:
    """Recursive builder; the depth check in ``read_tree`` bounds its recursion."""

    def __init__(self, source_map: SourceMap) -> None:
        self._map = source_map
        self.names: dict[str, int] = {}

    def _fail(self, message: str, node: ast.expr) -> ExpressionError:
        start, end = self._map.span(node.col_offset, node.end_col_offset)
        text = self._map.text[start:end]
        return ExpressionError(f"{message.format(text=text)} ({column(start)})", start)

    def build(self, node: ast.expr) -> _Value:
        if isinstance(node, ast.BinOp):
            return self._power(node) if isinstance(node.op, ast.Pow) else self._chain(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            number = None if operand.number is None else -operand.number
            return _Value(-operand.expr, number, operand.bits)
        if isinstance(node, ast.Constant):
            return self._literal(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self._fail("'{text}' is not allowed in a function", node)

    def _literal(self, node: ast.Constant) -> _Value:
        assert isinstance(node.value, int | float)  # guaranteed by the allow-list
        number = float(node.value)
        if abs(number) > MAX_LITERAL:
            raise self._fail("the number '{text}' is too large", node)
        if isinstance(node.value, int):
            return _Value(sympy.Integer(node.value), number, node.value.bit_length())
        literal = self._map.source[node.col_offset : node.end_col_offset]
        return _Value(sympy.Float(literal), number, 1)

    def _name(self, node: ast.Name) -> _Value:
        name = node.id
        if name in CONSTANTS:
            expr, number = constant_values()[name]
            return _Value(expr, number, 1)
        if name in FUNCTIONS:
            raise self._fail(
                f"'{name}' is a function: write it with brackets, e.g. {name}(x)", node
            )
        variant = case_variant(name)
        if variant is not None:
            message = (
                f"unknown name '{name}' — did you mean '{variant}'? (names are case-sensitive)"
            )
            raise self._fail(message, node)
        problem = name_problem(name)
        if problem is not None:
            raise self._fail(problem, node)
        self.names.setdefault(name, self._map.span(node.col_offset, node.end_col_offset)[0])
        return _Value(sympy.Symbol(name, real=True), None, 0)

    def _chain(self, node: ast.BinOp) -> _Value:
        """Build a left-leaning chain like a + b - c + d by a loop, not by recursion."""
        group = (
            (ast.Add, ast.Sub) if isinstance(node.op, ast.Add | ast.Sub) else (ast.Mult, ast.Div)
        )
        links: list[ast.BinOp] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp) and isinstance(current.op, group):
            links.append(current)
            current = current.left
        value = self.build(current)
        for link in reversed(links):
            value = self._combine(link, value, self.build(link.right))
        return value

    def _combine(self, node: ast.BinOp, left: _Value, right: _Value) -> _Value:
        operation = type(node.op)
        if operation is ast.Div and (right.number == 0 or right.expr == 0):
            raise self._fail("division by zero in '{text}'", node)
        bits = self._bits(node, left.bits + right.bits)
        number = None
        if left.number is not None and right.number is not None:
            number = self._fold(node, _apply, operation, left.number, right.number)
        return _Value(_combine_exprs(operation, left.expr, right.expr), number, bits)

    def _power(self, node: ast.BinOp) -> _Value:
        base, exponent = self.build(node.left), self.build(node.right)
        if exponent.number is None:
            bits = self._bits(node, base.bits + exponent.bits)
        elif abs(exponent.number) > MAX_EXPONENT:
            size = f"{exponent.number:.6g}"
            raise self._fail(
                f"the exponent in '{{text}}' is too large ({size}; at most {MAX_EXPONENT})", node
            )
        else:
            growth = max(1, math.ceil(abs(exponent.number)))
            bits = self._bits(node, base.bits * growth + exponent.bits)
        number = None
        if base.number is not None and exponent.number is not None:
            number = self._fold(node, math.pow, base.number, exponent.number)
        value = _Value(base.expr**exponent.expr, number, bits)
        return self._real(node, value)

    def _call(self, node: ast.Call) -> _Value:
        assert isinstance(node.func, ast.Name)  # guaranteed by the allow-list
        rule = function_rules()[node.func.id]
        argument = self.build(node.args[0])
        number = None
        if argument.number is not None:
            number = self._fold(node, rule.evaluate, argument.number)
        return self._real(node, _Value(rule.build(argument.expr), number, argument.bits))

    def _bits(self, node: ast.expr, bits: int) -> int:
        if bits > MAX_EXACT_BITS:
            raise self._fail("the numbers in '{text}' get too long; simplify it", node)
        return bits

    def _fold(self, node: ast.expr, function: Callable[..., float], *arguments: object) -> float:
        """Evaluate a constant in floating point; refuse overflow, domain errors and huge values."""
        try:
            number = function(*arguments)
        except OverflowError:
            raise self._fail("the constant '{text}' is too large (it overflows)", node) from None
        except (ValueError, ZeroDivisionError):
            raise self._fail("'{text}' is not a finite real number", node) from None
        if isinstance(number, complex) or math.isnan(number):
            raise self._fail("'{text}' is not a finite real number", node)
        if not abs(number) <= MAX_CONSTANT:
            raise self._fail(
                f"the constant '{{text}}' is too large (more than {MAX_CONSTANT:g})", node
            )
        return float(number)

    def _real(self, node: ast.expr, value: _Value) -> _Value:
        """Refuse a constant that sympy finds infinite or complex, like tan(pi/2)."""
        if value.number is not None and value.expr.has(*_NOT_FINITE):
            raise self._fail("'{text}' is not a finite real number", node)
        return value
