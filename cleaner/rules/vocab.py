"""The vocabularies: words and phrases per concept and language, read from `vocab.toml` beside
this file (each concept listed once there; the rule modules build their patterns from it).

Plain functions, cached: a module calls them at import, when it compiles its patterns.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

SOURCE = Path(__file__).with_name("vocab.toml")
_FIELDS = ("about", "regex", "per_month")  # the keys of a concept that are not languages


@functools.cache
def _data() -> dict[str, dict]:
    with SOURCE.open("rb") as f:
        return tomllib.load(f)


def concepts() -> tuple[str, ...]:
    return tuple(_data())


def about(concept: str) -> str:
    return _concept(concept).get("about", "")


def is_regex(concept: str) -> bool:
    """Its entries are regex fragments (used as written), not literal phrases."""
    return bool(_concept(concept).get("regex", False))


def languages(concept: str) -> tuple[str, ...]:
    return tuple(k for k in _concept(concept) if k not in _FIELDS)


def _concept(concept: str) -> dict:
    try:
        return _data()[concept]
    except KeyError:
        raise KeyError(f"no vocabulary {concept!r} in {SOURCE.name}") from None


@functools.cache
def phrases(concept: str, skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The concept's entries in file order (languages in order, then entries), leaving out the
    languages in `skip`; a `per_month` concept's names one by one."""
    table = _concept(concept)
    found = (p for lang in languages(concept) if lang not in skip for p in table[lang])
    if table.get("per_month"):
        found = (name for month in found for name in month.split())
    return tuple(found)


@functools.cache
def words(concept: str, skip: tuple[str, ...] = ()) -> frozenset[str]:
    return frozenset(phrases(concept, skip))


@functools.cache
def alternation(concept: str, skip: tuple[str, ...] = ()) -> str:
    """ "a|b|c" for a regex: literal phrases escaped, regex concepts as written; file order."""
    parts = phrases(concept, skip)
    if not is_regex(concept):
        parts = tuple(map(re.escape, parts))
    return "|".join(parts)


@functools.cache
def month_numbers() -> dict[str, int]:
    """Every month name and abbreviation of `months` (any language) -> its number, 1-12."""
    table = _concept("months")
    found: dict[str, int] = {}
    for lang in languages("months"):
        for n, names in enumerate(table[lang], start=1):
            for name in names.split():
                found[name] = n
    return found


@functools.cache
def months_of(lang: str) -> tuple[tuple[str, ...], ...]:
    """A language's month names, January first: twelve tuples (empty where it adds none)."""
    return tuple(tuple(names.split()) for names in _concept("months")[lang])
