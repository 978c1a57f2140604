"""The fast paths of the per-line tests give exactly what their reference patterns give.

Hot tests run on every line of every document, so some are written with string methods or the
stdlib `re` instead of one `regex` pattern. Each is checked here against the pattern it
replaces, on every line of the fixtures and on generated text.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core.article import (
    _CREDIT,
    _NEEDS_REGEX,
    _UNSPACED,
    count_words,
    is_credit,
    truncated,
    words,
)
from cleaner.core.normalise import (
    _MD_LINK,
    block_kind,
    bullet,
    collapse_spaces,
    n_tokens,
    normalise_text,
    strip_inline,
)
from cleaner.core.pipeline import _URL_IN_TEXT, _may_name_url
from cleaner.core.segment import ends_sentence
from cleaner.rules.firstchar import first_chars
from cleaner.rules.generic import _PHRASES_IN_ORDER, _combined

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_WORD = regex.compile(r"\w+")
TERMINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
_TRUNCATED = re.compile(r"\w(?:\.\.\.|…)$|\[(?:…|\.\.\.)\]$")
_SPACES = regex.compile(r"[\t\f\v\p{Zs}]+")
_MD_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|=+)$")
_TEXT_BULLET = regex.compile(r"^(?:[*•·▪◦‣]\s+|[+o\-]\s+(?=[\p{Lu}\d\"“‘'(]))")


def reference_count(text: str) -> int:
    n = len(_WORD.findall(text))
    unspaced = len(_UNSPACED.findall(text))
    return n + unspaced // 2


def reference_collapse(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def reference_bullet(line: str) -> tuple[str, str, str]:
    if _MD_RULE.match(line):
        return "rule", "", ""
    m = _TEXT_BULLET.match(line)
    if m and m.end() < len(line):
        return "item", line[: m.end()], line[m.end() :]
    return "text", "", line


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_MD_ITEM = re.compile(r"^[*+\-•]\s+(?=\S)")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")


def reference_block_kind(line: str) -> tuple[str, str, str]:
    if _MD_RULE.match(line):
        return "rule", "", ""
    if m := _MD_HEADING.match(line):
        return "heading", m.group(1) + " ", m.group(2)
    if m := _MD_QUOTE.match(line):
        return "quote", line[: m.end()], line[m.end() :]
    if m := _MD_ITEM.match(line):
        return "item", line[: m.end()], line[m.end() :]
    return "text", "", line


def fixture_lines() -> list[str]:
    lines: set[str] = set()
    for path in FIXTURES.rglob("*"):
        if path.is_file() and path.suffix in {".txt", ".md", ".html"}:
            text = normalise_text(path.read_bytes().decode("utf-8", "replace"))
            lines.update(text.split("\n"))
    return sorted(lines)


LINES = fixture_lines()
# Lines of every kind the fast paths branch on: ASCII, Latin with curly quotes, Cyrillic,
# Devanagari (combining marks), CJK, Thai, truncated teasers, bullets, odd spaces.
EXTRA = [
    "Прем'єр-міністр заявив, що «угода» буде підписана.",
    "प्रधानमंत्री ने कहा कि समझौता होगा।",
    "東京都は新しい計画を発表した。",
    "นายกรัฐมนตรีกล่าวว่า",
    "m² and ½ cup, x³",
    "plus JBL he...",
    "read more […]",
    "tail_...",
    "—...",
    "* * *",
    "- Item one",
    "o presidente disse",
    "o President said",
    "•\u00a0Item",
    "a\u2003b\u3000c\u00a0 d\t e",
    "word\u203fjoined",
    "With reporting by Reuters.",
    "(Reporting by Jane Doe; Editing by John Roe)",
    "Jane Doe contributed to this report.",
    "Contrıbuted to the story by İ.",
]


def test_fixture_corpus_is_not_empty():
    assert len(LINES) > 400


def test_count_words_matches_the_regex_definition():
    for line in LINES + EXTRA:
        assert count_words(line) == reference_count(line), line


def test_needs_regex_covers_every_code_point_where_re_and_regex_disagree():
    for o in range(sys.maxunicode + 1):
        if 0xD800 <= o <= 0xDFFF:
            continue
        c = chr(o)
        if _NEEDS_REGEX.match(c):
            continue
        assert bool(re.match(r"\w", c)) == bool(_WORD.match(c)), hex(o)
        assert not _UNSPACED.match(c), hex(o)


def test_ends_sentence_matches_terminal():
    for line in LINES + EXTRA:
        text = collapse_spaces(line)
        assert ends_sentence(text) == (TERMINAL.search(text) is not None), text


def test_truncated_matches_its_pattern():
    for line in LINES + EXTRA:
        text = collapse_spaces(line)
        assert truncated(text) == (_TRUNCATED.search(text) is not None), text


def test_collapse_spaces_matches_the_regex_on_normalised_lines():
    for line in LINES + EXTRA:
        assert collapse_spaces(line) == reference_collapse(line), line


def test_bullet_gate_changes_nothing():
    for line in LINES + EXTRA:
        text = collapse_spaces(line)
        assert bullet(text) == reference_bullet(text), text


def test_block_kind_gate_changes_nothing():
    for line in [*LINES, *EXTRA, "## Heading", "> quoted", "+ item", "=== ", "#hashtag"]:
        text = collapse_spaces(line)
        assert block_kind(text) == reference_block_kind(text), text


def test_credit_prefilter_changes_nothing():
    for line in LINES + EXTRA:
        text = collapse_spaces(line)
        expected = words(text) <= 50 and _CREDIT.search(text) is not None
        assert is_credit(text) == expected, text


# Generated text: mostly the characters the fast paths branch on.
ALPHABET = st.sampled_from(
    [
        *"ab Z9_.,!?…:;\"'”’»)]([-*•o+…",
        "\u00a0",
        "\u2003",
        "\t",
        "é",
        "ж",
        "²",
        "½",
        "\u0301",
        "東",
        "ก",
        "\u200d",
        "‿",
        "。",
        "ı",
        "İ",
        "#",
        "># ",
        "=",
        " by ",
        "reporting ",
        "contributed to the report",
        "Editing ",
    ]
)
TEXTS = st.lists(ALPHABET, max_size=30).map("".join)


@settings(max_examples=300, derandomize=True)
@given(TEXTS)
def test_fast_paths_on_generated_text(raw):
    line = normalise_text(raw).replace("\n", " ")
    assert count_words(line) == reference_count(line)
    assert collapse_spaces(line) == reference_collapse(line)
    text = collapse_spaces(line)
    assert ends_sentence(text) == (TERMINAL.search(text) is not None)
    assert truncated(text) == (_TRUNCATED.search(text) is not None)
    assert bullet(text) == reference_bullet(text)
    assert block_kind(text) == reference_block_kind(text)
    assert is_credit(text) == (words(text) <= 50 and _CREDIT.search(text) is not None)


# --- the phrase rules' first-character dispatch --------------------------------------------------

PHRASE_INDEX, _, _, _ = _combined(_PHRASES_IN_ORDER)


def test_first_chars_of_simple_patterns():
    assert first_chars(r"(?:skip|jump) to", re.I) == frozenset("sSjJ")
    assert first_chars(r"\d+ comments") == frozenset("0123456789")
    assert first_chars(r"[\[(]?\s*x") >= frozenset("[( \tx")
    # Kelvin sign and long s fold to ASCII letters under IGNORECASE.
    assert {"k", "K"} <= first_chars("\u212a", re.I)
    assert {"s", "S"} <= first_chars("\u017f", re.I)


def test_first_chars_gives_up_where_any_character_may_start():
    assert first_chars(r".{0,80}inbox") is None
    assert first_chars(r"[^x]y") is None
    assert first_chars(r"(?:a)?") is None  # can match the empty string


def test_phrase_dispatch_matches_the_whole_alternation_on_fixture_lines():
    for line in LINES + EXTRA:
        text = collapse_spaces(line)
        for head in ("", "* ", "© ", "K", "ſ"):
            candidate = head + text
            expected = PHRASE_INDEX.everything.match(candidate) is not None
            assert PHRASE_INDEX.match(candidate) == expected, candidate


PHRASE_HEADS = st.sampled_from(
    [
        "Skip to content",
        "Subscribe",
        "© 2023",
        "12 comments",
        "[3 Comments]",
        "Menu",
        "visa",
        "Related:",
        "\u212aeep",
        "ſhare",
        "İ",
        "ı",
        "* ",
        " ",
        "",
        "Share",
        "SHARE THIS",
        "4:05 / 9:10",
    ]
)


@settings(max_examples=300, derandomize=True)
@given(PHRASE_HEADS, TEXTS)
def test_phrase_dispatch_on_generated_lines(head, tail):
    text = head + tail
    assert PHRASE_INDEX.match(text) == (PHRASE_INDEX.everything.match(text) is not None)


URL_LABELS = st.sampled_from(
    [
        "Original url: ",
        "ORIGINAL URL:",
        "Source URL: ",
        "Canonical: ",
        "\u017fource url: ",
        "Orıginal link: ",
        "Canonical url:\n",
        "x",
        "\n",
        " ",
    ]
)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.one_of(URL_LABELS, TEXTS, st.just("https://example.com/a")), max_size=6))
def test_url_label_prefilter_never_hides_a_match(parts):
    body = "".join(parts)
    if _URL_IN_TEXT.search(body) is not None:
        assert _may_name_url(body)


_MD_LINK_REFERENCE = re.compile(r"\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
LINK_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "](", "a", " ", "x)", "![", "http://e.com/a_(b)"]
)


@settings(max_examples=300, derandomize=True)
@given(st.lists(LINK_PIECES, max_size=20).map("".join))
def test_possessive_link_pattern_finds_the_same_links(line):
    assert _MD_LINK.split(line) == _MD_LINK_REFERENCE.split(line)


# The inline patterns as they were before (*SKIP) and the guarded strong scan (#14, case 6):
# the same matches, found in quadratic time on openers without closers.
_MD_IMAGE_REFERENCE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_AUTOLINK_REFERENCE = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_MD_STRONG_REFERENCE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
INLINE_PIECES = st.sampled_from(
    [
        *("[", "]", "(", ")", "](", "![", "a", " ", "\t", "\xa0", "\x1c", "`", "\\"),
        *("**", "__", "***", "*", "_", "x**", "** ", "<", ">", "<http://", "<ftp://a"),
        "<https://e.com/a_(b)",
    ]
)


def reference_strip_inline(line: str, markdown: bool) -> tuple[str, int]:
    from cleaner.core.normalise import _MD_CODE, _MD_EM, _MD_ESCAPE

    link_chars = 0
    if "](" in line:
        parts = _MD_LINK_REFERENCE.split(_MD_IMAGE_REFERENCE.sub("", line))
        line = "".join(parts)
        link_chars = sum(len(p) for p in parts[1::2])
    if "<" in line:
        line = _MD_AUTOLINK_REFERENCE.sub(r"\1", line)
    if "**" in line or "__" in line:
        line = _MD_STRONG_REFERENCE.sub(r"\2", line)
    if markdown:
        line = _MD_EM.sub(lambda m: m.group(1) or m.group(2), line)
        line = _MD_CODE.sub(r"\1", line)
        line = _MD_ESCAPE.sub(r"\1", line)
    return line, link_chars


@settings(max_examples=2000, derandomize=True)
@given(st.lists(INLINE_PIECES, max_size=16).map("".join), st.booleans())
def test_linear_inline_patterns_strip_what_the_old_patterns_stripped(line, markdown):
    assert strip_inline(line, markdown) == reference_strip_inline(line, markdown)


_MD_SIGNALS_REFERENCE = re.compile(
    r"\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]+>|\*\*[^*\n]+\*\*|^#{1,6} \S|^!\[",
    re.M,
)
SIGNAL_PIECES = st.sampled_from(
    [
        *("[", "]", "(", ")", "](", "![", "a", " ", "\n", "\x1c", "**", "*", "#", "# ", "## x"),
        *("<", ">", "<http://", "<https://a"),
    ]
)


@settings(max_examples=2000, derandomize=True)
@given(st.lists(SIGNAL_PIECES, max_size=16).map("".join), st.integers(1, 3))
def test_markdown_signals_count_as_the_alternation_did(text, needed):
    from cleaner.core.read import _md_signals

    want = min(needed, sum(1 for _ in _MD_SIGNALS_REFERENCE.finditer(text)))
    assert _md_signals(text, needed) == want


def test_link_chars_counts_the_link_text():
    assert strip_inline("Read [the story](https://e.com/a_(b)) now", False) == (
        "Read the story now",
        9,
    )
    assert strip_inline("![img](x.png)[Home](/)", True) == ("Home", 4)


def test_unit_texts_have_single_spaces_so_n_tokens_counts_words():
    from cleaner.core.segment import join_broken, segment

    for markdown in (False, True):
        units = join_broken(segment("\n".join(LINES + EXTRA), markdown))
        for unit in units:
            assert unit.text == collapse_spaces(unit.text), unit.text
            assert n_tokens(unit.text) == len(unit.text.split()), unit.text


@settings(max_examples=200, derandomize=True)
@given(TEXTS)
def test_n_tokens_on_collapsed_generated_text(raw):
    text = collapse_spaces(normalise_text(raw).replace("\n", " "))
    assert n_tokens(text) == len(text.split())
