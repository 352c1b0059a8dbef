"""Datasets to learn from: CSV files, the bundled samples, model templates, standardization.

A :class:`Dataset` is a table of finite floats with named columns. It comes from a CSV file
with a header row (comma-separated, numeric cells) or from a bundled sample named
``sample:NAME`` (``resources/data_NAME.csv``, listed in ``resources/datasets.json``). Every
problem a user can cause while loading is a one-line :class:`DataError` that names the line
and column, never a traceback.

Which column is the *target*? A loss such as ``(w*x + b - y)^2`` does not say. The rule used
everywhere (standardizing, the data view, the templates): the target is the column the loss uses
that is named ``y``, ``label`` or ``target`` (in that order of preference), else the last
column the loss uses in the file's column order. The other columns the loss uses are features.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from gdexplorer.core.budgets import DATA_FILE_LIMIT, read_regular_file
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import DataError
from gdexplorer.core.parse._rules import name_problem
from gdexplorer.core.resources import resource

SAMPLE_PREFIX = "sample:"
TARGET_NAMES = ("y", "label", "target")
"""Column names taken as the target, in order of preference (see the module docstring)."""
TEMPLATES = ("linear regression", "logistic regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A read-only table of finite floats: ``values[i, j]`` is example i, column j."""

    name: str
    columns: tuple[str, ...]
    values: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        self.values.flags.writeable = False

    def __len__(self) -> int:
        return len(self.values)

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.columns.index(name)]

    def describe(self) -> str:
        """``articles (3 examples; columns x1, x2, y)`` for messages and the window."""
        n = len(self)
        examples = f"{n:,} example{'s' if n != 1 else ''}"
        return f"{self.name} ({examples}; columns {', '.join(self.columns)})"


def load_dataset(source: str) -> Dataset:
    """A CSV file path, or ``sample:NAME`` for a bundled sample; DataError if unusable."""
    text = str(source).strip()
    if text.lower().startswith(SAMPLE_PREFIX):
        return load_sample(text[len(SAMPLE_PREFIX) :])
    return read_dataset_csv(text)


