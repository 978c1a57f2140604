"""Extraction quality of cleaner against peers on the AEB and WCXB extraction benchmarks.

Run from the repo root (needs `pip install -e '.[bench]'` and trafilatura):

    python bench/quality.py                  # AEB: all three tracks on all 181 pages
    python bench/quality.py --track text --limit 20 --worst 10
    python bench/quality.py --dump /tmp/aeb-out --json /tmp/quality.json
    python bench/quality.py --bench wcxb --limit 60 --fast
    python bench/quality.py --bench all --json /tmp/quality.json

Data: ../shared/bench/aeb beside the repo (override with --data DIR). Three tracks score the
article body (not the title) with the benchmark's 4-gram shingle metric:

1. html      the saved HTML: cleaner vs trafilatura, readability-lxml, jusText
2. text      whole-page text copies (inscriptis): cleaner vs the page as it is, jusText on
             the lines, a C4-style line filter
3. markdown  the same four methods on whole-page markdown copies (html2text)

docs/s counts each method's own processing time only (one untimed warm-up call first; making
the text copies is not counted). cleaner runs with its built-in site rules on, and the script
fails if any of them fires, so the figures measure the generic path.

WCXB (--bench wcxb; data ../shared/bench/wcxb, override with --wcxb-data DIR): 1,310 pages of
seven types, scored with that benchmark's metric (bag-of-words F1 over pages, With% / Without%
the share of a page's must-have / must-not-have snippets found; see bench/wcxb.py), overall and
by page type, on three tracks:

1. html        cleaner, trafilatura (defaults, and include_comments=False), readability-lxml
               (left out by --fast), jusText with the stoplist of the page's <html lang>
2. inscriptis  whole-page text copies: the same four methods as AEB's text track
3. html2text   whole-page markdown copies: the same four methods

The copies are cached (bench/wcxb.py). If bench/labels.py has oracle_text(page, source, fmt),
each track gets a row for it too. --track text / markdown name the WCXB copy tracks as well;
--json writes one bench's report, or {"aeb": ..., "wcxb": ...} for --bench all.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import common
import wcxb
from common import Page, Run, SiteRuleFired
from wcxb import WPage


@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[[object], str]
    source: Callable[[Page], object]  # what the method reads from a page (made before timing)
    needs: str | None = None  # an optional library; the method is skipped without it


@dataclass(frozen=True)
class Track:
    key: str
    title: str
    needs: str | None  # the library that makes the track's input
    methods: tuple[Method, ...]


def text_methods(
    cleaner: Callable[[str], str], source: Callable, rules_only: Callable[[str], str]
) -> tuple[Method, ...]:
    return (
        Method("cleaner", cleaner, source),
        Method("cleaner, rules only (model=False)", rules_only, source),
        Method("page as it is", common.identity, source),
        Method("jusText on paragraphs", common.justext_lines_method, source, "justext"),
        Method("C4-style line filter", common.c4_filter, source),
    )


def tracks() -> dict[str, Track]:
    html = Track(
        "html",
        "Track 1: HTML input",
        None,
        (
            Method("cleaner", common.cleaner_method("page.html"), lambda p: p.html),
            Method(
                "cleaner, html=extractor",
                common.cleaner_method("page.html", html="extractor"),
                lambda p: p.html,
            ),
            Method(
                "cleaner, html=blocks",
                common.cleaner_method("page.html", html="blocks"),
                lambda p: p.html,
            ),
            Method("trafilatura", common.trafilatura_method, lambda p: p.html, "trafilatura"),
            Method("readability-lxml", common.readability_method, lambda p: p.html, "readability"),
            Method("jusText", common.justext_method, lambda p: p.raw, "justext"),
        ),
    )
    text = Track(
        "text",
        "Track 2: text copies, plain (inscriptis)",
        "inscriptis",
        text_methods(
            common.cleaner_method("page.txt"),
            lambda p: p.text,
            common.cleaner_method("page.txt", model=False),
        ),
    )
    markdown = Track(
        "markdown",
        "Track 3: text copies, markdown (html2text)",
        "html2text",
        text_methods(
            common.cleaner_method("page.md"),
            lambda p: p.markdown,
            common.cleaner_method("page.md", model=False),
        ),
    )
    return {t.key: t for t in (html, text, markdown)}


# --- reporting ----------------------------------------------------------------------------------


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def print_table(title: str, rows: list[dict]) -> None:
    width = max([len("method"), *(len(r["method"]) for r in rows)])
    print(f"\n{title}")
    print(f"{'method':<{width}}  {'F1':>6}  {'precision':>9}  {'recall':>6}  {'docs/s':>10}")
    for r in rows:
        print(
            f"{r['method']:<{width}}  {r['f1']:>6.3f}  {r['precision']:>9.3f}  "
            f"{r['recall']:>6.3f}  {r['docs_per_s']:>10,.1f}"
        )
    for r in rows:
        if r["errors"]:
            print(f"note: {r['method']} failed on {r['errors']} page(s), counted as empty output")


def print_worst(pages: list, per_doc: list[dict], n: int, key: str = "sha") -> list[dict]:
    """cleaner's n worst pages; `key` names the page attribute that identifies it (AEB sha,
    WCXB id)."""
    ident = [getattr(p, key) for p in pages]
    order = sorted(range(len(pages)), key=lambda i: (per_doc[i]["f1"], ident[i]))[:n]
    worst = [{key: ident[i], "url": pages[i].url, **per_doc[i]} for i in order]
    print(f"\nworst {len(worst)} for cleaner by F1:")
    print(f"  {'F1':>5}  {'P':>5}  {'R':>5}  {key:<12}  url")
    for w in worst:
        print(f"  {w['f1']:5.3f}  {w['p']:5.3f}  {w['r']:5.3f}  {w[key][:12]:<12}  {w['url']}")
    return worst


def dump(
    root: Path, track: str, method: str, pages: list, outputs: list[str], key: str = "sha"
) -> None:
    folder = root / track / slug(method)
    folder.mkdir(parents=True, exist_ok=True)
    for page, out in zip(pages, outputs, strict=True):
        (folder / f"{getattr(page, key)}.txt").write_text(out, encoding="utf-8")


def finite(value: object) -> object:
    """The report with inf/nan (a method too fast to time) as null, so the JSON stays valid."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


