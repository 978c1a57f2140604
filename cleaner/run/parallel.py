"""Clean many documents on several processes: input order kept, bounded work in flight.

`clean_many(items, work, jobs, chunksize)` maps a picklable, module-level `work` function over
`items` and yields the results in input order. It never reads the whole input: at most
`jobs * AHEAD` chunks of `chunksize` items are submitted before their results are taken, so
memory stays bounded however long the input is. `jobs=1` runs in this process, with no pool.

Each worker process compiles the rule files once (`cleaner.sites.identify.ruleset` is cached per
process) and ignores SIGINT: on Ctrl-C the parent alone gets KeyboardInterrupt, cancels the
work not yet started, stops the workers and raises it again, so the caller can print a summary.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2  # chunks submitted per worker before the oldest result is taken
DEFAULT_CHUNKSIZE = 8


def default_jobs() -> int:
    """The CPUs this process may use (os.sched_getaffinity where there is one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def max_in_flight(jobs: int, chunksize: int) -> int:
    """The most items `clean_many` takes from its input before the first result is yielded."""
    return max(1, jobs) * AHEAD * max(1, chunksize)


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(work: Callable[[T], R], chunk: list[T]) -> list[R]:  # pragma: no cover - in workers
    return [work(item) for item in chunk]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _stop(pool: ProcessPoolExecutor, pending: deque[Future]) -> None:
    """Cancel what has not started and end the workers without waiting for running chunks."""
    for future in pending:
        future.cancel()
    pending.clear()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def clean_many(
    items: Iterable[T],
    work: Callable[[T], R],
    jobs: int = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
    *,
    mp_context: multiprocessing.context.BaseContext | None = None,
) -> Iterator[R]:
    """`work(item)` for every item, in input order, on `jobs` processes.

    `work` must be picklable (a module-level function, or an instance of a module-level class)
    and so must the items and results. An exception raised by `work` is raised here, for the
    item it came from, after the pool is stopped. KeyboardInterrupt (or closing this generator
    early) cancels pending work and stops the pool; KeyboardInterrupt is then raised again.
    """
    if jobs <= 1:
        for item in items:
            yield work(item)
        return

    chunksize = max(1, chunksize)
    window = jobs * AHEAD
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp_context, initializer=_ignore_sigint)
    pending: deque[Future] = deque()
    chunks = _chunks(items, chunksize)
    finished = False
    try:
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, work, chunk))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # an exception, KeyboardInterrupt, or the caller stopped early (GeneratorExit)
            _stop(pool, pending)
