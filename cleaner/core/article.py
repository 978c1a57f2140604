"""Find the article itself: the dense run of prose paragraphs, its title, and its closing credit.

Every unit is classed as prose ("good"), a short sentence ("near") or not prose ("short").
Runs of prose that tolerate small gaps (a subheading, a removed insert) are the article
candidates; the largest is the article, and runs of comparable size are kept with it. What lies
before the first kept run is the page header (the title is picked from it), what follows the
last is the footer.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import regex

from cleaner.core.document import Doc
from cleaner.core.metadata import (
    DATE_LINE_RE,
    TIME_ONLY_RE,
    by_label,
    byline_names,
    dated,
    dates_of_line,
    is_date_line,
    line_dates,
    name_line,
    published_date,
)
from cleaner.core.segment import ends_sentence
from cleaner.rules import vocab
from cleaner.rules.registry import RULES

# Thresholds, each a named default with its reason.
GOOD_MIN_WORDS = 10  # a sentence of ten words that ends in punctuation is prose, not chrome
NEAR_MIN_WORDS = 4  # shorter sentences ("He said no.") only join a run, they never start one
LONG_MIN_WORDS = 30  # thirty words without final punctuation are still a paragraph
ITEM_MIN_WORDS = 4  # list items of four words and more are content; shorter ones are menus
MAX_GAP = 2  # a run survives two non-prose units in a row (subheading + caption, say)
OTHER_RUN_MIN_SHARE = 0.5  # a second run half the weight of the main one is part of the article
CREDIT_MIN_SHARE_BEFORE = 0.5  # a credit line ends the article only once most prose is above it
CREDIT_MAX_WORDS = 50
CREDIT_REACH = 60  # a credit line this many lines below the last paragraph still closes it
TITLE_MAX_WORDS = 30
TITLE_SEARCH_UNITS = 12  # the title sits within a few units of where the article starts

_WORD = regex.compile(r"\w+")
# Scripts written without spaces: a run of ideographs or kana is many words, not one.
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
CHARS_PER_UNSPACED_WORD = 2  # about two characters a word in Chinese and Japanese
_CREDIT = re.compile(
    rf"^\(?(?:{vocab.alternation('reporting_credit')})\b"
    f"|{vocab.alternation('reporting_credit_anywhere')}",
    re.I,
)
_TITLE_END_BAD = re.compile(r"[.,;:]$")
_STARTS_UPPER = regex.compile(r"^[\p{Lu}\p{Lo}\d\"“‘'«(\[]")

KEEP_CREDIT = RULES["K001"].pair
KEEP_DATE = RULES["K002"].pair
KEEP_TAIL = RULES["K004"].pair
KEEP_UNCUT = RULES["K005"].pair
KEEP_TITLE = RULES["K504"].pair
BEFORE = RULES["G401"].pair
AFTER = RULES["G402"].pair
AFTER_CREDIT = RULES["G403"].pair
REPEATED_TITLE = RULES["G201"].pair


# ASCII text: runs of \w characters are the words; every other byte becomes a space and
# bytes.split() counts them, five times faster than a regex findall.
_ASCII_WORD_CHARS = frozenset(b"_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASCII_NON_WORD = bytes(c if c in _ASCII_WORD_CHARS else 32 for c in range(256))


# Where the stdlib's \w is exactly the regex module's and no script is written without spaces,
# re counts the words twice as fast. The two modules carry Unicode tables of their own releases
# (a new regex release may make "\u0558" a word character while re does not), so the code points
# where they differ are found at import from the modules installed, not written down for one
# release. Above _SCANNED (U+2070: superscripts, CJK, symbols) the regex module always counts.
_SCANNED = 0x2070


def _needs_regex_pattern() -> re.Pattern[str]:
    chars = "".join(chr(o) for o in range(_SCANNED))
    differ = set(re.findall(r"\w", chars)) ^ set(regex.findall(r"\w", chars))
    differ.update(_UNSPACED.findall(chars))
    ranges: list[list[int]] = []
    for o in sorted(map(ord, differ)):
        if ranges and ranges[-1][1] == o - 1:
            ranges[-1][1] = o
        else:
            ranges.append([o, o])
    spans = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"[{spans}\\U{_SCANNED:08x}-\\U0010ffff]")


_NEEDS_REGEX = _needs_regex_pattern()
_RE_WORD = re.compile(r"\w+")


def count_words(text: str) -> int:
    """Words in a text; unspaced scripts count about two characters a word."""
    if text.isascii():
        return len(text.encode("ascii").translate(_ASCII_NON_WORD).split())
    if _NEEDS_REGEX.search(text) is None:
        return len(_RE_WORD.findall(text))
    n = len(_WORD.findall(text))
    unspaced = len(_UNSPACED.findall(text))
    return n + unspaced // CHARS_PER_UNSPACED_WORD if unspaced else n


# Classify, title and credit tests ask about the same lines again and again; whole documents go
# to count_words, so that the cache never holds them.
words = functools.lru_cache(maxsize=16384)(count_words)


MAX_LINK_SHARE = 0.5  # a line mostly made of link text is navigation or a teaser, not prose


def truncated(text: str) -> bool:
    """A teaser cut short: "..." or "…" right after a letter ("plus JBL he..."), or "[…]" at
    the end. String tests, not a pattern: every line is asked."""
    if text.endswith("..."):
        before = text[-4:-3]
    elif text.endswith("…"):
        before = text[-2:-1]
    else:
        return text.endswith(("[...]", "[…]"))
    return before.isalnum() or before == "_"


@functools.lru_cache(maxsize=16384)  # the article finder asks it of every line, at every pass
def is_credit(text: str) -> bool:
    """A credit line of the article: "With reporting by Reuters", "X contributed to this report"."""
    low = text.lower()
    if "report" not in low and "by" not in low and "contr" not in low:
        return False  # every _CREDIT form has one of these: a substring test spares the scan
    return words(text) <= CREDIT_MAX_WORDS and _CREDIT.search(text) is not None


# The rules, the article finder and the model's features ask it of the same lines, at every
# settle pass again (core/pipeline.py): cached like words.
@functools.lru_cache(maxsize=16384)
def classify(text: str, kind: str, link: float = 0.0) -> str:
    if link > MAX_LINK_SHARE or truncated(text):
        return "short"
    n = words(text)
    if kind == "heading":
        return "short"
    if kind == "item":
        return "near" if n >= ITEM_MIN_WORDS else "short"
    if ends_sentence(text):
        if n >= GOOD_MIN_WORDS:
            return "good"
        if n >= NEAR_MIN_WORDS:
            return "near"
        return "short"
    return "good" if n >= LONG_MIN_WORDS else "short"


@dataclass(slots=True)
class Run:
    start: int
    end: int
    chars: int = 0


def find_runs(classes: list[str], lengths: list[int]) -> list[Run]:
    runs: list[Run] = []
    cur: Run | None = None
    gap = 0
    for i, cls in enumerate(classes):
        if cls in ("good", "near"):
            if cur is not None and gap <= MAX_GAP:
                cur.end = i
                cur.chars += lengths[i]
            elif cls == "good":
                cur = Run(i, i, lengths[i])
                runs.append(cur)
            else:
                cur = None
                continue
            gap = 0
        elif cur is not None:
            gap += 1
            if gap > MAX_GAP:
                cur = None
    return runs


# Measured on the AEB text and markdown copies (bench/quality.py); each value is the middle of a
# plateau, not a peak: 3-5 for MERGE_GAP, 2.5-6 for ANCHOR moved F1 by under 0.005.
MERGE_GAP = 4  # neighbouring runs with at most four live non-prose lines between are one article
FAR_GAP = 30  # a run as heavy as half the main one joins it across up to thirty lines (long lists)
ANCHOR = 3.0  # the prose right below a byline or date line is the article thrice as often as not
ANCHOR_WINDOW = 4  # ...when that line is at most four live lines above it


def _anchored(run: Run, doc: Doc) -> bool:
    units = doc.units
    seen = 0
    i = run.start - 1
    while i >= 0 and seen < ANCHOR_WINDOW:
        u = units[i]
        if u.removed is not None and _is_meta(u.removed.rule, doc):
            return True
        if u.removed is None and is_date_line(u.text):
            return True
        if u.removed is None:
            seen += 1
        i -= 1
    return False


TEASER_FACTOR = 0.5  # a run of headline + summary pairs is likelier a list of other stories
TEASER_MIN_SHARE = 0.5  # ...when at least half its paragraphs sit under a headline
TEASER_MIN_PAIRS = 3  # ...and there are three such pairs or more


def _teaser_like(run: Run, doc: Doc, classes: list[str]) -> bool:
    """Most of the run's paragraphs sit right under a headline-shaped line."""
    units = doc.units
    goods = [i for i in range(run.start, run.end + 1) if classes[i] == "good"]
    pairs = sum(
        1
        for i in goods
        if i > 0 and classes[i - 1] == "short" and title_like(units[i - 1].text, units[i - 1].kind)
    )
    return pairs >= TEASER_MIN_PAIRS and pairs >= TEASER_MIN_SHARE * len(goods)


