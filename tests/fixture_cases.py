"""Fixture cases: fixtures/<group>/<case>/ holds input.<txt|md|html>, expected.txt, expected.json.

expected.json has the metadata (title, byline, date, site, url), `rules`: the sorted codes of
every rule that removed something, `kept`: the codes of keep rules that protected a line, and on
routed HTML `route`: the router's code. An optional args.json passes options to `cleaner.clean`
(url, site, site_rules, html, markdown: the output as markdown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class Case:
    path: Path

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def input(self) -> Path:
        (found,) = sorted(self.path.glob("input.*"))
        return found

    @property
    def args(self) -> dict:
        p = self.path / "args.json"
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}

    @property
    def expected_text(self) -> Path:
        return self.path / "expected.txt"

    @property
    def expected_meta(self) -> Path:
        return self.path / "expected.json"


def cases() -> list[Case]:
    # fixtures/learn/ holds folders of pages of whole sites (tests/test_learn.py), not cases.
    return [Case(p) for p in sorted(ROOT.glob("*/*")) if p.is_dir() and p.parent.name != "learn"]


def observed(case: Case) -> tuple[str, dict]:
    from cleaner import clean

    result = clean(case.input.read_bytes(), name=case.input.name, **case.args)
    meta = dict(result.metadata)
    meta["rules"] = result.rules_fired
    meta["kept"] = sorted({k.rule for k in result.kept})
    if result.route:  # HTML read both ways: the router's code (core/route.py)
        meta["route"] = result.route.split()[0]
    return result.text, meta


def dump_meta(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
