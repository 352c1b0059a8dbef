"""Property tests for gdexplorer.core.parse.expression: total, fast, inert, and faithful."""

from __future__ import annotations

import gc
import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse.expression import ParsedFunction, parse_function

# Keep Hypothesis' caches out of the source tree: a .hypothesis folder there trips the
# "Skipping collection of '.hypothesis'" warning, which filterwarnings=error turns into an error.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "gdexplorer-hypothesis")

TIME_LIMIT = 2.0  # generous (noisy machines, CI): a guard against blow-up, not a benchmark
FAST = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

TOKENS = [
    *"xyzwb0123456789",
    *"+-*/^().,=[]{}<>%@!~:;'\" _",
    *"²³⁻¹πe−×·÷√θ",
    "**",
    "//",
    "==",
    ":=",
    "1e-3",
    ".5",
    "2.",
    "9e9",
    "10",
    "99",
    "x1",
    "x10",
    "theta",
    "zy",
    "pi",
    "sin(",
    "Sin(",
    "sqrt(",
    "exp(",
    "log(",
    "ln(",
    "abs(",
    "tan(",
    "asin(",
    "lambda",
    "and",
    "not",
    "if",
    "for",
    "in",
    "True",
    "None",
    "__import__",
    "__class__",
    "f(x,y)=",
    "\n",
    "\t",
]


def _timed_parse(text: str) -> tuple[ParsedFunction | None, float]:
    start = time.perf_counter()
    try:
        result: ParsedFunction | None = parse_function(text)
    except ExpressionError as error:
        assert str(error)
        assert error.position is None or 0 <= error.position <= len(text)
        result = None
    return result, time.perf_counter() - start


def parse_or_refuse(text: str) -> ParsedFunction | None:
    """Parse ``text``; only ExpressionError may escape, and never slower than the limit.

    A slow call is measured again with sympy's cache cleared (so the retry is not helped by the
    first call), which keeps a garbage-collector pause or a busy machine from failing the test.
    """
    result, elapsed = _timed_parse(text)
    if elapsed >= TIME_LIMIT:
        sympy.core.cache.clear_cache()
        gc.collect()
        result, elapsed = _timed_parse(text)
    assert elapsed < TIME_LIMIT, f"{elapsed:.3f} s for {text!r}"
    return result


