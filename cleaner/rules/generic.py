"""Generic heuristics: named rules that work on any site, with no rule file.

Each rule is a function registered with its code (G###); its name and the reason `--explain`
prints come from the rule registry (rules/codes.toml, read by rules/registry.py). Phrase rules match whole lines (or a line's start) so that a
sentence of an article that merely mentions "subscribe" is never touched.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.core.document import Doc
from cleaner.core.metadata import (
    BYLINE_RE,
    DATE,
    TIME,
    TIME_ONLY_RE,
    URL_RE,
    dates_of_line,
    facet_heading,
    is_date_line,
    iso_date,
)
from cleaner.core.normalise import n_tokens
from cleaner.rules import vocab
from cleaner.rules.firstchar import FirstCharIndex
from cleaner.rules.registry import RULES

I = re.IGNORECASE  # noqa: E741


@dataclass(frozen=True, slots=True)
class GenericRule:
    code: str
    name: str
    reason: str
    apply: Callable[[Doc], None]


REGISTRY: dict[str, GenericRule] = {}


def rule(code: str):
    def register(fn: Callable[[Doc], None]) -> Callable[[Doc], None]:
        record = RULES[code]
        REGISTRY[code] = GenericRule(code, record.name, record.reason, fn)
        return fn

    return register


NEEDLES: dict[str, tuple[str, ...]] = {
    # Phrases a rule may find inside a line (not only at its start) need one of these words
    # present first: a substring test costs far less than a regex scanning the whole line.
    "G102": (
        "sent you a confirmation",
        "error processing",
        "subscribe to",
        "personal data",
        "your inbox",
    ),
    "G103": ("support", "become a", "join", "donate", "make a", "partner", "consider"),
    "G106": ("will not be published", "required fields"),
    "G113": (":-", ": -", ":–", "check it out", "below"),
    "G114": ("keep yourself", "stay tuned", "bookmark"),
    "G118": ("cookie",),
    "G119": ("reserved", "non-commercial use", "may not be published", "may not be reproduced"),
}


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a cheap cache key
class PhraseRule:
    code: str
    anchored: re.Pattern | None  # whole-line forms, tried with match() at the line's start
    floating: re.Pattern | None  # forms found anywhere, behind a needle test
    needles: tuple[str, ...]
    max_chars: int
    starts: tuple[str, ...] = ()  # the anchored forms, one per alternative


PHRASES: list[PhraseRule] = []
CHARS_PER_WORD = 12  # phrase rules look at short lines only: max_words x 12 characters


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(c|d)" -> ["a", "b(c|d)"])."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":  # a class may hold "|" and ")" literally
            j = i + 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            cur.append(pattern[i : j + 1])
            i = j + 1
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _phrase_rule(code: str, pattern: str, max_words: int = 40):
    """Register a rule that drops every line matching `pattern` (case-insensitive)."""
    parts = _alternatives(pattern)
    anchored = [p[1:] for p in parts if p.startswith("^")]
    floating = [p for p in parts if not p.startswith("^")]
    if floating and code not in NEEDLES:
        raise ValueError(f"{code}: a pattern found anywhere in a line needs NEEDLES")
    phrase = PhraseRule(
        code,
        re.compile("|".join(f"(?:{p})" for p in anchored), re.I) if anchored else None,
        re.compile("|".join(f"(?:{p})" for p in floating), re.I) if floating else None,
        NEEDLES.get(code, ()) if floating else (),
        max_words * CHARS_PER_WORD,
        tuple(anchored),
    )
    PHRASES.append(phrase)

    def apply(doc: Doc) -> None:
        _apply_phrases(doc, (phrase,))

    apply.__doc__ = f"{code}: {RULES[code].reason}."
    rule(code)(apply)


def _phrase_hit(rule_: PhraseRule, text: str, low: str) -> bool:
    if len(text) >= rule_.max_chars:
        return False
    if rule_.anchored is not None and rule_.anchored.match(text):
        return True
    return (
        rule_.floating is not None
        and any(n in low for n in rule_.needles)
        and rule_.floating.search(text) is not None
    )


@functools.cache
def _combined(
    rules: tuple[PhraseRule, ...],
) -> tuple[FirstCharIndex, re.Pattern, int, dict[str, str | None]]:
    any_start = FirstCharIndex([p for r in rules for p in r.starts], re.I)
    needles = "|".join(re.escape(n) for r in rules for n in r.needles) or "(?!)"
    return any_start, re.compile(needles), max(r.max_chars for r in rules), {}


def _apply_phrases(doc: Doc, rules: tuple[PhraseRule, ...]) -> None:
    """Each live line against the phrase rules in order; the first that matches names it.

    One combined match and one needle search per line decide whether any rule can match at
    all: most lines are prose, and this keeps them to two cheap tests."""
    any_start, needles, longest, seen = _combined(tuple(rules))
    if len(seen) > _SEEN_MAX:
        seen.clear()
    for i, unit in enumerate(doc.units):
        text = unit.text
        if unit.removed is not None or len(text) >= longest:
            continue
        code = seen.get(text, "")
        if code == "":  # not asked yet; None: no rule matches
            code = seen[text] = _first_phrase(rules, text, any_start, needles)
        if code is not None:
            doc.remove(i, code, REGISTRY[code].reason)


# Per rule tuple, line text -> the code of the first phrase rule that matches it (None: none
# does): a line's verdict depends on its text alone, and each settle pass (core/pipeline.py)
# and each page of a site asks again about the same lines.
_SEEN_MAX = 1 << 14


def _first_phrase(
    rules: tuple[PhraseRule, ...], text: str, any_start: FirstCharIndex, needles: re.Pattern
) -> str | None:
    low = text.lower()
    if not any_start.match(text) and not needles.search(low):
        return None
    for r in rules:
        if _phrase_hit(r, text, low):
            return r.code
    return None


# --- G1xx: boilerplate lines recognised by their wording ---------------------------------------

_phrase_rule(
    "G101",
    "|".join(f"^{p}$" for p in vocab.phrases("skip_link")),
)
_phrase_rule(
    "G102",
    vocab.alternation("newsletter_prompt"),
)
_phrase_rule(
    "G103",
    rf"(?:^|[.!?]\s+)(?:{vocab.alternation('donation_appeal')})",
    max_words=60,
)
_phrase_rule(
    "G104",
    rf"^(?:(?:{vocab.alternation('payment_brands')})[\s,/|]*){{2,}}$",
)
_NETWORKS = vocab.alternation("share_networks")
_phrase_rule(
    "G105",
    rf"^(?:{vocab.alternation('share_button')}"
    rf"|share on (?:{_NETWORKS}|x|email)"
    rf"|(?:(?:{_NETWORKS}|flipboard|e-?mail|print|x)[\s,|·•]*){{2,}})$",
)
_phrase_rule(
    "G106",
    vocab.alternation("comment_form"),
)
_phrase_rule(
    "G107",
    vocab.alternation("back_to_top"),
)
_phrase_rule(
    "G109",
    rf"^(?:{vocab.alternation('related_label')})\s*[:：]|"
    + "|".join(rf"^{p} \S+\.\w{{2,}}\b" for p in vocab.phrases("related_site_label"))
    + rf"|^(?:{vocab.alternation('related_heading')}|{vocab.alternation('popular_heading')})$",
)
_phrase_rule(
    "G111",
    rf"^(?:{vocab.alternation('audio_player')})\.?$",
)
_phrase_rule(
    "G113",
    vocab.alternation("see_below"),
)
_phrase_rule(
    "G114",
    vocab.alternation("click_for_more"),
)
_phrase_rule(
    "G115",
    rf"^(?:{vocab.alternation('author_box_heading')})$",
)
_phrase_rule(
    "G116",
    rf"^(?:{vocab.alternation('widget_line')}|{vocab.alternation('ad_label')})$",
)
_phrase_rule(
    "G118",
    vocab.alternation("cookie_notice"),
    max_words=120,
)


_phrase_rule(
    "G119",
    vocab.alternation("copyright_notice"),
    max_words=60,
)


# --- G108: screen-size tokens ---------------------------------------------------------------------

_SIZES = vocab.alternation("screen_size_token")
_SIZE_TOKEN = re.compile(rf"^(?:{_SIZES})$")
_SIZE_LINE = re.compile(rf"^(?:(?:{_SIZES})\s+){{1,}}(?:{_SIZES})$")


@rule("G108")
def screen_size_tokens(doc: Doc) -> None:
    """G108: a line of size tokens, or a lone token beside another."""
    units = doc.units
    for i, unit in enumerate(units):
        if unit.removed is not None:
            continue
        if _SIZE_LINE.match(unit.text):
            doc.remove(i, "G108", REGISTRY["G108"].reason)
        elif _SIZE_TOKEN.match(unit.text):
            neighbours = [units[j].text for j in (i - 1, i + 1) if 0 <= j < len(units)]
            if any(_SIZE_TOKEN.match(t) for t in neighbours):
                doc.remove(i, "G108", REGISTRY["G108"].reason)


# --- G110: "Original url:" -----------------------------------------------------------------------

_ORIGINAL_URL = re.compile(
    rf"^(?:{vocab.alternation('source_url_label')})\s*[:：]\s*(?P<url>\S+)?$",
    I,
)


@rule("G110")
def original_url(doc: Doc) -> None:
    """G110: the line, and a URL on the next line when it has none; the URL to metadata."""
    units = doc.units
    reason = REGISTRY["G110"].reason
    for i, unit in enumerate(units):
        m = _ORIGINAL_URL.match(unit.text) if unit.removed is None else None
        if not m:
            continue
        doc.remove(i, "G110", reason)
        url = m.group("url")
        if url is None and i + 1 < len(units) and URL_RE.match(units[i + 1].text):
            url = units[i + 1].text
            doc.remove(i + 1, "G110", reason)
        if url and URL_RE.match(url):
            doc.set_meta("url", url)


# --- G3xx: byline and date lines -> metadata ----------------------------------------------------


@rule("G301")
def byline(doc: Doc) -> None:
    """G301: a line BYLINE_RE matches whole; its name and date to metadata (not a menu's facet
    heading's words: "By Role", "By Company Type" name no author)."""
    for i, unit in enumerate(doc.units):
        if unit.removed is not None or len(unit.text) > 200:
            continue
        found = _byline_of(unit.text)
        if found is not None:
            doc.remove(i, "G301", REGISTRY["G301"].reason)
            if not facet_heading(found[0]):
                doc.set_meta("byline", found[0])
            if found[1]:
                doc.add_date(unit, iso_date(found[1]))


# Asked of every short live line at every settle pass (core/pipeline.py): cached by text.
@functools.lru_cache(maxsize=16384)
def _byline_of(text: str) -> tuple[str, str | None] | None:
    """The name and the date (None: no date) of a byline line, None for another line."""
    m = BYLINE_RE.match(text)
    if m is None:
        return None
    return m.group("byline").strip(" ,"), m.group("date")


@rule("G302")
def date_line(doc: Doc) -> None:
    """G302: a line is_date_line accepts; its date to metadata."""
    above = ""
    for i, unit in enumerate(doc.units):
        if unit.removed is None and is_date_line(unit.text):
            doc.remove(i, "G302", REGISTRY["G302"].reason)
            # The publication date only: "Updated: March 3, 2024" dates a revision (the policy
            # the HTML path and the header reader share: metadata.first_published).
            published, revised = dates_of_line(unit.text, above)
            doc.add_date(unit, published)
            if published is None and revised:
                doc.revised.append((unit, revised))
        above = unit.text if len(unit.text) < 40 else ""


# --- G2xx: structure -----------------------------------------------------------------------------

_FEED_HEADER = re.compile(rf"^(?:{vocab.alternation('feed_heading')})$", I)
FEED_MIN_STAMPS = 2  # one lone time is the article's own timestamp, not a feed
FEED_SUMMARY_MIN_WORDS = 8  # an item's summary is a sentence, not another headline


@rule("G203")
def news_feed(doc: Doc) -> None:
    """G203: every stamp, the headline after it and a summary sentence, and a feed heading."""
    from cleaner.core.segment import ends_sentence

    units = doc.units
    stamps = [i for i, u in enumerate(units) if u.removed is None and TIME_ONLY_RE.match(u.text)]
    if len(stamps) < FEED_MIN_STAMPS:
        return
    stamp_set = set(stamps)
    feed: list[int] = []
    for s in stamps:
        feed.append(s)
        j = s + 1
        # The headline: the next live unit that is not another stamp.
        while j < len(units) and units[j].removed is not None and j not in stamp_set:
            j += 1
        if j >= len(units) or j in stamp_set:
            continue
        feed.append(j)
        k = j + 1
        if k < len(units) and units[k].removed is None and k not in stamp_set:
            summary = units[k].text
            if ends_sentence(summary) and n_tokens(summary) >= FEED_SUMMARY_MIN_WORDS:
                feed.append(k)
    j = stamps[0] - 1
    while j >= 0 and units[j].removed is not None:
        j -= 1
    if j >= 0 and _FEED_HEADER.match(units[j].text):
        feed.append(j)
    _remove_unless_article(doc, feed, "G203")


KEEP_STAMP = RULES["K003"].pair
LIST_MIN_OTHER_PROSE = 0.25  # a "feed" with little prose beside it is the article: a live blog
_PROSE_WORDS = 10


def _prose_chars(unit) -> int:
    return len(unit.text) if unit.removed is None and n_tokens(unit.text) >= _PROSE_WORDS else 0


def _remove_unless_article(
    doc: Doc, indices: list[int], code: str, total: int | None = None
) -> int:
    """Remove a list of other stories, unless the page has little prose besides it.

    `total` is the page's live prose in characters, when the caller knows it; the prose left
    after this list is returned, so that a rule finding many lists counts the page once (not
    once per list: quadratic on a long page)."""
    units = doc.units
    if total is None:
        total = sum(_prose_chars(u) for u in units)
    members = set(indices)
    taken = sum(_prose_chars(units[i]) for i in members)
    if total - taken <= LIST_MIN_OTHER_PROSE * taken:  # (a page with no prose at all: keep it)
        doc.warnings.append(
            f"{code} {REGISTRY[code].name}: the list is most of the page's prose; kept as the article"
        )
        for i in indices:  # its stamps belong to the article
            if units[i].removed is None and (
                _is_stamp(units[i]) or TIME_ONLY_RE.match(units[i].text)
            ):
                units[i].protected = True
                doc.kept_by[i] = KEEP_STAMP[0]
        doc.keep_span = (min(indices), max(indices))
        return total
    for i in indices:
        doc.remove(i, code, REGISTRY[code].reason)
    # A protected line or the title is not removed: its prose stays on the page.
    return total - taken + sum(_prose_chars(units[i]) for i in members)


REPEAT_MAX_WORDS = 60  # a repeated line longer than this is prose, not a caption


def finish(doc: Doc) -> None:
    """Once the article is cut out, what a second cleaning of the output would do is done now:
    two copies of a line side by side go (a caption pair), and halves of a sentence that a
    removed header or widget line kept apart are joined."""
    from cleaner.core.segment import join_broken

    repeated_caption(doc)
    run_together(doc)
    title = doc.units[doc.title_index] if doc.title_index is not None else None
    kept = {id(doc.units[i]): code for i, code in doc.kept_by.items()}
    doc.units = join_broken(doc.units)
    where = {id(u): i for i, u in enumerate(doc.units)}
    doc.kept_by = {where[k]: code for k, code in kept.items() if k in where}
    doc.title_index = where.get(id(title)) if title is not None else None


@rule("G202")
def repeated_caption(doc: Doc) -> None:
    """G202: two equal live lines side by side (neighbours among the live lines)."""
    units = doc.units
    reason = REGISTRY["G202"].reason
    # Neighbours among the live lines: with a removed widget between them the pair is still a
    # pair, and the cleaned output (where the widget is gone) gives the same verdict.
    live = [i for i, u in enumerate(units) if u.removed is None]
    pairs = [
        (i, j)
        for i, j in itertools.pairwise(live)
        if units[i].text == units[j].text and n_tokens(units[i].text) <= REPEAT_MAX_WORDS
    ]
    for i, j in pairs:
        doc.remove(i, "G202", reason)
        doc.remove(j, "G202", reason)


RUN_TOGETHER_MIN_WORDS = 40  # the article's body (or its summary) printed as one line
RUN_TOGETHER_PART_CHARS = 30  # a part is a sentence or a paragraph, not a word or a label
RUN_TOGETHER_MIN_PARTS = 2
RUN_TOGETHER_COVER = 0.8  # the kept lines it contains make up most of it


@rule("G210")
def run_together(doc: Doc) -> None:
    """G210: a long line made of other kept lines run together (a page's articleBody or its
    summary printed again as one paragraph): the lines stay, the line that repeats them goes.
    Run once the article is cut out, so that the parts it repeats are kept lines."""
    units = doc.units
    live = [i for i, u in enumerate(units) if u.removed is None]
    long = [i for i in live if n_tokens(units[i].text) >= RUN_TOGETHER_MIN_WORDS]
    if not long:
        return
    parts = {units[i].text for i in live if len(units[i].text) >= RUN_TOGETHER_PART_CHARS}
    reason = REGISTRY["G210"].reason
    for i in long:
        text = units[i].text
        inside = [(at, q) for q in parts if q != text and (at := text.find(q)) >= 0]
        if len(inside) < RUN_TOGETHER_MIN_PARTS:
            continue
        covered = bytearray(len(text))  # parts may overlap (a bullet and the paragraph it opens)
        for at, q in inside:
            covered[at : at + len(q)] = b"\x01" * len(q)
        if sum(covered) >= RUN_TOGETHER_COVER * len(text):
            doc.remove(i, "G210", reason)


_PAREN_CAPTION = re.compile(r"^\([^()]{2,160}[^()\s.!?…]\)$")  # a sentence in brackets ends in "."
_CREDIT_TAIL = re.compile(r"(?:\*\*|__)[^*_\n]{2,80}(?:\*\*|__)\s*$")
_MEDIA = vocab.alternation("media_word")
_CREDIT = vocab.alternation("credit_label")
_CREDIT_MEDIA = vocab.alternation("credit_media_more")
_AGENCY = vocab.alternation("photo_agency")
_PHOTO_CREDIT = re.compile(
    rf"^(?:{_MEDIA}|{_CREDIT_MEDIA}|{_CREDIT})s?(?:\s+(?:by|credit))?\s*[:/©]"
    rf"|^(?:\(?(?:photo|image)s?:)|(?:/|\|)\s*(?:{_AGENCY})\)?$"
    rf"|\((?:{vocab.alternation('credit_paren_media')}|{_CREDIT})s?(?: credit)?\s*:[^()]{{1,80}}\)$",
    I,
)
CAPTION_MAX_WORDS = 30


@rule("G204")
def caption(doc: Doc) -> None:
    """G204: a short line in brackets, a photo credit, or text ending in a bold credit."""
    reason = REGISTRY["G204"].reason
    for i, unit in enumerate(doc.units):
        if unit.removed is None and _is_caption(unit.text, unit.raw):
            doc.remove(i, "G204", reason)


# Asked of every live line at every settle pass (core/pipeline.py): cached by text and raw line.
@functools.lru_cache(maxsize=16384)
def _is_caption(text: str, raw: str) -> bool:
    from cleaner.core.article import is_credit

    if n_tokens(text) > CAPTION_MAX_WORDS:
        return False
    return bool(
        _PAREN_CAPTION.match(text)
        or _PHOTO_CREDIT.search(text)
        or (
            ("**" in raw or "__" in raw)
            and _CREDIT_TAIL.search(raw)
            and not raw.lstrip().startswith(("**", "__"))
        )
    ) and not is_credit(text)  # "(Reporting by X; Editing by Y)" belongs to the article


_PLACEHOLDER = vocab.alternation("media_placeholder_more")
_IMAGE_PLACEHOLDER = re.compile(
    rf"^[•·*\-]?\s*(?:\d+\s*[x×:]\s*\d+\s+)?(?:{_MEDIA}|{_PLACEHOLDER})$",
    I,
)


@rule("G205")
def media_placeholder(doc: Doc) -> None:
    """G205: a line that is only a media word, with an optional size."""
    for i, unit in enumerate(doc.units):
        if unit.removed is None and _IMAGE_PLACEHOLDER.match(unit.text):
            doc.remove(i, "G205", REGISTRY["G205"].reason)


_COMMENT_VERBS = vocab.phrases("comment_verb")  # how every _COMMENT_HEADER line ends
_VERB = vocab.alternation("comment_verb")
_COMMENT_HEADER = re.compile(
    rf"^.{{1,80}}?\s+(?:on\s+)?{DATE}(?:\s*(?:at|,|-)?\s*{TIME})?\s*(?:{_VERB})\s*:?$"
    rf"|^.{{1,80}}?\s(?:{_VERB})\s*:$",
)
COMMENT_MIN_HEADERS = 2  # one "X says:" line may be a quote; two dated ones are a thread


COMMENT_STAMP_WINDOW = 25  # a comments heading followed this closely by dated lines opens a thread


def _thread_start(doc: Doc) -> int | None:
    units = doc.units
    heads = [
        i
        for i, u in enumerate(units)
        if u.removed is None
        and len(u.text) < 200
        and u.text.rstrip(":").rstrip().endswith(_COMMENT_VERBS)  # cheap; the pattern decides
        and _COMMENT_HEADER.match(u.text)
    ]
    if len(heads) >= COMMENT_MIN_HEADERS:
        return heads[0]
    for i, u in enumerate(units):
        if u.removed is None or u.removed.rule != "G106":
            continue
        window = units[i + 1 : i + 1 + COMMENT_STAMP_WINDOW]
        if sum(1 for w in window if _is_stamp(w)) >= COMMENT_MIN_HEADERS:
            return i
    return None


@rule("G206")
def comment_thread(doc: Doc) -> None:
    """G206: from the thread's first post (or its heading) to the end of the page."""
    units = doc.units
    start = _thread_start(doc)
    if start is None:
        return
    # The thread's own heading ("10 Comments", "Leave a Reply") just above it goes too.
    for j in range(start - 1, max(-1, start - 4), -1):
        if (head := units[j].removed) is not None and head.rule == "G106":
            start = j
            break
    if not any(u.removed is None and n_tokens(u.text) >= 10 for u in units[:start]):
        return  # nothing above the thread reads like an article: keep it
    for i in range(start, len(units)):
        doc.remove(i, "G206", REGISTRY["G206"].reason)


STORY_LIST_MIN_ITEMS = 3  # three items with the same shape are a list, two may be chance
STORY_LIST_MAX_PERIOD = 6  # an item is headline, byline, date, summary and a label or two
_STAMP_CODES = frozenset({"G301", "G302", "G203"})


def _is_stamp(unit) -> bool:
    """A line that dates or signs an item: a byline, a date line, a feed time."""
    if unit.removed is not None:
        return unit.removed.rule in _STAMP_CODES
    return is_date_line(unit.text)


def _shape(unit) -> tuple:
    from cleaner.core.article import classify

    if unit.removed is not None:
        return ("removed", unit.removed.rule)
    return (classify(unit.text, unit.kind, unit.link_share),)


def _items_have_headlines(units, stamps: list[int]) -> bool:
    """Every stretch between two stamps holds a line that is not prose: a headline, a link, a
    section label. Dated paragraphs alone are a timeline."""
    from cleaner.core.article import classify

    def headline(u) -> bool:
        return u.removed is None and classify(u.text, u.kind, u.link_share) == "short"

    return all(
        any(headline(units[i]) for i in range(a + 1, b)) for a, b in itertools.pairwise(stamps)
    )


@rule("G207")
def story_list(doc: Doc) -> None:
    """G207: runs of stamps at a fixed period, extended over their items' shapes."""
    units = doc.units
    stamps = [i for i, u in enumerate(units) if _is_stamp(u)]
    prose: int | None = None  # the page's live prose, counted at the first list
    k = 0
    while k + STORY_LIST_MIN_ITEMS <= len(stamps):
        period = stamps[k + 1] - stamps[k]
        n = 1
        while k + n < len(stamps) and stamps[k + n] - stamps[k + n - 1] == period:
            n += 1
        if n < STORY_LIST_MIN_ITEMS or not 2 <= period <= STORY_LIST_MAX_PERIOD:
            # The runs that start inside this one have its period and are shorter: they fail
            # too. Stepping one stamp at a time re-measured the run (quadratic on date lines).
            k += max(1, n - 1)
            continue
        first, last = stamps[k], stamps[k + n - 1]
        if not _items_have_headlines(units, stamps[k : k + n]):
            k += n  # dated paragraphs without headlines are a timeline, part of the article
            continue
        lo, hi = first, last
        # Extend over the first item's leading units and the last item's trailing units
        # where they have the shape of the corresponding units of the neighbouring item.
        for j in range(1, period):
            if first - j < 0 or _shape(units[first - j]) != _shape(units[first + period - j]):
                break
            lo = first - j
        for j in range(1, period):
            if last + j >= len(units) or _shape(units[last + j]) != _shape(
                units[last - period + j]
            ):
                break
            hi = last + j
        prose = _remove_unless_article(doc, list(range(lo, hi + 1)), "G207", prose)
        k += n


RELATED_BLOCK_MAX = 8  # a "Related" box lists a handful of headlines, not a page of them
_RELATED_HEADING = re.compile(rf"^(?:{vocab.alternation('related_heading')})$", I)


@rule("G208")
def related_block(doc: Doc) -> None:
    """G208: the headline-shaped lines right under a related heading (G109)."""
    from cleaner.core.article import MAX_LINK_SHARE, title_like

    units = doc.units
    # The live lines, to step from a heading to the next live line without walking over every
    # removed one (on a long page of removed lines that walk was quadratic).
    live = [i for i, u in enumerate(units) if u.removed is None]
    for i, unit in enumerate(units):
        if (
            unit.removed is None
            or unit.removed.rule != "G109"
            or not _RELATED_HEADING.match(unit.text)
        ):
            continue
        taken = 0
        for pos in range(bisect.bisect_right(live, i), len(live)):
            j = live[pos]
            u = units[j]
            if u.removed is not None:  # taken by an earlier heading's block
                continue
            headline = u.link_share > MAX_LINK_SHARE or (
                title_like(u.text, u.kind) or (u.text[-1:] in "?!" and n_tokens(u.text) <= 20)
            )
            if not headline or taken == RELATED_BLOCK_MAX:
                break
            doc.remove(j, "G208", REGISTRY["G208"].reason)
            taken += 1


# A headline of another story that quotes someone, inserted between two paragraphs:
# "Brigade that spent 2 months in Bakhmut: 'It was becoming harder each week'". A quote in
# the article itself ends its sentence ("... he said: 'We will stay.'"); a headline does not.
_QUOTED_HEADLINE = re.compile(
    r"^(?P<head>[^\W\d_][^.!?:]{8,160}): [‘'\"“«„](?P<quote>[^‘’\"“”«»„.!?…]{3,160})[’'\"”»“]$"
)


_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]?$")


