"""Recognising metadata inside text: dates, times, bylines, URLs, and turning them into values."""

from __future__ import annotations

import functools
import re
from datetime import date as _date
from urllib.parse import urlsplit

import regex
from dateutil import parser as _dateparser

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|urday|sday)?\.?,?\s+)"
DATE = (
    rf"(?i:{_WEEKDAY}?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}/\d{1,2}/\d{4}))"
)
TIME = r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:UTC|GMT|[A-Z]{2,4}T?)(?:[+-]\d{1,2})?)?)"
READ_TIME = r"(?i:\d+\s*(?:min(?:ute)?s?)\.?\s*(?:read|listen))"

DATE_RE = re.compile(DATE, re.I)
TIME_ONLY_RE = re.compile(rf"^{TIME}$")

_DATE_LABEL = r"(?i:(?:last\s+)?(?:updated|published|posted|modified|date)(?:\s+on)?\s*:?\s*)"
# A line that is only a date: "March 07, 2023", "Updated: 7 March 2023 10:00 GMT", "Updated".
DATE_LINE_RE = re.compile(
    rf"^{_DATE_LABEL}?{DATE}(?:\s*(?:at|,|\||-|–|•|·)?\s*{TIME})?(?:\s*[|•·]?\s*{READ_TIME})?\.?$"
    rf"|^{READ_TIME}$|^(?:last\s+)?(?:updated|published|posted)\s*:?$"
    rf"|^(?:(?:updated|posted)\s+)?(?:\d+|an?|one)\s+(?:second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago"
    rf"(?:\s+at\s+{TIME})?$|^(?:yesterday|today|just now)(?:\s+at\s+{TIME})?$",
    re.I,
)

# Words a byline's name may contain besides capitalised ones ("The Kyiv Independent news desk").
_NAME_CONNECTORS = (
    "and|&|of|the|news|desk|staff|team|with|for|in|de|van|von|der|den|da|di|du|la|le|el|al|bin|y|e"
    "|reporter|reporters|correspondent|editor|editors|writer|contributor|wire|services"
)
_NAME_WORD = rf"(?:\p{{Lu}}[\p{{L}}'’.\-]*|{_NAME_CONNECTORS}|\p{{Lu}}\.)"
_NAME = rf"(?P<byline>{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,9}})"
_BY = r"(?i:by|written by|posted by|words by|author:|von|par|por|di|door|av|автор:?)"
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
_DATE_HINT = re.compile(
    r"\d|^(?:last|updated|published|posted|yesterday|today|just now|an?\s|one\s)", re.I
)


@functools.lru_cache(maxsize=4096)  # dateutil is slow, and pages of a site repeat their dates
def iso_date(text: str) -> str | None:
    """'March 7, 2023' -> '2023-03-07'; None when it is not a real date."""
    text = text.strip().rstrip(".,")
    dayfirst = "." in text and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text) is not None
    try:
        parsed = _dateparser.parse(text, dayfirst=dayfirst, default=None, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if not isinstance(parsed, _date) or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


def find_date(text: str) -> str | None:
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
