"""Locate bundled files with importlib.resources, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def resource(name: str) -> Traversable:
    """The bundled file ``name`` (e.g. ``"presets.json"``)."""
    try:
        root: Traversable = resources.files("gdexplorer.resources")
    except ModuleNotFoundError:  # a source checkout that was not pip-installed
        root = Path(__file__).resolve().parents[2] / "resources"
    return root / name
