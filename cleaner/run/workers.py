"""Cleaning documents under a per-document time budget (--timeout) in long-lived worker
processes (`Cleaner`), one (--jobs 1) or several side by side (`Pool`, --jobs N).

Processes, because the slow cases are single calls that nothing in this process can interrupt
(see `Cleaner`). A document past its budget, or one that kills its worker, fails alone: that
worker is killed (or found dead) and a new one is started for the documents after it. Each
worker has the next document queued while it cleans one, so that it need not wait for the
parent between documents.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from cleaner.core.pipeline import DEFAULT_HTML, run
from cleaner.sites.identify import ruleset
from cleaner.sites.rulefile import RuleTimeout

if TYPE_CHECKING:  # annotations only: folder_run imports this module
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from cleaner.run.folder_run import Pending

PIPE_BUFFER = 1 << 20  # bytes asked of the pipe to a worker (see _queue_room); may get less

Done = tuple[object, str, object]  # a document's outcome: its tag, status and value
Finished = tuple[int, "Pending", str, object]  # a Pool's: the document's seq and Pending instead


@dataclass(frozen=True, slots=True)
class Job:
    """What every document of a run is cleaned with (picklable, for the worker process)."""

    rules: tuple[str, ...]
    builtin: bool
    url: str | None
    site: str | None
    site_rules: bool
    model: bool = True
    markdown: bool = False  # --format md
    html: str = DEFAULT_HTML  # --html: how an HTML page is read (cleaner.clean's html=)
    learned: object | None = None  # rules/repetition.Learned: the counts of --learn

    def __call__(self, data: bytes, name: str | None) -> tuple[str, object]:
        return clean_one(self, data, name)


@dataclass(frozen=True, slots=True)
class Call:
    """A worker's job that is any function (record runs, `clean(timeout=...)`): ("ok", what
    `func(*message)` returns), or ("raised", the exception it raised, for the caller to raise)."""

    func: Callable[..., Any]

    def __call__(self, *message: Any) -> tuple[str, object]:
        try:
            return "ok", self.func(*message)
        except Exception as exc:
            return "raised", exc


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
            model=job.model,
            markdown=job.markdown,
            learned=job.learned,
            html=job.html,
        )
    except RuleTimeout as exc:
        return "timeout", str(exc)
    except Exception as exc:  # one bad file must not stop the run
        return "error", f"{type(exc).__name__}: {exc}"
    return "ok", result


def _die_with_parent(parent_pid: int) -> None:
    """The worker is killed when the process that started it dies, however it dies (SIGKILL
    included): Linux's PR_SET_PDEATHSIG; elsewhere the pipe's end tells it."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _worker_main(conn, job: Job | Call, parent_pid: int = 0, others=()) -> None:  # pragma: no cover
    if parent_pid:
        _die_with_parent(parent_pid)
    for end in others:  # the parent's ends of this worker's pipe: only the parent holds them
        with contextlib.suppress(OSError):
            end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not the worker's
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent while it forked (see _start)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        reply = job(*message)
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


_WARM_TEXT = (
    "A short page\n\nThe council met on Tuesday and agreed to repair the old bridge this year.\n"
)
_WARM_HTML = (
    "<html lang='en'><head><title>A short page</title></head><body><article><p>The council met "
    "on Tuesday and agreed to repair the old bridge this year.</p></article></body></html>"
)


@functools.cache
def _preload() -> None:
    """Load here, before any worker is forked, what the pipeline loads on first use (trafilatura,
    the language identifier's model and the stop lists: over a second): every worker then shares
    it instead of paying for it inside its first document's time budget, again after each
    restart (a record queued behind one that timed out would time out in turn)."""
    with contextlib.suppress(Exception):
        import trafilatura  # noqa: F401

        empty = ruleset((), builtin=False)
        run(_WARM_TEXT, empty, name="warm.txt")
        run(_WARM_HTML.encode(), empty, name="warm.html")


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


@dataclass(slots=True)
class _Sent:
    """A document sent to a worker and not done."""

    tag: object
    message: tuple  # kept until the worker starts it (sent again if the worker dies before)
    delivered: bool = True  # False: the send failed (the worker had died)