def _weight(run: Run, doc: Doc, classes: list[str]) -> float:
    """The run's prose, halved for a list of teasers (the anchor is applied apart)."""
    weight: float = run.chars
    if _teaser_like(run, doc, classes):
        weight *= TEASER_FACTOR
    return weight


def _joins(weight: float, main: float, anchored_main: float) -> bool:
    """Whether a run joins the main one across a long gap: at least half the main run's weight
    (the anchor counted: the run under the byline is the article), and not more than twice its
    prose. The byline is gone from the output, so cleaning the output again weighs the runs
    without it: a run more than twice the main one would then be the main one, and keep other
    runs than this pass did."""
    return weight >= OTHER_RUN_MIN_SHARE * anchored_main and main >= OTHER_RUN_MIN_SHARE * weight


def select_runs(runs: list[Run], doc: Doc, classes: list[str]) -> list[Run]:
    """The main run (the most prose, preferring one that follows a byline or date, and not a list
    of teasers), and the neighbouring runs that belong with it."""
    units = doc.units
    weights = {id(r): _weight(r, doc, classes) for r in runs}
    anchored = {id(r): weights[id(r)] * (ANCHOR if _anchored(r, doc) else 1.0) for r in runs}
    main = max(runs, key=lambda r: anchored[id(r)])
    main_weight = weights[id(main)]
    kept = [main]
    at = runs.index(main)
    for step in (-1, 1):
        edge, j = main, at + step
        while 0 <= j < len(runs):
            r = runs[j]
            lo, hi = (r.end, edge.start) if step < 0 else (edge.end, r.start)
            gap = sum(
                1
                for k in range(lo + 1, hi)
                if units[k].removed is None and not is_date_line(units[k].text)
            )
            if gap <= MERGE_GAP or (
                gap <= FAR_GAP and _joins(weights[id(r)], main_weight, anchored[id(main)])
            ):
                kept.append(r)
                edge, j = r, j + step
            else:
                break
    return sorted(kept, key=lambda r: r.start)


# A long line with no punctuation at all is a list of terms run together (a tag cloud, a menu, a
# month archive: "Administração Agricultura Campanha ..."), not a paragraph: it may join a run
# of prose but not start one. (On WCXB's and AEB's text copies 154 of 163 such lines lie outside
# the main content; the others, a forum's unpunctuated replies, product names, a list of years,
# may still join the run beside them.)
_ANY_PUNCTUATION = regex.compile(r"[,.;:!?()\[\]\"“”„«»…،。、，！？；：]")


def _term_list(text: str) -> bool:
    return _ANY_PUNCTUATION.search(text) is None


def _run_class(u) -> str:
    klass = classify(u.text, u.kind, u.link_share)
    if klass == "good" and _term_list(u.text):
        return "near"
    return klass


