"""The data that flows through the pipeline: units (paragraph candidates), removals, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.core.blocks import Block


@dataclass(slots=True)
class Removal:
    """One removed line (or span) and the rule that removed it."""

    rule: str
    reason: str
    line: int  # 1-based line number in the normalised input
    text: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "reason": self.reason, "line": self.line, "text": self.text}


@dataclass(slots=True)
class Unit:
    """A paragraph candidate: one input line, or several joined when the scraper broke a sentence."""

    text: str
    line: int  # 1-based line number of its first input line
    blank_before: bool = False  # a blank line separated it from the previous unit
    kind: str = "text"  # text | heading | item | quote | rule (block markup of markdown copies)
    raw: str = ""  # the line as it was, before inline markup was removed
    marker: str = ""  # a list item's bullet, given back in the output (a second pass needs it)
    link_share: float = 0.0  # share of its text that was link text (markdown copies)
    removed: Removal | None = None
    # A unit the article must keep even where the boundary rules would cut it (credit lines).
    protected: bool = False
    note: str = ""  # why a keep rule kept it, when the reason is the unit's own (the model's)
    dom: Block | None = None  # the HTML block it came from (core/blocks.Block), on HTML pages
    # A row of a table (its cells joined by " | "), or a line of a markdown code block: the
    # number of its table or block (from 1; 0: neither). Rows of one table are one line each
    # in the output; --format md gives tables and code blocks back as markdown.
    table: int = 0
    code: int = 0


METADATA_FIELDS = ("title", "byline", "date", "site", "url")


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    byline: str | None = None
    date: str | None = None  # ISO 8601
    url: str | None = None
    site: str | None = None

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in METADATA_FIELDS}


@dataclass(slots=True)
class Result:
    """What `cleaner.clean` returns."""

    text: str
    title: str | None = None
    byline: str | None = None
    date: str | None = None
    url: str | None = None
    site: str | None = None
    input_format: str = "text"  # text | markdown | html (| binary, when skipped)
    removed: list[Removal] = field(default_factory=list)
    kept: list[Removal] = field(default_factory=list)  # lines a keep rule (K###) protected
    warnings: list[str] = field(default_factory=list)
    chars_in: int = 0
    encoding: str | None = None  # how bytes were decoded ("utf-8", "cp1251", ...); None for str
    # Why the input was not cleaned at all ("binary file (PNG image)"); text is then "".
    skipped: str | None = None
    # Why the output is worth a human look ("empty output: ...", "nearly empty: ..."), or None.
    suspect: str | None = None
    language: str | None = None  # ISO 639-1 code of the output text (py3langid), when known
    # HTML: which reading of the page was kept, the router's code and why (core/route.py).
    route: str | None = None

    @property
    def metadata(self) -> dict:
        return {name: getattr(self, name) for name in METADATA_FIELDS}

    def record_fields(self, text_key: str = "clean_text") -> dict:
        """The fields a record output (JSON Lines, Parquet, Spark) carries for this result."""
        return {
            text_key: self.text,
            **self.metadata,
            "removed_rules": self.rules_fired,
            "warnings": list(self.warnings),
            "error": None,
        }

    @property
    def rules_fired(self) -> list[str]:
        return sorted({r.rule for r in self.removed})

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            **self.metadata,
            "language": self.language,
            "format": self.input_format,
            "route": self.route,
            "removed": [r.as_dict() for r in self.removed],
            "kept": [r.as_dict() for r in self.kept],
            "warnings": list(self.warnings),
        }
