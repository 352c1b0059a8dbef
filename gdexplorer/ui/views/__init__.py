"""What follows the stage: plots, convergence, inspector, playback, data views."""
