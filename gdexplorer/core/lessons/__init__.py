"""Guided lessons: Markdown files with a checked claim per step, loaded, validated and checked
headless through the engine (Qt-free; the window's Lessons dock shows them)."""
