"""The Python API: `cleaner.clean(source) -> Result`. Pure and thread-safe; rules compile once."""

from __future__ import annotations

import atexit
import math
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cleaner.core.data import Result
from cleaner.core.pipeline import DEFAULT_HTML, run
from cleaner.sites.identify import ruleset


class CleanTimeout(TimeoutError):
    """`clean(..., timeout=...)` ran past its time budget (the work was stopped)."""


HTML_MODES = ("extractor", "blocks", "routed")


def clean(
    source: str | bytes,
    *,
    url: str | None = None,
    site: str | None = None,
    rules: Iterable[str | Path] = (),
    site_rules: bool = True,
    name: str | None = None,
    model: bool = True,
    html: str = DEFAULT_HTML,
    timeout: float | None = None,
    markdown: bool = False,
    learned: Any = None,
) -> Result:
    """Clean one scraped page (text, markdown or HTML; `bytes` are decoded) into article text.

    url/site force the site instead of identifying it; `rules` adds directories of rule files
    (a user file replaces the built-in one for the same site); `site_rules=False` runs the
    generic heuristics alone; `name` (a file name) helps tell the input format; `model=False`
    leaves every decision to the rules (the learned model, G501/K501, does not run);
    `html="blocks"` cleans an HTML page from its text blocks, judged by the rules and the model
    like the lines of a text copy, instead of trafilatura's extraction (`"extractor"`);
    `html="routed"` reads the page both ways and keeps the reading the learned router
    (core/route.py) prefers for it, naming its choice in `Result.route`. `markdown=True` gives
    `text` as markdown: headings, list items, quotes, tables and code blocks kept as such (an
    HTML page is then extracted as markdown), no inline markup.
    `learned` (a `cleaner.rules.repetition.Learned`, the counts of many pages: `Learner`) also
    removes the lines that recur across the page's site (G601).

    Binary bytes (an image, a PDF, gzip data) are not cleaned: the result is empty with
    `skipped` saying why. A result that kept nothing, or nearly nothing, of a non-blank input has
    `suspect` saying so. A rule file's regex running past its timeout raises RuleTimeout.

    `timeout` (seconds, > 0) bounds the whole call: the page is cleaned in a worker process
    (started on first use and kept for later calls, one per thread calling at once) that is
    killed when the budget runs out, and CleanTimeout (a TimeoutError) is raised; nothing else
    can stop the slow cases (trafilatura on 100,000 nested <div>s is one 20-second call). Any
    other exception is raised as without a timeout; a worker that dies (out of memory, a crash
    in a C library) raises RuntimeError. `timeout=None` (the default) cleans in the calling
    thread, with no budget and no process.
    """
    if isinstance(source, bytearray | memoryview):
        source = bytes(source)
    if not isinstance(source, str | bytes):
        raise TypeError(f"clean() source must be str or bytes, not {type(source).__name__}")
    if html not in HTML_MODES:
        raise ValueError(f"html must be one of {', '.join(map(repr, HTML_MODES))}, not {html!r}")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
        if not (timeout > 0 and math.isfinite(timeout)):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        options: dict[str, Any] = dict(url=url, site=site, rules=tuple(str(Path(d)) for d in rules))
        options.update(site_rules=site_rules, name=name, model=model, html=html)
        options.update(markdown=markdown, learned=learned)
        return _clean_in_worker(source, options, float(timeout))
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
        markdown=markdown,
        learned=learned,
    )


# Idle worker processes of `clean(timeout=...)`: one is taken for each call (a new one started
# when none is idle, so threads never wait for each other) and given back after it.
_IDLE_MAX = 4
_idle: list[Any] = []
_idle_lock = threading.Lock()


@atexit.register
def close_workers() -> None:
    """End the idle worker processes of `clean(timeout=...)` (they end with the process
    anyway; a new call starts another)."""
    with _idle_lock:
        idle = list(_idle)
        _idle.clear()
    for cleaner in idle:
        cleaner.close()


def _clean_kwargs(source: str | bytes, options: dict[str, Any]) -> Result:  # in the worker
    return clean(source, **options)


def _clean_in_worker(source: str | bytes, options: dict[str, Any], timeout: float) -> Result:
    from cleaner.run.workers import Call, Cleaner

    with _idle_lock:
        cleaner = _idle.pop() if _idle else None
    if cleaner is None:
        cleaner = Cleaner(Call(_clean_kwargs), timeout)
    cleaner.timeout = timeout
    try:
        status, value = cleaner.call(source, options)
    except BaseException:  # Ctrl-C while waiting: the worker may be mid-page
        cleaner.close(now=True)
        raise
    with _idle_lock:
        keep = len(_idle) < _IDLE_MAX
        if keep:
            _idle.append(cleaner)
    if not keep:
        cleaner.close()
    if status == "ok":
        return value  # type: ignore[return-value]
    if status == "raised":
        raise value  # type: ignore[misc]
    if status == "timeout":
        raise CleanTimeout(f"clean() ran past its time budget of {timeout:g} s")
    raise RuntimeError(f"clean(): {value}")
