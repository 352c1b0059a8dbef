"""The worked example of one iteration, as numbers and as text."""
