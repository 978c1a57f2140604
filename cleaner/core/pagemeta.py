"""Metadata from an HTML page's markup (title, byline, date, URL) and the language of a text.

`read_html_metadata` is a drop-in replacement for `cleaner.core.html.read_metadata`. Each field
weighs the page's structured data (JSON-LD, OpenGraph and other meta tags, microdata) against
what the page shows a reader around its headline, by rules measured on the WCXB pages
(bench/metadata.py):

- title: the <h1> that agrees with the <title>/og:title/JSON-LD headline; else the single <h1>
  (printed once or twice) of an article, else the <title> with the site's name cut from either
  end (og:site_name, the publisher, the host, a domain-shaped part) and a tagline after the
  headline with it. An <h1> that links to the front page is the site's logo, and one that is
  the <title>'s second part, its first part the h1's subheading, is the site's or book's name;
- byline: the byline printed under the headline ('By ...', 'Written by' and the names after
  it), else JSON-LD, meta tags, itemprop/rel=author, else the first name in an element classed
  as the author's (blog templates and author boxes, a forum thread's first poster; also inside
  the <noscript> that forums serve their posts in), else the one name after 'Written by'
  anywhere in the page, else a name printed beside the date;
- date: the published date of the structured data (never dateModified) when it is an
  article's or the page prints it, unless the page prints another date at its headline and
  never the structured one; else a <time> or a printed date under the headline (not one
  labelled 'updated'), else a date in the URL's path;
- URL: the canonical link or og:url, absolute and without its fragment.

A field it cannot establish stays None: no date is better than a wrong one.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaner.core.data import Metadata
from cleaner.core.metadata import DATE_META, NOT_PUBLISHED_LABEL, iso_date, line_date
from cleaner.core.normalise import tidy
from cleaner.rules import vocab

# --- the page's structured data ----------------------------------------------------------------

# JSON-LD types whose headline, author and date are the page's own; WebPage types come next.
_ARTICLE_TYPE = re.compile(
    r"(?:Article|Posting|Report|Recipe|HowTo|Question|Thesis|Guide|Story|Blog)$", re.I
)
_PAGE_TYPE = re.compile(r"(?:WebPage|Page)$", re.I)
_SITE_TYPE = re.compile(r"^(?:WebSite|Organization|Corporation|NewsMediaOrganization|Brand)$", re.I)


def _types(obj: dict) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t.rsplit("/", 1)[-1]]
    if isinstance(t, list):
        return [x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)]
    return []


def _rank(obj: dict) -> int:
    """0: an article-like object, 1: a web page, 2: anything else."""
    types = _types(obj)
    if any(_ARTICLE_TYPE.search(t) for t in types):
        return 0
    if any(_PAGE_TYPE.search(t) for t in types):
        return 1
    return 2


# An article's author or publisher object is no page object of its own, nor is a review or an
# answer on it.
_NOT_PAGE_KEYS = frozenset(
    [
        "author",
        "publisher",
        "creator",
        "isPartOf",
        "breadcrumb",
        "about",
        "review",
        "reviews",
        "comment",
        "suggestedAnswer",
        "acceptedAnswer",
        "hasPart",
    ]
)


def _walk(value: object, depth: int = 0) -> Iterator[dict]:
    """Every object in a JSON-LD document, outer ones first (@graph, lists, nested values)."""
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key not in _NOT_PAGE_KEYS:
                yield from _walk(item, depth + 1)


_JSON_COMMENT = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$"
)


def _json_ld(tree: LexborHTMLParser) -> list[dict]:
    objects: list[dict] = []
    for script in tree.css('script[type="application/ld+json"]'):
        raw = _JSON_COMMENT.sub("", script.text(deep=True).strip())
        try:
            doc = json.loads(raw, strict=False)  # strict=False: raw newlines inside strings
        except ValueError:
            continue
        objects.extend(_walk(doc))
    return objects


def page_types(tree: LexborHTMLParser) -> frozenset[str]:
    """What the page's markup says it is: the @types of its JSON-LD objects and its og:type
    ("og:article"), lower-cased."""
    kinds = {t.lower() for obj in _json_ld(tree) for t in _types(obj)}
    og = tree.css_first('meta[property="og:type"]')
    if og is not None and (og.attributes.get("content") or "").strip():
        kinds.add("og:" + (og.attributes.get("content") or "").strip().lower())
    return frozenset(kinds)


def _meta_tags(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """The content of every <meta>, by its lower-cased name, property or itemprop."""
    found: dict[str, list[str]] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        value = (attrs.get("content") or "").strip()
        if not value:
            continue
        for key in ("property", "name", "itemprop"):
            name = attrs.get(key)
            if name:
                found.setdefault(name.strip().lower(), []).append(value)
    return found


_COMPACT = re.compile(r"[\W_]+")
_NO_TEXT = frozenset(
    ("script", "style", "noscript", "template", "svg", "select", "option", "title")
)


def _compact(text: str) -> str:
    return _COMPACT.sub("", text.lower())


class _Page:
    """What the field readers share: the tree, its meta tags, JSON-LD objects and site names."""

    def __init__(self, tree: LexborHTMLParser, html: str, url: str | None) -> None:
        self.tree = tree
        self.html = html
        self.url = url
        self.meta = _meta_tags(tree)
        self.ld = _json_ld(tree)
        self.main = sorted((o for o in self.ld if _rank(o) < 2), key=_rank)
        self.canonical = _canonical(tree, self.meta, url)
        self.h1: LexborNode | None = None  # the headline's <h1>, once the title is read
        # _shown_date_at, once read (False: not read yet)
        self.shown_at: tuple[str, int] | Literal[False] | None = False
        self.revised: str | None = None  # a revision date by the headline (_find_shown_date_at)
        self._lines: tuple[list[str], int | None] | None = None
        names: list[str | None] = [
            *self.meta.get("og:site_name", []),
            *self.meta.get("application-name", []),
        ]
        names += self.meta.get("apple-mobile-web-app-title", [])
        for obj in self.ld:
            if any(_SITE_TYPE.match(t) for t in _types(obj)):
                names.append(_name_of(obj.get("name")))
            if _rank(obj) < 2:
                publisher = obj.get("publisher")
                if isinstance(publisher, dict):
                    names.append(_name_of(publisher.get("name")))
        self.site_names = {c for c in map(_compact, filter(None, names)) if len(c) > 1}
        host = urlsplit(self.canonical or url or "").hostname or ""
        labels = [x for x in host.lower().removeprefix("www.").split(".") if x]
        # "kyivindependent.com" -> "kyivindependent" (and the whole host: "Dictionary.com").
        self.host_names = {_compact(host.removeprefix("www."))} if labels else set()
        if len(labels) >= 2:
            self.host_names.add(
                labels[-2] if len(labels[-2]) > 3 or len(labels) < 3 else labels[-3]
            )
        self.host_names.discard("")

    @functools.cached_property
    def author_trees(self) -> list[LexborHTMLParser]:
        """The page's tree, then the <noscript> contents that a parser with scripting on (as
        core/blocks.py parses) leaves as text: forums serve their posts, posters' names with
        them, inside <noscript> for readers without JavaScript."""
        trees = [self.tree]
        for node in self.tree.css("noscript"):
            raw = node.text(deep=True)
            if "<" in raw and all(c.tag == "-text" for c in node.iter(include_text=True)):
                trees.append(LexborHTMLParser(raw))
        return trees

    @functools.cached_property
    def month_first(self) -> bool:
        """Whether 3/7/2023 is March 7 here: American English or no language given."""
        node = self.tree.css_first("html")
        lang = ((node.attributes.get("lang") if node is not None else None) or "").lower()
        return not lang or lang in ("en", "en-us", "en_us")

    @functools.cached_property
    def visible_text(self) -> str:
        """The body's text without scripts and styles, one text node a line."""
        if self.tree.body is None:
            return ""
        return "\n".join(
            node.text_content or ""
            for node in self.tree.body.traverse(include_text=True)
            if node.tag == "-text" and node.parent is not None and node.parent.tag not in _NO_TEXT
        )

    def header_lines(self) -> tuple[list[str], int | None]:
        """The page's text, one text node a line, up to 60 lines past the headline's <h1>, and
        the index of the h1's first line (None without one)."""
        if self._lines is not None:
            return self._lines
        self._lines = self._header_lines()
        return self._lines

    def _header_lines(self) -> tuple[list[str], int | None]:
        if self.h1 is None or self.tree.body is None:
            return [], None
        target = self.h1.mem_id
        lines: list[str] = []
        at = None
        for node in self.tree.body.traverse(include_text=True):
            if node.tag != "-text":
                if at is None and node.mem_id == target:
                    at = len(lines)
                continue
            parent = node.parent
            if parent is None or parent.tag in _NO_TEXT:
                continue
            text = " ".join((node.text_content or "").split())
            if text:
                lines.append(text)
                if at is not None and len(lines) > at + 60:
                    break
        return lines, at

    @functools.cached_property
    def is_article(self) -> bool:
        """The page says it is an article (JSON-LD type, og:type or a published time)."""
        if any(_rank(o) == 0 for o in self.ld):
            return True
        return (self.first_meta("og:type") or "").lower() == "article" or bool(
            self.first_meta("article:published_time")
        )

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None

    def is_site_name(self, text: str) -> bool:
        c = _compact(text)
        if not c:
            return True
        if c in self.site_names or c in self.host_names:
            return True
        if _DOMAIN_SHAPED.match(text.strip()):
            return True  # 'GAME CHANGER | Newegg.com': a domain name is a site's
        # "The Kyiv Independent" for kyivindependent.com, "Dictionary.com".
        if any(len(h) > 3 and (c == h or c.removeprefix("the") == h) for h in self.host_names):
            return True
        # "Occupational Safety and Health Administration" for osha.gov: the name the host
        # abbreviates.
        initials = _initials(text)
        return len(initials) >= ACRONYM_MIN and initials in self.host_names