class Cleaner:
    """Cleans documents under a per-document time budget, in a worker process.

    Why a worker process: the slow cases measured are single calls that a deadline checked
    between pipeline stages cannot interrupt (trafilatura on 100,000 nested <div>s takes 24 s in
    one call; a rule file's regex may take its whole 0.5 s timeout on each of 10,000 lines), and a
    thread cannot be stopped. So documents go to a long-lived child process (forked, so it shares
    the compiled rules; started once per run, not per document: a document costs a pipe round
    trip of its bytes and its Result), which cleans them one at a time, in the order sent. When a
    document runs past the budget the child is killed and a new one is started; a child that
    dies (out of memory, a crash in a C library) fails that document only. (`--timeout 0` with
    `--jobs 1` does without: folder_run cleans in its own process, with no budget.)

    Pipelining: the worker may be given the next document while it still cleans one (at most
    DEPTH sent and not done), so it goes on to it at once instead of sitting idle while the
    parent takes the result, writes the output and reads and sends the next input. The budget
    of a document runs from when the worker starts it: at once for one sent to an idle worker;
    for one queued behind another, from when the parent receives the result of the one before
    (the worker goes on to it as it sends that result, so the budget counted may begin a little
    late, by the parent's delay in reading the result; no "started" message is sent). When the document being cleaned is past its budget or kills the worker, it fails
    alone: the one queued behind it, which the worker never started, is sent again to a new
    worker (the parent keeps its bytes until then). Only a document of at most `_queued_max`
    bytes is queued behind another (see `_queue_room`); a larger one waits for an idle worker.

    Without blocking: `submit` a document with a tag; when `connection` is readable, `collect`;
    once past `deadline`, `expire`. Each returns the (tag, status, value) outcomes it decided,
    ("ok", Result), ("timeout", why) or ("error", why), often none or one. `Pool` runs several
    Cleaners side by side that way (--jobs N), or one (--jobs 1).
    """

    DEPTH = 2  # documents sent to the worker and not done: the one it cleans, one queued

    def __init__(self, job: Job | Call, timeout: float):
        self.job = job
        self.timeout = timeout
        methods = multiprocessing.get_all_start_methods()
        self._ctx = (
            multiprocessing.get_context("fork")
            if "fork" in methods
            else multiprocessing.get_context("spawn")
        )
        self._proc: BaseProcess | None = None
        self._conn: Connection | None = None  # set and cleared with _proc
        self._sent: deque[_Sent] = deque()  # in the order sent: the first is being cleaned
        self._queued_max = 0  # bytes: the largest document to queue behind another (_start)
        self.restarts = 0
        self.deadline: float | None = None  # when the document being cleaned is out of time

    @property
    def connection(self):
        return self._conn

    @property
    def load(self) -> int:
        """Documents sent and not done: the one being cleaned and any queued behind it."""
        return len(self._sent)

    def has_room(self, size: int) -> bool:
        """Whether a document of `size` bytes may be sent now: always to an idle worker (one is
        started when there is none), behind another only when it is small enough."""
        load = len(self._sent)
        return load == 0 or (load < self.DEPTH and size <= self._queued_max)

    def submit(self, tag: object, *message: Any) -> list[Done]:
        """Send a document, (data, name) for a Job (see `has_room`); its outcome is to
        `collect`, unless it is decided at once (the worker was found dead with nothing before
        it, or could not be started: it fails)."""
        if self._proc is None:
            try:
                self._start()
            except OSError as exc:  # out of processes or file descriptors: this one fails
                return [(tag, "error", f"cannot start a worker process: {exc.strerror or exc}")]
        assert self._conn is not None  # the worker is running
        sent = _Sent(tag, message)
        self._sent.append(sent)
        try:
            self._conn.send(message)
        except (EOFError, OSError):
            if len(self._sent) > 1:  # the worker died on the one before: `collect` finds out
                sent.delivered = False
                return []
            self._sent.pop()
            return [(tag, "error", self._died())]
        if len(self._sent) == 1:
            self._begin()
        return []

    def collect(self) -> list[Done]:
        """The outcome of the document being cleaned (call when `connection` is readable); the
        worker goes on to the next one queued, whose budget starts now."""
        assert self._conn is not None  # the worker is running
        try:
            reply = self._conn.recv()
        except (EOFError, OSError):
            return self._lost("error", self._died())
        sent = self._sent.popleft()
        self._begin()
        return [(sent.tag, *reply)]

    def call(self, *message: Any) -> tuple[str, object]:
        """Clean one document on this (idle) worker and wait for it: (status, value)."""
        done = self.submit(None, *message)
        while not done:
            limit = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            assert self._conn is not None  # a worker is cleaning it
            if multiprocessing.connection.wait([self._conn], limit):
                done = self.collect()
            elif self.deadline is not None and time.monotonic() >= self.deadline:
                done = self.expire()
        return done[0][1], done[0][2]

    def expire(self) -> list[Done]:
        """The document being cleaned is past its budget: it fails, the worker is killed, and
        the document queued behind it goes to a new one."""
        self._stop()
        return self._lost("timeout", self._over_budget())

    def _begin(self) -> None:
        """The worker has started the first document sent, if any: its budget runs from now."""
        if not self._sent:
            self.deadline = None
            return
        first = self._sent[0]
        if first.delivered:
            first.message = ()  # it will never be sent again
        self.deadline = time.monotonic() + self.timeout if self.timeout > 0 else None

    def _lost(self, status: str, why: str) -> list[Done]:
        """The worker is gone (stopped): the document it was cleaning ends with (status, why);
        those it never started are sent again, in order, to a new worker."""
        todo = list(self._sent)
        self._sent.clear()
        self.deadline = None
        done: list[Done] = []
        if todo and todo[0].delivered:
            done.append((todo.pop(0).tag, status, why))
        for sent in todo:
            done += self.submit(sent.tag, *sent.message)
        return done

    def _over_budget(self) -> str:
        return f"over the time budget of {self.timeout:g} s (--timeout)"

    def _died(self) -> str:
        code = self._stop()
        return f"the worker process died ({_exit_reason(code)})"

    # --- the process -----------------------------------------------------------------------------

    def _start(self) -> None:
        _preload()
        parent, child = self._ctx.Pipe()
        try:
            self._queued_max = _queue_room(parent, child)
            self._spawn(parent, child)
        except BaseException:
            parent.close()
            child.close()
            raise

    def _spawn(self, parent, child) -> None:
        fork = self._ctx.get_start_method() == "fork"
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, self.job, os.getpid(), (parent,) if fork else ()),
            name="clean-worker",
            daemon=True,
        )
        with _sigint_blocked():
            proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def _stop(self) -> int | None:
        proc, conn = self._proc, self._conn
        assert proc is not None and conn is not None  # the worker is running
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
        self._sent.clear()
        if self._proc is None:
            return
        if now:
            self._stop()
            return
        proc, conn = self._proc, self._conn
        assert conn is not None  # set with _proc
        self._proc = self._conn = None
        with contextlib.suppress(OSError):
            conn.send(None)
        proc.join(2)
        if proc.is_alive():
            proc.kill()
            proc.join()
        conn.close()


