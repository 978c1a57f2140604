"""`clean --list-rules` and `clean rule CODE`: the rule registry (rules/codes.toml) and the site
rule files in force, printed for people (or as JSON)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from cleaner.rules.registry import RULES, STAGES, Rule, find, generic_codes, nearest, site_codes
from cleaner.sites.identify import RuleSet
from cleaner.sites.rulefile import SiteRules

WIDTH = 88
EXIT_OK, EXIT_USAGE = 0, 2


def list_rules(rules: RuleSet, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    print("Generic rules:", file=out)
    for code, name, reason in generic_codes():
        print(f"  {code}  {name:<20} {RULES[code].kind:<10}{reason}", file=out)
    print("Site rules:", file=out)
    for code, site, reason in site_codes(rules):
        print(f"  {code}  {site:<20} {reason}", file=out)


def _site_rule(code: str, rules: RuleSet) -> dict | None:
    """The record of a site rule: its file, kind, reason and what it matches."""
    for site in rules.sites:
        for kind, found in _site_parts(site):
            if found[0] == code:
                _, reason, matches = found
                return {
                    "code": code,
                    "site": site.domain,
                    "file": site.path,
                    "kind": kind,
                    "stage": "site",
                    "reason": reason,
                    "matches": matches,
                }
    return None


def _site_parts(site: SiteRules):
    for r in site.lines:
        kind = "remove (the matched part of the output text)" if r.span else "remove"
        yield kind, (r.code, r.reason, {"line": r.matcher.pattern.pattern})
    for b in site.blocks:
        ends = {"end": b.end.pattern.pattern} if b.end else {}
        where = {"start": b.start.pattern.pattern, **ends, "max_lines": b.max_lines}
        yield "remove (a block of lines)", (b.code, b.reason, where)
    for m in site.meta:
        yield (
            "metadata" if m.drop else "metadata (the line stays)",
            (
                m.code,
                m.reason,
                {"line": m.pattern.pattern},
            ),
        )
    if site.article:
        a = site.article
        where = {
            k: v.pattern.pattern
            for k, v in (("start_after", a.start_after), ("end_before", a.end_before))
            if v is not None
        }
        yield "remove (outside the article markers)", (a.code, a.reason, where)
    if site.html_code:
        yield (
            "remove (HTML nodes, before extraction)",
            (
                site.html_code,
                site.html_reason or "",
                {"css": list(site.html_strip)},
            ),
        )


def _para(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _example(text: str) -> str:
    return "\n".join(f"  | {line}".rstrip() for line in text.rstrip("\n").split("\n"))


def describe(rule: Rule) -> str:
    """A generic rule's record, for people."""
    options = ", ".join(f"{k}={v!r}" for k, v in rule.options.items())
    call = f"cleaner.clean(text, {options})" if options else "cleaner.clean(text)"
    return "\n".join(
        [
            f"{rule.code} {rule.name}",
            "",
            f"Kind: {rule.kind}. Stage: {rule.stage} ({STAGES[rule.stage]}).",
            f"Reported as: {'kept by ' if rule.kind == 'keep' else ''}{rule.code} {rule.reason}",
            "",
            "What it catches:",
            _para(rule.catches),
            "",
            "Why:",
            _para(rule.why),
            "",
            f"Fires on (through {call}):",
            _example(rule.fires),
            "",
            "Does not fire on:",
            _example(rule.spares),
        ]
    )


def _describe_site(record: dict) -> str:
    lines = [
        f"{record['code']} site rule of {record['site']} ({record['file']})",
        "",
        f"Kind: {record['kind']}. Stage: site ({STAGES['site']}).",
        f"Reported as: {record['code']} {record['reason']}",
        "",
        "Matches (tried on each line as --explain shows it and with its markdown markup removed):",
    ]
    lines += [f"  {key}: {value}" for key, value in record["matches"].items()]
    return "\n".join(lines)


def show_rule(query: str | None, rules: RuleSet, as_json: bool = False) -> int:
    """`clean rule CODE`: print the record of a code (or a generic rule's name); an unknown one
    is a usage error that names the nearest codes. Returns the exit code."""
    if not query:
        print("clean: usage: clean rule CODE (clean --list-rules lists the codes)", file=sys.stderr)
        return EXIT_USAGE
    rule = find(query)
    site = None if rule is not None else _site_rule(query.strip().upper(), rules)
    if rule is None and site is None:
        codes = [c for c, _, _ in generic_codes()] + [c for c, _, _ in site_codes(rules)]
        close = nearest(query, codes)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(
            f"clean: unknown rule code {query!r}{hint} (clean --list-rules lists them)",
            file=sys.stderr,
        )
        if Path("rule").exists():
            print("clean: to clean the file or folder named rule, write ./rule", file=sys.stderr)
        return EXIT_USAGE
    if rule is not None:
        print(
            json.dumps(rule.as_dict(), ensure_ascii=False, indent=2) if as_json else describe(rule)
        )
    elif site is not None:
        print(json.dumps(site, ensure_ascii=False, indent=2) if as_json else _describe_site(site))
    return EXIT_OK