def find_article(doc: Doc) -> None:
    units = doc.units
    classes = ["removed" if u.removed is not None else _run_class(u) for u in units]
    lengths = [len(u.text) for u in units]
    for i, u in enumerate(units):
        if u.removed is None and is_credit(u.text):
            u.protected = True
            doc.kept_by[i] = KEEP_CREDIT[0]
    runs = find_runs(classes, lengths)
    if not runs:
        # Nothing reads like an article: keep every line, name no title, and say so.
        doc.warnings.append("no run of article prose found: boundary rules not applied")
        _pick_date(doc, len(units), len(units))
        return
    kept = select_runs(runs, doc, classes)
    main = max(kept, key=lambda r: r.chars)
    start, end = kept[0].start, kept[-1].end
    if doc.keep_span is not None:  # a live blog: its feed is the article, all of it
        start, end = min(start, doc.keep_span[0]), max(end, doc.keep_span[1])
    end_rule = AFTER

    # A credit line right after (or inside) the body closes the article.
    total = sum(r.chars for r in kept)
    for i in range(main.start, min(len(units), end + MAX_GAP + 2)):
        if doc.kept_by.get(i) == KEEP_CREDIT[0]:
            before = sum(lengths[j] for j in range(start, i) if classes[j] in ("good", "near"))
            if before >= CREDIT_MIN_SHARE_BEFORE * total:
                end, end_rule = i, AFTER_CREDIT
                break
    # A credit line below the last paragraph closes the article: what stands between, when it
    # is no prose of its own (a list of tour dates, a table), belongs to the article too.
    if end_rule is AFTER:
        for j in range(end + 1, min(len(units), end + CREDIT_REACH + 1)):
            if classes[j] == "good" and doc.kept_by.get(j) != KEEP_CREDIT[0]:
                break
            if doc.kept_by.get(j) == KEEP_CREDIT[0] and units[j].removed is None:
                end = j
                break
    if end_rule is AFTER:
        end = _keep_cut_off_tail(doc, end)

    for i in range(end + 1, len(units)):
        doc.remove(i, *end_rule)
    _restore_timeline_dates(doc, start, end, classes)
    _pick_date(doc, start, end)
    title = _pick_title(doc, start)
    _read_header(doc, start, title)
    for i in range(start):
        if i != title:
            doc.remove(i, *BEFORE)
    if doc.meta.title:
        key = doc.meta.title.casefold()
        for i in range(start, end + 1):
            if i != title and units[i].removed is None and units[i].text.casefold() == key:
                doc.remove(i, *REPEATED_TITLE)


CUT_OFF_MIN_LOWER_SHARE = 0.4  # prose is mostly lower-case words; a tag list or menu is not


def _cut_off(unit) -> bool:
    """A paragraph the scraper cut off mid-sentence: ten words and more of prose, ending on a
    letter or digit."""
    text = unit.text
    if unit.kind != "text" or not text[-1:].isalnum() or words(text) < GOOD_MIN_WORDS:
        return False
    tokens = text.split()
    return sum(t[:1].islower() for t in tokens) >= CUT_OFF_MIN_LOWER_SHARE * len(tokens)


def _keep_cut_off_tail(doc: Doc, end: int) -> int:
    """The document's last line, right under the article and cut off mid-sentence, is the
    article's last paragraph as far as the copy goes: keep it (K004) rather than lose it."""
    units = doc.units
    live = [j for j in range(end + 1, len(units)) if units[j].removed is None]
    if len(live) == 1 and live[0] - end <= MAX_GAP + 1 and _cut_off(units[live[0]]):
        doc.kept_by[live[0]] = KEEP_TAIL[0]
        units[live[0]].protected = True
        return live[0]
    return end


def _pick_date(doc: Doc, start: int, end: int) -> None:
    """The article's date is the first one above it, else the first one inside it."""
    where = {id(u): i for i, u in enumerate(doc.units)}
    for found in (doc.dates, doc.revised):  # a revision's date only where no other is
        dates = [(where[id(u)], d) for u, d in found if id(u) in where]
        above = [d for i, d in dates if i < start]
        inside = [d for i, d in dates if start <= i <= end and doc.units[i].removed is not None]
        doc.set_meta("date", next(iter(above or inside), None))


def _restore_timeline_dates(doc: Doc, start: int, end: int, classes: list[str]) -> None:
    """A date line with prose right above and below it inside the body is a timeline entry."""
    units = doc.units
    for i in range(start + 1, end):
        u = units[i]
        if u.removed is None or u.removed.rule != "G302":
            continue
        if not line_dates(u.text):
            continue  # "0 min read", "Updated": a date line's label without a date is no entry
        if classes[i - 1] in ("good", "near") and classes[i + 1] in ("good", "near"):
            u.removed = None
            doc.kept_by[i] = KEEP_DATE[0]


def title_like(text: str, kind: str) -> bool:
    if TIME_ONLY_RE.match(text) or DATE_LINE_RE.match(text):
        return False  # "10:45 AM" is shaped like a short headline but is a stamp
    n = words(text)
    if kind == "heading":
        return 1 <= n <= TITLE_MAX_WORDS
    return (
        3 <= n <= TITLE_MAX_WORDS
        and not _TITLE_END_BAD.search(text)
        and _STARTS_UPPER.match(text) is not None
    )


_META_CODES = {"G301", "G302"}


# A credit or a revision line is never the title ("Edited by X", "Updated: Jan 31").
_CREDIT_LABEL = re.compile(
    rf"^(?:{vocab.alternation('credit_or_revision_label')})\b",
    re.I,
)


def _signs_or_dates(text: str) -> bool:
    """A byline, a date line or a credit: header lines the title picker must pass over."""
    if _CREDIT_LABEL.match(text):
        return True
    return published_date(text) is not None or byline_names(text) is not None


# "3. The best X": an entry of a contents list or a numbered subheading, not the title.
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s")
ECHO_BONUS = 25  # a title printed again in a breadcrumb, a contents list or "N thoughts on X"
ECHO_REACH = 200  # units below the article's start searched for the title printed again
ECHO_MIN_CHARS = 12
# A line printed again below the article's start: a footer repeats the menus' labels as often as
# a page repeats its title, so this earns nothing (measured on WCXB's even pages: 20 lost 5).
LATER_BONUS = 0  # a short label ("News") is printed in many places, a title is not


