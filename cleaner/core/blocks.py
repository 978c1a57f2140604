"""An HTML page as its text blocks, in reading order, each with the DOM features of its element.

The blocks are the units of the learned article/boilerplate decision, as the lines of a text copy
are: they follow the renderings of inscriptis and html_text (a line per paragraph, heading, list
item, table row, ``<br>``; inline elements run on; script, style and hidden elements drop out),
and carry what a classifier looks at: the element, its path, class/id tokens, semantic ancestors
and link density.

One walk over the Lexbor tree with an explicit stack (``first_child``/``next``), so that a page
of 100,000 nested divs cannot exhaust the recursion limit, and skipped subtrees are never entered.
Features that need the ancestors are carried down the stack (semantic tags, inside a link, kind)
or computed for a block's element only and memoised (tokens), never rescanned per text node.

Choices:

- ``<br>`` ends a block: the lines it separates become blocks, as a text copy has them as lines.
- A table row is one block (tag ``tr``, kind ``row``), its non-empty cells joined by " | ", when
  it has two or more non-empty cells, each of them one line (``<br>`` lines are joined by a
  space) of at most ``ROW_CELL_MAX`` characters, with no code and no nested row. Any other row
  (a layout table holding paragraphs, a forum post beside its author) gives its cells' blocks as
  they are, the text directly in a cell as a block of kind ``cell``.
- ``<pre>`` (and ``listing``, ``xmp``, ``plaintext``) is one block of kind ``code``: ``text`` is
  collapsed like any other, ``lines`` keeps the lines as written (right-stripped, blank lines at
  either end dropped); ``<br>`` and block elements inside it are line ends.
- kind comes from the element or its nearest ancestor among h1-h6, li/dt/dd and blockquote (a
  ``<p>`` in a ``<blockquote>`` is a quote); ``cell`` and ``code`` only from the element itself.
- ``ancestors`` counts the element itself (a ``<nav>`` holding links directly is in ``nav``) and
  inline ones around any of its text (``button``, ``label``).
- ``a``, ``span``, ``label`` and ``button`` are apart from an adjacent word by a space
  (``<span>2026</span><span>1h 54m</span>``, menus of bare links), as inscriptis does for span.
- Also skipped beyond the brief: ``title``, ``video``/``audio`` (fallback text browsers do not
  show), ``noembed``, ``noframes``, ``datalist``. ``hidden="until-found"`` is shown, so kept.
- React's streamed HTML (Next.js): ``<div hidden id="S:n">`` is content that the page's script
  moves into ``<template id="B:n">`` (or ``P:n``); it is read there, not skipped as hidden.
- ``keep_hidden=True`` reads hidden elements and ``<noscript>`` too, each as blocks of their own
  marked ``hidden``: on WCXB, tab panels, accordions, carousels and Discourse's noscript copy of
  a thread hide main content often enough that a classifier should see them and decide.
- Pages are parsed with scripting on, as browsers do: ``<noscript>`` is then one text node (parsed
  on its own with ``keep_hidden``), so a stray ``<iframe/>`` in it cannot swallow the page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from cleaner.core.html import close_title

__all__ = ["ROW_CELL_MAX", "Block", "html_blocks", "mark_extracted"]

ROW_CELL_MAX = 200  # a longer cell is content of its own, not a cell of a table line
PATH_MAX = 12
TOKENS_MAX = 40


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


@dataclass(slots=True)
class Block:
    text: str  # visible text, whitespace collapsed to single spaces, stripped
    tag: str  # the block-level element that holds it ("tr" for a joined row)
    kind: str  # heading, item, quote, code, cell, row or text
    depth: int  # DOM depth of that element (html is 0, body 1)
    path: tuple[str, ...]  # tags of its ancestors, outermost first, at most the last PATH_MAX
    tokens: frozenset[str]  # class/id tokens of it and its ancestors (the nearest TOKENS_MAX)
    link_chars: int  # characters of its text inside <a>
    in_link: bool  # all of its text is inside <a>
    ancestors: frozenset[str]  # SEMANTIC tags of the element, its ancestors, its text's
    index: int  # position in the page's block sequence
    lines: list[str] | None = None  # code blocks: the lines as written
    hidden: bool = False  # inside a hidden element or <noscript> (only with keep_hidden)
    extracted: float = 0.0  # share of its words in trafilatura's extraction (mark_extracted)


SKIP = _tags(
    "script style noscript template svg math head title iframe object canvas select option "
    "optgroup datalist video audio noembed noframes"
)
BLOCK = _tags(
    "html body address article aside blockquote center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li main "
    "menu nav ol p pre listing xmp plaintext search section summary table caption thead tbody "
    "tfoot tr td th ul br frameset frame"
)
PRE = frozenset(("pre", "listing", "xmp", "plaintext"))
SEMANTIC = _tags(
    "article main nav header footer aside form section table ul ol figure menu dialog button "
    "label select"
)
# Inline elements that CSS mostly displays apart (menus of links, spans of metadata): a space
# separates their text from the word next to it, as inscriptis does for span, html_text for all.
PAD = frozenset(("a", "span", "label", "button"))
_PAD_AFTER = frozenset(".,;:!?)]}")
# The kind a block takes from its element or the nearest ancestor (a <p> in a <blockquote> is a
# quote, a <div> in an <li> an item); "cell" and "code" come from the element itself.
INHERITED = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
    **dict.fromkeys(("li", "dt", "dd"), "item"),
    "blockquote": "quote",
}
KIND = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
    **dict.fromkeys(("li", "dt", "dd"), "item"),
    **dict.fromkeys(PRE, "code"),
    "blockquote": "quote",
    "td": "cell",
    "th": "cell",
}

_SPLIT = re.compile(r"[\W_]+")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_EMPTY: frozenset[str] = frozenset()


class _Frame:
    """An open element on the walk's stack."""

    __slots__ = (
        "attrs",
        "block",
        "depth",
        "hid",
        "in_a",
        "kind",
        "node",
        "sem",
        "tag",
        "tok",
        "tokset",
    )

    def __init__(self, node, tag, attrs, depth, sem, in_a, hid, block, kind):
        self.node = node  # the walk goes on at node.next when this frame ends
        self.tag = tag
        self.attrs = attrs
        self.depth = depth
        self.sem = sem  # SEMANTIC tags of this element and its ancestors
        self.in_a = in_a
        self.hid = hid  # inside a hidden element (keep_hidden)
        self.block = block  # ends the block before and after it
        self.kind = kind  # heading, item or quote from it or an ancestor, else text
        self.tok = None  # class/id tokens of it and its ancestors, nearest first (memo)
        self.tokset = None