DISTRIBUTIONS = ("cleaner", "trafilatura", "readability-lxml", "jusText", "inscriptis", "html2text")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in DISTRIBUTIONS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


# --- running ------------------------------------------------------------------------------------


def run_track(track: Track, pages: list[Page], args: argparse.Namespace) -> dict | None:
    if track.needs and common.missing(track.needs):
        print(f"\n{track.title}\nnote: {track.needs} is not installed; track skipped")
        return None
    labels = [f"page {p.sha} ({p.url})" for p in pages]
    if track.needs:  # make the text copies once, before any timing
        for page in pages:
            getattr(page, track.key)
        failed = [p.sha[:12] for p in pages if any(e.startswith(track.key) for e in p.copy_errors)]
        if failed:
            print(f"note: making the {track.key} copy failed for {len(failed)} page(s): {failed}")
    rows, methods = [], {}
    for method in track.methods:
        if method.needs and common.missing(method.needs):
            print(f"note: {method.needs} is not installed; skipping {method.name}")
            continue
        inputs = [method.source(p) for p in pages]
        run: Run = common.run_method(method.run, inputs, labels)
        scores = [common.score(out, p.truth) for out, p in zip(run.outputs, pages, strict=True)]
        f1, precision, recall = common.aggregate(scores)
        row = {
            "method": method.name,
            "f1": f1,
            "precision": precision,
            "recall": recall,
            "docs_per_s": run.docs_per_second,
            "seconds": run.seconds,
            "docs": len(pages),
            "errors": len(run.errors),
        }
        rows.append(row)
        methods[method.name] = {
            **row,
            "error_pages": {pages[i].sha: msg for i, msg in run.errors.items()},
            "per_doc": {
                p.sha: {"f1": s.f1, "p": s.precision, "r": s.recall}
                for p, s in zip(pages, scores, strict=True)
            },
        }
        if args.dump:
            dump(args.dump, track.key, method.name, pages, run.outputs)
    print_table(f"{track.title} — {len(pages)} pages", rows)
    result = {"title": track.title, "methods": methods}
    if args.worst and "cleaner" in methods:
        per_doc = [methods["cleaner"]["per_doc"][p.sha] for p in pages]
        result["worst_cleaner"] = print_worst(pages, per_doc, args.worst)
    return result