ACRONYM_MIN = 3  # two letters ('ab.com') match too many phrases' initials
_ACRONYM_SKIP = frozenset(
    ("and", "of", "the", "for", "in", "on", "at", "de", "du", "des", "la", "le")
)


def _initials(text: str) -> str:
    """The first letters of a name's words, its small words skipped: 'osha' for 'Occupational
    Safety and Health Administration'; '' when a word starts in lower case (a sentence, not a
    name)."""
    words = [w for w in _WORDS.findall(text) if w.lower() not in _ACRONYM_SKIP]
    if not words or not all(w[0].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words).lower()


_DOMAIN_SHAPED = re.compile(
    r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co|io|ai|dev|app|info|edu|gov|[a-z]{2})$", re.I
)


def _name_of(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value:
        return _name_of(value[0])
    return None


# --- URL ---------------------------------------------------------------------------------------


def _normal_url(link: str, base: str | None) -> str | None:
    link = link.strip()
    if not link or link.startswith(("javascript:", "mailto:", "data:", "#")):
        return None
    if base and not re.match(r"^https?://", link, re.I):
        link = urljoin(base, link)
    elif link.startswith("//"):
        link = "https:" + link
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _canonical(tree: LexborHTMLParser, meta: dict[str, list[str]], url: str | None) -> str | None:
    base_node = tree.css_first("base[href]")
    base = url or (base_node.attributes.get("href") if base_node is not None else None)
    candidates = [
        node.attributes.get("href") or ""
        for node in tree.css("link[rel][href]")
        if "canonical" in (node.attributes.get("rel") or "").lower().split()
    ]
    candidates += meta.get("og:url", [])
    for link in candidates:
        found = _normal_url(link, base)
        if found is None:
            continue
        # A canonical that names the site's front page for an inner page is a template's
        # mistake, not the page's address.
        if url and urlsplit(found).path in ("", "/") and urlsplit(url).path not in ("", "/"):
            continue
        return found
    return None


# --- title -------------------------------------------------------------------------------------

_TITLE_SEP = re.compile(r"\s+(?:[|–—·•»~/]|-{1,2}|::)\s+|\s*[|•»]\s*")
_WORDS = re.compile(r"\w+")
_NO_WORDS = re.compile(r"^[\W\d_]*$|^\s*\d{4}-\d{2}-\d{2}")


def _is_date(text: str) -> bool:
    """Only a date (or no words at all): 'March 7, 2023', '2023-03-07T10:00'."""
    return _NO_WORDS.match(text) is not None or (len(text) < 32 and bool(text_dates(text)))


_LAYOUT = ("nav", "footer", "aside")


def _f1(a: str, b: str) -> float:
    x, y = _WORDS.findall(a.lower()), _WORDS.findall(b.lower())
    if not x or not y:
        return 0.0
    common = sum(min(x.count(w), y.count(w)) for w in set(x))
    return 2 * common / (len(x) + len(y))


def _agree(h1: str, title: str) -> bool:
    """The h1 is the title, or the title is the h1 plus a site or section name after a
    separator ('Headline | Section'); a short h1 that is only part of a title ('Reviews' in
    'Reviews of our classes') is not."""
    ch, ct = _compact(h1), _compact(title)
    if not ch or not ct:
        return False
    if ch == ct or _f1(h1, title) >= 0.8:
        return True
    return _affix(title, h1)


def _affix(title: str, part: str) -> bool:
    """`title` is `part` and something else, joined by a separator."""
    ft, fp = _fold(title), _fold(part)
    if len(fp) < 4 or fp == ft:
        return False
    if ft.startswith(fp):
        return _TITLE_SEP.match(ft, len(fp)) is not None or ft[len(fp) :].lstrip().startswith(":")
    if ft.endswith(fp):
        head = ft[: len(ft) - len(fp)]
        return _TITLE_SEP.search(head) is not None and _TITLE_SEP.split(head)[-1].strip() == ""
    return False


_FOLD = str.maketrans(
    {c: "'" for c in "‘’`´"} | {c: '"' for c in "“”„«»"} | {c: "-" for c in "‐‑‒–—―"}
)


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).lower().split())