class _Row:
    """A table row being read: its cells' blocks wait here until the row ends."""

    __slots__ = ("buf", "cell")

    def __init__(self) -> None:
        self.buf: list[tuple[int, Block, bool]] = []  # (cell number, block, after a <br>)
        self.cell = 0


@lru_cache(maxsize=8192)
def _own_tokens(cls: str, ident: str) -> tuple[str, ...]:
    """An element's class and id tokens, lower-cased; numbers (post ids, hashes) left out."""
    return tuple([w for w in _SPLIT.split(f"{cls} {ident}".lower()) if w and not w.isdigit()])


def _hidden(attrs: dict) -> bool:
    if "hidden" in attrs and (attrs["hidden"] or "").lower() != "until-found":
        return True
    if (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = attrs.get("style")
    return bool(style and _DISPLAY_NONE.search(style))


def _noscript(node):
    """The first node of a <noscript>'s content parsed, when a parser with scripting on (as
    browsers have, and as html_blocks parses) left that content as one text node."""
    child = node.first_child
    if child is None or not child.is_text_node or child.next is not None:
        return None
    text = child.text_content or ""
    if "<" not in text:
        return None
    return LexborHTMLParser(text, is_fragment=True).root


def _parse(html) -> LexborHTMLParser | None:
    if isinstance(html, LexborHTMLParser):
        return html
    if isinstance(html, bytes | bytearray):
        html = bytes(html).decode("utf-8", "replace")
    if not isinstance(html, str):
        raise TypeError(f"html_blocks() takes str, bytes or LexborHTMLParser, not {type(html)}")
    if not html.strip():
        return None
    html = close_title(html)[0]  # an unclosed <title> would make the page its (skipped) text
    try:
        return LexborHTMLParser(html, scripting=True)
    except UnicodeError:  # lone surrogates from a lossy decode
        return LexborHTMLParser(html.encode("utf-8", "replace").decode("utf-8"), scripting=True)


def html_blocks(html: str | LexborHTMLParser, *, keep_hidden: bool = False) -> list[Block]:
    """The page's text blocks in reading order (an empty or text-less page gives []).

    keep_hidden: also read hidden elements and <noscript>, each as blocks of its own marked
    ``hidden`` (tab panels, accordions and carousels hide main content as often as menus).
    """
    tree = _parse(html)
    if tree is None:
        return []
    root = tree.root
    if root is None:
        return []
    out: list[Block] = []
    merged: dict = {}
    sets: dict = {}

    stack: list[_Frame] = []
    owners: list[_Frame] = []  # open block-level elements; the last one holds the text
    rows: list[_Row] = []  # open table rows
    pieces: list[str] = []  # the open block's raw text
    links: list[str] = []  # the part of it inside <a>
    cur: _Frame | None = None  # the open block's element (None: no block open)
    cur_sem = _EMPTY
    nonlink = False  # the open block has text outside <a>
    cur_soft = soft_next = False  # the open/next block follows a <br>, not a block boundary
    pre = 0  # depth of <pre> elements open
    edge = False  # a PAD element began or ended since the last text
    segments: dict | None = None  # React's streamed segments not yet read, by number

    def segment(ident: str | None, in_place: bool):
        """The streamed segment (``<div hidden id="S:n">``) a placeholder (``<template
        id="B:n">`` or ``"P:n"``) stands for, or the segment met in place; each is read once."""
        nonlocal segments
        if not ident or len(ident) < 3 or ident[1] != ":" or (ident[0] == "S") != in_place:
            return None
        if ident[0] not in "BPS":
            return None
        if segments is None:
            segments = {}
            for n in tree.css('div[hidden][id^="S:"]'):
                segments.setdefault((n.attributes.get("id") or "")[2:], n)
        return segments.pop(ident[2:], None)

    def tokens(f: _Frame) -> frozenset[str]:
        if f.tokset is None:
            i = f.depth
            while i > 0 and stack[i - 1].tok is None:
                i -= 1
            prev = stack[i - 1].tok if i > 0 else ()
            for g in stack[i : f.depth + 1]:
                attrs = g.attrs
                if attrs and ("class" in attrs or "id" in attrs):
                    own = _own_tokens(attrs.get("class") or "", attrs.get("id") or "")
                    if own:  # siblings share their merge: (own, parent's) -> (parent's, merged)
                        hit = merged.get((own, id(prev)))
                        if hit is None or hit[0] is not prev:
                            hit = merged[own, id(prev)] = (
                                prev,
                                tuple(dict.fromkeys(own + prev))[:TOKENS_MAX],
                            )
                        prev = hit[1]
                g.tok = prev
            hit = sets.get(id(prev))
            if hit is None or hit[0] is not prev:
                hit = sets[id(prev)] = (prev, frozenset(prev))
            f.tokset = hit[1]
        return f.tokset

    def emit(block: Block, soft: bool) -> None:
        if rows:
            row = rows[-1]
            row.buf.append((row.cell, block, soft))
        else:
            out.append(block)

    def flush() -> None:
        """Emit the open block; the caller sets soft_next."""
        nonlocal cur, cur_sem, nonlink
        if cur is not None:
            raw = "".join(pieces)
            text = " ".join(raw.split())
            if text:
                lines = None
                if cur.tag in PRE:
                    lines = [line.rstrip() for line in raw.split("\n")]
                    while lines and not lines[-1]:
                        lines.pop()
                    start = 0
                    while not lines[start]:
                        start += 1
                    lines = lines[start:]
                link_chars = min(len(" ".join("".join(links).split())), len(text)) if links else 0
                d = cur.depth
                block = Block(
                    text,
                    cur.tag,
                    KIND.get(cur.tag, cur.kind),
                    d,
                    tuple(g.tag for g in stack[max(0, d - PATH_MAX) : d]),
                    tokens(cur),
                    link_chars,
                    not nonlink,
                    cur_sem,
                    0,
                    lines,
                    cur.hid,
                )
                emit(block, cur_soft)
            pieces.clear()
            links.clear()
            cur = None
            cur_sem = _EMPTY
            nonlink = False

    def end_row(f: _Frame) -> None:
        row = rows.pop()
        cells: dict[int, list[tuple[Block, bool]]] = {}
        for cell, block, soft in row.buf:
            cells.setdefault(cell, []).append((block, soft))
        joinable = len(cells) > 1 and len({b.hidden for _, b, _ in row.buf}) == 1
        if joinable:
            for parts in cells.values():
                if any(not soft for _, soft in parts[1:]) or any(
                    b.kind in ("code", "row") for b, _ in parts
                ):
                    joinable = False
                    break
                if sum(len(b.text) + 1 for b, _ in parts) > ROW_CELL_MAX + 1:
                    joinable = False
                    break
        if not joinable:
            for _, block, soft in row.buf:
                emit(block, soft)
            return
        texts, link_chars, in_link, sem = [], 0, True, f.sem
        for parts in cells.values():
            texts.append(" ".join(b.text for b, _ in parts))
            for b, _ in parts:
                link_chars += b.link_chars
                in_link = in_link and b.in_link
                sem = sem | b.ancestors
        d = f.depth
        path = tuple(g.tag for g in stack[max(0, d - PATH_MAX) : d])
        block = Block(
            " | ".join(texts),
            "tr",
            "row",
            d,
            path,
            tokens(f),
            link_chars,
            in_link,
            sem,
            0,
            hidden=row.buf[0][1].hidden,
        )
        emit(block, False)

    top_frame = _Frame(root, "html", root.attributes, 0, _EMPTY, False, False, True, "text")
    stack.append(top_frame)
    owners.append(top_frame)
    # a document's root is <html>; a fragment's is its first node, the others its siblings
    node = root.first_child if root.tag == "html" else root
    while True:
        if node is None:  # the end of the element on top of the stack
            if len(stack) == 1:
                break
            f = stack[-1]
            if f.block:
                if pre:
                    if f.tag in PRE:
                        pre -= 1
                    if pre:
                        if pieces and not pieces[-1].endswith("\n"):
                            pieces.append("\n")
                    else:
                        if cur is not None:
                            flush()
                        soft_next = False
                        owners.pop()
                else:
                    if cur is not None:
                        flush()
                    soft_next = False
                    owners.pop()
                    if f.tag == "tr" and rows:
                        end_row(f)
            elif f.tag in PAD:
                edge = True
            stack.pop()
            node = f.node.next
            continue

        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if text:
                top = stack[-1]
                if cur is None:
                    if not pre and text.isspace():
                        node = node.next
                        continue
                    cur = owners[-1]
                    cur_sem = top.sem
                    cur_soft = soft_next
                else:
                    if top.sem is not cur_sem:
                        cur_sem = cur_sem | top.sem
                    if edge and not pre and text[:1].isalnum():
                        prev = pieces[-1][-1:]
                        if prev.isalnum() or prev in _PAD_AFTER:
                            pieces.append(" ")
                            if top.in_a and links:
                                links.append(" ")
                edge = False
                pieces.append(text)
                if top.in_a:
                    links.append(text)
                elif not nonlink and not text.isspace():
                    nonlink = True
            node = node.next
            continue
        if tag is None or tag[0] == "-":  # comments, doctype
            node = node.next
            continue
        hide = False  # this element starts a hidden subtree (read only with keep_hidden)
        attrs = node.attributes
        if tag in SKIP:
            if tag == "template":
                seg = segment(attrs.get("id") if attrs else None, False)
                if seg is not None:  # React's streamed content, read where its placeholder is
                    parent = stack[-1]
                    f = _Frame(
                        node,
                        "div",
                        None,
                        len(stack),
                        parent.sem,
                        parent.in_a,
                        parent.hid,
                        False,
                        parent.kind,
                    )
                    stack.append(f)
                    node = seg.first_child
                    continue
                node = node.next
                continue
            if not keep_hidden or tag != "noscript":
                node = node.next
                continue
            hide = True
            inner = _noscript(node)
            if inner is not None:  # parsed with scripting on: its markup is one text node
                parent = stack[-1]
                block = not parent.hid and not pre
                if block and cur is not None:
                    flush()
                soft_next = soft_next and not block
                f = _Frame(
                    node, tag, attrs, len(stack), parent.sem, parent.in_a, True, block, parent.kind
                )
                stack.append(f)
                if block:
                    owners.append(f)
                node = inner
                continue
        elif (
            attrs
            and ("hidden" in attrs or "aria-hidden" in attrs or "style" in attrs)
            and _hidden(attrs)
        ):
            ident = attrs.get("id")
            if tag == "div" and ident and ident[:2] == "S:":
                if segment(ident, True) is None:  # already read at its placeholder
                    node = node.next
                    continue
            elif keep_hidden:
                hide = True
            else:
                node = node.next
                continue

        child = node.first_child
        parent = stack[-1]
        hide = hide and not parent.hid
        block = hide or tag in BLOCK
        if block:
            if pre:  # inside <pre> a block element or <br> only ends a line
                if tag == "br":
                    pieces.append("\n")
                elif tag in PRE:
                    pre += child is not None
                elif pieces and not pieces[-1].endswith("\n"):
                    pieces.append("\n")
            else:
                if cur is not None:
                    flush()
                soft_next = tag == "br"
                if tag == "td" or tag == "th":
                    if rows:
                        rows[-1].cell += 1
                elif tag == "tr" and child is not None:
                    rows.append(_Row())
                elif tag in PRE and child is not None:
                    pre = 1
        elif tag in PAD:
            edge = True
        if child is None:
            node = node.next
            continue

        sem = parent.sem
        if tag in SEMANTIC and tag not in sem:
            sem = sem | {tag}
        f = _Frame(
            node,
            tag,
            attrs,
            len(stack),
            sem,
            parent.in_a or tag == "a",
            parent.hid or hide,
            block,
            INHERITED.get(tag, parent.kind),
        )
        stack.append(f)
        if block and (not pre or (tag in PRE and pre == 1)):
            owners.append(f)
        node = child

    flush()
    for i, b in enumerate(out):
        b.index = i
    return out


# --- the extractor's vote -------------------------------------------------------------------

_WORD = re.compile(r"\w+")
SHINGLE = 3  # words: a run this long found in the extraction is the extraction's, not chance


def mark_extracted(blocks: list[Block], extraction: str) -> float:
    """Set each block's ``extracted``: the share of its word 3-grams that trafilatura's
    extraction of the page contains (a block of one or two words: whether it is a line of the
    extraction), so that the model hears one more judge (Barbaresi, Trafilatura, ACL 2021 demo,
    combines extractors the same way) without taking its choice on trust. Each 3-gram and line of
    the extraction counts once, for the first block in reading order that has it: a headline
    repeated in a list of related posts, or a second copy of the article, gets no vote of its
    own. Returns the share of the page's words the extraction holds."""
    grams: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for line in extraction.lower().splitlines():
        words = _WORD.findall(line)
        lines[" ".join(words)] += 1
        grams.update(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    total = 0
    hit: float = 0
    for b in blocks:
        w = _WORD.findall(b.text.lower())
        if not w:
            b.extracted = 0.0
            continue
        if len(w) < SHINGLE:
            key = " ".join(w)
            share = 1.0 if lines[key] > 0 else 0.0
            lines[key] -= int(share)
        else:
            n = len(w) - SHINGLE + 1
            found = 0
            for i in range(n):
                g = " ".join(w[i : i + SHINGLE])
                if grams[g] > 0:
                    grams[g] -= 1
                    found += 1
            share = found / n
        b.extracted = share
        total += len(w)
        hit += share * len(w)
    return hit / total if total else 0.0
