"""Split a normalised text copy into units (paragraph candidates) and mend broken paragraphs."""

from __future__ import annotations

import re

import regex

from cleaner.core.data import Removal, Unit
from cleaner.core.metadata import BYLINE_RE, URL_RE, byline_names
from cleaner.core.normalise import block_kind, bullet, collapse_spaces, n_tokens, strip_inline
from cleaner.rules.registry import RULES

_STARTS_LOWER = regex.compile(r"^\p{Ll}(?!\p{Lu})")  # "town", not "iPhone" or "eBay"
JOIN_MIN_WORDS = 8  # a broken sentence is long; "Home" + "news" is two menu entries

_SETEXT = re.compile(r"^(?:=+|-+)\s*$")  # "===" or "---" right under a markdown line
# What is left of "* * * [](share-link)" or "**[![img](x)](y)**" once links and images go: emphasis
# markers and no text. Kept, "* * *" or "****" reads as a rule when the output is cleaned again.
_MARKUP_ONLY = re.compile(r"[*_\s]+")
MARKUP_RULE = RULES["M001"].pair


_CLOSERS = "\"'”’»)]"
_TERMINALS = tuple(".!?…:;。！？")


def ends_sentence(text: str) -> bool:
    """The line's last visible character is terminal punctuation, possibly followed by closing
    quotes or brackets. String tests, not a pattern: a third of the time on every line."""
    return text.rstrip(_CLOSERS).endswith(_TERMINALS)


# A table's rule line under its header row: `|---|:---:|`, `--- | ---` (a pipe needed: a line of
# dashes alone is a horizontal rule or a setext underline).
_TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")  # a pipe that is not escaped
_FENCE = re.compile(r"^(`{3,}|~{3,})[^`]*$")  # a markdown code fence, ``` or ~~~ (an info string)
TABLE_RULE = ("M001", "markdown markup with no text (a table's rule line)")
FENCE_RULE = ("M001", "markdown markup with no text (a code fence)")


def table_cells(line: str) -> list[str]:
    """The cells of a table row (`| a | b |`, `a | b`), stripped; empty cells kept."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(s)]


def _tables(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Which lines are tables: line index -> (table number, "rule" or "row").

    A pipe table is a row, a rule line under it with as many cells, and the rows that follow
    without a blank line. A run of two or more lines with no blank line between, each with the
    same number (two or more) of cells separated by " | ", is a table too: a table as the
    canonical text writes it (one line per row, no rule line), so that cleaning it again keeps
    it one."""
    found: dict[int, tuple[int, str]] = {}
    number = 0
    i, n = 1, len(lines)
    while i < n:
        line, head = lines[i], lines[i - 1]
        if (
            "|" in line
            and "|" in head
            and (i - 1) not in found
            and _TABLE_RULE.match(line)
            and len(table_cells(line)) == len(table_cells(head))
        ):
            number += 1
            found[i - 1] = (number, "row")
            found[i] = (number, "rule")
            i += 1
            while i < n and "|" in lines[i]:
                found[i] = (number, "rule" if _TABLE_RULE.match(lines[i]) else "row")
                i += 1
            continue
        i += 1
    i = 0
    while i < n:
        width = len(table_cells(lines[i])) if " | " in lines[i] and i not in found else 0
        j = i + 1
        if width >= 2:
            while (
                j < n
                and j not in found
                and " | " in lines[j]
                and len(table_cells(lines[j])) == width
            ):
                j += 1
        if j - i >= 2:
            number += 1
            for k in range(i, j):
                found[k] = (number, "row")
            i = j
        else:
            i += 1
    return found


def _fences(lines: list[str]) -> dict[int, tuple[int, bool]]:
    """Markdown code blocks: line index -> (block number, whether it is a fence), for the
    fences and the lines between (a fence with no closing one is no fence)."""
    found: dict[int, tuple[int, bool]] = {}
    number = 0
    i, n = 0, len(lines)
    # The shortest fence of each character found unclosed: a longer one (or as long) after it
    # is unclosed too, and is not searched again (a page of "```a" lines would be quadratic).
    unclosed: dict[str, int] = {}
    while i < n:
        m = _FENCE.match(lines[i].strip())
        if m and len(m.group(1)) < unclosed.get(m.group(1)[0], 1 << 30):
            mark = m.group(1)
            end = next((j for j in range(i + 1, n) if _closes(lines[j], mark)), None)
            if end is None:
                unclosed[mark[0]] = len(mark)
            else:
                number += 1
                found[i] = found[end] = (number, True)
                for k in range(i + 1, end):
                    found[k] = (number, False)
                i = end + 1
                continue
        i += 1
    return found