HEADLINE_MIN_WORDS = 2  # a one-word first part ('Reviews | Our yoga classes') is a label


def _strip_site(title: str, page: _Page, others: list[str]) -> str:
    """Drop the site's name from either end: 'Headline | Site', 'Site - Headline'."""
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()

    while len(parts) > 1 and page.is_site_name(parts[-1]):
        parts.pop()
    while len(parts) > 1 and page.is_site_name(parts[0]):
        parts.pop(0)
    rest = " | ".join(parts)
    # Whatever remains, a variant the title starts or ends with is the headline itself.
    for other in others:
        if other and len(other) >= 8 and _affix(title, other):
            return other.strip()
    if len(parts) == 1:
        return parts[0].strip()
    if len(_WORDS.findall(parts[0])) >= HEADLINE_MIN_WORDS:
        # 'Headline | Tagline' once the site's name is gone: the headline comes first.
        return parts[0].strip()
    return _join_parts(title, parts) or rest


def _join_parts(title: str, parts: list[str]) -> str | None:
    """The original text from the first kept part to the last (separators as they were)."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1])
    if start < 0 or end < 0:
        return None
    return title[start : end + len(parts[-1])].strip()


def _in_layout(node) -> bool:
    """Inside the site's navigation, footer, sidebar or page header (not an article's header)."""
    header = False
    node = node.parent
    while node is not None and node.tag not in ("body", "html"):
        tag = node.tag
        if tag in _LAYOUT:
            if tag == "footer" and _own_footer(node):
                node = node.parent
                continue
            return True
        role = (node.attributes.get("role") or "").lower()
        if role in ("navigation", "banner", "contentinfo", "complementary"):
            return True
        if tag == "header" and not header:
            # A site's header holds its navigation; a page's hero header holds the headline.
            header = node.css_first("nav, [role=navigation]") is not None
        if tag in ("article", "main"):
            return False
        node = node.parent
    return header


def _own_footer(footer) -> bool:
    """The footer of the page's one <article> (its byline, its tags), not the site's; a page of
    several articles (cards of a listing, reviews) has no article of its own."""
    article = footer.parent
    while article is not None and article.tag != "article":
        article = article.parent
    if article is None:
        return False
    root = footer
    while root.parent is not None:
        root = root.parent
    return len(root.css("article")) == 1


def _node_text(node) -> str:
    return " ".join(node.text(separator=" ").split())


_HOME_PATHS = ("", "/", "/index.html", "/index.php")


def _links_home(node: LexborNode, text: str) -> bool:
    """The h1 is a link to the site's front page: the site's logo or name ('<h1><a href="/">Arch
    Linux</a></h1>' on every page of a blog or forum), not the page's headline."""
    link = node.css_first("a[href]")
    if link is None or _compact(_node_text(link)) != _compact(text):
        return False
    href = (link.attributes.get("href") or "").strip()
    parts = urlsplit(href)
    return bool(href) and parts.path in _HOME_PATHS and not parts.query and not parts.fragment


def _headline_beside_h1(
    page: _Page, title: str, h1s: list[tuple[str, LexborNode, bool]]
) -> tuple[str, LexborNode] | None:
    """The <title> is two parts, the second the page's h1 and the first the h1's first
    subheading ('What is Ownership? - The Rust Programming Language', h1 the book's name, h2 the
    chapter's): the h1 is the site's or the book's name, the subheading the page's headline."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) != 2 or len(h1s) != 1:
        return None
    h1_text, h1_node, _layout = h1s[0]
    if _compact(h1_text) != _compact(parts[1]):
        return None  # 'Headline - Section' with the h1 the headline and an h2 the section
    seen = False
    for node in page.tree.css("h1, h2, h3"):
        if node.mem_id == h1_node.mem_id:
            seen = True
        elif seen and not _in_layout(node) and _node_text(node):
            # The h1's first subheading outside the layout.
            return (parts[0], node) if _compact(_node_text(node)) == _compact(parts[0]) else None
    return None


def _site_in_h1(text: str, cleaned: list[str], page: _Page) -> str | None:
    """The headline, where the h1 prints it with the site's name after it as the <title> does
    ('Catering Tips | Cookshack')."""
    for c in cleaned:
        if not (_fold(text).startswith(_fold(c)) and _affix(text, c)):
            continue
        rest = [p for p in _TITLE_SEP.split(text[len(c) :]) if p.strip()]
        if rest and all(page.is_site_name(p) for p in rest):
            return c
    return None


def _title(page: _Page) -> str | None:
    tree = page.tree
    head = tree.css_first("title")
    page_title = _node_text(head) if head is not None else ""
    ld_headline = next(
        (
            _name_of(o.get("headline")) or _name_of(o.get("name"))
            for o in page.main
            if _rank(o) == 0 and (_name_of(o.get("headline")) or _name_of(o.get("name")))
        ),
        None,
    )
    raw = [
        page.first_meta("og:title"),
        ld_headline,
        page.first_meta("twitter:title"),
    ]
    h1s = []  # (text, node, in the site's layout)
    for node in tree.css("h1"):
        text = _node_text(node)
        if 2 <= len(text) <= 300 and not _is_date(text) and not page.is_site_name(text):
            if not _links_home(node, text):
                h1s.append((text, node, _in_layout(node)))
            elif page.h1 is None:
                page.h1 = node  # no headline, but where the page's header starts (its date)
    beside = _headline_beside_h1(page, page_title, h1s)
    if beside is not None:
        page.h1 = beside[1]
        return beside[0]
    variants = [v for v in (*raw, page_title) if v]
    cleaned = [_strip_site(v, page, [*(h[0] for h in h1s), *variants]) for v in variants]
    cleaned = [c for c in cleaned if c and not _is_date(c)]
    # An h1 that agrees with the page's own title is the headline, wherever the template put
    # it; one that agrees with none is taken only when it is the page's single content h1.
    for text, node, _layout in h1s:
        headline = _site_in_h1(text, cleaned, page)
        if headline is not None:
            page.h1 = node
            return headline
        if any(_agree(text, c) for c in cleaned):
            page.h1 = node
            return text
    content = [h for h in h1s if not h[2]]
    if content:
        page.h1 = content[0][1]
    og = _strip_site(raw[0], page, variants) if raw[0] else None
    shown = _strip_site(page_title, page, variants) if page_title else None
    # Templates print the headline twice (desktop and mobile layouts): one h1 all the same.
    if len({_compact(h[0]) for h in content}) == 1:
        # An h1 that disagrees with the titles is still the headline on an article page; on
        # other pages (products, services) it is often a slogan, and a title that the og:title
        # confirms is the page's name.
        if og and shown and _agree(og, shown) and not page.is_article:
            return og
        return content[0][0]
    # No headline in the body: the page's <title> names it best (its og:title is often a
    # marketing line), then the other variants.
    for value in (shown, *cleaned):
        if value:
            return value
    return content[0][0] if content else None


# --- author ------------------------------------------------------------------------------------

_BY_PREFIX = re.compile(
    rf"^(?:(?:{vocab.alternation('author_prefix_word')})\s+)?"
    rf"(?:by|from)\s*:?\s*(?=\S)|^(?:{vocab.alternation('author_prefix_label')})\s*:\s*",
    re.I,
)
_AUTHOR_META = (*vocab.phrases("author_meta"), *vocab.phrases("author_meta_more"))
_NOT_NAME = re.compile(
    r"https?:|www\.|@|\.(?:com|org|net)\b|^\W|[{}<>=;#/\\]|^\w+(?:\.\w+){2,}$", re.I
)
# Three digits make a phone number, a date or a count, not a name; a forum's user name
# ('paulb203', 'user447274') may hold them.
_DIGITS = re.compile(r"\d{3}")
_HANDLE = re.compile(r"^[^\W\d_][\w.-]{1,29}$")
# Placeholders and roles that templates put where a name should be.
_NO_NAME = vocab.words("author_placeholder")
_PRONOUN = vocab.words("author_pronoun")
# A byline's label on a line of its own; the name follows on the next lines.
_BY_LABEL = re.compile(
    rf"^(?:(?:{vocab.alternation('by_label_word')})\s+)?by\s*:?$|^authors?\s*:?$"
    rf"|^(?:{vocab.alternation('by_label_line')}"
    rf"|{vocab.alternation('byline_by', skip=('en', 'it', 'sv'))})\s*:?$",
    re.I,
)
_NOT_AUTHOR_LABEL = re.compile(vocab.alternation("not_author_label"), re.I)
# Where a byline's name ends; case-insensitive throughout (also "JaneDoePublished", "...Last").
_DATE_WORD = vocab.alternation("date_label")
_NAME_END = re.compile(
    rf"\s+[|•·–—-]\s+|\s*[|•·]\s*|\s+(?:{vocab.alternation('name_end_word')})\s+(?=\S)"
    rf"|,?\s+(?:{_DATE_WORD})\b|\s*\d{{1,2}}\s*min\b|(?<=[a-z])(?=(?:{_DATE_WORD}|last)\b)",
    re.I,
)
_NAME_PARTICLES = vocab.words("name_particles") | vocab.words("name_joiners")


def _clean_author(value: str | None, page: _Page, site_ok: bool = False) -> str | None:
    """The name, or None for a URL, a placeholder, something too long, or the site's own name
    (which templates fill in where an article names no author) unless `site_ok`: a byline that
    prints 'By <site>', or a JSON-LD Person, is the site's owner writing."""
    if not value:
        return None
    value = " ".join(value.split())
    value = _BY_PREFIX.sub("", value).strip(" ,;|·•-–—:")
    if not value or len(value) > 80 or _NOT_NAME.search(value):
        return None
    if _DIGITS.search(value) and not _HANDLE.match(value):
        return None
    if not site_ok and page.is_site_name(value):
        return None
    if not re.search(r"[^\W\d_]", value) or value.lower() in _NO_NAME:
        return None
    if _BY_LABEL.match(value):
        return None  # the label alone ('By', 'Written by'), its name not found after it
    if value.split()[0].lower() in _PRONOUN:
        return None  # 'Our Product Research Team' describes the writers, it names nobody
    return value


def _name_like(text: str) -> bool:
    """A person's or a team's name as bylines print it: a few capitalised words, no sentence."""
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 12 or len(text) > 80 or text.endswith((".", ":", "?", "!")):
        return False
    if any(c.isdigit() for c in text):
        return False
    capital = sum(w[0].isupper() for w in words)
    # A capitalised particle ('The', 'Of') counts once: 'From Theory to Practice, The ...' is
    # no name for its 'The' standing in for its 'to'.
    others = sum(not w[0].isupper() and w.lower() in _NAME_PARTICLES for w in words)
    return capital >= 1 and capital + others == len(words)


def _byline_name(text: str) -> str | None:
    """The name in a byline line's text after its 'By': 'Jane Doe | March 3, 2024' -> 'Jane Doe'."""
    text = _NAME_END.split(text, maxsplit=1)[0].strip(" ,;:")
    found = text_dates(text)
    if found:
        text = text[: found[0][0]].strip(" ,;:-–—|")
    return text if _name_like(text) else None


def _ld_names(value: object, by_id: dict[str, dict]) -> list[tuple[str, bool]]:
    """The names of a JSON-LD author value, each with whether it is typed a Person."""
    if isinstance(value, list):
        return [n for item in value for n in _ld_names(item, by_id)]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        name = _name_of(value.get("name"))
        if name is None and isinstance(value.get("givenName"), str):
            name = f"{value['givenName']} {value.get('familyName') or ''}".strip()
        if name and name[0] in ",;|":
            return []  # ', USA TODAY': the template's name field left empty, its affiliation kept
        person = any(t.lower() == "person" for t in _types(value))  # also '"@type": "person"'
        return [(name, person)] if name else []
    if isinstance(value, str):
        return [(value, False)]
    return []


def _join_names(names: Sequence[str | None], page: _Page, site_ok: bool = False) -> str | None:
    kept: list[str] = []
    for name in names:
        clean = _clean_author(name, page, site_ok)
        if clean and clean.lower() not in {k.lower() for k in kept}:
            kept.append(clean)
    if not kept:
        return None
    joined = ", ".join(kept)
    return joined if len(joined) <= 200 else kept[0]


def _in_feedback(node) -> bool:
    """Inside a review, comment or answer: its author is not the page's."""
    node = node.parent
    while node is not None and node.tag not in ("body", "html"):
        attrs = node.attributes
        marks = f"{attrs.get('itemtype') or ''} {attrs.get('class') or ''} {attrs.get('id') or ''}"
        if re.search(r"review|comment|answer|reply|testimonial", marks, re.I):
            return True
        node = node.parent
    return False


def _ld_author(page: _Page) -> str | None:
    by_id = {o["@id"]: o for o in page.ld if isinstance(o.get("@id"), str)}
    for obj in page.main:
        if "author" in obj or "creator" in obj:
            names = _ld_names(obj.get("author") or obj.get("creator"), by_id)
            person = bool(names) and all(p for _, p in names)
            found = _join_names([n for n, _ in names], page, site_ok=person)
            if found:
                return found
    return None


def _meta_author(page: _Page, site_ok: bool = False) -> str | None:
    for name in _AUTHOR_META:
        found = _join_names(page.meta.get(name, []), page, site_ok)
        if found:
            return found
    return _join_names(_labelled_meta_authors(page), page, site_ok)


def _labelled_meta_authors(page: _Page) -> list[str]:
    """The values of twitter:dataN whose twitter:labelN is 'Written by': SEO plugins (Yoast) print
    the post's author there for link previews, also on pages whose author meta tag they leave out.
    Only on articles: the plugins label a site's home and service pages with their editor too."""
    names: list[str] = []
    if not page.is_article:
        return names
    for k in range(1, 5):
        for label in page.meta.get(f"twitter:label{k}", ()):
            if _WRITTEN_BY.fullmatch(label.strip()):
                names += page.meta.get(f"twitter:data{k}", [])
    return names


def _markup_author(page: _Page) -> str | None:
    """itemprop=author and rel=author outside reviews and comments."""
    nodes = (n for t in page.author_trees for n in t.css('[itemprop="author"], a[rel~="author"]'))
    for node in nodes:
        if _in_feedback(node) or _in_layout(node):
            continue
        inner = node.css_first('[itemprop="name"]')
        target = inner or node
        value = target.attributes.get("content") or _node_text(target)
        found = _clean_author(value, page)
        # A forum's user name ('drat', 'user447274') is the poster's name as the markup says.
        if found and (_name_like(found) or _USERNAME.match(found)):
            return found
    return None


_CONNECTOR = re.compile(
    rf"^(?:,|&|,\s*and|{vocab.alternation('name_and', skip=('ru', 'uk'))})$", re.I
)


_USERNAME = re.compile(r"^[\w.-]{2,30}$")


def _names_after(lines: list[str], j: int) -> list[str]:
    """The names on the lines from `j`: 'Jane Doe', ',', 'John Roe', ', and', 'Ann Poe' (or a
    forum's user name, right after its label)."""
    names: list[str] = []
    if (
        j < len(lines)
        and _USERNAME.match(lines[j])
        and not lines[j].isdigit()
        and not text_dates(lines[j])
    ):
        return [lines[j]]
    while j < len(lines) and len(names) < 8:
        piece = lines[j].strip()
        name = _byline_name(piece.strip(" ,&"))
        if not name:
            break
        names.append(name)
        j += 1
        if re.search(r"(?:,|&|\band)$", piece):
            continue
        if j < len(lines) and _CONNECTOR.match(lines[j].strip()):
            j += 1
            continue
        break
    return names


def _shown_author(page: _Page) -> str | None:
    """The byline printed near the headline: 'By Jane Doe', or a 'Written by' label with the
    names on the lines after it."""
    lines, at = page.header_lines()
    if at is None:
        return None
    for i in [*range(at, min(len(lines), at + 30)), *range(at - 1, max(-1, at - 8), -1)]:
        line = lines[i]
        if len(line) > 120:
            continue
        if _BY_LABEL.match(line):
            if i > 0 and _NOT_AUTHOR_LABEL.search(lines[i - 1][-20:]) and len(line) < 4:
                continue
            names = _names_after(lines, i + 1)
            found = _join_names(names, page, site_ok=True)
            if found:
                return found
            continue
        m = _BY_PREFIX.match(line)
        if m and m.end() < len(line) and not _NOT_AUTHOR_LABEL.search(line[: m.end()]):
            name = _byline_name(line[m.end() :])
            found = _clean_author(name, page, site_ok=True) if name else None
            if found:
                return found
    return None


# Words of a job title, a section or a button, which the lines beside a byline often are.
_ROLE_WORDS = vocab.words("byline_neighbour_word")
_SEPARATOR_LINE = re.compile(r"^[\W_]{0,3}$")


def _dated_name(page: _Page) -> str | None:
    """A name printed on its own next to the date under the headline ('Jane Doe', 'March 3,
    2024'): bylines often come without a 'By'."""
    lines, at = page.header_lines()
    if at is None:
        return None
    title = _compact(lines[at]) if at < len(lines) else ""

    def dated(k: int) -> bool:
        return (
            0 <= k < len(lines)
            and len(lines[k]) < 60
            and bool(text_dates(lines[k], page.month_first))
        )

    for i in range(max(0, at - 3), min(len(lines), at + 12)):
        line = lines[i]
        words = line.split()
        if not 2 <= len(words) <= 4 or len(line) > 40 or not _name_like(line):
            continue
        if _compact(line) == title or page.is_site_name(line) or _BY_LABEL.match(line):
            continue
        if "&" in line or ":" in line or any(w.lower() in _ROLE_WORDS for w in words):
            continue
        near = [i - 1, i + 1]
        if i + 1 < len(lines) and _SEPARATOR_LINE.match(lines[i + 1]):
            near.append(i + 2)
        if i - 1 >= 0 and _SEPARATOR_LINE.match(lines[i - 1]):
            near.append(i - 2)
        if any(dated(k) for k in near):
            return line
    return None


def _author(page: _Page) -> str | None:
    # The byline the page prints first (what a reader takes for the author), then the
    # structured data, then a bare name beside the date.
    return (
        _shown_author(page)
        or _ld_author(page)
        or _meta_author(page)
        or _markup_author(page)
        or _class_author(page)
        or _written_by(page)
        or _dated_name(page)
        or _site_author(page)
    )


# 'Written by Jane Doe' (byline_by_verb): unlike a bare 'By', which also credits photos, sites
# and tools, the verb names a writer wherever the template prints it (an author box at the end).
_WRITTEN_BY = re.compile(
    rf"^(?:{vocab.alternation('byline_by_verb')}|{vocab.alternation('byline_by_verb_more')})\s*:?\s*",
    re.I,
)


def _written_by(page: _Page) -> str | None:
    """The name after a 'Written by' anywhere in the page (outside its navigation, footer,
    comments and reviews), when every such line names the same person: cards of related posts
    name several."""
    body = page.tree.body
    if body is None:
        return None
    names: dict[str, str] = {}
    texts = [
        (" ".join((n.text_content or "").split()), n)
        for n in body.traverse(include_text=True)
        if n.tag == "-text" and n.parent is not None and n.parent.tag not in _NO_TEXT
    ]
    texts = [(t, n) for t, n in texts if t]
    for k, (text, node) in enumerate(texts):
        m = _WRITTEN_BY.match(text)
        if m is None or len(text) > 80:
            continue
        rest = text[m.end() :] or (texts[k + 1][0] if k + 1 < len(texts) else "")
        name = _byline_name(rest)
        found = _clean_author(name, page, site_ok=True) if name else None
        if found and not _in_layout(node.parent) and not _in_feedback(node.parent):
            names.setdefault(_compact(found), found)
    return next(iter(names.values())) if len(names) == 1 else None


def _site_author(page: _Page) -> str | None:
    """The site's own name in the author meta tag, as the last resort: a company's or a
    one-person site's page is written by its owner."""
    return _meta_author(page, site_ok=True) if page.is_article else None


# Class and id tokens of the element that holds the author's name, in templates of blogs (WordPress
# 'wp-block-post-author__name', 'post-hero__author__name', Elementor's 'author-box__name') and
# forums ('username', phpBB's 'author', Discourse's 'creator').
# The parts of an author box that hold its name ('blog_author-box', 'author-card'), in BEM names.
_AUTHOR_PART = "box|card|info|wrapper|wrap|details|text|meta|block|content"
_AUTHOR_CLASS = re.compile(
    rf"(?:^|[\s_-])(?:{vocab.alternation('author_class')})"
    rf"(?:[_-]+(?:{_AUTHOR_PART}))?(?:[_-]*name)?(?:$|[\s_])",
    re.I,
)
# The same words as a CSS substring match, so that the parser, not Python, walks the page.
_AUTHOR_CLASS_CSS = ", ".join(f'[class*="{w}" i]' for w in vocab.phrases("author_class"))
CLASS_AUTHOR_MAX_WORDS = 5  # a name, not the author box's bio or a poster's statistics


def _class_author(page: _Page) -> str | None:
    """The first short name-like text of an element classed as the author's (outside the site's
    navigation and footer, and outside comments and reviews)."""
    bodies = [t.body for t in page.author_trees if t.body is not None]
    found: list[tuple[str, bool]] = []  # (name, read from the first text of a box)
    for node in (n for body in bodies for n in body.css(_AUTHOR_CLASS_CSS)):
        if _AUTHOR_CLASS.search(node.attributes.get("class") or "") is None:
            continue
        text = _node_text(node)
        if not text or len(text) > AUTHOR_BOX_MAX_CHARS:
            continue
        name, boxed = _class_name(text, page), False
        if name is None:
            # An author box with the date, the bio or a role in it: the name is its text up
            # to the date, or its first text.
            name = _class_name(text, page, cut_date=True) or _class_name(_first_text(node), page)
            boxed = True
        if name is None or _in_layout(node) or _in_feedback(node):
            continue
        found.append((name, boxed))
    # A box's first text names the author when it is the page's only name in author elements;
    # boxes with different names are cards (testimonials, a team, related posts).
    names = {_compact(n) for n, _ in found}
    for name, boxed in found:
        if not boxed or len(names) == 1:
            return name
    return None


AUTHOR_BOX_MAX_CHARS = 400  # an author box (name, date, a short bio), not a page section


def _class_name(text: str, page: _Page, cut_date: bool = False) -> str | None:
    """The name an author element's text gives: 'Jane Doe | Author' (and with `cut_date`
    'Jane Doe March 3, 2024')."""
    if not text or len(text) > 60:
        return None
    # 'Matteo Laratta | Author', 'Jane Doe · 7 min read': the name ends at a separator.
    text = _NAME_END.split(_BY_PREFIX.sub("", text), maxsplit=1)[0]
    found = text_dates(text, page.month_first) if cut_date else None
    if found:
        text = text[: found[0][0]]
    name = _clean_author(text, page, site_ok=True)
    words = name.split() if name else []
    while len(words) > 1 and words[-1].lower() in _ROLE_WORDS | _RANK_WORDS:
        words.pop()  # 'Mateusz Haberny Founder', 'StarredSkies Big Board Owner'
    name = " ".join(words)
    if not name or len(words) > CLASS_AUTHOR_MAX_WORDS:
        return None
    if not (_name_like(name) or _USERNAME.match(name)) or name.lower() in _NOT_A_NAME_WORDS:
        return None
    return name


def _first_text(node) -> str:
    """The first text in the element that is not a label ('Written by', 'About the author')."""
    for child in node.traverse(include_text=True):
        if child.tag != "-text" or child.parent is None or child.parent.tag in _NO_TEXT:
            continue
        text = " ".join((child.text_content or "").split())
        if text and text.lower().strip(" :") not in _NOT_A_NAME_WORDS and not _BY_LABEL.match(text):
            return text
    return ""


_RANK_WORDS = vocab.words("forum_rank")
# Labels that author elements hold besides names.
_NOT_A_NAME_WORDS = vocab.words("author_box_label")


# --- date --------------------------------------------------------------------------------------

_ISO_PREFIX = re.compile(r"^\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")
_URL_DATES = (
    re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?!\d)"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)"),
)
# A date labelled so is not the publication's: metadata.line_date's policy, the text path's.
_UPDATED = NOT_PUBLISHED_LABEL

