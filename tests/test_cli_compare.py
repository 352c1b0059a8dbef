"""``gdexplorer sweep`` and ``gdexplorer basins``: summaries, CSV, PNG and one-line errors."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from gdexplorer.cli import main
from gdexplorer.core.presets import get_preset

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_sweep_writes_one_row_per_rate(tmp_path, capsys) -> None:
    out = tmp_path / "sweep.csv"
    code = main(["sweep", "--function", "x^2 + 20y^2", "--start", "-4,1", "--variant", "gd",
                 "--lr-min", "1e-3", "--lr-max", "1", "--count", "40",
                 "--output", str(out)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "stability limit for this quadratic: 0.05" in printed
    rows = _rows(out)
    assert len(rows) == 40
    assert list(rows[0]) == ["learning_rate", "final_f", "iterations", "reason", "end_x", "end_y"]
    rates = np.array([float(r["learning_rate"]) for r in rows])
    np.testing.assert_allclose(rates, np.geomspace(1e-3, 1, 40))
    assert {r["reason"] for r in rows if float(r["learning_rate"]) > 0.06} == {"diverged"}
    settings = json.loads(out.with_suffix(".json").read_text())
    assert settings["settings"]["function"] == "x^2 + 20y^2"
    assert settings["sweep"]["stability_limit"] == pytest.approx(0.05)


def test_basins_from_a_preset_with_negative_ranges_written_without_equals(tmp_path, capsys):
    out = tmp_path / "basins.csv"
    code = main(["basins", "--preset", "himmelblau", "--x-range", "-5,5", "--y-range", "-5,5",
                 "--resolution", "30", "--output", str(out)])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.count("minimum (") == 4
    rows = _rows(out)
    assert len(rows) == 900
    assert len({r["basin_name"] for r in rows}) == 4
    minima = np.array(get_preset("himmelblau").minima)
    ends = np.array([[float(r["end_x"]), float(r["end_y"])] for r in rows])
    nearest = np.argmin(np.linalg.norm(ends[:, None] - minima[None], axis=2), axis=1)
    assert np.allclose(ends, minima[nearest], atol=1e-3)
    by_name = {r["basin_name"]: set() for r in rows}
    for row, k in zip(rows, nearest, strict=True):
        by_name[row["basin_name"]].add(int(k))
    assert sorted(len(v) for v in by_name.values()) == [1, 1, 1, 1]


def test_basins_need_a_window(capsys) -> None:
    assert main(["basins", "--function", "x^2 - y^2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--x-range" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sweep", "--function", "x^2", "--start", "1", "--lr-min", "0"], "smallest < largest"),
        (["sweep", "--function", "x^2 +", "--start", "1"], "incomplete"),
        (["sweep", "--function", "x^2", "--start", "1", "--measure", "speed"], "invalid choice"),
        (
            ["basins", "--function", "x^2", "--x-range", "-1,1", "--y-range", "-1,1"],
            "two variables",
        ),
        (["basins", "--function", "x^2+y^2", "--x-range", "1,-1", "--y-range", "-1,1"], "range"),
        (["basins", "--preset", "saddle", "--resolution", "1"], "resolution"),
        (["sweep", "--preset", "bowl", "--output", "/no/such/folder/s.csv"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_png_output_draws_the_plots(tmp_path, capsys) -> None:
    sweep_png, basin_png = tmp_path / "sweep.png", tmp_path / "basins.png"
    assert main(["sweep", "--preset", "elongated-valley", "--count", "30", "--png",
                 str(sweep_png)]) == 0  # fmt: skip
    assert main(["basins", "--preset", "saddle", "--resolution", "20", "--colour-by",
                 "iterations", "--png", str(basin_png)]) == 0  # fmt: skip
    for path in (sweep_png, basin_png):
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    assert "propagateSizeHints" not in capsys.readouterr().err


def test_a_png_name_without_extension_gets_png(tmp_path, capsys) -> None:
    target = tmp_path / "sweep"
    assert main(["sweep", "--preset", "bowl", "--count", "5", "--png", str(target)]) == 0
    assert f"Drew the sweep to {target}.png" in capsys.readouterr().out
    assert (tmp_path / "sweep.png").read_bytes().startswith(PNG_MAGIC)
    assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--preset", "bowl", "--count", "5", "--png"],
        ["basins", "--preset", "saddle", "--resolution", "5", "--png"],
        ["sweep", "--preset", "bowl", "--count", "5", "--output"],
        ["run", "--preset", "bowl", "--output"],
        ["--preset", "bowl", "--screenshot"],
    ],
)
def test_an_output_that_is_a_folder_is_one_line_before_any_work(tmp_path, argv, capsys) -> None:
    (tmp_path / "named.png").mkdir()
    folders = [tmp_path, tmp_path / "named.png"]
    if argv[-1] != "--output":
        folders.append(tmp_path / "named")  # a PNG named "named" is written to "named.png"
    for folder in folders:
        assert main([*argv, str(folder)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1, err
        assert err.startswith("gdexplorer: ") and "is a folder" in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--preset", "bowl", "--count", "5", "--png", ""],
        ["sweep", "--preset", "bowl", "--count", "5", "--output", " "],
        ["run", "--preset", "bowl", "--output", ""],
        ["--preset", "bowl", "--screenshot", ""],
    ],
)
def test_an_empty_output_name_is_one_line_not_ignored(argv, capsys) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "give a file name" in err, err