def _echoed(page: str, text: str, whole: Counter) -> bool:
    """The line is printed again elsewhere on the page inside a longer line ("Home > Blog > X",
    "3. X", "6 thoughts on “X”"): pages repeat their own title so, not their chrome's
    headlines. A line printed again alone is not counted: a menu's labels recur whole in the
    footer. `page` is the lines joined, the line itself among them; `whole` counts the lines."""
    key = text.casefold()
    return len(key) >= ECHO_MIN_CHARS and page.count(key, 0) > whole[key]


def _pick_title(doc: Doc, start: int) -> int | None:
    """The title line: where the markup or a site rule gave the title, its line; else the
    learned picker's choice among the headline-shaped lines near the article (core/title.py),
    the rules' own pick (_rule_title) one of its features."""
    units = doc.units
    if doc.meta.title:  # given by a site rule: find its line, else it stands above the text
        for i in range(start):
            if units[i].removed is None and units[i].text.casefold() == doc.meta.title.casefold():
                doc.title_index = i
                return i
        return None
    from cleaner.core import title as learned

    best, how = _rule_title(doc, start)
    model = learned.shipped() if doc.title_model else None
    if model is not None:
        cands = title_candidates(doc, start, best)
        if cands[:1] == [0] and start == 1:
            # The line that opens the page right above the article, as title.decide takes it
            # whatever the scores (an output cleaned again: the settling passes' every page).
            best = 0
            doc.kept_by[0] = KEEP_TITLE[0]
            units[0].note = f"{KEEP_TITLE[1]} {learned.OPENS_PAGE_REASON}"
        else:
            x = learned.features(doc, start, cands, (best, how), TitleHelpers(doc))
            row, p = learned.choose(model, x)
            best = None if row is None else cands[row]
            if row is not None and best is not None:
                doc.kept_by[best] = KEEP_TITLE[0]
                units[best].note = f"{KEEP_TITLE[1]} {learned.explain(model, x, row, p)}"
    if best is not None:
        if units[best].removed is not None:
            units[best].removed = None  # a repeated headline or the cut's: the title all the same
        doc.title_index = best
        doc.meta.title = units[best].text
    return best


# Rules whose removal a title may have: the header and footer cut, a repetition, the model. Not
# a phrase rule's (a known label), a caption's, a date or byline rule's, or a site rule's. (A
# line below the article's start is a candidate, for the model's sake, but is never taken:
# title.decide.)
_TITLE_REMOVED_OK = ("G201", "G202", "G401", "G402", "G501")


def title_candidates(doc: Doc, start: int, rule: int | None = None) -> list[int]:
    """The headline-shaped lines the title may be: from far above the article's start to a few
    lines below it, shaped like a title as plain text (cleaning the output again must find the
    same one), not a list item, a contents entry, a byline, a date or an author box's line;
    and the rules' pick `rule`."""
    from cleaner.core.title import BELOW, FAR_ABOVE

    units = doc.units
    out = []
    site = _site_key(doc.meta.url)
    for i in range(max(0, start - FAR_ABOVE), min(len(units), start + BELOW)):
        u = units[i]
        if u.protected or u.kind == "item" or i in doc.kept_by:
            continue
        if site and _NON_WORD.sub("", u.text.casefold()) == site:
            continue  # "Harbour Gazette" on harbourgazette.example: the site's name
        if u.removed is not None and u.removed.rule not in _TITLE_REMOVED_OK:
            continue
        if _candidate_shaped(u.text):
            out.append(i)
    if rule is not None and rule not in out:
        out = sorted([*out, rule])
    return out


@functools.lru_cache(maxsize=16384)  # a line is tested again at every settling pass
def _candidate_shaped(text: str) -> bool:
    return (
        _title_shaped(text)
        and not _NUMBERED.match(text)
        and not _signs_or_dates(text)
        and not _credited(text)
        and not _menu_line(text)
    )


# "Northwind Islander | Home | News | Ferries": a site's menu printed on one line, its parts
# mostly single words. A title with a site suffix has two parts ("Headline | Site"), and a
# title of three ("Online Math Tutors | Online Math Help | The Princeton Review") longer ones.
_MENU_SEPARATOR = re.compile(r"\s[|·•]\s")
MENU_MIN_PARTS = 3


def _menu_line(text: str) -> bool:
    parts = _MENU_SEPARATOR.split(text)
    if len(parts) < MENU_MIN_PARTS:
        return False
    return 2 * sum(len(part.split()) == 1 for part in parts) > len(parts)


CANDIDATE_MIN_WORDS = 2  # "Dental Care": a service's page is titled so; "News" is a label
# A sentence's end, inside closing quotes too: 'Zelensky said, “There is no part of it.”' is a
# paragraph of the article, not its title.
_CANDIDATE_END_BAD = re.compile(r"[.,;:][\"”’'»]*$")


def _title_shaped(text: str) -> bool:
    """title_like's test for a line of text, two words allowed: the picker weighs a short one
    against the rest (a two-word title printed first is picked again when the output is
    cleaned again: the picker's own features say so, tests/test_title.py)."""
    if TIME_ONLY_RE.match(text) or DATE_LINE_RE.match(text):
        return False
    return (
        CANDIDATE_MIN_WORDS <= words(text) <= TITLE_MAX_WORDS
        and not _CANDIDATE_END_BAD.search(text)
        and _STARTS_UPPER.match(text) is not None
    )


_NON_WORD = regex.compile(r"[\W_]+")


def _site_key(url: str | None) -> str | None:
    """The name a site's host spells ("harbourgazette" of www.harbourgazette.example), which a
    line naming the site spells too, spaces and case aside."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    labels = host.removeprefix("www.").split(".")
    return labels[0] if len(labels) > 1 and len(labels[0]) >= 4 else None


class TitleHelpers:
    """The article finder's line tests, for core/title.features."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.keys = [u.text.casefold() for u in doc.units]  # each line, casefolded
        self.whole = Counter(self.keys)  # how often each line is printed
        self._page = "\n".join(self.keys)

    def header_line(self, i: int) -> bool:
        return _header_line(self.doc, i)

    def prose(self, i: int) -> bool:
        u = self.doc.units[i]
        return classify(u.text, u.kind, u.link_share) == "good"

    def echoed(self, text: str) -> bool:
        return _echoed(self._page, text, self.whole)


