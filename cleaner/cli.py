"""`clean IN OUT`: clean a folder, a file or stdin of scraped page copies.

Every input ends in exactly one of three states: cleaned (written, perhaps flagged suspect),
skipped (with a reason: an output exists, binary, too large, not a regular file) or failed (with
a reason: unreadable, timeout, an error). One bad file never stops the run.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer

from .catalog import generic_codes, site_codes
from .model import Result
from .pipeline import run
from .progress import Progress, progress_mode
from .report import Summary, explain
from .rulefile import RuleFileError, RuleTimeout
from .sites import RuleSet, ruleset

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_MAX_BYTES = 50_000_000  # a scraped page is well under a megabyte; 50 MB is not a page
DEFAULT_TIMEOUT = 30.0  # seconds per document; the slowest fixture takes well under one
OUTPUT_EXISTS = "output exists"  # the reason of an input skipped by --skip-existing
WINDOW_PER_WORKER = 8  # a folder run holds at most this many inputs per worker not yet reported
WAIT_TICK = 0.25  # seconds: how often a waiting folder run looks at the progress display


class Format(StrEnum):
    txt = "txt"
    json = "json"


def _err(message: str) -> None:
    print(message, file=sys.stderr)


# --- names -------------------------------------------------------------------------------------


def _show(name: str) -> str:
    """A file name fit to print and to put in JSON: bytes that are not UTF-8 (which Python keeps
    as lone surrogates) as \\xNN, control characters (a newline in a name) escaped too."""
    out = []
    for c in name:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"\\x{o - 0xDC00:02x}")
        elif 0xD800 <= o <= 0xDFFF or not (c.isprintable() or c == " "):
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out)


def _safe_name(name: str) -> str:
    """An output file name that is valid UTF-8 and has no control characters: such bytes of the
    input's name become %NN (`caf\\xe9.txt` is written as `caf%E9.txt`)."""
    out = []
    for c in name:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"%{o - 0xDC00:02X}")
        elif 0xD800 <= o <= 0xDFFF or o < 0x20 or o == 0x7F:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
        else:
            out.append(c)
    return "".join(out)


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    rel: str  # the input's path relative to IN ("stdin" for stdin)
    path: Path | None  # None for stdin
    explicit: bool = False  # named on the command line (a FIFO there is read, in a walk skipped)
    error: OSError | None = None  # a directory that could not be listed


