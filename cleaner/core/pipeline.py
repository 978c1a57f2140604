"""read -> normalise -> identify site -> extract/segment -> rules -> assemble."""

from __future__ import annotations

import re

from cleaner.core import html as html_path
from cleaner.core import route
from cleaner.core.article import (
    KEEP_CREDIT,
    KEEP_DATE,
    KEEP_TAIL,
    KEEP_UNCUT,
    UNCUT_MAX_WORDS,
    count_words,
    find_article,
    name_uncut,
    undo_cut,
    words,
)
from cleaner.core.assemble import TITLE, assemble, line_map
from cleaner.core.classify import decide
from cleaner.core.data import Removal, Result
from cleaner.core.document import Doc
from cleaner.core.metadata import site_of_url
from cleaner.core.normalise import normalise_text, replace_surrogates
from cleaner.core.pagemeta import detect_language
from cleaner.core.read import binary_kind, decode_info, sniff_format
from cleaner.core.segment import segment, units_from_blocks
from cleaner.rules.generic import KEEP_STAMP, apply_generic, finish
from cleaner.rules.registry import RULES
from cleaner.sites.apply import apply_site
from cleaner.sites.identify import RuleSet

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


KEEP_REASONS = dict([KEEP_CREDIT, KEEP_DATE, KEEP_TAIL, KEEP_STAMP, KEEP_UNCUT])
NEARLY_EMPTY_SHARE = 0.1  # output under a tenth of the input's words is worth a human look
NEARLY_EMPTY_MIN_WORDS = 50  # ...unless the input was tiny anyway
# Warnings that make a result suspect: it kept nearly nothing, or the page was not read whole.
SUSPECT_WARNINGS = ("nearly empty", html_path.CUT_SHORT)


_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f\u200b\ufeff]")


# How an HTML page is read by default: both ways, the learned router keeping one (core/route.py);
# cross-validated by domain it beats the extractor's reading on WCXB (0.844 against 0.823) and
# keeps AEB level (0.967 against 0.966). "extractor" is the faster reading.
DEFAULT_HTML = "routed"


def run(
    source: str | bytes,
    rules: RuleSet,
    *,
    url: str | None = None,
    site: str | None = None,
    name: str | None = None,
    site_rules: bool = True,
    model: bool = True,
    html: str = DEFAULT_HTML,
    markdown: bool = False,
    learned=None,
) -> Result:
    """Entry: refuse binary bytes (skipped, not cleaned to nothing), decode, clean, and flag a
    result that kept nothing, or nearly nothing, of a non-blank input as suspect. `markdown`:
    the text is markdown (see assemble)."""
    decoded = None
    if isinstance(source, bytes):
        kind = binary_kind(source)
        if kind is not None:
            return Result(text="", url=url, input_format="binary", skipped=f"binary file ({kind})")
        decoded = decode_info(source)
        text = decoded.text
    else:
        text = replace_surrogates(source)
    page = None
    if learned is not None:  # G601: the page as the counting pass saw it (its site, its keys)
        from cleaner.rules.repetition import article_keys

        where, texts = learning_view(
            text, rules, url=url, site=site, name=name, site_rules=site_rules
        )
        page = (learned, where, article_keys(texts))
    result = _clean(
        text,
        rules,
        url=url,
        site=site,
        name=name,
        site_rules=site_rules,
        model=model,
        html=html,
        markdown=markdown,
        learned=page,
    )
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
        result.suspect = next((w for w in result.warnings if w.startswith(SUSPECT_WARNINGS)), None)
    return result


MAX_SETTLE = 3  # passes over the output: the model's verdicts depend on their neighbours


