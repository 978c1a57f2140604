"""Shared helpers for the benchmark scripts in bench/ (quality now, speed later).

Loading the AEB pages, the benchmark's shingle metric, making whole-page text copies the way
scrapers save pages, the peer methods, and timing a method over a list of inputs.
"""

from __future__ import annotations

import argparse
import gzip
import html
import importlib
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench" / "aeb"

# A generic rule code is one letter (G heuristics, M markdown markup, K kept credit) and digits;
# site rule files use two letters (KI101, MT301, RF201, ...).
GENERIC_CODE = re.compile(r"[GMK]\d+")


# --- data ---------------------------------------------------------------------------------------


@dataclass
class Page:
    """One AEB page: its HTML, the hand-annotated article body, and lazily made text copies."""

    sha: str
    raw: bytes  # the HTML as saved (UTF-8)
    truth: str  # ground-truth articleBody
    url: str = ""
    copy_errors: list[str] = field(default_factory=list)

    @cached_property
    def html(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    @cached_property
    def text(self) -> str:
        """Whole-page plain text, as inscriptis renders it with its default config."""
        return self._copy("text", to_text)

    @cached_property
    def markdown(self) -> str:
        """Whole-page markdown, as html2text renders it (no line wrapping, links kept)."""
        return self._copy("markdown", to_markdown)

    def _copy(self, kind: str, convert: Callable[[str], str]) -> str:
        try:
            return convert(self.html)
        except Exception as exc:  # a converter crash leaves an empty copy, reported by the caller
            self.copy_errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            return ""


def data_dir(arg: str | None) -> Path:
    """The AEB directory from --data, else ../shared/bench/aeb beside the repo; exit if missing."""
    path = Path(arg) if arg else DEFAULT_DATA
    if not (path / "ground-truth.json").is_file() or not (path / "html").is_dir():
        sys.exit(
            f"AEB data not found in {path} (expected ground-truth.json and html/<sha>.html.gz); "
            "pass --data DIR"
        )
    return path


def load_pages(path: Path, limit: int | None = None) -> list[Page]:
    """The benchmark pages sorted by sha (the first `limit` of them when given)."""
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    shas = sorted(truth)
    if limit is not None:
        shas = shas[:limit]
    pages = []
    for sha in shas:
        file = path / "html" / f"{sha}.html.gz"
        if not file.is_file():
            sys.exit(f"missing page {file}")
        entry = truth[sha]
        pages.append(
            Page(
                sha=sha,
                raw=gzip.decompress(file.read_bytes()),
                truth=entry.get("articleBody") or "",
                url=entry.get("url") or "",
            )
        )
    return pages


# --- metric (the benchmark's official one) ------------------------------------------------------

TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram token shingles; fewer than n tokens give one shorter shingle."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class DocScore:
    """tp, fp, fn of one document, normalised by tp+fp+fn so every document weighs the same."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(prediction: str, truth: str) -> DocScore:
    pred, true = shingles(prediction), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return DocScore(0.0, 0.0, 0.0)
    return DocScore(tp / total, fp / total, fn / total)


def aggregate(scores: Iterable[DocScore]) -> tuple[float, float, float]:
    """(F1, precision, recall): P averaged over documents with tp+fp>0, R over tp+fn>0."""
    scores = list(scores)
    ps = [s.precision for s in scores if s.tp + s.fp > 0]
    rs = [s.recall for s in scores if s.tp + s.fn > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return f1, p, r


# --- text copies --------------------------------------------------------------------------------


def to_text(page_html: str) -> str:
    import inscriptis

    return inscriptis.get_text(page_html)


def to_markdown(page_html: str) -> str:
    import html2text

    h = html2text.HTML2Text()
    h.body_width = 0
    h.ignore_links = False
    return h.handle(page_html)


def missing(module: str) -> bool:
    """True when an optional library cannot be imported."""
    try:
        importlib.import_module(module)
    except ImportError:
        return True
    return False


# --- methods ------------------------------------------------------------------------------------


class SiteRuleFired(AssertionError):
    """A built-in site rule removed something: the benchmark must measure the generic path."""


def cleaner_method(name: str, **options) -> Callable[[str | bytes], str]:
    """cleaner with site rules on, scored on the body: the title paragraph is dropped.
    `options` go to clean() (model=False: the rules alone; html="blocks")."""
    from cleaner import clean

    def run(source: str | bytes) -> str:
        result = clean(source, name=name, site_rules=True, **options)
        for removal in result.removed:
            if not GENERIC_CODE.fullmatch(removal.rule):
                raise SiteRuleFired(f"site rule {removal.rule} fired ({removal.reason})")
        paragraphs = result.text.split("\n\n")
        if result.title and paragraphs and paragraphs[0].strip() == result.title.strip():
            paragraphs = paragraphs[1:]
        return "\n\n".join(paragraphs)

    return run


def trafilatura_method(source: str) -> str:
    import trafilatura

    return trafilatura.extract(source) or ""


def trafilatura_no_comments_method(source: str) -> str:
    import trafilatura

    return trafilatura.extract(source, include_comments=False) or ""


READABILITY_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr"),
        "ul",
    )
)


def readability_method(source: str) -> str:
    """readability-lxml's summary, its block-level elements' text joined with newlines."""
    import lxml.html
    from readability import Document

    summary = Document(source).summary()
    if not summary.strip():
        return ""
    tree = lxml.html.fromstring(summary)
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.lower() in READABILITY_BLOCKS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def justext_method(source: str | bytes) -> str:
    """jusText with the English stoplist: the paragraphs it does not call boilerplate."""
    import justext

    paragraphs = justext.justext(source, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


# ISO 639 codes of the languages jusText has a stoplist for (<html lang="..."> gives the code).
_LANGUAGES = """af:Afrikaans sq:Albanian ar:Arabic an:Aragonese hy:Armenian ast:Asturian
    az:Azerbaijani eu:Basque be:Belarusian bn:Bengali bs:Bosnian br:Breton bg:Bulgarian
    ca:Catalan ceb:Cebuano cv:Chuvash hr:Croatian cs:Czech da:Danish nl:Dutch en:English
    eo:Esperanto et:Estonian fi:Finnish fr:French gl:Galician ka:Georgian de:German el:Greek
    gu:Gujarati ht:Haitian he:Hebrew iw:Hebrew hi:Hindi hu:Hungarian is:Icelandic io:Ido ig:Igbo
    id:Indonesian ga:Irish it:Italian jv:Javanese kn:Kannada kk:Kazakh ko:Korean ku:Kurdish
    ky:Kyrgyz la:Latin lv:Latvian lt:Lithuanian lmo:Lombard nds:Low_Saxon lb:Luxembourgish
    mk:Macedonian ms:Malay ml:Malayalam mt:Maltese mr:Marathi nap:Neapolitan ne:Nepali new:Newar
    nb:Norwegian_Bokmal no:Norwegian_Bokmal nn:Norwegian_Nynorsk oc:Occitan fa:Persian
    pms:Piedmontese pl:Polish pt:Portuguese qu:Quechua ro:Romanian ru:Russian sr:Serbian
    sh:Serbo_Croatian scn:Sicilian sk:Slovak sl:Slovenian es:Spanish su:Sundanese sw:Swahili
    sv:Swedish tl:Tagalog ta:Tamil te:Telugu tr:Turkish tk:Turkmen uk:Ukrainian ur:Urdu uz:Uzbek
    vi:Vietnamese vo:Volapuk wa:Walloon war:Waray_Waray cy:Welsh fy:West_Frisian
    pnb:Western_Panjabi yo:Yoruba"""
JUSTEXT_LANGUAGES = dict(pair.split(":") for pair in _LANGUAGES.split())
HTML_LANG = re.compile(rb"""<html\b[^>]*?\slang\s*=\s*["']?([a-z]{2,3})\b""", re.IGNORECASE)


def page_language(raw: bytes) -> str:
    """The jusText stoplist for the <html lang> of a page (its first 20 kB); English without."""
    found = HTML_LANG.search(raw, 0, 20_000)
    code = found.group(1).decode().lower() if found else "en"
    return JUSTEXT_LANGUAGES.get(code, "English")


def justext_language_method(source: bytes) -> str:
    """jusText with the stoplist of the page's language (page_language), else English."""
    import justext

    paragraphs = justext.justext(source, justext.get_stoplist(page_language(source)))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def justext_lines_method(text: str) -> str:
    """jusText on a text copy: every non-empty line wrapped in <p>...</p>."""
    lines = (line.strip() for line in text.splitlines())
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines if line)
    if not body:
        return ""
    return justext_method(f"<html><body>\n{body}</body></html>".encode())