def _walk(root: Path) -> list[Item]:
    """Every entry under root that is not a directory, and every directory that cannot be
    listed (reported, never dropped silently). Symlinks to directories are not followed: they
    could loop, or lead out of IN."""
    found: list[tuple[Path, OSError | None]] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            found.append((directory, exc))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(path)
            else:
                found.append((path, None))
    found.sort(key=lambda x: x[0])
    return [Item(str(p.relative_to(root)), p, error=e) for p, e in found]


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _read_bounded(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes: a file that grew past the limit (or /dev/zero) is not slurped."""
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


# --- cleaning with a time budget ---------------------------------------------------------------


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


# --- outcomes ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one input: status cleaned | skipped | failed, and why."""

    name: str  # printable
    status: str
    reason: str | None = None
    bytes_in: int | None = None
    bytes_out: int | None = None
    output: str | None = None
    result: Result | None = None

    def record(self) -> dict:
        r = self.result
        suspect = bool(r is not None and r.suspect)
        return {
            "input": self.name,
            "status": self.status,
            "reason": (r.suspect if suspect else None) if self.status == "cleaned" else self.reason,
            "suspect": suspect,
            "output": self.output,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "format": r.input_format if r is not None else None,
            "encoding": r.encoding if r is not None else None,
            "site": r.site if r is not None else None,
            "rules": r.rules_fired if r is not None else [],
            "kept": sorted({k.rule for k in r.kept}) if r is not None else [],
            "warnings": list(r.warnings) if r is not None else [],
        }


def _write_atomic(path: Path, data: str) -> int:
    """Temporary file then rename: an interrupted run never leaves half an output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(encoded)
            # mkstemp makes the file private (0600); an output gets the usual mode (0644).
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(encoded)


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _render(result, fmt: Format) -> str:
    if fmt is Format.json:
        return json.dumps(result.as_dict(), ensure_ascii=False)
    return result.text


def _list_rules(rules: RuleSet) -> None:
    print("Generic rules:")
    for code, name, reason in generic_codes():
        print(f"  {code}  {name:<20} {reason}")
    print("Site rules:")
    for code, site, reason in site_codes(rules):
        print(f"  {code}  {site:<20} {reason}")


def _inside(path: Path, folder: Path) -> bool:
    a, b = folder.resolve(), path.resolve()
    return b == a or a in b.parents


@dataclass(slots=True)
class Pending:
    """An input read and waiting to be cleaned: what `Run.finish` needs of it afterwards."""

    name: str  # printable
    data: bytes  # emptied once a worker has it (memory)
    clean_name: str | None  # the file name the pipeline sniffs the format from
    target: Path | None  # None: stdout
    size: int = 0  # bytes read


@dataclass
class Run:
    """One run's settings and state: takes each input to its Outcome, in two steps around the
    cleaning, which may happen in another process: `prepare` (checks, then read) and `finish`
    (render, write)."""

    fmt: Format
    out_dir: Path | None
    mirror: bool  # IN is a directory: outputs mirror its relative paths
    overwrite: bool
    max_bytes: int
    skip_existing: bool = False
    planned: dict[Path, str] = field(default_factory=dict)

    def target(self, rel: str) -> Path | None:
        if self.out_dir is None:
            return None
        rel_path = Path(_safe_name(rel))
        name = rel_path.stem + (".json" if self.fmt is Format.json else ".txt")
        return self.out_dir / rel_path.parent / name if self.mirror else self.out_dir / name

    def prepare(self, item: Item, stdin: IO[bytes] | None) -> Outcome | Pending:
        """The input's Outcome when it is decided before cleaning (skipped, failed), else the
        input read, to clean."""
        name = _show(item.rel)
        if item.error is not None:
            why = item.error.strerror or str(item.error)
            return Outcome(name, "failed", f"cannot list directory: {why}")
        size = None
        path = item.path
        if path is not None:
            try:
                st = path.stat()
            except OSError as exc:
                return Outcome(name, "failed", f"cannot read: {exc.strerror or exc}")
            regular = stat.S_ISREG(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                return Outcome(name, "skipped", "symlink to a directory (not followed)")
            if not regular and not item.explicit:
                return Outcome(name, "skipped", f"not a regular file ({_kind(st.st_mode)})")
            if regular:
                size = st.st_size
                if size > self.max_bytes:
                    return Outcome(name, "skipped", self._too_large(size), bytes_in=size)
        target = self.target(item.rel)
        if target is not None:
            if target in self.planned:
                why = f"output {target} is already written for {self.planned[target]}"
                return Outcome(name, "failed", why, bytes_in=size)
            self.planned[target] = name
            if path is not None and target.exists() and _same_file(target, path):
                return Outcome(name, "failed", f"output {target} would replace the input")
            if target.exists() and not self.overwrite:
                why = OUTPUT_EXISTS if self.skip_existing else f"{target} exists (use --overwrite)"
                return Outcome(name, "skipped", why, bytes_in=size)
        try:
            if path is None:
                data = stdin.read(self.max_bytes + 1) if stdin is not None else b""
            else:
                data = _read_bounded(path, self.max_bytes)
        except OSError as exc:
            return Outcome(name, "failed", f"cannot read: {exc.strerror or exc}", bytes_in=size)
        if len(data) > self.max_bytes:
            return Outcome(name, "skipped", self._too_large(None), bytes_in=len(data))
        return Pending(name, data, path.name if path else None, target, len(data))

    def finish(self, pending: Pending, status: str, value: object) -> Outcome:
        """The Outcome of a cleaned input: its Result rendered and written (or why not)."""
        name, size, target = pending.name, pending.size, pending.target
        if status == "timeout":
            return Outcome(name, "failed", f"timeout: {value}", bytes_in=size)
        if status != "ok":
            return Outcome(name, "failed", str(value), bytes_in=size)
        result: Result = value  # type: ignore[assignment]
        if result.skipped:
            return Outcome(name, "skipped", result.skipped, bytes_in=size, result=result)
        rendered = _render(result, self.fmt)
        if target is None:
            text = rendered if self.fmt is Format.txt else rendered + "\n"
            sys.stdout.write(text)
            written, where = len(text.encode("utf-8")), "-"
        else:
            try:
                written, where = _write_atomic(target, rendered), str(target)
            except OSError as exc:
                why = f"cannot write {target}: {exc.strerror or exc}"
                return Outcome(name, "failed", why, bytes_in=size, result=result)
        return Outcome(name, "cleaned", None, size, written, where, result)

    def _too_large(self, size: int | None) -> str:
        got = f"{size} bytes, " if size is not None else ""
        return f"too large: {got}over --max-bytes {self.max_bytes}"


@dataclass
class Tally:
    """Takes each Outcome, in input order, to the summary, the report, --explain and the
    progress display."""

    summary: Summary
    report: IO[str] | None
    explain: bool
    explain_stream: IO[str]
    progress: Progress

    def add(self, outcome: Outcome) -> None:
        summary = self.summary
        summary.read += 1
        result = outcome.result
        if outcome.status == "cleaned":
            summary.written += 1
            summary.add(result)
            if result.suspect:
                summary.suspect += 1
                summary.suspects.append((outcome.name, result.suspect))
            if self.explain:  # the report names the warnings; the summary need not repeat them
                print(explain(outcome.name, result), file=self.explain_stream)
            else:
                summary.warnings.extend((outcome.name, w) for w in result.warnings)
        elif outcome.status == "skipped":
            summary.skipped += 1
            if outcome.reason == OUTPUT_EXISTS:  # --skip-existing: counted, not listed
                summary.existing += 1
            else:
                summary.skips.append((outcome.name, outcome.reason or ""))
        else:
            summary.failed += 1
            summary.failures.append((outcome.name, outcome.reason or ""))
        if self.report is not None:
            self.report.write(json.dumps(outcome.record(), ensure_ascii=False) + "\n")
            self.report.flush()
        self.progress.update(summary.read, summary.failed, summary.skipped)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
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


def _done(this: Run, tally: Tally, outcome: Outcome | tuple[Pending, str, object]) -> None:
    with _sigint_deferred():
        if not isinstance(outcome, Outcome):
            outcome = this.finish(*outcome)
        tally.add(outcome)


def _clean_serially(
    this: Run, items: Sequence[Item], cleaner: Cleaner, tally: Tally, stdin: IO[bytes] | None
) -> None:
    """--jobs 1: one input after the other, each cleaned in the one worker process."""
    for item in items:
        prepared = this.prepare(item, stdin)
        if isinstance(prepared, Pending):
            _done(this, tally, (prepared, *cleaner.clean(prepared.data, prepared.clean_name)))
        else:
            _done(this, tally, prepared)


def _clean_in_parallel(this: Run, items: Sequence[Item], pool: Pool, tally: Tally) -> None:
    """--jobs N: inputs are read in order, at most one per worker ahead of the workers, and
    their Outcomes written and reported in input order. An Outcome that comes early waits for
    those before it, but no more than WINDOW_PER_WORKER per worker inputs are taken in before
    the oldest is reported, so memory stays bounded behind a slow document."""
    size = len(pool.cleaners)
    window = WINDOW_PER_WORKER * size
    done: dict[int, Outcome | tuple[Pending, str, object]] = {}
    ready: deque[tuple[int, Pending]] = deque()  # read, waiting for a worker
    inputs = iter(items)
    taken = reported = 0
    more = True
    while True:
        while more and len(ready) < size and taken - reported < window:
            item = next(inputs, None)
            if item is None:
                more = False
                break
            prepared = this.prepare(item, None)
            if isinstance(prepared, Pending):
                ready.append((taken, prepared))
            else:
                done[taken] = prepared
            taken += 1
        while ready and pool.idle:
            seq, pending = ready.popleft()
            early = pool.submit(seq, pending)
            if early is not None:
                done[seq] = (pending, *early)
        if reported in done:
            while reported in done:
                _done(this, tally, done.pop(reported))
                reported += 1
            continue  # room in the window again: read on before waiting
        if not pool.busy:
            if not more and not ready:
                break
            continue
        finished = pool.wait(WAIT_TICK)
        for seq, pending, status, value in finished:
            done[seq] = (pending, status, value)
        if not finished:  # a slow document: the display still shows time passing
            tally.progress.tick()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@app.command(no_args_is_help=True)
def clean_command(
    src: Annotated[
        str | None,
        typer.Argument(metavar="IN", help="Directory (walked recursively), file, or - for stdin."),
    ] = None,
    dst: Annotated[
        str | None,
        typer.Argument(
            metavar="OUT", help="Directory (paths mirrored, <stem>.txt) or - for stdout."
        ),
    ] = None,
    rules: Annotated[
        list[Path],
        typer.Option(
            "--rules",
            help="More rule files (a directory); a user file overrides the built-in one for its site.",
        ),
    ] = [],  # noqa: B006
    no_site_rules: Annotated[
        bool, typer.Option("--no-site-rules", help="Generic heuristics only.")
    ] = False,
    site: Annotated[str | None, typer.Option("--site", help="Force the site (a domain).")] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="The page's URL (forces its site; goes to metadata)."),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="txt: the text; json: text, metadata and removed lines."),
    ] = Format.txt,
    explain_: Annotated[
        bool,
        typer.Option("--explain", help="Report every removed line with the rule that removed it."),
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace existing output files.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary, no warnings, no progress.")
    ] = False,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="Print every rule code and exit.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE",
            help="Write one JSON line per input: status, reason, bytes in and out, rules fired.",
        ),
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option(
            "--max-bytes", min=1, help="Skip inputs larger than this (checked before reading)."
        ),
    ] = DEFAULT_MAX_BYTES,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0,
            metavar="SECONDS",
            help="Time budget per document; past it the document fails (0: no budget).",
        ),
    ] = DEFAULT_TIMEOUT,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes (0: all cores); for a folder each cleans one document at a "
            "time under --timeout.",
        ),
    ] = 0,
    skip_existing: Annotated[
        bool,
        typer.Option(
            "--skip-existing",
            help="Skip inputs whose output exists, counted but not listed (continue a run); "
            "a record file: skip the run when OUT exists.",
        ),
    ] = False,
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field", help="Record files: the field to clean (default: text, else html)."
        ),
    ] = None,
    url_field: Annotated[
        str, typer.Option("--url-field", help="Record files: the field with the page's URL.")
    ] = "url",
) -> None:
    """Turn scraped copies of web pages into canonical article text."""
    try:
        _command(
            src,
            dst,
            rules=rules,
            no_site_rules=no_site_rules,
            site=site,
            url=url,
            fmt=fmt,
            explain_=explain_,
            overwrite=overwrite,
            quiet=quiet,
            list_rules=list_rules,
            report=report,
            max_bytes=max_bytes,
            timeout=timeout,
            jobs=jobs,
            skip_existing=skip_existing,
            text_field=text_field,
            url_field=url_field,
        )
    except KeyboardInterrupt:  # before any input was cleaned (rule files, listing IN)
        if not quiet:
            _err("clean: interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _command(
    src: str | None,
    dst: str | None,
    *,
    rules: list[Path],
    no_site_rules: bool,
    site: str | None,
    url: str | None,
    fmt: Format,
    explain_: bool,
    overwrite: bool,
    quiet: bool,
    list_rules: bool,
    report: Path | None,
    max_bytes: int,
    timeout: float,
    jobs: int,
    skip_existing: bool,
    text_field: str | None,
    url_field: str,
) -> None:
    rule_dirs = tuple(str(d) for d in rules)
    try:
        rule_set = ruleset(rule_dirs, builtin=not no_site_rules)
    except RuleFileError as exc:
        _err(f"clean: invalid rule file:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if list_rules:
        _list_rules(rule_set)
        raise typer.Exit(EXIT_OK)
    if src is None or dst is None:
        _err("clean: usage: clean IN OUT (see clean --help)")
        raise typer.Exit(EXIT_USAGE)
    if skip_existing and overwrite:
        _err("clean: --skip-existing and --overwrite contradict each other; choose one")
        raise typer.Exit(EXIT_USAGE)

    if _is_records(src) or (dst != "-" and _is_records(dst)):
        _clean_record_file(
            src,
            dst,
            rule_dirs,
            not no_site_rules,
            site,
            jobs,
            text_field,
            url_field,
            quiet,
            skip_existing,
        )

    out_dir = None if dst == "-" else Path(dst)
    root = None
    if src == "-":
        items = [Item("stdin", None)]
    else:
        root = Path(src)
        if not root.exists() and not root.is_symlink():
            _err(f"clean: {src}: no such file or directory")
            raise typer.Exit(EXIT_USAGE)
        if root.is_dir():
            if out_dir is not None and _inside(out_dir, root):
                _err(f"clean: OUT ({dst}) is inside IN ({src}); choose another folder")
                raise typer.Exit(EXIT_USAGE)
            if report is not None and _inside(report, root):
                _err(f"clean: the report ({report}) is inside IN ({src}); IN is never written to")
                raise typer.Exit(EXIT_USAGE)
            items = _walk(root)
        else:
            items = [Item(root.name, root, explicit=True)]
    report_fh = None
    if report is not None:
        try:
            report_fh = open(report, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            _err(f"clean: cannot write the report {report}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_USAGE) from None

    job = Job(rule_dirs, not no_site_rules, url, site, not no_site_rules)
    workers = max(1, min(jobs or _default_jobs(), len(items)))
    this = Run(
        fmt,
        out_dir,
        mirror=root is not None and root.is_dir(),
        overwrite=overwrite,
        max_bytes=max_bytes,
        skip_existing=skip_existing,
    )
    summary = Summary()
    explain_stream = sys.stderr if out_dir is None else sys.stdout
    stdin = sys.stdin.buffer if src == "-" else None
    # The bar is drawn on stderr only when nothing else writes to that terminal meanwhile.
    busy = (explain_ and out_dir is None) or (
        (out_dir is None or explain_) and _isatty(sys.stdout) and _isatty(sys.stderr)
    )
    progress = Progress(len(items), mode=progress_mode(quiet, terminal_busy=busy))
    tally = Tally(summary, report_fh, explain_, explain_stream, progress)
    cleaner = Cleaner(job, timeout) if workers == 1 else None
    pool = Pool(job, timeout, workers) if workers > 1 else None
    interrupted = False
    try:
        if pool is None:
            _clean_serially(this, items, cleaner, tally, stdin)
        else:
            _clean_in_parallel(this, items, pool, tally)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        with _sigint_ignored(interrupted):  # a second Ctrl-C must not cut the tidying short
            for workers_of_run in (cleaner, pool):
                if workers_of_run is not None:
                    workers_of_run.close(now=interrupted)
            progress.close()
            if report_fh is not None:
                report_fh.close()

    if interrupted:
        if not quiet:
            _err(summary.render())
            left = len(items) - summary.read
            _err(
                f"clean: interrupted: {left} of {len(items)} inputs not done; "
                "run again with --skip-existing to finish"
            )
        raise typer.Exit(EXIT_INTERRUPTED)
    if not quiet:
        _err(summary.render())
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


def _default_jobs() -> int:
    from .parallel import default_jobs

    return default_jobs()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def _sigint_ignored(active: bool) -> Iterator[None]:
    """SIGINT ignored in the block (when `active` and this is the main thread)."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _is_records(path: str) -> bool:
    from .records import detect_format

    return path != "-" and detect_format(path) is not None


def _clean_record_file(
    src: str,
    dst: str,
    rule_dirs: tuple[str, ...],
    site_rules: bool,
    site: str | None,
    jobs: int,
    text_field: str | None,
    url_field: str,
    quiet: bool,
    skip_existing: bool = False,
) -> None:
    """IN or OUT is a record file (JSON Lines, Parquet, WARC): stream it record by record.

    The output is written to a temporary file renamed at the end, so an existing OUT is a
    finished run: --skip-existing then skips the whole run (exit 0)."""
    from .parallel import default_jobs
    from .records import RecordsError, Stats, clean_records

    if skip_existing and dst != "-" and os.path.exists(dst):
        if not quiet:
            _err(f"{src}: skipped: {OUTPUT_EXISTS} ({dst}; --skip-existing)")
        raise typer.Exit(EXIT_OK)
    stats = Stats()
    progress: Progress | None = None

    def show(stats: Stats) -> None:
        nonlocal progress
        if progress is None:  # the reader is open: its total (Parquet) is known
            mode = progress_mode(quiet, terminal_busy=dst == "-" and _isatty(sys.stdout))
            progress = Progress(stats.total, mode=mode, unit="records", failed_label="with errors")
        progress.update(stats.records, stats.errors)

    try:
        clean_records(
            src,
            dst,
            text_field=text_field,
            url_field=url_field,
            site=site,
            rules=rule_dirs,
            site_rules=site_rules,
            jobs=jobs or default_jobs(),
            stats=stats,
            progress=show,
        )
    except RecordsError as exc:
        if progress is not None:
            progress.close()
        _err(f"clean: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        if progress is not None:
            progress.close()
        if not quiet:
            _err(f"clean: interrupted after {stats.records} records; {dst} not written")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if progress is not None:
        progress.close()
    if not quiet:
        for number, error in stats.first_errors:
            _err(f"{src}: record {number}: {error}")
        removed = 1 - stats.chars_out / stats.chars_in if stats.chars_in else 0.0
        _err(
            f"records {stats.records}, with errors {stats.errors}, written to {dst}; "
            f"{removed:.1%} of text removed"
        )
    raise typer.Exit(EXIT_FAILED if stats.errors else EXIT_OK)


def main() -> None:
    app()