# How the rules found their title, a feature of the title model: the last part of a breadcrumb
# printed near it, the headline by a byline or date line, the nearest headline-shaped line.
BY_CRUMB, BY_ANCHOR, BY_NEARNESS = 3, 2, 1


def _rule_title(doc: Doc, start: int) -> tuple[int | None, int]:
    """The rules' title and how they found it (BY_*): a headline-shaped unit just above the
    article; one sitting next to the byline or date, or printed again further down, wins over
    one that merely comes last."""
    crumbed = _crumbed_title(doc, start)
    if crumbed is not None:
        return crumbed, BY_CRUMB
    anchored = _anchored_title(doc, start)
    if anchored is not None:
        return anchored, BY_ANCHOR
    nearest = _nearest_title(doc, start)
    return nearest, BY_NEARNESS if nearest is not None else 0


def _nearest_title(doc: Doc, start: int) -> int | None:
    units = doc.units
    best, best_score = None, None
    lo = max(0, start - ANCHOR_REACH)
    later = {u.text.casefold() for u in units[start:]}
    page = "\n".join(u.text for u in units[: start + ECHO_REACH]).casefold()
    whole = Counter(u.text.casefold() for u in units[: start + ECHO_REACH])
    for i in range(lo, start):
        u = units[i]
        if (
            u.removed is not None
            or u.protected
            or u.kind == "item"
            # Shaped like a title as plain text too: the output is plain text, and cleaning it
            # again must find the same title (a one-word markdown heading would not be).
            or not title_like(u.text, "text")
            or _NUMBERED.match(u.text)
            or _signs_or_dates(u.text)
            or _credited(u.text)  # an author box's line, as _usable_title has it
        ):
            continue
        echoed = _echoed(page, u.text, whole)
        if i < start - TITLE_SEARCH_UNITS and not echoed:
            continue  # far above the article, only a title the page prints again is taken
        score = -(start - i)  # nearer the article is likelier
        if echoed:
            score += ECHO_BONUS
        if u.kind == "heading":
            score += 20
        if u.text.casefold() in later:
            score += LATER_BONUS
        for j in (i - 1, i + 1):
            near = units[j].removed if 0 <= j < len(units) else None
            if near and _is_meta(near.rule, doc):
                score += 15
                break
        if best_score is None or score > best_score:
            best, best_score = i, score
    return best


# A breadcrumb trail: three parts or more ("Home » Archive » Financial Literacy » X").
_CRUMB_SEP = re.compile(r"\s+(?:»|>|›|/|\||-|–|—|::)\s+")
_CRUMB_CHARS = frozenset("»>›/|-–—:")
CRUMB_REACH = 4  # the page's heading stands a few lines from its breadcrumb trail
CRUMB_MIN_CHARS = 12  # a short last part ("Blog") is a section, not a page's title
CRUMB_MAX_CHARS = 300


def _crumbed_title(doc: Doc, start: int) -> int | None:
    """The headline a breadcrumb trail near it ends with: the trail names the page by its title
    ("Home » Archive » Financial Literacy » Do Millennials Have the Best Personal Finance
    Habits?", then that headline), wherever the article finder started."""
    units = doc.units
    for i in range(min(len(units), start + TITLE_SEARCH_UNITS)):
        text = units[i].text
        if len(text) > CRUMB_MAX_CHARS or _CRUMB_CHARS.isdisjoint(text):
            continue
        parts = _CRUMB_SEP.split(text)
        if len(parts) < 3:
            continue
        key = parts[-1].strip().casefold()
        if len(key) < CRUMB_MIN_CHARS:
            continue
        for j in range(max(0, i - CRUMB_REACH), min(len(units), i + CRUMB_REACH + 1)):
            if j != i and units[j].text.casefold() == key and _usable_title(doc, j):
                return j
    return None


HEADER_ABOVE = 4  # a kicker, a date or a byline may stand a few lines above the title
HEADER_BELOW = 6  # ...and the byline, date, dek and a caption below it
HEADER_MAX_WORDS = 25  # a header line is short: a sentence that names a date is prose
TITLE_SKIP = 2  # a section label or a dek may stand between the title and its byline or date


def _header_line(doc: Doc, i: int) -> bool:
    """A byline or date line: one a rule removed as such, or one shaped like it."""
    u = doc.units[i]
    if u.removed is not None and _is_meta(u.removed.rule, doc):
        return True
    return _header_shaped(u.text)


@functools.lru_cache(maxsize=16384)  # the title's and the header's readers ask at every pass
def _header_shaped(text: str) -> bool:
    if words(text) > HEADER_MAX_WORDS:
        return False
    return (
        published_date(text) is not None
        or byline_names(text) is not None
        or name_line(text) is not None
        or _role_line(text)
    )


# An author box's role under the name: "Co-founder of Intelivita", "National Biotech Reporter",
# "Founder & CEO". Short, and made of a role's words.
_ROLE_LINE = re.compile(
    r"^(?:[\w&.'’-]+\s+){0,3}(?:editor|writer|reporter|correspondent|columnist|contributor"
    r"|co-?founder|founder|ceo|cto|vp|svp|president|director|journalist|analyst|strategist)s?"
    r"(?:\s+(?:of|at|&|and)(?:\s+[\w&.'’-]+){1,3}|\s+[-–—|]\s+[\w&.'’ -]{1,30})?$",
    re.I,
)


def _credited(text: str) -> bool:
    """An author box's line: a role, or a name with its role after a comma ("Dylan Bailey, MS,
    RD") or another separator ("Manoj Jain | Guest Columnist")."""
    return (
        _role_line(text)
        or ("," in text and name_line(text) is not None)
        or _name_with_role(text) is not None
    )


def _role_line(text: str) -> bool:
    return len(text) <= 60 and _ROLE_LINE.match(text) is not None


