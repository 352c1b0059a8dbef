"""The Compare dock: runs list and table, race, sweep and basin panels."""
