"""Files on the command line: ``run --settings`` reruns an export, ``gdexplorer FILE`` tells a
settings JSON, a trajectory CSV and a runs file apart by content, and bad files are one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gdexplorer.cli import build_parser, main, split_file_argument
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.files.kinds import FileKind, identify
from gdexplorer.core.many.runs_io import RunRecord, write_runs
from gdexplorer.core.optimizers import VARIANTS

GRADIENTS = ("symbolic", "central", "forward")
TYPED = ["-f", "x^2 + 3y^2 + x*y", "--start=2,-1", "--iterations", "60", "--lr", "0.05"]
DATA = ["--data", "sample:line", "-f", "(w*x + b - y)^2", "--variables", "w,b", "--start=0,0"]
DATA += ["--lr", "0.02", "--batch-size", "10", "--epochs", "3", "--seed", "7"]


def _run(argv: list[str], capsys) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def _rerun_equals_original(tmp_path, capsys, options: list[str]) -> None:
    original, rerun = tmp_path / "original.csv", tmp_path / "rerun.csv"
    _run(["run", *options, "-o", str(original)], capsys)
    _run(["run", "--settings", str(original.with_suffix(".json")), "-o", str(rerun)], capsys)
    # the same computation on the same machine from the same settings: the same text, exactly
    assert rerun.read_text() == original.read_text()
    assert json.loads(rerun.with_suffix(".json").read_text()) == json.loads(
        original.with_suffix(".json").read_text()
    )


@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_run_settings_reruns_a_typed_export_row_for_row(tmp_path, capsys, variant, gradient):
    options = [*TYPED, "--variant", variant, "--gradient", gradient, "--tol-grad", "0"]
    _rerun_equals_original(tmp_path, capsys, options)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_run_settings_reruns_a_data_export_row_for_row(tmp_path, capsys, variant):
    _rerun_equals_original(tmp_path, capsys, [*DATA, "--variant", variant, "--maximize"])


OVERRIDES = [
    (["--lr", "0.01"], {"learning_rate": 0.01}),
    (["--iterations", "7"], {"iterations": 7}),
    (["--variant", "adam"], {"variant": "adam"}),
    (["--start=-1,0.5"], {"start": [-1.0, 0.5]}),
    (["--gradient", "central", "--h", "0.001"], {"gradient": "central", "h": 0.001}),
    (["--tol-grad", "0", "--maximize"], {"tol_grad": 0.0, "maximize": True}),
    (["-f", "x^2 + y^2"], {"function": "x^2 + y^2"}),
]


@pytest.mark.parametrize(("extra", "changed"), OVERRIDES)
def test_options_beside_settings_override_exactly_those_values(tmp_path, capsys, extra, changed):
    original, rerun, direct = (tmp_path / f"{n}.csv" for n in ("original", "rerun", "direct"))
    options = [*TYPED, "--variant", "momentum", "--momentum", "0.5"]
    _run(["run", *options, "-o", str(original)], capsys)
    settings = original.with_suffix(".json")
    _run(["run", "--settings", str(settings), *extra, "-o", str(rerun)], capsys)
    _run(["run", *options, *extra, "-o", str(direct)], capsys)
    expected = {**json.loads(settings.read_text()), **changed}
    written = json.loads(rerun.with_suffix(".json").read_text())
    direct_settings = json.loads(direct.with_suffix(".json").read_text())
    assert written.pop("outcome") == direct_settings["outcome"]  # how this run ended
    expected.pop("outcome")
    assert written == expected
    assert rerun.read_text() == direct.read_text()


def test_an_informational_outcome_in_the_settings_is_ignored(tmp_path, capsys):
    original, rerun = tmp_path / "original.csv", tmp_path / "rerun.csv"
    _run(["run", *TYPED, "-o", str(original)], capsys)
    settings = original.with_suffix(".json")
    data = json.loads(settings.read_text())
    data["outcome"] = {"reason": "converged", "iterations": 1, "message": "not applied"}
    settings.write_text(json.dumps(data))
    _run(["run", "--settings", str(settings), "-o", str(rerun)], capsys)
    assert rerun.read_text() == original.read_text()


def _runs_file(tmp_path):
    records = []
    for number, variant in enumerate(("gd", "adam"), start=1):
        config = RunConfig("x^2 + 3y^2", (2.0, 1.0), variant=variant, learning_rate=0.1)
        records.append(RunRecord(f"Run {number}", config, *run_to_end(config), 0.01))
    return write_runs(records, tmp_path / "runs.csv")


EXPECTED_WORDS = {
    "bad-lr.json": "learning rate",
    "bad-key.json": "colour",
    "broken.json": "bad JSON",
    "deep.json": "nested too deeply",
    "sweep.json": "describes a sweep export",
}


def _bad_files(tmp_path):
    """(path, words of the one-line message) for files that are none of ours."""
    made = {
        "empty.json": "",
        "list.json": "[1, 2]",
        "no-function.json": '{"start": [1]}',
        "broken.json": '{"function": ',
        "deep.json": '{"a": ' * 100_000 + "1" + "}" * 100_000,
        "sweep.csv": "learning_rate,final_f\n0.1,3\n",
        "binary.csv": "\0\1\2",
        "bad-lr.json": json.dumps({"function": "x^2", "start": [1], "learning_rate": -1}),
        "bad-key.json": json.dumps({"function": "x^2", "start": [1], "colour": "red"}),
        "sweep.json": json.dumps({"settings": {"function": "x^2"}, "sweep": {"count": 3}}),
    }
    cases = []
    for name, text in made.items():
        (tmp_path / name).write_text(text)
        words = EXPECTED_WORDS.get(name, "not a gdexplorer file")
        cases.append((tmp_path / name, words))
    cases.append((tmp_path / "missing.json", "no such file"))
    cases.append((tmp_path, "folder"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.json")  # opening it to read would wait for a writer
        cases.append((tmp_path / "fifo.json", "not a regular file"))
    return cases


def test_bad_files_are_one_line_and_exit_2_on_the_command_line(tmp_path, capsys):
    for path, words in _bad_files(tmp_path):
        for argv in ([str(path), "--screenshot", str(tmp_path / "x.png")],
                     ["run", "--settings", str(path)]):  # fmt: skip
            assert main(argv) == 2, argv
            err = capsys.readouterr().err
            assert err.startswith("gdexplorer: ") and err.count("\n") == 1, (argv, err)
            assert words in err, (argv, err)
    assert not (tmp_path / "x.png").exists()


def test_run_settings_refuses_other_kinds_and_a_preset_beside_it(tmp_path, capsys):
    runs = _runs_file(tmp_path)
    for path in (runs, runs.with_suffix(".json")):
        assert main(["run", "--settings", str(path)]) == 2
        assert "is a runs file, not the settings of one run" in capsys.readouterr().err
    trajectory = tmp_path / "path.csv"
    _run(["run", *TYPED, "-o", str(trajectory)], capsys)
    assert main(["run", "--settings", str(trajectory)]) == 2
    assert f"its settings are in {tmp_path / 'path.json'}" in capsys.readouterr().err
    settings = tmp_path / "one.json"
    settings.write_text(json.dumps(RunConfig("x^2", (1.0,)).to_dict()))
    assert main(["run", "--settings", str(settings), "--preset", "bowl"]) == 2
    assert "not both" in capsys.readouterr().err


def test_kinds_are_told_by_content_not_by_the_name(tmp_path, capsys):
    _run(["run", *TYPED, "-o", str(tmp_path / "path.csv")], capsys)
    _run(["run", *DATA, "-o", str(tmp_path / "data.csv")], capsys)
    runs = _runs_file(tmp_path)
    for source, kind in [
        ("path.json", FileKind.SETTINGS), ("path.csv", FileKind.TRAJECTORY),
        ("data.csv", FileKind.TRAJECTORY), ("runs.csv", FileKind.RUNS),
        ("runs.json", FileKind.RUNS),
    ]:  # fmt: skip
        renamed = tmp_path / f"renamed-{source}.txt"
        renamed.write_bytes((tmp_path / source).read_bytes())
        assert identify(tmp_path / source).kind is kind
        assert identify(renamed).kind is kind
    assert identify(runs.with_suffix(".json")).path == runs  # the reader takes the CSV


@pytest.mark.parametrize(
    ("argv", "rest", "file"),
    [
        (["a.json"], [], "a.json"),  # a file name is never mistaken for a command
        (["path.csv", "--lr", "0.1"], ["--lr", "0.1"], "path.csv"),
        (["--lr", "0.1", "path.csv"], ["--lr", "0.1"], "path.csv"),
        (["-f", "x^2", "--maximize", "p.json"], ["-f", "x^2", "--maximize"], "p.json"),
        (["--start=-1,2", "--screen", "s.png", "p.json"], ["--start=-1,2", "--screen", "s.png"],
         "p.json"),  # an abbreviated option still takes its value
        (["run", "-f", "x^2"], ["run", "-f", "x^2"], None),
        (["--lr", "0.1", "sweep"], ["--lr", "0.1", "sweep"], None),
        (["--function", "run", "run"], ["--function", "run", "run"], None),
        (["--", "-odd.json"], ["--"], "-odd.json"),
    ],
)  # fmt: skip
def test_the_file_is_the_first_word_that_is_no_option_value_or_command(argv, rest, file):
    assert split_file_argument(build_parser(), argv) == (rest, file)


@pytest.mark.parametrize("argv", [["a.json", "b.json"], ["a.json", "--lr", "1", "run"]])
def test_one_file_at_a_time(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give one FILE to open, not also" in err


def test_a_bad_file_read_by_the_window_is_one_line_and_exit_2(tmp_path):
    runs = _runs_file(tmp_path)
    runs.with_suffix(".json").unlink()  # the rows without their settings
    broken = tmp_path / "broken.csv"
    broken.write_text("iteration,x,f,grad_x,grad_norm,step_norm\n0,1,abc,2,2,0\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    for path, words in ((runs, "is missing"), (broken, "Could not open the trajectory")):
        target = tmp_path / "never.png"
        command = [sys.executable, "-m", "gdexplorer", str(path), "--screenshot", str(target)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
        assert done.stderr.startswith("gdexplorer: ")
        assert not target.exists()