def read_dataset_csv(path: str | os.PathLike) -> Dataset:
    """Read a CSV file with a header row and numeric cells."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    raw = read_regular_file(path, DATA_FILE_LIMIT, "the data file")  # never a FIFO or device
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name} is not a text file (it is not UTF-8)") from None
    return parse_dataset(text, name)


def parse_dataset(text: str, name: str) -> Dataset:
    """Parse CSV text (header row, then one example per line; blank lines are skipped)."""
    reader = csv.reader(io.StringIO(text))
    header = _header(reader, name)
    try:  # fast path: numpy converts every cell at once
        with warnings.catch_warnings():  # "input contained no data": handled below
            warnings.simplefilter("ignore", UserWarning)
            values = np.loadtxt(
                io.StringIO(text), delimiter=",", skiprows=reader.line_num, ndmin=2,
                comments=None, quotechar='"',
            )  # fmt: skip
        if values.shape[1] != len(header) or not np.all(np.isfinite(values)):
            raise ValueError
    except ValueError:  # ragged, non-numeric or missing: find the first bad cell, say where
        reader = csv.reader(io.StringIO(text))
        _header(reader, name)
        rows = [_numeric_row(r, header, reader.line_num, name) for r in reader if not _blank(r)]
        values = np.array(rows, dtype=float).reshape(-1, len(header))
    if not len(values):
        raise DataError(f"{name} has a header but no rows of data")
    return Dataset(name, header, values)


def _blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _header(reader, name: str) -> tuple[str, ...]:
    for cells in reader:
        if not _blank(cells):
            break
    else:
        raise DataError(f"the data file {name} is empty")
    names = tuple(cell.strip() for cell in cells)
    if len(names) == 1 and ";" in names[0]:
        raise DataError(f"{name} seems to use ';' between values; save it with commas")
    for position, column in enumerate(names, start=1):
        if not column:
            raise DataError(f"{name}: column {position} of the header has no name")
        problem = name_problem(column)
        if problem is not None:
            raise DataError(f"{name}: column {position} of the header cannot be used: {problem}")
    duplicates = sorted({c for c in names if names.count(c) > 1})
    if duplicates:
        raise DataError(f"{name}: the header names column '{duplicates[0]}' more than once")
    return names


def _numeric_row(cells: list[str], header: tuple[str, ...], line: int, name: str) -> list[float]:
    if len(cells) != len(header):
        raise DataError(
            f"{name}, line {line}: {len(cells)} value(s) but the header has {len(header)} columns"
        )
    row = []
    for column, cell in zip(header, cells, strict=True):
        text = cell.strip()
        if not text or text.lower() in ("nan", "na", "n/a", "null", "none", "?"):
            raise DataError(f"{name}, line {line}: column '{column}' is missing a value")
        try:
            value = float(text)
        except ValueError:
            raise DataError(
                f"{name}, line {line}: column '{column}' holds '{text[:20]}', which is not a number"
            ) from None
        if not math.isfinite(value):
            raise DataError(f"{name}, line {line}: column '{column}' is not a finite number")
        row.append(value)
    return row


@dataclass(frozen=True)
class Sample:
    """A bundled dataset with the run it is meant for (the form fills its fields from it)."""

    name: str
    title: str
    shows: str
    file: str
    config: RunConfig


@cache
def load_samples() -> tuple[Sample, ...]:
    """Every bundled sample in ``resources/datasets.json``, in file order."""
    entries = json.loads(resource("datasets.json").read_text(encoding="utf-8"))["datasets"]
    samples = []
    for entry in entries:
        config = RunConfig.from_dict({**entry["run"], "data": SAMPLE_PREFIX + entry["name"]})
        samples.append(Sample(entry["name"], entry["title"], entry["shows"], entry["file"], config))
    return tuple(samples)


def get_sample(name: str) -> Sample:
    """The sample called ``name`` (without the ``sample:`` prefix); DataError if unknown."""
    key = name.strip().lower()
    for sample in load_samples():
        if sample.name == key:
            return sample
    names = ", ".join(s.name for s in load_samples())
    raise DataError(f"unknown sample data set '{name}': choose one of {names}")


def load_sample(name: str) -> Dataset:
    sample = get_sample(name)
    text = resource(sample.file).read_text(encoding="utf-8")
    return parse_dataset(text, f"{SAMPLE_PREFIX}{sample.name}")


def split_columns(used: Sequence[str], columns: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """``(features, target)`` among the ``used`` columns, by the rule of the module docstring."""
    ordered = [c for c in columns if c in set(used)]
    if not ordered:
        raise DataError("the loss uses no column of the data")
    named = [c for c in TARGET_NAMES if c in ordered]
    target = named[0] if named else ordered[-1]
    return tuple(c for c in ordered if c != target), target


def standardize(dataset: Dataset, features: Sequence[str]) -> Dataset:
    """The dataset with each feature column rescaled to mean 0 and standard deviation 1.

    Other columns (the target, unused columns) are left as they are, and so is a constant
    feature, whose standard deviation is 0. Why: features on very different scales stretch the
    loss surface into a long narrow valley; rescaling makes it round, so one learning rate
    suits every parameter.
    """
    values = np.array(dataset.values)
    for name in features:
        j = dataset.columns.index(name)
        spread = float(values[:, j].std())
        if spread > 0:
            values[:, j] = (values[:, j] - values[:, j].mean()) / spread
    return Dataset(f"{dataset.name} (standardized)", dataset.columns, values)


def template_loss(kind: str, features: Sequence[str], target: str) -> str:
    """The per-example loss of a model template, as text the loss field can show.

    ``linear regression``: squared error ``(w1*x1 + ... + b - y)^2``.
    ``logistic regression``: cross-entropy with labels 0/1, ``log(1 + exp(-(2y - 1)*z))`` for
    z = w1*x1 + ... + b, written in the overflow-free form
    ``log(1 + exp(-abs(z))) + (abs(z) - (2*y - 1)*z)/2`` (the same function: it never
    takes exp of a large positive number).
    """
    features = tuple(features)
    if not features:
        raise DataError("a model template needs at least one feature column")
    if target in features:
        raise DataError(f"'{target}' cannot be both a feature and the target")
    taken = {*features, target}
    weights = _weight_names(features, taken)
    bias = next(n for n in ("b", "b0", "bias", "intercept") if n not in taken)
    terms = " + ".join(f"{w}*{x}" for w, x in zip(weights, features, strict=True))
    z = f"{terms} + {bias}"
    key = kind.strip().lower()
    if key == "linear regression":
        return f"({z} - {target})^2"
    if key == "logistic regression":
        return f"log(1 + exp(-abs({z}))) + (abs({z}) - (2*{target} - 1)*({z}))/2"
    raise DataError(f"unknown model template '{kind}': choose one of {', '.join(TEMPLATES)}")


def _weight_names(features: tuple[str, ...], taken: set[str]) -> list[str]:
    plain = ["w"] if len(features) == 1 else [f"w{i}" for i in range(1, len(features) + 1)]
    if not taken & set(plain):
        return plain
    return [f"w_{x}" for x in features]