def _settle(
    doc: Doc, rules: RuleSet, *, url, site, site_rules: bool, model: bool, cut: bool = True
) -> None:
    """Clean the output again, as a user who cleans it twice would, and take what that pass
    removes as removed now, until a pass removes nothing: cleaning is idempotent although the
    model judges a line by its neighbours, which the first pass changed (a paragraph that read
    as article beside a menu may not beside the article). Each pass's removal keeps its code."""
    for _ in range(MAX_SETTLE):
        owners = line_map(doc)  # output line -> unit (TITLE: the title from the tags)
        out = assemble(doc)
        again = _clean(
            out,
            rules,
            url=url,
            site=site,
            name=None,
            site_rules=site_rules,
            model=model,
            settle=False,
            cut=cut,
        )
        if again.text == out:
            return
        changed = False
        for removal in again.removed:
            i = owners.get(removal.line, TITLE)
            if i != TITLE:
                before = doc.units[i].removed
                doc.remove(i, removal.rule, removal.reason)
                changed = changed or (before is None and doc.units[i].removed is not None)
        if not changed:
            return
        finish(doc)


def page_site(site_spec, site: str | None, url: str | None) -> str | None:
    """The site a page is counted under for --learn: its rule file's domain, else the forced
    site's or the URL's domain (the same in the counting pass and the cleaning pass)."""
    if site_spec is not None:
        return site_spec.domain
    return site_of_url(site) if site else site_of_url(url)


def learning_view(
    source: str | bytes,
    rules: RuleSet,
    *,
    url: str | None = None,
    site: str | None = None,
    name: str | None = None,
    site_rules: bool = True,
) -> tuple[str | None, list[str]]:
    """(site, line texts) of a page, cheaply, for the counting pass of --learn: decoded,
    normalised and segmented as for cleaning; an HTML page's text blocks (no extractor run).
    A binary file gives (None, [])."""
    if isinstance(source, bytes):
        if binary_kind(source) is not None:
            return None, []
        text = decode_info(source).text
    else:
        text = replace_surrogates(source)
    fmt = sniff_format(text, name)
    site_spec = rules.for_domain(site) if site_rules and site else None
    if fmt == "html":
        from selectolax.lexbor import LexborHTMLParser

        from cleaner.core.blocks import html_blocks
        from cleaner.core.html import close_title
        from cleaner.core.pagemeta import read_html_metadata

        page, _ = close_title(text)
        tree = LexborHTMLParser(page, scripting=True)
        found_url = url or read_html_metadata(tree, page, url).url
        if site_rules and site_spec is None and not site:
            site_spec = rules.identify("", found_url)
        body = normalise_text("\n".join(b.text for b in html_blocks(tree)))
        units = [t for t in (" ".join(line.split()) for line in body.split("\n")) if t]
    else:
        body = normalise_text(text)
        found_url = url
        if found_url is None and _may_name_url(body):
            m = _URL_IN_TEXT.search(body)
            found_url = m.group(1) if m else None
        units = [u.text for u in segment(body, fmt == "markdown") if u.removed is None]
    if site_rules and site_spec is None and not site:
        site_spec = rules.identify(body, found_url)
    return page_site(site_spec, site, found_url), units


def rule_stage(
    body: str,
    fmt: str,
    site_spec,
    notes: list[str] | None = None,
    html_meta=None,
    url: str | None = None,
    blocks: list | None = None,
    find: bool = True,
    cut: bool = True,
    model: bool = True,
) -> Doc:
    """The units (the lines of a text copy, or the blocks of an HTML page), the site rules and
    the generic rules applied, and the article finder's boundaries drawn: what the model then
    decides."""
    markdown = fmt == "markdown"
    units = units_from_blocks(blocks) if blocks is not None else segment(body, markdown)
    doc = Doc(units, markdown=markdown, site=site_spec, warnings=notes or [], title_model=model)
    if html_meta is not None:
        doc.meta.title = html_meta.title
        doc.meta.byline = html_meta.byline
        doc.meta.date = html_meta.date
        doc.from_markup = frozenset(
            f for f in ("byline", "date") if getattr(html_meta, f) is not None
        )
        doc.html = True
    if url:
        doc.meta.url = url
    if site_spec is not None:
        apply_site(doc, site_spec)
    apply_generic(doc)
    if find:
        find_article(doc)
        if not cut:
            undo_cut(doc)
    return doc


