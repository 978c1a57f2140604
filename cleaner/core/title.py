"""The learned title picker of text copies: which headline-shaped line above (or at) the article's
start is its title.

Every candidate line near the article gets features that carry across sites and languages (where
it stands from the article's start, its shape, whether the page prints it again, what stands
beside it, how many of its words the article's first paragraphs use, and the rules' own pick);
gradient-boosted trees (trained by bench/train_title.py on the WCXB pages' text copies, labelled
by the ground truth's title, evaluated with core/classify.Trees) score them, and the best one is
the title. A page whose best candidate scores low has no title in the text (a listing, a shop):
none is taken, as no title is better than a caption or a menu label.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from importlib import resources

import numpy as np
import regex

from cleaner.core.document import Doc

MODEL_FILE = "title_model.json"
FAR_ABOVE = 400  # a header of menus (a shop's, a portal's) may stand between the title and text
BELOW = 40  # the article finder may start above the title (a kicker, an intro, a sidebar)
BODY_UNITS = 60  # the article's first units, whose words a title's words recur in
NEXT_PROSE_CAP = 50
MIN_WORD_CHARS = 4  # a title's content words: short ones are function words in most languages

# A word run of MIN_WORD_CHARS and more: the content words, without a filter in Python
_CONTENT_WORD = regex.compile(rf"\w{{{MIN_WORD_CHARS},}}")
_SEPARATOR = regex.compile(r"\s[|–—-]\s|:\s")
_CRUMB = regex.compile(r"\s(?:»|>|›|/|\|)\s")
CRUMB_PARTS = 3

FEATURES = (
    "offset",  # unit index minus the article's start
    "log_distance",
    "rank",  # how many candidates stand nearer the start
    "candidates",  # how many candidates the window has
    "position",  # the unit's place in the page, 0..1
    "words",
    "chars",
    "question",
    "upper_share",  # share of words starting upper case
    "all_caps",
    "digit_share",
    "separator",  # "Headline | Site", "Topic: headline"
    "heading",  # a markdown heading
    # the rules' title: 3 a breadcrumb's last part, 2 by a byline or date, 1 the nearest
    # headline (article.BY_*), 0 another line
    "rule_pick",
    "echoed",  # printed again inside a longer line (a breadcrumb, "N thoughts on X")
    "repeats",  # printed alone this many times in the page
    "later",  # printed again below the article's start
    "removed_cut",  # G401/G402: the header or footer cut removed it
    "removed_repeat",  # G201/G202: removed as a repeated line
    "removed_model",  # G5xx
    "removed_other",
    "header_before",  # a byline or date line right above
    "header_after",  # ... right below (or one line further)
    "prose_after",  # the next line is a paragraph
    "prose_before",
    "prose_between",  # paragraphs between the line and the article's start
    "body_share",  # share of its content words the article's first units use
    "longest_near",  # the longest candidate within a few lines of the start
    "blank_before",
    "link_share",
    "heading_level",  # a markdown heading's level (1 for "# X"), 0 for other lines
    "top_rank",  # how many candidates stand above it
    "next_prose",  # lines down to the next paragraph (capped)
    "last_before_prose",  # no other candidate between it and that paragraph
    "recurrence",  # mean share of the page's lines that use each of its content words
    # the same, less the page's best candidate's: a title is long and its words recur, for
    # its page (a shop's headings are all short, a blog's all long)
    "chars_vs_best",
    "body_share_vs_best",
    "recurrence_vs_best",
    "crumb",  # a breadcrumb trail ("Home » Blog » X"): it names the title, it is not one
)
_RELATIVE = (
    ("chars_vs_best", "chars"),
    ("body_share_vs_best", "body_share"),
    ("recurrence_vs_best", "recurrence"),
)
COLUMNS = {name: k for k, name in enumerate(FEATURES)}
_HEADER_AROUND = 2


@functools.cache
def shipped():
    """The shipped title model (core/classify.Trees), or None where the file is absent."""
    from cleaner.core.classify import load_trees

    try:
        data = json.loads(resources.files("cleaner.core").joinpath(MODEL_FILE).read_text())
    except FileNotFoundError:
        return None
    return load_trees(data)


@functools.lru_cache(maxsize=1 << 16)  # the settling passes ask again about the same lines
def _content_words(text: str) -> frozenset[str]:
    return frozenset(_CONTENT_WORD.findall(text.casefold()))


_SHAPE = (
    "words",
    "chars",
    "question",
    "upper_share",
    "all_caps",
    "digit_share",
    "separator",
    "crumb",
)


@functools.lru_cache(maxsize=1 << 14)
def _shape(text: str) -> tuple[float, ...]:
    """The features of a line's text alone (_SHAPE's order): a line is a candidate again at
    every settling pass."""
    tokens = text.split()
    letters = [t for t in tokens if t[:1].isalpha()]
    return (
        len(tokens),
        len(text),
        text.endswith("?"),
        sum(t[0].isupper() for t in letters) / max(1, len(letters)),
        text.isupper(),
        sum(c.isdigit() for c in text) / max(1, len(text)),
        _SEPARATOR.search(text) is not None,
        len(_CRUMB.split(text)) >= CRUMB_PARTS,
    )


def _lines_using(units, words: frozenset[str]) -> Counter[str]:
    """For each of `words`, how many of the units use it (only the candidates' words are
    counted: a page has far more)."""
    counts: Counter[str] = Counter()
    for u in units:
        shared = _content_words(u.text) & words
        if shared:
            counts.update(shared)
    return counts


def features(
    doc: Doc, start: int, cands: list[int], rule: tuple[int | None, int], helpers
) -> np.ndarray:
    """One row per candidate (FEATURES). `rule` is the rules' pick and how they found it;
    `helpers` are article's line tests (header_line, prose, echoed) and the page's casefolded
    lines (keys) and their counts (whole), passed in so that this module does not import the
    article finder."""
    rule_pick, how = rule
    units = doc.units
    n = len(units)
    header_line = functools.cache(helpers.header_line)  # neighbours are asked up to four times
    cand_words = [_content_words(units[i].text) for i in cands]
    vocab = frozenset().union(*cand_words)
    body = _lines_using(units[start : start + BODY_UNITS], vocab)
    seen = _lines_using(units, vocab)
    keys, whole = helpers.keys, helpers.whole
    later = set(keys[start:])
    nearest = sorted(cands, key=lambda i: (abs(i - start), i))
    rank = {i: k for k, i in enumerate(nearest)}
    near = [i for i in cands if abs(i - start) <= 6]
    longest = max(near, key=lambda i: len(units[i].text), default=None)
    # Lines are tested for prose only around the candidates and up to the start.
    lo = max(0, min([*cands, start]) - 1)
    hi = min(n, max([*cands, start]) + 2)
    prose = [False] * lo + [helpers.prose(j) for j in range(lo, hi)] + [False] * (n - hi)
    between_prose = np.cumsum([0, *prose])
    # per line, the index of the next paragraph below it (n where none)
    next_prose = [n] * (n + 1)
    for j in range(hi - 1, -1, -1):
        next_prose[j] = j if prose[j] else next_prose[j + 1]
    cand_set = set(cands)
    rows = []
    for row, i in enumerate(cands):
        u = units[i]
        text = u.text
        f = dict(zip(_SHAPE, _shape(text), strict=True))
        f["offset"] = i - start
        f["log_distance"] = math.log1p(abs(i - start))
        f["rank"] = rank[i]
        f["candidates"] = len(cands)
        f["position"] = i / max(1, n - 1)
        f["heading"] = u.kind == "heading"
        f["rule_pick"] = how if i == rule_pick else 0
        f["echoed"] = helpers.echoed(text)
        f["repeats"] = whole[keys[i]]
        f["later"] = i < start and keys[i] in later
        code = u.removed.rule if u.removed is not None else ""
        f["removed_cut"] = code in ("G401", "G402")
        f["removed_repeat"] = code in ("G201", "G202")
        f["removed_model"] = code.startswith("G5")
        named = ("removed_cut", "removed_repeat", "removed_model")
        f["removed_other"] = bool(code) and not any(f[k] for k in named)
        f["header_before"] = any(header_line(j) for j in range(max(0, i - _HEADER_AROUND), i))
        f["header_after"] = any(
            header_line(j) for j in range(i + 1, min(n, i + 1 + _HEADER_AROUND))
        )
        f["prose_after"] = i + 1 < n and prose[i + 1]
        f["prose_before"] = i > 0 and prose[i - 1]
        a, b = sorted((i + 1, start))
        f["prose_between"] = between_prose[b] - between_prose[a] if b > a else 0
        words = cand_words[row]
        in_body = start <= i < start + BODY_UNITS  # its own use of its words is not counted
        f["body_share"] = sum(body[w] - in_body > 0 for w in words) / len(words) if words else 0.0
        f["longest_near"] = i == longest
        f["blank_before"] = u.blank_before
        f["link_share"] = u.link_share
        f["heading_level"] = (len(u.raw) - len(u.raw.lstrip("#"))) if u.kind == "heading" else 0
        f["top_rank"] = row
        below = next_prose[i + 1] if i + 1 < n else n
        f["next_prose"] = min(below - i, NEXT_PROSE_CAP)
        f["last_before_prose"] = below < n and not any(j in cand_set for j in range(i + 1, below))
        f["recurrence"] = (
            sum(seen[w] - 1 for w in words) / (len(words) * max(1, n)) if words else 0.0
        )
        rows.append([f.get(name, 0.0) for name in FEATURES])
    x = np.array(rows, dtype=float).reshape(len(cands), len(FEATURES))
    for name, of in _RELATIVE:
        x[:, COLUMNS[name]] = x[:, COLUMNS[of]] - x[:, COLUMNS[of]].max() if len(x) else 0.0
    return x


OPENS_PAGE_REASON = "(the line opens the page, right above the article)"


def opens_page(x: np.ndarray) -> np.ndarray:
    """The rows of a line that opens the page right above the article: the title, as the
    output prints it. Taken whatever the scores say, so that cleaning the output again keeps
    the title it put first (idempotence: the model's score of a line depends on the page)."""
    return (x[:, COLUMNS["position"]] == 0) & (x[:, COLUMNS["offset"]] == -1)


def explain(model, x: np.ndarray, row: int, p: float) -> str:
    """'(p=0.91): rule_pick=1, body_share=1, offset=-2': what weighed most for the choice."""
    from cleaner.core.classify import reason

    if opens_page(x[row : row + 1])[0]:
        return OPENS_PAGE_REASON
    contrib = model.contributions(x[row : row + 1])[0]
    return reason(model, contrib, x[row], p, keep=True)


def choose(model, x: np.ndarray) -> tuple[int | None, float]:
    """The best-scoring candidate's row and probability; None where none is taken."""
    if not len(x):
        return None, 0.0
    return decide(x, model.raw(x), model.cut)


AGREED_RULE_PICK = 2  # the rules found it by a byline or date line, or by a breadcrumb
# The rules' pick by a byline, a date or a breadcrumb stands unless the model likes another line
# clearly better (out of fold on WCXB: +0.2 points of titles found on inscriptis copies, -0.3
# and -0.6 on html2text and html_text; on a short page of few lines, where the model's
# probabilities run low, it keeps the headline above the byline over the site's name).
RULE_PICK_MARGIN = 0.7


def decide(x: np.ndarray, scores: np.ndarray, cut: float) -> tuple[int | None, float]:
    """The line that opens the page right above the article; else the rules' pick by a byline,
    a date or a breadcrumb, when it scores at least RULE_PICK_MARGIN of the best; else the
    best-scoring candidate, if it reaches the cut; below the article's start, only the rules'
    pick by a byline, a date or a breadcrumb."""
    opens = np.flatnonzero(opens_page(x))
    if len(opens):
        return int(opens[0]), 1.0
    # A line below the article's start is a candidate, for the model's sake, but not the title
    # (the title is printed first, and a line inside or under the article printed there would
    # read otherwise when the output is cleaned again), unless the rules found it by a byline,
    # a date or a breadcrumb: the article finder started above its headline.
    below = (x[:, COLUMNS["offset"]] > 0) & (x[:, COLUMNS["rule_pick"]] < AGREED_RULE_PICK)
    if below.all():
        return None, 0.0
    scores = np.where(below, -np.inf, scores)
    p = 1.0 / (1.0 + np.exp(-scores))
    best = int(np.argmax(scores))
    agreed = np.flatnonzero(x[:, COLUMNS["rule_pick"]] >= AGREED_RULE_PICK)
    if len(agreed) and p[agreed[0]] >= RULE_PICK_MARGIN * p[best]:
        return int(agreed[0]), float(p[agreed[0]])
    if p[best] >= cut:
        return best, float(p[best])
    return None, float(p[best])
