"""`clean learn IN --out RULES_DIR` and `clean rules check DIR`: the subcommands beside
`clean IN OUT` (cli.main sends argv here when it starts with `learn` or `rules check`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cleaner.rules.repetition import DEFAULT_SHARE
from cleaner.run.learn_pass import input_files
from cleaner.sites.identify import RuleSet
from cleaner.sites.learn import DEFAULT_MIN_PAGES, SAMPLE_PAGES, Drafter, SiteDraft, render
from cleaner.sites.rulefile import RuleFileError, load_rule_file
from cleaner.sites.selftest import check_dir, expected_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SUMMARY_PAGES = 50  # pages per site cleaned with and without the draft for the summary

learn_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


@learn_app.command(no_args_is_help=True)
def learn(
    src: Annotated[Path, typer.Argument(metavar="IN", help="A folder of page copies.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the drafted rule files (<domain>.toml).")
    ],
    site: Annotated[
        str | None, typer.Option("--site", help="Every page is of this site (a domain).")
    ] = None,
    min_pages: Annotated[
        int, typer.Option("--min-pages", min=2, help="Pages a line must be on to be drafted.")
    ] = DEFAULT_MIN_PAGES,
    rules: Annotated[
        list[Path], typer.Option("--rules", help="More rule files, to identify sites by.")
    ] = [],  # noqa: B006
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace rule files already in --out.")
    ] = False,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1)] = 50_000_000,
) -> None:
    """Draft a rule file per site from what recurs across its pages in IN."""
    if not src.is_dir():
        _err(f"clean learn: {src}: not a folder")
        raise typer.Exit(EXIT_USAGE)
    try:
        known = RuleSet.from_dirs(tuple(rules), builtin=True)
    except RuleFileError as exc:
        _err(f"clean learn: invalid rule file:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None

    def pages():
        for path in input_files(src, max_bytes):
            try:
                yield str(path.relative_to(src)), path.read_bytes()
            except OSError:
                continue

    drafter = Drafter(pages, known, site=site, min_pages=min_pages, share=DEFAULT_SHARE)
    drafts = drafter.draft(only=site, taken=_prefixes(known, out))
    targets = [out / f"{d.domain}.toml" for d in drafts]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        _err(f"clean learn: {existing[0]} exists (--overwrite replaces it)")
        raise typer.Exit(EXIT_USAGE)
    out.mkdir(parents=True, exist_ok=True)
    for d, target in zip(drafts, targets, strict=True):
        test = _write(d, target)
        print(_summary(d, target, test, pages, site))
    few = {s: n for s, n in drafter.seen.items() if s not in {d.domain for d in drafts}}
    if few:
        listed = ", ".join(f"{s} ({n})" for s, n in sorted(few.items()))
        print(f"too few pages (fewer than {min_pages}, or nothing recurring): {listed}")
    if drafter.unknown:
        print(
            f"{drafter.unknown} pages with no site (no URL in the copy, no known fingerprint): "
            "pass --site DOMAIN for a folder of one site"
        )
    if not drafts:
        _err("clean learn: no site with enough pages: nothing drafted")
        raise typer.Exit(EXIT_FAILED)


def _prefixes(known: RuleSet, out: Path) -> set[str]:
    """Code prefixes of the rule files in force (built-in, --rules): a draft takes another."""
    taken = {code[:-3] for s in known.sites for code, _ in s.codes()}
    if out.is_dir():
        for path in sorted(out.glob("*.toml")):
            try:
                taken |= {code[:-3] for code, _ in load_rule_file(path).codes()}
            except RuleFileError:
                continue
    return taken


def _write(d: SiteDraft, target: Path) -> tuple[Path, Path] | None:
    """The rule file, and its test case (the page, and what the draft cleans it to)."""
    target.write_text(d.toml, encoding="utf-8")
    if d.test is None:
        return None
    name, data = d.test
    folder = target.parent / f"{d.domain}.tests"
    folder.mkdir(exist_ok=True)
    page = folder / Path(name).name
    page.write_bytes(data)
    expected = folder / (Path(name).stem + ".expected.txt")
    rel = (str(page.relative_to(target.parent)), str(expected.relative_to(target.parent)))
    target.write_text(render(d, rel), encoding="utf-8")
    load_rule_file(target)  # the validator takes it
    rules = RuleSet.from_dirs((target.parent,), builtin=True)
    expected.write_text(expected_text(rules, d.domain, data, page.name), encoding="utf-8")
    return page, expected


def _summary(d: SiteDraft, target: Path, test, pages, site: str | None) -> str:
    lines = [f"{d.domain}: {d.pages} pages; drafted {target}"]
    if d.fingerprints:
        lines.append("  fingerprints: " + ", ".join(d.fingerprints))
    for code, r, kind, _ in d.lines:
        lines.append(f"  {code} line ({kind}) on {r.pages} of {d.pages} pages: {r.text[:90]}")
    for code, start, end, length, count in d.blocks:
        lines.append(
            f"  {code} block on {count} of {d.pages} pages: {start[:40]} ... {end[:40]} "
            f"(up to {length} lines)"
        )
    for code, pattern, count in d.meta:
        lines.append(f"  {code} meta on {count} pages: {pattern}")
    if d.left_to_generic:
        lines.append(
            "  left to the generic rules: " + " | ".join(t[:50] for t in d.left_to_generic)
        )
    if d.spared:
        lines.append("  not drafted (titles, credit lines, bylines): " + str(len(d.spared)))
    lines.append("  " + _would_remove(d, target, pages, site))
    if test is not None:
        lines.append(f"  test case: {test[0]} -> {test[1]}")
    return "\n".join(lines)


def _would_remove(d: SiteDraft, target: Path, pages, site: str | None) -> str:
    """Lines removed with the draft and with the generic rules alone, on the site's first
    SUMMARY_PAGES pages (of the first SAMPLE_PAGES)."""
    from cleaner.core.pipeline import learning_view, run

    with_draft = RuleSet.from_dirs((target.parent,), builtin=False)
    generic = RuleSet(())
    ours = {code for code, _ in load_rule_file(target).codes()}
    n = by_draft = more = 0
    for name, data in pages():
        if n >= min(SUMMARY_PAGES, SAMPLE_PAGES):
            break
        key, _ = learning_view(data, with_draft, site=site, name=name)
        if key != d.domain:
            continue
        n += 1
        a = run(data, with_draft, site=d.domain, name=name)
        b = run(data, generic, site=d.domain, name=name, site_rules=False)
        by_draft += sum(r.rule in ours for r in a.removed)
        more += max(0, len(a.removed) - len(b.removed))
    return (
        f"would remove: {by_draft} lines by the draft's rules on {n} pages, "
        f"{more} more than the generic rules alone"
    )


@rules_app.callback()
def rules_group() -> None:
    """Rule files: `clean rules check DIR` runs their test cases."""


@rules_app.command("check", no_args_is_help=True)
def rules_check(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A folder of rule files.")],
) -> None:
    """Run the [[test]] cases of the rule files in DIR; a unified diff per failing case."""
    try:
        results = check_dir(directory)
    except RuleFileError as exc:
        _err(f"clean rules check: invalid rule file:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAIL {r.rule_file}: {r.input}\n{r.diff}")
    files = len({r.rule_file for r in results})
    print(f"{len(results) - len(failed)} of {len(results)} test cases pass ({files} rule files)")
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def dispatch(argv: list[str]) -> bool:
    """Run a subcommand when argv (without the program name) names one; False when it does
    not. `learn` is the subcommand unless a path named learn exists and no --out is given
    (then `clean learn OUT` cleans that folder; `clean ./learn OUT` always does)."""
    import os

    has_out = any(a == "--out" or a.startswith("--out=") for a in argv)
    if argv[:1] == ["learn"] and (has_out or not os.path.exists("learn")):
        learn_app(argv[1:], prog_name="clean learn")
        return True
    if argv[:2] == ["rules", "check"]:
        rules_app(argv[1:], prog_name="clean rules")
        return True
    return False
