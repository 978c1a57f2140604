"""Dispatch a big alternation of anchored patterns on the first character of the line.

`re` tries the alternatives of `^(?:a|b|c...)` one after another: a hundred phrase forms cost a
hundred failed attempts on every line. Most forms can only begin with a few characters
("skip ...", "©..."), so `FirstCharIndex` compiles, for each ASCII first character, only the
alternatives that can begin with it. The first-character sets come from the stdlib's own parser
(`re._parser`); a pattern it cannot analyse (a class like `\\w`, `.`) goes into every bucket, and
if the parser is missing or changed, one bucket holds everything: slower, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # the stdlib's regex parser; private, so every use below may fall back
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python without it: no dispatch
    _sre_parse = None

MAX_RANGE = 256  # a class wider than this ([^x], [\u0400-\u04ff]) counts as "any character"
_ASCII = [chr(i) for i in range(128)]
_CATEGORIES = (
    {
        _c.CATEGORY_DIGIT: [a for a in _ASCII if re.match(r"\d", a)],
        _c.CATEGORY_SPACE: [a for a in _ASCII if re.match(r"\s", a)],
        _c.CATEGORY_WORD: [a for a in _ASCII if re.match(r"\w", a)],
    }
    if _sre_parse is not None
    else {}
)


class _Any(Exception):
    """The item can begin with any character (or with one this module does not analyse)."""


def _first_of_sequence(items) -> tuple[set[str], bool]:
    """Characters a sequence of parsed items can begin with, and whether it can match ""."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_of_item(op, av)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_of_item(op, av) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] <= MAX_RANGE:
                chars.update(chr(i) for i in range(value[0], value[1] + 1))
            elif kind is _c.CATEGORY and value in _CATEGORIES:
                chars.update(_CATEGORIES[value])  # ASCII only: other first characters use all
            else:  # NEGATE, \W and the like, a wide range
                raise _Any
        return chars, False
    if op is _c.SUBPATTERN:
        return _first_of_sequence(av[-1])
    if op is _c.ATOMIC_GROUP:
        return _first_of_sequence(av)
    if op is _c.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _first_of_sequence(branch)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        first, empty = _first_of_sequence(sub)
        return first, low == 0 or empty
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero width: look at what follows (a superset is safe)
    raise _Any


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The ASCII characters a match of `pattern` can begin with; None for "any character".

    The set holds every ASCII character that `re` itself matches, ignoring case, to one of the
    pattern's first characters (so "K", the Kelvin sign, brings "k" and "K")."""
    if _sre_parse is None:
        return None
    try:
        chars, nullable = _first_of_sequence(_sre_parse.parse(pattern, flags))
    except Exception:  # _Any, or a pattern the parser rejects
        return None
    if nullable:
        return None
    out: set[str] = set()
    for ch in chars:
        if ch.isascii():
            out.add(ch)
        # Case variants always (an inline "(?i:...)" may apply): a superset is safe.
        literal = re.compile(re.escape(ch), flags | re.IGNORECASE)
        out.update(a for a in _ASCII if literal.fullmatch(a))
    return frozenset(out)


class FirstCharIndex:
    """`match(text)`: does any of the alternatives match at the start of text?

    Equivalent to `re.compile("|".join(alternatives), flags).match(text)` being not None."""

    def __init__(self, alternatives: Sequence[str], flags: int = 0) -> None:
        def combine(parts: Sequence[str]) -> re.Pattern | None:
            return re.compile("|".join(f"(?:{p})" for p in parts), flags) if parts else None

        compiled: dict[tuple[str, ...], re.Pattern | None] = {}

        def bucket(parts: list[str]) -> re.Pattern | None:
            key = tuple(parts)
            if key not in compiled:
                compiled[key] = combine(parts)
            return compiled[key]

        self.everything = combine(alternatives)
        sets = [first_chars(p, flags) for p in alternatives]
        self.buckets: dict[str, re.Pattern | None] = {
            ch: bucket([p for p, s in zip(alternatives, sets, strict=True) if s is None or ch in s])
            for ch in _ASCII
        }

    def match(self, text: str) -> bool:
        # A non-ASCII first character may fold to an ASCII one: ask the whole pattern.
        pattern = self.buckets.get(text[:1], self.everything)
        return pattern is not None and pattern.match(text) is not None
