"""The canonical output: title first, one paragraph per line, a blank line between, one final newline."""

from __future__ import annotations

from .document import Doc


def assemble(doc: Doc, prepend_title: bool = False) -> str:
    paragraphs = [u.text for u in doc.units if u.alive]
    title = doc.meta.title
    if prepend_title and title and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    if not paragraphs:
        return ""
    return "\n\n".join(paragraphs) + "\n"
