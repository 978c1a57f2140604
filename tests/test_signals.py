"""cleaner.run.signals: a Ctrl-C is never lost, not even one that Python drops."""

from __future__ import annotations

import gc
import os
import signal
import threading

import pytest

from cleaner.run import signals

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or not hasattr(os, "kill"),
    reason="signals are delivered to the main thread",
)


class _Finalized:
    """Ctrl-C while Python runs a finalizer: the KeyboardInterrupt raised there is dropped
    ("Exception ignored in ..."), as it was in a regex object's __del__ during a record run."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs at the next bytecode boundary, in here
            pass


@pytest.fixture
def latched():
    previous = signal.signal(signal.SIGINT, signals.latch)
    signals.reset()
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signals.reset()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop
def test_a_ctrl_c_dropped_in_a_finalizer_is_raised_at_the_next_output(latched):
    _Finalized()  # collected at once: the interrupt is raised in __del__ and dropped
    gc.collect()
    assert signals._LATCHED  # the handler ran, and nothing propagated
    with pytest.raises(KeyboardInterrupt), signals.sigint_deferred():
        pass  # the output is written whole, then the interrupt is raised


def test_no_interrupt_no_raise(latched):
    with signals.sigint_deferred():
        pass
    signals.check()


def test_a_ctrl_c_that_propagates_is_a_keyboard_interrupt(latched):
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
