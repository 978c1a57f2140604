"""Labels for the article/boilerplate model, made automatically: each unit of a labelled page is
marked article or not by its alignment with the page's ground truth (WCXB's main content, the
AEB article body).

A unit of three words or more is article when at least half of its word trigrams are trigrams
of the ground truth. A shorter unit (a heading, a list entry, "Reply") is article when its words
occur in order in the ground truth and the nearest longer unit before or after it is article:
"Home" alone is in many main contents, "Home" in a menu is not next to article text.

`oracle_text` keeps exactly the units labelled article: the ceiling of any unit classifier.
"""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKEN = re.compile(r"\w+")
MIN_SHARE = 0.5
REACH = 5  # units: how far a short unit looks for a longer neighbour


def _toks(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


class Truth:
    def __init__(self, text: str) -> None:
        t = _toks(text)
        self.tokens = set(t)
        self.bigrams = set(itertools.pairwise(t))
        self.trigrams = set(zip(t, t[1:], t[2:], strict=False))

    def share(self, toks: list[str]) -> float:
        grams = list(zip(toks, toks[1:], toks[2:], strict=False))
        return sum(g in self.trigrams for g in grams) / len(grams)

    def contains(self, toks: list[str]) -> bool:
        if len(toks) == 1:
            return toks[0] in self.tokens
        return all(g in self.bigrams for g in itertools.pairwise(toks))


def label_texts(texts: list[str], truth_text: str) -> list[int | None]:
    """1 (article), 0 (not), None (no words: left to its neighbours) for each unit text."""
    truth = Truth(truth_text)
    toks = [_toks(t) for t in texts]
    out: list[int | None] = [None] * len(texts)
    for i, t in enumerate(toks):
        if len(t) >= 3:
            out[i] = int(truth.share(t) >= MIN_SHARE)
    for i, t in enumerate(toks):
        if not t or len(t) >= 3:
            continue
        if not truth.contains(t):
            out[i] = 0
            continue
        near = []
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(toks) and abs(j - i) <= REACH:
                if len(toks[j]) >= 3:
                    near.append(out[j])
                    break
                j += step
        out[i] = int(any(near))
    return out


def oracle_text(page, source, fmt: str) -> str:
    """The text of the units labelled article (the benchmark's quality track calls this)."""
    from cleaner.core.pipeline import rule_stage

    if fmt == "html":
        from cleaner.core.blocks import html_blocks

        texts = [b.text for b in html_blocks(source if isinstance(source, str) else page.html)]
    else:
        doc = rule_stage(_normalised(source), "markdown" if fmt == "html2text" else "text", None)
        texts = [u.text for u in doc.units]
    labels = label_texts(texts, page.truth)
    return "\n\n".join(t for t, y in zip(texts, labels, strict=True) if y)


def _normalised(text: str) -> str:
    from cleaner.core.normalise import normalise_text

    return normalise_text(text)
