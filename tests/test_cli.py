"""The headless command line: summaries, CSV output and one-line errors with exit 2."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from gdexplorer.cli import main
from gdexplorer.core.trajectory import read_csv


def test_run_prints_a_summary(capsys) -> None:
    assert main(["run", "--function", "x^2 - 4x + 4", "--start", "10", "--lr", "0.1"]) == 0
    out = capsys.readouterr().out
    # |f'(x_k)| = 16 * 0.8^k falls below 1e-6 first at k = ceil(log(1e-6 / 16) / log(0.8))
    expected = math.ceil(math.log(1e-6 / 16) / math.log(0.8))
    assert out.startswith(f"Converged: |∇f| < 1e-06 after {expected} iterations.")
    assert "ended at x = 2" in out


def test_negative_start_with_equals_sign_and_output(tmp_path, capsys) -> None:
    target = tmp_path / "path.csv"
    argv = ["run", "--function", "x^2 + 2y^2", "--start=-1.5,2", "--variant", "adam",
            "--lr", "0.1", "--iterations", "50", "--output", str(target)]  # fmt: skip
    assert main(argv) == 0
    header, table = read_csv(target)
    assert header[:3] == ["iteration", "x", "y"]
    np.testing.assert_array_equal(table[0, 1:3], [-1.5, 2.0])
    assert (tmp_path / "path.json").exists()
    assert "Wrote 51 rows" in capsys.readouterr().out


def test_preset_with_overrides(capsys) -> None:
    assert main(["run", "--preset", "himmelblau", "--start=-1,-1"]) == 0
    assert "x = -3.77931, y = -3.28319" in capsys.readouterr().out


def test_explicit_variable_order(tmp_path) -> None:
    target = tmp_path / "wb.csv"
    argv = ["run", "-f", "(w - 1)^2 + (b + 2)^2", "--variables", "w,b", "--start", "0,0",
            "-o", str(target)]  # fmt: skip
    assert main(argv) == 0
    assert read_csv(target)[0][:3] == ["iteration", "w", "b"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "--function", "x^", "--start", "1"], "incomplete"),
        (["run", "--function", "Sin(x)", "--start", "1"], "did you mean 'sin'"),
        (["run", "--function", "x^2"], "give --start"),
        (["run", "--start", "1"], "give --function"),
        (["run", "--function", "x^2", "--start", "1,b"], "not a list of numbers"),
        (["run", "--function", "x^2 + y^2", "--start", "1"], "but the start point has 1"),
        (["run", "--function", "x^2", "--start", "1", "--lr", "-1"], "learning rate"),
        (["run", "--function", "x^2", "--start", "1", "--variant", "lbfgs"], "unknown variant"),
        (["run", "--function", "sqrt(x)", "--start", "-1"], "not a finite real number"),
        (["run", "--preset", "nope"], "unknown preset"),
        (["run", "--function", "x^2", "--start", "1", "-o", "/nonexistent/a.csv"], "not exist"),
        (["run", "--bogus"], "unrecognized arguments"),
    ],
)
def test_mistakes_are_one_line_on_stderr_with_exit_2(argv, words, capsys) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("gdexplorer: ")
    assert words in captured.err
    assert "Traceback" not in captured.err


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gdexplorer", "run", "-f", "x^2", "--start", "3"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Converged")


def test_list_presets(capsys) -> None:
    assert main(["--list-presets"]) == 0
    assert "rosenbrock" in capsys.readouterr().out


def _without_display() -> dict[str, str]:
    import os

    env = dict(os.environ)
    for key in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(key, None)
    return env


def test_no_display_is_one_clear_line_not_a_crash() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gdexplorer"], capture_output=True, text=True, timeout=120,
        env=_without_display(),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("gdexplorer: no display to open the window on")
    assert result.stderr.count("\n") == 1


def test_screenshot_works_without_a_display(tmp_path) -> None:
    target = tmp_path / "window.png"
    env = _without_display()
    env["HOME"] = str(tmp_path)  # keep the user's settings out of it
    result = subprocess.run(
        [sys.executable, "-m", "gdexplorer", "--screenshot", str(target), "--preset", "bowl"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_without_a_loss_is_refused_before_any_window_opens(tmp_path, capsys) -> None:
    target = tmp_path / "window.png"
    assert main(["--screenshot", str(target), "--data", "sample:line"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdexplorer: give --function") and err.count("\n") == 1
    assert not target.exists()


# -- absurd numbers: every numeric option of every sub-command ends in 0 or one line and 2 ------

ABSURD_FLOATS = ["nan", "inf", "-inf", "-1", "0", "1e308", "-1e308", "1e200", "1e-320", "5e-324"]
ABSURD_INTS = ["-1", "0", "2147483648", str(10**30), "10000001", "nan", "1e308", "1.5"]
SMALL_RUN = ["-f", "x^2 + 2y^2", "--start=1,1", "--iterations", "40"]
BASES = {
    "run": ["run", *SMALL_RUN],
    "central": ["run", *SMALL_RUN, "--gradient", "central"],
    "data": ["run", "--data", "sample:line", "-f", "(w*x + b - y)^2", "--start=0,0",
             "--iterations", "40"],
    "sweep": ["sweep", *SMALL_RUN, "--count", "4"],
    "basins": ["basins", "-f", "x^2 - y^2", "--x-range=-1,1", "--y-range=-1,1",
               "--iterations", "20", "--resolution", "4"],
}  # fmt: skip
RUN_FLOATS = ["--lr", "--momentum", "--beta1", "--beta2", "--rho", "--eps", "--tol-grad",
              "--tol-step", "--h"]  # fmt: skip
NUMERIC_OPTIONS = [
    *((base, option, ABSURD_FLOATS) for base in BASES for option in RUN_FLOATS),
    *((base, "--start", ABSURD_FLOATS) for base in BASES),
    *((base, "--iterations", ABSURD_INTS) for base in ("run", "data", "sweep", "basins")),
    *(("data", option, ABSURD_INTS) for option in ("--batch-size", "--epochs", "--seed")),
    *(("sweep", option, ABSURD_FLOATS) for option in ("--lr-min", "--lr-max")),
    ("sweep", "--count", ABSURD_INTS),
    ("basins", "--resolution", ABSURD_INTS),
    ("basins", "--tolerance", ABSURD_FLOATS),
    *(("basins", option, ABSURD_FLOATS) for option in ("--x-range", "--y-range", "--minima")),
]


def _with_value(base: str, option: str, value: str) -> list[str]:
    """The base command with ``option`` set to ``value`` (in a list where it takes one)."""
    if option == "--start":
        text = f"{value},1"
    elif option in ("--x-range", "--y-range"):
        text = f"-1,{value}"
    elif option == "--minima":
        text = f"{value},0"
    else:
        text = value
    return [*BASES[base], f"{option}={text}"]


@pytest.mark.parametrize(("base", "option", "values"), NUMERIC_OPTIONS)
def test_absurd_numbers_end_in_success_or_one_line_and_exit_2(base, option, values, capsys):
    for value in values:
        argv = _with_value(base, option, value)
        code = main(argv)  # any exception escaping here is the traceback a user would see
        err = capsys.readouterr().err
        assert code in (0, 2), (argv, code, err)
        if code == 2:
            assert err.startswith("gdexplorer: ") and err.count("\n") == 1, (argv, err)
        else:
            assert err == "", (argv, err)  # no warning printed either


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "-f", "x^2", "--start", "1", "--tol-grad", "1e200"], "its square overflows"),
        (["run", "-f", "x^2", "--start", "1", "--tol-step", "inf"], "not a finite number"),
        (["run", "-f", "x^2", "--start", "1", "--lr", "nan"], "not a finite number"),
        (["basins", "--preset", "saddle", "--tolerance=-1"], "not a positive distance"),
        (["basins", "--preset", "saddle", "--tolerance", "nan"], "not a finite number"),
        (["basins", "--preset", "saddle", "--tolerance", "1e-200"], "underflows"),
        (["basins", "--preset", "saddle", "--x-range=-1,1e308"], "too wide"),
    ],
)
def test_absurd_numbers_name_the_option_and_the_problem(argv, words, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    option = argv[-1].split("=")[0] if "=" in argv[-1] else argv[-2]
    assert err.count("\n") == 1 and words in err and f"argument {option}: " in err, err


def test_run_with_a_cosine_schedule_writes_pytorch_s_rates(tmp_path, capsys) -> None:
    """``gdexplorer run ... --schedule cosine --t-max 50``: the lr column is PyTorch's lr_k."""
    import json
    from pathlib import Path

    from tests.numeric import assert_close_scaled

    reference = json.loads(
        (Path(__file__).parent / "reference" / "schedules.json").read_text(encoding="utf-8")
    )
    case = next(
        c for c in reference["cases"]
        if c["name"] == "cosine" and c["options"] == {"t_max": 50} and c["lr"] == 0.1
    )  # fmt: skip
    target = tmp_path / "cosine.csv"
    argv = ["run", "-f", "x^2 + 2y^2", "--start", "1,1", "--lr", "0.1", "--tol-grad", "0",
            "--iterations", str(case["steps"]), "--schedule", "cosine", "--t-max", "50",
            "-o", str(target)]  # fmt: skip
    assert main(argv) == 0
    assert "on a cosine annealing schedule (T_max = 50, η_min = 0)" in capsys.readouterr().out
    header, table = read_csv(target)
    assert_close_scaled(table[:, header.index("lr")], case["rates"], rtol=1e-12)
    settings = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert settings["schedule"] == {"name": "cosine", "t_max": 50}


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--schedule", "step", "--t-max", "4"], "the step schedule does not use --t-max"),
        (["--t-max", "4"], "--t-max is an option of a schedule: give --schedule NAME too"),
        (["--schedule", "cosine"], "the cosine schedule needs --t-max"),
        (["--schedule", "warm"], "unknown schedule 'warm'"),
        (["--schedule", "plateau", "--patience", "x"], "--patience: invalid int value"),
        (["--schedule", "exponential", "--gamma", "nan"], "--gamma: 'nan' is not a finite"),
        (["--schedule", "plateau", "--schedule-every", "epoch"], "needs a data set"),
    ],
)
def test_schedule_mistakes_are_one_line_with_exit_2(argv, words, capsys) -> None:
    assert main(["run", "-f", "x^2", "--start", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_onecycle_says_that_it_ignores_lr(capsys) -> None:
    argv = ["run", "-f", "x^2", "--start", "1", "--lr", "5", "--schedule", "onecycle",
            "--max-lr", "0.3", "--iterations", "30"]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "ignores --lr" in captured.err
    assert "one cycle schedule (max_lr = 0.3" in captured.out
