"""G601 site-repetition: what recurs across the pages of one site is its boilerplate.

A run over many copies of the same few sites (`clean --learn`) first counts, per site, the pages
each normalised line (and each pair of neighbouring lines) is on, then cleans every page with
those counts. Memory is bounded per site: exact counts up to COUNT_CAP distinct hashes, then a
count-min sketch of fixed size (a sum, like the exact counts: the same whatever the order the
pages were counted in, or how the counting was split between processes).

What protects the article:

- A line is counted per *other article*: a page's article is named by min-hashes of its
  sentences (copies of one article, a text copy and an HTML copy of it, share them), and the
  copies of the page's own article are not counted for it. Ten copies of one story do not make
  its paragraphs boilerplate.
- A sentence (ten words or more ending in punctuation) goes only when a pair of it and a
  neighbour recurs too: a plea, an author box or a feed is a block of lines that recur together,
  while a standard sentence inside articles (a syndicated disclaimer, "This is a developing
  story.") stands between different paragraphs on each page and stays.
- Keep rules (K001-K004: credit lines, timeline dates, a live blog's stamps, a cut-off tail)
  and the page's title win, as over every removing rule; a credit line is spared also where
  the article finder did not run (the HTML extractor's text).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cleaner.core.normalise import n_tokens
from cleaner.core.segment import ends_sentence
from cleaner.rules.registry import RULES

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

CODE, REASON = RULES["G601"].pair
NAME = RULES["G601"].name

DEFAULT_MIN_PAGES = 3  # a line on this many pages of a site, at least...
DEFAULT_SHARE = 0.2  # ...and on this share of them (pleas rotate: each wording on a few pages)
COUNT_CAP = 8192  # distinct hashes counted exactly per site, then a sketch of fixed size
SKETCH_DEPTH = 4
SKETCH_BITS = 16  # 4 x 65,536 counters of 4 bytes: 1 MB per site with more than COUNT_CAP
KEY_BANDS = 6  # keys that name a page's article: bands of...
KEY_ROWS = 2  # ...two min-hashes each
PROSE_WORDS = 10

_MASK = (1 << 64) - 1
_DIGITS = re.compile(r"\d+")
# Odd multipliers of the sketch's rows (fixed: the same in every process).
_ROWS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


MIN_LETTERS = 4  # a line with fewer letters keeps its numbers: "$479.99" is not "$12.95"


def normal(text: str) -> str:
    """The form lines are compared in: case folded, numbers as 0 ("Join 10,000+ members" and
    "Join 12,500+ members" are one line), spaces collapsed; a line of numbers (a price, a
    score, a time) keeps them."""
    folded = text.casefold()
    if sum(c.isalpha() for c in folded) >= MIN_LETTERS:
        folded = _DIGITS.sub("0", folded)
    return " ".join(folded.split())


def line_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _mix(a: int, b: int) -> int:
    """A hash of two hashes (splitmix64's finaliser over their combination)."""
    z = (a * 0xBF58476D1CE4E5B9 + b + 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


_PAIR = 0x5851F42D4C957F2D  # marks a pair's hash apart from a line's
_ODD = 0x9E3779B97F4A7C15  # an odd multiplier: a bijection of 64-bit values
# A line's count with an article's key is kept under the line's hash XOR the key (keys are
# random 64-bit values: such a hash collides with another line's by chance only).


def is_prose(text: str) -> bool:
    return n_tokens(text) >= PROSE_WORDS and ends_sentence(text)


KEY_SEEDS = tuple(_mix(j + 1, 0x2545F4914F6CDD1D) for j in range(KEY_BANDS * KEY_ROWS))


def article_keys(
    texts: Sequence[str], lines: Sequence[int | None] | None = None
) -> tuple[int, ...]:
    """What names a page's article: KEY_BANDS keys, each of KEY_ROWS min-hashes of its sentences
    (of all its lines when it has none), as in locality-sensitive hashing. Two pages share a key
    with a chance that grows steeply with the share of sentences they have in common: copies of
    one article (most sentences in common) nearly always, two articles of a site that share
    its boilerplate sentences (an author's bio, a plea: a fifth of each page's) seldom."""
    if lines is None:
        lines = [line_hash(n) if n else None for n in (normal(t) for t in texts)]
    hashes = {h for t, h in zip(texts, lines, strict=True) if h is not None and is_prose(t)}
    if not hashes:
        hashes = {h for h in lines if h is not None}
    if not hashes:
        return ()
    mins = [min(_mix(h, seed) for h in hashes) for seed in KEY_SEEDS]
    return tuple(
        _mix(_mix(mins[j * KEY_ROWS], mins[j * KEY_ROWS + 1]), j + 1) for j in range(KEY_BANDS)
    )


@dataclass(slots=True)
class PageHashes:
    lines: list[int | None]  # per unit (None: nothing to compare)
    pairs: list[int | None]  # pairs[i]: units i and i+1


def page_hashes(texts: Sequence[str]) -> PageHashes:
    lines = [line_hash(n) if n else None for n in (normal(t) for t in texts)]
    pairs: list[int | None] = []
    for a, b in itertools.pairwise(lines):
        pairs.append(
            (((a * _ODD) & _MASK) ^ b ^ _PAIR) if a is not None and b is not None else None
        )
    return PageHashes(lines, pairs)


class Counts:
    """Counts of 64-bit hashes: exact up to COUNT_CAP distinct ones, then a count-min sketch
    (which may count a hash high, never low). Either way a sum: order does not matter (the
    sketch replaces the exact counts once they pass the cap, and the distinct hashes only grow:
    whether it did depends on the whole set, not on the order it came in)."""

    __slots__ = ("exact", "sketch")

    def __init__(self) -> None:
        self.exact: Counter[int] | None = Counter()
        self.sketch: NDArray[np.uint32] | None = None  # once the exact counts pass the cap

    @staticmethod
    def _columns(hashes):
        import numpy as np

        h = np.fromiter(hashes, dtype=np.uint64)
        rows = np.array(_ROWS[:SKETCH_DEPTH], dtype=np.uint64)[:, None]
        with np.errstate(over="ignore"):
            return (h[None, :] * rows) >> np.uint64(64 - SKETCH_BITS)

    def _to_sketch(self) -> None:
        import numpy as np

        self.sketch = np.zeros((SKETCH_DEPTH, 1 << SKETCH_BITS), dtype=np.uint32)
        exact, self.exact = self.exact or Counter(), None
        if exact:
            self._add_sketch(list(exact), list(exact.values()))

    def _add_sketch(self, hashes, weights=None) -> None:
        import numpy as np

        cols = self._columns(hashes)
        w = np.ones(cols.shape[1], dtype=np.uint32) if weights is None else np.array(weights)
        sketch = self.sketch
        assert sketch is not None
        for row in range(SKETCH_DEPTH):
            np.add.at(sketch[row], cols[row].astype(np.intp), w.astype(np.uint32))

    def add(self, hashes: Iterable[int]) -> None:
        if self.exact is not None:
            self.exact.update(hashes)
            if len(self.exact) > COUNT_CAP:
                self._to_sketch()
        else:
            self._add_sketch(list(hashes))

    def merge(self, other: Counts) -> None:
        if other.exact is not None:
            if self.exact is not None:
                self.exact.update(other.exact)
                if len(self.exact) > COUNT_CAP:
                    self._to_sketch()
            elif other.exact:
                self._add_sketch(list(other.exact), list(other.exact.values()))
        else:
            if self.sketch is None:
                self._to_sketch()
            assert self.sketch is not None and other.sketch is not None
            self.sketch += other.sketch

    def get(self, h: int) -> int:
        if self.exact is not None:
            return self.exact.get(h, 0)
        sketch = self.sketch
        assert sketch is not None
        cols = self._columns([h])[:, 0]
        return int(min(sketch[row, int(cols[row])] for row in range(SKETCH_DEPTH)))

    def get_many(self, hashes: Sequence[int]) -> list[int]:
        if self.exact is not None:
            return [self.exact.get(h, 0) for h in hashes]
        if not hashes:
            return []
        sketch = self.sketch
        assert sketch is not None
        cols = self._columns(hashes).astype("intp")
        rows = [sketch[row][cols[row]] for row in range(SKETCH_DEPTH)]
        import numpy as np

        return [int(v) for v in np.minimum.reduce(rows)]

    def nbytes(self) -> int:
        if self.exact is not None:
            return len(self.exact) * 100
        assert self.sketch is not None
        return int(self.sketch.nbytes)


@dataclass(slots=True)
class SiteCounts:
    pages: int = 0
    counts: Counts = field(default_factory=Counts)

    def add_page(self, ph: PageHashes, keys: tuple[int, ...]) -> None:
        seen = {h for h in ph.lines if h is not None} | {h for h in ph.pairs if h is not None}
        if not seen:
            return
        self.pages += 1
        self.counts.add(seen)
        for key in keys:
            self.counts.add(h ^ key for h in seen)

    def on(self, h: int, keys: tuple[int, ...]) -> tuple[int, int]:
        """(pages with h, pages with h of articles other than the one `keys` names). The copies
        of this page's article are those that share one of its keys: the most that share one
        (each of the page's keys is shared by the copies whose min-hash agrees)."""
        total = self.counts.get(h)
        same = max(self.counts.get_many([h ^ key for key in keys]), default=0)
        return total, total - min(total, same)


@dataclass
class Learned:
    """The per-site counts of a run, frozen: what G601 cleans each page with (picklable)."""

    sites: dict[str, SiteCounts]
    min_pages: int = DEFAULT_MIN_PAGES
    share: float = DEFAULT_SHARE

    def need(self, site: str) -> int:
        return max(self.min_pages, math.ceil(self.share * self.sites[site].pages))

    def verdicts(
        self, site: str | None, texts: Sequence[str], keys: tuple[int, ...]
    ) -> list[str | None]:
        """For each unit, the reason to remove it as the site's boilerplate, or None. `keys`
        are the page's article_keys, of the lines it was counted with."""
        out: list[str | None] = [None] * len(texts)
        counts = self.sites.get(site) if site else None
        if not site or counts is None or not texts:
            return out
        need = self.need(site)
        ph = page_hashes(texts)

        def recurs(h: int | None) -> int:
            if h is None:
                return 0
            total, other = counts.on(h, keys)
            return total if total >= need and other + 1 >= need else 0

        for i, (text, h) in enumerate(zip(texts, ph.lines, strict=True)):
            n = recurs(h)
            if not n:
                continue
            if is_prose(text):
                before = recurs(ph.pairs[i - 1]) if i > 0 else 0
                after = recurs(ph.pairs[i]) if i < len(ph.pairs) else 0
                if not (before or after):
                    continue
            out[i] = f"on {n} of {counts.pages} pages of {site}"
        return out

    def apply(self, doc, site: str | None, keys: tuple[int, ...]) -> None:
        """Remove the recurring lines of a document (doc.remove spares protected lines and the
        title); the lines a keep rule holds stay."""
        if not site or site not in self.sites:
            return
        from cleaner.core.article import is_credit

        texts = [u.text for u in doc.units]
        for i, why in enumerate(self.verdicts(site, texts, keys)):
            # a credit line is spared where K001 did not run too (an extractor's text)
            if why is not None and i not in doc.kept_by and not is_credit(texts[i]):
                doc.remove(i, CODE, why)


class Learner:
    """Counts pages per site; `freeze()` keeps the sites with at least min_pages pages."""

    def __init__(self, min_pages: int = DEFAULT_MIN_PAGES, share: float = DEFAULT_SHARE):
        self.min_pages = min_pages
        self.share = share
        self.sites: dict[str, SiteCounts] = {}

    def add(self, site: str | None, texts: Sequence[str]) -> None:
        if site and texts:
            ph = page_hashes(texts)
            self.sites.setdefault(site, SiteCounts()).add_page(ph, article_keys(texts, ph.lines))

    def merge(self, other: Learner) -> None:
        for site, sc in other.sites.items():
            mine = self.sites.setdefault(site, SiteCounts())
            mine.pages += sc.pages
            mine.counts.merge(sc.counts)

    def freeze(self) -> Learned:
        kept = {s: c for s, c in sorted(self.sites.items()) if c.pages >= self.min_pages}
        return Learned(kept, self.min_pages, self.share)

    def nbytes(self) -> int:
        return sum(c.counts.nbytes() for c in self.sites.values())