ANCHOR_REACH = 30  # a page header's menus and a table of contents may stand between


def _dated_or_signed(doc: Doc, i: int) -> bool:
    """A line that gives a date (published or updated) or an author's name, or a byline's
    label with the name on the next line (not a bare "5 min read" or "Updated")."""
    text = doc.units[i].text
    if words(text) > HEADER_MAX_WORDS:
        return False
    if dated(text) or byline_names(text) is not None or _ASKED.match(text):
        return True
    units = doc.units
    return by_label(text) and i + 1 < len(units) and name_line_or_user(units[i + 1].text)


# A question's or a post's relative stamp under its title: "Asked 11 years, 9 months ago".
_ASKED = re.compile(
    rf"^(?:{vocab.alternation('post_stamp_verb')})\s+(?:\d+|an?|one)\s+"
    rf"(?:{vocab.alternation('time_unit')})s?\b.*\bago$",
    re.I,
)


def name_line_or_user(text: str) -> bool:
    return name_line(text) is not None or (
        len(text.split()) <= 4 and _NAME_START.match(text) is not None
    )


_NAME_START = regex.compile(r"^(?:\p{Lu}[\p{L}'’.\-]*\s*){1,4}(?:,.*)?$")


def _anchored_title(doc: Doc, start: int) -> int | None:
    """The title printed above the article's byline or date, as readability's and trafilatura's
    text heuristics take the heading nearest the byline. The dated or signed lines nearest the
    article are tried first; where none near it has a headline above, the first one further up
    that opens prose (the article finder may have started below the article's intro)."""
    units = doc.units
    lo = max(0, start - ANCHOR_REACH)
    hi = min(len(units), start + MAX_GAP + 1)
    for anchor in range(hi - 1, lo - 1, -1):
        if _dated_or_signed(doc, anchor):
            title = _title_at(doc, anchor)
            if title is not None:
                return title
    far = [a for a in range(lo) if _dated_or_signed(doc, a) and _opens_prose(doc, a)]
    for anchor in far:
        title = _title_at(doc, anchor)
        if title is not None:
            return title
    # No headline above any of them: a kicker's date or byline above the title ("December 17,
    # 2025 • 8 minutes" / the title / the first paragraph).
    for anchor in [*range(hi - 1, lo - 1, -1), *far]:
        if anchor >= lo and not _dated_or_signed(doc, anchor):
            continue
        title = _title_below(doc, anchor)
        if title is not None:
            return title
    return None


SHORT_TITLE_WORDS = 3  # "Back to Blog", "Industry Insights": a label above a kicker's date


def _title_at(doc: Doc, anchor: int) -> int | None:
    """The headline above a dated or signed line; where that is a short label and a longer
    headline stands right below the line, the one below (a kicker's date)."""
    above = _title_above(doc, anchor)
    if above is None or words(doc.units[above].text) > SHORT_TITLE_WORDS:
        return above
    below = _title_below(doc, anchor)
    if below is not None and words(doc.units[below].text) > words(doc.units[above].text):
        return below
    return above


def _usable_title(doc: Doc, i: int) -> bool:
    """Shaped like a title, and not a line a rule keeps or an author box's line."""
    u = doc.units[i]
    return (
        u.kind != "item"
        and not u.protected
        and (u.removed is None or u.removed.rule in ("G401", "G201", "G202"))
        and title_like(u.text, "text")
        and not _NUMBERED.match(u.text)
        and not _signs_or_dates(u.text)
        and not _credited(u.text)
    )


def _title_below(doc: Doc, anchor: int) -> int | None:
    """The headline right below a dated or signed line (other header lines and removed ones
    passed over), when what follows it is the article's header or prose: a byline, a date, a
    dek or a paragraph, not another short line (a menu's)."""
    units = doc.units
    j = anchor + 1
    while (
        j < len(units)
        and not _usable_title(doc, j)
        and (units[j].removed is not None or _header_line(doc, j))
    ):
        j += 1
    if j >= len(units) or not _usable_title(doc, j):
        return None
    k = j + 1
    while k < len(units) and units[k].removed is not None:
        k += 1
    if k >= len(units):
        return None
    nxt = units[k]
    if _header_line(doc, k) or classify(nxt.text, nxt.kind) in ("good", "near"):
        return j
    return None


OPENS_PROSE_WITHIN = 4  # the article's first paragraph follows its byline within a few lines
CONTENTS_MAX_ITEMS = 40  # ...a table of contents (a list) may stand between: it is not counted


def _opens_prose(doc: Doc, i: int) -> bool:
    """Prose follows the line within a few lines: removed lines and the items of a list (the
    article's table of contents) are not counted."""
    units = doc.units
    seen = items = 0
    for j in range(i + 1, len(units)):
        u = units[j]
        if u.removed is not None or _header_line(doc, j):
            continue  # the rest of the header: a name, a role, a second date
        if u.kind == "item":
            items += 1
            if items > CONTENTS_MAX_ITEMS:
                return False
            continue
        if classify(u.text, u.kind) == "good":
            return True
        seen += 1
        if seen >= OPENS_PROSE_WITHIN:
            return False
    return False


def _title_above(doc: Doc, anchor: int) -> int | None:
    """Of the headline-shaped lines right above a byline or date line (the title, a dek, a
    caption; a section label may stand between), the longest, the topmost of equals."""
    units = doc.units
    passed_dek = False  # a sentence under the title was passed over: the dek is found
    found: list[int] = []
    skipped = 0
    i = anchor - 1
    while i >= max(0, anchor - TITLE_SEARCH_UNITS):
        u = units[i]
        if _usable_title(doc, i):
            found.append(i)
            skipped = 0
        elif _header_line(doc, i) and (not found or _above_title_header(doc, i)):
            pass  # a second date or byline line above: the header goes on
        elif found or skipped >= TITLE_SKIP:
            break
        elif classify(u.text, u.kind) == "good":
            # One sentence right above the byline is the dek under the title (a section label
            # may stand between); prose is not.
            if passed_dek or words(u.text) > DEK_MAX_WORDS:
                break
            skipped += 1
            passed_dek = True
        else:
            skipped += 1
        i -= 1
    if not found:
        return None
    # found[0] is the line nearest the byline: a dek in sentence case ("Here's what we're
    # excited about this year") under a headline of its own is not the title.
    if len(found) > 1 and not passed_dek and _dek_like(units[found[0]].text):
        rest = [k for k in found[1:] if words(units[k].text) >= DEK_TITLE_MIN_WORDS]
        if rest:
            found = rest
    return max(found, key=lambda k: (words(units[k].text), -k))


