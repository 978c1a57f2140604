"""The canonical output: title first, one paragraph per line, a blank line between, one final newline.

A table's rows are one line each with no blank line between (cells separated by " | ", no rule
line). `assemble(doc, markdown=True)` writes markdown instead (--format md): headings, list
items, quotes, tables (a header row, its rule line, the rows) and code blocks (fenced, lines as
they were) kept as such, other text as paragraphs with no inline markup.
"""

from __future__ import annotations

from cleaner.core.data import Unit
from cleaner.core.document import Doc

TITLE = -1  # the index of a title put first from the page's tags (no unit of the text)


def _kept(doc: Doc) -> list[tuple[int, Unit | None]]:
    """(unit index, unit) of every kept unit in order, the title first when it is no unit."""
    kept: list[tuple[int, Unit | None]] = [
        (i, u) for i, u in enumerate(doc.units) if u.removed is None
    ]
    title = doc.meta.title
    # A title from the page's tags or a site rule's metadata line stands first all the same.
    if title and doc.title_index is None and (not kept or _plain(kept[0][1]) != title):
        kept.insert(0, (TITLE, None))
    return kept


def _plain(u: Unit | None) -> str:
    return "" if u is None else f"{u.marker} {u.text}" if u.marker else u.text


def _together(a: Unit | None, b: Unit | None, code: bool = False) -> bool:
    """Whether b goes on the line right under a: rows of one table, and (`code`, in markdown,
    where a fence holds them together) lines of one code block. In the text a code block's
    lines stay paragraphs: with no fence, nothing would tell them from broken lines when the
    text is cleaned again."""
    if a is None or b is None:
        return False
    return bool((a.table and a.table == b.table) or (code and a.code and a.code == b.code))


def line_map(doc: Doc) -> dict[int, int]:
    """Output line (from 1) -> the index of the unit written there (TITLE for a title from the
    tags), for the text `assemble(doc)` writes."""
    out: dict[int, int] = {}
    line = 1
    prev: Unit | None = None
    for k, (i, u) in enumerate(_kept(doc)):
        if k:
            line += 1 if _together(prev, u) else 2
        out[line] = i
        prev = u
    return out


def assemble(doc: Doc, markdown: bool = False) -> str:
    kept = _kept(doc)
    if not kept:
        return ""
    if markdown:
        return _markdown(doc, kept)
    parts: list[str] = []
    prev: Unit | None = None
    for i, u in kept:
        if parts:
            parts.append("\n" if _together(prev, u) else "\n\n")
        parts.append((doc.meta.title or "") if i == TITLE else _plain(u))
        prev = u
    return "".join(parts) + "\n"


def _markdown(doc: Doc, kept: list[tuple[int, Unit | None]]) -> str:
    blocks: list[str] = []
    k = 0
    while k < len(kept):
        i, u = kept[k]
        before = kept[k - 1][1] if blocks else None
        if (
            u is not None
            and u.kind == "item"
            and before is not None
            and before.kind == "item"
            and not (before.table or before.code)
        ):
            blocks[-1] += "\n" + _plain(u)  # a list's items on lines of their own
            k += 1
            continue
        if u is None:
            blocks.append(f"# {doc.meta.title}")
            k += 1
            continue
        if u.table or u.code:
            group = [u]
            while k + 1 < len(kept) and _together(group[-1], kept[k + 1][1], code=True):
                k += 1
                group.append(kept[k][1])  # type: ignore[arg-type]
            blocks.append(_table(group) if u.table else _code(group))
            k += 1
            continue
        if i == doc.title_index or (k == 0 and u.text == doc.meta.title):
            blocks.append(f"# {u.text}")
        elif u.kind == "heading":
            blocks.append(f"{'#' * _level(u)} {u.text}")
        elif u.kind == "quote":
            blocks.append(f"> {u.text}")
        else:
            blocks.append(_plain(u))
        k += 1
    return "\n\n".join(blocks) + "\n"


def _level(u: Unit) -> int:
    """A heading's level: its `#`s in a markdown copy, its tag on an HTML page, else 2."""
    tag = getattr(u.dom, "tag", "") or ""
    if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
        return int(tag[1])
    hashes = len(u.raw) - len(u.raw.lstrip("#"))
    return hashes if 1 <= hashes <= 6 else 2


def _table(rows: list[Unit]) -> str:
    """A valid markdown table: the first row kept is the header, every row as wide as the
    widest."""
    cells = [[c.strip() for c in _cells(u.text)] for u in rows]
    width = max(len(r) for r in cells)
    lines = []
    for n, row in enumerate(cells):
        row = row + [""] * (width - len(row))
        lines.append("| " + " | ".join(row) + " |")
        if n == 0:
            lines.append("|" + "|".join(["---"] * width) + "|")
    return "\n".join(lines)


def _cells(text: str) -> list[str]:
    return text.split("|")


def _code(lines: list[Unit]) -> str:
    body = "\n".join(u.raw or u.text for u in lines)
    fence = "````" if "```" in body else "```"
    return f"{fence}\n{body}\n{fence}"
