"""Every rule code the cleaner can name in a report: generic heuristics and site rule files."""

from __future__ import annotations

from cleaner.core import article, classify, segment
from cleaner.rules import generic, repetition
from cleaner.sites.identify import RuleSet


def generic_codes() -> list[tuple[str, str, str]]:
    """(code, name, reason) for every generic rule, sorted by code."""
    rows = [(r.code, r.name, r.reason) for r in generic.REGISTRY.values()]
    rows += [
        (article.REPEATED_TITLE[0], "repeated-title", article.REPEATED_TITLE[1]),
        (article.BEFORE[0], "before-article", article.BEFORE[1]),
        (article.AFTER[0], "after-article", article.AFTER[1]),
        (article.AFTER_CREDIT[0], "after-credit", article.AFTER_CREDIT[1]),
        (article.KEEP_CREDIT[0], "credit-line (keeps)", article.KEEP_CREDIT[1]),
        (article.KEEP_DATE[0], "timeline-date (keeps)", article.KEEP_DATE[1]),
        (article.KEEP_TAIL[0], "cut-off-tail (keeps)", article.KEEP_TAIL[1]),
        (generic.KEEP_STAMP[0], "live-blog-stamp (keeps)", generic.KEEP_STAMP[1]),
        (segment.MARKUP_RULE[0], "markdown-markup", segment.MARKUP_RULE[1]),
        (classify.NOT_ARTICLE[0], "not-article (learned)", classify.NOT_ARTICLE[1]),
        (classify.KEEP_ARTICLE[0], "article (learned, keeps)", classify.KEEP_ARTICLE[1]),
        (classify.AGREED[0], "not-article (model and extractor)", classify.AGREED[1]),
        (repetition.CODE, repetition.NAME, repetition.REASON),
    ]
    return sorted(rows)


def site_codes(rules: RuleSet) -> list[tuple[str, str, str]]:
    """(code, site, reason) for every rule in the site files in force."""
    return sorted(
        (code, site.domain, reason) for site in rules.sites for code, reason in site.codes()
    )
