"""Ctrl-C (SIGINT) in a run, for folders and record files alike: held back while an output and
its report line are written, so that an interrupted run never has an output its report does
not name (`sigint_deferred`), and ignored while an interrupted run tidies up
(`sigint_ignored`), and never lost (`latch`, `check`). SIGTERM and SIGHUP are turned into the
same KeyboardInterrupt by cli.main.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_LATCHED: list[int] = []  # Ctrl-C came during the run (set by `latch`)


def latch(signum: int, frame: object) -> None:
    """The CLI's SIGINT handler: Python's own (KeyboardInterrupt), and remembered. Python drops
    an exception raised inside a finalizer ("Exception ignored in: <function Group.__del__>"),
    so a Ctrl-C that lands in one would be lost and the run go on to its end; `check` raises
    it again at the next output."""
    _LATCHED.append(signum)
    raise KeyboardInterrupt


def reset() -> None:
    _LATCHED.clear()


def check() -> None:
    """KeyboardInterrupt if a Ctrl-C came (`latch`) that no one has seen: it was dropped."""
    if _LATCHED:
        raise KeyboardInterrupt


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Ctrl-C waits for the end of the block (an output written and recorded in the report)
    and is raised then, so an interrupted run never has an output the report does not name."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    if previous is None:  # a handler not set from Python: Python's own stands in for it
        previous = signal.default_int_handler
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and previous is not signal.SIG_IGN:
            if callable(previous):
                previous(signal.SIGINT, None)  # Python's own handler raises KeyboardInterrupt
            else:
                raise KeyboardInterrupt
        check()


@contextlib.contextmanager
def sigint_ignored(active: bool) -> Iterator[None]:
    """SIGINT ignored in the block (when `active` and this is the main thread)."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