C4_END = re.compile(r"[.!?][\"'”’»]?$")


def c4_filter(text: str) -> str:
    """C4-style line filter: lines of at least 5 words ending in . ! ? (or a quote after one)."""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if len(line.split()) >= 5 and C4_END.search(line):
            kept.append(line)
    return "\n".join(kept)


def identity(text: str) -> str:
    return text


# --- running ------------------------------------------------------------------------------------


@dataclass
class Run:
    """One method over one list of inputs: outputs, summed call time, crashed calls."""

    outputs: list[str]
    seconds: float
    errors: dict[int, str]

    @property
    def docs_per_second(self) -> float:
        return len(self.outputs) / self.seconds if self.seconds > 0 else float("inf")


def run_method(
    method: Callable[[object], str],
    inputs: Sequence[object],
    labels: Sequence[str],
    warm_up: bool = True,
) -> Run:
    """Call `method` on each input, timing each call; a crash counts as empty output.

    One untimed call on the first input warms up lazy imports and caches first, so docs/s
    measures steady-state processing. SiteRuleFired is never swallowed: it is raised again
    naming the input's label.
    """
    if warm_up and inputs:
        try:
            method(inputs[0])
        except SiteRuleFired as exc:
            raise SiteRuleFired(f"{labels[0]}: {exc}") from None
        except Exception:
            pass
    outputs: list[str] = []
    errors: dict[int, str] = {}
    seconds = 0.0
    for i, item in enumerate(inputs):
        start = time.perf_counter()
        try:
            out = method(item)
        except SiteRuleFired as exc:
            raise SiteRuleFired(f"{labels[i]}: {exc}") from None
        except Exception as exc:
            out = ""
            errors[i] = f"{type(exc).__name__}: {exc}"
        seconds += time.perf_counter() - start
        outputs.append(out or "")
    return Run(outputs, seconds, errors)


def quiet_peers() -> None:
    """Peer libraries log warnings per page; keep the tables readable."""
    for name in ("trafilatura", "readability", "readability.readability", "justext", "htmldate"):
        logging.getLogger(name).setLevel(logging.ERROR)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", metavar="DIR", help=f"AEB data directory (default: {DEFAULT_DATA})"
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pages by sha")


# --- reporting ----------------------------------------------------------------------------------


def markdown_table(header: list[str], rows: list[list[str]]) -> None:
    """A markdown table, the first column left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    print(line(header))
    print(
        "|"
        + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths))
        + "|"
    )
    for r in rows:
        print(line(r))