# --- WCXB ---------------------------------------------------------------------------------------

ORACLE = "oracle (units labelled article)"
OracleText = Callable[[WPage, str, str], str]


@dataclass(frozen=True)
class WTrack:
    key: str
    title: str
    renderer: str | None  # the text copy the track reads (wcxb.copies); None: the saved HTML
    name: str  # the file name cleaner is given, which tells it the format


WCXB_TRACKS = {
    t.key: t
    for t in (
        WTrack("html", "WCXB track 1: HTML input", None, "page.html"),
        WTrack(
            "inscriptis", "WCXB track 2: text copies, plain (inscriptis)", "inscriptis", "page.txt"
        ),
        WTrack(
            "html2text", "WCXB track 3: text copies, markdown (html2text)", "html2text", "page.md"
        ),
    )
}
# --track names either benchmark's tracks: text is the inscriptis copy, markdown the html2text one
AEB_KEYS = {"inscriptis": "text", "html2text": "markdown"}
WCXB_KEYS = {"text": "inscriptis", "markdown": "html2text"}


def wcxb_cleaner(name: str, **options) -> Callable[[str], str]:
    """cleaner as on AEB (site rules on, none may fire), scored on wcxb.body_only."""
    from cleaner import clean

    def run(source: str) -> str:
        result = clean(source, name=name, site_rules=True, **options)
        for removal in result.removed:
            if not common.GENERIC_CODE.fullmatch(removal.rule):
                raise SiteRuleFired(f"site rule {removal.rule} fired ({removal.reason})")
        return wcxb.body_only(result.text, result.title)

    return run


def load_oracle() -> OracleText | None:
    """bench/labels.py's oracle_text(page, source, fmt), when it is there."""
    try:
        from labels import oracle_text
    except ImportError:
        return None
    return oracle_text


def wcxb_methods(
    track: WTrack, source: Callable[[WPage], str], oracle: OracleText | None, fast: bool
) -> list[Method]:
    if track.renderer is None:
        html, raw = (lambda p: p.html), (lambda p: p.raw)
        methods = [
            Method("cleaner", wcxb_cleaner(track.name), html),
            Method("cleaner, html=extractor", wcxb_cleaner(track.name, html="extractor"), html),
            Method("cleaner, html=blocks", wcxb_cleaner(track.name, html="blocks"), html),
            Method("trafilatura", common.trafilatura_method, html, "trafilatura"),
            Method(
                "trafilatura include_comments=False",
                common.trafilatura_no_comments_method,
                html,
                "trafilatura",
            ),
            Method("readability-lxml", common.readability_method, html, "readability"),
            Method(
                "jusText (<html lang> stoplist)", common.justext_language_method, raw, "justext"
            ),
        ]
        if fast:
            methods = [m for m in methods if m.name != "readability-lxml"]
    else:
        methods = list(
            text_methods(wcxb_cleaner(track.name), source, wcxb_cleaner(track.name, model=False))
        )
    if oracle is not None:
        key = track.key
        methods.append(
            Method(ORACLE, lambda item: oracle(item[0], item[1], key), lambda p: (p, source(p)))
        )
    return methods