def _ends_paragraph(text: str) -> bool:
    """A paragraph of prose: ten words or more ending a sentence (not a headline of a list).
    Not segment.ends_sentence: a line ending in ":" introduces the quote under it."""
    return n_tokens(text) >= _PROSE_WORDS and _SENTENCE_END.search(text) is not None


@rule("G209")
def quoted_headline(doc: Doc) -> None:
    """G209: a "Topic: 'quote'" headline with no sentence end, right after a paragraph."""
    units = doc.units
    previous: int | None = None  # the last live unit before this one
    for i, unit in enumerate(units):
        if unit.removed is not None:
            continue
        m = _QUOTED_HEADLINE.match(unit.text)
        if (
            m is not None
            and unit.text[0].isupper()
            and " " in m["head"]
            and len(m["quote"].split()) >= 3
            and previous is not None
            and _ends_paragraph(units[previous].text)
        ):
            doc.remove(i, "G209", REGISTRY["G209"].reason)
        else:
            previous = i


# Order matters only for which code is named when two rules match the same line.
LINE_RULES = (
    "G101",
    "G110",
    "G301",
    "G302",
    "G102",
    "G103",
    "G104",
    "G105",
    "G106",
    "G107",
    "G108",
    "G109",
    "G111",
    "G113",
    "G114",
    "G115",
    "G116",
    "G118",
    "G119",
)
_PHRASE_CODES = frozenset(p.code for p in PHRASES)
_PHRASES_IN_ORDER = tuple(sorted(PHRASES, key=lambda p: LINE_RULES.index(p.code)))
STRUCTURE_RULES = ("G206", "G203", "G207", "G208", "G209", "G202", "G204", "G205")


def apply_generic(doc: Doc) -> None:
    from cleaner.core.segment import join_broken

    for code in LINE_RULES:
        if code not in _PHRASE_CODES:
            REGISTRY[code].apply(doc)
    _apply_phrases(doc, _PHRASES_IN_ORDER)
    doc.units = join_broken(doc.units)
    for code in STRUCTURE_RULES:
        REGISTRY[code].apply(doc)
