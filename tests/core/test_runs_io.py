"""Several runs in one long-form CSV, their settings in JSON, and back."""

from __future__ import annotations

import csv
import json
import math
import os

import numpy as np
import pytest

from gdexplorer.core.config import RunConfig
from gdexplorer.core.engine import StopReason, run_to_end
from gdexplorer.core.errors import ExportError, GdxError
from gdexplorer.core.many.runs_io import RunRecord, read_runs, write_runs
from gdexplorer.core.trajectory import csv_header


@pytest.fixture(scope="module")
def runs() -> list[RunRecord]:
    out = []
    base = RunConfig("x^2 + 3y^2", (1.0, 2.0), iterations=60)
    for name, variant, rate in [("plain", "gd", 0.1), ("heavy, ball", "momentum", 0.05),
                                ("adam", "adam", 0.1), ("too big", "gd", 1.5)]:  # fmt: skip
        config = base.replace(variant=variant, learning_rate=rate)
        trajectory, outcome = run_to_end(config)
        out.append(RunRecord(name, config, trajectory, outcome, 0.0125))
    return out


def test_round_trip_is_exact(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    back = read_runs(path)
    assert [r.name for r in back] == [r.name for r in runs]
    for original, loaded in zip(runs, back, strict=True):
        assert loaded.config == original.config
        assert loaded.outcome == original.outcome
        assert loaded.seconds == original.seconds
        assert loaded.trajectory.columns == original.trajectory.columns
        np.testing.assert_array_equal(loaded.trajectory.rows, original.trajectory.rows)
    assert back[3].outcome.reason == StopReason.DIVERGED


def test_the_csv_is_long_form_with_a_run_column(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[0] == "run"
    for run in runs:  # every single-run column is there, in the single-run order
        columns = csv_header(run.trajectory)
        assert [c for c in header if c in columns] == columns
    counts = {n: sum(1 for r in rows[1:] if r[0] == str(n)) for n in range(1, 5)}
    assert counts == {n: len(run.trajectory) for n, run in enumerate(runs, start=1)}
    first_gd_row = rows[1]
    assert (
        first_gd_row[header.index("b_x")] == "" and first_gd_row[header.index("iteration")] == "0"
    )
    settings = json.loads(path.with_suffix(".json").read_text())
    assert [entry["settings"] for entry in settings["runs"]] == [r.config.to_dict() for r in runs]


def test_a_failed_write_leaves_the_old_files(runs, tmp_path) -> None:
    path = write_runs(runs[:1], tmp_path / "runs.csv")
    before = path.read_text()
    with pytest.raises(ExportError, match="does not exist"):
        write_runs(runs, tmp_path / "missing" / "runs.csv")
    assert path.read_text() == before
    with pytest.raises(ExportError, match="no runs"):
        write_runs([], tmp_path / "empty.csv")


def test_reading_needs_the_settings_and_a_runs_file(runs, tmp_path) -> None:
    path = write_runs(runs, tmp_path / "runs.csv")
    path.with_suffix(".json").rename(tmp_path / "elsewhere.json")
    with pytest.raises(ExportError, match="missing"):
        read_runs(path)
    single = tmp_path / "single.csv"
    single.write_text("iteration,x,f\n0,1.0,1.0\n")
    (tmp_path / "single.json").write_text(json.dumps({"format": "gdexplorer-runs/1", "runs": [{}]}))
    with pytest.raises(ExportError, match="first column"):
        read_runs(single)
    (tmp_path / "single.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(ExportError, match="not a gdexplorer runs"):
        read_runs(single)


def test_a_damaged_runs_file_is_refused(runs, tmp_path) -> None:
    path = write_runs(runs[:2], tmp_path / "runs.csv")
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:3] + lines[4:]) + "\n")  # drop iteration 2 of run 1
    with pytest.raises(ExportError, match="not 0, 1, 2"):
        read_runs(path)
    settings = json.loads(path.with_suffix(".json").read_text())
    settings["runs"][0]["settings"]["learning_rate"] = "fast"
    settings["runs"][0]["settings"]["colour"] = "red"
    path.with_suffix(".json").write_text(json.dumps(settings))
    with pytest.raises(ExportError, match="run 1 is malformed"):
        read_runs(path)


ENTRY_FIELDS = ["run", "name", "settings", "variables", "state_slots", "extra_columns",
                "outcome", "seconds"]  # fmt: skip
HOSTILE = [None, [], {}, "text", True, -1, 10**400, math.nan, math.inf, "x" * 10_000_000,
           [[[[[]]]]], {"reason": 1}]  # fmt: skip


