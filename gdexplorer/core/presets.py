"""The bundled example functions (resources/presets.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from gdexplorer.core.config import RunConfig
from gdexplorer.core.errors import ConfigError
from gdexplorer.core.resources import resource
from gdexplorer.core.stepsize.search_settings import line_search_field
from gdexplorer.core.stepsize.settings import schedule_from_json

_CONFIG_KEYS = {
    "function", "start", "variables", "variant", "learning_rate", "iterations", "schedule",
}  # fmt: skip
_LINE_SEARCH = "line_search"
"""A preset's line search, as a settings file stores it (``{"name": "exact"}``)."""


@dataclass(frozen=True)
class Preset:
    """An example: the run it starts with, where to look, and what it shows."""

    name: str
    title: str
    shows: str
    config: RunConfig
    plot_range: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...]


@cache
def load_presets() -> tuple[Preset, ...]:
    """Every bundled preset, in the order of the file."""
    data = json.loads(resource("presets.json").read_text(encoding="utf-8"))
    return tuple(_preset(entry) for entry in data["presets"])


def _preset(entry: dict) -> Preset:
    settings = {k: v for k, v in entry.items() if k in _CONFIG_KEYS}
    settings["start"] = tuple(float(v) for v in settings["start"])
    settings["schedule"] = schedule_from_json(settings.get("schedule"), "presets.json", "schedule")
    if _LINE_SEARCH in entry:
        settings[_LINE_SEARCH] = line_search_field(entry[_LINE_SEARCH], "presets", _LINE_SEARCH)
    return Preset(
        name=entry["name"],
        title=entry["title"],
        shows=entry["shows"],
        config=RunConfig(**settings),
        plot_range=tuple((float(lo), float(hi)) for lo, hi in entry["plot_range"]),
        minima=tuple(tuple(float(v) for v in m) for m in entry["minima"]),
    )


def get_preset(name: str) -> Preset:
    """The preset called ``name``, or a ConfigError listing the names."""
    for preset in load_presets():
        if preset.name == name.strip().lower():
            return preset
    names = ", ".join(p.name for p in load_presets())
    raise ConfigError(f"unknown preset '{name}': choose one of {names}")
