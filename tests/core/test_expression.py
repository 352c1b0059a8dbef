"""Unit tests for gdexplorer.core.parse.expression: accepted inputs, refusals, ordering, limits."""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import time
from pathlib import Path

import pytest
import sympy

from gdexplorer.core.errors import ExpressionError, GdxError
from gdexplorer.core.parse import expression as expression_module
from gdexplorer.core.parse.expression import ParsedFunction, natural_sort_key, parse_function

x, y, z, w, b = (sympy.Symbol(name, real=True) for name in "xyzwb")
x1, x2, x10, zy, theta, x_1, ex = (
    sympy.Symbol(name, real=True) for name in ("x1", "x2", "x10", "zy", "theta", "x_1", "ex")
)


def assert_same(actual: sympy.Expr, expected: sympy.Expr) -> None:
    assert actual == expected or sympy.simplify(actual - expected) == 0, (actual, expected)


ACCEPTED = [
    ("x^2 - 4x + 4", x**2 - 4 * x + 4),
    ("x**2 + 2y^2", x**2 + 2 * y**2),
    ("(1-x)^2 + 100(y-x^2)^2", (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("sqrt(x)", sympy.sqrt(x)),
    ("abs(x)", sympy.Abs(x)),
    ("log(1 + exp(-y*(w*x + b)))", sympy.log(1 + sympy.exp(-y * (w * x + b)))),
    ("sin(3x)cos(2y)", sympy.sin(3 * x) * sympy.cos(2 * y)),
    ("x^2 - 2x + y^2 + z^2 + zy", x**2 - 2 * x + y**2 + z**2 + zy),
    ("x1^2 + x10^2 + x2^2", x1**2 + x10**2 + x2**2),
    ("2x", 2 * x),
    ("3(x+1)", 3 * (x + 1)),
    ("2 x y", 2 * x * y),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x(y+1)", x * (y + 1)),
    ("2sin(x)", 2 * sympy.sin(x)),
    ("x sin(y)", x * sympy.sin(y)),
    ("(x)y", x * y),
    ("-x^2", -(x**2)),
    ("+x", x),
    ("--x", x),
    ("2^3^x", 2 ** (3**x)),
    ("2^-x", 2 ** (-x)),
    ("x^y", x**y),
    ("e^x", sympy.exp(x)),
    ("pi x", sympy.pi * x),
    ("2e x", 2 * sympy.E * x),
    ("2ex", 2 * ex),
    ("2e3 x", sympy.Float(2000) * x),
    ("1/2x", x / 2),
    ("x/2", x / 2),
    ("ln(x) + log(y)", sympy.log(x) + sympy.log(y)),
    (
        "tan(x)+asin(x)+acos(x)+atan(x)",
        sympy.tan(x) + sympy.asin(x) + sympy.acos(x) + sympy.atan(x),
    ),
    ("sinh(x)+cosh(x)+tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
    ("theta^2 + x_1", theta**2 + x_1),
    ("x^(1/3)", x ** sympy.Rational(1, 3)),
    ("sin (x)", sympy.sin(x)),
    ("x^100", x**100),
    ("10^100 x", sympy.Integer(10) ** 100 * x),
    ("x - x + y", y),
    ("  x\t+\ny  ", x + y),
    ("sqrt(2) x", sympy.sqrt(2) * x),
]

UNICODE = [
    ("x²", x**2),
    ("x³ + y²", x**3 + y**2),
    ("x⁻¹", 1 / x),
    ("x¹⁰", x**10),
    ("2x²y", 2 * x**2 * y),
    ("(x+1)²", (x + 1) ** 2),
    ("πx", sympy.pi * x),
    ("2π", None),  # constant: refused, see below
    ("x − y", x - y),
    ("x × y", x * y),
    ("x · y", x * y),
    ("x ÷ y", x / y),
    ("x ⋅ y", x * y),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_inputs(text: str, expected: sympy.Expr) -> None:
    parsed = parse_function(text)
    assert_same(parsed.expr, expected)
    assert parsed.text == text


@pytest.mark.parametrize(("text", "expected"), [case for case in UNICODE if case[1] is not None])
def test_unicode_means_what_it_looks_like(text: str, expected: sympy.Expr) -> None:
    assert_same(parse_function(text).expr, expected)


def test_literals_keep_their_kind() -> None:
    assert parse_function("0.1x").expr == sympy.Float("0.1") * x
    assert parse_function("3x").expr.args[0] == sympy.Integer(3)
    assert parse_function(".5x").expr == sympy.Float("0.5") * x
    assert parse_function("2.x").expr == sympy.Float(2) * x
    assert parse_function("1e-3x").expr == sympy.Float("0.001") * x
    assert parse_function("007x").expr == 7 * x


def test_symbols_are_real_and_abs_differentiates_to_sign() -> None:
    parsed = parse_function("abs(x)")
    assert parsed.symbols == (x,)
    assert all(symbol.is_real for symbol in parsed.symbols)
    assert sympy.diff(parsed.expr, parsed.symbols[0]) == sympy.sign(x)


def test_parsed_function_is_frozen() -> None:
    parsed = parse_function("x + y")
    assert isinstance(parsed, ParsedFunction)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.text = "y"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("x1^2 + x10^2 + x2^2", ("x1", "x2", "x10")),
        ("y + x", ("x", "y")),
        ("x^2 - 2x + y^2 + z^2 + zy", ("x", "y", "z", "zy")),
        ("b + a2 + a10 + a", ("a", "a2", "a10", "b")),
        ("x + X1", ("x", "X1")),
    ],
)
def test_natural_variable_order(text: str, variables: tuple[str, ...]) -> None:
    parsed = parse_function(text)
    assert parsed.variables == variables
    assert tuple(symbol.name for symbol in parsed.symbols) == variables


def test_natural_sort_key() -> None:
    names = ["x10", "x2", "x1", "y", "x", "x_1", "theta"]
    assert sorted(names, key=natural_sort_key) == ["theta", "x", "x1", "x2", "x10", "x_1", "y"]
    assert natural_sort_key("x01") != natural_sort_key("x1")


def test_explicit_variables_fix_order_and_keep_unused() -> None:
    parsed = parse_function("(w*x + b - 1)^2", variables=("w", "b", "x"))
    assert parsed.variables == ("w", "b", "x")
    assert parse_function("w^2", variables=("w", "b")).variables == ("w", "b")
    assert parse_function("w^2", variables="w, b").variables == ("w", "b")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (("w",), "'b' is used in the function"),
        (("w", "sin"), "'sin' is a function"),
        (("w", "pi"), "'pi' is a constant"),
        (("w", "ln"), "'ln' is a function"),
        (("w", "lambda"), "Python keyword"),
        (("w", "2x"), "not a valid variable name"),
        (("w", "θ"), "not a valid variable name"),
        (("w", "__x"), "'__'"),
        (("w", "a" * 33), "too long"),
        (("w", "w", "b"), "listed twice"),
        (("w", "Pi", "b"), "confused with 'pi'"),
    ],
)
def test_explicit_variables_are_checked(variables: tuple[str, ...], message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_function("w + b", variables=variables)


def test_definition_prefix() -> None:
    assert parse_function("f(x, y) = x^2 + y").variables == ("x", "y")
    assert parse_function("f(y, x) = x^2 + y").variables == ("y", "x")
    assert parse_function("f(x, y) = x^2").variables == ("x", "y")
    assert_same(parse_function("f = x^2").expr, x**2)
    assert_same(parse_function("y = x^2").expr, x**2)
    assert_same(parse_function("L(w,b) = (w + b)^2").expr, (w + b) ** 2)
    assert parse_function("f(x, y) = x + y", variables=("y", "x")).variables == ("y", "x")
    with pytest.raises(ExpressionError, match="declares"):
        parse_function("f(x, y) = x + y", variables=("x", "z"))
    with pytest.raises(ExpressionError, match="'y' is used"):
        parse_function("f(x) = x + y")
    with pytest.raises(ExpressionError, match="nothing follows '='"):
        parse_function("f(x) = ")


REFUSED = [
    # (text, substring of the message, expected position or None to skip)
    ("", "type a function of x", None),
    ("   ", "e.g. x^2 + 2y^2", None),
    ("x" * 501, "too long", None),
    ("x**", "'x**' is incomplete after '**'", 1),
    ("x^2 +", "is incomplete after '+'", 4),
    ("x*(y+1", "unbalanced parenthesis: '(' at column 3 is never closed", 2),
    ("x + 1)", "unexpected ')' at column 6", 5),
    ("(x]", "is closed by ']'", 2),
    ("(" * 41 + "x" + ")" * 41, "nested too deeply", 40),
    ("Sin(x)", "unknown function 'Sin' — did you mean 'sin'?", 0),
    ("EXP(x)", "did you mean 'exp'?", 0),
    ("sine(x)", "did you mean 'sin'?", 0),
    ("log10(x)", "log10(x) can be written log(x)/log(10)", 0),
    ("sigmoid(x)", "sigmoid(x) can be written 1/(1 + exp(-x))", 0),
    ("Pi(x)", "did you mean 'pi*(...)'", 0),
    ("sqrt(x, y)", "'sqrt' takes one argument", 0),
    ("sin()", "'sin' takes one argument", 0),
    ("x(1, 2)", "'x' is a variable, not a function", 0),
    ("sin x", "'sin' is a function", 0),
    ("x + sin", "'sin' is a function", 4),
    ("sin²(x)", "sin(x)^2", 3),
    ("x % 2", "'%' is not supported; use +, -, *, /, ^", 2),
    ("x // 2", "'//' is not supported", 2),
    ("x @ y", "'@' is not supported", 2),
    ("x & y", "'&' is not supported", 2),
    ("x << 2", "'<<' is not supported", 2),
    ("~x", "'~' is not supported", 0),
    ("x == 2", "'==' compares; type only the function, e.g. x^2", 2),
    ("x < y", "'<' compares", 2),
    ("x in y", "'in' compares", 2),
    ("sin(x) = x^2", "is an equation, not a function", 7),
    ("x = 2 + x", "'x' is on both sides of '='", 8),
    ("f(x) = f(x)", "'f' is on both sides of '='", 7),
    ("x + y = 2", "(x + y - 2)^2", 6),
    ("sin(x=1)", "'=' is not allowed inside brackets", 5),
    ("x.y", "attribute access like 'x.y' is not allowed", 0),
    ("x[0]", "indexing like 'x[0]' is not allowed", 0),
    ("lambda x: x", "'lambda' is not allowed", 0),
    ("x and y", "logic", 0),
    ("not x", "logic", 0),
    ("x if y else z", "'if ... else'", 0),
    ("[x for x in y]", "comprehensions", 0),
    ("(x := 2)", "':=' assigns", 1),
    ("[x]", "square brackets", 0),
    ("{x}", "curly braces", 0),
    ("x, y", "','", 1),
    ("'x'", "quotes are not allowed", 0),
    ('"x"', "quotes are not allowed", 0),
    ("True", "'True' is not a number", 0),
    ("None + x", "'None' is not a number", 0),
    ("import os", "'import' is a Python keyword", 0),
    ("x if", "'if' is a Python keyword", 2),
    ("x # comment", "comment", 2),
    ("x; y", "';'", 1),
    ("x!", "'!'", 1),
    ("√x", "sqrt(x)", 0),
    ("θ^2", "'theta'", 0),
    ("x + é", "the character 'é' is not allowed", 4),
    ("x\x00", "U+0000", 1),
    ("x + * y", "'*' cannot follow '+'", 4),
    ("* x", "'*' has nothing before it", 0),
    ("(x +)", "something is missing after '+'", 3),
    ("()", "empty brackets", 0),
    ("x 2", "missing operator between 'x' and '2'", 2),
    ("(x+1)2", "missing operator", 5),
    ("1.2.3", "missing operator", 3),
    ("+²", "superscript", 1),
    ("x²⁻", "superscript", 1),
    ("1_000 x", "without '_'", 0),
    ("12345678901234567 x", "too many digits", 0),
    ("1e16 x", "too large", 0),
    ("a" * 33, "too long", 0),
    ("__import__", "'__'", 0),
    ("Pi x", "did you mean 'pi'?", 0),
    ("E^x", "did you mean 'e'?", 0),
    ("9**9**9", "too large", 0),
    ("10**400", "too large", 0),
    ("x^1000", "exponent", 0),
    ("exp(exp(100))", "too large", 0),
    ("exp(1000) x", "too large", 0),
    ("(10^50)^3 x", "too large", 0),
    ("((x/1000)^100)^100", "too long", 0),
    ("1/0 + x", "division by zero", 0),
    ("x/0", "division by zero", 0),
    ("x/(y - y)", "division by zero", 0),
    ("log(0) + x", "'log(0)' is not a finite real number", 0),
    ("x + sqrt(-1)", "'sqrt(-1)' is not a finite real number", 4),
    ("asin(2) x", "is not a finite real number", 0),
    ("(-8)^(1/3) x", "is not a finite real number", 0),
    ("tan(pi/2) + x", "is not a finite real number", 0),
    ("3", "the function has no variables: nothing to minimize", None),
    ("pi^2 + e", "has no variables", None),
    ("x - x", "simplifies to the constant 0", None),
    ("(-2)^x", "derivative with respect to x is not a finite real function", None),
    ("0^x", "derivative with respect to x", None),
    ("-" * 41 + "x", "nested too deeply", None),
    ("^".join(["x"] * 42), "nested too deeply", None),
    ("+".join(["x"] * 201), "too long", None),
    (" ".join(f"x{i}" for i in range(21)), "too many variables", None),
]


@pytest.mark.parametrize(("text", "message", "position"), REFUSED)
def test_refusals(text: str, message: str, position: int | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_function(text)
    assert message in str(caught.value)
    assert "invalid syntax" not in str(caught.value)
    if position is not None:
        assert caught.value.position == position


def test_unicode_constant_only_is_refused() -> None:
    with pytest.raises(ExpressionError, match="no variables"):
        parse_function("2π")


def test_error_is_a_value_error_with_message() -> None:
    with pytest.raises(ValueError) as caught:
        parse_function("x +")
    assert isinstance(caught.value, GdxError)
    assert caught.value.message == str(caught.value)


def test_text_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        parse_function(b"x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["9**9**9", "10**400", "exp(exp(100))", "(9^99)^99", "2^2^2^2^2^2"]
)
def test_huge_constants_are_refused_quickly(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        parse_function(text)
    assert time.perf_counter() - start < 2.0  # generous (noisy machines): a guard against blow-up


def test_typed_text_never_reaches_eval_exec_or_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_function("sin(x) + 1")  # warm up lazy imports first
    seen: list[tuple[str, object]] = []
    originals = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}

    def spy(name: str):
        def wrapper(*args, **kwargs):
            seen.append((name, kwargs.get("flags", args[3] if len(args) > 3 else 0)))
            return originals[name](*args, **kwargs)

        return wrapper

    for name in originals:
        monkeypatch.setattr(builtins, name, spy(name))
    for text in ["x^2 + 2y", "__import__", "x.y", "lambda: x", "open(x)"]:
        with contextlib.suppress(ExpressionError):
            parse_function(text)
    assert all(name == "compile" and flags & ast.PyCF_ONLY_AST for name, flags in seen)


def test_parser_source_calls_no_evaluator() -> None:
    forbidden = {"eval", "exec", "compile", "sympify", "parse_expr", "lambdify", "S", "__import__"}
    folder = Path(expression_module.__file__).parent
    for path in [folder / "expression.py", *folder.glob("_parse*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "re":
                    continue  # re.compile compiles a regular expression, not code
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                assert name not in forbidden, f"{path.name}:{node.lineno} calls {name}"
