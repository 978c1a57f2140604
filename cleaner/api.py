"""The Python API: `cleaner.clean(source) -> Result`. Pure and thread-safe; rules compile once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .model import Result
from .pipeline import run
from .sites import ruleset


def clean(
    source: str | bytes,
    *,
    url: str | None = None,
    site: str | None = None,
    rules: Iterable[str | Path] = (),
    site_rules: bool = True,
    name: str | None = None,
    model: bool = True,
    html: str = "extractor",
) -> Result:
    """Clean one scraped page (text, markdown or HTML; `bytes` are decoded) into article text.

    url/site force the site instead of identifying it; `rules` adds directories of rule files
    (a user file replaces the built-in one for the same site); `site_rules=False` runs the
    generic heuristics alone; `name` (a file name) helps tell the input format; `model=False`
    leaves every decision to the rules (the learned model, G501/K501, does not run);
    `html="blocks"` cleans an HTML page from its text blocks, judged by the rules and the model
    like the lines of a text copy, instead of trafilatura's extraction (`"extractor"`).

    Binary bytes (an image, a PDF, gzip data) are not cleaned: the result is empty with
    `skipped` saying why. A result that kept nothing, or nearly nothing, of a non-blank input has
    `suspect` saying so. A rule file's regex running past its timeout raises RuleTimeout.
    """
    if isinstance(source, bytearray | memoryview):
        source = bytes(source)
    if not isinstance(source, str | bytes):
        raise TypeError(f"clean() source must be str or bytes, not {type(source).__name__}")
    if html not in ("extractor", "blocks"):
        raise ValueError(f"html must be 'extractor' or 'blocks', not {html!r}")
    rule_set = ruleset(tuple(str(Path(d)) for d in rules), builtin=True) if site_rules else None
    return run(
        source,
        rule_set if rule_set is not None else ruleset((), builtin=False),
        url=url,
        site=site,
        name=name,
        site_rules=site_rules,
        model=model,
        html=html,
    )
