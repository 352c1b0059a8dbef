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
