"""Runs the OpenGL tests (``gl_cases.py``) in a child process on an X server.

The UI suite runs on Qt's offscreen platform, which has no OpenGL: there the 3-D view is a
placeholder (tests/ui/test_surface_view.py). Its real pixels need Qt's xcb platform on an X
server, with Mesa's software renderer, in a process of their own (a Qt application's platform
is chosen once per process). This test starts that process under ``xvfb-run -a`` (or on the
``DISPLAY`` already there when Xvfb is not installed) and fails with the child's report when
any GL test fails. Without an X server it is skipped with the reason, unless
``GDX_REQUIRE_GL=1`` (set by ``.ci/run``, which installs Xvfb), where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).with_name("gl_cases.py")
SCREEN = "-screen 0 1600x1000x24"
CHILD_TIMEOUT_S = 600


def x_server_prefix() -> list[str] | None:
    """How to reach an X server: ``xvfb-run`` (preferred: no window on a desktop), the
    current DISPLAY, or None."""
    if shutil.which("xvfb-run"):
        return ["xvfb-run", "-a", "-s", SCREEN]
    if os.environ.get("DISPLAY"):
        return []
    return None


def child_environment(config_home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(config_home))
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    return env


def missing_x_server(reason: str) -> None:
    if os.environ.get("GDX_REQUIRE_GL") == "1":
        pytest.fail(f"GDX_REQUIRE_GL=1 but {reason}")
    pytest.skip(reason)


def test_opengl_views_draw_real_pixels_on_an_x_server(tmp_path):
    prefix = x_server_prefix()
    if prefix is None:
        missing_x_server("no X server: install Xvfb (xvfb-run) to run the OpenGL tests")
    command = [*prefix, sys.executable, "-m", "pytest", str(CASES), "-q", "-rA", "--timeout=300"]
    result = subprocess.run(
        command,
        cwd=CASES.parents[2],
        env=child_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    report = f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    if result.returncode != 0 and "could not connect to display" in report.lower():
        missing_x_server(f"the X server did not start: {report.strip().splitlines()[-1]}")
    assert result.returncode == 0, report
    assert " passed" in result.stdout and " skipped" not in result.stdout, report
