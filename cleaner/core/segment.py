"""Split a normalised text copy into units (paragraph candidates) and mend broken paragraphs."""

from __future__ import annotations

import re

import regex

from cleaner.core.data import Removal, Unit
from cleaner.core.metadata import BYLINE_RE, URL_RE
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


def segment(text: str, markdown: bool) -> list[Unit]:
    """One unit per non-empty line; lines broken mid-sentence are joined again."""
    units: list[Unit] = []
    blank = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = collapse_spaces(raw)
        if not line:
            blank = True
            continue
        original = line
        kind, marker, line = block_kind(line) if markdown else bullet(line)
        inline, link_chars = strip_inline(line, markdown)
        stripped = line if inline is line else collapse_spaces(inline)
        if (
            not stripped
            or kind == "rule"
            or (inline is not line and _MARKUP_ONLY.fullmatch(stripped))
        ):
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
            and prev.kind in ("text", "quote")
            and unit.kind == prev.kind
            and not ends_sentence(texts[-1])  # the joined text ends as its last piece does
            and _STARTS_LOWER.match(unit.text)
            and tokens >= JOIN_MIN_WORDS
            and not BYLINE_RE.match(unit.text)  # "by X" under a headline is a byline, not a tail
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
            _set_joined(prev, texts, raws)
            prev = unit
            texts, raws = [unit.text], [unit.raw]
            length, tokens = len(unit.text), n_tokens(unit.text)
    _set_joined(prev, texts, raws)
    return out


def _set_joined(unit: Unit | None, texts: list[str], raws: list[str]) -> None:
    if unit is not None and len(texts) > 1:
        unit.text = " ".join(texts)
        unit.raw = " ".join(raws)


# HTML blocks become units as a text copy's lines do; list items get a bullet (a second pass over
# the output sees a list), a code block one unit per line so that its layout survives.
_BLOCK_KIND = {"heading": "heading", "item": "item", "quote": "quote"}


def units_from_blocks(blocks: list) -> list[Unit]:
    units: list[Unit] = []
    for b in blocks:
        link = min(1.0, b.link_chars / len(b.text)) if b.text else 0.0
        if b.kind == "code" and b.lines:
            for k, line in enumerate(ln for ln in b.lines if ln.strip()):
                text = collapse_spaces(line)
                units.append(Unit(text, b.index + 1, k == 0, "text", raw=text, dom=b))
            continue
        kind = _BLOCK_KIND.get(b.kind, "text")
        unit = Unit(
            b.text, b.index + 1, True, kind, raw=b.text, marker="-" if kind == "item" else ""
        )
        unit.link_share = link
        unit.dom = b
        units.append(unit)
    return units
