"""The rule registry: one record per generic rule code, read from `codes.toml` beside this file.

Each code's name, kind, stage, reason and description is written once, there: the rule modules
(rules/generic.py, core/article.py, core/segment.py) take their reasons from RULES, and
`clean --list-rules`, `clean rule CODE` and README.md's rule table are made from it. The site
rule files (rules/*.toml) carry their own codes and reasons; `site_codes` lists them.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.sites.identify import RuleSet

SOURCE = Path(__file__).with_name("codes.toml")
KINDS = ("remove", "keep", "metadata")
# Where a rule runs, in pipeline order, and what that step is.
STAGES = {
    "markup": "segmenting: markdown lines with no text, before any rule",
    "site": "the site's rule file (rules/<domain>.toml), before every generic rule",
    "line shape": "generic line rules recognising a line by its shape (bylines, dates, URLs, tokens)",
    "phrase": "generic phrase rules: whole lines (or a line's start) recognised by their wording",
    "structural": "generic rules over several lines: feeds, threads, lists, captions",
    "article finder": "the dense run of prose, its title, its header, its footer, its closing credit",
    "model": "the learned decision over every unit (cleaner/core/boilerplate_model.json)",
    "cross-page": "lines counted over a folder of one site's pages first (--learn)",
}
_FIELDS = ("code", "name", "kind", "stage", "reason", "catches", "why", "fires", "spares")
_CODE = re.compile(r"[GKM][0-9]{3}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class RegistryError(ValueError):
    """codes.toml is malformed (a test and the import both say which record and why)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One generic rule code."""

    code: str
    name: str
    kind: str  # remove | keep | metadata
    stage: str  # a key of STAGES
    reason: str  # printed per line by --explain
    catches: str  # what it catches
    why: str  # why it exists, and what keeps it from taking article text
    fires: str  # an input on which cleaner.clean(fires, **options) reports the code
    spares: str  # a near miss on which it does not
    options: dict = field(default_factory=dict)  # keyword arguments of cleaner.clean
    # A rule whose examples one call of cleaner.clean cannot show (a cross-page rule needs a
    # folder of pages): the test file that checks them instead.
    checked_by: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """(code, reason), as the rule modules pass them to Doc.remove."""
        return self.code, self.reason

    def as_dict(self) -> dict:
        return {
            **{name: getattr(self, name) for name in _FIELDS},
            "stage_means": STAGES[self.stage],
            "options": dict(self.options),
            "checked_by": self.checked_by,
        }


def _record(raw: dict, where: str) -> Rule:
    missing = [f for f in _FIELDS if not isinstance(raw.get(f), str) or not raw[f].strip()]
    unknown = sorted(set(raw) - {*_FIELDS, "options", "checked_by"})
    if missing or unknown:
        raise RegistryError(f"{where}: missing or empty {missing}, unknown keys {unknown}")
    if not _CODE.fullmatch(raw["code"]) or not _NAME.fullmatch(raw["name"]):
        raise RegistryError(f"{where}: code {raw['code']!r} or name {raw['name']!r} malformed")
    if raw["kind"] not in KINDS or raw["stage"] not in STAGES:
        raise RegistryError(f"{where}: kind {raw['kind']!r} or stage {raw['stage']!r} unknown")
    text = {f: raw[f] if f in ("fires", "spares") else " ".join(raw[f].split()) for f in _FIELDS}
    return Rule(**text, options=dict(raw.get("options", {})), checked_by=raw.get("checked_by"))


def load(source: Path = SOURCE) -> dict[str, Rule]:
    """Every record of `source` by code, sorted by code; RegistryError when one is malformed."""
    with open(source, "rb") as fh:
        data = tomllib.load(fh)
    rules: dict[str, Rule] = {}
    for i, raw in enumerate(data.get("rule", [])):
        rule = _record(raw, f"{source.name}: rule[{i}] ({raw.get('code', '?')})")
        if rule.code in rules or any(r.name == rule.name for r in rules.values()):
            raise RegistryError(f"{source.name}: {rule.code} ({rule.name}) is listed twice")
        rules[rule.code] = rule
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = load()


def generic_codes() -> list[tuple[str, str, str]]:
    """(code, name, reason) for every generic rule, sorted by code."""
    return [(r.code, r.name, r.reason) for r in RULES.values()]


def site_codes(rules: RuleSet) -> list[tuple[str, str, str]]:
    """(code, site, reason) for every rule in the site files in force."""
    return sorted(
        (code, site.domain, reason) for site in rules.sites for code, reason in site.codes()
    )


def find(query: str) -> Rule | None:
    """The record of a code (any case) or of a name."""
    q = query.strip()
    return RULES.get(q.upper()) or next((r for r in RULES.values() if r.name == q.lower()), None)


def nearest(query: str, codes: list[str], n: int = 3) -> list[str]:
    """The codes (and names, given as codes) nearest to an unknown query: the same letters with
    the closest numbers first (G120 -> G119, G118; G1O1 -> G101), then those spelt alike."""
    q = query.strip().upper()
    found: list[str] = []
    m = re.fullmatch(r"([A-Z]+?)\s*([0-9OIL]+)", q)  # G1O1: an O for a 0, an I or l for a 1
    if m:
        number = int(m[2].translate(str.maketrans("OIL", "011")))
        same = [c for c in codes if re.fullmatch(rf"{m[1]}[0-9]+", c)]
        same.sort(key=lambda c: (abs(int(c[len(m[1]) :]) - number), c))
        found += same[:n]
    found += difflib.get_close_matches(q, codes, n=n, cutoff=0.6)
    names = {r.name: r.code for r in RULES.values()}
    found += [names[x] for x in difflib.get_close_matches(query.strip().lower(), names, n=n)]
    return list(dict.fromkeys(found))[:n]


# --- README.md's table ------------------------------------------------------------------------

TABLE_START = (
    "<!-- rule table: made from cleaner/rules/codes.toml; "
    "`python3 -m pytest tests/test_registry.py --update-readme` rewrites it -->"
)
TABLE_END = "<!-- end of rule table -->"


def readme_table() -> str:
    """The markdown table of every generic rule, as README.md holds it between its markers."""
    rows = ["| code | name | kind | stage | what it catches |", "|---|---|---|---|---|"]
    for r in RULES.values():
        cells = (r.code, r.name, r.kind, r.stage, r.catches)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def with_table(readme: str) -> str:
    """`readme` with the text between its table markers replaced by readme_table()."""
    start, end = readme.index(TABLE_START), readme.index(TABLE_END)
    return f"{readme[: start + len(TABLE_START)]}\n{readme_table()}\n{readme[end:]}"
