"""Every fixture comes out exactly as expected; a failure shows a unified diff.

After a deliberate change, refresh the expected files with `pytest --update-fixtures` and review
the diff in git before committing.
"""

from __future__ import annotations

import difflib
import json

import pytest
from fixture_cases import cases, dump_meta, observed

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case, update_fixtures):
    text, meta = observed(case)
    if update_fixtures:
        case.expected_text.write_text(text, encoding="utf-8")
        case.expected_meta.write_text(dump_meta(meta), encoding="utf-8")
        return
    expected = case.expected_text.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{case.id}/expected.txt",
                tofile=f"{case.id}/output",
            )
        )
        pytest.fail(f"output differs from {case.id}/expected.txt:\n{diff}", pytrace=False)
    want = json.loads(case.expected_meta.read_text(encoding="utf-8"))
    assert meta == want, f"{case.id}: metadata or fired rules differ"


def test_there_are_enough_fixtures():
    assert len(CASES) >= 25