def _extracted_title(doc: Doc) -> None:
    if doc.dates or doc.revised:
        doc.set_meta("date", (doc.dates or doc.revised)[0][1])
    elif doc.meta.title:
        # The extractor gives the title apart; drop it where the body repeats it.
        key = doc.meta.title.casefold()
        for i, u in enumerate(doc.units):
            if u.removed is None and u.text.casefold() == key:
                doc.remove(i, *RULES["G201"].pair)


def _clean(
    text: str,
    rules: RuleSet,
    *,
    url: str | None,
    site: str | None,
    name: str | None,
    site_rules: bool,
    model: bool = True,
    settle: bool = True,
    html: str = DEFAULT_HTML,
    markdown: bool = False,
    learned=None,
    cut: bool = True,
) -> Result:
    fmt = sniff_format(text, name)
    site_spec = None
    if site_rules:
        site_spec = rules.for_domain(site) if site else None
    options = dict(
        url=url,
        site=site,
        site_rules=site_rules,
        model=model,
        settle=settle,
        markdown=markdown,
        learned=learned,
    )
    if fmt != "html":
        result = _finish(text, text, fmt, rules, site_spec, cut=cut, **options)
        if cut and settle and _cut_took_the_page(result):
            kept = words(result.text)
            result = _finish(text, text, fmt, rules, site_spec, cut=False, **options)
            result.warnings.append(
                f"{KEEP_UNCUT[0]}: the header and footer cut kept {kept} words of the page;"
                " cleaned again without it"
            )
        return result

    def choose_site(page_url: str | None):
        if site_rules and site_spec is None and not site:
            return rules.identify("", page_url)
        return site_spec

    if html == "extractor":
        # As markdown for --format md: its headings, tables and code blocks are units too.
        extracted = html_path.extract(text, url=url, choose_site=choose_site, markdown=markdown)
        return _finish_html(text, extracted, None, rules, **options)
    extracted = html_path.extract_blocks(text, url=url, choose_site=choose_site)
    if html == "blocks" or not model:
        return _finish_html(text, extracted, extracted.blocks, rules, **options)
    # The language of the reading kept only: detecting it costs as much as a rule pass.
    by_extractor, by_blocks = _readings(text, extracted, rules, choose_site, **options)
    chosen = route.choose(by_extractor, by_blocks, extracted)
    chosen.language = detect_language(chosen.text) if settle else None
    return chosen


def _cut_took_the_page(result: Result) -> bool:
    """The header and footer cut left a text copy nearly empty, and short (UNCUT_MAX_WORDS)."""
    return any(w.startswith("nearly empty") for w in result.warnings) and (
        words(result.text) < UNCUT_MAX_WORDS
    )


def _readings(text, extracted, rules, choose_site, **options) -> tuple[Result, Result]:
    """An HTML page's two readings, the extractor's and the blocks', their language not yet
    detected. For --format md the extractor's reading is a second extraction, as markdown."""
    by_blocks = _finish_html(text, extracted, extracted.blocks, rules, language=False, **options)
    as_extracted = extracted
    if options["markdown"]:
        as_extracted = html_path.extract(
            text, url=options["url"], choose_site=choose_site, markdown=True
        )
    by_extractor = _finish_html(text, as_extracted, None, rules, language=False, **options)
    return by_extractor, by_blocks


def both_readings(text: str, rules: RuleSet, url: str | None = None) -> tuple:
    """The extractor's result, the blocks' result and the page as read (bench/train.py fits
    the router on these)."""

    def choose_site(page_url: str | None):
        return rules.identify("", page_url)

    extracted = html_path.extract_blocks(text, url=url, choose_site=choose_site)
    options = dict(
        url=url, site=None, site_rules=True, model=True, settle=True, markdown=False, learned=None
    )
    return (*_readings(text, extracted, rules, choose_site, **options), extracted)


