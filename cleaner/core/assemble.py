"""The canonical output: title first, one paragraph per line, a blank line between, one final newline."""

from __future__ import annotations

from cleaner.core.document import Doc


def assemble(doc: Doc) -> str:
    paragraphs = [
        f"{u.marker} {u.text}" if u.marker else u.text for u in doc.units if u.removed is None
    ]
    title = doc.meta.title
    # A title from the page's tags or a site rule's metadata line stands first all the same.
    if title and doc.title_index is None and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    if not paragraphs:
        return ""
    return "\n\n".join(paragraphs) + "\n"
