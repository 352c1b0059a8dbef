"""``gdexplorer lessons``: the list, ``--check`` (exit 1 naming a false lesson), one-line
errors with exit 2, and ``--screenshot --lesson NAME --step N``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gdexplorer.cli import main

LESSON = """# Two runs

## Run it

```step
{"preset": "parabola", "expect": {"reason": "converged", "iterations": 75}}
```

### Right
Right.

### Hint
Run the example.
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "01-first.md").write_text(LESSON, encoding="utf-8")
    return tmp_path


def test_lessons_lists_the_shipped_lessons_with_their_steps(capsys) -> None:
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(" 1. derivative")
    assert "The first step; Steps shrink as the slope flattens" in out
    assert "10. maximize" in out


def test_check_passes_and_says_so(folder, capsys) -> None:
    assert main(["lessons", "--check", "--folder", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "ok   first" in out and "1 claim(s) checked" in out
    assert out.rstrip().endswith("All 1 lessons hold.")


def test_check_exits_1_naming_the_lesson_whose_claim_is_false(folder, capsys) -> None:
    (folder / "02-second.md").write_text(LESSON.replace('"iterations": 75', '"iterations": 7'))
    assert main(["lessons", "--check", "--folder", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "FAIL second" in captured.out
    assert "gdexplorer: lesson 'second': step 1 (Run it): it made 75 updates, not 7" in captured.err
    assert "first" not in captured.err


def test_a_malformed_file_is_one_line_and_exit_2(folder, capsys) -> None:
    (folder / "03-bad.md").write_text(LESSON.replace('"parabola"', '"parabolla"'))
    assert main(["lessons", "--folder", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdexplorer: lessons/03-bad.md: step 1 (Run it): preset: unknown")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--step", "2"], "--step needs --lesson NAME"),
        (["--lesson", "nope"], "unknown lesson 'nope': choose one of derivative, downhill"),
        (["--lesson", "derivative", "--step", "9"], "lesson 'derivative' has 4 steps, not 9"),
        (["--lesson", "derivative", "--step", "0"], "steps are numbered from 1, got 0"),
        (["lessons", "--folder", "/no/such/folder"], "/no/such/folder is not a folder"),
    ],
)
def test_wrong_lesson_options_are_one_line(argv, message, tmp_path, capsys) -> None:
    assert main([*argv, "--screenshot", str(tmp_path / "x.png")] if argv[0] != "lessons"
                else argv) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_screenshot_of_a_lesson_step(tmp_path) -> None:
    target = tmp_path / "step.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    argv = [sys.executable, "-m", "gdexplorer", "--screenshot", str(target), "--lesson",
            "start", "--step", "2"]  # fmt: skip
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
