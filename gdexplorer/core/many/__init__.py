"""Many runs at once: vectorized lanes, learning-rate sweeps, basin maps, runs files."""