def _finish_html(text, extracted, blocks, rules, **options) -> Result:
    """One reading of an HTML page cleaned: the extractor's text (blocks None) or its blocks."""
    site_spec = extracted.site
    pruned: list[Removal] = []
    if site_spec is not None and site_spec.html_code:
        pruned = [
            Removal(site_spec.html_code, site_spec.html_reason or "", 0, t)
            for t in extracted.pruned
        ]
    body = "\n".join(b.text for b in blocks) if blocks is not None else extracted.text
    return _finish(
        text,
        body,
        "html",
        rules,
        site_spec,
        html_meta=extracted.meta,
        notes=list(extracted.warnings),
        blocks=blocks,
        pruned=pruned,
        **options,
    )


def _finish(
    text: str,
    body: str,
    fmt: str,
    rules: RuleSet,
    site_spec,
    *,
    url: str | None,
    site: str | None,
    site_rules: bool,
    model: bool,
    settle: bool,
    html_meta=None,
    notes: list[str] | None = None,
    blocks: list | None = None,
    pruned: list[Removal] | None = None,
    language: bool = True,
    markdown: bool = False,
    learned=None,
    cut: bool = True,
) -> Result:
    """The rest of the pipeline on a copy's text, or on one reading of an HTML page;
    `markdown`: the text is given as markdown (see assemble)."""
    pruned = pruned or []
    notes = notes or []
    body = normalise_text(body)

    found_url = url or (html_meta.url if html_meta else None)
    if found_url is None and _may_name_url(body):
        m = _URL_IN_TEXT.search(body)
        found_url = m.group(1) if m else None
    if site_rules and site_spec is None and not site:
        site_spec = rules.identify(body, found_url)

    # The extractor's text has no page around the article: neither the article finder nor the
    # model (trained on whole pages) has anything to cut there.
    extractor = fmt == "html" and blocks is None
    layout = "markdown" if extractor and markdown else fmt
    doc = rule_stage(
        body,
        layout,
        site_spec,
        notes,
        html_meta,
        url,
        blocks,
        find=not extractor,
        cut=cut,
        model=model,
    )
    if extractor:
        _extracted_title(doc)
    else:
        if model:
            decide(doc)
        finish(doc)
    if settle and model and not extractor:
        _settle(doc, rules, url=url, site=site, site_rules=site_rules, model=model, cut=cut)
    if doc.uncut:
        name_uncut(doc)
    if learned is not None:  # G601, last: what recurs across the site's pages (--learn)
        table, where, keys = learned
        table.apply(doc, where, keys)

    doc.set_meta("url", found_url)
    meta = doc.meta
    if site_spec is not None:
        meta.site = site_spec.domain
    else:
        meta.site = site_of_url(site) if site else site_of_url(meta.url)
    out = assemble(doc)
    text_out = assemble(doc, markdown=True) if markdown else out
    removed = pruned + [u.removed for u in doc.units if u.removed is not None]
    removed += [Removal(code, reason, line, t) for code, reason, line, t in doc.spans]
    removed.sort(key=lambda r: r.line)
    result = Result(
        text=text_out,
        title=meta.title,
        byline=meta.byline,
        date=meta.date,
        url=meta.url,
        site=meta.site,
        input_format=fmt,
        removed=removed,
        kept=[
            Removal(
                code,
                doc.units[i].note or KEEP_REASONS.get(code, ""),
                doc.units[i].line,
                doc.units[i].text,
            )
            for i, code in sorted(doc.kept_by.items())
            if doc.units[i].removed is None
        ],
        warnings=list(doc.warnings),
        chars_in=len(text),
        language=detect_language(out) if settle and language else None,
    )
    # Counted per unit: the article finder has counted most of them already (cached by text).
    n_in = sum(words(u.text) for u in doc.units)
    n_out = sum(words(u.text) for u in doc.units if u.removed is None)
    if n_in >= NEARLY_EMPTY_MIN_WORDS and n_out < NEARLY_EMPTY_SHARE * n_in:
        result.warnings.append(
            f"nearly empty: kept {n_out} of {n_in} words; check the removed lines"
        )
    return result
