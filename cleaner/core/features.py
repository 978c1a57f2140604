"""Features of a page's units for the article/boilerplate model (core/classify.py).

Each unit (a line of a text or markdown copy) is described by what carries across sites and
languages: its length, sentence ends, the share of stop words of the page's language (jusText's
stoplists, which trafilatura already installs), link text, digits, capitals, repetition within
the page, position, the verdicts of the structural rules (which are hints here, not decisions),
and the same for its neighbours, so that a list, a table or a thread is judged with its context
(the "neighbour features" of boilerplate classifiers since Kohlschütter et al., Boilerplate
Detection using Shallow Text Features, WSDM 2010).

The names are the model's vocabulary: the trained model (core/boilerplate_model.json) stores the
list it was trained on, and explanations quote them.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cleaner.rules import vocab

if TYPE_CHECKING:
    from cleaner.core.blocks import Block

# The base features of one unit, in the order of the columns.
BASE = (
    "words",  # log(1 + words)
    "chars",  # log(1 + characters)
    "sentence_end",  # ends in . ! ? and the like
    "stopwords",  # share of its words that are stop words of the page's language
    "links",  # share of its text that was link text
    "digits",  # share of its characters that are digits
    "capitalised",  # share of its words that start with a capital
    "all_caps",  # share of its letters that are capitals
    "commas",  # commas per word
    "separators",  # | · • » / per word: menus and breadcrumbs
    "heading",
    "item",
    "quote",
    "code",
    "cell",
    "blank_before",
    "repeated",  # log(times the same text is on the page)
    "date_line",
    "truncated",  # "...", "[…]": a teaser cut short
    "prose",  # the article finder's "good" class: a sentence of ten words and more
    "short_sentence",  # its "near" class
    "hard_removed",  # a phrase, site or markup rule removed it (context only)
    "news_feed",  # G203 would remove it
    "comments",  # G206
    "story_list",  # G207
    "related",  # G208
    "header",  # G401: above the article the run finder chose
    "footer",  # G402, G403: below it
)
# Neighbour context: these base features of the units before and after.
NEIGHBOUR = (
    "words",
    "sentence_end",
    "stopwords",
    "links",
    "heading",
    "item",
    "prose",
    "hard_removed",
    "header",
    "footer",
    "comments",
    "story_list",
)
# Means over windows around the unit (both sides), of these base features.
WINDOWED = ("prose", "stopwords", "links", "words", "item", "hard_removed")
WINDOWS = (3, 10, 30)
PAGE = (
    "position",
    "char_position",
    "page_words",
    "markdown",
    "share_of_longest",
    "prose_share",
    "prose_before",
    "prose_after",
)

# The structural rules whose verdicts the model may override (captions and placeholders, G204
# and G205, are phrase-like and stay decisions).
STRUCTURAL = {
    "G203": "news_feed",
    "G206": "comments",
    "G207": "story_list",
    "G208": "related",
    "G401": "header",
    "G402": "footer",
    "G403": "footer",
}


# HTML blocks only (0 on text copies): the element, its semantic ancestors, and the class and id
# tokens around it, grouped by what they usually name (the CSS-class cues of Readability and
# boilerpipe, learned here instead of weighted by hand).
# The groups' words are vocabularies (rules/vocab.toml, class_<group>); their order here is the
# order of the model's features.
TOKEN_GROUPS = {
    g: vocab.words(f"class_{g}")
    for g in (
        "nav",
        "footer",
        "header",
        "sidebar",
        "comment",
        "related",
        "share",
        "ad",
        "content",
        "post",
        "product",
        "title",
        "meta",
        "popup",
    )
}
_GROUPS = tuple(TOKEN_GROUPS.items())
ANCESTORS = (
    "article",
    "main",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "table",
    "list",
    "figure",
    "control",
)
_ANCESTOR_SETS = {
    "list": frozenset(("ul", "ol", "menu")),
    "control": frozenset(("button", "label", "select", "dialog")),
}
DOM = (
    "html",
    "dom_depth",
    "in_link",
    "tag_p",
    "tag_div",
    "tag_cell",
    *tuple(f"in_{a}" for a in ANCESTORS),
    *tuple(f"class_{g}" for g, _ in _GROUPS),
    "hidden",  # inside a hidden element or <noscript>
    "extracted",  # share of its word 3-grams in trafilatura's extraction (core/blocks.py)
    "page_extracted",  # share of the page's words there (0: the extractor found nothing)
)
DOM_WINDOWED = (
    "class_nav",
    "class_content",
    "in_article",
    "in_main",
    "in_nav",
    "in_footer",
    "extracted",
)
DOM_WINDOWS = (3, 10)


def names() -> tuple[str, ...]:
    out = list(BASE)
    out += [f"prev_{n}" for n in NEIGHBOUR] + [f"next_{n}" for n in NEIGHBOUR]
    out += [f"mean{w}_{n}" for w in WINDOWS for n in WINDOWED]
    out += list(PAGE)
    out += list(DOM)
    out += [f"mean{w}_{n}" for w in DOM_WINDOWS for n in DOM_WINDOWED]
    return tuple(out)


NAMES = names()
_B = {n: i for i, n in enumerate(BASE)}


@dataclass(slots=True)
class UnitView:
    """What the features need of a unit, whatever its source."""

    text: str
    kind: str  # text | heading | item | quote | code | cell
    link_share: float
    blank_before: bool
    code: str | None  # the rule that removed it before the model, if any
    klass: str  # the article finder's class: good | near | short | removed
    words: int
    dom: Block | None = None  # the HTML block (core/blocks.Block) it came from


# --- stop words ---------------------------------------------------------------------------------


@functools.cache
def _stoplists() -> tuple[tuple[frozenset[str], ...], dict[str, tuple[int, ...]]]:
    """jusText's stoplists, and for each stop word the lists it is in (looked up per page)."""
    import justext

    lists = tuple(frozenset(justext.get_stoplist(lang)) for lang in sorted(justext.get_stoplists()))
    index: dict[str, list[int]] = {}
    for i, stop in enumerate(lists):
        for word in stop:
            index.setdefault(word, []).append(i)
    return lists, {w: tuple(ix) for w, ix in index.items()}


