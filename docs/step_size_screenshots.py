"""Save the README's screenshots of line searches and Newton's method (offscreen, 1400x900).

    python docs/step_size_screenshots.py resources/

Each picture opens the window on a bundled example, runs it and steps to one iteration, so the
φ(α) view, the inspector and the local quadratic model show that iteration's update (the
``--screenshot`` option shows the last iteration, where there is no update left to look at).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gdexplorer.ui.main_window import MainWindow  # noqa: E402
from gdexplorer.ui.settings_store import SettingsStore  # noqa: E402
from gdexplorer.ui.views.plot_export import save_widget_png  # noqa: E402

SHOTS = (
    ("screenshot-line-search.png", "exact-line-search-zigzag", 3, False),
    ("screenshot-newton.png", "newton-rosenbrock", 1, True),
)


def settle(app: QApplication, milliseconds: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def shoot(app: QApplication, folder: Path, name: str, preset: str, index: int, model: bool):
    window = MainWindow(SettingsStore(read_only=True))
    window.resize(1400, 900)
    window.show()
    window.form.select_preset(preset)
    loop = QEventLoop()
    window.controller.run_finished.connect(loop.quit)
    window.form.request_run()
    loop.exec()
    window.step_size_views.model_action.setChecked(model)
    window.playback.set_index(index)
    settle(app)
    print(save_widget_png(window, str(folder / name)))
    window.controller.shutdown()
    window.compare.shutdown()
    window.close()


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "resources")
    app = QApplication.instance() or QApplication([])
    for name, preset, index, model in SHOTS:
        shoot(app, folder, name, preset, index, model)


if __name__ == "__main__":
    main()
