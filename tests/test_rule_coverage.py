"""A rule that never fires on a fixture is dead code: every code must show up in some fixture."""

from __future__ import annotations

import json

from fixture_cases import ROOT, cases

from cleaner.rules.registry import RULES, generic_codes, site_codes
from cleaner.sites.identify import ruleset


def _fired() -> set[str]:
    seen: set[str] = set()
    for case in cases():
        meta = json.loads(case.expected_meta.read_text(encoding="utf-8"))
        seen.update(meta["rules"])
        seen.update(meta.get("kept", []))
        if "route" in meta:
            seen.add(meta["route"])
    # G601 needs a folder of pages of one site: the --learn runs of tests/test_learn.py
    learned = ROOT / "learn" / "expected" / "rules.json"
    for codes in json.loads(learned.read_text(encoding="utf-8")).values():
        seen.update(codes)
    return seen


def test_every_generic_rule_fires_on_a_fixture():
    # A record with `checked_by` names the test that shows it firing and not firing instead
    # (a learned rule whose firing depends on the shipped model's probabilities).
    exempt = {code for code, rule in RULES.items() if rule.checked_by}
    missing = sorted(c for c, _, _ in generic_codes() if c not in _fired() and c not in exempt)
    assert not missing, f"generic rules that no fixture exercises: {missing}"


def test_every_builtin_site_rule_fires_on_a_fixture():
    missing = sorted(code for code, _, _ in site_codes(ruleset()) if code not in _fired())
    assert not missing, f"site rules that no fixture exercises: {missing}"


def test_codes_are_unique_across_generic_and_site_rules():
    codes = [c for c, _, _ in generic_codes()] + [c for c, _, _ in site_codes(ruleset())]
    assert len(codes) == len(set(codes))
