"""With --no-site-rules, the generic heuristics alone keep every seed page at F1 >= 0.95."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from fixture_cases import cases

from cleaner import clean

SEEDS = [c for c in cases() if c.path.name.startswith("seed-") and not c.args]


def f1(out: str, expected: str) -> float:
    def shingles(s: str) -> Counter:
        t = re.findall(r"\w+", s)
        return Counter(tuple(t[i : i + 4]) for i in range(max(1, len(t) - 3)))

    a, b = shingles(out), shingles(expected)
    tp = sum((a & b).values())
    p, r = tp / max(1, sum(a.values())), tp / max(1, sum(b.values()))
    return 2 * p * r / (p + r) if p + r else 0.0


def test_all_five_seeds_are_fixtures():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("case", SEEDS, ids=[c.id for c in SEEDS])
def test_generic_only_f1(case):
    out = clean(case.input.read_bytes(), name=case.input.name, site_rules=False).text
    assert f1(out, case.expected_text.read_text(encoding="utf-8")) >= 0.95
