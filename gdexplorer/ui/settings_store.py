"""The last session's run settings and window geometry, kept in QSettings.

The run settings are stored as the JSON of ``RunConfig.to_dict()``, so a settings file, the
command line and the window all share one format. A stored value that no longer loads (an older
format, a hand edit, a wrong type anywhere) is ignored rather than shown as an error: the window
starts with the default example.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from gdexplorer.core.budgets import JSON_FILE_LIMIT
from gdexplorer.core.checks import parse_json
from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import GdxError

ORGANIZATION = "gdexplorer"
APPLICATION = "gdexplorer"
_CONFIG_KEY = "run/last_config"
_GEOMETRY_KEY = "window/geometry"
_STATE_KEY = "window/state"
_log = logging.getLogger(__name__)


class SettingsStore:
    """Read and write what the window remembers between sessions.

    Parameters
    ----------
    settings:
        The QSettings to use; by default the application's (organization and application name
        must be set on the QApplication first). Tests pass one backed by a temporary INI file.
    read_only:
        Load but never write (``--screenshot`` must not change the user's settings).
    """

    def __init__(self, settings: QSettings | None = None, read_only: bool = False) -> None:
        self._settings = settings if settings is not None else QSettings()
        self.read_only = read_only

    def load_config(self) -> RunConfig | None:
        """The settings of the last session, or None when there are none (or unreadable)."""
        text = self._settings.value(_CONFIG_KEY)
        if not isinstance(text, str) or not text or len(text) > JSON_FILE_LIMIT:
            return None
        try:  # checked whole (types, ranges, sizes): nothing half-applies
            return RunConfig.from_dict(parse_json(text, "the stored settings"), "stored settings")
        except GdxError as error:
            _log.info("the stored settings are ignored: %s", error)
            return None

    def save_config(self, config: RunConfig) -> None:
        if self.read_only:
            return
        self._settings.setValue(_CONFIG_KEY, json.dumps(config.to_dict()))
        self._settings.sync()

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore geometry and dock layout; False when nothing was stored."""
        geometry = self._settings.value(_GEOMETRY_KEY)
        state = self._settings.value(_STATE_KEY)
        restored = False
        if isinstance(geometry, QByteArray | bytes) and geometry:
            restored = window.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes) and state:
            window.restoreState(QByteArray(state))
        return restored

    def save_window(self, window: QMainWindow) -> None:
        if self.read_only:
            return
        self._settings.setValue(_GEOMETRY_KEY, window.saveGeometry())
        self._settings.setValue(_STATE_KEY, window.saveState())
        self._settings.sync()

    def clear(self) -> None:
        """Forget everything (the "Reset to defaults" action)."""
        if self.read_only:
            return
        self._settings.remove(_CONFIG_KEY)
        self._settings.remove(_GEOMETRY_KEY)
        self._settings.remove(_STATE_KEY)
        self._settings.sync()