def _rewrite(path, change) -> None:
    settings_path = path.with_suffix(".json")
    settings = json.loads(settings_path.read_text())
    change(settings)
    settings_path.write_text(json.dumps(settings))


def _refused_naming(path, *words) -> str:
    try:
        read_runs(path)
    except GdxError as error:
        message = str(error)
    else:
        raise AssertionError("the hostile runs file was accepted")
    assert "\n" not in message and len(message) < 600, message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


@pytest.mark.parametrize("field", ENTRY_FIELDS)
def test_every_field_of_a_run_with_a_hostile_value_is_refused_naming_it(runs, tmp_path, field):
    path = write_runs(runs[:2], tmp_path / "runs.csv")
    original = path.with_suffix(".json").read_text()
    for value in HOSTILE:
        path.with_suffix(".json").write_text(original)
        _rewrite(path, lambda s, v=value: s["runs"][1].__setitem__(field, v))
        try:
            read_runs(path)
        except GdxError as error:
            assert "\n" not in str(error) and len(str(error)) < 600
            assert field in str(error).split("runs.csv: ", 1)[1]
        else:  # only a value of the right type may pass: seconds may be null, outcome too
            assert (field, value) in [("outcome", None), ("seconds", None), ("name", "text"),
                                      ("extra_columns", [])]  # fmt: skip


@pytest.mark.parametrize("field", sorted(RunConfig("x", (1.0,)).to_dict()))
def test_every_setting_of_a_run_with_a_wrong_type_is_refused_naming_it(runs, tmp_path, field):
    path = write_runs(runs[:2], tmp_path / "runs.csv")
    original = path.with_suffix(".json").read_text()
    text_fields = {"format", "function", "variant", "gradient", "data"}
    wrong_kind = 7 if field in text_fields else "7"
    for value in [wrong_kind, [1, "a"], {"a": {}}, "x" * 10_000_000, 10**400]:
        path.with_suffix(".json").write_text(original)
        _rewrite(path, lambda s, v=value: s["runs"][1]["settings"].__setitem__(field, v))
        _refused_naming(path, "run 2", field)


def test_a_variant_given_as_a_number_is_refused_before_any_run_is_returned(runs, tmp_path):
    path = write_runs(runs, tmp_path / "runs.csv")
    _rewrite(path, lambda s: s["runs"][3]["settings"].__setitem__("variant", 7))
    _refused_naming(path, "run 4", "variant must be text, got 7")


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda s: s["runs"][1].__setitem__("run", 1), "two runs have the same number"),
        (lambda s: s["runs"][1].__setitem__("state_slots", []), "state_slots do not match"),
        (lambda s: s["runs"][0].__setitem__("variables", ["x"]), "variables do not match"),
        (lambda s: s["runs"][0].__setitem__("variables", ["x", "x"]), "variable twice"),
        (lambda s: s["runs"][0].__setitem__("extra_columns", ["f"]), "repeats"),
        (lambda s: s["runs"][0].__setitem__("extra_columns", ["zz"]), "no column 'zz'"),
        (lambda s: s["runs"][0].__setitem__("colour", "red"), "'colour' is unknown"),
        (lambda s: s["runs"][0].pop("variables"), "'variables' is missing"),
        (lambda s: s["runs"][0]["outcome"].__setitem__("reason", "bored"), "outcome.reason"),
        (lambda s: s.__setitem__("runs", [s["runs"][0]] * 101), "at most 100"),
        (lambda s: s.__setitem__("runs", {"a": 1}), "lists no runs"),
        (lambda s: s["runs"].__setitem__(0, [1, 2]), "JSON object"),
    ],
)
def test_runs_that_disagree_with_their_settings_are_refused(runs, tmp_path, change, words):
    path = write_runs(runs, tmp_path / "runs.csv")
    _rewrite(path, change)
    _refused_naming(path, words)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "{", "\ufeff{}", ""])
def test_a_settings_file_that_is_not_json_is_refused(runs, tmp_path, text):
    path = write_runs(runs[:1], tmp_path / "runs.csv")
    path.with_suffix(".json").write_text(text)
    _refused_naming(path, "runs.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_fifos_in_place_of_either_file_are_refused(runs, tmp_path):
    path = write_runs(runs[:1], tmp_path / "runs.csv")
    path.unlink()
    os.mkfifo(path)
    _refused_naming(path, "not a regular file")
    path.with_suffix(".json").unlink()
    os.mkfifo(path.with_suffix(".json"))
    _refused_naming(path, "not a regular file")
