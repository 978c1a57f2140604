"""The HTML path: metadata from the page's markup (core/pagemeta.py) and pruning by the site's
CSS selectors, then either trafilatura's extraction (the default) or the page's text blocks
(core/blocks.py, `html="blocks"`, hidden ones included and marked, each with trafilatura's
vote), which the rules and the html model judge one by one as they judge the lines of a text
copy. The blocks path is not the default yet: cross-validated by domain it beats the extractor
path on WCXB (0.852 against 0.823) but loses on the AEB news pages (0.921 against 0.966).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from cleaner.core.data import Metadata
from cleaner.core.metadata import DATE_META as _DATE_META
from cleaner.core.metadata import iso_date
from cleaner.core.normalise import normalise_text
from cleaner.core.normalise import tidy as _tidy
from cleaner.rules import vocab
from cleaner.sites.rulefile import SiteRules

_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.I)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.I)
_TITLE_SEP = re.compile(r"\s+[|–—·•»:-]\s+")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[^\d]|$)")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_JSONLD_AUTHOR = re.compile(r'"author"\s*:\s*(?:\[\s*)?\{[^{}]*?"name"\s*:\s*"([^"]{2,80})"')

_AUTHOR_META = tuple(
    f'meta[{"property" if ":" in name else "name"}="{name}"]'
    for name in vocab.phrases("author_meta")
)


@dataclass(slots=True)
class Extracted:
    text: str
    meta: Metadata
    pruned: list[str]  # text of the nodes the site's CSS selectors removed
    site: SiteRules | None
    warnings: list[str] = field(default_factory=list)
    blocks: list | None = None  # the page's text blocks (core/blocks.Block), when walked
    # What the page's markup says it is: JSON-LD @types and og:type (core/pagemeta.page_types).
    kinds: frozenset[str] = frozenset()


def close_title(html: str) -> tuple[str, bool]:
    """A <title> never closed makes the rest of the page its text (parsers read it as raw text,
    as browsers do), so the article is lost; close it before the next tag instead."""
    m = _TITLE_OPEN.search(html)
    if m is None or _TITLE_CLOSE.search(html, m.end()) is not None:
        return html, False
    nxt = html.find("<", m.end())
    if nxt == -1:
        return html, False
    return f"{html[:nxt]}</title>{html[nxt:]}", True


def _attr(tree: LexborHTMLParser, selectors: tuple[str, ...], attr: str = "content") -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            value = (node.attributes.get(attr) or "").strip()
            if value:
                return value
    return None


def _text(node) -> str:
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def read_metadata(tree: LexborHTMLParser, html: str, url: str | None) -> Metadata:
    """Title, byline, date and URL from the page's tags: og/meta tags, <h1>, <title>, JSON-LD."""
    page_title = _text(tree.css_first("title"))
    og_title = _attr(tree, ('meta[property="og:title"]', 'meta[name="twitter:title"]'))
    h1s = tree.css("h1")
    h1 = _text(h1s[0]) if len(h1s) == 1 else ""
    title = None
    if h1 and (h1 in page_title or (og_title and h1 in og_title) or not (page_title or og_title)):
        title = h1
    elif og_title:
        title = og_title
    elif page_title:
        # "Headline | Site name": the headline is the longest part.
        title = max(_TITLE_SEP.split(page_title), key=len)
    author = _attr(tree, _AUTHOR_META)
    if author and author.startswith("http"):
        author = None
    if not author:
        m = _JSONLD_AUTHOR.search(html)
        author = m.group(1) if m else None
    date_raw = _attr(tree, _DATE_META)
    if not date_raw:
        node = tree.css_first("time[datetime]")
        date_raw = node.attributes.get("datetime") if node is not None else None
    if not date_raw:
        m = _JSONLD_DATE.search(html)
        date_raw = m.group(1) if m else None
    canonical = _attr(tree, ('link[rel="canonical"]',), "href") or _attr(
        tree, ('meta[property="og:url"]',)
    )
    if canonical and not canonical.startswith("http"):
        canonical = None
    if not date_raw and (url or canonical):
        m = _URL_DATE.search(url or canonical or "")  # news URLs carry the date: /2023/10/27/
        date_raw = "-".join((m.group(1), m.group(2).zfill(2), m.group(3).zfill(2))) if m else None
    return Metadata(
        title=_tidy(title),
        byline=_tidy(author),
        date=iso_date(date_raw[:10]) if date_raw else None,
        url=url or canonical,
    )