def _closes(line: str, mark: str) -> bool:
    """Whether `line` closes a code block opened by `mark` (as many backticks or tildes, or more,
    and nothing else)."""
    s = line.strip()
    return s.startswith(mark) and not s.strip(mark[0])


def _read_line(line: str, markdown: bool) -> tuple[str, str, str, int, bool]:
    """A line's block kind, marker, text without inline markup, link characters, and whether
    it is markup with no text."""
    kind, marker, content = block_kind(line) if markdown else bullet(line)
    inline, link_chars = strip_inline(content, markdown)
    stripped = content if inline is content else collapse_spaces(inline)
    markup = (
        not stripped
        or kind == "rule"
        or (inline is not content and _MARKUP_ONLY.fullmatch(stripped) is not None)
    )
    return kind, marker, stripped, link_chars, markup


# A collapsed line -> _read_line's reading of it, one cache per layout: every settle pass
# (core/pipeline.py) segments the output again, and a site's pages share their menus.
_READ_TEXT: dict[str, tuple[str, str, str, int, bool]] = {}
_READ_MD: dict[str, tuple[str, str, str, int, bool]] = {}
_READ_MAX = 1 << 14


def segment(text: str, markdown: bool) -> list[Unit]:
    """One unit per non-empty line; lines broken mid-sentence are joined again. A table's rows
    are units with their cells joined by " | " (its rule line is markup), a markdown code
    block's lines units as they are (its fences are markup)."""
    units: list[Unit] = []
    blank = False
    cache = _READ_MD if markdown else _READ_TEXT
    if len(cache) > _READ_MAX:
        cache.clear()
    lines = text.split("\n")
    tables = _tables([collapse_spaces(ln) for ln in lines]) if "|" in text else {}
    fences = _fences(lines) if markdown and ("```" in text or "~~~" in text) else {}
    for number, raw in enumerate(lines, start=1):
        line = collapse_spaces(raw)
        if not line:
            blank = True
            continue
        fence = fences.get(number - 1)
        if fence is not None:
            code, is_fence = fence
            if is_fence:
                units.append(
                    Unit(line, number, blank, "rule", removed=Removal(*FENCE_RULE, number, line))
                )
            else:  # as it is: no inline markup in code, its indentation given back by md
                units.append(Unit(line, number, blank, "text", raw=raw.rstrip(), code=code))
            blank = False
            continue
        table = tables.get(number - 1)
        if table is not None:
            tid, role = table
            cells = [strip_inline(c, markdown) for c in table_cells(line)]
            row = collapse_spaces(" | ".join(c for c, _ in cells))
            if role == "rule" or not row.strip("| "):
                units.append(
                    Unit(line, number, blank, "rule", removed=Removal(*TABLE_RULE, number, line))
                )
            else:
                unit = Unit(row, number, blank, "text", raw=line, table=tid)
                link_chars = sum(k for _, k in cells)
                unit.link_share = min(1.0, link_chars / len(row)) if link_chars else 0.0
                units.append(unit)
            blank = False
            continue
        original = line
        read = cache.get(line)
        if read is None:
            read = cache[line] = _read_line(line, markdown)
        kind, marker, stripped, link_chars, no_text = read
        if no_text:
            if (
                markdown
                and _SETEXT.match(original)
                and units
                and units[-1].removed is None
                and not blank
            ):
                units[-1].kind = "heading"  # a setext underline: the line above is a heading
            markup = raw.strip()
            units.append(
                Unit(markup, number, blank, "rule", removed=Removal(*MARKUP_RULE, number, markup))
            )
            blank = False
            continue
        # A list item keeps its bullet in the output: cleaning the output again must see a list.
        unit = Unit(
            stripped,
            number,
            blank,
            kind,
            raw=original,
            marker=marker.strip() if kind == "item" else "",
        )
        # Menus and teasers are made of links: the share of the text that was link text.
        unit.link_share = min(1.0, link_chars / len(stripped)) if link_chars else 0.0
        units.append(unit)
        blank = False
    return units


