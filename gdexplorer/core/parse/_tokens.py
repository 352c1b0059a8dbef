"""Turn typed text into plain Python expression source, keeping every original position.

The text is split into tokens by hand (never by regular expressions over the whole string), so
each token remembers where it came from. The tokens are then checked for the mistakes people make
most often, ``^`` and unicode are translated, implicit multiplication gets explicit ``*`` tokens,
and the result is joined into ASCII source for :func:`ast.parse`, with a :class:`SourceMap` that
leads every source offset back to a column of the original text.
"""

from __future__ import annotations

import bisect
import keyword
import re
import unicodedata
from dataclasses import dataclass

from gdexplorer.core.errors import ExpressionError
from gdexplorer.core.parse import hints
from gdexplorer.core.parse._rules import (
    EXAMPLE,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LITERAL,
    MAX_LITERAL_DIGITS,
    MAX_NAME_LENGTH,
    RESERVED,
    column,
    looks_like_call,
)

_NUMBER = re.compile(r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("**", "//", "==", "!=", "<=", ">=", ":=", "<<", ">>", *"+-*/%@<>&|~.,:=^")
_UNICODE = {"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/"}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_HINTS = {
    "'": "quotes are not allowed",
    '"': "quotes are not allowed",
    "#": "'#' starts a comment, which is not allowed",
    ";": "';' is not allowed: type a single function",
    "!": "'!' is not supported (no factorials or logic)",
    "√": "'√' is not supported: write sqrt(x)",
    "∞": "infinity is not allowed",
    "\\": "'\\' is not allowed",
}
_UNARY = frozenset("+-~")


@dataclass(frozen=True)
class Token:
    """One piece of the input: ``kind`` is num, name, op, open, close or sup.

    ``text`` is what goes into the Python source; ``start`` and ``end`` delimit the original
    characters (inserted tokens have ``start == end``).
    """

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceMap:
    """The generated source, its tokens, and the way back to the typed text."""

    text: str
    source: str
    tokens: tuple[Token, ...]
    offsets: tuple[int, ...]
    declared: tuple[Token, ...] | None

    def token_at(self, offset: int) -> Token:
        """Return the token that covers (or precedes) a 0-based source offset."""
        index = max(bisect.bisect_right(self.offsets, offset) - 1, 0)
        return self.tokens[index]

    def span(self, start: int, end: int | None) -> tuple[int, int]:
        """Translate a source range to a range of the typed text."""
        end = start + 1 if end is None else end
        first, last = self.token_at(start), self.token_at(max(end - 1, start))
        return first.start, max(last.end, first.start)

    def operator_between(self, start: int | None, end: int) -> Token | None:
        """Return the first operator (or keyword) whose source offset lies in ``[start, end)``."""
        start = end if start is None else start
        for token, offset in zip(self.tokens, self.offsets, strict=True):
            is_word = token.kind == "name" and keyword.iskeyword(token.text)
            if start <= offset < end and (token.kind in ("op", "open") or is_word):
                return token
        return None


def _error(message: str, token: Token) -> ExpressionError:
    return ExpressionError(f"{message} ({column(token.start)})", token.start)


def _bad_character(char: str, position: int) -> ExpressionError:
    shown = char if char.isprintable() else f"U+{ord(char):04X}"
    if char in _HINTS:
        return ExpressionError(f"{_HINTS[char]} ({column(position)})", position)
    if unicodedata.name(char, "").startswith("GREEK"):
        word = unicodedata.name(char).split()[-1].lower()
        word = word.capitalize() if char.isupper() else word
        message = f"'{char}' is not allowed: variable names use ASCII letters, e.g. '{word}'"
        return ExpressionError(f"{message} ({column(position)})", position)
    return ExpressionError(
        f"the character '{shown}' is not allowed ({column(position)}); type only the function, "
        f"e.g. {EXAMPLE}",
        position,
    )


def _superscript(text: str, start: int) -> Token:
    end = start
    while end < len(text) and text[end] in _SUPERSCRIPTS:
        end += 1
    value = "".join(_SUPERSCRIPTS[char] for char in text[start:end])
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ExpressionError(
            f"the superscript at {column(start)} must be digits, e.g. x² or x⁻¹", start
        )
    return Token("sup", value.lstrip("+"), start, end)


def _read_token(text: str, position: int) -> Token:
    char = text[position]
    match = _NUMBER.match(text, position) or _NAME.match(text, position)
    if match:
        kind = "num" if char in "0123456789." else "name"
        return Token(kind, match.group(), position, match.end())
    if char in _SUPERSCRIPTS:
        return _superscript(text, position)
    if char == "π":
        return Token("name", "pi", position, position + 1)
    if char in _UNICODE:
        return Token("op", _UNICODE[char], position, position + 1)
    for operator in _OPERATORS:
        if text.startswith(operator, position):
            return Token(
                "op", "**" if operator == "^" else operator, position, position + len(operator)
            )
    if char in _OPENERS:
        return Token("open", char, position, position + 1)
    if char in ")]}":
        return Token("close", char, position, position + 1)
    raise _bad_character(char, position)


def tokenize(text: str) -> list[Token]:
    """Split typed text into tokens, refusing any character that has no meaning here."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        token = _read_token(text, position)
        tokens.append(token)
        position = token.end
    return tokens


def _is_name(token: Token | None) -> bool:
    return token is not None and token.kind == "name" and not keyword.iskeyword(token.text)


def _is_variable(token: Token) -> bool:
    return _is_name(token) and token.text not in RESERVED


def _declared_names(head: list[Token]) -> list[Token] | None:
    """Match ``f`` or ``f(x, y)`` before a leading '='; return the argument names or None."""
    if head and head[0].text in RESERVED:
        return None
    if len(head) == 1 and _is_name(head[0]):
        return []
    if len(head) < 3 or not _is_name(head[0]) or head[1].text != "(" or head[-1].text != ")":
        return None
    inner = head[2:-1]
    names, commas = inner[0::2], inner[1::2]
    if inner and all(map(_is_name, names)) and all(t.text == "," for t in commas):
        return names if len(inner) % 2 else None
    return None


def strip_definition(text: str, tokens: list[Token]) -> tuple[list[Token], list[Token] | None]:
    """Remove a leading ``f(x, y) =`` or ``f =``; refuse any other '='."""
    equals = [index for index, token in enumerate(tokens) if token.text == "="]
    if not equals:
        return tokens, None
    declared = _declared_names(tokens[: equals[0]])
    body = tokens[equals[0] + 1 :] if declared is not None else tokens
    if declared == [] and tokens[0].text != "f" and not any(map(_is_variable, body)):
        raise _error(hints.equation_message(*text.split("=", 1)), tokens[equals[0]])  # x = 3
    for token in body:
        if token.text != "=":
            continue
        depth = sum(t.kind == "open" for t in body if t.start < token.start) - sum(
            t.kind == "close" for t in body if t.start < token.start
        )
        if depth > 0:
            raise _error(
                "'=' is not allowed inside brackets: functions take one plain argument", token
            )
        if sum(t.text == "=" for t in tokens) == 1:  # x^2 = 2: an equation
            raise _error(hints.equation_message(text[: token.start], text[token.end :]), token)
        raise _error(
            f"'=' is not allowed here: type only the right-hand side, e.g. {EXAMPLE} "
            f"instead of f = {EXAMPLE} (a leading 'f(x, y) =' is also fine)",
            token,
        )
    defined = tokens[0].text if declared is not None else None
    for token in body:
        if token.kind == "name" and token.text == defined:
            raise _error(
                f"'{defined}' is on both sides of '=': type only the right-hand side, e.g. "
                f"{EXAMPLE}",
                token,
            )
    if not body:
        raise _error(
            f"nothing follows '=': type the function, e.g. f(x, y) = {EXAMPLE}", tokens[-1]
        )
    return body, declared


def check_brackets(tokens: list[Token]) -> None:
    """Refuse unbalanced or mismatched brackets and nesting deeper than the limit."""
    stack: list[Token] = []
    for token in tokens:
        if token.kind == "open":
            stack.append(token)
            if len(stack) > MAX_DEPTH:
                raise _error(f"the brackets are nested too deeply (more than {MAX_DEPTH})", token)
        elif token.kind == "close":
            if not stack:
                raise ExpressionError(
                    f"unexpected '{token.text}' at {column(token.start)}: there is no opening "
                    "bracket for it to close",
                    token.start,
                )
            opener = stack.pop()
            if _OPENERS[opener.text] != token.text:
                raise ExpressionError(
                    f"'{opener.text}' at {column(opener.start)} is closed by '{token.text}' at "
                    f"{column(token.start)}",
                    token.start,
                )
    if stack:
        opener = stack[-1]
        raise ExpressionError(
            f"unbalanced parenthesis: '{opener.text}' at {column(opener.start)} is never closed",
            opener.start,
        )


def check_literals(tokens: list[Token]) -> None:
    """Refuse names and numbers outside the limits, before Python ever reads them."""
    for token in tokens:
        if token.kind == "name" and len(token.text) > MAX_NAME_LENGTH:
            raise _error(
                f"the name '{token.text[:12]}...' is too long (at most {MAX_NAME_LENGTH} "
                "characters)",
                token,
            )
        if token.kind == "name" and token.text.startswith("__"):
            raise _error(f"names starting with '__' are not allowed ('{token.text}')", token)
        if token.kind == "num":
            _check_number(token)


def _check_number(token: Token) -> None:
    literal = token.text
    if "_" in literal:
        raise _error(f"write numbers without '_' ('{literal}')", token)
    is_integer = not any(char in literal for char in ".eE")
    if is_integer and len(literal.lstrip("0")) > MAX_LITERAL_DIGITS:
        raise _error(f"the number '{literal[:20]}' has too many digits", token)
    if float(literal) > MAX_LITERAL:
        raise _error(f"the number '{literal[:20]}' is too large (at most 10^15)", token)


def _is_operand_end(token: Token | None) -> bool:
    if token is None:
        return False
    return token.kind in ("num", "sup") or _is_name(token) or token.text == ")"


def _is_operand_start(token: Token) -> bool:
    return token.kind == "num" or _is_name(token) or token.text == "("


def _check_pair(text: str, tokens: list[Token], index: int) -> None:
    token = tokens[index]
    previous = tokens[index - 1] if index else None
    shown = text[token.start : token.end]
    if token.kind == "op" and token.text not in _UNARY:
        if previous is None or previous.kind == "open" or previous.text == ",":
            raise _error(f"'{shown}' has nothing before it", token)
        if previous.kind == "op":
            before = text[previous.start : previous.end]
            raise _error(f"'{shown}' cannot follow '{before}'", token)
    if token.kind == "close" and previous is not None and previous.kind == "op":
        before = text[previous.start : previous.end]
        raise _error(f"something is missing after '{before}'", previous)
    if token.kind == "close" and previous is not None and previous.kind == "open":
        caller = tokens[index - 2] if index >= 2 else None
        is_call = caller is not None and _is_name(caller) and looks_like_call(caller.text)
        if not (previous.text == "(" and is_call):
            inside = f"{previous.text}x + 1{token.text}"
            raise _error(f"empty brackets: put an expression inside, e.g. {inside}", previous)
    if token.kind == "sup" and previous is not None and previous.text in FUNCTIONS:
        name = previous.text
        raise _error(f"write {name}(x){shown} as {name}(x)^{token.text}", token)
    if token.kind == "sup" and (previous is None or previous.kind == "sup"):
        raise _error(f"the superscript '{shown}' must follow a number, a name or ')'", token)
    if token.kind == "sup" and not _is_operand_end(previous):
        raise _error(f"the superscript '{shown}' must follow a number, a name or ')'", token)


def check_operators(text: str, tokens: list[Token]) -> None:
    """Refuse operators with a missing operand, the most common typing mistake."""
    for index in range(len(tokens)):
        _check_pair(text, tokens, index)
    last = tokens[-1]
    if last.kind == "op":
        typed = text.strip()
        typed = typed if len(typed) <= 30 else "..." + typed[-27:]
        raise ExpressionError(
            f"'{typed}' is incomplete after '{text[last.start : last.end]}'", last.start
        )


def _expand(token: Token) -> list[Token]:
    """Write a superscript as ``** (n)`` and an integer without leading zeros."""
    if token.kind == "num" and token.text.isdigit():
        return [Token("num", str(int(token.text)), token.start, token.end)]
    if token.kind != "sup":
        return [token]
    start, end = token.start, token.end
    sign = [Token("op", "-", start, end)] if token.text.startswith("-") else []
    digits = Token("num", str(int(token.text.lstrip("-"))), start, end)
    return [
        Token("op", "**", start, end),
        Token("open", "(", start, end),
        *sign,
        digits,
        Token("close", ")", start, end),
    ]


def insert_multiplication(text: str, tokens: list[Token]) -> list[Token]:
    """Make implicit products explicit: ``2x``, ``3(x+1)``, ``(x+1)(x-1)``, ``x y``, ``x(y+1)``.

    A number may start a product but never continue one: ``x 2`` and ``(x+1)2`` are refused as a
    missing operator, since they are more often typos than products.
    """
    result: list[Token] = []
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        if previous is not None and _is_operand_end(previous) and _is_operand_start(token):
            if token.kind == "num":
                before, after = text[previous.start : previous.end], text[token.start : token.end]
                raise _error(f"missing operator between '{before}' and '{after}'", token)
            is_call = (
                previous.kind == "name" and token.text == "(" and looks_like_call(previous.text)
            )
            if not is_call:
                result.append(Token("op", "*", token.start, token.start))
        result.extend(_expand(token))
    return result


def prepare(text: str) -> SourceMap:
    """Check and translate typed text into Python expression source plus its position map."""
    bars = hints.absolute_value_message(text)
    if bars is not None:  # |x|: Python's "or", a beginner's absolute value
        raise ExpressionError(f"{bars} ({column(text.index('|'))})", text.index("|"))
    tokens = tokenize(text)
    body, declared = strip_definition(text, tokens)
    check_brackets(body)
    check_literals(body)
    check_operators(text, body)
    expanded = insert_multiplication(text, body)
    offsets: list[int] = []
    position = 0
    for token in expanded:
        offsets.append(position)
        position += len(token.text) + 1
    source = " ".join(token.text for token in expanded)
    names = tuple(declared) if declared is not None else None
    return SourceMap(text, source, tuple(expanded), tuple(offsets), names)
