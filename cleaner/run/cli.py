"""`clean IN OUT`: clean a folder, a file or stdin of scraped page copies.

The command: its options, the checks made before any input is read or any worker started (a
bad rule file, OUT inside IN), then either a run over files (folder_run.py, cleaned in the
processes of workers.py) or a record file streamed through records.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cleaner import __version__
from cleaner.core.pipeline import DEFAULT_HTML
from cleaner.run import signals
from cleaner.run.files import (
    Item,
    count_items,
    inside,
    put_in_place,
    temp_beside,
    walk,
    writes_into,
)
from cleaner.run.folder_run import (
    OUTPUT_EXISTS,
    Format,
    ReportError,
    Run,
    Tally,
    clean_in_process,
    clean_in_workers,
)
from cleaner.run.progress import Progress, progress_mode
from cleaner.run.rule_info import list_rules as print_rules
from cleaner.run.rule_info import show_rule
from cleaner.run.signals import sigint_ignored
from cleaner.run.summary import Summary
from cleaner.run.workers import Job, Pool
from cleaner.sites.identify import ruleset
from cleaner.sites.rulefile import RuleFileError


class HtmlMode(StrEnum):
    """--html: how an HTML page is read (cleaner.clean's `html=`)."""

    extractor = "extractor"
    blocks = "blocks"
    routed = "routed"


DEFAULT_MODE = HtmlMode(DEFAULT_HTML)


app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_MAX_BYTES = 50_000_000  # a scraped page is well under a megabyte; 50 MB is not a page
DEFAULT_TIMEOUT = 30.0  # seconds per document; the slowest fixture takes well under one
JOBS_PER_CPU = 4  # more worker processes than this only share the CPUs (and memory, and fds)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _print_version(value: bool) -> None:
    if value:
        print(f"clean (cleaner) {__version__}")
        raise typer.Exit(EXIT_OK)


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
            help="More rule files (a file, or a directory of them); a user file overrides the built-in one for its site.",
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
        Format | None,
        typer.Option(
            "--format",
            help="txt: the text; md: markdown (headings, lists, tables, code blocks); json: "
            "text, metadata and removed lines (default: from OUT's suffix when OUT is one "
            "file, else txt).",
        ),
    ] = None,
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
        str | None,
        typer.Option(
            "--url-field", help="Record files: the field with the page's URL (default: url)."
        ),
    ] = None,
    id_field: Annotated[
        str | None,
        typer.Option(
            "--id-field",
            help="Record files: the field that names a record in --report (default: id; "
            "WARC: warc_record_id).",
        ),
    ] = None,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            help="Follow a file symlink in IN that points outside IN (by default it is skipped).",
        ),
    ] = False,
    learn: Annotated[
        bool,
        typer.Option(
            "--learn",
            help="Folders: count lines per site first, then remove what recurs on many pages (G601).",
        ),
    ] = False,
    learn_min_pages: Annotated[
        int, typer.Option("--learn-min-pages", min=2, help="--learn: pages a line must be on.")
    ] = 3,
    html: Annotated[
        HtmlMode,
        typer.Option(
            "--html",
            help="HTML pages: routed (the default: both readings, the learned router keeps "
            "one), extractor (trafilatura's text, then the rules: faster) or blocks (every block "
            "judged by the model).",
        ),
    ] = DEFAULT_MODE,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn scraped copies of web pages into canonical article text.

    Also: `clean rule CODE` describes a rule code (`--format json`: as JSON), `clean learn IN
    --out RULES_DIR` (draft rule files from many copies of a site) and
    `clean rules check DIR` (run the rule files' test cases)."""
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
            id_field=id_field,
            follow_symlinks=follow_symlinks,
            learn=learn_min_pages if learn else 0,
            html=html.value,
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
    fmt: Format | None,
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
    url_field: str | None,
    id_field: str | None = None,
    follow_symlinks: bool = False,
    learn: int = 0,
    html: str = DEFAULT_HTML,
) -> None:
    rule_dirs = tuple(str(d) for d in rules)
    try:
        rule_set = ruleset(rule_dirs, builtin=not no_site_rules)
    except RuleFileError as exc:
        _err(f"clean: invalid rule file:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if src == "rule":  # `clean rule CODE` (a folder named rule is ./rule)
        raise typer.Exit(show_rule(dst, rule_set, as_json=fmt == "json"))
    if list_rules:
        print_rules(rule_set)
        raise typer.Exit(EXIT_OK)
    if src is None or dst is None:
        _err("clean: usage: clean IN OUT (see clean --help)")
        raise typer.Exit(EXIT_USAGE)
    if skip_existing and overwrite:
        _err("clean: --skip-existing and --overwrite contradict each other; choose one")
        raise typer.Exit(EXIT_USAGE)

    if src != "-" and report is not None and writes_into(report, Path(src)):
        _err(f"clean: the report ({report}) is inside IN or is IN ({src}); IN is never written to")
        raise typer.Exit(EXIT_USAGE)
    if _is_records(src) or (dst != "-" and _is_records(dst)):
        if src != "-" and dst != "-" and writes_into(Path(dst), Path(src)):
            _err(f"clean: OUT ({dst}) is IN ({src}); IN is never written to")
            raise typer.Exit(EXIT_USAGE)
        if report is not None and dst != "-" and writes_into(report, Path(dst)):
            _err(f"clean: the report ({report}) is OUT ({dst}); choose another file")
            raise typer.Exit(EXIT_USAGE)
        _refuse_for_records(src, url, follow_symlinks, text_field, url_field)
        _clean_record_file(
            src,
            dst,
            rule_dirs,
            not no_site_rules,
            site,
            jobs,
            text_field,
            url_field or "url",
            quiet,
            skip_existing,
            timeout,
            report=report,
            explain_=explain_,
            fmt=fmt,
            max_bytes=max_bytes,
            id_field=id_field,
            learn=learn,
            html=html,
        )
    for option, value in (
        ("--text-field", text_field),
        ("--url-field", url_field),
        ("--id-field", id_field),
    ):
        if value is not None:
            _err(
                f"clean: {option} applies to record files only (.jsonl, .parquet, .warc), "
                f"not to {src}"
            )
            raise typer.Exit(EXIT_USAGE)

    out_dir = None if dst == "-" else Path(dst)
    out_file = None
    if out_dir is not None and _one_input(src) and _names_a_file(out_dir):
        # `clean page.html page.txt`: OUT is the output file itself, not a folder to make.
        if src != "-" and writes_into(out_dir, Path(src)):
            _err(f"clean: OUT ({dst}) is IN ({src}); IN is never written to")
            raise typer.Exit(EXIT_USAGE)
        out_file, out_dir = out_dir, out_dir.parent
        if fmt is None:
            fmt = _FORMAT_OF_SUFFIX.get(out_file.suffix.lower(), Format.txt)
    fmt = fmt or Format.txt
    root = None
    # The inputs come lazily from the walk of a folder, never listed all at once (memory grows
    # with the largest directory, not with the number of files); `total` is counted beforehand.
    items: Iterable[Item]
    if src == "-":
        items, total = [Item("stdin", None)], 1
    else:
        root = Path(src)
        if not root.exists() and not root.is_symlink():
            _err(f"clean: {src}: no such file or directory")
            raise typer.Exit(EXIT_USAGE)
        if root.is_dir():
            if out_dir is not None and inside(out_dir, root):
                _err(f"clean: OUT ({dst}) is inside IN ({src}); choose another folder")
                raise typer.Exit(EXIT_USAGE)
            if out_dir is not None and inside(root, out_dir):
                # OUT/<path under IN> can fall inside IN (IN=out/x, a file x/z/a.html there
                # goes to out/x/z/a.txt), and IN is never written to.
                _err(f"clean: IN ({src}) is inside OUT ({dst}); choose another folder")
                raise typer.Exit(EXIT_USAGE)
            total = count_items(root)
            items = walk(root)
        else:
            items, total = [Item(root.name, root, explicit=True)], 1
    report_fh = None
    if report is not None:
        try:
            report_fh = open(report, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            _err(f"clean: cannot write the report {report}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_USAGE) from None

    job = Job(
        rule_dirs, not no_site_rules, url, site, not no_site_rules,
        markdown=fmt is Format.md, html=html,
    )  # fmt: skip
    if learn and root is not None:
        from cleaner.run.learn_pass import count_folder, describe

        if not quiet and total > 1:
            _err(f"clean: --learn: counting the lines of {total} inputs first")
        counted = count_folder(
            root, rule_set, url=url, site=site, site_rules=not no_site_rules,
            max_bytes=max_bytes, min_pages=learn,
        )  # fmt: skip
        job = dataclasses.replace(job, learned=counted.learned)
        if not quiet:
            _err(describe(counted))
    workers = max(1, min(_jobs(jobs, quiet), total))
    this = Run(
        fmt,
        out_dir,
        mirror=root is not None and root.is_dir(),
        overwrite=overwrite,
        max_bytes=max_bytes,
        skip_existing=skip_existing,
        source=root,
        follow_symlinks=follow_symlinks,
        out_file=out_file,
    )
    summary = Summary()
    explain_stream = sys.stderr if out_dir is None else sys.stdout
    stdin = sys.stdin.buffer if src == "-" else None
    # The bar is drawn on stderr only when nothing else writes to that terminal meanwhile.
    busy = (explain_ and out_dir is None) or (
        (out_dir is None or explain_) and _isatty(sys.stdout) and _isatty(sys.stderr)
    )
    progress = Progress(total, mode=progress_mode(quiet, terminal_busy=busy))
    tally = Tally(summary, report_fh, explain_, explain_stream, progress)
    # Worker processes, but for --jobs 1 --timeout 0 (no budget to keep: this process cleans).
    pool = Pool(job, timeout, workers) if workers > 1 or timeout > 0 else None
    interrupted = False
    report_failed: str | None = None
    try:
        if pool is None:
            clean_in_process(this, items, job, tally, stdin)
        else:
            clean_in_workers(this, items, pool, tally, stdin)
    except KeyboardInterrupt:
        interrupted = True
    except ReportError as exc:
        report_failed = str(exc)
    finally:
        stop_now = interrupted or report_failed is not None
        with sigint_ignored(interrupted):  # a second Ctrl-C must not cut the tidying short
            if pool is not None:
                pool.close(now=stop_now)
            progress.close()
            if report_fh is not None:
                try:
                    report_fh.close()
                except OSError as exc:  # the last lines could not be flushed (a full disk)
                    report_failed = report_failed or exc.strerror or str(exc)

    if report_failed is not None:
        if not quiet:
            _err(summary.render())
        total = max(total, summary.read)
        _err(
            f"clean: cannot write the report {report}: {report_failed}; stopped after "
            f"{summary.read} of {total} inputs (their outputs are written; run again with "
            "--skip-existing and another --report to finish)"
        )
        raise typer.Exit(EXIT_FAILED)

    if interrupted:
        if not quiet:
            _err(summary.render())
            total = max(total, summary.read)  # IN gained files after it was counted
            _err(
                f"clean: interrupted: {total - summary.read} of {total} inputs not done; "
                "run again with --skip-existing to finish"
            )
        raise typer.Exit(EXIT_INTERRUPTED)
    if not quiet:
        _err(summary.render())
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


_FORMAT_OF_SUFFIX = {".json": Format.json, ".txt": Format.txt, ".md": Format.md}


def _one_input(src: str) -> bool:
    """IN is stdin or one file (not a folder)."""
    return src == "-" or not Path(src).is_dir()


def _names_a_file(out: Path) -> bool:
    """OUT names an output file: it has a suffix (`out.txt`) and is no existing folder."""
    return bool(out.suffix) and not out.is_dir()


def _default_jobs() -> int:
    from cleaner.run.parallel import default_jobs

    return default_jobs()


def _jobs(jobs: int, quiet: bool) -> int:
    """--jobs, or every CPU for 0; at most JOBS_PER_CPU per CPU (--jobs 1000 on two cores
    would fork a thousand processes, each with the models loaded, to share two CPUs)."""
    cpus = _default_jobs()
    most = JOBS_PER_CPU * cpus
    if jobs > most:
        if not quiet:
            _err(f"clean: --jobs {jobs} is more than {JOBS_PER_CPU} per CPU ({cpus}): using {most}")
        return most
    return jobs or cpus


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _is_records(path: str) -> bool:
    from cleaner.run.records import detect_format

    return path != "-" and detect_format(path) is not None


def _refuse_for_records(
    src: str,
    url: str | None,
    follow_symlinks: bool,
    text_field: str | None,
    url_field: str | None,
) -> None:
    """A record run takes every option of a folder run that has a meaning for records; the
    others are refused (exit 2), never ignored."""
    from cleaner.run.records import detect_format

    why = None
    if url is not None:
        why = (
            "--url names one page; each record of a record file has its own URL (its "
            "--url-field): use --site to force the site of every record"
        )
    elif follow_symlinks:
        why = "--follow-symlinks applies to the files of a folder; a record file has none"
    elif detect_format(src) == "warc" and (text_field or url_field):
        option = "--text-field" if text_field else "--url-field"
        why = (
            f"{option} applies to JSON Lines and Parquet; a WARC record's page is its payload "
            "and its URL its WARC-Target-URI"
        )
    if why is not None:
        _err(f"clean: {why}")
        raise typer.Exit(EXIT_USAGE)


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
    timeout: float = 0,
    *,
    report: Path | None = None,
    explain_: bool = False,
    fmt: Format | None = None,
    max_bytes: int | None = None,
    id_field: str | None = None,
    learn: int = 0,
    html: str = DEFAULT_HTML,
) -> None:
    """IN or OUT is a record file (JSON Lines, Parquet, WARC): stream it record by record.

    The output is written to a temporary file renamed at the end, so an existing OUT is a
    finished run: --skip-existing then skips the whole run (exit 0). `-` writes JSON Lines to
    stdout. --report has a line per record, --explain lists each record's removed lines (on
    stdout, or stderr when the records go there), --format json adds them to each record."""
    from cleaner.run.record_run import RecordTally
    from cleaner.run.records import (
        RecordsError,
        RecordsWriteError,
        Stats,
        clean_records,
        detect_format,
    )

    if skip_existing and dst != "-" and os.path.exists(dst):
        if not quiet:
            _err(f"{src}: skipped: {OUTPUT_EXISTS} ({dst}; --skip-existing)")
        raise typer.Exit(EXIT_OK)
    learned = None
    if learn:  # the counting pass reads IN once more before it is cleaned (rules/repetition.py)
        from cleaner.run.learn_pass import count_records, describe

        if src == "-":
            _err("clean: --learn reads IN twice: not stdin")
            raise typer.Exit(EXIT_USAGE)
        try:
            counted = count_records(
                src, ruleset(rule_dirs, builtin=site_rules), text_field=text_field,
                url_field=url_field, site=site, site_rules=site_rules, min_pages=learn,
            )  # fmt: skip
        except RecordsError as exc:
            _err(f"clean: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        learned = counted.learned
        if not quiet:
            _err(describe(counted))
    stats = Stats()
    summary = Summary()  # the folder run's: each record counted by `tally`, in input order
    progress: Progress | None = None
    to_stdout = dst == "-"
    busy = (explain_ and to_stdout) or (
        (to_stdout or explain_) and _isatty(sys.stdout) and _isatty(sys.stderr)
    )

    def show(stats: Stats) -> None:
        nonlocal progress
        if progress is None:  # the reader is open: its total (Parquet) is known
            mode = progress_mode(quiet, terminal_busy=busy)
            progress = Progress(stats.total, mode=mode, unit="records")
        progress.update(summary.read, summary.failed, summary.skipped)

    def stop() -> None:
        """The run cut short: a report that would name the records of an output that is not
        written is not written either."""
        if progress is not None:
            progress.close()
        if report_fh is not None:
            with contextlib.suppress(OSError):
                report_fh.close()
        if report_tmp is not None:
            report_tmp.unlink(missing_ok=True)

    report_fh = None
    # A record file OUT appears whole at the end or not at all: so does its report, written to a
    # temporary file beside it (when it is a regular file, or new: never renamed over a device
    # such as /dev/stdout). Records to stdout are written as they go, and so is the report.
    report_tmp: Path | None = None
    if report is not None:
        try:
            if not to_stdout and (report.is_file() or not report.exists()):
                fd, report_tmp = temp_beside(report)
                report_fh = open(fd, "w", encoding="utf-8")  # noqa: SIM115 - closed below
            else:
                report_fh = open(report, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            _err(f"clean: cannot write the report {report}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_USAGE) from None
    if id_field is None:
        id_field = "warc_record_id" if detect_format(src) == "warc" else "id"
    stream = (sys.stderr if to_stdout else sys.stdout) if explain_ else None
    tally = RecordTally(src, dst, id_field, report_fh, stream, summary)
    # What a run cut short leaves: a file output is not there at all; on stdout the records
    # written so far are.
    lost = "the records before went to stdout" if to_stdout else f"{dst} not written"
    try:
        clean_records(
            src,
            dst,
            text_field=text_field,
            url_field=url_field,
            site=site,
            rules=rule_dirs,
            site_rules=site_rules,
            jobs=_jobs(jobs, quiet),
            stats=stats,
            progress=show,
            timeout=timeout or None,
            max_bytes=max_bytes,
            detail=fmt is Format.json,
            markdown=fmt is Format.md,
            on_record=tally,
            learned=learned,
            html=html,
            on_late_error=tally.late_error,
            # The summary alone needs no removed lines: a worker need not send them back.
            result_lines=report_fh is not None or explain_,
        )
    except ReportError as exc:
        stop()
        _err(
            f"clean: cannot write the report {report}: {exc}; stopped after {stats.records} "
            f"records; {lost}"
        )
        raise typer.Exit(EXIT_FAILED) from None
    except RecordsWriteError as exc:
        stop()
        _err(f"clean: {exc}; {lost} ({stats.records} records were cleaned)")
        raise typer.Exit(EXIT_FAILED) from None
    except RecordsError as exc:
        stop()
        _err(f"clean: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        with sigint_ignored(True):  # a second Ctrl-C must not cut the tidying short
            stop()
        if not quiet:
            _err(f"clean: interrupted after {stats.records} records; {lost}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if progress is not None:
        progress.close()
    if report_fh is not None:
        try:
            report_fh.close()
            if report_tmp is not None:
                put_in_place(report_tmp, report)  # type: ignore[arg-type]
        except OSError as exc:
            if report_tmp is not None:
                report_tmp.unlink(missing_ok=True)
            _err(f"clean: cannot write the report {report}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_FAILED) from None
    if not quiet:
        if stats.kinds:
            summary.warc_records(src, stats.kinds, stats.not_cleaned)
        _err(summary.render())
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


_STOPPED_BY: list[int] = []  # the signal (SIGTERM, SIGHUP) that stopped the run, if one did


def _stop(signum: int, frame) -> None:
    """SIGTERM and SIGHUP stop a run as Ctrl-C does (summary, no half output); the exit code
    is then 128 + the signal's number, as a shell reports it."""
    _STOPPED_BY.append(signum)
    signals.latch(signum, frame)


def main() -> None:
    if threading.current_thread() is threading.main_thread():
        signals.reset()
        signal.signal(signal.SIGINT, signals.latch)
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _stop)
    try:
        from cleaner.run.learn_cmd import dispatch  # `clean learn`, `clean rules check`

        if not dispatch(sys.argv[1:]):
            app()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED and _STOPPED_BY:
            raise SystemExit(128 + _STOPPED_BY[0]) from None
        raise