LANGUAGE_SAMPLE = 300  # the page's most frequent words decide its stoplist


def _most_common(counts: Counter[str], n: int) -> Iterable[tuple[str, int]]:
    """The n most frequent words as Counter.most_common(n) picks them (of equal counts the
    first counted), in no particular order: the n-th largest count found by numpy, not a heap
    walked in Python over every distinct word of the page."""
    if len(counts) <= n:
        return counts.items()
    values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    cut = np.partition(values, len(values) - n)[len(values) - n]
    chosen = values > cut
    ties = np.flatnonzero(values == cut)[: n - int(chosen.sum())]
    chosen[ties] = True
    return itertools.compress(counts.items(), chosen.tolist())


def _stoplist_index(word_counts: Counter[str]) -> int:
    """The stoplist of the page's language, as its index in _stoplists() (-1: none): the one
    that covers most of its frequent words (jusText's own choice when no language is given is
    English; a page's language is better). Ties go to the first list in the order of the
    languages' names."""
    lists, index = _stoplists()
    common = _most_common(word_counts, LANGUAGE_SAMPLE)
    hits = [0] * len(lists)
    for w, n in common:
        for i in index.get(w, ()):
            hits[i] += n
    best = max(range(len(lists)), key=hits.__getitem__)
    return best if hits[best] > 0 else -1


# --- the matrix ---------------------------------------------------------------------------------

_SEPARATORS = frozenset("|·•»/›>")


def _lower_words(text: str) -> list[str]:
    return [w.strip(".,;:!?\"'()[]{}«»“”‘’…-—–*#") for w in text.lower().split()]