def pct(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{100 * value:.1f}"


def print_wcxb_tables(title: str, pages: list[WPage], rows: list[dict]) -> None:
    print(f"\n### {title} — {len(pages)} pages\n")
    common.markdown_table(
        ["method", "F1", "precision", "recall", "With%", "Without%", "docs/s"],
        [
            [
                r["method"],
                *(f"{r[k]:.3f}" for k in ("f1", "precision", "recall")),
                pct(r["with"]),
                pct(r["without"]),
                f"{r['docs_per_s']:,.1f}",
            ]
            for r in rows
        ],
    )
    counts = Counter(p.page_type for p in pages)
    counts["all"] = len(pages)
    columns = ("all", *wcxb.PAGE_TYPES)
    print(f"\nF1 by page type ({title}; pages of each type in brackets):\n")
    common.markdown_table(
        ["method", *(f"{c} ({counts[c]})" for c in columns)],
        [
            [
                r["method"],
                *(f"{r['by_type'][c]['f1']:.3f}" if c in r["by_type"] else "–" for c in columns),
            ]
            for r in rows
        ],
    )
    for r in rows:
        if r["errors"]:
            print(f"\nnote: {r['method']} failed on {r['errors']} page(s), counted as empty output")


def run_wcxb_track(
    track: WTrack, pages: list[WPage], args: argparse.Namespace, oracle: OracleText | None
) -> dict | None:
    if track.renderer and common.missing(track.renderer):
        print(f"\n{track.title}\nnote: {track.renderer} is not installed; track skipped")
        return None
    if track.renderer:  # make (or read from the cache) the text copies, before any timing
        copy = dict(zip([p.id for p in pages], wcxb.copies(pages, track.renderer), strict=True))
        empty = [p.id for p in pages if not copy[p.id].strip()]
        if empty:
            print(f"\nnote: the {track.renderer} copy is empty for {len(empty)} page(s): {empty}")

        def source(p: WPage) -> str:
            return copy[p.id]
    else:

        def source(p: WPage) -> str:
            return p.html

    labels = [f"page {p.id} ({p.url})" for p in pages]
    rows, methods = [], {}
    for method in wcxb_methods(track, source, oracle, args.fast):
        if method.needs and common.missing(method.needs):
            print(f"note: {method.needs} is not installed; skipping {method.name}")
            continue
        inputs = [method.source(p) for p in pages]
        run: Run = common.run_method(method.run, inputs, labels)
        scores = [wcxb.score(out, p) for out, p in zip(run.outputs, pages, strict=True)]
        types = wcxb.by_type(pages, scores)
        row = {
            "method": method.name,
            **types["all"],
            "docs_per_s": run.docs_per_second,
            "seconds": run.seconds,
            "docs": len(pages),
            "errors": len(run.errors),
            "by_type": types,
        }
        rows.append(row)
        methods[method.name] = {
            **row,
            "error_pages": {pages[i].id: msg for i, msg in run.errors.items()},
            "per_doc": {
                p.id: {
                    "type": p.page_type,
                    "f1": s.f1,
                    "p": s.precision,
                    "r": s.recall,
                    "with": s.with_,
                    "without": s.without,
                }
                for p, s in zip(pages, scores, strict=True)
            },
        }
        if args.dump:
            dump(args.dump / "wcxb", track.key, method.name, pages, run.outputs, key="id")
    print_wcxb_tables(track.title, pages, rows)
    result = {"title": track.title, "input": track.renderer or "html", "methods": methods}
    if args.worst and "cleaner" in methods:
        per_doc = [methods["cleaner"]["per_doc"][p.id] for p in pages]
        result["worst_cleaner"] = print_worst(pages, per_doc, args.worst, key="id")
    return result


# --- main ---------------------------------------------------------------------------------------


def speed_ratio(result: dict) -> None:
    """cleaner's HTML docs/s over trafilatura's, printed and kept in the track's result."""
    methods = result["methods"]
    if "cleaner" in methods and "trafilatura" in methods:
        ratio = methods["cleaner"]["docs_per_s"] / methods["trafilatura"]["docs_per_s"]
        result["cleaner_vs_trafilatura_speed"] = ratio
        print(f"\ncleaner docs/s ÷ trafilatura docs/s (HTML input): {ratio:.2f}×")


def run_aeb(data: Path, pages: list[Page], args: argparse.Namespace, found: dict) -> dict:
    if args.dump:
        truth = args.dump / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        for page in pages:
            (truth / f"{page.sha}.txt").write_text(page.truth, encoding="utf-8")
    chosen = tracks()
    keys = list(chosen) if args.track == "all" else [AEB_KEYS.get(args.track, args.track)]
    results: dict[str, dict] = {}
    for key in keys:
        result = run_track(chosen[key], pages, args)
        if result is None:
            continue
        results[key] = result
        if key == "html":
            speed_ratio(result)
    return {"data": str(data), "pages": len(pages), "versions": found, "tracks": results}


def run_wcxb(data: Path, pages: list[WPage], args: argparse.Namespace, found: dict) -> dict:
    print("\nWCXB metric: bag-of-words F1, precision, recall averaged over pages; With% (higher is")
    print("better) / Without% (lower is better): the share of a page's must-have / boilerplate")
    print("snippets found in the output.")
    oracle = load_oracle()
    if oracle is None:
        print("note: bench/labels.py has no oracle_text; the oracle row is left out")
    if args.dump:
        truth = args.dump / "wcxb" / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        for page in pages:
            (truth / f"{page.id}.txt").write_text(page.truth, encoding="utf-8")
    keys = list(WCXB_TRACKS) if args.track == "all" else [WCXB_KEYS.get(args.track, args.track)]
    results: dict[str, dict] = {}
    for key in keys:
        result = run_wcxb_track(WCXB_TRACKS[key], pages, args, oracle)
        if result is None:
            continue
        results[key] = result
        if key == "html":
            speed_ratio(result)
    return {
        "data": str(data),
        "pages": len(pages),
        "page_types": dict(Counter(p.page_type for p in pages)),
        "versions": found,
        "tracks": results,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="cleaner vs peers on the AEB and WCXB extraction benchmarks"
    )
    common.add_data_argument(parser)
    parser.add_argument(
        "--wcxb-data", metavar="DIR", help=f"WCXB data directory (default: {wcxb.DEFAULT_DATA})"
    )
    parser.add_argument(
        "--bench", choices=("aeb", "wcxb", "all"), default="aeb", help="default: aeb"
    )
    parser.add_argument(
        "--track",
        choices=("html", "text", "markdown", "inscriptis", "html2text", "all"),
        default="all",
        help="text = inscriptis copies, markdown = html2text copies, on either benchmark",
    )
    parser.add_argument(
        "--fast", action="store_true", help="leave out the slow peers (WCXB: readability-lxml)"
    )
    parser.add_argument(
        "--dump",
        type=Path,
        metavar="DIR",
        help="write every output to DIR/<track>/<method>/ (WCXB: DIR/wcxb/<track>/<method>/)",
    )
    parser.add_argument(
        "--worst", type=int, default=0, metavar="N", help="list cleaner's N worst pages per track"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    benches = ("aeb", "wcxb") if args.bench == "all" else (args.bench,)
    loaded: dict[str, tuple[Path, list]] = {}
    if "aeb" in benches:
        data = common.data_dir(args.data)
        loaded["aeb"] = (data, common.load_pages(data, args.limit))
    if "wcxb" in benches:
        data = wcxb.data_dir(args.wcxb_data)
        loaded["wcxb"] = (data, wcxb.load(data, args.limit))
    common.quiet_peers()
    found = versions()
    for bench, (data, pages) in loaded.items():
        print(f"{bench.upper()}: {len(pages)} pages from {data}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))

    runners = {"aeb": run_aeb, "wcxb": run_wcxb}
    reports: dict[str, dict] = {}
    try:
        for bench, (data, pages) in loaded.items():
            reports[bench] = runners[bench](data, pages, args, found)
    except SiteRuleFired as exc:
        msg = f"FAIL: a built-in site rule fired, so this is not the generic path: {exc}"
        print(f"\n{msg}", file=sys.stderr)
        return 1

    if args.json:
        report = reports if len(reports) > 1 else next(iter(reports.values()))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(finite(report), indent=2, ensure_ascii=False, allow_nan=False)
        args.json.write_text(text, encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
