"""Learning from data: datasets, per-example losses, the batch engine, data export."""
