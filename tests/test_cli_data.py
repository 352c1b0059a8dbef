"""`gdexplorer run --data ...`: the summary, the CSV and one-line errors."""

from __future__ import annotations

import csv

import pytest

from gdexplorer.cli import main

ARTICLES = ["run", "--data", "sample:articles", "--function", "(a*x1 + b*x2 - y)^2"]


def test_the_articles_example_prints_its_summary(capsys):
    code = main([*ARTICLES, "--start", "0,0", "--lr", "0.01", "--iterations", "1000"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert "a = 0.5, b = 0.5" in out
    assert out.startswith("Converged: the full-data gradient |∇L| < 1e-06 after ")


def test_a_fixed_number_of_stochastic_updates(capsys):
    args = ["--start", "0,0", "--lr", "0.01", "--iterations", "1000", "--tol-grad", "0"]
    code = main([*ARTICLES, *args, "--batch-size", "1", "--seed", "4"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.startswith("Stopped after 1,000 updates (333.33 epochs) without converging")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--batch-size", "5"], "the batch size 5 is larger than the data set (3 examples)"),
        (["--epochs", "0"], "the number of epochs must be at least 1"),
        (["--variables", "a,x1"], "'x1' is a column of the data"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(capsys, extra, message):
    code = main([*ARTICLES, "--start", "0,0", *extra])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("gdexplorer: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such file"),
        ("", "is empty"),
        ("x,y\n1,2\n3,abc\n", "line 3: column 'y' holds 'abc', which is not a number"),
        ("x,y\n1,2\n3,nan\n", "line 3: column 'y' is missing a value"),
        ("x,label\n1,0\n2,1\n", "the loss uses 'y' but the data has no column 'y'"),
    ],
)
def test_bad_data_is_one_line_and_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "data.csv"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    code = main(["run", "--data", str(path), "--function", "(w*x - y)^2", "--start", "0"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def test_output_records_each_update_with_its_epoch_and_batch(tmp_path, capsys):
    path = tmp_path / "line.csv"
    args = ["run", "--data", "sample:line", "--function", "(w*x + b - y)^2", "--variables"]
    args += ["w,b", "--start", "0,0", "--lr", "0.05", "--batch-size", "10", "--epochs", "2"]
    assert main([*args, "--output", str(path)]) == 0
    capsys.readouterr()
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == 11
    assert {"update", "epoch", "batch", "w", "b", "batch_loss", "full_loss"} <= set(lines[0])
    assert [line["epoch"] for line in lines[:7]] == ["0", "1", "1", "1", "1", "1", "2"]
    first_epoch = " ".join(line["batch"] for line in lines[1:6]).split()
    assert sorted(int(i) for i in first_epoch) == list(range(50))
    assert path.with_suffix(".json").exists()
