"""The WCXB pages (../shared/bench/wcxb): loading, text copies made the way scrapers save
pages, and the benchmark's own metric (word-level bag-of-words F1, With% and Without%).

Text copies are rendered once per renderer and cached under $CLEANER_BENCH_CACHE (default
/tmp/cleaner-bench-cache), outside the repo: the benchmark's files are never committed.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import common

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench" / "wcxb"
CACHE = Path(os.environ.get("CLEANER_BENCH_CACHE", "/tmp/cleaner-bench-cache"))

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")


@dataclass
class WPage:
    """One WCXB page: its HTML, its main content and metadata as the ground truth gives them."""

    id: str
    raw: bytes
    url: str
    page_type: str
    domain: str
    truth: str  # main_content ("" where the page has none)
    title: str | None = None
    author: str | None = None
    date: str | None = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)

    @cached_property
    def html(self) -> str:
        return self.raw.decode("utf-8", errors="replace")


def data_dir(arg: str | None = None) -> Path:
    path = Path(arg) if arg else DEFAULT_DATA
    if not (path / "pages.json").is_file():
        sys.exit(f"WCXB data not found in {path} (expected pages.json, html/, ground-truth/)")
    return path


def load(path: Path | None = None, limit: int | None = None) -> list[WPage]:
    path = path or data_dir()
    index = json.loads((path / "pages.json").read_text(encoding="utf-8"))
    ids = sorted(index)[:limit] if limit else sorted(index)
    pages = []
    for pid in ids:
        gt = json.loads((path / "ground-truth" / f"{pid}.json").read_text(encoding="utf-8"))
        truth = gt.get("ground_truth") or {}
        pages.append(
            WPage(
                id=pid,
                raw=gzip.decompress((path / "html" / f"{pid}.html.gz").read_bytes()),
                url=gt.get("url") or "",
                page_type=index[pid]["page_type"],
                domain=index[pid]["domain"],
                truth=truth.get("main_content") or "",
                title=truth.get("title"),
                author=truth.get("author"),
                date=truth.get("publish_date"),
                with_=list(truth.get("with") or []),
                without=list(truth.get("without") or []),
            )
        )
    return pages


# --- text copies -------------------------------------------------------------------------------


def html_text_copy(page_html: str) -> str:
    import html_text

    return html_text.extract_text(page_html)


RENDERERS: dict[str, Callable[[str], str]] = {
    "inscriptis": common.to_text,  # the same copies as the AEB tracks
    "html2text": common.to_markdown,
    "html_text": html_text_copy,
}


def copies(pages: Sequence[WPage], renderer: str, tag: str = "wcxb") -> list[str]:
    """Each page rendered by `renderer`, from the cache when it is there. A renderer that
    crashes on a page gives an empty copy."""
    CACHE.mkdir(parents=True, exist_ok=True)
    file = CACHE / f"{tag}-{renderer}.pickle"
    cached: dict[str, str] = {}
    if file.is_file():
        cached = pickle.loads(file.read_bytes())
    convert = RENDERERS[renderer]
    missing = [p for p in pages if p.id not in cached]
    for p in missing:
        try:
            cached[p.id] = convert(p.html)
        except Exception:
            cached[p.id] = ""
    if missing:
        file.write_bytes(pickle.dumps(cached))
    return [cached[p.id] for p in pages]


# --- the metric (WCXB's README) ----------------------------------------------------------------

TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


@dataclass(frozen=True)
class WScore:
    precision: float
    recall: float
    f1: float
    with_: float | None  # share of the page's `with` snippets found (None: it has none)
    without: float | None


def score(prediction: str, page: WPage) -> WScore:
    pred, true = Counter(tokens(prediction)), Counter(tokens(page.truth))
    if not true:
        p = r = f = 1.0 if not pred else 0.0
    elif not pred:
        p = r = f = 0.0
    else:
        tp = sum((pred & true).values())
        p, r = tp / sum(pred.values()), tp / sum(true.values())
        f = 2 * p * r / (p + r) if p + r else 0.0
    low = prediction.lower()
    w = sum(s.lower() in low for s in page.with_) / len(page.with_) if page.with_ else None
    wo = sum(s.lower() in low for s in page.without) / len(page.without) if page.without else None
    return WScore(p, r, f, w, wo)


def mean(values: Iterable[float | None]) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else float("nan")


def summarise(scores: Sequence[WScore]) -> dict[str, float]:
    return {
        "f1": mean(s.f1 for s in scores),
        "precision": mean(s.precision for s in scores),
        "recall": mean(s.recall for s in scores),
        "with": mean(s.with_ for s in scores),
        "without": mean(s.without for s in scores),
    }


def by_type(pages: Sequence[WPage], scores: Sequence[WScore]) -> dict[str, dict[str, float]]:
    out = {"all": summarise(scores)}
    for t in PAGE_TYPES:
        sel = [s for p, s in zip(pages, scores, strict=True) if p.page_type == t]
        if sel:
            out[t] = summarise(sel)
    return out


def body_only(text: str, title: str | None) -> str:
    """cleaner's output scored on the body: the title paragraph dropped, as the benchmark's
    main content has no title."""
    paragraphs = text.split("\n\n")
    if title and paragraphs and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)