_MONTH = vocab.month_numbers()
_NAMES_OF: dict[int, list[str]] = {}  # a month's names in every language
for _name, _n in _MONTH.items():
    _NAMES_OF.setdefault(_n, []).append(_name)
_MON = "(?P<mon>" + "|".join(sorted(map(re.escape, _MONTH), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|º|\.)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_TEXT_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})([-/.])(?P<m>[01]?\d)\2(?P<d>[0-3]?\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<a>[0-3]?\d)([./])(?P<b>[0-3]?\d)\2(?P<y>(?:19|20)\d{2})(?!\d)"),
    re.compile(rf"(?<![^\W\d_]){_MON}\s*{_DAY},?\s+{_YEAR}(?!\d)", re.I),
    re.compile(rf"(?<![\d.]){_DAY}\s*(?:de\s+)?{_MON},?\s+(?:de\s+)?{_YEAR}(?!\d)", re.I),
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})|"
        r"(?P<y2>(?:19|20)\d{2})年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
    ),
)


_ANY_YEAR = re.compile(r"(?:19|20)\d{2}")  # every form of _TEXT_DATES names its year so


@functools.lru_cache(maxsize=4096)
def _parse_date(raw: str) -> str | None:
    """'2023-03-07T10:00:00+01:00', 'March 7, 2023' -> '2023-03-07' (the day as written)."""
    raw = raw.strip()
    if not raw:
        return None
    m = _ISO_PREFIX.match(raw)
    if m:
        return _valid(m.group(1), m.group(2), m.group(3))
    if len(raw) > 60:
        return None
    found = text_dates(raw)
    return found[0][1] if found else iso_date(raw)


