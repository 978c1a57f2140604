"""A folder run's memory does not grow with the number of files in IN.

The run is measured with tracemalloc (allocations, not time), in this process: `--jobs 1
--timeout 0` cleans in the main process, and the cleaning itself is replaced by a trivial one so
that thousands of files take a few seconds. When the walk of IN made a list of every input (and
the run a set of every output), the peak grew with the number of files, ~900 bytes each; now
it does not grow.
"""

from __future__ import annotations

import os
import sys
import tracemalloc
from pathlib import Path

from typer.testing import CliRunner

import cleaner
from cleaner.run import cli, workers

PER_DIRECTORY = 100  # files per subfolder: the walk holds one directory's names at a time
SMALL, LARGE = 1_000, 8_000
RESULT = cleaner.clean("A short paragraph of text, kept as it is.\n")


def names(n: int) -> tuple[list[str], list[str]]:
    """The subfolder and file names of a folder of n files: the same file names in every
    subfolder, interned (see the test)."""
    folders = [sys.intern(f"d{k:04}") for k in range(-(-n // PER_DIRECTORY))]
    files = [sys.intern(f"page-{i:03}.txt") for i in range(PER_DIRECTORY)]
    return folders, files


def folder(root: Path, n: int) -> Path:
    """n tiny text files, PER_DIRECTORY per subfolder."""
    folders, files = names(n)
    for k, sub in enumerate(folders):
        (root / sub).mkdir(parents=True)
        for name in files[: n - k * PER_DIRECTORY]:
            (root / sub / name).write_bytes(b"x\n")
    return root


def run(src: Path, out: Path) -> None:
    args = [str(src), str(out), "--jobs", "1", "--timeout", "0", "--quiet", "--max-bytes", "1000"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output


def peak(src: Path, out: Path, n: int) -> int:
    """The traced peak of a run, above what was allocated before it."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    run(src, out)
    grown = tracemalloc.get_traced_memory()[1] - before
    assert sum(len(os.listdir(d)) for d in out.iterdir()) == n  # (rglob keeps a set of paths)
    return grown


def test_peak_memory_does_not_grow_with_the_number_of_files(tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "clean_one", lambda job, data, name: ("ok", RESULT))
    small = folder(tmp_path / "small", SMALL)
    large = folder(tmp_path / "large", LARGE)
    warm = folder(tmp_path / "warm", 10)
    # pathlib interns every name it parses (sys.intern); the interpreter's table of interned
    # strings, as large as the whole process's, is reallocated once enough new names have come
    # and gone, which would add its size (megabytes under pytest) to one run's peak and not the
    # other's. Names kept interned here are found in it, never added: the peak is the run's.
    interned = names(LARGE)
    tracemalloc.start()
    try:
        run(warm, tmp_path / "out-warm")  # rule files, imports: paid once, not measured
        small_peak = peak(small, tmp_path / "out-small", SMALL)
        large_peak = peak(large, tmp_path / "out-large", LARGE)
    finally:
        tracemalloc.stop()
    del interned
    per_file = (large_peak - small_peak) / (LARGE - SMALL)
    print(f"peak: {SMALL} files {small_peak:,} B, {LARGE} files {large_peak:,} B")
    # A list of the inputs cost ~900 B per file (peaks of 1.1 MB and 7.3 MB); now the peak does
    # not grow with the files (it varies by some 100 kB from run to run, 10-30 B per file here).
    assert per_file < 100, (small_peak, large_peak)
