"""Hostile documents take time linear in their size (#14, case 6).

Each test builds one shape at a size where the quadratic code took many seconds (the figures in
the comments were measured on the development machine) and asserts that cleaning it now takes a
small part of that: BUDGET is generous enough for a slow, shared CI machine, and far under the
old times. The shapes: openers without closers on one long line (the markdown patterns of
normalise.strip_inline and read._MD_SIGNALS scanned to the end of the line from each), and long
runs of short lines (segment.join_broken and generic.story_list rescanned what they had built).
"""

from __future__ import annotations

import time

import pytest

from cleaner import clean

BUDGET = 2.0  # seconds; every shape below takes well under 0.5 s now


def timed(text: str, name: str) -> float:
    start = time.perf_counter()
    result = clean(text, name=name)
    seconds = time.perf_counter() - start
    assert result.skipped is None
    return seconds


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    clean("A first paragraph of the warm-up page.\n\nAnd its second one.", name="page.txt")


# Openers without their closers, on one line. (name, text): the old times in the comments.
OPENERS = {
    "strong": "**x " * 20_000,  # 80 KB: 36 s
    "strong-underscores": "__x " * 20_000,  # 80 KB: 41 s
    "link-text": "](" * 30_000 + "[" * 30_000,  # 90 KB: about 13 s as .txt
    "image": "![a](" * 20_000,  # 100 KB: 6 s as .txt
    "link-url": "[x](" * 20_000,  # 80 KB: 12 s as .txt
    "autolink": "<http://a" * 10_000,  # 90 KB: about 12 s
}


@pytest.mark.parametrize("suffix", ["md", "txt"])
@pytest.mark.parametrize("shape", sorted(OPENERS))
def test_unclosed_markdown_openers_take_linear_time(shape, suffix):
    seconds = timed(OPENERS[shape], f"page.{suffix}")
    assert seconds < BUDGET, f"{shape} as .{suffix}: {seconds:.1f} s"


def test_date_lines_take_linear_time():
    # 10,000 date lines (150 KB): 6 s in generic.story_list, which measured the run of evenly
    # spaced stamps again from every stamp in it.
    text = "".join(f"March {1 + i % 28}, 2021\n" for i in range(10_000))
    seconds = timed(text, "page.txt")
    assert seconds < BUDGET, f"{seconds:.1f} s"


def test_broken_lines_take_linear_time():
    # One sentence broken over 50,000 lower-case lines (350 KB): segment.join_broken rebuilt and
    # recounted the growing paragraph at every line.
    text = "the first line of this broken paragraph goes on and on\n" + "and on\n" * 50_000
    start = time.perf_counter()
    result = clean(text, name="page.txt")
    seconds = time.perf_counter() - start
    assert seconds < BUDGET, f"{seconds:.1f} s"
    assert result.text.count("and on") == 50_001  # one paragraph, every line kept


# Tables and code fences (#13): each line is looked at a bounded number of times.
LINES = {
    "unclosed-fences": "```a\n" * 20_000,  # each fence would search to the end for its closer
    "table-rows": "| a | b |\n" * 20_000,
    "rule-lines": "| a | b |\n|---|---|\n" * 10_000,
    "text-rows": "a | b\n" * 20_000,
}


@pytest.mark.parametrize("shape", sorted(LINES))
def test_tables_and_fences_take_linear_time(shape):
    from cleaner.core.segment import segment

    start = time.perf_counter()
    segment(LINES[shape], True)
    seconds = time.perf_counter() - start
    assert seconds < BUDGET / 2, f"{shape}: {seconds:.1f} s"
