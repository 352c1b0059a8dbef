"""``gdexplorer --animation``: a run, a settings file or a runs file filmed; bad input: one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from gdexplorer.cli import main
from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import run_to_end
from gdexplorer.core.files import animation
from gdexplorer.core.many.runs_io import RunRecord, write_runs
from gdexplorer.core.trajectory import write_csv

RUN = ["-f", "x^2 + 3y^2", "--start=2,1", "--lr", "0.1", "--iterations", "60"]


def film(tmp_path, *words: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "gdexplorer", *words]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


def frames_of(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        frames = []
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(np.asarray(image.convert("RGB")).copy())
        return frames


def test_a_run_is_filmed_into_a_gif(tmp_path):
    target = tmp_path / "descent.gif"
    done = film(tmp_path, "--animation", str(target), "--frames", "15", "--size", "400x300", *RUN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote 15 frames to {target}"
    frames = frames_of(target)
    assert frames[0].shape == (300, 400, 3) and len(frames) >= 5  # equal frames share a delay
    with Image.open(target) as image:
        durations = []
        for k in range(image.n_frames):
            image.seek(k)
            durations.append(image.info["duration"])
    assert sum(durations) == 1000  # 15 frames at the default 15 a second
    assert np.any(frames[0] != frames[-1])
    assert not (tmp_path / "config").exists()  # filming never writes the user's settings


def test_a_runs_file_is_filmed_as_a_race_in_the_runs_colours(tmp_path):
    records = []
    for number, (variant, start) in enumerate((("gd", (2.0, 1.0)), ("adam", (-2.0, 1.5))), 1):
        config = RunConfig("x^2 + 3y^2", start, variant=variant, learning_rate=0.1)
        records.append(RunRecord(f"Run {number}", config, *run_to_end(config), 0.01))
    runs = write_runs(records, tmp_path / "runs.csv")
    target = tmp_path / "race.gif"
    done = film(tmp_path, str(runs), "--animation", str(target), "--frames", "8")
    assert done.returncode == 0, done.stderr
    from PySide6.QtGui import QColor

    from gdexplorer.ui.views.multi_path import RUN_COLOURS

    first, last = frames_of(target)[0], frames_of(target)[-1]
    for name in RUN_COLOURS[:2]:  # the runs' colours, exact, and their paths grew
        rgb = np.asarray(QColor(name).getRgb()[:3], dtype=np.uint8)
        drawn = np.count_nonzero(np.all(last == rgb, axis=2))
        assert drawn > 30 and drawn > np.count_nonzero(np.all(first == rgb, axis=2)), name


def test_a_settings_file_is_filmed(tmp_path):
    config = RunConfig("x^2 + 3y^2", (2.0, 1.0), learning_rate=0.1, iterations=40)
    write_csv(run_to_end(config)[0], tmp_path / "run.csv", settings=config.to_dict())
    target = tmp_path / "again.gif"
    done = film(tmp_path, str(tmp_path / "run.json"), "--animation", str(target), "--frames", "5")
    assert done.returncode == 0, done.stderr
    assert frames_of(target)[0].shape == (600, 800, 3)


def test_an_mp4(tmp_path):
    if not animation.has_video_extra():
        pytest.skip('the video extra is not installed (pip install "gdexplorer[video]")')
    target = tmp_path / "descent.mp4"
    done = film(tmp_path, "--animation", str(target), "--frames", "10", "--size", "401x301", *RUN)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[4:8] == b"ftyp"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--animation", "x.png"], "an animation is saved as .gif or .mp4"),
        (["--animation", "x.gif", "--size", "63x600"], "64 to 4096"),
        (["--animation", "x.gif", "--size", "800x5000"], "64 to 4096"),
        (["--animation", "x.gif", "--size", "wide"], "WIDTHxHEIGHT"),
        (["--animation", "x.gif", "--fps", "0"], "more than 0"),
        (["--animation", "x.gif", "--fps", "nan"], "more than 0"),
        (["--animation", "x.gif", "--frames", "0"], "at least 2 frames"),
        (["--animation", "x.gif", "--frames", "many"], "whole number"),
        (["--animation", "missing/x.gif"], "does not exist"),
        (["--animation", "x.gif", "--screenshot", "x.png"], "not both"),
        (["--frames", "10"], "--frames is for --animation"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, monkeypatch, words, message):
    monkeypatch.chdir(tmp_path)
    assert main([*words, *RUN]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdexplorer: ") and message in err
    assert not [path for path in tmp_path.rglob("x.*")]


def test_mp4_without_the_extra_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(animation, "has_video_extra", lambda: False)
    assert main(["--animation", "x.mp4", *RUN]) == 2
    err = capsys.readouterr().err
    assert (
        err == 'gdexplorer: saving an MP4 needs the video extra: pip install "gdexplorer[video]"\n'
    )


def test_a_file_that_is_not_a_run_is_an_error_not_a_film(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nothing": 1}))
    done = film(tmp_path, str(bad), "--animation", str(tmp_path / "x.gif"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert not (tmp_path / "x.gif").exists()
