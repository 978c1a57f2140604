"""The document as the rules see it: its units, metadata so far, and the removal bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.core.data import Metadata, Removal, Unit
from cleaner.sites.rulefile import SiteRules


@dataclass(slots=True)
class Doc:
    units: list[Unit]
    markdown: bool = False
    site: SiteRules | None = None
    meta: Metadata = field(default_factory=Metadata)
    kept_by: dict[int, str] = field(
        default_factory=dict
    )  # unit index -> code of the rule that kept it
    title_index: int | None = None
    warnings: list[str] = field(default_factory=list)
    spans: list[tuple[str, str, int, str]] = field(
        default_factory=list
    )  # (code, reason, line, text)
    # Dates seen on byline and date lines, by unit index: the article finder picks the one that
    # belongs to the article (above it), not a date of a teaser or comment further down.
    dates: list[tuple[Unit, str]] = field(default_factory=list)
    # Dates of lines that give only a revision's date ("Updated March 3, 2024"): the page's date
    # where no line gives a publication date (metadata.line_date's policy).
    revised: list[tuple[Unit, str]] = field(default_factory=list)
    # A stretch a rule found to be the article itself (a live blog's feed): kept whole.
    keep_span: tuple[int, int] | None = None
    # The metadata fields an HTML page's markup gave (pagemeta): the lines printed around the
    # title fill in what it lacks and replace none of it.
    from_markup: frozenset[str] = frozenset()
    # The lines the header and footer cut removed and article.undo_cut put back (their ids).
    uncut: list[int] = field(default_factory=list)
    # An HTML page's: its markup was read (pagemeta), a revision date by its <h1> with it.
    html: bool = False
    # The title model picks the title (core/title.py); False: the rules' pick (clean(model=False)).
    title_model: bool = True

    def remove(self, i: int, code: str, reason: str) -> None:
        """Mark unit i removed, unless an earlier rule already did (the first rule is the one named)
        or a keep rule protects it."""
        unit = self.units[i]
        if unit.removed is None and not unit.protected and i != self.title_index:
            # Reports show the line as it was, bullets and markup included.
            unit.removed = Removal(code, reason, unit.line, unit.raw or unit.text)

    def add_date(self, unit: Unit, value: str | None) -> None:
        if value:
            self.dates.append((unit, value))

    def set_meta(self, name: str, value: str | None) -> None:
        """First value found wins: the header of a page comes before its footer."""
        if value and getattr(self.meta, name) is None:
            setattr(self.meta, name, value)
