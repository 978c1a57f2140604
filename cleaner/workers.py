"""Cleaning documents under a per-document time budget (--timeout) in long-lived worker
processes: one (`Cleaner`, --jobs 1) or several side by side (`Pool`, --jobs N).

Processes, because the slow cases are single calls that nothing in this process can interrupt
(see `Cleaner`). A document past its budget, or one that kills its worker, fails alone: that
worker is killed (or found dead) and a new one is started for the next document.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .pipeline import run
from .rulefile import RuleTimeout
from .sites import ruleset

if TYPE_CHECKING:  # annotations only: folder_run imports this module
    from .folder_run import Pending


@dataclass(frozen=True, slots=True)
class Job:
    """What every document of a run is cleaned with (picklable, for the worker process)."""

    rules: tuple[str, ...]
    builtin: bool
    url: str | None
    site: str | None
    site_rules: bool


def clean_one(job: Job, data: bytes, name: str | None) -> tuple[str, object]:
    """("ok", Result), ("timeout", why) for a user regex past its timeout, or ("error", why)."""
    try:
        result = run(
            data,
            ruleset(job.rules, builtin=job.builtin),
            url=job.url,
            site=job.site,
            name=name,
            site_rules=job.site_rules,
        )
    except RuleTimeout as exc:
        return "timeout", str(exc)
    except Exception as exc:  # one bad file must not stop the run
        return "error", f"{type(exc).__name__}: {exc}"
    return "ok", result


def _worker_main(conn, job: Job) -> None:  # pragma: no cover - runs in the worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it forked (see _start)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        reply = clean_one(job, *message)
        try:
            conn.send(reply)
        except Exception as exc:  # a result that cannot be pickled, say
            conn.send(("error", f"cannot return the result: {type(exc).__name__}: {exc}"))


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    return f"exit code {code}"


@functools.cache
def _preload() -> None:
    """Import trafilatura (the HTML path imports it on first use) here, before any worker is
    forked: every worker then shares it instead of paying its import (~0.1 s) inside the first
    HTML document's time budget, again after each restart."""
    with contextlib.suppress(ImportError):
        import trafilatura  # noqa: F401


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back in this thread (delivered when the block ends): a worker forked now
    inherits the mask, so a Ctrl-C cannot reach it before it has set SIGINT aside."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Cleaner:
    """Cleans documents under a per-document time budget.

    Why a worker process: the slow cases measured are single calls that a deadline checked
    between pipeline stages cannot interrupt (trafilatura on 100,000 nested <div>s takes 24 s in
    one call; a rule file's regex may take its whole 0.5 s timeout on each of 10,000 lines), and a
    thread cannot be stopped. So documents go, one at a time, to a long-lived child process
    (forked, so it shares the compiled rules; started once per run, not per document: a document
    costs a pipe round trip of its bytes and its Result). When a document runs past the budget
    the child is killed and a new one is started for the next document; a child that dies (out
    of memory, a crash in a C library) fails that document only. `timeout=0` cleans in this
    process with no budget (the regex timeout still applies).

    `clean` sends a document and waits for it (--jobs 1). `submit`, then `collect` when
    `connection` is readable or `expire` once past `deadline`, do the same without blocking:
    `Pool` runs several Cleaners side by side that way (--jobs N).
    """

    def __init__(self, job: Job, timeout: float):
        self.job = job
        self.timeout = timeout
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._proc = None
        self._conn = None
        self.restarts = 0
        self.deadline: float | None = None  # when the document sent by `submit` is out of time

    def clean(self, data: bytes, name: str | None) -> tuple[str, object]:
        if self.timeout <= 0:
            return clean_one(self.job, data, name)
        if self._proc is None:
            self._start()
        try:
            self._conn.send((data, name))
            if not self._conn.poll(self.timeout):
                self._stop()
                return "timeout", self._over_budget()
            return self._conn.recv()
        except (EOFError, OSError):
            return "error", self._died()

    # --- without blocking (Pool) ---------------------------------------------------------------

    @property
    def connection(self):
        return self._conn

    def submit(self, data: bytes, name: str | None) -> tuple[str, object] | None:
        """Send one document to the worker (started when there is none). None: sent, the
        result is to `collect`; else the document's outcome at once (the worker is gone)."""
        if self._proc is None:
            self._start()
        try:
            self._conn.send((data, name))
        except (EOFError, OSError):
            return "error", self._died()
        self.deadline = time.monotonic() + self.timeout if self.timeout > 0 else None
        return None

    def collect(self) -> tuple[str, object]:
        """The result of the document sent (call when `connection` is readable)."""
        self.deadline = None
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            return "error", self._died()

    def expire(self) -> tuple[str, object]:
        """The document sent is past its budget: the worker is killed (restarted on demand)."""
        self.deadline = None
        self._stop()
        return "timeout", self._over_budget()

    def _over_budget(self) -> str:
        return f"over the time budget of {self.timeout:g} s (--timeout)"

    def _died(self) -> str:
        code = self._stop()
        return f"the worker process died ({_exit_reason(code)})"

    # --- the process -----------------------------------------------------------------------------

    def _start(self) -> None:
        _preload()
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main, args=(child, self.job), name="clean-worker", daemon=True
        )
        with _sigint_blocked():
            proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def _stop(self) -> int | None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        self.deadline = None
        self.restarts += 1
        conn.close()
        proc.terminate()
        proc.join(2)
        if proc.is_alive():
            proc.kill()
            proc.join()
        return proc.exitcode

    def close(self, *, now: bool = False) -> None:
        """End the worker: asked to finish, or (`now`, on Ctrl-C) terminated at once."""
        if self._proc is None:
            return
        if now:
            self._stop()
            return
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        with contextlib.suppress(OSError):
            conn.send(None)
        proc.join(2)
        if proc.is_alive():
            proc.kill()
            proc.join()
        conn.close()


