"""The HTML path: prune with CSS selectors, extract the article with trafilatura, keep its metadata."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .metadata import iso_date
from .model import Metadata
from .rulefile import SiteRules

_CANONICAL = regex.compile(
    r"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"']+)["']|<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)["']""",
    regex.I,
)


@dataclass(slots=True)
class Extracted:
    text: str
    meta: Metadata
    pruned: list[str]  # text of the nodes the site's CSS selectors removed


def page_url(html: str) -> str | None:
    m = _CANONICAL.search(html[:200_000])
    if not m:
        return None
    url = m.group(1) or m.group(2)
    return url if url.startswith("http") else None


def prune(html: str, selectors: tuple[str, ...]) -> tuple[str, list[str]]:
    """Remove the nodes the site's rule file names, before extraction sees them."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    removed: list[str] = []
    for selector in selectors:
        for node in tree.css(selector):
            text = " ".join(node.text(separator=" ").split())
            if text:
                removed.append(text)
            node.decompose()
    return tree.html or "", removed


def extract(html: str, url: str | None = None, site: SiteRules | None = None) -> Extracted:
    import trafilatura

    pruned: list[str] = []
    if site is not None and site.html_strip:
        html, pruned = prune(html, site.html_strip)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    if doc is None:
        return Extracted("", Metadata(url=url or page_url(html)), pruned)
    date = iso_date(doc.date) if doc.date else None
    meta = Metadata(
        title=doc.title or None,
        byline=doc.author or None,
        date=date,
        url=url or doc.url or page_url(html),
    )
    return Extracted(doc.text or "", meta, pruned)