def join_broken(units: list[Unit]) -> list[Unit]:
    """A line ending without terminal punctuation, followed by one starting in lower case, is one
    paragraph the scraper broke: join them with a space. Runs after the line rules, so that a
    widget line the scraper dropped into the sentence ("Advertisement") does not keep the halves
    apart on the first pass and let them meet on the second."""
    out: list[Unit] = []
    prev: Unit | None = None  # the last live unit
    # prev's text and raw as the pieces joined so far, its length and word count: a run of broken
    # lines grows one paragraph, and rebuilding or recounting it at each line was quadratic.
    texts: list[str] = []
    raws: list[str] = []
    length = tokens = 0
    for unit in units:
        if (
            prev is not None
            and unit.removed is None
            and not (unit.table or unit.code or prev.table or prev.code)
            and prev.kind in ("text", "quote")
            and unit.kind == prev.kind
            and not ends_sentence(texts[-1])  # the joined text ends as its last piece does
            and _STARTS_LOWER.match(unit.text)
            and tokens >= JOIN_MIN_WORDS
            and not BYLINE_RE.match(unit.text)  # "by X" under a headline is a byline, not a tail
            and not _byline_block(unit.text)
            and not URL_RE.match(unit.text)
        ):
            total = length + len(unit.text)
            prev.link_share = (prev.link_share * length + unit.link_share * len(unit.text)) / total
            texts.append(unit.text)
            raws.append(unit.raw)
            length = total + 1
            tokens += n_tokens(unit.text)
            continue
        out.append(unit)
        if unit.removed is None:
            if len(texts) > 1:  # most lines join nothing: spare the call
                _set_joined(prev, texts, raws)
            prev = unit
            texts, raws = [unit.text], [unit.raw]
            length, tokens = len(unit.text), n_tokens(unit.text)
    _set_joined(prev, texts, raws)
    return out


_BY_START = regex.compile(r"^by\s")


def _byline_block(text: str) -> bool:
    """A line of its own that opens with "by" and a name, with a date or labels after it and no
    sentence's end ("by Jason Rostar | SEO | 8 min Read", "by Jill Barshay August 25, 2025"): a
    byline block under a headline, not the tail of a broken sentence ("...was acquired" / "by
    Google in 2014.")."""
    return (
        _BY_START.match(text) is not None
        and not ends_sentence(text)
        and byline_names(text) is not None
    )


def _set_joined(unit: Unit | None, texts: list[str], raws: list[str]) -> None:
    if unit is not None and len(texts) > 1:
        unit.text = " ".join(texts)
        unit.raw = " ".join(raws)


# HTML blocks become units as a text copy's lines do; list items get a bullet (a second pass over
# the output sees a list), a code block one unit per line so that its layout survives.
_BLOCK_KIND = {"heading": "heading", "item": "item", "quote": "quote"}


def units_from_blocks(blocks: list) -> list[Unit]:
    """One unit per block; the rows (`tr`) that follow each other are one table, the lines of a
    code block one block (each line a unit, its indentation kept for --format md)."""
    units: list[Unit] = []
    tables = codes = 0
    after_row = False
    for b in blocks:
        link = min(1.0, b.link_chars / len(b.text)) if b.text else 0.0
        row = b.kind == "row"
        if row and not after_row:
            tables += 1
        after_row = row
        if b.kind == "code" and b.lines:
            codes += 1
            for k, line in enumerate(ln for ln in b.lines if ln.strip()):
                text = collapse_spaces(line)
                unit = Unit(text, b.index + 1, k == 0, "text", raw=line.rstrip(), dom=b)
                unit.code = codes
                units.append(unit)
            continue
        kind = _BLOCK_KIND.get(b.kind, "text")
        unit = Unit(
            b.text, b.index + 1, True, kind, raw=b.text, marker="-" if kind == "item" else ""
        )
        unit.link_share = link
        unit.dom = b
        unit.table = tables if row else 0
        units.append(unit)
    return units
