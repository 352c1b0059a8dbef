"""The Lessons dock: a lesson's steps beside the explorer, checked as the student acts."""
