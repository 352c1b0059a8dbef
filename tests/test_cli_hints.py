"""The command line's notes on a typed function (stderr, exit 0) and its --size option."""

from __future__ import annotations

import pytest

from gdexplorer.cli import main
from gdexplorer.cli_window import window_size


def test_a_run_on_sinx_notes_how_it_was_read_and_still_runs(capsys) -> None:
    assert main(["run", "-f", "sinx^2", "--start", "1", "--iterations", "5"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "gdexplorer: note: one variable named 'sinx' — did you mean sin(x)?\n"
    assert "sinx" in captured.out  # the run went ahead, on the variable sinx


def test_a_usual_function_gets_no_note(capsys) -> None:
    assert main(["run", "-f", "x^2 + y^2", "--start=1,1", "--iterations", "5"]) == 0
    assert capsys.readouterr().err == ""


def test_an_equation_is_one_line_and_status_2(capsys) -> None:
    assert main(["run", "-f", "x = 3", "--start", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is an equation, not a function" in err


@pytest.mark.parametrize(
    ("text", "size"),
    [("1024x700", (1024, 700)), ("1920X1080", (1920, 1080)), (" 800x600 ", (800, 600))],
)
def test_window_sizes_are_read(text: str, size: tuple[int, int]) -> None:
    assert window_size(text) == size


@pytest.mark.parametrize("text", ["10x10", "1024", "1024x", "wide", "1024x700x3", "99999x700"])
def test_a_bad_window_size_is_one_line_and_status_2(text: str, capsys) -> None:
    assert main(["--screenshot", "never.png", "--size", text]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--size" in err and "1024x700" in err
