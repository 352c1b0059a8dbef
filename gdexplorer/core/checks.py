"""Field-by-field checks of what a file gives us: type, range and size, one line per problem.

A settings file, a runs file or the stored last session is JSON someone may have edited by
hand, truncated, or written on purpose to break the program. Each value is checked here before
anything uses it, and a wrong one becomes a :class:`~gdexplorer.core.errors.ConfigError` that
names the field (``settings: learning_rate must be a number, got a list``), never an
AttributeError, TypeError, OverflowError or RecursionError from deep inside the program.

The helpers never ``repr`` a value they have not checked: a deeply nested list would recurse
and a 10 MB string would make a 10 MB message. :func:`describe` says what a value is in a few
words instead.
"""

from __future__ import annotations

import json
import math
import numbers as numeric
from collections.abc import Mapping
from typing import Any

from gdexplorer.core.errors import ConfigError

MAX_TEXT = 10_000
"""Longest text field (a typed function, a message): far more than anyone types."""
MAX_NAME = 100
"""Longest name (a variable, a variant, a column)."""
MAX_PATH = 4096
"""Longest file name (the usual PATH_MAX)."""
MAX_ITEMS = 1000
"""Most entries in a list field (start coordinates, variables, columns)."""
MAX_WHOLE = 2**63 - 1
"""Largest whole number accepted (a seed or a count): what fits in a C long long."""

_TYPE_NAMES = {
    type(None): "null",
    bool: "true/false",
    int: "a whole number",
    float: "a number",
    str: "text",
    list: "a list",
    tuple: "a list",
    dict: "an object",
}


def describe(value: Any) -> str:
    """A few words saying what ``value`` is, safe for any size or depth (``a list``, ``nan``)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):  # str() of a huge int is slow, and refused past 4300 digits
        digits = int(value.bit_length() * math.log10(2)) + 1
        return str(value) if digits <= 15 else f"a whole number of about {digits:,} digits"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 30 else f"text of {len(value):,} characters"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def problem(where: str, field: str, wanted: str, value: Any) -> ConfigError:
    """The error for ``field`` of ``where``: ``settings: start[1] must be a number, got ...``."""
    return ConfigError(f"{where}: {field} must be {wanted}, got {describe(value)}")


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` when it is a JSON object (a dict with text keys), else a ConfigError."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"{where} must be a JSON object of named fields, got {describe(value)}")
    return value


def number(value: Any, where: str, field: str) -> float:
    """A finite float (an int is converted); not true/false, not nan or infinity."""
    if isinstance(value, bool) or not isinstance(value, numeric.Real):
        raise problem(where, field, "a number", value)
    if isinstance(value, numeric.Integral) and abs(int(value)) > 1e300:
        raise problem(where, field, "a number of a usable size", value)
    result = float(value)
    if not math.isfinite(result):
        raise problem(where, field, "a finite number", value)
    return result


def optional_number(value: Any, where: str, field: str) -> float | None:
    return None if value is None else number(value, where, field)


def whole(value: Any, where: str, field: str, low: int = 0, high: int = MAX_WHOLE) -> int:
    """An int in ``[low, high]`` (a float with no fraction, such as ``1000.0``, is accepted)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numeric.Integral):
        raise problem(where, field, "a whole number", value)
    if not low <= int(value) <= high:
        raise problem(where, field, f"a whole number from {low:,} to {high:,}", value)
    return int(value)


def optional_whole(
    value: Any, where: str, field: str, low: int = 0, high: int = MAX_WHOLE
) -> int | None:
    return None if value is None else whole(value, where, field, low, high)


def flag(value: Any, where: str, field: str) -> bool:
    if type(value).__name__ not in ("bool", "bool_"):  # Python's or numpy's
        raise problem(where, field, "true or false", value)
    return bool(value)


def text(value: Any, where: str, field: str, longest: int = MAX_TEXT) -> str:
    """A string of at most ``longest`` characters."""
    if not isinstance(value, str):
        raise problem(where, field, "text", value)
    if len(value) > longest:
        raise problem(where, field, f"text of at most {longest:,} characters", value)
    return value


def optional_text(value: Any, where: str, field: str, longest: int = MAX_TEXT) -> str | None:
    return None if value is None else text(value, where, field, longest)


def items(value: Any, where: str, field: str, longest: int = MAX_ITEMS) -> list[Any]:
    """A JSON list of at most ``longest`` entries (its entries are checked by the caller)."""
    if not isinstance(value, list | tuple):
        raise problem(where, field, "a list", value)
    if len(value) > longest:
        raise problem(where, field, f"a list of at most {longest:,} entries", value)
    return list(value)


def numbers(value: Any, where: str, field: str) -> tuple[float, ...]:
    """A list of finite numbers; a wrong entry is named by its position, ``start[1]``."""
    entries = items(value, where, field)
    return tuple(number(v, where, f"{field}[{i}]") for i, v in enumerate(entries))


def names(value: Any, where: str, field: str) -> tuple[str, ...]:
    """A list of short, non-empty texts (variables, optimizer slots, column names)."""
    entries = items(value, where, field)
    out = []
    for i, entry in enumerate(entries):
        name = text(entry, where, f"{field}[{i}]", MAX_NAME)
        if not name.strip():
            raise problem(where, f"{field}[{i}]", "a name", entry)
        out.append(name)
    return tuple(out)


def optional_names(value: Any, where: str, field: str) -> tuple[str, ...] | None:
    return None if value is None else names(value, where, field)


def parse_json(content: str | bytes, where: str) -> Any:
    """Parse JSON text; a ConfigError (not a RecursionError) for bad or absurdly nested JSON."""
    try:
        return json.loads(content)
    except RecursionError:
        raise ConfigError(f"{where} is nested too deeply to be a gdexplorer file") from None
    except (ValueError, TypeError) as error:  # JSONDecodeError and UnicodeDecodeError too
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8 text"
        raise ConfigError(f"{where} is not valid JSON ({reason})") from None
