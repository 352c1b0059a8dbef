"""Read generated source with :func:`ast.parse` and hold the tree against an allow-list.

Only ``Expression``, ``BinOp`` (+ - * / **), ``UnaryOp`` (unary + -), ``Constant`` (int or
float), ``Name`` and ``Call`` of an allowed function with one positional argument get through.
Every other node is refused with a message that names the construct and, where it helps, a fix.
Python's own ``SyntaxError`` is translated into a message about the typed text.
"""

from __future__ import annotations

import ast
import keyword

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse import hints
from gdexplorer.core.parse._rules import (
    CONSTANTS,
    EXAMPLE,
    FUNCTION_LIST,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_NODES,
    case_variant,
    column,
    suggest_function,
)
from gdexplorer.core.parse._tokens import SourceMap

_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_ALLOWED_UNARY = (ast.USub, ast.UAdd)
_OPERATOR_SYMBOLS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_COMPARE_SYMBOLS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ONLY_FUNCTION = f"type only the function, e.g. {EXAMPLE}"
_COMPREHENSION = "comprehensions ('... for ... in ...') are not allowed"
_NODE_MESSAGES: dict[type, str] = {
    ast.Attribute: "attribute access like '{segment}' is not allowed",
    ast.Subscript: "indexing like '{segment}' is not allowed; name variables x1, x2, ... instead",
    ast.Lambda: f"'lambda' is not allowed; {_ONLY_FUNCTION}",
    ast.BoolOp: f"'and' and 'or' are logic, not arithmetic; {_ONLY_FUNCTION}",
    ast.NamedExpr: f"':=' assigns a value; {_ONLY_FUNCTION}",
    ast.IfExp: "'if ... else' is not supported; type a single formula",
    ast.ListComp: _COMPREHENSION,
    ast.SetComp: _COMPREHENSION,
    ast.DictComp: _COMPREHENSION,
    ast.GeneratorExp: _COMPREHENSION,
    ast.List: "square brackets '[ ]' are not allowed; use ( ) for grouping",
    ast.Set: "curly braces '{{ }}' are not allowed; use ( ) for grouping",
    ast.Dict: "curly braces '{{ }}' are not allowed; use ( ) for grouping",
    ast.Tuple: "',' may only appear inside a function call, and each function takes one "
    f"argument; {_ONLY_FUNCTION}",
    ast.Starred: "'*' in front of '{segment}' is not allowed",
    ast.JoinedStr: "text in quotes is not allowed",
    ast.Slice: "slices like '{segment}' are not allowed",
}


def read_tree(source_map: SourceMap) -> ast.Expression:
    """Parse the generated source and refuse anything outside the allow-list or the limits."""
    try:
        tree = ast.parse(source_map.source, mode="eval")
    except SyntaxError as error:
        raise _translate(error, source_map) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the function is too complex to read; simplify it") from None
    _check_size(tree)
    for node in ast.walk(tree):
        problem = _problem(node, source_map)
        if problem is not None:
            message, position = problem
            where = f" ({column(position)})" if position is not None else ""
            raise ExpressionError(message + where, position)
    return tree


def _translate(error: SyntaxError, source_map: SourceMap) -> ExpressionError:
    for token in source_map.tokens:
        if token.kind == "name" and keyword.iskeyword(token.text):
            return ExpressionError(
                f"'{token.text}' is a Python keyword, not part of a function "
                f"({column(token.start)}); {_ONLY_FUNCTION}",
                token.start,
            )
    if error.offset is None:
        return ExpressionError(f"cannot read the function; {_ONLY_FUNCTION}")
    token = source_map.token_at(max(error.offset - 1, 0))
    near = source_map.text[token.start : token.end] or source_map.text[token.start :][:1]
    return ExpressionError(
        f"cannot read the function near '{near}' ({column(token.start)}): check the operators "
        "and brackets there",
        token.start,
    )


def _group(node: ast.AST) -> str | None:
    if not isinstance(node, ast.BinOp):
        return None
    if isinstance(node.op, ast.Add | ast.Sub):
        return "sum"
    return "product" if isinstance(node.op, ast.Mult | ast.Div) else None


def _check_size(tree: ast.Expression) -> None:
    """Refuse trees with too many nodes or nested too deeply (a chain like a+b+c is one level)."""
    count = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"the function is too long ({count} parts; at most {MAX_NODES})")
    stack: list[tuple[ast.expr, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"the function is nested too deeply (more than {MAX_DEPTH} levels)"
            )
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.expr):
                continue
            is_left = isinstance(node, ast.BinOp) and child is node.left
            chained = is_left and _group(node) is not None and _group(child) == _group(node)
            stack.append((child, depth if chained else depth + 1))


