"""A run over files (a folder, a file or stdin): each input checked and read, cleaned by the
workers (workers.py), written, and reported in input order.

Every input ends in exactly one of three states: cleaned (written, perhaps flagged suspect),
skipped (with a reason: an output exists, binary, too large, not a regular file) or failed (with
a reason: unreadable, timeout, an error). One bad file never stops the run.
"""

from __future__ import annotations

import json
import re
import stat
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO

from cleaner.core.data import Result
from cleaner.run.files import (
    Item,
    file_kind,
    fit_name,
    link_outside,
    read_bounded,
    safe_name,
    same_file,
    show_name,
    write_atomic,
    writes_into,
)
from cleaner.run.progress import Progress
from cleaner.run.report import explain
from cleaner.run.signals import sigint_deferred
from cleaner.run.summary import OUTPUT_EXISTS, Summary
from cleaner.run.workers import Decided, Job, Pool, clean_one, in_order

WINDOW_PER_WORKER = 9  # a folder run holds at most this many inputs per worker not yet reported
WAIT_TICK = 0.25  # seconds: how often a waiting folder run looks at the progress display


class Format(StrEnum):
    txt = "txt"
    json = "json"
    md = "md"


SUFFIX = {Format.txt: ".txt", Format.json: ".json", Format.md: ".md"}  # of an output file


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
        why = r.suspect if r is not None and suspect else None
        return {
            "input": self.name,
            "status": self.status,
            "reason": why if self.status == "cleaned" else self.reason,
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


def _render(result, fmt: Format) -> str:
    if fmt is Format.json:
        return json.dumps(result.as_dict(), ensure_ascii=False)
    return result.text


@dataclass(slots=True)
class Pending:
    """An input read and waiting to be cleaned: what `Run.finish` needs of it afterwards."""

    name: str  # printable
    data: bytes  # emptied once a worker has it (memory)
    clean_name: str | None  # the file name the pipeline sniffs the format from
    target: Path | None  # None: stdout
    size: int = 0  # bytes read


# An escape that safe_name writes for a byte of a name (%0A, %7F, %E9): an output directory
# with one may be shared by two input directories (`caf\xe9/` and `caf%E9/` both write to
# `caf%E9/`).
_ESCAPE = re.compile(r"%(?:[01][0-9A-F]|7F|[89A-F][0-9A-F])")


class Planned:
    """The outputs planned so far, so that an input whose output another input has already
    (`page.md` and `page.txt` both write `page.txt`) fails instead of replacing it.

    Two inputs share an output only in one output directory, which mirrors the input's: so only
    the output directories on the way to the current input are remembered, each with the names
    planned in it, and one is let go once the walk has left it (a depth-first walk never comes
    back to a directory). Memory grows with the largest directory, not with the whole run. The
    exception is an output directory whose path has an escape (see _ESCAPE): another input
    directory may come to it anywhere later in the walk, so it is remembered for the whole run.
    The inputs must come in the order of `files.walk` (a file or stdin is one input)."""

    def __init__(self) -> None:
        self._path: list[tuple[Path, dict[str, str]]] = []  # a directory, then its subdirectory
        self._shared: dict[Path, dict[str, str]] = {}  # output directories with an escape

    def claim(self, target: Path, name: str, out_dir: Path | None = None) -> str | None:
        """None, with `target` now planned for the input `name`; else the input that has it."""
        folder = target.parent
        path = self._path
        while path and not folder.is_relative_to(path[-1][0]):
            path.pop()
        names: dict[str, str] | None
        if path and path[-1][0] == folder:
            names = path[-1][1]
        else:
            names = self._shared.get(folder)
            if names is None:
                names = {}
                rel = folder.relative_to(out_dir) if out_dir is not None else folder
                if _ESCAPE.search(str(rel)):
                    self._shared[folder] = names
            path.append((folder, names))
        first = names.get(target.name)
        if first is None:
            names[target.name] = name
        return first


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
    source: Path | None = None  # IN (a folder or a file): never written to, links checked
    follow_symlinks: bool = False  # follow a file link in IN that leads outside it
    out_file: Path | None = None  # one input written to this file (OUT named a file)
    planned: Planned = field(default_factory=Planned)
    _safe_dirs: set[Path] = field(default_factory=set)  # output folders found not to lead into IN

    def target(self, rel: str) -> Path | None:
        if self.out_dir is None:
            return None
        if self.out_file is not None:
            return self.out_file
        rel_path = Path(safe_name(rel))
        # A long name (or one of many escaped bytes, each %NN) would be no valid file name.
        name = fit_name(rel_path.stem + SUFFIX[self.fmt])
        if not self.mirror:
            return self.out_dir / name
        return self.out_dir.joinpath(*map(fit_name, rel_path.parent.parts), name)

    def prepare(self, item: Item, stdin: IO[bytes] | None) -> Outcome | Pending:
        """The input's Outcome when it is decided before cleaning (skipped, failed), else the
        input read, to clean."""
        name = show_name(item.rel)
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
            if not item.explicit and not self.follow_symlinks and self.source is not None:
                outside = link_outside(path, self.source)
                if outside is not None:
                    why = f"symlink to {show_name(str(outside))}, outside IN (not followed; see --follow-symlinks)"
                    return Outcome(name, "skipped", why)
            if not regular and not item.explicit:
                return Outcome(name, "skipped", f"not a regular file ({file_kind(st.st_mode)})")
            if regular:
                size = st.st_size
                if size > self.max_bytes:
                    return Outcome(name, "skipped", self._too_large(size), bytes_in=size)
        target = self.target(item.rel)
        if target is not None:
            try:
                decided = self._check_target(name, target, path, size)
            except OSError as exc:  # a folder of OUT that cannot be searched (mode 000)
                why = f"cannot check output {target}: {exc.strerror or exc}"
                return Outcome(name, "failed", why, bytes_in=size)
            if decided is not None:
                return decided
        return self._read(name, path, stdin, size, target)

    def _check_target(
        self, name: str, target: Path, path: Path | None, size: int | None
    ) -> Outcome | None:
        """The Outcome of an input decided by its output (planned for another input, would
        replace the input, in a folder leading into IN, exists), else None. Raises OSError."""
        first = self.planned.claim(target, name, self.out_dir)
        if first is not None:
            why = f"output {target} is already written for {first}"
            return Outcome(name, "failed", why, bytes_in=size)
        if path is not None and target.exists() and same_file(target, path):
            return Outcome(name, "failed", f"output {target} would replace the input")
        if self._leads_into_source(target.parent):
            why = f"output folder {target.parent} leads into IN (a symlink); IN is never written to"
            return Outcome(name, "failed", why, bytes_in=size)
        if target.exists() and not self.overwrite:
            why = OUTPUT_EXISTS if self.skip_existing else f"{target} exists (use --overwrite)"
            return Outcome(name, "skipped", why, bytes_in=size)
        return None

    def _read(self, name, path, stdin, size, target) -> Outcome | Pending:
        try:
            if path is None:
                data = stdin.read(self.max_bytes + 1) if stdin is not None else b""
            else:
                data = read_bounded(path, self.max_bytes)
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
            text = rendered + "\n" if self.fmt is Format.json else rendered
            sys.stdout.write(text)
            written, where = len(text.encode("utf-8")), "-"
        else:
            try:
                written, where = write_atomic(target, rendered), str(target)
            except OSError as exc:
                why = f"cannot write {target}: {exc.strerror or exc}"
                return Outcome(name, "failed", why, bytes_in=size, result=result)
        return Outcome(name, "cleaned", None, size, written, where, result)

    def _leads_into_source(self, folder: Path) -> bool:
        """A folder of OUT that is, or passes through, a symlink into IN (`out/sub -> in/sub`):
        an output written there would land in IN. Checked once per output folder."""
        if self.source is None or folder in self._safe_dirs:
            return False
        if writes_into(folder, self.source):
            return True
        if len(self._safe_dirs) >= 4096:  # memory stays flat on a tree of many folders
            self._safe_dirs.clear()
        self._safe_dirs.add(folder)
        return False

    def _too_large(self, size: int | None) -> str:
        got = f"{size} bytes, " if size is not None else ""
        return f"too large: {got}over --max-bytes {self.max_bytes}"


class ReportError(Exception):
    """The --report file cannot be written (a full disk): the run stops, since the report
    would no longer name every input."""


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
        result = outcome.result
        # --explain names the warnings; the summary need not repeat them.
        summary.count(
            outcome.name, outcome.status, outcome.reason, result, warnings=not self.explain
        )
        if self.explain and outcome.status == "cleaned":
            assert result is not None  # a cleaned input has its Result
            print(explain(outcome.name, result), file=self.explain_stream)
        if self.report is not None:
            try:
                self.report.write(json.dumps(outcome.record(), ensure_ascii=False) + "\n")
                self.report.flush()
            except OSError as exc:
                raise ReportError(exc.strerror or str(exc)) from exc
        self.progress.update(summary.read, summary.failed, summary.skipped)


# --- the loops: --jobs 1 and --jobs N ----------------------------------------------------------


def _done(this: Run, tally: Tally, outcome: Outcome | tuple[Pending, str, object]) -> None:
    with sigint_deferred():
        if not isinstance(outcome, Outcome):
            outcome = this.finish(*outcome)
        tally.add(outcome)


def clean_in_process(
    this: Run, items: Iterable[Item], job: Job, tally: Tally, stdin: IO[bytes] | None
) -> None:
    """--jobs 1 --timeout 0: one input after the other, each cleaned in this process with no
    time budget. `items` is consumed as it goes (the walk of a folder is a generator)."""
    for item in items:
        prepared = this.prepare(item, stdin)
        if isinstance(prepared, Pending):
            _done(this, tally, (prepared, *clean_one(job, prepared.data, prepared.clean_name)))
        else:
            _done(this, tally, prepared)


def clean_in_workers(
    this: Run, items: Iterable[Item], pool: Pool, tally: Tally, stdin: IO[bytes] | None = None
) -> None:
    """--jobs N (1 included, with a time budget): inputs are read in order and cleaned by the
    pool's workers (workers.in_order, the loop record runs use too), and their Outcomes written
    and reported in input order, no more than WINDOW_PER_WORKER per worker inputs taken in
    before the oldest is reported. `items` is consumed as it goes, no further ahead than that."""
    prepared: deque[Outcome | Pending] = deque()  # taken in, not yet reported, in order

    def work() -> Iterator[tuple[tuple, int] | Decided]:
        for item in items:
            ready = this.prepare(item, stdin)
            prepared.append(ready)
            if isinstance(ready, Outcome):
                yield Decided(ready)
                continue
            message = (ready.data, ready.clean_name)
            ready.data = b""  # the worker's message has the bytes until it has started it
            yield message, ready.size

    window = WINDOW_PER_WORKER * len(pool.cleaners)
    for out in in_order(pool, work(), window, WAIT_TICK, tally.progress.tick):
        ready = prepared.popleft()
        _done(this, tally, ready if isinstance(ready, Outcome) else (ready, *out))
