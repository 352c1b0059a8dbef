"""The wheel ships resources/ inside the package, and they load from an installed copy."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import sys
# Hide the editable install of the checkout, then import the unpacked wheel instead.
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
# (only the checkout itself: a virtual environment may live inside it)
sys.path[:] = [p for p in sys.path if p.rstrip("/") not in ({root!r}, "")]
sys.path.insert(0, {unpacked!r})
import gdexplorer
assert gdexplorer.__file__.startswith({unpacked!r}), gdexplorer.__file__
from gdexplorer.core.presets import load_presets
from gdexplorer.core.resources import resource
from gdexplorer.core.lessons.library import load_lessons
print(len(load_presets()), resource("presets.json"), len(load_lessons()))
"""


def test_wheel_contains_and_loads_the_resources(tmp_path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
         "-q", "-w", str(tmp_path)],
        check=True, timeout=300,
    )  # fmt: skip
    wheel = next(tmp_path.glob("gdexplorer-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unpacked")
    assert "gdexplorer/resources/presets.json" in names
    assert "gdexplorer/cli.py" in names
    assert "gdexplorer/resources/lessons/01-derivative.md" in names
    folders = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "gdexplorer").rglob("*.py")}
    missing = sorted(f for f in folders if f"{f}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel (list them in pyproject.toml): {missing}"
    script = CHECK.format(root=str(ROOT), unpacked=str(tmp_path / "unpacked"))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    count, location, lessons = result.stdout.split()
    assert int(count) >= 11
    assert int(lessons) >= 10  # the lessons load from the installed copy
    assert location.startswith(str(tmp_path / "unpacked"))