class Pool:
    """`size` Cleaners side by side (--jobs N on a folder): each worker process cleans one
    document at a time under its own deadline and is killed and restarted alone after a timeout
    or a crash, exactly as with one. The parent waits on all their pipes at once
    (multiprocessing.connection.wait), bounded by the nearest deadline."""

    def __init__(self, job: Job, timeout: float, size: int) -> None:
        self.cleaners = [Cleaner(job, timeout) for _ in range(size)]
        self.idle = list(reversed(self.cleaners))  # a stack: the first worker is used first
        self.busy: dict[Cleaner, tuple[int, Pending]] = {}

    def submit(self, seq: int, pending: Pending) -> tuple[str, object] | None:
        """Give `pending` to an idle worker; None, or its outcome at once if the worker died."""
        cleaner = self.idle.pop()
        early = cleaner.submit(pending.data, pending.clean_name)
        pending.data = b""  # the worker has its copy
        if early is not None:
            self.idle.append(cleaner)
            return early
        self.busy[cleaner] = (seq, pending)
        return None

    def wait(self, limit: float) -> list[tuple[int, Pending, str, object]]:
        """The documents finished (or past their deadline) within `limit` seconds."""
        if not self.busy:
            return []
        deadlines = [c.deadline for c in self.busy if c.deadline is not None]
        if deadlines:
            limit = max(0.0, min(limit, min(deadlines) - time.monotonic()))
        by_conn = {c.connection: c for c in self.busy}
        ready = multiprocessing.connection.wait(list(by_conn), limit)
        done = []
        for conn in ready:
            cleaner = by_conn[conn]
            seq, pending = self.busy.pop(cleaner)
            done.append((seq, pending, *cleaner.collect()))
            self.idle.append(cleaner)
        now = time.monotonic()
        for cleaner in list(self.busy):
            if cleaner.deadline is not None and now >= cleaner.deadline:
                seq, pending = self.busy.pop(cleaner)
                done.append((seq, pending, *cleaner.expire()))
                self.idle.append(cleaner)
        return done

    def close(self, *, now: bool = False) -> None:
        for cleaner in self.cleaners:
            cleaner.close(now=now)
        self.busy.clear()
