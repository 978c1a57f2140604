"""read -> normalise -> identify site -> extract/segment -> rules -> assemble."""

from __future__ import annotations

import re

from . import html as html_path
from .article import KEEP_CREDIT, KEEP_DATE, KEEP_TAIL, count_words, find_article, words
from .assemble import assemble
from .document import Doc
from .generic import KEEP_STAMP, apply_generic, finish
from .metadata import site_of_url
from .model import Removal, Result
from .normalise import normalise_text, replace_surrogates
from .read import binary_kind, decode_info, sniff_format
from .segment import segment
from .site_rules import apply_site
from .sites import RuleSet

# A URL the copy itself names ("Original url:" and the like), looked up before the rules run so
# that the site can be identified from it.
_URL_IN_TEXT = re.compile(
    r"^\s*(?:original (?:url|link|article|source)|source url|canonical(?: url)?)\s*[:：]\s*\n?\s*<?(https?://[^\s>]+)",
    re.I | re.M,
)
# Letters that IGNORECASE matches to ASCII ones although lower() does not make them so.
_ODD_FOLDS = ("\u017f", "\u212a", "\u0130", "\u0131")


def _may_name_url(body: str) -> bool:
    """Whether _URL_IN_TEXT can match: substring tests, a third of the time of its scan."""
    low = body.lower()
    return (
        "original" in low
        or "source url" in low
        or "canonical" in low
        or (not body.isascii() and any(c in body for c in _ODD_FOLDS))
    )


KEEP_REASONS = dict([KEEP_CREDIT, KEEP_DATE, KEEP_TAIL, KEEP_STAMP])
NEARLY_EMPTY_SHARE = 0.1  # output under a tenth of the input's words is worth a human look
NEARLY_EMPTY_MIN_WORDS = 50  # ...unless the input was tiny anyway


_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f\u200b\ufeff]")


def run(
    source: str | bytes,
    rules: RuleSet,
    *,
    url: str | None = None,
    site: str | None = None,
    name: str | None = None,
    site_rules: bool = True,
) -> Result:
    """Entry: refuse binary bytes (skipped, not cleaned to nothing), decode, clean, and flag a
    result that kept nothing, or nearly nothing, of a non-blank input as suspect."""
    decoded = None
    if isinstance(source, bytes):
        kind = binary_kind(source)
        if kind is not None:
            return Result(text="", url=url, input_format="binary", skipped=f"binary file ({kind})")
        decoded = decode_info(source)
        text = decoded.text
    else:
        text = replace_surrogates(source)
    result = _clean(text, rules, url=url, site=site, name=name, site_rules=site_rules)
    blank = _VISIBLE.search(text) is None
    if decoded is not None:
        result.encoding = decoded.encoding
        if decoded.note:
            result.warnings.append(decoded.note)
    if blank:
        result.warnings.append("empty input")
    elif not result.text:
        n = count_words(text) if result.input_format != "html" else None
        if n is None:  # a page of scripts (rendered by JavaScript), or one the extractor lost
            result.suspect = "empty output: no article text found in the page"
        elif n:
            s = "s" if n > 1 else ""
            result.suspect = f"empty output: all {n} word{s} removed; check the removed lines"
        else:
            result.warnings.append("no words in the input")
    else:
        result.suspect = next((w for w in result.warnings if w.startswith("nearly empty")), None)
    return result


def _clean(
    text: str,
    rules: RuleSet,
    *,
    url: str | None,
    site: str | None,
    name: str | None,
    site_rules: bool,
) -> Result:
    fmt = sniff_format(text, name)
    site_spec = None
    if site_rules:
        site_spec = rules.for_domain(site) if site else None
    html_meta = None
    pruned: list[Removal] = []
    notes: list[str] = []
    if fmt == "html":

        def choose_site(page_url: str | None):
            if site_rules and site_spec is None and not site:
                return rules.identify("", page_url)
            return site_spec

        extracted = html_path.extract(text, url=url, choose_site=choose_site)
        site_spec = extracted.site
        html_meta = extracted.meta
        body = extracted.text
        notes = extracted.warnings
        if site_spec is not None and site_spec.html_code:
            pruned = [
                Removal(site_spec.html_code, site_spec.html_reason or "", 0, t)
                for t in extracted.pruned
            ]
    else:
        body = text
    body = normalise_text(body)

    found_url = url or (html_meta.url if html_meta else None)
    if found_url is None and _may_name_url(body):
        m = _URL_IN_TEXT.search(body)
        found_url = m.group(1) if m else None
    if site_rules and site_spec is None and not site:
        site_spec = rules.identify(body, found_url)

    markdown = fmt == "markdown"
    doc = Doc(segment(body, markdown), markdown=markdown, site=site_spec, warnings=notes)
    if html_meta is not None:
        doc.meta.title = html_meta.title
        doc.meta.byline = html_meta.byline
        doc.meta.date = html_meta.date
    if url:
        doc.meta.url = url
    if site_spec is not None:
        apply_site(doc, site_spec)
    apply_generic(doc)
    if fmt != "html":
        find_article(doc)
        finish(doc)
    elif doc.dates:
        doc.set_meta("date", doc.dates[0][1])
    elif doc.meta.title:
        # The extractor gives the title apart; drop it where the body repeats it.
        key = doc.meta.title.casefold()
        for i, u in enumerate(doc.units):
            if u.removed is None and u.text.casefold() == key:
                doc.remove(i, "G201", "the title printed again")

    doc.set_meta("url", found_url)
    meta = doc.meta
    if site_spec is not None:
        meta.site = site_spec.domain
    else:
        meta.site = site_of_url(site) if site else site_of_url(meta.url)
    out = assemble(doc)
    removed = pruned + [u.removed for u in doc.units if u.removed is not None]
    removed += [Removal(code, reason, line, t) for code, reason, line, t in doc.spans]
    removed.sort(key=lambda r: r.line)
    result = Result(
        text=out,
        title=meta.title,
        byline=meta.byline,
        date=meta.date,
        url=meta.url,
        site=meta.site,
        input_format=fmt,
        removed=removed,
        kept=[
            Removal(code, KEEP_REASONS.get(code, ""), doc.units[i].line, doc.units[i].text)
            for i, code in sorted(doc.kept_by.items())
            if doc.units[i].removed is None
        ],
        warnings=list(doc.warnings),
        chars_in=len(text),
    )
    # Counted per unit: the article finder has counted most of them already (cached by text).
    n_in = sum(words(u.text) for u in doc.units)
    n_out = sum(words(u.text) for u in doc.units if u.removed is None)
    if n_in >= NEARLY_EMPTY_MIN_WORDS and n_out < NEARLY_EMPTY_SHARE * n_in:
        result.warnings.append(
            f"nearly empty: kept {n_out} of {n_in} words; check the removed lines"
        )
    return result
