"""How far a long run has got, on stderr.

On a terminal, a rich progress bar: documents done of the total (or just done, when the total
is not known), documents per second, skipped and failed counts, time left; it is erased when the
run ends, before the summary. Anywhere else (a log file, a pipe, a CI job), a plain line every
`CLEANER_PROGRESS_INTERVAL` seconds (10 by default):

    clean: 1200/50000 docs, 85.3 docs/s, 40 skipped, 3 failed, ETA 9:43

A run shorter than the interval prints no such line. With --quiet, nothing at all.

The bar is redrawn by the caller (`update`, `tick`), never by a thread of its own: the folder
runs fork worker processes while it is shown, and forking with a second thread running is unsafe.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

INTERVAL_ENV = "CLEANER_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 10.0  # seconds between two log lines when stderr is not a terminal
REDRAW = 0.1  # seconds between two redraws of the bar


def log_interval() -> float:
    """The log interval: CLEANER_PROGRESS_INTERVAL when it is a number >= 0, else 10 s."""
    raw = os.environ.get(INTERVAL_ENV, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    return DEFAULT_INTERVAL


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class Progress:
    """Counts of a run shown on `stream`: mode "bar" (rich), "log" (lines) or "off"."""

    def __init__(
        self,
        total: int | None,
        *,
        mode: str,
        stream: IO[str] | None = None,
        unit: str = "docs",
        failed_label: str = "failed",
        interval: float | None = None,
    ) -> None:
        self.total = total
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.unit = unit
        self.failed_label = failed_label
        self.interval = log_interval() if interval is None else interval
        self.done = self.failed = self.skipped = 0
        self.start = time.monotonic()
        self._last = self.start  # the last log line or redraw
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        if mode == "bar":
            self._start_bar()

    # --- what is shown ---------------------------------------------------------------------

    def rate(self) -> float:
        elapsed = time.monotonic() - self.start
        return self.done / elapsed if elapsed > 0 else 0.0

    def counts(self) -> str:
        parts = []
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        parts.append(f"{self.failed} {self.failed_label}")
        return ", ".join(parts)

    def line(self) -> str:
        rate = self.rate()
        done = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        text = f"clean: {done} {self.unit}, {rate:.1f} {self.unit}/s, {self.counts()}"
        if self.total is not None and rate > 0 and self.done < self.total:
            text += f", ETA {_duration((self.total - self.done) / rate)}"
        return text

    # --- updates -----------------------------------------------------------------------------

    def update(self, done: int, failed: int = 0, skipped: int = 0) -> None:
        """New counts (cheap: the bar is redrawn, or a line logged, only when it is time)."""
        self.done, self.failed, self.skipped = done, failed, skipped
        self.tick()

    def tick(self) -> None:
        """Redraw or log if it is time, with the counts as they are (call it while waiting)."""
        if self.mode == "off":
            return
        now = time.monotonic()
        if self.mode == "bar":
            if now - self._last >= REDRAW:
                self._last = now
                self._redraw()
        elif now - self._last >= self.interval:
            self._last = now
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        """Erase the bar (the summary follows); log mode prints nothing more."""
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.stop()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the rich bar ------------------------------------------------------------------------

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        self._bar = bar = RichProgress(
            TextColumn("clean"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            auto_refresh=False,  # no refresh thread (see the module's docstring)
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = bar.add_task("clean", total=self.total, rate="", counts="")
        bar.start()
        self._redraw()

    def _redraw(self) -> None:
        if self._bar is None or self._task is None:  # both are set by _start_bar
            return
        self._bar.update(
            self._task,
            completed=self.done,
            rate=f"{self.rate():.1f} {self.unit}/s",
            counts=self.counts(),
        )
        self._bar.refresh()


def progress_mode(
    quiet: bool, *, terminal_busy: bool = False, stream: IO[str] | None = None
) -> str:
    """ "off" when quiet; "bar" when stderr is a terminal that nothing else writes to during the
    run (terminal_busy: the cleaned text or --explain goes to that terminal); else "log"."""
    if quiet:
        return "off"
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return "bar" if tty and not terminal_busy else "log"