def _pool_tag(tag: object) -> tuple[int, Pending]:
    """A Pool's tag of a document, as `Pool.submit` gives it: (seq, pending)."""
    return cast("tuple[int, Pending]", tag)


def _queue_room(parent, child) -> int:
    """The largest document (bytes) to send to a worker still cleaning another: a quarter of
    what the pipe holds unread (asked to hold PIPE_BUFFER). At most two documents wait in it
    unread, so sending one to a busy worker never blocks the parent, which could then miss
    another worker's deadline or deadlock with a worker blocked sending it a large result.
    0 (no queueing) when the pipe is no socket whose buffers can be read."""
    room = []
    for conn, option in ((parent, socket.SO_SNDBUF), (child, socket.SO_RCVBUF)):
        try:
            with socket.socket(fileno=os.dup(conn.fileno())) as sock:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, option, PIPE_BUFFER)
                room.append(sock.getsockopt(socket.SOL_SOCKET, option))
        except (OSError, ValueError):
            return 0
    return min(room) // 4


class Pool:
    """`size` Cleaners side by side (--jobs N on a folder, or one for --jobs 1): each worker
    process cleans one document at a time, with the next queued behind it, under its own
    deadline, and is killed and restarted alone after a timeout or a crash. The parent waits on
    all their pipes at once (multiprocessing.connection.wait), bounded by the nearest deadline.
    Outcomes come as (seq, pending, status, value)."""

    def __init__(self, job: Job | Call, timeout: float, size: int) -> None:
        self.cleaners = [Cleaner(job, timeout) for _ in range(size)]

    @property
    def busy(self) -> bool:
        return any(c.load for c in self.cleaners)

    def worker_for(self, size: int) -> Cleaner | None:
        """Where a document of `size` bytes goes now: the first idle worker, else the first one
        that may queue it behind the one it cleans; None when none may take it yet."""
        best = None
        for cleaner in self.cleaners:
            if cleaner.has_room(size) and (best is None or cleaner.load < best.load):
                best = cleaner
        return best

    def submit(self, cleaner: Cleaner, seq: int, pending: Pending) -> list[Finished]:
        """Give `pending` to `cleaner` (see `worker_for`); its outcome if decided at once."""
        done = cleaner.submit((seq, pending), pending.data, pending.clean_name)
        pending.data = b""  # the Cleaner keeps the bytes until the worker has started it
        return [(*_pool_tag(tag), status, value) for tag, status, value in done]

    def wait(self, limit: float) -> list[Finished]:
        """The documents finished (or past their deadline) within `limit` seconds."""
        return [(*_pool_tag(tag), status, value) for tag, status, value in self.wait_done(limit)]

    def wait_done(self, limit: float) -> list[Done]:
        """As `wait`, with each document's tag as it was submitted."""
        busy = [c for c in self.cleaners if c.load]
        if not busy:
            return []
        deadlines = [c.deadline for c in busy if c.deadline is not None]
        if deadlines:
            limit = max(0.0, min(limit, min(deadlines) - time.monotonic()))
        by_conn = {c.connection: c for c in busy}
        done: list[Done] = []
        for conn in multiprocessing.connection.wait(list(by_conn), limit):
            done += by_conn[conn].collect()
        now = time.monotonic()
        for cleaner in busy:
            if cleaner.load and cleaner.deadline is not None and now >= cleaner.deadline:
                done += cleaner.expire()
        return done

    def close(self, *, now: bool = False) -> None:
        for cleaner in self.cleaners:
            cleaner.close(now=now)


