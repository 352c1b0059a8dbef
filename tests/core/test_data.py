"""Loading datasets, the target rule, standardizing and the model templates."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
import sympy

from gdexplorer.core.data import datasets as data_module
from gdexplorer.core.data.datasets import (
    Dataset,
    load_dataset,
    split_columns,
    standardize,
    template_loss,
)
from gdexplorer.core.errors import DataError, GdxError
from gdexplorer.core.parse.expression import parse_function


def _write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reads_a_csv_with_header_blank_lines_spaces_and_a_byte_order_mark(tmp_path):
    path = _write(tmp_path, "\ufeffx, y\n1, 2.5\n\n-3e2,4\n")
    data = load_dataset(str(path))
    assert data.columns == ("x", "y")
    np.testing.assert_array_equal(data.values, [[1, 2.5], [-300, 4]])
    assert len(data) == 2
    assert "2 examples" in data.describe()
    with pytest.raises(ValueError):
        data.values[0, 0] = 9  # read-only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("x,y\n", "header but no rows"),
        ("x,y\n1,2\n3,abc\n", "line 3: column 'y' holds 'abc', which is not a number"),
        ("x,y\n1,\n", "line 2: column 'y' is missing a value"),
        ("x,y\n1,2\nNaN,3\n", "line 3: column 'x' is missing a value"),
        ("x,y\n1,inf\n", "line 2: column 'y' is not a finite number"),
        ("x,y\n1,2\n3\n", "line 3: 1 value(s) but the header has 2 columns"),
        ("x,y\n1,2,3\n", "line 2: 3 value(s) but the header has 2 columns"),
        ("x;y\n1;2\n", "';' between values"),
        ("x,x\n1,2\n", "names column 'x' more than once"),
        ("x,,y\n1,2,3\n", "column 2 of the header has no name"),
        ("x,price ($)\n1,2\n", "column 2 of the header cannot be used"),
        ("x,exp\n1,2\n", "'exp' is a function"),
    ],
)
def test_bad_files_give_one_line_that_says_where(tmp_path, text, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_dataset(str(_write(tmp_path, text)))
    assert "\n" not in str(info.value)


def test_a_missing_file_a_folder_and_a_binary_file_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_dataset(str(tmp_path / "nope.csv"))
    with pytest.raises(DataError, match="is a folder"):
        load_dataset(str(tmp_path))
    with pytest.raises(DataError, match="not UTF-8"):
        load_dataset(str(_write(tmp_path, b"x,y\n\xff\xfe\x00\n")))


def test_a_large_file_takes_the_fast_path_and_keeps_every_value(tmp_path):
    values = np.random.default_rng(1).normal(size=(20_000, 3))
    lines = ["a,b,c"] + [",".join(repr(float(v)) for v in row) for row in values]
    data = load_dataset(str(_write(tmp_path, "\n".join(lines) + "\n")))
    np.testing.assert_array_equal(data.values, values)


def test_samples_are_named_with_a_prefix_and_unknown_ones_list_the_choices():
    assert load_dataset("sample:line").name == "sample:line"
    with pytest.raises(DataError, match="choose one of"):
        load_dataset("sample:nothing")


@pytest.mark.parametrize(
    ("used", "columns", "features", "target"),
    [
        (["x", "y"], ["x", "y"], ("x",), "y"),
        (["y", "x"], ["y", "x"], ("x",), "y"),
        (["x1", "x2", "label"], ["x1", "x2", "label"], ("x1", "x2"), "label"),
        (["area", "price"], ["area", "rooms", "price"], ("area",), "price"),
        (["y", "target", "x"], ["x", "target", "y"], ("x", "target"), "y"),
    ],
)
def test_the_target_is_y_label_or_target_else_the_last_used_column(used, columns, features, target):
    assert split_columns(used, columns) == (features, target)


def test_standardize_rescales_only_the_features():
    values = np.array([[0.0, 100.0, 5.0, 1.0], [1.0, 300.0, 5.0, 2.0], [2.0, 800.0, 5.0, 4.0]])
    data = Dataset("d", ("x1", "x2", "c", "y"), values)
    out = standardize(data, ["x1", "x2", "c"])
    for name in ("x1", "x2"):
        assert out.column(name).mean() == pytest.approx(0, abs=1e-15)
        assert out.column(name).std() == pytest.approx(1)
    np.testing.assert_array_equal(out.column("c"), 5.0)  # constant: left alone
    np.testing.assert_array_equal(out.column("y"), data.column("y"))
    np.testing.assert_array_equal(data.column("x2"), [100, 300, 800])  # original untouched


def test_linear_template_reads_as_squared_error_and_parses():
    assert template_loss("linear regression", ["x"], "y") == "(w*x + b - y)^2"
    text = template_loss("Linear regression", ["x1", "x2"], "y")
    assert text == "(w1*x1 + w2*x2 + b - y)^2"
    assert parse_function(text).variables == ("b", "w1", "w2", "x1", "x2", "y")


def test_templates_avoid_names_that_are_columns():
    text = template_loss("linear regression", ["w", "b"], "y")
    assert text == "(w1*w + w2*b + b0 - y)^2"
    text = template_loss("linear regression", ["w1", "w2"], "y")
    assert text == "(w_w1*w1 + w_w2*w2 + b - y)^2"


def test_logistic_template_is_cross_entropy_and_does_not_overflow():
    text = template_loss("logistic regression", ["x"], "label")
    parsed = parse_function(text)
    fn = sympy.lambdify(parsed.symbols, parsed.expr, "numpy")  # (b, label, w, x)
    rng = np.random.default_rng(0)
    b, w, x = rng.normal(size=(3, 200))
    for label in (0.0, 1.0):
        z = w * x + b
        expected = np.log1p(np.exp(-(2 * label - 1) * z))
        np.testing.assert_allclose(fn(b, label, w, x), expected, rtol=1e-12, atol=1e-15)
    with np.errstate(over="raise", invalid="raise"):  # a badly misclassified point: z = -1e4
        huge = fn(0.0, 1.0, -1000.0, 10.0)
    assert huge == pytest.approx(1e4)


def test_templates_refuse_bad_requests():
    with pytest.raises(DataError, match="choose one of"):
        template_loss("svm", ["x"], "y")
    with pytest.raises(DataError, match="at least one feature"):
        template_loss("linear regression", [], "y")
    with pytest.raises(GdxError, match="both a feature and the target"):
        template_loss("linear regression", ["y"], "y")


def _load_in_a_thread(path: str, seconds: float = 5.0) -> BaseException | None:
    """Load ``path`` in a daemon thread; the error it raised, or fail if it hangs."""
    outcome: list = []

    def load() -> None:
        try:
            load_dataset(path)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"loading {path} hung"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_fifo_is_refused_at_once_instead_of_hanging(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    error = _load_in_a_thread(str(fifo))
    assert isinstance(error, DataError) and "not a regular file" in str(error)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_that_never_ends_is_refused():
    error = _load_in_a_thread("/dev/zero")
    assert isinstance(error, DataError) and "not a regular file" in str(error)


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = _write(tmp_path, "x,y\n" + "1.0,2.0\n" * 1000)
    size = path.stat().st_size
    monkeypatch.setattr(data_module, "DATA_FILE_LIMIT", size - 1)
    with pytest.raises(DataError, match="larger than the limit"):
        load_dataset(str(path))
    monkeypatch.setattr(data_module, "DATA_FILE_LIMIT", size)  # exactly at the limit: read
    assert len(load_dataset(str(path))) == 1000