def _above_title_header(doc: Doc, i: int) -> bool:
    """A header line above a headline already found: a date or a byline goes on with the
    header, a bare name-shaped line does not: above the title it is a section's kicker
    ("Artificial Intelligence" over "Machine learning, explained" over "By" / the name)."""
    u = doc.units[i]
    if u.removed is not None and _is_meta(u.removed.rule, doc):
        return True
    return published_date(u.text) is not None or byline_names(u.text) is not None


DEK_MAX_WORDS = 40  # a dek is one sentence
DEK_TITLE_MIN_WORDS = 3  # the headline above a dek: a section label ("News") is not one
DEK_MIN_WORDS = 7  # a dek is a sentence; a forum thread's short title ("Deploy failed") is not
DEK_MIN_LOWER_SHARE = 0.6  # a dek is a sentence: most of its words after the first in lower case
_LETTER_WORD = regex.compile(r"\p{L}[\p{L}'’-]*")


def _dek_like(text: str) -> bool:
    if text.endswith("?"):
        return False  # a question is a thread's or a guide's title, seldom a dek
    tokens = _LETTER_WORD.findall(text)[1:]
    if len(tokens) + 1 < DEK_MIN_WORDS:
        return False
    return sum(t[0].islower() for t in tokens) >= DEK_MIN_LOWER_SHARE * len(tokens)


def _dated(doc: Doc, i: int) -> bool:
    """A date on the line or on the next one or the one before: a bare name line is a byline
    only where it signs something dated ("Tom Talbot October 14, 2025", a name over a date)."""
    units = doc.units
    return any(
        0 <= j < len(units)
        and words(units[j].text) <= HEADER_MAX_WORDS
        and published_date(units[j].text) is not None
        for j in (i, i + 1, i - 1)
    )


def _read_header(doc: Doc, start: int, title: int | None) -> None:
    """The byline and date printed around the title, nearest first (below before above): they
    replace what the rules found further off (a teaser's byline, a sidebar's date). Below the
    title the header ends at the first paragraph, unless that is a one-sentence dek with a byline
    or date line right under it (_dek_over_header)."""
    units = doc.units
    anchor = title if title is not None else start
    lo = max(0, anchor - HEADER_ABOVE)
    # Below, the header ends at the article's first paragraph: a date further down is a
    # timeline's or a comment's.
    hi = min(len(units), max(anchor + 1, start) + HEADER_BELOW)
    dek = 0  # lines a dek under the title adds to where an author box's name may stand
    for j in range(max(anchor + 1, start), hi):
        u = units[j]
        if u.removed is None and classify(u.text, u.kind, u.link_share) == "good":
            if title is not None and j == title + 1 and _dek_over_header(doc, j):
                dek = 1
                continue  # the dek under the title, the byline and date below it
            hi = j
            break
    order = sorted(
        (i for i in range(lo, hi) if i != title), key=lambda i: (abs(i - anchor), i < anchor)
    )
    date = byline = named = near_name = revised = None
    for i in order:
        text = units[i].text
        if words(text) > HEADER_MAX_WORDS:
            continue
        date = date or published_date(text)
        revised = revised or dates_of_line(text)[1]
        byline = byline or byline_names(text)
        if byline is None and by_label(text) and i + 1 < len(units):
            # "By" / "Genevieve Carlton, Ph.D.": the label on a line, the name on the next
            nxt = units[i + 1].text
            byline = name_line(nxt) or byline_names(f"By {nxt}")
        if named is None and abs(i - anchor) <= TITLE_SKIP + 1 + dek:
            # a name over or beside a date, or a name with its role on the line
            named = name_line(text) if _dated(doc, i) else _name_with_role(text)
        if near_name is None and title is not None and 0 < i - title <= TITLE_SKIP + dek:
            near_name = _boxed_name(doc, i)
    # A name right under the title, over its role or a date (an author box).
    named = near_name or named
    if named is None and byline is None and date is not None and title is not None:
        named = _bare_name_under(doc, title)  # a dated header's bare name under the title
    if date is None or (byline or named) is None:
        # No header around the title: the byline or date line nearest above the article, as
        # far as the title is looked for ("By Kathryn Giuffrida Mar 5, 2025 | 6 comments").
        for i in range(lo - 1, max(-1, start - ANCHOR_REACH - 1), -1):
            text = units[i].text
            if words(text) > HEADER_MAX_WORDS or units[i].kind == "item":
                continue
            found_date, found_name = published_date(text), byline_names(text)
            if found_date or found_name:
                date = date or found_date
                byline = byline or named or found_name
                break
    if byline is None and named is None and doc.meta.byline is None:
        byline = _signed_in_article(doc, hi)  # below the header: the article's first lines
    # A revision's date by the title ("Updated on 8 January 2026") dates a text copy only where
    # no publication date is found anywhere (metadata.line_date's policy: `revised`). An HTML
    # page's markup reader has looked for one by its <h1> already; a block's "Reviewed on" date
    # further off is a customer review's (WCXB, HTML: false dates 14.9 -> 15.0% without this).
    if date is None and doc.meta.date is None and not doc.html:
        date = revised
    # On HTML the markup's byline and date stand: a forum's first poster named by the page is
    # not replaced by a category name or a counter printed near the thread's title.
    if date and "date" not in doc.from_markup:
        doc.meta.date = date
    if (byline or named) and "byline" not in doc.from_markup:
        doc.meta.byline = byline or named


