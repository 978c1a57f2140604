"""Canonical characters and whitespace, and markdown markup removed from text copies."""

from __future__ import annotations

import re

import regex

# Control characters other than newline and tab say nothing about the article; zero-width
# space and BOM are invisible noise. (ZWJ/ZWNJ stay: scripts and emoji need them.)
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")
# Everything str.splitlines() takes for a line break: CR, NEL, LS, PS, VT, FF and FS/GS/RS.
_LINE_BREAKS = re.compile(r"[\r\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

# Inline markup that is unambiguous even on plain-text copies.
#
# Each pattern is linear in the line. A search retries at every opener, and an opener without
# its closer scans to the end of the line: 40 KB of "[" after a "](" took seconds. (*SKIP) says
# where the next try starts once a match fails past it: every opener before that point would
# stop at the same character and fail the same way ("[[[" all end at the first "]").
_MD_IMAGE = regex.compile(r"!\[[^\]\n]*+(*SKIP)\]\([^)\n]*+(*SKIP)\)")
# Possessive: the two branches cannot overlap, and a link left unclosed fails fast.
_MD_LINK = regex.compile(r"\[([^\]\n]*+)(*SKIP)\]\((?:[^()\n]++|\([^()\n]*+\))*+\)")
# \x1c-\x1f: the `re` module's \s has them, the `regex` module's does not.
_MD_AUTOLINK = regex.compile(r"<((?:https?|ftp)://[^>\s\x1c-\x1f]++)(*SKIP)>")
# The lazy body of a strong span finds the nearest closer; an opener with none ahead scans to
# the end ("**x **x ..." took 100 s for 160 KB), so _strip_strong tries only openers that have a
# closer ahead, and there the match is certain.
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STRONG_OPENERS = re.compile(r"(?=(\*\*|__)\S)")  # every start, overlapping ones too ("***x**")
# Only on markdown copies: single-star/underscore emphasis, inline code, escapes.
_MD_EM = re.compile(
    r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_MD_ITEM = re.compile(r"^[*+\-•]\s+(?=\S)")
# Numbered lines stay text with their number: it is visible text ("1) Lego Star Wars ..."), and
# as items they would stitch "most read" top-tens onto the article.
# Bullets of plain-text copies (inscriptis draws "*", "+", "o" by nesting level); the weaker
# markers count only before a capital or digit, so a sentence starting "o presidente" stays.
_TEXT_BULLET = regex.compile(r"^(?:[*•·▪◦‣]\s+|[+o\-]\s+(?=[\p{Lu}\d\"“‘'(]))")
# The first characters of a _MD_RULE or _TEXT_BULLET match ("" for an empty line never matches).
_BULLET_STARTS = frozenset("*-_=•·▪◦‣+o")
# The first characters of a _MD_RULE, _MD_HEADING, _MD_QUOTE or _MD_ITEM match.
_BLOCK_STARTS = frozenset("*-_=#>+•")
_MD_QUOTE = re.compile(r"^(?:>\s?)+")
_MD_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|=+)$")


def replace_surrogates(text: str) -> str:
    """Lone surrogates (from a broken decoder upstream) cannot be encoded: U+FFFD stands in."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # fails only on a surrogate, and runs far faster than a scan for one
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def normalise_text(text: str) -> str:
    """Unix newlines, no invisible characters; line content otherwise untouched."""
    text = text.replace("\r\n", "\n")
    if "\r" in text or not text.isascii() or _LINE_BREAKS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    return _INVISIBLE.sub("", text)


def collapse_spaces(line: str) -> str:
    """Whitespace inside a paragraph collapsed to single spaces, none at either end.

    On normalised text (no line breaks left) str.split() splits on exactly tab, VT, FF and the
    Unicode space separators (NBSP, thin space, ideographic space...)."""
    return " ".join(line.split())


def n_tokens(text: str) -> int:
    """len(text.split()) for a unit's text, which has single spaces only (collapse_spaces): a count
    of spaces, without building the list."""
    return text.count(" ") + 1 if text else 0


def tidy(value: str | None) -> str | None:
    """A metadata string in the text's canonical form: no control or invisible characters, one
    line, single spaces (it becomes the output's first paragraph)."""
    if not value:
        return None
    return collapse_spaces(normalise_text(value).replace("\n", " ")) or None


def strip_inline(line: str, markdown: bool) -> tuple[str, int]:
    """Remove inline markdown: `[AFP](#)` -> `AFP`, `**x**` -> `x`; editorial `[Bakhmut]` stays.

    Also gives how many characters of the result were link text (for the unit's link share)."""
    link_chars = 0
    if "](" in line:
        parts = _MD_LINK.split(_MD_IMAGE.sub("", line))  # text, link text, text, ...
        line = "".join(parts)
        link_chars = sum(len(p) for p in parts[1::2])
    if "<" in line:
        line = _MD_AUTOLINK.sub(r"\1", line)
    if "**" in line or "__" in line:
        line = _strip_strong(line)
    if markdown:
        if "*" in line or "_" in line:
            line = _MD_EM.sub(lambda m: m.group(1) or m.group(2), line)
        if "`" in line:
            line = _MD_CODE.sub(r"\1", line)
        if "\\" in line:
            line = _MD_ESCAPE.sub(r"\1", line)
    return line, link_chars


def _last_closer(line: str, delim: str) -> int:
    """Where the last `delim` that can close a strong span starts (after a non-space), or -1."""
    j = line.rfind(delim)
    while j > 0 and line[j - 1].isspace():
        j = line.rfind(delim, 0, j + 1)  # the one before, overlapping included ("***")
    return j if j > 0 else -1


def _strip_strong(line: str) -> str:
    """_MD_STRONG.sub(r"\2", line), in time linear in the line: an opener is tried only when a
    closer of its kind lies far enough ahead; one without fails at once."""
    last = {"**": _last_closer(line, "**"), "__": _last_closer(line, "__")}
    parts: list[str] = []
    pos = 0
    for opener in _STRONG_OPENERS.finditer(line):
        i = opener.start()
        if i < pos or last[opener.group(1)] < i + 3:  # inside the last match, or no closer
            continue
        m = _MD_STRONG.match(line, i)
        if m is None:  # only where a newline is in the way; lines have none
            continue
        parts += (line[pos:i], m.group(2))
        pos = m.end()
    if not parts:
        return line
    parts.append(line[pos:])
    return "".join(parts)


def bullet(line: str) -> tuple[str, str, str]:
    """Plain-text block markup: (kind, marker, content) for a list item ("item", its bullet, the
    rest), a section break ("rule", "", ""), else ("text", "", line)."""
    if line[:1] not in _BULLET_STARTS:  # most lines: no regex needed
        return "text", "", line
    if _MD_RULE.match(line):
        return "rule", "", ""
    m = _TEXT_BULLET.match(line)
    if m and m.end() < len(line):
        return "item", line[: m.end()], line[m.end() :]
    return "text", "", line


def block_kind(line: str) -> tuple[str, str, str]:
    """Markdown block markup on one line: returns (kind, marker, content).

    kind is heading, item, quote, rule (a horizontal rule or setext underline) or text.
    """
    if line[:1] not in _BLOCK_STARTS:  # most lines: no regex needed
        return "text", "", line
    if _MD_RULE.match(line):
        return "rule", "", ""
    m = _MD_HEADING.match(line)
    if m:
        return "heading", m.group(1) + " ", m.group(2)
    m = _MD_QUOTE.match(line)
    if m:
        return "quote", line[: m.end()], line[m.end() :]
    m = _MD_ITEM.match(line)
    if m:
        return "item", line[: m.end()], line[m.end() :]
    return "text", "", line
