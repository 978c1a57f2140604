"""Recognising metadata inside text: dates, times, bylines, URLs, and turning them into values."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import date as _date
from urllib.parse import urlsplit

import regex
from dateutil import parser as _dateparser

from cleaner.rules import vocab

# The <meta> tags that give a page's publication date, most specific first.
DATE_META = (
    'meta[property="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dc.date"]',
    'meta[name="parsely-pub-date"]',
    'meta[name="sailthru.date"]',
    'meta[property="og:published_time"]',
)


def _prefix_chain(names: tuple[str, ...]) -> str:
    """("sep", "sept", "september") -> "sep(?:t(?:ember)?)?": one month's names, each a prefix
    of the next, as one pattern that tries the longest first (and costs a search no more than
    the first letters do)."""
    names = tuple(sorted(names, key=len))
    tail = ""
    for shorter, longer in zip(names[-2::-1], names[:0:-1], strict=True):
        if not longer.startswith(shorter):
            raise ValueError(f"month names that are not prefixes of one another: {names}")
        tail = f"(?:{re.escape(longer[len(shorter) :])}{tail})?"
    return re.escape(names[0]) + tail


# English month names, January first; DATE is case-insensitive.
_MONTH = f"(?:{'|'.join(_prefix_chain(names) for names in vocab.months_of('en'))})\\.?"
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|urday|sday)?\.?,?\s+)"
DATE = (
    rf"(?i:{_WEEKDAY}?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}/\d{1,2}/\d{4}))"
)
TIME = r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:UTC|GMT|[A-Z]{2,4}T?)(?:[+-]\d{1,2})?)?)"
READ_TIME = rf"(?i:\d+\s*(?:min(?:ute)?s?)\.?\s*(?:{vocab.alternation('read_time_verb')}))"

DATE_RE = re.compile(DATE, re.I)
TIME_ONLY_RE = re.compile(rf"^{TIME}$")

_LABEL = vocab.alternation("date_label")
_TODAY = vocab.alternation("relative_day")
_DATE_LABEL = (
    rf"(?i:(?:last\s+)?(?:{_LABEL}|{vocab.alternation('date_label_more')})(?:\s+on)?\s*:?\s*)"
)
_UNITS = f"{vocab.alternation('time_unit')}|{vocab.alternation('time_unit_short')}"
# A line that is only a date: "March 07, 2023", "Updated: 7 March 2023 10:00 GMT", "Updated".
DATE_LINE_RE = re.compile(
    rf"^{_DATE_LABEL}?{DATE}(?:\s*(?:at|,|\||-|–|•|·)?\s*{TIME})?(?:\s*[|•·]?\s*{READ_TIME})?\.?$"
    rf"|^{READ_TIME}$|^(?:last\s+)?(?:{_LABEL})\s*:?$"
    rf"|^(?:(?:updated|posted)\s+)?(?:\d+|an?|one)\s+(?:{_UNITS})s?\s+ago"
    rf"(?:\s+at\s+{TIME})?$|^(?:{_TODAY})(?:\s+at\s+{TIME})?$",
    re.I,
)

# Words a byline's name may contain besides capitalised ones ("The Kyiv Independent news desk").
_NAME_CONNECTORS = (
    f"{vocab.alternation('name_joiners')}|news|desk|staff|team|with|for|in"
    f"|{vocab.alternation('name_particles')}"
    "|reporter|reporters|correspondent|editor|editors|writer|contributor|wire|services"
)
_NAME_WORD = rf"(?:\p{{Lu}}[\p{{L}}'’.\-]*|{_NAME_CONNECTORS}|\p{{Lu}}\.)"
_NAME = rf"(?P<byline>{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,9}})"
_BY_WORDS = f"{vocab.alternation('byline_by')}|{vocab.alternation('byline_by_verb')}"
_BY = rf"(?i:{_BY_WORDS}|author:|автор:?)"
BYLINE_RE = regex.compile(
    rf"^{_BY}\s+{_NAME}"
    rf"(?:\s*[|•·,–—-]?\s*(?:{_DATE_LABEL})?(?P<date>{DATE})(?:\s*(?:at|,)?\s*{TIME})?)?"
    rf"(?:\s*[|•·]?\s*{READ_TIME})?\s*\.?$",
)  # no IGNORECASE: a name is capitalised, and \p{Lu} would match any letter under it

URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)


@functools.lru_cache(maxsize=16384)  # several rules ask about the same lines
def is_date_line(text: str) -> bool:
    """Only a date, a relative time or a date label; a bare clock time is a feed stamp instead."""
    if len(text) > 80 or not _DATE_HINT.search(text):
        return False
    return DATE_LINE_RE.match(text) is not None and not TIME_ONLY_RE.match(text)


# Every date line has a digit or starts with a label word: a cheap test before the big pattern.
_DATE_HINT = re.compile(rf"\d|^(?:last|{_LABEL}|{_TODAY}|an?\s|one\s)", re.I)


_YEAR = re.compile(r"(?<!\d)(?:1[89]|2[01])\d{2}(?!\d)")


@functools.lru_cache(maxsize=4096)  # dateutil is slow, and pages of a site repeat their dates
def iso_date(text: str) -> str | None:
    """'March 7, 2023' -> '2023-03-07'; None when it is not a real date, or has no year ('Aug
    15', '08-15': the parser would fill in this year, a date the page never gave)."""
    text = text.strip().rstrip(".,")
    if _YEAR.search(text) is None:
        return None
    dayfirst = "." in text and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text) is not None
    try:
        parsed = _dateparser.parse(text, dayfirst=dayfirst, default=None, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if not isinstance(parsed, _date) or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


# iso_date takes no date without its year: a cheap test before DATE_RE (_YEAR's lookarounds
# left out, as the date DATE_RE finds is a part of the line).
_ANY_YEAR = re.compile(r"(?:1[89]|2[01])\d{2}")


def find_date(text: str) -> str | None:
    if _ANY_YEAR.search(text) is None:
        return None
    m = DATE_RE.search(text)
    return iso_date(m.group(0)) if m else None


def site_of_url(url: str | None) -> str | None:
    """The site name for a URL: its host without a leading www."""
    if not url:
        return None
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.").lower()


# --- the article's header: date and byline lines near the title -------------------------------
# Read for metadata only (nothing is removed here): the lines around the title of a text copy,
# where a page prints its byline and date in shapes the removal rules leave alone ("Posted by X
# on Tuesday, August 29, 2023", "Tom Talbot October 14, 2025", "4 mai 2025 à 08:15").

# One policy for the publication date among the dates a line prints, on HTML (pagemeta) and on
# text copies (G302 and the header reader): a date whose label, the words right before it, says
# it is a revision's ("Updated", "Last modified") is passed over, and the first other date is the
# publication's ("Aug 16, 2019 - Updated Jul 9, 2025" gives the first, "Updated Dec 3 | Published
# Oct 10" the second). A page that prints only a revision's date is dated by it, as a last resort
# after every publication date of the page (both paths: `revised`). A member's join date, a
# reference's access date, a copyright's year and a site header's "today" never date the page,
# nor does a term's date ("Sale ends 03/31/2026", "Effective beginning 6/2/2025") or a line that
# gives a span of dates ("1/27/2026 - 3/24/2026": an event's, a course's, an offer's).
REVISION_LABEL = re.compile(vocab.alternation("date_updated_label"), re.I)
OTHER_LABEL = re.compile(
    f"{vocab.alternation('date_other_label')}|{vocab.alternation('date_term_label')}", re.I
)
NOT_PUBLISHED_LABEL = re.compile(f"{REVISION_LABEL.pattern}|{OTHER_LABEL.pattern}", re.I)
NOT_PUBLISHED_LINE = re.compile(
    f"{vocab.alternation('date_other_label', skip=('en',))}"
    f"|{vocab.alternation('date_other_label_line')}"
    f"|{vocab.alternation('date_today_label')}",
    re.I,
)
LABEL_REACH = 30  # characters before a date read as its label
HEADER_LINE_MAX_CHARS = 160  # a byline or date line is short; a sentence that names a date is not
_HAS_DIGIT = re.compile(r"\d")


# The end of a span's first date: a dash or a range word before the second date.
_SPAN_JOIN = re.compile(rf"(?:[-–—]|\b(?:{vocab.alternation('date_range_word')}))\s*$", re.I)
SPAN_MAX_CHARS = 30  # the first date of a span and its joiner: "Monday, January 27, 2026 - "


def _span(text: str, found: list[tuple[int, str]]) -> bool:
    """The line gives a span of dates ("1/27/2026 - 3/24/2026", "DATE: 2025-12-12 -
    2025-12-17"): an event's or an offer's term, not the page's date."""
    for (a, _), (b, _) in itertools.pairwise(found):
        between = text[a:b]
        if len(between) <= SPAN_MAX_CHARS and _SPAN_JOIN.search(between):
            return True
    return False


def line_date(
    text: str, found: list[tuple[int, str]], above: str = ""
) -> tuple[str | None, str | None]:
    """(publication date, revision date) among a line's dates `found` ((offset, ISO date), in
    order), by the policy above: the first date without a label that rules it out, and the first
    one labelled a revision. `above`: the line before, the label of a first date that has none
    of its own ("Updated" / "March 3, 2024")."""
    if not found or NOT_PUBLISHED_LINE.search(text):
        return None, None
    if _span(text, found):
        return None, None
    prev = 0
    revised = None
    for at, value in found:
        label = text[max(prev, at - LABEL_REACH) : at]
        if not label.strip() and at == found[0][0]:
            label = above
        prev = at
        if not NOT_PUBLISHED_LABEL.search(label):
            return value, revised
        if revised is None and REVISION_LABEL.search(label) and not OTHER_LABEL.search(label):
            revised = value
    return None, revised


def line_dates(text: str) -> list[tuple[int, str]]:
    """The dates written in a short line, (offset, ISO date) in order: English and the common
    European month names, numeric and CJK forms (the parser pagemeta reads HTML dates with).
    Numeric d/m/y is read day first on lines written in a non-Latin script."""
    from cleaner.core.pagemeta import text_dates

    if len(text) > HEADER_LINE_MAX_CHARS or not _HAS_DIGIT.search(text):
        return []
    month_first = text.isascii()
    found = text_dates(text, month_first=month_first)
    if not found:
        value = find_date(text)
        if value:
            found = [(0, value)]
    return found


@functools.lru_cache(maxsize=16384)  # the header is read on every pass over the same lines
def dates_of_line(text: str, above: str = "") -> tuple[str | None, str | None]:
    """(publication date, revision date) a header line gives (line_date's policy)."""
    return line_date(text, line_dates(text), above)


def published_date(text: str, above: str = "") -> str | None:
    """The publication date a header line gives, or None (line_date's policy)."""
    return dates_of_line(text, above)[0]


_BY_WORD = f"(?:{_BY_WORDS}|text by|story by|author|authors|автор|авторы|автори)"
_BY_START = regex.compile(rf"^(?:{_BY_WORD})\s*[:：]?\s+(?P<rest>.+)$", regex.I)
_POSTED_BY = regex.compile(
    # "Posted by X", "Post by X » date", "Discussion in 'Y' started by X, date", "asked by X"
    rf"^(?:.{{0,40}}\s)?(?:{vocab.alternation('posted_by_verb')})"
    r"(?:\s+on\s+.+?)?\s+by\s+(?P<rest>.+)$",
    regex.I,
)
# Where a name ends: a separator, a date, "on", "in", "|", "–", a role after a comma.
_NAME_STOP = regex.compile(
    rf"\s+(?:on|in|at|am|le|el|il|le|{_LABEL}|fact-checked|reviewed|edited|–|—|-|\||•|·|»)\s"
    r"|\s*[|•·●–—]\s*|\s*[(\[]|\s+\d",
    regex.I,
)
_CAP_WORD = r"(?:\p{Lu}[\p{L}'’.\-]*|\p{Lu}\.)"
_PARTICLE = f"(?:{vocab.alternation('name_particles')}|{vocab.alternation('name_particles_extra')})"
_PERSON = rf"{_CAP_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_CAP_WORD}){{0,4}}"
_AND = "|".join(rf"\b{w}\b" for w in map(re.escape, vocab.phrases("name_and", skip=("it",))))
_NAMES_RE = regex.compile(rf"^(?P<names>{_PERSON}(?:\s*(?:,|&|{_AND})\s*{_PERSON}){{0,5}})")
_USERNAME = regex.compile(r"^[\p{Ll}\d][\p{L}\d_.-]{1,30}$")
_FACET = regex.compile(rf"^(?:{vocab.alternation('facet_heading_start')})\b", regex.I)
_NOT_A_NAME = regex.compile(
    rf"^(?:{vocab.alternation('not_a_name_start')}|{vocab.alternation('facet_heading_start')})\b",
    regex.I,
)
# A role after a name ("Audrey Huang, Print Managing Editor"): a comma, then words of a role.
_ROLE_TAIL = regex.compile(
    rf",\s*(?:[^,]*\b(?:{vocab.alternation('job_title')})\b.*|ph\.?d\.?|m\.?d\.?)$",
    regex.I,
)
BYLINE_MAX_NAMES = 6
NAME_LINE_MAX_WORDS = 5


def facet_heading(text: str) -> bool:
    """Words after "by" that name a menu's facet, not an author: "Role", "Company Type",
    "Matière" ("By Role" / "Marketers" / "Analysts")."""
    return _FACET.match(text) is not None


def _names(rest: str, loose: bool) -> str | None:
    """The name or names at the start of `rest`, up to a separator, a date or a role."""
    rest = rest.strip(" :,")
    dates = line_dates(rest)
    if dates:  # "Daria Shulzhenko November 3, 2024": the name ends where the date begins
        rest = rest[: dates[0][0]]
    cut = _NAME_STOP.search(rest)
    head = rest[: cut.start()] if cut else rest
    head = _ROLE_TAIL.sub("", head).strip(" ,.;:")
    if not head or _NOT_A_NAME.match(head):
        return None
    m = _NAMES_RE.match(head)
    if m and len(m.group("names")) >= len(head) - 1:
        return m.group("names").strip(" ,")
    if loose and _USERNAME.match(head):  # "By infuy": a user name, after an explicit "by"
        return head
    return None


_EMPHASIS = re.compile(r"\*\*|__|^[*_]|[*_]$")
# "March 15, 2022 · 3 min read · By ASU Online": "by" after a separator.
_BY_AFTER_SEPARATOR = regex.compile(
    rf"[|·•●–—]\s*(?:{vocab.alternation('byline_after_separator')})\s*:?\s+(?P<rest>.+)$", regex.I
)


_DATE_THEN_BY = regex.compile(r"^.{0,40}?\s+(?i:by)\s+(?P<rest>\p{Lu}.+)$")


@functools.lru_cache(maxsize=16384)
def byline_names(text: str) -> str | None:
    """The author a byline-shaped line names: "By X", "by X and Y | SEO | 8 min read",
    "Posted by X on ...", "By: X, Sr. Director", "Von X", "Автор: X", "Words by X"."""
    if len(text) > HEADER_LINE_MAX_CHARS:
        return None
    text = _EMPHASIS.sub("", text).strip(" ")
    m = _BY_START.match(text) or _POSTED_BY.match(text) or _BY_AFTER_SEPARATOR.search(text)
    if m is None:
        m2 = _DATE_THEN_BY.match(text)
        if m2 is None or not line_dates(text[: m2.start("rest")]):
            return None  # "October 11, 2023 by X": a date, then "by"
        m = m2
    return _names(m.group("rest"), loose=True)


@functools.lru_cache(maxsize=4096)
def name_line(text: str) -> str | None:
    """A line that is only a person's name, maybe with a role or a date after it ("Tom Talbot
    October 14, 2025", "Audrey Huang, Print Managing Editor", "Manoj Jain and Jagpreet
    Chhatwal | Guest Columnists"), as an author box or a dated signature prints it."""
    text = text.strip("*_ ")
    if not text or len(text) > 100 or text.endswith((".", "!", "?", ":")):
        return None
    name = _names(text, loose=False)
    if name is not None and name.isupper():
        return None  # "BOOK NOW", "SEE ALL": a button's label in capitals, not a name
    if name is None:
        return None
    n = len(name.split())
    if n < 2 or n > NAME_LINE_MAX_WORDS * BYLINE_MAX_NAMES:
        return None
    rest = text[len(name) :].strip(" ,|•·–—-")
    if rest and not (line_dates(rest) or _ROLE_TAIL.match(", " + rest) or len(rest.split()) <= 3):
        return None
    return name


# A byline's label on a line of its own, the name on the next line ("By" / "Jane Doe").
_BY_LABEL_LINE = regex.compile(
    rf"^(?:{vocab.alternation('byline_by', skip=('it', 'sv'))}|{vocab.alternation('byline_by_verb')}"
    r"|author|authors|autor|auteur|автор)\s*[:：]?$",
    regex.I,
)


def by_label(text: str) -> bool:
    """A line that is only a byline's label: the author's name follows on the next line."""
    return len(text) <= 12 and _BY_LABEL_LINE.match(text.strip(" *_")) is not None


@functools.lru_cache(maxsize=16384)
def dated(text: str) -> bool:
    """A short line that gives a date of any kind (published, updated): where a page prints
    its header, whichever date it is."""
    return bool(line_dates(text))