# The base features that depend on a unit's text alone, in these columns; the rest depend on
# the page (its stoplist, repetitions) or on the rules' verdicts.
_TEXT_COLS = [
    BASE.index(f)
    for f in (
        "chars",
        "sentence_end",
        "digits",
        "capitalised",
        "all_caps",
        "commas",
        "separators",
        "date_line",
        "truncated",
    )
]
# text -> (the _TEXT_COLS values, its lower-cased words, its token count or 1, its stopword
# share by stoplist index, filled as pages ask). A page is
# featured again at every settle pass (core/pipeline.py) with mostly the same lines, and a
# site's pages share their menus: each line's text is measured once.
_Measured = tuple[tuple[float, ...], list[str], int, dict[int, float]]
_TEXT_CACHE: dict[str, _Measured] = {}
_TEXT_CACHE_MAX = 1 << 13  # a page's lines with room to spare: its words make entries big


_ASCII_UPPER = bytes(range(65, 91))
_ASCII_ALPHA = _ASCII_UPPER + bytes(range(97, 123))
_ASCII_DIGITS = bytes(range(48, 58))


# On ASCII text (where str.split() and \s agree and only these are upper case or separators):
# the tokens that start with a capital, and the tokens that are a separator.
_ASCII_CAPITALISED = re.compile(r"(?<!\S)[A-Z]")
_ASCII_SEPARATOR = re.compile(r"(?<!\S)[|/>](?!\S)")


def _text_features(text: str, is_date, ends) -> _Measured:
    # Character counts by map over C methods: every line of every page passes here once.
    n_chars = len(text)
    toks = text.split()
    n_tok = len(toks) or 1
    if text.isascii():  # bytes.translate deletes the other characters in C
        raw = text.encode("ascii")
        letters = n_chars - len(raw.translate(None, _ASCII_ALPHA)) or 1
        caps = n_chars - len(raw.translate(None, _ASCII_UPPER))
        digits = n_chars - len(raw.translate(None, _ASCII_DIGITS))
        capitalised = len(_ASCII_CAPITALISED.findall(text))
        separators = len(_ASCII_SEPARATOR.findall(text))
    else:
        letters = sum(map(str.isalpha, text)) or 1
        caps = sum(map(str.isupper, text))
        digits = sum(map(str.isdigit, text))
        capitalised = sum(t[:1].isupper() for t in toks)
        separators = sum(map(_SEPARATORS.__contains__, toks))
    values = (
        math.log1p(n_chars),
        1.0 if ends(text) else 0.0,
        digits / (n_chars or 1),
        capitalised / n_tok,
        caps / letters,
        text.count(",") / n_tok,
        separators / n_tok,
        1.0 if n_chars <= 80 and is_date(text) else 0.0,
        float(text.endswith(("...", "…", "[…]", "[...]"))),
    )
    return values, _lower_words(text), n_tok, {}


def _base(units: Sequence[UnitView], is_date, ends) -> np.ndarray:
    """The BASE columns of a page's units (the stopword share aside) and its word counts."""
    cache = _TEXT_CACHE
    if len(cache) > _TEXT_CACHE_MAX:
        cache.clear()
    measured = []
    for u in units:
        m = cache.get(u.text)
        if m is None:
            m = cache[u.text] = _text_features(u.text, is_date, ends)
        measured.append(m)
    counts = Counter(itertools.chain.from_iterable(m[1] for m in measured))
    n = len(units)
    base = np.zeros((n, len(BASE)))
    base[:, _TEXT_COLS] = [m[0] for m in measured]
    repeats = Counter(u.text for u in units)
    base[:, 0] = [math.log1p(u.words) for u in units]
    base[:, 4] = [u.link_share for u in units]
    kinds = [u.kind for u in units]
    base[:, 10] = [k == "heading" for k in kinds]
    base[:, 11] = [k == "item" for k in kinds]
    base[:, 12] = [k == "quote" for k in kinds]
    base[:, 13] = [k == "code" for k in kinds]
    base[:, 14] = [k in ("cell", "row") for k in kinds]
    base[:, 15] = [u.blank_before for u in units]
    base[:, 16] = [math.log(repeats[u.text]) for u in units]
    base[:, 19] = [u.klass == "good" for u in units]
    base[:, 20] = [u.klass == "near" for u in units]
    for i, u in enumerate(units):
        if u.code is not None:
            feature = STRUCTURAL.get(u.code)
            base[i, 21 if feature is None else _B[feature]] = 1.0
    which = _stoplist_index(counts)
    stop = _stoplists()[0][which] if which >= 0 else frozenset()
    shares = []
    for _, lw, n_tok, by_list in measured:
        share = by_list.get(which)
        if share is None:
            share = by_list[which] = sum(map(stop.__contains__, lw)) / n_tok
        shares.append(share)
    base[:, 3] = shares
    return base