def _position(node: ast.expr, source_map: SourceMap) -> tuple[str, int]:
    """Return the typed text of ``node`` and its 0-based start in the typed text."""
    start, end = source_map.span(node.col_offset, node.end_col_offset)
    return source_map.text[start:end], start


def _operator_position(left: ast.expr, right: ast.expr, source_map: SourceMap) -> int | None:
    token = source_map.operator_between(left.end_col_offset, right.col_offset)
    return None if token is None else token.start


def _problem(node: ast.AST, source_map: SourceMap) -> tuple[str, int | None] | None:
    """Return (message, position) when ``node`` is not allowed, else None."""
    if not isinstance(node, ast.expr):
        return None  # operators, contexts, keywords: checked through the node that holds them
    segment, start = _position(node, source_map)
    if isinstance(node, ast.BinOp):
        return _binary_problem(node, source_map)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"'not' is logic, not arithmetic; {_ONLY_FUNCTION}", start
    if isinstance(node, ast.UnaryOp) and not isinstance(node.op, _ALLOWED_UNARY):
        return "'~' is not supported; use +, -, *, /, ^", start
    if isinstance(node, ast.Constant):
        return _constant_problem(node, segment, start)
    if isinstance(node, ast.Call):
        return _call_problem(node, segment, start)
    if isinstance(node, ast.Compare):
        symbol = _COMPARE_SYMBOLS.get(type(node.ops[0]), "==")
        position = _operator_position(node.left, node.comparators[0], source_map)
        return f"'{symbol}' compares; {_ONLY_FUNCTION}", position
    if isinstance(node, ast.UnaryOp | ast.Name):
        return None
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        start = _operator_position(node.elts[0], node.elts[1], source_map) or start
    template = _NODE_MESSAGES.get(type(node), "'{segment}' is not allowed in a function")
    return template.format(segment=segment), start


def _binary_problem(node: ast.BinOp, source_map: SourceMap) -> tuple[str, int | None] | None:
    position = _operator_position(node.left, node.right, source_map)
    if not isinstance(node.op, _ALLOWED_BINARY):
        symbol = _OPERATOR_SYMBOLS.get(type(node.op), "?")
        return f"'{symbol}' is not supported; use +, -, *, /, ^", position
    left, right = node.left, node.right
    if (
        isinstance(node.op, ast.Mult)
        and isinstance(left, ast.Name)
        and isinstance(right, ast.Tuple)
    ):
        segment, start = _position(node, source_map)
        return f"'{left.id}' is a variable, not a function, so '{segment}' is not allowed", start
    return None


def _constant_problem(node: ast.Constant, segment: str, start: int) -> tuple[str, int] | None:
    if type(node.value) in (int, float):
        return None
    if node.value is None or isinstance(node.value, bool):
        return f"'{segment}' is not a number; {_ONLY_FUNCTION}", start
    if isinstance(node.value, str | bytes):
        return "text in quotes is not allowed", start
    return f"'{segment}' is not a real number", start


def unknown_function(name: str) -> str:
    """The message for a call of a name that is not an allowed function."""
    unavailable = hints.unavailable_function(name)
    if unavailable is not None:  # max(x, 0): never "write max*(...)"
        return unavailable
    variant = case_variant(name)
    if variant in CONSTANTS:
        return f"'{name}' is not a function — did you mean '{variant}*(...)'?"
    suggestion = variant or suggest_function(name)
    if suggestion is not None:
        return f"unknown function '{name}' — did you mean '{suggestion}'?"
    return (
        f"unknown function '{name}': the functions are {FUNCTION_LIST}; "
        f"to multiply, write '{name}*(...)'"
    )


def _call_problem(node: ast.Call, segment: str, start: int) -> tuple[str, int] | None:
    if not isinstance(node.func, ast.Name):
        return f"only the functions {FUNCTION_LIST} can be called", start
    name = node.func.id
    if name not in FUNCTIONS:
        return unknown_function(name), start
    if node.keywords:
        return f"keyword arguments are not allowed; write {name}(x)", start
    if any(isinstance(argument, ast.Starred) for argument in node.args):
        return "'*' in front of an argument is not allowed", start
    if len(node.args) != 1:
        return f"'{name}' takes one argument, e.g. {name}(x)", start
    return None