SIGNED_REACH = 8  # live lines of the article read for a byline the header lacks (WCXB: at 40,
# a forum reply's "By Vaughn" signature is read as the author)
# An explicit byline's label: a bare name line or "Posted by" (a feed's or a listing's items
# each print one) is not read inside the article, nor "Di"/"Door"/"Av" that open a heading.
_EXPLICIT_BY = regex.compile(
    rf"^(?:{vocab.alternation('byline_by', skip=('it', 'nl', 'sv'))}"
    rf"|{vocab.alternation('byline_signed_verb')}|author|autor|auteur|автор)\s*[:：]?\s",
    regex.I,
)


def _signed_in_article(doc: Doc, start: int) -> str | None:
    """Where the header names no one: an explicit byline on a line of its own among the
    article's first lines, below an intro or under a short article ("by Daniel Burstein,
    Senior Director", "Text by Hunter Dukes"). Not a sentence ("By focusing on the best CRM,
    companies..."), nor a lower-case word after "by"."""
    units = doc.units
    seen = 0
    for i in range(start, len(units)):
        u = units[i]
        if u.removed is not None:
            continue
        seen += 1
        if seen > SIGNED_REACH:
            break
        text = u.text
        if u.kind == "item" or words(text) > HEADER_MAX_WORDS or ends_sentence(text):
            continue
        if _EXPLICIT_BY.match(text.strip("*_ ")):
            name = byline_names(text)
            if name is not None and name[0].isupper():
                return name
    return None


def _bare_name_under(doc: Doc, title: int) -> str | None:
    """A person's name alone on the line right under the title of a dated header ("Need a
    Change? 7 Vital Tips" / "Andrei Zakhareuski" / the first paragraph). A button's or a menu's
    label there ("Ask Question", "Play Game", "Digital Photo Frame") is shaped like one: a name's
    words are proper nouns, so none of them may stand in lower case anywhere on the page (WCXB
    text copies: 14 labels read as authors without this, 3 names of 4 kept with it); a
    single letter without its dot ("M Home") is no initial."""
    units = doc.units
    k = title + 1
    while k < len(units) and units[k].removed is not None:
        k += 1
    if k >= len(units):
        return None
    name = _lone_name(units[k].text)
    if name is None or any(len(w) < 2 and not w.endswith(".") for w in name.split()):
        return None
    lower = _lower_words(doc)
    return None if any(w.lower() in lower for w in _LETTER_WORD.findall(name)) else name


def _lower_words(doc: Doc) -> set[str]:
    """The words the page writes in lower case (common words, not proper nouns)."""
    return {w for u in doc.units for w in _LETTER_WORD.findall(u.text) if w.islower()}


def _dek_over_header(doc: Doc, i: int) -> bool:
    """A one-sentence dek right under the title with the header's byline or date line right
    below it ("The No. 1 most popular workout of 2024" / its dek / "Updated Dec. 23, 2024" /
    "Nicoletta Richardson"): the header goes on past the dek."""
    units = doc.units
    if words(units[i].text) > DEK_MAX_WORDS or i + 1 >= len(units):
        return False
    if doc.kept_by.get(i + 1) == KEEP_DATE[0]:
        return False  # a timeline's date between two paragraphs, not the header's
    nxt = units[i + 1].text
    return words(nxt) <= HEADER_MAX_WORDS and (
        dated(nxt) or byline_names(nxt) is not None or name_line(nxt) is not None
    )


def _name_with_role(text: str) -> str | None:
    """A name with its role after it on the same line, as a byline under a title prints it
    ("Manoj Jain and Jagpreet Chhatwal | Guest Columnists", "Audrey Huang, Print Managing
    Editor"): the name. A bare name, or a name with other words after it, is not one."""
    name = name_line(text)
    if name is None:
        return None
    rest = text.strip("*_ ")[len(name) :].strip(" ,|•·–—-")
    return name if rest and _role_line(rest) else None


BOXED_NAME_MAX_WORDS = 4


def _lone_name(text: str) -> str | None:
    """The name a line holds and nothing else, of BOXED_NAME_MAX_WORDS words at most; not a
    label in capitals ("BOOK NOW")."""
    name = name_line(text)
    if name is None or name != text.strip("*_ ") or name.isupper():
        return None
    return name if len(name.split()) <= BOXED_NAME_MAX_WORDS else None


def _boxed_name(doc: Doc, i: int) -> str | None:
    """A person's name on a line of its own with its role or a date on the next line or the one
    after ("Chirag Bhardwaj" / "VP - Technology" / "November 14, 2025"), as an author box
    prints it under the title. Not a label in capitals ("BOOK NOW")."""
    units = doc.units
    name = _lone_name(units[i].text)
    if name is None:
        return None
    below = [units[j].text for j in (i + 1, i + 2) if j < len(units)]
    if below and _role_line(below[0]):
        return name
    return name if any(published_date(t) or dated(t) for t in below) else None


def _is_meta(code: str, doc: Doc) -> bool:
    if code in _META_CODES:
        return True
    return doc.site is not None and any(m.code == code for m in doc.site.meta)


# The header and footer cut (G401, G402) keeps one dense run of prose. On a page of short
# entries (a shop's products, a listing, a forum's index) the densest run is a stray paragraph:
# when the cut leaves fewer words than this of a page ten times its size (the "nearly empty"
# warning), the page is cleaned again without it. A short article on a big page keeps more
# (the AEB pages that end nearly empty keep 70 to 300 words), and stays cut.
UNCUT_MAX_WORDS = 50


def undo_cut(doc: Doc) -> None:
    """Put the lines the header and footer cut removed back in play (the model decides them);
    doc.uncut remembers them, to name K005 on those the model kept."""
    for u in doc.units:
        if u.removed is not None and u.removed.rule in (BEFORE[0], AFTER[0]):
            u.removed = None
            doc.uncut.append(id(u))


def name_uncut(doc: Doc) -> None:
    """K005 on the lines undo_cut put back that are still there after the model."""
    ids = set(doc.uncut)
    for i, u in enumerate(doc.units):
        if id(u) in ids and u.removed is None and i not in doc.kept_by:
            doc.kept_by[i] = KEEP_UNCUT[0]