def _valid(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def text_dates(text: str, month_first: bool = True) -> list[tuple[int, str]]:
    """The dates written in a line of text, as (offset, ISO date), in order. `month_first`
    reads 3/7/2023 as March 7 (American pages); 7.3.2023 is always 7 March."""
    found: list[tuple[int, str]] = []
    if not _ANY_YEAR.search(text):
        return found  # every form names its year
    for i, pattern in enumerate(_TEXT_DATES):
        for m in pattern.finditer(text):
            g = m.groupdict()
            if i == 1:
                a, b = int(g["a"]), int(g["b"])
                dotted = m.group(2) == "."
                if a > 12 or dotted or not month_first:
                    a, b = b, a
                if a > 12:
                    a, b = b, a
                value = _valid(g["y"], a, b)
            elif i in (2, 3):
                value = _valid(g["y"], _MONTH[g["mon"].lower()], g["d"])
            elif i == 4:
                value = _valid(g["y"] or g["y2"], g["m"] or g["m2"], g["d"] or g["d2"])
            else:
                value = _valid(g["y"], g["m"], g["d"])
            if value:
                found.append((m.start(), value))
    found.sort()
    return found


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        m = pattern.search(path)
        if m:
            found = _valid(*m.groups())
            if found:
                return found
    return None


def _time_date(page: _Page) -> str | None:
    """A <time datetime> of the article: inside <article>/<main>, or the first after the h1;
    a clock in the site's header, or one labelled 'updated', is not the date."""
    seen_h1 = False
    for node in page.tree.css("h1, time[datetime]"):
        if node.tag == "h1":
            seen_h1 = True
            continue
        if _in_layout(node) or _labelled_updated(node):
            continue
        if seen_h1 or _inside(node, ("article", "main")):
            found = _parse_date(node.attributes.get("datetime") or "")
            if found:
                return found
    return None


def _inside(node, tags: tuple[str, ...]) -> bool:
    node = node.parent
    while node is not None:
        if node.tag in tags:
            return True
        node = node.parent
    return False


def _labelled_updated(node) -> bool:
    for n in (node, node.parent):
        if n is None:
            continue
        if _UPDATED.search(" ".join(v or "" for v in n.attributes.values())):
            return True
        text = _node_text(n)
        if len(text) < 80 and _UPDATED.search(text):
            return True
    return False


_PUBLISHED_META = (
    *(s.split('"')[1].lower() for s in DATE_META),
    *vocab.phrases("date_meta_more"),
)


def _structured_date(page: _Page) -> tuple[str | None, int]:
    """The published date the page's data gives, and how sure: 0 an article's (JSON-LD article
    types, article:published_time and the other meta tags, itemprop), 1 a web page's only
    (WebPage objects carry the template's dates on pages that show none)."""
    page_date = None
    for obj in page.main:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = obj.get(key)
            if isinstance(value, str):
                found = _parse_date(value)
                if found:
                    if _rank(obj) == 0:
                        return found, 0
                    page_date = page_date or found
    for name in _PUBLISHED_META:
        for value in page.meta.get(name, ()):
            found = _parse_date(value)
            if found:
                return found, 0
    for node in page.tree.css('[itemprop="datePublished"]'):
        found = _parse_date(node.attributes.get("datetime") or node.attributes.get("content") or "")
        if found:
            return found, 0
    return page_date, 1 if page_date else 2


def _shown_date(page: _Page) -> str | None:
    found = _shown_date_at(page)
    return found[0] if found else None


def _shown_date_at(page: _Page) -> tuple[str, int] | None:
    found = page.shown_at
    if found is False:
        found = page.shown_at = _find_shown_date_at(page)
    return found


def _find_shown_date_at(page: _Page) -> tuple[str, int] | None:
    """The date printed with the headline: the first one in a short line after the <h1> (or
    just before it), not labelled 'updated'; with its distance in lines from the h1."""
    lines, at = page.header_lines()
    if at is None:
        return None
    month_first = page.month_first
    order = [*range(at, min(len(lines), at + 40)), *range(at - 1, max(-1, at - 6), -1)]
    for i in order:
        line = lines[i]
        if len(line) > 160:
            continue
        above = lines[i - 1] if i > 0 and len(lines[i - 1]) < 40 else ""
        value, revised = line_date(line, text_dates(line, month_first), above)
        if value:
            return value, i - at
        if revised and page.revised is None and -SHOWN_ABOVE <= i - at <= SHOWN_BELOW:
            page.revised = revised  # "Updated March 3, 2024" by the headline: the last resort
    return None


def _shows(page: _Page, iso: str) -> bool:
    """Whether the page's visible text prints this date, in any of the usual formats."""
    year, month, day = (int(x) for x in iso.split("-"))
    text = page.visible_text
    if str(year) not in text:
        return False  # every format prints the year: a substring test spares the pattern
    return _date_pattern(year, month, day).search(text) is not None


@functools.lru_cache(maxsize=1024)
def _date_pattern(year: int, month: int, day: int) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted(_NAMES_OF[month], key=len, reverse=True))
    d, m = rf"0?{day}", rf"0?{month}"
    return re.compile(
        rf"(?<!\d)(?:{year}[-/.]{m}[-/.]{d}|{d}[./]{m}[./]{year}|{m}/{d}/{year})(?!\d)"
        rf"|(?<![^\W\d_])(?:{names})\.?\s*{d}(?:st|nd|rd|th)?,?\s+{year}(?!\d)"
        rf"|(?<![\d.]){d}(?:st|nd|rd|th|er|º|\.)?\s*(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{year}",
        re.I,
    )


