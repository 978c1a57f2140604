"""cleaner.run.parallel.clean_many: order kept, bounded look-ahead, errors and Ctrl-C handled."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cleaner.run.parallel import AHEAD, clean_many, max_in_flight

ROOT = Path(__file__).resolve().parent.parent


def square(x: int) -> int:
    return x * x


def slow_square(x: int) -> int:
    time.sleep(0.001 * (x % 3))  # results finish out of order across workers
    return x * x


def fail_on_five(x: int) -> int:
    if x == 5:
        raise ValueError("five")
    return x


def pid_of(_: int) -> int:
    return os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_in_input_order(jobs):
    items = range(200)
    assert list(clean_many(items, slow_square, jobs=jobs, chunksize=3)) == [x * x for x in items]


def test_jobs_1_runs_in_process():
    assert set(clean_many(range(5), pid_of, jobs=1)) == {os.getpid()}


def test_jobs_2_runs_in_workers():
    pids = set(clean_many(range(50), pid_of, jobs=2, chunksize=1))
    assert os.getpid() not in pids


def test_empty_input():
    assert list(clean_many([], square, jobs=2)) == []


def test_bounded_submission():
    """Pulling results slowly never lets the input run far ahead of the output."""
    consumed = 0

    def numbers():
        nonlocal consumed
        for i in range(10_000):
            consumed = i + 1
            yield i

    jobs, chunksize = 2, 4
    limit = max_in_flight(jobs, chunksize)
    assert limit == jobs * AHEAD * chunksize
    worst = 0
    for pulled, value in enumerate(clean_many(numbers(), square, jobs, chunksize), start=1):
        assert value == (pulled - 1) ** 2
        worst = max(worst, consumed - pulled)
        if pulled == 40:
            time.sleep(0.2)  # a slow consumer: the workers idle, the input is not read on
            assert consumed - pulled <= limit
        if pulled == 100:
            break
    assert worst <= limit
    assert consumed < 100 + limit + chunksize


def test_worker_exception_is_raised_and_pool_stopped():
    with pytest.raises(ValueError, match="five"):
        list(clean_many(range(50), fail_on_five, jobs=2, chunksize=2))
    _no_children()


def test_keyboard_interrupt_from_input_cancels_and_reraises():
    def numbers():
        yield from range(30)
        raise KeyboardInterrupt

    seen = []
    with pytest.raises(KeyboardInterrupt):
        for value in clean_many(numbers(), square, jobs=2, chunksize=2):
            seen.append(value)
    assert seen == [x * x for x in range(len(seen))]
    _no_children()


def test_closing_early_stops_the_pool():
    gen = clean_many(range(1_000), square, jobs=2, chunksize=2)
    assert next(gen) == 0
    gen.close()
    _no_children()


def _no_children(timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()


SIGINT_SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    from cleaner.run.parallel import clean_many

    # SIGINT may come ignored from a shell that ran the tests in the background: take it back.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def slow(x):
        time.sleep(0.05)
        return x

    done = 0
    try:
        for _ in clean_many(range(100_000), slow, jobs=2, chunksize=1):
            done += 1
            if done == 5:
                print("started", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted after {done}", flush=True)
        sys.exit(130)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_gives_a_clean_stop(tmp_path):
    """A real Ctrl-C to the whole process group: the parent reports, no worker traceback."""
    script = tmp_path / "interrupt.py"
    script.write_text(SIGINT_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,  # its own process group, as a terminal would signal
    )
    try:
        assert proc.stdout.readline().strip() == "started"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert out.startswith("interrupted after ")
    assert "Traceback" not in err