def matrix(units: Sequence[UnitView], markdown: bool) -> np.ndarray:
    """The feature matrix of a page: one row per unit, the columns of NAMES."""
    from cleaner.core.metadata import is_date_line
    from cleaner.core.segment import ends_sentence

    n = len(units)
    if n == 0:
        return np.zeros((0, len(NAMES)))
    base = _base(units, is_date_line, ends_sentence)
    cols = [base]
    nb = [_B[f] for f in NEIGHBOUR]
    sub = base[:, nb]
    pad = np.zeros((1, len(nb)))
    cols.append(np.vstack([pad, sub[:-1]]))
    cols.append(np.vstack([sub[1:], pad]))
    wb = base[:, [_B[f] for f in WINDOWED]]
    csum = np.vstack([np.zeros((1, wb.shape[1])), np.cumsum(wb, axis=0)])
    idx = np.arange(n)
    for w in WINDOWS:
        lo = np.maximum(idx - w, 0)
        hi = np.minimum(idx + w + 1, n)
        cols.append((csum[hi] - csum[lo]) / (hi - lo)[:, None])
    words = np.array([u.words for u in units], dtype=np.float64)
    prose = base[:, _B["prose"]] * words
    cum_words = np.cumsum(words) - words
    total_words = words.sum() or 1.0
    cum_prose = np.cumsum(prose)
    total_prose = prose.sum() or 1.0
    page = np.empty((n, len(PAGE)))
    page[:, 0] = idx / max(n - 1, 1)
    page[:, 1] = cum_words / total_words
    page[:, 2] = math.log1p(total_words)
    page[:, 3] = 1.0 if markdown else 0.0
    page[:, 4] = words / (words.max() or 1.0)
    page[:, 5] = prose.sum() / total_words
    page[:, 6] = (cum_prose - prose) / total_prose
    page[:, 7] = (total_prose - cum_prose) / total_prose
    cols.append(page)
    dom = np.zeros((n, len(DOM)))
    if any(u.dom is not None for u in units):
        for i, u in enumerate(units):
            if u.dom is not None:
                dom[i] = dom_row(u.dom)
        depth = dom[:, 1]
        dom[:, 1] = depth - np.median(depth)  # deeper or shallower than the page's usual text
        dom[:, DOM.index("page_extracted")] = float(dom[:, DOM.index("extracted")] @ words) / (
            total_words
        )
    cols.append(dom)
    dw = dom[:, [DOM.index(f) for f in DOM_WINDOWED]]
    csum = np.vstack([np.zeros((1, dw.shape[1])), np.cumsum(dw, axis=0)])
    for w in DOM_WINDOWS:
        lo = np.maximum(idx - w, 0)
        hi = np.minimum(idx + w + 1, n)
        cols.append((csum[hi] - csum[lo]) / (hi - lo)[:, None])
    return np.hstack(cols)


def dom_row(block) -> list[float]:
    row = [
        1.0,
        float(block.depth),
        float(block.in_link),
        block.tag == "p",
        block.tag == "div",
        block.tag in ("td", "th", "tr"),
    ]
    anc = block.ancestors
    for a in ANCESTORS:
        row.append(bool(anc & _ANCESTOR_SETS[a]) if a in _ANCESTOR_SETS else a in anc)
    tokens = block.tokens
    row.extend(bool(tokens & group) for _, group in _GROUPS)
    row.extend((float(block.hidden), block.extracted, 0.0))
    return row
