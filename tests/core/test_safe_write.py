"""Writing files without harm: refused targets, pairs written all or nothing, no litter, modes."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.data.engine import DataRun
from gdexplorer.core.data.export import write_data_csv
from gdexplorer.core.engine import record, run_to_end
from gdexplorer.core.errors import ExportError
from gdexplorer.core.files import safe_write
from gdexplorer.core.files.safe_write import (
    atomic_write,
    paired_targets,
    with_default_suffix,
    write_text_files,
)
from gdexplorer.core.trajectory import write_csv

CONFIG = RunConfig("x^2 + 2*y^2", (1.0, 1.0), variant="adam", iterations=30)
DATA = RunConfig("(w*x + b - y)^2", (0.0, 0.0), variables=("w", "b"), data="sample:line",
                 batch_size=25, epochs=1)  # fmt: skip


@pytest.fixture(scope="module")
def trajectory():
    return run_to_end(CONFIG)[0]


def _export_typed(trajectory, path):
    return write_csv(trajectory, path, settings=CONFIG.to_dict())


def _export_data(_trajectory, path):
    run = DataRun(DATA)
    return write_data_csv(record(run), path, DATA, run.schedule)


EXPORTS = [_export_typed, _export_data]


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("export", EXPORTS)
def test_a_fifo_or_a_folder_is_refused_and_left_as_it_is(tmp_path, trajectory, export):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    (tmp_path / "folder.csv").mkdir()
    for target in (fifo, tmp_path / "folder.csv"):
        with pytest.raises(ExportError, match="exists and is (not a regular file|a folder)"):
            export(trajectory, target)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _names(tmp_path) == ["folder.csv", "pipe.csv"]  # nothing written, nothing left


@pytest.mark.parametrize("export", EXPORTS)
def test_a_device_is_never_replaced(trajectory, export):
    before = os.stat("/dev/null")
    with pytest.raises(ExportError, match="/dev/null: it exists and is not a regular file"):
        export(trajectory, "/dev/null")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize(("name", "why"), [("run.json", r"ending in \.json"), ("", "no file name"),
                                           ("  ", "no file name")])  # fmt: skip
def test_a_json_or_empty_name_is_refused_in_one_line(
    tmp_path, trajectory, export, name, why, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match=why) as error:
        export(trajectory, name)
    assert "\n" not in str(error.value)
    assert _names(tmp_path) == []


@pytest.mark.parametrize("export", EXPORTS)
def test_when_the_settings_cannot_be_written_neither_file_changes(tmp_path, trajectory, export):
    (tmp_path / "run.csv").write_text("old table\n")
    (tmp_path / "run.json").mkdir()  # the settings' target is a folder
    with pytest.raises(ExportError, match="run.json: it exists and is a folder"):
        export(trajectory, tmp_path / "run.csv")
    assert (tmp_path / "run.csv").read_text() == "old table\n"
    assert _names(tmp_path) == ["run.csv", "run.json"]


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("old_files", [True, False])
def test_a_failed_second_rename_puts_the_first_file_back(
    tmp_path, trajectory, export, monkeypatch, old_files
):
    if old_files:
        (tmp_path / "run.csv").write_text("old table\n")
        (tmp_path / "run.json").write_text("{}\n")
    real_replace = os.replace
    calls = []

    def second_fails(source, destination):
        calls.append(destination)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(ExportError, match="No space left on device"):
        export(trajectory, tmp_path / "run.csv")
    if old_files:
        assert (tmp_path / "run.csv").read_text() == "old table\n"
        assert (tmp_path / "run.json").read_text() == "{}\n"
        assert _names(tmp_path) == ["run.csv", "run.json"]  # no temporary or backup file left
    else:
        assert _names(tmp_path) == []


@pytest.mark.parametrize("interrupt_in", ["write", "replace"])
def test_ctrl_c_removes_the_temporary_files(tmp_path, monkeypatch, interrupt_in):
    target = tmp_path / "run.csv"
    target.write_text("old\n")

    def interrupted(*_args):
        raise KeyboardInterrupt

    if interrupt_in == "write":
        with pytest.raises(KeyboardInterrupt):
            safe_write.write_files([(target, interrupted)])
    else:
        monkeypatch.setattr(os, "replace", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_text_files([(target, "new\n"), (tmp_path / "run.json", "{}\n")])
    assert _names(tmp_path) == ["run.csv"] and target.read_text() == "old\n"


def test_ctrl_c_between_the_two_renames_restores_the_first(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("old a\n")
    real_replace = os.replace
    calls = []

    def interrupt_second(source, destination):
        calls.append(destination)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        write_text_files([(tmp_path / "a.csv", "new a\n"), (tmp_path / "a.json", "{}\n")])
    assert _names(tmp_path) == ["a.csv"] and (tmp_path / "a.csv").read_text() == "old a\n"


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_get_the_umask_s_permissions(tmp_path, trajectory, umask):
    old = os.umask(umask)
    try:
        path = _export_typed(trajectory, tmp_path / "run.csv")
    finally:
        os.umask(old)
    for written in (path, path.with_suffix(".json")):
        assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o666])
def test_a_replaced_file_keeps_its_mode(tmp_path, trajectory, mode):
    for name in ("run.csv", "run.json"):
        (tmp_path / name).write_text("old\n")
        (tmp_path / name).chmod(mode)
    path = _export_typed(trajectory, tmp_path / "run.csv")
    assert json.loads(path.with_suffix(".json").read_text())["variant"] == "adam"
    for written in (path, path.with_suffix(".json")):
        assert stat.S_IMODE(written.stat().st_mode) == mode


def test_a_link_to_a_file_stays_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ExportError, match="the folder .*nowhere does not exist"):
        paired_targets(tmp_path / "nowhere" / "run.csv")


def test_the_written_pair_is_complete(tmp_path, trajectory):
    path = _export_typed(trajectory, tmp_path / "run.csv")
    lines = path.read_text().splitlines()
    assert len(lines) == len(trajectory) + 1
    assert RunConfig.from_dict(json.loads(path.with_suffix(".json").read_text())) == CONFIG
    assert np.isfinite(trajectory.rows).all()


@pytest.mark.parametrize(
    ("typed", "written"),
    [("plot", "plot.png"), ("a/b/plot", "a/b/plot.png"), ("plot.png", "plot.png"),
     ("plot.PNG", "plot.PNG"), ("v1.2/plot", "v1.2/plot.png"), ("", "")],
)  # fmt: skip
def test_a_png_name_without_an_extension_gets_png(typed, written):
    assert with_default_suffix(typed, ".png") == written
