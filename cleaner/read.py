"""Decode input bytes and tell which kind of copy it is (text, markdown or HTML)."""

from __future__ import annotations

import codecs

import regex

# HTML meta charset wins over guessing: the page said what it is.
_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)
_HTML_SNIFF = regex.compile(
    r"\A\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<meta\b|<title\b)",
    regex.I | regex.S,
)
# A text copy that is really HTML without a doctype: many block tags early on.
_HTML_TAGS = regex.compile(
    r"</?(?:div|p|span|a|script|style|article|section|table|li|ul|br)\b", regex.I
)

# Unambiguous markdown constructs (a scraper's markdown copy, even when saved as .txt).
_MD_SIGNALS = regex.compile(
    r"\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]+>|\*\*[^*\n]+\*\*|^#{1,6} \S|^!\[",
    regex.M,
)
MD_SIGNALS_NEEDED = 2  # one stray "**" or "[x](y)" in plain text is not enough to call it markdown


def decode(data: bytes) -> str:
    """Bytes to str: BOMs first, then <meta charset>, then UTF-8, then charset-normalizer's guess."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(codecs.lookup(m.group(1).decode("ascii")).name, errors="replace")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")


def sniff_format(text: str, name: str | None = None) -> str:
    """'html', 'markdown' or 'text', from the file name when it says, else from the content."""
    suffix = (name or "").lower().rsplit(".", 1)[-1] if name and "." in name else ""
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    head = text[:4096]
    if _HTML_SNIFF.match(head) or len(_HTML_TAGS.findall(head)) >= 8:
        return "html"
    if suffix in ("md", "markdown"):
        return "markdown"
    for seen, _ in enumerate(_MD_SIGNALS.finditer(text), start=1):
        if seen >= MD_SIGNALS_NEEDED:
            return "markdown"
    return "text"
