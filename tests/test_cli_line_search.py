"""The command line's --line-search, --shrink, --armijo-c and --variant newton."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdexplorer.cli import main
from gdexplorer.core.trajectory import read_csv

QUADRATIC = ["--function", "x^2 + 10*y^2", "--start", "1,1"]


def test_exact_line_search_writes_alpha_and_trials(tmp_path, capsys) -> None:
    target = tmp_path / "exact.csv"
    assert main(["run", *QUADRATIC, "--line-search", "exact", "-o", str(target)]) == 0
    assert "Gradient descent, exact line search" in capsys.readouterr().out
    header, table = read_csv(target)
    assert header[-2:] == ["alpha", "trials"]
    g = table[:-1, header.index("grad_x") : header.index("grad_y") + 1]
    expected = (g**2).sum(axis=1) / (2 * g[:, 0] ** 2 + 20 * g[:, 1] ** 2)
    np.testing.assert_allclose(table[1:, -2], expected, rtol=1e-12)
    settings = json.loads((tmp_path / "exact.json").read_text())
    assert settings["line_search"] == {"name": "exact"}


def test_armijo_options_reach_the_settings_and_rerun_the_same(tmp_path, capsys) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    argv = ["run", *QUADRATIC, "--lr", "1", "--line-search", "armijo", "--shrink", "0.3",
            "--armijo-c", "0.25", "-o", str(first)]  # fmt: skip
    assert main(argv) == 0
    settings = json.loads((tmp_path / "a.json").read_text())
    assert settings["line_search"] == {"name": "armijo", "shrink": 0.3, "c": 0.25}
    assert main(["run", "--settings", str(tmp_path / "a.json"), "-o", str(second)]) == 0
    assert np.array_equal(read_csv(first)[1], read_csv(second)[1], equal_nan=True)
    capsys.readouterr()
    assert main(["run", "--settings", str(tmp_path / "a.json"), "--line-search", "none"]) == 0
    assert "Armijo" not in capsys.readouterr().out


def test_newton_solves_the_quadratic_in_one_update(capsys) -> None:
    assert main(["run", *QUADRATIC, "--variant", "newton", "--lr", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Converged: |∇f| < 1e-06 after 1 iteration. Newton's method")


def test_newton_without_a_rate_is_pure_newton(capsys) -> None:
    """--variant newton without --lr takes lr = 1 (the issue's one-update claim holds as typed)."""
    assert main(["run", *QUADRATIC, "--variant", "newton"]) == 0
    out = capsys.readouterr().out
    assert "after 1 iteration." in out and "learning rate 1 " in out


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--line-search", "exact", "--shrink", "0.5"], "--shrink applies to --line-search armijo"),
        (["--armijo-c", "0.1"], "--armijo-c applies to --line-search armijo only"),
        (["--line-search", "armijo", "--shrink", "1.5"], "shrink factor must be in (0, 1), got"),
        (["--line-search", "armijo", "--armijo-c", "nan"], "'nan' is not a finite number"),
        (["--line-search", "wolfe"], "invalid choice: 'wolfe'"),
        (["--variant", "adagrad", "--line-search", "exact"], "adagrad keeps a sum of squared"),
        (["--variant", "newton", "--gradient", "forward"], "newton needs the exact Hessian"),
    ],
)
def test_every_bad_option_is_one_line_with_exit_2(options, words, capsys) -> None:
    assert main(["run", *QUADRATIC, *options]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