@FAST
@given(st.text(max_size=120))
def test_arbitrary_text_parses_or_is_refused(text: str) -> None:
    parse_or_refuse(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_expression_like_text_parses_or_is_refused(text: str) -> None:
    parsed = parse_or_refuse(text)
    if parsed is not None:
        assert parsed.variables
        assert parsed.expr.free_symbols <= set(parsed.symbols)


PAYLOADS = [
    "__import__('os').system('touch {path}')",
    '__import__("os").system("touch {path}")',
    "().__class__.__base__.__subclasses__()",
    "open('{path}', 'w').write('x')",
    "exec(\"open('{path}','w')\")",
    "eval(\"open('{path}','w')\")",
    "[c for c in ().__class__.__bases__]",
    "lambda: open('{path}', 'w')",
    "x + __import__",
    "x.__class__",
    "sin.__globals__",
    "x[0]",
    "compile(x, y, z)",
    "getattr(x, y)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_code_in_the_text_is_never_run(payload: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(ExpressionError):
        parse_function(payload.format(path=marker))
    assert not marker.exists()


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    payload=st.sampled_from(PAYLOADS),
    prefix=st.sampled_from(["", "x + ", "2x*", "sin(", "x^2 + "]),
    suffix=st.sampled_from(["", " + y", ")", " * 2"]),
)
def test_code_wrapped_in_an_expression_is_never_run(
    payload: str, prefix: str, suffix: str, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned-wrapped"
    with pytest.raises(ExpressionError):
        parse_function(prefix + payload.format(path=marker) + suffix)
    assert not marker.exists()


# ---------------------------------------------------------------- round trip through a grammar


@dataclass(frozen=True)
class Generated:
    """A generated expression: its text in some writing style and its value at a point."""

    text: str
    value: float
    kind: str  # "number", "name" or "compound": decides how it may be juxtaposed


VARIABLES = ("x", "y", "z", "w", "x1", "x_2", "theta")
POINT_VALUES = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)
NUMBERS = ["1", "2", "3", "7", "10", "0.5", ".25", "2.", "1e-1", "2.5e0", "0.1"]
FUNCTIONS = {
    "sin": math.sin,
    "cos": math.cos,
    "atan": math.atan,
    "tanh": math.tanh,
    "abs": abs,
}


def _wrap(part: Generated) -> str:
    return part.text if part.kind != "compound" else f"({part.text})"


def _leaf(draw: st.DrawFn, point: dict[str, float]) -> Generated:
    choice = draw(st.integers(0, 7))
    if choice <= 1:
        literal = draw(st.sampled_from(NUMBERS))
        return Generated(literal, float(literal), "number")
    if choice == 2:
        text, value = draw(st.sampled_from([("pi", math.pi), ("π", math.pi), ("e", math.e)]))
        return Generated(text, value, "name")
    name = draw(st.sampled_from(VARIABLES))
    return Generated(name, point[name], "name")


def _product(draw: st.DrawFn, left: Generated, right: Generated) -> str:
    style = draw(st.sampled_from(["*", " * ", "×", " · ", "implicit"]))
    if style == "implicit" and right.kind == "number":
        style = "*"  # '2 3' and 'x 2' are refused as a missing operator
    if style != "implicit":
        return f"{_wrap(left)}{style}{_wrap(right)}"
    if left.kind == "number":
        return f"{left.text}{_wrap(right)}"
    if left.kind == "name" and right.kind == "name":
        return f"{left.text} {right.text}"
    return f"({left.text})({right.text})"


def _node(draw: st.DrawFn, point: dict[str, float], depth: int) -> Generated:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return _leaf(draw, point)
    kind = draw(st.sampled_from(["+", "-", "*", "/", "^", "neg", "call", "sqrt", "log"]))
    a = _node(draw, point, depth - 1)
    if kind in ("neg", "call", "sqrt", "log", "^"):
        return _unary(draw, kind, a)
    b = _node(draw, point, depth - 1)
    if kind == "+":
        return Generated(f"{_wrap(a)} + {_wrap(b)}", a.value + b.value, "compound")
    if kind == "-":
        minus = draw(st.sampled_from(["-", " - ", "−"]))
        return Generated(f"{_wrap(a)}{minus}{_wrap(b)}", a.value - b.value, "compound")
    if kind == "*":
        return Generated(_product(draw, a, b), a.value * b.value, "compound")
    slash = draw(st.sampled_from(["/", "÷"]))
    text = f"{_wrap(a)}{slash}(1 + {_wrap(b)}^2)"
    return Generated(text, a.value / (1 + b.value**2), "compound")


def _unary(draw: st.DrawFn, kind: str, a: Generated) -> Generated:
    if kind == "neg":
        return Generated(f"-{_wrap(a)}", -a.value, "compound")
    if kind == "sqrt":
        return Generated(f"sqrt(1 + {_wrap(a)}²)", math.sqrt(1 + a.value**2), "compound")
    if kind == "log":
        return Generated(f"ln(1 + {_wrap(a)}^2)", math.log(1 + a.value**2), "compound")
    if kind == "call":
        name = draw(st.sampled_from(sorted(FUNCTIONS)))
        return Generated(f"{name}({a.text})", FUNCTIONS[name](a.value), "compound")
    exponent = draw(st.integers(0, 3))
    style = draw(st.sampled_from(["^", "**", " ^ ", "super"]))
    power = "⁰¹²³"[exponent] if style == "super" else f"{style}{exponent}"
    text = f"{_wrap(a)}{power}"
    return Generated(text, a.value**exponent, "compound")


@st.composite
def expressions(draw: st.DrawFn) -> tuple[Generated, dict[str, float]]:
    point = {name: draw(POINT_VALUES) for name in VARIABLES}
    return _node(draw, point, depth=4), point


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(expressions())
def test_generated_expressions_round_trip(case: tuple[Generated, dict[str, float]]) -> None:
    generated, point = case
    try:
        parsed = parse_function(generated.text)
    except ExpressionError as error:
        if "no variables" in str(error) or "simplifies to the constant" in str(error):
            reject()  # a constant (or cancelling) expression: correctly refused
        raise
    substitutions = {symbol: point[symbol.name] for symbol in parsed.symbols}
    value = complex(parsed.expr.evalf(subs=substitutions))
    assert value.imag == pytest.approx(0.0, abs=1e-9)
    assert value.real == pytest.approx(generated.value, rel=1e-6, abs=1e-6)
    assert set(parsed.variables) <= set(VARIABLES)
    assert all(isinstance(symbol, sympy.Symbol) and symbol.is_real for symbol in parsed.symbols)
