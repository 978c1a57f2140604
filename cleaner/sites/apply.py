"""Applying one site's compiled rule file to a document.

A rule sees each line twice if need be: as the generic rules see it (markdown markup removed:
`[AFP](#)` is `AFP`, `**By X**` is `By X`) and as `--explain` shows it (the raw line, markup,
bullet and heading marks included), so that a pattern copied from an explain line fires, and so
does one written for the output text. The text is tried first: a meta rule's groups come from
it when both match. A span rule (action = "span") edits the text, so it is tried on the text only.
"""

from __future__ import annotations

from cleaner.core.data import Unit
from cleaner.core.document import Doc
from cleaner.core.metadata import iso_date
from cleaner.sites.rulefile import Matcher, SiteRules


def _raw(unit: Unit) -> str | None:
    """The line as --explain shows it, when it differs from the text the rules see."""
    return unit.raw if unit.raw and unit.raw != unit.text else None


def matches(matcher: Matcher, unit: Unit) -> bool:
    """The matcher fires on the unit's text or on its raw line."""
    if matcher.matches(unit.text):
        return True
    raw = _raw(unit)
    return raw is not None and matcher.matches(raw)


def apply_site(doc: Doc, site: SiteRules) -> None:
    _meta(doc, site)
    _blocks(doc, site)  # before line rules, which would otherwise take a block's start marker
    _lines(doc, site)
    _article_markers(doc, site)


def _meta(doc: Doc, site: SiteRules) -> None:
    for rule in site.meta:
        for i, unit in enumerate(doc.units):
            if unit.removed is not None:
                continue
            m = rule.search(unit.text)
            if not m and (raw := _raw(unit)) is not None:
                m = rule.search(raw)
            if not m:
                continue
            groups = {k: v for k, v in m.groupdict().items() if v}
            if "byline" in groups:
                doc.set_meta("byline", groups["byline"].strip(" ,"))
            if "date" in groups:
                doc.add_date(unit, iso_date(groups["date"]))
            if "url" in groups:
                doc.set_meta("url", groups["url"])
            if "title" in groups:
                doc.set_meta("title", groups["title"].strip())
            if rule.drop:
                doc.remove(i, rule.code, rule.reason)


def _lines(doc: Doc, site: SiteRules) -> None:
    for rule in site.lines:
        for i, unit in enumerate(doc.units):
            if unit.removed is not None:
                continue
            if not (rule.matcher.matches(unit.text) if rule.span else matches(rule.matcher, unit)):
                continue
            if rule.span:
                rest, parts = rule.matcher.remove_spans(unit.text)
                rest = " ".join(rest.split())
                if rest:
                    unit.text = rest
                    doc.spans.extend((rule.code, rule.reason, unit.line, p) for p in parts)
                    continue
            doc.remove(i, rule.code, rule.reason)


def _blocks(doc: Doc, site: SiteRules) -> None:
    units = doc.units
    for rule in site.blocks:
        i = 0
        while i < len(units):
            if not (units[i].removed is None and matches(rule.start, units[i])):
                i += 1
                continue
            last = None
            if rule.end is None:
                last = min(len(units) - 1, i + rule.max_lines - 1)
            else:
                for j in range(i + 1, min(len(units), i + rule.max_lines)):
                    if units[j].removed is None and matches(rule.end, units[j]):
                        last = j if rule.include_end else j - 1
                        break
            if last is None:  # no end marker within the bound: keep the text
                i += 1
                continue
            for j in range(i, last + 1):
                doc.remove(j, rule.code, rule.reason)
            i = last + 1


def _article_markers(doc: Doc, site: SiteRules) -> None:
    art = site.article
    if art is None:
        return
    units = doc.units
    if art.start_after is not None:
        for i, unit in enumerate(units):
            if unit.removed is None and matches(art.start_after, unit):
                for j in range(i + 1):
                    doc.remove(j, art.code, art.reason)
                break
    if art.end_before is not None:
        for i, unit in enumerate(units):
            if unit.removed is None and matches(art.end_before, unit):
                for j in range(i, len(units)):
                    doc.remove(j, art.code, art.reason)
                break
