"""Bundled data: presets, sample datasets and icons (installed as ``gdexplorer.resources``)."""
