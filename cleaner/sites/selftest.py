"""Rule files that test themselves: `[[test]]` cases, run by `clean rules check DIR`.

A case names a page (`input`) and the text it must clean to (`expected`), both beside the rule
file. It is cleaned as `clean --rules DIR --site <the file's domain>` would clean it: the
built-in rule files, then DIR's (which replace the built-in one for the same site).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from cleaner.core.pipeline import run
from cleaner.sites.identify import RuleSet, load_dir


@dataclass(frozen=True)
class CaseResult:
    rule_file: str
    input: str
    ok: bool
    diff: str  # a unified diff of expected against the output, or why the case could not run


def check_dir(directory: Path, builtin: bool = True) -> list[CaseResult]:
    """Every test case of every rule file in `directory` (RuleFileError for a bad file)."""
    rules = RuleSet.from_dirs((directory,), builtin=builtin)  # not cached: files change
    out = []
    for site in load_dir(directory):
        for given, wanted in site.tests:
            out.append(_check(rules, site.domain, Path(site.path), given, wanted))
    return out


def _check(rules: RuleSet, domain: str, rule_file: Path, given: str, wanted: str) -> CaseResult:
    folder = rule_file.parent
    try:
        data = (folder / given).read_bytes()
        expected = (folder / wanted).read_text(encoding="utf-8")
    except OSError as exc:
        return CaseResult(str(rule_file), given, False, f"cannot read: {exc}")
    text = run(data, rules, site=domain, name=Path(given).name).text
    if text == expected:
        return CaseResult(str(rule_file), given, True, "")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=str(folder / wanted),
            tofile=f"{folder / given} (cleaned)",
        )
    )
    return CaseResult(str(rule_file), given, False, diff)


def expected_text(rules: RuleSet, domain: str, data: bytes, name: str) -> str:
    """What a test case's page cleans to, as check_dir cleans it."""
    return run(data, rules, site=domain, name=name).text
