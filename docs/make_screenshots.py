"""Render the window as a student sees it, for the README and for judging layouts by eye.

    python docs/make_screenshots.py OUT_DIR [WxH ...]
    python docs/make_screenshots.py --readme      # renew the README's three, at 1400x900

For each size (default 1024x700 1400x900 1920x1080) it saves ``typed-WxH.png`` (Himmelblau,
gradient descent), ``data-WxH.png`` (mini-batches on the noisy line) and ``compare-WxH.png``
(every variant raced on Himmelblau). Offscreen; the user's settings are never read or written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shiboken6  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from gdexplorer.core.config import RunConfig  # noqa: E402
from gdexplorer.core.presets import get_preset  # noqa: E402
from gdexplorer.ui.app import create_application  # noqa: E402
from gdexplorer.ui.main_window import MainWindow  # noqa: E402
from gdexplorer.ui.settings_store import SettingsStore  # noqa: E402
from gdexplorer.ui.views.plot_export import save_widget_png  # noqa: E402

SIZES = ("1024x700", "1400x900", "1920x1080")
DATA = RunConfig(
    function="(w*x + b - y)^2", start=(0.0, 0.0), data="sample:line", batch_size=8,
    learning_rate=0.05, iterations=400,
)  # fmt: skip


def _wait(signal, timeout_ms: int = 60_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def _settle(ms: int = 500) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _window(size: str) -> MainWindow:
    width, height = (int(part) for part in size.split("x"))
    window = MainWindow(SettingsStore(read_only=True))
    window.resize(width, height)
    window.show()
    _settle(100)
    return window


def _run(window: MainWindow, config: RunConfig) -> None:
    window.form.set_config(config)
    window.form.request_run()
    _wait(window.controller.run_finished)
    window.playback.go_last()
    _settle()


def shoot(out: Path, size: str) -> None:
    window = _window(size)
    _run(window, get_preset("himmelblau").config)
    save_widget_png(window, out / f"typed-{size}.png")
    _run(window, DATA)
    save_widget_png(window, out / f"data-{size}.png")
    window.form.set_config(get_preset("himmelblau").config)
    window.compare.runs.compare_all_variants()
    _wait(window.compare.runs.runner.succeeded)
    window.compare_dock.raise_()
    window.compare.runs.race_requested.emit()
    window.playback.go_last()
    _settle()
    save_widget_png(window, out / f"compare-{size}.png")
    window.close()
    shiboken6.delete(window)  # whole, now: see tests/ui/conftest.py


README_NAMES = {"typed": "screenshot", "compare": "screenshot-compare", "data": "screenshot-data"}
"""Which picture each README image is (in resources/, beside the package's data)."""


def renew_readme() -> None:
    resources = Path(__file__).resolve().parent.parent / "resources"
    shoot(resources, "1400x900")
    for kind, name in README_NAMES.items():
        (resources / f"{kind}-1400x900.png").replace(resources / f"{name}.png")


def main(argv: list[str]) -> int:
    if argv == ["--readme"]:
        create_application()
        renew_readme()
        return 0
    out = Path(argv[0]) if argv else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    for size in argv[1:] or SIZES:
        shoot(out, size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
