"""Worker threads: sessions, the run and job workers, the redraw gate, the collector."""