SHOWN_ABOVE = 2  # lines above the h1 where the printed date may stand (a kicker's date)
SHOWN_BELOW = 6  # ...and below it: the byline block; further down dates are comments' or posts'


def _date(page: _Page) -> str | None:
    found, rank = _structured_date(page)
    shown = _time_date(page) or _shown_date(page)
    if found:
        # A page that prints another date right at its headline, and never the structured
        # one, is dated by what it prints (a republished guide keeps its first datePublished).
        at = _shown_date_at(page)
        if (
            at is not None
            and at[0] != found
            and -SHOWN_ABOVE <= at[1] <= SHOWN_BELOW
            and not _shows(page, found)
        ):
            return at[0]
    # An article's own date is taken as it is; a WebPage's datePublished only when the page
    # prints it, since templates stamp one on pages (services, shops) that show no date.
    if found and (rank == 0 or found == shown or _shows(page, found)):
        return found
    if shown is None:
        _shown_date_at(page)  # the revision date by the headline, read with the shown date
    return shown or _url_date(page.url) or _url_date(page.canonical) or page.revised


# --- the whole -----------------------------------------------------------------------------------


def read_html_metadata(tree: LexborHTMLParser, html: str, url: str | None) -> Metadata:
    """Title, byline, date (ISO 8601) and URL of the page, each None when not established."""
    page = _Page(tree, html, url)
    return Metadata(
        title=tidy(_title(page)),
        byline=tidy(_author(page)),
        date=_date(page),
        url=page.canonical or url,
    )


# --- language ----------------------------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
# Characters read: the detector walks them byte by byte in Python. On the cleaned WCXB copies
# 1,000 agree with <html lang> as often as 2,000 did (99.1% against 98.9%) at two thirds of the time.
_LANGUAGE_SAMPLE = 1000


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ('en', 'fr'), from py3langid (langid.py's
    model, maintained): on the WCXB pages it agreed with <html lang> as often as lingua did, at a
    sixth of its time (bench/metadata.py). None for a text under 20 letters, whose guess is
    noise, or for a language without a two-letter code."""
    sample = text[:_LANGUAGE_SAMPLE]
    if len(_LETTER.findall(sample, 0, 400)) < 20 and len(_LETTER.findall(sample)) < 20:
        return None
    import py3langid  # its model loads on first use (a fraction of a second)

    code, _score = py3langid.classify(sample)
    return code if isinstance(code, str) and len(code) == 2 else None
