"""Which reading of an HTML page to keep: the extractor's article (trafilatura's text, then the
rules) or the page's blocks as the html model kept them (core/classify.py).

Neither wins everywhere. On news articles the extractor's text is cleaner (the blocks keep a
sidebar of prose); on forums, listings, services and collections the blocks keep the replies,
entries and lists the extractor drops. Which one a page needs shows in how the two readings
differ: how much of the extractor's text the blocks kept, how much more they hold, what the
page's markup says it is. A logistic regression on those page features, fitted by
bench/train.py on the pages' out-of-fold results (each page scored by models that never saw
its domain: stacking, Wolpert 1992), decides; plain numpy reads it here.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from cleaner.core.article import count_words
from cleaner.core.data import Removal
from cleaner.rules.registry import RULES

ROUTE_EXTRACTOR = RULES["G503"].pair  # the extractor's reading kept: what it left out, removed
ROUTE_BLOCKS = RULES["K503"].pair  # the blocks' reading kept: what the extractor left out, kept

FEATURES = (
    "blocks_over_extractor",  # log((words kept of the blocks + 1) / (extractor's words + 1))
    "extractor_kept",  # share of the extractor's distinct words that the blocks kept
    "blocks_in_extractor",  # share of the kept blocks' distinct words in the extractor's text
    "page_extracted",  # share of the page's words in the extractor's text
    "page_words",  # log(1 + words of all blocks)
    "extractor_words",  # log(1 + words of the extractor's text)
    "ld_article",  # the markup says article (JSON-LD Article/BlogPosting/..., og:type article)
    "ld_product",
    "ld_discussion",  # DiscussionForumPosting, QAPage, SocialMediaPosting
    "ld_list",  # ItemList, CollectionPage, SearchResultsPage
    "ld_faq",  # FAQPage, HowTo
)
_PRODUCT = frozenset(("product", "offer", "aggregateoffer", "productgroup", "og:product"))
_DISCUSSION = frozenset(("discussionforumposting", "qapage", "socialmediaposting"))
_LIST = frozenset(("itemlist", "collectionpage", "searchresultspage"))
_FAQ = frozenset(("faqpage", "howto"))


def _vocabulary(text: str) -> set[str]:
    return {w.strip(".,;:!?\"'()[]{}«»“”‘’…-—–*#").casefold() for w in text.split()} - {""}


def features(by_extractor, by_blocks, extracted) -> np.ndarray:
    """The router's features of a page, in the order of FEATURES."""
    words_e, words_b = count_words(by_extractor.text), count_words(by_blocks.text)
    voc_e, voc_b = _vocabulary(by_extractor.text), _vocabulary(by_blocks.text)
    common = len(voc_e & voc_b)
    blocks = extracted.blocks or ()
    block_words = [count_words(b.text) for b in blocks]
    total = sum(block_words)
    share = sum(b.extracted * n for b, n in zip(blocks, block_words, strict=True)) / (total or 1)
    kinds = extracted.kinds
    article = "og:article" in kinds or any(
        k.endswith("article") or k.endswith("blogposting") for k in kinds
    )
    return np.array(
        [
            math.log((words_b + 1) / (words_e + 1)),
            common / len(voc_e) if voc_e else 1.0,
            common / len(voc_b) if voc_b else 1.0,
            share,
            math.log1p(total),
            math.log1p(words_e),
            float(article),
            float(bool(kinds & _PRODUCT)),
            float(bool(kinds & _DISCUSSION)),
            float(bool(kinds & _LIST)),
            float(bool(kinds & _FAQ)),
        ]
    )


@functools.cache
def shipped() -> dict | None:
    """The router in the shipped model file (None when it has none)."""
    from cleaner.core.classify import MODEL_FILE, model_data

    router = (model_data() or {}).get("route")
    if router is None:
        return None
    if tuple(router["features"]) != FEATURES:
        raise RuntimeError(f"{MODEL_FILE}: router trained on other features; run bench/train.py")
    return router


def probability(x: np.ndarray, router: dict) -> tuple[float, np.ndarray]:
    """P(the blocks read the page better), and each feature's share of the log-odds."""
    z = (x - np.asarray(router["mean"])) / np.asarray(router["scale"])
    parts = z * np.asarray(router["coef"])
    logit = float(router["intercept"] + parts.sum())
    return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0))), parts


def choose(by_extractor, by_blocks, extracted, router: dict | None = None):
    """The reading to keep. Its `route` names the router's code, its probability and the features
    that decided; what the two readings disagree on is reported under that code: the blocks the
    extractor left out are removed (G503) or kept (K503) lines, at line 0 since they are not
    lines of the source text."""
    router = router or shipped()
    if router is None:
        by_extractor.route = f"{ROUTE_EXTRACTOR[0]} extractor (no router shipped)"
        return by_extractor
    x = features(by_extractor, by_blocks, extracted)
    p, parts = probability(x, router)
    blocks = p >= router["cut"]
    side = parts if blocks else -parts
    top = [i for i in np.argsort(-side, kind="stable")[:2] if side[i] > 0]
    why = ", ".join(f"{FEATURES[i]}={x[i]:.2f}" for i in top) or "no strong feature"
    detail = f"(p(blocks)={p:.2f}: {why})"
    left_out = [b.text for b in extracted.blocks or () if b.extracted < 0.5]
    if blocks:
        chosen, (code, reason) = by_blocks, ROUTE_BLOCKS
        kept = set(by_blocks.text.split("\n\n"))
        chosen.kept = chosen.kept + [
            Removal(code, f"{reason} {detail}", 0, t) for t in dict.fromkeys(left_out) if t in kept
        ]
        chosen.route = f"{code} blocks {detail}"
    else:
        chosen, (code, reason) = by_extractor, ROUTE_EXTRACTOR
        left = [Removal(code, f"{reason} {detail}", 0, t) for t in left_out]
        chosen.removed = sorted(left + chosen.removed, key=lambda r: r.line)
        chosen.route = f"{code} extractor {detail}"
    return chosen
