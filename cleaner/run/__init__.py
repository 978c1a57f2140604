"""The run side: the CLI, folder and record runs, workers, atomic writes, progress and reports."""
