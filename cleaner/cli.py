"""`clean IN OUT`: clean a folder, a file or stdin of scraped page copies."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .catalog import generic_codes, site_codes
from .pipeline import run
from .report import Summary, explain
from .rulefile import RuleFileError, RuleTimeout
from .sites import RuleSet, ruleset

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Format(StrEnum):
    txt = "txt"
    json = "json"


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _inputs(src: Path) -> list[Path]:
    if src.is_dir():
        return sorted(p for p in src.rglob("*") if p.is_file() or p.is_symlink())
    return [src]


def _write_atomic(path: Path, data: str) -> None:
    """Temporary file then rename: an interrupted run never leaves half an output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, no warnings.")] = False,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="Print every rule code and exit.")
    ] = False,
) -> None:
    """Turn scraped copies of web pages into canonical article text."""
    try:
        rule_set = ruleset(tuple(str(d) for d in rules), builtin=not no_site_rules)
    except RuleFileError as exc:
        _err(f"clean: invalid rule file:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if list_rules:
        _list_rules(rule_set)
        raise typer.Exit(EXIT_OK)
    if src is None or dst is None:
        _err("clean: usage: clean IN OUT (see clean --help)")
        raise typer.Exit(EXIT_USAGE)

    to_stdout = dst == "-"
    out_dir = None if to_stdout else Path(dst)
    if src == "-":
        items: list[tuple[str, Path | None]] = [("stdin", None)]
        root = None
    else:
        root = Path(src)
        if not root.exists() and not root.is_symlink():
            _err(f"clean: {src}: no such file or directory")
            raise typer.Exit(EXIT_USAGE)
        if out_dir is not None and root.is_dir():
            a, b = root.resolve(), out_dir.resolve()
            if b == a or a in b.parents:
                _err(f"clean: OUT ({dst}) is inside IN ({src}); choose another folder")
                raise typer.Exit(EXIT_USAGE)
        items = [(str(p.relative_to(root)) if root.is_dir() else p.name, p) for p in _inputs(root)]

    summary = Summary()
    explain_stream = sys.stderr if to_stdout else sys.stdout
    planned: dict[Path, str] = {}
    for rel, path in items:
        summary.read += 1
        try:
            data = sys.stdin.buffer.read() if path is None else path.read_bytes()
        except OSError as exc:
            summary.failed += 1
            summary.failures.append((rel, f"cannot read: {exc.strerror or exc}"))
            continue
        target = None
        if out_dir is not None:
            rel_path = Path(rel)
            suffix = ".json" if fmt is Format.json else ".txt"
            target = (
                out_dir / rel_path.parent / (rel_path.stem + suffix)
                if root and root.is_dir()
                else out_dir / (rel_path.stem + suffix)
            )
            if target in planned:
                summary.failed += 1
                summary.failures.append(
                    (rel, f"output {target} is already written for {planned[target]}")
                )
                continue
            planned[target] = rel
            if target.exists() and not overwrite:
                summary.skipped += 1
                summary.skips.append((rel, f"{target} exists (use --overwrite)"))
                continue
        try:
            result = run(
                data,
                rule_set,
                url=url,
                site=site,
                name=path.name if path else None,
                site_rules=not no_site_rules,
            )
        except RuleTimeout as exc:
            summary.failed += 1
            summary.failures.append((rel, f"timeout: {exc}"))
            continue
        except Exception as exc:  # one bad file must not stop the run
            summary.failed += 1
            summary.failures.append((rel, f"{type(exc).__name__}: {exc}"))
            continue
        summary.add(result)
        if explain_:  # the report names the warnings; the summary need not repeat them
            print(explain(rel, result), file=explain_stream)
        else:
            summary.warnings.extend((rel, w) for w in result.warnings)
        rendered = _render(result, fmt)
        if target is None:
            sys.stdout.write(rendered if fmt is Format.txt else rendered + "\n")
        else:
            try:
                _write_atomic(target, rendered)
            except OSError as exc:
                summary.failed += 1
                summary.failures.append((rel, f"cannot write {target}: {exc.strerror or exc}"))
                continue
        summary.written += 1

    if not quiet:
        _err(summary.render())
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


def main() -> None:
    app()