@dataclass(frozen=True, slots=True)
class Decided:
    """An item of `in_order`'s work decided without a worker (an input skipped or failed before
    it was cleaned): its value is given back in its place in the order."""

    value: object


def in_order(
    pool: Pool,
    work: Iterable[tuple[tuple, int] | Decided],
    window: int,
    tick: float = 0.25,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """For each item of `work`, in its order: (status, value) of a (message, size) done by the
    pool's workers under their time budget, or the value of a `Decided`. The one loop of folder
    and record runs: `work` is consumed as it goes, at most one message per worker taken in
    ahead of what the workers have (each has up to two, see `Cleaner`), and at most `window`
    items beyond the oldest not yet yielded, so memory stays bounded behind a slow document.
    `on_wait` is called after each `tick` seconds spent waiting with nothing done (a progress
    display shows time passing)."""
    size = len(pool.cleaners)
    done: dict[object, Any] = {}  # by tag: the seq of the item taken
    ready: deque[tuple[int, tuple, int]] = deque()  # taken, waiting for a worker
    inputs = iter(work)
    taken = given = 0
    more = True
    while True:
        while more and len(ready) < size and taken - given < window:
            item = next(inputs, None)
            if item is None:
                more = False
                break
            if isinstance(item, Decided):
                done[taken] = item.value
            else:
                ready.append((taken, *item))
            taken += 1
        while ready:
            cleaner = pool.worker_for(ready[0][2])
            if cleaner is None:
                break
            seq, message, _ = ready.popleft()
            for tag, status, value in cleaner.submit(seq, *message):
                done[tag] = (status, value)  # decided at once: no worker could have it
        if given in done:
            while given in done:
                yield done.pop(given)
                given += 1
            continue
        if not pool.busy:
            if not more and not ready:
                return
            continue
        finished = pool.wait_done(tick)
        for tag, status, value in finished:
            done[tag] = (status, value)
        if not finished and on_wait is not None:
            on_wait()