def prune(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> list[str]:
    """Remove the nodes the site's rule file names, before extraction sees them."""
    removed: list[str] = []
    for selector in selectors:
        for node in tree.css(selector):
            text = _text(node)
            if text:
                removed.append(text)
            node.decompose()
    return removed


def _read(html: str, url: str | None, choose_site, *, scripting: bool):
    """What both HTML paths start with: the <title> repaired, the page parsed, its metadata,
    its site, and the nodes the site's selectors prune (the tree is pruned in place)."""
    from cleaner.core.pagemeta import read_html_metadata

    html, repaired = close_title(html)
    warnings = ["unclosed <title>: closed before the next tag"] if repaired else []
    tree = LexborHTMLParser(html, scripting=scripting)
    meta = read_html_metadata(tree, html, url)
    site = choose_site(url or meta.url)
    pruned: list[str] = []
    if site is not None and site.html_strip:
        pruned = prune(tree, site.html_strip)
        html = tree.html or ""  # what the extractor reads is the pruned page
    return html, tree, meta, site, pruned, warnings


def extract_blocks(
    html: str,
    url: str | None = None,
    choose_site: Callable[[str | None], SiteRules | None] = lambda _url: None,
    extractor: str | None = "full",
) -> Extracted:
    """The page's metadata and all of its text blocks, in reading order: which of them are the
    article is decided afterwards, block by block, by the same rules and model as the lines of a
    text copy (no extractor's choice is taken on trust: with `extractor` "fast" or "full",
    trafilatura's extraction of the page is one vote among the features, core/blocks.py
    mark_extracted; None leaves it out). The extractor's text is kept as `text`, so that the
    routed path (core/route.py) can compare the two readings of the page."""
    from cleaner.core.blocks import html_blocks, mark_extracted
    from cleaner.core.pagemeta import page_types

    # Scripting on, as in browsers: <noscript> is then raw text, and a stray <iframe/> in it
    # (tag managers write one) cannot swallow the rest of the page.
    html, tree, meta, site, pruned, warnings = _read(html, url, choose_site, scripting=True)
    # Hidden elements too, marked: tab panels, accordions and a forum's <noscript> copy of its
    # thread hide main content as often as menus do (on WCXB forum pages the visible blocks hold
    # two thirds of the content, with the hidden ones nine tenths); the model decides them.
    blocks = html_blocks(tree, keep_hidden=True)
    for b in blocks:
        b.text = _tidy(b.text) or ""
        if b.lines is not None:
            b.lines = [normalise_text(line) for line in b.lines]
    blocks = [b for b in blocks if b.text]
    text = _trafilatura(html, url, extractor == "fast", warnings) if extractor else ""
    if text and blocks:
        mark_extracted(blocks, text)
    return Extracted(text, meta, pruned, site, warnings, blocks, page_types(tree))


def _trafilatura(
    html: str, url: str | None, fast: bool, warnings: list[str], markdown: bool = False
) -> str:
    """trafilatura's article text of the page (both HTML paths: the extraction, or the vote);
    `markdown`: as markdown (headings, lists, tables, code blocks), from the same extraction."""
    import trafilatura
    from trafilatura.settings import Document

    page = html if len(html) * 4 <= LIBXML_MAX_TEXT else _parse_huge(html, warnings)
    doc = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        fast=fast,
    )
    # None when nothing is extracted (a dict only with as_dict=True, which is not asked for).
    if not isinstance(doc, Document):
        return ""
    if markdown and doc.body is not None:
        from trafilatura.xml import xmltotxt

        return xmltotxt(doc.body, include_formatting=True) or ""
    return doc.text or ""


def extract(
    html: str,
    url: str | None = None,
    choose_site: Callable[[str | None], SiteRules | None] = lambda _url: None,
    fast: bool = False,
    markdown: bool = False,
) -> Extracted:
    """The article as trafilatura extracts it (the default HTML path); `choose_site` gets the
    page's URL and names the site rules to use. Not trafilatura's fast mode: its fallback
    extractors find whole guides and forum answers that fast mode reduces to a teaser (WCXB
    0.823 against 0.791, AEB 0.966 against 0.969, at half the speed). `markdown`: the text
    as markdown (--format md)."""
    html, _, meta, site, pruned, warnings = _read(html, url, choose_site, scripting=False)
    text = _trafilatura(html, url, fast, warnings, markdown)
    return Extracted(text, meta, pruned, site, warnings)


# libxml2 refuses a text node, script, comment or attribute value longer than 10,000,000 bytes
# ("Buffer size limit exceeded, try XML_PARSE_HUGE") and drops the rest of the page: a 10 MB
# inline script before the article left only the title. trafilatura parses without huge_tree.
LIBXML_MAX_TEXT = 10_000_000
CUT_SHORT = "page cut short"  # a warning that makes the result suspect (pipeline.SUSPECT_WARNINGS)


def _parse_huge(html: str, warnings: list[str]):
    """The page parsed as trafilatura's load_html parses it (its repairs, its parser's options),
    with huge_tree on, for a page big enough to hold a node over libxml2's limit; the page itself
    when that fails, with a warning if a node is over the limit (what follows it is lost)."""
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, fromstring
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    if len(html.encode("utf-8", "surrogatepass")) <= LIBXML_MAX_TEXT:
        return html  # no node of it can be over the limit: trafilatura parses it as always
    parser = HTMLParser(
        collect_ids=False,
        default_doctype=False,  # type: ignore[call-arg]  # lxml-stubs lack this lxml option
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    beginning = html[:50].lower()
    try:
        # Bytes: lxml refuses a str with an encoding declaration (load_html then parses bytes).
        page = repair_faulty_html(html, beginning).encode("utf-8", "surrogatepass")
        tree = fromstring(page, parser=parser)
    except (ParserError, ValueError, UnicodeError):
        tree = None
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        tree = None  # load_html's own test: not HTML at all
    if tree is None or any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        warnings.append(
            f"{CUT_SHORT}: the page is over {LIBXML_MAX_TEXT:,} bytes and the HTML parser did "
            "not read it whole; text after its longest node may be lost"
        )
    return html if tree is None else tree
