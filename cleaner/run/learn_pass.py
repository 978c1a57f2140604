"""`clean --learn`: the counting pass over a folder before it is cleaned (rules/repetition.py).

Pass one reads every input once, cheaply (decoded, segmented, an HTML page's text blocks: no
extractor, no model) and counts its lines per site; pass two, the ordinary run, cleans each page
with those counts frozen. The counts are sums, so the outputs are the same for any --jobs and
any order of the inputs.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.core.pipeline import learning_view
from cleaner.rules.repetition import DEFAULT_MIN_PAGES, DEFAULT_SHARE, Learned, Learner
from cleaner.sites.identify import RuleSet


def input_files(root: Path, max_bytes: int) -> Iterator[Path]:
    """The regular files under root (or root itself), sorted, no symlinks followed, none over
    max_bytes: what the counting pass reads (inputs it cannot read are the cleaning pass's to
    report)."""
    if not root.is_dir():
        if root.is_file():
            yield root
        return
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory, name)
            try:
                st = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes:
                yield path


@dataclass
class Counted:
    learned: Learned
    pages: int  # inputs read
    seconds: float
    peak_bytes: int  # the counts' size at the end (exact dicts estimated, sketches exact)


def count_folder(
    root: Path,
    rules: RuleSet,
    *,
    url: str | None = None,
    site: str | None = None,
    site_rules: bool = True,
    max_bytes: int = 50_000_000,
    min_pages: int = DEFAULT_MIN_PAGES,
    share: float = DEFAULT_SHARE,
) -> Counted:
    start = time.perf_counter()
    learner = Learner(min_pages, share)
    pages = 0
    for path in input_files(root, max_bytes):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        try:
            key, texts = learning_view(
                data, rules, url=url, site=site, name=path.name, site_rules=site_rules
            )
        except Exception:
            continue
        learner.add(key, texts)
        pages += 1
    return Counted(learner.freeze(), pages, time.perf_counter() - start, learner.nbytes())


def count_records(
    src: str,
    rules: RuleSet,
    *,
    text_field: str | None = None,
    url_field: str | None = "url",
    site: str | None = None,
    site_rules: bool = True,
    min_pages: int = DEFAULT_MIN_PAGES,
    share: float = DEFAULT_SHARE,
) -> Counted:
    """The counting pass over a record file (read twice: not stdin), each record's URL field
    naming its site."""
    from cleaner.run.records import open_reader, with_charset

    start = time.perf_counter()
    learner = Learner(min_pages, share)
    pages = 0
    for record in open_reader(src, text_field=text_field, url_field=url_field):
        if record.error is not None or record.source is None:
            continue
        source = record.source
        if isinstance(source, bytes) and record.charset:
            source = with_charset(source, record.charset)
        try:
            key, texts = learning_view(
                source, rules, url=record.url, site=site, name=record.name, site_rules=site_rules
            )
        except Exception:
            continue
        learner.add(key, texts)
        pages += 1
    return Counted(learner.freeze(), pages, time.perf_counter() - start, learner.nbytes())


def describe(counted: Counted) -> str:
    """One line for the run's summary: what the counting pass found."""
    sites = counted.learned.sites
    if not sites:
        return (
            f"clean: --learn: {counted.pages} pages counted, no site with "
            f"{counted.learned.min_pages} pages or more (a page's site comes from its URL, a "
            "rule file's fingerprints, or --site)"
        )
    parts = ", ".join(f"{s} ({c.pages} pages)" for s, c in sites.items())
    return f"clean: --learn: {counted.pages} pages counted in {counted.seconds:.1f} s; {parts}"
